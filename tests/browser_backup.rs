//! Backup and restore in a real browser: a full round trip into an empty
//! browser, a merge with conflicts, and bad files that change nothing.
#![cfg(target_arch = "wasm32")]

use psynotes::crypto::random_id;
use psynotes::domain::{PsychotherapyNote, PsychotherapyNoteId, Timestamp};
use psynotes::vault::backup::{restore_into_new, RestoreSecret};
use psynotes::vault::record::SealedRecord;
use psynotes::vault::repository::Loaded;
use psynotes::vault::schema::{open_named, DB_VERSION};
use psynotes::vault::session::Vault;
use psynotes::vault::store::ALL_STORES;
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn everything(
    vault: &Vault,
    client_id: &str,
) -> (Vec<String>, Vec<(u64, String)>, Vec<String>) {
    let mut clients: Vec<String> = vault
        .clients()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|c| format!("{}@{}:{}", c.id, c.rev, c.value.name))
        .collect();
    clients.sort();
    let mut notes: Vec<(u64, String)> = vault
        .progress_notes()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|n| (n.rev, format!("{}:{}", n.id, n.value.section("subjective"))))
        .collect();
    notes.sort();
    let psy = vault
        .psychotherapy_notes_for(client_id)
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|n| n.value.text)
        .collect();
    (clients, notes, psy)
}

async fn raw_snapshot(name: &str) -> Vec<Vec<SealedRecord>> {
    let mut all = Vec::new();
    for store in ALL_STORES {
        all.push(
            raw_values(name, store)
                .await
                .iter()
                .filter_map(SealedRecord::from_js)
                .collect(),
        );
    }
    all
}

#[wasm_bindgen_test]
async fn backup_wipe_restore_gives_identical_content_and_holds_no_plaintext() {
    let (_, db, recovery) = created("backup").await;
    let vault = open_vault(db).await;
    let c = client("BACKUPCANARYNAME");
    let rev = vault.create_client(&c, NOW).await.unwrap();
    let mut renamed = c.clone();
    renamed.pronouns = "they/them".into();
    vault.save_client(&renamed, rev).await.unwrap();
    let note = soap_note(&c, "BACKUPCANARYPROGRESS");
    vault
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let mut psy = PsychotherapyNote::new(
        PsychotherapyNoteId(random_id().unwrap()),
        c.id.clone(),
        Timestamp(NOW),
    );
    psy.text = "BACKUPCANARYPSYCHO".into();
    vault.save_psychotherapy_note(&psy, 0, NOW).await.unwrap();
    let before = everything(&vault, &c.id.0).await;

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
    // Making the file is not yet a backup: only a started download counts.
    assert_eq!(vault.last_backup_ms().await.unwrap(), None);
    vault.mark_backed_up(NOW).await.unwrap();
    assert_eq!(vault.last_backup_ms().await.unwrap(), Some(NOW));

    // Into a new, empty browser (another database), with the passphrase.
    let (other, db2) = fresh_db("restored").await;
    let keyring = restore_into_new(&db2, &file.bytes, RestoreSecret::Passphrase(pass(PASS)))
        .await
        .unwrap()
        .keyring;
    let restored = Vault::new(db2, keyring);
    assert_eq!(everything(&restored, &c.id.0).await, before);
    // Exactly the same revisions: a client at revision 2.
    assert!(before.0[0].contains("@2:"));
    // And with the recovery key into yet another.
    let (_, db3) = fresh_db("restored-recovery").await;
    let keyring = restore_into_new(&db3, &file.bytes, RestoreSecret::RecoveryKey(recovery))
        .await
        .unwrap()
        .keyring;
    assert_eq!(everything(&Vault::new(db3, keyring), &c.id.0).await, before);
    // The restored vault unlocks with the same passphrase.
    let db4 = open_named(&other, DB_VERSION).await.unwrap();
    assert!(psynotes::vault::unlock::unlock(&db4, &pass(PASS), NOW)
        .await
        .is_ok());
}

