//! Tests of the FHIR bundle's content. Its validity against the official FHIR R4
//! JSON schema is checked outside Rust, on the samples (see `samples`).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::domain::{ProgressNote, SignedProgressNote};
use crate::export::fixtures::*;
use crate::export::{to_fhir, ExportOptions, ExportScope, FhirExport};

fn bundle(notes: &[&ProgressNote]) -> Value {
    let client = client();
    let scope = ExportScope::Client {
        client_id: client.id.clone(),
    };
    let json = to_fhir(
        &clinician(),
        &crate::export::ExportContent {
            clients: &[&client],
            notes,
            results: &[],
            plans: &[],
            amendments: &[],
        },
        exported_at(),
        &scope,
        &ExportOptions::default(),
    );
    serde_json::from_str(&json).expect("the bundle is JSON")
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn extension<'a>(resource: &'a Value, url_end: &str) -> &'a Value {
    resource["extension"]
        .as_array()
        .and_then(|list| {
            list.iter()
                .find(|e| e["url"].as_str().is_some_and(|u| u.ends_with(url_end)))
        })
        .unwrap_or(&Value::Null)
}

fn part<'a>(extension: &'a Value, name: &str) -> &'a Value {
    extension["extension"]
        .as_array()
        .and_then(|list| list.iter().find(|e| e["url"] == name))
        .unwrap_or(&Value::Null)
}

fn attachment_text(document: &Value) -> String {
    let data = document["content"][0]["attachment"]["data"]
        .as_str()
        .expect("data");
    String::from_utf8(BASE64.decode(data).expect("base64")).expect("UTF-8")
}

