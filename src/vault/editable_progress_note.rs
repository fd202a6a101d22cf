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
use super::revision_tree::RevId;
use super::sealer::Version;
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
    Merged(Box<ProgressNoteDraft>),
}

/// What became of a note elsewhere (another tab, a synced device) while its
/// editor was open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedElsewhere {
    /// Saved with other text.
    Edited,
    /// Signed: it can no longer be changed, and a save keeps this editor's
    /// text beside it.
    Signed,
    /// Deleted.
    Deleted,
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
    /// The note's revision in `progress_notes` (`None`: never committed).
    rev: RefCell<Option<Version>>,
    /// The committed version editing started from: the base of merges.
    base: RefCell<ProgressNoteDraft>,
    /// The buffer's revision as this editor last wrote it (`None`: none).
    buffer_rev: RefCell<Option<Version>>,
    /// What the form should show on opening.
    start: ProgressNoteDraft,
    recovered: Recovered,
    /// A conflict found on opening (unsaved changes older than the saved note),
    /// or met by a save, still waiting for the clinician's choice.
    pending: RefCell<Option<(NoteConflict, Option<Version>)>>,
    /// Signed through this handle: nothing more may be written as a draft.
    signed: Cell<bool>,
}

impl EditableProgressNote {
    /// Opens `draft`, stored at `rev` (`None`: never committed), with whatever
    /// the editor buffer kept for it.
    pub(in crate::vault) async fn open(
        vault: Vault,
        draft: ProgressNoteDraft,
        rev: Option<Version>,
    ) -> Result<EditableProgressNote, VaultError> {
        let id = draft.id.0.clone();
        let client_id = draft.client_id.0.clone();
        let mut start = draft.clone();
        let mut recovered = Recovered::Nothing;
        let mut pending = None;
        let mut buffer_rev = None;
        match vault.draft_buffer(&id).await {
            Ok(Some(buffer)) if buffer.value.note.client_id == draft.client_id => {
                buffer_rev = Some(buffer.version);
                if buffer.value.is_based_on(rev.as_ref().map(|v| &v.rev)) {
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
                        rev.clone(),
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
                rev: RefCell::new(rev),
                base: RefCell::new(draft),
                buffer_rev: RefCell::new(buffer_rev),
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
        self.inner.rev.borrow().is_some()
    }

    /// A conflict still waiting for the clinician's choice, if any.
    pub fn pending_conflict(&self) -> Option<NoteConflict> {
        self.inner.pending.borrow().as_ref().map(|(c, _)| c.clone())
    }

    /// Whether the record moved on since this editor last read or wrote it.
    /// `None` while it is still what this editor builds on, and for a note
    /// never saved. Nothing is written: the next save compares the versions.
    pub async fn changed_elsewhere(&self) -> Result<Option<ChangedElsewhere>, VaultError> {
        let Some(mine) = self.inner.rev.borrow().clone() else {
            return Ok(None);
        };
        let (theirs, theirs_rev) = self.current().await?;
        if theirs_rev.is_some_and(|v| v.rev == mine.rev) {
            return Ok(None);
        }
        Ok(Some(match theirs {
            None => ChangedElsewhere::Deleted,
            Some(ProgressNote::Signed(_)) => ChangedElsewhere::Signed,
            Some(ProgressNote::Draft(_)) => ChangedElsewhere::Edited,
        }))
    }

    /// Whether the note holds versions from other devices still to settle
    /// (the Conflicts page compares them); this editor shows one of them.
    pub async fn versions_to_settle(&self) -> Result<bool, VaultError> {
        Ok(self
            .inner
            .vault
            .current_note(&self.inner.id)
            .await?
            .is_some_and(|stored| stored.conflicts > 0))
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
        let buffer_rev = state.buffer_rev.borrow().clone();
        match self.write_buffer(draft, buffer_rev.as_ref(), now_ms).await {
            Ok(()) => Ok(Saved::AsIs),
            Err(VaultError::Conflict | VaultError::NotFound) => {
                // Another tab wrote or committed this note's buffer since.
                let theirs = match state.vault.draft_buffer(&state.id).await? {
                    Some(buffer) => buffer,
                    None => {
                        // Committed and removed: write ours afresh.
                        self.write_buffer(draft, None, now_ms).await?;
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
                self.write_buffer(&merge.merged, Some(&theirs.version), now_ms)
                    .await?;
                Ok(Saved::Merged(Box::new(merge.merged)))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn write_buffer(
        &self,
        draft: &ProgressNoteDraft,
        rev: Option<&Version>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let base = state.rev.borrow().as_ref().map(|v| v.rev);
        let buffer = DraftBuffer::new(draft.clone(), base, now_ms);
        let new_rev = state
            .vault
            .put::<DraftsStore, _>(&state.id, rev, &buffer, Keyring::drafts_key, &[])
            .await?;
        *state.buffer_rev.borrow_mut() = Some(new_rev);
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
        let rev = self.inner.rev.borrow().clone();
        match self.commit(draft, rev.as_ref(), now_ms).await {
            Ok(()) => Ok(Saved::AsIs),
            Err(VaultError::Conflict | VaultError::NotFound) => {
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
                    self.remember(conflict(Vec::new()), theirs_rev.clone());
                    return Err(conflict(Vec::new()));
                };
                let merge = merge_drafts(&base, draft, their_draft);
                if !merge.is_clean() {
                    self.remember(conflict(merge.clashes.clone()), theirs_rev.clone());
                    return Err(conflict(merge.clashes));
                }
                self.commit(&merge.merged, theirs_rev.as_ref(), now_ms)
                    .await?;
                Ok(Saved::Merged(Box::new(merge.merged)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Commits `draft` over revision `rev` and drops this editor's buffer.
    async fn commit(
        &self,
        draft: &ProgressNoteDraft,
        rev: Option<&Version>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let note = ProgressNote::Draft(draft.clone());
        let buffer = self.buffer_rev();
        let new_rev = state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: Some(&note),
                version: rev,
                buffers: &[(&state.id, buffer)],
                action: None,
                strict: false,
                now_ms,
            })
            .await?;
        *state.rev.borrow_mut() = Some(new_rev);
        *state.base.borrow_mut() = draft.clone();
        *state.buffer_rev.borrow_mut() = None;
        Ok(())
    }

    /// The revision this editor last wrote its buffer at.
    fn buffer_rev(&self) -> Option<RevId> {
        self.inner.buffer_rev.borrow().as_ref().map(|v| v.rev)
    }

    /// The note as stored now, and its revision (`None` when it is gone).
    async fn current(&self) -> Result<(Option<ProgressNote>, Option<Version>), VaultError> {
        Ok(match self.inner.vault.current_note(&self.inner.id).await? {
            Some(stored) => (Some(stored.value), Some(stored.version)),
            None => (None, None),
        })
    }

    fn remember(
        &self,
        error: SaveError<ProgressNoteDraft, ProgressNote>,
        theirs_rev: Option<Version>,
    ) {
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
        if current_rev.as_ref().map(|v| v.rev) != theirs_rev.as_ref().map(|v| v.rev) {
            // Changed again while the clinician compared: compare again.
            return Err(VaultError::Conflict);
        }
        self.commit(mine, theirs_rev.as_ref(), now_ms).await?;
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
                version: None,
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

    fn pending_rev(&self) -> Result<Option<Version>, VaultError> {
        self.inner
            .pending
            .borrow()
            .as_ref()
            .map(|(_, rev)| rev.clone())
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
    fn adopt(&self, theirs: &Option<ProgressNote>, rev: Option<Version>) {
        let state = &self.inner;
        match theirs {
            Some(ProgressNote::Draft(draft)) => *state.base.borrow_mut() = draft.clone(),
            // The note it follows is signed: this handle may write no draft
            // over it, and discard nothing.
            Some(ProgressNote::Signed(_)) => state.signed.set(true),
            None => {}
        }
        *state.rev.borrow_mut() = rev;
        *state.pending.borrow_mut() = None;
    }

    /// Removes this editor's buffer, audited as discarded unsaved changes.
    async fn drop_buffer(&self, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let Some(rev) = self.buffer_rev() else {
            return Ok(());
        };
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
        *state.buffer_rev.borrow_mut() = None;
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
        let rev = state.rev.borrow().clone();
        let buffer = self.buffer_rev();
        let committed = state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: Some(&note),
                version: rev.as_ref(),
                buffers: &[(&state.id, buffer)],
                action: Some(AuditAction::Signed),
                strict: true,
                now_ms,
            })
            .await;
        match committed {
            Ok(new_rev) => {
                *state.rev.borrow_mut() = Some(new_rev.clone());
                *state.buffer_rev.borrow_mut() = None;
                state.signed.set(true);
                Ok(AmendableNote::after_signing(
                    state.vault.clone(),
                    signed,
                    new_rev,
                ))
            }
            Err(VaultError::Conflict | VaultError::NotFound) => {
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
        let Some(rev) = state.rev.borrow().clone() else {
            return self.drop_buffer(now_ms).await;
        };
        let buffer = self.buffer_rev();
        state
            .vault
            .commit_note(&NoteWrite {
                id: &state.id,
                client_id: &state.client_id,
                note: None,
                version: Some(&rev),
                buffers: &[(&state.id, buffer)],
                action: Some(AuditAction::Deleted(RecordKind::ProgressNote)),
                strict: false,
                now_ms,
            })
            .await?;
        *state.rev.borrow_mut() = None;
        *state.buffer_rev.borrow_mut() = None;
        Ok(())
    }
}
