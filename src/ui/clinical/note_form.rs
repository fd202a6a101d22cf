//! The progress-note form's state, shared by every part of the editor.

use leptos::prelude::*;

use crate::domain::{ProgressNoteDraft, ValidationIssue};

use super::autosave::Autosave;
use super::common::{described_by, invalid};

/// The prefix of the ids of the signing issues, which fields point at.
pub const ISSUE_PREFIX: &str = "note-issue";

/// The open draft, its autosave, and what stops it from being signed: what
/// every part of the editor edits and shows.
#[derive(Clone, Copy)]
pub struct NoteForm {
    pub draft: RwSignal<ProgressNoteDraft>,
    pub autosave: Autosave,
    /// Found when the clinician last tried to sign, kept up to date as they
    /// fix them; each field marks itself invalid and points at its own.
    pub issues: RwSignal<Vec<ValidationIssue>>,
}

impl NoteForm {
    /// Changes the draft and schedules the autosave.
    pub fn edit(&self, change: impl FnOnce(&mut ProgressNoteDraft)) {
        self.draft.update(change);
        self.autosave.touch();
    }

    /// The `aria-invalid` of the field labelled `field`.
    pub fn invalid(&self, field: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
        let issues = self.issues;
        move || issues.with(|issues| invalid(issues, field))
    }

    /// The `aria-describedby` of the field labelled `field`, whose own help
    /// text (if any) has the id `hint`.
    pub fn described_by(
        &self,
        field: &'static str,
        hint: Option<&'static str>,
    ) -> impl Fn() -> Option<String> + Copy {
        let issues = self.issues;
        move || issues.with(|issues| described_by(issues, ISSUE_PREFIX, field, hint))
    }
}

/// As [`field_element`], in an intake or discharge note: the document's
/// fields first (the exam's "Behavior" is not BIRP's), and the risk
/// assessment is the intake's own block.
pub fn document_field_element(field: &str) -> Option<String> {
    use crate::domain::course_of_care::IntakeAssessment;
    match field {
        ProgressNoteDraft::DATE_OF_SERVICE_LABEL
        | ProgressNoteDraft::START_LABEL
        | ProgressNoteDraft::END_LABEL
        | ProgressNoteDraft::SERVICE_CODE_LABEL
        | ProgressNoteDraft::PLACE_OF_SERVICE_LABEL
        | "Late entry reason" => field_element(field),
        IntakeAssessment::RISK_LABEL => Some(field_id("Suicidal ideation")),
        label => Some(field_id(label)),
    }
}

/// The element of the note form that an issue about `field` points at.
pub fn field_element(field: &str) -> Option<String> {
    use crate::domain::{RiskAssessment, Template};
    Some(match field {
        ProgressNoteDraft::DATE_OF_SERVICE_LABEL => "note-date".to_owned(),
        ProgressNoteDraft::START_LABEL => "note-start".to_owned(),
        ProgressNoteDraft::END_LABEL => "note-end".to_owned(),
        ProgressNoteDraft::SERVICE_CODE_LABEL => "note-service-code".to_owned(),
        ProgressNoteDraft::PLACE_OF_SERVICE_LABEL => "note-place".to_owned(),
        ProgressNoteDraft::RISK_LABEL => "risk-suicidal-denied".to_owned(),
        RiskAssessment::SUICIDAL_LABEL => "risk-suicidal-detail".to_owned(),
        RiskAssessment::HOMICIDAL_LABEL => "risk-homicidal-detail".to_owned(),
        RiskAssessment::SAFETY_PLAN_LABEL => "risk-safety-plan".to_owned(),
        "Late entry reason" => "late-reason".to_owned(),
        ProgressNoteDraft::GOALS_LABEL => "goals-addressed".to_owned(),
        ProgressNoteDraft::MEASURE_RESULTS_LABEL => "results-heading".to_owned(),
        label => match Template::ALL
            .iter()
            .flat_map(|t| t.sections())
            .find(|s| s.label == label)
        {
            Some(section) => format!("section-{}", section.key),
            // An intake or discharge field, or a custom template's section:
            // its id is made from its label.
            None => field_id(label),
        },
    })
}

/// The id of the element for a document field labelled `label`:
/// "History of present illness" is `doc-history-of-present-illness`.
pub fn field_id(label: &str) -> String {
    let mut id = String::from("doc-");
    let mut dash = false;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    id.trim_end_matches('-').to_owned()
}
