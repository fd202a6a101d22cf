//! The course of care in a real browser: safety plans kept version by
//! version (never overwritten, not by another tab, not by a merge), the
//! version being written kept across a reload, and the record check's move
//! of a sentence into that day's progress note.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::record_check::Category;
use psynotes::domain::safety_plan::{us_988_lifeline, SaveSafetyPlanError};
use psynotes::domain::{Date, SafetyPlanContent, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::safety_plans::{SafetyPlanBuffer, SafetyPlanError};
use psynotes::vault::sentence_move::MoveError;
use psynotes::vault::store::{DraftsStore, EncryptedStore, SafetyPlans};
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn plan_with(warning: &str) -> SafetyPlanContent {
    SafetyPlanContent {
        warning_signs: vec![warning.to_owned()],
        coping_strategies: vec!["Walk the dog".into()],
        crisis_line: us_988_lifeline(),
        making_safe: vec!["Partner keeps the medications".into()],
        ..SafetyPlanContent::default()
    }
}

#[wasm_bindgen_test]
async fn safety_plan_versions_are_appended_sealed_audited_and_never_overwritten() {
    let Created { name, vault, .. } = created("safety-versions").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Safety Versions").await;
    let id = client.id.as_str();
    assert!(vault.safety_plan(id).await.unwrap().is_none());

    // An incomplete plan is refused, and nothing is written.
    let refused = vault
        .save_safety_plan(id, &SafetyPlanContent::default(), 0, Timestamp(NOW), NOW)
        .await;
    assert!(matches!(
        refused,
        Err(SafetyPlanError::Refused(SaveSafetyPlanError::Incomplete(_)))
    ));
    assert!(raw_values(&name, SafetyPlans::NAME).await.is_empty());

    let first = vault
        .save_safety_plan(id, &plan_with("Can't sleep"), 0, Timestamp(NOW), NOW)
        .await
        .unwrap();
    assert_eq!(first.saved_meanwhile, 0);
    let v1 = first.plan.current().unwrap().clone();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.saved_by, "Jane Doe, LCSW");

    // A second tab saves version 2 while this screen still shows version 1:
    // this screen's save becomes version 3, and version 2 stays.
    let other_tab = new_session(&name).await;
    other_tab
        .save_safety_plan(
            id,
            &plan_with("Skipping meals"),
            1,
            Timestamp(NOW + 1),
            NOW + 1,
        )
        .await
        .unwrap();
    let mine = vault
        .save_safety_plan(
            id,
            &plan_with("Drinking alone"),
            1,
            Timestamp(NOW + 2),
            NOW + 2,
        )
        .await
        .unwrap();
    assert_eq!(mine.saved_meanwhile, 1);
    let plan = vault.safety_plan(id).await.unwrap().unwrap();
    let warnings: Vec<&str> = plan
        .versions()
        .iter()
        .map(|v| v.content.warning_signs[0].as_str())
        .collect();
    assert_eq!(
        warnings,
        ["Can't sleep", "Skipping meals", "Drinking alone"]
    );
    assert_eq!(plan.version(1), Some(&v1), "version 1 unchanged");

    // Nothing changed, nothing saved.
    let same = vault
        .save_safety_plan(
            id,
            &plan_with("Drinking alone"),
            3,
            Timestamp(NOW + 3),
            NOW + 3,
        )
        .await;
    assert!(matches!(
        same,
        Err(SafetyPlanError::Refused(SaveSafetyPlanError::Unchanged))
    ));

    // One record, sealed: the client's words are not in IndexedDB as text.
    let raw = raw_values(&name, SafetyPlans::NAME).await;
    assert_eq!(raw.len(), 1);
    let json = js_sys::JSON::stringify(&raw[0])
        .unwrap()
        .as_string()
        .unwrap();
    assert!(!json.contains("Drinking alone"));
    assert!(!json.contains("Walk the dog"));
    for version in 1..=3 {
        assert!(
            audited(&vault, &AuditAction::SafetyPlanSaved { version }).await >= 1,
            "version {version} audited"
        );
    }
}

