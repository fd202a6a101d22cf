//! Results over time: what the client's chart, its data table, the progress
//! note and the risk section need, with no drawing in it.
//!
//! The chart itself (SVG, scales, colours) belongs to the UI. This module only
//! decides which results are points, in what order, and which steps between
//! them are clinically meaningful by the measure's published threshold
//! ([`MeasureDefinition::meaningful_change`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::definition::{MeasureDefinition, Polarity};
use super::result::MeasureResult;
use super::scoring::RiskFlag;
use crate::domain::Date;

/// One result as a point on the chart or a row of the data table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendPoint<'a> {
    pub result: &'a MeasureResult,
    pub date: Date,
    /// `None` for an incomplete result: a row in the table, no point on the line.
    pub total: Option<u32>,
    pub band: Option<&'a str>,
}

/// Which way a change went, for the measure's [`Polarity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeDirection {
    Improvement,
    Worsening,
}

impl ChangeDirection {
    pub fn label(&self) -> &'static str {
        match self {
            ChangeDirection::Improvement => "Improvement",
            ChangeDirection::Worsening => "Worsening",
        }
    }
}

/// A step between two consecutive scored results at least as large as the
/// measure's meaningful-change threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeaningfulChange {
    /// Indices into [`Trend::points`].
    pub from: usize,
    pub to: usize,
    /// `to`'s total minus `from`'s.
    pub delta: i64,
    pub direction: ChangeDirection,
}

/// A client's results of one measure, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend<'a> {
    pub definition: &'a MeasureDefinition,
    /// Oldest first: by date administered, then by time finished, then by id
    /// (so two results of one day keep a stable order).
    pub points: Vec<TrendPoint<'a>>,
    /// Meaningful steps between consecutive scored points, skipping incomplete
    /// results, oldest first.
    pub changes: Vec<MeaningfulChange>,
}

impl<'a> Trend<'a> {
    /// The first and the last scored points, for a discharge summary's "first
    /// and last scores".
    pub fn first_and_last_scored(&self) -> Option<(&TrendPoint<'a>, &TrendPoint<'a>)> {
        let mut scored = self.points.iter().filter(|p| p.total.is_some());
        let first = scored.next()?;
        Some((first, scored.next_back().unwrap_or(first)))
    }

    /// The change marked as ending at point `index`, if any.
    pub fn change_into(&self, index: usize) -> Option<&MeaningfulChange> {
        self.changes.iter().find(|change| change.to == index)
    }
}

/// Orders results oldest first (see [`Trend::points`]).
fn chronological(a: &MeasureResult, b: &MeasureResult) -> Ordering {
    a.administered_on()
        .cmp(&b.administered_on())
        .then(a.completed_at().cmp(&b.completed_at()))
        .then_with(|| a.id().cmp(b.id()))
}

/// The trend of `definition`'s measure among `results`: results of other
/// measures are left out, the rest are ordered, and every step between
/// consecutive scored results whose size meets the threshold is marked with its
/// direction. Results of any version of the measure are included: a version
/// never changes the scale (a new scale is a new key).
pub fn trend<'a>(
    definition: &'a MeasureDefinition,
    results: impl IntoIterator<Item = &'a MeasureResult>,
) -> Trend<'a> {
    let mut mine: Vec<&MeasureResult> = results
        .into_iter()
        .filter(|result| result.measure_key() == definition.key)
        .collect();
    mine.sort_by(|a, b| chronological(a, b));
    let points: Vec<TrendPoint<'a>> = mine
        .into_iter()
        .map(|result| TrendPoint {
            result,
            date: result.administered_on(),
            total: result.total(),
            band: result.band(),
        })
        .collect();

    let threshold = i64::from(definition.meaningful_change.points);
    let mut changes = Vec::new();
    let mut previous: Option<(usize, u32)> = None;
    for (index, point) in points.iter().enumerate() {
        let Some(total) = point.total else { continue };
        if let Some((from, before)) = previous {
            let delta = i64::from(total) - i64::from(before);
            if delta.abs() >= threshold {
                let rising_is_better = definition.polarity == Polarity::HigherIsBetter;
                let direction = if (delta > 0) == rising_is_better {
                    ChangeDirection::Improvement
                } else {
                    ChangeDirection::Worsening
                };
                changes.push(MeaningfulChange {
                    from,
                    to: index,
                    delta,
                    direction,
                });
            }
        }
        previous = Some((index, total));
    }
    Trend {
        definition,
        points,
        changes,
    }
}

