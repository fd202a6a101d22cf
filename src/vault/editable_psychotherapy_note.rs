//! A psychotherapy note open for editing: the handle its editor holds.
//!
//! Psychotherapy notes have no editor buffer (their text may rest only under
//! the psychotherapy key), so every save, the autosave's included, writes the
//! note itself. The handle keeps the revision and the version editing started
//! from; a save over a version saved meanwhile is a [`Conflict`] unless the
//! other side changed nothing this side changed.

use std::cell::RefCell;
use std::rc::Rc;

use crate::domain::{PsychotherapyNote, PsychotherapyNoteId};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::conflict::{Conflict, SaveError};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::Version;
use super::store::PsychotherapyNotes;
use super::VaultError;

/// A psychotherapy note open for editing. Clones share state.
#[derive(Clone)]
pub struct EditablePsychotherapyNote {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    /// The revision stored (`None`: never saved).
    rev: RefCell<Option<Version>>,
    base: RefCell<PsychotherapyNote>,
    /// The revision of the version a pending conflict was against (`None`
    /// inside: the note is gone).
    pending: RefCell<Option<Option<Version>>>,
}

impl EditablePsychotherapyNote {
    pub(in crate::vault) fn new(
        vault: Vault,
        note: PsychotherapyNote,
        rev: Option<Version>,
    ) -> Self {
        EditablePsychotherapyNote {
            inner: Rc::new(State {
                vault,
                rev: RefCell::new(rev),
                base: RefCell::new(note),
                pending: RefCell::new(None),
            }),
        }
    }

    /// The note as it was opened or last saved.
    pub fn note(&self) -> PsychotherapyNote {
        self.inner.base.borrow().clone()
    }

    /// The note's id.
    pub fn id(&self) -> PsychotherapyNoteId {
        self.inner.base.borrow().id.clone()
    }

    /// Whether the note was ever stored.
    pub fn is_saved(&self) -> bool {
        self.inner.rev.borrow().is_some()
    }

    /// Saves `note` (its id and client are the handle's). The first save
    /// creates the record and audits it.
    pub async fn save(
        &self,
        note: &PsychotherapyNote,
        now_ms: i64,
    ) -> Result<(), SaveError<PsychotherapyNote>> {
        let state = &self.inner;
        if state.pending.borrow().is_some() {
            return Err(self.conflict_with_current(note).await);
        }
        let mut note = note.clone();
        {
            let base = state.base.borrow();
            note.id = base.id.clone();
            note.client_id = base.client_id.clone();
        }
        let rev = state.rev.borrow().clone();
        match self.write(&note, rev.as_ref(), now_ms).await {
            Ok(()) => Ok(()),
            Err(VaultError::Conflict | VaultError::NotFound) => {
                let current = state
                    .vault
                    .get_optional::<PsychotherapyNotes, PsychotherapyNote>(
                        note.id.as_str(),
                        Keyring::psychotherapy_key,
                    )
                    .await?;
                let base = state.base.borrow().clone();
                match current {
                    // Saved elsewhere without a change to what this side wrote
                    // (the same text, or only a date both agree on): write over.
                    Some(theirs)
                        if theirs.value.text == base.text
                            && theirs.value.session_date == base.session_date =>
                    {
                        self.write(&note, Some(&theirs.version), now_ms).await?;
                        Ok(())
                    }
                    Some(theirs) => {
                        *state.pending.borrow_mut() = Some(Some(theirs.version));
                        Err(SaveError::Conflict(Box::new(Conflict {
                            mine: note,
                            theirs: Some(theirs.value),
                            clashes: vec!["Psychotherapy note".to_owned()],
                        })))
                    }
                    None => {
                        *state.pending.borrow_mut() = Some(None);
                        Err(SaveError::Conflict(Box::new(Conflict {
                            mine: note,
                            theirs: None,
                            clashes: Vec::new(),
                        })))
                    }
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn conflict_with_current(
        &self,
        mine: &PsychotherapyNote,
    ) -> SaveError<PsychotherapyNote> {
        let id = self.id();
        match self
            .inner
            .vault
            .get_optional::<PsychotherapyNotes, PsychotherapyNote>(
                id.as_str(),
                Keyring::psychotherapy_key,
            )
            .await
        {
            Ok(theirs) => SaveError::Conflict(Box::new(Conflict {
                mine: mine.clone(),
                theirs: theirs.map(|t| t.value),
                clashes: Vec::new(),
            })),
            Err(e) => SaveError::Failed(e),
        }
    }

    async fn write(
        &self,
        note: &PsychotherapyNote,
        rev: Option<&Version>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let events = if rev.is_none() {
            vec![AuditEvent::about(
                now_ms,
                AuditAction::Created(RecordKind::PsychotherapyNote),
                note.id.as_str(),
            )]
        } else {
            Vec::new()
        };
        let new_rev = state
            .vault
            .put::<PsychotherapyNotes, _>(
                note.id.as_str(),
                rev,
                note,
                Keyring::psychotherapy_key,
                &events,
            )
            .await?;
        *state.rev.borrow_mut() = Some(new_rev);
        *state.base.borrow_mut() = note.clone();
        Ok(())
    }

    /// Settles a pending conflict with this screen's version.
    pub async fn keep_mine(&self, mine: &PsychotherapyNote, now_ms: i64) -> Result<(), VaultError> {
        let theirs_rev = self.inner.pending.take().ok_or(VaultError::NotFound)?;
        self.write(mine, theirs_rev.as_ref(), now_ms).await
    }

    /// Settles a pending conflict with the other version; returns it.
    pub async fn keep_theirs(&self) -> Result<Option<PsychotherapyNote>, VaultError> {
        let state = &self.inner;
        state.pending.take().ok_or(VaultError::NotFound)?;
        let id = self.id();
        let current = state
            .vault
            .get_optional::<PsychotherapyNotes, PsychotherapyNote>(
                id.as_str(),
                Keyring::psychotherapy_key,
            )
            .await?;
        if let Some(theirs) = &current {
            *state.rev.borrow_mut() = Some(theirs.version.clone());
            *state.base.borrow_mut() = theirs.value.clone();
        }
        Ok(current.map(|c| c.value))
    }

    /// Settles a pending conflict by keeping both: this screen's version is
    /// stored as a new note, returned, and this handle follows the other one.
    pub async fn keep_both(
        &self,
        mine: &PsychotherapyNote,
        now_ms: i64,
    ) -> Result<PsychotherapyNote, VaultError> {
        let state = &self.inner;
        let mut copy = mine.clone();
        copy.id = PsychotherapyNoteId(state.vault.new_record_id()?);
        let event = AuditEvent::about(
            now_ms,
            AuditAction::Created(RecordKind::PsychotherapyNote),
            copy.id.as_str(),
        );
        state
            .vault
            .put::<PsychotherapyNotes, _>(
                copy.id.as_str(),
                None,
                &copy,
                Keyring::psychotherapy_key,
                &[event],
            )
            .await?;
        self.keep_theirs().await?;
        Ok(copy)
    }

    /// Deletes the note for good, with an audit event. The screen asks first.
    pub async fn delete(&self, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let Some(rev) = state.rev.borrow().clone() else {
            return Ok(());
        };
        let id = self.id();
        let event = AuditEvent::about(
            now_ms,
            AuditAction::Deleted(RecordKind::PsychotherapyNote),
            id.as_str(),
        );
        state
            .vault
            .remove::<PsychotherapyNotes>(id.as_str(), &rev, Keyring::psychotherapy_key, &event)
            .await?;
        *state.rev.borrow_mut() = None;
        Ok(())
    }
}
