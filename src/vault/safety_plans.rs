//! Safety plans in the vault: one record per client in `safety_plans`,
//! holding every version (see [`SafetyPlan`]).
//!
//! As for treatment plans, the record id is a keyed digest of the client's
//! id, the same on every device and telling a sync server nothing. Saving
//! only ever appends a version. A save that meets a version saved meanwhile
//! (another tab, a synced device) appends to that one instead of overwriting
//! it, and says so: nothing anyone saved is lost, and the screen shows the
//! clinician what the plan now says.

use serde::{Deserialize, Serialize};

use crate::domain::safety_plan::SaveSafetyPlanError;
use crate::domain::{ClientId, SafetyPlan, SafetyPlanContent, Timestamp};

use super::audit::{AuditAction, AuditEvent};
use super::batch::Batch;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::revision_tree::digest_hex;
use super::sealer::Stored;
use super::store::{DraftsStore, SafetyPlans};
use super::VaultError;

/// A version being written, not saved yet: kept in the drafts store on this
/// device only (it never syncs), so a lock or a reload in the middle of a
/// crisis does not lose what was written with the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafetyPlanBuffer {
    pub client_id: ClientId,
    pub content: SafetyPlanContent,
    /// How many versions the screen showed when editing began.
    pub seen: usize,
}

/// A saved version, and whether someone else saved one after the version the
/// screen started from.
#[derive(Debug, Clone)]
pub struct SavedSafetyPlan {
    pub plan: SafetyPlan,
    /// Versions saved elsewhere after the one the screen showed; the new
    /// version was added after them.
    pub saved_meanwhile: usize,
}

/// Why a version was not saved. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SafetyPlanError {
    #[error("{0}")]
    Refused(SaveSafetyPlanError),
    #[error("The safety plan was not saved. {0}")]
    Failed(#[from] VaultError),
}

impl Vault {
    fn safety_plan_id(&self, client_id: &str) -> Result<String, VaultError> {
        self.with_keys(|keys| {
            let digest = keys
                .records()
                .revision_digest(&[b"safety-plan", client_id.as_bytes()]);
            Ok(format!("safety.{}", digest_hex(&digest)))
        })
    }

    /// The drafts-store id of the buffer. It holds a dot, so the lists of
    /// notes with unsaved changes never take it for a note.
    fn safety_plan_buffer_id(&self, client_id: &str) -> Result<String, VaultError> {
        Ok(format!("{}.buffer", self.safety_plan_id(client_id)?))
    }

    /// The version being written for `client_id`, if one was kept.
    pub async fn safety_plan_buffer(
        &self,
        client_id: &str,
    ) -> Result<Option<SafetyPlanBuffer>, VaultError> {
        let id = self.safety_plan_buffer_id(client_id)?;
        Ok(self
            .get_optional::<DraftsStore, SafetyPlanBuffer>(&id, Keyring::drafts_key)
            .await?
            .filter(|b| b.value.client_id.as_str() == client_id)
            .map(|b| b.value))
    }

    /// Keeps the version being written (over whatever was kept before: the
    /// screen writing is the one the clinician sees).
    pub async fn keep_safety_plan_buffer(
        &self,
        buffer: &SafetyPlanBuffer,
    ) -> Result<(), VaultError> {
        let id = self.safety_plan_buffer_id(buffer.client_id.as_str())?;
        let current = self
            .get_optional::<DraftsStore, SafetyPlanBuffer>(&id, Keyring::drafts_key)
            .await
            .ok()
            .flatten()
            .map(|b| b.version);
        self.put::<DraftsStore, _>(&id, current.as_ref(), buffer, Keyring::drafts_key, &[])
            .await
            .map(|_| ())
    }

    /// Drops the kept version being written (saved, or let go).
    pub async fn drop_safety_plan_buffer(&self, client_id: &str) -> Result<(), VaultError> {
        let id = self.safety_plan_buffer_id(client_id)?;
        let current = self
            .get_optional::<DraftsStore, SafetyPlanBuffer>(&id, Keyring::drafts_key)
            .await?;
        if let Some(current) = current {
            Batch::new()
                .delete_if_at::<DraftsStore>(&id, current.version.rev)
                .commit(self.connection())
                .await?;
        }
        Ok(())
    }

    async fn stored_safety_plan(
        &self,
        client_id: &str,
    ) -> Result<Option<Stored<SafetyPlan>>, VaultError> {
        let id = self.safety_plan_id(client_id)?;
        let stored = self
            .get_optional::<SafetyPlans, SafetyPlan>(&id, Keyring::records_key)
            .await?;
        match stored {
            Some(s) if s.value.client_id().as_str() != client_id => Err(VaultError::Damaged { id }),
            other => Ok(other),
        }
    }

    /// `client_id`'s safety plan with every version; `None` before the first
    /// was saved.
    pub async fn safety_plan(&self, client_id: &str) -> Result<Option<SafetyPlan>, VaultError> {
        Ok(self.stored_safety_plan(client_id).await?.map(|s| s.value))
    }

    /// Whether the plan holds versions from another device not merged into
    /// the one shown (both are kept until then).
    pub async fn safety_plan_versions_to_settle(
        &self,
        client_id: &str,
    ) -> Result<bool, VaultError> {
        Ok(self
            .stored_safety_plan(client_id)
            .await?
            .is_some_and(|s| s.conflicts > 0))
    }

    /// Saves `content` as the next version of `client_id`'s plan, saved by
    /// the clinician of the settings, audited in the same transaction.
    /// `seen` is how many versions the screen showed when editing began.
    pub async fn save_safety_plan(
        &self,
        client_id: &str,
        content: &SafetyPlanContent,
        seen: usize,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<SavedSafetyPlan, SafetyPlanError> {
        let id = self.safety_plan_id(client_id)?;
        let saved_by = self.settings().await?.clinician.signature_line();
        // A write between the read and the put (another tab) is met by
        // reading again: the version goes after whatever is there.
        for _ in 0..3 {
            let stored = self.stored_safety_plan(client_id).await?;
            let (mut plan, parent) = match stored {
                Some(s) => (s.value, Some(s.version)),
                None => (SafetyPlan::new(ClientId(client_id.to_owned())), None),
            };
            let before = plan.versions().len();
            let version = plan
                .save_version(content, &saved_by, now)
                .map_err(SafetyPlanError::Refused)?
                .version;
            let event = AuditEvent::about(now_ms, AuditAction::SafetyPlanSaved { version }, &id);
            match self
                .put::<SafetyPlans, _>(&id, parent.as_ref(), &plan, Keyring::records_key, &[event])
                .await
            {
                Ok(_) => {
                    // Saved: the buffer is no longer needed. Should dropping it
                    // fail, the screen finds it equal to the version and
                    // ignores it.
                    let _ = self.drop_safety_plan_buffer(client_id).await;
                    return Ok(SavedSafetyPlan {
                        plan,
                        saved_meanwhile: before.saturating_sub(seen),
                    });
                }
                Err(VaultError::Conflict | VaultError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(VaultError::Conflict.into())
    }
}
