//! The per-client note index in a real browser: kept in step with each commit,
//! built for vaults that predate it, and rebuilt from the notes whenever it is
//! missing, damaged or behind.
#![cfg(target_arch = "wasm32")]

use psynotes::crypto::random_id;
use psynotes::domain::{Date, ProgressNote};
use psynotes::vault::backup::{restore_into_new, RestoreSecret};
use psynotes::vault::repository::Loaded;
use psynotes::vault::schema::{open_named, DB_VERSION};
use psynotes::vault::session::Vault;
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn dated(mut note: ProgressNote, day: &str) -> ProgressNote {
    if let ProgressNote::Draft(d) = &mut note {
        d.date_of_service = Some(Date::parse(day).unwrap());
    }
    note
}

/// A new session on database `name`: nothing decrypted yet, index unchecked.
async fn new_session(name: &str) -> Vault {
    open_vault(vault_db(name).await.unwrap()).await
}

async fn note_ids_of(vault: &Vault, client_id: &str) -> Vec<String> {
    let mut ids: Vec<String> = vault
        .progress_notes_of(client_id)
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|n| n.id)
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[wasm_bindgen_test]
async fn each_commit_keeps_its_clients_index_in_step() {
    let (name, db, _) = created("index-commit").await;
    let vault = open_vault(db).await;
    let (a, b) = (client("Index A"), client("Index B"));
    vault.create_client(&a, NOW).await.unwrap();
    vault.create_client(&b, NOW).await.unwrap();
    let a1 = dated(soap_note(&a, "INDEXCANARY first"), "2025-03-01");
    let a2 = dated(soap_note(&a, "second"), "2025-05-20");
    let b1 = soap_note(&b, "other client");
    vault
        .commit_progress_note(&a1, 0, 0, None, NOW)
        .await
        .unwrap();
    let rev = vault
        .commit_progress_note(&a2, 0, 0, None, NOW)
        .await
        .unwrap();
    vault
        .commit_progress_note(&b1, 0, 0, None, NOW)
        .await
        .unwrap();
    // A later edit moves the last session back: the index follows the note.
    let a2_earlier = dated(a2.clone(), "2025-04-02");
    vault
        .commit_progress_note(&a2_earlier, rev, 0, None, NOW)
        .await
        .unwrap();

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    let of_a = overview.of(&a.id.0).unwrap();
    assert_eq!((of_a.notes, of_a.unsigned), (2, 2));
    assert_eq!(of_a.last_session, Date::parse("2025-04-02").ok());
    assert_eq!(overview.of(&b.id.0).unwrap().notes, 1);
    assert_eq!(overview.unsigned(), 3);
    assert_eq!(overview.damaged(), 0);
    assert!(!fresh.verify_note_index().await.unwrap(), "nothing to fix");
    let index_a = fresh.client_note_index(&a.id.0).await.unwrap();
    assert_eq!(index_a.notes().len(), 2);
    assert_eq!(index_a.get(&a2.id().0).unwrap().rev, 2);
    assert_eq!(
        index_a.get(&a2.id().0).unwrap().date_of_service,
        Date::parse("2025-04-02").ok()
    );

    assert_eq!(
        note_ids_of(&fresh, &a.id.0).await,
        sorted(vec![a1.id().0.clone(), a2.id().0.clone()])
    );
    assert_eq!(note_ids_of(&fresh, &b.id.0).await, vec![b1.id().0.clone()]);

    // One index per client and one summary, sealed: no note text readable in
    // the stored bytes. (That the summaries hold no text at all is a native
    // test in domain::note_index.)
    let mut raw = raw_values(&name, "note_index").await;
    assert_eq!(raw.len(), 2);
    raw.extend(raw_values(&name, "practice_summary").await);
    assert_eq!(raw.len(), 3);
    let mut bytes = Vec::new();
    for value in &raw {
        collect_bytes(value, &mut bytes);
    }
    assert!(!bytes
        .iter()
        .any(|b| b.windows(11).any(|w| w == b"INDEXCANARY")));
}

