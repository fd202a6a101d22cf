//! A signed progress note open on screen: read-only, amendable with addenda.
//!
//! The note itself is never written again except to append an addendum, which
//! is signed, chained to the note and to the addendum before it, and committed
//! with its audit event in one transaction. An addendum being typed is
//! autosaved into the encrypted editor buffer like note text, so it survives a
//! reload. If another tab added an addendum first, this one is appended after
//! it: addenda never replace each other.
//!
//! Opening a signed note also finds unsaved draft changes kept from before it
//! was signed (in another tab, say): they are offered, to start an addendum
//! with or to discard, never silently dropped.

use std::cell::RefCell;
use std::rc::Rc;

use crate::domain::{Addendum, ProgressNote, ProgressNoteDraft, SignedProgressNote};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::batch::Batch;
use super::drafts::{addendum_buffer_id, AddendumBuffer};
use super::keyring::Keyring;
use super::note_commit::NoteWrite;
use super::open_vault::Vault;
use super::revision_tree::RevId;
use super::sealer::Version;
use super::store::DraftsStore;
use super::VaultError;

/// A signed note open on screen. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct AmendableNote {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    note: RefCell<SignedProgressNote>,
    rev: RefCell<Version>,
    /// The addendum buffer's revision as last written here (`None`: none).
    addendum_rev: RefCell<Option<Version>>,
    /// Addendum text kept from before, to put back in the form.
    kept_addendum: Option<String>,
    /// Draft changes kept from before the note was signed, and their buffer's
    /// revision.
    unsaved_draft: RefCell<Option<(ProgressNoteDraft, RevId)>>,
}

impl AmendableNote {
    pub(in crate::vault) async fn open(
        vault: Vault,
        note: SignedProgressNote,
        rev: Version,
    ) -> Result<AmendableNote, VaultError> {
        let id = note.id().0.clone();
        let (addendum, draft) = futures::join!(vault.addendum_buffer(&id), vault.draft_buffer(&id));
        let (kept_addendum, addendum_rev) = match addendum {
            Ok(Some(buffer)) if buffer.value.note_id == id => {
                (Some(buffer.value.text), Some(buffer.version))
            }
            Err(VaultError::Locked) => return Err(VaultError::Locked),
            _ => (None, None),
        };
        let unsaved_draft = match draft {
            Ok(Some(buffer)) if buffer.value.note.id == *note.id() => {
                Some((buffer.value.note, buffer.version.rev))
            }
            _ => None,
        };
        Ok(AmendableNote {
            inner: Rc::new(State {
                vault,
                note: RefCell::new(note),
                rev: RefCell::new(rev),
                addendum_rev: RefCell::new(addendum_rev),
                kept_addendum,
                unsaved_draft: RefCell::new(unsaved_draft),
            }),
        })
    }

    /// The handle of a note this editor just signed.
    pub(in crate::vault) fn after_signing(
        vault: Vault,
        note: SignedProgressNote,
        rev: Version,
    ) -> AmendableNote {
        AmendableNote {
            inner: Rc::new(State {
                vault,
                note: RefCell::new(note),
                rev: RefCell::new(rev),
                addendum_rev: RefCell::new(None),
                kept_addendum: None,
                unsaved_draft: RefCell::new(None),
            }),
        }
    }

    /// The note as signed, with its addenda.
    pub fn note(&self) -> SignedProgressNote {
        self.inner.note.borrow().clone()
    }

    /// Addendum text typed before and not signed yet.
    pub fn kept_addendum(&self) -> Option<String> {
        self.inner.kept_addendum.clone()
    }

    /// Draft changes kept from before the note was signed elsewhere.
    pub fn unsaved_draft(&self) -> Option<ProgressNoteDraft> {
        self.inner
            .unsaved_draft
            .borrow()
            .as_ref()
            .map(|(d, _)| d.clone())
    }

    /// Discards the draft changes kept from before signing; audited.
    pub async fn discard_unsaved_draft(&self, now_ms: i64) -> Result<(), VaultError> {
        let Some((_, rev)) = self.inner.unsaved_draft.borrow().clone() else {
            return Ok(());
        };
        let id = self.inner.note.borrow().id().0.clone();
        self.remove_buffer(&id, rev, now_ms).await?;
        *self.inner.unsaved_draft.borrow_mut() = None;
        Ok(())
    }

