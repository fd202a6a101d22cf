//! The IndexedDB database and its object stores, declared in one place.
//!
//! rexie's builder deletes every store it is not told about during an upgrade,
//! so all stores are declared here from [`ALL_STORES`], and that list only ever
//! grows. Raise [`DB_VERSION`] for any schema change; the upgrade tests in
//! `tests/browser_vault.rs` and `tests/browser_note_index.rs` keep the store
//! list of every earlier version.

use rexie::{ObjectStore, Rexie};

use super::store::ALL_STORES;
use super::VaultError;

/// The database name. Stable: changing it would orphan every vault.
pub const DB_NAME: &str = "psynotes";

/// The schema version.
///
/// History:
/// - 1: `vault_meta`, `clients`, `progress_notes`, `psychotherapy_notes`,
///   `audit_log`, `drafts`; every store keyed by `id`.
/// - 2: adds `note_index` (one sealed note index per client) and
///   `practice_summary` (every client's note tally, one record). Existing
///   vaults get both built from the notes the first time they are unlocked.
/// - 3: adds `sync_outbox` (the records changed here that the sync server
///   has not seen). Records gain revision histories in the same release, but
///   that needs no upgrade: old records are read as they are and rewritten
///   in the new shape at their next edit.
/// - 4: adds `measure_results` (questionnaire drafts and results, under the
///   records key) and `treatment_plans` (one plan per client, with its signed
///   versions, under the records key).
/// - 5: adds `safety_plans` (one Stanley–Brown safety plan per client, every
///   version kept, under the records key).
/// - 6: adds `rights_ledger` (access and amendment requests and the
///   disclosures made, one record each, under the records key).
pub const DB_VERSION: u32 = 6;

/// Opens database `name` at `version`, creating or upgrading its stores.
pub(in crate::vault) async fn open_and_upgrade(
    name: &str,
    version: u32,
) -> Result<Rexie, VaultError> {
    let mut builder = Rexie::builder(name).version(version);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    builder.build().await.map_err(|e| {
        // rexie's message is only "idb error"; the DOMException's name is in
        // the debug form of its source.
        let text = format!("{e:?}");
        if text.contains("VersionError") {
            // A newer app upgraded the database in another tab.
            VaultError::NewerDatabase
        } else if text.contains("blocked") {
            VaultError::Blocked
        } else {
            VaultError::Storage(text)
        }
    })
}