#[wasm_bindgen_test]
async fn a_version_1_vault_gets_its_index_built_when_first_unlocked() {
    // A vault's records, written by today's code, copied into a database made
    // exactly as version 1 made it: the record format did not change.
    let (source, db, _) = created("index-v1-source").await;
    let vault = open_vault(db).await;
    let c = client("From Version One");
    vault.create_client(&c, NOW).await.unwrap();
    let notes = [
        dated(soap_note(&c, "one"), "2024-01-10"),
        dated(soap_note(&c, "two"), "2024-02-14"),
    ];
    for n in &notes {
        vault
            .commit_progress_note(n, 0, 0, None, NOW)
            .await
            .unwrap();
    }
    vault.close();

    let old = format!("test-index-v1-{}", random_id().unwrap());
    let mut builder = Rexie::builder(&old).version(1);
    for store in SCHEMA_V1_STORES {
        builder = builder.add_object_store(ObjectStore::new(store).key_path("id"));
    }
    let v1 = builder.build().await.unwrap();
    for store in SCHEMA_V1_STORES {
        let values = raw_values(&source, store).await;
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

    let upgraded = open_named(&old, DB_VERSION).await.unwrap();
    assert!(upgraded.store_names().iter().any(|s| s == "note_index"));
    assert!(raw_values_in(&upgraded, "note_index").await.is_empty());
    let vault = open_vault(upgraded).await;
    let overview = vault.note_overview().await.unwrap();
    let tally = overview
        .of(&c.id.0)
        .expect("the client's notes are counted");
    assert_eq!(tally.notes, 2);
    assert_eq!(tally.last_session, Date::parse("2024-02-14").ok());
    vault.close();

    // And it was written down, not only computed.
    assert_eq!(raw_values(&old, "note_index").await.len(), 1);
    assert_eq!(raw_values(&old, "practice_summary").await.len(), 1);
    let again = new_session(&old).await;
    assert_eq!(
        note_ids_of(&again, &c.id.0).await,
        sorted(notes.iter().map(|n| n.id().0.clone()).collect())
    );
}

#[wasm_bindgen_test]
async fn two_tabs_saving_notes_of_one_client_both_reach_its_index() {
    let (name, db, _) = created("index-tabs").await;
    let tab1 = open_vault(db).await;
    let tab2 = new_session(&name).await;
    let c = client("Seen In Two Tabs");
    tab1.create_client(&c, NOW).await.unwrap();
    tab1.commit_progress_note(&soap_note(&c, "first"), 0, 0, None, NOW)
        .await
        .unwrap();

    // Both saves in flight at once: each reads the index at revision 1.
    let (n1, n2) = (soap_note(&c, "tab one"), soap_note(&c, "tab two"));
    let save = |tab: Vault, note: ProgressNote| {
        future_to_promise(async move {
            tab.commit_progress_note(&note, 0, 0, None, NOW)
                .await
                .map(|rev| JsValue::from_f64(rev as f64))
                .map_err(|e| JsValue::from_str(&e.to_string()))
        })
    };
    let both = js_sys::Array::of2(&save(tab1, n1.clone()), &save(tab2, n2.clone()));
    JsFuture::from(js_sys::Promise::all(&both))
        .await
        .expect("neither save is refused over the other's index entry");

    let fresh = new_session(&name).await;
    assert_eq!(
        fresh
            .note_overview()
            .await
            .unwrap()
            .of(&c.id.0)
            .unwrap()
            .notes,
        3
    );
    let index = fresh.client_note_index(&c.id.0).await.unwrap();
    let ids: Vec<&str> = index.notes().iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&n1.id().as_str()) && ids.contains(&n2.id().as_str()));
}

