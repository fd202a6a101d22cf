//! Read-write transactions, and the one place that decides whether one was saved.
//!
//! Invariant 7 and "saved means committed" live here:
//! - callers seal everything first, then [`WriteTransaction::begin`], then await
//!   nothing but this transaction's requests;
//! - [`WriteTransaction::finish`] waits for `complete`, and an `abort` is an
//!   error that names its cause: a `QuotaExceededError` (which a browser fires at
//!   commit time, after every request succeeded) becomes
//!   [`VaultError::QuotaExceeded`], with words telling the person what to do;
//! - [`WriteTransaction::abort`] aborts explicitly when a check fails, and hands
//!   back the check's error, so nothing half-written can commit.
//!
//! Requests are wrapped in promises whose handlers are the promise's own
//! `resolve`/`reject` functions, so no Rust closure has to outlive them.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbObjectStore, IdbRequest, IdbTransaction};

use std::cell::Cell;

use super::connection::Connection;
use super::incoming::REPLICATED_STORES;
use super::store::SYNC_OUTBOX;
use super::VaultError;

#[wasm_bindgen]
extern "C" {
    /// `IDBDatabase`, for the one call web-sys keeps behind its unstable flag.
    #[wasm_bindgen(js_name = IDBDatabase)]
    type DatabaseWithOptions;

    /// `IDBDatabase.transaction(stores, mode, options)`: every engine this app
    /// supports takes the options; one that does not know `durability`
    /// ignores it.
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        stores: &Array,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

/// How hard the browser must try to keep a committed write through a power cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::vault) enum Durability {
    /// The browser's default: committed to its storage, maybe not yet flushed to
    /// disk. Drafts and routine saves, which the next autosave repeats anyway.
    Default,
    /// Flushed to disk before `complete`: the vault header, a signature, a restore.
    Strict,
}

/// An open read-write transaction.
///
/// Every record it puts into a store that travels is also queued, in the
/// same transaction, for the sync server (`sync_outbox`), whatever procedure
/// wrote it; only what was just received from the server is not (see
/// [`WriteTransaction::received`]).
pub(in crate::vault) struct WriteTransaction {
    tx: IdbTransaction,
    /// Settles when the transaction completes (resolves) or aborts (rejects).
    /// Made before the first request, so no outcome can be missed.
    outcome: JsFuture,
    /// Whether records it writes to stores that travel are queued.
    queues: Cell<bool>,
    /// Whether it queued any (the sync engine is woken when it commits).
    queued: Cell<bool>,
    connection_changes: Option<std::rc::Rc<Cell<u64>>>,
}

