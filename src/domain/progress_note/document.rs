//! The course-of-care document a note may carry: an intake assessment (90791)
//! or a discharge summary, written in the record beside the session notes.
//!
//! A note with the template "Intake assessment" or "Discharge summary" carries
//! the matching document; its session facts (date, times, service code, place)
//! and risk assessment are the note's own, so it is listed, signed, amended,
//! merged, exported and printed as every note is. Its structure is the
//! document's: the note has no free-text sections.

use serde::{Deserialize, Serialize};

use crate::domain::course_of_care::{DischargeId, DischargeSummary, IntakeAssessment, IntakeId};
use crate::domain::{ClientId, Date, Goal, Template, Timestamp, ValidationIssue};

/// The document of an intake or discharge note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CourseDocument {
    // Boxed: both are large beside the `None` of a session note's draft.
    Intake(Box<IntakeAssessment>),
    Discharge(Box<DischargeSummary>),
}

impl CourseDocument {
    /// What a note's validation calls the document as a whole.
    pub const LABEL: &'static str = "Document";

    /// A new, empty document for a note of `template`, if it is a document
    /// template. A discharge summary starts with a row for each of `goals`.
    pub fn for_template(
        template: Template,
        note_id: &str,
        client_id: &ClientId,
        goals: &[Goal],
        now: Timestamp,
    ) -> Option<CourseDocument> {
        match template {
            Template::Intake => Some(CourseDocument::Intake(Box::new(IntakeAssessment::new(
                IntakeId(note_id.to_owned()),
                client_id.clone(),
                now,
            )))),
            Template::Discharge => {
                Some(CourseDocument::Discharge(Box::new(DischargeSummary::new(
                    DischargeId(note_id.to_owned()),
                    client_id.clone(),
                    goals,
                    now,
                ))))
            }
            _ => None,
        }
    }

    /// The template a note carrying this document has.
    pub fn template(&self) -> Template {
        match self {
            CourseDocument::Intake(_) => Template::Intake,
            CourseDocument::Discharge(_) => Template::Discharge,
        }
    }

