//! What a discharge summary can fill in from the record itself: the first and
//! last date of service and the sessions given (from the signed notes), and
//! the first and latest score of each questionnaire. The clinician can change
//! any of it before signing.

use std::collections::BTreeMap;

use super::discharge::{MeasureChange, ScoreOn};
use crate::domain::measure::MeasureResult;
use crate::domain::{Date, NoteSummary};

/// The course of treatment as the signed session notes record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseOfTreatment {
    pub first: Date,
    pub last: Date,
    /// "12 sessions: 90834 ×10, 90837 ×2".
    pub services: String,
}

/// The course of treatment from the notes' summaries: signed session notes
/// with a date only (an intake counts as a session; discharge notes do not).
/// `None` when there is none.
pub fn course_of_treatment(notes: &[NoteSummary]) -> Option<CourseOfTreatment> {
    let sessions: Vec<&NoteSummary> = notes
        .iter()
        .filter(|n| n.signed && n.template != crate::domain::Template::Discharge)
        .filter(|n| n.date_of_service.is_some())
        .collect();
    let first = sessions.iter().filter_map(|n| n.date_of_service).min()?;
    let last = sessions.iter().filter_map(|n| n.date_of_service).max()?;
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for note in &sessions {
        let code = note
            .service_code
            .as_ref()
            .map_or_else(|| "no code".to_owned(), |c| c.code().to_owned());
        *codes.entry(code).or_default() += 1;
    }
    let count = sessions.len();
    let by_code = codes
        .into_iter()
        .map(|(code, n)| format!("{code} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sessions = if count == 1 { "1 session" } else { "sessions" };
    let services = if count == 1 {
        format!("{sessions}: {by_code}")
    } else {
        format!("{count} {sessions}: {by_code}")
    };
    Some(CourseOfTreatment {
        first,
        last,
        services,
    })
}

/// The day the client was discharged, if they are: the date of their latest
/// signed discharge summary, unless a signed session note (a return to
/// treatment, an intake) is dated after it. Derived from the record rather
/// than stored, so it can never disagree with it, and a client who comes back
/// is no longer discharged.
pub fn discharged_on(notes: &[NoteSummary]) -> Option<Date> {
    let signed = || notes.iter().filter(|n| n.signed);
    let discharged = signed()
        .filter(|n| n.template == crate::domain::Template::Discharge)
        .filter_map(|n| n.date_of_service)
        .max()?;
    let returned = signed()
        .filter(|n| n.template != crate::domain::Template::Discharge)
        .filter_map(|n| n.date_of_service)
        .any(|d| d > discharged);
    (!returned).then_some(discharged)
}

/// The first and latest scored result of each questionnaire, by name, in
/// name order. `results` may come in any order.
pub fn measure_changes(results: &[MeasureResult]) -> Vec<MeasureChange> {
    let mut by_measure: BTreeMap<&str, Vec<(Date, i64, u16)>> = BTreeMap::new();
    for result in results {
        let Some(total) = result.total().and_then(|t| u16::try_from(t).ok()) else {
            continue;
        };
        by_measure.entry(result.measure_name()).or_default().push((
            result.administered_on(),
            result.completed_at().0,
            total,
        ));
    }
    by_measure
        .into_iter()
        .filter_map(|(name, mut scores)| {
            scores.sort();
            let first = scores.first()?;
            let latest = scores.last()?;
            Some(MeasureChange {
                instrument: name.to_owned(),
                first: ScoreOn {
                    date: first.0,
                    score: first.2,
                },
                latest: ScoreOn {
                    date: latest.0,
                    score: latest.2,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ProgressNoteId, ServiceCode, Template, Timestamp};

    fn summary(day: &str, signed: bool, code: ServiceCode, template: Template) -> NoteSummary {
        let mut draft = crate::domain::ProgressNoteDraft::new(
            ProgressNoteId(day.into()),
            crate::domain::ClientId("c".into()),
            template,
            Timestamp(0),
        );
        draft.date_of_service = Some(Date::parse(day).unwrap());
        draft.service_code = Some(code);
        let mut s = NoteSummary::of_draft(&draft, 1);
        s.signed = signed;
        s
    }

    #[test]
    fn the_course_comes_from_signed_session_notes_only() {
        let notes = [
            summary("2026-03-05", true, ServiceCode::Cpt90791, Template::Intake),
            summary("2026-03-12", true, ServiceCode::Cpt90834, Template::Soap),
            summary("2026-03-19", true, ServiceCode::Cpt90834, Template::Soap),
            summary("2026-03-26", false, ServiceCode::Cpt90834, Template::Soap),
            summary(
                "2026-04-30",
                true,
                ServiceCode::Cpt90834,
                Template::Discharge,
            ),
        ];
        let course = course_of_treatment(&notes).unwrap();
        assert_eq!(course.first, Date::parse("2026-03-05").unwrap());
        assert_eq!(course.last, Date::parse("2026-03-19").unwrap());
        assert_eq!(course.services, "3 sessions: 90791 ×1, 90834 ×2");
        assert_eq!(course_of_treatment(&notes[3..4]), None);
        assert_eq!(discharged_on(&notes), Date::parse("2026-04-30").ok());
        // Not before the summary is signed; not after a return to treatment.
        assert_eq!(discharged_on(&notes[..4]), None);
        let mut back = notes.to_vec();
        back.push(summary(
            "2026-06-01",
            true,
            ServiceCode::Cpt90791,
            Template::Intake,
        ));
        assert_eq!(discharged_on(&back), None);
    }
}
