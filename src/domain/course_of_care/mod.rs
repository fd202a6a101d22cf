//! The whole course of care, beyond single sessions: the intake assessment (CPT
//! 90791) and the discharge summary.
//!
//! - [`intake`]: identifying information and referral, presenting problem and its
//!   history, the histories, the mental status exam ([`mse`]), a structured risk
//!   assessment, diagnoses from the ICD-10-CM list, and the initial plan.
//! - [`discharge`]: why treatment ended, dates and services, each goal's outcome,
//!   diagnoses at discharge, referrals and aftercare, first and latest scores.
//! - [`canonical`]: the versioned text a signature will cover, written block by
//!   block so a later signed-record format can take the blocks as they are.
//!
//! These are documents of their own, not progress-note templates: each has its own
//! fields and its own `validate_for_signing`. Signing, addenda and storage are left
//! to the signed-record work, which can wrap them the way `SignedProgressNote` wraps
//! a draft: the draft here is the content, [`IntakeAssessment::content_sha256`] and
//! [`DischargeSummary::content_sha256`] its digest.

pub mod canonical;
pub mod discharge;
pub mod from_record;
pub mod intake;
pub mod mse;

use std::collections::BTreeSet;

use crate::domain::icd10::{CodeOrigin, CodedDiagnosis};
use crate::domain::validation::is_blank;
use crate::domain::ValidationIssue;
use canonical::CanonicalText;

pub use discharge::{
    DischargeId, DischargeReason, DischargeSummary, GoalAtDischarge, GoalOutcome, MeasureChange,
    ScoreOn,
};
pub use intake::{
    Answer, IntakeAssessment, IntakeId, IntakeRisk, Referral, ReferralSource, RiskLevel,
    SuicidalIdeation,
};
pub use mse::MentalStatusExam;

/// The rules for a signed document's diagnoses: at least one (Z03.89 records "no
/// diagnosis"); no code twice; a description for every code; and no header code from
/// the list, since a claim needs the most specific code. A code typed by hand and not
/// found in the list is accepted: the list covers chapter F and some Z codes only.
pub fn check_diagnoses(
    label: &str,
    diagnoses: &[CodedDiagnosis],
    issues: &mut Vec<ValidationIssue>,
) {
    if diagnoses.is_empty() {
        issues.push(ValidationIssue::new(
            label,
            "Add at least one diagnosis (Z03.89 records that no diagnosis was made).",
        ));
    }
    let mut seen = BTreeSet::new();
    for diagnosis in diagnoses {
        let code = diagnosis.code.as_str();
        if !seen.insert(code) {
            issues.push(ValidationIssue::new(
                label,
                format!("{code} is listed twice. Remove one."),
            ));
        }
        if is_blank(&diagnosis.description) {
            issues.push(ValidationIssue::new(
                label,
                format!("{code} has no description. Describe the diagnosis."),
            ));
        }
        if let CodeOrigin::InList {
            billable: false, ..
        } = diagnosis.origin
        {
            issues.push(ValidationIssue::new(
                label,
                format!(
                    "{code} is a category with more specific codes under it. Choose one of those."
                ),
            ));
        }
    }
}

/// A list of diagnoses as canonical lines.
pub fn write_diagnoses(name: &str, diagnoses: &[CodedDiagnosis], c: &mut CanonicalText) {
    c.count(name, diagnoses.len());
    for diagnosis in diagnoses {
        c.text("code", diagnosis.code.as_str())
            .text("description", &diagnosis.description);
        match diagnosis.origin {
            CodeOrigin::InList { year, billable } => c
                .text("origin", "in_list")
                .text("year", &year.to_string())
                .text("billable", if billable { "yes" } else { "no" }),
            CodeOrigin::NotInList => c.text("origin", "not_in_list"),
        };
    }
}

#[cfg(test)]
pub(crate) mod tests;
