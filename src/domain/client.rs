//! A client of the practice: identity, diagnoses and treatment-plan goals.
//!
//! First and last session dates are not stored here; they are derived from the
//! notes (see [`ClientNoteIndex::session_span`](super::ClientNoteIndex::session_span)).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::validation::{into_result, is_blank};
use super::{Date, DomainError, ValidationIssue};

/// A client's opaque id, made by the caller (for example a random UUID).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub String);

impl ClientId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A diagnosis on the client's record, by ICD-10-CM code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// Upper-case ICD-10-CM code, for example `F41.1`.
    pub code: String,
    pub description: String,
    /// The diagnosis billed first; a client has at most one.
    pub primary: bool,
}

impl Diagnosis {
    /// A diagnosis with a checked, upper-cased code (see [`normalize_icd10_code`]).
    pub fn new(
        code: &str,
        description: impl Into<String>,
        primary: bool,
    ) -> Result<Diagnosis, DomainError> {
        Ok(Diagnosis {
            code: normalize_icd10_code(code)?,
            description: description.into(),
            primary,
        })
    }
}

/// Checks the shape of an ICD-10-CM code and returns it trimmed and upper-cased.
///
/// The check is loose on purpose: a letter, a digit and a letter or digit, then
/// optionally a dot and one to four letters or digits (`F32.A`, `F41.1`,
/// `F10.239`). It does not know the code list, so it catches typos, not retired
/// codes. The third character may be a letter because a few real categories
/// (`C4A`, `M1A`) have one.
///
/// ```
/// use psynotes::domain::client::normalize_icd10_code;
/// assert_eq!(normalize_icd10_code(" f41.1 ").unwrap(), "F41.1");
/// assert!(normalize_icd10_code("41.1").is_err());
/// ```
pub fn normalize_icd10_code(input: &str) -> Result<String, DomainError> {
    let code = input.trim().to_ascii_uppercase();
    let (category, subcategory) = match code.split_once('.') {
        Some((category, subcategory)) => (category, Some(subcategory)),
        None => (code.as_str(), None),
    };
    let category = category.as_bytes();
    let category_ok = category.len() == 3
        && category[0].is_ascii_alphabetic()
        && category[1].is_ascii_digit()
        && category[2].is_ascii_alphanumeric();
    let subcategory_ok = subcategory.is_none_or(|sub| {
        (1..=4).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if category_ok && subcategory_ok {
        Ok(code)
    } else {
        Err(DomainError::InvalidDiagnosisCode {
            input: input.to_owned(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum GoalStatus {
    #[default]
    Active,
    Met,
    Discontinued,
}

/// A treatment-plan goal. Progress notes refer to it by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// Opaque id made by the caller, unique within the client.
    pub id: String,
    pub text: String,
    pub target_date: Option<Date>,
    pub status: GoalStatus,
}

impl Goal {
    /// An active goal without a target date.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Goal {
        Goal {
            id: id.into(),
            text: text.into(),
            target_date: None,
            status: GoalStatus::Active,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    /// A short code (initials, chart number) shown instead of the name when the
    /// clinician prefers not to display names on screen.
    pub code: Option<String>,
    pub date_of_birth: Option<Date>,
    pub pronouns: String,
    pub diagnoses: Vec<Diagnosis>,
    pub goals: Vec<Goal>,
    /// Archived clients are hidden from the default list but keep their record.
    pub archived: bool,
}

impl Client {
    pub const NAME_LABEL: &'static str = "Client name";
    pub const CODE_LABEL: &'static str = "Client code";
    pub const DIAGNOSES_LABEL: &'static str = "Diagnoses";
    pub const GOALS_LABEL: &'static str = "Goals";

    /// A client with just an id and a name; everything else empty.
    pub fn new(id: ClientId, name: impl Into<String>) -> Client {
        Client {
            id,
            name: name.into(),
            code: None,
            date_of_birth: None,
            pronouns: String::new(),
            diagnoses: Vec::new(),
            goals: Vec::new(),
            archived: false,
        }
    }

    /// The code when `prefer_code` is set and the client has one, else the name.
    /// Falls back to the code when the name is blank, so a valid client always
    /// has something to show.
    pub fn display_name(&self, prefer_code: bool) -> &str {
        let code = self
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let name = Some(self.name.trim()).filter(|n| !n.is_empty());
        let shown = if prefer_code {
            code.or(name)
        } else {
            name.or(code)
        };
        shown.unwrap_or("")
    }

    pub fn primary_diagnosis(&self) -> Option<&Diagnosis> {
        self.diagnoses.iter().find(|diagnosis| diagnosis.primary)
    }

    /// A name or a code is required; at most one diagnosis is primary; every
    /// diagnosis code has the ICD-10-CM shape; goals have text and distinct ids.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let has_code = self.code.as_deref().is_some_and(|code| !is_blank(code));
        if is_blank(&self.name) && !has_code {
            issues.push(ValidationIssue::new(
                Self::NAME_LABEL,
                "Enter the client's name, or a client code if you prefer not to store names.",
            ));
        }
        if self.diagnoses.iter().filter(|d| d.primary).count() > 1 {
            issues.push(ValidationIssue::new(
                Self::DIAGNOSES_LABEL,
                "More than one diagnosis is marked primary. Keep one primary diagnosis.",
            ));
        }
        // Fields are public and records are loaded from storage, so the codes are
        // checked again here rather than trusted from `Diagnosis::new`.
        for diagnosis in &self.diagnoses {
            if let Err(error) = normalize_icd10_code(&diagnosis.code) {
                issues.push(ValidationIssue::new(
                    Self::DIAGNOSES_LABEL,
                    error.to_string(),
                ));
            }
        }
        for (index, goal) in self.goals.iter().enumerate() {
            if is_blank(&goal.text) {
                issues.push(ValidationIssue::new(
                    Self::GOALS_LABEL,
                    format!(
                        "Goal {} has no text. Describe the goal or remove it.",
                        index + 1
                    ),
                ));
            }
            if self.goals[..index]
                .iter()
                .any(|earlier| earlier.id == goal.id)
            {
                issues.push(ValidationIssue::new(
                    Self::GOALS_LABEL,
                    format!(
                        "Goal {} has the same id as an earlier goal. Remove the duplicate.",
                        index + 1
                    ),
                ));
            }
        }
        into_result(issues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::new(ClientId("c1".into()), "Alex Rivera")
    }

    #[test]
    fn icd10_codes_are_checked_loosely() {
        for good in [
            "F41.1", "f32.a", "F10.239", "F43.10", "Z63.0", "F99", "C4A.1",
        ] {
            assert!(normalize_icd10_code(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "F4",
            "F411",
            "41.1",
            "F41.",
            "F41.12345",
            "F41-1",
            "FF1.1",
            "F41.1.2",
            "É41.1",
            "F4١.1",
        ] {
            assert_eq!(
                normalize_icd10_code(bad),
                Err(DomainError::InvalidDiagnosisCode { input: bad.into() }),
                "{bad}"
            );
        }
        let d = Diagnosis::new(" f41.1", "Generalized anxiety disorder", true).unwrap();
        assert_eq!(d.code, "F41.1");
    }

    #[test]
    fn display_name_prefers_the_code_only_when_asked() {
        let mut c = client();
        assert_eq!(c.display_name(true), "Alex Rivera");
        c.code = Some("AR-07".into());
        assert_eq!(c.display_name(false), "Alex Rivera");
        assert_eq!(c.display_name(true), "AR-07");
        c.name = " ".into();
        assert_eq!(c.display_name(false), "AR-07");
    }

    #[test]
    fn a_name_or_code_is_required() {
        let mut c = client();
        assert_eq!(c.validate(), Ok(()));
        c.name = "  ".into();
        let issues = c.validate().unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "Client name");
        c.code = Some("AR-07".into());
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn at_most_one_primary_diagnosis() {
        let mut c = client();
        c.diagnoses = vec![
            Diagnosis::new("F41.1", "GAD", true).unwrap(),
            Diagnosis::new("F33.1", "MDD, recurrent, moderate", false).unwrap(),
        ];
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(
            c.primary_diagnosis().map(|d| d.code.as_str()),
            Some("F41.1")
        );
        c.diagnoses[1].primary = true;
        let issues = c.validate().unwrap_err();
        assert_eq!(issues[0].field, "Diagnoses");
        assert!(issues[0].message.contains("one primary"));
    }

    #[test]
    fn stored_diagnoses_and_goals_are_checked() {
        let mut c = client();
        c.diagnoses.push(Diagnosis {
            code: "anxiety".into(),
            description: String::new(),
            primary: false,
        });
        c.goals = vec![Goal::new("g1", "Sleep 7 hours"), Goal::new("g1", " ")];
        let issues = c.validate().unwrap_err();
        assert_eq!(issues.len(), 3, "{issues:?}");
    }
}
