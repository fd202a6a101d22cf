//! A client's progress notes, newest first. Only progress notes: psychotherapy
//! notes are never loaded here.

use std::cmp::Reverse;

use leptos::prelude::*;

use crate::domain::NoteSummary;

use super::common::format_minutes;

/// One row of the timeline.
#[derive(Clone)]
enum Entry {
    /// A stored note, as its index summarises it.
    Note(NoteSummary),
    /// A note that exists only as an unsaved buffer.
    Unsaved(NoteSummary),
    Damaged(String),
}

impl Entry {
    /// Newest first: by date of service, then start time, then last edit. A note
    /// without a date yet is being written now, so it comes first.
    fn sort_key(&self) -> impl Ord {
        match self {
            Entry::Note(n) | Entry::Unsaved(n) => (
                1u8,
                Reverse((
                    n.date_of_service.is_none(),
                    n.date_of_service,
                    n.start,
                    n.updated_at,
                )),
            ),
            Entry::Damaged(_) => (2, Reverse((false, None, None, crate::domain::Timestamp(0)))),
        }
    }
}

/// The timeline, drawn from the client's note index: no note is decrypted to
/// show it.
#[component]
pub fn Timeline(
    client_id: String,
    /// The client's notes, from their index.
    notes: Vec<NoteSummary>,
    /// Summaries of notes never committed, kept only as unsaved changes.
    new_drafts: Vec<NoteSummary>,
    /// Notes found not to open: shown as damaged in place of their summary.
    damaged: Signal<Vec<String>>,
) -> impl IntoView {
    let entries: Vec<Entry> = notes
        .into_iter()
        .map(Entry::Note)
        .chain(new_drafts.into_iter().map(Entry::Unsaved))
        .collect();

    move || {
        let damaged = damaged.get();
        let mut shown: Vec<Entry> = entries
            .iter()
            .map(|e| match e {
                Entry::Note(n) if damaged.contains(&n.id.0) => Entry::Damaged(n.id.0.clone()),
                other => other.clone(),
            })
            .collect();
        // Damaged notes whose client cannot be known show in every timeline.
        shown.extend(
            damaged
                .iter()
                .filter(|id| {
                    !entries
                        .iter()
                        .any(|e| matches!(e, Entry::Note(n) if n.id.0 == **id))
                })
                .map(|id| Entry::Damaged(id.clone())),
        );
        shown.sort_by_cached_key(|e| e.sort_key());

        if shown.is_empty() {
            return view! {
                <section aria-labelledby="timeline-heading">
                    <h2 id="timeline-heading">"Progress notes"</h2>
                    <p class="empty">"No progress notes yet. Start one with \u{201c}New progress note\u{201d}."</p>
                </section>
            }
            .into_any();
        }

        let rows = shown
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
                    let signed = Some(note.signed);
                    row(&client_id, &note, signed)
                }
                Entry::Unsaved(note) => row(&client_id, &note, None),
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
}

/// A note's row. `signed` is `None` for a note never saved.
///
/// A plain link, not the router's `<A>`: the router still handles the click,
/// and a long timeline mounts and unmounts without a reactive link per row.
fn row(client_id: &str, note: &NoteSummary, signed: Option<bool>) -> AnyView {
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
        note.template_name(),
        code,
        format_minutes(note.duration_minutes)
    );
    let badge = match signed {
        Some(true) => view! { <span class="badge badge--signed">"Signed"</span> }.into_any(),
        Some(false) => view! { <span class="badge">"Draft"</span> }.into_any(),
        None => view! { <span class="badge badge--late">"Unsaved draft"</span> }.into_any(),
    };
    let late = note.late_entry;
    let addenda = note.addenda;
    let conflict_copy = note.conflict_copy;
    let unsettled = note.unsettled;
    view! {
        <li class="timeline__item">
            <a href=href>
                <span class="timeline__main">
                    <strong class="timeline__date">{date}</strong>
                    <span class="muted">{details}</span>
                </span>
                <span class="timeline__badges">
                    {badge}
                    {late.then(|| view! { <span class="badge badge--late">"Late entry"</span> })}
                    {(addenda > 0).then(|| view! {
                        <span class="badge">{crate::ui::wording::count(addenda, "addendum", "addenda")}</span>
                    })}
                    {conflict_copy.then(|| view! {
                        <span class="badge badge--late">"Conflict copy"</span>
                    })}
                    {unsettled.then(|| view! {
                        <span class="badge badge--late">"Versions to settle"</span>
                    })}
                </span>
            </a>
        </li>
    }
    .into_any()
}
