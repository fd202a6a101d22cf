//! Showing that slow work (the key derivation, a backup) is under way.

use leptos::prelude::*;

/// Waits until the browser has painted, so a progress indicator set just before
/// is visible while the main thread then does a long piece of work.
pub async fn next_frame() {
    // Two timer turns: the first lets Leptos flush the DOM, the second lets the
    // browser paint it.
    gloo::timers::future::TimeoutFuture::new(0).await;
    gloo::timers::future::TimeoutFuture::new(16).await;
}

/// An indeterminate progress bar with a label, shown while `when` is true.
#[component]
pub fn Busy(
    /// Whether to show.
    #[prop(into)]
    when: Signal<bool>,
    /// What is happening, e.g. "Unlocking…".
    label: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || when.get()>
            <div class="busy" role="status">
                <p>{label}</p>
                <div class="progress">
                    <div class="progress__bar"></div>
                </div>
            </div>
        </Show>
    }
}
