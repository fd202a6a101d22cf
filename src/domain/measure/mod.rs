//! Measurement-based care: standard questionnaires (PHQ-9, GAD-7), scored
//! exactly, and followed over time.
//!
//! - [`definition`](mod@definition): a questionnaire as data ([`MeasureDefinition`]): items,
//!   answers with their points, severity bands, the missing-item rule, risk
//!   rules, the meaningful-change threshold and LOINC codes. The shipped
//!   measures are [`PHQ_9`] and [`GAD_7`], each in its own file with its
//!   sources; [`MEASURES`] lists them and [`definition()`] finds one by key and
//!   version.
//! - [`scoring`]: one generic [`score`] and [`risk_flags`] over any definition.
//! - `draft`: [`QuestionnaireDraft`], the answers while the client (or the
//!   clinician) fills them in; "Finish" ([`QuestionnaireDraft::finish`]) scores
//!   them into a read-only [`MeasureResult`] (`result`).
//! - [`trend`](mod@trend): results over time for the chart and its table, the
//!   clinically meaningful changes between them, and which risk flags belong on
//!   the client's page and in the next progress note.
//!
//! Results are part of the record: they are test results that belong in
//! progress documentation (45 CFR 164.501 excludes them from psychotherapy
//! notes), so the vault keeps them under the records key, never the
//! psychotherapy key. Like the rest of the domain this module has no clock and
//! no randomness: ids, dates and timestamps are passed in.

pub mod definition;
mod draft;
mod error;
mod gad7;
mod phq9;
mod result;
pub mod scoring;
pub mod trend;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use definition::{
    AnswerOption, ChangeThreshold, Item, MeasureDefinition, MissingItemRule, Polarity, RiskRule,
    SeverityBand, UnscoredQuestion,
};
pub use draft::{AdministrationMode, QuestionnaireDraft};
pub use error::MeasureError;
pub use gad7::GAD_7;
pub use phq9::{PHQ_9, PHQ_9_ITEM_9};
pub use result::{AnsweredItem, MeasureRecord, MeasureResult};
pub use scoring::{risk_flags, score, Outcome, RiskFinding, RiskFlag};
pub use trend::{
    current_risk_flags, flags_to_address, results_on, risk_flags_for_note, trend, ChangeDirection,
    MeaningfulChange, Trend, TrendPoint,
};

/// Every measure this app knows, every version it ever shipped, in the order
/// the "Questionnaire" select offers them (see [`offered`]). A version is
/// never removed: stored results name it.
pub static MEASURES: &[&MeasureDefinition] = &[&PHQ_9, &GAD_7];

/// The definition a stored result or draft names.
pub fn definition(key: &str, version: u32) -> Option<&'static MeasureDefinition> {
    MEASURES
        .iter()
        .copied()
        .find(|d| d.key == key && d.version == version)
}

/// The newest version of a measure: what a new questionnaire uses.
pub fn latest(key: &str) -> Option<&'static MeasureDefinition> {
    MEASURES
        .iter()
        .copied()
        .filter(|d| d.key == key)
        .max_by_key(|d| d.version)
}

/// The measures a new questionnaire can be, newest version of each, in
/// [`MEASURES`] order.
pub fn offered() -> Vec<&'static MeasureDefinition> {
    let mut keys: Vec<&str> = Vec::new();
    for d in MEASURES {
        if !keys.contains(&d.key) {
            keys.push(d.key);
        }
    }
    keys.into_iter().filter_map(latest).collect()
}

/// A questionnaire's opaque id, made by the caller. The draft and the result it
/// becomes share it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeasureResultId(pub String);

