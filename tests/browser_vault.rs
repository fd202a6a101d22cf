//! The vault in a real browser: IndexedDB, keys, envelopes, backoff, recovery.
//! Each test uses its own database and the smallest accepted KDF parameters.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::{Client, Date, ProgressNote, Template, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::conflict::SaveError;
use psynotes::vault::door::{DoorState, VaultDoor};
use psynotes::vault::open_vault::Vault;
use psynotes::vault::record::StoredRecord;
use psynotes::vault::schema::DB_VERSION;
use psynotes::vault::sealer::Loaded;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::VaultError;
use rexie::{ObjectStore, Rexie};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn create_lock_and_unlock() {
    let (name, door) = fresh_door("create").await;
    assert_eq!(door.state().await.unwrap(), DoorState::NoVault);
    let handover = expect_handover(door.create(&new_pass(PASS), NOW).await);
    assert_eq!(door.state().await.unwrap(), DoorState::Locked);
    let vault = handover.kept(NOW).await.unwrap();
    add_client(&vault, "Alex Example").await;

    vault.lock();
    assert!(!vault.is_unlocked());
    assert_eq!(vault.clients().await.err(), Some(VaultError::Locked));

    // Reopen, as after a reload.
    let again = door_after_reload(&name).await;
    assert_eq!(again.state().await.unwrap(), DoorState::Locked);
    let vault = unlocked(&again).await;
    let clients = readable(vault.clients().await.unwrap());
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].name, "Alex Example");
}

async fn door_after_reload(name: &str) -> VaultDoor {
    door(name).await
}

#[wasm_bindgen_test]
async fn never_creates_a_vault_over_existing_data() {
    let created = created("twice").await;
    let header_before = raw_get(&created.name, "vault_meta", "header").await;
    let again = created.door.create(&new_pass(PASS), NOW).await;
    assert_eq!(
        again.err().map(|e| e.to_string()),
        Some(VaultError::DataExists.to_string())
    );
    assert_eq!(
        MetaJson::of(&raw_get(&created.name, "vault_meta", "header").await),
        MetaJson::of(&header_before),
        "the header was not replaced"
    );

    // Records without a header: still refused, reported as such, and nothing
    // is written beside them.
    let (name, door) = fresh_door("orphan").await;
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"id".into(), &"x".into()).unwrap();
    raw_put(&name, "clients", &o.into()).await;
    assert_eq!(door.state().await.unwrap(), DoorState::HeaderMissing);
    let refused = door.create(&new_pass(PASS), NOW).await;
    assert!(matches!(refused, Err(VaultError::DataExists)));
    // One record, in `clients` (the second store), and nothing anywhere else.
    let mut only_the_orphan = vec![0; ALL_STORES.len()];
    only_the_orphan[1] = 1;
    assert_eq!(raw_counts(&name).await, only_the_orphan);
    assert_eq!(door.state().await.unwrap(), DoorState::HeaderMissing);
}

/// A stored `vault_meta` entry's JSON, for comparing entries.
#[derive(Debug, PartialEq)]
struct MetaJson(Option<String>);

impl MetaJson {
    fn of(value: &JsValue) -> MetaJson {
        MetaJson(
            js_sys::Reflect::get(value, &"json".into())
                .ok()
                .and_then(|v| v.as_string()),
        )
    }
}

