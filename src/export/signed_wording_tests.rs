//! A signed note reads, prints and exports the same after its client's goals and
//! diagnoses are edited (issue: "A signed record must read tomorrow exactly as
//! it read when it was signed"); a note signed before the wording was kept
//! shows the client's current wording, marked as not part of the signed text.

use serde_json::Value;

use crate::domain::{Diagnosis, NoteWording, ProgressNote};
use crate::export::fixtures::*;
use crate::export::{print_document, to_fhir, to_json, ExportContent, ExportOptions, ExportScope};

/// The client after the edits the exploratory test made: the goal reworded,
/// the diagnosis replaced by another code.
fn edited_client() -> crate::domain::Client {
    let mut client = client();
    client.goals[0].text = "EDITED GOAL: reduce panic attacks to zero".into();
    client.diagnoses = vec![Diagnosis::new("F41.0", "Panic disorder", true).expect("valid")];
    client
}

fn json(client: &crate::domain::Client, note: &ProgressNote) -> Value {
    let scope = ExportScope::Client {
        client_id: client.id.clone(),
    };
    let text = to_json(
        &clinician(),
        &ExportContent {
            clients: &[client],
            notes: &[note],
            results: &[],
            plans: &[],
            amendments: &[],
        },
        exported_at(),
        &scope,
        &ExportOptions::default(),
    );
    serde_json::from_str(&text).expect("valid JSON")
}

fn fhir_note(client: &crate::domain::Client, note: &ProgressNote) -> Value {
    let scope = ExportScope::Client {
        client_id: client.id.clone(),
    };
    let text = to_fhir(
        &clinician(),
        &ExportContent {
            clients: &[client],
            notes: &[note],
            results: &[],
            plans: &[],
            amendments: &[],
        },
        exported_at(),
        &scope,
        &ExportOptions::default(),
    );
    let bundle: Value = serde_json::from_str(&text).expect("valid JSON");
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["resource"].clone())
        .find(|r| r["resourceType"] == "DocumentReference")
        .expect("the note's DocumentReference")
}

#[test]
fn a_signed_note_is_unchanged_after_its_clients_goals_and_diagnoses_are_edited() {
    let before = client();
    let after = edited_client();
    let signed = late_note_with_two_addenda();
    let note = ProgressNote::Signed(signed.clone());

    // The signed view's wording.
    let shown = |client| {
        let wording = note.wording(client);
        (
            wording.is_signed(),
            wording.diagnosis_lines(note.content()),
            wording.goals(note.content()),
        )
    };
    assert_eq!(shown(&before), shown(&after));
    let (signed_wording, diagnoses, goals) = shown(&after);
    assert!(signed_wording);
    assert_eq!(diagnoses, ["F41.1 Generalized anxiety disorder"]);
    assert_eq!(
        goals[0].text.as_deref(),
        Some("Sleep at least 7 hours a night")
    );
    assert!(signed.is_intact());

    // The print view.
    let printed = |client| print_document(&clinician(), client, &[&note], &[], exported_at()).notes;
    assert_eq!(printed(&before), printed(&after));
    let lines = &printed(&after)[0].meta_lines;
    let value = |label: &str| {
        lines
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        value("Diagnoses addressed"),
        "F41.1 Generalized anxiety disorder"
    );
    assert_eq!(
        value("Goals addressed"),
        "Sleep at least 7 hours a night: Improved"
    );

    // The JSON export: the note's entry does not change (the client's own
    // entry does, as it should).
    let exported = |client| json(client, &note)["progress_notes"][0].clone();
    assert_eq!(exported(&before), exported(&after));
    assert_eq!(
        json(&after, &note)["clients"][0]["goals"][0]["text"],
        "EDITED GOAL: reduce panic attacks to zero"
    );

    // The FHIR export's DocumentReference, canonical text included.
    assert_eq!(fhir_note(&before, &note), fhir_note(&after, &note));
}

#[test]
fn a_note_signed_under_v1_shows_current_wording_marked_as_such() {
    let legacy = ProgressNote::Signed(late_note_with_two_addenda().into_signed_under_v1());
    let after = edited_client();
    let wording = legacy.wording(&after);
    assert!(!wording.is_signed());
    assert_eq!(
        wording.goals(legacy.content())[0].text.as_deref(),
        Some("EDITED GOAL: reduce panic attacks to zero")
    );
    // F41.1 is no longer on the record: its code alone.
    assert_eq!(wording.diagnosis_lines(legacy.content()), ["F41.1"]);

    let printed = print_document(&clinician(), &after, &[&legacy], &[], exported_at());
    let goals = printed.notes[0]
        .meta_lines
        .iter()
        .find(|(l, _)| l == "Goals addressed")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert_eq!(
        goals,
        format!(
            "EDITED GOAL: reduce panic attacks to zero: Improved ({})",
            NoteWording::CURRENT_MARK
        )
    );
    assert_eq!(
        NoteWording::CURRENT_MARK,
        "current wording, not part of the signed text"
    );
    let exported = json(&after, &legacy);
    assert_eq!(
        exported["progress_notes"][0]["referenced_wording"]["signed"],
        false
    );
    // Still verifies as what it was: a v1 digest over ids and codes.
    assert!(legacy.as_signed().is_some_and(|s| s.is_intact()));

    // A draft is never marked: nothing of it is signed.
    let draft = ProgressNote::Draft(draft("d-1", "2024-03-12"));
    let printed = print_document(&clinician(), &after, &[&draft], &[], exported_at());
    assert!(printed.notes[0]
        .meta_lines
        .iter()
        .all(|(_, v)| !v.contains(NoteWording::CURRENT_MARK)));
}
