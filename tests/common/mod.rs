//! Helpers shared by the browser tests: fresh databases, a created vault opened
//! through the door, notes written through the editing handles, and raw
//! IndexedDB access that bypasses the vault, as an attacker or a bug would.
#![allow(dead_code)]

use psynotes::crypto::{random_id, KdfParams, Passphrase};
use psynotes::domain::{
    Client, ClinicianProfile, Date, PlaceOfService, ProgressNote, ProgressNoteDraft,
    PsychotherapyNote, RiskAssessment, ServiceCode, SignedProgressNote, Template, TimeOfDay,
    Timestamp,
};
use psynotes::vault::amendable_note::AmendableNote;
use psynotes::vault::audit::{AuditAction, AuditEvent};
use psynotes::vault::door::{Entry, PassphraseReset, RecoveryKeyHandover, VaultDoor};
use psynotes::vault::editable_progress_note::EditableProgressNote;
use psynotes::vault::open_vault::Vault;
use psynotes::vault::progress_notes::OpenedNote;
use psynotes::vault::record::StoredRecord;
use psynotes::vault::schema::DB_VERSION;
use psynotes::vault::sealer::Loaded;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::VaultError;
use rexie::{ObjectStore, Rexie, TransactionMode};
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

// ---------------------------------------------------------------------------
// Doors, vaults and entries

/// A database name no other test uses.
pub fn db_name(tag: &str) -> String {
    format!("test-{tag}-{}", random_id().unwrap())
}

/// The door of database `name`, with the cheapest KDF for new passphrases.
pub async fn door(name: &str) -> VaultDoor {
    match VaultDoor::open_named(name).await {
        Ok(door) => door.with_kdf_params(KdfParams::TEST_MIN),
        Err(e) => panic!("the door of {name} did not open: {e}"),
    }
}

/// A fresh, empty database and its door.
pub async fn fresh_door(tag: &str) -> (String, VaultDoor) {
    let name = db_name(tag);
    let door = door(&name).await;
    (name, door)
}

/// A passphrase as typed at unlock (no rules).
pub fn pass(s: &str) -> Passphrase {
    Passphrase::for_unlock(s.to_owned())
}

/// A new passphrase (create, change, reset).
pub fn new_pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned()).unwrap()
}

/// A vault created in its own database, its recovery key confirmed as kept.
pub struct Created {
    pub name: String,
    pub door: VaultDoor,
    pub vault: Vault,
    /// The recovery key as shown (groups of four separated by spaces).
    pub recovery: String,
}

pub async fn created(tag: &str) -> Created {
    let (name, door) = fresh_door(tag).await;
    let handover = expect_handover(door.create(&new_pass(PASS), NOW).await);
    let recovery = handover.key_groups();
    let vault = handover.kept(NOW).await.unwrap();
    Created {
        name,
        door,
        vault,
        recovery,
    }
}

/// The error of a procedure that was expected to fail.
pub fn expect_err<T>(result: Result<T, VaultError>) -> VaultError {
    match result {
        Ok(_) => panic!("expected an error, but it succeeded"),
        Err(e) => e,
    }
}

fn entry_name(entry: &Entry) -> &'static str {
    match entry {
        Entry::Open(_) => "Open",
        Entry::ShowRecoveryKey(_) => "ShowRecoveryKey",
        Entry::ChooseNewPassphrase(_) => "ChooseNewPassphrase",
    }
}

pub fn expect_open(entry: Result<Entry, VaultError>) -> Vault {
    match entry {
        Ok(Entry::Open(vault)) => vault,
        Ok(other) => panic!("expected an open vault, got {}", entry_name(&other)),
        Err(e) => panic!("expected an open vault, got the error {e:?}"),
    }
}

pub fn expect_handover(entry: Result<Entry, VaultError>) -> RecoveryKeyHandover {
    match entry {
        Ok(Entry::ShowRecoveryKey(handover)) => handover,
        Ok(other) => panic!(
            "expected a recovery key to show, got {}",
            entry_name(&other)
        ),
        Err(e) => panic!("expected a recovery key to show, got the error {e:?}"),
    }
}

