//! The one commit path every progress-note write takes.
//!
//! A note, its client's note index, the practice summary, the editor buffers it
//! makes obsolete and its audit events are written in one transaction, with
//! revision checks. The editing handles ([`super::editable_progress_note`],
//! [`super::amendable_note`]) are its only callers.

use crate::domain::{NoteSummary, ProgressNote};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::batch::{Batch, Expect};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::{read_one, RawRecord};
use super::sealer::{Sealer, Stored};
use super::store::{AuditLog, DraftsStore, EncryptedStore, ProgressNotes};
use super::VaultError;

/// One write of a progress note, as [`Vault::commit_note`] takes it.
pub(in crate::vault) struct NoteWrite<'a> {
    /// The note's id and client (also when the note is being removed).
    pub id: &'a str,
    pub client_id: &'a str,
    /// The new content; `None` removes the note (discarding an unsigned draft).
    pub note: Option<&'a ProgressNote>,
    /// The revision it was read at (0: never committed).
    pub rev: u64,
    /// Editor buffers this commit makes obsolete, by id and the revision this
    /// editor last wrote. Each goes with the commit unless another tab wrote
    /// it since.
    pub buffers: &'a [(&'a str, u64)],
    /// What the audit log records, besides "created" for a first commit.
    pub action: Option<AuditAction>,
    /// Flush to disk before reporting success (a signature).
    pub strict: bool,
    /// When, for the audit log (Unix milliseconds).
    pub now_ms: i64,
}

impl Vault {
    /// Commits one note write (see [`NoteWrite`]) with its client's note index
    /// and the practice summary. Returns the note's new revision.
    ///
    /// If only the index or the summary changed underneath (another tab saved
    /// another note), the commit is sealed again against them and retried; a
    /// change to the note itself is [`VaultError::Conflict`].
    pub(in crate::vault) async fn commit_note(
        &self,
        write: &NoteWrite<'_>,
    ) -> Result<u64, VaultError> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            match self.try_commit_note(write).await {
                Err(VaultError::Conflict { .. })
                    if attempt < ATTEMPTS
                        && self.is_at(ProgressNotes::NAME, write.id, write.rev).await =>
                {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_commit_note(&self, write: &NoteWrite<'_>) -> Result<u64, VaultError> {
        let new_rev = write.rev + 1;
        let (slot, summary) = futures::join!(self.index_slot(write.client_id), self.summary_slot());
        let (mut slot, mut summary) = (slot?, summary?);
        if slot.damaged() || summary.damaged() {
            // What they held is lost with them: have it found again.
            self.set_index_checked(None);
        }
        match write.note {
            Some(note) => {
                slot.value.upsert(NoteSummary::of(note, new_rev));
            }
            None => {
                slot.value.retain_existing(|id| id != write.id);
            }
        }
        summary.value.update(&slot.value);
        let batch = self.with_keys(|keys| {
            let mut batch = if write.strict {
                Batch::new().strict()
            } else {
                Batch::new()
            };
            match write.note {
                Some(note) => {
                    let sealed = Sealer::<ProgressNotes>::new(keys.records())
                        .seal(write.id, new_rev, note)?;
                    let expect = if write.rev == 0 {
                        Expect::New
                    } else {
                        Expect::Revision(write.rev)
                    };
                    batch = batch.put::<ProgressNotes>(sealed, expect);
                }
                None if write.rev > 0 => {
                    batch = batch.delete::<ProgressNotes>(write.id, write.rev);
                }
                None => {}
            }
            batch = slot.write_index(batch, keys)?;
            batch = summary.write_summary(batch, keys)?;
            for (buffer_id, buffer_rev) in write.buffers {
                if *buffer_rev > 0 {
                    batch = batch.delete_if_at::<DraftsStore>(buffer_id, *buffer_rev);
                }
            }
            let audit = Sealer::<AuditLog>::new(keys.audit());
            if write.rev == 0 && write.note.is_some() {
                let created = AuditEvent::about(
                    write.now_ms,
                    AuditAction::Created(RecordKind::ProgressNote),
                    write.id,
                );
                batch = batch.append::<AuditLog>(audit.seal_new(&created)?);
            }
            if let Some(action) = &write.action {
                batch = batch.append::<AuditLog>(audit.seal_new(&AuditEvent::about(
                    write.now_ms,
                    action.clone(),
                    write.id,
                ))?);
            }
            Ok(batch)
        })?;
        batch.commit(self.connection()).await?;
        Ok(new_rev)
    }

    /// Whether record `id` of `store` is still at `rev` (0: absent), so a
    /// conflict came from elsewhere (the index or the summary).
    pub(in crate::vault) async fn is_at(&self, store: &str, id: &str, rev: u64) -> bool {
        match read_one(self.connection(), store, id).await {
            Ok(RawRecord::Sealed(r)) => r.rev == rev,
            Err(VaultError::NotFound) => rev == 0,
            _ => false,
        }
    }

    /// The note as stored now, for a conflict; `None` when it is gone.
    pub(in crate::vault) async fn current_note(
        &self,
        id: &str,
    ) -> Result<Option<Stored<ProgressNote>>, VaultError> {
        self.get_optional::<ProgressNotes, ProgressNote>(id, Keyring::records)
            .await
    }
}
