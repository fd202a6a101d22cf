//! A client's treatment plan: its signed versions, each frozen, and at most one
//! draft being written.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::canonical::{canonical_content, sha256_hex};
use super::content::PlanContent;
use super::review::default_review_date;
use super::TreatmentPlanId;
use crate::domain::validation::is_blank;
use crate::domain::{ClientId, ClinicianProfile, Date, Signature, Timestamp, ValidationIssue};

/// The version being written. Its content is public for the form to edit; its
/// version number is the plan's to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDraft {
    version: u32,
    pub content: PlanContent,
    created_at: Timestamp,
    /// Set by the caller on every edit; the domain has no clock.
    pub updated_at: Timestamp,
}

impl PlanDraft {
    /// The number this version will have once signed (1 for the first).
    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }
}

/// How the client agreed to a signed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClientAgreement {
    /// The client typed (or the clinician entered) their name as agreement,
    /// on `date`.
    Named { name: String, date: Date },
    /// The client signed the printed plan on `date`; the paper is kept in the
    /// chart.
    OnPaper { date: Date },
    /// The client was offered the plan and declined to agree, with why.
    Declined { date: Date, reason: String },
}

impl ClientAgreement {
    pub const LABEL: &'static str = "Client agreement";

    pub fn date(&self) -> Date {
        match self {
            ClientAgreement::Named { date, .. }
            | ClientAgreement::OnPaper { date }
            | ClientAgreement::Declined { date, .. } => *date,
        }
    }

    /// "Agreed by Alex Rivera on 2025-01-07", "Signed on paper on 2025-01-07",
    /// "Declined on 2025-01-07: …".
    pub fn describe(&self) -> String {
        match self {
            ClientAgreement::Named { name, date } => format!("Agreed by {} on {date}", name.trim()),
            ClientAgreement::OnPaper { date } => format!("Signed on paper on {date}"),
            ClientAgreement::Declined { date, reason } => {
                format!("Declined on {date}: {}", reason.trim())
            }
        }
    }
}

/// A client agreement and when it was entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAgreement {
    pub agreement: ClientAgreement,
    pub recorded_at: Timestamp,
}

/// A signed version of the plan: read-only. Its content, number and signature
/// have no setter and no `&mut` access; the only thing ever added to it is the
/// client's agreement, once, through
/// [`TreatmentPlan::record_client_agreement`].
///
/// ```compile_fail,E0616
/// # use psynotes::domain::treatment_plan::SignedPlanVersion;
/// fn edit(version: &mut SignedPlanVersion) {
///     version.content.review_date = None;
/// }
/// ```
///
/// ```compile_fail,E0594
/// # use psynotes::domain::treatment_plan::SignedPlanVersion;
/// fn edit(version: &SignedPlanVersion) {
///     version.content().review_date = None;
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPlanVersion {
    version: u32,
    content: PlanContent,
    created_at: Timestamp,
    signature: Signature,
    client_agreement: Option<RecordedAgreement>,
}

impl SignedPlanVersion {
    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn content(&self) -> &PlanContent {
        &self.content
    }

    /// When this version's draft was started.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    pub fn signed_at(&self) -> Timestamp {
        self.signature.signed_at
    }

    pub fn review_date(&self) -> Option<Date> {
        self.content.review_date
    }

    pub fn client_agreement(&self) -> Option<&RecordedAgreement> {
        self.client_agreement.as_ref()
    }
}

/// Why a plan could not be signed, revised or agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("The treatment plan is not ready to sign. {}", describe(.0))]
    Incomplete(Vec<ValidationIssue>),

    #[error("Your name and credentials are needed for the signature. Add them in Settings, then sign again.")]
    NoClinicianProfile,

    #[error(
        "There is no draft to sign. Revise the plan to start a new version from the signed one."
    )]
    NoDraft,

    #[error("Version {version} is already being written. Sign it or discard it before starting another.")]
    DraftExists { version: u32 },

    #[error("The plan has not been signed yet, so there is nothing to revise. Finish and sign the draft.")]
    NothingSigned,

    #[error("The plan has no signed version {version}.")]
    NoSuchVersion { version: u32 },

    #[error("The client's agreement to version {version} is already recorded, and it is kept as recorded.")]
    AgreementAlreadyRecorded { version: u32 },

    #[error("{}", describe(.0))]
    InvalidAgreement(Vec<ValidationIssue>),
}

