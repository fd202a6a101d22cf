//! A draft progress note open for editing: the handle the editor screen holds.
//!
//! The handle keeps what the screen must never hold: the note's revision, the
//! editor buffer's revision, and the version editing started from. It offers
//! what the screen needs: [`autosave`](EditableProgressNote::autosave) into the
//! encrypted buffer, [`save`](EditableProgressNote::save) into the record,
//! [`sign`](EditableProgressNote::sign) and
//! [`discard`](EditableProgressNote::discard).
//!
//! When someone saved the note in between (another tab, a merged backup), a
//! save merges field by field ([`merge_drafts`]): edits to different fields
//! both survive. Edits to the same field, a note signed or deleted meanwhile,
//! or unsaved changes recovered on top of a newer saved version come back as a
//! [`Conflict`] holding both versions, and nothing is written over the other
//! version until the clinician chooses ([`keep_mine`], [`keep_theirs`],
//! [`keep_both`]).
//!
//! [`keep_mine`]: EditableProgressNote::keep_mine
//! [`keep_theirs`]: EditableProgressNote::keep_theirs
//! [`keep_both`]: EditableProgressNote::keep_both

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::domain::{
    merge_drafts, ProgressNote, ProgressNoteDraft, ProgressNoteId, SignedProgressNote,
};

use super::amendable_note::AmendableNote;
use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::batch::Batch;
use super::conflict::{Conflict, SaveError};
use super::drafts::DraftBuffer;
use super::keyring::Keyring;
use super::note_commit::NoteWrite;
use super::open_vault::Vault;
use super::store::DraftsStore;
use super::VaultError;

/// A conflict over a draft: this editor's draft against the stored note, which
/// may have been signed (or deleted) meanwhile.
pub type NoteConflict = Conflict<ProgressNoteDraft, ProgressNote>;

/// What a save or autosave did.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// Written as given.
    AsIs,
    /// Written merged with changes saved elsewhere; the screen should show this.
    Merged(ProgressNoteDraft),
}

/// What opening the note found in the editor buffer.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovered {
    /// Nothing unsaved was kept.
    Nothing,
    /// Unsaved changes were kept and are loaded into the form.
    UnsavedChanges,
    /// Unsaved changes were kept but could not be read.
    Unreadable(VaultError),
}

/// A draft progress note open for editing. Cheap to clone: clones share state,
/// so writes still running after the screen closed keep the revisions right.
#[derive(Clone)]
pub struct EditableProgressNote {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    id: String,
    client_id: String,
    /// The note's revision in `progress_notes` (0: never committed).
    rev: Cell<u64>,
    /// The committed version editing started from: the base of merges.
    base: RefCell<ProgressNoteDraft>,
    /// The buffer's revision as this editor last wrote it (0: none).
    buffer_rev: Cell<u64>,
    /// What the form should show on opening.
    start: ProgressNoteDraft,
    recovered: Recovered,
    /// A conflict found on opening (unsaved changes older than the saved note),
    /// or met by a save, still waiting for the clinician's choice.
    pending: RefCell<Option<(NoteConflict, u64)>>,
    /// Signed through this handle: nothing more may be written as a draft.
    signed: Cell<bool>,
}

impl EditableProgressNote {
    /// Opens `draft`, stored at `rev` (0: never committed), with whatever the
    /// editor buffer kept for it.
    pub(in crate::vault) async fn open(
        vault: Vault,
        draft: ProgressNoteDraft,
        rev: u64,
    ) -> Result<EditableProgressNote, VaultError> {
        let id = draft.id.0.clone();
        let client_id = draft.client_id.0.clone();
        let mut start = draft.clone();
        let mut recovered = Recovered::Nothing;
        let mut pending = None;
        let mut buffer_rev = 0;
        match vault.draft_buffer(&id).await {
            Ok(Some(buffer)) if buffer.value.note.client_id == draft.client_id => {
                buffer_rev = buffer.rev;
                if buffer.value.base_rev == rev {
                    start = buffer.value.note;
                    recovered = Recovered::UnsavedChanges;
                } else {
                    // Made before a save that came later: both are shown, and
                    // nothing is saved until the clinician chooses.
                    pending = Some((
                        Conflict {
                            mine: buffer.value.note,
                            theirs: Some(ProgressNote::Draft(draft.clone())),
                            clashes: Vec::new(),
                        },
                        rev,
                    ));
                }
            }
            Ok(_) => {}
            Err(VaultError::Locked) => return Err(VaultError::Locked),
            Err(e) => recovered = Recovered::Unreadable(e),
        }
        Ok(EditableProgressNote {
            inner: Rc::new(State {
                vault,
                id,
                client_id,
                rev: Cell::new(rev),
                base: RefCell::new(draft),
                buffer_rev: Cell::new(buffer_rev),
                start,
                recovered,
                pending: RefCell::new(pending),
                signed: Cell::new(false),
            }),
        })
    }

