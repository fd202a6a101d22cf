//! The user interface: Leptos components, pages, routing, and the timers that
//! belong to the screen (idle lock, autosave).
//!
//! This layer never sees ciphertext, keys, revisions or IndexedDB. Before
//! unlock it asks the vault's door ([`gate`]); after, it holds the open vault
//! and the editing handles it gives out, and renders domain types, always as
//! text.
//!
//! - Before the app: [`gate`] with [`gate_state`], and one file per screen.
//! - The app: [`unlocked`] (navigation and routes), [`session_context`], the
//!   pages ([`clinical`], [`settings_page`], [`backup_page`], [`print_page`]).
//! - Shared: [`idle`] (auto-lock and the privacy cover), [`flush`], [`clock`],
//!   [`busy`], [`outcome`], [`wording`], [`pwa`], [`footer`].

mod app;
mod backup_page;
mod browser_support;
mod busy;
mod clinical;
mod clock;
mod custodian_copy_screen;
mod custodian_key_settings;
mod download;
mod export_files;
mod first_run;
mod flush;
mod footer;
mod gate;
mod gate_state;
mod idle;
mod install_advice;
mod join_screen;
mod new_passphrase_screen;
mod outcome;
mod perf;
mod print_page;
mod private_text;
mod pwa;
mod recovery_key_screen;
mod restore_screen;
mod session_context;
mod settings_page;
mod sync_settings;
mod templates_page;
mod unlock_screen;
mod unlocked;
mod wording;

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