#[wasm_bindgen_test]
async fn a_damaged_or_swapped_index_is_rebuilt_from_the_notes() {
    let (name, db, _) = created("index-damaged").await;
    let vault = open_vault(db).await;
    let (a, b) = (client("Damaged A"), client("Damaged B"));
    for c in [&a, &b] {
        vault.create_client(c, NOW).await.unwrap();
        for text in ["x", "y"] {
            vault
                .commit_progress_note(&soap_note(c, text), 0, 0, None, NOW)
                .await
                .unwrap();
        }
    }
    vault
        .commit_progress_note(&soap_note(&b, "z"), 0, 0, None, NOW)
        .await
        .unwrap();
    let a_ids = note_ids_of(&vault, &a.id.0).await;
    let b_ids = note_ids_of(&vault, &b.id.0).await;
    vault.close();

    // A's index replaced by B's (moved under A's id), B's bytes flipped.
    let b_index = raw_get(&name, "note_index", &b.id.0).await;
    raw_put(
        &name,
        "note_index",
        &with_field(&b_index, "id", &JsValue::from_str(&a.id.0)),
    )
    .await;
    let flipped = js_sys::Uint8Array::new(&js_sys::Reflect::get(&b_index, &"ct".into()).unwrap())
        .to_vec()
        .into_iter()
        .map(|byte| byte ^ 0x01)
        .collect::<Vec<u8>>();
    raw_put(
        &name,
        "note_index",
        &with_field(
            &b_index,
            "ct",
            &js_sys::Uint8Array::from(flipped.as_slice()).into(),
        ),
    )
    .await;

    // And the practice summary's bytes flipped too.
    let summary = raw_get(&name, "practice_summary", "practice").await;
    let mut ct =
        js_sys::Uint8Array::new(&js_sys::Reflect::get(&summary, &"ct".into()).unwrap()).to_vec();
    ct[0] ^= 0x01;
    raw_put(
        &name,
        "practice_summary",
        &with_field(
            &summary,
            "ct",
            &js_sys::Uint8Array::from(ct.as_slice()).into(),
        ),
    )
    .await;

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    assert_eq!(overview.of(&a.id.0).unwrap().notes, 2);
    assert_eq!(overview.of(&b.id.0).unwrap().notes, 3);
    assert_eq!(
        fresh
            .client_note_index(&a.id.0)
            .await
            .unwrap()
            .notes()
            .len(),
        2
    );
    assert_eq!(note_ids_of(&fresh, &a.id.0).await, a_ids);
    assert_eq!(note_ids_of(&fresh, &b.id.0).await, b_ids);
    fresh.close();

    // The rebuilt records were written back and open in the next session.
    let next = new_session(&name).await;
    assert_eq!(
        next.client_note_index(&b.id.0).await.unwrap().notes().len(),
        3
    );
    assert!(!next.verify_note_index().await.unwrap());
}

#[wasm_bindgen_test]
async fn a_summary_behind_its_note_is_corrected_when_the_client_opens() {
    let (name, db, _) = created("index-stale").await;
    let vault = open_vault(db).await;
    let c = client("Stale Summary");
    vault.create_client(&c, NOW).await.unwrap();
    let note = soap_note(&c, "undated");
    let rev = vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let old_index = raw_get(&name, "note_index", &c.id.0).await;
    vault
        .commit_progress_note(&dated(note.clone(), "2025-09-09"), rev, 0, None, NOW)
        .await
        .unwrap();
    vault.close();
    // An index rolled back to before the edit (its own older revision: it opens).
    raw_put(&name, "note_index", &old_index).await;

    let fresh = new_session(&name).await;
    let index = fresh.client_note_index(&c.id.0).await.unwrap();
    assert_eq!(index.last_session(), None, "stale");
    let check = fresh.check_client_notes(&c.id.0).await.unwrap();
    assert!(check.corrected && check.damaged.is_empty(), "{check:?}");
    fresh.close();

    let next = new_session(&name).await;
    let index = next.client_note_index(&c.id.0).await.unwrap();
    assert_eq!(index.last_session(), Date::parse("2025-09-09").ok());
    assert_eq!(index.get(&note.id().0).unwrap().rev, 2);
    let check = next.check_client_notes(&c.id.0).await.unwrap();
    assert!(!check.corrected, "{check:?}");
}

