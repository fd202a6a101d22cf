//! One record of the rights ledger as it is stored: a request or a disclosure.
//!
//! Both kinds share one store so that fulfilling a request and making its
//! disclosure entry are one write. What a record has *settled* (a decision, a
//! statement of disagreement, a rebuttal, a disclosure) is only ever added to,
//! never changed: [`LedgerEntry::settled_parts`] lists those parts in order, so
//! the merge rules can keep a decision made on one device from being replaced
//! by an older, still-open copy from another.

use serde::{Deserialize, Serialize};

use super::{AccessStatus, AmendmentStatus, Disclosure, RightsRequest};

/// A request or a disclosure entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LedgerEntry {
    Request(RightsRequest),
    Disclosure(Disclosure),
}

impl LedgerEntry {
    /// The settled parts of the entry, oldest first, each in a stable JSON
    /// form; empty while a request is open. A disclosure is settled when made.
    ///
    /// A later copy of the entry always starts with the parts of an earlier
    /// one: that is what lets two devices' copies be compared without reading
    /// them as text.
    pub fn settled_parts(&self) -> Vec<String> {
        fn json<T: Serialize>(value: &T) -> String {
            serde_json::to_string(value).unwrap_or_default()
        }
        match self {
            LedgerEntry::Disclosure(disclosure) => vec![json(disclosure)],
            LedgerEntry::Request(RightsRequest::Access(request)) => match request.status() {
                AccessStatus::Open => Vec::new(),
                AccessStatus::Fulfilled(fulfilment) => vec![json(fulfilment)],
                AccessStatus::Withdrawn(withdrawal) => vec![json(withdrawal)],
            },
            LedgerEntry::Request(RightsRequest::Amendment(request)) => match request.status() {
                AmendmentStatus::Open => Vec::new(),
                AmendmentStatus::Accepted(acceptance) => vec![json(acceptance)],
                AmendmentStatus::Withdrawn(withdrawal) => vec![json(withdrawal)],
                AmendmentStatus::Denied(denial) => {
                    let mut parts = vec![json(&denial.written)];
                    if let Some(statement) = &denial.statement {
                        parts.push(json(statement));
                        if let Some(rebuttal) = &denial.rebuttal {
                            parts.push(json(rebuttal));
                        }
                    }
                    parts
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::clinician;
    use crate::domain::rights::fixtures::*;
    use crate::domain::rights::{CopyFormat, DisclosureId};

    #[test]
    fn an_open_request_has_settled_nothing() {
        let entry = LedgerEntry::Request(access("r", "2024-03-01").into());
        assert!(entry.settled_parts().is_empty());
    }

    #[test]
    fn a_denial_grows_by_statement_then_rebuttal_and_keeps_its_start() {
        let mut request = denied_amendment("r", &["n1"]);
        let denied = LedgerEntry::Request(request.clone().into()).settled_parts();
        request
            .record_statement(date("2024-03-20"), "I disagree.")
            .unwrap();
        let stated = LedgerEntry::Request(request.clone().into()).settled_parts();
        request
            .record_rebuttal(date("2024-03-25"), "The note stands.", &clinician())
            .unwrap();
        let rebutted = LedgerEntry::Request(request.into()).settled_parts();
        assert_eq!(denied.len(), 1);
        assert_eq!(stated[..1], denied[..]);
        assert_eq!(rebutted[..2], stated[..]);
        assert_eq!(rebutted.len(), 3);
    }

    #[test]
    fn fulfilling_settles_the_request_and_the_disclosure() {
        let mut request = access("r", "2024-03-01");
        let disclosure = request
            .fulfil(
                date("2024-03-10"),
                CopyFormat::Json,
                "JSON, one client, 2 notes, all dates",
                DisclosureId("d".into()),
            )
            .unwrap();
        let parts = LedgerEntry::Request(request.into()).settled_parts();
        assert_eq!(parts.len(), 1);
        assert!(parts[0].contains("JSON, one client, 2 notes"));
        assert_eq!(LedgerEntry::Disclosure(disclosure).settled_parts().len(), 1);
    }
}
