//! Making encrypted backups, and merging one back into the open vault.
//!
//! A backup is a consistent snapshot (one read-only transaction) of the header
//! and every sealed record, still encrypted, authenticated under a key derived
//! from the master key; see [`super::backup_format`]. Restoring into a browser
//! with no vault is a door procedure ([`super::restore`]). Merging into the open
//! vault needs the same vault (its master key verifies the file), and merges
//! each record's revisions as replication does ([`super::incoming`]): a newer
//! revision replaces the one it descends from, nothing else is replaced, and a
//! record changed differently on both sides keeps both versions, as a conflict
//! the clinician settles on the Conflicts page. A signed note is never replaced
//! by a draft.
//!
//! A bad file (truncated, foreign, tampered, newer) is refused before anything is
//! written; the merge and its audit event are one transaction, so a failure
//! leaves the data as it was.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use js_sys::Reflect;
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::audit::{AuditAction, AuditEvent};
use super::backup_format::{
    encode_paced, file_name, parse_paced, Backup, BackupError, Pace, StoreRecords,
};
use super::batch::{Batch, Expect};
use super::conflicts::conflict_key;
use super::connection::Connection;
use super::incoming::{merge_into, Took, REPLICATED_STORES};
use super::meta::{meta_json, read_meta, HEADER_ID, LAST_BACKUP_ID};
use super::open_vault::Vault;
use super::page_turn::PageTurns;
use super::record::StoredRecord;
use super::restore::{check_store_names, static_name};
use super::store::{
    EncryptedStore, NoteIndex, PracticeSummaryStore, ProgressNotes, BACKED_UP_STORES, VAULT_META,
};
use super::VaultError;

impl From<BackupError> for VaultError {
    fn from(e: BackupError) -> Self {
        VaultError::Backup(e.to_string())
    }
}

/// A backup file ready to download.
pub struct BackupFile {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// `psynotes-backup-YYYY-MM-DD.psybak`.
    pub file_name: String,
    /// Records in it.
    pub records: usize,
}

/// What a merge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Records that were only in the backup.
    pub added: u32,
    /// Records the backup held at a newer revision.
    pub updated: u32,
    /// Records that were the same or newer here.
    pub kept: u32,
    /// Records changed on both sides: both versions are kept, to settle.
    pub conflicts: u32,
    /// Revisions in the backup that did not open (damaged): left out.
    pub damaged: u32,
}

impl Vault {
    /// Makes a backup of the whole vault and records it in the audit log.
    pub async fn create_backup(&self, now_ms: i64, today: &str) -> Result<BackupFile, VaultError> {
        let (header_json, stores) = snapshot(self.connection()).await?;
        let backup = Backup {
            header_json,
            stores,
            created_at_ms: now_ms,
        };
        let mac_key = self.with_keys(|keys| Ok(keys.master()?.backup_mac_key()))?;
        let bytes = encode_paced(&backup, &mac_key, &mut PageTurns::new()).await?;
        let records = backup.record_count();
        self.record_event(&AuditEvent::now(
            now_ms,
            AuditAction::BackupCreated {
                records: records as u32,
            },
        ))
        .await?;
        Ok(BackupFile {
            bytes,
            file_name: file_name(today),
            records,
        })
    }

    /// Remembers that a backup file was saved (for the reminder). Called only
    /// once the download has started, so the reminder never claims a backup that
    /// was not written.
    pub async fn mark_backed_up(&self, now_ms: i64) -> Result<(), VaultError> {
        Batch::new()
            .meta(LAST_BACKUP_ID, now_ms.to_string())
            .commit(self.connection())
            .await
    }

    /// When the last backup was made, if ever.
    pub async fn last_backup_ms(&self) -> Result<Option<i64>, VaultError> {
        Ok(read_meta(self.connection(), LAST_BACKUP_ID)
            .await?
            .and_then(|s| s.parse().ok()))
    }

