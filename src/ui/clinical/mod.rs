//! The working day: clients, progress notes, psychotherapy notes, search.

use leptos::prelude::*;

/// The home screen: the client list.
#[component]
pub fn ClientsPage() -> impl IntoView {
    super::perf::mark(super::perf::CLIENTS_READY);
    view! { <h1>"Clients"</h1> }
}

/// A new client.
#[component]
pub fn ClientNewPage() -> impl IntoView {
    view! { <h1>"New client"</h1> }
}

/// Editing a client.
#[component]
pub fn ClientEditPage() -> impl IntoView {
    view! { <h1>"Edit client"</h1> }
}

/// One client: summary and timeline.
#[component]
pub fn ClientPage() -> impl IntoView {
    view! { <h1>"Client"</h1> }
}

/// One progress note.
#[component]
pub fn ProgressNotePage() -> impl IntoView {
    view! { <h1>"Progress note"</h1> }
}

/// A client's psychotherapy notes.
#[component]
pub fn PsychotherapyPage() -> impl IntoView {
    view! { <h1>"Psychotherapy notes"</h1> }
}
