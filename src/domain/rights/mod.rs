//! The client's rights over their record, with their clocks: the rights ledger.
//!
//! - **Access** (45 CFR 164.524): the client may inspect or get a copy of their
//!   record, in full or in part, or have a copy sent to a third party they name.
//!   Psychotherapy notes are excluded by the rule (164.524(a)(1)(i)) and by the
//!   types here, which speak of progress notes only. See [`AccessRequest`].
//! - **Amendment** (164.526): the client may ask for a change to named progress
//!   notes. Accepting appends a signed addendum; denying records a written denial
//!   with its basis, then possibly the client's statement of disagreement and a
//!   rebuttal. See [`AmendmentRequest`] and [`AmendmentOutcome`].
//! - **Accounting of disclosures** (164.528): every copy sent is a
//!   [`Disclosure`]: what, to whom, when and why.
//! - **Clocks** ([`clock`]): access 30 days, amendment 60, each extendable once by
//!   30 with written notice of the reason and the new date.
//!
//! Each request is a small state machine. Steps that do not apply are either
//! absent from the type (an amendment has no `fulfil`) or refused with a
//! [`RightsError`] that leaves the request unchanged: a second extension, a step on
//! a closed request, a statement on anything but a denial, a rebuttal without a
//! statement. [`RightsRequest`] holds either kind for lists and storage, and hands
//! out the specific kind only when it is that kind.
//!
//! The home screen lists open requests by due date, overdue first:
//! [`open_requests`]. Pure Rust like the rest of the domain: callers pass
//! `today` and ids in.

pub mod access;
pub mod amendment;
pub mod clock;
pub mod disclosure;
mod error;
pub mod ledger_entry;
pub mod outcome;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{ClientId, Date};

pub use access::{AccessRequest, AccessStatus, Fulfilment, RecordPart};
pub use amendment::{
    amendment_addendum_text, Acceptance, AmendedNote, AmendmentRequest, AmendmentStatus, Denial,
    DenialBasis, Rebuttal, StatementOfDisagreement, WrittenDenial,
};
pub use clock::{Deadline, Extension, RightKind};
pub use disclosure::{
    accounting_of_disclosures, disclosures_of_client, CopyFormat, Disclosure, DisclosureId,
    Recipient, ACCESS_PURPOSE,
};
pub use error::RightsError;
pub use ledger_entry::LedgerEntry;
pub use outcome::{decided_amendments, outcomes_for_note, AmendmentDecision, AmendmentOutcome};

/// A request's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub String);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The client withdrew a request before it was acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub on: Date,
    /// How the client said so, if noted; may be empty.
    pub note: String,
}

/// Either kind of request, for lists and storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightsRequest {
    Access(AccessRequest),
    Amendment(AmendmentRequest),
}

impl RightsRequest {
    pub fn id(&self) -> &RequestId {
        match self {
            RightsRequest::Access(r) => r.id(),
            RightsRequest::Amendment(r) => r.id(),
        }
    }

    pub fn client_id(&self) -> &ClientId {
        match self {
            RightsRequest::Access(r) => r.client_id(),
            RightsRequest::Amendment(r) => r.client_id(),
        }
    }

    pub fn kind(&self) -> RightKind {
        match self {
            RightsRequest::Access(_) => RightKind::Access,
            RightsRequest::Amendment(_) => RightKind::Amendment,
        }
    }

    pub fn deadline(&self) -> &Deadline {
        match self {
            RightsRequest::Access(r) => r.deadline(),
            RightsRequest::Amendment(r) => r.deadline(),
        }
    }

    pub fn is_open(&self) -> bool {
        match self {
            RightsRequest::Access(r) => r.is_open(),
            RightsRequest::Amendment(r) => r.is_open(),
        }
    }

