//! Writes that commit together or not at all.
//!
//! A [`Batch`] is built from revisions sealed beforehand, then [`Batch::commit`]
//! runs it in one read-write transaction: each write first checks what it
//! expects to find ([`Expect`]), a failed check aborts everything, and the
//! batch reports success only after the transaction's `complete` event.
//!
//! Writes work on a record's revision leaves: an edit replaces the one leaf it
//! was made from and keeps every other (a conflict from another device stays
//! until the clinician settles it); a deletion is a tombstone leaf.

use std::collections::BTreeSet;

use super::connection::Connection;
use super::meta::{device_id, meta_json, meta_value, CONFLICTS_ID};
use super::record::{Sealed, StoredRecord};
use super::revision_tree::{Leaf, RevId, RevTree};
use super::store::{EncryptedStore, SYNC_OUTBOX, VAULT_META};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// What must be true of a record before a batch writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The id must be free: a new record.
    New,
    /// The revision must still be a leaf: nobody saved over it in between.
    Leaf(RevId),
    /// The record's leaves must be exactly these (a merge planned on them).
    Leaves(Vec<RevId>),
    /// No check: derived records and appended audit events.
    Nothing,
}

enum Op {
    /// A revision, replacing the leaf it was made from.
    Put {
        store: &'static str,
        id: String,
        leaf: Leaf<Sealed>,
        expect: Expect,
    },
    /// A whole record (a restore, a merge): its leaves as given.
    PutRecord {
        store: &'static str,
        record: StoredRecord,
        expect: Expect,
    },
    /// Removes a record for good (stores that stay on this device).
    Delete {
        store: &'static str,
        id: String,
        expect: Expect,
    },
    /// Deletes only if the record is still at `rev`; otherwise leaves it.
    DeleteIfAt {
        store: &'static str,
        id: String,
        rev: RevId,
    },
    Clear {
        store: &'static str,
    },
    /// A plaintext entry of `vault_meta` (the header, the attempt counter).
    Meta {
        id: &'static str,
        json: String,
    },
    /// Records to add to, or drop from, the list of records that may have
    /// versions to settle (see [`super::conflicts`]).
    Conflicts {
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// A record the sync server has not seen yet (`store:id`).
    Outbox {
        key: String,
    },
    /// The server now holds record `id` of `store` as it was sent: its entry
    /// goes, unless the record changed since (then it is sent again).
    Sent {
        store: &'static str,
        id: String,
        leaves: Vec<RevId>,
    },
}

impl Op {
    fn store(&self) -> &'static str {
        match self {
            Op::Put { store, .. }
            | Op::PutRecord { store, .. }
            | Op::Delete { store, .. }
            | Op::DeleteIfAt { store, .. }
            | Op::Clear { store } => store,
            Op::Meta { .. } | Op::Conflicts { .. } => VAULT_META,
            Op::Outbox { .. } => SYNC_OUTBOX,
            Op::Sent { store, .. } => store,
        }
    }
}

