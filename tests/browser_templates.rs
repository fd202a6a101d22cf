//! Custom templates in a real browser: the library sealed in the vault,
//! two tabs saving at once without losing either's template, the templates
//! file refused without a write, and a note signed with a template version
//! kept whole through a backup and restore.
#![cfg(target_arch = "wasm32")]

use std::borrow::Cow;

use psynotes::domain::{
    Blocks, CustomTemplate, Date, RiskAssessment, Section, TemplateImportError, TemplateSaved,
    Timestamp,
};
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::templates::ImportTemplatesError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn template(id: &str, name: &str, labels: &[&str]) -> CustomTemplate {
    CustomTemplate {
        id: id.to_owned(),
        name: name.to_owned(),
        version: 0,
        sections: labels
            .iter()
            .map(|label| Section {
                key: Cow::Borrowed(""),
                label: Cow::Owned((*label).to_owned()),
                required: true,
                hint: Cow::Borrowed(""),
            })
            .collect(),
        blocks: Blocks {
            session: false,
            risk: true,
            goals: false,
        },
    }
}

fn saved(result: Result<TemplateSaved, Vec<psynotes::domain::ValidationIssue>>) -> CustomTemplate {
    match result {
        Ok(TemplateSaved::NewVersion(t)) => t,
        other => panic!("not saved as a new version: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn templates_are_sealed_and_two_tabs_saving_at_once_keep_both() {
    let Created { name, vault, .. } = created("templates-tabs").await;
    assert!(vault.template_library().await.unwrap().latest().is_empty());
    let other_tab = new_session(&name).await;

    // Both tabs read the same (empty) library and write: one write meets
    // the other's and is made again over it.
    let (mine, theirs) = futures::join!(
        vault.save_template(template("t-a", "Couples session", &["Presenting concern"])),
        other_tab.save_template(template("t-b", "Crisis call", &["What happened"])),
    );
    saved(mine.unwrap());
    saved(theirs.unwrap());
    let names: Vec<String> = vault
        .template_library()
        .await
        .unwrap()
        .latest()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(names, ["Couples session", "Crisis call"]);

    // Sealed: no label is readable in the stored bytes.
    let stored = raw_values(&name, "vault_meta").await;
    assert!(stored.len() > 1, "the header and the templates record");
    for value in &stored {
        let json = js_sys::JSON::stringify(value)
            .ok()
            .and_then(|j| j.as_string())
            .unwrap_or_default();
        assert!(!json.contains("Presenting concern") && !json.contains("Crisis call"));
    }

    // A file that is not a templates file is refused, and nothing is written.
    let before = vault.template_library().await.unwrap();
    let refused = vault
        .import_templates("{\"format\":\"psynotes-progress-notes\"}")
        .await;
    assert!(matches!(
        refused,
        Err(ImportTemplatesError::File(
            TemplateImportError::NotTemplates
        ))
    ));
    assert_eq!(vault.template_library().await.unwrap(), before);
}

#[wasm_bindgen_test]
async fn a_note_signed_with_a_template_version_keeps_it_through_an_edit_and_a_restore() {
    let Created { vault, .. } = created("templates-restore").await;
    with_profile(&vault).await;
    let client = add_client(&vault, "Template Client").await;
    let v1 = saved(
        vault
            .save_template(template("t-c", "Couples session", &["Presenting concern"]))
            .await
            .unwrap(),
    );

    let handle = new_note(&vault, &client).await;
    let mut draft = handle.start();
    draft.use_custom_template(v1.clone());
    draft.date_of_service = Some(Date::parse("2025-06-15").unwrap());
    draft.risk = RiskAssessment::denied().into();
    draft.set_section(&v1.sections[0].key, "They argue about chores.");
    let note = draft
        .clone()
        .sign(
            psynotes::domain::References::client(&client),
            &clinician(),
            Timestamp(NOW),
            72,
            None,
        )
        .unwrap();
    handle.sign(note, NOW).await.unwrap();

    // The template changes: the signed note keeps version 1, intact.
    let mut edited = v1.clone();
    edited.sections[0].label = Cow::Borrowed("Reason for the session");
    let v2 = saved(vault.save_template(edited).await.unwrap());
    assert_eq!(v2.version, 2);
    let signed = open_signed(&vault, &client, draft.id.as_str()).await;
    let kept = signed.note();
    assert!(kept.is_intact());
    assert_eq!(kept.content().custom(), Some(&v1));
    assert_eq!(kept.content_format(), "psynotes/progress-note/v5");

    // Through a backup and a restore, the note and both versions come back.
    let file = vault.create_backup(NOW, "2025-06-15").await.unwrap();
    let (_, door2) = fresh_door("templates-restored").await;
    let restored = expect_open(
        door2
            .restore(&file.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let library = restored.template_library().await.unwrap();
    assert_eq!(library.versions("t-c"), vec![&v1, &v2]);
    let again = open_signed(&restored, &client, draft.id.as_str()).await;
    assert!(again.note().is_intact());
    assert_eq!(again.note().content().custom(), Some(&v1));
}
