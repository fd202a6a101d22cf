//! The rights ledger in a real browser: requests and disclosures sealed at
//! rest; fulfilling writes the request and its disclosure together; accepting
//! an amendment signs an addendum on every note it names in one transaction;
//! a step that meets another tab's decision is refused, not taken twice; and
//! the ledger survives a backup and restore.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::rights::{
    AccessRequest, AmendmentRequest, CopyFormat, DenialBasis, Recipient, RecordPart, RightsError,
    RightsRequest,
};
use psynotes::domain::{Date, ProgressNoteId, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::rights_ledger::{LedgerError, RequestStep};
use psynotes::vault::store::{EncryptedStore, RightsLedger};
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[wasm_bindgen_test]
async fn an_access_request_is_fulfilled_with_its_disclosure_sealed_and_audited() {
    let Created { name, vault, .. } = created("rights-access").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Rights Access").await;
    let request = AccessRequest::new(
        vault.new_request_id().unwrap(),
        client.id.clone(),
        day("2025-06-01"),
        RecordPart::Full,
        Recipient::ThirdParty {
            name: "Dr Canary Recipient".into(),
            address: "1 Harbour Street".into(),
        },
    )
    .unwrap();
    let id = request.id().clone();
    vault
        .record_request(&RightsRequest::Access(request), NOW)
        .await
        .unwrap();

    // Extended once; a second extension is refused and changes nothing.
    let extended = vault
        .change_request(
            &id,
            &RequestStep::Extend {
                notice_sent: day("2025-06-20"),
                reason: "Records are off site.".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(extended.deadline().due(), day("2025-07-31"));
    let again = vault
        .change_request(
            &id,
            &RequestStep::Extend {
                notice_sent: day("2025-06-21"),
                reason: "Again.".into(),
            },
            NOW,
        )
        .await;
    assert!(matches!(
        again,
        Err(LedgerError::Refused(RightsError::AlreadyExtended { .. }))
    ));

    let disclosure = vault
        .fulfil_access_request(
            &id,
            day("2025-07-02"),
            CopyFormat::Json,
            "JSON, one client, 0 notes, all dates",
            NOW,
        )
        .await
        .unwrap();
    let ledger = vault.rights_ledger().await.unwrap();
    assert_eq!(ledger.requests.len(), 1);
    assert_eq!(ledger.requests[0].status_label(), "Fulfilled");
    assert_eq!(ledger.disclosures, vec![disclosure.clone()]);
    assert_eq!(
        disclosure.recipient().describe(),
        "Dr Canary Recipient, 1 Harbour Street"
    );
    assert!(audited(&vault, &AuditAction::Disclosed).await == 1);

    // Fulfilling twice is refused, and makes no second disclosure.
    let twice = vault
        .fulfil_access_request(&id, day("2025-07-03"), CopyFormat::Json, "JSON", NOW)
        .await;
    assert!(matches!(
        twice,
        Err(LedgerError::Refused(RightsError::NotOpen { .. }))
    ));
    assert_eq!(vault.rights_ledger().await.unwrap().disclosures.len(), 1);

    // The accounting must be kept: the client cannot be deleted now.
    assert!(matches!(
        vault
            .edit_client(client.id.as_str())
            .await
            .unwrap()
            .delete(NOW)
            .await,
        Err(VaultError::ClientHasRequests { entries: 2 })
    ));

    // Sealed: neither the recipient nor the description is in IndexedDB as text.
    let raw = raw_values(&name, RightsLedger::NAME).await;
    assert_eq!(raw.len(), 2);
    for value in raw {
        let json = js_sys::JSON::stringify(&value)
            .unwrap()
            .as_string()
            .unwrap();
        assert!(!json.contains("Canary"), "{json}");
        assert!(!json.contains("one client"), "{json}");
    }
}

#[wasm_bindgen_test]
async fn accepting_an_amendment_signs_an_addendum_on_every_note_it_names_at_once() {
    let Created { vault, .. } = created("rights-accept").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Rights Accept").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let handle = new_note(&vault, &client).await;
        ids.push(handle.start().id.clone());
        handle.sign(signed(handle.start()), NOW).await.unwrap();
    }
    let request = AmendmentRequest::new(
        vault.new_request_id().unwrap(),
        client.id.clone(),
        day("2025-06-16"),
        ids.clone(),
        "My employer is a school, not a hospital.",
    )
    .unwrap();
    let id = request.id().clone();
    vault
        .record_request(&RightsRequest::Amendment(request), NOW)
        .await
        .unwrap();
    let accepted = vault
        .accept_amendment(
            &id,
            day("2025-06-20"),
            "Employer corrected to school.",
            Timestamp(NOW + 10),
            NOW + 10,
        )
        .await
        .unwrap();
    assert_eq!(accepted.status_label(), "Accepted");
    for note_id in &ids {
        let amendable = open_signed(&vault, &client, note_id.as_str()).await;
        let note = amendable.note();
        assert_eq!(note.addenda().len(), 1);
        assert!(
            note.addenda()[0].text().contains(&id.0),
            "names the request"
        );
        assert!(note.addenda()[0].text().contains("Employer corrected"));
        assert!(note.is_intact(), "the chain still verifies");
    }
    assert_eq!(audited(&vault, &AuditAction::Amended).await, 2);

    // A request naming a note that is not signed is refused, touching nothing.
    let draft = save_note(&vault, &client, "Unsigned").await;
    let bad = AmendmentRequest::new(
        vault.new_request_id().unwrap(),
        client.id.clone(),
        day("2025-06-16"),
        vec![ids[0].clone(), draft.id.clone()],
        "Change both.",
    )
    .unwrap();
    let bad_id = bad.id().clone();
    vault
        .record_request(&RightsRequest::Amendment(bad), NOW)
        .await
        .unwrap();
    let refused = vault
        .accept_amendment(&bad_id, day("2025-06-20"), "Both.", Timestamp(NOW), NOW)
        .await;
    assert!(matches!(refused, Err(LedgerError::NoteNotSigned(_))));
    let first = open_signed(&vault, &client, ids[0].as_str()).await.note();
    assert_eq!(
        first.addenda().len(),
        1,
        "no addendum went on the other note"
    );
    let ledger = vault.rights_ledger().await.unwrap();
    assert!(ledger.request(&bad_id).unwrap().is_open());

    // Through a backup and a restore, the ledger and the addenda come back.
    let file = vault.create_backup(NOW, "2025-06-20").await.unwrap();
    let (_, door2) = fresh_door("rights-restored").await;
    let restored = expect_open(
        door2
            .restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let mut again = restored.rights_ledger().await.unwrap().requests;
    let mut expected = ledger.requests.clone();
    again.sort_by(|a, b| a.id().cmp(b.id()));
    expected.sort_by(|a, b| a.id().cmp(b.id()));
    assert_eq!(again, expected);
    let note = open_signed(&restored, &client, ids[1].as_str())
        .await
        .note();
    assert_eq!(note.addenda().len(), 1);
}

#[wasm_bindgen_test]
async fn a_denial_made_in_another_tab_is_not_overwritten_by_a_withdrawal() {
    let Created { name, vault, .. } = created("rights-tabs").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Rights Tabs").await;
    let request = AmendmentRequest::new(
        vault.new_request_id().unwrap(),
        client.id.clone(),
        day("2025-06-01"),
        vec![ProgressNoteId("n-1".into())],
        "Remove the diagnosis.",
    )
    .unwrap();
    let id = request.id().clone();
    vault
        .record_request(&RightsRequest::Amendment(request), NOW)
        .await
        .unwrap();
    let other_tab = new_session(&name).await;
    other_tab
        .change_request(
            &id,
            &RequestStep::Deny {
                on: day("2025-06-10"),
                basis: DenialBasis::AccurateAndComplete,
                explanation: "The diagnosis is accurate.".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let withdrawn = vault
        .change_request(
            &id,
            &RequestStep::Withdraw {
                on: day("2025-06-11"),
                note: String::new(),
            },
            NOW,
        )
        .await;
    assert!(matches!(
        withdrawn,
        Err(LedgerError::Refused(RightsError::NotOpen { .. }))
    ));
    // The statement and the rebuttal follow the denial.
    vault
        .change_request(
            &id,
            &RequestStep::Statement {
                received: day("2025-06-15"),
                text: "I do not agree with the diagnosis.".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let rebutted = other_tab
        .change_request(
            &id,
            &RequestStep::Rebuttal {
                on: day("2025-06-16"),
                text: "The assessment supports it.".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let RightsRequest::Amendment(amendment) = rebutted else {
        panic!("an amendment")
    };
    let denial = amendment.denial().unwrap();
    assert_eq!(
        denial.statement.as_ref().unwrap().text,
        "I do not agree with the diagnosis."
    );
    assert_eq!(denial.rebuttal.as_ref().unwrap().by, "Jane Doe, LCSW");
}

#[wasm_bindgen_test]
async fn two_devices_deciding_differently_both_keep_their_decision_and_an_open_copy_never_wins() {
    // A records a request; B restores a backup holding it, open.
    let Created { vault: a, .. } = created("rights-devices-a").await;
    with_profile(&a).await;
    let client = add_client(&a, "Rights Devices").await;
    let request = AmendmentRequest::new(
        a.new_request_id().unwrap(),
        client.id.clone(),
        day("2025-06-01"),
        vec![ProgressNoteId("n-1".into())],
        "Remove the diagnosis.",
    )
    .unwrap();
    let id = request.id().clone();
    a.record_request(&RightsRequest::Amendment(request), NOW)
        .await
        .unwrap();
    let open_copy = a.create_backup(NOW, "2025-06-15").await.unwrap();
    let (_, door_b) = fresh_door("rights-devices-b").await;
    let b = expect_open(
        door_b
            .restore(&open_copy.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );

    // A denies it. Merging the old, open copy back changes nothing.
    a.change_request(
        &id,
        &RequestStep::Deny {
            on: day("2025-06-10"),
            basis: DenialBasis::AccurateAndComplete,
            explanation: "Accurate.".into(),
        },
        NOW + 1,
    )
    .await
    .unwrap();
    a.merge_backup(&open_copy.bytes, NOW + 2).await.unwrap();
    let ledger = a.rights_ledger().await.unwrap();
    assert_eq!(ledger.request(&id).unwrap().status_label(), "Denied");
    assert!(ledger.other_versions_of(&id).is_empty());

    // B, not knowing, records the client's withdrawal. Merged into A, both
    // versions are kept and A says so.
    b.change_request(
        &id,
        &RequestStep::Withdraw {
            on: day("2025-06-09"),
            note: String::new(),
        },
        NOW + 3,
    )
    .await
    .unwrap();
    let from_b = b.create_backup(NOW + 4, "2025-06-15").await.unwrap();
    a.merge_backup(&from_b.bytes, NOW + 5).await.unwrap();
    let ledger = a.rights_ledger().await.unwrap();
    let shown = ledger.request(&id).unwrap().status_label();
    let others: Vec<&str> = ledger
        .other_versions_of(&id)
        .iter()
        .map(RightsRequest::status_label)
        .collect();
    let mut both = vec![shown, others[0]];
    both.sort();
    assert_eq!(
        both,
        ["Denied", "Withdrawn"],
        "shown {shown}, others {others:?}"
    );
    assert_eq!(
        ledger.of_client(&client.id).other_versions_of(&id).len(),
        1,
        "the client's view keeps the other version"
    );
}
