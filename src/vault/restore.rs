//! Restoring a backup into a browser with no vault: a new tablet, a wiped
//! browser, or a vault whose header was lost.
//!
//! The file is refused before anything is written if it is truncated, foreign,
//! tampered or newer (see [`super::backup_format`]), or if the secret does not
//! open it. Then one transaction adds the header, every record this browser
//! does not already hold, and the audit event; records already present (a
//! vault whose header was lost) are never overwritten. The transaction either
//! commits whole or, on a full disk, leaves the browser as it was and says so.
//!
//! A restore opened with the recovery key ends, like a recovery-key unlock, by
//! choosing a new passphrase.

use std::collections::HashSet;

use crate::crypto::{CryptoError, MasterKey, Passphrase, RecoveryKey};

use super::audit::{AuditAction, AuditEvent};
use super::backup_format::{parse_paced, Backup};
use super::door::VaultDoor;
use super::entry::{Entry, PassphraseReset};
use super::header::VaultHeader;
use super::kdf_worker::derive_kek_off_thread;
use super::keyring::Keyring;
use super::meta::{meta_value, HEADER_ID, LAST_BACKUP_ID};
use super::open_vault::Vault;
use super::page_turn::PageTurns;
use super::reads::read_ids;
use super::sealer::Sealer;
use super::store::{
    AuditLog, EncryptedStore, NoteIndex, PracticeSummaryStore, ALL_STORES, BACKED_UP_STORES,
    VAULT_META,
};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// How many records a restore adds between two chances for the page to draw.
const RESTORE_CHUNK: usize = 200;

/// How far a restore's writing has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestoreProgress {
    /// Records added so far (not yet committed: see
    /// [`VaultDoor::restore_with_progress`]).
    pub written: u32,
    /// Records the backup adds here.
    pub total: u32,
}

/// How to open a backup in a browser with no vault.
pub enum RestoreSecret {
    /// The passphrase in use when the backup was made.
    Passphrase(Passphrase),
    /// The printed recovery key, as typed.
    RecoveryKey(String),
}

impl VaultDoor {
    /// Restores `bytes`, a `.psybak` file, into this browser; see the module doc.
    ///
    /// # Errors
    /// The backup format's refusals, [`VaultError::WrongBackupPassphrase`],
    /// [`VaultError::WrongRecoveryKey`], [`VaultError::DataExists`] when a vault
    /// header is already here, and storage failures (a full quota).
    pub async fn restore(
        &self,
        bytes: &[u8],
        secret: RestoreSecret,
        now_ms: i64,
    ) -> Result<Entry, VaultError> {
        self.restore_with_progress(bytes, secret, now_ms, &|_| {})
            .await
    }

