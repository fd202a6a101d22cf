//! The treatment plan: problem → goals → measurable objectives and
//! interventions, signed in versions, reviewed on a date.
//!
//! - `content`: what one version says ([`PlanContent`], [`Problem`],
//!   [`PlanGoal`], [`Objective`], [`ObjectiveMeasure`], [`Intervention`]) and
//!   what must be filled in before signing.
//! - `plan`: [`TreatmentPlan`], the signed versions (each a read-only
//!   [`SignedPlanVersion`], never changed or removed) and at most one
//!   [`PlanDraft`]; signing, revising, and the client's agreement
//!   ([`ClientAgreement`]). `canonical` is the exact text a signature covers.
//! - `migration`: the client record's goals become the first draft's goals,
//!   ids and all ([`TreatmentPlan::from_client_goals`]).
//! - `review`: the default review date (90 days) and which plans are past it
//!   ([`plans_past_review`]).
//! - `progress`: what a progress note's addressed ids refer to
//!   ([`TreatmentPlan::find`]) and how far a score objective has come
//!   ([`score_objective_progress`]).
//!
//! # Ids
//! Every problem, goal and objective has an opaque id made by the caller (a
//! random UUID, like every other id; the domain has no randomness). Within a
//! plan they share one namespace and must be distinct, which signing checks. An
//! id is kept for the item's whole life: a revision copies the signed content
//! with its ids, and signing refuses a revision that drops an item the signed
//! plan had (it is marked met or discontinued instead). Goals migrated from the
//! client record keep their ids, so progress notes that name them keep
//! resolving. Interventions have no id: nothing refers to one.
//!
//! A plan is part of the record (a summary of the treatment plan belongs in
//! progress documentation, 45 CFR 164.501), so it is stored under the records
//! key.

mod addressable;
mod canonical;
mod content;
mod migration;
mod plan;
mod progress;
mod review;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use addressable::{addressable, Addressable, AddressableKind, UNKNOWN_GOAL};
pub use content::{
    Comparison, Intervention, Objective, ObjectiveMeasure, PlanContent, PlanGoal, Problem,
    ScoreTarget,
};
#[cfg(test)]
pub(crate) use plan::fixtures as plan_fixtures;
pub use plan::{
    ClientAgreement, PlanDraft, PlanError, RecordedAgreement, SignedPlanVersion, TreatmentPlan,
};
pub use progress::{score_objective_progress, FoundItem, PlanItem, ScoreProgress};
pub use review::{default_review_date, plans_past_review, ReviewStatus, REVIEW_INTERVAL_DAYS};

/// A treatment plan's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TreatmentPlanId(pub String);

impl TreatmentPlanId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TreatmentPlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
