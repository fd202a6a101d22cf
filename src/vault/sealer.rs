//! Sealing and opening one record of a store under that store's key.
//!
//! [`Sealer`] is where a record becomes an AEAD envelope and back. The AAD binds
//! the store, the record id and the revision, so a record moved, replayed or
//! altered fails to open, and the caller marks it damaged ([`Loaded::Damaged`])
//! instead of failing the whole list.

use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{open, random_id, seal, DataKey, RecordAad};

use super::reads::RawRecord;
use super::record::SealedRecord;
use super::store::EncryptedStore;
use super::VaultError;

/// A decrypted record with its id and revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<T> {
    /// Opaque id.
    pub id: String,
    /// Revision it was read at: the vault's business, not the screen's.
    pub(in crate::vault) rev: u64,
    /// The content.
    pub value: T,
}

/// One record of a listing: readable, or damaged (moved, replayed, altered).
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded<T> {
    /// Decrypted and parsed.
    Ok(Stored<T>),
    /// Could not be opened; the rest of the list is unaffected.
    Damaged {
        /// The record's id.
        id: String,
    },
}

impl<T> Loaded<T> {
    /// The record, if readable.
    pub fn ok(self) -> Option<Stored<T>> {
        match self {
            Loaded::Ok(s) => Some(s),
            Loaded::Damaged { .. } => None,
        }
    }
}

/// Seals and opens records of store `S` under its key.
pub struct Sealer<'k, S: EncryptedStore> {
    key: &'k DataKey<S::Purpose>,
    _store: PhantomData<S>,
}

impl<'k, S: EncryptedStore> Sealer<'k, S> {
    /// A sealer for store `S`; only the key of `S`'s purpose is accepted.
    pub fn new(key: &'k DataKey<S::Purpose>) -> Self {
        Sealer {
            key,
            _store: PhantomData,
        }
    }

    /// Seals `value` as revision `rev` of record `id`.
    pub fn seal<T: Serialize>(
        &self,
        id: &str,
        rev: u64,
        value: &T,
    ) -> Result<SealedRecord, VaultError> {
        let plaintext = Zeroizing::new(
            serde_json::to_vec(value).map_err(|e| VaultError::Storage(e.to_string()))?,
        );
        let aad = RecordAad {
            store: S::NAME,
            id,
            revision: rev,
        };
        let envelope = seal(self.key, &aad, &plaintext)?;
        Ok(SealedRecord {
            id: id.to_owned(),
            rev,
            envelope,
        })
    }

    /// Seals `value` as revision 1 of a new record with a fresh random id.
    pub fn seal_new<T: Serialize>(&self, value: &T) -> Result<SealedRecord, VaultError> {
        self.seal(&random_id()?, 1, value)
    }

    /// Opens a stored record. Any change to its bytes, id, revision or store fails.
    pub fn open<T: DeserializeOwned>(
        &self,
        record: &SealedRecord,
    ) -> Result<Stored<T>, VaultError> {
        let aad = RecordAad {
            store: S::NAME,
            id: &record.id,
            revision: record.rev,
        };
        let damaged = || VaultError::Damaged {
            id: record.id.clone(),
        };
        let plaintext = open(self.key, &aad, &record.envelope).map_err(|_| damaged())?;
        let value = serde_json::from_slice(&plaintext).map_err(|_| damaged())?;
        Ok(Stored {
            id: record.id.clone(),
            rev: record.rev,
            value,
        })
    }

    /// Opens every record of a listing, marking the unreadable ones.
    pub fn open_all<T: DeserializeOwned>(&self, records: &[RawRecord]) -> Vec<Loaded<T>> {
        records
            .iter()
            .map(|raw| match raw {
                RawRecord::Sealed(r) => match self.open(r) {
                    Ok(s) => Loaded::Ok(s),
                    Err(_) => Loaded::Damaged { id: r.id.clone() },
                },
                RawRecord::Unreadable { id } => Loaded::Damaged { id: id.clone() },
            })
            .collect()
    }
}
