//! The user interface: Leptos components, pages, routing, and the timers that
//! belong to the screen (idle lock, autosave).
//!
//! This layer never sees ciphertext, keys or IndexedDB. It talks to the
//! [`crate::vault`] services and renders domain types, always as text.

mod app;
mod browser_support;
mod clinical;
mod download;
mod first_run;
mod gate;
mod idle;
mod install_advice;
mod outcome;
mod perf;
mod print_page;
mod private_text;
mod progress;
mod pwa;
mod records_page;
mod restore_screen;
pub mod session;
mod settings_page;
mod unlock_screen;
mod unlocked;

pub use app::App;

/// Mounts the app into `#app`. Called once from `main`.
pub fn start() {
    // The KDF worker loads this same module: there is no page to mount there.
    if web_sys::window().is_none() {
        return;
    }
    // Panic messages help while developing; release builds abort on panic and
    // boot.js shows the friendly failure screen instead.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();

    let Some(root) = leptos::prelude::document()
        .get_element_by_id("app")
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
    else {
        return;
    };
    leptos::mount::mount_to(root, App).forget();
}
