//! The editable progress note, and the checks it must pass before signing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{GoalAddressed, GoalProgress, ProgressNoteId, SignedProgressNote};
use crate::domain::client::normalize_icd10_code;
use crate::domain::service::{duration_minutes, duration_mismatch};
use crate::domain::validation::{into_result, is_blank};
use crate::domain::{
    ClientId, Date, DomainError, PlaceOfService, RiskAnswers, RiskAssessment, ServiceCode,
    Template, TimeOfDay, Timestamp, ValidationIssue,
};

/// A progress note being written. Every field is public: the form edits it
/// directly and saves it as often as it likes. Nothing is checked until
/// [`validate_for_signing`](Self::validate_for_signing) or
/// [`sign`](Self::sign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressNoteDraft {
    pub id: ProgressNoteId,
    pub client_id: ClientId,
    pub template: Template,
    pub date_of_service: Option<Date>,
    pub start: Option<TimeOfDay>,
    pub end: Option<TimeOfDay>,
    pub service_code: Option<ServiceCode>,
    pub place_of_service: Option<PlaceOfService>,
    /// Who attended, in words ("Client and mother").
    pub participants: String,
    /// ICD-10-CM codes of the client's diagnoses this session addressed.
    pub diagnoses_addressed: Vec<String>,
    pub goals_addressed: Vec<GoalAddressed>,
    /// The risk questions as answered so far; complete before signing.
    #[serde(default, deserialize_with = "crate::domain::risk::deserialize_answers")]
    pub risk: RiskAnswers,
    /// Section key (see [`Template::sections`]) to text. A `BTreeMap` so the stored
    /// form has a stable order.
    pub sections: BTreeMap<String, String>,
    /// Why the note is written late, typed before signing and kept with the
    /// draft so it survives a reload. Signing moves it into the signature's
    /// [`LateEntry`](super::LateEntry) (it is not part of the signed content).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub late_entry_reason: String,
    /// Set on a draft that came from another device's edits to a note signed
    /// meanwhile: the signed note it was a version of. The draft is kept, and
    /// flagged, so those words are not lost; the clinician decides what
    /// becomes of them (see the Conflicts screen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<ProgressNoteId>,
    pub created_at: Timestamp,
    /// Set by the caller on every edit; the domain has no clock.
    pub updated_at: Timestamp,
}

impl ProgressNoteDraft {
    pub const CLIENT_LABEL: &'static str = "Client";
    pub const DATE_OF_SERVICE_LABEL: &'static str = "Date of service";
    pub const START_LABEL: &'static str = "Start time";
    pub const END_LABEL: &'static str = "End time";
    pub const SERVICE_CODE_LABEL: &'static str = "Service code";
    pub const PLACE_OF_SERVICE_LABEL: &'static str = "Place of service";
    pub const DIAGNOSES_LABEL: &'static str = "Diagnoses addressed";
    pub const RISK_LABEL: &'static str = "Risk assessment";