    /// "Open", "Fulfilled", "Accepted", "Denied" or "Withdrawn".
    pub fn status_label(&self) -> &'static str {
        match self {
            RightsRequest::Access(r) => r.status_label(),
            RightsRequest::Amendment(r) => r.status_label(),
        }
    }

    /// Open and past its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.deadline().is_overdue(today)
    }

    /// Extends either kind once (see [`Deadline`]).
    pub fn extend(&mut self, notice_sent: Date, reason: &str) -> Result<(), RightsError> {
        match self {
            RightsRequest::Access(r) => r.extend(notice_sent, reason),
            RightsRequest::Amendment(r) => r.extend(notice_sent, reason),
        }
    }

    /// The access request, for "Fulfil request"; an amendment is refused.
    pub fn as_access_mut(&mut self) -> Result<&mut AccessRequest, RightsError> {
        match self {
            RightsRequest::Access(r) => Ok(r),
            RightsRequest::Amendment(_) => Err(RightsError::WrongKind {
                expected: RightKind::Access,
                found: RightKind::Amendment,
            }),
        }
    }

    /// The amendment request, for "Accept amendment" and "Deny amendment"; an
    /// access request is refused.
    pub fn as_amendment_mut(&mut self) -> Result<&mut AmendmentRequest, RightsError> {
        match self {
            RightsRequest::Amendment(r) => Ok(r),
            RightsRequest::Access(_) => Err(RightsError::WrongKind {
                expected: RightKind::Amendment,
                found: RightKind::Access,
            }),
        }
    }
}

impl From<AccessRequest> for RightsRequest {
    fn from(request: AccessRequest) -> Self {
        RightsRequest::Access(request)
    }
}

impl From<AmendmentRequest> for RightsRequest {
    fn from(request: AmendmentRequest) -> Self {
        RightsRequest::Amendment(request)
    }
}

/// One line of the home screen's list of open requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRequest<'a> {
    pub request: &'a RightsRequest,
    pub due: Date,
    pub overdue: bool,
    /// Days until due: 0 on the day, negative when overdue.
    pub days_left: i64,
}

/// The open requests, overdue ones first, then by due date; ties by date received,
/// then id, so the order never flickers. (Overdue requests are the ones with the
/// earliest due dates, but the order is stated explicitly so a future rule, such as
/// a state's shorter clock, cannot quietly break it.)
pub fn open_requests(requests: &[RightsRequest], today: Date) -> Vec<OpenRequest<'_>> {
    let mut open: Vec<OpenRequest<'_>> = requests
        .iter()
        .filter(|request| request.is_open())
        .map(|request| OpenRequest {
            request,
            due: request.deadline().due(),
            overdue: request.is_overdue(today),
            days_left: request.deadline().days_left(today),
        })
        .collect();
    open.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| a.due.cmp(&b.due))
            .then_with(|| {
                a.request
                    .deadline()
                    .received()
                    .cmp(&b.request.deadline().received())
            })
            .then_with(|| a.request.id().cmp(b.request.id()))
    });
    open
}

