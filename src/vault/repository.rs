//! Encrypted records in IndexedDB: seal, store, load, with revision checks.
//!
//! The rules of invariant 7 live here:
//! - everything is sealed *before* a transaction opens, and nothing but IndexedDB
//!   requests is awaited inside one;
//! - a failed check aborts the transaction explicitly;
//! - writes that belong together (a note and its audit event) go in one
//!   [`Batch`], so they commit or fail together;
//! - "saved" means the transaction's `complete` event fired.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use rexie::{Rexie, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

use crate::crypto::{open, random_id, seal, DataKey, RecordAad};

use super::record::SealedRecord;
use super::store::EncryptedStore;
use super::VaultError;

/// A decrypted record with its id and revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<T> {
    /// Opaque id.
    pub id: String,
    /// Revision it was read at; pass it back to update.
    pub rev: u64,
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

/// A record as read from IndexedDB, before decryption.
#[derive(Clone, Debug)]
pub enum RawRecord {
    /// Has the stored shape.
    Sealed(SealedRecord),
    /// Something else sits under this key.
    Unreadable {
        /// The key, as text.
        id: String,
    },
}

/// Reads every record of `store` (still sealed).
pub async fn read_all(db: &Rexie, store: &str) -> Result<Vec<RawRecord>, VaultError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let values = tx.store(store)?.get_all(None, None).await?;
    end_read(tx);
    Ok(values.iter().map(raw).collect())
}

/// Reads one record of `store` (still sealed).
pub async fn read_one(db: &Rexie, store: &str, id: &str) -> Result<RawRecord, VaultError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let value = tx.store(store)?.get(JsValue::from_str(id)).await?;
    end_read(tx);
    value.as_ref().map(raw).ok_or(VaultError::NotFound)
}

/// Reads the records `ids` of `store` (still sealed) in one transaction; `None`
/// where there is no record.
pub async fn read_many(
    db: &Rexie,
    store: &str,
    ids: &[String],
) -> Result<Vec<Option<RawRecord>>, VaultError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let os = tx.store(store)?;
    // Every request is issued in the same turn, so the reads cost one round
    // trip instead of one each.
    let values =
        futures::future::join_all(ids.iter().map(|id| os.get(JsValue::from_str(id)))).await;
    let mut out = Vec::with_capacity(ids.len());
    for value in values {
        out.push(value?.as_ref().map(raw));
    }
    end_read(tx);
    Ok(out)
}

/// The ids of every record of `store`, without reading the records.
pub async fn read_ids(db: &Rexie, store: &str) -> Result<Vec<String>, VaultError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let keys = tx.store(store)?.get_all_keys(None, None).await?;
    end_read(tx);
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// Counts the records of `store`.
pub async fn count(db: &Rexie, store: &str) -> Result<u32, VaultError> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let n = tx.store(store)?.count(None).await?;
    end_read(tx);
    Ok(n)
}

/// Ends a read-only transaction whose requests have all succeeded. Waiting for
/// its `complete` event adds a round trip (several milliseconds per read in
/// Chromium) and guarantees nothing a read needs: the results are already in.
pub(in crate::vault) fn end_read(tx: rexie::Transaction) {
    drop(tx);
}

fn raw(value: &JsValue) -> RawRecord {
    match SealedRecord::from_js(value) {
        Some(r) => RawRecord::Sealed(r),
        None => RawRecord::Unreadable {
            id: js_sys::Reflect::get(value, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
        },
    }
}

/// What must be true of a record before a batch writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The id must be free: a new record.
    New,
    /// The stored record must be at this revision: nobody saved in between.
    Revision(u64),
}

enum Op {
    Put {
        store: &'static str,
        record: SealedRecord,
        expect: Option<Expect>,
    },
    Delete {
        store: &'static str,
        id: String,
        expect: Option<Expect>,
    },
    Clear {
        store: &'static str,
    },
}

