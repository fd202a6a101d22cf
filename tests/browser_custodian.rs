//! The custodian key in a real browser: what it opens (the record, read only,
//! and the rights ledger), and what it provably cannot: the psychotherapy
//! notes, whose every stored revision a scan tries with the key the custodian
//! unwraps, and fails. Making, replacing and revoking it are audited, and a
//! replaced or revoked key opens nothing.
#![cfg(target_arch = "wasm32")]

use psynotes::crypto::{open, CustodianKey, RevisionAad};
use psynotes::domain::rights::{AccessRequest, CopyFormat, Recipient, RecordPart, RightsRequest};
use psynotes::domain::{Date, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::header::VaultHeader;
use psynotes::vault::record::AadVersion;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::store::{EncryptedStore, ProgressNotes, PsychotherapyNotes, RightsLedger};
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const PSYCHO: &str = "PSYCHOCANARY";

async fn header_of(name: &str) -> VaultHeader {
    let raw = raw_find(name, "vault_meta", "header").await.unwrap();
    let json = js_sys::Reflect::get(&raw, &"json".into())
        .unwrap()
        .as_string()
        .unwrap();
    VaultHeader::from_json(&json).unwrap()
}

/// How many stored revisions of `store` open with `key` (v2 AAD), of how many.
fn opened_with(
    key: &psynotes::crypto::RecordsKey,
    store: &str,
    values: Vec<wasm_bindgen::JsValue>,
) -> (usize, usize) {
    let mut opened = 0;
    let mut tried = 0;
    for record in sealed(values) {
        for leaf in record.tree.leaves() {
            assert_eq!(leaf.payload.aad, AadVersion::V2);
            tried += 1;
            let rev = leaf.rev.to_string();
            let aad = RevisionAad {
                store,
                id: &record.id,
                revision: &rev,
            };
            if open(key, &aad, &leaf.payload.envelope).is_ok() {
                opened += 1;
            }
        }
    }
    (opened, tried)
}

#[wasm_bindgen_test]
async fn a_custodian_opens_the_record_and_provably_not_the_psychotherapy_notes() {
    let Created {
        name, door, vault, ..
    } = created("custodian").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Custodian Client").await;
    let handle = new_note(&vault, &client).await;
    let note_id = handle.start().id.clone();
    handle.sign(signed(handle.start()), NOW).await.unwrap();
    for i in 0..3 {
        add_psychotherapy_note(&vault, &client, &format!("Private {PSYCHO} {i}")).await;
    }
    let request = AccessRequest::new(
        vault.new_request_id().unwrap(),
        client.id.clone(),
        Date::parse("2025-06-10").unwrap(),
        RecordPart::Full,
        Recipient::Client,
    )
    .unwrap();
    let request_id = request.id().clone();
    vault
        .record_request(&RightsRequest::Access(request), NOW)
        .await
        .unwrap();

    // No key yet: nothing opens as a custodian.
    assert!(matches!(
        door.open_as_custodian(&CustodianKey::generate().unwrap().display())
            .await
            .err(),
        Some(VaultError::NoCustodianKey)
    ));
    // Made with the passphrase, audited.
    assert!(matches!(
        vault
            .make_custodian_key(&pass("not my passphrase"), NOW)
            .await
            .err(),
        Some(VaultError::WrongPassphrase { .. })
    ));
    let key = vault.make_custodian_key(&pass(PASS), NOW).await.unwrap();
    assert!(vault.has_custodian_key().await.unwrap());
    assert_eq!(audited(&vault, &AuditAction::CustodianKeyCreated).await, 1);
    let events_before = audit_events(&vault).await.len();

    // The custodian's session: the record, the ledger, nothing else.
    let custodian = door.open_as_custodian(&key.to_lowercase()).await.unwrap();
    assert!(custodian.is_custodian());
    let clients = readable(custodian.clients().await.unwrap());
    assert_eq!(clients[0].name, "Custodian Client");
    let notes = readable(custodian.progress_notes().await.unwrap());
    assert_eq!(notes[0].id(), &note_id);
    assert!(matches!(
        custodian.psychotherapy_notes_for(client.id.as_str()).await,
        Err(VaultError::CustodianSession)
    ));
    assert!(matches!(
        custodian.audit_log().await,
        Err(VaultError::CustodianSession)
    ));
    // Read only, but for answering an access request.
    let mut renamed = client.clone();
    renamed.name = "Changed by the custodian".into();
    let edit = custodian.edit_client(client.id.as_str()).await.unwrap();
    assert!(matches!(
        edit.save(&renamed, NOW).await,
        Err(psynotes::vault::conflict::SaveError::Failed(
            VaultError::CustodianSession
        ))
    ));
    assert!(matches!(
        custodian.save_settings(&Default::default()).await,
        Err(VaultError::CustodianSession)
    ));
    custodian
        .fulfil_access_request(
            &request_id,
            Date::parse("2025-06-20").unwrap(),
            CopyFormat::Json,
            "JSON, one client, 1 note, all dates",
            NOW,
        )
        .await
        .unwrap();
    assert!(matches!(
        custodian.make_custodian_key(&pass(PASS), NOW).await,
        Err(VaultError::CustodianSession)
    ));
    // Nor do they sign a denial in the clinician's name.
    let amendment = psynotes::domain::rights::AmendmentRequest::new(
        custodian.new_request_id().unwrap(),
        client.id.clone(),
        Date::parse("2025-06-10").unwrap(),
        vec![note_id.clone()],
        "Change it.",
    )
    .unwrap();
    let amendment_id = amendment.id().clone();
    custodian
        .record_request(&RightsRequest::Amendment(amendment), NOW)
        .await
        .unwrap();
    assert!(matches!(
        custodian
            .change_request(
                &amendment_id,
                &psynotes::vault::rights_ledger::RequestStep::Deny {
                    on: Date::parse("2025-06-11").unwrap(),
                    basis: psynotes::domain::rights::DenialBasis::AccurateAndComplete,
                    explanation: "Accurate.".into(),
                },
                NOW,
            )
            .await,
        Err(psynotes::vault::rights_ledger::LedgerError::Failed(
            VaultError::CustodianSession
        ))
    ));
    custodian.lock();

    // The clinician sees the custodian's disclosure and the unchanged client;
    // the custodian wrote no audit event (they hold no audit key).
    let again = unlocked(&door).await;
    assert_eq!(
        readable(again.clients().await.unwrap())[0].name,
        "Custodian Client"
    );
    assert_eq!(again.rights_ledger().await.unwrap().disclosures.len(), 1);
    assert_eq!(
        audit_events(&again).await.len(),
        events_before + 1,
        "only the clinician's unlock was logged"
    );

    // The scan: the key the custodian unwraps opens every progress note and
    // ledger revision, and not one psychotherapy-note revision.
    let header = header_of(&name).await;
    let records = CustodianKey::parse(&key)
        .unwrap()
        .unwrap_records(
            header.records_by_custodian.as_ref().unwrap(),
            &header.custodian_aad(),
        )
        .unwrap();
    let (opened, tried) = opened_with(
        &records,
        ProgressNotes::NAME,
        raw_values(&name, ProgressNotes::NAME).await,
    );
    assert!(tried > 0 && opened == tried, "{opened} of {tried} notes");
    let (opened, tried) = opened_with(
        &records,
        RightsLedger::NAME,
        raw_values(&name, RightsLedger::NAME).await,
    );
    assert!(tried > 0 && opened == tried);
    let (opened, tried) = opened_with(
        &records,
        PsychotherapyNotes::NAME,
        raw_values(&name, PsychotherapyNotes::NAME).await,
    );
    assert_eq!(tried, 3);
    assert_eq!(
        opened, 0,
        "a psychotherapy note opened with the custodian's key"
    );
    // Nor does the header hand the custodian anything else: the other keys
    // are wrapped by the master key, and this key unwraps none of them.
    let custodian_key = CustodianKey::parse(&key).unwrap();
    for wrapped in [
        &header.data_keys.psychotherapy,
        &header.data_keys.audit,
        &header.data_keys.drafts,
        &header.master_by_recovery,
    ] {
        assert!(custodian_key
            .unwrap_records(wrapped, &header.custodian_aad())
            .is_err());
    }

    // A custodian's copy: the record's stores only, checked whole with the
    // key the custodian unwraps, into a browser with no vault.
    let copy = again
        .create_custodian_copy(NOW, "2025-06-21")
        .await
        .unwrap();
    assert_eq!(copy.file_name, "psynotes-custodian-copy-2025-06-21.psybak");
    assert!(
        audited(
            &again,
            &AuditAction::CustodianCopyCreated {
                records: copy.records as u32
            }
        )
        .await
            == 1
    );
    // (The header names every wrapped key, "drafts" among them: store names
    // are what would give a store away.)
    for absent in [PsychotherapyNotes::NAME, "audit_log", "sync_config"] {
        assert!(
            !copy
                .bytes
                .windows(absent.len())
                .any(|w| w == absent.as_bytes()),
            "{absent} is named in the custodian's copy"
        );
    }
    let full = again.create_backup(NOW, "2025-06-21").await.unwrap();
    let (elsewhere, door_b) = fresh_door("custodian-copy").await;
    assert!(matches!(
        door_b.open_custodian_copy(&full.bytes, &key).await.err(),
        Some(VaultError::NotACustodianCopy)
    ));
    let mut tampered = copy.bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    assert!(door_b.open_custodian_copy(&tampered, &key).await.is_err());
    assert!(matches!(
        door_b
            .open_custodian_copy(&copy.bytes, &CustodianKey::generate().unwrap().display())
            .await
            .err(),
        Some(VaultError::WrongCustodianKey)
    ));
    assert_eq!(
        raw_counts(&elsewhere).await.iter().sum::<usize>(),
        0,
        "nothing written"
    );
    let there = door_b.open_custodian_copy(&copy.bytes, &key).await.unwrap();
    assert!(there.is_custodian());
    assert_eq!(readable(there.progress_notes().await.unwrap()).len(), 1);
    // The note index is not in the copy, and a custodian writes none: the
    // timeline is built from the notes each time.
    for _ in 0..2 {
        let index = there.client_note_index(client.id.as_str()).await.unwrap();
        assert_eq!(index.notes().len(), 1);
        assert_eq!(
            readable(there.progress_notes_of(client.id.as_str()).await.unwrap()).len(),
            1
        );
    }
    assert!(raw_values(&elsewhere, "note_index").await.is_empty());
    assert_eq!(there.rights_ledger().await.unwrap().disclosures.len(), 1);
    assert_eq!(there.settings().await.unwrap().clinician.name, "Jane Doe");
    // Nothing private came with it: not a record, not a count.
    for store in [PsychotherapyNotes::NAME, "audit_log", "drafts"] {
        assert!(raw_values(&elsewhere, store).await.is_empty(), "{store}");
    }
    // Only the custodian key opens it: the clinician's passphrase and
    // recovery key were left out of the copy, so it is no way to test them.
    assert!(door_b.holds_custodian_copy().await);
    assert!(matches!(
        door_b.unlock(&pass(PASS), NOW).await.err(),
        Some(VaultError::CustodianCopyOnly)
    ));
    let copied = header_of(&elsewhere).await;
    let original = header_of(&name).await;
    assert!(copied.custodian_copy && !original.custodian_copy);
    assert_ne!(copied.master_by_passphrase, original.master_by_passphrase);
    assert_ne!(copied.master_by_recovery, original.master_by_recovery);
    assert_ne!(
        copied.data_keys.psychotherapy,
        original.data_keys.psychotherapy
    );
    assert_eq!(copied.data_keys.records, original.data_keys.records);
    let (_, door_c) = fresh_door("custodian-copy-restore").await;
    assert!(matches!(
        door_c
            .restore(&copy.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await
            .err(),
        Some(VaultError::CustodianCopyOnly)
    ));

    // The next visit opens it with the same key, on the unlock screen's path.
    there.lock();
    assert!(door_b.open_as_custodian(&key).await.unwrap().is_custodian());
    assert!(matches!(
        door_b.open_custodian_copy(&copy.bytes, &key).await.err(),
        Some(VaultError::DataExists)
    ));

    // A new key retires the old one at once; a revoked key opens nothing.
    let replaced = again.make_custodian_key(&pass(PASS), NOW).await.unwrap();
    assert!(matches!(
        door.open_as_custodian(&key).await.err(),
        Some(VaultError::WrongCustodianKey)
    ));
    assert!(door
        .open_as_custodian(&replaced)
        .await
        .unwrap()
        .is_custodian());
    let again = unlocked(&door).await;
    again.revoke_custodian_key(NOW).await.unwrap();
    assert!(matches!(
        door.open_as_custodian(&replaced).await.err(),
        Some(VaultError::NoCustodianKey)
    ));
    assert_eq!(audited(&again, &AuditAction::CustodianKeyReplaced).await, 1);
    assert_eq!(audited(&again, &AuditAction::CustodianKeyRevoked).await, 1);
    let _ = Timestamp(0);
}