    /// An empty note for a client, created at `now`.
    pub fn new(
        id: ProgressNoteId,
        client_id: ClientId,
        template: Template,
        now: Timestamp,
    ) -> ProgressNoteDraft {
        ProgressNoteDraft {
            id,
            client_id,
            template,
            date_of_service: None,
            start: None,
            end: None,
            service_code: None,
            place_of_service: None,
            participants: String::new(),
            diagnoses_addressed: Vec::new(),
            goals_addressed: Vec::new(),
            risk: RiskAnswers::default(),
            sections: BTreeMap::new(),
            late_entry_reason: String::new(),
            conflict_of: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The risk assessment, once both questions are answered.
    pub fn risk_assessment(&self) -> Option<RiskAssessment> {
        self.risk.complete()
    }

    /// The text of a section, or `""` if nothing was written there.
    pub fn section(&self, key: &str) -> &str {
        self.sections.get(key).map_or("", String::as_str)
    }

    pub fn set_section(&mut self, key: &str, text: impl Into<String>) {
        self.sections.insert(key.to_owned(), text.into());
    }

    /// Session length from start and end (across midnight if the end is earlier).
    pub fn duration_minutes(&self) -> Option<u32> {
        Some(duration_minutes(self.start?, self.end?))
    }

    /// A warning when the service code does not fit the duration (see
    /// [`duration_mismatch`]). Signing does not require it to be resolved.
    pub fn duration_warning(&self) -> Option<String> {
        duration_mismatch(self.service_code.as_ref()?, self.duration_minutes()?)
    }

    /// What the clinician should check before signing, though it does not stop
    /// signing: a session shorter than 10 minutes or longer than 4 hours, a
    /// time-based code whose minutes do not fit (the CPT time rule: a unit of
    /// time is met once its midpoint is passed, hence 90832 for 16–37 minutes,
    /// 90834 for 38–52 and 90837 for 53 or more), and an end time earlier than
    /// the start, which is read as a session crossing midnight.
    pub fn signing_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let (Some(start), Some(end)) = (self.start, self.end) {
            if end < start {
                warnings.push(format!(
                    "The session ends ({end}) before it starts ({start}), so it is recorded as crossing midnight. If it did not, correct the times."
                ));
            }
        }
        if let Some(minutes) = self.duration_minutes() {
            if (1..10).contains(&minutes) {
                warnings.push(format!(
                    "The session lasted {minutes} minutes, under 10. Check the start and end times."
                ));
            } else if minutes > 240 {
                warnings.push(format!(
                    "The session lasted {} h {:02} min, over 4 hours. Check the start and end times.",
                    minutes / 60,
                    minutes % 60
                ));
            }
        }
        warnings.extend(self.duration_warning());
        warnings
    }

    /// Starts this note from the client's previous signed note:
    /// - the "plan" section gets the previous note's plan, when both templates have
    ///   a plan (all built-in ones do) and this note's plan is still blank, so
    ///   nothing the clinician already wrote is replaced;
    /// - every goal the previous note addressed is added (if not already listed)
    ///   with progress [`GoalProgress::Unchanged`], for the clinician to update.
    ///
    /// Nothing else is copied: each session's facts, risk and observations are its
    /// own. A note of another client is refused and nothing changes.
    pub fn copy_forward_from(&mut self, previous: &SignedProgressNote) -> Result<(), DomainError> {
        if previous.client_id() != &self.client_id {
            return Err(DomainError::CopyForwardFromOtherClient);
        }
        const PLAN: &str = "plan";
        let both_have_plan =
            self.template.section(PLAN).is_some() && previous.template().section(PLAN).is_some();
        if both_have_plan && is_blank(self.section(PLAN)) {
            self.set_section(PLAN, previous.section(PLAN));
        }
        for goal in &previous.content().goals_addressed {
            if !self
                .goals_addressed
                .iter()
                .any(|g| g.goal_id == goal.goal_id)
            {
                self.goals_addressed.push(GoalAddressed {
                    goal_id: goal.goal_id.clone(),
                    progress: GoalProgress::Unchanged,
                });
            }
        }
        Ok(())
    }

    /// Every problem that stops this note from being signed, labelled by field.
    ///
    /// Required: date of service, start and end time (not equal), service code,
    /// place of service, a valid risk assessment, and text in every required
    /// section of the template. Diagnosis codes must have the ICD-10-CM shape, and
    /// text may not be left under a section the template does not have (after a
    /// template change), because a signature must cover only what the form shows.
    pub fn validate_for_signing(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut require = |missing: bool, field: &str, message: &str| {
            if missing {
                issues.push(ValidationIssue::new(field, message));
            }
        };
        require(
            is_blank(self.client_id.as_str()),
            Self::CLIENT_LABEL,
            "This note is not linked to a client. Open it from the client's page.",
        );
        require(
            self.date_of_service.is_none(),
            Self::DATE_OF_SERVICE_LABEL,
            "Enter the date of the session.",
        );
        require(
            self.start.is_none(),
            Self::START_LABEL,
            "Enter the time the session started.",
        );
        require(
            self.end.is_none(),
            Self::END_LABEL,
            "Enter the time the session ended.",
        );
        require(
            self.duration_minutes() == Some(0),
            Self::END_LABEL,
            "The session ends at the time it starts. Check the start and end times.",
        );
        require(
            self.service_code.is_none(),
            Self::SERVICE_CODE_LABEL,
            "Choose the service code billed for this session.",
        );
        require(
            self.place_of_service.is_none(),
            Self::PLACE_OF_SERVICE_LABEL,
            "Choose where the session took place.",
        );
        let risk = self.risk_assessment();
        require(
            risk.is_none(),
            Self::RISK_LABEL,
            "Record whether the client reported suicidal or homicidal ideation.",
        );
        if let Some(Err(risk_issues)) = risk.as_ref().map(RiskAssessment::validate) {
            issues.extend(risk_issues);
        }
        for code in &self.diagnoses_addressed {
            if let Err(error) = normalize_icd10_code(code) {
                issues.push(ValidationIssue::new(
                    Self::DIAGNOSES_LABEL,
                    error.to_string(),
                ));
            }
        }
        for section in self.template.sections() {
            if section.required && is_blank(self.section(section.key)) {
                issues.push(ValidationIssue::new(
                    section.label,
                    format!(
                        "Write the {} section before signing ({}).",
                        section.label,
                        lowercase_first(section.hint)
                    ),
                ));
            }
        }
        for (key, text) in &self.sections {
            if self.template.section(key).is_none() && !is_blank(text) {
                let label = Template::label_for_any(key).unwrap_or(key);
                let template = self.template.name();
                issues.push(ValidationIssue::new(
                    label,
                    format!(
                        "This {template} note has no {label} section, but text is still kept there from another template. Move the text into a {template} section or clear it before signing."
                    ),
                ));
            }
        }
        into_result(issues)
    }

    /// Section texts in template order, then text under other keys in key order,
    /// skipping blank ones.
    pub(super) fn section_texts(&self) -> Vec<&str> {
        let in_template = self
            .template
            .sections()
            .iter()
            .map(|section| self.section(section.key));
        let others = self
            .sections
            .iter()
            .filter(|(key, _)| self.template.section(key).is_none())
            .map(|(_, text)| text.as_str());
        in_template.chain(others).filter(|t| !is_blank(t)).collect()
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::Ideation;

    fn fields(result: Result<(), Vec<ValidationIssue>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|issue| issue.field)
            .collect()
    }

    #[test]
    fn a_complete_note_passes() {
        assert_eq!(complete_draft().validate_for_signing(), Ok(()));
    }

    #[test]
    fn an_empty_note_lists_every_missing_field_by_label() {
        let draft = ProgressNoteDraft::new(
            ProgressNoteId("n".into()),
            ClientId("c".into()),
            Template::Birp,
            Timestamp(0),
        );
        assert_eq!(
            fields(draft.validate_for_signing()),
            [
                "Date of service",
                "Start time",
                "End time",
                "Service code",
                "Place of service",
                "Risk assessment",
                "Behavior",
                "Intervention",
                "Response",
                "Plan"
            ]
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let mut draft = complete_draft();
        draft.set_section("objective", "   ");
        draft.date_of_service = None;
        let issues = draft.validate_for_signing().unwrap_err();
        assert_eq!(
            issues[0],
            ValidationIssue::new("Date of service", "Enter the date of the session.")
        );
        assert_eq!(
            issues[1],
            ValidationIssue::new(
                "Objective",
                "Write the Objective section before signing (what you observed: appearance, affect, behaviour)."
            )
        );
        assert_eq!(
            issues[1].to_string(),
            format!("Objective: {}", issues[1].message)
        );
    }

    #[test]
    fn present_ideation_needs_detail() {
        let mut draft = complete_draft();
        draft.risk = RiskAnswers::from(RiskAssessment {
            suicidal: Ideation::Present {
                detail: String::new(),
            },
            homicidal: Ideation::Denied,
            safety_plan: "Crisis line; follow-up call tomorrow.".into(),
        });
        assert_eq!(fields(draft.validate_for_signing()), ["Suicidal ideation"]);
    }

    #[test]
    fn equal_start_and_end_is_refused() {
        let mut draft = complete_draft();
        draft.end = draft.start;
        assert_eq!(fields(draft.validate_for_signing()), ["End time"]);
    }

    #[test]
    fn bad_diagnosis_codes_are_refused() {
        let mut draft = complete_draft();
        draft.diagnoses_addressed.push("anxiety".into());
        assert_eq!(
            fields(draft.validate_for_signing()),
            ["Diagnoses addressed"]
        );
    }

    #[test]
    fn text_left_from_another_template_blocks_signing() {
        let mut draft = complete_draft();
        draft.template = Template::Dap;
        draft.set_section("data", "Client reports anxiety; fidgeting observed.");
        let issues = draft.validate_for_signing().unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["Objective", "Subjective"]);
        assert!(issues[0].message.contains("DAP"), "{}", issues[0].message);
        // Emptied leftovers are harmless.
        draft.set_section("objective", "");
        draft.set_section("subjective", " ");
        assert_eq!(draft.validate_for_signing(), Ok(()));
    }

    #[test]
    fn duration_and_its_warning() {
        let mut draft = complete_draft();
        assert_eq!(draft.duration_minutes(), Some(50));
        assert_eq!(draft.duration_warning(), None);
        draft.end = Some(time("14:30"));
        assert!(draft
            .duration_warning()
            .is_some_and(|w| w.contains("90832")));
        draft.start = Some(time("23:30"));
        draft.end = Some(time("00:20"));
        assert_eq!(draft.duration_minutes(), Some(50));
        draft.start = None;
        assert_eq!(draft.duration_minutes(), None);
    }

    #[test]
    fn copy_forward_fills_a_blank_plan_and_the_goals() {
        let previous = signed_note();
        let mut next = ProgressNoteDraft::new(
            ProgressNoteId("note-2".into()),
            ClientId("client-1".into()),
            Template::Birp,
            Timestamp(0),
        );
        next.goals_addressed.push(GoalAddressed {
            goal_id: "goal-0".into(),
            progress: GoalProgress::Worse,
        });
        next.copy_forward_from(&previous).unwrap();
        assert_eq!(
            next.section("plan"),
            "Introduce paced breathing next session."
        );
        assert_eq!(next.section("behavior"), "");
        assert_eq!(
            next.goals_addressed,
            [
                GoalAddressed {
                    goal_id: "goal-0".into(),
                    progress: GoalProgress::Worse
                },
                GoalAddressed {
                    goal_id: "goal-1".into(),
                    progress: GoalProgress::Unchanged
                },
            ]
        );
        // Running it again adds nothing twice.
        next.copy_forward_from(&previous).unwrap();
        assert_eq!(next.goals_addressed.len(), 2);
    }

    #[test]
    fn copy_forward_keeps_a_plan_already_written() {
        let mut next = complete_draft();
        next.id = ProgressNoteId("note-2".into());
        next.set_section("plan", "Review sleep diary.");
        next.copy_forward_from(&signed_note()).unwrap();
        assert_eq!(next.section("plan"), "Review sleep diary.");
    }

    #[test]
    fn copy_forward_refuses_another_clients_note() {
        let mut other = ProgressNoteDraft::new(
            ProgressNoteId("note-9".into()),
            ClientId("client-2".into()),
            Template::Soap,
            Timestamp(0),
        );
        let before = other.clone();
        assert_eq!(
            other.copy_forward_from(&signed_note()),
            Err(DomainError::CopyForwardFromOtherClient)
        );
        assert_eq!(other, before);
    }
}
