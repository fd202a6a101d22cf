//! The Treatment plan tab of a client's record (`/clients/:client/plan`).
//!
//! - Before a plan exists: "Start treatment plan", which brings the client
//!   record's goals into a first draft, ids and all.
//! - A draft (version 1, or a revision) is edited in [`PlanForm`], autosaved
//!   like every editor, and signed with "Sign treatment plan"; what stops
//!   signing is listed with the issue list every editor uses.
//! - The signed version in force is shown read-only, with the client's
//!   agreement, "Revise" (a new draft copied from it) and "Print plan" (the
//!   paper layout of [`PlanPrint`], with signature lines).
//! - The version history lists every signed version, each viewable.
//!
//! The page asks the vault's plan handle for every change; a change that meets
//! a version saved elsewhere comes back as a conflict, and the clinician keeps
//! their text or takes the other version.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::treatment_plan::{
    ClientAgreement, PlanContent, PlanError, ReviewStatus, SignedPlanVersion,
};
use crate::domain::{Client, Date, TreatmentPlan, ValidationIssue};
use crate::ui::clock::{now_local, now_ms, today};
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;
use crate::vault::conflict::SaveError;
use crate::vault::editable_treatment_plan::EditableTreatmentPlan;
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveEcho, SaveFuture, SaveIndicator, Writer};
use super::client_context::use_client_record;
use super::common::{format_timestamp, prefer_codes, shown_name, ErrorAlert, IssueList};
use super::plan_form::{PlanFields, PlanForm};
use super::plan_print::{PlanPrint, PlanPrintout};
use super::plan_view::PlanView;

