//! What an export covers: one client or the whole practice, a date range, drafts
//! or not, and the words the audit log records about it.
//!
//! These are plain values the export dialog fills in. [`ExportRequest::describe`]
//! turns them into a line for the audit log that names no client, no note text and
//! no date of service: the log says *that* a disclosure happened and how large it
//! was, while the record concerned is named only by its opaque id, which the
//! vault adds when it writes the event.

use crate::domain::{ClientId, Date};

/// Whose notes are exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// One client's record: the usual answer to a right-of-access request
    /// (45 CFR 164.524).
    Client { client_id: ClientId },
    /// Every client's notes, for example when the practice moves to another system.
    Practice,
}

impl ExportScope {
    /// The client to filter on, or `None` for the whole practice; the shape
    /// [`select`](super::select) takes.
    pub fn client_id(&self) -> Option<&ClientId> {
        match self {
            ExportScope::Client { client_id } => Some(client_id),
            ExportScope::Practice => None,
        }
    }
}

/// Dates of service to include, both ends inclusive; a missing end is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl DateRange {
    /// Every date: both ends open.
    pub const ALL: DateRange = DateRange {
        from: None,
        to: None,
    };

    /// Whether `date` is on or after `from` and on or before `to`.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }

    /// Both ends open. Only then are notes without a date of service exported,
    /// because a note with no date cannot be said to fall inside a range.
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// `from` is after `to`, so nothing can match. The dialog should say so
    /// rather than export an empty file.
    pub fn is_reversed(&self) -> bool {
        matches!((self.from, self.to), (Some(from), Some(to)) if from > to)
    }

    /// "2024-01-01 to 2024-03-31", "from 2024-01-01", "up to 2024-03-31" or
    /// "all dates".
    pub fn describe(&self) -> String {
        match (self.from, self.to) {
            (Some(from), Some(to)) => format!("{from} to {to}"),
            (Some(from), None) => format!("from {from}"),
            (None, Some(to)) => format!("up to {to}"),
            (None, None) => "all dates".to_owned(),
        }
    }
}

/// Which notes within the scope are exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportOptions {
    pub range: DateRange,
    /// Unsigned drafts are not yet part of the record, so they are left out
    /// unless asked for; when included they are marked as drafts.
    pub include_drafts: bool,
}

/// The kind of output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// The machine-readable file ([`to_json`](super::to_json)).
    #[default]
    Json,
    /// The printable record ([`print_document`](super::print_document)).
    Print,
    /// A FHIR R4 Bundle ([`to_fhir`](super::to_fhir)): signed notes only.
    Fhir,
}

impl ExportFormat {
    pub fn label(&self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::Print => "Print",
            ExportFormat::Fhir => "FHIR",
        }
    }

    /// Whether this format can carry unsigned drafts. A FHIR bundle carries the
    /// signed record only.
    pub fn carries_drafts(&self) -> bool {
        !matches!(self, ExportFormat::Fhir)
    }
}

/// Everything the export dialog decides, in one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub scope: ExportScope,
    pub options: ExportOptions,
}

impl ExportRequest {
    /// The options as the format can honour them: drafts are dropped for a format
    /// that cannot carry them. Select notes with these, so the audit line, the
    /// disclosure entry and the file agree.
    pub fn effective_options(&self) -> ExportOptions {
        ExportOptions {
            include_drafts: self.options.include_drafts && self.format.carries_drafts(),
            ..self.options
        }
    }

    /// A line for the audit log, such as
    /// "JSON, one client, 12 notes, 2024-01-01 to 2024-03-31".
    ///
    /// It deliberately holds no client name or id: the audit event carries the
    /// record's opaque id separately, and this text may be shown on the settings
    /// page to anyone looking over the clinician's shoulder.
    pub fn describe(&self, notes: usize) -> String {
        let whose = match self.scope {
            ExportScope::Client { .. } => "one client",
            ExportScope::Practice => "all clients",
        };
        let count = match notes {
            1 => "1 note".to_owned(),
            n => format!("{n} notes"),
        };
        let drafts = if self.effective_options().include_drafts {
            ", drafts included"
        } else {
            ""
        };
        format!(
            "{}, {whose}, {count}, {}{drafts}",
            self.format.label(),
            self.options.range.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixtures::date;

    fn range(from: Option<&str>, to: Option<&str>) -> DateRange {
        DateRange {
            from: from.map(date),
            to: to.map(date),
        }
    }

    #[test]
    fn both_ends_are_inclusive_and_either_may_be_open() {
        let q1 = range(Some("2024-01-01"), Some("2024-03-31"));
        assert!(q1.contains(date("2024-01-01")));
        assert!(q1.contains(date("2024-03-31")));
        assert!(!q1.contains(date("2023-12-31")));
        assert!(!q1.contains(date("2024-04-01")));

        let from = range(Some("2024-01-01"), None);
        assert!(from.contains(date("9999-12-31")));
        assert!(!from.contains(date("2023-12-31")));
        let to = range(None, Some("2024-03-31"));
        assert!(to.contains(date("0001-01-01")));
        assert!(!to.contains(date("2024-04-01")));

        assert!(DateRange::ALL.is_open());
        assert!(!from.is_open() && !to.is_open());
    }

    #[test]
    fn a_reversed_range_is_recognised() {
        assert!(range(Some("2024-03-01"), Some("2024-02-01")).is_reversed());
        assert!(!range(Some("2024-03-01"), Some("2024-03-01")).is_reversed());
        assert!(!range(Some("2024-03-01"), None).is_reversed());
    }

    #[test]
    fn describe_gives_format_scope_count_and_range() {
        let request = ExportRequest {
            format: ExportFormat::Json,
            scope: ExportScope::Client {
                client_id: ClientId("client-1".into()),
            },
            options: ExportOptions {
                range: range(Some("2024-01-01"), Some("2024-03-31")),
                include_drafts: false,
            },
        };
        assert_eq!(
            request.describe(12),
            "JSON, one client, 12 notes, 2024-01-01 to 2024-03-31"
        );

        let practice = ExportRequest {
            format: ExportFormat::Print,
            scope: ExportScope::Practice,
            options: ExportOptions {
                range: range(None, Some("2024-03-31")),
                include_drafts: true,
            },
        };
        assert_eq!(
            practice.describe(1),
            "Print, all clients, 1 note, up to 2024-03-31, drafts included"
        );
    }

    #[test]
    fn fhir_never_carries_drafts_and_says_so() {
        let request = ExportRequest {
            format: ExportFormat::Fhir,
            scope: ExportScope::Practice,
            options: ExportOptions {
                range: DateRange::ALL,
                include_drafts: true,
            },
        };
        assert!(!request.effective_options().include_drafts);
        assert_eq!(request.describe(2), "FHIR, all clients, 2 notes, all dates");
        let json = ExportRequest {
            format: ExportFormat::Json,
            ..request
        };
        assert!(json.effective_options().include_drafts);
    }

    #[test]
    fn describe_names_no_client() {
        let client = crate::export::fixtures::client();
        let request = ExportRequest {
            format: ExportFormat::Json,
            scope: ExportScope::Client {
                client_id: client.id.clone(),
            },
            options: ExportOptions::default(),
        };
        let line = request.describe(3);
        assert!(!line.contains(&client.name), "{line}");
        for part in client.name.split_whitespace() {
            assert!(!line.contains(part), "{line}");
        }
        assert!(!line.contains(client.id.as_str()), "{line}");
        assert_eq!(line, "JSON, one client, 3 notes, all dates");
    }
}