fn text_of(doc: &Value) -> String {
    attachment_text(doc)
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_signed_note_is_a_loinc_progress_note_with_its_signed_content_attached() {
    let signed: SignedProgressNote = late_note_with_two_addenda();
    let note = ProgressNote::Signed(signed.clone());
    let value = bundle(&[&note]);
    assert_eq!(value["resourceType"], "Bundle");
    assert_eq!(value["type"], "collection");

    let documents = resources(&value, "DocumentReference");
    assert_eq!(documents.len(), 3, "the note and its two addenda");
    let doc = documents[0];
    assert_eq!(doc["type"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(doc["type"]["coding"][0]["code"], "11506-3");
    assert_eq!(doc["type"]["coding"][0]["display"], "Progress note");
    assert_eq!(doc["status"], "current");
    assert_eq!(doc["docStatus"], "amended");
    assert_eq!(doc["identifier"][0]["value"], "note-1");
    assert_eq!(doc["context"]["period"]["start"], "2024-03-05");
    assert_eq!(doc["context"]["event"][0]["coding"][0]["code"], "90834");
    assert_eq!(doc["context"]["facilityType"]["coding"][0]["code"], "11");

    let content = &doc["content"][0];
    assert_eq!(
        content["attachment"]["contentType"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(content["format"]["code"], "psynotes/progress-note/v2");
    assert!(text_of(doc).contains("\ngoal_text=30:Sleep at least 7 hours a night\n"));
    let text = attachment_text(doc);
    assert_eq!(text, signed.canonical_content());
    assert_eq!(content["attachment"]["size"], text.len());
    assert_eq!(sha256_hex(&text), signed.signature().content_sha256);

    let signature = extension(doc, "/signature");
    assert_eq!(part(signature, "signer-name")["valueString"], "Jane Doe");
    assert_eq!(part(signature, "credentials")["valueString"], "LCSW");
    assert_eq!(
        part(signature, "signed-at")["valueString"],
        "2024-03-08T22:50:00.000"
    );
    assert_eq!(
        part(signature, "content-sha256")["valueString"],
        signed.signature().content_sha256.as_str()
    );
    let late = extension(doc, "/late-entry");
    assert_eq!(
        part(late, "reason")["valueString"],
        "Clinician was ill; written on return."
    );
    assert_eq!(part(late, "hours-after-service")["valueInteger"], 80);
    let seal = extension(doc, "/seal");
    assert_eq!(
        part(seal, "format")["valueString"],
        "psynotes/signed-record/v1"
    );
    assert_eq!(
        part(seal, "sha256")["valueString"],
        signed.seal_sha256().as_str()
    );
}

#[test]
fn each_addendum_appends_to_its_note_with_its_canonical_text() {
    let signed = late_note_with_two_addenda();
    let note = ProgressNote::Signed(signed.clone());
    let value = bundle(&[&note]);
    let entries = value["entry"].as_array().unwrap();
    let note_url = entries
        .iter()
        .find(|e| e["resource"]["identifier"][0]["value"] == "note-1")
        .map(|e| e["fullUrl"].clone())
        .unwrap();
    let documents = resources(&value, "DocumentReference");
    for (index, addendum) in signed.addenda().iter().enumerate() {
        let doc = documents[index + 1];
        assert_eq!(doc["relatesTo"][0]["code"], "appends");
        assert_eq!(doc["relatesTo"][0]["target"]["reference"], note_url);
        let ext = extension(doc, "/addendum");
        assert_eq!(part(ext, "sequence")["valueInteger"], index + 1);
        assert_eq!(
            part(ext, "sha256")["valueString"],
            addendum.content_sha256()
        );
        let text = attachment_text(doc);
        assert_eq!(sha256_hex(&text), addendum.content_sha256());
        assert!(text.starts_with("psynotes/addendum/v1\n"));
        assert!(text.contains(addendum.text()));
        assert_eq!(doc["content"][0]["format"]["code"], "psynotes/addendum/v1");
        assert_eq!(doc["author"][0]["display"], "Jane Doe, LCSW");
    }
}

#[test]
fn patient_practitioner_and_conditions_come_from_the_client_and_signers() {
    let note = ProgressNote::Signed(signed("n-1", "2024-03-05"));
    let value = bundle(&[&note]);
    let patients = resources(&value, "Patient");
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["name"][0]["text"], "Alex Rivera");
    assert_eq!(patients[0]["birthDate"], "1990-04-02");
    assert_eq!(patients[0]["identifier"][0]["value"], "client-1");
    assert_eq!(patients[0]["identifier"][1]["value"], "AR-07");
    assert_eq!(patients[0]["active"], true);

    let practitioners = resources(&value, "Practitioner");
    assert_eq!(
        practitioners.len(),
        1,
        "clinician and signer are one person"
    );
    assert_eq!(practitioners[0]["qualification"][0]["code"]["text"], "LCSW");

    let conditions = resources(&value, "Condition");
    assert_eq!(conditions.len(), 1);
    let coding = &conditions[0]["code"]["coding"][0];
    assert_eq!(coding["system"], "http://hl7.org/fhir/sid/icd-10-cm");
    assert_eq!(coding["code"], "F41.1");
    assert_eq!(
        extension(conditions[0], "/primary-diagnosis")["valueBoolean"],
        true
    );
}

#[test]
fn every_reference_resolves_ids_are_unique_and_no_string_is_empty() {
    let notes = [
        ProgressNote::Signed(late_note_with_two_addenda()),
        ProgressNote::Signed(signed("n-2", "2024-03-12")),
    ];
    let chosen: Vec<&ProgressNote> = notes.iter().collect();
    let value = bundle(&chosen);
    let entries = value["entry"].as_array().unwrap();
    let urls: Vec<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    let mut unique = urls.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "full URLs are unique");
    for entry in entries {
        let url = entry["fullUrl"].as_str().unwrap();
        assert_eq!(
            url,
            format!("urn:uuid:{}", entry["resource"]["id"].as_str().unwrap())
        );
    }

    fn walk<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    walk(inner, format!("{path}.{key}"), out);
                }
            }
            Value::Array(items) => {
                assert!(!items.is_empty(), "empty array at {path}");
                for (i, inner) in items.iter().enumerate() {
                    walk(inner, format!("{path}[{i}]"), out);
                }
            }
            _ => out.push((path, value)),
        }
    }
    let mut leaves = Vec::new();
    walk(&value, String::new(), &mut leaves);
    for (path, leaf) in &leaves {
        if let Some(text) = leaf.as_str() {
            assert!(!text.trim().is_empty(), "empty string at {path}");
        }
        if path.ends_with(".reference") {
            let target = leaf.as_str().unwrap();
            assert!(
                urls.contains(&target),
                "{path} -> {target} is not in the bundle"
            );
        }
    }
}