/// The results administered on `date`, in order: what a progress note of that
/// date can include.
pub fn results_on<'a>(
    results: impl IntoIterator<Item = &'a MeasureResult>,
    date: Date,
) -> Vec<&'a MeasureResult> {
    let mut on: Vec<&MeasureResult> = results
        .into_iter()
        .filter(|result| result.administered_on() == date)
        .collect();
    on.sort_by(|a, b| chronological(a, b));
    on
}

/// The risk flags a progress note of `note_date` must show in its risk section:
/// those of results administered after the client's previous progress note
/// (`previous_note_date`, exclusive; `None` if this is the first) and up to
/// `note_date` (inclusive). So a flag raised between sessions appears in the
/// next note, and once in each note.
pub fn risk_flags_for_note<'a>(
    results: impl IntoIterator<Item = &'a MeasureResult>,
    previous_note_date: Option<Date>,
    note_date: Date,
) -> Vec<(&'a MeasureResult, &'a RiskFlag)> {
    let mut due: Vec<&MeasureResult> = results
        .into_iter()
        .filter(|result| {
            let on = result.administered_on();
            on <= note_date && previous_note_date.is_none_or(|previous| on > previous)
        })
        .collect();
    due.sort_by(|a, b| chronological(a, b));
    due.into_iter()
        .flat_map(|result| result.risk_flags().iter().map(move |flag| (result, flag)))
        .collect()
}

/// The risk flags the client's page shows: those of the latest result of each
/// measure. A later result of the same measure without the flag replaces it;
/// the history stays in the results themselves.
pub fn current_risk_flags<'a>(
    results: impl IntoIterator<Item = &'a MeasureResult>,
) -> Vec<(&'a MeasureResult, &'a RiskFlag)> {
    let mut latest: BTreeMap<&str, &MeasureResult> = BTreeMap::new();
    for result in results {
        let key = result.measure_key();
        match latest.get(key) {
            Some(current) if chronological(current, result) != Ordering::Less => {}
            _ => {
                latest.insert(key, result);
            }
        }
    }
    latest
        .into_values()
        .flat_map(|result| result.risk_flags().iter().map(move |flag| (result, flag)))
        .collect()
}