fn describe(issues: &[ValidationIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client's treatment plan with its whole history.
///
/// - [`sign`](Self::sign) freezes the draft as the next
///   [`SignedPlanVersion`]; signed versions are never changed or removed.
/// - [`revise`](Self::revise) starts a new draft from the last signed version,
///   which stays in [`versions`](Self::versions) as history.
/// - [`current`](Self::current) is the plan in force: the last signed version.
///
/// Stored as one record per plan: a plan is small (kilobytes) and its versions
/// belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentPlan {
    id: TreatmentPlanId,
    client_id: ClientId,
    /// Oldest first, numbered 1, 2, 3…
    versions: Vec<SignedPlanVersion>,
    draft: Option<PlanDraft>,
}

impl TreatmentPlan {
    /// A new plan: an empty first draft whose review date defaults to 90 days
    /// after `now`'s date.
    pub fn new(id: TreatmentPlanId, client_id: ClientId, now: Timestamp) -> TreatmentPlan {
        TreatmentPlan::with_draft(
            id,
            client_id,
            PlanContent {
                problems: Vec::new(),
                review_date: default_review_date(now.date()),
            },
            now,
        )
    }

    /// A plan whose first draft holds `content`.
    pub(super) fn with_draft(
        id: TreatmentPlanId,
        client_id: ClientId,
        content: PlanContent,
        now: Timestamp,
    ) -> TreatmentPlan {
        TreatmentPlan {
            id,
            client_id,
            versions: Vec::new(),
            draft: Some(PlanDraft {
                version: 1,
                content,
                created_at: now,
                updated_at: now,
            }),
        }
    }

    pub fn id(&self) -> &TreatmentPlanId {
        &self.id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Every signed version, oldest first: the plan's history.
    pub fn versions(&self) -> &[SignedPlanVersion] {
        &self.versions
    }

    /// Signed version `version` (1-based).
    pub fn version(&self, version: u32) -> Option<&SignedPlanVersion> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The plan in force: the last signed version.
    pub fn current(&self) -> Option<&SignedPlanVersion> {
        self.versions.last()
    }

    pub fn draft(&self) -> Option<&PlanDraft> {
        self.draft.as_ref()
    }

    /// The draft, for the form to edit.
    pub fn draft_mut(&mut self) -> Option<&mut PlanDraft> {
        self.draft.as_mut()
    }

    /// What the plan page shows by default: the draft if one is being written,
    /// else the plan in force.
    pub fn latest_content(&self) -> Option<&PlanContent> {
        self.draft
            .as_ref()
            .map(|draft| &draft.content)
            .or_else(|| self.current().map(SignedPlanVersion::content))
    }

    /// Everything that stops the draft from being signed at `now`: the content's
    /// own checks ([`PlanContent::validate_for_signing`]), a review date after
    /// the signing date, and no problem, goal or objective of the signed plan
    /// dropped (progress notes refer to them by id; mark them met or
    /// discontinued instead).
    pub fn validate_for_signing(&self, now: Timestamp) -> Result<(), PlanError> {
        let draft = self.draft.as_ref().ok_or(PlanError::NoDraft)?;
        let mut issues = draft
            .content
            .validate_for_signing()
            .err()
            .unwrap_or_default();
        if let Some(review) = draft.content.review_date {
            if review <= now.date() {
                issues.push(ValidationIssue::new(
                    PlanContent::REVIEW_DATE_LABEL,
                    "The review date is not after today. Choose a later date (the default is 90 days from today).",
                ));
            }
        }
        if let Some(current) = self.current() {
            issues.extend(dropped_items(current.content(), &draft.content));
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(PlanError::Incomplete(issues))
        }
    }

    /// Signs the draft: checks it ([`validate_for_signing`](Self::validate_for_signing))
    /// and the clinician profile, then freezes it as the next signed version,
    /// with the digest of exactly what was signed. On refusal the draft stays as
    /// it was, for the clinician to complete.
    pub fn sign(
        &mut self,
        clinician: &ClinicianProfile,
        now: Timestamp,
    ) -> Result<&SignedPlanVersion, PlanError> {
        self.validate_for_signing(now)?;
        if !clinician.is_complete() {
            return Err(PlanError::NoClinicianProfile);
        }
        let draft = self.draft.take().ok_or(PlanError::NoDraft)?;
        let signature = Signature {
            signer_name: clinician.name.trim().to_owned(),
            credentials: clinician.credentials.trim().to_owned(),
            signed_at: now,
            content_sha256: sha256_hex(&canonical_content(
                self.id.as_str(),
                &self.client_id,
                draft.version,
                &draft.content,
            )),
        };
        self.versions.push(SignedPlanVersion {
            version: draft.version,
            content: draft.content,
            created_at: draft.created_at,
            signature,
            client_agreement: None,
        });
        Ok(self.versions.last().expect("a version was just pushed"))
    }

    /// Starts the next version as a draft copied from the plan in force, with
    /// the review date reset to 90 days after `now`'s date. The signed versions
    /// stay as they are. Refused while a draft exists or before anything was
    /// signed.
    pub fn revise(&mut self, now: Timestamp) -> Result<&mut PlanDraft, PlanError> {
        if let Some(draft) = &self.draft {
            return Err(PlanError::DraftExists {
                version: draft.version,
            });
        }
        let current = self.current().ok_or(PlanError::NothingSigned)?;
        let mut content = current.content.clone();
        content.review_date = default_review_date(now.date());
        let version = current.version + 1;
        Ok(self.draft.insert(PlanDraft {
            version,
            content,
            created_at: now,
            updated_at: now,
        }))
    }

    /// Throws the draft away, returning it. Signed versions are untouched.
    pub fn discard_draft(&mut self) -> Option<PlanDraft> {
        self.draft.take()
    }

    /// Records the client's agreement to signed version `version`, once: a
    /// recorded agreement is never replaced. A name or a reason must be given
    /// where the kind asks for one, and the date may not be before the version
    /// was signed.
    pub fn record_client_agreement(
        &mut self,
        version: u32,
        agreement: ClientAgreement,
        now: Timestamp,
    ) -> Result<(), PlanError> {
        let signed = self
            .versions
            .iter_mut()
            .find(|v| v.version == version)
            .ok_or(PlanError::NoSuchVersion { version })?;
        if signed.client_agreement.is_some() {
            return Err(PlanError::AgreementAlreadyRecorded { version });
        }
        let mut issues = Vec::new();
        match &agreement {
            ClientAgreement::Named { name, .. } if is_blank(name) => {
                issues.push(ValidationIssue::new(
                    ClientAgreement::LABEL,
                    "Enter the name the client agreed under.",
                ));
            }
            ClientAgreement::Declined { reason, .. } if is_blank(reason) => {
                issues.push(ValidationIssue::new(
                    ClientAgreement::LABEL,
                    "Say why the client did not agree to the plan.",
                ));
            }
            _ => {}
        }
        if agreement.date() < signed.signature.signed_at.date() {
            issues.push(ValidationIssue::new(
                ClientAgreement::LABEL,
                "The date is before the plan was signed. Enter the date the client agreed.",
            ));
        }
        if !issues.is_empty() {
            return Err(PlanError::InvalidAgreement(issues));
        }
        signed.client_agreement = Some(RecordedAgreement {
            agreement,
            recorded_at: now,
        });
        Ok(())
    }

    /// Whether every signed version still matches its signature's digest.
    /// `false` means a stored plan was changed outside the app, or damaged.
    pub fn is_intact(&self) -> bool {
        self.versions.iter().enumerate().all(|(index, v)| {
            u32::try_from(index + 1) == Ok(v.version)
                && sha256_hex(&canonical_content(
                    self.id.as_str(),
                    &self.client_id,
                    v.version,
                    &v.content,
                )) == v.signature.content_sha256
        })
    }
}

/// Issues for each problem, goal or objective of `signed` that `draft` no
/// longer has.
fn dropped_items(signed: &PlanContent, draft: &PlanContent) -> Vec<ValidationIssue> {
    let kept: std::collections::BTreeSet<&str> = draft.ids().collect();
    let mut issues = Vec::new();
    let mut check = |id: &str, field: &str, kind: &str, text: &str| {
        if !kept.contains(id) {
            issues.push(ValidationIssue::new(
                field,
                format!(
                    "The {kind} \"{}\" is in the signed plan. Keep it and mark it met or discontinued, rather than removing it, so notes that refer to it still find it.",
                    text.trim()
                ),
            ));
        }
    };
    for problem in &signed.problems {
        check(
            &problem.id,
            PlanContent::PROBLEM_LABEL,
            "problem",
            &problem.text,
        );
        for goal in &problem.goals {
            check(&goal.id, PlanContent::GOAL_LABEL, "goal", &goal.text);
            for objective in &goal.objectives {
                check(
                    &objective.id,
                    PlanContent::OBJECTIVE_LABEL,
                    "objective",
                    &objective.text,
                );
            }
        }
    }
    issues
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::domain::progress_note::fixtures::{date, time};
    use crate::domain::treatment_plan::content::fixtures::complete_content;
    use crate::domain::TimeOfDay;

    pub fn at(day: &str) -> Timestamp {
        Timestamp::from_date_time(date(day), time("10:00"))
    }

    pub fn noon(day: &str) -> Timestamp {
        Timestamp::from_date_time(date(day), TimeOfDay::new(12, 0).unwrap())
    }

    /// A plan whose first draft, started on 2025-01-06, is ready to sign.
    pub fn ready_plan() -> TreatmentPlan {
        let mut plan = TreatmentPlan::new(
            TreatmentPlanId("plan-1".into()),
            ClientId("client-1".into()),
            at("2025-01-06"),
        );
        plan.draft_mut().unwrap().content = complete_content();
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::domain::progress_note::fixtures::{clinician, date};
    use crate::domain::treatment_plan::content::fixtures::{intervention, sleep_objective};
    use crate::domain::GoalStatus;

    #[test]
    fn a_new_plan_is_an_empty_draft_reviewed_in_90_days() {
        let plan = TreatmentPlan::new(
            TreatmentPlanId("plan-1".into()),
            ClientId("client-1".into()),
            at("2025-01-06"),
        );
        let draft = plan.draft().unwrap();
        assert_eq!(draft.version(), 1);
        assert_eq!(draft.content.review_date, Some(date("2025-04-06")));
        assert!(plan.current().is_none());
        assert!(plan.versions().is_empty());
    }

    #[test]
    fn signing_freezes_the_draft_as_version_1() {
        let mut plan = ready_plan();
        let content = plan.draft().unwrap().content.clone();
        let signed = plan.sign(&clinician(), at("2025-01-07")).unwrap();
        assert_eq!(signed.version(), 1);
        assert_eq!(signed.content(), &content);
        assert_eq!(signed.signature().signature_line(), "Jane Doe, LCSW");
        assert_eq!(signed.signed_at(), at("2025-01-07"));
        assert_eq!(signed.signature().content_sha256.len(), 64);
        assert!(plan.draft().is_none());
        assert_eq!(plan.current().map(|v| v.version()), Some(1));
        assert_eq!(plan.latest_content(), Some(&content));
        assert!(plan.is_intact());
        // Nothing to sign now, and no way to edit version 1 but to revise.
        assert_eq!(
            plan.sign(&clinician(), at("2025-01-08")).unwrap_err(),
            PlanError::NoDraft
        );
        assert!(plan.draft_mut().is_none());
    }

    #[test]
    fn an_incomplete_draft_is_refused_and_kept() {
        let mut plan = ready_plan();
        plan.draft_mut().unwrap().content.problems[0].text.clear();
        let before = plan.clone();
        let error = plan.sign(&clinician(), at("2025-01-07")).unwrap_err();
        let PlanError::Incomplete(issues) = &error else {
            panic!("expected Incomplete, got {error:?}");
        };
        assert_eq!(issues[0].field, "Problem");
        assert!(error.to_string().starts_with(
            "The treatment plan is not ready to sign. Problem: Problem 1 has no description."
        ));
        assert_eq!(plan, before, "the draft is still there to complete");
        assert_eq!(
            ready_plan()
                .sign(&ClinicianProfile::default(), at("2025-01-07"))
                .unwrap_err(),
            PlanError::NoClinicianProfile
        );
    }

    #[test]
    fn the_review_date_must_be_after_the_signing_date() {
        let mut plan = ready_plan();
        plan.draft_mut().unwrap().content.review_date = Some(date("2025-01-07"));
        let PlanError::Incomplete(issues) = plan.sign(&clinician(), at("2025-01-07")).unwrap_err()
        else {
            panic!("expected Incomplete");
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "Review date");
        plan.draft_mut().unwrap().content.review_date = Some(date("2025-01-08"));
        assert!(plan.sign(&clinician(), at("2025-01-07")).is_ok());
    }

    #[test]
    fn a_revision_is_a_new_draft_that_keeps_the_old_version() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let v1 = plan.current().unwrap().clone();

        let draft = plan.revise(at("2025-04-01")).unwrap();
        assert_eq!(draft.version(), 2);
        assert_eq!(
            draft.content.problems,
            v1.content().problems,
            "copied from version 1"
        );
        assert_eq!(
            draft.content.review_date,
            Some(date("2025-06-30")),
            "90 days from the revision"
        );
        let goal = &mut draft.content.problems[0].goals[0];
        goal.objectives[1].status = GoalStatus::Met;
        goal.objectives.push(sleep_objective("o-3"));
        goal.interventions.push(intervention());

        assert_eq!(
            plan.revise(at("2025-04-01")).unwrap_err(),
            PlanError::DraftExists { version: 2 }
        );
        assert_eq!(
            plan.current(),
            Some(&v1),
            "version 1 is still in force while version 2 is drafted"
        );

        plan.sign(&clinician(), at("2025-04-02")).unwrap();
        assert_eq!(plan.versions().len(), 2);
        assert_eq!(plan.versions()[0], v1, "history keeps version 1 unchanged");
        assert_eq!(plan.current().unwrap().version(), 2);
        assert_eq!(plan.version(1), Some(&v1));
        assert_eq!(
            plan.current().unwrap().content().problems[0].goals[0]
                .objectives
                .len(),
            3
        );
        assert!(plan.is_intact());
    }

    #[test]
    fn revising_before_signing_is_refused() {
        let mut plan = ready_plan();
        assert_eq!(
            plan.revise(at("2025-01-08")).unwrap_err(),
            PlanError::DraftExists { version: 1 }
        );
        plan.discard_draft();
        assert_eq!(
            plan.revise(at("2025-01-08")).unwrap_err(),
            PlanError::NothingSigned
        );
    }

    #[test]
    fn a_revision_may_not_drop_what_the_signed_plan_had() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let draft = plan.revise(at("2025-04-01")).unwrap();
        draft.content.problems[0].goals[0].objectives.remove(1);
        let PlanError::Incomplete(issues) = plan.sign(&clinician(), at("2025-04-02")).unwrap_err()
        else {
            panic!("expected Incomplete");
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "Objective");
        assert!(issues[0].message.contains("mark it met or discontinued"));
        // Discarding the revision leaves version 1 in force.
        assert!(plan.discard_draft().is_some());
        assert_eq!(plan.current().unwrap().version(), 1);
    }

    #[test]
    fn the_clients_agreement_is_recorded_once() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        assert_eq!(
            plan.record_client_agreement(
                2,
                ClientAgreement::OnPaper {
                    date: date("2025-01-07")
                },
                at("2025-01-07")
            ),
            Err(PlanError::NoSuchVersion { version: 2 })
        );
        let PlanError::InvalidAgreement(issues) = plan
            .record_client_agreement(
                1,
                ClientAgreement::Named {
                    name: " ".into(),
                    date: date("2025-01-06"),
                },
                at("2025-01-07"),
            )
            .unwrap_err()
        else {
            panic!("expected InvalidAgreement");
        };
        assert_eq!(issues.len(), 2, "no name, and dated before signing");
        assert!(plan.current().unwrap().client_agreement().is_none());

        let agreement = ClientAgreement::Named {
            name: "Alex Rivera".into(),
            date: date("2025-01-07"),
        };
        plan.record_client_agreement(1, agreement.clone(), noon("2025-01-07"))
            .unwrap();
        let recorded = plan.current().unwrap().client_agreement().unwrap();
        assert_eq!(recorded.agreement, agreement);
        assert_eq!(recorded.recorded_at, noon("2025-01-07"));
        assert_eq!(agreement.describe(), "Agreed by Alex Rivera on 2025-01-07");
        assert_eq!(
            plan.record_client_agreement(
                1,
                ClientAgreement::OnPaper {
                    date: date("2025-01-08")
                },
                at("2025-01-08")
            ),
            Err(PlanError::AgreementAlreadyRecorded { version: 1 })
        );
        assert!(
            plan.is_intact(),
            "the agreement is outside the signed digest"
        );
    }

    #[test]
    fn agreement_kinds() {
        let declined = ClientAgreement::Declined {
            date: date("2025-01-07"),
            reason: String::new(),
        };
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        assert!(matches!(
            plan.record_client_agreement(1, declined, at("2025-01-07")),
            Err(PlanError::InvalidAgreement(_))
        ));
        let declined = ClientAgreement::Declined {
            date: date("2025-01-07"),
            reason: "Wants to discuss medication first.".into(),
        };
        assert_eq!(
            declined.describe(),
            "Declined on 2025-01-07: Wants to discuss medication first."
        );
        plan.record_client_agreement(1, declined, at("2025-01-07"))
            .unwrap();
        assert_eq!(
            ClientAgreement::OnPaper {
                date: date("2025-01-09")
            }
            .describe(),
            "Signed on paper on 2025-01-09"
        );
    }

    #[test]
    fn serde_round_trip_keeps_history_and_verifies() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        plan.record_client_agreement(
            1,
            ClientAgreement::OnPaper {
                date: date("2025-01-07"),
            },
            at("2025-01-07"),
        )
        .unwrap();
        plan.revise(at("2025-04-01")).unwrap();
        let json = serde_json::to_string(&plan).unwrap();
        assert!(json.contains(
            r#""client_agreement":{"agreement":{"kind":"on_paper","date":"2025-01-07"}"#
        ));
        let loaded: TreatmentPlan = serde_json::from_str(&json).unwrap();
        assert_eq!(loaded, plan);
        assert!(loaded.is_intact());
    }

    #[test]
    fn a_signed_version_altered_in_storage_is_not_intact() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let json = serde_json::to_string(&plan).unwrap();
        for (from, to) in [
            ("Weekly, 50 minutes", "Monthly, 50 minutes"),
            (r#""version":1"#, r#""version":2"#),
            (
                r#""review_date":"2025-04-01""#,
                r#""review_date":"2026-04-01""#,
            ),
        ] {
            let edited = json.replace(from, to);
            assert_ne!(edited, json, "{from}");
            let loaded: TreatmentPlan = serde_json::from_str(&edited).unwrap();
            assert!(!loaded.is_intact(), "{from} -> {to}");
        }
    }
}
