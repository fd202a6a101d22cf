//! The plaintext entries of `vault_meta`: `{ id, json }` objects holding the
//! header, the wrong-passphrase counter, whether the recovery key was confirmed
//! and the time of the last backup. None of them holds anything about a client.
//! (The sealed settings live in the same store, as an ordinary sealed record.)

use js_sys::{Object, Reflect};
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::connection::Connection;
use super::header::VaultHeader;
use super::store::VAULT_META;
use super::VaultError;

/// The header's id.
pub(in crate::vault) const HEADER_ID: &str = "header";
/// The wrong-passphrase counter's id.
pub(in crate::vault) const ATTEMPTS_ID: &str = "attempts";
/// The last backup time's id.
pub(in crate::vault) const LAST_BACKUP_ID: &str = "last_backup";
/// Present while the newest recovery key has not been confirmed as kept.
pub(in crate::vault) const RECOVERY_PENDING_ID: &str = "recovery_key_pending";

/// Reads and parses the header.
pub(in crate::vault) async fn read_header(
    connection: &Connection,
) -> Result<VaultHeader, VaultError> {
    let json = read_meta(connection, HEADER_ID)
        .await?
        .ok_or(VaultError::NoVault)?;
    VaultHeader::from_json(&json)
}

/// Reads one entry's JSON.
pub(in crate::vault) async fn read_meta(
    connection: &Connection,
    id: &str,
) -> Result<Option<String>, VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&[VAULT_META], TransactionMode::ReadOnly)?;
    let value = tx.store(VAULT_META)?.get(JsValue::from_str(id)).await?;
    drop(tx);
    Ok(value.and_then(|v| meta_json(&v)))
}

/// The stored object for an entry.
pub(in crate::vault) fn meta_value(id: &str, json: &str) -> JsValue {
    let o = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&o, &"id".into(), &JsValue::from_str(id));
    let _ = Reflect::set(&o, &"json".into(), &JsValue::from_str(json));
    o.into()
}

/// The JSON of a stored entry, if it is one.
pub(in crate::vault) fn meta_json(value: &JsValue) -> Option<String> {
    Reflect::get(value, &"json".into()).ok()?.as_string()
}

/// Rewrites the header in one read-write transaction: reads it, applies
/// `change`, and writes it back with the `extra` entries and the sealed audit
/// records, so a change to the header made in between (another tab replacing
/// the recovery key while this one changes the passphrase) is never undone.
/// Everything slow (the KDF, wrapping keys) happens before, in the caller.
pub(in crate::vault) async fn update_header(
    connection: &Connection,
    change: impl FnOnce(&mut VaultHeader),
    extra: &[(&str, String)],
    audit: &[super::record::SealedRecord],
) -> Result<(), VaultError> {
    use super::store::{AuditLog, EncryptedStore};
    use super::write_transaction::{Durability, WriteTransaction};

    let tx = WriteTransaction::begin(
        connection,
        &[VAULT_META, AuditLog::NAME],
        Durability::Strict,
    )?;
    let work = async {
        let json = tx
            .get(VAULT_META, HEADER_ID)
            .await?
            .and_then(|v| meta_json(&v))
            .ok_or(VaultError::NoVault)?;
        let mut header = VaultHeader::from_json(&json)?;
        change(&mut header);
        tx.put(VAULT_META, &meta_value(HEADER_ID, &header.to_json()))
            .await?;
        for (id, json) in extra {
            tx.put(VAULT_META, &meta_value(id, json)).await?;
        }
        for record in audit {
            tx.put(AuditLog::NAME, &record.to_js()).await?;
        }
        Ok(())
    };
    let result = work.await;
    tx.end(result).await
}
