//! A request to inspect or get a copy of the record (45 CFR 164.524).
//!
//! The client may ask for the whole designated record set, part of it, or for a
//! copy to go to a third party they name (164.524(c)(3)(ii)). Psychotherapy notes
//! are excluded by the rule itself (164.524(a)(1)(i)): what a request covers is
//! described in progress notes only ([`RecordPart`]), and the export that
//! fulfils it cannot carry anything else.
//!
//! States: open, then fulfilled or withdrawn. Fulfilling records what was sent,
//! in which form and when, and returns the [`Disclosure`] entry for the
//! accounting (164.528). A closed request refuses every further step.

use serde::{Deserialize, Serialize};

use super::clock::{Deadline, RightKind};
use super::disclosure::{CopyFormat, Disclosure, DisclosureId, Recipient, ACCESS_PURPOSE};
use super::{RequestId, RightsError, Withdrawal};
use crate::domain::{ClientId, Date};

/// Which part of the record is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordPart {
    /// The whole record: every signed progress note.
    Full,
    /// Notes with a date of service in this range, both ends inclusive; an open
    /// end means no limit on that side.
    DatesOfService {
        from: Option<Date>,
        to: Option<Date>,
    },
}

impl RecordPart {
    /// "the full record", "notes from 2024-01-01 to 2024-03-31", ...
    pub fn describe(&self) -> String {
        match self {
            RecordPart::Full => "the full record".to_owned(),
            RecordPart::DatesOfService { from, to } => match (from, to) {
                (Some(from), Some(to)) => format!("notes from {from} to {to}"),
                (Some(from), None) => format!("notes from {from}"),
                (None, Some(to)) => format!("notes up to {to}"),
                (None, None) => "the full record".to_owned(),
            },
        }
    }

    fn check(&self) -> Result<(), RightsError> {
        match self {
            RecordPart::DatesOfService {
                from: Some(from),
                to: Some(to),
            } if from > to => Err(RightsError::ReversedRange),
            _ => Ok(()),
        }
    }
}

/// What was done to fulfil an access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfilment {
    /// The day the copy was provided or sent.
    pub on: Date,
    pub format: CopyFormat,
    /// What was sent, as the export describes it.
    pub description: String,
    /// The disclosure entry made for it.
    pub disclosure_id: DisclosureId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessStatus {
    Open,
    Fulfilled(Fulfilment),
    Withdrawn(Withdrawal),
}

/// A right-of-access request. Fields are private: it changes only through the
/// steps below, each of which checks the state it starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    id: RequestId,
    client_id: ClientId,
    deadline: Deadline,
    part: RecordPart,
    recipient: Recipient,
    status: AccessStatus,
}

impl AccessRequest {
    /// A new open request received on `received`. A reversed date range and a
    /// third party without name or address are refused.
    pub fn new(
        id: RequestId,
        client_id: ClientId,
        received: Date,
        part: RecordPart,
        recipient: Recipient,
    ) -> Result<AccessRequest, RightsError> {
        part.check()?;
        recipient.check()?;
        Ok(AccessRequest {
            id,
            client_id,
            deadline: Deadline::new(RightKind::Access, received),
            part,
            recipient,
            status: AccessStatus::Open,
        })
    }

    pub fn id(&self) -> &RequestId {
        &self.id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    pub fn part(&self) -> &RecordPart {
        &self.part
    }

    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    pub fn status(&self) -> &AccessStatus {
        &self.status
    }

    pub fn is_open(&self) -> bool {
        matches!(self.status, AccessStatus::Open)
    }

    pub fn status_label(&self) -> &'static str {
        match self.status {
            AccessStatus::Open => "Open",
            AccessStatus::Fulfilled(_) => "Fulfilled",
            AccessStatus::Withdrawn(_) => "Withdrawn",
        }
    }

