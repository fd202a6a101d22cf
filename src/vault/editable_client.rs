//! A client record open for editing, and the rule that keeps a client with
//! notes in the record.
//!
//! Deleting a client is refused while any note of theirs exists, progress or
//! psychotherapy, and while any note cannot be opened (its client cannot be
//! known, so it might be theirs). The check and the deletion are one
//! transaction: a note saved in another tab in between cannot slip past it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::domain::rights::LedgerEntry;
use crate::domain::{Client, MeasureRecord, ProgressNote, PsychotherapyNote};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::conflict::{Conflict, SaveError};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::raw;
use super::record::StoredRecord;
use super::sealer::{Loaded, Sealer, Version};
use super::store::{
    AuditLog, Clients, EncryptedStore, MeasureResults, NoteIndex, ProgressNotes,
    PsychotherapyNotes, RightsLedger,
};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// A client open for editing. Clones share state.
#[derive(Clone)]
pub struct EditableClient {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    /// The revision stored (`None`: never saved).
    rev: RefCell<Option<Version>>,
    base: RefCell<Client>,
    /// A conflict waiting for the clinician: the other version's revision
    /// (`None` inside: the record is gone).
    pending: RefCell<Option<Option<Version>>>,
}

impl EditableClient {
    pub(in crate::vault) fn new(vault: Vault, client: Client, rev: Option<Version>) -> Self {
        EditableClient {
            inner: Rc::new(State {
                vault,
                rev: RefCell::new(rev),
                base: RefCell::new(client),
                pending: RefCell::new(None),
            }),
        }
    }

    /// The client as opened or last saved.
    pub fn client(&self) -> Client {
        self.inner.base.borrow().clone()
    }

    /// Whether the client was ever stored.
    pub fn is_saved(&self) -> bool {
        self.inner.rev.borrow().is_some()
    }

    /// Saves `client` (its id is the handle's). The first save creates the
    /// record and audits it. A save over a version changed elsewhere is a
    /// [`Conflict`], unless the other version equals the one opened.
    pub async fn save(&self, client: &Client, now_ms: i64) -> Result<(), SaveError<Client>> {
        let state = &self.inner;
        let mut client = client.clone();
        client.id = state.base.borrow().id.clone();
        if state.pending.borrow().is_some() {
            return Err(self.conflict(client).await);
        }
        let rev = state.rev.borrow().clone();
        match self.write(&client, rev.as_ref(), now_ms).await {
            Ok(()) => Ok(()),
            Err(VaultError::Conflict | VaultError::NotFound) => Err(self.conflict(client).await),
            Err(e) => Err(e.into()),
        }
    }

    async fn conflict(&self, mine: Client) -> SaveError<Client> {
        let state = &self.inner;
        match state
            .vault
            .get_optional::<Clients, Client>(mine.id.as_str(), Keyring::records_key)
            .await
        {
            Ok(theirs) => {
                *state.pending.borrow_mut() = Some(theirs.as_ref().map(|t| t.version.clone()));
                SaveError::Conflict(Box::new(Conflict {
                    mine,
                    theirs: theirs.map(|t| t.value),
                    clashes: Vec::new(),
                }))
            }
            Err(e) => SaveError::Failed(e),
        }
    }

    async fn write(
        &self,
        client: &Client,
        rev: Option<&Version>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let state = &self.inner;
        let events = if rev.is_none() {
            vec![AuditEvent::about(
                now_ms,
                AuditAction::Created(RecordKind::Client),
                client.id.as_str(),
            )]
        } else {
            Vec::new()
        };
        let new_rev = state
            .vault
            .put::<Clients, _>(
                client.id.as_str(),
                rev,
                client,
                Keyring::records_key,
                &events,
            )
            .await?;
        *state.rev.borrow_mut() = Some(new_rev);
        *state.base.borrow_mut() = client.clone();
        Ok(())
    }

    /// Settles a pending conflict with this screen's version.
    pub async fn keep_mine(&self, mine: &Client, now_ms: i64) -> Result<(), VaultError> {
        let theirs_rev = self.inner.pending.take().ok_or(VaultError::NotFound)?;
        self.write(mine, theirs_rev.as_ref(), now_ms).await
    }

    /// Settles a pending conflict with the other version; returns it.
    pub async fn keep_theirs(&self) -> Result<Option<Client>, VaultError> {
        let state = &self.inner;
        state.pending.take().ok_or(VaultError::NotFound)?;
        let id = state.base.borrow().id.0.clone();
        let current = state
            .vault
            .get_optional::<Clients, Client>(&id, Keyring::records_key)
            .await?;
        if let Some(theirs) = &current {
            *state.rev.borrow_mut() = Some(theirs.version.clone());
            *state.base.borrow_mut() = theirs.value.clone();
        }
        Ok(current.map(|c| c.value))
    }

