//! The questionnaire results a progress note includes: those given on the
//! note's date of service, each with a tick. An included result is copied into
//! the note ([`IncludedResult`]) and, once signed, covered by its signature.

use leptos::prelude::*;

use crate::domain::{includable, Date, IncludedResult, ProgressNoteDraft};
use crate::ui::clock::today;
use crate::ui::session_context::use_session;

use super::note_form::NoteForm;

/// The day's results, or nothing when none were given that day and the note
/// includes none.
#[component]
pub fn IncludedResults(form: NoteForm) -> impl IntoView {
    let session = use_session();
    let client_id = form.draft.with_untracked(|d| d.client_id.0.clone());
    // A note without a date yet is about today.
    let date = Memo::new(move |_| form.draft.with(|d| d.date_of_service).unwrap_or_else(today));
    let results = LocalResource::new(move || {
        let client_id = client_id.clone();
        async move {
            session
                .vault()
                .measures_for(&client_id)
                .await
                .map(|m| m.results)
                .map_err(|e| e.to_string())
        }
    });
    let offered = move || -> Result<Vec<IncludedResult>, String> {
        let results = results.get().unwrap_or_else(|| Ok(Vec::new()))?;
        Ok(form
            .draft
            .with(|d| includable(&results, date.get(), &d.measure_results)))
    };
    move || {
        match offered() {
        Err(e) => Some(
            view! {
                <section class="card" aria-labelledby="results-heading">
                    <h2 id="results-heading">{ProgressNoteDraft::MEASURE_RESULTS_LABEL}</h2>
                    <p class="alert" role="alert">
                        {format!("The questionnaire results could not be read, so none can be included. {e}")}
                    </p>
                </section>
            }
            .into_any(),
        ),
        Ok(offered) if offered.is_empty() => None,
        Ok(offered) => Some(
            view! {
                <section class="card" aria-labelledby="results-heading">
                    <h2 id="results-heading">{ProgressNoteDraft::MEASURE_RESULTS_LABEL}</h2>
                    <fieldset class="subform">
                        <legend>"Include in this note"</legend>
                        {offered.into_iter().map(|result| view! { <ResultTick form=form result=result date=date /> }).collect_view()}
                    </fieldset>
                </section>
            }
            .into_any(),
        ),
    }
    }
}

/// One result and its tick; a result of another day than `date` (the note's
/// date of service moved after it was included) says so, and signing refuses
/// it.
#[component]
fn ResultTick(form: NoteForm, result: IncludedResult, date: Memo<Date>) -> impl IntoView {
    let label = result.describe();
    let given_on = result.administered_on;
    let other_day = move || date.get() != given_on;
    let id = result.result_id.clone();
    let included = {
        let id = id.clone();
        move || {
            form.draft
                .with(|d| d.measure_results.iter().any(|r| r.result_id == id))
        }
    };
    let hint_id = format!("result-other-day-{}", result.result_id);
    let result = StoredValue::new(result);
    view! {
        <label class="row check">
            <input
                type="checkbox"
                class="checkbox"
                aria-describedby={
                    let hint_id = hint_id.clone();
                    move || other_day().then(|| hint_id.clone())
                }
                prop:checked=included
                on:change:target=move |ev| {
                    let on = ev.target().checked();
                    form.edit(|d| {
                        d.measure_results.retain(|r| r.result_id != id);
                        if on {
                            d.measure_results.push(result.get_value());
                        }
                    });
                }
            />
            <span>{label}</span>
        </label>
        <Show when=other_day>
            <p class="field-hint" id=hint_id.clone()>
                "Given on another day than this note: untick it, or correct the note's date."
            </p>
        </Show>
    }
}
