//! What this browser offers of the platform features the app relies on, found
//! by feature detection (never by browser name), so that a missing one gets a
//! plain sentence or a fallback instead of an exception.
//!
//! | feature | used for | without it |
//! |---|---|---|
//! | `navigator.storage.persist` | asking the browser to keep the vault | the app cannot ask: it says so and urges backups |
//! | `navigator.storage.estimate` | "Using X of Y" in Settings | Settings says the browser does not report it |
//! | module workers | Argon2id off the main thread | the key is derived on the page, at once |
//! | service worker | starting offline | the app works online only, and says so |
//! | Web Locks | (nothing yet: cross-tab locking uses BroadcastChannel) | nothing changes |
//! | File System Access | (nothing: files are saved as downloads everywhere) | nothing changes |
//!
//! WebKit (every browser on an iPad) has no `persist`, no `estimate` and no
//! File System Access API. It also clears a site's storage after 7 days of use
//! without a visit, unless the site is on the Home Screen: [`install_state`].

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Which of the features above this browser has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// `navigator.storage.persist()` exists.
    pub persist: bool,
    /// `navigator.storage.estimate()` exists.
    pub estimate: bool,
    /// `new Worker(url, { type: "module" })` is understood.
    pub module_workers: bool,
    /// `navigator.serviceWorker` exists (it does not in an insecure context).
    pub service_worker: bool,
    /// `navigator.locks` exists.
    pub web_locks: bool,
    /// `window.showSaveFilePicker` exists.
    pub file_system_access: bool,
}

/// Detects every feature in the table. Cheap: no request, no worker started.
pub fn detect() -> Capabilities {
    let navigator = web_sys::window().map(|w| JsValue::from(w.navigator()));
    let storage = navigator.as_ref().and_then(|n| defined(n, "storage"));
    Capabilities {
        persist: storage.as_ref().is_some_and(|s| is_function(s, "persist")),
        estimate: storage.as_ref().is_some_and(|s| is_function(s, "estimate")),
        module_workers: module_workers(),
        service_worker: navigator
            .as_ref()
            .is_some_and(|n| defined(n, "serviceWorker").is_some()),
        web_locks: navigator
            .as_ref()
            .is_some_and(|n| defined(n, "locks").is_some()),
        file_system_access: web_sys::window()
            .is_some_and(|w| is_function(&w.into(), "showSaveFilePicker")),
    }
}

/// Whether the page can start a module worker.
///
/// The usual check: a browser that knows `WorkerOptions.type` reads it while
/// converting the options, which happens before the URL is parsed. The URL
/// here cannot be parsed, so nothing is fetched and no worker starts.
pub fn module_workers() -> bool {
    if web_sys::window()
        .and_then(|w| defined(&w.into(), "Worker"))
        .is_none()
    {
        return false;
    }
    let read = Rc::new(Cell::new(false));
    let flag = Rc::clone(&read);
    let getter = Closure::<dyn FnMut() -> JsValue>::new(move || {
        flag.set(true);
        JsValue::from_str("module")
    });
    let descriptor = Object::new();
    let options = Object::new();
    if Reflect::set(&descriptor, &"get".into(), getter.as_ref()).is_err() {
        return false;
    }
    Object::define_property(&options, &"type".into(), &descriptor);
    // Throws a SyntaxError for the URL: only whether the getter ran matters.
    let _ = web_sys::Worker::new_with_options("http://[", options.unchecked_ref());
    read.get()
}

/// Whether the app runs on WebKit (Safari, and every browser on an iPad or
/// iPhone). WebKit is the one engine that reports Apple as the vendor.
pub fn is_webkit() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"vendor".into()).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|v| v.starts_with("Apple"))
}

/// Whether the app was opened from the Home Screen (or as an installed app),
/// rather than in a browser tab.
pub fn is_installed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let standalone = Reflect::get(&window, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&window, &"(display-mode: standalone)".into()).ok())
        .and_then(|list| Reflect::get(&list, &"matches".into()).ok())
        .is_some_and(|m| m.is_truthy());
    // Older iOS reports a Home Screen start only here.
    let ios_standalone = Reflect::get(&window.navigator(), &"standalone".into())
        .ok()
        .is_some_and(|v| v.as_bool() == Some(true));
    standalone || ios_standalone
}

/// How the vault's storage is kept, as far as the app can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallState {
    /// Not WebKit, or already on the Home Screen: no 7-day rule applies.
    NoDeadline,
    /// WebKit in a browser tab: the site's data is cleared after 7 days of
    /// browser use without a visit.
    WebKitTab,
}

/// Whether WebKit's 7-day rule applies to this page.
pub fn install_state() -> InstallState {
    if is_webkit() && !is_installed() {
        InstallState::WebKitTab
    } else {
        InstallState::NoDeadline
    }
}

fn defined(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &name.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn is_function(target: &JsValue, name: &str) -> bool {
    defined(target, name).is_some_and(|v| v.is_function())
}
