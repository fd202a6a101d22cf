//! The per-client note index in a real browser: kept in step with each commit,
//! built for vaults that predate it, and rebuilt from the notes whenever it is
//! missing, damaged or behind.
#![cfg(target_arch = "wasm32")]

use futures::future::join_all;
use psynotes::crypto::random_id;
use psynotes::domain::Date;
use psynotes::vault::door::DoorState;
use psynotes::vault::open_vault::Vault;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::sealer::Loaded;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    let Created { name, vault, .. } = created("index-commit").await;
    let a = add_client(&vault, "Index A").await;
    let b = add_client(&vault, "Index B").await;
    let a1 = save_dated_note(&vault, &a, "INDEXCANARY first", Some("2025-03-01")).await;
    let a2_handle = new_note(&vault, &a).await;
    let mut a2 = a2_handle.start();
    a2.set_section("subjective", "second");
    a2.date_of_service = Date::parse("2025-05-20").ok();
    a2_handle.save(&a2, NOW).await.unwrap();
    let b1 = save_note(&vault, &b, "other client").await;
    // A later edit moves the last session back: the index follows the note.
    a2.date_of_service = Date::parse("2025-04-02").ok();
    a2_handle.save(&a2, NOW).await.unwrap();

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    let of_a = overview.of(a.id.as_str()).unwrap();
    assert_eq!((of_a.notes, of_a.unsigned), (2, 2));
    assert_eq!(of_a.last_session, Date::parse("2025-04-02").ok());
    assert_eq!(overview.of(b.id.as_str()).unwrap().notes, 1);
    assert_eq!(overview.unsigned(), 3);
    assert_eq!(overview.damaged(), 0);
    assert!(!fresh.verify_note_index().await.unwrap(), "nothing to fix");
    let index_a = fresh.client_note_index(a.id.as_str()).await.unwrap();
    assert_eq!(index_a.notes().len(), 2);
    assert_eq!(index_a.get(a2.id.as_str()).unwrap().rev, 2);
    assert_eq!(
        index_a.get(a2.id.as_str()).unwrap().date_of_service,
        Date::parse("2025-04-02").ok()
    );

    assert_eq!(
        note_ids_of(&fresh, a.id.as_str()).await,
        sorted(vec![a1.id.0.clone(), a2.id.0.clone()])
    );
    assert_eq!(
        note_ids_of(&fresh, b.id.as_str()).await,
        vec![b1.id.0.clone()]
    );

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
    let Created { name, vault, .. } = created("index-v1-source").await;
    let c = add_client(&vault, "From Version One").await;
    let notes = [
        save_dated_note(&vault, &c, "one", Some("2024-01-10")).await,
        save_dated_note(&vault, &c, "two", Some("2024-02-14")).await,
    ];
    vault.close();
    let old = version_1_copy_of(&name).await;

    // Today's door upgrades it, with the new stores empty.
    let door = door(&old).await;
    assert_eq!(door.state().await.unwrap(), DoorState::Locked);
    assert!(raw_values(&old, "note_index").await.is_empty());
    assert!(raw_values(&old, "practice_summary").await.is_empty());
    let vault = unlocked(&door).await;
    let overview = vault.note_overview().await.unwrap();
    let tally = overview
        .of(c.id.as_str())
        .expect("the client's notes are counted");
    assert_eq!(tally.notes, 2);
    assert_eq!(tally.last_session, Date::parse("2024-02-14").ok());
    vault.close();

    // And it was written down, not only computed.
    assert_eq!(raw_values(&old, "note_index").await.len(), 1);
    assert_eq!(raw_values(&old, "practice_summary").await.len(), 1);
    let again = new_session(&old).await;
    assert_eq!(
        note_ids_of(&again, c.id.as_str()).await,
        sorted(notes.iter().map(|n| n.id.0.clone()).collect())
    );
}

