//! The working day: clients, progress notes, psychotherapy notes, search.
//!
//! One file per concept:
//! - [`client_list`]: the home screen (clients by last session, notes to sign) and
//!   [`search`] (client names and progress-note text, highlighted);
//! - [`client_form`]: new and edit client, archive, delete;
//! - [`client_page`]: one client's summary and record tabs, and [`timeline`];
//! - [`progress_note_editor`]: opening a note and editing a draft, with
//!   [`session_fields`], [`risk_fields`], [`section_field`], [`sign`] and
//!   [`autosave`]; a signed note is shown by [`signed_note`] with [`addenda`];
//! - [`psychotherapy`]: the private notes tab, kept apart from all of the above.
//!
//! Everything the person typed is rendered as text; ids are the only user-made
//! values in URLs.

mod addenda;
mod autosave;
mod client_form;
mod client_list;
mod client_page;
mod common;
mod progress_note_editor;
mod psychotherapy;
mod risk_fields;
mod search;
mod section_field;
mod session_fields;
mod sign;
mod signed_note;
mod timeline;

pub use client_form::{ClientEditPage, ClientNewPage};
pub use client_list::ClientsPage;
pub use client_page::ClientPage;
pub use progress_note_editor::ProgressNotePage;
pub use psychotherapy::PsychotherapyPage;
