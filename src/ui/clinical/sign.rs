//! "Save" and "Sign and lock", with a review before the signature.
//!
//! Required-field checks are shown only when the person tries to sign, never
//! while typing. Signing needs the clinician's name and credentials (Settings);
//! a note signed after the late-entry threshold needs a reason, typed here and
//! autosaved with the note. "Sign and lock" first shows what will be signed and
//! any warnings; only "Sign" signs. The form stays editable meanwhile: what is
//! typed before the note is sealed is signed with it, and what is typed after
//! becomes the start of an addendum, so no keystroke is lost.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{
    typed_after_signing, Client, ProgressNoteDraft, References, SignError, TreatmentPlan,
    ValidationIssue,
};
use crate::ui::clock::{now_local, now_ms};
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;
use crate::ui::wording;
use crate::vault::amendable_note::AmendableNote;
use crate::vault::conflict::SaveError;
use crate::vault::editable_progress_note::EditableProgressNote;

use super::autosave::{Autosave, SaveEcho, SaveFuture};
use super::common::{format_date, format_minutes, IssueList};
use super::note_form::{document_field_element, field_element, NoteForm, ISSUE_PREFIX};

/// The late-entry reason's field, as issues name it.
const LATE_REASON_LABEL: &str = "Late entry reason";

/// Why the last attempt to sign did not go through, besides missing fields.
#[derive(Clone, PartialEq, Eq)]
enum Refusal {
    NoProfile,
    Message(String),
}

/// What the review shows: the facts, the first line of each section, and the
/// warnings to acknowledge.
#[derive(Clone, PartialEq, Eq)]
struct Review {
    facts: Vec<(String, String)>,
    sections: Vec<(String, String)>,
    warnings: Vec<String>,
}

