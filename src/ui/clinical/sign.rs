//! "Save" and "Sign and lock".
//!
//! Required-field checks are shown only when the person tries to sign, never
//! while typing. Signing needs the clinician's name and credentials (Settings);
//! a note signed after the late-entry threshold needs a reason, asked for here
//! before signing. The signed note replaces the draft in the record, and the
//! editor buffer goes, in one transaction with the audit event.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{ProgressNote, SignError, SignedProgressNote, ValidationIssue};
use crate::ui::private_text::private_text;
use crate::ui::session::{now_local, now_ms, use_session};
use crate::vault::audit::AuditAction;
use crate::vault::session::Vault;

use super::autosave::SaveFuture;
use super::common::IssueList;
use super::progress_note_editor::{NoteForm, Revs};

/// Why the last attempt to sign did not go through, besides missing fields.
#[derive(Clone, PartialEq, Eq)]
enum Refusal {
    NoProfile,
    Message(String),
}

#[component]
pub fn SignPanel(
    form: NoteForm,
    revs: StoredValue<Rc<Revs>, LocalStorage>,
    vault: StoredValue<Vault, LocalStorage>,
    on_save: Callback<()>,
    on_signed: Callback<(SignedProgressNote, u64)>,
) -> impl IntoView {
    let session = use_session();
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let refusal = RwSignal::new(None::<Refusal>);
    let late_reason = RwSignal::new(String::new());
    let signing = RwSignal::new(false);
    let threshold = move || session.settings.with(|s| s.value.late_entry_hours);
    // Recomputed on every edit, with the clock read then.
    let late_hours = Memo::new(move |_| {
        form.draft
            .with(|d| d.late_entry_hours(now_local(), threshold()))
    });

    let sign = move |_| {
        let draft = form.draft.get_untracked();
        if let Err(found) = draft.validate_for_signing() {
            issues.set(found);
            refusal.set(None);
            return;
        }
        issues.set(Vec::new());
        let settings = session.settings.get_untracked().value;
        if !settings.clinician.is_complete() {
            refusal.set(Some(Refusal::NoProfile));
            return;
        }
        let now = now_local();
        let reason = late_reason.get_untracked();
        let reason = (!reason.trim().is_empty()).then_some(reason);
        let signed = match draft.sign(&settings.clinician, now, settings.late_entry_hours, reason) {
            Ok(signed) => signed,
            Err(SignError::Incomplete(found)) => {
                issues.set(found);
                return;
            }
            Err(SignError::NoClinicianProfile) => {
                refusal.set(Some(Refusal::NoProfile));
                return;
            }
            Err(e) => {
                refusal.set(Some(Refusal::Message(e.to_string())));
                return;
            }
        };
        refusal.set(None);
        signing.set(true);
        let revs = revs.get_value();
        let vault = vault.get_value();
        leptos::task::spawn_local(async move {
            let committed = Rc::new(std::cell::Cell::new(None::<u64>));
            let result = {
                let committed = committed.clone();
                let signed = signed.clone();
                form.autosave
                    .run(move || -> SaveFuture {
                        Box::pin(async move {
                            let new_rev = vault
                                .commit_progress_note(
                                    &ProgressNote::Signed(signed),
                                    revs.rev.get(),
                                    revs.draft_rev.get(),
                                    Some(AuditAction::Signed),
                                    now_ms(),
                                )
                                .await
                                .map_err(|e| e.to_string())?;
                            revs.rev.set(new_rev);
                            revs.base_rev.set(new_rev);
                            revs.draft_rev.set(0);
                            committed.set(Some(new_rev));
                            Ok(())
                        })
                    })
                    .await
            };
            signing.try_set(false);
            match (result, committed.get()) {
                (Ok(()), Some(rev)) => on_signed.run((signed, rev)),
                (Err(message), _) => {
                    refusal.try_set(Some(Refusal::Message(format!(
                        "The note was not signed. {message}"
                    ))));
                }
                _ => {}
            }
        });
    };

    view! {
        <section class="card sign-panel" aria-labelledby="sign-heading">
            <h2 id="sign-heading">"Save or sign"</h2>
            {move || late_hours.get().map(|hours| view! {
                <p class="notice">
                    {format!(
                        "This session ended {hours} hours ago, more than the {} hours after which a note is a late entry. Give the reason for the delay; it is kept with the signature.",
                        threshold()
                    )}
                </p>
                <label for="late-reason">"Late entry reason"</label>
                <textarea
                    id="late-reason"
                    rows="2"
                    use:private_text
                    prop:value=move || late_reason.get()
                    on:input:target=move |ev| late_reason.set(ev.target().value())
                ></textarea>
            })}
            <IssueList issues=issues heading="This note is not ready to sign:" />
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
                <button type="button" class="secondary" disabled=move || signing.get() on:click=move |_| on_save.run(())>
                    "Save"
                </button>
                <button type="button" disabled=move || signing.get() on:click=sign>
                    "Sign and lock"
                </button>
            </div>
            <p class="field-hint">"A signed note cannot be changed. Corrections are added as signed addenda."</p>
        </section>
    }
}
