//! Sample exports written to `target/export-samples/`, for the checks that run
//! outside Rust (`make test-node`):
//! - every FHIR bundle is validated against the official FHIR R4 JSON schema
//!   (`tests/node/fhir-schema.test.mjs`);
//! - every signed note in every file is verified by the recipient's verifier,
//!   `public/verify.js`, and every single-character change to a note's text,
//!   signer, time or addenda must be caught (`tests/node/verify.test.mjs`).
//!
//! The samples cover what could trip either check: a late entry, addendum
//! chains, present ideation, multi-line and non-ASCII text (4-byte characters,
//! CR LF, tabs), a session across midnight, a template change with a blank
//! leftover section, a client with a code and no name, several clients, a
//! draft (JSON only), an empty scope, a note whose goals and diagnoses are not
//! on its client's record, and notes signed under every canonical format (v3,
//! with the questionnaire results the note includes; v2, with the wording of
//! what the note refers to; and v1 from older versions of the app). Native only: the browser has no file system.

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use crate::domain::References;
use crate::domain::{
    Addendum, Client, ClientId, Ideation, ProgressNote, RiskAssessment, SignedProgressNote,
    Template, Timestamp,
};
use crate::export::fixtures::*;
use crate::export::{
    select, to_fhir, to_json, DateRange, ExportContent, ExportFormat, ExportOptions, ExportRequest,
    ExportScope,
};

/// `target/export-samples` under the crate root, where the node tests look.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/export-samples")
}

fn second_client() -> Client {
    let mut client = Client::new(ClientId("client-2".into()), "");
    client.code = Some("JM-12".into());
    client.archived = true;
    client
}

/// Multi-line, non-ASCII, with ideation present, signed, then amended once.
fn tricky_note() -> SignedProgressNote {
    let mut d = draft("n-tricky", "2024-03-12");
    d.set_section(
        "subjective",
        "Client said: \"I can't sleep\".\r\nSecond line\twith a tab — é, 日本語, \u{1F600}, </script>",
    );
    d.participants = "Client and mère".into();
    d.risk = RiskAssessment {
        suicidal: Ideation::Present {
            detail: "Passive ideation, no plan or intent.".into(),
        },
        homicidal: Ideation::Denied,
        safety_plan: "Call the crisis line; remove means.".into(),
    }
    .into();
    let end = Timestamp::from_date_time(date("2024-03-12"), d.end.expect("fixture has an end"));
    let mut note = d
        .sign(
            References::client(&client()),
            &clinician(),
            Timestamp(end.0 + HOUR),
            72,
            None,
        )
        .expect("tricky note signs");
    note.add_addendum(
        Addendum::new(
            "Ünïcödé addendum,\nover two lines.",
            &clinician(),
            Timestamp(end.0 + 5 * HOUR + 123),
        )
        .expect("addendum is valid"),
    );
    note
}

/// A session from 23:30 to 00:20, on a DAP note that still holds a blank SOAP
/// section from before the template change.
fn midnight_dap_note() -> SignedProgressNote {
    let mut d = draft("n-midnight", "2024-03-19");
    d.start = Some(crate::domain::TimeOfDay::parse("23:30").expect("time"));
    d.end = Some(crate::domain::TimeOfDay::parse("00:20").expect("time"));
    d.template = Template::Dap;
    d.sections.clear();
    d.set_section("data", "Crisis call, client safe at home.");
    d.set_section("assessment", "Acute distress, resolved.");
    d.set_section("plan", "Session on Friday.");
    d.set_section("subjective", "");
    d.crosses_midnight = true;
    let end = Timestamp::from_date_time(date("2024-03-20"), d.end.expect("end"));
    d.sign(
        References::client(&client()),
        &clinician(),
        Timestamp(end.0 + HOUR),
        72,
        None,
    )
    .expect("midnight note signs")
}

/// A note that includes the day's PHQ-9 (scored, with a band) and GAD-7 (too
/// incomplete to score), so signed under format v3.
fn note_with_results() -> SignedProgressNote {
    use crate::domain::measure::fixtures::make;
    use crate::domain::measure::{GAD_7, PHQ_9};
    use crate::domain::IncludedResult;
    let mut d = draft("n-results", "2024-03-21");
    let phq = [Some(2); 9];
    let mut gad = [Some(1); 7];
    gad[0] = None;
    gad[1] = None;
    d.measure_results = vec![
        IncludedResult::of(&make(&PHQ_9, &phq, "2024-03-21", 1)),
        IncludedResult::of(&make(&GAD_7, &gad, "2024-03-21", 2)),
    ];
    let end = Timestamp::from_date_time(date("2024-03-21"), d.end.expect("end"));
    d.sign(
        References::client(&client()),
        &clinician(),
        Timestamp(end.0 + HOUR),
        72,
        None,
    )
    .expect("note with results signs")
}

