//! The open vault: the connection and the keys, until the vault is locked.
//!
//! [`Vault`] is a cheap handle the UI passes around, made only by the door's
//! procedures (see [`super::door`]). Locking takes the [`Keyring`] out and
//! drops it, which zeroizes every key at once; any handle still held then gets
//! [`VaultError::Locked`]. Keys are borrowed only for synchronous sealing and
//! opening, never across an `await`.
//!
//! The typed services (clients, notes, audit log, settings) and the editing
//! handles are in their own files; the generic plumbing they share is here.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use serde::{de::DeserializeOwned, Serialize};

use crate::crypto::{random_id, DataKey, KdfParams};

use super::audit::AuditEvent;
use super::batch::{Batch, Expect};
use super::connection::Connection;
use super::keyring::Keyring;
use super::reads::{read_all, read_many, read_one, RawRecord};
use super::record::StoredRecord;
use super::sealer::{Loaded, Sealer, Stored, Version};
use super::store::EncryptedStore;
use super::VaultError;

/// Picks the key of a store's purpose from the keyring.
pub(in crate::vault) type KeyOf<S> =
    for<'k> fn(&'k Keyring) -> Result<&'k DataKey<<S as EncryptedStore>::Purpose>, VaultError>;

/// An unlocked vault.
#[derive(Clone)]
pub struct Vault {
    inner: Rc<Inner>,
}

struct Inner {
    connection: Rc<Connection>,
    keys: RefCell<Option<Keyring>>,
    /// What new passphrases are derived with (the door's choice).
    kdf_params: KdfParams,
    /// The settings record's revision as last read or written here.
    settings_rev: RefCell<Option<Version>>,
    /// Records already decrypted this session, so listing 10,000 notes again
    /// only decrypts what changed. Emptied on lock.
    opened: RefCell<HashMap<(&'static str, String), Opened>>,
    /// Whether the note index was checked against the notes this session.
    index_checked: Cell<bool>,
    /// Whether something this session gave reason to doubt the index (a
    /// damaged slot met while saving, a merge that wrote notes): then even a
    /// timeline verifies it before showing it.
    index_doubted: Cell<bool>,
    /// Progress notes that could not be opened when it was, so belong to no
    /// client anyone can tell.
    unindexed_damaged: RefCell<Vec<String>>,
}

/// What a screen shown before the vault may be used (a recovery key to confirm,
/// a new passphrase to choose) can do with the vault behind it: lock it.
#[derive(Clone)]
pub struct VaultLocker(Vault);

impl VaultLocker {
    /// Zeroizes the keys now.
    pub fn lock(&self) {
        self.0.lock();
    }

    /// Records a lock in the audit log, before the keys go.
    pub async fn record_lock(
        &self,
        reason: super::audit::LockReason,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        self.0.record_lock(reason, now_ms).await
    }
}

/// A decrypted record and the exact sealed record it came from. The cache is
/// used only when the stored record is byte-for-byte the same, so a changed,
/// moved or replaced record is always decrypted (and flagged if damaged) again.
struct Opened {
    sealed: StoredRecord,
    /// The revision shown and the conflicts beside it.
    version: Version,
    conflicts: usize,
    value: Box<dyn Any>,
}

impl Vault {
    /// Wraps the connection and the keys from unlocking. Only the door's
    /// procedures open a vault.
    pub(in crate::vault) fn new(
        connection: Rc<Connection>,
        keyring: Keyring,
        kdf_params: KdfParams,
    ) -> Vault {
        Vault {
            inner: Rc::new(Inner {
                connection,
                keys: RefCell::new(Some(keyring)),
                kdf_params,
                settings_rev: RefCell::new(None),
                opened: RefCell::new(HashMap::new()),
                index_checked: Cell::new(false),
                index_doubted: Cell::new(false),
                unindexed_damaged: RefCell::new(Vec::new()),
            }),
        }
    }

    /// Zeroizes the keys now. Every later call fails with [`VaultError::Locked`].
    pub fn lock(&self) {
        // Dropping the keyring zeroizes each key.
        drop(self.inner.keys.borrow_mut().take());
        self.inner.opened.borrow_mut().clear();
        self.inner.unindexed_damaged.borrow_mut().clear();
        self.inner.index_checked.set(false);
        self.inner.index_doubted.set(false);
    }

    /// Locks and closes the database connection (tests that delete their
    /// database; the app keeps the connection for the next unlock).
    pub fn close(self) {
        self.lock();
        self.inner.connection.close();
    }

