//! The vault's procedures in a real browser: the door (create, unlock,
//! recover, restore) with its cross-tab back-off and recovery-key handover,
//! and the editing handles, which keep revisions, conflicts, audit events and
//! domain rules inside the vault.
#![cfg(target_arch = "wasm32")]

use futures::future::join_all;
use psynotes::domain::{
    Addendum, Ideation, ProgressNote, ProgressNoteDraft, RiskAnswers, Settings, Timestamp,
};
use psynotes::vault::audit::{AuditAction, RecordKind};
use psynotes::vault::conflict::SaveError;
use psynotes::vault::door::{DoorState, Entry};
use psynotes::vault::editable_progress_note::{ChangedElsewhere, Recovered, Saved};
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::VaultError;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The `vault_meta` entry `id` as stored (plaintext JSON), if present.
async fn meta(name: &str, id: &str) -> Option<String> {
    raw_find(name, "vault_meta", id)
        .await
        .and_then(|v| js_sys::Reflect::get(&v, &"json".into()).ok())
        .and_then(|v| v.as_string())
}

// ---------------------------------------------------------------------------
// Back-off across tabs

/// Unlocks with `passphrase` in `tabs` tabs at the same moment; returns each
/// tab's failure count as reported.
async fn wrong_unlocks_at_once(name: &str, tabs: usize) -> Vec<u32> {
    let mut doors = Vec::new();
    for _ in 0..tabs {
        doors.push(door(name).await);
    }
    let wrong = pass("not the passphrase at all");
    let results = join_all(doors.iter().map(|d| d.unlock(&wrong, NOW))).await;
    let mut failures: Vec<u32> = results
        .into_iter()
        .map(|r| match r {
            Err(VaultError::WrongPassphrase { failures }) => failures,
            Err(e) => panic!("expected a wrong passphrase, got {e:?}"),
            Ok(_) => panic!("a wrong passphrase unlocked"),
        })
        .collect();
    failures.sort_unstable();
    for d in &doors {
        d.close();
    }
    failures
}

#[wasm_bindgen_test]
async fn wrong_unlocks_in_several_tabs_at_once_each_count_and_a_right_one_resets() {
    const TABS: usize = 4;
    let Created { name, door, .. } = created("backoff-tabs").await;
    let failures = wrong_unlocks_at_once(&name, TABS).await;
    assert_eq!(door.attempts().await.unwrap().failures, TABS as u32);
    // Each try saw the ones before it.
    assert_eq!(failures, (1..=TABS as u32).collect::<Vec<_>>());

    // Four failures: no wait yet, so the right passphrase opens and resets.
    let vault = expect_open(door.unlock(&pass(PASS), NOW + 1).await);
    assert_eq!(door.attempts().await.unwrap().failures, 0);
    assert_eq!(
        audited(&vault, &AuditAction::UnlockFailed { count: TABS as u32 }).await,
        1
    );
}

/// Hides `navigator.locks` while alive, as in a browser without Web Locks.
struct NoWebLocks;

impl NoWebLocks {
    fn hide() -> NoWebLocks {
        let navigator = web_sys::window().unwrap().navigator();
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"value".into(), &JsValue::UNDEFINED).unwrap();
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
        js_sys::Reflect::define_property(&navigator, &"locks".into(), &descriptor).unwrap();
        assert!(js_sys::Reflect::get(&navigator, &"locks".into())
            .unwrap()
            .is_undefined());
        NoWebLocks
    }
}

impl Drop for NoWebLocks {
    fn drop(&mut self) {
        let navigator = web_sys::window().unwrap().navigator();
        let _ = js_sys::Reflect::delete_property(&navigator, &"locks".into());
    }
}