#[wasm_bindgen_test]
async fn two_tabs_saving_notes_of_one_client_both_reach_its_index() {
    let Created { name, vault, .. } = created("index-tabs").await;
    let tab1 = vault;
    let tab2 = new_session(&name).await;
    let c = add_client(&tab1, "Seen In Two Tabs").await;
    save_note(&tab1, &c, "first").await;

    // Both saves in flight at once: each reads the index at revision 1.
    let (h1, h2) = (new_note(&tab1, &c).await, new_note(&tab2, &c).await);
    let (mut n1, mut n2) = (h1.start(), h2.start());
    n1.set_section("subjective", "tab one");
    n2.set_section("subjective", "tab two");
    let results = join_all([h1.save(&n1, NOW), h2.save(&n2, NOW)]).await;
    for r in results {
        r.expect("neither save is refused over the other's index entry");
    }

    let fresh = new_session(&name).await;
    assert_eq!(
        fresh
            .note_overview()
            .await
            .unwrap()
            .of(c.id.as_str())
            .unwrap()
            .notes,
        3
    );
    let index = fresh.client_note_index(c.id.as_str()).await.unwrap();
    let ids: Vec<&str> = index.notes().iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&n1.id.as_str()) && ids.contains(&n2.id.as_str()));
}

#[wasm_bindgen_test]
async fn a_damaged_or_swapped_index_is_rebuilt_from_the_notes() {
    let Created { name, vault, .. } = created("index-damaged").await;
    let a = add_client(&vault, "Damaged A").await;
    let b = add_client(&vault, "Damaged B").await;
    for c in [&a, &b] {
        for text in ["x", "y"] {
            save_note(&vault, c, text).await;
        }
    }
    save_note(&vault, &b, "z").await;
    let a_ids = note_ids_of(&vault, a.id.as_str()).await;
    let b_ids = note_ids_of(&vault, b.id.as_str()).await;
    assert_eq!((a_ids.len(), b_ids.len()), (2, 3));
    vault.close();

    // A's index replaced by B's (moved under A's id), B's bytes flipped.
    let b_index = raw_get(&name, "note_index", b.id.as_str()).await;
    raw_put(
        &name,
        "note_index",
        &with_field(&b_index, "id", &JsValue::from_str(a.id.as_str())),
    )
    .await;
    raw_put(&name, "note_index", &with_flipped_bit(&b_index, 1)).await;
    // And the practice summary's bytes flipped too.
    let summary = raw_get(&name, "practice_summary", "practice").await;
    raw_put(&name, "practice_summary", &with_flipped_bit(&summary, 0)).await;

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    assert_eq!(overview.of(a.id.as_str()).unwrap().notes, 2);
    assert_eq!(overview.of(b.id.as_str()).unwrap().notes, 3);
    assert_eq!(
        fresh
            .client_note_index(a.id.as_str())
            .await
            .unwrap()
            .notes()
            .len(),
        2
    );
    assert_eq!(note_ids_of(&fresh, a.id.as_str()).await, a_ids);
    assert_eq!(note_ids_of(&fresh, b.id.as_str()).await, b_ids);
    fresh.close();

    // The rebuilt records were written back and open in the next session.
    let next = new_session(&name).await;
    assert_eq!(
        next.client_note_index(b.id.as_str())
            .await
            .unwrap()
            .notes()
            .len(),
        3
    );
    assert!(!next.verify_note_index().await.unwrap());
}

#[wasm_bindgen_test]
async fn a_summary_behind_its_note_is_corrected_when_the_client_opens() {
    let Created { name, vault, .. } = created("index-stale").await;
    let c = add_client(&vault, "Stale Summary").await;
    let handle = new_note(&vault, &c).await;
    let mut note = handle.start();
    note.set_section("subjective", "first date");
    handle.save(&note, NOW).await.unwrap();
    let first_date = note.date_of_service;
    let old_index = raw_get(&name, "note_index", c.id.as_str()).await;
    note.date_of_service = Date::parse("2025-09-09").ok();
    handle.save(&note, NOW).await.unwrap();
    vault.close();
    // An index rolled back to before the edit (its own older revision: it opens).
    raw_put(&name, "note_index", &old_index).await;

    let fresh = new_session(&name).await;
    let index = fresh.client_note_index(c.id.as_str()).await.unwrap();
    assert_ne!(first_date, Date::parse("2025-09-09").ok());
    assert_eq!(index.last_session(), first_date, "stale");
    let check = fresh.check_client_notes(c.id.as_str()).await.unwrap();
    assert!(check.corrected && check.damaged.is_empty(), "{check:?}");
    fresh.close();

    let next = new_session(&name).await;
    let index = next.client_note_index(c.id.as_str()).await.unwrap();
    assert_eq!(index.last_session(), Date::parse("2025-09-09").ok());
    assert_eq!(index.get(note.id.as_str()).unwrap().rev, 2);
    let check = next.check_client_notes(c.id.as_str()).await.unwrap();
    assert!(!check.corrected, "{check:?}");
}

