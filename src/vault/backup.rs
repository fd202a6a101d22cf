//! Making encrypted backups, and merging one back into the open vault.
//!
//! A backup is a consistent snapshot (one read-only transaction) of the header
//! and every sealed record, still encrypted, authenticated under a key derived
//! from the master key; see [`super::backup_format`]. Restoring into a browser
//! with no vault is a door procedure ([`super::restore`]). Merging into the open
//! vault needs the same vault (its master key verifies the file), and merges by
//! id and revision: the newer revision wins, nothing is deleted, and where both
//! sides hold a different record at the same revision the backup's version is
//! kept beside the current one as a conflict copy.
//!
//! A bad file (truncated, foreign, tampered, newer) is refused before anything is
//! written; the merge and its audit event are one transaction, so a failure
//! leaves the data as it was.

use js_sys::Reflect;
use rexie::TransactionMode;

use crate::crypto::random_id;

use super::audit::{AuditAction, AuditEvent};
use super::backup_format::{encode, file_name, parse, Backup, BackupError, StoreRecords};
use super::batch::{Batch, Expect};
use super::connection::Connection;
use super::keyring::Keyring;
use super::meta::{meta_json, read_meta, HEADER_ID, LAST_BACKUP_ID};
use super::open_vault::Vault;
use super::record::SealedRecord;
use super::restore::{check_store_names, static_name};
use super::sealer::Sealer;
use super::store::{
    Clients, DraftsStore, EncryptedStore, NoteIndex, PracticeSummaryStore, ProgressNotes,
    PsychotherapyNotes, BACKED_UP_STORES, VAULT_META,
};
use super::VaultError;
use crate::domain::{
    Client, ClientId, ProgressNote, ProgressNoteId, PsychotherapyNote, PsychotherapyNoteId,
};

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
    /// Records changed on both sides: the backup's version was added beside.
    pub conflicts: u32,
    /// Signed notes changed on both sides (different addenda): this device's
    /// version was kept, since a signed note cannot be copied under a new id.
    pub unresolved: u32,
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
        let bytes = self.with_keys(|keys| Ok(encode(&backup, &keys.master().backup_mac_key())?))?;
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
        let parsed = parse(bytes)?;
        let backup = self.with_keys(|keys| Ok(parsed.verify(&keys.master().backup_mac_key())?))?;
        check_store_names(&backup)?;
        let (_, current) = snapshot(self.connection()).await?;
        let mut report = MergeReport::default();
        // The progress notes written, which the note index must follow.
        let mut notes_written: Vec<String> = Vec::new();
        let batch = self.with_keys(|keys| {
            let mut batch = Batch::new();
            // Settings and drafts belong to this device: a backup's older settings or
            // editor buffers must not replace them.
            for incoming in backup
                .stores
                .iter()
                .filter(|s| s.store != VAULT_META && s.store != DraftsStore::NAME)
            {
                let store = static_name(&incoming.store)?;
                let here = current.iter().find(|s| s.store == incoming.store);
                let is_note = store == ProgressNotes::NAME;
                for record in &incoming.records {
                    let mine = here.and_then(|s| s.records.iter().find(|r| r.id == record.id));
                    match mine {
                        None => {
                            report.added += 1;
                            if is_note {
                                notes_written.push(record.id.clone());
                            }
                            batch = batch.put_unchecked(store, record.clone(), Some(Expect::New));
                        }
                        Some(m) if record.rev > m.rev => {
                            report.updated += 1;
                            if is_note {
                                notes_written.push(record.id.clone());
                            }
                            batch = batch.put_unchecked(
                                store,
                                record.clone(),
                                Some(Expect::Revision(m.rev)),
                            );
                        }
                        Some(m) if record.rev == m.rev && record.envelope != m.envelope => {
                            match conflict_copy(keys, store, record)? {
                                Some(copy) => {
                                    report.conflicts += 1;
                                    if is_note {
                                        notes_written.push(copy.id.clone());
                                    }
                                    batch = batch.put_unchecked(store, copy, Some(Expect::New));
                                }
                                None => report.unresolved += 1,
                            }
                        }
                        Some(_) => report.kept += 1,
                    }
                }
            }
            if !notes_written.is_empty() {
                // The merge may add notes or replace them with newer
                // revisions: the note index and summary are emptied with it,
                // in the same transaction, and rebuilt from the notes at their
                // next use. (Rebuilding costs a read of every note once; a merge
                // is rare, and an index left behind would stay wrong.)
                batch = batch.clear::<NoteIndex>().clear::<PracticeSummaryStore>();
            }
            Ok(batch)
        })?;
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
        if !notes_written.is_empty() {
            self.set_index_checked(None);
        }
        Ok(report)
    }
}

/// The backup's version of a record, given a fresh id (inside the record too, so
/// the copy opens as itself) and sealed beside the current one. `None` when no
/// copy can be made: a signed progress note's id is part of what was signed, so
/// it cannot be renamed; the device's version is kept and the conflict reported.
fn conflict_copy(
    keys: &Keyring,
    store: &'static str,
    record: &SealedRecord,
) -> Result<Option<SealedRecord>, VaultError> {
    let id = random_id()?;
    let sealed = match store {
        s if s == Clients::NAME => {
            let mut client: Client = Sealer::<Clients>::new(keys.records()).open(record)?.value;
            client.id = ClientId(id.clone());
            client.name = format!("{} (conflict copy)", client.name);
            Sealer::<Clients>::new(keys.records()).seal(&id, 1, &client)?
        }
        s if s == ProgressNotes::NAME => {
            let note: ProgressNote = Sealer::<ProgressNotes>::new(keys.records())
                .open(record)?
                .value;
            match note {
                ProgressNote::Draft(mut draft) => {
                    draft.id = ProgressNoteId(id.clone());
                    Sealer::<ProgressNotes>::new(keys.records()).seal(
                        &id,
                        1,
                        &ProgressNote::Draft(draft),
                    )?
                }
                ProgressNote::Signed(_) => return Ok(None),
            }
        }
        s if s == PsychotherapyNotes::NAME => {
            let mut note: PsychotherapyNote =
                Sealer::<PsychotherapyNotes>::new(keys.psychotherapy())
                    .open(record)?
                    .value;
            note.id = PsychotherapyNoteId(id.clone());
            Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()).seal(&id, 1, &note)?
        }
        // Audit events never conflict (random ids, never rewritten); drafts are not merged.
        _ => return Ok(None),
    };
    Ok(Some(sealed))
}

/// The header and every sealed record, read in one transaction.
async fn snapshot(connection: &Connection) -> Result<(String, Vec<StoreRecords>), VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&BACKED_UP_STORES, TransactionMode::ReadOnly)?;
    let mut header_json = None;
    let mut stores = Vec::new();
    for store in BACKED_UP_STORES {
        let values = tx.store(store)?.get_all(None, None).await?;
        let mut records = Vec::with_capacity(values.len());
        for value in &values {
            if store == VAULT_META {
                let id = Reflect::get(value, &"id".into())
                    .ok()
                    .and_then(|v| v.as_string());
                if id.as_deref() == Some(HEADER_ID) {
                    header_json = meta_json(value);
                }
            }
            // Plaintext meta records (the header, counters) are not sealed records.
            if let Some(record) = SealedRecord::from_js(value) {
                records.push(record);
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
