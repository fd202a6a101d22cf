//! A questionnaire result a progress note includes: a copy of what the result
//! said, taken when the clinician includes it, so that the note reads the
//! same whatever becomes of the result record. A signature covers the copy
//! (canonical format `psynotes/progress-note/v3`, see `canonical`).
//!
//! A finished result never changes (the measures store keeps it as a signed
//! leaf), so the copy cannot go stale; it is a copy so that the note stands on
//! its own in print and in an export.

use serde::{Deserialize, Serialize};

use crate::domain::measure::MeasureResult;
use crate::domain::Date;

/// One included result. Built by [`IncludedResult::of`]; the fields are
/// public for reading and for the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncludedResult {
    /// The result's id in the measures store.
    pub result_id: String,
    /// [`MeasureDefinition::key`](crate::domain::measure::MeasureDefinition::key), e.g. `phq-9`.
    pub measure_key: String,
    pub measure_version: u32,
    pub administered_on: Date,
    /// The total; `None` when too many items were left unanswered to score.
    pub total: Option<u32>,
    /// The result in words, as the client's page reads it: "PHQ-9 score: 12",
    /// "GAD-7 score: 9 (prorated)", "PHQ-9 incomplete: item 9 not answered".
    pub score_line: String,
    /// The severity band in words, when scored.
    pub band: Option<String>,
}

impl IncludedResult {
    /// The copy of `result` a note keeps.
    pub fn of(result: &MeasureResult) -> IncludedResult {
        IncludedResult {
            result_id: result.id().as_str().to_owned(),
            measure_key: result.measure_key().to_owned(),
            measure_version: result.measure_version(),
            administered_on: result.administered_on(),
            total: result.total(),
            score_line: result.score_line(),
            band: result.band().map(str::to_owned),
        }
    }

    /// "PHQ-9 score: 12, moderate (2025-06-15)".
    pub fn describe(&self) -> String {
        let band = self
            .band
            .as_deref()
            .map(|b| format!(", {}", b.to_lowercase()))
            .unwrap_or_default();
        format!("{}{band} ({})", self.score_line, self.administered_on)
    }
}

/// The results a note for `date` may include: those administered that day,
/// in the order given (the measures store's order), plus any the note already
/// includes that are not among them (its date changed after including them),
/// so unticking stays the clinician's choice.
pub fn includable<'a>(
    results: &'a [MeasureResult],
    date: Date,
    included: &'a [IncludedResult],
) -> Vec<IncludedResult> {
    let mut offered: Vec<IncludedResult> = results
        .iter()
        .filter(|r| r.administered_on() == date)
        .map(IncludedResult::of)
        .collect();
    for kept in included {
        if !offered.iter().any(|o| o.result_id == kept.result_id) {
            offered.push(kept.clone());
        }
    }
    offered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measure::fixtures::make;
    use crate::domain::measure::{GAD_7, PHQ_9};
    use crate::domain::progress_note::fixtures::date;

    #[test]
    fn the_copy_keeps_what_the_result_said() {
        let result = make(&PHQ_9, &[Some(2); 9], "2025-06-15", 1);
        let copy = IncludedResult::of(&result);
        assert_eq!(copy.result_id, result.id().as_str());
        assert_eq!(copy.measure_key, "phq-9");
        assert_eq!(copy.total, Some(18));
        assert_eq!(copy.score_line, "PHQ-9 score: 18");
        assert_eq!(
            copy.describe(),
            "PHQ-9 score: 18, moderately severe (2025-06-15)"
        );
        // An incomplete result is never given a total.
        let mut answers = [Some(0); 9];
        answers[8] = None;
        let copy = IncludedResult::of(&make(&PHQ_9, &answers, "2025-06-15", 2));
        assert_eq!(copy.total, None);
        assert_eq!(copy.band, None);
        assert!(copy.describe().starts_with("PHQ-9 incomplete"));
    }

    #[test]
    fn only_that_days_results_are_offered_and_an_included_one_stays() {
        let results = vec![
            make(&PHQ_9, &[Some(1); 9], "2025-06-14", 1),
            make(&PHQ_9, &[Some(1); 9], "2025-06-15", 2),
            make(&GAD_7, &[Some(1); 7], "2025-06-15", 3),
        ];
        let offered = includable(&results, date("2025-06-15"), &[]);
        let ids: Vec<&str> = offered.iter().map(|o| o.result_id.as_str()).collect();
        assert_eq!(ids, [results[1].id().as_str(), results[2].id().as_str()]);
        // Included while the note was dated the 14th, then the date moved.
        let kept = [IncludedResult::of(&results[0])];
        let offered = includable(&results, date("2025-06-15"), &kept);
        assert_eq!(offered.len(), 3);
        assert_eq!(offered[2], kept[0]);
    }
}
