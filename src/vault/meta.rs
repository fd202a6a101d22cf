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
/// The records that may have versions to settle, as `store/id` (opaque ids,
/// nothing about a client): kept so the home screen counts them without
/// reading every record.
pub(in crate::vault) const CONFLICTS_ID: &str = "conflicts";
/// This browser's device id. Plaintext and local: never in a backup (only
/// the header and sealed records are), so a restored copy is another device.
pub(in crate::vault) const DEVICE_ID: &str = "device";

/// This browser's device id, made the first time it is asked for. Two tabs
/// asking at once agree: the first one stored wins.
pub(in crate::vault) async fn device_id(
    connection: &Connection,
) -> Result<super::record::DeviceId, VaultError> {
    use super::record::DeviceId;
    use super::write_transaction::{Durability, WriteTransaction};

    if let Some(device) = connection.device.borrow().clone() {
        return Ok(device);
    }
    let stored = read_meta(connection, DEVICE_ID)
        .await?
        .and_then(|json| serde_json::from_str::<String>(&json).ok())
        .and_then(|text| DeviceId::parse(&text));
    let device = match stored {
        Some(device) => device,
        None => {
            let fresh = crate::crypto::random_id()?[..16].to_owned();
            let json =
                serde_json::to_string(&fresh).map_err(|e| VaultError::Storage(e.to_string()))?;
            let tx = WriteTransaction::begin(connection, &[VAULT_META], Durability::Default)?;
            let result = tx.add(VAULT_META, &meta_value(DEVICE_ID, &json)).await;
            // Another tab stored its id first (`add` reports a taken key as
            // DataExists): that one is this browser's, read below.
            match tx.end(result).await {
                Ok(()) | Err(VaultError::Constraint | VaultError::DataExists) => {}
                Err(e) => return Err(e),
            }
            read_meta(connection, DEVICE_ID)
                .await?
                .and_then(|json| serde_json::from_str::<String>(&json).ok())
                .and_then(|text| DeviceId::parse(&text))
                .ok_or_else(|| VaultError::Storage("the device id was not stored".into()))?
        }
    };
    *connection.device.borrow_mut() = Some(device.clone());
    Ok(device)
}

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
    audit: &[super::record::StoredRecord],
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
