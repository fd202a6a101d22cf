//! Work that one tab at a time may do, through the Web Locks API.
//!
//! Unlocking is serialised across tabs: with one lock held while the KDF runs,
//! a tab that is refused waits for the tab before it to count its failure, so
//! the wrong-passphrase back-off applies across tabs as it does in one. The
//! counter itself is also raised in one transaction before the KDF (see
//! [`super::unlock`]), so it holds even where the browser has no Web Locks:
//! then the work simply runs.

use std::future::Future;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Runs `work` while holding the exclusive lock `name`, shared by every tab of
/// this origin. Without Web Locks (or if the request is refused), runs it
/// unguarded.
pub(in crate::vault) async fn exclusively<T>(name: &str, work: impl Future<Output = T>) -> T {
    let Some(locks) = lock_manager() else {
        return work.await;
    };
    let Ok(request) =
        Reflect::get(&locks, &"request".into()).and_then(|f| f.dyn_into::<Function>())
    else {
        return work.await;
    };
    // `granted` resolves when the browser hands us the lock; the lock is held
    // until the promise the callback returned (`held`) settles.
    let mut release: Option<Function> = None;
    let held = Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut on_grant: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _| on_grant = Some(resolve));
    let (Some(release), Some(on_grant)) = (release, on_grant) else {
        return work.await;
    };
    let callback = {
        let held = held.clone();
        Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            let _ = on_grant.call0(&JsValue::NULL);
            held.into()
        })
    };
    let requested = request.call2(&locks, &JsValue::from_str(name), &callback);
    let Ok(requested) = requested.and_then(|p| p.dyn_into::<Promise>()) else {
        return work.await;
    };
    // A refused request (a sandboxed frame, say) settles `requested` with an
    // error without ever granting: do not wait for the lock then.
    // One closure for both outcomes: exactly one of them calls it, once.
    let settled = Closure::once_into_js(|_: JsValue| JsValue::FALSE);
    let refused = Reflect::get(&requested, &"then".into())
        .and_then(|then| then.dyn_into::<Function>())
        .and_then(|then| then.call2(&requested, &settled, &settled))
        .unwrap_or_else(|_| granted.clone().into());
    let _ = JsFuture::from(Promise::race(&js_sys::Array::of2(&granted, &refused))).await;
    let result = work.await;
    let _ = release.call0(&JsValue::NULL);
    result
}

fn lock_manager() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}
