//! What became of amendment requests concerning a note, in the form that must
//! travel with the note.
//!
//! 164.526(d)(4) links a denied amendment, the client's statement of disagreement
//! and any rebuttal to the record concerned, and 164.526(d)(5) requires them (or
//! an accurate summary) in later disclosures of that record. An accepted
//! amendment already travels as a signed addendum in the note itself; its outcome
//! says which addendum answered which request.
//!
//! Export and print code take a note's outcomes ([`outcomes_for_note`]) and show
//! them with the note. The type is [`Exportable`](crate::domain::Exportable): it
//! holds the client's and the clinician's words about a progress note, and
//! nothing else.

use serde::{Deserialize, Serialize};

use super::{AmendmentRequest, AmendmentStatus, Denial, RequestId, RightsRequest};
use crate::domain::{Date, ProgressNoteId};

/// How an amendment request concerning the note was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmendmentDecision {
    /// Accepted on `on`; the note's addendum with this digest carries the change.
    Accepted { on: Date, addendum_sha256: String },
    /// Denied, with the written denial and, when filed, the statement of
    /// disagreement and the rebuttal.
    Denied(Denial),
}

/// One decided amendment request, as it goes with one note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentOutcome {
    pub note_id: ProgressNoteId,
    pub request_id: RequestId,
    pub received: Date,
    /// The change the client asked for, in their words.
    pub requested_change: String,
    pub decision: AmendmentDecision,
}

impl AmendmentRequest {
    /// This request's outcome for `note`, when the request concerns it and has
    /// been decided; `None` while open, when withdrawn, or for another note.
    pub fn outcome_for(&self, note: &ProgressNoteId) -> Option<AmendmentOutcome> {
        if !self.notes().contains(note) {
            return None;
        }
        let decision = match self.status() {
            AmendmentStatus::Accepted(acceptance) => AmendmentDecision::Accepted {
                on: acceptance.on,
                addendum_sha256: acceptance
                    .amended
                    .iter()
                    .find(|amended| &amended.note_id == note)?
                    .addendum_sha256
                    .clone(),
            },
            AmendmentStatus::Denied(denial) => AmendmentDecision::Denied(denial.clone()),
            AmendmentStatus::Open | AmendmentStatus::Withdrawn(_) => return None,
        };
        Some(AmendmentOutcome {
            note_id: note.clone(),
            request_id: self.id().clone(),
            received: self.deadline().received(),
            requested_change: self.requested_change().to_owned(),
            decision,
        })
    }
}

/// Every decided amendment concerning `note`, oldest request first (then by id):
/// what an export or print of the note must carry with it.
pub fn outcomes_for_note(
    requests: &[RightsRequest],
    note: &ProgressNoteId,
) -> Vec<AmendmentOutcome> {
    let mut outcomes: Vec<AmendmentOutcome> = requests
        .iter()
        .filter_map(|request| match request {
            RightsRequest::Amendment(amendment) => amendment.outcome_for(note),
            RightsRequest::Access(_) => None,
        })
        .collect();
    outcomes.sort_by(|a, b| {
        a.received
            .cmp(&b.received)
            .then_with(|| a.request_id.cmp(&b.request_id))
    });
    outcomes
}

/// Every decided amendment, for every note each concerns, oldest request
/// first: what exports take, each note picking its own.
pub fn decided_amendments(requests: &[RightsRequest]) -> Vec<AmendmentOutcome> {
    let mut outcomes: Vec<AmendmentOutcome> = requests
        .iter()
        .filter_map(|request| match request {
            RightsRequest::Amendment(amendment) => Some(amendment),
            RightsRequest::Access(_) => None,
        })
        .flat_map(|amendment| {
            amendment
                .notes()
                .iter()
                .filter_map(|note| amendment.outcome_for(note))
        })
        .collect();
    outcomes.sort_by(|a, b| {
        a.received
            .cmp(&b.received)
            .then_with(|| a.request_id.cmp(&b.request_id))
            .then_with(|| a.note_id.cmp(&b.note_id))
    });
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::clinician;
    use crate::domain::rights::fixtures::*;
    use crate::domain::Timestamp;

    #[test]
    fn a_note_carries_its_denials_with_statement_and_rebuttal_and_its_acceptances() {
        let n1 = ProgressNoteId("n1".into());
        let mut denied = denied_amendment("r-denied", &["n1", "n2"]);
        denied
            .record_statement(date("2024-03-20"), "I disagree.")
            .unwrap();
        denied
            .record_rebuttal(date("2024-03-25"), "The note stands.", &clinician())
            .unwrap();

        let mut accepted = amendment("r-accepted", "2024-02-01", &["n1"]);
        let mut note = signed_note("n1");
        accepted
            .accept(
                date("2024-02-10"),
                "Corrected date of onset.",
                &mut [&mut note],
                &clinician(),
                Timestamp(0),
            )
            .unwrap();

        let open = amendment("r-open", "2024-01-01", &["n1"]);
        let elsewhere = denied_amendment("r-other", &["n9"]);
        let requests = vec![
            RightsRequest::Amendment(denied),
            RightsRequest::Amendment(open),
            RightsRequest::Access(access("r-access", "2024-01-01")),
            RightsRequest::Amendment(accepted),
            RightsRequest::Amendment(elsewhere),
        ];

        let outcomes = outcomes_for_note(&requests, &n1);
        assert_eq!(outcomes.len(), 2, "{outcomes:?}");
        assert_eq!(outcomes[0].request_id.0, "r-accepted");
        assert_eq!(
            outcomes[0].decision,
            AmendmentDecision::Accepted {
                on: date("2024-02-10"),
                addendum_sha256: note.addenda()[0].content_sha256().to_owned()
            }
        );
        assert_eq!(outcomes[1].request_id.0, "r-denied");
        assert_eq!(outcomes[1].note_id, n1);
        let AmendmentDecision::Denied(denial) = &outcomes[1].decision else {
            panic!("denied");
        };
        assert_eq!(denial.statement.as_ref().unwrap().text, "I disagree.");
        assert_eq!(denial.rebuttal.as_ref().unwrap().text, "The note stands.");
        assert!(outcomes_for_note(&requests, &ProgressNoteId("n3".into())).is_empty());
    }
}
