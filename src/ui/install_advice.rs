//! WebKit's 7-day rule, said once and plainly, with the way around it.
//!
//! Safari (and every browser on an iPad, all of which are WebKit) deletes a
//! site's stored data after 7 days of browser use without a visit, unless the
//! site was added to the Home Screen. There is no install prompt to offer: the
//! therapist has to do it by hand. So on the home screen, in a WebKit tab, the
//! app explains it once; after "Got it", a one-line reminder stays until the
//! app is opened from the Home Screen.

use leptos::prelude::*;

use crate::vault::capabilities::{install_state, InstallState};

/// Remembers that the explanation was read. Holds nothing but "1".
const SEEN_KEY: &str = "psynotes.install-advice-seen";

/// The explanation, or the short reminder; nothing outside a WebKit tab.
#[component]
pub fn InstallAdvice() -> impl IntoView {
    if install_state() == InstallState::NoDeadline {
        return ().into_any();
    }
    let seen = RwSignal::new(was_seen());
    let dismiss = move |_| {
        remember_seen();
        seen.set(true);
    };
    let reminder = || {
        view! {
            <p class="notice" role="note">
                "Psynotes is not on your Home Screen yet, so this browser may delete your notes after 7 days without a visit. Back up often. "
                <a href="/records">"Back up now"</a>
            </p>
        }
    };
    view! {
        <Show when=move || !seen.get() fallback=reminder>
            <section class="card notice" aria-labelledby="install-advice-heading">
                <h2 id="install-advice-heading">"Add Psynotes to your Home Screen"</h2>
                <p>"Safari, and every browser on an iPad or iPhone, deletes what a website has stored when you have not opened it for 7 days of browsing. Your notes are stored that way."</p>
                <p>"Opened from the Home Screen, Psynotes is kept like an app, and that rule does not apply."</p>
                <ol aria-label="How to add Psynotes to the Home Screen">
                    <li>"If you already have notes here, download an encrypted backup first: the Home Screen app starts with its own, empty storage."</li>
                    <li>"Tap Share (the square with an arrow), then Add to Home Screen. On a Mac: File, then Add to Dock."</li>
                    <li>"Open Psynotes from its new icon, and restore your backup there."</li>
                </ol>
                <p>"Until then, download an encrypted backup often."</p>
                <button type="button" on:click=dismiss>"Got it"</button>
            </section>
        </Show>
    }
    .into_any()
}

fn was_seen() -> bool {
    // Private browsing may refuse storage: then the explanation shows again.
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(SEEN_KEY).ok().flatten())
        .is_some()
}

fn remember_seen() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(SEEN_KEY, "1");
    }
}
