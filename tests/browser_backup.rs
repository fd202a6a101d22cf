//! Backup and restore in a real browser: a full round trip into an empty
//! browser, a merge with conflicts, and bad files that change nothing.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::{ProgressNote, ProgressNoteDraft};
use psynotes::vault::audit::{AuditAction, RecordKind};
use psynotes::vault::conflicts::ConflictSides;
use psynotes::vault::door::DoorState;
use psynotes::vault::open_vault::Vault;
use psynotes::vault::record::StoredRecord;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::sealer::Loaded;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What the vault shows: clients, progress notes and one client's
/// psychotherapy notes, each sorted.
async fn everything(vault: &Vault, client_id: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut clients: Vec<String> = readable(vault.clients().await.unwrap())
        .into_iter()
        .map(|c| format!("{}:{}:{}", c.id.0, c.name, c.pronouns))
        .collect();
    clients.sort();
    let mut notes: Vec<String> = notes(vault)
        .await
        .into_iter()
        .map(|n| format!("{}:{}", n.id().0, n.section("subjective")))
        .collect();
    notes.sort();
    let psy = readable(vault.psychotherapy_notes_for(client_id).await.unwrap())
        .into_iter()
        .map(|n| n.text)
        .collect();
    (clients, notes, psy)
}

/// The sealed records of the stores that hold the record, exactly as stored.
async fn sealed_records(name: &str) -> Vec<Vec<StoredRecord>> {
    let mut all = Vec::new();
    for store in ["clients", "progress_notes", "psychotherapy_notes"] {
        let mut records = sealed(raw_values(name, store).await);
        records.sort_by(|a, b| a.id.cmp(&b.id));
        all.push(records);
    }
    all
}

/// Every sealed record of every store.
async fn raw_snapshot(name: &str) -> Vec<Vec<StoredRecord>> {
    let mut all = Vec::new();
    for store in ALL_STORES {
        all.push(
            raw_values(name, store)
                .await
                .iter()
                .filter_map(StoredRecord::from_js)
                .collect(),
        );
    }
    all
}

