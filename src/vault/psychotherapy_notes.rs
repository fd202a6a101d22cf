//! Psychotherapy notes: their own store, their own key, their own entry points.
//!
//! 45 CFR 164.501 keeps these notes apart from the record. Here that means:
//! - they are sealed only under the psychotherapy key, which no other module can
//!   obtain (see [`super::keyring`]);
//! - they live only in `psychotherapy_notes`;
//! - they are read only through these methods, which take a client id and audit
//!   every view. Export, print and default search never call them.

use crate::domain::PsychotherapyNote;

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::keyring::Keyring;
use super::repository::{Loaded, Stored};
use super::session::Vault;
use super::store::PsychotherapyNotes;
use super::VaultError;

impl Vault {
    /// One client's psychotherapy notes, newest first. Damaged records are marked.
    pub async fn psychotherapy_notes_for(
        &self,
        client_id: &str,
    ) -> Result<Vec<Loaded<PsychotherapyNote>>, VaultError> {
        let mut notes: Vec<Loaded<PsychotherapyNote>> = self
            .list::<PsychotherapyNotes, PsychotherapyNote>(Keyring::psychotherapy)
            .await?
            .into_iter()
            .filter(|n| match n {
                Loaded::Ok(s) => s.value.client_id.0 == client_id,
                // A damaged record's client is unknown; show it, flagged, to nobody's
                // harm: its content cannot be read.
                Loaded::Damaged { .. } => true,
            })
            .collect();
        notes.sort_by_key(|n| match n {
            Loaded::Ok(s) => std::cmp::Reverse(s.value.updated_at.0),
            Loaded::Damaged { .. } => std::cmp::Reverse(i64::MIN),
        });
        Ok(notes)
    }

    /// Opens one psychotherapy note; the view is written to the audit log.
    pub async fn open_psychotherapy_note(
        &self,
        id: &str,
        now_ms: i64,
    ) -> Result<Stored<PsychotherapyNote>, VaultError> {
        let note = self
            .get::<PsychotherapyNotes, PsychotherapyNote>(id, Keyring::psychotherapy)
            .await?;
        self.record_event(&AuditEvent::about(
            now_ms,
            AuditAction::Viewed(RecordKind::PsychotherapyNote),
            id,
        ))
        .await?;
        Ok(note)
    }

    /// Saves a psychotherapy note read at revision `rev` (0: new). Returns the new revision.
    pub async fn save_psychotherapy_note(
        &self,
        note: &PsychotherapyNote,
        rev: u64,
        now_ms: i64,
    ) -> Result<u64, VaultError> {
        let id = note.id.0.as_str();
        let events = if rev == 0 {
            vec![AuditEvent::about(
                now_ms,
                AuditAction::Created(RecordKind::PsychotherapyNote),
                id,
            )]
        } else {
            Vec::new()
        };
        self.put::<PsychotherapyNotes, _>(id, rev, note, Keyring::psychotherapy, &events)
            .await
    }

    /// Deletes a psychotherapy note for good, with an audit event.
    pub async fn delete_psychotherapy_note(
        &self,
        id: &str,
        rev: u64,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let event = AuditEvent::about(
            now_ms,
            AuditAction::Deleted(RecordKind::PsychotherapyNote),
            id,
        );
        self.remove::<PsychotherapyNotes>(id, rev, &event).await
    }
}