impl WriteTransaction {
    /// Opens a read-write transaction over `stores`.
    pub(in crate::vault) fn begin(
        connection: &Connection,
        stores: &[&str],
        durability: Durability,
    ) -> Result<WriteTransaction, VaultError> {
        connection.writes_to(stores)?;
        let db = connection.writes()?;
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        if stores.iter().any(|s| REPLICATED_STORES.contains(s)) && !stores.contains(&SYNC_OUTBOX) {
            names.push(&JsValue::from_str(SYNC_OUTBOX));
        }
        let options = Object::new();
        if durability == Durability::Strict {
            let _ = Reflect::set(&options, &"durability".into(), &"strict".into());
        }
        let tx = db
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&names, "readwrite", &options)
            .map_err(|e| from_js_error(&e))?;
        let outcome = Promise::new(&mut |resolve, reject| {
            tx.set_oncomplete(Some(&resolve));
            tx.set_onabort(Some(&reject));
        });
        Ok(WriteTransaction {
            tx,
            outcome: JsFuture::from(outcome),
            queues: Cell::new(true),
            queued: Cell::new(false),
            connection_changes: Some(connection.changes_counter()),
        })
    }

    /// Marks this transaction as writing what was received from the sync
    /// server: its records are not queued to be sent back.
    pub(in crate::vault) fn received(&self) {
        self.queues.set(false);
    }

    /// Queues the record in `value` (a record of `store`) for the server,
    /// if `store` travels.
    fn queue(&self, store: &str, value: &JsValue) -> Result<(), VaultError> {
        if !self.queues.get() || !REPLICATED_STORES.contains(&store) {
            return Ok(());
        }
        let id = Reflect::get(value, &"id".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let entry = Object::new();
        let _ = Reflect::set(&entry, &"id".into(), &format!("{store}:{id}").into());
        self.store(SYNC_OUTBOX)?
            .put(&entry)
            .map_err(|e| from_js_error(&e))?;
        self.queued.set(true);
        Ok(())
    }

    /// One of the transaction's stores.
    pub(in crate::vault) fn store(&self, name: &str) -> Result<IdbObjectStore, VaultError> {
        self.tx.object_store(name).map_err(|e| from_js_error(&e))
    }

    /// The stored value under `key`, if any.
    pub(in crate::vault) async fn get(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<JsValue>, VaultError> {
        let request = self
            .store(store)?
            .get(&JsValue::from_str(key))
            .map_err(|e| from_js_error(&e))?;
        let value = settle(&request).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Every value of `store`.
    pub(in crate::vault) async fn get_all(&self, store: &str) -> Result<Vec<JsValue>, VaultError> {
        let request = self
            .store(store)?
            .get_all()
            .map_err(|e| from_js_error(&e))?;
        let values = settle(&request).await?;
        Ok(values
            .dyn_into::<Array>()
            .map(|a| a.iter().collect())
            .unwrap_or_default())
    }

    /// How many records `store` holds.
    pub(in crate::vault) async fn count(&self, store: &str) -> Result<u32, VaultError> {
        let request = self.store(store)?.count().map_err(|e| from_js_error(&e))?;
        let n = settle(&request).await?;
        Ok(n.as_f64().unwrap_or(0.0) as u32)
    }

    /// Puts `value` (which carries its own `id`) and waits for the request.
    pub(in crate::vault) async fn put(
        &self,
        store: &str,
        value: &JsValue,
    ) -> Result<(), VaultError> {
        let request = self
            .store(store)?
            .put(value)
            .map_err(|e| from_js_error(&e))?;
        self.queue(store, value)?;
        settle(&request).await.map(drop)
    }

    /// Adds `value`; fails with [`VaultError::DataExists`] if its id is taken.
    pub(in crate::vault) async fn add(
        &self,
        store: &str,
        value: &JsValue,
    ) -> Result<(), VaultError> {
        let request = self
            .store(store)?
            .add(value)
            .map_err(|e| from_js_error(&e))?;
        self.queue(store, value)?;
        match settle(&request).await {
            Err(VaultError::Constraint) => Err(VaultError::DataExists),
            other => other.map(drop),
        }
    }

    /// Issues an add without waiting for it. Bulk writes (a restore) issue every
    /// request in one turn; any failure aborts the transaction, which
    /// [`WriteTransaction::finish`] then reports.
    pub(in crate::vault) fn add_now(
        &self,
        store: &IdbObjectStore,
        value: &JsValue,
    ) -> Result<(), VaultError> {
        store.add(value).map(drop).map_err(|e| from_js_error(&e))?;
        self.queue(&store.name(), value)
    }

    /// Deletes the record under `key`.
    pub(in crate::vault) async fn delete(&self, store: &str, key: &str) -> Result<(), VaultError> {
        let request = self
            .store(store)?
            .delete(&JsValue::from_str(key))
            .map_err(|e| from_js_error(&e))?;
        settle(&request).await.map(drop)
    }

    /// Empties `store`.
    pub(in crate::vault) async fn clear(&self, store: &str) -> Result<(), VaultError> {
        let request = self.store(store)?.clear().map_err(|e| from_js_error(&e))?;
        settle(&request).await.map(drop)
    }

    /// Waits for the transaction to end. `Ok` only after `complete`; an abort
    /// is an error naming its cause, so nothing is ever reported saved that was
    /// not.
    pub(in crate::vault) async fn finish(self) -> Result<(), VaultError> {
        match self.outcome.await {
            Ok(_) => {
                if self.queued.get() {
                    // Wakes the sync engine, if one runs in this tab.
                    if let Some(changes) = &self.connection_changes {
                        changes.set(changes.get().wrapping_add(1));
                    }
                }
                Ok(())
            }
            Err(_) => Err(abort_cause(&self.tx)),
        }
    }

    /// Aborts the transaction because of `cause`, waits until the browser has
    /// rolled it back, and returns `cause`.
    pub(in crate::vault) async fn abort(self, cause: VaultError) -> VaultError {
        // Aborting an already aborted or finished transaction throws; either
        // way nothing of it commits.
        if self.tx.abort().is_ok() {
            let _ = self.outcome.await;
        }
        cause
    }

    /// Ends the transaction after its work: finished if `result` is `Ok`,
    /// aborted with `result`'s error otherwise.
    pub(in crate::vault) async fn end<T>(
        self,
        result: Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        match result {
            Ok(value) => {
                self.finish().await?;
                Ok(value)
            }
            Err(e) => Err(self.abort(e).await),
        }
    }
}

/// Waits for a request; its error, if any, as a [`VaultError`].
async fn settle(request: &IdbRequest) -> Result<JsValue, VaultError> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| from_js_error(&e)),
        Err(_) => Err(match request.error() {
            Ok(Some(e)) => VaultError::from_dom_exception(&e),
            _ => VaultError::Storage("a storage request failed".into()),
        }),
    }
}

/// Why a transaction aborted, read from `transaction.error`.
fn abort_cause(tx: &IdbTransaction) -> VaultError {
    match tx.error() {
        Some(e) => VaultError::from_dom_exception(&e),
        // Aborted with no error: by this code (then `abort` returned the cause
        // already) or by the browser closing the connection.
        None => VaultError::NotCommitted,
    }
}

fn from_js_error(e: &JsValue) -> VaultError {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(e) => VaultError::from_dom_exception(e),
        None => VaultError::Storage(
            e.as_string()
                .unwrap_or_else(|| "the browser's storage refused the request".into()),
        ),
    }
}
