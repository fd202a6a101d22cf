//! The one-line result of an action: a status when it worked, an alert (which
//! screen readers announce at once) when it did not.

use leptos::prelude::*;

/// A success line or an alert; nothing while `status` is `None`.
#[component]
pub fn Outcome(#[prop(into)] status: Signal<Option<Result<String, String>>>) -> impl IntoView {
    move || {
        status.get().map(|s| match s {
            Ok(m) => view! { <p class="status status--ok" role="status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="alert" role="alert">{m}</p> }.into_any(),
        })
    }
}