    /// [`VaultDoor::restore`], telling `progress` how many records are
    /// written so far, a chunk at a time: the screen draws between chunks, so
    /// a large restore shows its progress instead of freezing. It is still one
    /// transaction: until it commits, nothing is restored.
    pub async fn restore_with_progress(
        &self,
        bytes: &[u8],
        secret: RestoreSecret,
        now_ms: i64,
        progress: &dyn Fn(RestoreProgress),
    ) -> Result<Entry, VaultError> {
        let mut turns = PageTurns::new();
        let parsed = parse_paced(bytes, &mut turns).await?;
        let header = VaultHeader::from_json(parsed.header_json())?;
        if header.custodian_copy {
            return Err(VaultError::CustodianCopyOnly);
        }
        let with_recovery_key = matches!(secret, RestoreSecret::RecoveryKey(_));
        let master = open_master(&header, secret).await?;
        let backup = parsed
            .verify_paced(&master.backup_mac_key(), &mut turns)
            .await?;
        check_store_names(&backup)?;
        let keyring =
            Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;

        // Which records are new here: all of them in a new browser.
        let mut present: Vec<HashSet<String>> = Vec::with_capacity(backup.stores.len());
        for store in &backup.stores {
            present.push(
                read_ids(&self.connection, &store.store)
                    .await?
                    .into_iter()
                    .collect(),
            );
        }
        let records: u32 = backup
            .stores
            .iter()
            .zip(&present)
            .map(|(s, here)| s.records.iter().filter(|r| !here.contains(&r.id)).count() as u32)
            .sum();
        let event = Sealer::<AuditLog>::new(keyring.audit()?)
            .seal_new(&AuditEvent::now(now_ms, AuditAction::Restored { records }))?;

        let tx = WriteTransaction::begin(&self.connection, &ALL_STORES, Durability::Strict)?;
        let work = async {
            tx.add(VAULT_META, &meta_value(HEADER_ID, &backup.header_json))
                .await?;
            // Whatever index survived a lost header describes other notes: the
            // restored vault builds its own at first use.
            tx.clear(NoteIndex::NAME).await?;
            tx.clear(PracticeSummaryStore::NAME).await?;
            let mut written = 0;
            progress(RestoreProgress {
                written,
                total: records,
            });
            for (store, here) in backup.stores.iter().zip(&present) {
                let os = tx.store(&store.store)?;
                let new: Vec<_> = store
                    .records
                    .iter()
                    .filter(|r| !here.contains(&r.id))
                    .collect();
                for chunk in new.chunks(RESTORE_CHUNK) {
                    let Some((last, rest)) = chunk.split_last() else {
                        continue;
                    };
                    // A chunk's adds are issued in one turn; one that fails (an
                    // id that appeared meanwhile, a full disk) aborts the
                    // transaction, and `end` reports why. Waiting for the
                    // chunk's last add lets the page draw, and the
                    // transaction stays open: its request is still pending.
                    for record in rest {
                        tx.add_now(&os, &record.to_js())?;
                    }
                    tx.add(&store.store, &last.to_js()).await?;
                    written += chunk.len() as u32;
                    progress(RestoreProgress {
                        written,
                        total: records,
                    });
                }
            }
            // The file restored from is a backup, made when it says: the
            // reminder counts from it (it is at least as new as any date of
            // an earlier backup the file itself carries).
            tx.put(
                VAULT_META,
                &meta_value(LAST_BACKUP_ID, &backup.created_at_ms.to_string()),
            )
            .await?;
            tx.put(AuditLog::NAME, &event.to_js()).await
        };
        let result = work.await;
        match tx.end(result).await {
            Ok(()) => {}
            Err(VaultError::Constraint) => return Err(VaultError::DataExists),
            Err(e) => return Err(e),
        }

        let vault = Vault::new(self.connection.clone(), keyring, self.kdf_params);
        Ok(if with_recovery_key {
            Entry::ChooseNewPassphrase(PassphraseReset { vault })
        } else {
            Entry::Open(vault)
        })
    }
}

async fn open_master(header: &VaultHeader, secret: RestoreSecret) -> Result<MasterKey, VaultError> {
    match secret {
        RestoreSecret::Passphrase(p) => {
            header.kdf_params.validate()?;
            let kek = derive_kek_off_thread(&p, &header.salt, &header.kdf_params).await?;
            kek.unwrap_master(&header.master_by_passphrase, &header.master_aad())
                .map_err(|e| match e {
                    CryptoError::Decrypt => VaultError::WrongBackupPassphrase,
                    other => other.into(),
                })
        }
        RestoreSecret::RecoveryKey(text) => {
            let key = RecoveryKey::parse(&text)?;
            key.unwrap_master(&header.master_by_recovery, &header.recovery_aad())
                .map_err(|e| match e {
                    CryptoError::Decrypt => VaultError::WrongRecoveryKey,
                    other => other.into(),
                })
        }
    }
}

/// A store in a backup that this app does not know would be deleted by the next
/// schema upgrade; refuse the file instead of importing it half.
pub(in crate::vault) fn check_store_names(backup: &Backup) -> Result<(), VaultError> {
    for store in &backup.stores {
        static_name(&store.store)?;
    }
    Ok(())
}

/// The store's name as this build declares it.
pub(in crate::vault) fn static_name(name: &str) -> Result<&'static str, VaultError> {
    BACKED_UP_STORES
        .iter()
        .copied()
        .find(|s| *s == name)
        .ok_or(VaultError::Backup(
            super::backup_format::BackupError::Malformed("an unknown store").to_string(),
        ))
}
