//! A request to amend the record (45 CFR 164.526).
//!
//! The client names the progress notes concerned and the change they want. The
//! clinician acts within 60 days (one 30-day extension), either way:
//! - **Accept** (164.526(c)): the record is never overwritten. Each note concerned
//!   gets a signed addendum whose text references the request, so the original
//!   stays as signed and the correction travels with it.
//! - **Deny** (164.526(d)(1)): a written denial in plain language, giving its
//!   basis (164.526(a)(2)). The client may then file a statement of disagreement
//!   (164.526(d)(1)(ii)), and the clinician may rebut it (164.526(d)(3)). The
//!   denial, the statement and the rebuttal are linked to the notes concerned
//!   (164.526(d)(4)) and go with them in every later disclosure (164.526(d)(5)):
//!   see [`AmendmentOutcome`](super::AmendmentOutcome).
//!
//! A statement attaches only to a denial, a rebuttal only to a statement; both are
//! held inside the denied state, so nothing else can carry them.
//!
//! An access step cannot be applied to an amendment: this type has no `fulfil`.
//!
//! ```compile_fail,E0599
//! use psynotes::domain::rights::{AmendmentRequest, CopyFormat, DisclosureId};
//! use psynotes::domain::Date;
//!
//! fn fulfil_an_amendment(request: &mut AmendmentRequest, on: Date) {
//!     request.fulfil(on, CopyFormat::Json, "copy", DisclosureId("d".into()));
//! }
//! ```

use serde::{Deserialize, Serialize};

use super::clock::{Deadline, RightKind};
use super::{RequestId, RightsError, Withdrawal};
use crate::domain::validation::is_blank;
use crate::domain::{
    Addendum, ClientId, ClinicianProfile, Date, ProgressNoteId, SignError, SignedProgressNote,
    Timestamp,
};

/// Why an amendment may be denied: the four grounds of 164.526(a)(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DenialBasis {
    /// (i) Not created by this practice (and its originator can still act on it).
    NotCreatedHere,
    /// (ii) Not part of the designated record set.
    NotInDesignatedRecordSet,
    /// (iii) Not available for inspection under 164.524.
    NotOpenToInspection,
    /// (iv) Accurate and complete.
    AccurateAndComplete,
}

impl DenialBasis {
    pub const ALL: [DenialBasis; 4] = [
        DenialBasis::NotCreatedHere,
        DenialBasis::NotInDesignatedRecordSet,
        DenialBasis::NotOpenToInspection,
        DenialBasis::AccurateAndComplete,
    ];

    /// Plain words, for the select and the written denial.
    pub fn label(&self) -> &'static str {
        match self {
            DenialBasis::NotCreatedHere => "The information was not created by this practice",
            DenialBasis::NotInDesignatedRecordSet => "The information is not part of the record",
            DenialBasis::NotOpenToInspection => {
                "The information is not available for inspection under the right of access"
            }
            DenialBasis::AccurateAndComplete => "The information is accurate and complete",
        }
    }

    /// The paragraph of 45 CFR 164.526 the basis comes from.
    pub fn citation(&self) -> &'static str {
        match self {
            DenialBasis::NotCreatedHere => "45 CFR 164.526(a)(2)(i)",
            DenialBasis::NotInDesignatedRecordSet => "45 CFR 164.526(a)(2)(ii)",
            DenialBasis::NotOpenToInspection => "45 CFR 164.526(a)(2)(iii)",
            DenialBasis::AccurateAndComplete => "45 CFR 164.526(a)(2)(iv)",
        }
    }
}

/// The written denial (164.526(d)(1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenDenial {
    pub on: Date,
    pub basis: DenialBasis,
    /// The plain-language explanation the client receives.
    pub explanation: String,
    /// "Name, credentials" of the clinician who denied it.
    pub by: String,
}

/// The client's statement of disagreement (164.526(d)(1)(ii), (d)(2)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementOfDisagreement {
    pub received: Date,
    pub text: String,
}

/// The clinician's rebuttal of the statement (164.526(d)(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rebuttal {
    pub on: Date,
    pub text: String,
    pub by: String,
}

/// A denied amendment with what may follow it. Reached read-only through the
/// request; only [`AmendmentRequest`] adds the statement and the rebuttal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    pub written: WrittenDenial,
    pub statement: Option<StatementOfDisagreement>,
    pub rebuttal: Option<Rebuttal>,
}

/// One note amended by an accepted request, and the addendum that did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendedNote {
    pub note_id: ProgressNoteId,
    /// The addendum's digest, which identifies it within the note's chain.
    pub addendum_sha256: String,
}

