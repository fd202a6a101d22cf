//! The vault in a real browser: IndexedDB, keys, envelopes, backoff, recovery.
//! Each test uses its own database and the smallest accepted KDF parameters.
#![cfg(target_arch = "wasm32")]

use psynotes::crypto::{random_id, KdfParams, Passphrase};
use psynotes::domain::{ProgressNote, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
use psynotes::vault::repository::Loaded;
use psynotes::vault::schema::{open_named, DB_VERSION};
use psynotes::vault::session::Vault;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::unlock::{self, VaultState};
use psynotes::vault::VaultError;
use rexie::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn create_lock_and_unlock() {
    let (name, db, _) = created("create").await;
    assert_eq!(unlock::inspect(&db).await.unwrap(), VaultState::Locked);
    let vault = open_vault(db).await;
    let c = client("Alex Example");
    vault.create_client(&c, NOW).await.unwrap();

    vault.lock();
    assert!(!vault.is_unlocked());
    assert_eq!(vault.clients().await.unwrap_err(), VaultError::Locked);

    // Reopen, as after a reload.
    let db = open_named(&name, DB_VERSION).await.unwrap();
    let vault = open_vault(db).await;
    let clients: Vec<_> = vault
        .clients()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .collect();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].value.name, "Alex Example");
}

#[wasm_bindgen_test]
async fn never_creates_a_vault_over_existing_data() {
    let (_, db, _) = created("twice").await;
    let again = unlock::create(
        &db,
        &Passphrase::new(PASS.into()).unwrap(),
        KdfParams::TEST_MIN,
        NOW,
    )
    .await;
    assert_eq!(
        again.err().map(|e| e.to_string()),
        Some(VaultError::DataExists.to_string())
    );

    // Records without a header: still refused, and reported as such.
    let (_, db2) = fresh_db("orphan").await;
    let tx = db2
        .transaction(&["clients"], TransactionMode::ReadWrite)
        .unwrap();
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"id".into(), &"x".into()).unwrap();
    tx.store("clients")
        .unwrap()
        .put(&o.into(), None)
        .await
        .unwrap();
    tx.done().await.unwrap();
    assert_eq!(
        unlock::inspect(&db2).await.unwrap(),
        VaultState::HeaderMissing
    );
    let refused = unlock::create(
        &db2,
        &Passphrase::new(PASS.into()).unwrap(),
        KdfParams::TEST_MIN,
        NOW,
    )
    .await;
    assert!(matches!(refused, Err(VaultError::DataExists)));
}

#[wasm_bindgen_test]
async fn wrong_passphrases_back_off_before_the_kdf_and_survive_a_reload() {
    let (name, db, _) = created("backoff").await;
    for n in 1..=4 {
        match unlock::unlock(&db, &pass("not the passphrase"), NOW + n).await {
            Err(VaultError::WrongPassphrase { failures }) => assert_eq!(failures as i64, n),
            other => panic!("attempt {n}: {:?}", other.err()),
        }
    }
    // The fifth failure starts the wait.
    assert!(matches!(
        unlock::unlock(&db, &pass("still wrong"), NOW + 5).await,
        Err(VaultError::LockedOut { wait_secs: 30 })
    ));
    drop(db);
    // A reload does not reset it, and even the right passphrase must wait.
    let db = open_named(&name, DB_VERSION).await.unwrap();
    assert!(matches!(
        unlock::unlock(&db, &pass(PASS), NOW + 10_000).await,
        Err(VaultError::LockedOut { wait_secs: 21 })
    ));
    // After the wait, the right passphrase works and resets the count.
    let ok = unlock::unlock(&db, &pass(PASS), NOW + 40_000)
        .await
        .unwrap();
    assert_eq!(ok.failures_before, 5);
    assert_eq!(unlock::read_attempts(&db).await.unwrap().failures, 0);
}