#[wasm_bindgen_test]
async fn wrong_unlocks_at_once_are_counted_even_without_web_locks() {
    const TABS: usize = 4;
    let Created { name, door, .. } = created("backoff-nolocks").await;
    let hidden = NoWebLocks::hide();
    let failures = wrong_unlocks_at_once(&name, TABS).await;
    drop(hidden);
    assert_eq!(door.attempts().await.unwrap().failures, TABS as u32);
    assert_eq!(failures, (1..=TABS as u32).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn the_wait_applies_to_every_tab_once_the_free_tries_are_used() {
    let Created { name, door, .. } = created("backoff-wait").await;
    assert_eq!(wrong_unlocks_at_once(&name, 4).await, [1, 2, 3, 4]);
    // The fifth wrong try, in yet another tab, starts the wait...
    let fifth = self::door(&name).await;
    assert_eq!(
        fifth.unlock(&pass("fifth wrong try"), NOW).await.err(),
        Some(VaultError::LockedOut { wait_secs: 30 })
    );
    // ...which every tab then honours, before the KDF, without counting.
    let right = pass(PASS);
    let results = join_all(
        [&door, &fifth]
            .into_iter()
            .map(|d| d.unlock(&right, NOW + 1_000)),
    )
    .await;
    for r in results {
        assert_eq!(r.err(), Some(VaultError::LockedOut { wait_secs: 29 }));
    }
    assert_eq!(door.attempts().await.unwrap().failures, 5);
}

// ---------------------------------------------------------------------------
// Create and the recovery-key handover

#[wasm_bindgen_test]
async fn create_writes_the_header_its_audit_event_and_the_pending_key_together() {
    let (name, door) = fresh_door("create-together").await;
    let handover = expect_handover(door.create(&new_pass(PASS), NOW).await);
    assert!(meta(&name, "header").await.is_some());
    assert!(meta(&name, "recovery_key_pending")
        .await
        .is_some_and(|flag| flag.contains("\"key\"")));
    assert_eq!(raw_values(&name, "audit_log").await.len(), 1);
    let first_key = handover.key_groups();
    assert_eq!(first_key.split(' ').count(), 13, "{first_key}");

    // A reload before the key was confirmed: unlocking shows a new key, and
    // the unseen one no longer opens the vault.
    handover.locker().lock();
    drop(handover);
    let door = self::door(&name).await;
    let again = expect_handover(door.unlock(&pass(PASS), NOW).await);
    let second_key = again.key_groups();
    assert_ne!(second_key, first_key);
    assert_eq!(
        door.recover(&first_key, NOW).await.err(),
        Some(VaultError::WrongRecoveryKey)
    );
    expect_reset(door.recover(&second_key, NOW).await);

    // Once kept, unlocking opens the vault, and the kept key still works.
    let vault = again.kept(NOW).await.unwrap();
    assert_eq!(meta(&name, "recovery_key_pending").await, None);
    assert_eq!(audited(&vault, &AuditAction::VaultCreated).await, 1);
    assert_eq!(audited(&vault, &AuditAction::RecoveryKeyReplaced).await, 1);
    assert_eq!(audited(&vault, &AuditAction::RecoveryKeyConfirmed).await, 1);
    expect_open(door.unlock(&pass(PASS), NOW).await);
    expect_reset(door.recover(&second_key, NOW).await);
}

#[wasm_bindgen_test]
async fn two_tabs_creating_at_once_make_one_vault() {
    let name = db_name("create-race");
    let (one, two) = (door(&name).await, door(&name).await);
    let passphrase = new_pass(PASS);
    let results = join_all([one.create(&passphrase, NOW), two.create(&passphrase, NOW)]).await;
    let mut won = Vec::new();
    for r in results {
        match r {
            Ok(Entry::ShowRecoveryKey(handover)) => won.push(handover),
            Err(VaultError::DataExists) => {}
            Err(e) => panic!("unexpected error {e:?}"),
            Ok(_) => panic!("a new vault must show its recovery key first"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one tab creates the vault");
    // One header, one pending flag, one audit event.
    assert_eq!(raw_values(&name, "vault_meta").await.len(), 2);
    assert_eq!(raw_values(&name, "audit_log").await.len(), 1);
    // And the winner's key is the one that opens it.
    expect_reset(one.recover(&won[0].key_groups(), NOW).await);
}

#[wasm_bindgen_test]
async fn replacing_the_recovery_key_needs_the_passphrase_and_retires_the_old_key() {
    let Created {
        name,
        door,
        vault,
        recovery,
    } = created("replace-key").await;
    let header = meta(&name, "header").await;
    let refused = vault
        .clone()
        .replace_recovery_key(&pass("not my passphrase"), NOW)
        .await;
    assert!(matches!(
        refused.err(),
        Some(VaultError::WrongPassphrase { .. })
    ));
    assert_eq!(meta(&name, "header").await, header, "nothing changed");
    expect_reset(door.recover(&recovery, NOW).await);
    assert_eq!(audited(&vault, &AuditAction::RecoveryKeyReplaced).await, 0);

    let handover = match vault.clone().replace_recovery_key(&pass(PASS), NOW).await {
        Ok(handover) => handover,
        Err(e) => panic!("the right passphrase was refused: {e:?}"),
    };
    let new_key = handover.key_groups();
    assert_ne!(new_key, recovery);
    assert_eq!(
        door.recover(&recovery, NOW).await.err(),
        Some(VaultError::WrongRecoveryKey)
    );
    expect_reset(door.recover(&new_key, NOW).await);
    assert_eq!(audited(&vault, &AuditAction::RecoveryKeyReplaced).await, 1);
    // Shown until confirmed, like a new vault's key.
    assert!(meta(&name, "recovery_key_pending")
        .await
        .is_some_and(|flag| flag.contains("\"key\"")));
    handover.kept(NOW).await.unwrap();
    expect_open(door.unlock(&pass(PASS), NOW).await);
}

// ---------------------------------------------------------------------------
// Passphrase change, recovery, restore

#[wasm_bindgen_test]
async fn changing_the_passphrase_checks_the_current_one() {
    let Created {
        name,
        door,
        vault,
        recovery,
    } = created("change-checks").await;
    let header = meta(&name, "header").await;
    let new = new_pass("a completely different passphrase");
    assert!(matches!(
        vault
            .change_passphrase(&pass("a guess at the passphrase"), &new, NOW)
            .await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    assert_eq!(meta(&name, "header").await, header, "nothing changed");
    assert_eq!(audited(&vault, &AuditAction::PassphraseChanged).await, 0);
    expect_open(door.unlock(&pass(PASS), NOW).await);

    vault
        .change_passphrase(&pass(PASS), &new, NOW)
        .await
        .unwrap();
    assert!(matches!(
        door.unlock(&pass(PASS), NOW).await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    expect_open(
        door.unlock(&pass("a completely different passphrase"), NOW)
            .await,
    );
    assert_eq!(audited(&vault, &AuditAction::PassphraseChanged).await, 1);
    // The recovery key is not touched by a passphrase change.
    expect_reset(door.recover(&recovery, NOW).await);
}

#[wasm_bindgen_test]
async fn recovering_asks_for_a_new_passphrase_which_then_unlocks() {
    let Created {
        name,
        door,
        recovery,
        ..
    } = created("recover-reset").await;
    for _ in 0..3 {
        assert!(door.unlock(&pass("forgotten"), NOW).await.is_err());
    }
    let reset = expect_reset(door.recover(&recovery, NOW).await);
    // The recovery key clears the wrong-passphrase counter, and says so.
    assert_eq!(door.attempts().await.unwrap().failures, 0);
    let vault = expect_open(
        reset
            .set_passphrase(&new_pass("remembered this time"), NOW)
            .await,
    );
    assert_eq!(audited(&vault, &AuditAction::RecoveryKeyUsed).await, 1);
    assert_eq!(audited(&vault, &AuditAction::PassphraseChanged).await, 1);
    assert!(matches!(
        door.unlock(&pass(PASS), NOW).await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    expect_open(door.unlock(&pass("remembered this time"), NOW).await);
    // After a reload too.
    door.close();
    let door = self::door(&name).await;
    expect_open(door.unlock(&pass("remembered this time"), NOW).await);
    expect_reset(door.recover(&recovery, NOW).await);
}

#[wasm_bindgen_test]
async fn restore_opens_with_the_passphrase_asks_for_a_new_one_with_the_recovery_key() {
    let Created {
        vault, recovery, ..
    } = created("restore-source").await;
    let c = add_client(&vault, "Restored Client").await;
    save_note(&vault, &c, "restored note").await;
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // With the passphrase: open at once.
    let (_, with_passphrase) = fresh_door("restore-pass").await;
    let restored = expect_open(
        with_passphrase
            .restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    assert_eq!(
        readable(restored.clients().await.unwrap())[0].name,
        "Restored Client"
    );
    let restored_events = audit_events(&restored).await;
    assert_eq!(
        restored_events
            .iter()
            .filter(|e| matches!(e.action, AuditAction::Restored { records } if records > 0))
            .count(),
        1,
        "{restored_events:?}"
    );

    // With the recovery key: a new passphrase first.
    let (name, with_key) = fresh_door("restore-key").await;
    let reset = expect_reset(
        with_key
            .restore(&file.bytes, RestoreSecret::RecoveryKey(recovery), NOW)
            .await,
    );
    let vault = expect_open(
        reset
            .set_passphrase(&new_pass("a new start for it"), NOW)
            .await,
    );
    assert_eq!(
        notes(&vault).await[0].section("subjective"),
        "restored note"
    );
    let reloaded = door(&name).await;
    assert!(matches!(
        reloaded.unlock(&pass(PASS), NOW).await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    expect_open(reloaded.unlock(&pass("a new start for it"), NOW).await);

    // A wrong passphrase writes nothing at all.
    let (empty, wrong) = fresh_door("restore-wrong").await;
    assert_eq!(
        wrong
            .restore(
                &file.bytes,
                RestoreSecret::Passphrase(pass("not the backup's passphrase")),
                NOW
            )
            .await
            .err(),
        Some(VaultError::WrongBackupPassphrase)
    );
    assert_eq!(raw_counts(&empty).await, [0; ALL_STORES.len()]);
    assert_eq!(wrong.state().await.unwrap(), DoorState::NoVault);
}

// ---------------------------------------------------------------------------
// Clients

#[wasm_bindgen_test]
async fn a_client_is_deleted_only_when_no_note_can_be_theirs() {
    let Created { name, vault, .. } = created("delete-client").await;
    let with_notes = add_client(&vault, "Has Progress Notes").await;
    let first = save_note(&vault, &with_notes, "one").await;
    save_note(&vault, &with_notes, "two").await;
    let with_private = add_client(&vault, "Has A Psychotherapy Note").await;
    let private = add_psychotherapy_note(&vault, &with_private, "private").await;
    let without = add_client(&vault, "Has Nothing").await;

    let delete = |id: String| {
        let vault = vault.clone();
        async move { vault.edit_client(&id).await.unwrap().delete(NOW).await }
    };
    assert_eq!(
        delete(with_notes.id.0.clone()).await,
        Err(VaultError::ClientHasNotes { notes: 2 })
    );
    assert_eq!(
        delete(with_private.id.0.clone()).await,
        Err(VaultError::ClientHasNotes { notes: 1 })
    );

    // A progress note that does not open might be anyone's.
    let note = raw_get(&name, "progress_notes", first.id.as_str()).await;
    raw_put(&name, "progress_notes", &with_flipped_bit(&note, 0)).await;
    assert_eq!(
        delete(without.id.0.clone()).await,
        Err(VaultError::ClientHasNotes { notes: 1 })
    );
    assert_eq!(
        delete(with_notes.id.0.clone()).await,
        Err(VaultError::ClientHasNotes { notes: 2 })
    );
    raw_put(&name, "progress_notes", &note).await;
    // So might a psychotherapy note that does not open.
    let psy = raw_get(&name, "psychotherapy_notes", private.id.as_str()).await;
    raw_put(&name, "psychotherapy_notes", &with_flipped_bit(&psy, 0)).await;
    assert_eq!(
        delete(without.id.0.clone()).await,
        Err(VaultError::ClientHasNotes { notes: 1 })
    );
    raw_put(&name, "psychotherapy_notes", &psy).await;
    assert_eq!(readable(vault.clients().await.unwrap()).len(), 3);
    assert_eq!(
        audited(&vault, &AuditAction::Deleted(RecordKind::Client)).await,
        0
    );

    // With no note anywhere that could be theirs: deleted, and audited.
    delete(without.id.0.clone()).await.unwrap();
    // A tombstone, so the deletion travels to other devices.
    assert!(raw_deleted(&name, "clients", without.id.as_str()).await);
    assert_eq!(readable(vault.clients().await.unwrap()).len(), 2);
    assert!(
        audited_about(
            &vault,
            &AuditAction::Deleted(RecordKind::Client),
            without.id.as_str()
        )
        .await
    );
}

#[wasm_bindgen_test]
async fn the_refusal_to_delete_a_client_sees_a_note_saved_in_another_tab() {
    let Created { name, vault, .. } = created("delete-race").await;
    let c = add_client(&vault, "Busy Client").await;
    let editing = vault.edit_client(c.id.as_str()).await.unwrap();
    // Another tab saves a note after this one opened the client.
    let other = new_session(&name).await;
    save_note(&other, &c, "written elsewhere").await;
    assert_eq!(
        editing.delete(NOW).await,
        Err(VaultError::ClientHasNotes { notes: 1 })
    );
    assert!(!raw_deleted(&name, "clients", c.id.as_str()).await);
}

// ---------------------------------------------------------------------------
// Discarding

#[wasm_bindgen_test]
async fn discarding_removes_an_unsigned_note_or_unsaved_changes_audited() {
    let Created { name, vault, .. } = created("discard").await;
    let c = add_client(&vault, "Discards").await;
    let kept = save_note(&vault, &c, "kept").await;

    // A committed, unsigned note, with unsaved changes on top.
    let committed = save_note(&vault, &c, "to discard").await;
    let handle = open_draft(&vault, &c, committed.id.as_str()).await;
    let mut more = handle.start();
    more.set_section("plan", "typed, not saved");
    handle.autosave(&more, NOW).await.unwrap();
    assert!(vault
        .client_note_index(c.id.as_str())
        .await
        .unwrap()
        .get(committed.id.as_str())
        .is_some());
    handle.discard(NOW).await.unwrap();
    assert!(raw_deleted(&name, "progress_notes", committed.id.as_str()).await);
    assert!(raw_find(&name, "drafts", committed.id.as_str())
        .await
        .is_none());
    let index = vault.client_note_index(c.id.as_str()).await.unwrap();
    assert!(index.get(committed.id.as_str()).is_none());
    assert!(index.get(kept.id.as_str()).is_some());
    assert_eq!(
        vault
            .note_overview()
            .await
            .unwrap()
            .of(c.id.as_str())
            .map(|t| t.notes),
        Some(1)
    );
    assert!(
        audited_about(
            &vault,
            &AuditAction::Deleted(RecordKind::ProgressNote),
            committed.id.as_str()
        )
        .await
    );

    // A note never committed: its buffer goes, audited as discarded changes.
    let fresh = new_note(&vault, &c).await;
    let mut typed = fresh.start();
    typed.set_section("subjective", "never saved");
    fresh.autosave(&typed, NOW).await.unwrap();
    assert_eq!(
        vault.unsaved_new_notes(c.id.as_str()).await.unwrap().len(),
        1
    );
    fresh.discard(NOW).await.unwrap();
    assert!(raw_find(&name, "drafts", typed.id.as_str()).await.is_none());
    assert!(vault
        .unsaved_new_notes(c.id.as_str())
        .await
        .unwrap()
        .is_empty());
    assert!(
        audited_about(
            &vault,
            &AuditAction::DiscardedUnsavedChanges(RecordKind::ProgressNote),
            typed.id.as_str()
        )
        .await
    );
    assert!(
        !audited_about(
            &vault,
            &AuditAction::Deleted(RecordKind::ProgressNote),
            typed.id.as_str()
        )
        .await
    );
    assert_eq!(
        readable(vault.progress_notes().await.unwrap())
            .iter()
            .map(|n| n.id().0.clone())
            .collect::<Vec<_>>(),
        vec![kept.id.0.clone()]
    );

    // A signed note opens as amendable: there is no handle that discards it.
    let to_sign = open_draft(&vault, &c, kept.id.as_str()).await;
    to_sign.sign(signed(to_sign.start()), NOW).await.unwrap();
    open_signed(&vault, &c, kept.id.as_str()).await;
}

// ---------------------------------------------------------------------------
// Two handles on one draft

/// A saved note with every section written, and two handles on it (two tabs).
async fn two_tabs_on_one_note(
    tag: &str,
) -> (
    Created,
    psynotes::domain::Client,
    ProgressNoteDraft,
    psynotes::vault::editable_progress_note::EditableProgressNote,
    psynotes::vault::editable_progress_note::EditableProgressNote,
) {
    let created = created(tag).await;
    let c = add_client(&created.vault, "Two Tabs").await;
    let handle = new_note(&created.vault, &c).await;
    let base = complete(handle.start());
    handle.save(&base, NOW).await.unwrap();
    let tab2 = new_session(&created.name).await;
    let one = open_draft(&created.vault, &c, base.id.as_str()).await;
    let two = open_draft(&tab2, &c, base.id.as_str()).await;
    (created, c, base, one, two)
}

#[wasm_bindgen_test]
async fn edits_to_different_sections_in_two_tabs_merge() {
    let (Created { name, vault, .. }, _, base, one, two) = two_tabs_on_one_note("merge").await;
    let mut mine = base.clone();
    mine.set_section("subjective", "SUBJECTIVE FROM TAB ONE");
    assert_eq!(one.save(&mine, NOW).await, Ok(Saved::AsIs));
    let mut theirs = base.clone();
    theirs.set_section("objective", "OBJECTIVE FROM TAB TWO");
    let merged = match two.save(&theirs, NOW + 1).await {
        Ok(Saved::Merged(merged)) => *merged,
        other => panic!("expected a merge, got {other:?}"),
    };
    assert_eq!(merged.section("subjective"), "SUBJECTIVE FROM TAB ONE");
    assert_eq!(merged.section("objective"), "OBJECTIVE FROM TAB TWO");

    let stored = notes(&vault).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].section("subjective"), "SUBJECTIVE FROM TAB ONE");
    assert_eq!(stored[0].section("objective"), "OBJECTIVE FROM TAB TWO");
    let search = stored[0].text_for_search();
    assert!(
        search.contains("SUBJECTIVE FROM TAB ONE") && search.contains("OBJECTIVE FROM TAB TWO"),
        "{search}"
    );
    assert_eq!(raw_rev(&name, "progress_notes", base.id.as_str()).await, 3);
    // The index follows the merged revision.
    assert_eq!(
        vault
            .client_note_index(base.client_id.as_str())
            .await
            .unwrap()
            .get(base.id.as_str())
            .map(|n| n.rev),
        Some(3)
    );

    // Tab one keeps editing on top of what it saved: merged again, not lost.
    mine.set_section("plan", "PLAN FROM TAB ONE");
    assert!(matches!(
        one.save(&mine, NOW + 2).await,
        Ok(Saved::Merged(_))
    ));
    let stored = notes(&vault).await;
    assert_eq!(stored[0].section("objective"), "OBJECTIVE FROM TAB TWO");
    assert_eq!(stored[0].section("plan"), "PLAN FROM TAB ONE");
}

/// Both tabs change the subjective; tab two's save is the conflict.
async fn clash(
    tag: &str,
) -> (
    Created,
    psynotes::domain::Client,
    ProgressNoteDraft,
    psynotes::vault::editable_progress_note::EditableProgressNote,
) {
    let (created, c, base, one, two) = two_tabs_on_one_note(tag).await;
    let mut first = base.clone();
    first.set_section("subjective", "Words of tab one.");
    one.save(&first, NOW).await.unwrap();
    let mut mine = base.clone();
    mine.set_section("subjective", "Words of tab two.");
    let conflict = match two.save(&mine, NOW).await {
        Err(SaveError::Conflict(conflict)) => conflict,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(conflict.mine.section("subjective"), "Words of tab two.");
    assert!(matches!(
        &conflict.theirs,
        Some(ProgressNote::Draft(d)) if d.section("subjective") == "Words of tab one."
    ));
    assert_eq!(conflict.clashes, ["Subjective"]);
    assert_eq!(two.pending_conflict().as_ref(), Some(&*conflict));
    // Nothing is written over tab one's version until a choice is made.
    assert!(matches!(
        two.save(&mine, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert!(matches!(
        two.autosave(&mine, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert_eq!(
        raw_rev(&created.name, "progress_notes", base.id.as_str()).await,
        2
    );
    assert_eq!(
        notes(&created.vault).await[0].section("subjective"),
        "Words of tab one."
    );
    (created, c, mine, two)
}

#[wasm_bindgen_test]
async fn a_clash_kept_as_mine_replaces_the_other_version() {
    let (Created { name, vault, .. }, _, mine, two) = clash("keep-mine").await;
    two.keep_mine(&mine, NOW).await.unwrap();
    assert_eq!(two.pending_conflict(), None);
    assert_eq!(
        notes(&vault).await[0].section("subjective"),
        "Words of tab two."
    );
    assert_eq!(raw_rev(&name, "progress_notes", mine.id.as_str()).await, 3);
}

#[wasm_bindgen_test]
async fn a_clash_kept_as_theirs_leaves_the_other_version_and_follows_it() {
    let (Created { name, vault, .. }, _, mine, two) = clash("keep-theirs").await;
    let theirs = two.keep_theirs(NOW).await.unwrap();
    assert!(matches!(
        theirs,
        Some(ProgressNote::Draft(d)) if d.section("subjective") == "Words of tab one."
    ));
    assert_eq!(two.pending_conflict(), None);
    assert_eq!(
        notes(&vault).await[0].section("subjective"),
        "Words of tab one."
    );
    assert_eq!(raw_rev(&name, "progress_notes", mine.id.as_str()).await, 2);
    // The handle now edits from tab one's version: a later save is no conflict.
    let mut next = mine.clone();
    next.set_section("subjective", "Words of tab one.");
    next.set_section("plan", "Agreed after comparing.");
    assert_eq!(two.save(&next, NOW).await, Ok(Saved::AsIs));
    assert_eq!(
        notes(&vault).await[0].section("plan"),
        "Agreed after comparing."
    );
}

#[wasm_bindgen_test]
async fn a_clash_kept_as_both_makes_a_second_draft_with_my_text() {
    let (Created { vault, .. }, c, mine, two) = clash("keep-both").await;
    let copy = two.keep_both(&mine, NOW).await.unwrap();
    assert_ne!(copy, mine.id.0);
    assert_eq!(two.pending_conflict(), None);
    let stored = notes(&vault).await;
    assert_eq!(stored.len(), 2);
    let original = stored.iter().find(|n| n.id() == &mine.id).unwrap();
    assert_eq!(original.section("subjective"), "Words of tab one.");
    let second = stored.iter().find(|n| n.id().0 == copy).unwrap();
    assert!(matches!(second, ProgressNote::Draft(_)));
    assert_eq!(second.section("subjective"), "Words of tab two.");
    assert_eq!(second.client_id(), &c.id);
    let index = vault.client_note_index(c.id.as_str()).await.unwrap();
    assert!(index.get(&copy).is_some() && index.get(mine.id.as_str()).is_some());
}

#[wasm_bindgen_test]
async fn unsaved_changes_older_than_the_saved_note_open_as_a_conflict() {
    let Created { name, vault, .. } = created("stale-buffer").await;
    let c = add_client(&vault, "Stale Buffer").await;
    let base = save_note(&vault, &c, "saved first").await;
    let saver = open_draft(&vault, &c, base.id.as_str()).await;
    let typist = open_draft(&vault, &c, base.id.as_str()).await;
    // Typed (autosaved) in one tab, then another tab saves a newer version.
    let mut typed = typist.start();
    typed.set_section("subjective", "typed and never saved");
    typist.autosave(&typed, NOW).await.unwrap();
    let mut newer = saver.start();
    newer.set_section("subjective", "saved later elsewhere");
    saver.save(&newer, NOW).await.unwrap();
    assert!(raw_find(&name, "drafts", base.id.as_str()).await.is_some());

    // After a reload, the note opens with both versions and saves nothing.
    let reloaded = new_session(&name).await;
    let opened = open_draft(&reloaded, &c, base.id.as_str()).await;
    let conflict = opened.pending_conflict().expect("a pending conflict");
    assert_eq!(conflict.mine.section("subjective"), "typed and never saved");
    assert!(matches!(
        &conflict.theirs,
        Some(ProgressNote::Draft(d)) if d.section("subjective") == "saved later elsewhere"
    ));
    let mut edit = opened.start();
    edit.set_section("plan", "more");
    assert!(matches!(
        opened.save(&edit, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert!(matches!(
        opened.autosave(&edit, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert_eq!(raw_rev(&name, "progress_notes", base.id.as_str()).await, 2);
    assert_eq!(
        notes(&reloaded).await[0].section("subjective"),
        "saved later elsewhere"
    );

    // Keeping the unsaved changes writes them over the newer version.
    opened.keep_mine(&conflict.mine, NOW).await.unwrap();
    assert_eq!(
        notes(&reloaded).await[0].section("subjective"),
        "typed and never saved"
    );
    assert!(raw_find(&name, "drafts", base.id.as_str()).await.is_none());
    assert!(opened.pending_conflict().is_none());
}

#[wasm_bindgen_test]
async fn an_open_editor_learns_its_note_changed_elsewhere_and_writes_nothing() {
    let Created { name, vault, .. } = created("changed-elsewhere").await;
    let c = add_client(&vault, "Changed Elsewhere").await;
    let base = save_note(&vault, &c, "first words").await;
    let id = base.id.as_str();
    let here = open_draft(&vault, &c, id).await;
    assert_eq!(here.changed_elsewhere().await.unwrap(), None);

    // Saved on another device (or tab): this editor is told, nothing moves.
    let there = open_draft(&new_session(&name).await, &c, id).await;
    let mut theirs = there.start();
    theirs.set_section("subjective", "edited there");
    there.save(&theirs, NOW).await.unwrap();
    let rev = raw_rev(&name, "progress_notes", id).await;
    assert_eq!(
        here.changed_elsewhere().await.unwrap(),
        Some(ChangedElsewhere::Edited)
    );
    assert_eq!(raw_rev(&name, "progress_notes", id).await, rev);

    // Its own save merges the other field in; then it is current again.
    let mut mine = here.start();
    mine.set_section("plan", "edited here");
    assert!(matches!(here.save(&mine, NOW).await, Ok(Saved::Merged(_))));
    assert_eq!(here.changed_elsewhere().await.unwrap(), None);

    // Signed elsewhere.
    let signer = open_draft(&new_session(&name).await, &c, id).await;
    signer.sign(signed(signer.start()), NOW).await.unwrap();
    assert_eq!(
        here.changed_elsewhere().await.unwrap(),
        Some(ChangedElsewhere::Signed)
    );
}

#[wasm_bindgen_test]
async fn stale_unsaved_changes_kept_as_theirs_are_discarded_audited() {
    let Created { name, vault, .. } = created("stale-theirs").await;
    let c = add_client(&vault, "Stale Theirs").await;
    let base = save_note(&vault, &c, "saved first").await;
    let saver = open_draft(&vault, &c, base.id.as_str()).await;
    let typist = open_draft(&vault, &c, base.id.as_str()).await;
    let mut typed = typist.start();
    typed.set_section("subjective", "typed and never saved");
    typist.autosave(&typed, NOW).await.unwrap();
    let mut newer = saver.start();
    newer.set_section("subjective", "saved later elsewhere");
    saver.save(&newer, NOW).await.unwrap();

    let reloaded = new_session(&name).await;
    let opened = open_draft(&reloaded, &c, base.id.as_str()).await;
    assert!(opened.pending_conflict().is_some());
    opened.keep_theirs(NOW).await.unwrap();
    assert!(raw_find(&name, "drafts", base.id.as_str()).await.is_none());
    assert!(
        audited_about(
            &reloaded,
            &AuditAction::DiscardedUnsavedChanges(RecordKind::ProgressNote),
            base.id.as_str()
        )
        .await
    );
    assert_eq!(
        notes(&reloaded).await[0].section("subjective"),
        "saved later elsewhere"
    );
}

// ---------------------------------------------------------------------------
// Nothing typed is lost

#[wasm_bindgen_test]
async fn a_half_answered_risk_assessment_survives_autosave_and_reopening() {
    let Created { name, vault, .. } = created("half-risk").await;
    let c = add_client(&vault, "Half Risk").await;
    let handle = new_note(&vault, &c).await;
    let mut draft = handle.start();
    let half = RiskAnswers {
        suicidal: Some(Ideation::Present {
            detail: "passive thoughts, no plan".into(),
        }),
        homicidal: None,
        safety_plan: "call her sister".into(),
    };
    draft.risk = half.clone();
    draft.late_entry_reason = "power cut at the office".into();
    handle.autosave(&draft, NOW).await.unwrap();

    let reloaded = new_session(&name).await;
    let reopened = open_draft(&reloaded, &c, draft.id.as_str()).await;
    assert_eq!(reopened.recovered(), &Recovered::UnsavedChanges);
    assert_eq!(reopened.start().risk, half);
    assert_eq!(reopened.start().risk_assessment(), None);
    assert_eq!(
        reopened.start().late_entry_reason,
        "power cut at the office"
    );

    // Saved into the record, it is still half answered, not filled in.
    reopened.save(&reopened.start(), NOW).await.unwrap();
    let again = open_draft(&new_session(&name).await, &c, draft.id.as_str()).await;
    assert_eq!(again.recovered(), &Recovered::Nothing);
    assert_eq!(again.start().risk, half);
}

#[wasm_bindgen_test]
async fn addendum_text_is_kept_until_the_addendum_is_added() {
    let Created { name, vault, .. } = created("addendum").await;
    let c = add_client(&vault, "Amended").await;
    let handle = new_note(&vault, &c).await;
    let amendable = handle.sign(signed(handle.start()), NOW).await.unwrap();
    let id = amendable.note().id().0.clone();
    let buffer_id = format!("{id}.addendum");
    amendable
        .autosave_addendum("Correction: the session was by video.", NOW)
        .await
        .unwrap();
    assert!(raw_find(&name, "drafts", &buffer_id).await.is_some());
    // Not a note with unsaved changes: the note itself is signed.
    assert!(vault.notes_with_unsaved_changes().await.unwrap().is_empty());

    // After a reload, the text is offered again.
    let reloaded = new_session(&name).await;
    let reopened = open_signed(&reloaded, &c, &id).await;
    assert_eq!(
        reopened.kept_addendum().as_deref(),
        Some("Correction: the session was by video.")
    );
    // Adding the addendum removes the kept text with it.
    let addendum = Addendum::new(
        reopened.kept_addendum().unwrap(),
        &clinician(),
        Timestamp(NOW + 1_000),
    )
    .unwrap();
    let amended = reopened.add_addendum(addendum, NOW + 1_000).await.unwrap();
    assert_eq!(amended.addenda().len(), 1);
    assert!(raw_find(&name, "drafts", &buffer_id).await.is_none());
    let last = open_signed(&new_session(&name).await, &c, &id).await;
    assert_eq!(last.kept_addendum(), None);
    assert_eq!(
        last.note().addenda()[0].text(),
        "Correction: the session was by video."
    );
    assert!(audited_about(&reloaded, &AuditAction::Amended, &id).await);

    // Text typed and thrown away: gone, and audited.
    last.autosave_addendum("second thoughts", NOW)
        .await
        .unwrap();
    assert!(raw_find(&name, "drafts", &buffer_id).await.is_some());
    last.discard_addendum(NOW).await.unwrap();
    assert!(raw_find(&name, "drafts", &buffer_id).await.is_none());
    assert!(
        audited_about(
            &reloaded,
            &AuditAction::DiscardedUnsavedChanges(RecordKind::ProgressNote),
            &id
        )
        .await
    );
    // Blank text removes the buffer too.
    last.autosave_addendum("a third try", NOW).await.unwrap();
    last.autosave_addendum("   ", NOW).await.unwrap();
    assert!(raw_find(&name, "drafts", &buffer_id).await.is_none());
}

#[wasm_bindgen_test]
async fn a_note_signed_in_one_tab_turns_the_others_unsaved_changes_into_a_conflict() {
    let Created { name, vault, .. } = created("signed-elsewhere").await;
    let c = add_client(&vault, "Signed Elsewhere").await;
    let base = save_note(&vault, &c, "before signing").await;
    let signer = open_draft(&vault, &c, base.id.as_str()).await;
    let other = open_draft(&new_session(&name).await, &c, base.id.as_str()).await;
    let mut typed = other.start();
    typed.set_section("plan", "TYPED WHILE SIGNED ELSEWHERE");
    other.autosave(&typed, NOW).await.unwrap();
    signer.sign(signed(signer.start()), NOW).await.unwrap();
    let signed_record = raw_get(&name, "progress_notes", base.id.as_str()).await;

    // Opening the signed note offers the other tab's unsaved changes.
    let opened = open_signed(&vault, &c, base.id.as_str()).await;
    assert_eq!(
        opened.unsaved_draft().map(|d| d.section("plan").to_owned()),
        Some("TYPED WHILE SIGNED ELSEWHERE".to_owned())
    );

    let conflict = match other.save(&typed, NOW).await {
        Err(SaveError::Conflict(conflict)) => conflict,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert!(matches!(conflict.theirs, Some(ProgressNote::Signed(_))));
    assert_eq!(
        conflict.mine.section("plan"),
        "TYPED WHILE SIGNED ELSEWHERE"
    );
    assert_eq!(
        other.keep_mine(&typed, NOW).await,
        Err(VaultError::SignedNoteIsPermanent)
    );
    assert_eq!(
        sealed(vec![
            raw_get(&name, "progress_notes", base.id.as_str()).await
        ]),
        sealed(vec![signed_record.clone()])
    );

    // Keeping both keeps the text as a new draft; the signed note is intact.
    let copy = other.keep_both(&typed, NOW).await.unwrap();
    let stored = notes(&vault).await;
    assert_eq!(stored.len(), 2);
    let kept = stored.iter().find(|n| n.id().0 == copy).unwrap();
    assert!(matches!(kept, ProgressNote::Draft(_)));
    assert_eq!(kept.section("plan"), "TYPED WHILE SIGNED ELSEWHERE");
    assert_eq!(
        sealed(vec![
            raw_get(&name, "progress_notes", base.id.as_str()).await
        ]),
        sealed(vec![signed_record])
    );
    assert!(vault.notes_with_unsaved_changes().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------
// Locking

#[wasm_bindgen_test]
async fn locking_makes_every_handle_fail_and_writes_nothing() {
    let Created {
        name, door, vault, ..
    } = created("lock-handles").await;
    let c = add_client(&vault, "Locked Out").await;
    let client = vault.edit_client(c.id.as_str()).await.unwrap();
    let draft = open_draft(&vault, &c, save_note(&vault, &c, "draft").await.id.as_str()).await;
    let to_sign = new_note(&vault, &c).await;
    let amendable = to_sign.sign(signed(to_sign.start()), NOW).await.unwrap();
    let psy_note = add_psychotherapy_note(&vault, &c, "private").await;
    let psy = vault
        .open_psychotherapy_note(c.id.as_str(), psy_note.id.as_str(), NOW)
        .await
        .unwrap();
    let mut settings = vault.settings().await.unwrap();
    settings.clinician = clinician();
    let settings = vault.save_settings(&settings).await.unwrap();
    let before = raw_counts(&name).await;

    // Locked through a clone: every copy of the vault is locked.
    vault.clone().lock();
    let locked = Some(VaultError::Locked);
    let failed = Some(SaveError::Failed(VaultError::Locked));
    let mut typed = draft.start();
    typed.set_section("plan", "typed after locking");
    assert_eq!(draft.autosave(&typed, NOW).await.err(), failed);
    assert_eq!(draft.save(&typed, NOW).await.err(), failed);
    assert_eq!(draft.discard(NOW).await.err(), locked);
    assert!(matches!(
        draft.sign(signed(typed.clone()), NOW).await.err(),
        Some(SaveError::Failed(VaultError::Locked))
    ));
    assert_eq!(
        amendable
            .autosave_addendum("after locking", NOW)
            .await
            .err(),
        locked
    );
    let addendum = Addendum::new("after locking", &clinician(), Timestamp(NOW)).unwrap();
    assert_eq!(amendable.add_addendum(addendum, NOW).await.err(), locked);
    let mut private = psy.note();
    private.text = "typed after locking".into();
    assert_eq!(
        psy.save(&private, NOW).await.err(),
        Some(SaveError::Failed(VaultError::Locked))
    );
    assert_eq!(psy.delete(NOW).await.err(), locked);
    let mut renamed = client.client();
    renamed.name = "Renamed After Locking".into();
    assert_eq!(
        client.save(&renamed, NOW).await.err(),
        Some(SaveError::Failed(VaultError::Locked))
    );
    assert_eq!(client.delete(NOW).await.err(), locked);
    assert_eq!(vault.clients().await.err(), locked);
    assert_eq!(vault.settings().await.err(), locked);
    assert_eq!(vault.save_settings(&settings).await.err(), locked);
    assert_eq!(vault.audit_log().await.err(), locked);
    assert!(matches!(
        vault.create_backup(NOW, "2025-06-15").await.err(),
        Some(VaultError::Locked)
    ));
    assert!(matches!(
        vault
            .open_progress_note(
                &c,
                draft.id(),
                psynotes::domain::Template::Soap,
                Timestamp(NOW),
                NOW
            )
            .await
            .err(),
        Some(VaultError::Locked)
    ));
    assert_eq!(raw_counts(&name).await, before, "nothing was written");

    // Unlocking again makes a new vault; the old handles stay locked.
    let again = unlocked(&door).await;
    assert_eq!(draft.save(&typed, NOW).await.err(), failed);
    assert_eq!(
        readable(again.clients().await.unwrap())[0].name,
        "Locked Out"
    );
}

#[wasm_bindgen_test]
async fn settings_saved_in_another_tab_are_not_overwritten() {
    let Created { name, vault, .. } = created("settings").await;
    let other = new_session(&name).await;
    let mut mine: Settings = vault.settings().await.unwrap();
    let mut theirs: Settings = other.settings().await.unwrap();
    theirs.idle_lock_minutes = 5;
    other.save_settings(&theirs).await.unwrap();
    mine.idle_lock_minutes = 30;
    assert!(matches!(
        vault.save_settings(&mine).await,
        Err(VaultError::Conflict)
    ));
    assert_eq!(vault.settings().await.unwrap().idle_lock_minutes, 5);
    // Read again, then saved: accepted.
    vault.save_settings(&mine).await.unwrap();
    assert_eq!(other.settings().await.unwrap().idle_lock_minutes, 30);
}

/// Fails while `Vault::get` reads before it checks for keys: a record that is
/// not there answers `NotFound` (or defaults) instead of `Locked`.
#[wasm_bindgen_test]
async fn a_locked_vault_refuses_even_what_was_never_stored() {
    // `Vault::lock`: "Every later call fails with VaultError::Locked". A read of
    // a record that does not exist must not answer differently once locked:
    // no default settings, and no handle for a new note.
    let Created { vault, .. } = created("lock-missing").await;
    let c = add_client(&vault, "Nothing Stored").await;
    vault.lock();
    assert_eq!(
        vault.settings().await.err(),
        Some(VaultError::Locked),
        "a locked vault answered with default settings"
    );
    let id = vault.new_record_id().unwrap();
    assert!(
        matches!(
            vault
                .open_progress_note(
                    &c,
                    &id,
                    psynotes::domain::Template::Soap,
                    Timestamp(NOW),
                    NOW
                )
                .await
                .err(),
            Some(VaultError::Locked)
        ),
        "a locked vault handed out a handle for a new note"
    );
}

#[wasm_bindgen_test]
async fn a_psychotherapy_note_changed_in_two_tabs_keeps_both_versions() {
    let Created { name, vault, .. } = created("psy-tabs").await;
    let c = add_client(&vault, "Private Notes").await;
    let note = add_psychotherapy_note(&vault, &c, "first thoughts").await;
    let other = new_session(&name).await;
    let here = vault
        .open_psychotherapy_note(c.id.as_str(), note.id.as_str(), NOW)
        .await
        .unwrap();
    let there = other
        .open_psychotherapy_note(c.id.as_str(), note.id.as_str(), NOW)
        .await
        .unwrap();
    assert!(
        audited_about(
            &vault,
            &AuditAction::Viewed(RecordKind::PsychotherapyNote),
            note.id.as_str()
        )
        .await
    );
    // Another client's id does not open it.
    let someone_else = add_client(&vault, "Someone Else").await;
    assert_eq!(
        vault
            .open_psychotherapy_note(someone_else.id.as_str(), note.id.as_str(), NOW)
            .await
            .err(),
        Some(VaultError::NotFound)
    );

    let mut mine = here.note();
    mine.text = "HERE: second thoughts".into();
    here.save(&mine, NOW).await.unwrap();
    let mut theirs = there.note();
    theirs.text = "THERE: other thoughts".into();
    let conflict = match there.save(&theirs, NOW).await {
        Err(SaveError::Conflict(conflict)) => conflict,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(conflict.mine.text, "THERE: other thoughts");
    assert_eq!(
        conflict.theirs.as_ref().map(|t| t.text.as_str()),
        Some("HERE: second thoughts")
    );
    // Nothing written over the other version before the choice.
    assert!(matches!(
        there.save(&theirs, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    assert_eq!(private_texts(&vault, &c).await, ["HERE: second thoughts"]);
    let copy = there.keep_both(&theirs, NOW).await.unwrap();
    assert_ne!(copy.id, note.id);
    assert_eq!(
        private_texts(&vault, &c).await,
        ["HERE: second thoughts", "THERE: other thoughts"]
    );
    // Still nothing in the progress notes or the editor buffers.
    assert!(raw_values(&name, "progress_notes").await.is_empty());
    assert!(raw_values(&name, "drafts").await.is_empty());

    // Deleting is audited, and the handle followed the other version.
    there.delete(NOW).await.unwrap();
    assert_eq!(private_texts(&vault, &c).await, ["THERE: other thoughts"]);
    assert!(
        audited_about(
            &vault,
            &AuditAction::Deleted(RecordKind::PsychotherapyNote),
            note.id.as_str()
        )
        .await
    );
}

/// The texts of `client`'s psychotherapy notes, sorted.
async fn private_texts(
    vault: &psynotes::vault::open_vault::Vault,
    client: &psynotes::domain::Client,
) -> Vec<String> {
    let mut texts: Vec<String> = readable(
        vault
            .psychotherapy_notes_for(client.id.as_str())
            .await
            .unwrap(),
    )
    .into_iter()
    .map(|n| n.text)
    .collect();
    texts.sort();
    texts
}

/// A draft handle whose note was signed in another tab, with the conflict
/// settled by following the signed version (`keep_theirs`) or by keeping
/// both (`keep_both`). Returns the database name, the note's id, the handle,
/// and the signed record as stored.
async fn handle_after_signing_elsewhere(
    tag: &str,
    keep_both: bool,
) -> (
    String,
    String,
    psynotes::vault::editable_progress_note::EditableProgressNote,
    JsValue,
) {
    let Created { name, vault, .. } = created(tag).await;
    let c = add_client(&vault, "Signed Meanwhile").await;
    let base = save_note(&vault, &c, "as signed").await;
    let signer = open_draft(&vault, &c, base.id.as_str()).await;
    let other = open_draft(&new_session(&name).await, &c, base.id.as_str()).await;
    signer.sign(signed(signer.start()), NOW).await.unwrap();
    let signed_record = raw_get(&name, "progress_notes", base.id.as_str()).await;
    let mut typed = other.start();
    typed.set_section("plan", "typed in the other tab");
    assert!(matches!(
        other.save(&typed, NOW).await,
        Err(SaveError::Conflict(_))
    ));
    if keep_both {
        other.keep_both(&typed, NOW).await.unwrap();
    } else {
        let theirs = other.keep_theirs(NOW).await.unwrap();
        assert!(matches!(theirs, Some(ProgressNote::Signed(_))));
    }
    (name, base.id.0, other, signed_record)
}

/// Fails while `EditableProgressNote::adopt` follows a signed version as if it
/// were a draft: the handle then commits a draft over it at its revision.
#[wasm_bindgen_test]
async fn a_draft_handle_that_followed_a_signed_version_cannot_save_over_it() {
    let mut broken = Vec::new();
    for keep_both in [false, true] {
        let (name, id, handle, signed_record) =
            handle_after_signing_elsewhere("follow-signed-save", keep_both).await;
        let mut edit = handle.start();
        edit.set_section("subjective", "a draft saved over a signed note");
        let saved = handle.save(&edit, NOW).await;
        let stored = raw_get(&name, "progress_notes", &id).await;
        if saved.is_ok() || sealed(vec![stored]) != sealed(vec![signed_record]) {
            broken.push(format!(
                "after keep_{}: save returned {saved:?} and the signed note was replaced",
                if keep_both { "both" } else { "theirs" }
            ));
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

/// Fails for the same reason: `discard` deletes the signed note.
#[wasm_bindgen_test]
async fn a_draft_handle_that_followed_a_signed_version_cannot_discard_it() {
    let mut broken = Vec::new();
    for keep_both in [false, true] {
        let (name, id, handle, signed_record) =
            handle_after_signing_elsewhere("follow-signed-discard", keep_both).await;
        let discarded = handle.discard(NOW).await;
        let stored = raw_find(&name, "progress_notes", &id)
            .await
            .map(|v| sealed(vec![v]));
        if discarded.is_ok() || stored != Some(sealed(vec![signed_record])) {
            broken.push(format!(
                "after keep_{}: discard returned {discarded:?}; the signed note is {}",
                if keep_both { "both" } else { "theirs" },
                if stored.is_none() {
                    "gone"
                } else {
                    "still there"
                }
            ));
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

// ---------------------------------------------------------------------------
// The recovery key and the header across tabs

/// Fails while `recovery_key::confirm` removes the pending flag whatever key
/// the header now wraps.
#[wasm_bindgen_test]
async fn a_recovery_key_confirmed_after_another_tab_issued_a_newer_one_is_not_taken_as_kept() {
    let (name, first_tab) = fresh_door("confirm-race").await;
    let shown_here = expect_handover(first_tab.create(&new_pass(PASS), NOW).await);
    let key_here = shown_here.key_groups();
    // Before it is confirmed, another tab unlocks and is shown a newer key
    // (which retires the first one), and is then closed without confirming.
    let second_tab = door(&name).await;
    let shown_there = expect_handover(second_tab.unlock(&pass(PASS), NOW).await);
    shown_there.locker().lock();
    drop(shown_there);

    // "I kept it" in the first tab must not mark a dead key as kept.
    let confirmed = shown_here.kept(NOW).await;
    let still_pending = meta(&name, "recovery_key_pending").await.is_some();
    let key_here_works = match first_tab.recover(&key_here, NOW).await {
        Ok(_) => true,
        Err(VaultError::WrongRecoveryKey) => false,
        Err(e) => panic!("{e:?}"),
    };
    assert!(
        key_here_works || (confirmed.is_err() && still_pending),
        "the key this tab showed was confirmed as kept ({}), but it no longer opens the vault \
         and no key is pending any more ({still_pending})",
        if confirmed.is_ok() { "Ok" } else { "Err" },
    );
}

/// Fails while the header is rewritten from a read made before an await
/// (`passphrase_change::set_new`, `recovery_key::issue`): the later write
/// undoes the earlier one.
#[wasm_bindgen_test]
async fn a_passphrase_change_and_a_new_recovery_key_in_two_tabs_both_hold() {
    let Created { name, vault, .. } = created("header-race").await;
    let other = new_session(&name).await;
    let new = new_pass("changed in the first tab");
    let (changed, replaced) = futures::future::join(
        vault.change_passphrase(&pass(PASS), &new, NOW),
        other.clone().replace_recovery_key(&pass(PASS), NOW),
    )
    .await;
    changed.unwrap();
    let handover = match replaced {
        Ok(handover) => handover,
        Err(e) => panic!("{e:?}"),
    };
    let new_key = handover.key_groups();
    handover.kept(NOW).await.unwrap();

    // Both changes were reported done, so both must have taken effect.
    let door = door(&name).await;
    let passphrase_holds = door
        .unlock(&pass("changed in the first tab"), NOW)
        .await
        .is_ok();
    let key_holds = door.recover(&new_key, NOW).await.is_ok();
    assert!(
        passphrase_holds && key_holds,
        "the new passphrase works: {passphrase_holds}; the new recovery key works: {key_holds}"
    );
}

#[wasm_bindgen_test]
async fn the_search_reads_every_note_a_chunk_at_a_time_and_can_stop() {
    let Created { name, vault, .. } = created("chunked-read").await;
    let c = add_client(&vault, "Chunked Read").await;
    let mut saved = Vec::new();
    for i in 0..7 {
        saved.push(save_note(&vault, &c, &format!("note {i}")).await.id.0);
    }
    // One record damaged: it is reported in its chunk, and the rest still come.
    let note = raw_get(&name, "progress_notes", &saved[3]).await;
    raw_put(&name, "progress_notes", &with_flipped_bit(&note, 0)).await;

    let mut seen = Vec::new();
    let mut progress = Vec::new();
    let mut damaged = 0;
    vault
        .progress_notes_in_chunks(2, 3, |notes, read, total| {
            progress.push((notes.len(), read, total));
            for loaded in notes {
                match loaded.ok() {
                    Some(stored) => seen.push(stored.id),
                    None => damaged += 1,
                }
            }
            true
        })
        .await
        .unwrap();
    // A smaller first read, so a search answers sooner; then full chunks.
    assert_eq!(progress, vec![(2, 2, 7), (3, 5, 7), (2, 7, 7)]);
    assert_eq!(damaged, 1);
    seen.sort();
    let mut expected: Vec<String> = saved
        .iter()
        .filter(|id| **id != saved[3])
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(seen, expected);

    // A screen that went away stops the reading after the chunk in hand.
    let mut chunks = 0;
    vault
        .progress_notes_in_chunks(3, 3, |_, _, _| {
            chunks += 1;
            false
        })
        .await
        .unwrap();
    assert_eq!(chunks, 1);

    vault.lock();
    assert!(matches!(
        vault.progress_notes_in_chunks(3, 3, |_, _, _| true).await,
        Err(VaultError::Locked)
    ));
}

/// A note of `client` dated `day`, signed with `plan` as its plan.
async fn signed_on(
    vault: &psynotes::vault::open_vault::Vault,
    client: &psynotes::domain::Client,
    day: &str,
    plan: &str,
) -> String {
    let handle = new_note(vault, client).await;
    let mut draft = handle.start();
    draft.set_section("plan", plan);
    let mut draft = complete(draft);
    draft.date_of_service = Some(psynotes::domain::Date::parse(day).unwrap());
    let note = draft
        .sign(
            psynotes::domain::References::client(client),
            &clinician(),
            Timestamp(NOW),
            72,
            Some("Written up from the session record.".into()),
        )
        .unwrap();
    handle.sign(note, NOW).await.unwrap();
    handle.id().to_owned()
}

#[wasm_bindgen_test]
async fn copy_from_last_note_offers_only_a_note_dated_on_or_before_the_one_written() {
    let Created { vault, .. } = created("copy-forward-date").await;
    let c = add_client(&vault, "Copy Forward").await;
    let march = signed_on(&vault, &c, "2025-03-01", "march plan").await;
    let april = signed_on(&vault, &c, "2025-04-01", "april plan").await;
    let late_entry = save_dated_note(&vault, &c, "late", Some("2025-03-15")).await;

    use psynotes::domain::Date;
    let day = |d: &str| Some(Date::parse(d).unwrap());
    let last = |on: Option<Date>| {
        let vault = vault.clone();
        let c = c.clone();
        let except = late_entry.id.0.clone();
        async move {
            vault
                .last_signed_note(c.id.as_str(), &except, on)
                .await
                .map(|n| n.id().0.clone())
        }
    };
    assert_eq!(last(day("2025-03-15")).await, Some(march.clone()));
    assert_eq!(last(day("2025-04-01")).await, Some(april.clone()));
    assert_eq!(last(day("2025-06-01")).await, Some(april.clone()));
    assert_eq!(last(None).await, Some(april));
    assert_eq!(last(day("2025-02-01")).await, None);
}