    /// Merges a backup of this same vault into it; see the module docs.
    pub async fn merge_backup(&self, bytes: &[u8], now_ms: i64) -> Result<MergeReport, VaultError> {
        let mut turns = PageTurns::new();
        let parsed = parse_paced(bytes, &mut turns).await?;
        let mac_key = self.with_keys(|keys| Ok(keys.master()?.backup_mac_key()))?;
        let backup = parsed.verify_paced(&mac_key, &mut turns).await?;
        check_store_names(&backup)?;
        let (_, current) = snapshot(self.connection()).await?;
        let mut report = MergeReport::default();
        // The progress notes written, which the note index must follow.
        let mut notes_written = false;
        let mut conflicted = Vec::new();
        // Each record the merge takes in is opened: the work is done a slice
        // at a time, giving the page a turn between slices. No transaction is
        // open meanwhile; the commit checks that nothing moved on.
        let mut batch = Batch::new();
        // Settings and drafts belong to this device, and the derived
        // stores are rebuilt: only the stores that travel are merged.
        for incoming in backup
            .stores
            .iter()
            .filter(|s| REPLICATED_STORES.contains(&s.store.as_str()))
        {
            let store = static_name(&incoming.store)?;
            let here: HashMap<&str, &StoredRecord> = current
                .iter()
                .find(|s| s.store == incoming.store)
                .map(|s| s.records.iter().map(|r| (r.id.as_str(), r)).collect())
                .unwrap_or_default();
            // Conflict copies the merge makes are taken in like the
            // backup's own records, after them. The backup's records are
            // borrowed: copying 30 MB of them was a long task of its own.
            let mut queue: VecDeque<Cow<'_, StoredRecord>> =
                incoming.records.iter().map(Cow::Borrowed).collect();
            let mut from_backup = incoming.records.len();
            // What this merge will write, by id: a record met twice (a
            // copy the backup holds too) is written once.
            let mut pending: HashMap<String, StoredRecord> = HashMap::new();
            while !queue.is_empty() {
                self.with_keys(|keys| {
                    for _ in 0..MERGE_SLICE {
                        let Some(record) = queue.pop_front() else {
                            break;
                        };
                        let counted = from_backup > 0;
                        from_backup = from_backup.saturating_sub(1);
                        let mine = pending
                            .get(&record.id)
                            .or_else(|| here.get(record.id.as_str()).copied());
                        let merged = merge_into(keys, store, mine, &record)?;
                        report.damaged += merged.refused as u32;
                        if counted {
                            match merged.took {
                                Took::Nothing => report.kept += 1,
                                Took::New => report.added += 1,
                                Took::Updated => report.updated += 1,
                                Took::Conflict => report.conflicts += 1,
                            }
                        } else if merged.took != Took::Nothing {
                            report.conflicts += 1;
                        }
                        for copy in &merged.copies {
                            conflicted.push(conflict_key(store, &copy.id));
                        }
                        queue.extend(merged.copies.into_iter().map(Cow::Owned));
                        if merged.took == Took::Conflict {
                            conflicted.push(conflict_key(store, &record.id));
                        }
                        if let Some(record) = merged.record {
                            notes_written |= store == ProgressNotes::NAME;
                            pending.insert(record.id.clone(), record);
                        }
                    }
                    Ok(())
                })?;
                turns.breathe().await;
            }
            let pending: Vec<(String, StoredRecord)> = pending.into_iter().collect();
            for slice in pending.chunks(MERGE_SLICE) {
                if store != ProgressNotes::NAME {
                    break;
                }
                self.with_keys(|keys| {
                    for (id, record) in slice {
                        if is_conflict_copy(keys, record) {
                            // A conflict copy the backup holds: listed to be settled here too.
                            conflicted.push(conflict_key(store, id));
                        }
                    }
                    Ok(())
                })?;
                turns.breathe().await;
            }
            for (id, record) in pending {
                // Planned on the leaves read above: if another tab changed
                // the record since, the whole merge is refused, not half done.
                let expect = match here.get(id.as_str()) {
                    None => Expect::New,
                    Some(m) => Expect::Leaves(m.tree.leaves().iter().map(|l| l.rev).collect()),
                };
                batch = batch.put_record(store, record, expect);
            }
        }
        if notes_written {
            // The merge may add notes or replace them with newer
            // revisions: the note index and summary are emptied with it,
            // in the same transaction, and rebuilt from the notes at their
            // next use. (Rebuilding costs a read of every note once; a merge
            // is rare, and an index left behind would stay wrong.)
            batch = batch.clear::<NoteIndex>().clear::<PracticeSummaryStore>();
        }
        let batch = batch.conflicts(std::mem::take(&mut conflicted), Vec::new());
        // The audit event commits with the merge it describes.
        let event = AuditEvent::now(
            now_ms,
            AuditAction::Merged {
                records: report.added + report.updated + report.conflicts,
            },
        );
        self.audit_batch(batch, std::slice::from_ref(&event))?
            .commit(self.connection())
            .await?;
        if notes_written {
            self.set_index_checked(None);
        }
        Ok(report)
    }
}

