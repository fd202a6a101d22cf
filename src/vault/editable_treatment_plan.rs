//! A client's treatment plan open for editing: the handle the plan page holds.
//!
//! Every change is written as the next revision of the one record the plan
//! is: the draft's text (autosaved), signing, a revision, the client's
//! agreement, discarding the draft. The handle keeps the revision it last
//! read or wrote; a change over a revision saved meanwhile (another tab, a
//! merged backup, another device) is refused as a conflict, and nothing is
//! written over the other version unless the clinician chooses to. Signing,
//! revising, the agreement and discarding are never retried over another
//! version: a clinician signs only what they saw.

use std::cell::RefCell;
use std::rc::Rc;

use crate::domain::treatment_plan::{ClientAgreement, PlanContent, PlanError};
use crate::domain::{Client, Timestamp, TreatmentPlan};

use super::audit::{AuditAction, AuditEvent};
use super::conflict::{Conflict, SaveError};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::{Stored, Version};
use super::store::TreatmentPlans;
use super::VaultError;

/// A client's treatment plan open for editing. Clones share state.
#[derive(Clone)]
pub struct EditableTreatmentPlan {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    client_id: String,
    /// The plan as last read or written (`None`: not started).
    plan: RefCell<Option<TreatmentPlan>>,
    /// Its revision (`None`: no record yet).
    rev: RefCell<Option<Version>>,
}

/// A save of the draft that met another version: the text on screen and the
/// plan saved meanwhile (`None`: gone).
pub type PlanSaveError = SaveError<PlanContent, TreatmentPlan>;

impl EditableTreatmentPlan {
    pub(in crate::vault) fn new(
        vault: Vault,
        client_id: String,
        stored: Option<Stored<TreatmentPlan>>,
    ) -> Self {
        let (plan, rev) = match stored {
            Some(s) => (Some(s.value), Some(s.version)),
            None => (None, None),
        };
        EditableTreatmentPlan {
            inner: Rc::new(State {
                vault,
                client_id,
                plan: RefCell::new(plan),
                rev: RefCell::new(rev),
            }),
        }
    }

    /// The plan as last read or written; `None` before it was started.
    pub fn plan(&self) -> Option<TreatmentPlan> {
        self.inner.plan.borrow().clone()
    }

    /// Whether the plan holds versions from other devices still to settle
    /// (the Conflicts page compares them); this handle edits the one shown.
    pub async fn versions_to_settle(&self) -> Result<bool, VaultError> {
        Ok(self
            .inner
            .vault
            .stored_treatment_plan(&self.inner.client_id)
            .await?
            .is_some_and(|stored| stored.conflicts > 0))
    }

