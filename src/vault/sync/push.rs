//! Sending: the records changed here (the outbox), or every record once,
//! the first time this device syncs with a server. `_revs_diff` says which
//! revisions the server lacks, and `_bulk_docs` with `new_edits: false`
//! sends just those, with their histories, so the server's revision trees
//! become the same as ours.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::vault::batch::Batch;
use crate::vault::incoming::REPLICATED_STORES;
use crate::vault::open_vault::Vault;
use crate::vault::reads::{read_all, read_ids, read_many, RawRecord};
use crate::vault::record::StoredRecord;
use crate::vault::store::SYNC_OUTBOX;

use super::couch::{Cancel, Server};
use super::documents::{doc_id, leaf_doc};
use super::error::SyncError;

/// Records per round trip.
const CHUNK: usize = 100;

impl Vault {
    /// How many records wait to be sent.
    pub async fn sync_waiting(&self) -> Result<u64, crate::vault::VaultError> {
        crate::vault::reads::count(self.connection(), SYNC_OUTBOX)
            .await
            .map(u64::from)
    }

    /// Sends what the server lacks: every record when `everything`, else
    /// those in the outbox. Returns how many revisions were sent.
    pub(super) async fn push(
        &self,
        server: &Server,
        vault_id: &str,
        everything: bool,
        cancel: &Cancel,
    ) -> Result<u64, SyncError> {
        self.require_keys()?;
        let mut records: Vec<(&'static str, StoredRecord)> = Vec::new();
        // Outbox entries of records that are not there (or not readable):
        // nothing to send for them.
        let mut stale: Vec<(&'static str, String)> = Vec::new();
        if everything {
            for store in REPLICATED_STORES {
                for raw in read_all(self.connection(), store).await? {
                    if let RawRecord::Sealed(record) = raw {
                        records.push((store, record));
                    }
                }
            }
        } else {
            let mut by_store: HashMap<&'static str, Vec<String>> = HashMap::new();
            for key in read_ids(self.connection(), SYNC_OUTBOX).await? {
                let Some((store, id)) = key.split_once(':') else {
                    continue;
                };
                if let Some(store) = REPLICATED_STORES.iter().copied().find(|s| *s == store) {
                    by_store.entry(store).or_default().push(id.to_owned());
                }
            }
            for (store, ids) in by_store {
                let raws = read_many(self.connection(), store, &ids).await?;
                for (id, raw) in ids.into_iter().zip(raws) {
                    match raw {
                        Some(RawRecord::Sealed(record)) => records.push((store, record)),
                        _ => stale.push((store, id)),
                    }
                }
            }
        }
        let mut sent = 0;
        for chunk in records.chunks(CHUNK) {
            let mut revs = Map::new();
            for (store, record) in chunk {
                let leaves: Vec<Value> = record
                    .tree
                    .leaves()
                    .iter()
                    .map(|l| Value::String(l.rev.to_string()))
                    .collect();
                revs.insert(doc_id(store, &record.id), Value::Array(leaves));
            }
            let missing: HashMap<String, Vec<String>> =
                server.revs_diff(&revs, cancel).await?.into_iter().collect();
            let mut docs = Vec::new();
            for (store, record) in chunk {
                let Some(wanted) = missing.get(&doc_id(store, &record.id)) else {
                    continue;
                };
                for leaf in record.tree.leaves() {
                    if wanted.contains(&leaf.rev.to_string()) {
                        docs.push(leaf_doc(vault_id, store, &record.id, leaf));
                    }
                }
            }
            sent += docs.len() as u64;
            if !docs.is_empty() {
                server.bulk_docs(docs, cancel).await?;
            }
            let mut done = Batch::new();
            for (store, record) in chunk {
                done = done.sent(
                    store,
                    &record.id,
                    record.tree.leaves().iter().map(|l| l.rev).collect(),
                );
            }
            done.commit(self.connection()).await?;
        }
        if !stale.is_empty() {
            let mut done = Batch::new();
            for (store, id) in &stale {
                done = done.sent(store, id, Vec::new());
            }
            done.commit(self.connection()).await?;
        }
        Ok(sent)
    }
}
