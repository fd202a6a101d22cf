//! Changing the passphrase: a new salt and KEK re-wrap the master key.
//!
//! No data key and no note is re-encrypted, and the recovery key keeps working.
//! The header, the cleared failure counter and the audit event are written in
//! one transaction, so the log cannot miss a change that happened, nor record
//! one that did not. The old passphrase stops working as it commits.

use crate::crypto::{CryptoError, Passphrase, Salt, FORMAT_VERSION};

use super::audit::{AuditAction, AuditEvent};
use super::backoff::Attempts;
use super::batch::Batch;
use super::header::master_aad;
use super::kdf_worker::derive_kek_off_thread;
use super::meta::{read_header, update_header, ATTEMPTS_ID};
use super::open_vault::Vault;
use super::unlock::count_attempt;
use super::VaultError;

impl Vault {
    /// Changes the passphrase, after checking the current one (someone at an
    /// unlocked tablet must not be able to take the vault over).
    ///
    /// # Errors
    /// [`VaultError::WrongPassphrase`] if `current` is not the passphrase.
    pub async fn change_passphrase(
        &self,
        current: &Passphrase,
        new: &Passphrase,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        self.check_passphrase(current, now_ms).await?;
        set_new(self, new, now_ms).await
    }

    /// Checks that `passphrase` opens this vault's header. Runs the KDF, and
    /// counts a wrong passphrase toward the same back-off as unlocking, so an
    /// unlocked tablet is no faster a way to guess it.
    pub(in crate::vault) async fn check_passphrase(
        &self,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let header = read_header(self.connection()).await?;
        header.kdf_params.validate()?;
        let before = count_attempt(self.connection(), now_ms).await?;
        let kek = derive_kek_off_thread(passphrase, &header.salt, &header.kdf_params).await?;
        match kek.unwrap_master(&header.master_by_passphrase, &header.master_aad()) {
            Ok(_) => {
                // Best effort: a counter left raised only shortens later grace.
                let _ = Batch::new()
                    .meta(ATTEMPTS_ID, Attempts::default().to_json())
                    .commit(self.connection())
                    .await;
                Ok(())
            }
            Err(CryptoError::Decrypt) => {
                let failed = before.failed(now_ms);
                let wait_secs = failed.remaining_secs(now_ms);
                Err(if wait_secs > 0 {
                    VaultError::LockedOut { wait_secs }
                } else {
                    VaultError::WrongPassphrase {
                        failures: failed.failures,
                    }
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Wraps the master key under a KEK derived from `passphrase` with a new salt.
pub(in crate::vault) async fn set_new(
    vault: &Vault,
    passphrase: &Passphrase,
    now_ms: i64,
) -> Result<(), VaultError> {
    let params = vault.kdf_params();
    let salt = Salt::random()?;
    let kek = derive_kek_off_thread(passphrase, &salt, &params).await?;
    let aad = master_aad(FORMAT_VERSION, &params, &salt);
    let wrapped = vault.with_keys(|keys| Ok(kek.wrap_master(keys.master()?, &aad)?))?;
    let event = vault.seal_events(&[AuditEvent::now(now_ms, AuditAction::PassphraseChanged)])?;
    update_header(
        vault.connection(),
        |header| {
            header.master_by_passphrase = wrapped;
            header.kdf_params = params;
            header.salt = salt;
        },
        &[(ATTEMPTS_ID, Attempts::default().to_json())],
        &event,
    )
    .await
}
