//! The questionnaire risk flags a progress note must address: those of results
//! given since the client's previous signed note, up to this note's date of
//! service (see [`flags_to_address`]). Shown at the top of the note's risk
//! section, with the item, the answer and the prompt for the safety plan.

use leptos::prelude::*;

use crate::domain::measure::flags_to_address;
use crate::ui::clock::today;
use crate::ui::session_context::use_session;

use super::note_form::NoteForm;
use super::risk_flag_words::{addressed_before, flag_line};

/// The flags due in this note, or nothing.
#[component]
pub fn NoteMeasureFlags(form: NoteForm) -> impl IntoView {
    let session = use_session();
    let (client_id, note_id) = form
        .draft
        .with_untracked(|d| (d.client_id.0.clone(), d.id.0.clone()));
    // A note without a date yet is about today.
    let note_date =
        Memo::new(move |_| form.draft.with(|d| d.date_of_service).unwrap_or_else(today));
    let flags = LocalResource::new(move || {
        let (client_id, note_id) = (client_id.clone(), note_id.clone());
        let date = note_date.get();
        async move {
            let vault = session.vault();
            let Ok(measures) = vault.measures_for(&client_id).await else {
                return Vec::new();
            };
            let previous = vault
                .last_signed_note(&client_id, &note_id, Some(date))
                .await;
            let included: Vec<String> = previous
                .iter()
                .flat_map(|n| n.content().measure_results.iter())
                .map(|r| r.result_id.clone())
                .collect();
            let previous = previous.and_then(|n| n.date_of_service());
            flags_to_address(
                &measures.results,
                addressed_before(previous),
                date,
                &included,
            )
            .into_iter()
            .map(|(result, flag)| flag_line(result, flag))
            .collect::<Vec<String>>()
        }
    });
    move || {
        let flags = flags.get().unwrap_or_default();
        (!flags.is_empty()).then(|| {
            view! {
                <section class="risk-flag" aria-labelledby="note-risk-flag-title">
                    <p class="risk-flag__title" id="note-risk-flag-title">"Questionnaire risk flag"</p>
                    <ul>{flags.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}
