//! The application shell: the update banner, the vault gate and the footer.
//! Tablet first; see `style/main.css`.

use leptos::prelude::*;
use leptos_router::components::Router;

use super::flush::Flushers;
use super::footer::{Footer, SyncInUse};
use super::gate::VaultGate;
use super::pwa::UpdateBanner;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    // Above the gate, so the update banner can save open editors before it reloads.
    Flushers::provide();
    SyncInUse::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="shell">
                <UpdateBanner />
                <VaultGate />
                <Footer />
            </div>
        </Router>
    }
}
