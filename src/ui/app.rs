//! The application shell: header, the current screen, and the footer with the
//! build version. Tablet first; see `style/main.css`.

use leptos::prelude::*;

use super::pwa::UpdateBanner;

/// The version shown in the footer: the crate version and, when built by the
/// Makefile, the commit. It never contains user data.
pub const BUILD_VERSION: &str = match option_env!("PSYNOTES_BUILD") {
    Some(build) => build,
    None => "dev",
};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="shell">
            <header class="shell__header">
                <span class="shell__name">"Psynotes"</span>
            </header>
            <UpdateBanner />
            <main class="shell__main" id="main">
                <h1>"Psynotes"</h1>
                <p>"Encrypted progress notes and psychotherapy notes, kept apart, on this device only."</p>
            </main>
            <footer class="shell__footer">
                <span>"Psynotes " {env!("CARGO_PKG_VERSION")} " (" {BUILD_VERSION} ")"</span>
                <span>"Works offline. Nothing leaves this device."</span>
            </footer>
        </div>
    }
}