    /// Deletes the client for good, audited, if they have no notes and no
    /// questionnaires at all; see the module doc.
    ///
    /// # Errors
    /// [`VaultError::ClientHasNotes`] with the number of notes that keep the
    /// record, [`VaultError::ClientHasQuestionnaires`] likewise,
    /// [`VaultError::Conflict`] if the client changed meanwhile.
    pub async fn delete(&self, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let vault = &state.vault;
        let id = state.base.borrow().id.0.clone();
        let Some(rev) = state.rev.borrow().clone() else {
            return Ok(());
        };
        // Deleted with a tombstone revision, so the deletion replicates and
        // an older revision from another device does not bring them back.
        let (tombstone, event) = vault.with_keys(|keys| {
            let tombstone = Sealer::<Clients>::new(keys.records()).seal_tombstone(&id, &rev)?;
            let event = Sealer::<AuditLog>::new(keys.audit()?).seal_new(&AuditEvent::about(
                now_ms,
                AuditAction::Deleted(RecordKind::Client),
                &id,
            ))?;
            Ok((tombstone, event))
        })?;
        let group = vault.measure_group(&id)?;
        let stores = [
            Clients::NAME,
            ProgressNotes::NAME,
            PsychotherapyNotes::NAME,
            MeasureResults::NAME,
            RightsLedger::NAME,
            NoteIndex::NAME,
            AuditLog::NAME,
        ];
        let tx = WriteTransaction::begin(vault.connection(), &stores, Durability::Default)?;
        let work = async {
            let current = tx.get(Clients::NAME, &id).await?;
            let Some(mut record) = current.as_ref().and_then(StoredRecord::from_js) else {
                return Err(VaultError::NotFound);
            };
            record
                .tree
                .edit(&rev.rev, tombstone)
                .ok_or(VaultError::Conflict)?;
            let progress = tx.get_all(ProgressNotes::NAME).await?;
            let private = tx.get_all(PsychotherapyNotes::NAME).await?;
            let notes = notes_of(vault, &id, &progress, &private)?;
            if notes > 0 {
                return Err(VaultError::ClientHasNotes { notes });
            }
            // Questionnaires are part of the record too. Theirs are the ones
            // under their group's prefix, deleted ones aside.
            let measures: Vec<_> = tx
                .get_all(MeasureResults::NAME)
                .await?
                .iter()
                .map(raw)
                .filter(|r| r.id().starts_with(&group))
                .collect();
            let questionnaires = vault
                .open_listed::<MeasureResults, MeasureRecord>(&measures, Keyring::records_key)?
                .len() as u32;
            if questionnaires > 0 {
                return Err(VaultError::ClientHasQuestionnaires { questionnaires });
            }
            // So are the client's requests and the disclosures of their
            // record; a ledger record that does not open might be theirs.
            let ledger: Vec<_> = tx
                .get_all(RightsLedger::NAME)
                .await?
                .iter()
                .map(raw)
                .collect();
            let entries = vault
                .open_listed::<RightsLedger, LedgerEntry>(&ledger, Keyring::records_key)?
                .iter()
                .filter(|entry| match entry {
                    Loaded::Ok(stored) => match &stored.value {
                        LedgerEntry::Request(r) => r.client_id().as_str() == id,
                        LedgerEntry::Disclosure(d) => d.client_id().as_str() == id,
                    },
                    Loaded::Damaged { .. } => true,
                })
                .count() as u32;
            if entries > 0 {
                return Err(VaultError::ClientHasRequests { entries });
            }
            tx.put(Clients::NAME, &record.to_js()).await?;
            tx.delete(NoteIndex::NAME, &id).await?;
            tx.put(AuditLog::NAME, &event.to_js()).await
        };
        let result = work.await;
        tx.end(result).await?;
        *state.rev.borrow_mut() = None;
        Ok(())
    }
}

/// How many notes keep client `id` in the record: theirs, and every note that
/// does not open (it might be theirs).
fn notes_of(
    vault: &Vault,
    id: &str,
    progress: &[wasm_bindgen::JsValue],
    private: &[wasm_bindgen::JsValue],
) -> Result<u32, VaultError> {
    let progress: Vec<_> = progress.iter().map(raw).collect();
    let private: Vec<_> = private.iter().map(raw).collect();
    let progress =
        vault.open_listed::<ProgressNotes, ProgressNote>(&progress, Keyring::records_key)?;
    let private = vault.open_listed::<PsychotherapyNotes, PsychotherapyNote>(
        &private,
        Keyring::psychotherapy_key,
    )?;
    let count = progress
        .iter()
        .filter(|n| match n {
            Loaded::Ok(s) => s.value.client_id().as_str() == id,
            Loaded::Damaged { .. } => true,
        })
        .count()
        + private
            .iter()
            .filter(|n| match n {
                Loaded::Ok(s) => s.value.client_id.as_str() == id,
                Loaded::Damaged { .. } => true,
            })
            .count();
    Ok(count as u32)
}