    /// Starts the plan: a first draft holding every goal of the client record,
    /// ids and all ([`TreatmentPlan::from_client_goals`]), stored and audited.
    /// Also starts again after an unsigned first draft was discarded. A plan
    /// that already has a draft or a signed version is left as it is and
    /// returned (another tab may have started it first).
    pub async fn start(
        &self,
        client: &Client,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<TreatmentPlan, VaultError> {
        let state = &self.inner;
        if client.id.as_str() != state.client_id {
            return Err(VaultError::NotFound);
        }
        if let Some(plan) = self.plan() {
            if plan.draft().is_some() || !plan.versions().is_empty() {
                return Ok(plan);
            }
        }
        let id = state.vault.treatment_plan_id(&state.client_id)?;
        let problem_id = state.vault.new_record_id()?;
        let plan = TreatmentPlan::from_client_goals(id, client, problem_id, now);
        self.write(&plan, AuditAction::TreatmentPlanStarted, now_ms)
            .await?;
        Ok(plan)
    }

    /// Saves `content` as the draft's text. When the plan was changed
    /// elsewhere meanwhile, the save is refused as a conflict carrying both
    /// versions, unless the other side left the draft's text as this side
    /// last saw it (an agreement recorded in another tab, say): then the
    /// text is written over it.
    pub async fn save_draft(
        &self,
        content: &PlanContent,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<(), PlanSaveError> {
        let base = self.plan().ok_or(VaultError::NotFound)?;
        let plan = with_draft_content(&base, content, now)?;
        match self.put(&plan, None, now_ms).await {
            Ok(()) => Ok(()),
            Err(VaultError::Conflict | VaultError::NotFound) => {
                let current = self
                    .inner
                    .vault
                    .stored_treatment_plan(&self.inner.client_id)
                    .await?;
                let mine_base = base.draft().map(|d| &d.content);
                match current {
                    Some(theirs)
                        if theirs.value.draft().map(|d| &d.content) == mine_base
                            && theirs.value.draft().map(|d| d.version())
                                == base.draft().map(|d| d.version()) =>
                    {
                        let plan = with_draft_content(&theirs.value, content, now)?;
                        *self.inner.rev.borrow_mut() = Some(theirs.version);
                        self.put(&plan, None, now_ms).await?;
                        Ok(())
                    }
                    theirs => Err(SaveError::Conflict(Box::new(Conflict {
                        mine: content.clone(),
                        theirs: theirs.map(|t| t.value),
                        clashes: vec![PlanContent::PLAN_LABEL.to_owned()],
                    }))),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Settles a conflict with this screen's text: it becomes the draft of
    /// the plan as now stored. Refused when that plan has no draft (its draft
    /// was signed or discarded elsewhere): revise it to go on.
    pub async fn keep_mine(
        &self,
        content: &PlanContent,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        self.reload().await?;
        let base = self.plan().ok_or(VaultError::NotFound)?;
        let plan = with_draft_content(&base, content, now)?;
        self.put(&plan, None, now_ms).await
    }

    /// Reads the plan as now stored and follows it from here on (settling a
    /// conflict with the other version). Returns it.
    pub async fn reload(&self) -> Result<Option<TreatmentPlan>, VaultError> {
        let state = &self.inner;
        let current = state.vault.stored_treatment_plan(&state.client_id).await?;
        let (plan, rev) = match current {
            Some(s) => (Some(s.value), Some(s.version)),
            None => (None, None),
        };
        *state.plan.borrow_mut() = plan.clone();
        *state.rev.borrow_mut() = rev;
        Ok(plan)
    }

    /// Signs the draft with `content` as its text and the clinician profile
    /// of the settings: the next signed version, frozen. On refusal
    /// ([`PlanError::Incomplete`], no profile) nothing is written.
    pub async fn sign(
        &self,
        content: &PlanContent,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<TreatmentPlan, VaultError> {
        let base = self.plan().ok_or(VaultError::NotFound)?;
        let mut plan = with_draft_content(&base, content, now)?;
        let clinician = self.inner.vault.settings().await?.clinician;
        let version = plan.sign(&clinician, now)?.version();
        self.write(&plan, AuditAction::TreatmentPlanSigned { version }, now_ms)
            .await?;
        Ok(plan)
    }

    /// Starts the next version as a draft copied from the signed one, which
    /// stays in force and in the history.
    pub async fn revise(&self, now: Timestamp, now_ms: i64) -> Result<TreatmentPlan, VaultError> {
        let mut plan = self.plan().ok_or(VaultError::NotFound)?;
        plan.revise(now)?;
        self.write(&plan, AuditAction::TreatmentPlanRevised, now_ms)
            .await?;
        Ok(plan)
    }

    /// Discards the unsigned draft; every signed version stays. Without a
    /// signed version the plan is then empty, and can be started again.
    pub async fn discard_draft(&self, now_ms: i64) -> Result<TreatmentPlan, VaultError> {
        let mut plan = self.plan().ok_or(VaultError::NotFound)?;
        if plan.discard_draft().is_none() {
            return Err(PlanError::NoDraft.into());
        }
        self.write(&plan, AuditAction::TreatmentPlanDraftDiscarded, now_ms)
            .await?;
        Ok(plan)
    }

    /// Records the client's agreement to signed version `version` (once).
    pub async fn record_client_agreement(
        &self,
        version: u32,
        agreement: ClientAgreement,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<TreatmentPlan, VaultError> {
        let mut plan = self.plan().ok_or(VaultError::NotFound)?;
        plan.record_client_agreement(version, agreement, now)?;
        self.write(
            &plan,
            AuditAction::ClientAgreementRecorded { version },
            now_ms,
        )
        .await?;
        Ok(plan)
    }

    /// Writes `plan` over the revision last seen here, with `action` audited
    /// by the record's id in the same transaction.
    async fn write(
        &self,
        plan: &TreatmentPlan,
        action: AuditAction,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        self.put(plan, Some(action), now_ms).await
    }

    async fn put(
        &self,
        plan: &TreatmentPlan,
        action: Option<AuditAction>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let id = plan.id().as_str();
        let events: Vec<AuditEvent> = action
            .into_iter()
            .map(|action| AuditEvent::about(now_ms, action, id))
            .collect();
        let parent = state.rev.borrow().clone();
        let rev = state
            .vault
            .put::<TreatmentPlans, _>(id, parent.as_ref(), plan, Keyring::records_key, &events)
            .await?;
        *state.rev.borrow_mut() = Some(rev);
        *state.plan.borrow_mut() = Some(plan.clone());
        Ok(())
    }
}

/// `plan` with its draft's text replaced by `content`, edited at `now`.
fn with_draft_content(
    plan: &TreatmentPlan,
    content: &PlanContent,
    now: Timestamp,
) -> Result<TreatmentPlan, VaultError> {
    let mut plan = plan.clone();
    let draft = plan.draft_mut().ok_or(PlanError::NoDraft)?;
    draft.content = content.clone();
    draft.updated_at = now;
    Ok(plan)
}
