//! The Measures tab of a client's record: a new questionnaire handed to the
//! client, the ones left unfinished, and each measure's results over time.
//! Also the risk flags of the latest results, which the record shows on every
//! tab ([`RiskFlagNotice`]).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::measure::{self, flags_to_address, MeasureResult, QuestionnaireDraft};
use crate::domain::Timestamp;
use crate::ui::clock::{now_ms, today};
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording::count;
use crate::vault::measures::ClientMeasures;
use crate::vault::VaultError;

use super::client_context::use_client_record;
use super::measure_chart::MeasureChart;
use super::result_answers::{result_summary, ResultAnswers};
use super::risk_flag_words::{addressed_before, flag_line};

async fn load(session: Session, client_id: String) -> Result<ClientMeasures, VaultError> {
    session.vault().measures_for(&client_id).await
}

/// `/clients/:client/measures`
#[component]
pub fn MeasuresPage() -> impl IntoView {
    let session = use_session();
    let Some(record) = use_client_record() else {
        return view! { <p class="alert" role="alert">{crate::ui::wording::client_gone()}</p> }
            .into_any();
    };
    let client_id = Memo::new(move |_| {
        record
            .client
            .with(|c| c.as_ref().map(|c| c.id.0.clone()).unwrap_or_default())
    });
    let measures = LocalResource::new(move || {
        // Read again when sync brings results from another device.
        session.received.track();
        load(session, client_id.get())
    });
    view! {
        <h1>"Measures"</h1>
        <NewQuestionnaire client_id=client_id />
        {move || match measures.get() {
            None => view! { <p class="status" role="status">"Reading results…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(found)) => view! { <Results found=found client_id=client_id.get_untracked() /> }
                .into_any(),
        }}
    }
    .into_any()
}

/// "New questionnaire": choose the measure, then hand the tablet to the client.
#[component]
fn NewQuestionnaire(
    /// The client the questionnaire is for.
    #[prop(into)]
    client_id: Signal<String>,
) -> impl IntoView {
    let session = use_session();
    let choosing = RwSignal::new(false);
    let chosen = RwSignal::new(
        measure::offered()
            .first()
            .map(|d| d.key.to_owned())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let needs_profile = RwSignal::new(false);
    let hand_over = move |_| {
        let Some(definition) = measure::latest(&chosen.get_untracked()) else {
            return;
        };
        // Every result records who gave it; the client cannot fix a missing
        // profile, so it is asked for before the tablet changes hands.
        if !session
            .settings
            .with_untracked(|s| s.clinician.is_complete())
        {
            needs_profile.set(true);
            return;
        }
        match session.vault().start_questionnaire(
            &client_id.get_untracked(),
            definition,
            measure::AdministrationMode::SelfReport,
            Timestamp(now_ms()),
        ) {
            Ok(open) => session.handoff.set(Some(open)),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <Show
            when=move || choosing.get()
            fallback=move || view! {
                {(!crate::ui::session_context::use_session().is_custodian()).then(|| view! {
                    <div class="actions">
                        <button type="button" on:click=move |_| choosing.set(true)>"New questionnaire"</button>
                    </div>
                })}
            }
        >
            <div class="card new-questionnaire">
                <label for="questionnaire">"Questionnaire"</label>
                <select
                    id="questionnaire"
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                    prop:value=move || chosen.get()
                >
                    {measure::offered()
                        .into_iter()
                        .map(|d| view! { <option value=d.key>{d.name}</option> })
                        .collect_view()}
                </select>
                <p class="field-hint">
                    "The tablet will show this questionnaire and nothing else. When the client finishes, it locks: unlock to come back to this record."
                </p>
                {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
                <Show when=move || needs_profile.get()>
                    <p class="alert" role="alert">
                        "Each result records who gave it. Add your name and credentials in "
                        <A href="/settings">"Settings"</A>
                        ", then hand the questionnaire over."
                    </p>
                </Show>
                <div class="actions">
                    <button type="button" on:click=hand_over>"Hand to client"</button>
                    <button type="button" class="secondary" on:click=move |_| {
                        error.set(None);
                        needs_profile.set(false);
                        choosing.set(false);
                    }>"Cancel"</button>
                </div>
            </div>
        </Show>
    }
}

/// Unfinished questionnaires, then a chart and table per measure given.
#[component]
fn Results(found: ClientMeasures, client_id: String) -> impl IntoView {
    let drafts = (!found.drafts.is_empty()).then(|| {
        view! {
            <section aria-labelledby="unfinished-heading">
                <h2 id="unfinished-heading">"Not finished"</h2>
                <ul class="plain-list">
                    {found
                        .drafts
                        .into_iter()
                        .map(|d| view! { <li><UnfinishedRow draft=d client_id=client_id.clone() /></li> })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    let damaged = (!found.damaged.is_empty()).then(|| {
        view! {
            <p class="alert" role="alert">
                {format!(
                    "{} of this client cannot be opened and {} not shown. Restore from a backup to recover {}.",
                    count(found.damaged.len() as u64, "questionnaire", "questionnaires"),
                    if found.damaged.len() == 1 { "is" } else { "are" },
                    if found.damaged.len() == 1 { "it" } else { "them" },
                )}
            </p>
        }
    });
    // Every measure with a result, in the order the select offers them, then
    // any other measure a result names (an older version's key).
    let mut keys: Vec<&'static measure::MeasureDefinition> = measure::offered();
    for result in &found.results {
        if !keys.iter().any(|d| d.key == result.measure_key()) {
            if let Some(d) = measure::definition(result.measure_key(), result.measure_version()) {
                keys.push(d);
            }
        }
    }
    let results = found.results;
    let sections = keys
        .into_iter()
        .filter(|d| results.iter().any(|r| r.measure_key() == d.key))
        .map(|definition| {
            // Oldest first, as the vault gives them; the list shows newest first.
            let mut of_this: Vec<&MeasureResult> = results
                .iter()
                .filter(|r| r.measure_key() == definition.key)
                .collect();
            let latest = of_this.last().map(|r| latest_line(r));
            of_this.reverse();
            let heading_id = format!("measure-{}", definition.key);
            let labelled_by = heading_id.clone();
            view! {
                <section class="measure" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{definition.name}</h2>
                    <p class="measure__latest">{latest}</p>
                    <MeasureChart definition=definition results=results.clone() />
                    <h3>"Each result"</h3>
                    <ul class="plain-list measure__results">
                        {of_this
                            .into_iter()
                            .map(|r| view! { <li><ResultRow result=r.clone() /></li> })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view();
    let none = results
        .is_empty()
        .then(|| view! { <p class="empty">"No questionnaires yet."</p> });
    view! { {damaged} {drafts} {none} {sections} }
}

/// One result's line, opening to every answer. The answers are drawn when
/// opened: fifty results' tables, drawn up front, cost the tab its first tap.
#[component]
fn ResultRow(
    /// The result shown.
    result: MeasureResult,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let summary = result_summary(&result);
    view! {
        <details on:toggle:target=move |ev| open.set(ev.target().open())>
            <summary>{summary}</summary>
            <Show when=move || open.get()>
                <ResultAnswers result=result.clone() />
            </Show>
        </details>
    }
}

/// "PHQ-9 score: 12, moderate (2025-06-15)".
fn latest_line(result: &MeasureResult) -> String {
    let band = result
        .band()
        .map(|b| format!(", {}", b.to_lowercase()))
        .unwrap_or_default();
    format!(
        "Latest: {}{band} ({})",
        result.score_line(),
        result.administered_on()
    )
}

/// One unfinished questionnaire, and the way to hand it back to the client.
#[component]
fn UnfinishedRow(draft: QuestionnaireDraft, client_id: String) -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    let name = draft
        .definition()
        .map(|d| d.name)
        .unwrap_or("Unknown questionnaire");
    let started = local_date(draft.started_at());
    let words = format!(
        "{name}, started {started}: {} of {} answered",
        draft.answered_count(),
        draft.answers().len()
    );
    let id = draft.id().as_str().to_owned();
    let resume = Action::new_local(move |(): &()| {
        let (client_id, id) = (client_id.clone(), id.clone());
        async move {
            match session.vault().resume_questionnaire(&client_id, &id).await {
                Ok(open) => session.handoff.set(Some(open)),
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    });
    view! {
        <span>{words.clone()}</span>
        " "
        <button
            type="button"
            class="secondary"
            aria-label=format!("Hand to client to finish: {words}")
            on:click=move |_| {
                resume.dispatch_local(());
            }
        >"Hand to client to finish"</button>
        {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
    }
}

/// The date of an instant (Unix ms) where the clinician is.
fn local_date(at: Timestamp) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.0 as f64));
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

/// The risk flags still to address (see [`flags_to_address`]), on every tab of
/// the record, with the prompt to review the safety plan.
#[component]
pub fn RiskFlagNotice(
    /// The client whose results are read.
    client_id: String,
) -> impl IntoView {
    let session = use_session();
    let safety_plan = format!("/clients/{client_id}/safety-plan");
    let flags = LocalResource::new(move || {
        session.received.track();
        let client_id = client_id.clone();
        async move {
            let vault = session.vault();
            let Ok(found) = vault.measures_for(&client_id).await else {
                return Vec::new();
            };
            // Most clients have no flag at all: their notes are not read.
            if found.results.iter().all(|r| r.risk_flags().is_empty()) {
                return Vec::new();
            }
            let index = vault.client_note_index(&client_id).await.ok();
            let signed = || {
                index
                    .iter()
                    .flat_map(|index| index.notes().iter())
                    .filter(|n| n.signed)
            };
            let last_note = signed().filter_map(|n| n.date_of_service).max();
            let included: Vec<String> = signed().flat_map(|n| n.results.iter().cloned()).collect();
            flags_to_address(
                &found.results,
                addressed_before(last_note),
                today(),
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
                <section class="risk-flag" aria-labelledby="risk-flag-title">
                    <p class="risk-flag__title" id="risk-flag-title">"Risk flag"</p>
                    <ul>{flags.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                    <p>"Shown until a signed progress note dated after it documents the assessment."</p>
                    <p><A href=safety_plan.clone()>"Open the safety plan"</A></p>
                </section>
            }
        })
    }
}
