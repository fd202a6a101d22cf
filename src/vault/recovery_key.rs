//! The printed recovery key: issued, confirmed, replaced.
//!
//! A vault remembers, beside its header, that its newest recovery key has not
//! been confirmed as kept. Until it is, every unlock issues a *new* key and
//! shows it (see [`super::entry`]): the shown key is never stored anywhere, so
//! it cannot be shown twice, and replacing it makes the unseen one useless.
//!
//! "Make a new recovery key" in Settings does the same on request, after the
//! passphrase is checked: the master key is wrapped under a fresh key, the old
//! key stops working at once, and the change is audited with the header write.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{RecoveryKey, WrappedKey, FORMAT_VERSION};

use super::audit::{AuditAction, AuditEvent};
use super::header::recovery_aad;
use super::meta::{meta_json, read_meta, update_header, RECOVERY_PENDING_ID};
use super::open_vault::Vault;
use super::store::{AuditLog, EncryptedStore, VAULT_META};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// Whether the newest recovery key still waits to be confirmed.
pub(in crate::vault) async fn is_pending(vault: &Vault) -> Result<bool, VaultError> {
    Ok(read_meta(vault.connection(), RECOVERY_PENDING_ID)
        .await?
        .is_some())
}

/// Names one wrapping of the master key under a recovery key, so confirming a
/// key can tell it is still the newest one.
pub(in crate::vault) fn fingerprint(wrapped: &WrappedKey) -> String {
    let digest = Sha256::new()
        .chain_update(wrapped.nonce)
        .chain_update(&wrapped.ciphertext)
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The pending flag's stored form for a key with `fingerprint`.
pub(in crate::vault) fn pending_json(fingerprint: &str) -> String {
    serde_json::json!({ "key": fingerprint }).to_string()
}

/// Records that the key with `fingerprint` was kept. Refused when another tab
/// issued a newer key since: the one on this screen no longer opens the vault.
pub(in crate::vault) async fn confirm(
    vault: &Vault,
    fingerprint: &str,
    now_ms: i64,
) -> Result<(), VaultError> {
    let event = vault.seal_events(&[AuditEvent::now(now_ms, AuditAction::RecoveryKeyConfirmed)])?;
    let tx = WriteTransaction::begin(
        vault.connection(),
        &[VAULT_META, AuditLog::NAME],
        Durability::Default,
    )?;
    let work = async {
        let Some(pending) = tx
            .get(VAULT_META, RECOVERY_PENDING_ID)
            .await?
            .and_then(|v| meta_json(&v))
        else {
            // Confirmed already (in another tab).
            return Ok(());
        };
        let newest = serde_json::from_str::<serde_json::Value>(&pending)
            .ok()
            .and_then(|v| v.get("key")?.as_str().map(str::to_owned));
        if newest.as_deref() != Some(fingerprint) {
            return Err(VaultError::RecoveryKeyReplaced);
        }
        tx.delete(VAULT_META, RECOVERY_PENDING_ID).await?;
        for record in &event {
            tx.put(AuditLog::NAME, &record.to_js()).await?;
        }
        Ok(())
    };
    let result = work.await;
    tx.end(result).await
}

/// Wraps the master key under a fresh recovery key, marks it unconfirmed, and
/// writes both with the audit event, in one transaction over the header.
/// Returns the key's text, to show once, and its fingerprint.
pub(in crate::vault) async fn issue(
    vault: &Vault,
    now_ms: i64,
) -> Result<(Zeroizing<String>, String), VaultError> {
    let key = RecoveryKey::generate()?;
    let wrapped = vault
        .with_keys(|keys| Ok(key.wrap_master(keys.master()?, &recovery_aad(FORMAT_VERSION))?))?;
    let print = fingerprint(&wrapped);
    let event = vault.seal_events(&[AuditEvent::now(now_ms, AuditAction::RecoveryKeyReplaced)])?;
    update_header(
        vault.connection(),
        |header| header.master_by_recovery = wrapped,
        &[(RECOVERY_PENDING_ID, pending_json(&print))],
        &event,
    )
    .await?;
    Ok((key.display(), print))
}
