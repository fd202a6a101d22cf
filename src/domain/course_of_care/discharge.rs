//! The discharge (termination) summary: why treatment ended, the span of care, what
//! was provided, how each goal ended, diagnoses at discharge, referrals and aftercare,
//! and the first and latest measure scores.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::canonical::{sha256_hex, CanonicalText};
use super::{check_diagnoses, write_diagnoses};
use crate::domain::icd10::CodedDiagnosis;
use crate::domain::validation::{into_result, is_blank};
use crate::domain::{ClientId, Date, Goal, Timestamp, ValidationIssue};

const DISCHARGE_V1: &str = "psynotes/discharge/v1";

/// A discharge summary's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DischargeId(pub String);

impl fmt::Display for DischargeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why treatment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DischargeReason {
    GoalsMet,
    MutualAgreement,
    ClientEndedTreatment,
    /// Stopped attending without ending: the detail should record the outreach tried.
    StoppedAttending,
    TransferredCare,
    HigherLevelOfCare,
    ClientMoved,
    FinancialOrCoverage,
    ClinicianUnavailable,
    Other,
}

impl DischargeReason {
    pub const ALL: [DischargeReason; 10] = [
        DischargeReason::GoalsMet,
        DischargeReason::MutualAgreement,
        DischargeReason::ClientEndedTreatment,
        DischargeReason::StoppedAttending,
        DischargeReason::TransferredCare,
        DischargeReason::HigherLevelOfCare,
        DischargeReason::ClientMoved,
        DischargeReason::FinancialOrCoverage,
        DischargeReason::ClinicianUnavailable,
        DischargeReason::Other,
    ];

    pub fn key(&self) -> &'static str {
        match self {
            DischargeReason::GoalsMet => "goals_met",
            DischargeReason::MutualAgreement => "mutual_agreement",
            DischargeReason::ClientEndedTreatment => "client_ended_treatment",
            DischargeReason::StoppedAttending => "stopped_attending",
            DischargeReason::TransferredCare => "transferred_care",
            DischargeReason::HigherLevelOfCare => "higher_level_of_care",
            DischargeReason::ClientMoved => "client_moved",
            DischargeReason::FinancialOrCoverage => "financial_or_coverage",
            DischargeReason::ClinicianUnavailable => "clinician_unavailable",
            DischargeReason::Other => "other",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            DischargeReason::GoalsMet => "Treatment goals met",
            DischargeReason::MutualAgreement => "Ended by mutual agreement",
            DischargeReason::ClientEndedTreatment => "Client chose to end treatment",
            DischargeReason::StoppedAttending => "Client stopped attending",
            DischargeReason::TransferredCare => "Transferred to another provider",
            DischargeReason::HigherLevelOfCare => "Referred to a higher level of care",
            DischargeReason::ClientMoved => "Client moved away",
            DischargeReason::FinancialOrCoverage => "Cost or insurance coverage",
            DischargeReason::ClinicianUnavailable => "Clinician no longer available",
            DischargeReason::Other => "Other",
        }
    }

    /// Reasons that need words beside the choice.
    fn needs_detail(&self) -> bool {
        matches!(
            self,
            DischargeReason::StoppedAttending | DischargeReason::Other
        )
    }
}

/// How a treatment-plan goal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalOutcome {
    Met,
    PartiallyMet,
    NotMet,
    Discontinued,
}

impl GoalOutcome {
    pub fn key(&self) -> &'static str {
        match self {
            GoalOutcome::Met => "met",
            GoalOutcome::PartiallyMet => "partially_met",
            GoalOutcome::NotMet => "not_met",
            GoalOutcome::Discontinued => "discontinued",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            GoalOutcome::Met => "Met",
            GoalOutcome::PartiallyMet => "Partially met",
            GoalOutcome::NotMet => "Not met",
            GoalOutcome::Discontinued => "Discontinued",
        }
    }
}

/// Progress on one treatment-plan goal at discharge. The goal's text is copied in,
/// because the summary must read the same after the plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalAtDischarge {
    pub goal_id: String,
    pub goal_text: String,
    /// `None` until the clinician chooses.
    pub outcome: Option<GoalOutcome>,
    pub note: String,
}

