//! A vault written by the release before revision histories (records stored
//! as `{id, rev, nonce, ct}`, backups in format 1) opens, restores and merges
//! under this one, and its records move to the new shape at their next edit
//! with their history kept. The fixtures in `tests/fixtures/v1` were written by
//! that release's own code; see their README.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::{ProgressNote, Template, Timestamp};
use psynotes::vault::door::DoorState;
use psynotes::vault::open_vault::Vault;
use psynotes::vault::progress_notes::OpenedNote;
use psynotes::vault::record::{AadVersion, StoredRecord};
use psynotes::vault::restore::RestoreSecret;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const BACKUP: &[u8] = include_bytes!("fixtures/v1/backup-v1.psybak");
const IDB: &str = include_str!("fixtures/v1/idb-v1.json");
const PASSPHRASE: &str = "correct horse battery staple 42";
const CLIENT: &str = "b6073260c495cf001040deeec0807295";
const SIGNED: &str = "6b9655d0438ab713547008745140ed68";
const DRAFT: &str = "7a34075b01f056c4e895ba8c6ddba695";
const PRIVATE: &str = "8489b51ab930e51cf3514c7aed15a41b";

/// `{"$bytes": base64}` as a `Uint8Array`, everywhere in `value`.
fn with_bytes(value: JsValue) -> JsValue {
    if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        return array
            .iter()
            .map(with_bytes)
            .collect::<js_sys::Array>()
            .into();
    }
    if !value.is_object() {
        return value;
    }
    if let Some(b64) = js_sys::Reflect::get(&value, &"$bytes".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        let binary = web_sys::window().unwrap().atob(&b64).unwrap();
        let bytes: Vec<u8> = binary.chars().map(|c| c as u8).collect();
        return js_sys::Uint8Array::from(&bytes[..]).into();
    }
    let out = js_sys::Object::new();
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        js_sys::Reflect::set(&out, &pair.get(0), &with_bytes(pair.get(1))).unwrap();
    }
    out.into()
}

/// A database holding exactly what the old release left in IndexedDB.
async fn old_database(tag: &str) -> String {
    let (name, door) = fresh_door(tag).await;
    assert_eq!(door.state().await.unwrap(), DoorState::NoVault);
    let dump = with_bytes(js_sys::JSON::parse(IDB).unwrap());
    let stores = js_sys::Reflect::get(&dump, &"stores".into()).unwrap();
    for entry in js_sys::Object::entries(stores.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let store = pair.get(0).as_string().unwrap();
        for record in js_sys::Array::from(&pair.get(1)).iter() {
            raw_put(&name, &store, &record).await;
        }
    }
    name
}

async fn open(vault: &Vault, id: &str) -> OpenedNote {
    let client = vault.client(CLIENT).await.unwrap();
    vault
        .open_progress_note(&client, id, Template::Soap, Timestamp(NOW), NOW)
        .await
        .unwrap()
}

/// Everything the old release stored reads as it was written.
async fn reads_as_written(vault: &Vault) {
    let client = vault.client(CLIENT).await.unwrap();
    assert_eq!(client.name, "Fixture Client");
    assert_eq!(client.code.as_deref(), Some("FC-1"));
    let OpenedNote::Signed(signed) = open(vault, SIGNED).await else {
        panic!("the signed note opens as signed")
    };
    let note = signed.note();
    assert!(note.is_intact(), "the signature still verifies");
    assert_eq!(note.content().section("subjective"), "v1 signed words");
    assert_eq!(note.addenda().len(), 1);
    assert_eq!(note.addenda()[0].text(), "v1 addendum");
    let OpenedNote::Draft(draft) = open(vault, DRAFT).await else {
        panic!("the draft opens as a draft")
    };
    assert_eq!(draft.start().section("subjective"), "v1 draft words");
    let private = vault
        .open_psychotherapy_note(CLIENT, PRIVATE, NOW)
        .await
        .unwrap();
    assert_eq!(private.note().text, "v1 private words");
    assert!(damaged(&vault.audit_log().await.unwrap()) == 0);
}

