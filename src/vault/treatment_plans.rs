//! Treatment plans in the vault: one record per client in `treatment_plans`,
//! read for one client (the plan page) or all together (the home screen's
//! plans past review).
//!
//! A plan's record id is a keyed digest of its client's id, so it is the same
//! on every device: two devices that each start a plan for one client write
//! revisions of one record, which replication keeps as a conflict rather than
//! as two plans. Keyed, so a sync server, which sees record ids, cannot tell
//! whose plan it is. Editing goes through
//! [`EditableTreatmentPlan`](super::editable_treatment_plan::EditableTreatmentPlan).

use crate::domain::{TreatmentPlan, TreatmentPlanId};

use super::editable_treatment_plan::EditableTreatmentPlan;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::revision_tree::digest_hex;
use super::sealer::{Loaded, Stored};
use super::store::TreatmentPlans;
use super::VaultError;

impl Vault {
    /// The record id of `client_id`'s plan (see the module doc).
    pub(in crate::vault) fn treatment_plan_id(
        &self,
        client_id: &str,
    ) -> Result<TreatmentPlanId, VaultError> {
        self.with_keys(|keys| {
            let digest = keys
                .records()
                .revision_digest(&[b"treatment-plan", client_id.as_bytes()]);
            Ok(TreatmentPlanId(format!("plan.{}", digest_hex(&digest))))
        })
    }

    /// `client_id`'s plan as stored, with its revision; `None` before one was
    /// started. A record that opens but names another client is damaged.
    pub(in crate::vault) async fn stored_treatment_plan(
        &self,
        client_id: &str,
    ) -> Result<Option<Stored<TreatmentPlan>>, VaultError> {
        let id = self.treatment_plan_id(client_id)?;
        let stored = self
            .get_optional::<TreatmentPlans, TreatmentPlan>(id.as_str(), Keyring::records_key)
            .await?;
        match stored {
            Some(s) if s.value.client_id().as_str() != client_id || s.value.id() != &id => {
                Err(VaultError::Damaged { id: id.0 })
            }
            other => Ok(other),
        }
    }

    /// `client_id`'s treatment plan, to read; `None` before one was started.
    pub async fn treatment_plan(
        &self,
        client_id: &str,
    ) -> Result<Option<TreatmentPlan>, VaultError> {
        Ok(self
            .stored_treatment_plan(client_id)
            .await?
            .map(|s| s.value))
    }

    /// Every client's plan, for the home screen's list of plans past review.
    /// One small record per client, and only records whose sealed bytes
    /// changed since this session last opened them are decrypted again.
    /// A record that is not where its client's plan belongs is damaged, as
    /// [`Vault::treatment_plan`] would find it.
    pub async fn treatment_plans(&self) -> Result<Vec<Loaded<TreatmentPlan>>, VaultError> {
        let listed = self
            .list::<TreatmentPlans, TreatmentPlan>(Keyring::records_key)
            .await?;
        listed
            .into_iter()
            .map(|loaded| match loaded {
                Loaded::Ok(stored) => {
                    let home = self.treatment_plan_id(stored.value.client_id().as_str())?;
                    Ok(if stored.id == home.0 && stored.value.id() == &home {
                        Loaded::Ok(stored)
                    } else {
                        Loaded::Damaged { id: stored.id }
                    })
                }
                damaged => Ok(damaged),
            })
            .collect()
    }

    /// `client_id`'s plan, open for editing (an empty handle before one was
    /// started: see [`EditableTreatmentPlan::start`]).
    pub async fn edit_treatment_plan(
        &self,
        client_id: &str,
    ) -> Result<EditableTreatmentPlan, VaultError> {
        let stored = self.stored_treatment_plan(client_id).await?;
        Ok(EditableTreatmentPlan::new(
            self.clone(),
            client_id.to_owned(),
            stored,
        ))
    }
}