#[test]
fn drafts_are_never_written_and_ids_are_stable() {
    let notes = [
        ProgressNote::Draft(draft("unsigned-draft", "2024-03-12")),
        ProgressNote::Signed(signed("s-1", "2024-03-05")),
    ];
    let chosen: Vec<&ProgressNote> = notes.iter().collect();
    let client = client();
    let scope = ExportScope::Practice;
    let options = ExportOptions {
        include_drafts: true,
        ..ExportOptions::default()
    };
    let clients = [&client];
    let clinician = clinician();
    let export = FhirExport::new(&clinician, exported_at(), &scope, &options)
        .clients(&clients)
        .notes(&chosen);
    assert_eq!(export.note_count(), 1);
    let first = export.to_json();
    assert!(
        !first.contains("unsigned-draft"),
        "the draft is not in the bundle"
    );
    assert_eq!(
        first,
        export.to_json(),
        "the same input gives the same bundle"
    );
    let value: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(resources(&value, "DocumentReference").len(), 1);
    assert_eq!(
        resources(&value, "DocumentReference")[0]["docStatus"],
        "final"
    );
}

#[test]
fn scored_questionnaires_are_observations_and_the_signed_plan_a_care_plan() {
    use crate::domain::measure::fixtures::make;
    use crate::domain::measure::{GAD_7, PHQ_9};
    use crate::domain::treatment_plan::plan_fixtures::ready_plan;
    let phq = make(&PHQ_9, &[Some(2); 9], "2024-03-05", 1);
    let gad = make(&GAD_7, &[Some(1); 7], "2024-03-05", 2);
    let mut unscored = [Some(1); 7];
    unscored[3] = None;
    let incomplete = make(&GAD_7, &unscored, "2024-03-06", 3);
    let unsigned = ready_plan();
    let client = client();
    let scope = ExportScope::Practice;
    let options = ExportOptions::default();
    let clinician = clinician();
    let clients = [&client];
    let results = [&phq, &gad, &incomplete];

    // An unsigned plan is no plan in force: no CarePlan.
    let plans = [&unsigned];
    let value: Value = serde_json::from_str(
        &FhirExport::new(&clinician, exported_at(), &scope, &options)
            .clients(&clients)
            .results(&results)
            .plans(&plans)
            .to_json(),
    )
    .unwrap();
    let observations = resources(&value, "Observation");
    let totals: Vec<(String, i64)> = observations
        .iter()
        .map(|o| {
            (
                o["code"]["coding"][0]["code"].as_str().unwrap().to_owned(),
                o["valueInteger"].as_i64().unwrap(),
            )
        })
        .collect();
    // The incomplete GAD-7 has no total, so no Observation.
    assert_eq!(
        totals,
        [("44261-6".to_owned(), 18), ("70274-6".to_owned(), 7)]
    );
    assert_eq!(observations[0]["effectiveDateTime"], "2024-03-05");
    assert_eq!(
        observations[0]["interpretation"][0]["text"],
        "Moderately severe"
    );
    assert_eq!(
        observations[0]["subject"]["reference"],
        resources(&value, "Patient")[0]["id"]
            .as_str()
            .map(|id| format!("urn:uuid:{id}"))
            .unwrap()
    );
    assert!(resources(&value, "CarePlan").is_empty());

    let mut signed_plan = ready_plan();
    let version = signed_plan
        .sign(&clinician, crate::domain::Timestamp(1_709_700_000_000))
        .unwrap()
        .clone();
    let plans = [&signed_plan];
    let value: Value = serde_json::from_str(
        &FhirExport::new(&clinician, exported_at(), &scope, &options)
            .clients(&clients)
            .plans(&plans)
            .to_json(),
    )
    .unwrap();
    let care_plans = resources(&value, "CarePlan");
    assert_eq!(care_plans.len(), 1);
    let plan = &care_plans[0];
    assert_eq!(plan["status"], "active");
    assert_eq!(plan["title"], "Treatment plan, version 1");
    assert!(plan["description"]
        .as_str()
        .unwrap()
        .starts_with("Problem: Depressed mood"));
    assert_eq!(
        plan["extension"][0]["extension"][2]["valueString"],
        version.signature().content_sha256.as_str()
    );
}
