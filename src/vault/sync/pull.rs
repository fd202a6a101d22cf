//! Receiving: `_changes` since the last checkpoint (every leaf of each
//! document), `_bulk_get` of the revisions this device lacks, and the same
//! merge as a backup's ([`crate::vault::incoming`]), committed in one
//! transaction with the notes' index entries and the new checkpoint. A
//! crash or a dropped connection part way leaves the previous checkpoint,
//! and the batch is simply received again.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::domain::ProgressNote;
use crate::vault::backup_format::Pace;
use crate::vault::batch::{Batch, Expect};
use crate::vault::conflicts::conflict_key;
use crate::vault::incoming::{merge_into, Took};
use crate::vault::note_index::{summary_of, NoteChange};
use crate::vault::open_vault::Vault;
use crate::vault::page_turn::PageTurns;
use crate::vault::reads::{read_many, RawRecord};
use crate::vault::record::StoredRecord;
use crate::vault::revision_tree::{RevId, RevTree};
use crate::vault::sealer::Sealer;
use crate::vault::store::{EncryptedStore, ProgressNotes};
use crate::vault::VaultError;

use super::config::{mark_json, SYNC_SINCE_ID};
use super::couch::{Cancel, Server};
use super::documents::{doc_leaf, parse_doc_id, DocError};
use super::error::SyncError;

/// Changes per round trip.
const LIMIT: u32 = 500;
/// Records merged between two turns of the page (see [`PageTurns`]).
const MERGE_SLICE: usize = 50;

/// What one pull did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pulled {
    /// Records changed here.
    pub changed: u64,
    /// Documents seen in the changes feed.
    pub seen: u64,
    /// Documents that were refused: another vault's, or not opening.
    pub refused: u64,
    /// Whether more changes wait on the server.
    pub more: bool,
}

impl Vault {
    /// Where the pull from `server` stopped.
    pub(super) async fn pull_since(&self, server: &str) -> Result<Value, VaultError> {
        Ok(self
            .sync_mark(SYNC_SINCE_ID, server)
            .await?
            .unwrap_or(Value::Null))
    }

