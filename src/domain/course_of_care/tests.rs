use super::mse::tests::unremarkable;
use super::mse::{Observation, ThoughtContent};
use super::*;
use crate::domain::icd10::{CodeList, Icd10Code};
use crate::domain::safety_plan::SafetyPlanLink;
use crate::domain::{ClientId, Date, Goal, Ideation, Timestamp};

const LIST: &str = include_str!("../../../assets/icd10cm/icd10cm-mh.tsv");

fn list() -> CodeList {
    CodeList::parse(LIST).unwrap()
}

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn client() -> ClientId {
    ClientId("client-1".into())
}

pub(crate) fn intake() -> IntakeAssessment {
    let mut intake = IntakeAssessment::new(IntakeId("intake-1".into()), client(), Timestamp(1_000));
    intake.date_of_service = Some(date("2026-03-05"));
    intake.identifying_information = "34-year-old woman, she/her, lives with partner.".into();
    intake.referral = Referral {
        source: Some(ReferralSource::PrimaryCare),
        detail: "Dr. Patel, for anxiety".into(),
    };
    intake.presenting_problem = "\"I can't switch off.\"".into();
    intake.history_of_present_illness =
        "Worry most days for a year, worse since a job change.".into();
    intake.psychiatric_history = "None reported".into();
    intake.substance_use_history = "Two glasses of wine a week.".into();
    intake.medical_history = "Asthma; albuterol as needed.".into();
    intake.family_history = "Mother: depression.".into();
    intake.social_history = "Accountant; close to her sister.".into();
    intake.mental_status = unremarkable();
    intake.risk = Some(IntakeRisk::low_all_denied(
        "No ideation, no history; supports in place.",
    ));
    intake.diagnoses = vec![list().diagnosis("F41.1", "").unwrap()];
    intake.initial_plan = "Weekly CBT for worry; GAD-7 every 4 weeks.".into();
    intake.updated_at = Timestamp(2_000);
    intake
}

pub(crate) fn discharge() -> DischargeSummary {
    let goals = [Goal::new("g1", "Worry under an hour a day")];
    let mut summary = DischargeSummary::new(
        DischargeId("discharge-1".into()),
        client(),
        &goals,
        Timestamp(5_000),
    );
    summary.reason = Some(DischargeReason::GoalsMet);
    summary.first_date_of_service = Some(date("2026-03-05"));
    summary.last_date_of_service = Some(date("2026-06-25"));
    summary.services_provided = "Individual psychotherapy (90834), 15 sessions.".into();
    summary.goals[0].outcome = Some(GoalOutcome::Met);
    summary.diagnoses_at_discharge = vec![list().diagnosis("F41.1", "").unwrap()];
    summary.referrals_and_aftercare = "None needed; may return at any time.".into();
    summary.measures = vec![MeasureChange {
        instrument: "GAD-7".into(),
        first: ScoreOn {
            date: date("2026-03-05"),
            score: 15,
        },
        latest: ScoreOn {
            date: date("2026-06-25"),
            score: 4,
        },
    }];
    summary
}

fn fields(result: Result<(), Vec<ValidationIssue>>) -> Vec<String> {
    result
        .unwrap_err()
        .into_iter()
        .map(|issue| issue.field)
        .collect()
}

#[test]
fn template_names_match_the_ui_contract() {
    assert_eq!(IntakeAssessment::TEMPLATE_NAME, "Intake assessment");
    assert_eq!(DischargeSummary::TEMPLATE_NAME, "Discharge summary");
}

#[test]
fn a_complete_intake_can_be_signed() {
    assert_eq!(intake().validate_for_signing(), Ok(()));
}

#[test]
fn an_empty_intake_lists_everything_missing() {
    let empty = IntakeAssessment::new(IntakeId("i".into()), client(), Timestamp(0));
    let fields = fields(empty.validate_for_signing());
    for expected in [
        "Date of service",
        "Referral source",
        "Identifying information",
        "Presenting problem",
        "History of present illness",
        "Psychiatric history",
        "Substance use history",
        "Medical history",
        "Family history",
        "Social history",
        "Initial plan",
        "Appearance",
        "Judgment",
        "Risk assessment",
        "Diagnoses",
    ] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
}

