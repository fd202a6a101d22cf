//! The machine-readable export: progress notes and their clients as one JSON file.
//!
//! This is the electronic copy a client may ask for under 45 CFR 164.524, and the
//! file a practice takes to another system. The format is documented field by
//! field in `docs/export-format.md`; its serde structs are in `json_model`.

use std::borrow::Cow;

use super::json_model::{
    Document, JsonClient, JsonClinician, JsonMeasureResult, JsonNote, JsonScope,
};
use super::json_plan::JsonPlan;
use super::time_format::iso_local;
use super::{ExportOptions, ExportScope};
use crate::domain::measure::MeasureResult;
use crate::domain::{
    AmendmentOutcome, Client, ClientId, ClinicianProfile, ProgressNote, Timestamp, TreatmentPlan,
};

/// The `format` field of every export file, so a reader can tell it from other JSON.
pub const EXPORT_FORMAT: &str = "psynotes-progress-notes";

/// The `version` field. Raised whenever a field changes meaning or disappears;
/// adding a field does not raise it.
pub const EXPORT_VERSION: u32 = 1;

/// Client `id` from `clients`; a bare record with that id when it is not among
/// them, so a note's references show as not known rather than borrowing
/// another client's wording.
pub(super) fn client_of<'a>(clients: &[&'a Client], id: &ClientId) -> Cow<'a, Client> {
    clients.iter().find(|client| client.id == *id).map_or_else(
        || Cow::Owned(Client::new(id.clone(), "")),
        |client| Cow::Borrowed(*client),
    )
}

/// What one export file holds: records the export layer may see, never a
/// psychotherapy note (see the module doc of `export`).
#[derive(Clone, Copy)]
pub struct ExportContent<'a> {
    pub clients: &'a [&'a Client],
    pub notes: &'a [&'a ProgressNote],
    pub results: &'a [&'a MeasureResult],
    pub plans: &'a [&'a TreatmentPlan],
    /// Decided amendment requests (164.526): each note carries those that
    /// concern it, denials with the client's statement of disagreement and any
    /// rebuttal (164.526(d)(5)). Outcomes of notes not exported are ignored.
    pub amendments: &'a [AmendmentOutcome],
}

