//! The printed recovery key: issued, confirmed, replaced.
//!
//! A vault remembers, beside its header, that its newest recovery key has not
//! been confirmed as kept. Until it is, every unlock issues a *new* key and
//! shows it ([`entry_for`]): the shown key is never stored anywhere, so it
//! cannot be shown twice, and replacing it makes the unseen one useless.
//!
//! "Make a new recovery key" in Settings does the same on request, after the
//! passphrase is checked: the master key is wrapped under a fresh key, the old
//! key stops working at once, and the change is audited with the header write.

use zeroize::Zeroizing;

use crate::crypto::{CryptoError, Passphrase, RecoveryKey};

use super::audit::{AuditAction, AuditEvent};
use super::batch::Batch;
use super::entry::{Entry, RecoveryKeyHandover};
use super::header::recovery_aad;
use super::kdf_worker::derive_kek_off_thread;
use super::meta::{read_meta, HEADER_ID, RECOVERY_PENDING_ID};
use super::open_vault::Vault;
use super::unlock::read_header;
use super::VaultError;

/// The entry for a vault just opened: open, or a new recovery key to show if
/// the last one was never confirmed.
pub(in crate::vault) async fn entry_for(vault: Vault, now_ms: i64) -> Result<Entry, VaultError> {
    if read_meta(vault.connection(), RECOVERY_PENDING_ID)
        .await?
        .is_none()
    {
        return Ok(Entry::Open(vault));
    }
    let key = issue(&vault, now_ms).await?;
    Ok(Entry::ShowRecoveryKey(RecoveryKeyHandover { vault, key }))
}

/// Records that the shown key was kept.
pub(in crate::vault) async fn confirm(vault: &Vault, now_ms: i64) -> Result<(), VaultError> {
    let event = AuditEvent::now(now_ms, AuditAction::RecoveryKeyConfirmed);
    vault
        .audit_batch(Batch::new(), std::slice::from_ref(&event))?
        .remove_meta(RECOVERY_PENDING_ID)
        .commit(vault.connection())
        .await
}

/// Wraps the master key under a fresh recovery key, marks it unconfirmed, and
/// writes both with the audit event. Returns the key's text, to show once.
async fn issue(vault: &Vault, now_ms: i64) -> Result<Zeroizing<String>, VaultError> {
    let mut header = read_header(vault.connection()).await?;
    let key = RecoveryKey::generate()?;
    header.master_by_recovery = vault
        .with_keys(|keys| Ok(key.wrap_master(keys.master(), &recovery_aad(header.format))?))?;
    let event = AuditEvent::now(now_ms, AuditAction::RecoveryKeyReplaced);
    vault
        .audit_batch(Batch::new().strict(), std::slice::from_ref(&event))?
        .meta(HEADER_ID, header.to_json())
        .meta(RECOVERY_PENDING_ID, "true".to_owned())
        .commit(vault.connection())
        .await?;
    Ok(key.display())
}

impl Vault {
    /// Replaces the recovery key, after checking `passphrase` (Settings, "Make a
    /// new recovery key"). The old key stops working as this commits; the new
    /// one is shown until confirmed.
    ///
    /// # Errors
    /// [`VaultError::WrongPassphrase`] if `passphrase` is not this vault's.
    pub async fn replace_recovery_key(
        self,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<RecoveryKeyHandover, VaultError> {
        self.check_passphrase(passphrase).await?;
        let key = issue(&self, now_ms).await?;
        Ok(RecoveryKeyHandover { vault: self, key })
    }

    /// Checks that `passphrase` opens this vault's header. Runs the KDF.
    pub(in crate::vault) async fn check_passphrase(
        &self,
        passphrase: &Passphrase,
    ) -> Result<(), VaultError> {
        let header = read_header(self.connection()).await?;
        header.kdf_params.validate()?;
        let kek = derive_kek_off_thread(passphrase, &header.salt, &header.kdf_params).await?;
        match kek.unwrap_master(&header.master_by_passphrase, &header.master_aad()) {
            Ok(_) => Ok(()),
            Err(CryptoError::Decrypt) => Err(VaultError::WrongPassphrase { failures: 0 }),
            Err(e) => Err(e.into()),
        }
    }
}