#[wasm_bindgen_test]
async fn an_old_vault_in_indexeddb_opens_and_its_records_move_to_the_new_shape_when_edited() {
    let name = old_database("upgrade-idb").await;
    let vault = unlocked_with(&name).await;
    reads_as_written(&vault).await;
    // The index the old release kept agrees with the notes: nothing is taken
    // for rolled back.
    let listed = vault.progress_notes_of(CLIENT).await.unwrap();
    assert_eq!(damaged(&listed), 0, "{listed:?}");
    assert_eq!(readable(listed).len(), 2);

    // Still the old shape until edited.
    let before = StoredRecord::from_js(&raw_get(&name, "progress_notes", DRAFT).await).unwrap();
    assert_eq!(before.tree.leaves()[0].payload.aad, AadVersion::V1);
    assert_eq!(before.tree.leaves()[0].rev.generation, 2);

    let OpenedNote::Draft(draft) = open(&vault, DRAFT).await else {
        panic!("a draft")
    };
    let mut edited = draft.start();
    edited.set_section("subjective", "edited under the new release");
    draft.save(&edited, NOW).await.unwrap();
    let after = StoredRecord::from_js(&raw_get(&name, "progress_notes", DRAFT).await).unwrap();
    let leaf = &after.tree.leaves()[0];
    assert_eq!(after.tree.leaves().len(), 1);
    assert_eq!(leaf.payload.aad, AadVersion::V2);
    assert_eq!(
        leaf.rev.generation, 3,
        "the history goes on from the old revision"
    );
    assert!(leaf.has_in_history(&before.tree.leaves()[0].rev));

    // A new session reads both shapes side by side.
    vault.close();
    let again = unlocked_with(&name).await;
    let OpenedNote::Draft(draft) = open(&again, DRAFT).await else {
        panic!("a draft")
    };
    assert_eq!(
        draft.start().section("subjective"),
        "edited under the new release"
    );
    let OpenedNote::Signed(signed) = open(&again, SIGNED).await else {
        panic!("signed")
    };
    assert!(signed.note().is_intact());
}

#[wasm_bindgen_test]
async fn an_old_backup_restores_and_merging_it_again_changes_nothing() {
    let (_, door) = fresh_door("upgrade-backup").await;
    let vault = expect_open(
        door.restore(
            BACKUP,
            psynotes::vault::restore::RestoreSecret::Passphrase(pass(PASSPHRASE)),
            NOW,
        )
        .await,
    );
    reads_as_written(&vault).await;
    let report = vault.merge_backup(BACKUP, NOW).await.unwrap();
    assert_eq!(
        (
            report.added,
            report.updated,
            report.conflicts,
            report.damaged
        ),
        (0, 0, 0, 0),
        "{report:?}"
    );

    // Edited here, then the old backup merged again: the edit stands (the old
    // revision is its ancestor), nothing is doubled.
    let OpenedNote::Draft(draft) = open(&vault, DRAFT).await else {
        panic!("a draft")
    };
    let mut edited = draft.start();
    edited.set_section("subjective", "newer than the backup");
    draft.save(&edited, NOW).await.unwrap();
    let report = vault.merge_backup(BACKUP, NOW).await.unwrap();
    assert_eq!((report.updated, report.conflicts), (0, 0), "{report:?}");
    let OpenedNote::Draft(draft) = open(&vault, DRAFT).await else {
        panic!("a draft")
    };
    assert_eq!(draft.start().section("subjective"), "newer than the backup");
    let notes: Vec<ProgressNote> = notes(&vault).await;
    assert_eq!(notes.len(), 2);

    // And a backup made now, in the new format, restores elsewhere whole.
    let file = vault.create_backup(NOW, "2025-06-16").await.unwrap();
    assert_eq!(&file.bytes[..10], b"PSYBAK\r\n\x00\x02");
    let (_, door2) = fresh_door("upgrade-backup-2").await;
    let copy = expect_open(
        door2
            .restore(
                &file.bytes,
                RestoreSecret::Passphrase(pass(PASSPHRASE)),
                NOW,
            )
            .await,
    );
    let OpenedNote::Signed(signed) = open(&copy, SIGNED).await else {
        panic!("signed")
    };
    assert!(signed.note().is_intact());
}

async fn unlocked_with(name: &str) -> Vault {
    expect_open(door(name).await.unlock(&pass(PASSPHRASE), NOW).await)
}