pub fn expect_reset(entry: Result<Entry, VaultError>) -> PassphraseReset {
    match entry {
        Ok(Entry::ChooseNewPassphrase(reset)) => reset,
        Ok(other) => panic!(
            "expected a new passphrase to be asked, got {}",
            entry_name(&other)
        ),
        Err(e) => panic!("expected a new passphrase to be asked, got the error {e:?}"),
    }
}

/// Unlocks with the test passphrase, expecting the vault to open.
pub async fn unlocked(door: &VaultDoor) -> Vault {
    expect_open(door.unlock(&pass(PASS), NOW).await)
}

/// Another tab (or the same tab after a reload) on database `name`: a door of
/// its own, unlocked, with nothing decrypted yet.
pub async fn new_session(name: &str) -> Vault {
    unlocked(&door(name).await).await
}

// ---------------------------------------------------------------------------
// Records through the vault

/// A new client, saved.
pub async fn add_client(vault: &Vault, name: &str) -> Client {
    let handle = vault.new_client().unwrap();
    let mut client = handle.client();
    client.name = name.to_owned();
    handle.save(&client, NOW).await.unwrap();
    handle.client()
}

/// A new progress note of `client`, open for editing (not stored yet).
pub async fn new_note(vault: &Vault, client: &Client) -> EditableProgressNote {
    let id = vault.new_record_id().unwrap();
    open_draft(vault, client, &id).await
}

/// Note `id` of `client`, which must open as a draft.
pub async fn open_draft(vault: &Vault, client: &Client, id: &str) -> EditableProgressNote {
    match vault
        .open_progress_note(client, id, Template::Soap, Timestamp(NOW), NOW)
        .await
    {
        Ok(OpenedNote::Draft(note)) => note,
        Ok(OpenedNote::Signed(_)) => panic!("note {id} opened as signed"),
        Err(e) => panic!("note {id} did not open: {e:?}"),
    }
}

/// Note `id` of `client`, which must open as signed.
pub async fn open_signed(vault: &Vault, client: &Client, id: &str) -> AmendableNote {
    match vault
        .open_progress_note(client, id, Template::Soap, Timestamp(NOW), NOW)
        .await
    {
        Ok(OpenedNote::Signed(note)) => note,
        Ok(OpenedNote::Draft(_)) => panic!("note {id} opened as a draft"),
        Err(e) => panic!("note {id} did not open: {e:?}"),
    }
}

/// A new SOAP note of `client` with `subjective`, committed to the record.
pub async fn save_note(vault: &Vault, client: &Client, subjective: &str) -> ProgressNoteDraft {
    save_dated_note(vault, client, subjective, None).await
}

/// As [`save_note`], with a date of service.
pub async fn save_dated_note(
    vault: &Vault,
    client: &Client,
    subjective: &str,
    day: Option<&str>,
) -> ProgressNoteDraft {
    let handle = new_note(vault, client).await;
    let mut draft = handle.start();
    draft.set_section("subjective", subjective);
    draft.date_of_service = day.map(|d| Date::parse(d).unwrap());
    handle.save(&draft, NOW).await.unwrap();
    draft
}

/// Saves settings holding the tests' clinician, so signing has a signer.
pub async fn with_profile(vault: &Vault) {
    vault
        .save_settings(&psynotes::domain::Settings {
            clinician: clinician(),
            ..Default::default()
        })
        .await
        .unwrap();
}

/// The signer of the tests' notes.
pub fn clinician() -> ClinicianProfile {
    ClinicianProfile {
        name: "Jane Doe".into(),
        credentials: "LCSW".into(),
    }
}

/// `draft` with every field signing needs, for a session on the day of `NOW`.
pub fn complete(mut draft: ProgressNoteDraft) -> ProgressNoteDraft {
    draft.date_of_service = Some(Date::parse("2025-06-15").unwrap());
    draft.start = Some(TimeOfDay::parse("09:00").unwrap());
    draft.end = Some(TimeOfDay::parse("09:50").unwrap());
    draft.service_code = Some(ServiceCode::Cpt90834);
    draft.place_of_service = Some(PlaceOfService::Office);
    draft.risk = RiskAssessment::denied().into();
    for (key, text) in [
        ("subjective", "Client reports better sleep."),
        ("objective", "Calm, good eye contact."),
        ("assessment", "Improving."),
        ("plan", "Continue weekly."),
    ] {
        if draft.section(key).trim().is_empty() {
            draft.set_section(key, text);
        }
    }
    draft
}

