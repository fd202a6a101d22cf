//! Questionnaires in a real browser: every answer stored as it is given, the
//! result in place of the draft, one client's results read apart from the
//! others', and results kept through backup, restore and merge.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::measure::{AdministrationMode, GAD_7, PHQ_9};
use psynotes::domain::{Date, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::store::{EncryptedStore, MeasureResults};
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[wasm_bindgen_test]
async fn every_answer_is_stored_and_finish_replaces_the_draft_with_the_result() {
    let Created { name, vault, .. } = created("measures-answers").await;
    with_profile(&vault).await;
    let c = add_client(&vault, "Answers Kept").await;
    let open = vault
        .start_questionnaire(
            c.id.as_str(),
            &PHQ_9,
            AdministrationMode::SelfReport,
            Timestamp(NOW),
        )
        .unwrap();
    // Nothing is stored before the first answer.
    assert_eq!(
        vault
            .measures_for(c.id.as_str())
            .await
            .unwrap()
            .drafts
            .len(),
        0
    );
    open.answer(0, 2, NOW).await.unwrap();
    open.answer(8, 1, NOW).await.unwrap();
    // A wrong option changes nothing.
    assert!(matches!(
        open.answer(1, 9, NOW).await,
        Err(VaultError::Measure(_))
    ));
    let id = open.draft().id().as_str().to_owned();
    assert!(
        !id.contains(c.id.as_str()),
        "a record id says nothing about its client"
    );

    // The vault is locked halfway (idle, or the tablet handed back): the
    // answers are there after the next unlock, and answering goes on.
    vault.close();
    let vault = new_session(&name).await;
    let stored = vault.measures_for(c.id.as_str()).await.unwrap();
    assert!(stored.results.is_empty());
    assert_eq!(stored.drafts.len(), 1);
    assert_eq!(stored.drafts[0].answers()[0], Some(2));
    assert_eq!(stored.drafts[0].answers()[8], Some(1));
    assert_eq!(stored.drafts[0].answers()[1], None);
    let open = vault
        .resume_questionnaire(c.id.as_str(), &id)
        .await
        .unwrap();
    for item in 1..8 {
        open.answer(item, 1, NOW).await.unwrap();
    }
    open.answer_follow_up(Some(1), NOW).await.unwrap();
    let result = open
        .finish(day("2025-06-15"), &clinician(), NOW + 1)
        .await
        .unwrap();
    assert_eq!(result.total(), Some(2 + 7 + 1));
    assert_eq!(result.score_line(), "PHQ-9 score: 10");
    assert!(result.has_endorsed_risk(), "item 9 above 0 raises the flag");

    let stored = vault.measures_for(c.id.as_str()).await.unwrap();
    assert!(
        stored.drafts.is_empty(),
        "the result took the draft's place"
    );
    assert_eq!(stored.results, vec![result.clone()]);
    assert!(stored.damaged.is_empty());
    // A finished questionnaire is not answered again.
    assert_eq!(
        vault.resume_questionnaire(c.id.as_str(), &id).await.err(),
        Some(VaultError::QuestionnaireFinished)
    );
    // Audited by id only, once each.
    assert!(audited_about(&vault, &AuditAction::QuestionnaireStarted, &id).await);
    assert!(audited_about(&vault, &AuditAction::QuestionnaireFinished, &id).await);
    assert_eq!(audited(&vault, &AuditAction::QuestionnaireStarted).await, 1);

    // Sealed under the records key like any record: no answer in the clear.
    let raw = raw_values(&name, MeasureResults::NAME).await;
    assert_eq!(raw.len(), 1);
    let text = js_sys::JSON::stringify(&raw[0])
        .unwrap()
        .as_string()
        .unwrap();
    assert!(!text.contains("phq-9") && !text.contains("score"), "{text}");
}

#[wasm_bindgen_test]
async fn one_clients_results_are_read_apart_from_anothers() {
    let Created { vault, .. } = created("measures-groups").await;
    with_profile(&vault).await;
    let a = add_client(&vault, "Client A").await;
    let b = add_client(&vault, "Client B").await;
    for (finished, (client, definition, answer)) in
        [(&a, &PHQ_9, 1), (&b, &GAD_7, 2), (&a, &GAD_7, 3)]
            .into_iter()
            .enumerate()
    {
        let open = vault
            .start_questionnaire(
                client.id.as_str(),
                definition,
                AdministrationMode::ClinicianAdministered,
                Timestamp(NOW),
            )
            .unwrap();
        for item in 0..definition.items.len() {
            open.answer(item, answer, NOW).await.unwrap();
        }
        // One after the other, as a clinician gives them.
        open.finish(day("2025-06-15"), &clinician(), NOW + finished as i64)
            .await
            .unwrap();
    }
    let of_a = vault.measures_for(a.id.as_str()).await.unwrap();
    let of_b = vault.measures_for(b.id.as_str()).await.unwrap();
    let names = |m: &psynotes::vault::measures::ClientMeasures| -> Vec<String> {
        m.results.iter().map(|r| r.score_line()).collect()
    };
    assert_eq!(names(&of_a), ["PHQ-9 score: 9", "GAD-7 score: 21"]);
    assert_eq!(names(&of_b), ["GAD-7 score: 14"]);
    assert!(of_a
        .results
        .iter()
        .all(|r| r.client_id().as_str() == a.id.as_str()));
    // A result of one client is not opened as another's.
    let id = of_b.results[0].id().as_str().to_owned();
    assert_eq!(
        vault.resume_questionnaire(a.id.as_str(), &id).await.err(),
        Some(VaultError::NotFound)
    );
}

#[wasm_bindgen_test]
async fn results_survive_backup_and_restore_and_a_merge_never_undoes_a_finish() {
    let Created { vault: a, .. } = created("measures-backup-a").await;
    with_profile(&a).await;
    let c = add_client(&a, "Results Travel").await;
    let open = a
        .start_questionnaire(
            c.id.as_str(),
            &GAD_7,
            AdministrationMode::SelfReport,
            Timestamp(NOW),
        )
        .unwrap();
    open.answer(0, 3, NOW).await.unwrap();
    // A backup taken while the questionnaire was half answered.
    let halfway = a.create_backup(NOW, "2025-06-15").await.unwrap();
    for item in 1..7 {
        open.answer(item, 1, NOW).await.unwrap();
    }
    let result = open
        .finish(day("2025-06-15"), &clinician(), NOW)
        .await
        .unwrap();

    // Merging the older backup leaves the result standing: a draft revision
    // never replaces a finished result.
    let report = a.merge_backup(&halfway.bytes, NOW).await.unwrap();
    assert_eq!(report.damaged, 0, "{report:?}");
    let after = a.measures_for(c.id.as_str()).await.unwrap();
    assert_eq!(after.results, vec![result.clone()]);
    assert!(after.drafts.is_empty());

    // A full backup restored into an empty browser has the result.
    let full = a.create_backup(NOW, "2025-06-16").await.unwrap();
    let (_, door_b) = fresh_door("measures-backup-b").await;
    let b = expect_open(
        door_b
            .restore(&full.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let on_b = b.measures_for(c.id.as_str()).await.unwrap();
    assert_eq!(on_b.results, vec![result]);

    // A device restored from the half-answered backup finishes nothing, and
    // taking in the full backup brings the result over its draft.
    let (_, door_c) = fresh_door("measures-backup-c").await;
    let c_vault = expect_open(
        door_c
            .restore(&halfway.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    assert_eq!(
        c_vault
            .measures_for(c.id.as_str())
            .await
            .unwrap()
            .drafts
            .len(),
        1
    );
    c_vault.merge_backup(&full.bytes, NOW).await.unwrap();
    let on_c = c_vault.measures_for(c.id.as_str()).await.unwrap();
    assert_eq!(on_c.results.len(), 1);
    assert!(on_c.drafts.is_empty());
}

#[wasm_bindgen_test]
async fn a_client_with_questionnaires_cannot_be_deleted() {
    let Created { vault, .. } = created("measures-delete").await;
    with_profile(&vault).await;
    let answered = add_client(&vault, "Answered Once").await;
    let neighbour = add_client(&vault, "No Questionnaires").await;
    // An unfinished questionnaire is part of the record as much as a result.
    let open = vault
        .start_questionnaire(
            answered.id.as_str(),
            &PHQ_9,
            AdministrationMode::SelfReport,
            Timestamp(NOW),
        )
        .unwrap();
    open.answer(0, 1, NOW).await.unwrap();
    assert_eq!(
        vault
            .edit_client(answered.id.as_str())
            .await
            .unwrap()
            .delete(NOW)
            .await,
        Err(VaultError::ClientHasQuestionnaires { questionnaires: 1 })
    );
    assert_eq!(
        vault
            .measures_for(answered.id.as_str())
            .await
            .unwrap()
            .drafts
            .len(),
        1,
        "nothing was deleted"
    );
    // Another client's questionnaires do not hold this one back.
    vault
        .edit_client(neighbour.id.as_str())
        .await
        .unwrap()
        .delete(NOW)
        .await
        .unwrap();
}