#[wasm_bindgen_test]
async fn changing_the_passphrase_rewraps_without_touching_notes() {
    let (name, db, recovery) = created("change").await;
    let vault = open_vault(db).await;
    let c = client("Sam Sample");
    vault.create_client(&c, NOW).await.unwrap();
    let note = soap_note(&c, "reports better sleep");
    vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let raw_before = raw_values(&name, "progress_notes").await;

    vault
        .change_passphrase(
            &Passphrase::new("a brand new long passphrase".into()).unwrap(),
            KdfParams::TEST_MIN,
            NOW,
        )
        .await
        .unwrap();

    let db = vault_db(&name).await.unwrap();
    assert!(matches!(
        unlock::unlock(&db, &pass(PASS), NOW).await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    let unlocked = unlock::unlock(&db, &pass("a brand new long passphrase"), NOW)
        .await
        .unwrap();
    let vault = Vault::new(db, unlocked.keyring);
    let notes: Vec<_> = vault
        .progress_notes()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .collect();
    assert_eq!(notes[0].value.section("subjective"), "reports better sleep");
    // Not one byte of the stored note changed.
    assert_eq!(
        sealed(raw_values(&name, "progress_notes").await),
        sealed(raw_before)
    );
    // The recovery key still opens the vault.
    assert!(
        unlock::unlock_with_recovery(&vault_db(&name).await.unwrap(), &recovery)
            .await
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn the_recovery_key_unlocks_and_a_wrong_one_does_not() {
    let (_, db, recovery) = created("recovery").await;
    let keyring = unlock::unlock_with_recovery(&db, &recovery.to_lowercase().replace('-', " "))
        .await
        .unwrap();
    // Forced new passphrase after recovery.
    unlock::change_passphrase(
        &db,
        &keyring,
        &Passphrase::new("chosen after recovery".into()).unwrap(),
        KdfParams::TEST_MIN,
    )
    .await
    .unwrap();
    assert!(unlock::unlock(&db, &pass("chosen after recovery"), NOW)
        .await
        .is_ok());

    let (_, other_db, other_recovery) = created("recovery-other").await;
    drop(other_db);
    assert!(matches!(
        unlock::unlock_with_recovery(&db, &other_recovery).await,
        Err(VaultError::WrongRecoveryKey)
    ));
    assert!(matches!(
        unlock::unlock_with_recovery(&db, "ABCD-EFGH").await,
        Err(VaultError::MalformedRecoveryKey)
    ));
}

#[wasm_bindgen_test]
async fn a_record_moved_copied_or_replayed_is_refused_and_the_rest_still_opens() {
    let (name, db, _) = created("moved").await;
    let vault = open_vault(db).await;
    let a = client("Client A");
    let b = client("Client B");
    vault.create_client(&a, NOW).await.unwrap();
    vault.create_client(&b, NOW).await.unwrap();
    let note = soap_note(&a, "first version");
    vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let first = raw_get(&name, "progress_notes", &note.id().0).await;
    let mut edited = note.clone();
    if let ProgressNote::Draft(d) = &mut edited {
        d.set_section("subjective", "second version");
    }
    vault
        .commit_progress_note(&edited, 1, 0, None, NOW)
        .await
        .unwrap();

    // Moved to another store under the same key (clients share the records key).
    raw_put(&name, "clients", &first).await;
    // Copied to another id in the same store.
    let copy = with_field(&first, "id", &JsValue::from_str("someotherid"));
    raw_put(&name, "progress_notes", &copy).await;
    let clients = vault.clients().await.unwrap();
    assert_eq!(
        clients
            .iter()
            .filter(|c| matches!(c, Loaded::Damaged { .. }))
            .count(),
        1
    );
    assert_eq!(
        clients
            .iter()
            .filter(|c| matches!(c, Loaded::Ok(_)))
            .count(),
        2
    );
    let notes = vault.progress_notes().await.unwrap();
    assert_eq!(
        notes
            .iter()
            .filter(|n| matches!(n, Loaded::Damaged { .. }))
            .count(),
        1
    );

    // The old ciphertext put back under the current revision.
    let current = raw_get(&name, "progress_notes", &note.id().0).await;
    let replay = with_field(
        &first,
        "rev",
        &js_sys::Reflect::get(&current, &"rev".into()).unwrap(),
    );
    raw_put(&name, "progress_notes", &replay).await;
    assert!(matches!(
        vault.open_progress_note(&note.id().0, NOW).await,
        Err(VaultError::Damaged { .. })
    ));
    // One flipped bit.
    let ct: js_sys::Uint8Array = js_sys::Reflect::get(&current, &"ct".into())
        .unwrap()
        .unchecked_into();
    let mut bytes = ct.to_vec();
    bytes[3] ^= 0x01;
    let flipped = with_field(&current, "ct", &js_sys::Uint8Array::from(&bytes[..]).into());
    raw_put(&name, "progress_notes", &flipped).await;
    assert!(matches!(
        vault.open_progress_note(&note.id().0, NOW).await,
        Err(VaultError::Damaged { .. })
    ));
    // And the original, put back whole, opens again.
    raw_put(&name, "progress_notes", &current).await;
    let ok = vault.open_progress_note(&note.id().0, NOW).await.unwrap();
    assert_eq!(ok.value.section("subjective"), "second version");
}

#[wasm_bindgen_test]
async fn two_tabs_saving_the_same_record_conflict_instead_of_overwriting() {
    let (name, db, _) = created("conflict").await;
    let tab1 = open_vault(db).await;
    let tab2 = open_vault(vault_db(&name).await.unwrap()).await;
    let c = client("Shared");
    let rev = tab1.create_client(&c, NOW).await.unwrap();
    let mut one = c.clone();
    one.pronouns = "she/her".into();
    let mut two = c.clone();
    two.pronouns = "they/them".into();
    tab1.save_client(&one, rev).await.unwrap();
    assert!(matches!(
        tab2.save_client(&two, rev).await,
        Err(VaultError::Conflict {
            current_revision: 2
        })
    ));
    assert_eq!(
        tab2.client(&c.id.0).await.unwrap().value.pronouns,
        "she/her"
    );
}

#[wasm_bindgen_test]
async fn no_plaintext_canary_anywhere_in_browser_storage() {
    let (name, db, _) = created("canary").await;
    let vault = open_vault(db).await;
    let c = client("CANARYCLIENTNAME");
    vault.create_client(&c, NOW).await.unwrap();
    vault
        .commit_progress_note(&soap_note(&c, "CANARYPROGRESSTEXT"), 0, 0, None, NOW)
        .await
        .unwrap();
    let mut psy = PsychotherapyNote::new(
        PsychotherapyNoteId(random_id().unwrap()),
        c.id.clone(),
        Timestamp(NOW),
    );
    psy.text = "CANARYPSYCHOTEXT".into();
    vault.save_psychotherapy_note(&psy, 0, NOW).await.unwrap();
    // Sanity: the canaries are really stored (decrypted through the vault).
    assert_eq!(
        vault.psychotherapy_notes_for(&c.id.0).await.unwrap().len(),
        1
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
        haystack.len() > 6,
        "the scan found too little to be meaningful"
    );
    for canary in ["CANARYCLIENTNAME", "CANARYPROGRESSTEXT", "CANARYPSYCHOTEXT"] {
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
    let (name, db, _) = created("separate").await;
    let vault = open_vault(db).await;
    let c = client("Someone");
    vault.create_client(&c, NOW).await.unwrap();
    let psy = PsychotherapyNote::new(
        PsychotherapyNoteId(random_id().unwrap()),
        c.id.clone(),
        Timestamp(NOW),
    );
    vault.save_psychotherapy_note(&psy, 0, NOW).await.unwrap();
    assert_eq!(raw_values(&name, "psychotherapy_notes").await.len(), 1);
    assert_eq!(raw_values(&name, "progress_notes").await.len(), 0);
    // A psychotherapy record copied into progress_notes cannot be read there.
    raw_put(
        &name,
        "progress_notes",
        &raw_get(&name, "psychotherapy_notes", &psy.id.0).await,
    )
    .await;
    let notes = vault.progress_notes().await.unwrap();
    assert!(matches!(notes.as_slice(), [Loaded::Damaged { .. }]));
}

#[wasm_bindgen_test]
async fn every_store_and_record_survives_a_schema_upgrade() {
    let (name, db, _) = created("upgrade").await;
    let vault = open_vault(db).await;
    let c = client("Kept Through Upgrades");
    vault.create_client(&c, NOW).await.unwrap();
    vault
        .commit_progress_note(&soap_note(&c, "kept"), 0, 0, None, NOW)
        .await
        .unwrap();
    let mut counts = Vec::new();
    for store in SCHEMA_V1_STORES {
        counts.push(raw_values(&name, store).await.len());
    }
    assert!(counts.iter().filter(|&&n| n > 0).count() >= 4, "{counts:?}");
    vault.close();

    let upgraded = open_named(&name, DB_VERSION + 1).await.unwrap();
    let names = upgraded.store_names();
    for store in SCHEMA_V1_STORES {
        assert!(
            names.iter().any(|n| n == store),
            "{store} was dropped by the upgrade"
        );
    }
    let mut after = Vec::new();
    for store in SCHEMA_V1_STORES {
        after.push(raw_values_in(&upgraded, store).await.len());
    }
    assert_eq!(after, counts);
    let vault = open_vault(upgraded).await;
    let clients: Vec<_> = vault
        .clients()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .collect();
    assert_eq!(clients[0].value.name, "Kept Through Upgrades");
}