/// Test data shared by the rights tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::domain::progress_note::fixtures::{
        client_of, clinician, complete_draft, session_end,
    };
    use crate::domain::References;
    use crate::domain::{ProgressNoteId, SignedProgressNote, Timestamp};

    pub fn date(text: &str) -> Date {
        Date::parse(text).expect("fixture date is valid")
    }

    pub fn third_party() -> Recipient {
        Recipient::ThirdParty {
            name: "Dr. Sam Lee".into(),
            address: "12 Elm St, Springfield".into(),
        }
    }

    /// An open access request of client-1 for the full record, to the client.
    pub fn access(id: &str, received: &str) -> AccessRequest {
        AccessRequest::new(
            RequestId(id.into()),
            ClientId("client-1".into()),
            date(received),
            RecordPart::Full,
            Recipient::Client,
        )
        .expect("fixture request is valid")
    }

    /// An open amendment request of client-1 for these notes.
    pub fn amendment(id: &str, received: &str, notes: &[&str]) -> AmendmentRequest {
        AmendmentRequest::new(
            RequestId(id.into()),
            ClientId("client-1".into()),
            date(received),
            notes.iter().map(|n| ProgressNoteId((*n).into())).collect(),
            "Change the employer from hospital to school.",
        )
        .expect("fixture request is valid")
    }

    /// Received 2024-03-01, denied 2024-03-10 as accurate and complete.
    pub fn denied_amendment(id: &str, notes: &[&str]) -> AmendmentRequest {
        let mut request = amendment(id, "2024-03-01", notes);
        request
            .deny(
                date("2024-03-10"),
                DenialBasis::AccurateAndComplete,
                "The note records what you said in the session.",
                &clinician(),
            )
            .expect("fixture denial is valid");
        request
    }

    pub fn signed_note_of(id: &str, client: &str) -> SignedProgressNote {
        let mut draft = complete_draft();
        draft.id = ProgressNoteId(id.into());
        draft.client_id = ClientId(client.into());
        draft
            .sign(
                References::client(&client_of(client)),
                &clinician(),
                Timestamp(session_end().0 + 3_600_000),
                72,
                None,
            )
            .expect("fixture note signs")
    }

    pub fn signed_note(id: &str) -> SignedProgressNote {
        signed_note_of(id, "client-1")
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn the_home_list_shows_open_requests_overdue_first_then_by_due_date() {
        let today = date("2024-04-15");
        let mut extended = access("extended", "2024-03-01"); // due 03-31, extended to 04-30
        extended
            .extend(date("2024-03-30"), "Records are off site.")
            .unwrap();
        let mut done = access("done", "2024-03-01");
        done.withdraw(date("2024-03-02"), "").unwrap();
        let requests: Vec<RightsRequest> = vec![
            access("due-soon", "2024-03-20").into(),          // due 04-19
            amendment("amend", "2024-02-20", &["n1"]).into(), // due 04-20
            access("overdue-a", "2024-03-10").into(),         // due 04-09
            extended.into(),
            done.into(),
            access("overdue-b", "2024-03-01").into(), // due 03-31
            access("tie-b", "2024-03-16").into(),     // due 04-15, today
            access("tie-a", "2024-03-16").into(),     // due 04-15, today
        ];
        let list = open_requests(&requests, today);
        let ids: Vec<&str> = list.iter().map(|o| o.request.id().0.as_str()).collect();
        assert_eq!(
            ids,
            [
                "overdue-b",
                "overdue-a",
                "tie-a",
                "tie-b",
                "due-soon",
                "amend",
                "extended"
            ]
        );
        assert!(list[0].overdue && list[1].overdue && !list[2].overdue);
        assert_eq!(list[0].days_left, -15);
        assert_eq!(list[2].days_left, 0);
        assert_eq!(list[6].due, date("2024-04-30"));
    }

    #[test]
    fn an_amendment_cannot_be_fulfilled_as_access_nor_access_accepted() {
        let mut amendment: RightsRequest = amendment("a1", "2024-03-01", &["n1"]).into();
        assert_eq!(
            amendment.as_access_mut().unwrap_err(),
            RightsError::WrongKind {
                expected: RightKind::Access,
                found: RightKind::Amendment
            }
        );
        let mut access: RightsRequest = access("r1", "2024-03-01").into();
        let error = access.as_amendment_mut().unwrap_err();
        assert_eq!(
            error.to_string(),
            "This is an access request, not an amendment request, so that step does not apply to it."
        );
        assert!(access.as_access_mut().is_ok());
        assert_eq!(amendment.kind().label(), "Amendment");
    }

    /// The ledger speaks of progress notes only: psychotherapy notes are outside
    /// the right of access (164.524(a)(1)(i)) and outside the record a request can
    /// amend or disclose. This fails if any code line here names their type or
    /// module. Native only: the browser has no file system.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_ledger_source_names_only_progress_notes() {
        const FORBIDDEN: [&str; 2] = ["psychotherapy", "domain::*"];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain/rights");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("src/domain/rights is readable") {
            let path = entry.expect("directory entry").path();
            let source = std::fs::read_to_string(&path).expect("source is readable");
            for (number, line) in source.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || code.contains("const FORBIDDEN") {
                    continue;
                }
                let lower = code.to_lowercase();
                for word in FORBIDDEN {
                    assert!(
                        !lower.contains(word),
                        "{}:{}: `{word}` in `{line}`",
                        path.display(),
                        number + 1
                    );
                }
            }
            checked += 1;
        }
        assert!(checked >= 7, "only {checked} files checked");
    }

    #[test]
    fn the_umbrella_extends_once_and_round_trips() {
        let mut request: RightsRequest = amendment("a1", "2024-03-01", &["n1"]).into();
        request
            .extend(date("2024-03-05"), "Need the chart.")
            .unwrap();
        assert!(matches!(
            request.extend(date("2024-03-06"), "Again."),
            Err(RightsError::AlreadyExtended { .. })
        ));
        assert_eq!(request.deadline().due(), date("2024-05-30"));
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(
            serde_json::from_str::<RightsRequest>(&json).unwrap(),
            request
        );
        assert!(!request.is_overdue(date("2024-05-30")));
        assert!(request.is_overdue(date("2024-05-31")));
    }
}