impl MeasureResultId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MeasureResultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Results for the tests of this module and of the treatment plan.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::domain::progress_note::fixtures::{clinician, date};
    use crate::domain::{ClientId, Timestamp};

    /// A finished result of `definition` with these option indices, for
    /// client-1, administered on `on`; `seq` makes the id and the finishing
    /// time.
    pub fn make(
        definition: &MeasureDefinition,
        answers: &[Option<u8>],
        on: &str,
        seq: i64,
    ) -> MeasureResult {
        let mut draft = QuestionnaireDraft::new(
            MeasureResultId(format!("r-{seq}")),
            ClientId("client-1".into()),
            definition,
            AdministrationMode::SelfReport,
            Timestamp(seq * 1_000),
        );
        for (item, answer) in answers.iter().enumerate() {
            if let Some(option) = answer {
                draft
                    .answer(
                        definition,
                        item,
                        usize::from(*option),
                        Timestamp(seq * 1_000),
                    )
                    .expect("fixture answer is valid");
            }
        }
        if definition.follow_up.is_some() {
            draft
                .answer_follow_up(definition, Some(2), Timestamp(seq * 1_000))
                .expect("fixture follow-up is valid");
        }
        draft
            .finish(
                definition,
                date(on),
                &clinician(),
                Timestamp(seq * 1_000 + 500),
            )
            .expect("fixture result finishes")
    }

    pub fn result_with(definition: &MeasureDefinition, answers: &[Option<u8>]) -> MeasureResult {
        make(definition, answers, "2024-03-05", 0)
    }

    pub fn phq9(answers: [u8; 9], on: &str, seq: i64) -> MeasureResult {
        make(&PHQ_9, &answers.map(Some), on, seq)
    }

    /// Answers adding up to `total` with the first items taking 3 each, and the
    /// last item 0 (so a PHQ-9 below 25 raises no item-9 flag).
    fn totalling(items: usize, total: u32) -> Vec<Option<u8>> {
        let mut left = total;
        (0..items)
            .map(|index| {
                let value = if index + 1 == items { 0 } else { left.min(3) };
                left -= value;
                Some(value as u8)
            })
            .collect()
    }

    pub fn phq9_total(total: u32, on: &str, seq: i64) -> MeasureResult {
        let result = make(&PHQ_9, &totalling(9, total), on, seq);
        assert_eq!(result.total(), Some(total), "fixture total fits 8 items");
        result
    }

    pub fn gad7_total(total: u32, on: &str, seq: i64) -> MeasureResult {
        let result = make(&GAD_7, &totalling(7, total), on, seq);
        assert_eq!(result.total(), Some(total), "fixture total fits 6 items");
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_found_by_key_and_version() {
        assert_eq!(definition("phq-9", 1).map(|d| d.name), Some("PHQ-9"));
        assert_eq!(definition("gad-7", 1).map(|d| d.name), Some("GAD-7"));
        assert_eq!(definition("phq-9", 2), None);
        assert_eq!(definition("PHQ-9", 1), None, "keys are exact");
        assert_eq!(latest("gad-7").map(|d| d.version), Some(1));
        assert_eq!(latest("bdi"), None);
    }

    #[test]
    fn the_select_offers_phq9_then_gad7() {
        let names: Vec<&str> = offered().iter().map(|d| d.name).collect();
        assert_eq!(names, ["PHQ-9", "GAD-7"]);
    }

    #[test]
    fn every_item_uses_the_frequency_answers_the_ui_names() {
        for d in [&PHQ_9, &GAD_7] {
            for item in d.items {
                let labels: Vec<&str> = item.options.iter().map(|o| o.label).collect();
                assert_eq!(
                    labels,
                    [
                        "Not at all",
                        "Several days",
                        "More than half the days",
                        "Nearly every day"
                    ]
                );
                let values: Vec<u8> = item.options.iter().map(|o| o.value).collect();
                assert_eq!(values, [0, 1, 2, 3]);
            }
            let follow_up: Vec<&str> = d
                .follow_up
                .unwrap()
                .options
                .iter()
                .map(|o| o.label)
                .collect();
            assert_eq!(
                follow_up,
                [
                    "Not difficult at all",
                    "Somewhat difficult",
                    "Very difficult",
                    "Extremely difficult"
                ]
            );
        }
        assert_eq!(PHQ_9.items.len(), 9);
        assert_eq!(GAD_7.items.len(), 7);
        assert_eq!(
            PHQ_9.items[PHQ_9_ITEM_9].text,
            "Thoughts that you would be better off dead or of hurting yourself in some way"
        );
        assert_eq!(PHQ_9.score_line(12), "PHQ-9 score: 12");
        assert_eq!(PHQ_9.chart_name(), "PHQ-9 over time");
    }

    #[test]
    fn ids_are_transparent_strings() {
        let id = MeasureResultId("r-1".into());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"r-1\"");
        assert_eq!(id.to_string(), "r-1");
    }
}
