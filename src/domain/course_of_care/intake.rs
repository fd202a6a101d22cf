//! The intake assessment (diagnostic evaluation, CPT 90791): who the client is and
//! who referred them, the presenting problem and its history, the histories, the
//! mental status exam, a structured risk assessment, diagnoses and the initial plan.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::canonical::{sha256_hex, CanonicalText};
use super::mse::MentalStatusExam;
use super::{check_diagnoses, write_diagnoses};
use crate::domain::icd10::CodedDiagnosis;
use crate::domain::safety_plan::SafetyPlanLink;
use crate::domain::validation::{into_result, is_blank};
use crate::domain::{ClientId, Date, Ideation, RiskAssessment, Timestamp, ValidationIssue};

const INTAKE_V1: &str = "psynotes/intake/v1";

/// An intake's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IntakeId(pub String);

impl fmt::Display for IntakeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who sent the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralSource {
    SelfReferred,
    FamilyOrFriend,
    PrimaryCare,
    Psychiatry,
    OtherTherapist,
    Hospital,
    School,
    EmployerOrEap,
    CourtOrLegal,
    Payer,
    CommunityAgency,
    Other,
}

impl ReferralSource {
    pub const ALL: [ReferralSource; 12] = [
        ReferralSource::SelfReferred,
        ReferralSource::FamilyOrFriend,
        ReferralSource::PrimaryCare,
        ReferralSource::Psychiatry,
        ReferralSource::OtherTherapist,
        ReferralSource::Hospital,
        ReferralSource::School,
        ReferralSource::EmployerOrEap,
        ReferralSource::CourtOrLegal,
        ReferralSource::Payer,
        ReferralSource::CommunityAgency,
        ReferralSource::Other,
    ];

    pub fn key(&self) -> &'static str {
        match self {
            ReferralSource::SelfReferred => "self_referred",
            ReferralSource::FamilyOrFriend => "family_or_friend",
            ReferralSource::PrimaryCare => "primary_care",
            ReferralSource::Psychiatry => "psychiatry",
            ReferralSource::OtherTherapist => "other_therapist",
            ReferralSource::Hospital => "hospital",
            ReferralSource::School => "school",
            ReferralSource::EmployerOrEap => "employer_or_eap",
            ReferralSource::CourtOrLegal => "court_or_legal",
            ReferralSource::Payer => "payer",
            ReferralSource::CommunityAgency => "community_agency",
            ReferralSource::Other => "other",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ReferralSource::SelfReferred => "Self",
            ReferralSource::FamilyOrFriend => "Family or friend",
            ReferralSource::PrimaryCare => "Primary care",
            ReferralSource::Psychiatry => "Psychiatry",
            ReferralSource::OtherTherapist => "Another therapist",
            ReferralSource::Hospital => "Hospital or emergency department",
            ReferralSource::School => "School",
            ReferralSource::EmployerOrEap => "Employer or EAP",
            ReferralSource::CourtOrLegal => "Court or legal",
            ReferralSource::Payer => "Insurance or payer",
            ReferralSource::CommunityAgency => "Community agency",
            ReferralSource::Other => "Other",
        }
    }
}

/// A yes-or-no answer the clinician must actually give: `Option<Answer>` is `None`
/// until asked, so "no" is never a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
}

impl Answer {
    pub fn key(&self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        }
    }
}

/// Suicidal ideation, with plan and intent asked only when it is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SuicidalIdeation {
    Denied,
    Present {
        /// What was reported: frequency, intensity, passive or active.
        detail: String,
        plan: Option<Answer>,
        intent: Option<Answer>,
    },
}

/// The clinician's overall judgement of risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Moderate,
    High,
}

impl RiskLevel {
    pub fn key(&self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Moderate => "moderate",
            RiskLevel::High => "high",
        }
    }
}

/// The intake's risk assessment: richer than a progress note's
/// ([`RiskAssessment`]), and convertible to one for the first progress note.
///
/// There is no `Default`: "denied" must be chosen, never filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeRisk {
    pub suicidal_ideation: SuicidalIdeation,
    pub past_suicide_attempts: Option<Answer>,
    pub non_suicidal_self_harm: Option<Answer>,
    /// Firearms, stockpiled medication or other lethal means at hand.
    pub access_to_lethal_means: Option<Answer>,
    pub homicidal_ideation: Ideation,
    pub risk_factors: String,
    pub protective_factors: String,
    pub level: Option<RiskLevel>,
    /// The formulation: why this level, what was done.
    pub formulation: String,
    /// Required when ideation is present or the level is moderate or high.
    pub safety_plan: Option<SafetyPlanLink>,
}

