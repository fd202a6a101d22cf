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

use zeroize::Zeroizing;

use crate::crypto::RecoveryKey;

use super::audit::{AuditAction, AuditEvent};
use super::batch::Batch;
use super::header::recovery_aad;
use super::meta::{read_header, read_meta, HEADER_ID, RECOVERY_PENDING_ID};
use super::open_vault::Vault;
use super::VaultError;

/// Whether the newest recovery key still waits to be confirmed.
pub(in crate::vault) async fn is_pending(vault: &Vault) -> Result<bool, VaultError> {
    Ok(read_meta(vault.connection(), RECOVERY_PENDING_ID)
        .await?
        .is_some())
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
pub(in crate::vault) async fn issue(
    vault: &Vault,
    now_ms: i64,
) -> Result<Zeroizing<String>, VaultError> {
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