/// Records merged between two turns of the page (see [`PageTurns`]).
const MERGE_SLICE: usize = 50;

/// Records read per request while taking a snapshot: each page arrives in a
/// task of its own, so the page can draw between them.
const SNAPSHOT_PAGE: u32 = 500;

/// The header and every sealed record, read in one transaction.
///
/// The records are read a page at a time, each request made as the one before
/// succeeds, so the transaction stays open throughout and the snapshot is
/// consistent, while no single task converts the whole vault.
pub(in crate::vault) async fn snapshot(
    connection: &Connection,
) -> Result<(String, Vec<StoreRecords>), VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&BACKED_UP_STORES, TransactionMode::ReadOnly)?;
    let mut header_json = None;
    let mut stores = Vec::new();
    for store in BACKED_UP_STORES {
        let mut records = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let range = after
                .as_deref()
                .map(|key| rexie::KeyRange::lower_bound(&JsValue::from_str(key), Some(true)))
                .transpose()
                .map_err(rexie::Error::from)?;
            let values = tx.store(store)?.get_all(range, Some(SNAPSHOT_PAGE)).await?;
            for value in &values {
                let id = Reflect::get(value, &"id".into())
                    .ok()
                    .and_then(|v| v.as_string());
                if store == VAULT_META && id.as_deref() == Some(HEADER_ID) {
                    header_json = meta_json(value);
                }
                // Plaintext meta records (the header, counters) are not sealed records.
                if let Some(record) = StoredRecord::from_js(value) {
                    records.push(record);
                }
                after = id;
            }
            if values.len() < SNAPSHOT_PAGE as usize {
                break;
            }
            if after.is_none() {
                // A key that is not text cannot be paged past: refuse rather
                // than loop or leave records out of the backup.
                return Err(VaultError::Backup(
                    "A record's key could not be read, so no backup was made. Please report this problem."
                        .to_owned(),
                ));
            }
        }
        stores.push(StoreRecords {
            store: store.to_owned(),
            records,
        });
    }
    // Read-only: every result is in; nothing to commit.
    drop(tx);
    Ok((header_json.ok_or(VaultError::NoVault)?, stores))
}

/// Whether `record` (a progress note) shows a conflict copy.
fn is_conflict_copy(keys: &super::keyring::Keyring, record: &StoredRecord) -> bool {
    use crate::domain::ProgressNote;
    matches!(
        super::sealer::Sealer::<ProgressNotes>::new(keys.records()).open::<ProgressNote>(record),
        Ok(Some(s)) if matches!(&s.value, ProgressNote::Draft(d) if d.conflict_of.is_some())
    )
}