#[test]
fn present_suicidal_ideation_needs_plan_intent_and_a_safety_plan() {
    let mut intake = intake();
    let mut risk = IntakeRisk::low_all_denied("Passive ideation.");
    risk.suicidal_ideation = SuicidalIdeation::Present {
        detail: "Passive thoughts, twice a week.".into(),
        plan: None,
        intent: Some(Answer::No),
    };
    intake.risk = Some(risk.clone());
    let issues = intake.validate_for_signing().unwrap_err();
    let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(issues.len(), 2, "{messages:?}");
    assert!(messages[0].contains("plan"));
    assert!(messages[1].contains("safety plan"));

    risk.suicidal_ideation = SuicidalIdeation::Present {
        detail: "Passive thoughts, twice a week.".into(),
        plan: Some(Answer::No),
        intent: Some(Answer::No),
    };
    risk.safety_plan = Some(SafetyPlanLink {
        client_id: client(),
        version: 1,
    });
    intake.risk = Some(risk.clone());
    assert_eq!(intake.validate_for_signing(), Ok(()));

    let note_risk = risk.to_risk_assessment();
    assert_eq!(
        note_risk.suicidal,
        Ideation::Present {
            detail: "Passive thoughts, twice a week. Plan: no. Intent: no.".into()
        }
    );
    assert_eq!(note_risk.safety_plan, "Safety plan version 1");
    assert_eq!(note_risk.validate(), Ok(()));
}

#[test]
fn moderate_risk_needs_a_safety_plan_and_unasked_questions_are_refused() {
    let mut risk = IntakeRisk::low_all_denied("History of attempt at 19.");
    risk.level = Some(RiskLevel::Moderate);
    risk.access_to_lethal_means = None;
    let fields: Vec<String> = risk.validate().into_iter().map(|i| i.field).collect();
    assert_eq!(fields, ["Access to lethal means", "Safety plan"]);
    assert_eq!(
        IntakeRisk::low_all_denied(" ").validate()[0].field,
        "Risk formulation"
    );
}

#[test]
fn the_exam_and_the_risk_block_must_agree_on_ideation() {
    let mut intake = intake();
    intake.mental_status.thought_content =
        Observation::of(&[ThoughtContent::SuicidalIdeation], "Passive.");
    let issues = intake.validate_for_signing().unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field, "Risk assessment");
    assert!(issues[0].message.contains("agree"));
}

#[test]
fn diagnoses_must_be_specific_distinct_and_described() {
    let list = list();
    let mut issues = Vec::new();
    check_diagnoses(
        "Diagnoses",
        &[
            list.diagnosis("F41", "").unwrap(),
            list.diagnosis("f411", "").unwrap(),
            list.diagnosis("F41.1", "").unwrap(),
            list.diagnosis("R45.851", " ").unwrap(),
        ],
        &mut issues,
    );
    let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].starts_with("F41 is a category"));
    assert!(messages[1].starts_with("F41.1 is listed twice"));
    assert!(messages[2].starts_with("R45.851 has no description"));

    // A free-typed code with a description is fine.
    let mut issues = Vec::new();
    let typed =
        CodedDiagnosis::not_in_list(Icd10Code::parse("R45.851").unwrap(), "Suicidal ideations");
    check_diagnoses("Diagnoses", &[typed], &mut issues);
    assert!(issues.is_empty());
}

#[test]
fn a_complete_discharge_can_be_signed() {
    let summary = discharge();
    assert_eq!(summary.validate_for_signing(), Ok(()));
    assert_eq!(summary.measures[0].change(), -11);
    assert_eq!(summary.goals[0].goal_text, "Worry under an hour a day");
}

#[test]
fn an_empty_discharge_lists_everything_missing() {
    let goals = [Goal::new("g1", "Sleep 7 hours")];
    let empty = DischargeSummary::new(DischargeId("d".into()), client(), &goals, Timestamp(0));
    assert_eq!(
        fields(empty.validate_for_signing()),
        [
            "Reason for discharge",
            "First date of service",
            "Last date of service",
            "Services provided",
            "Progress on goals",
            "Diagnoses at discharge",
            "Referrals and aftercare"
        ]
    );
}

#[test]
fn discharge_dates_reasons_and_measures_are_checked() {
    let mut summary = discharge();
    summary.first_date_of_service = Some(date("2026-07-01"));
    summary.reason = Some(DischargeReason::StoppedAttending);
    summary.measures[0].latest.date = date("2026-01-01");
    let issues = summary.validate_for_signing().unwrap_err();
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        ["Reason for discharge", "Last date of service", "Measures"]
    );
    assert!(issues[0].message.contains("attempts made to reach"));
    assert!(issues[1].message.contains("2026-06-25"));

    summary = discharge();
    summary.reason = Some(DischargeReason::Other);
    summary.reason_detail = "Client started a residential program abroad.".into();
    assert_eq!(summary.validate_for_signing(), Ok(()));
}