    /// Fails with [`VaultError::Locked`] once the keys are gone: a locked vault
    /// answers nothing, not even that a record does not exist.
    pub(in crate::vault) fn require_keys(&self) -> Result<(), VaultError> {
        if self.is_unlocked() {
            Ok(())
        } else {
            Err(VaultError::Locked)
        }
    }

    /// A handle that can only lock this vault.
    pub fn locker(&self) -> VaultLocker {
        VaultLocker(self.clone())
    }

    /// Whether the keys are still held.
    pub fn is_unlocked(&self) -> bool {
        self.inner.keys.borrow().is_some()
    }

    pub(in crate::vault) fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    pub(in crate::vault) fn kdf_params(&self) -> KdfParams {
        self.inner.kdf_params
    }

    pub(in crate::vault) fn settings_rev(&self) -> &RefCell<Option<Version>> {
        &self.inner.settings_rev
    }

    /// A fresh random id for a new record. Ids are opaque and say nothing
    /// about the record.
    pub fn new_record_id(&self) -> Result<String, VaultError> {
        Ok(random_id()?)
    }

    /// Whether the note index was checked against the notes this session.
    pub(in crate::vault) fn index_checked(&self) -> bool {
        self.inner.index_checked.get()
    }

    /// Whether the index must be verified before it is shown (see
    /// `index_doubted`).
    pub(in crate::vault) fn index_doubted(&self) -> bool {
        self.inner.index_doubted.get()
    }

    /// Records the outcome of checking the note index: `Some(damaged notes)`
    /// once it matches the notes, `None` to check again at the next use.
    pub(in crate::vault) fn set_index_checked(&self, damaged: Option<Vec<String>>) {
        self.inner.index_checked.set(damaged.is_some());
        self.inner.index_doubted.set(damaged.is_none());
        if let Some(damaged) = damaged {
            *self.inner.unindexed_damaged.borrow_mut() = damaged;
        }
    }

    /// The progress notes the last index check could not open.
    pub(in crate::vault) fn unindexed_damaged(&self) -> Vec<String> {
        self.inner.unindexed_damaged.borrow().clone()
    }

    /// Runs `f` with the keys, synchronously.
    pub(in crate::vault) fn with_keys<R>(
        &self,
        f: impl FnOnce(&Keyring) -> Result<R, VaultError>,
    ) -> Result<R, VaultError> {
        match self.inner.keys.borrow().as_ref() {
            Some(keys) => f(keys),
            None => Err(VaultError::Locked),
        }
    }

    /// Every record of store `S`, decrypted; damaged ones are marked, not fatal.
    ///
    /// Always reads the store, so other tabs' writes show; decrypts only records
    /// whose sealed bytes differ from the last time this session opened them.
    pub(in crate::vault) async fn list<S: EncryptedStore, T: DeserializeOwned + Clone + 'static>(
        &self,
        key_of: KeyOf<S>,
    ) -> Result<Vec<Loaded<T>>, VaultError> {
        self.require_keys()?;
        let raw = read_all(self.connection(), S::NAME).await?;
        self.open_listed::<S, T>(&raw, key_of)
    }

    /// Records `ids` of store `S`, decrypted like [`Vault::list`], in one
    /// transaction. Ids with no record are left out.
    pub(in crate::vault) async fn get_many<
        S: EncryptedStore,
        T: DeserializeOwned + Clone + 'static,
    >(
        &self,
        ids: &[String],
        key_of: KeyOf<S>,
    ) -> Result<Vec<Loaded<T>>, VaultError> {
        self.require_keys()?;
        let raw: Vec<RawRecord> = read_many(self.connection(), S::NAME, ids)
            .await?
            .into_iter()
            .flatten()
            .collect();
        self.open_listed::<S, T>(&raw, key_of)
    }

