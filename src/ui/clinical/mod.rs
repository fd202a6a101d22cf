//! The working day: clients, progress notes, psychotherapy notes, search.
//!
//! One file per concept:
//! - [`client_list`]: the home screen (clients by last session, notes to sign) and
//!   [`search`] (client names and progress-note text, highlighted);
//! - [`client_form`]: new and edit client, archive, delete;
//! - [`client_page`]: one client's summary and record tabs, and [`timeline`].
//!
//! Everything the person typed is rendered as text; ids are the only user-made
//! values in URLs.

use leptos::prelude::*;

mod client_form;
mod client_list;
mod client_page;
mod common;
mod search;
mod timeline;

pub use client_form::{ClientEditPage, ClientNewPage};
pub use client_list::ClientsPage;
pub use client_page::ClientPage;

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