    /// Extends the due date once by 30 days (164.524(b)(2)(ii)); see
    /// [`Deadline`] for what is refused.
    pub fn extend(&mut self, notice_sent: Date, reason: &str) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.extend(notice_sent, reason)
    }

    /// "Fulfil request": records that the copy described by `description` went to
    /// the request's recipient on `on`, in `format`, and returns the disclosure
    /// entry to keep for the accounting (164.528). `description` is what the
    /// export says of itself (for example "JSON, one client, 12 notes, all
    /// dates"). Fulfilling late is allowed and shows as late
    /// ([`fulfilled_late`](Self::fulfilled_late)): the copy is still owed.
    pub fn fulfil(
        &mut self,
        on: Date,
        format: CopyFormat,
        description: &str,
        disclosure_id: DisclosureId,
    ) -> Result<Disclosure, RightsError> {
        self.check_open()?;
        self.deadline.check_not_before_receipt(on)?;
        let disclosure = Disclosure::new(
            disclosure_id.clone(),
            self.client_id.clone(),
            on,
            self.recipient.clone(),
            description,
            ACCESS_PURPOSE,
        )?
        .for_request(self.id.clone(), format);
        self.status = AccessStatus::Fulfilled(Fulfilment {
            on,
            format,
            description: disclosure.description().to_owned(),
            disclosure_id,
        });
        Ok(disclosure)
    }

    /// Fulfilled after the due date.
    pub fn fulfilled_late(&self) -> bool {
        matches!(&self.status, AccessStatus::Fulfilled(f) if f.on > self.deadline.due())
    }

    /// The client withdrew the request.
    pub fn withdraw(&mut self, on: Date, note: &str) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.check_not_before_receipt(on)?;
        self.status = AccessStatus::Withdrawn(Withdrawal {
            on,
            note: note.trim().to_owned(),
        });
        Ok(())
    }

    fn check_open(&self) -> Result<(), RightsError> {
        if self.is_open() {
            Ok(())
        } else {
            Err(RightsError::NotOpen {
                status: self.status_label(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rights::fixtures::*;

    #[test]
    fn a_new_request_is_open_and_due_in_30_days() {
        let request = access("r1", "2024-03-01");
        assert!(request.is_open());
        assert_eq!(request.status_label(), "Open");
        assert_eq!(request.deadline().due(), date("2024-03-31"));
        assert_eq!(request.part().describe(), "the full record");
    }

    #[test]
    fn bad_scopes_and_recipients_are_refused() {
        let reversed = RecordPart::DatesOfService {
            from: Some(date("2024-03-01")),
            to: Some(date("2024-02-01")),
        };
        let new = |part, recipient| {
            AccessRequest::new(
                RequestId("r".into()),
                ClientId("client-1".into()),
                date("2024-03-01"),
                part,
                recipient,
            )
        };
        assert_eq!(
            new(reversed, Recipient::Client).unwrap_err(),
            RightsError::ReversedRange
        );
        let nameless = Recipient::ThirdParty {
            name: "".into(),
            address: "12 Elm St".into(),
        };
        assert_eq!(
            new(RecordPart::Full, nameless).unwrap_err(),
            RightsError::ThirdPartyIncomplete
        );
        let part = RecordPart::DatesOfService {
            from: Some(date("2024-01-01")),
            to: None,
        };
        assert_eq!(
            new(part, third_party()).unwrap().part().describe(),
            "notes from 2024-01-01"
        );
    }

    #[test]
    fn fulfilling_records_what_was_done_and_makes_a_disclosure() {
        let mut request = AccessRequest::new(
            RequestId("r1".into()),
            ClientId("client-1".into()),
            date("2024-03-01"),
            RecordPart::Full,
            third_party(),
        )
        .unwrap();
        let disclosure = request
            .fulfil(
                date("2024-03-20"),
                CopyFormat::Fhir,
                "FHIR, one client, 12 notes, all dates",
                DisclosureId("d1".into()),
            )
            .unwrap();
        assert_eq!(request.status_label(), "Fulfilled");
        assert!(!request.fulfilled_late());
        let AccessStatus::Fulfilled(done) = request.status() else {
            panic!("fulfilled");
        };
        assert_eq!(done.on, date("2024-03-20"));
        assert_eq!(done.format, CopyFormat::Fhir);
        assert_eq!(done.disclosure_id, DisclosureId("d1".into()));

        assert_eq!(disclosure.date(), date("2024-03-20"));
        assert_eq!(disclosure.recipient(), &third_party());
        assert_eq!(
            disclosure.description(),
            "FHIR, one client, 12 notes, all dates"
        );
        assert_eq!(disclosure.purpose(), ACCESS_PURPOSE);
        assert_eq!(disclosure.request_id(), Some(&RequestId("r1".into())));
        assert_eq!(disclosure.format(), Some(CopyFormat::Fhir));
        assert!(disclosure.is_accountable());
    }

    #[test]
    fn a_closed_request_refuses_every_step() {
        let mut request = access("r1", "2024-03-01");
        request
            .fulfil(
                date("2024-04-02"),
                CopyFormat::Json,
                "JSON, one client, 1 note, all dates",
                DisclosureId("d1".into()),
            )
            .unwrap();
        assert!(request.fulfilled_late());
        let before = request.clone();
        let closed = RightsError::NotOpen {
            status: "Fulfilled",
        };
        assert_eq!(
            request
                .fulfil(
                    date("2024-04-03"),
                    CopyFormat::Json,
                    "again",
                    DisclosureId("d2".into())
                )
                .unwrap_err(),
            closed
        );
        assert_eq!(
            request.extend(date("2024-03-10"), "Reason.").unwrap_err(),
            closed
        );
        assert_eq!(
            request.withdraw(date("2024-04-03"), "").unwrap_err(),
            closed
        );
        assert_eq!(request, before);
    }

    #[test]
    fn fulfilment_needs_a_description_and_a_date_after_receipt() {
        let mut request = access("r1", "2024-03-01");
        assert_eq!(
            request
                .fulfil(
                    date("2024-02-28"),
                    CopyFormat::Print,
                    "Print",
                    DisclosureId("d".into())
                )
                .unwrap_err(),
            RightsError::DateBeforeReceipt {
                received: date("2024-03-01")
            }
        );
        assert_eq!(
            request
                .fulfil(
                    date("2024-03-02"),
                    CopyFormat::Print,
                    " ",
                    DisclosureId("d".into())
                )
                .unwrap_err(),
            RightsError::DisclosureDescriptionRequired
        );
        assert!(request.is_open(), "refusals change nothing");
    }

    #[test]
    fn a_withdrawn_request_is_closed() {
        let mut request = access("r1", "2024-03-01");
        request
            .withdraw(date("2024-03-05"), " Client no longer needs it. ")
            .unwrap();
        assert_eq!(request.status_label(), "Withdrawn");
        assert_eq!(
            request.status(),
            &AccessStatus::Withdrawn(Withdrawal {
                on: date("2024-03-05"),
                note: "Client no longer needs it.".into()
            })
        );
    }
}
