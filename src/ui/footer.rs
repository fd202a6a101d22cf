//! The footer: the build, and what leaves this device.

use leptos::prelude::*;

/// The version shown in the footer: the crate version and, when built by the
/// Makefile, the commit. It never contains user data.
pub const BUILD_VERSION: &str = match option_env!("PSYNOTES_BUILD") {
    Some(build) => build,
    None => "dev",
};

/// Whether sealed records are leaving this device for the clinic's sync
/// server, so the footer's promise stays true. The unlocked shell sets it
/// while sync runs; a locked vault never syncs.
#[derive(Clone, Copy)]
pub struct SyncInUse(pub RwSignal<bool>);

impl SyncInUse {
    /// Puts the flag in context, off, for the whole app.
    pub fn provide() {
        provide_context(SyncInUse(RwSignal::new(false)));
    }
}

/// The build and the promise about the network.
#[component]
pub fn Footer() -> impl IntoView {
    let in_use = use_context::<SyncInUse>().map(|SyncInUse(on)| on);
    let promise = move || {
        if in_use.is_some_and(|on| on.get()) {
            "Works offline. Only sealed records leave this device, for your clinic's sync server."
        } else {
            "Works offline. Nothing leaves this device."
        }
    };
    view! {
        <footer class="shell__footer">
            <span>"Psynotes " {env!("CARGO_PKG_VERSION")} " (" {BUILD_VERSION} ")"</span>
            <span>{promise}</span>
        </footer>
    }
}
