//! Psychotherapy notes ("process notes"): the clinician's private workspace.
//!
//! HIPAA (45 CFR 164.501) defines psychotherapy notes as notes by a mental health
//! professional analysing the contents of a conversation during a session, *kept
//! separate from the rest of the medical record*. They are excluded from the
//! client's right of access (164.524) and may only be disclosed with an
//! authorization specific to them (164.508(a)(2)). The definition also says what
//! they must not hold: medication, session start and stop times, modalities and
//! frequencies of treatment, test results, and any summary of diagnosis,
//! functional status, treatment plan, symptoms, prognosis or progress. Those
//! belong in the progress note.
//!
//! So this type is deliberately unrelated to the progress-note types:
//! - it has free text and a date only: no times, codes, diagnoses or sections;
//! - there is no conversion between it and any progress-note type, so its text
//!   cannot slip into the record;
//! - it does not implement [`Exportable`](super::Exportable), so the export layer,
//!   which accepts only `T: Exportable`, refuses it at compile time.
//!
//! ```compile_fail,E0277
//! use psynotes::domain::{ClientId, Exportable, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//!
//! // The shape of every export function: bounded by `Exportable`.
//! fn export_to_file<T: Exportable>(_record: &T) {}
//!
//! let note = PsychotherapyNote::new(
//!     PsychotherapyNoteId("pn-1".into()),
//!     ClientId("client-1".into()),
//!     Timestamp(0),
//! );
//! export_to_file(&note); // error: `PsychotherapyNote: Exportable` is not satisfied
//! ```
//!
//! Nor can it be turned into a progress note:
//!
//! ```compile_fail,E0277
//! use psynotes::domain::{ClientId, ProgressNote, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//!
//! let note = PsychotherapyNote::new(
//!     PsychotherapyNoteId("pn-1".into()),
//!     ClientId("client-1".into()),
//!     Timestamp(0),
//! );
//! let record: ProgressNote = note.into(); // error: no `From<PsychotherapyNote>`
//! ```
//!
//! The same note is an ordinary value everywhere else, which shows the examples
//! above fail only at the marked line:
//!
//! ```
//! use psynotes::domain::{ClientId, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//!
//! let note = PsychotherapyNote::new(
//!     PsychotherapyNoteId("pn-1".into()),
//!     ClientId("client-1".into()),
//!     Timestamp(0),
//! );
//! assert!(note.text.is_empty());
//! ```

// Stable rustdoc does not check the error codes of `compile_fail` examples. Each
// one here, in `exportable.rs` and in `progress_note/signed.rs` was checked by
// removing `compile_fail`: it fails with exactly the error code given, once.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::record_check::Dismissals;
use super::{ClientId, Date, Timestamp};

/// A psychotherapy note's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PsychotherapyNoteId(pub String);

impl PsychotherapyNoteId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PsychotherapyNoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A private process note. Editable at any time; it is never signed, because it is
/// not part of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PsychotherapyNote {
    pub id: PsychotherapyNoteId,
    pub client_id: ClientId,
    /// The session it is about, if any. A date only: session times belong in the
    /// progress note.
    pub session_date: Option<Date>,
    pub text: String,
    /// Record-check findings the clinician dismissed in this note's text.
    #[serde(default, skip_serializing_if = "Dismissals::is_empty")]
    pub record_check_dismissed: Dismissals,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl PsychotherapyNote {
    /// An empty note for a client, created at `now`, of today's session:
    /// `now` is local wall-clock time, as for a progress note, and the date
    /// can be changed before saving.
    pub fn new(id: PsychotherapyNoteId, client_id: ClientId, now: Timestamp) -> Self {
        PsychotherapyNote {
            id,
            client_id,
            session_date: Some(now.date()),
            text: String::new(),
            record_check_dismissed: Dismissals::default(),
            created_at: now,
            updated_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip() {
        let mut note = PsychotherapyNote::new(
            PsychotherapyNoteId("pn-1".into()),
            ClientId("client-1".into()),
            Timestamp(10),
        );
        note.session_date = Some(Date::parse("2024-03-05").unwrap());
        note.text = "Noticed my own impatience when the client deflected.".into();
        let json = serde_json::to_string(&note).unwrap();
        assert_eq!(
            serde_json::from_str::<PsychotherapyNote>(&json).unwrap(),
            note
        );
    }
}