#[wasm_bindgen_test]
async fn the_version_being_written_survives_a_reload_and_goes_once_saved() {
    let Created { name, vault, .. } = created("safety-buffer").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Safety Buffer").await;
    let id = client.id.as_str();
    let buffer = SafetyPlanBuffer {
        client_id: client.id.clone(),
        content: plan_with("Pacing at night"),
        seen: 0,
    };
    vault.keep_safety_plan_buffer(&buffer).await.unwrap();
    // Kept again over itself, as the autosave does.
    vault.keep_safety_plan_buffer(&buffer).await.unwrap();

    let reopened = new_session(&name).await;
    assert_eq!(
        reopened.safety_plan_buffer(id).await.unwrap(),
        Some(buffer.clone())
    );
    // It is not mistaken for a note with unsaved changes.
    assert!(reopened
        .notes_with_unsaved_changes()
        .await
        .unwrap()
        .is_empty());
    let json = js_sys::JSON::stringify(&raw_values(&name, DraftsStore::NAME).await[0])
        .unwrap()
        .as_string()
        .unwrap();
    assert!(!json.contains("Pacing at night"), "the buffer is sealed");

    reopened
        .save_safety_plan(id, &buffer.content, 0, Timestamp(NOW), NOW)
        .await
        .unwrap();
    assert_eq!(reopened.safety_plan_buffer(id).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_merge_keeps_the_versions_saved_on_either_device() {
    let Created { vault: a, .. } = created("safety-merge-a").await;
    with_profile(&a).await;
    let client = add_client(&a, "Safety Merge").await;
    let id = client.id.as_str();
    a.save_safety_plan(id, &plan_with("Can't sleep"), 0, Timestamp(NOW), NOW)
        .await
        .unwrap();
    let one = a.create_backup(NOW + 1, "2025-06-15").await.unwrap();

    let (_, door_b) = fresh_door("safety-merge-b").await;
    let b = expect_open(
        door_b
            .restore(&one.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW + 2)
            .await,
    );
    b.save_safety_plan(
        id,
        &plan_with("Skipping meals"),
        1,
        Timestamp(NOW + 3),
        NOW + 3,
    )
    .await
    .unwrap();
    let two = b.create_backup(NOW + 4, "2025-06-15").await.unwrap();

    // A takes B's version 2 in: the longer history wins, nothing is lost.
    a.merge_backup(&two.bytes, NOW + 5).await.unwrap();
    let merged = a.safety_plan(id).await.unwrap().unwrap();
    assert_eq!(merged.versions().len(), 2);
    assert_eq!(
        merged.versions(),
        b.safety_plan(id).await.unwrap().unwrap().versions()
    );
    assert!(!a.safety_plan_versions_to_settle(id).await.unwrap());
}

#[wasm_bindgen_test]
async fn a_sentence_moves_into_that_days_progress_note_and_never_into_a_signed_one() {
    let Created { vault, .. } = created("sentence-move").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Sentence Move").await;
    let day = Date::parse("2025-06-15").ok();

    // No note that day: one is started, dated that day.
    let to = vault
        .move_to_progress_note(
            &client,
            day,
            "Sertraline was raised to 100 mg.",
            Category::Medication,
            Timestamp(NOW),
            NOW,
        )
        .await
        .unwrap();
    assert!(to.started);
    assert_eq!(to.section, "Subjective");
    let note = open_draft(&vault, &client, &to.note_id).await.start();
    assert_eq!(note.date_of_service, day);
    assert_eq!(
        note.section("subjective"),
        "Sertraline was raised to 100 mg."
    );

    // A second sentence goes to the same note, in its own section.
    let again = vault
        .move_to_progress_note(
            &client,
            day,
            "Prognosis is fair.",
            Category::Prognosis,
            Timestamp(NOW + 1),
            NOW + 1,
        )
        .await
        .unwrap();
    assert_eq!(again.note_id, to.note_id);
    assert!(!again.started);
    let note = open_draft(&vault, &client, &to.note_id).await.start();
    assert_eq!(note.section("assessment"), "Prognosis is fair.");
    assert_eq!(
        note.section("subjective"),
        "Sertraline was raised to 100 mg."
    );

    // Once that day's note is signed, nothing is written to it.
    let handle = open_draft(&vault, &client, &to.note_id).await;
    handle.sign(signed(note.clone()), NOW + 2).await.unwrap();
    let refused = vault
        .move_to_progress_note(
            &client,
            day,
            "Started weekly CBT.",
            Category::ModalityFrequency,
            Timestamp(NOW + 3),
            NOW + 3,
        )
        .await;
    assert!(matches!(refused, Err(MoveError::Signed(_))));
    let kept = open_signed(&vault, &client, &to.note_id).await;
    assert!(!kept
        .note()
        .content()
        .section("intervention")
        .contains("CBT"));

    // Without a session date there is no day to move to.
    let undated = vault
        .move_to_progress_note(
            &client,
            None,
            "x.",
            Category::Diagnosis,
            Timestamp(NOW),
            NOW,
        )
        .await;
    assert!(matches!(undated, Err(MoveError::NoSessionDate)));
}
