//! The discharge summary's form: why treatment ended, the course of treatment
//! (dates and services, filled in from the signed notes), each goal's outcome,
//! diagnoses at discharge, referrals and aftercare, and the first and latest
//! questionnaire scores (filled in from the results).
//!
//! It edits the [`DischargeSummary`] inside the note's draft. Signing the note
//! marks the client discharged (see `sign.rs`).

use leptos::prelude::*;

use crate::domain::course_of_care::discharge::{DischargeReason, GoalOutcome};
use crate::domain::course_of_care::from_record::{course_of_treatment, measure_changes};
use crate::domain::course_of_care::DischargeSummary;
use crate::domain::icd10::CodedDiagnosis;
use crate::domain::{Client, CourseDocument, Date};
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;

use super::diagnosis_picker::DiagnosisPicker;
use super::document_fields::{field_id, DocText};
use super::note_form::NoteForm;

const OUTCOMES: [GoalOutcome; 4] = [
    GoalOutcome::Met,
    GoalOutcome::PartiallyMet,
    GoalOutcome::NotMet,
    GoalOutcome::Discontinued,
];

fn read<T: Default>(form: NoteForm, f: impl Fn(&DischargeSummary) -> T) -> T {
    form.draft.with(|d| match &d.document {
        Some(CourseDocument::Discharge(summary)) => f(summary),
        _ => T::default(),
    })
}

fn edit(form: NoteForm, f: impl FnOnce(&mut DischargeSummary)) {
    form.edit(|d| {
        if let Some(CourseDocument::Discharge(summary)) = &mut d.document {
            f(summary);
        }
    });
}

/// The whole discharge form.
#[component]
pub fn DischargeFields(form: NoteForm, client: Client) -> impl IntoView {
    let session = use_session();
    let filled = RwSignal::new(None::<String>);
    // What the record already says goes in once, into empty fields only.
    {
        let client_id = client.id.0.clone();
        let on_record = client.diagnoses.clone();
        let note_id = form.draft.with_untracked(|d| d.id.0.clone());
        leptos::task::spawn_local(async move {
            let vault = session.vault();
            let index = vault.client_note_index(&client_id).await.ok();
            let measures = vault.measures_for(&client_id).await.ok();
            let course = index.as_ref().and_then(|index| {
                let others: Vec<_> = index
                    .notes()
                    .iter()
                    .filter(|n| n.id.0 != note_id)
                    .cloned()
                    .collect();
                course_of_treatment(&others)
            });
            let changes = measures
                .map(|m| measure_changes(&m.results))
                .unwrap_or_default();
            // The client record's diagnoses, as the list words them (a code
            // the list lacks keeps the record's description).
            let list = super::icd10_list::code_list().await.ok();
            let diagnoses: Vec<CodedDiagnosis> = on_record
                .iter()
                .filter_map(|d| match &list {
                    Some(list) => list.diagnosis(&d.code, &d.description).ok(),
                    None => crate::domain::icd10::Icd10Code::parse(&d.code)
                        .ok()
                        .map(|code| CodedDiagnosis::not_in_list(code, &d.description)),
                })
                .collect();
            let mut said = Vec::new();
            edit(form, |s| {
                if let Some(course) = &course {
                    if s.first_date_of_service.is_none() && s.last_date_of_service.is_none() {
                        s.first_date_of_service = Some(course.first);
                        s.last_date_of_service = Some(course.last);
                        said.push("the dates of service");
                    }
                    if s.services_provided.trim().is_empty() {
                        s.services_provided = course.services.clone();
                        said.push("the services");
                    }
                }
                if s.diagnoses_at_discharge.is_empty() && !diagnoses.is_empty() {
                    s.diagnoses_at_discharge = diagnoses;
                    said.push("the diagnoses on the client record");
                }
                if s.measures.is_empty() && !changes.is_empty() {
                    s.measures = changes;
                    said.push("the first and latest scores");
                }
            });
            if !said.is_empty() {
                filled.try_set(Some(format!(
                    "Filled in from the record: {}. Check them before signing.",
                    said.join(", ")
                )));
            }
        });
    }

    let reason = read(form, |s| s.reason);
    let reason_id = field_id(DischargeSummary::REASON_LABEL);
    let date_input = move |label: &'static str,
                           get: fn(&DischargeSummary) -> Option<Date>,
                           set: fn(&mut DischargeSummary, Option<Date>)| {
        let id = field_id(label);
        view! {
            <div>
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type="date"
                    aria-invalid=form.invalid(label)
                    prop:value=move || read(form, |s| get(s).map(|d| d.to_string()).unwrap_or_default())
                    on:change:target=move |ev| {
                        let date = Date::parse(ev.target().value().trim()).ok();
                        edit(form, |s| set(s, date));
                    }
                />
            </div>
        }
    };
    let text = move |label: &'static str,
                     hint: &'static str,
                     get: fn(&DischargeSummary) -> &String,
                     set: fn(&mut DischargeSummary) -> &mut String| {
        view! {
            <DocText
                form=form
                label=label
                hint=hint
                value=Signal::derive(move || read(form, |s| get(s).clone()))
                on_input=Callback::new(move |v: String| edit(form, |s| *set(s) = v))
            />
        }
    };

    view! {
        <section class="card" aria-labelledby="discharge-heading">
            <h2 id="discharge-heading">"Discharge"</h2>
            {move || filled.get().map(|m| view! { <p class="status" role="status">{m}</p> })}
            <label for=reason_id.clone()>{DischargeSummary::REASON_LABEL}</label>
            <select
                id=reason_id
                aria-invalid=form.invalid(DischargeSummary::REASON_LABEL)
                on:change:target=move |ev| {
                    let key = ev.target().value();
                    let chosen = DischargeReason::ALL.into_iter().find(|r| r.key() == key);
                    edit(form, |s| s.reason = chosen);
                }
            >
                <option value="" selected=reason.is_none()>"Choose…"</option>
                {DischargeReason::ALL.into_iter().map(|r| view! {
                    <option value=r.key() selected=reason == Some(r)>{r.label()}</option>
                }).collect_view()}
            </select>
            {text("Reason details", "What led to the end of treatment; for a client who stopped attending, the outreach tried.", |s| &s.reason_detail, |s| &mut s.reason_detail)}
            <div class="form-grid">
                {date_input(DischargeSummary::FIRST_DATE_LABEL, |s| s.first_date_of_service, |s, d| s.first_date_of_service = d)}
                {date_input(DischargeSummary::LAST_DATE_LABEL, |s| s.last_date_of_service, |s, d| s.last_date_of_service = d)}
            </div>
            {move || {
                // Re-rendered when the record fills it in.
                filled.track();
                text(DischargeSummary::SERVICES_LABEL, "Type and number of sessions, other services.", |s| &s.services_provided, |s| &mut s.services_provided)
            }}
        </section>
        <GoalOutcomes form=form />
        <section class="card" aria-labelledby="discharge-dx-heading">
            <h2 id="discharge-dx-heading">"Diagnoses and next steps"</h2>
            <DiagnosisPicker
                label=DischargeSummary::DIAGNOSES_LABEL
                id="discharge-diagnoses"
                value=Signal::derive(move || read(form, |s| s.diagnoses_at_discharge.clone()))
                on_change=Callback::new(move |next: Vec<CodedDiagnosis>| edit(form, |s| s.diagnoses_at_discharge = next))
            />
            {text(DischargeSummary::REFERRALS_LABEL, "Referrals made, aftercare, how to return. \"None needed\" is an answer.", |s| &s.referrals_and_aftercare, |s| &mut s.referrals_and_aftercare)}
        </section>
        <Measures form=form />
    }
}

