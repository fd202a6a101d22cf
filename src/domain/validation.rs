//! One problem with one form field, as shown next to that field.
//!
//! Forms (a progress note before signing, a client record, a risk assessment) are
//! checked as a whole and report every problem at once, so the clinician can fix
//! them in one pass instead of meeting them one by one.

use std::fmt;

/// A field that needs attention, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// The field's label as the UI shows it (for example "Date of service" or
    /// "Subjective"), so the UI can attach the message to that field.
    pub field: String,
    /// What is wrong and what to do, in plain words.
    pub message: String,
}

impl ValidationIssue {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Turns a list of issues into `Ok` when it is empty, which is how every
/// `validate` in the domain reports its result.
pub(crate) fn into_result(issues: Vec<ValidationIssue>) -> Result<(), Vec<ValidationIssue>> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// True when a text field holds nothing but whitespace.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}