/// The export file, pretty-printed.
///
/// Writes `clients`, `notes`, questionnaire `results` and treatment `plans`
/// exactly as given, in the given order: choose and sort them with
/// [`select`](super::select), [`select_results`](super::select_results) and
/// [`select_plans`](super::select_plans) first. A plan's draft is written only
/// when `options` asks for drafts. `scope` and `options` are
/// recorded in the file so a reader knows what was asked for. `exported_at` should
/// be on the same wall-clock footing as the notes' times (see the module doc of
/// `time_format`).
pub fn to_json(
    clinician: &ClinicianProfile,
    content: &ExportContent<'_>,
    exported_at: Timestamp,
    scope: &ExportScope,
    options: &ExportOptions,
) -> String {
    let ExportContent {
        clients,
        notes,
        results,
        plans,
        amendments,
    } = *content;
    let document = Document {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exported_at: iso_local(exported_at),
        clinician: JsonClinician::from(clinician),
        scope: JsonScope::new(scope, options),
        clients: clients.iter().map(|c| JsonClient::from(*c)).collect(),
        progress_notes: notes
            .iter()
            .map(|note| {
                JsonNote::new(note, &client_of(clients, note.client_id()))
                    .with_amendments(amendments)
            })
            .collect(),
        measure_results: results
            .iter()
            .map(|r| JsonMeasureResult::from(*r))
            .collect(),
        treatment_plans: plans
            .iter()
            .map(|plan| JsonPlan::new(plan, options.include_drafts))
            .collect(),
    };
    // Strings, numbers, booleans and arrays of structs with string keys always
    // serialize; there is no map with non-string keys and no fallible Serialize.
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::domain::{Ideation, ProgressNote, RiskAssessment, ServiceCode};
    use crate::export::fixtures::*;
    use crate::export::{select, DateRange};

    fn export(notes: &[&ProgressNote], options: &ExportOptions) -> Value {
        let client = client();
        let scope = ExportScope::Client {
            client_id: client.id.clone(),
        };
        let json = to_json(
            &clinician(),
            &ExportContent {
                clients: &[&client],
                notes,
                results: &[],
                plans: &[],
                amendments: &[],
            },
            exported_at(),
            &scope,
            options,
        );
        serde_json::from_str(&json).expect("the export is valid JSON")
    }

    fn strings(value: &Value) -> Vec<&str> {
        match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().flat_map(strings).collect(),
            Value::Object(map) => map.values().flat_map(strings).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn parses_back_with_format_version_and_scope() {
        let note = ProgressNote::Signed(signed("n-1", "2024-03-05"));
        let value = export(&[&note], &ExportOptions::default());
        assert_eq!(value["format"], "psynotes-progress-notes");
        assert_eq!(value["version"], 1);
        assert_eq!(value["exported_at"], "2024-04-01T19:33:20.000");
        assert_eq!(value["clinician"]["name"], "Jane Doe");
        assert_eq!(value["clinician"]["credentials"], "LCSW");
        assert_eq!(value["scope"]["kind"], "client");
        assert_eq!(value["scope"]["client_id"], "client-1");
        assert_eq!(value["scope"]["from"], Value::Null);
        assert_eq!(value["scope"]["include_drafts"], false);
        assert_eq!(value["progress_notes"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn a_signed_note_carries_every_section_signature_addendum_and_late_entry() {
        let signed = late_note_with_two_addenda();
        let note = ProgressNote::Signed(signed.clone());
        let value = export(&[&note], &ExportOptions::default());
        let n = &value["progress_notes"][0];

        assert_eq!(n["id"], "note-1");
        assert_eq!(n["client_id"], "client-1");
        assert_eq!(n["status"], "signed");
        assert_eq!(n["template"], "SOAP");
        assert_eq!(n["date_of_service"], "2024-03-05");
        assert_eq!(n["start"], "14:00");
        assert_eq!(n["end"], "14:50");
        assert_eq!(n["duration_minutes"], 50);
        assert_eq!(n["service_code"]["code"], "90834");
        // The domain's wording; spelled out here it would trip the source check in
        // `leak_tests`, which refuses the word for the private note type anywhere.
        assert_eq!(
            n["service_code"]["description"],
            ServiceCode::Cpt90834.description()
        );
        assert_eq!(n["place_of_service"]["code"], "11");
        assert_eq!(n["place_of_service"]["label"], "Office");
        assert_eq!(n["participants"], "Client");
        assert_eq!(n["diagnoses_addressed"][0], "F41.1");
        assert_eq!(n["goals_addressed"][0]["goal_id"], "goal-1");
        assert_eq!(n["goals_addressed"][0]["progress"], "improved");
        assert_eq!(n["risk"]["suicidal"]["status"], "denied");
        assert_eq!(n["risk"]["suicidal"]["detail"], Value::Null);

        // Sections in template order, each with its text.
        let keys: Vec<&str> = n["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["subjective", "objective", "assessment", "plan"]);
        for (i, key) in keys.iter().enumerate() {
            let text = signed.section(key);
            assert!(!text.is_empty());
            assert_eq!(n["sections"][i]["text"], text);
        }
        assert_eq!(n["sections"][0]["label"], "Subjective");

        let signature = signed.signature();
        assert_eq!(n["signature"]["signer_name"], "Jane Doe");
        assert_eq!(n["signature"]["credentials"], "LCSW");
        assert_eq!(n["signature"]["signed_at"], "2024-03-08T22:50:00.000");
        assert_eq!(
            n["signature"]["content_sha256"],
            signature.content_sha256.as_str()
        );

        assert_eq!(
            n["late_entry"]["reason"],
            "Clinician was ill; written on return."
        );
        assert_eq!(n["late_entry"]["written_at"], "2024-03-08T22:50:00.000");
        assert_eq!(n["late_entry"]["hours_after_service"], 80);

        assert_eq!(n["addenda"].as_array().map(Vec::len), Some(2));
        for (i, addendum) in signed.addenda().iter().enumerate() {
            let a = &n["addenda"][i];
            assert_eq!(a["text"], addendum.text());
            assert_eq!(a["signer_name"], "Jane Doe");
            assert_eq!(a["credentials"], "LCSW");
            assert_eq!(a["content_sha256"], addendum.content_sha256());
            assert_eq!(addendum.content_sha256().len(), 64);
        }
        assert_eq!(n["addenda"][0]["signed_at"], "2024-03-08T23:50:00.000");
    }

    #[test]
    fn a_signed_note_names_its_canonical_formats_and_carries_its_seal() {
        let signed = late_note_with_two_addenda();
        let note = ProgressNote::Signed(signed.clone());
        let draft = ProgressNote::Draft(draft("d-1", "2024-03-12"));
        let value = export(&[&note, &draft], &ExportOptions::default());
        let n = &value["progress_notes"][0];
        assert_eq!(
            n["signature"]["content_format"],
            "psynotes/progress-note/v2"
        );
        assert_eq!(n["referenced_wording"]["signed"], true);
        assert_eq!(
            n["referenced_wording"]["goals"][0]["goal_text"],
            "Sleep at least 7 hours a night"
        );
        assert_eq!(
            n["referenced_wording"]["goals"][0]["objective_text"],
            Value::Null
        );
        assert_eq!(
            n["referenced_wording"]["diagnoses"][0]["description"],
            "Generalized anxiety disorder"
        );
        assert_eq!(n["addenda"][0]["format"], "psynotes/addendum/v1");
        assert_eq!(n["addenda"][1]["format"], "psynotes/addendum/v1");
        assert_eq!(n["seal"]["format"], "psynotes/signed-record/v1");
        assert_eq!(n["seal"]["sha256"], signed.seal_sha256().as_str());
        assert_eq!(value["progress_notes"][1]["seal"], Value::Null);
        // A draft's wording is the client's, and not signed.
        assert_eq!(
            value["progress_notes"][1]["referenced_wording"]["signed"],
            false
        );

        // A note signed before wording was kept names v1, and its wording is
        // the client's current one.
        let legacy = ProgressNote::Signed(signed.into_signed_under_v1());
        let value = export(&[&legacy], &ExportOptions::default());
        let n = &value["progress_notes"][0];
        assert_eq!(
            n["signature"]["content_format"],
            "psynotes/progress-note/v1"
        );
        assert_eq!(n["referenced_wording"]["signed"], false);
        assert_eq!(
            n["referenced_wording"]["goals"][0]["goal_text"],
            "Sleep at least 7 hours a night"
        );
    }

    #[test]
    fn present_ideation_keeps_its_detail_and_the_safety_plan() {
        let mut draft = draft("n-1", "2024-03-05");
        draft.risk = RiskAssessment {
            suicidal: Ideation::Present {
                detail: "Passive ideation, no plan.".into(),
            },
            homicidal: Ideation::Denied,
            safety_plan: "Call the crisis line; remove means.".into(),
        }
        .into();
        let note = ProgressNote::Draft(draft);
        let value = export(&[&note], &ExportOptions::default());
        let risk = &value["progress_notes"][0]["risk"];
        assert_eq!(risk["suicidal"]["status"], "present");
        assert_eq!(risk["suicidal"]["detail"], "Passive ideation, no plan.");
        assert_eq!(risk["homicidal"]["status"], "denied");
        assert_eq!(risk["safety_plan"], "Call the crisis line; remove means.");
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for_and_then_marked() {
        let notes = vec![
            ProgressNote::Signed(signed("s-1", "2024-03-05")),
            ProgressNote::Draft(draft("d-1", "2024-03-12")),
        ];
        let client = client();
        let without = ExportOptions::default();
        let chosen = select(&notes, Some(&client.id), &without);
        let value = export(&chosen, &without);
        let exported = value["progress_notes"].as_array().unwrap();
        assert_eq!(exported.len(), 1);
        assert_eq!(exported[0]["id"], "s-1");

        let with = ExportOptions {
            include_drafts: true,
            ..ExportOptions::default()
        };
        let chosen = select(&notes, Some(&client.id), &with);
        let value = export(&chosen, &with);
        let exported = value["progress_notes"].as_array().unwrap();
        assert_eq!(exported.len(), 2);
        assert_eq!(exported[0]["status"], "signed");
        assert_eq!(exported[1]["id"], "d-1");
        assert_eq!(exported[1]["status"], "draft");
        assert_eq!(exported[1]["signature"], Value::Null);
        assert_eq!(exported[1]["late_entry"], Value::Null);
        assert_eq!(exported[1]["addenda"], Value::Array(Vec::new()));
        assert_eq!(value["scope"]["include_drafts"], true);
    }

    #[test]
    fn the_date_range_is_recorded_and_filters_inclusively() {
        let notes = vec![
            ProgressNote::Signed(signed("before", "2023-12-31")),
            ProgressNote::Signed(signed("first-day", "2024-01-01")),
            ProgressNote::Signed(signed("last-day", "2024-03-31")),
            ProgressNote::Signed(signed("after", "2024-04-01")),
        ];
        let options = ExportOptions {
            range: DateRange {
                from: Some(date("2024-01-01")),
                to: Some(date("2024-03-31")),
            },
            include_drafts: false,
        };
        let chosen = select(&notes, None, &options);
        let value = export(&chosen, &options);
        let ids: Vec<&str> = value["progress_notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["first-day", "last-day"]);
        assert_eq!(value["scope"]["from"], "2024-01-01");
        assert_eq!(value["scope"]["to"], "2024-03-31");
    }

    #[test]
    fn every_client_field_is_exported() {
        let value = export(&[], &ExportOptions::default());
        let c = &value["clients"][0];
        assert_eq!(c["id"], "client-1");
        assert_eq!(c["name"], "Alex Rivera");
        assert_eq!(c["code"], "AR-07");
        assert_eq!(c["date_of_birth"], "1990-04-02");
        assert_eq!(c["pronouns"], "they/them");
        assert_eq!(c["diagnoses"][0]["code"], "F41.1");
        assert_eq!(
            c["diagnoses"][0]["description"],
            "Generalized anxiety disorder"
        );
        assert_eq!(c["diagnoses"][0]["primary"], true);
        assert_eq!(c["goals"][0]["id"], "goal-1");
        assert_eq!(c["goals"][0]["text"], "Sleep at least 7 hours a night");
        assert_eq!(c["goals"][0]["target_date"], Value::Null);
        assert_eq!(c["goals"][0]["status"], "active");
        assert_eq!(c["archived"], false);
    }

    #[test]
    fn text_with_quotes_newlines_and_non_ascii_survives() {
        let mut draft = draft("n-1", "2024-03-05");
        let tricky = "She said \"no\".\nLine two — é, 日本語, \u{1F600}, </script>";
        draft.set_section("plan", tricky);
        let note = ProgressNote::Draft(draft);
        let value = export(&[&note], &ExportOptions::default());
        assert!(strings(&value).contains(&tricky));
    }

    #[test]
    fn questionnaire_results_carry_every_answer_the_score_and_the_flag() {
        use crate::domain::measure::fixtures::{make, phq9};
        use crate::domain::measure::GAD_7;
        use crate::export::select_results;

        let client = client();
        let scope = ExportScope::Client {
            client_id: client.id.clone(),
        };
        let complete = phq9([1, 2, 0, 3, 1, 0, 2, 1, 2], "2024-03-05", 1);
        // Items 2 and 7 unanswered: incomplete, never scored as zero.
        let mut answers = [Some(1u8); 7];
        answers[1] = None;
        answers[6] = None;
        let incomplete = make(&GAD_7, &answers, "2024-03-01", 2);
        let mut elsewhere = phq9([0; 9], "2024-03-05", 3);
        elsewhere = serde_json::from_value({
            let mut v = serde_json::to_value(&elsewhere).unwrap();
            v["client_id"] = "client-2".into();
            v
        })
        .unwrap();
        let all = vec![complete, incomplete, elsewhere];
        let options = ExportOptions::default();
        let selected = select_results(&all, scope.client_id(), &options);
        let json = to_json(
            &clinician(),
            &ExportContent {
                clients: &[&client],
                notes: &[],
                results: &selected,
                plans: &[],
                amendments: &[],
            },
            exported_at(),
            &scope,
            &options,
        );
        let value: Value = serde_json::from_str(&json).unwrap();
        let results = value["measure_results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "the other client's result stays out");
        // In the order given.
        let gad = &results[0];
        assert_eq!(gad["measure"], "gad-7");
        assert_eq!(gad["administered_on"], "2024-03-01");
        assert_eq!(gad["status"], "incomplete");
        assert_eq!(gad["total"], Value::Null);
        assert_eq!(gad["band"], Value::Null);
        assert_eq!(gad["missing_items"], serde_json::json!([2, 7]));
        assert_eq!(gad["items"][1]["answer"], Value::Null);

        let phq = &results[1];
        assert_eq!(phq["measure"], "phq-9");
        assert_eq!(phq["measure_name"], "PHQ-9");
        assert_eq!(phq["measure_version"], 1);
        assert_eq!(phq["status"], "complete");
        assert_eq!(phq["total"], 12);
        assert_eq!(phq["band"], "Moderate");
        assert_eq!(phq["administered_by"], "Jane Doe, LCSW");
        assert_eq!(phq["mode"], "self_report");
        assert_eq!(phq["loinc_total"], "44261-6");
        assert_eq!(phq["items"].as_array().unwrap().len(), 9);
        assert_eq!(phq["items"][8]["number"], 9);
        assert_eq!(phq["items"][8]["answer"], "More than half the days");
        assert_eq!(phq["items"][8]["value"], 2);
        assert_eq!(phq["follow_up"]["answer"], "Very difficult");
        assert_eq!(phq["risk_flags"][0]["item"], 9);
        assert_eq!(phq["risk_flags"][0]["finding"], "endorsed");
    }

    #[test]
    fn plans_carry_every_signed_version_and_the_draft_only_when_asked() {
        use crate::domain::progress_note::fixtures::clinician as signer;
        use crate::domain::treatment_plan::plan_fixtures::{at, ready_plan};
        let mut plan = ready_plan();
        plan.sign(&signer(), at("2025-01-07")).unwrap();
        plan.revise(at("2025-02-01")).unwrap();
        let client = client();
        let scope = ExportScope::Practice;
        let export = |options: &ExportOptions| -> Value {
            serde_json::from_str(&to_json(
                &clinician(),
                &ExportContent {
                    clients: &[&client],
                    notes: &[],
                    results: &[],
                    plans: &[&plan],
                    amendments: &[],
                },
                exported_at(),
                &scope,
                options,
            ))
            .unwrap()
        };
        let value = export(&ExportOptions::default());
        let plans = &value["treatment_plans"];
        assert_eq!(plans.as_array().map(Vec::len), Some(1));
        let p = &plans[0];
        assert_eq!(p["client_id"], "client-1");
        assert_eq!(p["versions"].as_array().map(Vec::len), Some(1));
        let v1 = &p["versions"][0];
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["content_format"], "psynotes/treatment-plan/v1");
        assert_eq!(
            v1["content_sha256"],
            plan.versions()[0].signature().content_sha256.as_str()
        );
        let objective = &v1["content"]["problems"][0]["goals"][0]["objectives"][0];
        assert_eq!(objective["measured_by"], "score");
        assert_eq!(objective["measure"], "phq-9");
        assert_eq!(objective["comparison"], "below");
        assert_eq!(objective["target"], "10");
        assert_eq!(objective["described"], "PHQ-9 below 10 (baseline 16)");
        assert_eq!(
            v1["content"]["problems"][0]["goals"][0]["interventions"][0]["provider"],
            "Jane Doe, LCSW"
        );
        // The revision being written is a draft: only when drafts are asked for.
        assert_eq!(p["draft"], Value::Null);
        let with_drafts = export(&ExportOptions {
            include_drafts: true,
            ..ExportOptions::default()
        });
        assert_eq!(with_drafts["treatment_plans"][0]["draft"]["version"], 2);
    }
}