/// The risk flags still to address, as of `date`: those of results given
/// after the client's last signed progress note (`last_note_date`; `None` if
/// there is none) up to `date`, so a positive item stays in view until a note
/// documents the assessment, even when a later result is clean. A flag for an
/// item left unanswered is dropped once a later result of the same measure in
/// that window answers the item: the question was asked.
///
/// A result that a signed note includes (`included`: the ids of the results
/// the client's signed notes include) is addressed whatever the dates: that
/// note was written with the result in view, and its risk section is signed.
///
/// The client's page and the next progress note's risk section both show
/// exactly these, so they never disagree.
pub fn flags_to_address<'a>(
    results: impl IntoIterator<Item = &'a MeasureResult>,
    last_note_date: Option<Date>,
    date: Date,
    included: &[String],
) -> Vec<(&'a MeasureResult, &'a RiskFlag)> {
    let window: Vec<&MeasureResult> = results
        .into_iter()
        .filter(|result| {
            let on = result.administered_on();
            on <= date
                && last_note_date.is_none_or(|note| on > note)
                && !included.iter().any(|id| id == result.id().as_str())
        })
        .collect();
    risk_flags_for_note(window.iter().copied(), last_note_date, date)
        .into_iter()
        .filter(|(result, flag)| {
            flag.is_endorsed()
                || !window.iter().any(|later| {
                    later.measure_key() == result.measure_key()
                        && chronological(later, result) == Ordering::Greater
                        && later
                            .answers()
                            .get(flag.item_index)
                            .is_some_and(Option::is_some)
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::measure::{GAD_7, PHQ_9};
    use crate::domain::progress_note::fixtures::date;

    #[test]
    fn points_are_ordered_and_other_measures_left_out() {
        let results = [
            phq9_total(12, "2024-03-19", 3),
            gad7_total(9, "2024-03-05", 2),
            phq9_total(18, "2024-03-05", 1),
            phq9_total(14, "2024-03-12", 4),
        ];
        let t = trend(&PHQ_9, &results);
        let totals: Vec<Option<u32>> = t.points.iter().map(|p| p.total).collect();
        assert_eq!(totals, [Some(18), Some(14), Some(12)]);
        assert_eq!(t.points[0].band, Some("Moderately severe"));
        assert_eq!(trend(&GAD_7, &results).points.len(), 1);
        assert_eq!(trend(&PHQ_9, []).points.len(), 0);
    }

    #[test]
    fn a_change_of_the_threshold_or_more_is_marked_with_its_direction() {
        // PHQ-9 threshold 5: 18 → 14 (−4, no), 14 → 9 (−5, improvement),
        // 9 → 13 (+4, no), 13 → 19 (+6, worsening).
        let results = [
            phq9_total(18, "2024-01-02", 1),
            phq9_total(14, "2024-01-09", 2),
            phq9_total(9, "2024-01-16", 3),
            phq9_total(13, "2024-01-23", 4),
            phq9_total(19, "2024-01-30", 5),
        ];
        let t = trend(&PHQ_9, &results);
        assert_eq!(
            t.changes,
            [
                MeaningfulChange {
                    from: 1,
                    to: 2,
                    delta: -5,
                    direction: ChangeDirection::Improvement
                },
                MeaningfulChange {
                    from: 3,
                    to: 4,
                    delta: 6,
                    direction: ChangeDirection::Worsening
                },
            ]
        );
        assert_eq!(t.change_into(2).map(|c| c.delta), Some(-5));
        assert_eq!(t.change_into(1), None);
    }

    #[test]
    fn gad7_uses_its_own_threshold() {
        let results = [
            gad7_total(15, "2024-01-02", 1),
            gad7_total(11, "2024-01-09", 2),
            gad7_total(8, "2024-01-16", 3),
        ];
        let t = trend(&GAD_7, &results);
        assert_eq!(t.changes.len(), 1);
        assert_eq!((t.changes[0].from, t.changes[0].delta), (0, -4));
    }

    #[test]
    fn incomplete_results_are_rows_not_steps() {
        let mut missing = [Some(3u8); 9];
        missing[0] = None;
        let results = [
            phq9_total(20, "2024-01-02", 1),
            make(&PHQ_9, &missing, "2024-01-09", 2),
            phq9_total(12, "2024-01-16", 3),
        ];
        let t = trend(&PHQ_9, &results);
        assert_eq!(t.points.len(), 3);
        assert_eq!(t.points[1].total, None);
        assert_eq!(t.points[1].band, None);
        // The step is measured between the two scored results around the gap.
        assert_eq!(t.changes.len(), 1);
        assert_eq!((t.changes[0].from, t.changes[0].to), (0, 2));
        let (first, last) = t.first_and_last_scored().unwrap();
        assert_eq!((first.total, last.total), (Some(20), Some(12)));
    }

    #[test]
    fn results_of_one_day_keep_a_stable_order() {
        let a = phq9_total(10, "2024-01-02", 2);
        let b = phq9_total(20, "2024-01-02", 1);
        let forward = trend(&PHQ_9, [&a, &b]);
        let backward = trend(&PHQ_9, [&b, &a]);
        assert_eq!(forward.points, backward.points);
        assert_eq!(forward.points[0].total, Some(20), "finished first");
        assert_eq!(
            results_on(
                [&a, &b, &phq9_total(1, "2024-01-03", 3)],
                date("2024-01-02")
            )
            .len(),
            2
        );
    }

    #[test]
    fn a_flag_shows_in_the_next_note_once() {
        let flagged = phq9([0, 0, 0, 0, 0, 0, 0, 0, 1], "2024-01-10", 1);
        let clear = phq9([0; 9], "2024-01-17", 2);
        let results = [&flagged, &clear];
        // The note of the 10th (previous note on the 3rd) shows it...
        let due = risk_flags_for_note(results, Some(date("2024-01-03")), date("2024-01-10"));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].0.id(), flagged.id());
        // ...so does a first note, or a note of the 12th after a note of the 3rd...
        assert_eq!(
            risk_flags_for_note(results, None, date("2024-01-10")).len(),
            1
        );
        assert_eq!(
            risk_flags_for_note(results, Some(date("2024-01-03")), date("2024-01-12")).len(),
            1
        );
        // ...but not the note after that one, nor a note before it.
        assert!(
            risk_flags_for_note(results, Some(date("2024-01-10")), date("2024-01-17")).is_empty()
        );
        assert!(risk_flags_for_note(results, None, date("2024-01-09")).is_empty());
    }

    #[test]
    fn the_client_page_shows_the_latest_result_of_each_measure() {
        let flagged = phq9([0, 0, 0, 0, 0, 0, 0, 0, 2], "2024-01-10", 1);
        let gad = gad7_total(3, "2024-01-20", 3);
        assert_eq!(current_risk_flags([&flagged, &gad]).len(), 1);
        let later = phq9([0; 9], "2024-01-17", 2);
        assert!(current_risk_flags([&later, &flagged, &gad]).is_empty());
        assert_eq!(current_risk_flags([&flagged]).len(), 1);
    }

    #[test]
    fn a_positive_item_9_stays_to_address_until_a_note_documents_it() {
        let mut flagged = [1, 1, 1, 1, 1, 1, 1, 1, 1];
        let positive = phq9(flagged, "2024-03-05", 1);
        flagged[8] = 0;
        let clean_later = phq9(flagged, "2024-03-12", 2);
        let results = [positive.clone(), clean_later];
        // A later clean result does not hide it.
        let due = flags_to_address(&results, None, date("2024-03-12"), &[]);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].0.id(), positive.id());
        assert_eq!(due[0].1.item_number(), 9);
        // A note signed on or after the positive result addresses it.
        assert!(
            flags_to_address(&results, Some(date("2024-03-05")), date("2024-03-12"), &[])
                .is_empty()
        );
        // A note before it does not.
        assert_eq!(
            flags_to_address(&results, Some(date("2024-03-04")), date("2024-03-12"), &[]).len(),
            1
        );
        // A note that includes the result addresses it, even signed the same
        // day (or dated before it).
        let included = [positive.id().as_str().to_owned()];
        assert!(flags_to_address(&results, None, date("2024-03-12"), &included).is_empty());
        assert!(flags_to_address(
            &results,
            Some(date("2024-03-04")),
            date("2024-03-12"),
            &included
        )
        .is_empty());
    }

    #[test]
    fn an_unanswered_item_9_is_dropped_once_a_later_result_answers_it() {
        let mut answers: Vec<Option<u8>> = vec![Some(1); 9];
        answers[8] = None;
        let unanswered = make(&PHQ_9, &answers, "2024-03-05", 1);
        assert!(
            !unanswered.risk_flags().is_empty(),
            "unanswered item 9 is flagged"
        );
        let answered_later = phq9([1, 1, 1, 1, 1, 1, 1, 1, 0], "2024-03-06", 2);
        let results = [unanswered.clone(), answered_later];
        assert!(flags_to_address(&results, None, date("2024-03-06"), &[]).is_empty());
        // Alone, it stays.
        assert_eq!(
            flags_to_address([&unanswered], None, date("2024-03-06"), &[]).len(),
            1
        );
    }
}
