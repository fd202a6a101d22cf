//! Proof that nothing private leaves through an export.
//!
//! This is the one file in `src/export/` allowed to name the psychotherapy-note
//! type: it builds one to show that, even with it in scope, no export path can
//! carry its text. The compile-fail examples in the module doc are the real
//! guarantee; these tests catch a regression in what the layer imports.

use crate::domain::{
    Addendum, ClinicianProfile, ProgressNote, PsychotherapyNote, PsychotherapyNoteId, Timestamp,
};
use crate::export::fixtures::*;
use crate::export::{
    print_document, select, to_fhir, to_json, ExportContent, ExportFormat, ExportOptions,
    ExportRequest, ExportScope,
};

const PROGRESS_CANARY: &str = "PROGRESSCANARY";
const PSYCHO_CANARY: &str = "PSYCHOCANARY";

#[test]
fn no_export_path_carries_a_psychotherapy_note() {
    let client = client();
    let clinician: ClinicianProfile = clinician();

    // Progress notes with the canary in a section, an addendum and a late reason.
    let mut draft = draft("d-1", "2024-03-12");
    draft.set_section("plan", format!("Plan with {PROGRESS_CANARY} in it."));
    let mut signed = late_note_with_two_addenda();
    signed.add_addendum(
        Addendum::new(
            format!("Addendum with {PROGRESS_CANARY}."),
            &clinician,
            Timestamp(signed.signature().signed_at.0 + HOUR),
        )
        .unwrap(),
    );
    let notes = vec![ProgressNote::Draft(draft), ProgressNote::Signed(signed)];

    // The same client's psychotherapy note, in the same scope, about the same day.
    let mut private = PsychotherapyNote::new(
        PsychotherapyNoteId("pn-1".into()),
        client.id.clone(),
        Timestamp(0),
    );
    private.session_date = Some(date("2024-03-05"));
    private.text = format!("My own reactions: {PSYCHO_CANARY}.");
    assert!(private.text.contains(PSYCHO_CANARY));

    let request = ExportRequest {
        format: ExportFormat::Json,
        scope: ExportScope::Client {
            client_id: client.id.clone(),
        },
        options: ExportOptions {
            include_drafts: true,
            ..ExportOptions::default()
        },
    };
    let chosen = select(&notes, request.scope.client_id(), &request.options);
    assert_eq!(chosen.len(), 2);

    let json = to_json(
        &clinician,
        &ExportContent {
            clients: &[&client],
            notes: &chosen,
            results: &[],
            plans: &[],
            amendments: &[],
        },
        exported_at(),
        &request.scope,
        &request.options,
    );
    let printed = format!(
        "{:?}",
        print_document(&clinician, &client, &chosen, &[], exported_at())
    );
    // The FHIR bundle carries note text base64-encoded inside its attachments, so
    // decode every attachment before looking for the canaries.
    let fhir_request = ExportRequest {
        format: ExportFormat::Fhir,
        ..request.clone()
    };
    let fhir_options = fhir_request.effective_options();
    let fhir_chosen = select(&notes, fhir_request.scope.client_id(), &fhir_options);
    let fhir = to_fhir(
        &clinician,
        &ExportContent {
            clients: &[&client],
            notes: &fhir_chosen,
            results: &[],
            plans: &[],
            amendments: &[],
        },
        exported_at(),
        &fhir_request.scope,
        &fhir_options,
    );
    let fhir = format!("{fhir}\n{}", decoded_attachments(&fhir));
    for (name, output) in [("JSON", &json), ("print", &printed), ("FHIR", &fhir)] {
        assert!(output.contains(PROGRESS_CANARY), "{name} lost the record");
        assert!(!output.contains(PSYCHO_CANARY), "{name} leaked");
    }

    let audit_line = request.describe(chosen.len());
    assert!(!fhir_request
        .describe(fhir_chosen.len())
        .contains(PSYCHO_CANARY));
    assert!(!audit_line.contains(PSYCHO_CANARY));
    assert!(
        !audit_line.contains(PROGRESS_CANARY),
        "the audit line holds no text"
    );
}

/// The text of every base64 attachment in a FHIR bundle, one per line.
fn decoded_attachments(bundle: &str) -> String {
    use base64::Engine as _;
    let value: serde_json::Value = serde_json::from_str(bundle).expect("the bundle is JSON");
    let mut out = String::new();
    for entry in value["entry"].as_array().into_iter().flatten() {
        for content in entry["resource"]["content"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let data = content["attachment"]["data"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .expect("attachments are base64");
            out.push_str(&String::from_utf8_lossy(&bytes));
            out.push('\n');
        }
    }
    out
}

/// Reads the export layer's source (every file but this one) and fails if any
/// line of code names the vault, the crypto layer, the psychotherapy-note type,
/// or imports the domain wholesale (which would bring that type into scope).
/// Comment lines are skipped: the module doc shows the type in compile-fail
/// examples on purpose. Native only: the browser has no file system.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_export_source_names_no_key_store_or_psychotherapy_type() {
    const FORBIDDEN: [&str; 7] = [
        "crate::vault",
        "crate::crypto",
        "psychotherapy",
        "domain::*",
        "psynotes::",
        "super::super",
        "self::super",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/export");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("src/export is readable") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            !path.is_dir(),
            "{name}: add subfolders of src/export to this check"
        );
        if name == "leak_tests.rs" {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source is readable");
        for (number, line) in source.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let lower = line.to_lowercase();
            for word in FORBIDDEN {
                assert!(
                    !lower.contains(&word.to_lowercase()),
                    "src/export/{name}:{}: `{word}` in `{line}`",
                    number + 1
                );
            }
        }
        checked += 1;
    }
    // mod, scope, selection, sections, time_format, json, json_model, print, fixtures,
    // access, fhir, fhir_model, fhir_tests, samples.
    assert!(checked >= 14, "only {checked} files checked");
}
