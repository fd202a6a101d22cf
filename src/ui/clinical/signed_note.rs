//! A signed progress note, read-only: its content exactly as signed, the
//! signature with its digest, the late-entry mark, and its addenda in order.
//!
//! What the note refers to (goals, diagnoses, section labels, the names of the
//! service and place) reads as it did when signed: the note keeps that wording.
//! A note signed before it was kept shows the client's current wording, marked
//! "current wording, not part of the signed text".

use leptos::prelude::*;

use crate::domain::{Client, GoalProgress, Ideation, NoteWording};
use crate::ui::clock::now_ms;
use crate::vault::amendable_note::AmendableNote;

use super::addenda::Addenda;
use super::common::{format_date, format_minutes, format_timestamp, short_digest};
use super::note_amendments::NoteAmendments;

/// What the view shows of the note's references, worded as signed (or, for a
/// note signed under format v1, as the client's record reads now).
struct Shown {
    signed: bool,
    diagnoses: Vec<String>,
    goals: Vec<(String, &'static str)>,
    service: String,
    place: String,
    /// (section key, label) for the template's sections.
    labels: Vec<(String, String)>,
}

impl Shown {
    fn of(wording: &NoteWording<'_>, content: &crate::domain::ProgressNoteDraft) -> Shown {
        Shown {
            signed: wording.is_signed(),
            diagnoses: wording.diagnosis_lines(content),
            goals: wording
                .goals(content)
                .into_iter()
                .map(|g| {
                    let text = g
                        .text
                        .unwrap_or_else(|| crate::domain::treatment_plan::UNKNOWN_GOAL.to_owned());
                    (text, GoalProgress::label_of(g.progress))
                })
                .collect(),
            service: wording
                .service_line(content)
                .unwrap_or_else(|| "—".to_owned()),
            place: wording
                .place_line(content)
                .unwrap_or_else(|| "—".to_owned()),
            labels: content
                .template_sections()
                .iter()
                .map(|s| {
                    (
                        s.key.to_string(),
                        wording.section_label(content, &s.key).to_owned(),
                    )
                })
                .collect(),
        }
    }
}

/// The read-only note.
#[component]
pub fn SignedNoteView(
    note: AmendableNote,
    client: Client,
    /// Signed a moment ago in this editor.
    just_signed: bool,
    /// Text typed while signing ran, to start an addendum with.
    addendum_start: Option<String>,
) -> impl IntoView {
    let signed = note.note();
    let intact = signed.is_intact();
    let late = signed.late_entry().cloned();
    let signature = signed.signature().clone();
    let content = signed.content().clone();
    let amendments_of = content.id.clone();
    let unsaved_draft = note.unsaved_draft();
    let handle = StoredValue::new_local(note);
    let signed = RwSignal::new(signed);
    // Draft changes kept from before the note was signed elsewhere.
    let leftover =
        RwSignal::new(unsaved_draft.and_then(|d| crate::domain::typed_after_signing(&content, &d)));
    let addendum_start = RwSignal::new(addendum_start);
    let discard_leftover = Action::new_local(move |_: &()| async move {
        let result = handle.get_value().discard_unsaved_draft(now_ms()).await;
        if result.is_ok() {
            leftover.set(None);
        }
        result.map_err(|e| e.to_string())
    });
    let shown = signed.with_untracked(|s| Shown::of(&s.wording(&client), &content));
    let wording_signed = shown.signed;
    let diagnoses = shown.diagnoses;
    let goals = shown.goals;
    let current_mark = (!wording_signed).then(|| {
        view! {
            <p class="field-hint current-wording">
                {format!("Goals and diagnoses: {}. This note was signed before Psynotes kept their wording with the signature.", NoteWording::CURRENT_MARK)}
            </p>
        }
    });
    let ideation = |i: &Ideation| match i {
        Ideation::Denied => "Denied".to_owned(),
        Ideation::Present { detail } => format!("Present: {detail}"),
    };
    let (suicidal, homicidal, safety_plan) = match &content.risk_assessment() {
        Some(risk) => (
            ideation(&risk.suicidal),
            ideation(&risk.homicidal),
            risk.safety_plan.clone(),
        ),
        None => ("—".to_owned(), "—".to_owned(), String::new()),
    };
    let results: Vec<String> = content
        .measure_results
        .iter()
        .map(crate::domain::IncludedResult::describe)
        .collect();
    let service = shown.service;
    let place = shown.place;
    let labels = shown.labels;
    let time =
        |t: Option<crate::domain::TimeOfDay>| t.map_or_else(|| "—".to_owned(), |t| t.to_string());

    let sections = content
        .template_sections()
        .iter()
        .map(|section| {
            let label_id = format!("signed-{}-label", section.key);
            let text = content.section(&section.key).to_owned();
            let label = labels
                .iter()
                .find(|(key, _)| *key == section.key)
                .map_or(section.label.as_ref(), |(_, label)| label.as_str())
                .to_owned();
            view! {
                <div class="section-field">
                    <span class="label" id=label_id.clone()>{label}</span>
                    <div
                        class="readonly-text"
                        role="textbox"
                        aria-readonly="true"
                        aria-multiline="true"
                        aria-labelledby=label_id
                        tabindex="0"
                    >
                        {text}
                    </div>
                </div>
            }
        })
        .collect_view();
    // An intake or discharge document, every field read-only.
    let document = content.document.as_ref().map(|d| {
        d.rows()
            .into_iter()
            .enumerate()
            .map(|(i, (label, text))| {
                let label_id = format!("signed-doc-{i}-label");
                view! {
                    <div class="section-field">
                        <span class="label" id=label_id.clone()>{label}</span>
                        <div class="readonly-text" role="textbox" aria-readonly="true" aria-multiline="true" aria-labelledby=label_id tabindex="0">
                            {text}
                        </div>
                    </div>
                }
            })
            .collect_view()
    });
    let shown = content.shown_blocks();
    let title = if content.template.is_document() {
        content.template.name()
    } else {
        "Progress note"
    };

    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <span class="badge badge--signed">"Signed"</span>
            {late.is_some().then(|| view! { <span class="badge badge--late">"Late entry"</span> })}
        </div>
        {just_signed.then(|| view! { <p class="status status--ok" role="status">"Signed and locked."</p> })}
        <ConflictCopyNotice note_id=signed.with_untracked(|s| s.id().0.clone()) />
        {move || leftover.get().map(|text| view! {
            <div class="notice" role="status">
                <p>"Changes to this note were kept unsaved from before it was signed. A signed note does not change: add them as an addendum, or discard them."</p>
                <p class="text">{text.clone()}</p>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| { addendum_start.set(Some(text.clone())); leftover.set(None); }>"Start an addendum with them"</button>
                    <button type="button" class="secondary" on:click=move |_| { discard_leftover.dispatch_local(()); }>"Discard them"</button>
                </div>
            </div>
        })}
        {(!intact).then(|| view! {
            <p class="alert" role="alert">
                "This note no longer matches its signature: it was changed outside Psynotes or damaged. Restore it from a backup."
            </p>
        })}
        <div class="two-col note-layout">
            <div class="note-layout__facts">
                <section class="card" aria-labelledby="signed-session-heading">
                    <h2 id="signed-session-heading">"Session"</h2>
                    <dl class="facts">
                        <div><dt>"Template"</dt><dd>{content.template_label()}</dd></div>
                        <div><dt>"Date of service"</dt><dd>{format_date(content.date_of_service)}</dd></div>
                        // A custom template may leave the session details out.
                        {shown.session.then(|| view! {
                            <div><dt>"Start time"</dt><dd>{time(content.start)}</dd></div>
                            <div><dt>"End time"</dt><dd>{time(content.end)}</dd></div>
                            <div><dt>"Duration"</dt><dd>{format_minutes(content.duration_minutes())}</dd></div>
                            <div><dt>"Service code"</dt><dd>{service}</dd></div>
                            <div><dt>"Place of service"</dt><dd>{place}</dd></div>
                            <div><dt>"Participants"</dt><dd class="text">{content.participants.clone()}</dd></div>
                        })}
                    </dl>
                </section>
                {shown.goals.then(|| view! {
                <section class="card" aria-labelledby="signed-treatment-heading">
                    <h2 id="signed-treatment-heading">"Diagnoses and goals"</h2>
                    {current_mark}
                    <h3>"Diagnoses addressed"</h3>
                    {if diagnoses.is_empty() {
                        view! { <p class="muted">"None recorded."</p> }.into_any()
                    } else {
                        view! { <ul class="plain-list">{diagnoses.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul> }.into_any()
                    }}
                    <h3>"Goals addressed"</h3>
                    {if goals.is_empty() {
                        view! { <p class="muted">"None recorded."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {goals.into_iter().map(|(text, progress)| view! {
                                    <li><span>{text}</span>" "<span class="badge">{progress}</span></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                })}
                {(!results.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="signed-results-heading">
                        <h2 id="signed-results-heading">{crate::domain::ProgressNoteDraft::MEASURE_RESULTS_LABEL}</h2>
                        <ul class="plain-list">
                            {results.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                        </ul>
                    </section>
                })}
                {shown.risk.then(|| view! {
                <section class="card" aria-labelledby="signed-risk-heading">
                    <h2 id="signed-risk-heading">"Risk assessment"</h2>
                    <dl class="facts facts--wide">
                        <div><dt>"Suicidal ideation"</dt><dd class="text">{suicidal}</dd></div>
                        <div><dt>"Homicidal ideation"</dt><dd class="text">{homicidal}</dd></div>
                        <div><dt>"Safety plan"</dt><dd class="text">{if safety_plan.trim().is_empty() { "—".to_owned() } else { safety_plan }}</dd></div>
                    </dl>
                </section>
                })}
            </div>
            <div class="note-layout__text">
                <section class="card" aria-labelledby="signed-sections-heading">
                    <h2 id="signed-sections-heading">"Note"</h2>
                    {sections}
                    {document}
                </section>
                <section class="card signature" aria-labelledby="signature-heading">
                    <h2 id="signature-heading">"Signature"</h2>
                    <p>
                        "Signed by "<strong>{signature.signature_line()}</strong>
                        " on "<time>{format_timestamp(signature.signed_at)}</time>
                    </p>
                    <p class="muted">
                        "SHA-256 of the signed content: "
                        <code class="digest">{short_digest(&signature.content_sha256)}</code>
                    </p>
                    {late.map(|l| view! {
                        <div class="notice">
                            <p>
                                <strong>"Late entry: "</strong>
                                {format!("written {} after the session, on {}.", crate::ui::wording::late_by(l.hours_after_service), format_timestamp(l.written_at))}
                            </p>
                            <p class="text">"Reason: "{l.reason}</p>
                        </div>
                    })}
                </section>
                <Addenda note=handle signed=signed start=addendum_start />
                <NoteAmendments note_id=amendments_of />
            </div>
        </div>
    }
}

/// Said on a signed note that has a conflict copy: a draft of it edited on
/// another device before the signature reached there, kept so those words are
/// not lost.
#[component]
fn ConflictCopyNotice(note_id: String) -> impl IntoView {
    let session = crate::ui::session_context::use_session();
    let copies = LocalResource::new(move || {
        // Looked for again when sync brings records.
        session.received.track();
        let note_id = note_id.clone();
        async move {
            session
                .vault()
                .conflicts()
                .await
                .map(|list| {
                    list.iter()
                        .filter(|c| c.copy_of.as_deref() == Some(note_id.as_str()))
                        .count()
                })
                .unwrap_or(0)
        }
    });
    move || {
        (copies.get().unwrap_or(0) > 0).then(|| view! {
            <p class="notice" role="status">
                "A draft of this note, edited on another device before it was signed, is kept beside it as a conflict copy. "
                <leptos_router::components::A href="/conflicts">"Compare the versions"</leptos_router::components::A>
            </p>
        })
    }
}