impl GoalAtDischarge {
    /// A row for one of the client's goals, outcome not yet chosen.
    pub fn from_goal(goal: &Goal) -> GoalAtDischarge {
        GoalAtDischarge {
            goal_id: goal.id.clone(),
            goal_text: goal.text.clone(),
            outcome: None,
            note: String::new(),
        }
    }
}

/// A score on a given date, as the measures feature computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreOn {
    pub date: Date,
    pub score: u16,
}

/// The first and the latest score of one measure over the course of care. Passed in
/// as plain values, so this summary does not depend on how measures are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureChange {
    /// "PHQ-9", "GAD-7".
    pub instrument: String,
    pub first: ScoreOn,
    pub latest: ScoreOn,
}

impl MeasureChange {
    /// Latest minus first: negative is fewer symptoms on the PHQ-9 and GAD-7.
    pub fn change(&self) -> i32 {
        i32::from(self.latest.score) - i32::from(self.first.score)
    }
}

/// A discharge summary being written. Fields are public, like a progress-note
/// draft; [`validate_for_signing`](Self::validate_for_signing) says what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DischargeSummary {
    pub id: DischargeId,
    pub client_id: ClientId,
    pub reason: Option<DischargeReason>,
    pub reason_detail: String,
    /// First and last dates of service; the caller can fill them from the notes
    /// (`ClientNoteIndex::session_span`), and the clinician can correct them.
    pub first_date_of_service: Option<Date>,
    pub last_date_of_service: Option<Date>,
    /// The services given: type, codes, number of sessions.
    pub services_provided: String,
    pub goals: Vec<GoalAtDischarge>,
    /// In order: the first is the principal diagnosis.
    pub diagnoses_at_discharge: Vec<CodedDiagnosis>,
    pub referrals_and_aftercare: String,
    pub measures: Vec<MeasureChange>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl DischargeSummary {
    /// The template's name in the template select.
    pub const TEMPLATE_NAME: &'static str = "Discharge summary";
    pub const REASON_LABEL: &'static str = "Reason for discharge";
    pub const FIRST_DATE_LABEL: &'static str = "First date of service";
    pub const LAST_DATE_LABEL: &'static str = "Last date of service";
    pub const SERVICES_LABEL: &'static str = "Services provided";
    pub const GOALS_LABEL: &'static str = "Progress on goals";
    pub const DIAGNOSES_LABEL: &'static str = "Diagnoses at discharge";
    pub const REFERRALS_LABEL: &'static str = "Referrals and aftercare";
    pub const MEASURES_LABEL: &'static str = "Measures";

    /// An empty summary for a client, created at `now`, with a row for each goal
    /// passed in (usually every goal of the client's treatment plan).
    pub fn new(
        id: DischargeId,
        client_id: ClientId,
        goals: &[Goal],
        now: Timestamp,
    ) -> DischargeSummary {
        DischargeSummary {
            id,
            client_id,
            reason: None,
            reason_detail: String::new(),
            first_date_of_service: None,
            last_date_of_service: None,
            services_provided: String::new(),
            goals: goals.iter().map(GoalAtDischarge::from_goal).collect(),
            diagnoses_at_discharge: Vec::new(),
            referrals_and_aftercare: String::new(),
            measures: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Every problem that stops this summary from being signed, labelled by field.
    ///
    /// Required: a reason (with words when "Other", or when the client stopped
    /// attending, to record the outreach tried); both dates of service, in order; the
    /// services provided; an outcome for every goal; at least one diagnosis at
    /// discharge (see [`check_diagnoses`]); referrals and aftercare ("None needed"
    /// is an answer). Each measure needs a name and a latest score not dated before
    /// the first.
    pub fn validate_for_signing(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        match self.reason {
            None => issues.push(ValidationIssue::new(
                Self::REASON_LABEL,
                "Choose why treatment ended.",
            )),
            Some(reason) if reason.needs_detail() && is_blank(&self.reason_detail) => {
                let message = if reason == DischargeReason::StoppedAttending {
                    "Describe the attempts made to reach the client."
                } else {
                    "Describe why treatment ended."
                };
                issues.push(ValidationIssue::new(Self::REASON_LABEL, message));
            }
            Some(_) => {}
        }
        match (self.first_date_of_service, self.last_date_of_service) {
            (Some(first), Some(last)) if last < first => issues.push(ValidationIssue::new(
                Self::LAST_DATE_LABEL,
                format!("The last date of service ({last}) is before the first ({first})."),
            )),
            (first, last) => {
                if first.is_none() {
                    issues.push(ValidationIssue::new(
                        Self::FIRST_DATE_LABEL,
                        "Enter the first date of service.",
                    ));
                }
                if last.is_none() {
                    issues.push(ValidationIssue::new(
                        Self::LAST_DATE_LABEL,
                        "Enter the last date of service.",
                    ));
                }
            }
        }
        if is_blank(&self.services_provided) {
            issues.push(ValidationIssue::new(
                Self::SERVICES_LABEL,
                "Describe the services provided: type, service codes and number of sessions.",
            ));
        }
        for (index, goal) in self.goals.iter().enumerate() {
            if goal.outcome.is_none() {
                issues.push(ValidationIssue::new(
                    Self::GOALS_LABEL,
                    format!(
                        "Choose how goal {} ended: met, partially met, not met or discontinued.",
                        index + 1
                    ),
                ));
            }
            if is_blank(&goal.goal_text) {
                issues.push(ValidationIssue::new(
                    Self::GOALS_LABEL,
                    format!("Goal {} has no text.", index + 1),
                ));
            }
        }
        check_diagnoses(
            Self::DIAGNOSES_LABEL,
            &self.diagnoses_at_discharge,
            &mut issues,
        );
        if is_blank(&self.referrals_and_aftercare) {
            issues.push(ValidationIssue::new(
                Self::REFERRALS_LABEL,
                "Write the referrals and aftercare, or \"None needed\".",
            ));
        }
        for measure in &self.measures {
            if is_blank(&measure.instrument) {
                issues.push(ValidationIssue::new(
                    Self::MEASURES_LABEL,
                    "A measure has no name.",
                ));
            }
            if measure.latest.date < measure.first.date {
                issues.push(ValidationIssue::new(
                    Self::MEASURES_LABEL,
                    format!(
                        "The latest {} score is dated before the first.",
                        measure.instrument.trim()
                    ),
                ));
            }
        }
        into_result(issues)
    }

    /// The canonical text of this summary, version v1 (see
    /// [`canonical`](super::canonical)): every field in declaration order.
    pub fn canonical_content(&self) -> String {
        let date = |d: Option<Date>| d.map(|d| d.to_string());
        let mut c = CanonicalText::new(DISCHARGE_V1);
        c.text("id", &self.id.0)
            .text("client_id", self.client_id.as_str())
            .optional("reason", self.reason.map(|r| r.key()))
            .text("reason_detail", &self.reason_detail)
            .optional(
                "first_date_of_service",
                date(self.first_date_of_service).as_deref(),
            )
            .optional(
                "last_date_of_service",
                date(self.last_date_of_service).as_deref(),
            )
            .text("services_provided", &self.services_provided);
        c.count("goals", self.goals.len());
        for goal in &self.goals {
            c.text("goal_id", &goal.goal_id)
                .text("goal_text", &goal.goal_text)
                .optional("outcome", goal.outcome.map(|o| o.key()))
                .text("note", &goal.note);
        }
        write_diagnoses(
            "diagnoses_at_discharge",
            &self.diagnoses_at_discharge,
            &mut c,
        );
        c.text("referrals_and_aftercare", &self.referrals_and_aftercare);
        c.count("measures", self.measures.len());
        for m in &self.measures {
            c.text("instrument", &m.instrument)
                .text("first_date", &m.first.date.to_string())
                .text("first_score", &m.first.score.to_string())
                .text("latest_date", &m.latest.date.to_string())
                .text("latest_score", &m.latest.score.to_string());
        }
        c.text("created_at", &self.created_at.0.to_string())
            .text("updated_at", &self.updated_at.0.to_string());
        c.finish()
    }

    /// Lowercase hex SHA-256 of [`canonical_content`](Self::canonical_content).
    pub fn content_sha256(&self) -> String {
        sha256_hex(&self.canonical_content())
    }
}