/// A note written with the clinician's own template (no session block, an
/// optional section left blank), signed under format v5, then amended.
fn custom_template_note() -> SignedProgressNote {
    use std::borrow::Cow;
    let section = |key: &'static str, label: &'static str, required| crate::domain::Section {
        key: Cow::Borrowed(key),
        label: Cow::Borrowed(label),
        required,
        hint: Cow::Borrowed("Said in the clinician's own words"),
    };
    let mut d = draft("n-custom", "2024-03-22");
    d.sections.clear();
    d.use_custom_template(crate::domain::CustomTemplate {
        id: "t-couples".into(),
        name: "Couples session — Gottman".into(),
        version: 3,
        sections: vec![
            section("c1", "Presenting concern", true),
            section("c4", "Repair attempts", false),
        ],
        blocks: crate::domain::Blocks {
            session: false,
            risk: true,
            goals: false,
        },
    });
    d.start = None;
    d.end = None;
    d.service_code = None;
    d.place_of_service = None;
    d.diagnoses_addressed.clear();
    d.goals_addressed.clear();
    d.set_section(
        "c1",
        "Both partners: \"we talk past each other\".\nSecond line.",
    );
    let day = Timestamp::from_date_time(
        date("2024-03-22"),
        crate::domain::TimeOfDay::parse("18:00").expect("time"),
    );
    let mut note = d
        .sign(References::client(&client()), &clinician(), day, 72, None)
        .expect("custom-template note signs");
    note.add_addendum(
        Addendum::new(
            "Corrected: the next session is in two weeks.",
            &clinician(),
            Timestamp(day.0 + HOUR),
        )
        .expect("addendum"),
    );
    note
}

/// A note signed by an older app, under format v1 (no wording kept), then
/// amended: it must keep verifying.
fn legacy_v1_note() -> SignedProgressNote {
    let mut note = signed("n-legacy", "2023-11-14").into_signed_under_v1();
    let at = Timestamp(note.signature().signed_at.0 + 2 * HOUR);
    note.add_addendum(
        Addendum::new("Addendum to an older note.", &clinician(), at).expect("addendum"),
    );
    note
}

fn write(kind: &str, name: &str, text: &str) {
    let dir = samples_dir().join(kind);
    std::fs::create_dir_all(&dir).expect("target/export-samples is writable");
    std::fs::write(dir.join(format!("{name}.json")), text).expect("sample is written");
}

/// Writes one sample in both formats, choosing among `notes` as the app
/// does; `records` holds everything else the file carries.
fn write_both(
    name: &str,
    notes: &[ProgressNote],
    scope: ExportScope,
    options: ExportOptions,
    records: ExportContent<'_>,
) {
    for format in [ExportFormat::Json, ExportFormat::Fhir] {
        let request = ExportRequest {
            format,
            scope: scope.clone(),
            options,
        };
        let options = request.effective_options();
        let chosen = select(notes, request.scope.client_id(), &options);
        let text = match format {
            ExportFormat::Fhir => to_fhir(
                &clinician(),
                &ExportContent {
                    notes: &chosen,
                    ..records
                },
                exported_at(),
                &request.scope,
                &options,
            ),
            _ => to_json(
                &clinician(),
                &ExportContent {
                    notes: &chosen,
                    ..records
                },
                exported_at(),
                &request.scope,
                &options,
            ),
        };
        let kind = if format == ExportFormat::Fhir {
            "fhir"
        } else {
            "json"
        };
        write(kind, name, &text);
    }
}

