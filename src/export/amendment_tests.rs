//! A decided amendment travels with the note it concerns (45 CFR
//! 164.526(d)(5)): the JSON export and the print view carry the denial, the
//! statement of disagreement and the rebuttal, or the acceptance; notes it
//! does not concern carry nothing, and the note's digest is untouched.

use serde_json::Value;

use crate::domain::progress_note::fixtures::clinician as domain_clinician;
use crate::domain::rights::fixtures::{date, denied_amendment};
use crate::domain::rights::{decided_amendments, AmendmentRequest, RequestId, RightsRequest};
use crate::domain::{ProgressNote, ProgressNoteId, Timestamp};
use crate::export::fixtures::*;
use crate::export::{print_document, to_json, ExportContent, ExportOptions, ExportScope};

fn requests() -> (Vec<ProgressNote>, Vec<RightsRequest>) {
    let mut one = signed("n-1", "2024-03-05");
    let two = signed("n-2", "2024-03-12");
    let mut denied = denied_amendment("r-denied", &["n-1"]);
    denied
        .record_statement(date("2024-03-20"), "I never said that.")
        .unwrap();
    denied
        .record_rebuttal(date("2024-03-25"), "The note stands.", &domain_clinician())
        .unwrap();
    let mut accepted = AmendmentRequest::new(
        RequestId("r-accepted".into()),
        one.client_id().clone(),
        date("2024-03-02"),
        vec![ProgressNoteId("n-1".into())],
        "My job title is wrong.",
    )
    .unwrap();
    let at = Timestamp(one.signature().signed_at.0 + HOUR);
    accepted
        .accept(
            date("2024-03-04"),
            "Job title corrected to nurse.",
            &mut [&mut one],
            &domain_clinician(),
            at,
        )
        .unwrap();
    let open = AmendmentRequest::new(
        RequestId("r-open".into()),
        two.client_id().clone(),
        date("2024-03-21"),
        vec![ProgressNoteId("n-2".into())],
        "Still deciding.",
    )
    .unwrap();
    (
        vec![ProgressNote::Signed(one), ProgressNote::Signed(two)],
        vec![denied.into(), accepted.into(), open.into()],
    )
}

#[test]
fn the_json_export_carries_each_notes_decided_amendments_only() {
    let (notes, requests) = requests();
    let outcomes = decided_amendments(&requests);
    let client = client();
    let refs: Vec<&ProgressNote> = notes.iter().collect();
    let json = to_json(
        &clinician(),
        &ExportContent {
            clients: &[&client],
            notes: &refs,
            results: &[],
            plans: &[],
            amendments: &outcomes,
        },
        exported_at(),
        &ExportScope::Practice,
        &ExportOptions::default(),
    );
    let value: Value = serde_json::from_str(&json).unwrap();
    let first = &value["progress_notes"][0]["amendment_requests"];
    assert_eq!(first.as_array().unwrap().len(), 2, "{first:#}");
    // Oldest request first: the denied one was received on 2024-03-01.
    assert_eq!(first[0]["request_id"], "r-denied");
    assert_eq!(first[0]["decision"], "denied");
    assert_eq!(first[0]["denial"]["citation"], "45 CFR 164.526(a)(2)(iv)");
    assert_eq!(
        first[0]["statement_of_disagreement"]["text"],
        "I never said that."
    );
    assert_eq!(first[0]["rebuttal"]["text"], "The note stands.");
    assert_eq!(first[1]["request_id"], "r-accepted");
    assert_eq!(first[1]["decision"], "accepted");
    let addendum = &value["progress_notes"][0]["addenda"][0]["content_sha256"];
    assert_eq!(&first[1]["addendum_sha256"], addendum, "names its addendum");
    assert!(
        value["progress_notes"][1]
            .get("amendment_requests")
            .is_none(),
        "an open request travels with nothing"
    );
}

#[test]
fn the_print_view_shows_the_denial_with_the_statement_and_the_rebuttal() {
    let (notes, requests) = requests();
    let outcomes = decided_amendments(&requests);
    let refs: Vec<&ProgressNote> = notes.iter().collect();
    let doc = print_document(&clinician(), &client(), &refs, &outcomes, exported_at());
    let printed = &doc.notes[0].amendments;
    assert_eq!(printed.len(), 2);
    assert_eq!(
        printed[0].heading,
        "Amendment request received 2024-03-01: denied"
    );
    let text: Vec<String> = printed[0]
        .lines
        .iter()
        .map(|(label, text)| format!("{label}: {text}"))
        .collect();
    assert_eq!(
        text,
        [
            "Change requested: Change the employer from hospital to school.".to_owned(),
            "Denied: 2024-03-10 by Jane Doe, LCSW. The information is accurate and complete (45 CFR 164.526(a)(2)(iv)). The note records what you said in the session.".to_owned(),
            "Statement of disagreement: Received 2024-03-20: I never said that.".to_owned(),
            "Rebuttal: 2024-03-25 by Jane Doe, LCSW: The note stands.".to_owned(),
        ]
    );
    assert!(doc.notes[1].amendments.is_empty());
}

#[test]
fn the_fhir_bundle_carries_them_as_extensions_of_the_notes_document() {
    let (notes, requests) = requests();
    let outcomes = decided_amendments(&requests);
    let client = client();
    let refs: Vec<&ProgressNote> = notes.iter().collect();
    let bundle = crate::export::to_fhir(
        &clinician(),
        &ExportContent {
            clients: &[&client],
            notes: &refs,
            results: &[],
            plans: &[],
            amendments: &outcomes,
        },
        exported_at(),
        &ExportScope::Practice,
        &ExportOptions::default(),
    );
    let value: Value = serde_json::from_str(&bundle).unwrap();
    let documents: Vec<&Value> = value["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "DocumentReference" && r.get("relatesTo").is_none())
        .collect();
    let requests_of = |doc: &Value| -> Vec<Value> {
        doc["extension"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["url"].as_str().unwrap().ends_with("/amendment-request"))
            .cloned()
            .collect()
    };
    let first = requests_of(documents[0]);
    assert_eq!(first.len(), 2);
    let part = |ext: &Value, url: &str| -> Value {
        ext["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["url"] == url)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(part(&first[0], "decision")["valueCode"], "denied");
    assert_eq!(
        part(&first[0], "statement-of-disagreement")["valueString"],
        "I never said that."
    );
    assert_eq!(
        part(&first[0], "rebuttal")["valueString"],
        "The note stands."
    );
    assert_eq!(part(&first[1], "decision")["valueCode"], "accepted");
    assert!(requests_of(documents[1]).is_empty());
}