    /// One round of changes from `server` since the checkpoint, waiting up
    /// to `wait_ms` for one when there is none.
    pub(super) async fn pull(
        &self,
        server: &Server,
        server_path: &str,
        vault_id: &str,
        wait_ms: Option<u32>,
        cancel: &Cancel,
    ) -> Result<Pulled, SyncError> {
        self.require_keys()?;
        let since = self.pull_since(server_path).await?;
        let changes = server.changes(&since, LIMIT, wait_ms, cancel).await?;
        let mut pulled = Pulled {
            seen: changes.rows.len() as u64,
            more: changes.more,
            ..Pulled::default()
        };

        // Which revisions this device lacks.
        let mut by_store: HashMap<&'static str, Vec<(String, Vec<String>)>> = HashMap::new();
        for (doc, revs) in &changes.rows {
            if let Some((store, id)) = parse_doc_id(doc) {
                by_store
                    .entry(store)
                    .or_default()
                    .push((id.to_owned(), revs.clone()));
            }
        }
        let mut wanted: Vec<(String, String)> = Vec::new();
        for (store, rows) in &by_store {
            let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
            let here = read_many(self.connection(), store, &ids).await?;
            for ((id, revs), raw) in rows.iter().zip(here) {
                let tree = match raw {
                    Some(RawRecord::Sealed(record)) => Some(record.tree),
                    _ => None,
                };
                for rev in revs {
                    let known = RevId::parse(rev)
                        .is_some_and(|r| tree.as_ref().is_some_and(|t| t.knows(&r)));
                    if !known {
                        wanted.push((super::documents::doc_id(store, id), rev.clone()));
                    }
                }
            }
        }

        // The revisions, as incoming records.
        let mut incoming: HashMap<(&'static str, String), StoredRecord> = HashMap::new();
        for chunk in wanted.chunks(200) {
            for doc in server.bulk_get(chunk, cancel).await? {
                match doc_leaf(vault_id, &doc) {
                    Ok((store, id, leaf)) => {
                        let record =
                            incoming
                                .entry((store, id.clone()))
                                .or_insert_with(|| StoredRecord {
                                    id,
                                    tree: RevTree::default(),
                                });
                        let mut leaves = std::mem::take(&mut record.tree).into_leaves();
                        if !leaves.iter().any(|l| l.rev == leaf.rev) {
                            leaves.push(leaf);
                        }
                        record.tree = RevTree::from_leaves(leaves);
                    }
                    Err(DocError::OtherVault) | Err(DocError::Malformed(_)) => pulled.refused += 1,
                }
            }
        }

        // Merged and committed with the checkpoint; planned again if a
        // record changed here meanwhile.
        const ATTEMPTS: usize = 3;
        for attempt in 1..=ATTEMPTS {
            match self
                .apply_pulled(&incoming, server_path, &changes.last_seq)
                .await
            {
                Ok((changed, refused)) => {
                    pulled.changed = changed;
                    pulled.refused += refused;
                    return Ok(pulled);
                }
                Err(VaultError::Conflict) if attempt < ATTEMPTS => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(SyncError::Local("records kept changing here".into()))
    }

    /// Merges `incoming` into what is stored now and commits it, with the
    /// notes' index entries, the conflicts list, the records to send back,
    /// and checkpoint `last_seq`, in one transaction.
    async fn apply_pulled(
        &self,
        incoming: &HashMap<(&'static str, String), StoredRecord>,
        server_path: &str,
        last_seq: &Value,
    ) -> Result<(u64, u64), VaultError> {
        // What is here now, per store.
        let mut here: HashMap<(&'static str, String), StoredRecord> = HashMap::new();
        let mut ids_by_store: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (store, id) in incoming.keys() {
            ids_by_store.entry(store).or_default().push(id.clone());
        }
        for (store, ids) in &ids_by_store {
            for (id, raw) in ids
                .iter()
                .zip(read_many(self.connection(), store, ids).await?)
            {
                if let Some(RawRecord::Sealed(record)) = raw {
                    here.insert((store, id.clone()), record);
                }
            }
        }
        let mut changed = 0;
        let mut refused = 0;
        let mut notes: Vec<NoteChange> = Vec::new();
        let mut conflicted = Vec::new();
        // The merge opens every record it takes in: a round of 500 is done a
        // slice at a time, giving the page a turn between slices. Nothing is
        // held open meanwhile; the commit checks that nothing moved on.
        let mut turns = PageTurns::new();
        let mut pending: HashMap<(&'static str, String), StoredRecord> = HashMap::new();
        let mut queue: VecDeque<(&'static str, StoredRecord, bool)> = incoming
            .iter()
            .map(|((store, _), record)| (*store, record.clone(), true))
            .collect();
        let mut send_back: HashSet<(&'static str, String)> = HashSet::new();
        while !queue.is_empty() {
            self.with_keys(|keys| {
                for _ in 0..MERGE_SLICE {
                    let Some((store, record, from_server)) = queue.pop_front() else {
                        break;
                    };
                    let key = (store, record.id.clone());
                    let mine = pending.get(&key).or_else(|| here.get(&key));
                    let merged = merge_into(keys, store, mine, &record)?;
                    refused += merged.refused as u64;
                    if merged.refused > 0
                        && merged.record.is_none()
                        && mine.is_none()
                        && from_server
                    {
                        // Nothing of it opens: kept as it came, so it shows as
                        // damaged where it belongs while the rest syncs.
                        pending.insert(key.clone(), record.clone());
                        changed += 1;
                        continue;
                    }
                    for copy in &merged.copies {
                        conflicted.push(conflict_key(store, &copy.id));
                        send_back.insert((store, copy.id.clone()));
                    }
                    queue.extend(merged.copies.iter().cloned().map(|c| (store, c, false)));
                    if merged.took == Took::Conflict {
                        conflicted.push(conflict_key(store, &record.id));
                    }
                    let Some(result) = merged.record else {
                        continue;
                    };
                    // Leaves the server lacks (made here, or by the merge) go back.
                    let theirs: HashSet<RevId> =
                        record.tree.leaves().iter().map(|l| l.rev).collect();
                    if !from_server
                        || result
                            .tree
                            .leaves()
                            .iter()
                            .any(|l| !theirs.contains(&l.rev))
                    {
                        send_back.insert(key.clone());
                    }
                    changed += 1;
                    pending.insert(key, result);
                }
                Ok(())
            })?;
            turns.breathe().await;
        }
        let pending: Vec<((&'static str, String), StoredRecord)> = pending.into_iter().collect();
        for slice in pending.chunks(MERGE_SLICE) {
            self.with_keys(|keys| {
                for ((store, id), record) in slice {
                    if *store != ProgressNotes::NAME {
                        continue;
                    }
                    let sealer = Sealer::<ProgressNotes>::new(keys.records());
                    let shown = sealer.open::<ProgressNote>(record).ok().flatten();
                    let before = here
                        .get(&(*store, id.clone()))
                        .and_then(|r| sealer.open::<ProgressNote>(r).ok().flatten());
                    // A conflict copy made elsewhere arrives as an ordinary
                    // record: it is listed to be settled here too.
                    if let Some(s) = &shown {
                        if s.conflicts > 0
                            || matches!(&s.value, ProgressNote::Draft(d) if d.conflict_of.is_some())
                        {
                            conflicted.push(conflict_key(store, id));
                        }
                    }
                    let client = shown
                        .as_ref()
                        .or(before.as_ref())
                        .map(|s| s.value.client_id().0.clone());
                    if let Some(client_id) = client {
                        notes.push(NoteChange {
                            client_id,
                            note_id: id.clone(),
                            summary: shown.as_ref().map(summary_of),
                        });
                    }
                }
                Ok(())
            })?;
            turns.breathe().await;
        }
        let mut batch = Batch::new().received();
        for ((store, id), record) in pending {
            let expect = match here.get(&(store, id.clone())) {
                None => Expect::New,
                Some(m) => Expect::Leaves(m.tree.leaves().iter().map(|l| l.rev).collect()),
            };
            batch = batch.put_record(store, record, expect);
        }
        for (store, id) in &send_back {
            batch = batch.queue_for_server(store, id);
        }
        let batch = batch
            .conflicts(std::mem::take(&mut conflicted), Vec::new())
            .meta(SYNC_SINCE_ID, mark_json(server_path, last_seq));
        let batch = self.index_changes(batch, &notes).await?;
        batch.commit(self.connection()).await?;
        Ok((changed, refused))
    }
}
