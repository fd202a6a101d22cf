//! Why a step on a rights request was refused.
//!
//! Each refusal leaves the request exactly as it was. Messages say what happened
//! and what to do, so the UI can show them as they are.

use thiserror::Error;

use super::RightKind;
use crate::domain::{Date, ProgressNoteId};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RightsError {
    #[error("This request was already extended, to {new_due}. The rule allows one extension only; act on the request by that date.")]
    AlreadyExtended { new_due: Date },

    #[error("An extension needs the reason for the delay, as the written notice to the client gives it. Enter the reason.")]
    ExtensionReasonRequired,

    #[error("The extension notice must reach the client by the first due date, {due}. That date has passed, so the request can no longer be extended.")]
    ExtensionTooLate { due: Date },

    #[error("The date is before the request was received ({received}). Check the date.")]
    DateBeforeReceipt { received: Date },

    #[error("This is an {found} request, not an {expected} request, so that step does not apply to it.", found = found.label().to_lowercase(), expected = expected.label().to_lowercase())]
    WrongKind {
        expected: RightKind,
        found: RightKind,
    },

    #[error("This request is already closed ({status}). Nothing was changed.")]
    NotOpen { status: &'static str },

    #[error("A copy sent to a third party needs the recipient's name and where to send it, as the client's signed request gives them.")]
    ThirdPartyIncomplete,

    #[error("The date range ends before it starts. Check the dates.")]
    ReversedRange,

    #[error(
        "Describe what was disclosed (for example \"JSON, one client, 12 notes, all dates\")."
    )]
    DisclosureDescriptionRequired,

    #[error("State the purpose of the disclosure.")]
    DisclosurePurposeRequired,

    #[error("Name at least one progress note the amendment concerns.")]
    NoNotesNamed,

    #[error("Describe the amendment the client asked for.")]
    AmendmentTextRequired,

    #[error(
        "Write the text of the amendment; it becomes a signed addendum on each note concerned."
    )]
    AddendumTextRequired,

    #[error("Your name and credentials are needed to sign. Add them in Settings, then try again.")]
    NoClinicianProfile,

    #[error("The amendment concerns note {note_id}, which was not given. Open every note the request names.")]
    NoteMissing { note_id: ProgressNoteId },

    #[error("Note {note_id} is not one of the notes this request names, or was given twice.")]
    NoteNotInRequest { note_id: ProgressNoteId },

    #[error("Note {note_id} belongs to another client.")]
    NoteOfOtherClient { note_id: ProgressNoteId },

    #[error("A denial must explain its basis in plain language. Write the explanation the client will receive.")]
    DenialExplanationRequired,

    #[error("A statement of disagreement or a rebuttal belongs to a denied amendment; this request was not denied.")]
    NotDenied,

    #[error("The client's statement of disagreement is already recorded.")]
    StatementAlreadyRecorded,

    #[error("Enter the text of the statement of disagreement.")]
    StatementTextRequired,

    #[error(
        "A rebuttal answers the client's statement of disagreement; record the statement first."
    )]
    NoStatementToRebut,

    #[error("A rebuttal is already recorded.")]
    RebuttalAlreadyRecorded,

    #[error("Enter the text of the rebuttal.")]
    RebuttalTextRequired,

    #[error("The date is before the denial ({denied_on}). Check the date.")]
    DateBeforeDenial { denied_on: Date },

    #[error(
        "The date is before the client's statement was received ({received}). Check the date."
    )]
    DateBeforeStatement { received: Date },
}
