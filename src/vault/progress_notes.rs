//! Progress notes, sealed under the records key in `progress_notes`.
//!
//! Reading them, and opening one for editing, which gives the UI a handle (see
//! [`super::editable_progress_note`] and [`super::amendable_note`]). Every
//! write goes through [`super::note_commit`].

use crate::domain::{
    Client, ClientId, Date, ProgressNote, ProgressNoteDraft, ProgressNoteId, SignedProgressNote,
    Template, Timestamp,
};

use super::amendable_note::AmendableNote;
use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::editable_progress_note::EditableProgressNote;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::{count, read_page};
use super::sealer::{Loaded, Stored};
use super::store::{EncryptedStore, ProgressNotes};
use super::VaultError;

/// A progress note opened from a client's record.
pub enum OpenedNote {
    /// A draft, ready to edit.
    Draft(EditableProgressNote),
    /// A signed note: read-only, and amendable with addenda.
    Signed(AmendableNote),
}

impl Vault {
    /// Every progress note; damaged records are marked.
    pub async fn progress_notes(&self) -> Result<Vec<Loaded<ProgressNote>>, VaultError> {
        self.list::<ProgressNotes, ProgressNote>(Keyring::records_key)
            .await
    }

    /// Every progress note, read and opened `chunk` at a time (`first` for
    /// the first read, so a search can answer sooner) with a pause between
    /// chunks, so that reading 10,000 notes never freezes the screen and a
    /// search can show what it has found so far. `each` gets the notes
    /// of one chunk, how many records were read so far and how many there
    /// are; it returns `false` to stop (the screen went away).
    ///
    /// Each chunk is its own read: a note saved meanwhile is seen in one
    /// version or the other, and one added meanwhile may be missed. That is
    /// right for a search, and for the index rebuild (whose write is refused
    /// if a note moved on meanwhile); never use this to copy the record.
    pub async fn progress_notes_in_chunks(
        &self,
        first: u32,
        chunk: u32,
        mut each: impl FnMut(Vec<Loaded<ProgressNote>>, usize, usize) -> bool,
    ) -> Result<(), VaultError> {
        self.require_keys()?;
        let total = count(self.connection(), ProgressNotes::NAME).await? as usize;
        let mut read = 0;
        let mut after: Option<String> = None;
        loop {
            let chunk = if read == 0 { first } else { chunk };
            let page = read_page(
                self.connection(),
                ProgressNotes::NAME,
                after.as_deref(),
                chunk.max(1),
            )
            .await?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = Some(last.id().to_owned());
            read += page.len();
            let opened =
                self.open_listed::<ProgressNotes, ProgressNote>(&page, Keyring::records_key)?;
            if !each(opened, read, total.max(read)) || page.len() < chunk.max(1) as usize {
                return Ok(());
            }
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
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
            .get::<ProgressNotes, ProgressNote>(note_id, Keyring::records_key)
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
            self.record_view(&AuditEvent::about(
                now_ms,
                AuditAction::Viewed(RecordKind::ProgressNote),
                note_id,
            ))
            .await?;
        }
        match stored {
            Some(Stored {
                value: ProgressNote::Signed(note),
                version,
                ..
            }) => Ok(OpenedNote::Signed(
                AmendableNote::open(self.clone(), note, version).await?,
            )),
            Some(Stored {
                value: ProgressNote::Draft(draft),
                version,
                ..
            }) => Ok(OpenedNote::Draft(
                EditableProgressNote::open(self.clone(), draft, Some(version)).await?,
            )),
            None => {
                let draft = ProgressNoteDraft::new(
                    ProgressNoteId(note_id.to_owned()),
                    ClientId(client.id.0.clone()),
                    template,
                    now,
                );
                Ok(OpenedNote::Draft(
                    EditableProgressNote::open(self.clone(), draft, None).await?,
                ))
            }
        }
    }

    /// The client's most recent signed note other than `except` and not
    /// dated after `on_or_before` (the note being written: a late entry for
    /// March must not copy April's plan), for "Copy from last note". A
    /// failure to read is no note: it must not block editing.
    pub async fn last_signed_note(
        &self,
        client_id: &str,
        except: &str,
        on_or_before: Option<Date>,
    ) -> Option<SignedProgressNote> {
        let notes = self.progress_notes_of(client_id).await.ok()?;
        notes
            .into_iter()
            .filter_map(Loaded::ok)
            .filter_map(|s| match s.value {
                ProgressNote::Signed(signed)
                    if signed.client_id().as_str() == client_id
                        && signed.id().as_str() != except
                        && on_or_before.is_none_or(|day| {
                            signed.date_of_service().is_none_or(|d| d <= day)
                        }) =>
                {
                    Some(signed)
                }
                _ => None,
            })
            .max_by_key(|s| (s.date_of_service(), s.signature().signed_at))
    }
}