#[wasm_bindgen_test]
async fn a_note_that_does_not_open_is_reported_and_the_others_still_list() {
    let Created { name, vault, .. } = created("index-bad-note").await;
    let c = add_client(&vault, "One Bad Note").await;
    let good = save_note(&vault, &c, "good").await;
    let bad = save_note(&vault, &c, "bad").await;
    vault.close();
    // The bad note's bytes flipped, and the index gone (as after an upgrade).
    let raw = raw_get(&name, "progress_notes", bad.id.as_str()).await;
    let last = js_sys::Uint8Array::new(&leaf_field(&raw, "ct")).length() as usize - 1;
    raw_put(&name, "progress_notes", &with_flipped_bit(&raw, last)).await;
    raw_clear(&name, &["note_index", "practice_summary"]).await;

    let fresh = new_session(&name).await;
    let overview = fresh.note_overview().await.unwrap();
    assert_eq!(overview.damaged(), 1);
    assert_eq!(overview.of(c.id.as_str()).unwrap().notes, 1);
    let listed = fresh.progress_notes_of(c.id.as_str()).await.unwrap();
    assert!(
        matches!(&listed[..], [Loaded::Ok(n), Loaded::Damaged { id }]
        if n.id == good.id.0 && *id == bad.id.0),
        "{listed:?}"
    );
    let check = fresh.check_client_notes(c.id.as_str()).await.unwrap();
    assert_eq!(check.damaged, vec![bad.id.0.clone()]);
}

#[wasm_bindgen_test]
async fn a_note_the_index_does_not_know_is_found_by_the_count() {
    let Created { name, vault, .. } = created("index-count").await;
    let c = add_client(&vault, "Counted").await;
    let note = save_note(&vault, &c, "indexed").await;
    vault.close();
    // A record the index never heard of (here a copy under another id, so it
    // also fails to open: the count still finds it).
    let raw = raw_get(&name, "progress_notes", note.id.as_str()).await;
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
    assert_eq!(overview.of(c.id.as_str()).unwrap().notes, 1);
    assert!(
        !fresh.verify_note_index().await.unwrap(),
        "once per session"
    );
}

#[wasm_bindgen_test]
async fn a_merge_that_only_updates_a_note_still_reaches_the_index() {
    let Created { vault, .. } = created("index-merge").await;
    let c = add_client(&vault, "Merged Update").await;
    let note = save_note(&vault, &c, "undated here").await;
    let base = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // Elsewhere: the same vault restored, and the note dated (revision 2).
    let (_, door2) = fresh_door("index-merge-other").await;
    let other = expect_open(
        door2
            .restore(&base.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let there = open_draft(&other, &c, note.id.as_str()).await;
    let mut dated = there.start();
    dated.date_of_service = Date::parse("2025-06-01").ok();
    there.save(&dated, NOW).await.unwrap();
    let file = other.create_backup(NOW, "2025-06-16").await.unwrap();

    // Here the index was checked this session, and the merge adds no note:
    // the count alone could not tell the summary is behind.
    assert!(!vault.verify_note_index().await.unwrap());
    let before = vault.note_overview().await.unwrap();
    assert_eq!(before.of(c.id.as_str()).unwrap().last_session, None);
    let report = vault.merge_backup(&file.bytes, NOW).await.unwrap();
    assert!(report.updated >= 1, "{report:?}");

    let overview = vault.note_overview().await.unwrap();
    assert_eq!(
        overview.of(c.id.as_str()).unwrap().last_session,
        Date::parse("2025-06-01").ok()
    );
    let index = vault.client_note_index(c.id.as_str()).await.unwrap();
    assert_eq!(index.get(note.id.as_str()).unwrap().rev, 2);
}