impl IntakeRisk {
    pub const SUICIDAL_LABEL: &'static str = "Suicidal ideation";
    pub const ATTEMPTS_LABEL: &'static str = "Past suicide attempts";
    pub const SELF_HARM_LABEL: &'static str = "Non-suicidal self-harm";
    pub const MEANS_LABEL: &'static str = "Access to lethal means";
    pub const HOMICIDAL_LABEL: &'static str = "Homicidal ideation";
    pub const LEVEL_LABEL: &'static str = "Risk level";
    pub const FORMULATION_LABEL: &'static str = "Risk formulation";
    pub const SAFETY_PLAN_LABEL: &'static str = "Safety plan";

    /// Everything denied and answered "no", at low risk, without a plan: the
    /// starting point of a form where the clinician then changes what applies.
    /// (The form must still show each answer; this is for tests and examples.)
    pub fn low_all_denied(formulation: &str) -> IntakeRisk {
        IntakeRisk {
            suicidal_ideation: SuicidalIdeation::Denied,
            past_suicide_attempts: Some(Answer::No),
            non_suicidal_self_harm: Some(Answer::No),
            access_to_lethal_means: Some(Answer::No),
            homicidal_ideation: Ideation::Denied,
            risk_factors: String::new(),
            protective_factors: String::new(),
            level: Some(RiskLevel::Low),
            formulation: formulation.to_owned(),
            safety_plan: None,
        }
    }

    pub fn suicidal_ideation_present(&self) -> bool {
        matches!(self.suicidal_ideation, SuicidalIdeation::Present { .. })
    }

    /// Every question answered; present ideation described (with plan and intent for
    /// suicidal ideation); a level and a formulation; and a linked safety plan when
    /// ideation is present or the level is moderate or high.
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut issues = Vec::new();
        let mut need = |missing: bool, label: &str, message: &str| {
            if missing {
                issues.push(ValidationIssue::new(label, message));
            }
        };
        if let SuicidalIdeation::Present {
            detail,
            plan,
            intent,
        } = &self.suicidal_ideation
        {
            need(
                is_blank(detail),
                Self::SUICIDAL_LABEL,
                "Describe the suicidal ideation: how often, how strong, passive or active.",
            );
            need(
                plan.is_none(),
                Self::SUICIDAL_LABEL,
                "Record whether the client has a plan.",
            );
            need(
                intent.is_none(),
                Self::SUICIDAL_LABEL,
                "Record whether the client has intent to act.",
            );
        }
        need(
            self.past_suicide_attempts.is_none(),
            Self::ATTEMPTS_LABEL,
            "Record whether the client has attempted suicide before.",
        );
        need(
            self.non_suicidal_self_harm.is_none(),
            Self::SELF_HARM_LABEL,
            "Record whether the client harms themselves without suicidal intent.",
        );
        need(
            self.access_to_lethal_means.is_none(),
            Self::MEANS_LABEL,
            "Record whether the client has access to firearms or other lethal means.",
        );
        if let Ideation::Present { detail } = &self.homicidal_ideation {
            need(
                is_blank(detail),
                Self::HOMICIDAL_LABEL,
                "Describe the homicidal ideation: toward whom, plan, intent and means.",
            );
        }
        need(
            self.level.is_none(),
            Self::LEVEL_LABEL,
            "Rate the overall risk: low, moderate or high.",
        );
        need(
            is_blank(&self.formulation),
            Self::FORMULATION_LABEL,
            "Explain the risk level: the factors weighed and what was done.",
        );
        let plan_needed = self.suicidal_ideation_present()
            || self.homicidal_ideation.is_present()
            || self.level.is_some_and(|l| l >= RiskLevel::Moderate);
        need(
            plan_needed && self.safety_plan.is_none(),
            Self::SAFETY_PLAN_LABEL,
            "Risk calls for a safety plan. Write one with the client and link it here.",
        );
        issues
    }

    /// The same risk as a progress note records it, for the first note after the
    /// intake.
    pub fn to_risk_assessment(&self) -> RiskAssessment {
        let answer = |a: Option<Answer>| a.map_or("not asked", |a| a.key());
        let suicidal = match &self.suicidal_ideation {
            SuicidalIdeation::Denied => Ideation::Denied,
            SuicidalIdeation::Present {
                detail,
                plan,
                intent,
            } => Ideation::Present {
                detail: format!(
                    "{}. Plan: {}. Intent: {}.",
                    detail.trim().trim_end_matches('.'),
                    answer(*plan),
                    answer(*intent)
                ),
            },
        };
        RiskAssessment {
            suicidal,
            homicidal: self.homicidal_ideation.clone(),
            safety_plan: self
                .safety_plan
                .as_ref()
                .map(|link| format!("Safety plan version {}", link.version))
                .unwrap_or_default(),
        }
    }

    pub fn write_canonical(&self, c: &mut CanonicalText) {
        let answer = |a: Option<Answer>| a.map(|a| a.key());
        match &self.suicidal_ideation {
            SuicidalIdeation::Denied => {
                c.text("risk.suicidal", "denied");
            }
            SuicidalIdeation::Present {
                detail,
                plan,
                intent,
            } => {
                c.text("risk.suicidal", "present")
                    .text("detail", detail)
                    .optional("plan", answer(*plan))
                    .optional("intent", answer(*intent));
            }
        }
        c.optional("risk.past_attempts", answer(self.past_suicide_attempts))
            .optional("risk.self_harm", answer(self.non_suicidal_self_harm))
            .optional("risk.lethal_means", answer(self.access_to_lethal_means));
        match &self.homicidal_ideation {
            Ideation::Denied => {
                c.text("risk.homicidal", "denied");
            }
            Ideation::Present { detail } => {
                c.text("risk.homicidal", "present").text("detail", detail);
            }
        }
        c.text("risk.risk_factors", &self.risk_factors)
            .text("risk.protective_factors", &self.protective_factors)
            .optional("risk.level", self.level.map(|l| l.key()))
            .text("risk.formulation", &self.formulation);
        match &self.safety_plan {
            Some(link) => c
                .text("risk.safety_plan.client_id", link.client_id.as_str())
                .text("risk.safety_plan.version", &link.version.to_string()),
            None => c.optional("risk.safety_plan", None),
        };
    }
}

