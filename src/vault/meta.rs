//! The plaintext entries of `vault_meta`: `{ id, json }` objects holding the
//! header, the wrong-passphrase counter and the time of the last backup. None of
//! them holds anything about a client.

use js_sys::{Object, Reflect};
use rexie::{Rexie, TransactionMode};
use wasm_bindgen::JsValue;

use super::store::VAULT_META;
use super::VaultError;

/// The header's id.
pub(in crate::vault) const HEADER_ID: &str = "header";
/// The wrong-passphrase counter's id.
pub(in crate::vault) const ATTEMPTS_ID: &str = "attempts";
/// The last backup time's id.
pub(in crate::vault) const LAST_BACKUP_ID: &str = "last_backup";

/// Reads one entry's JSON.
pub(in crate::vault) async fn read_meta(
    db: &Rexie,
    id: &str,
) -> Result<Option<String>, VaultError> {
    let tx = db.transaction(&[VAULT_META], TransactionMode::ReadOnly)?;
    let value = tx.store(VAULT_META)?.get(JsValue::from_str(id)).await?;
    super::repository::end_read(tx);
    Ok(value.and_then(|v| Reflect::get(&v, &"json".into()).ok()?.as_string()))
}

/// Writes entries in one transaction, aborting it if any write fails.
pub(in crate::vault) async fn write_meta(
    db: &Rexie,
    entries: &[(&str, &str)],
) -> Result<(), VaultError> {
    let tx = db.transaction(&[VAULT_META], TransactionMode::ReadWrite)?;
    let written = async {
        let store = tx.store(VAULT_META)?;
        for (id, json) in entries {
            store.put(&meta_value(id, json), None).await?;
        }
        Ok::<(), rexie::Error>(())
    }
    .await;
    if let Err(e) = written {
        let _ = tx.abort().await;
        return Err(e.into());
    }
    tx.done().await?;
    Ok(())
}

/// The stored object for an entry.
pub(in crate::vault) fn meta_value(id: &str, json: &str) -> JsValue {
    let o = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&o, &"id".into(), &JsValue::from_str(id));
    let _ = Reflect::set(&o, &"json".into(), &JsValue::from_str(json));
    o.into()
}
