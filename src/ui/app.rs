//! The application shell: the vault gate, and the footer with the build version.
//! Tablet first; see `style/main.css`.

use leptos::prelude::*;
use leptos_router::components::Router;

use super::flush::Flushers;
use super::gate::VaultGate;
use super::pwa::UpdateBanner;

/// The version shown in the footer: the crate version and, when built by the
/// Makefile, the commit. It never contains user data.
pub const BUILD_VERSION: &str = match option_env!("PSYNOTES_BUILD") {
    Some(build) => build,
    None => "dev",
};

/// Whether sealed records are leaving this device for the clinic's sync
/// server, so the footer's promise stays true: set by the unlocked shell while
/// sync runs (a locked vault never syncs).
#[derive(Clone, Copy)]
pub struct SyncInUse(pub RwSignal<bool>);

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    // Above the gate, so the update banner can save open editors before it reloads.
    Flushers::provide();
    let sync_in_use = RwSignal::new(false);
    provide_context(SyncInUse(sync_in_use));
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="shell">
                <UpdateBanner />
                <VaultGate />
                <footer class="shell__footer">
                    <span>"Psynotes " {env!("CARGO_PKG_VERSION")} " (" {BUILD_VERSION} ")"</span>
                    <span>
                        {move || if sync_in_use.get() {
                            "Works offline. Only sealed records leave this device, for your clinic's sync server."
                        } else {
                            "Works offline. Nothing leaves this device."
                        }}
                    </span>
                </footer>
            </div>
        </Router>
    }
}