/// Who referred the client, and why.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Referral {
    pub source: Option<ReferralSource>,
    /// Name, contact and reason for referral.
    pub detail: String,
}

/// An intake assessment being written. Fields are public, like a progress-note
/// draft; [`validate_for_signing`](Self::validate_for_signing) says what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeAssessment {
    pub id: IntakeId,
    pub client_id: ClientId,
    pub date_of_service: Option<Date>,
    /// Age, pronouns, language, living situation, occupation: what identifies the
    /// client in the record.
    pub identifying_information: String,
    pub referral: Referral,
    /// In the client's words where possible.
    pub presenting_problem: String,
    pub history_of_present_illness: String,
    pub psychiatric_history: String,
    pub substance_use_history: String,
    /// Conditions, current medications and allergies.
    pub medical_history: String,
    pub family_history: String,
    pub social_history: String,
    pub mental_status: MentalStatusExam,
    /// `None` until the clinician records it.
    pub risk: Option<IntakeRisk>,
    /// In order: the first is the principal diagnosis.
    pub diagnoses: Vec<CodedDiagnosis>,
    pub initial_plan: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl IntakeAssessment {
    /// The template's name in the template select.
    pub const TEMPLATE_NAME: &'static str = "Intake assessment";
    pub const DATE_OF_SERVICE_LABEL: &'static str = "Date of service";
    pub const IDENTIFYING_LABEL: &'static str = "Identifying information";
    pub const REFERRAL_LABEL: &'static str = "Referral source";
    pub const PRESENTING_PROBLEM_LABEL: &'static str = "Presenting problem";
    pub const HPI_LABEL: &'static str = "History of present illness";
    pub const PSYCHIATRIC_HISTORY_LABEL: &'static str = "Psychiatric history";
    pub const SUBSTANCE_USE_LABEL: &'static str = "Substance use history";
    pub const MEDICAL_HISTORY_LABEL: &'static str = "Medical history";
    pub const FAMILY_HISTORY_LABEL: &'static str = "Family history";
    pub const SOCIAL_HISTORY_LABEL: &'static str = "Social history";
    pub const RISK_LABEL: &'static str = "Risk assessment";
    pub const DIAGNOSES_LABEL: &'static str = "Diagnoses";
    pub const INITIAL_PLAN_LABEL: &'static str = "Initial plan";

    /// An empty intake for a client, created at `now`.
    pub fn new(id: IntakeId, client_id: ClientId, now: Timestamp) -> IntakeAssessment {
        IntakeAssessment {
            id,
            client_id,
            date_of_service: None,
            identifying_information: String::new(),
            referral: Referral::default(),
            presenting_problem: String::new(),
            history_of_present_illness: String::new(),
            psychiatric_history: String::new(),
            substance_use_history: String::new(),
            medical_history: String::new(),
            family_history: String::new(),
            social_history: String::new(),
            mental_status: MentalStatusExam::default(),
            risk: None,
            diagnoses: Vec::new(),
            initial_plan: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Every problem that stops this intake from being signed, labelled by field.
    ///
    /// Required: the date of service; every narrative section (a history with
    /// nothing to report says so, "None reported", rather than staying blank); the
    /// referral source (with detail when "Other"); a complete mental status exam; a
    /// complete risk assessment, which must address suicidal or homicidal ideation
    /// noted in the exam; at least one diagnosis (see [`check_diagnoses`]); the
    /// initial plan.
    pub fn validate_for_signing(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        if self.date_of_service.is_none() {
            issues.push(ValidationIssue::new(
                Self::DATE_OF_SERVICE_LABEL,
                "Enter the date of the assessment.",
            ));
        }
        match self.referral.source {
            None => issues.push(ValidationIssue::new(
                Self::REFERRAL_LABEL,
                "Choose who referred the client (\"Self\" if nobody did).",
            )),
            Some(ReferralSource::Other) if is_blank(&self.referral.detail) => issues.push(
                ValidationIssue::new(Self::REFERRAL_LABEL, "Say who referred the client."),
            ),
            Some(_) => {}
        }
        for (label, text) in [
            (Self::IDENTIFYING_LABEL, &self.identifying_information),
            (Self::PRESENTING_PROBLEM_LABEL, &self.presenting_problem),
            (Self::HPI_LABEL, &self.history_of_present_illness),
            (Self::PSYCHIATRIC_HISTORY_LABEL, &self.psychiatric_history),
            (Self::SUBSTANCE_USE_LABEL, &self.substance_use_history),
            (Self::MEDICAL_HISTORY_LABEL, &self.medical_history),
            (Self::FAMILY_HISTORY_LABEL, &self.family_history),
            (Self::SOCIAL_HISTORY_LABEL, &self.social_history),
            (Self::INITIAL_PLAN_LABEL, &self.initial_plan),
        ] {
            if is_blank(text) {
                issues.push(ValidationIssue::new(
                    label,
                    format!(
                        "Write the {}, or \"None reported\" if there is nothing to note.",
                        label.to_lowercase()
                    ),
                ));
            }
        }
        issues.extend(self.mental_status.validate());
        match &self.risk {
            None => issues.push(ValidationIssue::new(
                Self::RISK_LABEL,
                "Record the risk assessment.",
            )),
            Some(risk) => {
                issues.extend(risk.validate());
                if self.mental_status.notes_ideation()
                    && !risk.suicidal_ideation_present()
                    && !risk.homicidal_ideation.is_present()
                {
                    issues.push(ValidationIssue::new(
                        Self::RISK_LABEL,
                        "The mental status exam notes ideation, but the risk assessment records none. Make them agree.",
                    ));
                }
            }
        }
        check_diagnoses(Self::DIAGNOSES_LABEL, &self.diagnoses, &mut issues);
        into_result(issues)
    }

    /// The canonical text of this intake, version v1 (see
    /// [`canonical`](super::canonical)): every field in declaration order.
    pub fn canonical_content(&self) -> String {
        let mut c = CanonicalText::new(INTAKE_V1);
        c.text("id", &self.id.0)
            .text("client_id", self.client_id.as_str())
            .optional(
                "date_of_service",
                self.date_of_service.map(|d| d.to_string()).as_deref(),
            )
            .text("identifying_information", &self.identifying_information)
            .optional("referral_source", self.referral.source.map(|s| s.key()))
            .text("referral_detail", &self.referral.detail)
            .text("presenting_problem", &self.presenting_problem)
            .text(
                "history_of_present_illness",
                &self.history_of_present_illness,
            )
            .text("psychiatric_history", &self.psychiatric_history)
            .text("substance_use_history", &self.substance_use_history)
            .text("medical_history", &self.medical_history)
            .text("family_history", &self.family_history)
            .text("social_history", &self.social_history);
        self.mental_status.write_canonical(&mut c);
        c.count("risk", usize::from(self.risk.is_some()));
        if let Some(risk) = &self.risk {
            risk.write_canonical(&mut c);
        }
        write_diagnoses("diagnoses", &self.diagnoses, &mut c);
        c.text("initial_plan", &self.initial_plan)
            .text("created_at", &self.created_at.0.to_string())
            .text("updated_at", &self.updated_at.0.to_string());
        c.finish()
    }

    /// Lowercase hex SHA-256 of [`canonical_content`](Self::canonical_content).
    pub fn content_sha256(&self) -> String {
        sha256_hex(&self.canonical_content())
    }
}
