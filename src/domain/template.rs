//! Progress-note templates and their sections.
//!
//! A template only decides which sections a note has; the text itself is stored by
//! section key in the note. Labels are the exact words the UI uses as the accessible
//! names of the fields ("Subjective", "Plan", ...), so they are part of the UI's
//! contract and must not be reworded lightly.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// A progress-note format, or one of the course-of-care documents written in
/// the same record: the intake assessment (90791) and the discharge summary.
/// Those two have no free-text sections of their own; their structure is the
/// note's [`CourseDocument`](super::progress_note::CourseDocument).
///
/// [`Template::Custom`] is a clinician's own template: its name, sections and
/// blocks are not here but in the [`CustomTemplate`](super::CustomTemplate)
/// version the note carries, so a note keeps the template it was written with
/// however the definition changes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Template {
    #[default]
    Soap,
    Dap,
    Birp,
    Girp,
    Intake,
    Discharge,
    Custom,
}

/// One free-text section of a template. A built-in template's sections are
/// constants; a custom template's are the clinician's own words, hence `Cow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Stable storage key ("subjective"; "c3" in a custom template), kept
    /// when the label is reworded so a note's text stays in its section.
    pub key: Cow<'static, str>,
    /// The field's visible and accessible name ("Subjective").
    pub label: Cow<'static, str>,
    /// Whether the note can be signed with this section blank.
    pub required: bool,
    /// A one-line prompt shown with the field.
    #[serde(default)]
    pub hint: Cow<'static, str>,
}

const fn section(key: &'static str, label: &'static str, hint: &'static str) -> Section {
    Section {
        key: Cow::Borrowed(key),
        label: Cow::Borrowed(label),
        required: true,
        hint: Cow::Borrowed(hint),
    }
}

// Sections shared by several templates are defined once so their wording matches.
const ASSESSMENT: Section = section(
    "assessment",
    "Assessment",
    "Your clinical judgement: functioning, progress, risk",
);
const PLAN: Section = section(
    "plan",
    "Plan",
    "Next steps: interventions, homework, next session",
);
const INTERVENTION: Section = section(
    "intervention",
    "Intervention",
    "What you did: techniques and methods used",
);
const RESPONSE: Section = section(
    "response",
    "Response",
    "How the client responded to the interventions",
);

const SOAP: &[Section] = &[
    section(
        "subjective",
        "Subjective",
        "What the client reports, in their words",
    ),
    section(
        "objective",
        "Objective",
        "What you observed: appearance, affect, behaviour",
    ),
    ASSESSMENT,
    PLAN,
];
const DAP: &[Section] = &[
    section(
        "data",
        "Data",
        "What the client reported and what you observed",
    ),
    ASSESSMENT,
    PLAN,
];
const BIRP: &[Section] = &[
    section(
        "behavior",
        "Behavior",
        "What the client said and did, as observed",
    ),
    INTERVENTION,
    RESPONSE,
    PLAN,
];
const GIRP: &[Section] = &[
    section(
        "goal",
        "Goal",
        "The treatment-plan goal worked on this session",
    ),
    INTERVENTION,
    RESPONSE,
    PLAN,
];

impl Template {
    /// Every built-in template, in the order the template select offers
    /// them (the clinician's own follow, by name).
    pub const ALL: [Template; 6] = [
        Template::Soap,
        Template::Dap,
        Template::Birp,
        Template::Girp,
        Template::Intake,
        Template::Discharge,
    ];

    /// Whether this is a course-of-care document rather than a session note.
    pub fn is_document(&self) -> bool {
        matches!(self, Template::Intake | Template::Discharge)
    }

