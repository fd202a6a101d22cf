//! Autosaved progress-note editor buffers, sealed under the drafts key in `drafts`.
//!
//! While a therapist types, the editor's state is sealed here every couple of
//! seconds: cheap, with no audit event per save, and never touching the record's
//! revision. "Save" (or "Sign and lock") then writes the note into
//! `progress_notes` and removes the buffer in the same transaction. After a crash
//! or reload, the buffer is found again and offered back.
//!
//! Psychotherapy notes do not come here: their text may rest only under the
//! psychotherapy key, so their editor saves straight into `psychotherapy_notes`.

use serde::{Deserialize, Serialize};

use crate::domain::{NoteSummary, ProgressNote, ProgressNoteDraft};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::keyring::Keyring;
use super::repository::{read_one, Batch, Expect, Loaded, RawRecord, Sealer, Stored};
use super::session::Vault;
use super::store::{AuditLog, DraftsStore, EncryptedStore, ProgressNotes};
use super::VaultError;

/// Unsaved work on one progress note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftBuffer {
    /// The form as last typed.
    pub note: ProgressNoteDraft,
    /// The note's revision in `progress_notes` when editing began (0: never saved).
    pub base_rev: u64,
    /// When this buffer was sealed, Unix milliseconds.
    pub saved_at_ms: i64,
}

impl Vault {
    /// Seals the editor buffer for note `buffer.note.id`, read at drafts revision
    /// `rev` (0: none yet). Returns the buffer's new revision.
    pub async fn save_draft_buffer(
        &self,
        buffer: &DraftBuffer,
        rev: u64,
    ) -> Result<u64, VaultError> {
        self.put::<DraftsStore, _>(&buffer.note.id.0, rev, buffer, Keyring::drafts, &[])
            .await
    }

    /// The unsaved buffer of one note, if any.
    pub async fn draft_buffer(
        &self,
        note_id: &str,
    ) -> Result<Option<Stored<DraftBuffer>>, VaultError> {
        match self
            .get::<DraftsStore, DraftBuffer>(note_id, Keyring::drafts)
            .await
        {
            Ok(stored) => Ok(Some(stored)),
            Err(VaultError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every unsaved buffer (for "unsaved changes" markers).
    pub async fn draft_buffers(&self) -> Result<Vec<Loaded<DraftBuffer>>, VaultError> {
        self.list::<DraftsStore, DraftBuffer>(Keyring::drafts).await
    }

    /// Commits a progress note read at revision `rev` (0: new) and removes its
    /// editor buffer (at `draft_rev`, 0: none) in the same transaction, with the
    /// audit events, its client's note index and the practice summary. Returns
    /// the note's new revision.
    ///
    /// If only the index or the practice summary changed underneath (another
    /// tab saved another note), the commit is sealed again against them and
    /// retried; a change to the note itself is a conflict.
    pub async fn commit_progress_note(
        &self,
        note: &ProgressNote,
        rev: u64,
        draft_rev: u64,
        action: Option<AuditAction>,
        now_ms: i64,
    ) -> Result<u64, VaultError> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            let result = self
                .try_commit_progress_note(note, rev, draft_rev, action.as_ref(), now_ms)
                .await;
            match result {
                Err(VaultError::Conflict { .. })
                    if attempt < ATTEMPTS
                        && self
                            .is_at(ProgressNotes::NAME, note.id().as_str(), rev)
                            .await
                        && (draft_rev == 0
                            || self
                                .is_at(DraftsStore::NAME, note.id().as_str(), draft_rev)
                                .await) =>
                {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_commit_progress_note(
        &self,
        note: &ProgressNote,
        rev: u64,
        draft_rev: u64,
        action: Option<&AuditAction>,
        now_ms: i64,
    ) -> Result<u64, VaultError> {
        let id = note.id().0.clone();
        let new_rev = rev + 1;
        let (slot, summary) = futures::join!(
            self.index_slot(note.client_id().as_str()),
            self.summary_slot()
        );
        let (mut slot, mut summary) = (slot?, summary?);
        if slot.damaged() || summary.damaged() {
            // What they held is lost with them: have it found again.
            self.set_index_checked(None);
        }
        slot.value.upsert(NoteSummary::of(note, new_rev));
        summary.value.update(&slot.value);
        let batch = self.with_keys(|keys| {
            let sealed = Sealer::<ProgressNotes>::new(keys.records()).seal(&id, new_rev, note)?;
            let expect = if rev == 0 {
                Expect::New
            } else {
                Expect::Revision(rev)
            };
            let mut batch = Batch::new().put::<ProgressNotes>(sealed, expect);
            batch = slot.write_index(batch, keys)?;
            batch = summary.write_summary(batch, keys)?;
            if draft_rev > 0 {
                batch = batch.delete::<DraftsStore>(&id, draft_rev);
            }
            let audit = Sealer::<AuditLog>::new(keys.audit());
            if rev == 0 {
                let created =
                    AuditEvent::about(now_ms, AuditAction::Created(RecordKind::ProgressNote), &id);
                batch = batch.append::<AuditLog>(audit.seal_new(&created)?);
            }
            if let Some(action) = action {
                batch = batch.append::<AuditLog>(audit.seal_new(&AuditEvent::about(
                    now_ms,
                    action.clone(),
                    &id,
                ))?);
            }
            Ok(batch)
        })?;
        batch.commit(self.db()).await?;
        Ok(new_rev)
    }

    /// Whether record `id` of `store` is still at `rev` (0: absent), so a
    /// conflict came from elsewhere (the index or the summary).
    async fn is_at(&self, store: &str, id: &str, rev: u64) -> bool {
        match read_one(self.db(), store, id).await {
            Ok(RawRecord::Sealed(r)) => r.rev == rev,
            Err(VaultError::NotFound) => rev == 0,
            _ => false,
        }
    }
}
