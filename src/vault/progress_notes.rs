//! Progress notes, sealed under the records key in `progress_notes`.
//!
//! Reading them, opening one for editing (which gives the UI a handle, see
//! [`super::editable_progress_note`] and [`super::amendable_note`]), and the
//! one commit path every note write takes: the note, its client's note index,
//! the practice summary, the editor buffer and the audit events, in one
//! transaction.

use crate::domain::{
    Client, ClientId, NoteSummary, ProgressNote, ProgressNoteDraft, ProgressNoteId,
    SignedProgressNote, Template, Timestamp,
};

use super::amendable_note::AmendableNote;
use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::batch::{Batch, Expect};
use super::editable_progress_note::EditableProgressNote;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::{read_one, RawRecord};
use super::sealer::{Loaded, Sealer, Stored};
use super::store::{AuditLog, DraftsStore, EncryptedStore, ProgressNotes};
use super::VaultError;

/// A progress note opened from a client's record.
pub enum OpenedNote {
    /// A draft, ready to edit.
    Draft(EditableProgressNote),
    /// A signed note: read-only, and amendable with addenda.
    Signed(AmendableNote),
}

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
    /// Every progress note; damaged records are marked.
    pub async fn progress_notes(&self) -> Result<Vec<Loaded<ProgressNote>>, VaultError> {
        self.list::<ProgressNotes, ProgressNote>(Keyring::records)
            .await
    }

    /// Opens note `note_id` of `client`, audited as a view. A note that was
    /// never committed opens as a new draft with `template`, so a note started
    /// and autosaved before a reload is found again under its id.
    ///
    /// # Errors
    /// [`VaultError::NotFound`] is never returned for the note itself; a note of
    /// another client is refused as [`VaultError::NotFound`] too, so an id in a
    /// URL cannot show one client's note under another's name.
    pub async fn open_progress_note(
        &self,
        client: &Client,
        note_id: &str,
        template: Template,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<OpenedNote, VaultError> {
        let stored = match self
            .get::<ProgressNotes, ProgressNote>(note_id, Keyring::records)
            .await
        {
            Ok(stored) => Some(stored),
            Err(VaultError::NotFound) => None,
            Err(e) => return Err(e),
        };
        if let Some(stored) = &stored {
            if stored.value.client_id() != &client.id {
                return Err(VaultError::NotFound);
            }
            self.record_event(&AuditEvent::about(
                now_ms,
                AuditAction::Viewed(RecordKind::ProgressNote),
                note_id,
            ))
            .await?;
        }
        match stored {
            Some(Stored {
                value: ProgressNote::Signed(note),
                rev,
                ..
            }) => Ok(OpenedNote::Signed(
                AmendableNote::open(self.clone(), note, rev).await?,
            )),
            Some(Stored {
                value: ProgressNote::Draft(draft),
                rev,
                ..
            }) => Ok(OpenedNote::Draft(
                EditableProgressNote::open(self.clone(), draft, rev).await?,
            )),
            None => {
                let draft = ProgressNoteDraft::new(
                    ProgressNoteId(note_id.to_owned()),
                    ClientId(client.id.0.clone()),
                    template,
                    now,
                );
                Ok(OpenedNote::Draft(
                    EditableProgressNote::open(self.clone(), draft, 0).await?,
                ))
            }
        }
    }

    /// The client's most recent signed note other than `except`, for "Copy
    /// from last note". A failure to read is no note: it must not block editing.
    pub async fn last_signed_note(
        &self,
        client_id: &str,
        except: &str,
    ) -> Option<SignedProgressNote> {
        let notes = self.progress_notes_of(client_id).await.ok()?;
        notes
            .into_iter()
            .filter_map(Loaded::ok)
            .filter_map(|s| match s.value {
                ProgressNote::Signed(signed)
                    if signed.client_id().as_str() == client_id
                        && signed.id().as_str() != except =>
                {
                    Some(signed)
                }
                _ => None,
            })
            .max_by_key(|s| (s.date_of_service(), s.signature().signed_at))
    }

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
