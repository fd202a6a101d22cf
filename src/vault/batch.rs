//! Writes that commit together or not at all.
//!
//! A [`Batch`] is built from records sealed beforehand, then [`Batch::commit`]
//! runs it in one read-write transaction: each write first checks what it
//! expects to find ([`Expect`]), a failed check aborts everything, and the
//! batch reports success only after the transaction's `complete` event.

use std::collections::BTreeSet;

use super::connection::Connection;
use super::meta::meta_value;
use super::record::SealedRecord;
use super::store::{EncryptedStore, VAULT_META};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

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
    /// Deletes only if the record is still at `rev`; otherwise leaves it.
    DeleteIfAt {
        store: &'static str,
        id: String,
        rev: u64,
    },
    Clear {
        store: &'static str,
    },
    /// A plaintext entry of `vault_meta` (the header, the attempt counter).
    Meta {
        id: &'static str,
        json: String,
    },
}

impl Op {
    fn store(&self) -> &'static str {
        match self {
            Op::Put { store, .. }
            | Op::Delete { store, .. }
            | Op::DeleteIfAt { store, .. }
            | Op::Clear { store } => store,
            Op::Meta { .. } => VAULT_META,
        }
    }
}

/// Writes that commit together or not at all.
pub struct Batch {
    ops: Vec<Op>,
    durability: Durability,
}

impl Default for Batch {
    fn default() -> Self {
        Batch::new()
    }
}

impl Batch {
    /// An empty batch, committed with the browser's default durability.
    pub fn new() -> Batch {
        Batch {
            ops: Vec::new(),
            durability: Durability::Default,
        }
    }

    /// Asks the browser to flush this batch to disk before reporting it saved:
    /// for what must survive a power cut the moment it is shown as done (a
    /// signature, the header, a restore).
    pub(in crate::vault) fn strict(mut self) -> Batch {
        self.durability = Durability::Strict;
        self
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

    /// Deletes a record of store `S` if it is still at revision `rev`, and
    /// leaves it otherwise: an editor buffer another tab wrote since is that
    /// tab's unsaved work, not this commit's to drop.
    pub(in crate::vault) fn delete_if_at<S: EncryptedStore>(mut self, id: &str, rev: u64) -> Batch {
        self.ops.push(Op::DeleteIfAt {
            store: S::NAME,
            id: id.to_owned(),
            rev,
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

    /// Writes a plaintext `vault_meta` entry (see [`super::meta`]).
    pub(in crate::vault) fn meta(mut self, id: &'static str, json: String) -> Batch {
        self.ops.push(Op::Meta { id, json });
        self
    }

    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Runs the batch in one read-write transaction and waits for `complete`.
    ///
    /// A failed check aborts the whole transaction: nothing is written. An
    /// abort at commit time (a full quota) is an error too.
    pub async fn commit(self, connection: &Connection) -> Result<(), VaultError> {
        if self.ops.is_empty() {
            return Ok(());
        }
        let stores: BTreeSet<&str> = self.ops.iter().map(Op::store).collect();
        let stores: Vec<&str> = stores.into_iter().collect();
        let tx = WriteTransaction::begin(connection, &stores, self.durability)?;
        let result = run(&tx, &self.ops).await;
        tx.end(result).await
    }
}

async fn run(tx: &WriteTransaction, ops: &[Op]) -> Result<(), VaultError> {
    for op in ops {
        match op {
            Op::Put {
                store,
                record,
                expect,
            } => {
                if let Some(expect) = expect {
                    check(tx, store, &record.id, *expect).await?;
                }
                tx.put(store, &record.to_js()).await?;
            }
            Op::Delete { store, id, expect } => {
                if let Some(expect) = expect {
                    check(tx, store, id, *expect).await?;
                }
                tx.delete(store, id).await?;
            }
            Op::DeleteIfAt { store, id, rev } => {
                let current = tx.get(store, id).await?;
                if current
                    .as_ref()
                    .and_then(SealedRecord::from_js)
                    .map(|r| r.rev)
                    == Some(*rev)
                {
                    tx.delete(store, id).await?;
                }
            }
            Op::Clear { store } => tx.clear(store).await?,
            Op::Meta { id, json } => tx.put(VAULT_META, &meta_value(id, json)).await?,
        }
    }
    Ok(())
}

/// Checks that record `id` of `store` is what the write expects.
async fn check(
    tx: &WriteTransaction,
    store: &str,
    id: &str,
    expect: Expect,
) -> Result<(), VaultError> {
    let current = tx.get(store, id).await?;
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
