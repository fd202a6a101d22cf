//! Progress notes, sealed under the records key in `progress_notes`.

use crate::domain::ProgressNote;

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::keyring::Keyring;
use super::repository::{Loaded, Stored};
use super::session::Vault;
use super::store::ProgressNotes;
use super::VaultError;

impl Vault {
    /// Every progress note; damaged records are marked.
    pub async fn progress_notes(&self) -> Result<Vec<Loaded<ProgressNote>>, VaultError> {
        self.list::<ProgressNotes, ProgressNote>(Keyring::records)
            .await
    }

    /// One progress note, opened for reading or editing (audited as a view).
    pub async fn open_progress_note(
        &self,
        id: &str,
        now_ms: i64,
    ) -> Result<Stored<ProgressNote>, VaultError> {
        let note = self
            .get::<ProgressNotes, ProgressNote>(id, Keyring::records)
            .await?;
        self.record_event(&AuditEvent::about(
            now_ms,
            AuditAction::Viewed(RecordKind::ProgressNote),
            id,
        ))
        .await?;
        Ok(note)
    }
}