/// Each goal's outcome, with a note.
#[component]
fn GoalOutcomes(form: NoteForm) -> impl IntoView {
    let goals = read(form, |s| s.goals.clone());
    let rows = goals
        .into_iter()
        .enumerate()
        .map(|(index, goal)| {
            let id = format!("discharge-goal-{index}");
            let note_id = format!("{id}-note");
            let current = goal.outcome;
            view! {
                <div class="discharge-goal">
                    <label for=id.clone()>{format!("Outcome: {}", goal.goal_text)}</label>
                    <select
                        id=id
                        on:change:target=move |ev| {
                            let key = ev.target().value();
                            let chosen = OUTCOMES.into_iter().find(|o| o.key() == key);
                            edit(form, |s| if let Some(g) = s.goals.get_mut(index) { g.outcome = chosen });
                        }
                    >
                        <option value="" selected=current.is_none()>"Choose…"</option>
                        {OUTCOMES.into_iter().map(|o| view! { <option value=o.key() selected=current == Some(o)>{o.label()}</option> }).collect_view()}
                    </select>
                    <label for=note_id.clone()>{format!("Progress: {}", goal.goal_text)}</label>
                    <input
                        id=note_id
                        type="text"
                        use:private_text
                        prop:value=goal.note.clone()
                        on:input:target=move |ev| {
                            let v = ev.target().value();
                            edit(form, |s| if let Some(g) = s.goals.get_mut(index) { g.note = v });
                        }
                    />
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="card" id=field_id(DischargeSummary::GOALS_LABEL) aria-labelledby="discharge-goals-heading">
            <h2 id="discharge-goals-heading">{DischargeSummary::GOALS_LABEL}</h2>
            <p class="muted">"The client's goals when this summary was started, worded as they were then."</p>
            {rows}
        </section>
    }
}

/// First and latest scores, as filled in from the results.
#[component]
fn Measures(form: NoteForm) -> impl IntoView {
    move || {
        let measures = read(form, |s| s.measures.clone());
        (!measures.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="discharge-measures-heading">
                <h2 id="discharge-measures-heading">{DischargeSummary::MEASURES_LABEL}</h2>
                <table class="measure-table">
                    <thead><tr><th scope="col">"Questionnaire"</th><th scope="col">"First"</th><th scope="col">"Latest"</th><th scope="col">"Change"</th></tr></thead>
                    <tbody>
                        {measures.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{m.instrument.clone()}</th>
                                <td>{format!("{} on {}", m.first.score, m.first.date)}</td>
                                <td>{format!("{} on {}", m.latest.score, m.latest.date)}</td>
                                <td>{format!("{:+}", m.change())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })
    }
}
