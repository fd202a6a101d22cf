//! Helpers shared by the browser tests: fresh databases, a created vault, and
//! raw IndexedDB access that bypasses the vault, as an attacker or a bug would.
#![allow(dead_code)]

use psynotes::crypto::{random_id, KdfParams, Passphrase};
use psynotes::domain::{
    Client, ClientId, ProgressNote, ProgressNoteDraft, ProgressNoteId, Template, Timestamp,
};
use psynotes::vault::record::SealedRecord;
use psynotes::vault::schema::{open_named, DB_VERSION};
use psynotes::vault::session::Vault;
use psynotes::vault::unlock;
use psynotes::vault::VaultError;
use rexie::{Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

pub const PASS: &str = "correct horse battery staple";
pub const NOW: i64 = 1_750_000_000_000;

/// The stores of schema version 1 (before the note index), written down here on
/// purpose: upgrades must keep every one of them, whatever `ALL_STORES` says
/// later, and the upgrade tests build a version 1 database from this list.
pub const SCHEMA_V1_STORES: [&str; 6] = [
    "vault_meta",
    "clients",
    "progress_notes",
    "psychotherapy_notes",
    "audit_log",
    "drafts",
];

pub async fn fresh_db(tag: &str) -> (String, Rexie) {
    let name = format!("test-{tag}-{}", random_id().unwrap());
    let db = open_named(&name, DB_VERSION).await.unwrap();
    (name, db)
}

pub fn pass(s: &str) -> Passphrase {
    Passphrase::for_unlock(s.to_owned())
}

pub async fn created(tag: &str) -> (String, Rexie, String) {
    let (name, db) = fresh_db(tag).await;
    let c = unlock::create(
        &db,
        &Passphrase::new(PASS.into()).unwrap(),
        KdfParams::TEST_MIN,
        NOW,
    )
    .await
    .unwrap();
    let recovery = c.recovery_key.display().to_string();
    drop(c.keyring);
    (name, db, recovery)
}

pub fn client(name: &str) -> Client {
    Client::new(ClientId(random_id().unwrap()), name)
}

pub fn soap_note(client: &Client, subjective: &str) -> ProgressNote {
    let mut draft = ProgressNoteDraft::new(
        ProgressNoteId(random_id().unwrap()),
        client.id.clone(),
        Template::Soap,
        Timestamp(NOW),
    );
    draft.set_section("subjective", subjective);
    ProgressNote::Draft(draft)
}

pub async fn open_vault(db: Rexie) -> Vault {
    let unlocked = unlock::unlock(&db, &pass(PASS), NOW).await.unwrap();
    Vault::new(db, unlocked.keyring)
}

// Raw IndexedDB access, bypassing the vault, as an attacker or a bug would.

pub async fn vault_db(name: &str) -> Result<Rexie, VaultError> {
    open_named(name, DB_VERSION).await
}

pub async fn raw_values(name: &str, store: &str) -> Vec<JsValue> {
    let db = vault_db(name).await.unwrap();
    let values = raw_values_in(&db, store).await;
    db.close();
    values
}

pub async fn raw_values_in(db: &Rexie, store: &str) -> Vec<JsValue> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly).unwrap();
    let values = tx.store(store).unwrap().get_all(None, None).await.unwrap();
    tx.done().await.unwrap();
    values
}

pub async fn raw_get(name: &str, store: &str, id: &str) -> JsValue {
    let db = vault_db(name).await.unwrap();
    let tx = db.transaction(&[store], TransactionMode::ReadOnly).unwrap();
    let value = tx
        .store(store)
        .unwrap()
        .get(JsValue::from_str(id))
        .await
        .unwrap()
        .unwrap();
    tx.done().await.unwrap();
    value
}

pub async fn raw_put(name: &str, store: &str, value: &JsValue) {
    let db = vault_db(name).await.unwrap();
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .unwrap();
    tx.store(store).unwrap().put(value, None).await.unwrap();
    tx.done().await.unwrap();
    db.close();
}

pub fn sealed(values: Vec<JsValue>) -> Vec<SealedRecord> {
    values
        .iter()
        .map(|v| SealedRecord::from_js(v).unwrap())
        .collect()
}

pub fn with_field(value: &JsValue, field: &str, new: &JsValue) -> JsValue {
    let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
    js_sys::Reflect::set(&copy, &field.into(), new).unwrap();
    copy.into()
}

pub fn collect_bytes(value: &JsValue, out: &mut Vec<Vec<u8>>) {
    if let Some(s) = value.as_string() {
        out.push(s.into_bytes());
    } else if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        out.push(bytes.to_vec());
    } else if value.is_object() {
        let obj: &js_sys::Object = value.unchecked_ref();
        for entry in js_sys::Object::entries(obj).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            out.push(pair.get(0).as_string().unwrap_or_default().into_bytes());
            collect_bytes(&pair.get(1), out);
        }
    }
}
