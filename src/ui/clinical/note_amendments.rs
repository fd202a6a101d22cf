//! The amendment requests decided about a signed note, shown with it: a
//! denial with the client's statement of disagreement and any rebuttal, or an
//! acceptance naming its addendum (45 CFR 164.526(d)). The same words as every
//! copy of the note carries ([`print_amendment`]).

use leptos::prelude::*;

use crate::domain::rights::outcomes_for_note;
use crate::domain::ProgressNoteId;
use crate::export::print_amendment;
use crate::ui::session_context::use_session;

/// Nothing when no decided request concerns the note.
#[component]
pub fn NoteAmendments(note_id: ProgressNoteId) -> impl IntoView {
    let session = use_session();
    let ledger = LocalResource::new(move || {
        session.received.track();
        async move { session.vault().rights_ledger().await }
    });
    move || {
        let outcomes = match ledger.get()? {
            Ok(ledger) => outcomes_for_note(&ledger.requests, &note_id),
            Err(e) => return Some(
                view! {
                    <p class="alert" role="alert">
                        {format!("The amendment requests about this note could not be read. {e}")}
                    </p>
                }
                .into_any(),
            ),
        };
        (!outcomes.is_empty()).then(|| {
            view! {
                <section class="card" aria-labelledby="note-amendments-heading">
                    <h2 id="note-amendments-heading">"Amendment requests"</h2>
                    <p class="field-hint">
                        "The client's requests to amend this note, and what was decided. They go with the note in every copy."
                    </p>
                    {outcomes
                        .iter()
                        .map(print_amendment)
                        .map(|a| view! {
                            <h3>{a.heading}</h3>
                            <dl class="request__summary">
                                {a.lines.into_iter().map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> }).collect_view()}
                            </dl>
                        })
                        .collect_view()}
                </section>
            }
            .into_any()
        })
    }
}