    /// The sections in the order the form shows them.
    pub fn sections(&self) -> &'static [Section] {
        match self {
            Template::Soap => SOAP,
            Template::Dap => DAP,
            Template::Birp => BIRP,
            Template::Girp => GIRP,
            Template::Intake | Template::Discharge | Template::Custom => &[],
        }
    }

    /// The section with this key, if the template has it.
    pub fn section(&self, key: &str) -> Option<&'static Section> {
        self.sections().iter().find(|section| section.key == key)
    }

    /// "SOAP", "DAP", "BIRP", "GIRP", "Intake assessment" or "Discharge
    /// summary": the words of the template select, and of the canonical text.
    pub fn name(&self) -> &'static str {
        match self {
            Template::Soap => "SOAP",
            Template::Dap => "DAP",
            Template::Birp => "BIRP",
            Template::Girp => "GIRP",
            Template::Intake => "Intake assessment",
            Template::Discharge => "Discharge summary",
            Template::Custom => "Custom",
        }
    }

    /// Reads a template name, in any case ("soap", "SOAP").
    pub fn parse(input: &str) -> Result<Template, DomainError> {
        let name = input.trim();
        Self::ALL
            .into_iter()
            .find(|template| template.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| DomainError::UnknownTemplate {
                input: input.to_owned(),
            })
    }

    /// The label of a section key in whichever template has it, for messages about
    /// text left under a key the current template does not have.
    pub(crate) fn label_for_any(key: &str) -> Option<&'static str> {
        Self::ALL
            .iter()
            .find_map(|template| template.section(key))
            .map(|section| section.label.as_ref())
    }
}

/// The structured parts of a note besides its free-text sections. Every
/// built-in template has all three; a custom template chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Blocks {
    /// Start and end time, service code, place of service, participants.
    /// (The date of service is in every note: the record is ordered by it.)
    pub session: bool,
    /// The suicidal and homicidal ideation questions.
    pub risk: bool,
    /// Diagnoses and treatment-plan goals addressed, and questionnaire results.
    pub goals: bool,
}

impl Blocks {
    pub const ALL: Blocks = Blocks {
        session: true,
        risk: true,
        goals: true,
    };

    /// "session,risk,goals" or the part of it chosen: the canonical text's
    /// words for them.
    pub fn canonical(&self) -> String {
        [
            (self.session, "session"),
            (self.risk, "risk"),
            (self.goals, "goals"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(template: Template) -> Vec<&'static str> {
        template
            .sections()
            .iter()
            .map(|s| s.label.as_ref())
            .collect()
    }

    #[test]
    fn each_template_has_its_sections_in_order() {
        assert_eq!(
            labels(Template::Soap),
            ["Subjective", "Objective", "Assessment", "Plan"]
        );
        assert_eq!(labels(Template::Dap), ["Data", "Assessment", "Plan"]);
        assert_eq!(
            labels(Template::Birp),
            ["Behavior", "Intervention", "Response", "Plan"]
        );
        assert_eq!(
            labels(Template::Girp),
            ["Goal", "Intervention", "Response", "Plan"]
        );
    }

    #[test]
    fn keys_are_the_lowercase_labels_and_every_section_is_required() {
        for template in Template::ALL {
            for section in template.sections() {
                assert_eq!(section.key, section.label.to_lowercase());
                assert!(section.required, "{} {}", template, section.label);
                assert!(!section.hint.trim().is_empty());
            }
        }
    }

    #[test]
    fn soap_is_the_default_and_names_parse() {
        assert_eq!(Template::default(), Template::Soap);
        for template in Template::ALL {
            assert_eq!(Template::parse(template.name()), Ok(template));
            assert_eq!(
                Template::parse(&template.name().to_lowercase()),
                Ok(template)
            );
        }
        assert!(Template::parse("SOAPY").is_err());
    }

    #[test]
    fn every_template_has_a_plan() {
        // copy_forward relies on this to carry the plan from one note to the next.
        for template in Template::ALL.into_iter().filter(|t| !t.is_document()) {
            assert_eq!(
                template.section("plan").map(|s| s.label.as_ref()),
                Some("Plan")
            );
        }
    }
}
