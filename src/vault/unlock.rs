//! Unlocking the vault: with the passphrase, or with the printed recovery key.
//!
//! ```text
//! passphrase --Argon2id(salt, params)--> KEK --unwraps--> master key --unwraps--> data keys
//! recovery key -------------------------------unwraps--> master key
//! ```
//!
//! The back-off after wrong passphrases holds across tabs and reloads:
//! 1. unlocks are serialised across tabs with a Web Lock ([`super::web_lock`]);
//! 2. before the KDF runs, one read-write transaction reads the failure counter,
//!    refuses if a wait applies, and otherwise counts this try as a failure;
//! 3. only a passphrase that opens the vault resets the counter, in the same
//!    transaction as the audit events of the unlock.
//!
//! Counting first means N tabs guessing at once raise the counter by N, and a
//! tab closed in the middle of the KDF still counted its try. The header's KDF
//! parameters are bounds-checked before the KDF, too.
//!
//! A full disk must not lock a clinician out of their records: if the counter
//! or the unlock's audit events cannot be written for lack of space, the
//! unlock goes on (the wait is still checked, and the Web Lock still takes the
//! tabs one at a time), and the first save then says the storage is full.

use crate::crypto::{CryptoError, Passphrase, RecoveryKey};

use super::audit::{AuditAction, AuditEvent};
use super::backoff::Attempts;
use super::batch::Batch;
use super::connection::Connection;
use super::door::VaultDoor;
use super::entry::{entry_for, Entry, PassphraseReset};
use super::kdf_worker::derive_kek_off_thread;
use super::keyring::Keyring;
use super::meta::{meta_json, meta_value, read_header, read_meta, ATTEMPTS_ID};
use super::open_vault::Vault;
use super::store::VAULT_META;
use super::web_lock::exclusively;
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// The Web Lock every tab takes to unlock.
const UNLOCK_LOCK: &str = "psynotes-unlock";

impl VaultDoor {
    /// Unlocks with the passphrase.
    ///
    /// # Errors
    /// [`VaultError::WrongPassphrase`] with the failures so far,
    /// [`VaultError::LockedOut`] while a wait applies (checked before the KDF),
    /// header problems, and storage failures.
    pub async fn unlock(&self, passphrase: &Passphrase, now_ms: i64) -> Result<Entry, VaultError> {
        exclusively(UNLOCK_LOCK, self.unlock_now(passphrase, now_ms)).await
    }

    async fn unlock_now(&self, passphrase: &Passphrase, now_ms: i64) -> Result<Entry, VaultError> {
        let header = read_header(&self.connection).await?;
        if header.custodian_copy {
            return Err(VaultError::CustodianCopyOnly);
        }
        header.kdf_params.validate()?;
        let before = count_attempt(&self.connection, now_ms).await?;
        let kek = derive_kek_off_thread(passphrase, &header.salt, &header.kdf_params).await?;
        let master = match kek.unwrap_master(&header.master_by_passphrase, &header.master_aad()) {
            Ok(master) => master,
            Err(CryptoError::Decrypt) => {
                let failed = before.failed(now_ms);
                let wait_secs = failed.remaining_secs(now_ms);
                return Err(if wait_secs > 0 {
                    VaultError::LockedOut { wait_secs }
                } else {
                    VaultError::WrongPassphrase {
                        failures: failed.failures,
                    }
                });
            }
            Err(e) => return Err(e.into()),
        };
        let keyring =
            Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;
        let mut events = Vec::with_capacity(2);
        if before.failures > 0 {
            events.push(AuditEvent::now(
                now_ms,
                AuditAction::UnlockFailed {
                    count: before.failures,
                },
            ));
        }
        events.push(AuditEvent::now(now_ms, AuditAction::Unlocked));
        let vault = Vault::new(self.connection.clone(), keyring, self.kdf_params);
        let batch = vault
            .audit_batch(Batch::new(), &events)?
            .meta(ATTEMPTS_ID, Attempts::default().to_json());
        match batch.commit(&self.connection).await {
            Ok(()) | Err(VaultError::QuotaExceeded) => {}
            Err(e) => return Err(e),
        }
        entry_for(vault, now_ms).await
    }

    /// Unlocks with the printed recovery key. The entry asks for a new passphrase
    /// before the vault may be used.
    pub async fn recover(&self, recovery_text: &str, now_ms: i64) -> Result<Entry, VaultError> {
        let header = read_header(&self.connection).await?;
        if header.custodian_copy {
            return Err(VaultError::CustodianCopyOnly);
        }
        let recovery = RecoveryKey::parse(recovery_text)?;
        let master = recovery
            .unwrap_master(&header.master_by_recovery, &header.recovery_aad())
            .map_err(|e| match e {
                CryptoError::Decrypt => VaultError::WrongRecoveryKey,
                other => other.into(),
            })?;
        let keyring =
            Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;
        let vault = Vault::new(self.connection.clone(), keyring, self.kdf_params);
        let event = AuditEvent::now(now_ms, AuditAction::RecoveryKeyUsed);
        vault
            .audit_batch(Batch::new(), std::slice::from_ref(&event))?
            .meta(ATTEMPTS_ID, Attempts::default().to_json())
            .commit(&self.connection)
            .await?;
        Ok(Entry::ChooseNewPassphrase(PassphraseReset { vault }))
    }

    /// The failure counter as stored, for showing how long a wait still runs.
    pub async fn attempts(&self) -> Result<Attempts, VaultError> {
        Ok(read_meta(&self.connection, ATTEMPTS_ID)
            .await?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }
}

/// Step 2 of the module doc: in one transaction, refuses while a wait applies,
/// else counts this try as failed. Returns the counter as it was before.
pub(in crate::vault) async fn count_attempt(
    connection: &Connection,
    now_ms: i64,
) -> Result<Attempts, VaultError> {
    let tx = WriteTransaction::begin(connection, &[VAULT_META], Durability::Default)?;
    let work = async {
        let before: Attempts = tx
            .get(VAULT_META, ATTEMPTS_ID)
            .await?
            .and_then(|v| meta_json(&v))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let wait_secs = before.remaining_secs(now_ms);
        if wait_secs > 0 {
            return Err(VaultError::LockedOut { wait_secs });
        }
        let counted = before.failed(now_ms);
        tx.put(VAULT_META, &meta_value(ATTEMPTS_ID, &counted.to_json()))
            .await?;
        Ok(before)
    };
    let result = work.await;
    let read = result.as_ref().ok().copied();
    match (tx.end(result).await, read) {
        // The counter could not be raised for lack of space (see the module doc).
        (Err(VaultError::QuotaExceeded), Some(before)) => Ok(before),
        (outcome, _) => outcome,
    }
}