#[test]
fn stored_forms_round_trip() {
    let intake = intake();
    let json = serde_json::to_string(&intake).unwrap();
    assert_eq!(
        serde_json::from_str::<IntakeAssessment>(&json).unwrap(),
        intake
    );
    assert!(
        json.contains(r#""suicidal_ideation":{"status":"denied"}"#),
        "{json}"
    );
    let summary = discharge();
    let json = serde_json::to_string(&summary).unwrap();
    assert_eq!(
        serde_json::from_str::<DischargeSummary>(&json).unwrap(),
        summary
    );
    assert!(json.contains(r#""reason":"goals_met""#));
}

#[test]
fn canonical_text_is_explicit_and_versioned() {
    let text = discharge().canonical_content();
    let expected = "psynotes/discharge/v1
id=11:discharge-1
client_id=8:client-1
reason=9:goals_met
reason_detail=0:
first_date_of_service=10:2026-03-05
last_date_of_service=10:2026-06-25
services_provided=46:Individual psychotherapy (90834), 15 sessions.
goals#1
goal_id=2:g1
goal_text=25:Worry under an hour a day
outcome=3:met
note=0:
diagnoses_at_discharge#1
code=5:F41.1
description=28:Generalized anxiety disorder
origin=7:in_list
year=4:2026
billable=3:yes
referrals_and_aftercare=36:None needed; may return at any time.
measures#1
instrument=5:GAD-7
first_date=10:2026-03-05
first_score=2:15
latest_date=10:2026-06-25
latest_score=1:4
created_at=4:5000
updated_at=4:5000
";
    assert_eq!(text, expected);

    let intake = intake().canonical_content();
    assert!(intake.starts_with("psynotes/intake/v1\nid=8:intake-1\n"));
    for line in [
        "\nreferral_source=12:primary_care\n",
        "\nmse.speech#1\nchoice=6:normal\nnote=0:\n",
        "\nmse.mood#1\nchoice=7:anxious\nnote=9:\"on edge\"\n",
        "\nmse.insight=4:fair\nnote=0:\n",
        "\nrisk#1\nrisk.suicidal=6:denied\nrisk.past_attempts=2:no\n",
        "\nrisk.level=3:low\n",
        "\nrisk.safety_plan=-\n",
        "\ndiagnoses#1\ncode=5:F41.1\n",
    ] {
        assert!(intake.contains(line), "{line:?} not in\n{intake}");
    }
}

#[test]
fn content_hashes_are_stable_and_cover_every_block() {
    // Computed once and pasted: if these change, signatures over v1 would no longer
    // verify. (Checked against Python's hashlib over the canonical texts.)
    assert_eq!(
        discharge().content_sha256(),
        "a29ffea8477d8aafcbfc7f1b408644e2e544d05ce7cb053166af7068cb5f26a4"
    );
    assert_eq!(
        intake().content_sha256(),
        "f6ed6727e4eef0540f1e432c7daff9c9d33b8f496705187cc766165e4a0e45f4"
    );

    type Change = Box<dyn Fn(&mut IntakeAssessment)>;
    let changes: Vec<(&str, Change)> = vec![
        (
            "date",
            Box::new(|i| i.date_of_service = Some(date("2026-03-06"))),
        ),
        (
            "referral",
            Box::new(|i| i.referral.source = Some(ReferralSource::SelfReferred)),
        ),
        ("history", Box::new(|i| i.family_history.push('.'))),
        (
            "mse",
            Box::new(|i| i.mental_status.speech.note = "Accent".into()),
        ),
        (
            "insight",
            Box::new(|i| i.mental_status.insight.level = None),
        ),
        ("risk", Box::new(|i| i.risk = None)),
        (
            "risk level",
            Box::new(|i| {
                if let Some(r) = &mut i.risk {
                    r.level = Some(RiskLevel::High)
                }
            }),
        ),
        ("diagnosis", Box::new(|i| i.diagnoses.clear())),
        ("plan", Box::new(|i| i.initial_plan.push('!'))),
    ];
    let base = intake().content_sha256();
    let mut seen = vec![base.clone()];
    for (what, change) in changes {
        let mut changed = intake();
        change(&mut changed);
        let hash = changed.content_sha256();
        assert!(
            !seen.contains(&hash),
            "changing {what} must change the hash"
        );
        seen.push(hash);
    }
}