#[wasm_bindgen_test]
async fn wrong_passphrases_back_off_before_the_kdf_and_survive_a_reload() {
    let Created { name, door, .. } = created("backoff").await;
    for n in 1..=4 {
        match door.unlock(&pass("not the passphrase"), NOW + n).await {
            Err(VaultError::WrongPassphrase { failures }) => assert_eq!(failures as i64, n),
            Err(e) => panic!("attempt {n}: {e:?}"),
            Ok(_) => panic!("attempt {n} unlocked"),
        }
    }
    // The fifth failure starts the wait.
    assert_eq!(
        door.unlock(&pass("still wrong"), NOW + 5).await.err(),
        Some(VaultError::LockedOut { wait_secs: 30 })
    );
    door.close();
    // A reload does not reset it, and even the right passphrase must wait; a
    // refused try is not counted (it never reached the KDF).
    let door = door_after_reload(&name).await;
    assert_eq!(door.attempts().await.unwrap().failures, 5);
    assert_eq!(
        door.unlock(&pass(PASS), NOW + 10_000).await.err(),
        Some(VaultError::LockedOut { wait_secs: 21 })
    );
    assert_eq!(door.attempts().await.unwrap().failures, 5);
    // After the wait, the right passphrase works and resets the count, and the
    // audit log says how many tries failed before.
    let vault = expect_open(door.unlock(&pass(PASS), NOW + 40_000).await);
    assert_eq!(door.attempts().await.unwrap().failures, 0);
    assert_eq!(
        audited(&vault, &AuditAction::UnlockFailed { count: 5 }).await,
        1
    );
}