/// `/clients/:client/plan`
#[component]
pub fn TreatmentPlanPage() -> impl IntoView {
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
    // Read once per visit: reading again while the clinician types would
    // replace the form under their hands. A change made elsewhere shows as a
    // conflict at the next save.
    let opened = LocalResource::new(move || {
        let id = client_id.get();
        async move { session.vault().edit_treatment_plan(&id).await }
    });
    view! {
        <div class="plan-page">
            <h1>"Treatment plan"</h1>
            {move || match (opened.get(), record.client.get()) {
                (None, _) | (_, None) => {
                    view! { <p class="status" role="status">"Opening the treatment plan…"</p> }.into_any()
                }
                (Some(Err(e)), _) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
                (Some(Ok(handle)), Some(client)) => view! { <PlanScreen handle=handle client=client /> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

/// Whether `plan` has nothing in it yet: never started, or its only draft
/// was discarded before signing.
fn is_empty(plan: Option<&TreatmentPlan>) -> bool {
    plan.is_none_or(|p| p.draft().is_none() && p.versions().is_empty())
}

#[component]
fn PlanScreen(handle: EditableTreatmentPlan, client: Client) -> impl IntoView {
    let plan = RwSignal::new(handle.plan());
    // Bumped when the draft on screen is replaced by another (the version
    // saved elsewhere was taken): the form is built again from it.
    let generation = RwSignal::new(0u32);
    let handle = StoredValue::new_local(handle);
    let error = RwSignal::new(None::<String>);
    let client_name = shown_name(&client, prefer_codes());
    let client = StoredValue::new(client);

    let start = Action::new_local(move |(): &()| async move {
        error.set(None);
        let handle = handle.get_value();
        match handle
            .start(&client.get_value(), now_local(), now_ms())
            .await
        {
            Ok(started) => plan.set(Some(started)),
            Err(e) => error.set(Some(e.to_string())),
        }
    });
    let goals = client.with_value(|c| c.goals.len());
    let to_settle = LocalResource::new(move || {
        let handle = handle.get_value();
        async move { handle.versions_to_settle().await.unwrap_or(false) }
    });
    let to_settle = move || {
        (to_settle.get() == Some(true)).then(|| view! {
            <p class="notice" role="status">
                "This plan has another version from a synced device, still to settle. This screen shows one of them; the other is kept until you choose. "
                <A href="/conflicts">"Compare the versions"</A>
            </p>
        })
    };

    let draft_key = Memo::new(move |_| {
        (
            plan.with(|p| p.as_ref().and_then(|p| p.draft()).map(|d| d.version())),
            generation.get(),
        )
    });
    let draft = move || {
        let (version, _) = draft_key.get();
        let version = version?;
        let content = plan.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.draft())
                .map(|d| d.content.clone())
        })?;
        Some(view! {
            <DraftEditor
                handle=handle.get_value()
                version=version
                content=content
                plan=plan
                generation=generation
            />
        })
    };
    let printout = move || {
        let name = client_name.clone();
        plan.with(|p| {
            let current = p.as_ref()?.current()?;
            Some(PlanPrintout {
                client_line: name,
                version_line: signed_line(current),
                agreement_line: current.client_agreement().map(|a| a.agreement.describe()),
                content: current.content().clone(),
            })
        })
    };

    view! {
        <ReviewLine plan=plan />
        {to_settle}
        <ErrorAlert message=error />
        <Show when=move || plan.with(|p| is_empty(p.as_ref()))>
            <section class="card plan-start" aria-labelledby="plan-start-heading">
                <h2 id="plan-start-heading">"No treatment plan yet"</h2>
                <p>
                    {match goals {
                        0 => "The plan starts empty: add the problem, its goals, measurable objectives and interventions.".to_owned(),
                        n => format!(
                            "The plan starts with the {} of the client record, under one problem. Describe the problem, then add objectives and interventions.",
                            crate::ui::wording::count(n as u64, "goal", "goals")
                        ),
                    }}
                </p>
                {(!crate::ui::session_context::use_session().is_custodian()).then(|| view! {
                    <div class="actions">
                        <button type="button" disabled=move || start.pending().get() on:click=move |_| {
                            start.dispatch_local(());
                        }>"Start treatment plan"</button>
                    </div>
                })}
            </section>
        </Show>
        {draft}
        <InForce plan=plan handle=handle error=error />
        <History plan=plan />
        {move || printout().map(|p| view! { <PlanPrint printout=p /> })}
    }
}

/// "Version 2, signed 2025-06-15 10:02 by Jane Doe, LCSW".
fn signed_line(version: &SignedPlanVersion) -> String {
    format!(
        "Version {}, signed {} by {}",
        version.version(),
        format_timestamp(version.signed_at()),
        version.signature().signature_line()
    )
}

/// Where the plan in force stands against its review date.
#[component]
fn ReviewLine(plan: RwSignal<Option<TreatmentPlan>>) -> impl IntoView {
    move || {
        plan.with(|p| {
            let p = p.as_ref()?;
            let review = p.review_date();
            let (text, overdue) = match p.review_status(today()) {
                ReviewStatus::NotSigned => return None,
                ReviewStatus::NoReviewDate => {
                    ("The plan in force has no review date.".to_owned(), true)
                }
                ReviewStatus::Upcoming { days_left } => (
                    format!(
                        "Review due {} (in {}).",
                        review.map(|d| d.to_string()).unwrap_or_default(),
                        crate::ui::wording::count(days_left as u64, "day", "days")
                    ),
                    false,
                ),
                ReviewStatus::DueToday => ("Review due today.".to_owned(), true),
                ReviewStatus::Overdue { days_overdue } => (
                    format!(
                        "The review date ({}) has passed, {} ago. Revise the plan to review it.",
                        review.map(|d| d.to_string()).unwrap_or_default(),
                        crate::ui::wording::count(days_overdue as u64, "day", "days")
                    ),
                    true,
                ),
            };
            Some(view! { <p class=if overdue { "notice" } else { "status" }>{text}</p> })
        })
    }
}

/// The draft being written: the form, its save state, "Save", "Sign
/// treatment plan" and "Discard draft".
#[component]
fn DraftEditor(
    handle: EditableTreatmentPlan,
    version: u32,
    content: PlanContent,
    plan: RwSignal<Option<TreatmentPlan>>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let fields = PlanFields::new(&content);
    let handle = StoredValue::new_local(handle);
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let error = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(false);
    let confirming = RwSignal::new(false);

    let writer: Writer = Rc::new(move || -> SaveFuture {
        let (Some(content), Some(handle)) = (fields.content(), handle.try_get_value()) else {
            return Box::pin(async { Ok(()) });
        };
        Box::pin(async move {
            match handle.save_draft(&content, now_local(), now_ms()).await {
                Ok(()) => Ok(()),
                Err(e @ SaveError::Conflict(_)) => {
                    conflict.try_set(true);
                    Err(e.to_string())
                }
                Err(SaveError::Failed(e)) => Err(e.to_string()),
            }
        })
    });
    let autosave = Autosave::new(writer.clone());
    let writer = StoredValue::new_local(writer);

    let save = move |_| {
        let writer = writer.get_value();
        leptos::task::spawn_local(async move {
            let _ = autosave.run(move || writer()).await;
        });
    };

    // Signing writes the form's text with the signature. When the plan is not
    // ready, the text is saved as a draft and what is missing is listed.
    let sign = Action::new_local(move |(): &()| async move {
        error.set(None);
        let Some(content) = fields.content() else {
            return;
        };
        let handle = handle.get_value();
        // Shown once the write queue is released: the form must not close
        // while its own write is still in flight.
        let signed = Rc::new(std::cell::RefCell::new(None::<TreatmentPlan>));
        let slot = signed.clone();
        let _ = autosave
            .run(move || -> SaveFuture {
                Box::pin(async move {
                    match handle.sign(&content, now_local(), now_ms()).await {
                        Ok(done) => {
                            *slot.borrow_mut() = Some(done);
                            issues.set(Vec::new());
                            Ok(())
                        }
                        Err(VaultError::Plan(PlanError::Incomplete(list))) => {
                            issues.set(list);
                            save_instead(&handle, &content, conflict).await
                        }
                        Err(e @ VaultError::Plan(_)) => {
                            error.set(Some(e.to_string()));
                            save_instead(&handle, &content, conflict).await
                        }
                        Err(VaultError::Conflict) => {
                            conflict.set(true);
                            Err(VaultError::Conflict.to_string())
                        }
                        Err(e) => Err(e.to_string()),
                    }
                })
            })
            .await;
        let done = signed.borrow_mut().take();
        if let Some(done) = done {
            plan.set(Some(done));
        }
    });

    let discard = Action::new_local(move |(): &()| async move {
        let editable = handle.get_value();
        let result = autosave
            .run(move || -> SaveFuture {
                Box::pin(async move {
                    editable
                        .discard_draft(now_ms())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
            })
            .await;
        match result {
            Ok(()) => {
                autosave.discard();
                plan.set(handle.get_value().plan());
            }
            Err(e) => error.set(Some(crate::ui::wording::not_done(
                "The draft was not discarded.",
                e,
            ))),
        }
    });

    let keep_mine = Action::new_local(move |(): &()| async move {
        let Some(content) = fields.content() else {
            return;
        };
        let handle = handle.get_value();
        let result = autosave
            .run(move || -> SaveFuture {
                Box::pin(async move {
                    handle
                        .keep_mine(&content, now_local(), now_ms())
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .await;
        match result {
            Ok(()) => {
                conflict.set(false);
                autosave.settled();
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let take_theirs = Action::new_local(move |(): &()| async move {
        match handle.get_value().reload().await {
            Ok(current) => {
                autosave.discard();
                conflict.set(false);
                plan.set(current);
                generation.update(|g| *g += 1);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });

    let heading = if version == 1 {
        "Draft".to_owned()
    } else {
        format!("Draft of version {version}")
    };
    view! {
        <section class="plan-draft" aria-labelledby="plan-draft-heading">
            <div class="page-head">
                <h2 id="plan-draft-heading">{heading}</h2>
                <SaveIndicator autosave=autosave />
            </div>
            <Show when=move || conflict.get()>
                <div class="alert" role="alert">
                    <p>"This plan was changed elsewhere (another tab or window, or another synced device), so your text was not saved over it."</p>
                    <div class="actions">
                        <button type="button" on:click=move |_| { keep_mine.dispatch_local(()); }>"Keep my version"</button>
                        <button type="button" class="secondary" on:click=move |_| { take_theirs.dispatch_local(()); }>"Use the other version"</button>
                    </div>
                </div>
            </Show>
            <PlanForm fields=fields autosave=autosave />
            <IssueList
                issues=issues
                heading="Before this plan can be signed:"
                id_prefix="plan-issue"
                target=issue_target
            />
            <ErrorAlert message=error />
            <div class="actions">
                <button type="button" class="secondary" on:click=save>"Save"</button>
                <SaveEcho autosave=autosave />
                <button type="button" disabled=move || sign.pending().get() on:click=move |_| {
                    sign.dispatch_local(());
                }>"Sign treatment plan"</button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Discard draft"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="card" role="group" aria-label="Discard the draft">
                    <p>
                        {if version == 1 {
                            "Discard this draft? Its text is deleted; the client record's goals are not changed."
                        } else {
                            "Discard this revision? Its text is deleted; the signed version stays in force."
                        }}
                    </p>
                    <div class="actions">
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            discard.dispatch_local(());
                        }>"Discard draft"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep the draft"</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}

/// After signing was refused, the text is still written as the draft.
async fn save_instead(
    handle: &EditableTreatmentPlan,
    content: &PlanContent,
    conflict: RwSignal<bool>,
) -> Result<(), String> {
    match handle.save_draft(content, now_local(), now_ms()).await {
        Ok(()) => Ok(()),
        Err(e @ SaveError::Conflict(_)) => {
            conflict.try_set(true);
            Err(e.to_string())
        }
        Err(SaveError::Failed(e)) => Err(e.to_string()),
    }
}

/// The element an issue's label links to, where one field owns it.
fn issue_target(field: &str) -> Option<String> {
    (field == PlanContent::REVIEW_DATE_LABEL).then(|| "plan-review-date".to_owned())
}

/// The signed version in force: read-only, with the client's agreement,
/// "Revise" and "Print plan".
#[component]
fn InForce(
    plan: RwSignal<Option<TreatmentPlan>>,
    handle: StoredValue<EditableTreatmentPlan, LocalStorage>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let revise = Action::new_local(move |(): &()| async move {
        error.set(None);
        match handle.get_value().revise(now_local(), now_ms()).await {
            Ok(revised) => plan.set(Some(revised)),
            Err(e) => error.set(Some(e.to_string())),
        }
    });
    move || {
        let (current, drafting) = plan.with(|p| {
            let p = p.as_ref()?;
            Some((p.current()?.clone(), p.draft().is_some()))
        })?;
        let version = current.version();
        let agreement = current.client_agreement().map(|a| a.agreement.describe());
        Some(view! {
            <section class="plan-current" aria-labelledby="plan-current-heading">
                <h2 id="plan-current-heading">{format!("In force: version {version}")}</h2>
                <p class="muted">{signed_line(&current)}</p>
                <PlanView content=current.content().clone() />
                {match agreement {
                    Some(line) => view! { <p class="plan-agreement"><strong>"Client agreement: "</strong>{line}</p> }.into_any(),
                    None => view! { <AgreementForm version=version plan=plan handle=handle /> }.into_any(),
                }}
                <div class="actions">
                    {(!drafting).then(|| view! {
                        <button type="button" disabled=move || revise.pending().get() on:click=move |_| {
                            revise.dispatch_local(());
                        }>"Revise"</button>
                    })}
                    <button type="button" class="secondary" on:click=move |_| { let _ = window().print(); }>"Print plan"</button>
                </div>
            </section>
        })
    }
}

/// The client's agreement to a signed version: their name, a signature on
/// the printed plan, or a refusal with its reason; and the date.
#[component]
fn AgreementForm(
    version: u32,
    plan: RwSignal<Option<TreatmentPlan>>,
    handle: StoredValue<EditableTreatmentPlan, LocalStorage>,
) -> impl IntoView {
    let kind = RwSignal::new("named".to_owned());
    let name = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let date = RwSignal::new(today().to_string());
    let error = RwSignal::new(None::<String>);
    let record = Action::new_local(move |(): &()| async move {
        error.set(None);
        let Ok(day) = Date::parse(date.get_untracked().trim()) else {
            error.set(Some("Enter the date the client agreed.".to_owned()));
            return;
        };
        let agreement = match kind.get_untracked().as_str() {
            "paper" => ClientAgreement::OnPaper { date: day },
            "declined" => ClientAgreement::Declined {
                date: day,
                reason: reason.get_untracked(),
            },
            _ => ClientAgreement::Named {
                name: name.get_untracked(),
                date: day,
            },
        };
        let handle = handle.get_value();
        match handle
            .record_client_agreement(version, agreement, now_local(), now_ms())
            .await
        {
            Ok(done) => plan.set(Some(done)),
            Err(e) => error.set(Some(e.to_string())),
        }
    });
    view! {
        <fieldset class="plan-agreement-form">
            <legend>"Client agreement"</legend>
            <label for="plan-agreement-kind">"How the client agreed"</label>
            <select id="plan-agreement-kind" on:change:target=move |ev| kind.set(ev.target().value())>
                <option value="named" selected=move || kind.get() == "named">"Agreed, by name"</option>
                <option value="paper" selected=move || kind.get() == "paper">"Signed on paper"</option>
                <option value="declined" selected=move || kind.get() == "declined">"Declined"</option>
            </select>
            <Show when=move || kind.get() == "named">
                <label for="plan-agreement-name">"Client's name"</label>
                <input id="plan-agreement-name" use:private_text bind:value=name />
            </Show>
            <Show when=move || kind.get() == "declined">
                <label for="plan-agreement-reason">"Reason"</label>
                <input id="plan-agreement-reason" use:private_text bind:value=reason />
            </Show>
            <label for="plan-agreement-date">"Date agreed"</label>
            <input id="plan-agreement-date" type="date" bind:value=date />
            <ErrorAlert message=error />
            <div class="actions">
                <button type="button" disabled=move || record.pending().get() on:click=move |_| {
                    record.dispatch_local(());
                }>"Record agreement"</button>
            </div>
        </fieldset>
    }
}

/// Every signed version, oldest first, each opened in place.
#[component]
fn History(plan: RwSignal<Option<TreatmentPlan>>) -> impl IntoView {
    move || {
        let versions: Vec<SignedPlanVersion> = plan.with(|p| {
            p.as_ref()
                .map(|p| p.versions().to_vec())
                .unwrap_or_default()
        });
        (!versions.is_empty()).then(|| {
            view! {
                <section class="plan-history" aria-labelledby="plan-history-heading">
                    <h2 id="plan-history-heading">"Version history"</h2>
                    <ol class="plan-history__list" aria-label="Signed versions">
                        {versions
                            .into_iter()
                            .map(|v| {
                                let line = signed_line(&v);
                                let agreement = v
                                    .client_agreement()
                                    .map(|a| a.agreement.describe());
                                view! {
                                    <li>
                                        <details>
                                            <summary>{line}</summary>
                                            {agreement.map(|a| view! { <p class="muted">{a}</p> })}
                                            <PlanView content=v.content().clone() heading_level=4 />
                                        </details>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </section>
            }
        })
    }
}
