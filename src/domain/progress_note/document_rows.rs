//! A course-of-care document as labelled rows of plain text: what the signed
//! view, the print view and a conflict comparison show. Every field is shown,
//! empty ones as a dash, so a reader sees what was left blank.

use super::CourseDocument;
use crate::domain::course_of_care::intake::{Answer, IntakeRisk, RiskLevel};
use crate::domain::course_of_care::{
    DischargeSummary, IntakeAssessment, MentalStatusExam, SuicidalIdeation,
};
use crate::domain::icd10::CodedDiagnosis;
use crate::domain::Ideation;

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.trim().to_owned()
    }
}

fn answer(a: Option<Answer>) -> &'static str {
    match a {
        Some(Answer::Yes) => "Yes",
        Some(Answer::No) => "No",
        None => "Not asked",
    }
}

fn diagnoses(list: &[CodedDiagnosis]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(|d| match d.code_set_year() {
            Some(year) => format!("{} {} (ICD-10-CM {year})", d.code, d.description),
            None => format!("{} {} (not found in the list)", d.code, d.description),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn mental_status(mse: &MentalStatusExam, rows: &mut Vec<(String, String)>) {
    for label in MentalStatusExam::OBSERVATIONS {
        let Some(domain) = mse.observation(label) else {
            continue;
        };
        let terms: Vec<&str> = domain
            .terms()
            .into_iter()
            .filter(|t| t.selected)
            .map(|t| t.label)
            .collect();
        let mut text = terms.join("; ");
        if !domain.note().trim().is_empty() {
            if !text.is_empty() {
                text.push_str(". ");
            }
            text.push_str(domain.note().trim());
        }
        rows.push((format!("Mental status: {label}"), or_dash(&text)));
    }
    for (label, rating) in [
        (MentalStatusExam::INSIGHT_LABEL, &mse.insight),
        (MentalStatusExam::JUDGMENT_LABEL, &mse.judgment),
    ] {
        use crate::domain::course_of_care::mse::Choice;
        let level = rating.level.map_or("Not rated", |l| l.label());
        let text = if rating.note.trim().is_empty() {
            level.to_owned()
        } else {
            format!("{level}. {}", rating.note.trim())
        };
        rows.push((format!("Mental status: {label}"), text));
    }
}

fn risk(risk: Option<&IntakeRisk>, rows: &mut Vec<(String, String)>) {
    let Some(risk) = risk else {
        rows.push((IntakeAssessment::RISK_LABEL.to_owned(), "—".to_owned()));
        return;
    };
    let suicidal = match &risk.suicidal_ideation {
        SuicidalIdeation::Denied => "Denied".to_owned(),
        SuicidalIdeation::Present {
            detail,
            plan,
            intent,
        } => format!(
            "Present: {}. Plan: {}. Intent: {}.",
            or_dash(detail.trim().trim_end_matches('.')),
            answer(*plan),
            answer(*intent)
        ),
    };
    let homicidal = match &risk.homicidal_ideation {
        Ideation::Denied => "Denied".to_owned(),
        Ideation::Present { detail } => format!("Present: {}", or_dash(detail)),
    };
    let level = match risk.level {
        Some(RiskLevel::Low) => "Low",
        Some(RiskLevel::Moderate) => "Moderate",
        Some(RiskLevel::High) => "High",
        None => "Not rated",
    };
    let plan = risk
        .safety_plan
        .as_ref()
        .map_or("None linked".to_owned(), |l| {
            format!("Version {}", l.version)
        });
    for (label, text) in [
        (IntakeRisk::SUICIDAL_LABEL, suicidal),
        (
            IntakeRisk::ATTEMPTS_LABEL,
            answer(risk.past_suicide_attempts).to_owned(),
        ),
        (
            IntakeRisk::SELF_HARM_LABEL,
            answer(risk.non_suicidal_self_harm).to_owned(),
        ),
        (
            IntakeRisk::MEANS_LABEL,
            answer(risk.access_to_lethal_means).to_owned(),
        ),
        (IntakeRisk::HOMICIDAL_LABEL, homicidal),
        ("Risk factors", or_dash(&risk.risk_factors)),
        ("Protective factors", or_dash(&risk.protective_factors)),
        (IntakeRisk::LEVEL_LABEL, level.to_owned()),
        (IntakeRisk::FORMULATION_LABEL, or_dash(&risk.formulation)),
        (IntakeRisk::SAFETY_PLAN_LABEL, plan),
    ] {
        rows.push((label.to_owned(), text));
    }
}

fn intake_rows(i: &IntakeAssessment) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut push = |label: &str, text: String| rows.push((label.to_owned(), text));
    push(
        IntakeAssessment::IDENTIFYING_LABEL,
        or_dash(&i.identifying_information),
    );
    let referral = match i.referral.source {
        Some(source) if i.referral.detail.trim().is_empty() => source.label().to_owned(),
        Some(source) => format!("{}: {}", source.label(), i.referral.detail.trim()),
        None => "—".to_owned(),
    };
    push(IntakeAssessment::REFERRAL_LABEL, referral);
    push(
        IntakeAssessment::PRESENTING_PROBLEM_LABEL,
        or_dash(&i.presenting_problem),
    );
    push(
        IntakeAssessment::HPI_LABEL,
        or_dash(&i.history_of_present_illness),
    );
    push(
        IntakeAssessment::PSYCHIATRIC_HISTORY_LABEL,
        or_dash(&i.psychiatric_history),
    );
    push(
        IntakeAssessment::SUBSTANCE_USE_LABEL,
        or_dash(&i.substance_use_history),
    );
    push(
        IntakeAssessment::MEDICAL_HISTORY_LABEL,
        or_dash(&i.medical_history),
    );
    push(
        IntakeAssessment::FAMILY_HISTORY_LABEL,
        or_dash(&i.family_history),
    );
    push(
        IntakeAssessment::SOCIAL_HISTORY_LABEL,
        or_dash(&i.social_history),
    );
    mental_status(&i.mental_status, &mut rows);
    risk(i.risk.as_ref(), &mut rows);
    rows.push((
        IntakeAssessment::DIAGNOSES_LABEL.to_owned(),
        diagnoses(&i.diagnoses),
    ));
    rows.push((
        IntakeAssessment::INITIAL_PLAN_LABEL.to_owned(),
        or_dash(&i.initial_plan),
    ));
    rows
}

fn discharge_rows(s: &DischargeSummary) -> Vec<(String, String)> {
    let reason = match s.reason {
        Some(reason) if s.reason_detail.trim().is_empty() => reason.label().to_owned(),
        Some(reason) => format!("{}. {}", reason.label(), s.reason_detail.trim()),
        None => "—".to_owned(),
    };
    let date = |d: Option<crate::domain::Date>| d.map_or("—".to_owned(), |d| d.to_string());
    let goals = if s.goals.is_empty() {
        "—".to_owned()
    } else {
        s.goals
            .iter()
            .map(|g| {
                let outcome = g.outcome.map_or("No outcome chosen", |o| o.label());
                if g.note.trim().is_empty() {
                    format!("{}: {outcome}", g.goal_text)
                } else {
                    format!("{}: {outcome}. {}", g.goal_text, g.note.trim())
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let measures = if s.measures.is_empty() {
        "—".to_owned()
    } else {
        s.measures
            .iter()
            .map(|m| {
                format!(
                    "{}: {} on {}, then {} on {} ({:+})",
                    m.instrument,
                    m.first.score,
                    m.first.date,
                    m.latest.score,
                    m.latest.date,
                    m.change()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    [
        (DischargeSummary::REASON_LABEL, reason),
        (
            DischargeSummary::FIRST_DATE_LABEL,
            date(s.first_date_of_service),
        ),
        (
            DischargeSummary::LAST_DATE_LABEL,
            date(s.last_date_of_service),
        ),
        (
            DischargeSummary::SERVICES_LABEL,
            or_dash(&s.services_provided),
        ),
        (DischargeSummary::GOALS_LABEL, goals),
        (
            DischargeSummary::DIAGNOSES_LABEL,
            diagnoses(&s.diagnoses_at_discharge),
        ),
        (
            DischargeSummary::REFERRALS_LABEL,
            or_dash(&s.referrals_and_aftercare),
        ),
        (DischargeSummary::MEASURES_LABEL, measures),
    ]
    .into_iter()
    .map(|(label, text)| (label.to_owned(), text))
    .collect()
}

impl CourseDocument {
    /// Every field as a (label, text) row, in the document's order.
    pub fn rows(&self) -> Vec<(String, String)> {
        match self {
            CourseDocument::Intake(intake) => intake_rows(intake),
            CourseDocument::Discharge(summary) => discharge_rows(summary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::course_of_care::tests::{discharge, intake};

    #[test]
    fn an_intake_reads_as_labelled_rows() {
        let rows = CourseDocument::Intake(Box::new(intake())).rows();
        let get = |label: &str| {
            rows.iter()
                .find(|(l, _)| l == label)
                .map(|(_, t)| t.as_str())
        };
        assert_eq!(
            get("Referral source"),
            Some("Primary care: Dr. Patel, for anxiety")
        );
        assert_eq!(get("Mental status: Mood"), Some("Anxious. \"on edge\""));
        assert_eq!(get("Mental status: Insight"), Some("Fair"));
        assert_eq!(get("Suicidal ideation"), Some("Denied"));
        assert_eq!(get("Risk level"), Some("Low"));
        assert_eq!(get("Safety plan"), Some("None linked"));
        assert!(get("Diagnoses")
            .unwrap()
            .starts_with("F41.1 Generalized anxiety disorder (ICD-10-CM "));
        assert_eq!(
            get("Initial plan"),
            Some("Weekly CBT for worry; GAD-7 every 4 weeks.")
        );
    }

    #[test]
    fn a_discharge_reads_as_labelled_rows() {
        let rows = CourseDocument::Discharge(Box::new(discharge())).rows();
        let get = |label: &str| {
            rows.iter()
                .find(|(l, _)| l == label)
                .map(|(_, t)| t.as_str())
        };
        assert_eq!(
            get("Progress on goals"),
            Some("Worry under an hour a day: Met")
        );
        assert_eq!(
            get("Measures"),
            Some("GAD-7: 15 on 2026-03-05, then 4 on 2026-06-25 (-11)")
        );
        assert_eq!(get("Last date of service"), Some("2026-06-25"));
    }
}