#[wasm_bindgen_test]
async fn changing_the_passphrase_rewraps_without_touching_notes() {
    let Created {
        name,
        vault,
        recovery,
        ..
    } = created("change").await;
    let c = add_client(&vault, "Sam Sample").await;
    save_note(&vault, &c, "reports better sleep").await;
    let raw_before = raw_values(&name, "progress_notes").await;

    vault
        .change_passphrase(&pass(PASS), &new_pass("a brand new long passphrase"), NOW)
        .await
        .unwrap();
    vault.close();

    let door = door_after_reload(&name).await;
    assert!(matches!(
        door.unlock(&pass(PASS), NOW).await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    let vault = expect_open(door.unlock(&pass("a brand new long passphrase"), NOW).await);
    let notes = notes(&vault).await;
    assert_eq!(notes[0].section("subjective"), "reports better sleep");
    // Not one byte of the stored note changed.
    assert_eq!(
        sealed(raw_values(&name, "progress_notes").await),
        sealed(raw_before)
    );
    // The recovery key still opens the vault.
    expect_reset(door.recover(&recovery, NOW).await);
}

#[wasm_bindgen_test]
async fn the_recovery_key_unlocks_and_a_wrong_one_does_not() {
    let Created { door, recovery, .. } = created("recovery").await;
    // Typed in lower case, with spaces.
    let reset = expect_reset(door.recover(&recovery.to_lowercase(), NOW).await);
    // A new passphrase is chosen after recovery, and then it unlocks.
    expect_open(
        reset
            .set_passphrase(&new_pass("chosen after recovery"), NOW)
            .await,
    );
    expect_open(door.unlock(&pass("chosen after recovery"), NOW).await);

    let other = created("recovery-other").await;
    assert_eq!(
        door.recover(&other.recovery, NOW).await.err(),
        Some(VaultError::WrongRecoveryKey)
    );
    assert_eq!(
        door.recover("ABCD-EFGH", NOW).await.err(),
        Some(VaultError::MalformedRecoveryKey)
    );
}

#[wasm_bindgen_test]
async fn a_record_moved_copied_or_replayed_is_refused_and_the_rest_still_opens() {
    let Created { name, vault, .. } = created("moved").await;
    let a = add_client(&vault, "Client A").await;
    add_client(&vault, "Client B").await;
    let handle = new_note(&vault, &a).await;
    let mut draft = handle.start();
    draft.set_section("subjective", "first version");
    handle.save(&draft, NOW).await.unwrap();
    let id = draft.id.0.clone();
    let first = raw_get(&name, "progress_notes", &id).await;
    draft.set_section("subjective", "second version");
    handle.save(&draft, NOW).await.unwrap();

    // Moved to another store under the same key (clients share the records key).
    raw_put(&name, "clients", &first).await;
    // Copied to another id in the same store.
    let copy = with_field(&first, "id", &JsValue::from_str("someotherid"));
    raw_put(&name, "progress_notes", &copy).await;
    let clients = vault.clients().await.unwrap();
    assert_eq!(damaged(&clients), 1);
    assert_eq!(readable(clients).len(), 2);
    let listed = vault.progress_notes().await.unwrap();
    assert_eq!(damaged(&listed), 1);
    assert_eq!(readable(listed).len(), 1);

    // The old ciphertext put back under the current revision.
    let current = raw_get(&name, "progress_notes", &id).await;
    let replay = with_leaf_field(
        &with_leaf_field(&current, "nonce", &leaf_field(&first, "nonce")),
        "ct",
        &leaf_field(&first, "ct"),
    );
    raw_put(&name, "progress_notes", &replay).await;
    assert!(matches!(
        open(&vault, &a, &id).await,
        Err(VaultError::Damaged { .. })
    ));
    // One flipped bit.
    raw_put(&name, "progress_notes", &with_flipped_bit(&current, 3)).await;
    assert!(matches!(
        open(&vault, &a, &id).await,
        Err(VaultError::Damaged { .. })
    ));
    // And the original, put back whole, opens again.
    raw_put(&name, "progress_notes", &current).await;
    let again = open_draft(&vault, &a, &id).await;
    assert_eq!(again.start().section("subjective"), "second version");
}

/// Opens note `id` of `client`, for its error.
async fn open(vault: &Vault, client: &Client, id: &str) -> Result<(), VaultError> {
    vault
        .open_progress_note(client, id, Template::Soap, Timestamp(NOW), NOW)
        .await
        .map(drop)
}

#[wasm_bindgen_test]
async fn two_tabs_saving_the_same_record_conflict_instead_of_overwriting() {
    let Created { name, vault, .. } = created("conflict").await;
    let tab1 = vault;
    let tab2 = new_session(&name).await;
    let c = add_client(&tab1, "Shared").await;
    let in_tab1 = tab1.edit_client(c.id.as_str()).await.unwrap();
    let in_tab2 = tab2.edit_client(c.id.as_str()).await.unwrap();
    let mut one = c.clone();
    one.pronouns = "she/her".into();
    let mut two = c.clone();
    two.pronouns = "they/them".into();
    in_tab1.save(&one, NOW).await.unwrap();
    match in_tab2.save(&two, NOW).await {
        Err(SaveError::Conflict(conflict)) => {
            assert_eq!(conflict.mine.pronouns, "they/them");
            assert_eq!(
                conflict.theirs.map(|t| t.pronouns).as_deref(),
                Some("she/her")
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        tab2.client(c.id.as_str()).await.unwrap().pronouns,
        "she/her"
    );
    assert_eq!(raw_rev(&name, "clients", c.id.as_str()).await, 2);
    // Saving again without choosing is still refused.
    assert!(matches!(
        in_tab2.save(&two, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    // Choosing this tab's version writes it over the other, as a new revision.
    in_tab2.keep_mine(&two, NOW).await.unwrap();
    assert_eq!(
        tab1.client(c.id.as_str()).await.unwrap().pronouns,
        "they/them"
    );
    assert_eq!(raw_rev(&name, "clients", c.id.as_str()).await, 3);
}

#[wasm_bindgen_test]
async fn no_plaintext_canary_anywhere_in_browser_storage() {
    let Created { name, vault, .. } = created("canary").await;
    let c = add_client(&vault, "CANARYCLIENTNAME").await;
    save_note(&vault, &c, "CANARYPROGRESSTEXT").await;
    // Unsaved text in the editor buffer, with a late-entry reason.
    let typing = new_note(&vault, &c).await;
    let mut draft = typing.start();
    draft.set_section("plan", "CANARYBUFFERTEXT");
    draft.late_entry_reason = "CANARYLATEREASON".into();
    draft.date_of_service = Some(Date::parse("2025-06-14").unwrap());
    typing.autosave(&draft, NOW).await.unwrap();
    // An addendum being typed to a signed note.
    let to_sign = new_note(&vault, &c).await;
    let amendable = to_sign.sign(signed(to_sign.start()), NOW).await.unwrap();
    amendable
        .autosave_addendum("CANARYADDENDUMTEXT", NOW)
        .await
        .unwrap();
    add_psychotherapy_note(&vault, &c, "CANARYPSYCHOTEXT").await;
    // Sanity: the canaries are really stored (decrypted through the vault).
    assert_eq!(
        readable(vault.psychotherapy_notes_for(c.id.as_str()).await.unwrap())[0].text,
        "CANARYPSYCHOTEXT"
    );
    assert_eq!(
        vault.notes_with_unsaved_changes().await.unwrap(),
        vec![draft.id.0.clone()]
    );

    let mut haystack: Vec<Vec<u8>> = Vec::new();
    for store in ALL_STORES {
        for value in raw_values(&name, store).await {
            collect_bytes(&value, &mut haystack);
        }
    }
    let window = web_sys::window().unwrap();
    for storage in [
        window.local_storage().unwrap(),
        window.session_storage().unwrap(),
    ]
    .into_iter()
    .flatten()
    {
        for i in 0..storage.length().unwrap() {
            let key = storage.key(i).unwrap().unwrap();
            haystack.push(key.clone().into_bytes());
            haystack.push(
                storage
                    .get_item(&key)
                    .unwrap()
                    .unwrap_or_default()
                    .into_bytes(),
            );
        }
    }
    let caches = window.caches().unwrap();
    let names: js_sys::Array = JsFuture::from(caches.keys())
        .await
        .unwrap()
        .unchecked_into();
    for cache_name in names.iter() {
        let cache: web_sys::Cache = JsFuture::from(caches.open(&cache_name.as_string().unwrap()))
            .await
            .unwrap()
            .unchecked_into();
        let requests: js_sys::Array = JsFuture::from(cache.keys()).await.unwrap().unchecked_into();
        for req in requests.iter() {
            let response: web_sys::Response =
                JsFuture::from(cache.match_with_request(req.unchecked_ref()))
                    .await
                    .unwrap()
                    .unchecked_into();
            let text = JsFuture::from(response.text().unwrap()).await.unwrap();
            haystack.push(text.as_string().unwrap_or_default().into_bytes());
        }
    }
    assert!(
        haystack.len() > 20,
        "the scan found too little to be meaningful"
    );
    for canary in [
        "CANARYCLIENTNAME",
        "CANARYPROGRESSTEXT",
        "CANARYBUFFERTEXT",
        "CANARYLATEREASON",
        "CANARYADDENDUMTEXT",
        "CANARYPSYCHOTEXT",
        // The date of service, in the forms it could be written.
        "2025-06-14",
        "20250614",
    ] {
        for bytes in &haystack {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{canary} found in plaintext"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn psychotherapy_notes_live_only_in_their_store() {
    let Created { name, vault, .. } = created("separate").await;
    let c = add_client(&vault, "Someone").await;
    let psy = add_psychotherapy_note(&vault, &c, "private").await;
    assert_eq!(raw_values(&name, "psychotherapy_notes").await.len(), 1);
    assert_eq!(raw_values(&name, "progress_notes").await.len(), 0);
    assert_eq!(raw_values(&name, "drafts").await.len(), 0);
    // A psychotherapy record copied into progress_notes cannot be read there.
    raw_put(
        &name,
        "progress_notes",
        &raw_get(&name, "psychotherapy_notes", psy.id.as_str()).await,
    )
    .await;
    let listed = vault.progress_notes().await.unwrap();
    assert!(matches!(listed.as_slice(), [Loaded::Damaged { .. }]));
    // Nor can a progress note be read as a psychotherapy note.
    let note = save_note(&vault, &c, "record").await;
    raw_put(
        &name,
        "psychotherapy_notes",
        &raw_get(&name, "progress_notes", note.id.as_str()).await,
    )
    .await;
    let private = vault.psychotherapy_notes_for(c.id.as_str()).await.unwrap();
    assert_eq!(damaged(&private), 1);
    assert_eq!(readable(private).len(), 1);
}

#[wasm_bindgen_test]
async fn every_store_and_record_survives_a_schema_upgrade() {
    // A vault's records, copied into a database made exactly as version 1 made
    // it, then opened by today's door (which upgrades it).
    let Created { name, vault, .. } = created("upgrade").await;
    let c = add_client(&vault, "Kept Through Upgrades").await;
    save_note(&vault, &c, "kept").await;
    add_psychotherapy_note(&vault, &c, "kept too").await;
    let typing = new_note(&vault, &c).await;
    let mut draft = typing.start();
    draft.set_section("plan", "unsaved");
    typing.autosave(&draft, NOW).await.unwrap();
    vault.close();
    let old = version_1_copy_of(&name).await;
    let mut counts = Vec::new();
    {
        let v1 = Rexie::builder(&old).version(1).build().await.unwrap();
        for store in SCHEMA_V1_STORES {
            counts.push(raw_values_in(&v1, store).await.len());
        }
        v1.close();
    }
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");

    let door = door(&old).await;
    assert_eq!(door.state().await.unwrap(), DoorState::Locked);
    // The upgrade kept every record of every store, and added the new stores.
    let mut after = Vec::new();
    for store in SCHEMA_V1_STORES {
        after.push(raw_values(&old, store).await.len());
    }
    assert_eq!(after, counts);
    assert_eq!(
        raw_counts(&old).await[6..],
        vec![0; ALL_STORES.len() - 6],
        "every later store is new and empty"
    );
    let vault = unlocked(&door).await;
    let clients = readable(vault.clients().await.unwrap());
    assert_eq!(clients[0].name, "Kept Through Upgrades");
    assert_eq!(notes(&vault).await[0].section("subjective"), "kept");
    assert_eq!(
        readable(vault.psychotherapy_notes_for(c.id.as_str()).await.unwrap())[0].text,
        "kept too"
    );
    assert_eq!(
        open_draft(&vault, &c, draft.id.as_str())
            .await
            .start()
            .section("plan"),
        "unsaved"
    );
    vault.close();

    // And the next version, declaring today's list, keeps every store too.
    let mut builder = Rexie::builder(&old).version(DB_VERSION + 1);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    let next = builder.build().await.unwrap();
    let names = next.store_names();
    for store in ALL_STORES {
        assert!(
            names.iter().any(|n| n == store),
            "{store} was dropped by the upgrade"
        );
    }
    next.close();
}

/// Fails while `schema::open_and_upgrade` looks for "VersionError" in rexie's
/// `Display` text, which is only "idb error".
#[wasm_bindgen_test]
async fn a_database_a_newer_app_upgraded_is_reported_as_newer() {
    let Created { name, vault, .. } = created("newer-db").await;
    vault.close();
    let mut builder = Rexie::builder(&name).version(DB_VERSION + 1);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    builder.build().await.unwrap().close();
    // Today's app stays out of the newer database, and says to reload rather
    // than reporting a storage failure.
    assert_eq!(
        VaultDoor::open_named(&name).await.err(),
        Some(VaultError::NewerDatabase)
    );
}

#[wasm_bindgen_test]
async fn a_header_of_a_newer_format_or_a_damaged_one_is_reported_and_not_used() {
    let Created { name, door, .. } = created("header-states").await;
    let stored = raw_get(&name, "vault_meta", "header").await;
    let json = js_sys::Reflect::get(&stored, &"json".into())
        .unwrap()
        .as_string()
        .unwrap();
    let mut header: serde_json::Value = serde_json::from_str(&json).unwrap();
    header["format"] = 99.into();
    raw_put(
        &name,
        "vault_meta",
        &with_field(&stored, "json", &JsValue::from_str(&header.to_string())),
    )
    .await;
    assert_eq!(door.state().await.unwrap(), DoorState::NewerVersion);
    assert_eq!(
        door.unlock(&pass(PASS), NOW).await.err(),
        Some(VaultError::UnsupportedFormat(99))
    );
    // A header that does not parse is still a vault: never created over.
    raw_put(
        &name,
        "vault_meta",
        &with_field(&stored, "json", &JsValue::from_str("{not json")),
    )
    .await;
    assert_eq!(door.state().await.unwrap(), DoorState::Locked);
    assert_eq!(
        door.unlock(&pass(PASS), NOW).await.err(),
        Some(VaultError::HeaderDamaged)
    );
    assert_eq!(
        door.create(&new_pass(PASS), NOW).await.err(),
        Some(VaultError::DataExists)
    );
    // Put back, it opens again.
    raw_put(&name, "vault_meta", &stored).await;
    unlocked(&door).await;
}

#[wasm_bindgen_test]
async fn a_newer_app_in_another_tab_is_not_blocked_and_this_tab_asks_for_a_reload() {
    let Created {
        name, door, vault, ..
    } = created("newer-tab").await;
    let c = add_client(&vault, "Before The Update").await;
    let editing = vault.edit_client(c.id.as_str()).await.unwrap();

    // Another tab opens the database at the next version, while this tab
    // holds it open and does nothing.
    let mut builder = Rexie::builder(&name).version(DB_VERSION + 1);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    let upgrade = wasm_bindgen_futures::future_to_promise(async move {
        let next = builder
            .build()
            .await
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        next.close();
        Ok(JsValue::TRUE)
    });
    let timeout = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, 5_000, &JsValue::FALSE)
            .unwrap();
    });
    let upgraded = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(
        &upgrade, &timeout,
    )))
    .await;
    assert_eq!(
        upgraded.map(|v| v.as_bool()),
        Ok(Some(true)),
        "the newer tab's upgrade was blocked by this tab's open connection"
    );

    // This tab now says so, and writes nothing.
    assert_eq!(door.state().await.unwrap(), DoorState::NewerVersion);
    let mut renamed = c.clone();
    renamed.name = "After The Update".into();
    assert_eq!(
        editing.save(&renamed, NOW).await.err(),
        Some(SaveError::Failed(VaultError::NewerDatabase))
    );
    assert_eq!(vault.clients().await.err(), Some(VaultError::NewerDatabase));
    // The record is as it was.
    let stored = StoredRecord::from_js(&raw_get_at(&name, DB_VERSION + 1, c.id.as_str()).await);
    assert_eq!(stored.map(|r| r.tree.leaves()[0].rev.generation), Some(1));
}

/// A client record read at schema version `version`.
async fn raw_get_at(name: &str, version: u32, id: &str) -> JsValue {
    let mut builder = Rexie::builder(name).version(version);
    for store in ALL_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    let db = builder.build().await.unwrap();
    let tx = db
        .transaction(&["clients"], rexie::TransactionMode::ReadOnly)
        .unwrap();
    let value = tx
        .store("clients")
        .unwrap()
        .get(JsValue::from_str(id))
        .await
        .unwrap()
        .unwrap();
    tx.done().await.unwrap();
    db.close();
    value
}

#[wasm_bindgen_test]
async fn a_signed_note_is_never_replaced_through_a_stale_draft_handle() {
    let Created { name, vault, .. } = created("stale-handle").await;
    let c = add_client(&vault, "Signed Stays").await;
    let draft = save_note(&vault, &c, "to be signed").await;
    let stale = open_draft(&vault, &c, draft.id.as_str()).await;
    let signer = open_draft(&vault, &c, draft.id.as_str()).await;
    signer.sign(signed(signer.start()), NOW).await.unwrap();
    let after_signing = raw_get(&name, "progress_notes", draft.id.as_str()).await;

    // The stale handle can neither discard it nor save a draft over it.
    assert!(matches!(
        stale.discard(NOW).await,
        Err(VaultError::Conflict)
    ));
    let mut edit = stale.start();
    edit.set_section("subjective", "edited after signing");
    assert!(matches!(
        stale.save(&edit, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert_eq!(
        sealed(vec![
            raw_get(&name, "progress_notes", draft.id.as_str()).await
        ]),
        sealed(vec![after_signing])
    );
    let reopened = open_signed(&vault, &c, draft.id.as_str()).await;
    assert_eq!(
        reopened.note().section("subjective"),
        "to be signed",
        "the signed text is what was signed"
    );
    assert!(matches!(
        notes(&vault).await.as_slice(),
        [ProgressNote::Signed(_)]
    ));
}