/// Writes that commit together or not at all.
pub struct Batch {
    ops: Vec<Op>,
    durability: Durability,
    /// Whether the records it writes go to the sync outbox (all but what
    /// was just received from the server).
    outbox: bool,
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
            outbox: true,
        }
    }

    /// A batch writing what was received from the sync server: its records
    /// are not queued to be sent back (the pull queues, with
    /// [`Batch::queue_for_server`], those it changed here).
    pub(in crate::vault) fn received(mut self) -> Batch {
        self.outbox = false;
        self
    }

    /// Queues record `id` of `store` for the sync server.
    pub(in crate::vault) fn queue_for_server(mut self, store: &str, id: &str) -> Batch {
        self.ops.push(Op::Outbox {
            key: outbox_key(store, id),
        });
        self
    }

    /// Marks record `id` of `store` as held by the server with `leaves`.
    pub(in crate::vault) fn sent(
        mut self,
        store: &'static str,
        id: &str,
        leaves: Vec<RevId>,
    ) -> Batch {
        self.ops.push(Op::Sent {
            store,
            id: id.to_owned(),
            leaves,
        });
        self
    }

    /// Asks the browser to flush this batch to disk before reporting it saved:
    /// for what must survive a power cut the moment it is shown as done (a
    /// signature, the header, a restore).
    pub(in crate::vault) fn strict(mut self) -> Batch {
        self.durability = Durability::Strict;
        self
    }

    /// Puts revision `leaf` of record `id` of store `S`, checking `expect`
    /// first: a new record, or a child of the leaf it names.
    pub fn put<S: EncryptedStore>(mut self, id: &str, leaf: Leaf<Sealed>, expect: Expect) -> Batch {
        self.ops.push(Op::Put {
            store: S::NAME,
            id: id.to_owned(),
            leaf,
            expect,
        });
        self
    }

    /// Appends a new record that needs no check (an audit event with a fresh id).
    pub fn append<S: EncryptedStore>(mut self, record: StoredRecord) -> Batch {
        self.ops.push(Op::PutRecord {
            store: S::NAME,
            record,
            expect: Expect::Nothing,
        });
        self
    }

    /// Puts a whole record into a store named at run time (restore and merge).
    pub(in crate::vault) fn put_record(
        mut self,
        store: &'static str,
        record: StoredRecord,
        expect: Expect,
    ) -> Batch {
        self.ops.push(Op::PutRecord {
            store,
            record,
            expect,
        });
        self
    }

    /// Deletes a record of store `S` for good, if `rev` is still a leaf. Only
    /// for stores that never leave this device: records that replicate are
    /// deleted with a tombstone revision instead.
    pub fn delete<S: EncryptedStore>(mut self, id: &str, rev: RevId) -> Batch {
        self.ops.push(Op::Delete {
            store: S::NAME,
            id: id.to_owned(),
            expect: Expect::Leaf(rev),
        });
        self
    }

    /// Deletes a record of store `S` if it is still at revision `rev`, and
    /// leaves it otherwise: an editor buffer another tab wrote since is that
    /// tab's unsaved work, not this commit's to drop.
    pub(in crate::vault) fn delete_if_at<S: EncryptedStore>(
        mut self,
        id: &str,
        rev: RevId,
    ) -> Batch {
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

    /// Writes a plaintext `vault_meta` entry (see [`super::meta`]).
    pub(in crate::vault) fn meta(mut self, id: &'static str, json: String) -> Batch {
        self.ops.push(Op::Meta { id, json });
        self
    }

    /// Notes records (as `store/id`) that may now have versions to settle,
    /// and records that no longer do.
    pub(in crate::vault) fn conflicts(mut self, add: Vec<String>, remove: Vec<String>) -> Batch {
        if !add.is_empty() || !remove.is_empty() {
            self.ops.push(Op::Conflicts { add, remove });
        }
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
        let mut ops = self.ops;
        if ops.iter().any(|op| matches!(op, Op::Put { .. })) {
            // New revisions say which device wrote them.
            let device = device_id(connection).await?;
            for op in &mut ops {
                if let Op::Put { leaf, .. } = op {
                    leaf.payload.device = Some(device.clone());
                }
            }
        }
        let mut stores: BTreeSet<&str> = ops.iter().map(Op::store).collect();
        if ops.iter().any(|op| matches!(op, Op::Sent { .. })) {
            stores.insert(SYNC_OUTBOX);
        }
        let stores: Vec<&str> = stores.into_iter().collect();
        let tx = WriteTransaction::begin(connection, &stores, self.durability)?;
        if !self.outbox {
            tx.received();
        }
        let result = run(&tx, ops).await;
        tx.end(result).await
    }
}

async fn current(
    tx: &WriteTransaction,
    store: &str,
    id: &str,
) -> Result<Option<StoredRecord>, VaultError> {
    Ok(tx
        .get(store, id)
        .await?
        .as_ref()
        .and_then(StoredRecord::from_js))
}

