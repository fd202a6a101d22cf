//! A client's progress notes, newest first. Only progress notes: psychotherapy
//! notes are never loaded here.

use std::cmp::Reverse;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{ProgressNote, ProgressNoteDraft, Timestamp};
use crate::vault::drafts::DraftBuffer;
use crate::vault::repository::{Loaded, Stored};

use super::common::format_minutes;

/// One row of the timeline.
enum Entry {
    Note(ProgressNote),
    /// A note that exists only as an unsaved buffer.
    Unsaved(ProgressNoteDraft),
    Damaged(String),
}

impl Entry {
    /// Newest first: by date of service, then start time, then last edit. A note
    /// without a date yet is being written now, so it comes first.
    fn sort_key(&self) -> impl Ord {
        let content = match self {
            Entry::Note(note) => Some(note.content()),
            Entry::Unsaved(draft) => Some(draft),
            Entry::Damaged(_) => None,
        };
        match content {
            Some(c) => (
                1u8,
                Reverse((
                    c.date_of_service.is_none(),
                    c.date_of_service,
                    c.start,
                    c.updated_at,
                )),
            ),
            None => (2, Reverse((false, None, None, Timestamp(0)))),
        }
    }
}

/// The timeline.
#[component]
pub fn Timeline(
    client_id: String,
    notes: Vec<Loaded<ProgressNote>>,
    new_drafts: Vec<Stored<DraftBuffer>>,
) -> impl IntoView {
    let mut entries: Vec<Entry> = notes
        .into_iter()
        .map(|n| match n {
            Loaded::Ok(s) => Entry::Note(s.value),
            Loaded::Damaged { id } => Entry::Damaged(id),
        })
        .chain(new_drafts.into_iter().map(|b| Entry::Unsaved(b.value.note)))
        .collect();
    entries.sort_by_cached_key(|e| e.sort_key());

    if entries.is_empty() {
        return view! {
            <section aria-labelledby="timeline-heading">
                <h2 id="timeline-heading">"Progress notes"</h2>
                <p class="empty">"No progress notes yet. Start one with \u{201c}New progress note\u{201d}."</p>
            </section>
        }
        .into_any();
    }

    let rows = entries
        .into_iter()
        .map(|entry| match entry {
            Entry::Damaged(id) => {
                let short: String = id.chars().take(8).collect();
                view! {
                    <li class="timeline__item">
                        <span class="list__item">
                            <span class="badge badge--damaged">"Damaged record"</span>
                            <span class="muted">{format!("Progress note {short}… cannot be opened. Restore it from a backup.")}</span>
                        </span>
                    </li>
                }
                .into_any()
            }
            Entry::Note(note) => {
                let signed = note.as_signed();
                let late = signed.is_some_and(|s| s.late_entry().is_some());
                let addenda = signed.map_or(0, |s| s.addenda().len());
                row(&client_id, note.content(), Some(note.is_signed()), late, addenda)
            }
            Entry::Unsaved(draft) => row(&client_id, &draft, None, false, 0),
        })
        .collect_view();

    view! {
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Progress notes"</h2>
            <ol class="list timeline" aria-label="Progress notes, newest first">{rows}</ol>
        </section>
    }
    .into_any()
}

/// A note's row. `signed` is `None` for a note never saved.
fn row(
    client_id: &str,
    note: &ProgressNoteDraft,
    signed: Option<bool>,
    late: bool,
    addenda: usize,
) -> AnyView {
    let href = format!("/clients/{client_id}/notes/{}", note.id);
    let date = note
        .date_of_service
        .map_or_else(|| "No date yet".to_owned(), |d| d.to_string());
    let code = note
        .service_code
        .as_ref()
        .map_or_else(|| "no service code".to_owned(), |c| c.code().to_owned());
    let details = format!(
        "{} · {} · {}",
        note.template,
        code,
        format_minutes(note.duration_minutes())
    );
    let badge = match signed {
        Some(true) => view! { <span class="badge badge--signed">"Signed"</span> }.into_any(),
        Some(false) => view! { <span class="badge">"Draft"</span> }.into_any(),
        None => view! { <span class="badge badge--late">"Unsaved draft"</span> }.into_any(),
    };
    view! {
        <li class="timeline__item">
            <A href=href>
                <span class="timeline__main">
                    <strong class="timeline__date">{date}</strong>
                    <span class="muted">{details}</span>
                </span>
                <span class="timeline__badges">
                    {badge}
                    {late.then(|| view! { <span class="badge badge--late">"Late entry"</span> })}
                    {(addenda > 0).then(|| view! {
                        <span class="badge">{if addenda == 1 { "1 addendum".to_owned() } else { format!("{addenda} addenda") }}</span>
                    })}
                </span>
            </A>
        </li>
    }
    .into_any()
}