#[wasm_bindgen_test]
async fn restoring_over_an_existing_vault_is_refused_and_a_wrong_passphrase_writes_nothing() {
    let (_, db, _) = created("refuse-a").await;
    let vault = open_vault(db).await;
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let (name_b, db_b, _) = created("refuse-b").await;
    let before = raw_snapshot(&name_b).await;
    assert!(matches!(
        restore_into_new(&db_b, &file.bytes, RestoreSecret::Passphrase(pass(PASS))).await,
        Err(VaultError::DataExists)
    ));
    let (empty, db_c) = fresh_db("refuse-c").await;
    assert!(matches!(
        restore_into_new(
            &db_c,
            &file.bytes,
            RestoreSecret::Passphrase(pass("wrong passphrase here"))
        )
        .await,
        Err(VaultError::WrongPassphrase { .. })
    ));
    assert_eq!(raw_snapshot(&name_b).await, before);
    assert!(raw_snapshot(&empty).await.iter().all(Vec::is_empty));
}

#[wasm_bindgen_test]
async fn merge_keeps_newer_revisions_adds_missing_records_and_keeps_both_sides_of_a_conflict() {
    let (_, db, _) = created("merge").await;
    let vault = open_vault(db).await;
    let c = client("Merged Client");
    let rev = vault.create_client(&c, NOW).await.unwrap();
    let base = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // This side: the client is edited (rev 2, "X").
    let mut x = c.clone();
    x.pronouns = "X".into();
    vault.save_client(&x, rev).await.unwrap();
    let this_side = vault.create_backup(NOW, "2025-06-15").await.unwrap();

    // The other side: the same vault restored from the base backup elsewhere, where
    // the client is edited differently (also rev 2, "Y") and a note is added.
    let (_, db2) = fresh_db("merge-other").await;
    let keyring = restore_into_new(&db2, &base.bytes, RestoreSecret::Passphrase(pass(PASS)))
        .await
        .unwrap()
        .keyring;
    let other = Vault::new(db2, keyring);
    let mut y = c.clone();
    y.pronouns = "Y".into();
    other.save_client(&y, rev).await.unwrap();
    let note = soap_note(&c, "only on the other side");
    other
        .commit_progress_note(&note, 0, 0, None, NOW)
        .await
        .unwrap();
    let other_file = other.create_backup(NOW, "2025-06-16").await.unwrap();

    // The index is checked before the merge, so only the merge can bring the
    // new note into it.
    assert!(vault.note_overview().await.unwrap().of(&c.id.0).is_none());
    let report = vault.merge_backup(&other_file.bytes, NOW).await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let overview = vault.note_overview().await.unwrap();
    assert_eq!(overview.of(&c.id.0).map(|t| t.notes), Some(1));
    let index = vault.client_note_index(&c.id.0).await.unwrap();
    assert!(
        index.get(&note.id().0).is_some(),
        "the merged note is in its client's index"
    );
    assert!(report.added >= 1, "{report:?}");
    let mut pronouns: Vec<String> = vault
        .clients()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|c| c.value.pronouns)
        .collect();
    pronouns.sort();
    assert_eq!(pronouns, ["X", "Y"], "both sides of the conflict are kept");
    let notes: Vec<_> = vault
        .progress_notes()
        .await
        .unwrap()
        .into_iter()
        .filter_map(Loaded::ok)
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].value.section("subjective"),
        "only on the other side"
    );

    // Merging an older backup changes nothing that is newer here.
    let again = vault.merge_backup(&this_side.bytes, NOW).await.unwrap();
    assert_eq!(
        (again.added, again.updated, again.conflicts),
        (0, 0, 0),
        "{again:?}"
    );
    let client_now = vault.client(&c.id.0).await.unwrap();
    assert_eq!(
        (client_now.rev, client_now.value.pronouns.as_str()),
        (2, "X")
    );
}

#[wasm_bindgen_test]
async fn bad_backup_files_are_refused_and_leave_every_byte_as_it_was() {
    let (name, db, _) = created("bad-files").await;
    let vault = open_vault(db).await;
    vault
        .create_client(&client("Untouched"), NOW)
        .await
        .unwrap();
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let (_, other_db, _) = created("bad-files-foreign").await;
    let foreign = open_vault(other_db)
        .await
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
        let (_, empty) = fresh_db("bad-files-empty").await;
        let into_new =
            restore_into_new(&empty, &bytes, RestoreSecret::Passphrase(pass(PASS))).await;
        if what != "another vault" {
            assert!(into_new.is_err(), "{what} restored into a new browser");
        }
    }
    assert_eq!(raw_snapshot(&name).await, before);
}