#[test]
fn write_sample_exports() {
    let one = client();
    let two = second_client();
    let client_scope = ExportScope::Client {
        client_id: one.id.clone(),
    };

    write_both(
        "late-note-with-two-addenda",
        &[ProgressNote::Signed(late_note_with_two_addenda())],
        client_scope.clone(),
        ExportOptions::default(),
        ExportContent {
            clients: &[&one],
            notes: &[],
            results: &[],
            plans: &[],
            amendments: &[],
        },
    );

    let mut other = signed("n-other", "2024-02-01");
    let mut other_draft = other.content().clone();
    other_draft.client_id = two.id.clone();
    other_draft.id = crate::domain::ProgressNoteId("n-other".into());
    other = other_draft
        .sign(
            References::client(&two),
            &clinician(),
            Timestamp(other.signature().signed_at.0),
            72,
            None,
        )
        .expect("other client's note signs");
    // The day's PHQ-9 (scored: an Observation) and GAD-7 (too incomplete to
    // score: none), and client-1's signed treatment plan (a CarePlan).
    let phq = crate::domain::measure::fixtures::make(
        &crate::domain::measure::PHQ_9,
        &[Some(2); 9],
        "2024-03-21",
        1,
    );
    let mut gad_answers = [Some(1); 7];
    gad_answers[0] = None;
    let gad = crate::domain::measure::fixtures::make(
        &crate::domain::measure::GAD_7,
        &gad_answers,
        "2024-03-21",
        2,
    );
    let results = [&phq, &gad];
    let mut plan = crate::domain::treatment_plan::plan_fixtures::ready_plan();
    plan.sign(&clinician(), Timestamp(1_709_700_000_000))
        .expect("the fixture plan signs");
    let plans = [&plan];
    // A denied amendment with the client's statement and a rebuttal, on
    // n-plain: it travels with the note without touching its digest.
    let mut denied = crate::domain::rights::fixtures::denied_amendment("r-denied", &["n-plain"]);
    denied
        .record_statement(date("2024-03-20"), "I said \"tired\", not \"anxious\" — é.")
        .expect("statement");
    denied
        .record_rebuttal(
            date("2024-03-25"),
            "The note stands.",
            &crate::domain::progress_note::fixtures::clinician(),
        )
        .expect("rebuttal");
    let amendments =
        crate::domain::rights::decided_amendments(&[crate::domain::RightsRequest::from(denied)]);
    let practice_notes = vec![
        ProgressNote::Signed(late_note_with_two_addenda()),
        ProgressNote::Signed(tricky_note()),
        ProgressNote::Signed(midnight_dap_note()),
        ProgressNote::Signed(signed("n-plain", "2024-01-09")),
        ProgressNote::Signed(other),
        ProgressNote::Signed(legacy_v1_note()),
        ProgressNote::Signed(note_with_results()),
        ProgressNote::Signed(custom_template_note()),
        ProgressNote::Draft(draft("d-draft", "2024-03-26")),
    ];
    write_both(
        "practice-with-drafts-asked-for",
        &practice_notes,
        ExportScope::Practice,
        ExportOptions {
            range: DateRange::ALL,
            include_drafts: true,
        },
        ExportContent {
            clients: &[&one, &two],
            notes: &[],
            results: &results,
            plans: &plans,
            amendments: &amendments,
        },
    );
    write_both(
        "first-quarter",
        &practice_notes,
        client_scope.clone(),
        ExportOptions {
            range: DateRange {
                from: Some(date("2024-01-01")),
                to: Some(date("2024-03-15")),
            },
            include_drafts: false,
        },
        ExportContent {
            clients: &[&one],
            notes: &[],
            results: &[],
            plans: &[],
            amendments: &[],
        },
    );
    write_both(
        "legacy-v1-note",
        &[ProgressNote::Signed(legacy_v1_note())],
        ExportScope::Client {
            client_id: one.id.clone(),
        },
        ExportOptions::default(),
        ExportContent {
            clients: &[&one],
            notes: &[],
            results: &[],
            plans: &[],
            amendments: &[],
        },
    );
    write_both(
        "no-notes",
        &[],
        client_scope,
        ExportOptions::default(),
        ExportContent {
            clients: &[&one],
            notes: &[],
            results: &[],
            plans: &[],
            amendments: &[],
        },
    );

    // Every sample is JSON that parses, and each format has all four.
    for kind in ["json", "fhir"] {
        let files: Vec<_> = std::fs::read_dir(samples_dir().join(kind))
            .expect("samples were written")
            .map(|entry| entry.expect("entry").path())
            .collect();
        assert!(files.len() >= 4, "{kind}: {files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            serde_json::from_str::<serde_json::Value>(&text).expect("sample is JSON");
        }
    }
}