    /// Seals the addendum being typed into the editor buffer. Blank text
    /// removes the buffer.
    pub async fn autosave_addendum(&self, text: &str, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let note_id = state.note.borrow().id().0.clone();
        let buffer_id = addendum_buffer_id(&note_id);
        let rev = state.addendum_rev.borrow().clone();
        if text.trim().is_empty() {
            if let Some(rev) = rev {
                Batch::new()
                    .delete_if_at::<DraftsStore>(&buffer_id, rev.rev)
                    .commit(state.vault.connection())
                    .await?;
                *state.addendum_rev.borrow_mut() = None;
            }
            return Ok(());
        }
        let buffer = AddendumBuffer {
            note_id,
            text: text.to_owned(),
            saved_at_ms: now_ms,
        };
        let written = state
            .vault
            .put::<DraftsStore, _>(&buffer_id, rev.as_ref(), &buffer, Keyring::drafts_key, &[])
            .await;
        let new_rev = match written {
            Ok(rev) => rev,
            // Another tab typed an addendum to this note too (or signed one):
            // its text is in that tab; this tab's text is the one on this
            // screen. Keep writing, over whatever the buffer holds now.
            Err(VaultError::Conflict | VaultError::NotFound) => {
                let current = state
                    .vault
                    .addendum_buffer(&buffer.note_id)
                    .await
                    .ok()
                    .flatten()
                    .map(|b| b.version);
                state
                    .vault
                    .put::<DraftsStore, _>(
                        &buffer_id,
                        current.as_ref(),
                        &buffer,
                        Keyring::drafts_key,
                        &[],
                    )
                    .await?
            }
            Err(e) => return Err(e),
        };
        *state.addendum_rev.borrow_mut() = Some(new_rev);
        Ok(())
    }

    /// Appends a signed addendum, drops its buffer, and audits it, in one
    /// transaction flushed to disk. Returns the note as it now reads.
    pub async fn add_addendum(
        &self,
        addendum: Addendum,
        now_ms: i64,
    ) -> Result<SignedProgressNote, VaultError> {
        const ATTEMPTS: usize = 3;
        let state = &self.inner;
        for _ in 0..ATTEMPTS {
            let mut amended = state.note.borrow().clone();
            amended.add_addendum(addendum.clone());
            let id = amended.id().0.clone();
            let client_id = amended.client_id().0.clone();
            let note = ProgressNote::Signed(amended.clone());
            let buffer_id = addendum_buffer_id(&id);
            let rev = state.rev.borrow().clone();
            let buffer = state.addendum_rev.borrow().as_ref().map(|v| v.rev);
            let committed = state
                .vault
                .commit_note(&NoteWrite {
                    id: &id,
                    client_id: &client_id,
                    note: Some(&note),
                    version: Some(&rev),
                    buffers: &[(&buffer_id, buffer)],
                    action: Some(AuditAction::Amended),
                    strict: true,
                    now_ms,
                })
                .await;
            match committed {
                Ok(rev) => {
                    *state.rev.borrow_mut() = rev;
                    *state.note.borrow_mut() = amended.clone();
                    *state.addendum_rev.borrow_mut() = None;
                    return Ok(amended);
                }
                Err(VaultError::Conflict) => {
                    // Another addendum went in first: read it and append after it.
                    let current = state.vault.current_note(&id).await?;
                    match current {
                        Some(stored) => match stored.value {
                            ProgressNote::Signed(signed) => {
                                *state.note.borrow_mut() = signed;
                                *state.rev.borrow_mut() = stored.version;
                            }
                            ProgressNote::Draft(_) => return Err(VaultError::Damaged { id }),
                        },
                        None => return Err(VaultError::NotFound),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(VaultError::Conflict)
    }

    /// Throws away the addendum being typed; audited when text was kept.
    pub async fn discard_addendum(&self, now_ms: i64) -> Result<(), VaultError> {
        let Some(rev) = self.inner.addendum_rev.replace(None) else {
            return Ok(());
        };
        let id = addendum_buffer_id(self.inner.note.borrow().id().as_str());
        self.remove_buffer(&id, rev.rev, now_ms).await
    }

    async fn remove_buffer(
        &self,
        buffer_id: &str,
        rev: RevId,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let note_id = self.inner.note.borrow().id().0.clone();
        let event = AuditEvent::about(
            now_ms,
            AuditAction::DiscardedUnsavedChanges(RecordKind::ProgressNote),
            &note_id,
        );
        self.inner
            .vault
            .audit_batch(
                Batch::new().delete_if_at::<DraftsStore>(buffer_id, rev),
                &[event],
            )?
            .commit(self.inner.vault.connection())
            .await
    }
}