#[wasm_bindgen_test]
async fn backup_wipe_restore_gives_identical_content_and_holds_no_plaintext() {
    let Created {
        name,
        vault,
        recovery,
        ..
    } = created("backup").await;
    let c = add_client(&vault, "BACKUPCANARYNAME").await;
    let editing = vault.edit_client(c.id.as_str()).await.unwrap();
    let mut renamed = c.clone();
    renamed.pronouns = "they/them".into();
    editing.save(&renamed, NOW).await.unwrap();
    save_note(&vault, &c, "BACKUPCANARYPROGRESS").await;
    add_psychotherapy_note(&vault, &c, "BACKUPCANARYPSYCHO").await;
    let before = everything(&vault, c.id.as_str()).await;
    assert_eq!(before.0.len(), 1);
    assert_eq!((before.1.len(), before.2.len()), (1, 1));

    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    assert_eq!(file.file_name, "psynotes-backup-2025-06-15.psybak");
    for canary in [
        "BACKUPCANARYNAME",
        "BACKUPCANARYPROGRESS",
        "BACKUPCANARYPSYCHO",
    ] {
        assert!(
            !file
                .bytes
                .windows(canary.len())
                .any(|w| w == canary.as_bytes()),
            "{canary} in backup"
        );
    }
    assert!(audit_events(&vault)
        .await
        .iter()
        .any(|e| matches!(e.action, AuditAction::BackupCreated { records } if records as usize == file.records)));
    // Making the file is not yet a backup: only a started download counts.
    assert_eq!(vault.last_backup_ms().await.unwrap(), None);
    vault.mark_backed_up(NOW).await.unwrap();
    assert_eq!(vault.last_backup_ms().await.unwrap(), Some(NOW));

    // Into a new, empty browser (another database), with the passphrase.
    let (other, door2) = fresh_door("restored").await;
    let restored = expect_open(
        door2
            .restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    assert_eq!(everything(&restored, c.id.as_str()).await, before);
    // Exactly the same records: the client at revision 2, byte for byte.
    assert_eq!(sealed_records(&other).await, sealed_records(&name).await);
    assert_eq!(raw_rev(&other, "clients", c.id.as_str()).await, 2);
    // And with the recovery key into yet another, once a new passphrase is set.
    let (third, door3) = fresh_door("restored-recovery").await;
    let reset = expect_reset(
        door3
            .restore(&file.bytes, RestoreSecret::RecoveryKey(recovery), NOW)
            .await,
    );
    let from_key = expect_open(
        reset
            .set_passphrase(&new_pass("after the restore"), NOW)
            .await,
    );
    assert_eq!(everything(&from_key, c.id.as_str()).await, before);
    assert_eq!(sealed_records(&third).await, sealed_records(&name).await);
    // The restored vault unlocks with the same passphrase after a reload.
    restored.close();
    let reloaded = door(&other).await;
    assert_eq!(reloaded.state().await.unwrap(), DoorState::Locked);
    let vault = unlocked(&reloaded).await;
    assert_eq!(everything(&vault, c.id.as_str()).await, before);
}

#[wasm_bindgen_test]
async fn restoring_over_an_existing_vault_is_refused_and_a_wrong_passphrase_writes_nothing() {
    let a = created("refuse-a").await;
    let file = a.vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let b = created("refuse-b").await;
    let before = raw_snapshot(&b.name).await;
    let header = raw_get(&b.name, "vault_meta", "header").await;
    assert_eq!(
        b.door
            .restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await
            .err(),
        Some(VaultError::DataExists)
    );
    assert_eq!(raw_snapshot(&b.name).await, before);
    assert_eq!(
        js_sys::JSON::stringify(&raw_get(&b.name, "vault_meta", "header").await).unwrap(),
        js_sys::JSON::stringify(&header).unwrap()
    );
    let (empty, door_c) = fresh_door("refuse-c").await;
    assert_eq!(
        door_c
            .restore(
                &file.bytes,
                RestoreSecret::Passphrase(pass("wrong passphrase here")),
                NOW
            )
            .await
            .err(),
        Some(VaultError::WrongBackupPassphrase)
    );
    assert_eq!(raw_counts(&empty).await, [0; ALL_STORES.len()]);
    assert_eq!(door_c.state().await.unwrap(), DoorState::NoVault);
}

#[wasm_bindgen_test]
async fn merge_keeps_newer_revisions_adds_missing_records_and_keeps_both_sides_of_a_conflict() {
    let Created { name, vault, .. } = created("merge").await;
    let c = add_client(&vault, "Merged Client").await;
    let base = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // This side: the client is edited (rev 2, "X").
    let mut x = c.clone();
    x.pronouns = "X".into();
    vault
        .edit_client(c.id.as_str())
        .await
        .unwrap()
        .save(&x, NOW)
        .await
        .unwrap();
    let this_side = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // The other side: the same vault restored from the base backup elsewhere, where
    // the client is edited differently (also rev 2, "Y") and a note is added.
    let (_, door2) = fresh_door("merge-other").await;
    let other = expect_open(
        door2
            .restore(&base.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let mut y = c.clone();
    y.pronouns = "Y".into();
    other
        .edit_client(c.id.as_str())
        .await
        .unwrap()
        .save(&y, NOW)
        .await
        .unwrap();
    let note = save_note(&other, &c, "only on the other side").await;
    let other_file = other.create_backup(NOW, "2025-06-16").await.unwrap();

    // The index is checked before the merge, so only the merge can bring the
    // new note into it.
    assert!(vault
        .note_overview()
        .await
        .unwrap()
        .of(c.id.as_str())
        .is_none());
    let report = vault.merge_backup(&other_file.bytes, NOW).await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    assert!(report.added >= 1, "{report:?}");
    // The merge is in the audit log.
    let merged = report.added + report.updated + report.conflicts;
    assert_eq!(
        audited(&vault, &AuditAction::Merged { records: merged }).await,
        1
    );
    let overview = vault.note_overview().await.unwrap();
    assert_eq!(overview.of(c.id.as_str()).map(|t| t.notes), Some(1));
    let index = vault.client_note_index(c.id.as_str()).await.unwrap();
    assert!(
        index.get(note.id.as_str()).is_some(),
        "the merged note is in its client's index"
    );
    // One client, with two versions to settle; neither is lost.
    let clients: Vec<_> = vault
        .clients()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .collect();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].conflicts, 1);
    let conflicts = vault.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].id, c.id.0);
    let open = vault.open_conflict(&conflicts[0], NOW).await.unwrap();
    let ConflictSides::Client(sides) = open.sides() else {
        panic!("a client's versions")
    };
    let mut pronouns: Vec<String> = sides
        .iter()
        .map(|s| s.value.as_ref().unwrap().pronouns.clone())
        .collect();
    pronouns.sort();
    assert_eq!(pronouns, ["X", "Y"], "both sides of the conflict are kept");
    assert!(open.may_keep_both());
    let notes = notes(&vault).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].section("subjective"), "only on the other side");

    // Merging an older backup changes nothing that is newer here.
    let again = vault.merge_backup(&this_side.bytes, NOW).await.unwrap();
    assert_eq!(
        (again.added, again.updated, again.conflicts),
        (0, 0, 0),
        "{again:?}"
    );
    assert_eq!(raw_rev(&name, "clients", c.id.as_str()).await, 2);

    // Keeping both: the version not shown becomes a client of its own.
    let copies = open.keep_both(NOW).await.unwrap();
    assert_eq!(copies.len(), 1);
    assert!(vault.conflicts().await.unwrap().is_empty());
    let mut names: Vec<(String, String)> = readable(vault.clients().await.unwrap())
        .into_iter()
        .map(|c| (c.name, c.pronouns))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2);
    assert!(names.iter().any(|(n, _)| n == "Merged Client"));
    assert!(names.iter().any(|(n, _)| n == "Merged Client (copy)"));
    assert!(
        audited_about(
            &vault,
            &AuditAction::SettledConflict(RecordKind::Client),
            c.id.as_str()
        )
        .await
    );
    // Settled is settled: the record has one live version, and merging the
    // other side again brings nothing back.
    let report = vault.merge_backup(&other_file.bytes, NOW).await.unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
    assert!(vault.conflicts().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_draft_edited_on_another_device_never_replaces_the_signed_note() {
    // Device A signs a draft; device B, restored from a backup taken before,
    // edits the same draft twice. B's backup is merged into A.
    let Created { vault: a, .. } = created("two-devices-a").await;
    a.save_settings(&psynotes::domain::Settings {
        clinician: clinician(),
        ..Default::default()
    })
    .await
    .unwrap();
    let c = add_client(&a, "Two Devices").await;
    let draft = save_note(&a, &c, "written on A").await;
    let base = a.create_backup(NOW, "2025-06-15").await.unwrap();

    let (_, door_b) = fresh_door("two-devices-b").await;
    let b = expect_open(
        door_b
            .restore(&base.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let on_b = open_draft(&b, &c, draft.id.as_str()).await;
    let mut words = on_b.start();
    words.set_section("subjective", "B's first words");
    on_b.save(&words, NOW).await.unwrap();
    words.set_section("subjective", "B's words");
    on_b.save(&words, NOW).await.unwrap();
    let b_file = b.create_backup(NOW, "2025-06-16").await.unwrap();

    let on_a = open_draft(&a, &c, draft.id.as_str()).await;
    let signed_on_a = on_a.sign(signed(on_a.start()), NOW).await;
    assert!(signed_on_a.is_ok(), "{:?}", signed_on_a.err());

    let report = a.merge_backup(&b_file.bytes, NOW).await.unwrap();
    assert_eq!(report.damaged, 0, "{report:?}");
    // The signed note stands, with its signature.
    let shown = open_signed(&a, &c, draft.id.as_str()).await;
    assert_eq!(shown.note().content().section("subjective"), "written on A");
    // B's words survive as a flagged draft of their own.
    let copies: Vec<ProgressNoteDraft> = notes(&a)
        .await
        .into_iter()
        .filter_map(|n| match n {
            ProgressNote::Draft(d) if d.conflict_of.is_some() => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].section("subjective"), "B's words");
    assert_eq!(copies[0].conflict_of.as_ref(), Some(&draft.id));
    // On the timeline, flagged.
    let index = a.client_note_index(c.id.as_str()).await.unwrap();
    assert!(index
        .get(copies[0].id.as_str())
        .is_some_and(|n| n.conflict_copy));

    // The same merge the other way round ends the same on B.
    let a_file = a.create_backup(NOW, "2025-06-16").await.unwrap();
    b.merge_backup(&a_file.bytes, NOW).await.unwrap();
    let on_b_now: Vec<ProgressNote> = notes(&b).await;
    assert_eq!(on_b_now.len(), 2);
    assert!(on_b_now
        .iter()
        .any(|n| matches!(n, ProgressNote::Signed(s) if s.id() == &draft.id)));
    assert!(on_b_now.iter().any(
        |n| matches!(n, ProgressNote::Draft(d) if d.id == copies[0].id && d.section("subjective") == "B's words")
    ));

    // Settled on A by keeping the signed note: the copy goes, the note stays.
    let conflicts = a.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].copy_of.as_deref(), Some(draft.id.as_str()));
    let open = a.open_conflict(&conflicts[0], NOW).await.unwrap();
    let ConflictSides::ProgressNote(sides) = open.sides() else {
        panic!("a note's versions")
    };
    assert!(matches!(sides[0].value, Some(ProgressNote::Signed(_))));
    assert!(sides[0].may_keep);
    assert!(!sides[1].may_keep, "a draft never replaces the signed note");
    open.keep(0, NOW).await.unwrap();
    assert!(a.conflicts().await.unwrap().is_empty());
    assert_eq!(notes(&a).await.len(), 1);
    open_signed(&a, &c, draft.id.as_str()).await;
}

#[wasm_bindgen_test]
async fn a_deleted_record_stays_deleted_when_an_older_backup_is_merged() {
    let Created { vault, .. } = created("deleted-stays").await;
    let c = add_client(&vault, "Deleted Later").await;
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    vault
        .edit_client(c.id.as_str())
        .await
        .unwrap()
        .delete(NOW)
        .await
        .unwrap();
    let report = vault.merge_backup(&file.bytes, NOW).await.unwrap();
    assert_eq!((report.added, report.updated), (0, 0), "{report:?}");
    assert!(readable(vault.clients().await.unwrap()).is_empty());
    assert_eq!(
        vault.client(c.id.as_str()).await.err(),
        Some(VaultError::NotFound)
    );
}

#[wasm_bindgen_test]
async fn bad_backup_files_are_refused_and_leave_every_byte_as_it_was() {
    let Created { name, vault, .. } = created("bad-files").await;
    add_client(&vault, "Untouched").await;
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let foreign = created("bad-files-foreign")
        .await
        .vault
        .create_backup(NOW, "2025-06-15")
        .await
        .unwrap();
    let before = raw_snapshot(&name).await;

    let mut flipped = file.bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", file.bytes[..file.bytes.len() - 7].to_vec()),
        ("flipped bit", flipped),
        ("another vault", foreign.bytes.clone()),
        ("not a backup", b"{\"format\": \"something else\"}".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        let result = vault.merge_backup(&bytes, NOW).await;
        assert!(
            matches!(result, Err(VaultError::Backup(_))),
            "{what}: {result:?}"
        );
        let (empty, door) = fresh_door("bad-files-empty").await;
        let into_new = door
            .restore(&bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await;
        if what == "another vault" {
            // A whole, valid file of another vault restores into an empty browser.
            expect_open(into_new);
        } else {
            assert!(into_new.is_err(), "{what} restored into a new browser");
            assert_eq!(raw_counts(&empty).await, [0; ALL_STORES.len()], "{what}");
        }
    }
    assert_eq!(raw_snapshot(&name).await, before);
}

#[wasm_bindgen_test]
async fn a_vault_whose_header_was_lost_is_restored_without_overwriting_newer_records() {
    let Created { name, vault, .. } = created("lost-header").await;
    let c = add_client(&vault, "Header Lost").await;
    let note = save_note(&vault, &c, "as backed up").await;
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    // After the backup, the note is edited (revision 2) and a client added.
    let handle = open_draft(&vault, &c, note.id.as_str()).await;
    let mut edited = handle.start();
    edited.set_section("subjective", "edited after the backup");
    handle.save(&edited, NOW).await.unwrap();
    add_client(&vault, "Added After The Backup").await;
    vault.close();
    // Then the header is lost.
    raw_delete(&name, "vault_meta", "header").await;

    let door = door(&name).await;
    assert_eq!(door.state().await.unwrap(), DoorState::HeaderMissing);
    let restored = expect_open(
        door.restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let notes = notes(&restored).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].section("subjective"), "edited after the backup");
    assert_eq!(raw_rev(&name, "progress_notes", note.id.as_str()).await, 2);
    assert_eq!(readable(restored.clients().await.unwrap()).len(), 2);
    // The index is rebuilt from the notes that are there (the home screen's
    // overview comes first).
    assert_eq!(
        restored
            .note_overview()
            .await
            .unwrap()
            .of(c.id.as_str())
            .map(|t| t.notes),
        Some(1)
    );
    let index = restored.client_note_index(c.id.as_str()).await.unwrap();
    assert_eq!(index.get(note.id.as_str()).map(|n| n.rev), Some(2));
    restored.close();
    expect_open(self::door(&name).await.unlock(&pass(PASS), NOW).await);
}

#[wasm_bindgen_test]
async fn a_large_restore_reports_its_progress_chunk_by_chunk_and_commits_whole() {
    use std::cell::RefCell;

    let a = created("progress-a").await;
    // Each new client is two records: the client and its audit event.
    for i in 0..600 {
        add_client(&a.vault, &format!("Client {i:03}")).await;
    }
    let file = a.vault.create_backup(NOW, "2025-06-15").await.unwrap();

    let (other, door) = fresh_door("progress-b").await;
    let seen = RefCell::new(Vec::new());
    let restored = expect_open(
        door.restore_with_progress(
            &file.bytes,
            RestoreSecret::Passphrase(pass(PASS)),
            NOW,
            &|p| seen.borrow_mut().push((p.written, p.total)),
        )
        .await,
    );
    let seen = seen.into_inner();
    let total = seen[0].1;
    // Every record of the file is new here (the audit event of the restore
    // itself is not one of them).
    assert_eq!(total as usize, file.records, "{seen:?}");
    assert_eq!(seen[0].0, 0);
    assert_eq!(seen.last().unwrap().0, total);
    assert!(seen.len() >= 4, "more than one chunk: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 == w[1].1));
    // Committed whole.
    assert_eq!(
        restored.clients().await.unwrap().len(),
        a.vault.clients().await.unwrap().len()
    );
    // The file restored from counts as the last backup, from when it was made.
    assert_eq!(a.vault.last_backup_ms().await.unwrap(), None);
    assert_eq!(restored.last_backup_ms().await.unwrap(), Some(NOW));
    assert_eq!(sealed_records(&other).await, sealed_records(&a.name).await);

    // The same file merged back, a slice of records at a time with turns for
    // the page between them: every record is met and none is changed.
    let merged = restored.merge_backup(&file.bytes, NOW).await.unwrap();
    assert_eq!(
        (
            merged.added,
            merged.updated,
            merged.conflicts,
            merged.damaged
        ),
        (0, 0, 0, 0)
    );
    assert!(merged.kept >= 600, "{merged:?}");
    assert_eq!(sealed_records(&other).await, sealed_records(&a.name).await);
}

#[wasm_bindgen_test]
async fn after_a_restore_every_clients_index_is_rebuilt_whatever_their_number() {
    let a = created("rebuild-many-a").await;
    // More clients than the rebuild seals between two pauses.
    let mut clients = Vec::new();
    for i in 0..90 {
        let c = add_client(&a.vault, &format!("Indexed {i:02}")).await;
        save_note(&a.vault, &c, &format!("note of {i}")).await;
        if i % 3 == 0 {
            save_note(&a.vault, &c, "a second note").await;
        }
        clients.push(c);
    }
    let file = a.vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let (_, door) = fresh_door("rebuild-many-b").await;
    let restored = expect_open(
        door.restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let overview = restored.note_overview().await.unwrap();
    for (i, c) in clients.iter().enumerate() {
        let expected: usize = if i % 3 == 0 { 2 } else { 1 };
        assert_eq!(
            overview.of(c.id.as_str()).unwrap().notes as usize,
            expected,
            "client {i}"
        );
        assert_eq!(
            restored
                .client_note_index(c.id.as_str())
                .await
                .unwrap()
                .notes()
                .len(),
            expected,
            "client {i}"
        );
    }
}