#[wasm_bindgen_test]
async fn a_note_that_does_not_open_is_reported_and_the_others_still_list() {
    let (name, db, _) = created("index-bad-note").await;
    let vault = open_vault(db).await;
    let c = client("One Bad Note");
    vault.create_client(&c, NOW).await.unwrap();
    let good = soap_note(&c, "good");
    let bad = soap_note(&c, "bad");
    for n in [&good, &bad] {
        vault
            .commit_progress_note(n, 0, 0, None, NOW)
            .await
            .unwrap();
    }
    vault.close();
    // The bad note's bytes flipped, and the index gone (as after an upgrade).
    let raw = raw_get(&name, "progress_notes", &bad.id().0).await;
    let mut envelope =
        js_sys::Uint8Array::new(&js_sys::Reflect::get(&raw, &"ct".into()).unwrap()).to_vec();
    let last = envelope.len() - 1;
    envelope[last] ^= 0x80;
    raw_put(
        &name,
        "progress_notes",
        &with_field(
            &raw,
            "ct",
            &js_sys::Uint8Array::from(envelope.as_slice()).into(),
        ),
    )
    .await;
    let db = vault_db(&name).await.unwrap();
    let tx = db
        .transaction(
            &["note_index", "practice_summary"],
            TransactionMode::ReadWrite,
        )
        .unwrap();
    tx.store("note_index").unwrap().clear().await.unwrap();
    tx.store("practice_summary").unwrap().clear().await.unwrap();
    tx.done().await.unwrap();
    db.close();

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    assert_eq!(overview.damaged(), 1);
    assert_eq!(overview.of(&c.id.0).unwrap().notes, 1);
    let listed = fresh.progress_notes_of(&c.id.0).await.unwrap();
    assert!(
        matches!(&listed[..], [Loaded::Ok(n), Loaded::Damaged { id }]
        if n.id == good.id().0 && *id == bad.id().0)
    );
    let check = fresh.check_client_notes(&c.id.0).await.unwrap();
    assert_eq!(check.damaged, vec![bad.id().0.clone()]);
}

#[wasm_bindgen_test]
async fn a_note_the_index_does_not_know_is_found_by_the_count() {
    let (name, db, _) = created("index-count").await;
    let vault = open_vault(db).await;
    let c = client("Counted");
    vault.create_client(&c, NOW).await.unwrap();
    let note = soap_note(&c, "indexed");
    vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    vault.close();
    // A record the index never heard of (here a copy under another id, so it
    // also fails to open: the count still finds it).
    let raw = raw_get(&name, "progress_notes", &note.id().0).await;
    let stray = random_id().unwrap();
    raw_put(
        &name,
        "progress_notes",
        &with_field(&raw, "id", &JsValue::from_str(&stray)),
    )
    .await;

    let fresh = new_session(&name).await;
    assert_eq!(
        fresh.note_overview().await.unwrap().damaged(),
        0,
        "not checked yet"
    );
    assert!(
        fresh.verify_note_index().await.unwrap(),
        "the count differs"
    );
    let overview = fresh.note_overview().await.unwrap();
    assert_eq!(overview.damaged(), 1);
    assert_eq!(overview.of(&c.id.0).unwrap().notes, 1);
    assert!(
        !fresh.verify_note_index().await.unwrap(),
        "once per session"
    );
}

#[wasm_bindgen_test]
async fn a_merge_that_only_updates_a_note_still_reaches_the_index() {
    let (_, db, _) = created("index-merge").await;
    let vault = open_vault(db).await;
    let c = client("Merged Update");
    vault.create_client(&c, NOW).await.unwrap();
    let note = soap_note(&c, "undated here");
    vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let base = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // Elsewhere: the same vault restored, and the note dated (revision 2).
    let (_, db2) = fresh_db("index-merge-other").await;
    let keyring = restore_into_new(&db2, &base.bytes, RestoreSecret::Passphrase(pass(PASS)))
        .await
        .unwrap()
        .keyring;
    let other = Vault::new(db2, keyring);
    other
        .commit_progress_note(&dated(note.clone(), "2025-06-01"), 1, 0, None, NOW)
        .await
        .unwrap();
    let file = other.create_backup(NOW, "2025-06-16").await.unwrap();

    // Here the index was checked this session, and the merge adds no note:
    // the count alone could not tell the summary is behind.
    assert!(!vault.verify_note_index().await.unwrap());
    let before = vault.note_overview().await.unwrap();
    assert_eq!(before.of(&c.id.0).unwrap().last_session, None);
    let report = vault.merge_backup(&file.bytes, NOW).await.unwrap();
    assert!(report.updated >= 1, "{report:?}");

    let overview = vault.note_overview().await.unwrap();
    assert_eq!(
        overview.of(&c.id.0).unwrap().last_session,
        Date::parse("2025-06-01").ok()
    );
    let index = vault.client_note_index(&c.id.0).await.unwrap();
    assert_eq!(index.get(&note.id().0).unwrap().rev, 2);
}
