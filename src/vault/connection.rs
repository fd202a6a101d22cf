//! The tab's connection to the vault's IndexedDB database.
//!
//! Two handles to one database, each doing what it does well:
//! - rexie opens the database and runs schema upgrades (see [`super::schema`]),
//!   and serves the reads;
//! - a second connection, opened through web-sys once rexie has upgraded, runs
//!   every read-write transaction (see [`super::write_transaction`]). rexie 0.6
//!   hides the `IDBTransaction`, so a transaction that aborts at commit time
//!   (a full quota fires only `abort`, with the reason in `transaction.error`)
//!   would otherwise look like any other abort. This connection also hears
//!   `versionchange`, which rexie does not expose.
//!
//! When another tab opens the database at a newer version (an app update), both
//! handles close at once so that tab is not blocked, and every later call fails
//! with [`VaultError::NewerDatabase`], which asks the person to reload.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use rexie::Rexie;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest};

use super::schema::open_and_upgrade;
use super::VaultError;

/// An open connection (both handles), shared by the door and the open vault.
pub struct Connection {
    reads: RefCell<Option<Rc<Rexie>>>,
    writes: IdbDatabase,
    closed: Rc<Cell<bool>>,
    /// This browser's device id, once read (see [`super::meta::device_id`]).
    pub(in crate::vault) device: RefCell<Option<super::record::DeviceId>>,
    /// Counts this tab's commits that queued records for the sync server.
    local_changes: Rc<Cell<u64>>,
    /// A records custodian's connection writes to the rights ledger only (see
    /// [`Connection::writes_to`]). Set once, when it is opened for them.
    custodian: Cell<bool>,
    _versionchange: EventListener,
}

impl Connection {
    /// Opens database `name` at `version`, upgrading it if needed. The app uses
    /// [`super::schema::DB_NAME`] and [`super::schema::DB_VERSION`]; tests use
    /// names of their own.
    pub async fn open(name: &str, version: u32) -> Result<Connection, VaultError> {
        let reads = open_and_upgrade(name, version).await?;
        let writes = match open_raw(name, version).await {
            Ok(db) => db,
            Err(e) => {
                reads.close();
                return Err(e);
            }
        };
        let closed = Rc::new(Cell::new(false));
        let reads = RefCell::new(Some(Rc::new(reads)));
        let listener = {
            let closed = closed.clone();
            let writes = writes.clone();
            EventListener::new(&writes.clone(), "versionchange", move |_| {
                closed.set(true);
                writes.close();
            })
        };
        let connection = Connection {
            reads,
            writes,
            closed,
            device: RefCell::new(None),
            local_changes: Rc::new(Cell::new(0)),
            custodian: Cell::new(false),
            _versionchange: listener,
        };
        Ok(connection)
    }

    /// The rexie handle for reads.
    pub(in crate::vault) fn reads(&self) -> Result<Rc<Rexie>, VaultError> {
        if self.closed.get() {
            self.close_reads();
            return Err(VaultError::NewerDatabase);
        }
        self.reads
            .borrow()
            .as_ref()
            .cloned()
            .ok_or(VaultError::NewerDatabase)
    }

    /// The connection read-write transactions run on.
    pub(in crate::vault) fn writes(&self) -> Result<&IdbDatabase, VaultError> {
        if self.closed.get() {
            self.close_reads();
            return Err(VaultError::NewerDatabase);
        }
        Ok(&self.writes)
    }

    /// Makes this a records custodian's connection, for good (see
    /// [`Connection::writes_to`]).
    pub(in crate::vault) fn make_custodian(&self) {
        self.custodian.set(true);
    }

    /// Refuses a write to `stores` that a custodian may not make. A custodian
    /// reads the record and answers access requests: the rights ledger (and
    /// the sync outbox that goes with it) is all they write. Checked where
    /// every read-write transaction begins, so no procedure can forget it.
    pub(in crate::vault) fn writes_to(&self, stores: &[&str]) -> Result<(), VaultError> {
        use super::store::{EncryptedStore, RightsLedger, SYNC_OUTBOX};
        if self.custodian.get()
            && stores
                .iter()
                .any(|s| *s != RightsLedger::NAME && *s != SYNC_OUTBOX)
        {
            return Err(VaultError::CustodianSession);
        }
        Ok(())
    }

    /// The counter write transactions bump when they queued records.
    pub(in crate::vault) fn changes_counter(&self) -> Rc<Cell<u64>> {
        self.local_changes.clone()
    }

    /// How many such commits this tab made: the sync engine sends when it moves.
    pub(in crate::vault) fn local_changes(&self) -> u64 {
        self.local_changes.get()
    }

    /// Whether a newer version of the app took the database over.
    pub fn is_superseded(&self) -> bool {
        self.closed.get()
    }

    /// Closes both handles. Reads still running keep theirs until they end.
    pub fn close(&self) {
        self.closed.set(true);
        self.writes.close();
        self.close_reads();
    }

    fn close_reads(&self) {
        if let Some(reads) = self.reads.borrow_mut().take() {
            if let Ok(reads) = Rc::try_unwrap(reads) {
                reads.close();
            }
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.writes.close();
        self.close_reads();
    }
}

/// Opens the second connection. The database is already at `version`, so no
/// upgrade can run here; if another tab raced it higher, that is a newer app.
async fn open_raw(name: &str, version: u32) -> Result<IdbDatabase, VaultError> {
    let factory = indexed_db()?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(name, version)
        .map_err(|e| storage_error(&e))?;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
        // An upgrade here would mean the schema changed between two opens in
        // the same second; refuse rather than create stores rexie does not know.
        let abort_upgrade = reject.clone();
        let on_upgrade = wasm_bindgen::closure::Closure::once_into_js(move |event: JsValue| {
            if let Some(tx) = event
                .dyn_ref::<web_sys::Event>()
                .and_then(|e| e.target())
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.transaction())
            {
                let _ = tx.abort();
            }
            let _ = abort_upgrade.call0(&JsValue::NULL);
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    });
    let outcome = JsFuture::from(done).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    request.set_onupgradeneeded(None);
    match outcome {
        Ok(_) => request
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            .ok_or_else(|| VaultError::Storage("the database did not open".into())),
        Err(_) => Err(match request.error() {
            Ok(Some(e)) if e.name() == "VersionError" => VaultError::NewerDatabase,
            Ok(Some(e)) => VaultError::from_dom_exception(&e),
            _ => VaultError::Storage("the database did not open".into()),
        }),
    }
}

fn indexed_db() -> Result<web_sys::IdbFactory, VaultError> {
    let global = js_sys::global();
    let factory = js_sys::Reflect::get(&global, &"indexedDB".into())
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null())
        .ok_or(VaultError::StorageUnavailable)?;
    factory
        .dyn_into()
        .map_err(|_| VaultError::StorageUnavailable)
}

fn storage_error(e: &JsValue) -> VaultError {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(e) => VaultError::from_dom_exception(e),
        None => VaultError::StorageUnavailable,
    }
}
