//! Settings' "This browser": what works differently here, in plain words.
//! Storage persistence and usage are said by the storage card itself.

use leptos::prelude::*;

use crate::vault::capabilities::{detect, install_state, InstallState};

/// A sentence for each missing feature that changes what the user meets.
#[component]
pub fn BrowserSupport() -> impl IntoView {
    let caps = detect();
    let mut differences: Vec<&'static str> = Vec::new();
    if install_state() == InstallState::WebKitTab {
        differences.push("It deletes this site's data after 7 days without a visit, until Psynotes is opened from the Home Screen.");
    }
    if !caps.module_workers {
        differences.push("It cannot check the passphrase in the background: the screen may pause for a moment while unlocking.");
    }
    if !caps.service_worker {
        differences.push("It cannot keep Psynotes for use offline from this address: open it over HTTPS, and not in a private window.");
    }
    view! {
        <section class="card" aria-labelledby="browser-heading">
            <h2 id="browser-heading">"This browser"</h2>
            {if differences.is_empty() {
                view! { <p>"Psynotes can use everything it needs in this browser."</p> }.into_any()
            } else {
                view! {
                    <p>"Psynotes works here, with these differences:"</p>
                    <ul aria-label="Differences in this browser">
                        {differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}