    /// The note's id.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// What the form shows on opening: the saved draft, or the unsaved changes
    /// kept for it.
    pub fn start(&self) -> ProgressNoteDraft {
        self.inner.start.clone()
    }

    /// What opening found in the editor buffer.
    pub fn recovered(&self) -> &Recovered {
        &self.inner.recovered
    }

    /// Whether the note was ever committed to the record.
    pub fn is_saved(&self) -> bool {
        self.inner.rev.get() > 0
    }

    /// A conflict still waiting for the clinician's choice, if any.
    pub fn pending_conflict(&self) -> Option<NoteConflict> {
        self.inner.pending.borrow().as_ref().map(|(c, _)| c.clone())
    }

    fn refuse_while_pending(&self) -> Result<(), SaveError<ProgressNoteDraft, ProgressNote>> {
        if self.inner.signed.get() {
            // A late autosave of the form after signing must not leave a draft
            // buffer beside the signed note.
            return Err(SaveError::Failed(VaultError::SignedNoteIsPermanent));
        }
        match self.pending_conflict() {
            Some(conflict) => Err(SaveError::Conflict(Box::new(conflict))),
            None => Ok(()),
        }
    }

    /// Seals the form into the editor buffer: cheap, not audited, and not the
    /// record. Another tab's buffer write in between is merged in.
    pub async fn autosave(
        &self,
        draft: &ProgressNoteDraft,
        now_ms: i64,
    ) -> Result<Saved, SaveError<ProgressNoteDraft, ProgressNote>> {
        self.refuse_while_pending()?;
        let state = &self.inner;
        match self
            .write_buffer(draft, state.buffer_rev.get(), now_ms)
            .await
        {
            Ok(()) => Ok(Saved::AsIs),
            Err(VaultError::Conflict { .. } | VaultError::NotFound) => {
                // Another tab wrote or committed this note's buffer since.
                let theirs = match state.vault.draft_buffer(&state.id).await? {
                    Some(buffer) => buffer,
                    None => {
                        // Committed and removed: write ours afresh.
                        self.write_buffer(draft, 0, now_ms).await?;
                        return Ok(Saved::AsIs);
                    }
                };
                let base = state.base.borrow().clone();
                let merge = merge_drafts(&base, draft, &theirs.value.note);
                if !merge.is_clean() {
                    return Err(SaveError::Conflict(Box::new(Conflict {
                        mine: draft.clone(),
                        theirs: Some(ProgressNote::Draft(theirs.value.note)),
                        clashes: merge.clashes,
                    })));
                }
                self.write_buffer(&merge.merged, theirs.rev, now_ms).await?;
                Ok(Saved::Merged(merge.merged))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn write_buffer(
        &self,
        draft: &ProgressNoteDraft,
        rev: u64,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let buffer = DraftBuffer {
            note: draft.clone(),
            base_rev: state.rev.get(),
            saved_at_ms: now_ms,
        };
        let new_rev = state
            .vault
            .put::<DraftsStore, _>(&state.id, rev, &buffer, Keyring::drafts, &[])
            .await?;
        state.buffer_rev.set(new_rev);
        Ok(())
    }

    /// Saves the form into the record and drops the editor buffer, in one
    /// transaction. A note saved elsewhere meanwhile is merged (see the
    /// module doc).
    pub async fn save(
        &self,
        draft: &ProgressNoteDraft,
        now_ms: i64,
    ) -> Result<Saved, SaveError<ProgressNoteDraft, ProgressNote>> {
        self.refuse_while_pending()?;
        match self.commit(draft, self.inner.rev.get(), now_ms).await {
            Ok(()) => Ok(Saved::AsIs),
            Err(VaultError::Conflict { .. } | VaultError::NotFound) => {
                let (theirs, theirs_rev) = self.current().await?;
                let base = self.inner.base.borrow().clone();
                let conflict = |clashes| {
                    SaveError::Conflict(Box::new(Conflict {
                        mine: draft.clone(),
                        theirs: theirs.clone(),
                        clashes,
                    }))
                };
                let Some(ProgressNote::Draft(their_draft)) = &theirs else {
                    self.remember(conflict(Vec::new()), theirs_rev);
                    return Err(conflict(Vec::new()));
                };
                let merge = merge_drafts(&base, draft, their_draft);
                if !merge.is_clean() {
                    self.remember(conflict(merge.clashes.clone()), theirs_rev);
                    return Err(conflict(merge.clashes));
                }
                self.commit(&merge.merged, theirs_rev, now_ms).await?;
                Ok(Saved::Merged(merge.merged))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Commits `draft` over revision `rev` and drops this editor's buffer.
    async fn commit(
        &self,
        draft: &ProgressNoteDraft,
        rev: u64,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let note = ProgressNote::Draft(draft.clone());
        let new_rev = state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: Some(&note),
                rev,
                buffers: &[(&state.id, state.buffer_rev.get())],
                action: None,
                strict: false,
                now_ms,
            })
            .await?;
        state.rev.set(new_rev);
        *state.base.borrow_mut() = draft.clone();
        state.buffer_rev.set(0);
        Ok(())
    }

    /// The note as stored now, and its revision (0 when it is gone).
    async fn current(&self) -> Result<(Option<ProgressNote>, u64), VaultError> {
        Ok(match self.inner.vault.current_note(&self.inner.id).await? {
            Some(stored) => (Some(stored.value), stored.rev),
            None => (None, 0),
        })
    }

    fn remember(&self, error: SaveError<ProgressNoteDraft, ProgressNote>, theirs_rev: u64) {
        if let SaveError::Conflict(conflict) = error {
            *self.inner.pending.borrow_mut() = Some((*conflict, theirs_rev));
        }
    }

    /// Settles the pending conflict with this editor's version: written over
    /// the other one. Refused when the other was signed (a signed note is never
    /// replaced by a draft: keep both instead).
    pub async fn keep_mine(&self, mine: &ProgressNoteDraft, now_ms: i64) -> Result<(), VaultError> {
        let theirs_rev = self.pending_rev()?;
        if self.pending_is_signed() {
            return Err(VaultError::SignedNoteIsPermanent);
        }
        let (_, current_rev) = self.current().await?;
        if current_rev != theirs_rev {
            // Changed again while the clinician compared: compare again.
            return Err(VaultError::Conflict {
                current_revision: current_rev,
            });
        }
        self.commit(mine, theirs_rev, now_ms).await?;
        *self.inner.pending.borrow_mut() = None;
        Ok(())
    }

    /// Settles the pending conflict with the other version; this editor's
    /// unsaved changes are discarded, and the audit log says so. Returns the
    /// note as stored, for the screen to show (it may be signed).
    pub async fn keep_theirs(&self, now_ms: i64) -> Result<Option<ProgressNote>, VaultError> {
        self.pending_rev()?;
        let (theirs, theirs_rev) = self.current().await?;
        self.drop_buffer(now_ms).await?;
        self.adopt(&theirs, theirs_rev);
        Ok(theirs)
    }

    /// Settles the pending conflict by keeping both: this editor's version
    /// becomes a new draft note of the same client (returned by id), and this
    /// handle follows the other version.
    pub async fn keep_both(
        &self,
        mine: &ProgressNoteDraft,
        now_ms: i64,
    ) -> Result<String, VaultError> {
        self.pending_rev()?;
        let state = &self.inner;
        let copy_id = state.vault.new_record_id()?;
        let mut copy = mine.clone();
        copy.id = ProgressNoteId(copy_id.clone());
        let note = ProgressNote::Draft(copy);
        state
            .vault
            .commit_note(&NoteWrite {
                id: &copy_id,
                client_id: &state.client_id,
                note: Some(&note),
                rev: 0,
                buffers: &[],
                action: None,
                strict: false,
                now_ms,
            })
            .await?;
        let (theirs, theirs_rev) = self.current().await?;
        self.drop_buffer(now_ms).await?;
        self.adopt(&theirs, theirs_rev);
        Ok(copy_id)
    }

    fn pending_rev(&self) -> Result<u64, VaultError> {
        self.inner
            .pending
            .borrow()
            .as_ref()
            .map(|(_, rev)| *rev)
            .ok_or(VaultError::NotFound)
    }

    fn pending_is_signed(&self) -> bool {
        matches!(
            self.inner.pending.borrow().as_ref(),
            Some((
                Conflict {
                    theirs: Some(ProgressNote::Signed(_)),
                    ..
                },
                _
            ))
        )
    }

    /// Follows `theirs` from now on.
    fn adopt(&self, theirs: &Option<ProgressNote>, rev: u64) {
        let state = &self.inner;
        match theirs {
            Some(ProgressNote::Draft(draft)) => *state.base.borrow_mut() = draft.clone(),
            // The note it follows is signed: this handle may write no draft
            // over it, and discard nothing.
            Some(ProgressNote::Signed(_)) => state.signed.set(true),
            None => {}
        }
        state.rev.set(rev);
        *state.pending.borrow_mut() = None;
    }

    /// Removes this editor's buffer, audited as discarded unsaved changes.
    async fn drop_buffer(&self, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let rev = state.buffer_rev.get();
        if rev == 0 {
            return Ok(());
        }
        let event = AuditEvent::about(
            now_ms,
            AuditAction::DiscardedUnsavedChanges(RecordKind::ProgressNote),
            &state.id,
        );
        state
            .vault
            .audit_batch(
                Batch::new().delete_if_at::<DraftsStore>(&state.id, rev),
                &[event],
            )?
            .commit(state.vault.connection())
            .await?;
        state.buffer_rev.set(0);
        Ok(())
    }

    /// Signs: commits `signed` in place of the draft, drops the buffer, and
    /// audits it, in one transaction flushed to disk. Refused, as a conflict,
    /// when the note changed since it was opened: a clinician signs only what
    /// they saw.
    pub async fn sign(
        &self,
        signed: SignedProgressNote,
        now_ms: i64,
    ) -> Result<AmendableNote, SaveError<ProgressNoteDraft, ProgressNote>> {
        self.refuse_while_pending()?;
        let state = &self.inner;
        if signed.id().as_str() != state.id || signed.client_id().as_str() != state.client_id {
            return Err(SaveError::Failed(VaultError::NotFound));
        }
        let note = ProgressNote::Signed(signed.clone());
        let committed = state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: Some(&note),
                rev: state.rev.get(),
                buffers: &[(&state.id, state.buffer_rev.get())],
                action: Some(AuditAction::Signed),
                strict: true,
                now_ms,
            })
            .await;
        match committed {
            Ok(new_rev) => {
                state.rev.set(new_rev);
                state.buffer_rev.set(0);
                Ok(AmendableNote::after_signing(
                    state.vault.clone(),
                    signed,
                    new_rev,
                ))
            }
            Err(VaultError::Conflict { .. } | VaultError::NotFound) => {
                let (theirs, theirs_rev) = self.current().await?;
                let error = SaveError::Conflict(Box::new(Conflict {
                    mine: signed.content().clone(),
                    theirs,
                    clashes: Vec::new(),
                }));
                self.remember(error.clone(), theirs_rev);
                Err(error)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Discards the note: an unsigned note that was saved is deleted from the
    /// record, and any unsaved changes go, in one audited transaction. The
    /// screen asks first. (A signed note has no such handle: it is permanent.)
    pub async fn discard(&self, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        if state.signed.get() {
            return Err(VaultError::SignedNoteIsPermanent);
        }
        if state.rev.get() == 0 {
            return self.drop_buffer(now_ms).await;
        }
        state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: None,
                rev: state.rev.get(),
                buffers: &[(&state.id, state.buffer_rev.get())],
                action: Some(AuditAction::Deleted(RecordKind::ProgressNote)),
                strict: false,
                now_ms,
            })
            .await?;
        state.rev.set(0);
        state.buffer_rev.set(0);
        Ok(())
    }
}