/// What accepting did (164.526(c)(1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub on: Date,
    pub amended: Vec<AmendedNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmendmentStatus {
    Open,
    Accepted(Acceptance),
    Denied(Denial),
    Withdrawn(Withdrawal),
}

/// A request to amend one or more progress notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRequest {
    id: RequestId,
    client_id: ClientId,
    deadline: Deadline,
    notes: Vec<ProgressNoteId>,
    requested_change: String,
    status: AmendmentStatus,
}

/// The text of the addendum an accepted amendment writes on each note: it names
/// the request, so the correction can be traced to it in every copy of the note.
pub fn amendment_addendum_text(
    request_id: &RequestId,
    received: Date,
    accepted_on: Date,
    text: &str,
) -> String {
    format!(
        "Amendment at the client's request (45 CFR 164.526), request {request_id} received {received}, accepted {accepted_on}:\n{}",
        text.trim()
    )
}

impl AmendmentRequest {
    /// A new open request. At least one note must be named (duplicates are
    /// dropped) and the requested change described.
    pub fn new(
        id: RequestId,
        client_id: ClientId,
        received: Date,
        notes: Vec<ProgressNoteId>,
        requested_change: &str,
    ) -> Result<AmendmentRequest, RightsError> {
        let mut unique: Vec<ProgressNoteId> = Vec::with_capacity(notes.len());
        for note in notes {
            if !unique.contains(&note) {
                unique.push(note);
            }
        }
        if unique.is_empty() {
            return Err(RightsError::NoNotesNamed);
        }
        if is_blank(requested_change) {
            return Err(RightsError::AmendmentTextRequired);
        }
        Ok(AmendmentRequest {
            id,
            client_id,
            deadline: Deadline::new(RightKind::Amendment, received),
            notes: unique,
            requested_change: requested_change.trim().to_owned(),
            status: AmendmentStatus::Open,
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

    /// The notes the request concerns, as the client named them.
    pub fn notes(&self) -> &[ProgressNoteId] {
        &self.notes
    }

    pub fn requested_change(&self) -> &str {
        &self.requested_change
    }

    pub fn status(&self) -> &AmendmentStatus {
        &self.status
    }

    pub fn is_open(&self) -> bool {
        matches!(self.status, AmendmentStatus::Open)
    }

    pub fn status_label(&self) -> &'static str {
        match self.status {
            AmendmentStatus::Open => "Open",
            AmendmentStatus::Accepted(_) => "Accepted",
            AmendmentStatus::Denied(_) => "Denied",
            AmendmentStatus::Withdrawn(_) => "Withdrawn",
        }
    }

    /// The denial, once denied.
    pub fn denial(&self) -> Option<&Denial> {
        match &self.status {
            AmendmentStatus::Denied(denial) => Some(denial),
            _ => None,
        }
    }

    /// Extends the due date once by 30 days (164.526(b)(2)(ii)).
    pub fn extend(&mut self, notice_sent: Date, reason: &str) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.extend(notice_sent, reason)
    }

    /// "Accept amendment": appends a signed addendum with `text` (prefixed by
    /// [`amendment_addendum_text`]) to every note the request names, and records
    /// the addenda. `notes` must be exactly those notes, each once, of this
    /// client. Everything is checked before any note is touched, so on error no
    /// note and not the request has changed. The caller stores the notes and the
    /// request together.
    pub fn accept(
        &mut self,
        on: Date,
        text: &str,
        notes: &mut [&mut SignedProgressNote],
        clinician: &ClinicianProfile,
        now: Timestamp,
    ) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.check_not_before_receipt(on)?;
        if is_blank(text) {
            return Err(RightsError::AddendumTextRequired);
        }
        self.check_notes(notes)?;
        let addendum_text = amendment_addendum_text(&self.id, self.deadline.received(), on, text);
        let addendum =
            Addendum::new(addendum_text, clinician, now).map_err(|error| match error {
                SignError::EmptyAddendum => RightsError::AddendumTextRequired,
                _ => RightsError::NoClinicianProfile,
            })?;
        let mut amended = Vec::with_capacity(notes.len());
        for note in notes.iter_mut() {
            note.add_addendum(addendum.clone());
            amended.push(AmendedNote {
                note_id: note.id().clone(),
                addendum_sha256: note
                    .addenda()
                    .last()
                    .map(|a| a.content_sha256().to_owned())
                    .unwrap_or_default(),
            });
        }
        // Keep the request's order of notes, whatever order they were passed in.
        amended.sort_by_key(|a| self.notes.iter().position(|id| id == &a.note_id));
        self.status = AmendmentStatus::Accepted(Acceptance { on, amended });
        Ok(())
    }