    /// `intake` or `discharge`, as the canonical text and the export name it.
    pub fn kind(&self) -> &'static str {
        match self {
            CourseDocument::Intake(_) => "intake",
            CourseDocument::Discharge(_) => "discharge",
        }
    }

    /// The document's own canonical text (`psynotes/intake/v1` or
    /// `psynotes/discharge/v1`), which a v4 note's text carries whole.
    pub fn canonical_content(&self) -> String {
        match self {
            CourseDocument::Intake(intake) => intake.canonical_content(),
            CourseDocument::Discharge(discharge) => discharge.canonical_content(),
        }
    }

    /// The document's own words, each with its field's label, for search:
    /// every free text, the MSE notes and the diagnoses' descriptions.
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut parts: Vec<(&'static str, &str)> = Vec::new();
        match self {
            CourseDocument::Intake(i) => {
                parts.extend([
                    (
                        IntakeAssessment::IDENTIFYING_LABEL,
                        i.identifying_information.as_str(),
                    ),
                    (IntakeAssessment::REFERRAL_LABEL, &i.referral.detail),
                    (
                        IntakeAssessment::PRESENTING_PROBLEM_LABEL,
                        &i.presenting_problem,
                    ),
                    (IntakeAssessment::HPI_LABEL, &i.history_of_present_illness),
                    (
                        IntakeAssessment::PSYCHIATRIC_HISTORY_LABEL,
                        &i.psychiatric_history,
                    ),
                    (
                        IntakeAssessment::SUBSTANCE_USE_LABEL,
                        &i.substance_use_history,
                    ),
                    (IntakeAssessment::MEDICAL_HISTORY_LABEL, &i.medical_history),
                    (IntakeAssessment::FAMILY_HISTORY_LABEL, &i.family_history),
                    (IntakeAssessment::SOCIAL_HISTORY_LABEL, &i.social_history),
                ]);
                for label in crate::domain::course_of_care::MentalStatusExam::OBSERVATIONS {
                    if let Some(o) = i.mental_status.observation(label) {
                        parts.push((label, o.note()));
                    }
                }
                if let Some(risk) = &i.risk {
                    parts.push(("Risk factors", &risk.risk_factors));
                    parts.push(("Protective factors", &risk.protective_factors));
                    parts.push(("Risk formulation", &risk.formulation));
                }
                for d in &i.diagnoses {
                    parts.push((IntakeAssessment::DIAGNOSES_LABEL, &d.description));
                }
                parts.push((IntakeAssessment::INITIAL_PLAN_LABEL, &i.initial_plan));
            }
            CourseDocument::Discharge(s) => {
                parts.push((DischargeSummary::REASON_LABEL, &s.reason_detail));
                parts.push((DischargeSummary::SERVICES_LABEL, &s.services_provided));
                for g in &s.goals {
                    parts.push((DischargeSummary::GOALS_LABEL, &g.note));
                }
                for d in &s.diagnoses_at_discharge {
                    parts.push((DischargeSummary::DIAGNOSES_LABEL, &d.description));
                }
                parts.push((
                    DischargeSummary::REFERRALS_LABEL,
                    &s.referrals_and_aftercare,
                ));
            }
        }
        parts
    }

    /// Keeps what the note and the document both record the same: the
    /// note's id, client and date of service are the intake's.
    pub fn follow_note(&mut self, note_id: &str, client_id: &ClientId, date: Option<Date>) {
        match self {
            CourseDocument::Intake(intake) => {
                intake.id = IntakeId(note_id.to_owned());
                intake.client_id = client_id.clone();
                intake.date_of_service = date;
            }
            CourseDocument::Discharge(discharge) => {
                discharge.id = DischargeId(note_id.to_owned());
                discharge.client_id = client_id.clone();
            }
        }
    }

    /// What stops the document, in a note with these id, client and date of
    /// service, from being signed.
    pub fn validate_for_signing(
        &self,
        note_id: &str,
        client_id: &ClientId,
        date: Option<Date>,
    ) -> Vec<ValidationIssue> {
        let (result, id, client) = match self {
            CourseDocument::Intake(intake) => {
                let mut result = intake.validate_for_signing().err().unwrap_or_default();
                if intake.date_of_service != date {
                    result.push(ValidationIssue::new(
                        IntakeAssessment::DATE_OF_SERVICE_LABEL,
                        "The assessment's date differs from the note's date of service. Enter the date again.",
                    ));
                }
                (result, intake.id.0.as_str(), &intake.client_id)
            }
            CourseDocument::Discharge(discharge) => {
                let mut result = discharge.validate_for_signing().err().unwrap_or_default();
                if let (Some(last), Some(date)) = (discharge.last_date_of_service, date) {
                    if last > date {
                        result.push(ValidationIssue::new(
                            DischargeSummary::LAST_DATE_LABEL,
                            "The last date of service is after this note's date. Check both dates.",
                        ));
                    }
                }
                (result, discharge.id.0.as_str(), &discharge.client_id)
            }
        };
        let mut result = result;
        if id != note_id || client != client_id {
            result.push(ValidationIssue::new(
                Self::LABEL,
                "This document belongs to another note. Start it again from this note.",
            ));
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::course_of_care::tests::{discharge, intake};
    use crate::domain::{merge_drafts, ProgressNoteDraft, References, ServiceCode};

    /// The fixture session as an intake (90791) carrying a complete assessment.
    fn intake_note() -> ProgressNoteDraft {
        let mut draft = complete_draft();
        draft.template = Template::Intake;
        draft.sections.clear();
        draft.service_code = Some(ServiceCode::Cpt90791);
        let mut document = CourseDocument::Intake(Box::new(intake()));
        document.follow_note(draft.id.as_str(), &draft.client_id, draft.date_of_service);
        draft.document = Some(document);
        draft
    }

    fn sign(
        draft: ProgressNoteDraft,
    ) -> Result<crate::domain::SignedProgressNote, crate::domain::SignError> {
        draft.sign(
            References::client(&client()),
            &clinician(),
            Timestamp(session_end().0 + 3_600_000),
            72,
            None,
        )
    }

    #[test]
    fn an_intake_is_signed_in_v4_with_the_whole_document_in_its_text() {
        let signed = sign(intake_note()).expect("a complete intake signs");
        let text = signed.canonical_content();
        assert!(text.starts_with("psynotes/progress-note/v4\n"));
        assert!(text.contains("\ntemplate=17:Intake assessment\n"));
        assert!(text.contains("\nmeasure_results#0\n"));
        assert!(text.contains("\ndocument=6:intake\n"));
        let document = intake_note().document.unwrap().canonical_content();
        assert!(text.contains(&format!("\ndocument_text={}:{document}", document.len())));
        assert!(signed.is_intact());
    }

    #[test]
    fn a_change_to_the_signed_document_is_caught() {
        let signed = sign(intake_note()).unwrap();
        let mut json = serde_json::to_value(&signed).unwrap();
        json["content"]["document"]["initial_plan"] = "Fortnightly CBT.".into();
        let changed: crate::domain::SignedProgressNote = serde_json::from_value(json).unwrap();
        assert!(!changed.is_intact());
        // And a v1 note (no wording) cannot have had a document.
        let mut json = serde_json::to_value(&signed).unwrap();
        json.as_object_mut().unwrap().remove("wording");
        let old: crate::domain::SignedProgressNote = serde_json::from_value(json).unwrap();
        assert!(!old.is_intact());
    }

    #[test]
    fn an_incomplete_or_mismatched_document_is_refused() {
        let mut draft = intake_note();
        if let Some(CourseDocument::Intake(intake)) = &mut draft.document {
            intake.initial_plan.clear();
        }
        let Err(crate::domain::SignError::Incomplete(issues)) = sign(draft) else {
            panic!("an intake without a plan must not sign");
        };
        assert!(issues
            .iter()
            .any(|i| i.field == IntakeAssessment::INITIAL_PLAN_LABEL));

        // The note's date and the assessment's date must agree.
        let mut draft = intake_note();
        draft.date_of_service = Some(date("2024-03-04"));
        let Err(crate::domain::SignError::Incomplete(issues)) = sign(draft) else {
            panic!("dates that disagree must not sign");
        };
        assert!(issues
            .iter()
            .any(|i| i.field == IntakeAssessment::DATE_OF_SERVICE_LABEL));

        // A document left behind by a template change is not signed unseen.
        let mut draft = intake_note();
        draft.template = Template::Soap;
        draft.set_section("subjective", "s");
        draft.set_section("objective", "o");
        draft.set_section("assessment", "a");
        draft.set_section("plan", "p");
        let Err(crate::domain::SignError::Incomplete(issues)) = sign(draft) else {
            panic!("a SOAP note holding an intake must not sign");
        };
        assert!(issues.iter().any(|i| i.field == CourseDocument::LABEL));

        // A document template without its document.
        let mut draft = intake_note();
        draft.document = None;
        assert!(sign(draft).is_err());
    }

    #[test]
    fn a_discharge_signs_and_a_session_note_is_still_v2() {
        let mut draft = complete_draft();
        draft.template = Template::Discharge;
        draft.sections.clear();
        let mut summary = discharge();
        summary.last_date_of_service = draft.date_of_service;
        summary.first_date_of_service = Some(date("2024-01-02"));
        let mut document = CourseDocument::Discharge(Box::new(summary));
        document.follow_note(draft.id.as_str(), &draft.client_id, draft.date_of_service);
        draft.document = Some(document);
        // It may close a treatment with no last session: no times, code or place.
        draft.start = None;
        draft.end = None;
        draft.service_code = None;
        draft.place_of_service = None;
        let signed = sign(draft).expect("a complete discharge signs");
        assert!(signed
            .canonical_content()
            .contains("\ndocument=9:discharge\n"));
        assert!(signed_note()
            .canonical_content()
            .starts_with("psynotes/progress-note/v2\n"));
    }

    #[test]
    fn a_merge_takes_the_document_edited_on_one_side_and_flags_both() {
        let base = intake_note();
        let mut theirs = base.clone();
        if let Some(CourseDocument::Intake(intake)) = &mut theirs.document {
            intake.social_history = "Accountant; sister nearby.".into();
        }
        let merge = merge_drafts(&base, &base, &theirs);
        assert!(merge.is_clean());
        assert_eq!(merge.merged.document, theirs.document);

        let mut mine = base.clone();
        if let Some(CourseDocument::Intake(intake)) = &mut mine.document {
            intake.family_history = "Father: anxiety.".into();
        }
        let merge = merge_drafts(&base, &mine, &theirs);
        assert!(merge.clashes.contains(&CourseDocument::LABEL.to_owned()));
    }

    #[test]
    fn an_intakes_words_are_searched_with_the_note() {
        let note = crate::domain::ProgressNote::Draft(intake_note());
        let text = note.text_for_search();
        assert!(text.contains("Dr. Patel, for anxiety"));
        assert!(text.contains("Weekly CBT for worry"));
        assert!(text.contains("Generalized anxiety disorder"));
    }

    #[test]
    fn a_new_document_follows_its_template() {
        let client_id = ClientId("client-1".into());
        let goals = [Goal::new("g1", "Sleep")];
        let intake =
            CourseDocument::for_template(Template::Intake, "n1", &client_id, &goals, Timestamp(1));
        assert_eq!(
            intake.as_ref().map(CourseDocument::template),
            Some(Template::Intake)
        );
        let discharge = CourseDocument::for_template(
            Template::Discharge,
            "n1",
            &client_id,
            &goals,
            Timestamp(1),
        );
        let Some(CourseDocument::Discharge(summary)) = discharge else {
            panic!("a discharge template starts a discharge summary");
        };
        assert_eq!(summary.goals.len(), 1);
        assert!(CourseDocument::for_template(
            Template::Soap,
            "n1",
            &client_id,
            &goals,
            Timestamp(1)
        )
        .is_none());
    }
}
