//! Progress-note templates and their sections.
//!
//! A template only decides which sections a note has; the text itself is stored by
//! section key in the note. Labels are the exact words the UI uses as the accessible
//! names of the fields ("Subjective", "Plan", ...), so they are part of the UI's
//! contract and must not be reworded lightly.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// A progress-note format, or one of the course-of-care documents written in
/// the same record: the intake assessment (90791) and the discharge summary.
/// Those two have no free-text sections of their own; their structure is the
/// note's [`CourseDocument`](super::progress_note::CourseDocument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Template {
    #[default]
    Soap,
    Dap,
    Birp,
    Girp,
    Intake,
    Discharge,
}

/// One free-text section of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Stable storage key, lowercase ("subjective").
    pub key: &'static str,
    /// The field's visible and accessible name ("Subjective").
    pub label: &'static str,
    /// Whether the note can be signed with this section blank.
    pub required: bool,
    /// A one-line prompt shown with the field.
    pub hint: &'static str,
}

const fn section(key: &'static str, label: &'static str, hint: &'static str) -> Section {
    Section {
        key,
        label,
        required: true,
        hint,
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
    /// Every template, in the order the template select offers them.
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
            Template::Intake | Template::Discharge => &[],
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
            .map(|section| section.label)
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
        template.sections().iter().map(|s| s.label).collect()
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
            assert_eq!(template.section("plan").map(|s| s.label), Some("Plan"));
        }
    }
}