/// `draft`, completed and signed at `NOW`.
pub fn signed(draft: ProgressNoteDraft) -> SignedProgressNote {
    // The tests' notes refer to no goal or diagnosis: a bare client record
    // gives the wording signing keeps.
    let client = psynotes::domain::Client::new(draft.client_id.clone(), "Test Client");
    complete(draft)
        .sign(
            psynotes::domain::References::client(&client),
            &clinician(),
            Timestamp(NOW),
            72,
            None,
        )
        .unwrap()
}

/// A psychotherapy note of `client` with `text`, saved.
pub async fn add_psychotherapy_note(
    vault: &Vault,
    client: &Client,
    text: &str,
) -> PsychotherapyNote {
    let handle = vault
        .new_psychotherapy_note(client.id.as_str(), Timestamp(NOW))
        .unwrap();
    let mut note = handle.note();
    note.text = text.to_owned();
    handle.save(&note, NOW).await.unwrap();
    handle.note()
}

/// Every readable record of a listing.
pub fn readable<T>(listing: Vec<Loaded<T>>) -> Vec<T> {
    listing
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|s| s.value)
        .collect()
}

/// How many records of a listing are damaged.
pub fn damaged<T>(listing: &[Loaded<T>]) -> usize {
    listing
        .iter()
        .filter(|l| matches!(l, Loaded::Damaged { .. }))
        .count()
}

/// Every progress note that opens.
pub async fn notes(vault: &Vault) -> Vec<ProgressNote> {
    readable(vault.progress_notes().await.unwrap())
}

/// The audit log's readable events, newest first.
pub async fn audit_events(vault: &Vault) -> Vec<AuditEvent> {
    readable(vault.audit_log().await.unwrap())
}

/// How many events of the log are `action`.
pub async fn audited(vault: &Vault, action: &AuditAction) -> usize {
    audit_events(vault)
        .await
        .iter()
        .filter(|e| &e.action == action)
        .count()
}

/// Whether the log holds `action` about record `id`.
pub async fn audited_about(vault: &Vault, action: &AuditAction, id: &str) -> bool {
    audit_events(vault)
        .await
        .iter()
        .any(|e| &e.action == action && e.record_id.as_deref() == Some(id))
}

// ---------------------------------------------------------------------------
// Raw IndexedDB access, bypassing the vault, as an attacker or a bug would.
// Every helper closes its connection before returning: an open connection
// blocks upgrades and deletes.

/// A raw connection to database `name` at the current version.
pub async fn raw_db(name: &str) -> Rexie {
    let mut builder = Rexie::builder(name).version(DB_VERSION);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    builder.build().await.unwrap()
}

pub async fn raw_values(name: &str, store: &str) -> Vec<JsValue> {
    let db = raw_db(name).await;
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

/// The value under `id`, if any.
pub async fn raw_find(name: &str, store: &str, id: &str) -> Option<JsValue> {
    let db = raw_db(name).await;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly).unwrap();
    let value = tx
        .store(store)
        .unwrap()
        .get(JsValue::from_str(id))
        .await
        .unwrap();
    tx.done().await.unwrap();
    db.close();
    value
}

pub async fn raw_get(name: &str, store: &str, id: &str) -> JsValue {
    raw_find(name, store, id)
        .await
        .unwrap_or_else(|| panic!("no record {id} in {store}"))
}

/// The generation of record `id`'s newest leaf (a sealed record).
pub async fn raw_rev(name: &str, store: &str, id: &str) -> u64 {
    StoredRecord::from_js(&raw_get(name, store, id).await)
        .unwrap()
        .tree
        .leaves()
        .iter()
        .map(|l| l.rev.generation)
        .max()
        .unwrap()
}