    /// Opens records read from store `S`, reusing this session's decryptions of
    /// unchanged bytes.
    pub(in crate::vault) fn open_listed<
        S: EncryptedStore,
        T: DeserializeOwned + Clone + 'static,
    >(
        &self,
        raw: &[RawRecord],
        key_of: KeyOf<S>,
    ) -> Result<Vec<Loaded<T>>, VaultError> {
        self.with_keys(|keys| {
            let sealer = Sealer::<S>::new(key_of(keys)?);
            let mut opened = self.inner.opened.borrow_mut();
            let mut out = Vec::with_capacity(raw.len());
            for record in raw {
                let RawRecord::Sealed(sealed) = record else {
                    if let RawRecord::Unreadable { id } = record {
                        out.push(Loaded::Damaged { id: id.clone() });
                    }
                    continue;
                };
                let key = (S::NAME, sealed.id.clone());
                let cached = opened
                    .get(&key)
                    .filter(|o| o.sealed == *sealed)
                    .and_then(|o| {
                        Some(Stored {
                            id: sealed.id.clone(),
                            version: o.version.clone(),
                            value: o.value.downcast_ref::<T>()?.clone(),
                            conflicts: o.conflicts,
                        })
                    });
                if let Some(stored) = cached {
                    out.push(Loaded::Ok(stored));
                    continue;
                }
                match sealer.open::<T>(sealed) {
                    Ok(Some(stored)) => {
                        opened.insert(
                            key,
                            Opened {
                                sealed: sealed.clone(),
                                version: stored.version.clone(),
                                conflicts: stored.conflicts,
                                value: Box::new(stored.value.clone()),
                            },
                        );
                        out.push(Loaded::Ok(stored));
                    }
                    // Deleted: not listed.
                    Ok(None) => {
                        opened.remove(&key);
                    }
                    Err(_) => {
                        opened.remove(&key);
                        out.push(Loaded::Damaged {
                            id: sealed.id.clone(),
                        });
                    }
                }
            }
            Ok(out)
        })
    }

    /// One record of store `S`.
    pub(in crate::vault) async fn get<S: EncryptedStore, T: DeserializeOwned>(
        &self,
        id: &str,
        key_of: KeyOf<S>,
    ) -> Result<Stored<T>, VaultError> {
        self.require_keys()?;
        let raw = read_one(self.connection(), S::NAME, id).await?;
        self.with_keys(|keys| match &raw {
            RawRecord::Sealed(record) => Sealer::<S>::new(key_of(keys)?)
                .open(record)?
                .ok_or(VaultError::NotFound),
            RawRecord::Unreadable { id } => Err(VaultError::Damaged { id: id.clone() }),
        })
    }

    /// Record `id` of store `S` as stored, still sealed; `None` if there is none.
    pub(in crate::vault) async fn sealed<S: EncryptedStore>(
        &self,
        id: &str,
    ) -> Result<Option<StoredRecord>, VaultError> {
        match read_one(self.connection(), S::NAME, id).await {
            Ok(RawRecord::Sealed(record)) => Ok(Some(record)),
            Ok(RawRecord::Unreadable { id }) => Err(VaultError::Damaged { id }),
            Err(VaultError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One record of store `S`, or `None` if there is none.
    pub(in crate::vault) async fn get_optional<S: EncryptedStore, T: DeserializeOwned>(
        &self,
        id: &str,
        key_of: KeyOf<S>,
    ) -> Result<Option<Stored<T>>, VaultError> {
        match self.get::<S, T>(id, key_of).await {
            Ok(stored) => Ok(Some(stored)),
            Err(VaultError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the next revision of record `id` after `parent` (its first when
    /// `parent` is `None`), with optional audit events in the same transaction.
    /// Returns the new revision.
    pub(in crate::vault) async fn put<S: EncryptedStore, T: Serialize>(
        &self,
        id: &str,
        parent: Option<&Version>,
        value: &T,
        key_of: KeyOf<S>,
        audit: &[AuditEvent],
    ) -> Result<Version, VaultError> {
        let expect = match parent {
            None => Expect::New,
            Some(parent) => Expect::Leaf(parent.rev),
        };
        let (batch, version) = self.with_keys(|keys| {
            let leaf = Sealer::<S>::new(key_of(keys)?).seal_next(id, parent, value)?;
            let version = leaf.as_ref().map(|_| ());
            let batch = self.audit_batch(Batch::new().put::<S>(id, leaf, expect), audit)?;
            Ok((batch, version))
        })?;
        batch.commit(self.connection()).await?;
        Ok(version)
    }

    /// Deletes record `id`, shown at `version`, with its audit event, in one
    /// transaction: a tombstone revision, so the deletion replicates and stays
    /// deleted against older revisions.
    pub(in crate::vault) async fn remove<S: EncryptedStore>(
        &self,
        id: &str,
        version: &Version,
        key_of: KeyOf<S>,
        audit: &AuditEvent,
    ) -> Result<(), VaultError> {
        let batch = self.with_keys(|keys| {
            let tombstone = Sealer::<S>::new(key_of(keys)?).seal_tombstone(id, version)?;
            self.audit_batch(
                Batch::new().put::<S>(id, tombstone, Expect::Leaf(version.rev)),
                std::slice::from_ref(audit),
            )
        })?;
        batch.commit(self.connection()).await
    }
}
