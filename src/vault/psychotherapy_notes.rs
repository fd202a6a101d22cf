//! Psychotherapy notes: their own store, their own key, their own entry points.
//!
//! 45 CFR 164.501 keeps these notes apart from the record. Here that means:
//! - they are sealed only under the psychotherapy key, which no other module can
//!   obtain (see [`super::keyring`]);
//! - they live only in `psychotherapy_notes`;
//! - they are read only through these methods, which take a client id and audit
//!   every view, and written only through [`EditablePsychotherapyNote`]. Export,
//!   print and default search never call them.

use crate::domain::{ClientId, PsychotherapyNote, PsychotherapyNoteId, Timestamp};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::editable_psychotherapy_note::EditablePsychotherapyNote;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::Loaded;
use super::store::PsychotherapyNotes;
use super::VaultError;

impl Vault {
    /// One client's psychotherapy notes, newest first. Damaged records are marked.
    pub async fn psychotherapy_notes_for(
        &self,
        client_id: &str,
    ) -> Result<Vec<Loaded<PsychotherapyNote>>, VaultError> {
        let mut notes: Vec<Loaded<PsychotherapyNote>> = self
            .list::<PsychotherapyNotes, PsychotherapyNote>(Keyring::psychotherapy_key)
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

    /// Opens one psychotherapy note for editing; the view is audited. A note of
    /// another client is refused as not found.
    pub async fn open_psychotherapy_note(
        &self,
        client_id: &str,
        id: &str,
        now_ms: i64,
    ) -> Result<EditablePsychotherapyNote, VaultError> {
        let stored = self
            .get::<PsychotherapyNotes, PsychotherapyNote>(id, Keyring::psychotherapy_key)
            .await?;
        if stored.value.client_id.as_str() != client_id {
            return Err(VaultError::NotFound);
        }
        self.record_view(&AuditEvent::about(
            now_ms,
            AuditAction::Viewed(RecordKind::PsychotherapyNote),
            id,
        ))
        .await?;
        Ok(EditablePsychotherapyNote::new(
            self.clone(),
            stored.value,
            Some(stored.version),
        ))
    }

    /// A new psychotherapy note for `client_id`, not stored until first saved.
    pub fn new_psychotherapy_note(
        &self,
        client_id: &str,
        now: Timestamp,
    ) -> Result<EditablePsychotherapyNote, VaultError> {
        let note = PsychotherapyNote::new(
            PsychotherapyNoteId(self.new_record_id()?),
            ClientId(client_id.to_owned()),
            now,
        );
        Ok(EditablePsychotherapyNote::new(self.clone(), note, None))
    }
}