/// Whether record `id` is stored as deleted: a tombstone on every leaf.
/// Panics when there is no record at all (a replicated record is never
/// removed outright).
pub async fn raw_deleted(name: &str, store: &str, id: &str) -> bool {
    StoredRecord::from_js(&raw_get(name, store, id).await)
        .unwrap()
        .is_deleted()
}

pub async fn raw_put(name: &str, store: &str, value: &JsValue) {
    let db = raw_db(name).await;
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .unwrap();
    tx.store(store).unwrap().put(value, None).await.unwrap();
    tx.done().await.unwrap();
    db.close();
}

pub async fn raw_delete(name: &str, store: &str, id: &str) {
    let db = raw_db(name).await;
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .unwrap();
    tx.store(store)
        .unwrap()
        .delete(JsValue::from_str(id))
        .await
        .unwrap();
    tx.done().await.unwrap();
    db.close();
}

pub async fn raw_clear(name: &str, stores: &[&str]) {
    let db = raw_db(name).await;
    let tx = db.transaction(stores, TransactionMode::ReadWrite).unwrap();
    for store in stores {
        tx.store(store).unwrap().clear().await.unwrap();
    }
    tx.done().await.unwrap();
    db.close();
}

/// How many values each store of the current schema holds, in `ALL_STORES` order.
pub async fn raw_counts(name: &str) -> Vec<usize> {
    let db = raw_db(name).await;
    let mut counts = Vec::new();
    for store in ALL_STORES {
        counts.push(raw_values_in(&db, store).await.len());
    }
    db.close();
    counts
}

pub fn sealed(values: Vec<JsValue>) -> Vec<StoredRecord> {
    values
        .iter()
        .map(|v| StoredRecord::from_js(v).unwrap())
        .collect()
}

/// A copy of a stored object with one field replaced.
pub fn with_field(value: &JsValue, field: &str, new: &JsValue) -> JsValue {
    let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
    js_sys::Reflect::set(&copy, &field.into(), new).unwrap();
    copy.into()
}

/// A copy of a sealed record with one bit of its ciphertext flipped.
/// A copy of a stored record with one bit of its (first leaf's) ciphertext
/// flipped.
pub fn with_flipped_bit(value: &JsValue, byte: usize) -> JsValue {
    let ct = js_sys::Uint8Array::new(&leaf_field(value, "ct"));
    let mut bytes = ct.to_vec();
    bytes[byte] ^= 0x01;
    with_leaf_field(value, "ct", &js_sys::Uint8Array::from(&bytes[..]).into())
}

/// A field of a stored record's first leaf.
pub fn leaf_field(value: &JsValue, field: &str) -> JsValue {
    let leaves = js_sys::Reflect::get(value, &"leaves".into()).unwrap();
    let leaf = js_sys::Array::from(&leaves).get(0);
    js_sys::Reflect::get(&leaf, &field.into()).unwrap()
}

/// A copy of a stored record with one field of its first leaf replaced.
pub fn with_leaf_field(value: &JsValue, field: &str, new: &JsValue) -> JsValue {
    let leaves = js_sys::Array::from(&js_sys::Reflect::get(value, &"leaves".into()).unwrap());
    let leaf = with_field(&leaves.get(0), field, new);
    let copy = js_sys::Array::new();
    copy.push(&leaf);
    for other in leaves.iter().skip(1) {
        copy.push(&other);
    }
    with_field(value, "leaves", &copy)
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

/// A copy of database `source`'s records in a new database made exactly as
/// schema version 1 made it (the record format did not change since). Returns
/// the copy's name; its connection is closed.
pub async fn version_1_copy_of(source: &str) -> String {
    let old = db_name("v1");
    let mut builder = Rexie::builder(&old).version(1);
    for store in SCHEMA_V1_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    let v1 = builder.build().await.unwrap();
    for store in SCHEMA_V1_STORES {
        let values = raw_values(source, store).await;
        let tx = v1
            .transaction(&[store], TransactionMode::ReadWrite)
            .unwrap();
        let os = tx.store(store).unwrap();
        for v in &values {
            os.put(v, None).await.unwrap();
        }
        tx.done().await.unwrap();
    }
    v1.close();
    old
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}