impl Review {
    fn of(draft: &ProgressNoteDraft, references: References<'_>) -> Review {
        // The wording the signature will keep, read as signing will read it.
        let wording = crate::domain::NoteWording::Current(crate::domain::ReferencedWording::of(
            draft, references,
        ));
        let list = |items: Vec<String>| {
            if items.is_empty() {
                "None".to_owned()
            } else {
                items.join("; ")
            }
        };
        let time = match (draft.start, draft.end) {
            (Some(s), Some(e)) => format!("{s}–{e} ({})", format_minutes(draft.duration_minutes())),
            (Some(s), None) => format!("{s}–"),
            (None, Some(e)) => format!("–{e}"),
            (None, None) => "—".to_owned(),
        };
        let mut facts = vec![
            (
                "Date of service".to_owned(),
                format_date(draft.date_of_service),
            ),
            ("Time".to_owned(), time),
            (
                "Service code".to_owned(),
                draft
                    .service_code
                    .as_ref()
                    .map(|c| format!("{} {}", c.code(), c.description()))
                    .unwrap_or_default(),
            ),
            (
                "Place of service".to_owned(),
                draft
                    .place_of_service
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
            (
                "Diagnoses addressed".to_owned(),
                list(wording.diagnosis_lines(draft)),
            ),
            (
                "Goals addressed".to_owned(),
                list(
                    wording
                        .goals(draft)
                        .into_iter()
                        .map(|g| {
                            format!(
                                "{}: {}",
                                g.text.unwrap_or_else(|| {
                                    crate::domain::treatment_plan::UNKNOWN_GOAL.to_owned()
                                }),
                                crate::domain::GoalProgress::label_of(g.progress)
                            )
                        })
                        .collect(),
                ),
            ),
        ];
        // An intake or discharge lists its own diagnoses in the document; a
        // custom template may leave blocks out (shown when they hold
        // something, since the signature covers it).
        let shown = draft.shown_blocks();
        if draft.template.is_document() || !shown.goals {
            facts.retain(|(label, _)| label != "Diagnoses addressed" && label != "Goals addressed");
        }
        if !shown.session {
            facts.retain(|(label, _)| {
                !matches!(label.as_str(), "Time" | "Service code" | "Place of service")
            });
        }
        if !draft.measure_results.is_empty() {
            facts.push((
                ProgressNoteDraft::MEASURE_RESULTS_LABEL.to_owned(),
                list(
                    draft
                        .measure_results
                        .iter()
                        .map(crate::domain::IncludedResult::describe)
                        .collect(),
                ),
            ));
        }
        let sections = draft
            .template_sections()
            .iter()
            .map(|s| {
                let first = draft
                    .section(&s.key)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                (wording.section_label(draft, &s.key).to_owned(), first)
            })
            .collect();
        let warnings = draft.signing_warnings();
        Review {
            facts,
            sections,
            warnings,
        }
    }
}

#[component]
pub fn SignPanel(
    form: NoteForm,
    /// The client's record as the form shows it: the wording of the goals and
    /// diagnoses the note refers to is kept from it at signing.
    client: Client,
    /// The client's treatment plan, if any: the wording of the objectives the
    /// note rates is kept from it.
    plan: Option<TreatmentPlan>,
    note: StoredValue<EditableProgressNote, LocalStorage>,
    on_save: Callback<()>,
    on_signed: Callback<(AmendableNote, Option<String>)>,
    /// The editor's autosave, whose state shows again beside "Save".
    autosave: Autosave,
) -> impl IntoView {
    let session = use_session();
    // Told to read the client again when a signed intake added diagnoses.
    let record = super::client_context::use_client_record();
    // One stored pair: what the note refers to, read together at signing.
    let client = StoredValue::new((client, plan));
    let issues = form.issues;
    let refusal = RwSignal::new(None::<Refusal>);
    let review = RwSignal::new(None::<Review>);
    let acknowledged = RwSignal::new(false);
    let threshold = move || session.settings.with(|s| s.late_entry_hours);
    // Recomputed on every edit, with the clock read then.
    let late_hours = Memo::new(move |_| {
        form.draft
            .with(|d| d.late_entry_hours(now_local(), threshold()))
    });
    let review_ref = NodeRef::<leptos::html::H3>::new();
    let sign_button = NodeRef::<leptos::html::Button>::new();

    // What signing now would say, without signing: the issues to list by
    // field, and any other refusal.
    let evaluate = move || -> (Vec<ValidationIssue>, Option<Refusal>) {
        let draft = form.draft.get_untracked();
        let settings = session.settings.get_untracked();
        let reason = draft.late_entry_reason.clone();
        let reason = (!reason.trim().is_empty()).then_some(reason);
        let signed = client.with_value(|(client, plan)| {
            draft.sign(
                References::of(client, plan.as_ref()),
                &settings.clinician,
                now_local(),
                settings.late_entry_hours,
                reason,
            )
        });
        match signed {
            Ok(_) => (Vec::new(), None),
            Err(SignError::Incomplete(found)) => (found, None),
            Err(SignError::NoClinicianProfile) => (Vec::new(), Some(Refusal::NoProfile)),
            // The reason has a field of its own: point at it.
            Err(e @ SignError::LateEntryReasonRequired { .. }) => (
                vec![ValidationIssue::new(LATE_REASON_LABEL, e.to_string())],
                None,
            ),
            Err(e) => (Vec::new(), Some(Refusal::Message(e.to_string()))),
        }
    };
    // Checks everything signing checks, without signing.
    let check = move || -> bool {
        let (found, refused) = evaluate();
        let ok = found.is_empty() && refused.is_none();
        issues.set(found);
        refusal.set(refused);
        ok
    };

    // Once issues are shown, they follow the form: fixing a field clears its
    // issue (and its aria-invalid) without another press of "Sign and lock".
    Effect::new(move |_| {
        form.draft.track();
        if !issues.with_untracked(Vec::is_empty) {
            issues.set(evaluate().0);
        }
    });

    let start_review = move |_| {
        if !check() {
            review.set(None);
            return;
        }
        acknowledged.set(false);
        review.set(Some(form.draft.with_untracked(|d| {
            client.with_value(|(client, plan)| Review::of(d, References::of(client, plan.as_ref())))
        })));
        // Where the clinician is looking: the review, not the top of the page;
        // focus follows, so a screen reader reads what will be signed.
        request_animation_frame(move || {
            if let Some(heading) = review_ref.get_untracked() {
                heading.scroll_into_view();
                let _ = heading.focus();
            }
        });
    };

    let sign = Action::new_local(move |_: &()| async move {
        let signed_from = std::rc::Rc::new(std::cell::RefCell::new(None::<ProgressNoteDraft>));
        let amendable = std::rc::Rc::new(std::cell::RefCell::new(None::<AmendableNote>));
        let result = {
            let signed_from = signed_from.clone();
            let amendable = amendable.clone();
            form.autosave
                .run(move || -> SaveFuture {
                    // The snapshot is taken here, right before sealing: anything
                    // typed until now is in the note.
                    let snapshot = form.draft.get_untracked();
                    let settings = session.settings.get_untracked();
                    let reason = snapshot.late_entry_reason.clone();
                    let reason = (!reason.trim().is_empty()).then_some(reason);
                    let signed = client.with_value(|(client, plan)| {
                        snapshot.clone().sign(
                            References::of(client, plan.as_ref()),
                            &settings.clinician,
                            now_local(),
                            settings.late_entry_hours,
                            reason,
                        )
                    });
                    let handle = note.get_value();
                    Box::pin(async move {
                        let signed = signed.map_err(|e| e.to_string())?;
                        match handle.sign(signed, now_ms()).await {
                            Ok(note) => {
                                *signed_from.borrow_mut() = Some(snapshot);
                                *amendable.borrow_mut() = Some(note);
                                Ok(())
                            }
                            Err(e @ SaveError::Conflict(_)) => Err(e.to_string()),
                            Err(SaveError::Failed(e)) => Err(e.to_string()),
                        }
                    })
                })
                .await
        };
        let note = amendable.borrow_mut().take();
        let snapshot = signed_from.borrow_mut().take();
        match (result, note, snapshot) {
            (Ok(()), Some(note), Some(snapshot)) => {
                // Nothing more is autosaved as a draft: the note is signed.
                form.autosave.discard();
                // The diagnoses a signed intake established join the client
                // record, so the next notes can address them. Best effort:
                // the note is signed either way, and the record can be
                // edited by hand.
                if let Some(crate::domain::CourseDocument::Intake(intake)) = &snapshot.document {
                    let diagnoses: Vec<crate::domain::Diagnosis> = intake
                        .diagnoses
                        .iter()
                        .map(|d| d.to_client_diagnosis(false))
                        .collect();
                    let added = session
                        .vault()
                        .add_client_diagnoses(snapshot.client_id.as_str(), &diagnoses, now_ms())
                        .await;
                    if added.is_ok_and(|codes| !codes.is_empty()) {
                        if let Some(record) = record {
                            record.reload();
                        }
                    }
                }
                // Typed while the note was being sealed and stored.
                let start = form
                    .draft
                    .try_with_untracked(|current| typed_after_signing(&snapshot, current))
                    .flatten();
                on_signed.run((note, start));
                Ok(())
            }
            (Err(message), _, _) => Err(wording::not_done("The note was not signed.", message)),
            _ => Ok(()),
        }
    });
    Effect::new(move |_| {
        if let Some(Err(message)) = sign.value().get() {
            refusal.set(Some(Refusal::Message(message)));
        }
    });

    view! {
        <section class="card sign-panel" aria-labelledby="sign-heading">
            <h2 id="sign-heading">"Save or sign"</h2>
            {move || late_hours.get().map(|hours| view! {
                <p class="notice">
                    {format!(
                        "This session ended {} ago, more than the {} after which a note is a late entry. Give the reason for the delay; it is kept with the signature.",
                        wording::late_by(hours),
                        wording::count(threshold(), "hour", "hours"),
                    )}
                </p>
                <label for="late-reason">{LATE_REASON_LABEL}</label>
                <textarea
                    id="late-reason"
                    rows="2"
                    aria-invalid=form.invalid(LATE_REASON_LABEL)
                    aria-describedby=form.described_by(LATE_REASON_LABEL, None)
                    use:private_text
                    prop:value=move || form.draft.with(|d| d.late_entry_reason.clone())
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        form.edit(|d| d.late_entry_reason = value);
                    }
                ></textarea>
            })}
            <IssueList
                issues=issues
                heading="This note is not ready to sign:"
                id_prefix=ISSUE_PREFIX
                target=if form.draft.with_untracked(|d| d.template.is_document()) { document_field_element } else { field_element }
            />
            {move || refusal.get().map(|r| match r {
                Refusal::NoProfile => view! {
                    <p class="alert" role="alert">
                        "Your name and credentials are needed for the signature. Add them in "
                        <A href="/settings">"Settings"</A>
                        ", then sign again. The note is kept as it is."
                    </p>
                }.into_any(),
                Refusal::Message(m) => view! { <p class="alert" role="alert">{m}</p> }.into_any(),
            })}
            <div class="actions">
                <button type="button" class="secondary" disabled=move || sign.pending().get() on:click=move |_| on_save.run(())>
                    "Save"
                </button>
                <button type="button" node_ref=sign_button disabled=move || sign.pending().get() on:click=start_review>
                    "Sign and lock"
                </button>
                <SaveEcho autosave=autosave />
            </div>
            <p class="field-hint">"A signed note cannot be changed. Corrections are added as signed addenda."</p>
            {move || review.get().map(|r| {
                let has_warnings = !r.warnings.is_empty();
                view! {
                    <section class="review" role="region" aria-labelledby="review-heading">
                        <h3 id="review-heading" tabindex="-1" node_ref=review_ref>"Review before signing"</h3>
                        <dl class="facts">
                            {r.facts.into_iter().map(|(l, v)| view! { <div><dt>{l}</dt><dd>{if v.is_empty() { "—".to_owned() } else { v }}</dd></div> }).collect_view()}
                        </dl>
                        <dl class="facts facts--wide">
                            {r.sections.into_iter().map(|(l, v)| view! { <div><dt>{l}</dt><dd class="text">{v}</dd></div> }).collect_view()}
                        </dl>
                        {has_warnings.then(|| view! {
                            <div class="notice" role="alert">
                                <p><strong>"Check before signing:"</strong></p>
                                <ul>{r.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                            </div>
                            <label class="row">
                                <input type="checkbox" class="checkbox" bind:checked=acknowledged />
                                <span>"I have checked these warnings"</span>
                            </label>
                        })}
                        <div class="actions">
                            <button
                                type="button"
                                disabled=move || sign.pending().get() || (has_warnings && !acknowledged.get())
                                on:click=move |_| { sign.dispatch_local(()); }
                            >
                                "Sign"
                            </button>
                            <button
                                type="button"
                                class="secondary"
                                on:click=move |_| {
                                    review.set(None);
                                    // Back where the review was opened from.
                                    if let Some(button) = sign_button.get_untracked() {
                                        let _ = button.focus();
                                    }
                                }
                            >
                                "Keep editing"
                            </button>
                        </div>
                        {move || sign.pending().get().then(|| view! { <p class="status" role="status">"Signing…"</p> })}
                    </section>
                }
            })}
        </section>
    }
}
