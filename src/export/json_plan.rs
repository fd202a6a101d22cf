//! Treatment plans in the JSON export: every signed version with its
//! signature and the client's agreement, and the draft when drafts are asked
//! for. Field by field in `docs/export-format.md`.

use serde::Serialize;

use super::time_format::iso_local;
use crate::domain::treatment_plan::{
    ClientAgreement, Comparison, Objective, ObjectiveMeasure, PlanContent, SignedPlanVersion,
};
use crate::domain::{GoalStatus, TreatmentPlan};

/// The canonical text a plan version's digest covers (see
/// `domain::treatment_plan::canonical`).
const PLAN_CONTENT_FORMAT: &str = "psynotes/treatment-plan/v1";

#[derive(Serialize)]
pub(super) struct JsonPlan<'a> {
    id: &'a str,
    client_id: &'a str,
    /// Oldest first; the last is the plan in force.
    versions: Vec<JsonPlanVersion<'a>>,
    /// The version being written; only when drafts were asked for.
    draft: Option<JsonPlanDraft<'a>>,
}

impl<'a> JsonPlan<'a> {
    pub fn new(plan: &'a TreatmentPlan, include_draft: bool) -> Self {
        JsonPlan {
            id: plan.id().as_str(),
            client_id: plan.client_id().as_str(),
            versions: plan.versions().iter().map(JsonPlanVersion::from).collect(),
            draft: plan
                .draft()
                .filter(|_| include_draft)
                .map(|draft| JsonPlanDraft {
                    version: draft.version(),
                    updated_at: iso_local(draft.updated_at),
                    content: JsonPlanContent::from(&draft.content),
                }),
        }
    }
}

#[derive(Serialize)]
struct JsonPlanVersion<'a> {
    version: u32,
    signer_name: &'a str,
    credentials: &'a str,
    signed_at: String,
    content_sha256: &'a str,
    content_format: &'static str,
    client_agreement: Option<JsonAgreement<'a>>,
    content: JsonPlanContent<'a>,
}

impl<'a> From<&'a SignedPlanVersion> for JsonPlanVersion<'a> {
    fn from(version: &'a SignedPlanVersion) -> Self {
        let signature = version.signature();
        JsonPlanVersion {
            version: version.version(),
            signer_name: &signature.signer_name,
            credentials: &signature.credentials,
            signed_at: iso_local(signature.signed_at),
            content_sha256: &signature.content_sha256,
            content_format: PLAN_CONTENT_FORMAT,
            client_agreement: version
                .client_agreement()
                .map(|a| JsonAgreement::from(&a.agreement)),
            content: JsonPlanContent::from(version.content()),
        }
    }
}

#[derive(Serialize)]
struct JsonPlanDraft<'a> {
    version: u32,
    updated_at: String,
    content: JsonPlanContent<'a>,
}

#[derive(Serialize)]
struct JsonAgreement<'a> {
    /// "named", "on_paper" or "declined".
    kind: &'static str,
    date: String,
    name: Option<&'a str>,
    reason: Option<&'a str>,
}

impl<'a> From<&'a ClientAgreement> for JsonAgreement<'a> {
    fn from(agreement: &'a ClientAgreement) -> Self {
        let (kind, name, reason) = match agreement {
            ClientAgreement::Named { name, .. } => ("named", Some(name.as_str()), None),
            ClientAgreement::OnPaper { .. } => ("on_paper", None, None),
            ClientAgreement::Declined { reason, .. } => ("declined", None, Some(reason.as_str())),
        };
        JsonAgreement {
            kind,
            date: agreement.date().to_string(),
            name,
            reason,
        }
    }
}

#[derive(Serialize)]
struct JsonPlanContent<'a> {
    problems: Vec<JsonProblem<'a>>,
    review_date: Option<String>,
}

impl<'a> From<&'a PlanContent> for JsonPlanContent<'a> {
    fn from(content: &'a PlanContent) -> Self {
        JsonPlanContent {
            problems: content
                .problems
                .iter()
                .map(|problem| JsonProblem {
                    id: &problem.id,
                    text: &problem.text,
                    goals: problem
                        .goals
                        .iter()
                        .map(|goal| JsonPlanGoal {
                            id: &goal.id,
                            text: &goal.text,
                            target_date: goal.target_date.map(|d| d.to_string()),
                            status: status_name(goal.status),
                            objectives: goal.objectives.iter().map(JsonObjective::from).collect(),
                            interventions: goal
                                .interventions
                                .iter()
                                .map(|i| JsonIntervention {
                                    modality: &i.modality,
                                    frequency: &i.frequency,
                                    provider: &i.provider,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            review_date: content.review_date.map(|d| d.to_string()),
        }
    }
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    id: &'a str,
    text: &'a str,
    goals: Vec<JsonPlanGoal<'a>>,
}

#[derive(Serialize)]
struct JsonPlanGoal<'a> {
    id: &'a str,
    text: &'a str,
    target_date: Option<String>,
    status: &'static str,
    objectives: Vec<JsonObjective<'a>>,
    interventions: Vec<JsonIntervention<'a>>,
}

#[derive(Serialize)]
struct JsonObjective<'a> {
    id: &'a str,
    text: &'a str,
    /// "observed" (`what`, `baseline` and `target` in words) or "score" (a
    /// questionnaire: `measure`, `baseline`, `comparison` and `target`).
    measured_by: &'static str,
    what: Option<&'a str>,
    measure: Option<&'a str>,
    baseline: Option<String>,
    comparison: Option<&'static str>,
    target: Option<String>,
    /// The measure in words, as the plan shows it.
    described: String,
    target_date: Option<String>,
    status: &'static str,
}

impl<'a> From<&'a Objective> for JsonObjective<'a> {
    fn from(objective: &'a Objective) -> Self {
        let (measured_by, what, measure, baseline, comparison, target) = match &objective.measure {
            ObjectiveMeasure::Observed {
                what,
                baseline,
                target,
            } => (
                "observed",
                Some(what.as_str()),
                None,
                Some(baseline.clone()),
                None,
                Some(target.clone()),
            ),
            ObjectiveMeasure::Score {
                measure_key,
                baseline,
                target,
            } => (
                "score",
                None,
                Some(measure_key.as_str()),
                baseline.map(|b| b.to_string()),
                Some(comparison_name(target.comparison)),
                target.value.map(|v| v.to_string()),
            ),
        };
        JsonObjective {
            id: &objective.id,
            text: &objective.text,
            measured_by,
            what,
            measure,
            baseline,
            comparison,
            target,
            described: objective.measure.describe(),
            target_date: objective.target_date.map(|d| d.to_string()),
            status: status_name(objective.status),
        }
    }
}

#[derive(Serialize)]
struct JsonIntervention<'a> {
    modality: &'a str,
    frequency: &'a str,
    provider: &'a str,
}

fn status_name(status: GoalStatus) -> &'static str {
    match status {
        GoalStatus::Active => "active",
        GoalStatus::Met => "met",
        GoalStatus::Discontinued => "discontinued",
    }
}

fn comparison_name(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Below => "below",
        Comparison::AtMost => "at_most",
        Comparison::AtLeast => "at_least",
        Comparison::Above => "above",
    }
}
