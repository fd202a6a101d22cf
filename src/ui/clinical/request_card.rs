//! One request of the rights ledger: what it asks, when it is due, what became
//! of it, and the steps open to it now.
//!
//! - An access request is fulfilled by producing the copy (JSON, FHIR or the
//!   print view) for exactly what it asks, which records its disclosure.
//! - An amendment is accepted (a signed addendum on every note it names) or
//!   denied in writing; a denial then takes the client's statement of
//!   disagreement and the clinician's rebuttal.
//! - Either may be extended once, or withdrawn by the client.
//!
//! Each card is an `article` named by its heading, so its controls can share
//! names with the next card's ("Fulfil request").

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::domain::rights::{
    AccessRequest, AccessStatus, AmendmentRequest, AmendmentStatus, CopyFormat, DenialBasis,
    RecordPart, RightKind, RightsRequest, Withdrawal,
};
use crate::domain::{Date, NoteSummary};
use crate::export::access::export_request_for;
use crate::export::select;
use crate::ui::clock::{now_local, now_ms, today};
use crate::ui::export_files::{export_file, exportable};
use crate::ui::outcome::Outcome;
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording;
use crate::vault::rights_ledger::RequestStep;

use super::common::focus_element;
use super::request_form::note_label;

/// What the last step on a request came to, by the request's id.
pub type StepOutcome = (String, Result<String, String>);

/// A step the card takes.
#[derive(Clone)]
enum Step {
    Change(RequestStep),
    Fulfil { format: CopyFormat, on: Date },
    Accept { on: Date, text: String },
}