/// Writes that commit together or not at all.
#[derive(Default)]
pub struct Batch {
    ops: Vec<Op>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Puts a sealed record of store `S`, checking `expect` first.
    pub fn put<S: EncryptedStore>(mut self, record: SealedRecord, expect: Expect) -> Batch {
        self.ops.push(Op::Put {
            store: S::NAME,
            record,
            expect: Some(expect),
        });
        self
    }

    /// Appends a record that needs no check (an audit event with a fresh id).
    pub fn append<S: EncryptedStore>(mut self, record: SealedRecord) -> Batch {
        self.ops.push(Op::Put {
            store: S::NAME,
            record,
            expect: None,
        });
        self
    }

    /// Deletes a record of store `S`, if it is still at revision `rev`.
    pub fn delete<S: EncryptedStore>(mut self, id: &str, rev: u64) -> Batch {
        self.ops.push(Op::Delete {
            store: S::NAME,
            id: id.to_owned(),
            expect: Some(Expect::Revision(rev)),
        });
        self
    }

    /// Empties store `S` (derived data that must be rebuilt).
    pub(in crate::vault) fn clear<S: EncryptedStore>(mut self) -> Batch {
        self.ops.push(Op::Clear { store: S::NAME });
        self
    }

    /// Puts a sealed record into a store named at run time (restore and merge),
    /// with an optional check.
    pub(in crate::vault) fn put_unchecked(
        mut self,
        store: &'static str,
        record: SealedRecord,
        expect: Option<Expect>,
    ) -> Batch {
        self.ops.push(Op::Put {
            store,
            record,
            expect,
        });
        self
    }

    /// Runs the batch in one read-write transaction and waits for `complete`.
    ///
    /// A failed check aborts the whole transaction: nothing is written.
    pub async fn commit(self, db: &Rexie) -> Result<(), VaultError> {
        if self.ops.is_empty() {
            return Ok(());
        }
        let stores: BTreeSet<&str> = self
            .ops
            .iter()
            .map(|op| match op {
                Op::Put { store, .. } | Op::Delete { store, .. } | Op::Clear { store } => *store,
            })
            .collect();
        let stores: Vec<&str> = stores.into_iter().collect();
        let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
        match run(&tx, &self.ops).await {
            Ok(()) => {
                let result = tx.done().await?;
                if result.is_committed() {
                    Ok(())
                } else {
                    Err(VaultError::Storage("the write was not committed".into()))
                }
            }
            Err(e) => {
                // Best effort: if the browser already aborted, this fails too.
                let _ = tx.abort().await;
                Err(e)
            }
        }
    }
}

async fn run(tx: &rexie::Transaction, ops: &[Op]) -> Result<(), VaultError> {
    for op in ops {
        match op {
            Op::Put {
                store,
                record,
                expect,
            } => {
                let os = tx.store(store)?;
                if let Some(expect) = expect {
                    check(&os, &record.id, *expect).await?;
                }
                os.put(&record.to_js(), None).await?;
            }
            Op::Delete { store, id, expect } => {
                let os = tx.store(store)?;
                if let Some(expect) = expect {
                    check(&os, id, *expect).await?;
                }
                os.delete(JsValue::from_str(id)).await?;
            }
            Op::Clear { store } => tx.store(store)?.clear().await?,
        }
    }
    Ok(())
}

async fn check(store: &rexie::Store, id: &str, expect: Expect) -> Result<(), VaultError> {
    let current = store.get(JsValue::from_str(id)).await?;
    let current_rev = current
        .as_ref()
        .and_then(SealedRecord::from_js)
        .map(|r| r.rev);
    match (expect, current_rev) {
        (Expect::New, None) => Ok(()),
        (Expect::New, Some(rev)) => Err(VaultError::Conflict {
            current_revision: rev,
        }),
        (Expect::Revision(want), Some(rev)) if want == rev => Ok(()),
        (Expect::Revision(_), Some(rev)) => Err(VaultError::Conflict {
            current_revision: rev,
        }),
        (Expect::Revision(_), None) => Err(VaultError::NotFound),
    }
}