    fn check_notes(&self, notes: &[&mut SignedProgressNote]) -> Result<(), RightsError> {
        for (index, note) in notes.iter().enumerate() {
            let id = note.id();
            let repeated = notes[..index].iter().any(|earlier| earlier.id() == id);
            if repeated || !self.notes.contains(id) {
                return Err(RightsError::NoteNotInRequest {
                    note_id: id.clone(),
                });
            }
            if note.client_id() != &self.client_id {
                return Err(RightsError::NoteOfOtherClient {
                    note_id: id.clone(),
                });
            }
        }
        if let Some(missing) = self
            .notes
            .iter()
            .find(|id| !notes.iter().any(|note| note.id() == *id))
        {
            return Err(RightsError::NoteMissing {
                note_id: missing.clone(),
            });
        }
        Ok(())
    }

    /// "Deny amendment": records the written denial with its basis and a
    /// plain-language explanation, signed by `clinician`.
    pub fn deny(
        &mut self,
        on: Date,
        basis: DenialBasis,
        explanation: &str,
        clinician: &ClinicianProfile,
    ) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.check_not_before_receipt(on)?;
        if is_blank(explanation) {
            return Err(RightsError::DenialExplanationRequired);
        }
        if !clinician.is_complete() {
            return Err(RightsError::NoClinicianProfile);
        }
        self.status = AmendmentStatus::Denied(Denial {
            written: WrittenDenial {
                on,
                basis,
                explanation: explanation.trim().to_owned(),
                by: clinician.signature_line(),
            },
            statement: None,
            rebuttal: None,
        });
        Ok(())
    }

    /// Records the client's "Statement of disagreement" with a denial, once.
    pub fn record_statement(&mut self, received: Date, text: &str) -> Result<(), RightsError> {
        let denial = self.denial_mut()?;
        if denial.statement.is_some() {
            return Err(RightsError::StatementAlreadyRecorded);
        }
        if is_blank(text) {
            return Err(RightsError::StatementTextRequired);
        }
        check_not_before_denial(&denial.written, received)?;
        denial.statement = Some(StatementOfDisagreement {
            received,
            text: text.trim().to_owned(),
        });
        Ok(())
    }

    /// Records the clinician's rebuttal of the statement, once.
    pub fn record_rebuttal(
        &mut self,
        on: Date,
        text: &str,
        clinician: &ClinicianProfile,
    ) -> Result<(), RightsError> {
        let denial = self.denial_mut()?;
        let Some(statement) = &denial.statement else {
            return Err(RightsError::NoStatementToRebut);
        };
        if denial.rebuttal.is_some() {
            return Err(RightsError::RebuttalAlreadyRecorded);
        }
        if is_blank(text) {
            return Err(RightsError::RebuttalTextRequired);
        }
        if !clinician.is_complete() {
            return Err(RightsError::NoClinicianProfile);
        }
        if on < statement.received {
            return Err(RightsError::DateBeforeStatement {
                received: statement.received,
            });
        }
        denial.rebuttal = Some(Rebuttal {
            on,
            text: text.trim().to_owned(),
            by: clinician.signature_line(),
        });
        Ok(())
    }

    /// The client withdrew the request.
    pub fn withdraw(&mut self, on: Date, note: &str) -> Result<(), RightsError> {
        self.check_open()?;
        self.deadline.check_not_before_receipt(on)?;
        self.status = AmendmentStatus::Withdrawn(Withdrawal {
            on,
            note: note.trim().to_owned(),
        });
        Ok(())
    }

    fn denial_mut(&mut self) -> Result<&mut Denial, RightsError> {
        match &mut self.status {
            AmendmentStatus::Denied(denial) => Ok(denial),
            _ => Err(RightsError::NotDenied),
        }
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

fn check_not_before_denial(denial: &WrittenDenial, on: Date) -> Result<(), RightsError> {
    if on < denial.on {
        Err(RightsError::DateBeforeDenial {
            denied_on: denial.on,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::clinician;
    use crate::domain::rights::fixtures::*;

    #[test]
    fn a_new_request_names_notes_and_the_change_and_is_due_in_60_days() {
        let request = amendment("r1", "2024-03-01", &["n1", "n2", "n1"]);
        assert_eq!(
            request.notes(),
            [ProgressNoteId("n1".into()), ProgressNoteId("n2".into())]
        );
        assert_eq!(request.deadline().due(), date("2024-04-30"));
        assert_eq!(request.status_label(), "Open");
        let new = |notes: Vec<ProgressNoteId>, change: &str| {
            AmendmentRequest::new(
                RequestId("r".into()),
                ClientId("client-1".into()),
                date("2024-03-01"),
                notes,
                change,
            )
        };
        assert_eq!(
            new(Vec::new(), "Change.").unwrap_err(),
            RightsError::NoNotesNamed
        );
        assert_eq!(
            new(vec![ProgressNoteId("n1".into())], " ").unwrap_err(),
            RightsError::AmendmentTextRequired
        );
    }

    #[test]
    fn accepting_appends_a_signed_addendum_that_references_the_request() {
        let mut request = amendment("req-7", "2024-03-01", &["n1", "n2"]);
        let (mut n1, mut n2) = (signed_note("n1"), signed_note("n2"));
        let (before1, before2) = (n1.clone(), n2.clone());
        request
            .accept(
                date("2024-03-15"),
                "The client's employer is a school, not a hospital.",
                &mut [&mut n2, &mut n1],
                &clinician(),
                Timestamp(1_710_500_000_000),
            )
            .unwrap();

        for (note, before) in [(&n1, &before1), (&n2, &before2)] {
            assert_eq!(note.content(), before.content(), "the original is kept");
            assert_eq!(note.signature(), before.signature());
            assert_eq!(note.addenda().len(), 1);
            let addendum = &note.addenda()[0];
            assert_eq!(
                addendum.text(),
                "Amendment at the client's request (45 CFR 164.526), request req-7 received 2024-03-01, accepted 2024-03-15:\nThe client's employer is a school, not a hospital."
            );
            assert_eq!(addendum.signature_line(), "Jane Doe, LCSW");
            assert!(note.is_intact());
        }
        let AmendmentStatus::Accepted(acceptance) = request.status() else {
            panic!("accepted");
        };
        assert_eq!(acceptance.on, date("2024-03-15"));
        let ids: Vec<&str> = acceptance
            .amended
            .iter()
            .map(|a| a.note_id.as_str())
            .collect();
        assert_eq!(ids, ["n1", "n2"], "in the request's order");
        assert_eq!(
            acceptance.amended[0].addendum_sha256,
            n1.addenda()[0].content_sha256()
        );
    }

    #[test]
    fn accepting_checks_every_note_before_touching_any() {
        let mut request = amendment("r1", "2024-03-01", &["n1", "n2"]);
        let mut n1 = signed_note("n1");
        let mut n2 = signed_note("n2");
        let mut n3 = signed_note("n3");
        let mut other = signed_note_of("n2", "client-2");
        let mut accept = |notes: &mut [&mut SignedProgressNote]| {
            request.accept(
                date("2024-03-15"),
                "Text.",
                notes,
                &clinician(),
                Timestamp(0),
            )
        };
        assert_eq!(
            accept(&mut [&mut n1]).unwrap_err(),
            RightsError::NoteMissing {
                note_id: ProgressNoteId("n2".into())
            }
        );
        assert_eq!(
            accept(&mut [&mut n1, &mut n2, &mut n3]).unwrap_err(),
            RightsError::NoteNotInRequest {
                note_id: ProgressNoteId("n3".into())
            }
        );
        assert_eq!(
            accept(&mut [&mut n1, &mut other]).unwrap_err(),
            RightsError::NoteOfOtherClient {
                note_id: ProgressNoteId("n2".into())
            }
        );
        assert!(n1.addenda().is_empty() && n2.addenda().is_empty());
        assert!(request.is_open());

        let no_profile = ClinicianProfile::default();
        assert_eq!(
            request
                .accept(
                    date("2024-03-15"),
                    "Text.",
                    &mut [&mut n1, &mut n2],
                    &no_profile,
                    Timestamp(0)
                )
                .unwrap_err(),
            RightsError::NoClinicianProfile
        );
        assert_eq!(
            request
                .accept(
                    date("2024-03-15"),
                    "  ",
                    &mut [&mut n1, &mut n2],
                    &clinician(),
                    Timestamp(0)
                )
                .unwrap_err(),
            RightsError::AddendumTextRequired
        );
        assert!(n1.addenda().is_empty() && request.is_open());
    }

    #[test]
    fn a_denial_needs_an_explanation_and_a_signer() {
        let mut request = amendment("r1", "2024-03-01", &["n1"]);
        assert_eq!(
            request
                .deny(
                    date("2024-03-10"),
                    DenialBasis::AccurateAndComplete,
                    " ",
                    &clinician()
                )
                .unwrap_err(),
            RightsError::DenialExplanationRequired
        );
        assert_eq!(
            request
                .deny(
                    date("2024-03-10"),
                    DenialBasis::AccurateAndComplete,
                    "The note records what was said.",
                    &ClinicianProfile::default()
                )
                .unwrap_err(),
            RightsError::NoClinicianProfile
        );
        request
            .deny(
                date("2024-03-10"),
                DenialBasis::AccurateAndComplete,
                "The note records what was said.",
                &clinician(),
            )
            .unwrap();
        let denial = request.denial().unwrap();
        assert_eq!(denial.written.basis, DenialBasis::AccurateAndComplete);
        assert_eq!(denial.written.by, "Jane Doe, LCSW");
        assert_eq!(
            DenialBasis::AccurateAndComplete.citation(),
            "45 CFR 164.526(a)(2)(iv)"
        );
        assert_eq!(request.status_label(), "Denied");
    }

    #[test]
    fn statement_and_rebuttal_attach_only_to_a_denial_in_order() {
        let mut open = amendment("r1", "2024-03-01", &["n1"]);
        assert_eq!(
            open.record_statement(date("2024-03-20"), "I disagree.")
                .unwrap_err(),
            RightsError::NotDenied
        );
        assert_eq!(
            open.record_rebuttal(date("2024-03-20"), "No.", &clinician())
                .unwrap_err(),
            RightsError::NotDenied
        );

        let mut accepted = amendment("r2", "2024-03-01", &["n1"]);
        let mut n1 = signed_note("n1");
        accepted
            .accept(
                date("2024-03-02"),
                "Fixed.",
                &mut [&mut n1],
                &clinician(),
                Timestamp(0),
            )
            .unwrap();
        assert_eq!(
            accepted
                .record_statement(date("2024-03-20"), "I disagree.")
                .unwrap_err(),
            RightsError::NotDenied
        );

        let mut denied = denied_amendment("r3", &["n1"]);
        assert_eq!(
            denied
                .record_rebuttal(date("2024-03-20"), "No.", &clinician())
                .unwrap_err(),
            RightsError::NoStatementToRebut
        );
        assert_eq!(
            denied
                .record_statement(date("2024-03-09"), "Too early.")
                .unwrap_err(),
            RightsError::DateBeforeDenial {
                denied_on: date("2024-03-10")
            }
        );
        assert_eq!(
            denied
                .record_statement(date("2024-03-20"), " ")
                .unwrap_err(),
            RightsError::StatementTextRequired
        );
        denied
            .record_statement(date("2024-03-20"), " I did not say that. ")
            .unwrap();
        assert_eq!(
            denied
                .record_statement(date("2024-03-21"), "Again.")
                .unwrap_err(),
            RightsError::StatementAlreadyRecorded
        );
        denied
            .record_rebuttal(date("2024-03-25"), "The note stands.", &clinician())
            .unwrap();
        assert_eq!(
            denied
                .record_rebuttal(date("2024-03-26"), "Again.", &clinician())
                .unwrap_err(),
            RightsError::RebuttalAlreadyRecorded
        );
        let denial = denied.denial().unwrap();
        assert_eq!(
            denial.statement.as_ref().unwrap().text,
            "I did not say that."
        );
        assert_eq!(denial.rebuttal.as_ref().unwrap().by, "Jane Doe, LCSW");
    }

    #[test]
    fn a_decided_request_cannot_be_decided_again_or_extended() {
        let mut denied = denied_amendment("r1", &["n1"]);
        let closed = RightsError::NotOpen { status: "Denied" };
        let mut n1 = signed_note("n1");
        assert_eq!(
            denied
                .accept(
                    date("2024-03-20"),
                    "Text.",
                    &mut [&mut n1],
                    &clinician(),
                    Timestamp(0)
                )
                .unwrap_err(),
            closed
        );
        assert_eq!(
            denied
                .deny(
                    date("2024-03-20"),
                    DenialBasis::NotCreatedHere,
                    "x",
                    &clinician()
                )
                .unwrap_err(),
            closed
        );
        assert_eq!(
            denied.extend(date("2024-03-20"), "Reason.").unwrap_err(),
            closed
        );
        assert!(n1.addenda().is_empty());
    }

    #[test]
    fn the_request_round_trips_through_serde() {
        let mut denied = denied_amendment("r1", &["n1"]);
        denied
            .record_statement(date("2024-03-20"), "I disagree.")
            .unwrap();
        let json = serde_json::to_string(&denied).unwrap();
        assert_eq!(
            serde_json::from_str::<AmendmentRequest>(&json).unwrap(),
            denied
        );
    }
}
