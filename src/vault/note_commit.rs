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
use super::revision_tree::RevId;
use super::sealer::{Sealer, Stored, Version};
use super::store::{DraftsStore, ProgressNotes};
use super::VaultError;

/// One write of a progress note, as [`Vault::commit_note`] takes it.
pub(in crate::vault) struct NoteWrite<'a> {
    /// The note's id and client (also when the note is being removed).
    pub id: &'a str,
    pub client_id: &'a str,
    /// The new content; `None` removes the note (discarding an unsigned draft).
    pub note: Option<&'a ProgressNote>,
    /// The revision it was read at (`None`: never committed).
    pub version: Option<&'a Version>,
    /// Editor buffers this commit makes obsolete, by id and the revision this
    /// editor last wrote. Each goes with the commit unless another tab wrote
    /// it since.
    pub buffers: &'a [(&'a str, Option<RevId>)],
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
    ) -> Result<Version, VaultError> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            match self.try_commit_note(write).await {
                Err(VaultError::Conflict)
                    if attempt < ATTEMPTS && self.note_is_at(write.id, write.version).await =>
                {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_commit_note(&self, write: &NoteWrite<'_>) -> Result<Version, VaultError> {
        let (slot, summary) = futures::join!(self.index_slot(write.client_id), self.summary_slot());
        let (mut slot, mut summary) = (slot?, summary?);
        if slot.damaged() || summary.damaged() {
            // What they held is lost with them: have it found again.
            self.set_index_checked(None);
        }
        let (batch, version) = self.with_keys(|keys| {
            let sealer = Sealer::<ProgressNotes>::new(keys.records());
            let mut batch = if write.strict {
                Batch::new().strict()
            } else {
                Batch::new()
            };
            let expect = match write.version {
                None => Expect::New,
                Some(v) => Expect::Leaf(v.rev),
            };
            let leaf = match (write.note, write.version) {
                (Some(note), parent) => Some(sealer.seal_next(write.id, parent, note)?),
                (None, Some(parent)) => Some(sealer.seal_tombstone(write.id, parent)?),
                (None, None) => None,
            };
            let version = leaf.as_ref().map(|l| l.as_ref().map(|_| ()));
            match (write.note, &version) {
                (Some(note), Some(v)) => {
                    slot.value.upsert(NoteSummary::of(note, v.rev.generation));
                }
                _ => {
                    slot.value.retain_existing(|id| id != write.id);
                }
            }
            summary.value.update(&slot.value);
            if let Some(leaf) = leaf {
                batch = batch.put::<ProgressNotes>(write.id, leaf, expect);
            }
            batch = slot.write_index(batch, keys)?;
            batch = summary.write_summary(batch, keys)?;
            for (buffer_id, buffer_rev) in write.buffers {
                if let Some(rev) = buffer_rev {
                    batch = batch.delete_if_at::<DraftsStore>(buffer_id, *rev);
                }
            }
            let mut events = Vec::with_capacity(2);
            if write.version.is_none() && write.note.is_some() {
                events.push(AuditEvent::about(
                    write.now_ms,
                    AuditAction::Created(RecordKind::ProgressNote),
                    write.id,
                ));
            }
            if let Some(action) = &write.action {
                events.push(AuditEvent::about(write.now_ms, action.clone(), write.id));
            }
            Ok((self.audit_batch(batch, &events)?, version))
        })?;
        batch.commit(self.connection()).await?;
        // A removal leaves the tombstone's revision; the caller forgets it.
        Ok(version.unwrap_or_else(|| Version::first([0; 16], true, ())))
    }

    /// Whether note `id` still shows revision `version` (`None`: absent), so a
    /// conflict came from elsewhere (the index or the summary).
    pub(in crate::vault) async fn note_is_at(&self, id: &str, version: Option<&Version>) -> bool {
        match self.sealed::<ProgressNotes>(id).await {
            Ok(Some(record)) => version.is_some_and(|v| record.tree.leaf(&v.rev).is_some()),
            Ok(None) => version.is_none(),
            Err(_) => false,
        }
    }

    /// The note as stored now, for a conflict; `None` when it is gone.
    pub(in crate::vault) async fn current_note(
        &self,
        id: &str,
    ) -> Result<Option<Stored<ProgressNote>>, VaultError> {
        self.get_optional::<ProgressNotes, ProgressNote>(id, Keyring::records_key)
            .await
    }
}

/// Signed notes of one client amended together, and the record that says why,
/// as [`Vault::commit_amended_notes`] takes them.
pub(in crate::vault) struct AmendedNotes<'a> {
    pub client_id: &'a str,
    /// Each note as amended, and the revision it was read at.
    pub notes: &'a [(ProgressNote, Version)],
    /// Adds the record that goes with the notes (sealed with the keys).
    pub with: &'a dyn Fn(Batch, &Keyring) -> Result<Batch, VaultError>,
    /// Audit events besides one "amended" per note.
    pub events: &'a [AuditEvent],
    pub now_ms: i64,
}

impl Vault {
    /// Commits several amended signed notes of one client, their note index,
    /// the practice summary, the record `with` adds and the audit events in
    /// one transaction flushed to disk: all of it, or none of it.
    ///
    /// Any note changed since it was read is [`VaultError::Conflict`] and
    /// nothing is written; the caller reads again and decides again.
    pub(in crate::vault) async fn commit_amended_notes(
        &self,
        write: &AmendedNotes<'_>,
    ) -> Result<(), VaultError> {
        let (slot, summary) = futures::join!(self.index_slot(write.client_id), self.summary_slot());
        let (mut slot, mut summary) = (slot?, summary?);
        if slot.damaged() || summary.damaged() {
            self.set_index_checked(None);
        }
        let batch = self.with_keys(|keys| {
            let sealer = Sealer::<ProgressNotes>::new(keys.records());
            let mut batch = Batch::new().strict();
            let mut events = write.events.to_vec();
            for (note, version) in write.notes {
                let id = note.id().0.as_str();
                let leaf = sealer.seal_next(id, Some(version), note)?;
                slot.value.upsert(NoteSummary::of(
                    note,
                    leaf.as_ref().map(|_| ()).rev.generation,
                ));
                batch = batch.put::<ProgressNotes>(id, leaf, Expect::Leaf(version.rev));
                events.push(AuditEvent::about(write.now_ms, AuditAction::Amended, id));
            }
            summary.value.update(&slot.value);
            batch = slot.write_index(batch, keys)?;
            batch = summary.write_summary(batch, keys)?;
            batch = (write.with)(batch, keys)?;
            self.audit_batch(batch, &events)
        })?;
        batch.commit(self.connection()).await
    }
}
