//! The editable progress note, and the checks it must pass before signing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CourseDocument, GoalAddressed, IncludedResult, ProgressNoteId, SignedProgressNote};
use crate::domain::client::normalize_icd10_code;
use crate::domain::record_check::Dismissals;
use crate::domain::service::{duration_minutes, duration_mismatch};
use crate::domain::validation::{into_result, is_blank};
use crate::domain::{
    Blocks, ClientId, CustomTemplate, Date, DomainError, PlaceOfService, RiskAnswers,
    RiskAssessment, Section, ServiceCode, Template, TimeOfDay, Timestamp, ValidationIssue,
};

/// A progress note being written. Every field is public: the form edits it
/// directly and saves it as often as it likes. Nothing is checked until
/// [`validate_for_signing`](Self::validate_for_signing) or
/// [`sign`](Self::sign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressNoteDraft {
    pub id: ProgressNoteId,
    pub client_id: ClientId,
    /// Set with [`set_template`](Self::set_template) or
    /// [`use_custom_template`](Self::use_custom_template), which keep it and
    /// [`custom_template`](Self::custom_template) in step.
    pub template: Template,
    /// The version of the clinician's own template this note is written
    /// with, copied into the note so later edits to the template change
    /// neither how the note reads nor, once signed, its digest. Only read
    /// when `template` is [`Template::Custom`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_template: Option<CustomTemplate>,
    /// The labels of custom-template sections this note had before its
    /// template was changed, so text still kept under them is shown by its
    /// heading ("Presenting concern (not in SOAP)"), not by its key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub earlier_labels: BTreeMap<String, String>,
    pub date_of_service: Option<Date>,
    pub start: Option<TimeOfDay>,
    pub end: Option<TimeOfDay>,
    /// The clinician's answer to "did the session cross midnight?", asked when
    /// the end time is earlier than the start. Only then does such an end count
    /// as the next day; without it signing refuses the times.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub crosses_midnight: bool,
    pub service_code: Option<ServiceCode>,
    pub place_of_service: Option<PlaceOfService>,
    /// Who attended, in words ("Client and mother").
    pub participants: String,
    /// ICD-10-CM codes of the client's diagnoses this session addressed.
    pub diagnoses_addressed: Vec<String>,
    pub goals_addressed: Vec<GoalAddressed>,
    /// Questionnaire results of the day the note includes, as they read when
    /// included. A note with any is signed in canonical format v3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measure_results: Vec<IncludedResult>,
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
    /// The intake assessment or discharge summary of a note with one of those
    /// templates (see [`CourseDocument`]); `None` for a session note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<CourseDocument>,
    /// Record-check findings the clinician dismissed in this note's sections.
    /// Advice only: not part of the signed content.
    #[serde(default, skip_serializing_if = "Dismissals::is_empty")]
    pub record_check_dismissed: Dismissals,
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
    pub const GOALS_LABEL: &'static str = "Goals addressed";
    pub const MEASURE_RESULTS_LABEL: &'static str = "Questionnaire results";
    pub const RISK_LABEL: &'static str = "Risk assessment";
    pub const CROSSES_MIDNIGHT_LABEL: &'static str = "The session crossed midnight";

    /// An empty note for a client, created at `now` and dated `now`'s day: a
    /// note is usually started on the day of the session, and the clinician
    /// changes the date when it is not.
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
            custom_template: None,
            earlier_labels: BTreeMap::new(),
            date_of_service: Some(now.date()),
            start: None,
            end: None,
            crosses_midnight: false,
            service_code: None,
            place_of_service: None,
            participants: String::new(),
            diagnoses_addressed: Vec::new(),
            goals_addressed: Vec::new(),
            measure_results: Vec::new(),
            risk: RiskAnswers::default(),
            sections: BTreeMap::new(),
            late_entry_reason: String::new(),
            conflict_of: None,
            document: None,
            record_check_dismissed: Dismissals::default(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The risk assessment, once both questions are answered.
    pub fn risk_assessment(&self) -> Option<RiskAssessment> {
        self.risk.complete()
    }

    /// Switches to a built-in template.
    pub fn set_template(&mut self, template: Template) {
        self.remember_labels();
        self.template = template;
        self.custom_template = None;
    }

    /// Switches to one version of a custom template.
    pub fn use_custom_template(&mut self, template: CustomTemplate) {
        self.remember_labels();
        self.template = Template::Custom;
        self.custom_template = Some(template);
    }

    /// Keeps the current custom template's labels for text that may stay
    /// under its keys after a switch.
    fn remember_labels(&mut self) {
        let Some(custom) = self.custom() else {
            return;
        };
        let labels: Vec<(String, String)> = custom
            .sections
            .iter()
            .map(|s| (s.key.to_string(), s.label.to_string()))
            .collect();
        self.earlier_labels.extend(labels);
    }

    /// The custom template this note is written with, if it is.
    pub fn custom(&self) -> Option<&CustomTemplate> {
        self.custom_template
            .as_ref()
            .filter(|_| self.template == Template::Custom)
    }

    /// The note's free-text sections, in the order the form shows them.
    pub fn template_sections(&self) -> &[Section] {
        match self.custom() {
            Some(custom) => &custom.sections,
            None => self.template.sections(),
        }
    }

    /// One of the note's template's sections.
    pub fn template_section(&self, key: &str) -> Option<&Section> {
        self.template_sections().iter().find(|s| s.key == key)
    }

    /// The template's name: "SOAP", or the clinician's own template's.
    pub fn template_name(&self) -> &str {
        match self.custom() {
            Some(custom) => &custom.name,
            None => self.template.name(),
        }
    }

    /// The template as a reader is told it: "SOAP", or "Couples session
    /// (version 2)" for a custom one, whose version the note keeps.
    pub fn template_label(&self) -> String {
        match self.custom() {
            Some(custom) => custom.display_name(),
            None => self.template.name().to_owned(),
        }
    }

    /// The structured blocks the note has.
    pub fn blocks(&self) -> Blocks {
        self.custom().map_or(Blocks::ALL, |custom| custom.blocks)
    }

    /// The blocks the form shows: the template's, and any other that holds
    /// something (typed before the template was changed), so nothing the
    /// signature would cover is out of sight.
    pub fn shown_blocks(&self) -> Blocks {
        let chosen = self.blocks();
        Blocks {
            session: chosen.session
                || self.start.is_some()
                || self.end.is_some()
                || self.service_code.is_some()
                || self.place_of_service.is_some()
                || !self.participants.trim().is_empty(),
            risk: chosen.risk || self.risk != RiskAnswers::default(),
            goals: chosen.goals
                || !self.diagnoses_addressed.is_empty()
                || !self.goals_addressed.is_empty()
                || !self.measure_results.is_empty(),
        }
    }

    /// The label of a section key: this note's template's, else that of
    /// whichever built-in template has the key, else the key itself.
    pub fn label_of<'a>(&'a self, key: &'a str) -> &'a str {
        self.template_section(key)
            .map(|s| s.label.as_ref())
            .or_else(|| Template::label_for_any(key))
            .or_else(|| self.earlier_labels.get(key).map(String::as_str))
            .unwrap_or(key)
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

    /// Whether the end time is earlier than the start, so the form must ask
    /// whether the session crossed midnight.
    pub fn ends_before_start(&self) -> bool {
        matches!((self.start, self.end), (Some(start), Some(end)) if end < start)
    }

    /// The session's length as the clinician has stated it: `None` while the
    /// end is earlier than the start and nobody said the session crossed
    /// midnight, because the length is not known then.
    pub fn stated_duration_minutes(&self) -> Option<u32> {
        if self.ends_before_start() && !self.crosses_midnight {
            None
        } else {
            self.duration_minutes()
        }
    }

    /// A warning when the service code does not fit the duration (see
    /// [`duration_mismatch`]). Signing does not require it to be resolved.
    pub fn duration_warning(&self) -> Option<String> {
        duration_mismatch(self.service_code.as_ref()?, self.stated_duration_minutes()?)
    }

    /// What the clinician should check before signing, though it does not stop
    /// signing: a session shorter than 10 minutes or longer than 4 hours, and a
    /// time-based code whose minutes do not fit.
    ///
    /// The time-based psychotherapy codes follow the CPT time rule: a unit of
    /// time is met once its midpoint is passed (CPT, "Time" in the
    /// introduction; the psychotherapy codes' own descriptors). A 30-minute
    /// code therefore needs 16 minutes, and a session is billed with the code
    /// whose time it comes closest to: 90832 for 16–37 minutes, 90834 for 38–52
    /// and 90837 for 53 or more (see [`ServiceCode::expected_minutes`]).
    ///
    /// An end earlier than the start is not a warning: the form asks whether
    /// the session crossed midnight, and signing refuses it until answered.
    pub fn signing_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(minutes) = self.stated_duration_minutes() {
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
                    // This session's progress is the clinician's to rate.
                    progress: None,
                });
            }
        }
        Ok(())
    }

    /// Every problem that stops this note from being signed at `now`, labelled
    /// by field.
    ///
    /// Required: date of service, not later than `now`'s date; start and end
    /// time (not equal, and an end earlier than the start only when the
    /// clinician said the session crossed midnight); service code, place of
    /// service, a valid risk assessment, and text in every required section of
    /// the template. Diagnosis codes must have the ICD-10-CM shape, and text may
    /// not be left under a section the template does not have (after a template
    /// change), because a signature must cover only what the form shows.
    pub fn validate_for_signing(&self, now: Timestamp) -> Result<(), Vec<ValidationIssue>> {
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
        if let Some(date) = self.date_of_service.filter(|d| *d > now.date()) {
            require(
                true,
                Self::DATE_OF_SERVICE_LABEL,
                &format!(
                    "The date of service, {date}, is in the future. A note is signed after the session: check the date."
                ),
            );
        }
        // A discharge summary may close a treatment that had no last session
        // (a client who stopped attending): its session facts are optional,
        // and checked only when given.
        // A custom template without the session block asks for none of them.
        let session_needed = self.template != Template::Discharge && self.blocks().session;
        require(
            session_needed && self.start.is_none(),
            Self::START_LABEL,
            "Enter the time the session started.",
        );
        require(
            session_needed && self.end.is_none(),
            Self::END_LABEL,
            "Enter the time the session ended.",
        );
        require(
            self.duration_minutes() == Some(0),
            Self::END_LABEL,
            "The session ends at the time it starts. Check the start and end times.",
        );
        if let (Some(start), Some(end)) = (self.start, self.end) {
            require(
                end < start && !self.crosses_midnight,
                Self::END_LABEL,
                &format!(
                    "The session ends ({end}) before it starts ({start}). If it went past midnight, tick “{}”; otherwise correct the times.",
                    Self::CROSSES_MIDNIGHT_LABEL
                ),
            );
        }
        require(
            session_needed && self.service_code.is_none(),
            Self::SERVICE_CODE_LABEL,
            "Choose the service code billed for this session.",
        );
        require(
            session_needed && self.place_of_service.is_none(),
            Self::PLACE_OF_SERVICE_LABEL,
            "Choose where the session took place.",
        );
        // An intake's risk answers follow its own, fuller risk block, whose
        // checks say what is missing; asking twice would only repeat them.
        if self.template != Template::Intake && self.blocks().risk {
            let risk = self.risk_assessment();
            require(
                risk.is_none(),
                Self::RISK_LABEL,
                "Record whether the client reported suicidal or homicidal ideation.",
            );
            if let Some(Err(risk_issues)) = risk.as_ref().map(RiskAssessment::validate) {
                issues.extend(risk_issues);
            }
        }
        for goal in &self.goals_addressed {
            if goal.progress.is_none() {
                issues.push(ValidationIssue::new(
                    Self::GOALS_LABEL,
                    "Choose the progress made on each goal or objective you ticked, or untick it.",
                ));
                break;
            }
        }
        for result in &self.measure_results {
            if Some(result.administered_on) != self.date_of_service {
                issues.push(ValidationIssue::new(
                    Self::MEASURE_RESULTS_LABEL,
                    format!(
                        "The result \u{201c}{}\u{201d} was not given on the date of service. Untick it, or correct the date of service.",
                        result.describe()
                    ),
                ));
            }
        }
        for code in &self.diagnoses_addressed {
            if let Err(error) = normalize_icd10_code(code) {
                issues.push(ValidationIssue::new(
                    Self::DIAGNOSES_LABEL,
                    error.to_string(),
                ));
            }
        }
        if self.template == Template::Custom && self.custom_template.is_none() {
            issues.push(ValidationIssue::new(
                "Template",
                "This note's own template is missing from it. Choose a template again before signing.",
            ));
        }
        for section in self.template_sections() {
            if section.required && is_blank(self.section(&section.key)) {
                let hint = if section.hint.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", lowercase_first(&section.hint))
                };
                issues.push(ValidationIssue::new(
                    section.label.as_ref(),
                    format!("Write the {} section before signing{hint}.", section.label),
                ));
            }
        }
        match (&self.document, self.template.is_document()) {
            (Some(document), true) if document.template() == self.template => {
                issues.extend(document.validate_for_signing(
                    self.id.as_str(),
                    &self.client_id,
                    self.date_of_service,
                ));
            }
            (None, false) => {}
            (_, true) => issues.push(ValidationIssue::new(
                CourseDocument::LABEL,
                format!("This {} has no document yet. Open it again to start one.", self.template.name()),
            )),
            (Some(document), false) => issues.push(ValidationIssue::new(
                CourseDocument::LABEL,
                format!(
                    "A {} is still kept in this {} note. Switch the template back to it, or remove it, before signing.",
                    document.template().name().to_lowercase(),
                    self.template.name()
                ),
            )),
        }
        for (key, text) in &self.sections {
            if self.template_section(key).is_none() && !is_blank(text) {
                let label = self.label_of(key);
                let template = self.template_name();
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
    use crate::domain::{GoalProgress, Ideation};

    /// An hour after the fixture session.
    fn now() -> Timestamp {
        Timestamp(session_end().0 + 3_600_000)
    }

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
        assert_eq!(complete_draft().validate_for_signing(now()), Ok(()));
    }

    #[test]
    fn an_empty_note_lists_every_missing_field_by_label() {
        let mut draft = ProgressNoteDraft::new(
            ProgressNoteId("n".into()),
            ClientId("c".into()),
            Template::Birp,
            Timestamp(0),
        );
        draft.date_of_service = None;
        assert_eq!(
            fields(draft.validate_for_signing(now())),
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
        let issues = draft.validate_for_signing(now()).unwrap_err();
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
        assert_eq!(
            fields(draft.validate_for_signing(now())),
            ["Suicidal ideation"]
        );
    }

    #[test]
    fn equal_start_and_end_is_refused() {
        let mut draft = complete_draft();
        draft.end = draft.start;
        assert_eq!(fields(draft.validate_for_signing(now())), ["End time"]);
    }

    #[test]
    fn a_new_note_is_dated_the_day_it_is_started() {
        let started = Timestamp::from_date_time(date("2024-03-05"), time("16:10"));
        let draft = ProgressNoteDraft::new(
            ProgressNoteId("n".into()),
            ClientId("c".into()),
            Template::Soap,
            started,
        );
        assert_eq!(draft.date_of_service, Some(date("2024-03-05")));
    }

    #[test]
    fn a_date_of_service_in_the_future_is_refused() {
        let mut draft = complete_draft();
        // Today is fine, and so is any earlier day.
        draft.date_of_service = Some(now().date());
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
        draft.date_of_service = Some(date("2023-08-01"));
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
        // Tomorrow, and seven months ahead, are not.
        for day in ["2024-03-06", "2024-10-05"] {
            draft.date_of_service = Some(date(day));
            let issues = draft.validate_for_signing(now()).unwrap_err();
            assert_eq!(issues.len(), 1, "{day}");
            assert_eq!(issues[0].field, "Date of service");
            assert!(issues[0].message.contains("in the future"), "{issues:?}");
            assert!(issues[0].message.contains(day), "{issues:?}");
        }
        // Signing says so too, whatever the clock of the caller.
        let error = draft
            .sign(
                crate::domain::References::client(&client()),
                &clinician(),
                now(),
                72,
                None,
            )
            .unwrap_err();
        assert!(error.to_string().contains("in the future"), "{error}");
    }

    #[test]
    fn an_end_before_the_start_needs_the_clinician_to_say_it_crossed_midnight() {
        let mut draft = complete_draft();
        draft.start = Some(time("16:00"));
        draft.end = Some(time("15:00"));
        assert!(draft.ends_before_start());
        assert_eq!(draft.stated_duration_minutes(), None, "not known yet");
        let issues = draft.validate_for_signing(now()).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "End time");
        assert!(
            issues[0]
                .message
                .contains("tick “The session crossed midnight”"),
            "{}",
            issues[0].message
        );
        assert!(draft.signing_warnings().is_empty(), "no guess is made");

        draft.crosses_midnight = true;
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
        assert_eq!(draft.stated_duration_minutes(), Some(1380));
        // 23 hours is then worth a second look before signing.
        let warnings = draft.signing_warnings();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("23 h 00 min, over 4 hours")),
            "{warnings:?}"
        );

        // The answer matters only while the end is earlier than the start.
        draft.end = Some(time("16:50"));
        assert!(!draft.ends_before_start());
        assert_eq!(draft.stated_duration_minutes(), Some(50));
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
    }

    #[test]
    fn the_midnight_answer_is_stored_only_when_given() {
        let mut draft = complete_draft();
        let json = serde_json::to_string(&draft).unwrap();
        assert!(
            !json.contains("crosses_midnight"),
            "older readers see nothing new"
        );
        draft.crosses_midnight = true;
        let json = serde_json::to_string(&draft).unwrap();
        let read: ProgressNoteDraft = serde_json::from_str(&json).unwrap();
        assert!(read.crosses_midnight);
    }

    #[test]
    fn signing_warnings_cover_length_and_the_cpt_time_rule() {
        let mut draft = complete_draft();
        assert!(draft.signing_warnings().is_empty());
        // 30 minutes billed as 90834 (38–52).
        draft.end = Some(time("14:30"));
        let warnings = draft.signing_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("90834") && warnings[0].contains("use 90832"));
        // Under 10 minutes.
        draft.service_code = Some(ServiceCode::Cpt90791);
        draft.end = Some(time("14:05"));
        let warnings = draft.signing_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("5 minutes, under 10"), "{warnings:?}");
        // Over 4 hours.
        draft.end = Some(time("18:30"));
        let warnings = draft.signing_warnings();
        assert!(
            warnings[0].contains("4 h 30 min, over 4 hours"),
            "{warnings:?}"
        );
    }

    #[test]
    fn bad_diagnosis_codes_are_refused() {
        let mut draft = complete_draft();
        draft.diagnoses_addressed.push("anxiety".into());
        assert_eq!(
            fields(draft.validate_for_signing(now())),
            ["Diagnoses addressed"]
        );
    }

    #[test]
    fn text_left_from_another_template_blocks_signing() {
        let mut draft = complete_draft();
        draft.template = Template::Dap;
        draft.set_section("data", "Client reports anxiety; fidgeting observed.");
        let issues = draft.validate_for_signing(now()).unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["Objective", "Subjective"]);
        assert!(issues[0].message.contains("DAP"), "{}", issues[0].message);
        // Emptied leftovers are harmless.
        draft.set_section("objective", "");
        draft.set_section("subjective", " ");
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
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
    fn a_ticked_goal_must_be_rated_before_signing() {
        let mut draft = complete_draft();
        draft.goals_addressed[0].progress = None;
        assert_eq!(
            fields(draft.validate_for_signing(now())),
            ["Goals addressed"]
        );
        draft.goals_addressed[0].progress = Some(GoalProgress::Unchanged);
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
    }

    #[test]
    fn an_included_result_must_be_of_the_date_of_service() {
        use crate::domain::measure::{fixtures::make, PHQ_9};
        let mut draft = complete_draft();
        let day = draft.date_of_service.unwrap().to_string();
        draft.measure_results = vec![IncludedResult::of(&make(&PHQ_9, &[Some(0); 9], &day, 1))];
        assert_eq!(draft.validate_for_signing(now()), Ok(()));
        // The date of service moved after the result was included.
        draft.date_of_service = draft.date_of_service.and_then(|d| d.add_days(-1));
        let issues = draft.validate_for_signing(now()).unwrap_err();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].field, "Questionnaire results");
        assert!(issues[0]
            .message
            .contains("not given on the date of service"));
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
            progress: Some(GoalProgress::Worse),
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
                    progress: Some(GoalProgress::Worse)
                },
                GoalAddressed {
                    goal_id: "goal-1".into(),
                    progress: None
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