/// One request, with its steps.
#[component]
pub fn RequestCard(
    request: RightsRequest,
    /// Versions of the same request recorded differently on another device.
    others: Vec<RightsRequest>,
    /// The client's signed notes, to name the notes an amendment concerns.
    notes: Vec<NoteSummary>,
    /// Called after a step was taken.
    on_changed: Callback<()>,
    /// The last step's outcome, shown on the card of its request.
    outcome: RwSignal<Option<StepOutcome>>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let prefix = format!("request-{}", request.id());
    let heading_id = format!("{prefix}-heading");
    let heading = format!(
        "{} request received {}",
        request.kind().label(),
        request.deadline().received()
    );
    let status = RwSignal::new(None::<Result<String, String>>);
    let own_id = request.id().to_string();
    let shown = {
        let own_id = own_id.clone();
        Signal::derive(move || {
            status.get().or_else(|| {
                outcome.with(|o| {
                    o.as_ref()
                        .filter(|(id, _)| *id == own_id)
                        .map(|(_, r)| r.clone())
                })
            })
        })
    };
    let act = {
        let request = request.clone();
        Action::new_local(move |step: &Step| {
            // The last step's message, on whichever card, no longer applies.
            outcome.set(None);
            let step = step.clone();
            let request = request.clone();
            let navigate = navigate.clone();
            async move { take(session, &request, step, navigate).await }
        })
    };
    Effect::new(move |_| {
        let Some(result) = act.value().get() else {
            return;
        };
        let worked = result.is_ok();
        if worked {
            status.set(None);
            outcome.set(Some((own_id.clone(), result)));
            on_changed.run(());
        } else {
            status.set(Some(result));
        }
    });
    let pending = act.pending();
    let summary = summary_rows(&request, &notes);
    let elsewhere = (!others.is_empty()).then(|| {
        view! {
            <div class="notice" role="note">
                <p>
                    "Another device recorded this request differently, and both versions are kept: "
                    "what each device did happened. Check with the client which one they received."
                </p>
                {others
                    .iter()
                    .map(|other| {
                        let rows = summary_rows(other, &notes);
                        view! {
                            <details>
                                <summary>{format!("The other version: {}", status_words(other))}</summary>
                                <dl class="request__summary">
                                    {rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                                </dl>
                            </details>
                        }
                    })
                    .collect_view()}
            </div>
        }
    });
    let open = request.is_open();
    let steps = match &request {
        RightsRequest::Access(access) if open => {
            view! { <FulfilStep prefix=prefix.clone() access=access.clone() act=act pending=pending status=status /> }
                .into_any()
        }
        // Deciding an amendment, and rebutting, are the clinician's: signed
        // with their name. A records custodian sees the request.
        RightsRequest::Amendment(_) if session.is_custodian() => ().into_any(),
        RightsRequest::Amendment(amendment) if open => {
            view! { <DecideStep prefix=prefix.clone() amendment=amendment.clone() act=act pending=pending status=status /> }
                .into_any()
        }
        RightsRequest::Amendment(amendment) => {
            view! { <AfterDenial prefix=prefix.clone() amendment=amendment.clone() act=act pending=pending status=status /> }
                .into_any()
        }
        RightsRequest::Access(_) => ().into_any(),
    };
    let extend = (open && request.deadline().extension().is_none()).then(|| {
        view! { <ExtendStep prefix=prefix.clone() kind=request.kind() act=act pending=pending status=status /> }
    });
    let withdraw = open.then(|| {
        let id = format!("{prefix}-withdrawn-on");
        let on = RwSignal::new(today().to_string());
        view! {
            <details class="request-step">
                <summary>"The client withdrew the request"</summary>
                <div class="field">
                    <label for=id.clone()>"Date withdrawn"</label>
                    <input id=id type="date" bind:value=on />
                </div>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || pending.get()
                    on:click=move |_| match parse(&on.get_untracked(), "the date the client withdrew it") {
                        Ok(on) => {
                            act.dispatch_local(Step::Change(RequestStep::Withdraw { on, note: String::new() }));
                        }
                        Err(e) => status.set(Some(Err(e))),
                    }
                >
                    "Record withdrawal"
                </button>
            </details>
        }
    });
    // Drawn again after a step on it: the heading takes the focus, so the
    // person is where they were and hears what the request now says.
    if outcome.with_untracked(|o| o.as_ref().is_some_and(|(id, _)| *id == request.id().0)) {
        let heading = heading_id.clone();
        request_animation_frame(move || focus_element(&heading));
    }
    let labelled_by = heading_id.clone();
    let overdue = request.is_overdue(today());
    view! {
        <article class="card request" class:request--overdue=overdue aria-labelledby=labelled_by>
            <h2 id=heading_id tabindex="-1">{heading}</h2>
            <dl class="request__summary">
                {summary.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
            {elsewhere}
            {steps}
            {extend}
            {withdraw}
            <Outcome status=shown />
        </article>
    }
}

/// The request's facts, as (label, text) rows.
fn summary_rows(request: &RightsRequest, notes: &[NoteSummary]) -> Vec<(String, String)> {
    let deadline = request.deadline();
    let mut rows = Vec::new();
    rows.push(("Status".to_owned(), status_words(request)));
    let due = if request.is_open() {
        let days = deadline.days_left(today());
        let when = match days {
            0 => "today".to_owned(),
            d if d > 0 => format!("in {}", wording::count(d as u64, "day", "days")),
            d => format!(
                "overdue by {}",
                wording::count(d.unsigned_abs(), "day", "days")
            ),
        };
        format!("{} ({when})", deadline.due())
    } else {
        deadline.due().to_string()
    };
    rows.push(("Due".to_owned(), due));
    if let Some(extension) = deadline.extension() {
        rows.push((
            "Extended".to_owned(),
            format!(
                "Notice sent {}: {} (first due {})",
                extension.notice_sent,
                extension.reason,
                deadline.first_due()
            ),
        ));
    }
    match request {
        RightsRequest::Access(access) => {
            rows.push(("Asks for".to_owned(), access.part().describe()));
            rows.push(("Copy to".to_owned(), access.recipient().describe()));
            match access.status() {
                AccessStatus::Fulfilled(f) => rows.push((
                    "Provided".to_owned(),
                    format!("{}: {}", f.on, f.description),
                )),
                AccessStatus::Withdrawn(w) => rows.push(withdrawn_row(w)),
                AccessStatus::Open => {}
            }
        }
        RightsRequest::Amendment(amendment) => {
            let named: Vec<String> = amendment
                .notes()
                .iter()
                .map(|id| {
                    notes.iter().find(|n| &n.id == id).map_or_else(
                        || "A note not signed in this vault".to_owned(),
                        |n| format!("Progress note {}", note_label(n)),
                    )
                })
                .collect();
            rows.push(("Notes".to_owned(), named.join("; ")));
            rows.push((
                "Change requested".to_owned(),
                amendment.requested_change().to_owned(),
            ));
            match amendment.status() {
                AmendmentStatus::Accepted(acceptance) => rows.push((
                    "Accepted".to_owned(),
                    format!(
                        "{}: a signed addendum naming this request was added to {}.",
                        acceptance.on,
                        wording::count(acceptance.amended.len() as u64, "note", "notes")
                    ),
                )),
                AmendmentStatus::Denied(denial) => {
                    let w = &denial.written;
                    rows.push((
                        "Denied".to_owned(),
                        format!(
                            "{} by {}. {} ({}). {}",
                            w.on,
                            w.by,
                            w.basis.label(),
                            w.basis.citation(),
                            w.explanation
                        ),
                    ));
                    if let Some(s) = &denial.statement {
                        rows.push((
                            "Statement of disagreement".to_owned(),
                            format!("Received {}: {}", s.received, s.text),
                        ));
                    }
                    if let Some(r) = &denial.rebuttal {
                        rows.push((
                            "Rebuttal".to_owned(),
                            format!("{} by {}: {}", r.on, r.by, r.text),
                        ));
                    }
                }
                AmendmentStatus::Withdrawn(w) => rows.push(withdrawn_row(w)),
                AmendmentStatus::Open => {}
            }
        }
    }
    rows
}

fn withdrawn_row(withdrawal: &Withdrawal) -> (String, String) {
    let note = if withdrawal.note.is_empty() {
        String::new()
    } else {
        format!(": {}", withdrawal.note)
    };
    ("Withdrawn".to_owned(), format!("{}{note}", withdrawal.on))
}

fn status_words(request: &RightsRequest) -> String {
    match request {
        RightsRequest::Access(a) if a.fulfilled_late() => {
            "Fulfilled, after the due date".to_owned()
        }
        RightsRequest::Access(AccessRequest { .. }) | RightsRequest::Amendment(_) => {
            if request.is_overdue(today()) {
                "Open, overdue".to_owned()
            } else {
                request.status_label().to_owned()
            }
        }
    }
}

/// A step's date: it records something that happened, so not a future day.
fn parse(text: &str, what: &str) -> Result<Date, String> {
    let date = Date::parse(text.trim()).map_err(|_| format!("Enter {what}."))?;
    if date > today() {
        return Err(format!(
            "That date is in the future. Enter {what}: the day it happened."
        ));
    }
    Ok(date)
}

/// Takes `step` through the vault; the message says what was done.
async fn take(
    session: Session,
    request: &RightsRequest,
    step: Step,
    navigate: impl Fn(&str, leptos_router::NavigateOptions),
) -> Result<String, String> {
    let vault = session.vault();
    match step {
        Step::Change(change) => {
            let done = match &change {
                RequestStep::Extend { .. } => "The due date is extended.",
                RequestStep::Deny { .. } => {
                    "The amendment is denied. Send the client the written denial; any statement of disagreement they send is recorded here."
                }
                RequestStep::Statement { .. } => {
                    "The statement of disagreement is recorded. It goes with the notes in every later copy."
                }
                RequestStep::Rebuttal { .. } => "The rebuttal is recorded.",
                RequestStep::Withdraw { .. } => "The withdrawal is recorded.",
            };
            vault
                .change_request(request.id(), &change, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            Ok(done.to_owned())
        }
        Step::Accept { on, text } => {
            let accepted = vault
                .accept_amendment(request.id(), on, &text, now_local(), now_ms())
                .await
                .map_err(|e| e.to_string())?;
            let count = match &accepted {
                RightsRequest::Amendment(a) => a.notes().len(),
                RightsRequest::Access(_) => 0,
            };
            Ok(format!(
                "The amendment is accepted: a signed addendum was added to {}. Tell the client, and anyone they name who needs it.",
                wording::count(count as u64, "note", "notes")
            ))
        }
        Step::Fulfil { format, on } => {
            let RightsRequest::Access(access) = request else {
                return Err("Only an access request is fulfilled with a copy.".to_owned());
            };
            // Checked before the copy is made: a copy that left the app must
            // always have its disclosure recorded.
            if on < access.deadline().received() {
                return Err(format!(
                    "The date provided is before the request was received ({}). Check the date; no copy was made.",
                    access.deadline().received()
                ));
            }
            let export = export_request_for(access, format);
            if format == CopyFormat::Print {
                let all = exportable(&vault).await.map_err(|e| e.to_string())?;
                let options = export.effective_options();
                let count = select(&all.notes, export.scope.client_id(), &options).len();
                vault
                    .fulfil_access_request(
                        access.id(),
                        on,
                        format,
                        &export.describe(count),
                        now_ms(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                session.print_request.set(Some(export));
                session
                    .print_back
                    .set(format!("/clients/{}/requests", access.client_id()));
                navigate("/print", Default::default());
                return Ok("The disclosure is recorded. Print the copy.".to_owned());
            }
            let file = export_file(session, export).await?;
            vault
                .fulfil_access_request(access.id(), on, format, &file.description, now_ms())
                .await
                .map_err(|e| {
                    format!("{} The request is not marked fulfilled: {e}", file.message)
                })?;
            Ok(format!(
                "{} The request is fulfilled and the disclosure recorded.",
                file.message
            ))
        }
    }
}

/// "Fulfil request": the copy's format and the day it is provided.
#[component]
fn FulfilStep(
    prefix: String,
    access: AccessRequest,
    act: Action<Step, Result<String, String>>,
    pending: Memo<bool>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let format_id = format!("{prefix}-format");
    let on_id = format!("{prefix}-provided");
    let format = RwSignal::new("json".to_owned());
    let on = RwSignal::new(today().to_string());
    let fulfil = move |_| {
        let format = match format.get_untracked().as_str() {
            "fhir" => CopyFormat::Fhir,
            "print" => CopyFormat::Print,
            _ => CopyFormat::Json,
        };
        match parse(&on.get_untracked(), "the date the copy is provided") {
            Ok(on) => {
                status.set(None);
                act.dispatch_local(Step::Fulfil { format, on });
            }
            Err(e) => status.set(Some(Err(e))),
        }
    };
    view! {
        <div class="request-step">
            <p class="field-hint">
                {match access.part() {
                    RecordPart::Full => "The copy holds every signed progress note of the client's record.".to_owned(),
                    part => format!("The copy holds the client's signed progress notes: {}.", part.describe()),
                }}
                " Psychotherapy notes are never part of it (45 CFR 164.524(a)(1)(i))."
            </p>
            <div class="field-row">
                <div class="field">
                    <label for=format_id.clone()>"Copy format"</label>
                    <select id=format_id bind:value=format>
                        <option value="json">"JSON"</option>
                        <option value="fhir">"FHIR"</option>
                        <option value="print">"Print"</option>
                    </select>
                </div>
                <div class="field">
                    <label for=on_id.clone()>"Date provided"</label>
                    <input id=on_id type="date" bind:value=on />
                </div>
            </div>
            <button type="button" disabled=move || pending.get() on:click=fulfil>"Fulfil request"</button>
        </div>
    }
}

/// "Accept amendment" and "Deny amendment".
#[component]
fn DecideStep(
    prefix: String,
    amendment: AmendmentRequest,
    act: Action<Step, Result<String, String>>,
    pending: Memo<bool>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let on_id = format!("{prefix}-decided");
    let text_id = format!("{prefix}-amendment-text");
    let basis_id = format!("{prefix}-basis");
    let why_id = format!("{prefix}-explanation");
    let on = RwSignal::new(today().to_string());
    let text = RwSignal::new(amendment.requested_change().to_owned());
    let basis = RwSignal::new("3".to_owned());
    let why = RwSignal::new(String::new());
    let date = move || parse(&on.get_untracked(), "the date of the decision");
    let accept = move |_| match date() {
        Ok(on) => {
            status.set(None);
            act.dispatch_local(Step::Accept {
                on,
                text: text.get_untracked(),
            });
        }
        Err(e) => status.set(Some(Err(e))),
    };
    let deny = move |_| match date() {
        Ok(on) => {
            status.set(None);
            let index: usize = basis.get_untracked().parse().unwrap_or(3);
            act.dispatch_local(Step::Change(RequestStep::Deny {
                on,
                basis: DenialBasis::ALL[index.min(3)],
                explanation: why.get_untracked(),
            }));
        }
        Err(e) => status.set(Some(Err(e))),
    };
    view! {
        <div class="request-step">
            <div class="field">
                <label for=on_id.clone()>"Date decided"</label>
                <input id=on_id type="date" bind:value=on />
            </div>
            <div class="field">
                <label for=text_id.clone()>"Amendment text"</label>
                <textarea id=text_id.clone() rows="3" bind:value=text aria-describedby=format!("{text_id}-hint")></textarea>
                <p class="field-hint" id=format!("{text_id}-hint")>
                    "Accepting signs this as an addendum on every note the request names; the note itself never changes."
                </p>
            </div>
            <button type="button" disabled=move || pending.get() on:click=accept>"Accept amendment"</button>
            <div class="field">
                <label for=basis_id.clone()>"Basis for denial"</label>
                <select id=basis_id bind:value=basis>
                    {DenialBasis::ALL
                        .iter()
                        .enumerate()
                        .map(|(i, b)| view! { <option value=i.to_string()>{b.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=why_id.clone()>"Explanation for the client"</label>
                <textarea id=why_id rows="3" bind:value=why></textarea>
            </div>
            <button type="button" class="secondary" disabled=move || pending.get() on:click=deny>"Deny amendment"</button>
        </div>
    }
}

/// After a denial: the client's statement of disagreement, then a rebuttal.
#[component]
fn AfterDenial(
    prefix: String,
    amendment: AmendmentRequest,
    act: Action<Step, Result<String, String>>,
    pending: Memo<bool>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let Some(denial) = amendment.denial().cloned() else {
        return ().into_any();
    };
    if denial.rebuttal.is_some() {
        return ().into_any();
    }
    let stating = denial.statement.is_none();
    let (label, button, when) = if stating {
        (
            "Statement of disagreement",
            "Record statement",
            "Date statement received",
        )
    } else {
        ("Rebuttal", "Record rebuttal", "Date of rebuttal")
    };
    let text_id = format!(
        "{prefix}-{}",
        if stating { "statement" } else { "rebuttal" }
    );
    let on_id = format!("{text_id}-on");
    let text = RwSignal::new(String::new());
    let on = RwSignal::new(today().to_string());
    let record = move |_| match parse(&on.get_untracked(), "the date") {
        Ok(on) => {
            status.set(None);
            let text = text.get_untracked();
            act.dispatch_local(Step::Change(if stating {
                RequestStep::Statement { received: on, text }
            } else {
                RequestStep::Rebuttal { on, text }
            }));
        }
        Err(e) => status.set(Some(Err(e))),
    };
    view! {
        <div class="request-step">
            <div class="field">
                <label for=text_id.clone()>{label}</label>
                <textarea id=text_id rows="3" bind:value=text></textarea>
            </div>
            <div class="field">
                <label for=on_id.clone()>{when}</label>
                <input id=on_id type="date" bind:value=on />
            </div>
            <button type="button" disabled=move || pending.get() on:click=record>{button}</button>
        </div>
    }
    .into_any()
}

/// The one extension: the notice's date and the reason it gives.
#[component]
fn ExtendStep(
    prefix: String,
    kind: RightKind,
    act: Action<Step, Result<String, String>>,
    pending: Memo<bool>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let on_id = format!("{prefix}-notice");
    let why_id = format!("{prefix}-delay");
    let on = RwSignal::new(today().to_string());
    let why = RwSignal::new(String::new());
    let extend = move |_| match parse(&on.get_untracked(), "the date the notice was sent") {
        Ok(notice_sent) => {
            status.set(None);
            act.dispatch_local(Step::Change(RequestStep::Extend {
                notice_sent,
                reason: why.get_untracked(),
            }));
        }
        Err(e) => status.set(Some(Err(e))),
    };
    view! {
        <details class="request-step">
            <summary>{format!("Extend once by {} days", kind.extension_days())}</summary>
            <div class="field">
                <label for=on_id.clone()>"Date notice sent"</label>
                <input id=on_id type="date" bind:value=on />
            </div>
            <div class="field">
                <label for=why_id.clone()>"Reason for the delay"</label>
                <textarea id=why_id rows="2" bind:value=why></textarea>
            </div>
            <button type="button" class="secondary" disabled=move || pending.get() on:click=extend>"Extend due date"</button>
        </details>
    }
}