async fn run(tx: &WriteTransaction, ops: Vec<Op>) -> Result<(), VaultError> {
    for op in ops {
        match op {
            Op::Put {
                store,
                id,
                leaf,
                expect,
            } => {
                let record = match (expect, current(tx, store, &id).await?) {
                    (Expect::Nothing, _) => StoredRecord {
                        id,
                        tree: RevTree::new(leaf),
                    },
                    (Expect::New, None) => StoredRecord {
                        id,
                        tree: RevTree::new(leaf),
                    },
                    (Expect::New, Some(_)) => return Err(VaultError::Conflict),
                    (Expect::Leaf(parent), Some(mut record)) => {
                        record
                            .tree
                            .edit(&parent, leaf)
                            .ok_or(VaultError::Conflict)?;
                        record
                    }
                    (Expect::Leaf(_), None) => return Err(VaultError::NotFound),
                    (Expect::Leaves(_), _) => return Err(VaultError::Conflict),
                };
                tx.put(store, &record.to_js()).await?;
            }
            Op::PutRecord {
                store,
                record,
                expect,
            } => {
                check(tx, store, &record.id, &expect).await?;
                tx.put(store, &record.to_js()).await?;
            }
            Op::Delete { store, id, expect } => {
                check(tx, store, &id, &expect).await?;
                tx.delete(store, &id).await?;
            }
            Op::DeleteIfAt { store, id, rev } => {
                let current = current(tx, store, &id).await?;
                if current
                    .is_some_and(|r| r.tree.leaves().len() == 1 && r.tree.leaves()[0].rev == rev)
                {
                    tx.delete(store, &id).await?;
                }
            }
            Op::Clear { store } => tx.clear(store).await?,
            Op::Meta { id, json } => tx.put(VAULT_META, &meta_value(id, &json)).await?,
            Op::Outbox { key } => {
                tx.put(SYNC_OUTBOX, &outbox_value(&key)).await?;
            }
            Op::Sent { store, id, leaves } => {
                let now: Option<Vec<RevId>> = current(tx, store, &id)
                    .await?
                    .map(|r| r.tree.leaves().iter().map(|l| l.rev).collect());
                let unchanged = match now {
                    // Gone, or never there: nothing left to send.
                    None => leaves.is_empty(),
                    Some(mut now) => {
                        let mut sent = leaves.clone();
                        now.sort();
                        sent.sort();
                        now == sent
                    }
                };
                if unchanged {
                    tx.delete(SYNC_OUTBOX, &outbox_key(store, &id)).await?;
                }
            }
            Op::Conflicts { add, remove } => {
                let current = tx.get(VAULT_META, CONFLICTS_ID).await?;
                let mut list: BTreeSet<String> = current
                    .as_ref()
                    .and_then(meta_json)
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default();
                list.extend(add);
                for key in &remove {
                    list.remove(key);
                }
                let json =
                    serde_json::to_string(&list).map_err(|e| VaultError::Storage(e.to_string()))?;
                tx.put(VAULT_META, &meta_value(CONFLICTS_ID, &json)).await?;
            }
        }
    }
    Ok(())
}

/// The outbox key of record `id` of `store`.
pub(in crate::vault) fn outbox_key(store: &str, id: &str) -> String {
    format!("{store}:{id}")
}

fn outbox_value(key: &str) -> wasm_bindgen::JsValue {
    let o = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&o, &"id".into(), &key.into());
    o.into()
}

/// Checks that record `id` of `store` is what the write expects.
async fn check(
    tx: &WriteTransaction,
    store: &str,
    id: &str,
    expect: &Expect,
) -> Result<(), VaultError> {
    if *expect == Expect::Nothing {
        return Ok(());
    }
    let current = current(tx, store, id).await?;
    match (expect, current) {
        (Expect::New, None) => Ok(()),
        (Expect::New, Some(_)) => Err(VaultError::Conflict),
        (Expect::Leaf(rev), Some(record)) if record.tree.leaf(rev).is_some() => Ok(()),
        (Expect::Leaf(_), Some(_)) => Err(VaultError::Conflict),
        (Expect::Leaf(_), None) => Err(VaultError::NotFound),
        (Expect::Leaves(revs), current) => {
            let mut found: Vec<RevId> = current
                .map(|r| r.tree.leaves().iter().map(|l| l.rev).collect())
                .unwrap_or_default();
            found.sort();
            let mut wanted = revs.clone();
            wanted.sort();
            if found == wanted {
                Ok(())
            } else {
                Err(VaultError::Conflict)
            }
        }
        (Expect::Nothing, _) => Ok(()),
    }
}
