//! Reading sealed records, still encrypted, in read-only transactions.
//!
//! Reads go through rexie (see [`super::connection`]). A read-only transaction
//! is not waited on: its results are in once its requests succeed, and waiting
//! for `complete` would add a round trip per read for nothing.

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::connection::Connection;
use super::record::StoredRecord;
use super::VaultError;

/// A record as read from IndexedDB, before decryption.
#[derive(Clone, Debug)]
pub enum RawRecord {
    /// Has the stored shape.
    Sealed(StoredRecord),
    /// Something else sits under this key.
    Unreadable {
        /// The key, as text.
        id: String,
    },
}

impl RawRecord {
    /// The record's key.
    pub fn id(&self) -> &str {
        match self {
            RawRecord::Sealed(record) => &record.id,
            RawRecord::Unreadable { id } => id,
        }
    }
}

/// Reads every record of `store` (still sealed).
pub async fn read_all(connection: &Connection, store: &str) -> Result<Vec<RawRecord>, VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let values = tx.store(store)?.get_all(None, None).await?;
    end_read(tx);
    Ok(values.iter().map(raw).collect())
}

/// Reads at most `limit` records of `store` (still sealed), in key order,
/// starting after key `after` (from the first when `None`). A long read is
/// taken a page at a time so that the page can draw in between.
pub async fn read_page(
    connection: &Connection,
    store: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<RawRecord>, VaultError> {
    let range = after
        .map(|key| rexie::KeyRange::lower_bound(&JsValue::from_str(key), Some(true)))
        .transpose()
        .map_err(rexie::Error::from)?;
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let values = tx.store(store)?.get_all(range, Some(limit)).await?;
    end_read(tx);
    Ok(values.iter().map(raw).collect())
}

/// Reads the records of `store` (still sealed) whose keys start with
/// `prefix`, in key order: a group of records read without the rest.
pub async fn read_prefix(
    connection: &Connection,
    store: &str,
    prefix: &str,
) -> Result<Vec<RawRecord>, VaultError> {
    // Every key with the prefix sorts between the prefix and the prefix
    // followed by the highest code unit.
    let upper = format!("{prefix}\u{ffff}");
    let range = rexie::KeyRange::bound(
        &JsValue::from_str(prefix),
        &JsValue::from_str(&upper),
        Some(false),
        Some(false),
    )
    .map_err(rexie::Error::from)?;
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let values = tx.store(store)?.get_all(Some(range), None).await?;
    end_read(tx);
    Ok(values.iter().map(raw).collect())
}

/// Reads one record of `store` (still sealed).
pub async fn read_one(
    connection: &Connection,
    store: &str,
    id: &str,
) -> Result<RawRecord, VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let value = tx.store(store)?.get(JsValue::from_str(id)).await?;
    end_read(tx);
    value.as_ref().map(raw).ok_or(VaultError::NotFound)
}

/// Reads the records `ids` of `store` (still sealed) in one transaction; `None`
/// where there is no record.
pub async fn read_many(
    connection: &Connection,
    store: &str,
    ids: &[String],
) -> Result<Vec<Option<RawRecord>>, VaultError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let os = tx.store(store)?;
    // Every request is issued in the same turn, so the reads cost one round
    // trip instead of one each.
    let values =
        futures::future::join_all(ids.iter().map(|id| os.get(JsValue::from_str(id)))).await;
    let mut out = Vec::with_capacity(ids.len());
    for value in values {
        out.push(value?.as_ref().map(raw));
    }
    end_read(tx);
    Ok(out)
}

/// The ids of every record of `store`, without reading the records.
pub async fn read_ids(connection: &Connection, store: &str) -> Result<Vec<String>, VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let keys = tx.store(store)?.get_all_keys(None, None).await?;
    end_read(tx);
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// Counts the records of `store`.
pub async fn count(connection: &Connection, store: &str) -> Result<u32, VaultError> {
    let db = connection.reads()?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let n = tx.store(store)?.count(None).await?;
    end_read(tx);
    Ok(n)
}

/// Ends a read-only transaction whose requests have all succeeded (see the
/// module doc).
fn end_read(tx: rexie::Transaction) {
    drop(tx);
}

/// A stored value as a [`RawRecord`].
pub(in crate::vault) fn raw(value: &JsValue) -> RawRecord {
    match StoredRecord::from_js(value) {
        Some(r) => RawRecord::Sealed(r),
        None => RawRecord::Unreadable {
            id: js_sys::Reflect::get(value, &"id".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
        },
    }
}
