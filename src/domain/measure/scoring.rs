//! Scoring: answers in, total, band and risk flags out, for any
//! [`MeasureDefinition`].
//!
//! An answer is the index of the chosen option in the item's
//! [`options`](super::Item::options) (`None`: not answered), checked against the
//! definition before anything is added up. The outcome follows the definition's
//! [`MissingItemRule`]; a missing item is never counted as zero. Risk rules are
//! applied to the answered items whatever the outcome, so an incomplete
//! questionnaire still raises its flags.

use serde::{Deserialize, Serialize};

use super::definition::{MeasureDefinition, MissingItemRule};
use super::MeasureError;

/// What scoring concluded. Stored with the result, so the record keeps the total
/// and band exactly as they were shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Every item answered.
    Complete { total: u32, band: String },
    /// Some items unanswered, scored by the definition's published proration
    /// rule. `missing_items` are 0-based item indices.
    Prorated {
        total: u32,
        band: String,
        missing_items: Vec<usize>,
    },
    /// Too many items unanswered for the definition's rule (for the PHQ-9 and
    /// GAD-7: any). There is no total and no band. `missing_items` are 0-based.
    Incomplete { missing_items: Vec<usize> },
}

impl Outcome {
    /// The total, unless incomplete.
    pub fn total(&self) -> Option<u32> {
        match self {
            Outcome::Complete { total, .. } | Outcome::Prorated { total, .. } => Some(*total),
            Outcome::Incomplete { .. } => None,
        }
    }

    /// The severity band in words, unless incomplete.
    pub fn band(&self) -> Option<&str> {
        match self {
            Outcome::Complete { band, .. } | Outcome::Prorated { band, .. } => Some(band),
            Outcome::Incomplete { .. } => None,
        }
    }

    /// The 0-based indices of unanswered items.
    pub fn missing_items(&self) -> &[usize] {
        match self {
            Outcome::Complete { .. } => &[],
            Outcome::Prorated { missing_items, .. } | Outcome::Incomplete { missing_items } => {
                missing_items
            }
        }
    }

    pub fn is_complete(&self) -> bool {
        matches!(self, Outcome::Complete { .. })
    }
}

/// What a risk rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskFinding {
    /// The client gave an answer at or above the rule's threshold.
    Endorsed {
        /// The answer's words, for example "Several days".
        answer: String,
        value: u8,
    },
    /// The item was left unanswered, so the risk it asks about is unknown. Not a
    /// positive screen, but the clinician should ask.
    NotAnswered,
}

/// A risk rule that fired, with everything the client's page and the progress
/// note's risk section need to show it, copied in so the stored result still
/// reads the same if the definition's wording changes in a later version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFlag {
    /// 0-based index of the item.
    pub item_index: usize,
    pub item_text: String,
    pub finding: RiskFinding,
    /// What to do, in words.
    pub message: String,
    /// Whether to prompt for the safety plan.
    pub needs_safety_plan: bool,
}

impl RiskFlag {
    /// The item's number as printed on the form (1-based).
    pub fn item_number(&self) -> usize {
        self.item_index + 1
    }

    /// True when the client endorsed the item; false when it was left
    /// unanswered.
    pub fn is_endorsed(&self) -> bool {
        matches!(self.finding, RiskFinding::Endorsed { .. })
    }
}

/// Checks that `answers` has one entry per item and that each answer is one of
/// the item's options.
pub(super) fn check_answers(
    definition: &MeasureDefinition,
    answers: &[Option<u8>],
) -> Result<(), MeasureError> {
    if answers.len() != definition.items.len() {
        return Err(MeasureError::WrongAnswerCount {
            expected: definition.items.len(),
            found: answers.len(),
        });
    }
    for (index, (item, answer)) in definition.items.iter().zip(answers).enumerate() {
        if let Some(option) = answer {
            if usize::from(*option) >= item.options.len() {
                return Err(MeasureError::NoSuchOption {
                    item: index + 1,
                    option: usize::from(*option) + 1,
                });
            }
        }
    }
    Ok(())
}

/// Scores `answers` (option indices, `None` for unanswered) by `definition`.
///
/// ```
/// use psynotes::domain::measure::{score, Outcome, PHQ_9};
/// // Item answers 1, 2, 0, 3, 1, 0, 2, 1, 0 (the option index is the value here).
/// let answers = [1, 2, 0, 3, 1, 0, 2, 1, 0].map(Some);
/// assert_eq!(
///     score(&PHQ_9, &answers).unwrap(),
///     Outcome::Complete { total: 10, band: "Moderate".into() }
/// );
/// ```
pub fn score(
    definition: &MeasureDefinition,
    answers: &[Option<u8>],
) -> Result<Outcome, MeasureError> {
    check_answers(definition, answers)?;
    let missing_items: Vec<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, answer)| answer.is_none())
        .map(|(index, _)| index)
        .collect();
    let sum: u32 = definition
        .items
        .iter()
        .zip(answers)
        .filter_map(|(item, answer)| {
            answer.map(|option| u32::from(item.options[usize::from(option)].value))
        })
        .sum();
    let band = |total: u32| definition.band(total).map(|band| band.label.to_owned());

    if missing_items.is_empty() {
        // A well-formed definition's bands cover every reachable total; a gap
        // is reported as incomplete rather than given a made-up band.
        return Ok(match band(sum) {
            Some(band) => Outcome::Complete { total: sum, band },
            None => Outcome::Incomplete { missing_items },
        });
    }
    let answered = answers.len() - missing_items.len();
    match definition.missing_items {
        MissingItemRule::Prorate { max_missing }
            if answered > 0 && missing_items.len() <= usize::from(max_missing) =>
        {
            let total = prorate(sum, definition.items.len(), answered);
            Ok(match band(total) {
                Some(band) => Outcome::Prorated {
                    total,
                    band,
                    missing_items,
                },
                None => Outcome::Incomplete { missing_items },
            })
        }
        _ => Ok(Outcome::Incomplete { missing_items }),
    }
}

/// `sum × items ÷ answered`, rounded half up, in integers so the same answers
/// give the same total on every platform.
fn prorate(sum: u32, items: usize, answered: usize) -> u32 {
    let (sum, items, answered) = (u64::from(sum), items as u64, answered as u64);
    let total = (2 * sum * items + answered) / (2 * answered);
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// The risk flags `answers` raise under `definition`'s risk rules: one for each
/// rule whose item was answered at or above its threshold, and one
/// ([`RiskFinding::NotAnswered`]) for each rule whose item was left unanswered.
pub fn risk_flags(
    definition: &MeasureDefinition,
    answers: &[Option<u8>],
) -> Result<Vec<RiskFlag>, MeasureError> {
    check_answers(definition, answers)?;
    let mut flags = Vec::new();
    for rule in definition.risk_rules {
        let Some(item) = definition.items.get(rule.item) else {
            continue;
        };
        match answers[rule.item] {
            Some(option) => {
                let chosen = item.options[usize::from(option)];
                if chosen.value >= rule.min_value {
                    flags.push(RiskFlag {
                        item_index: rule.item,
                        item_text: item.text.to_owned(),
                        finding: RiskFinding::Endorsed {
                            answer: chosen.label.to_owned(),
                            value: chosen.value,
                        },
                        message: rule.message.to_owned(),
                        needs_safety_plan: rule.needs_safety_plan,
                    });
                }
            }
            None => flags.push(RiskFlag {
                item_index: rule.item,
                item_text: item.text.to_owned(),
                finding: RiskFinding::NotAnswered,
                message: format!(
                    "Item {} of the {} was not answered, so the risk it asks about is unknown. Ask the client about it today: \"{}\"",
                    rule.item + 1,
                    definition.name,
                    item.text
                ),
                needs_safety_plan: false,
            }),
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measure::definition::{
        AnswerOption, ChangeThreshold, Item, Polarity, RiskRule, SeverityBand,
    };
    use crate::domain::measure::{GAD_7, PHQ_9, PHQ_9_ITEM_9};

    /// Answers (as values, which equal the option indices for PHQ-9 and GAD-7)
    /// that add up to `total`: the first items take 3 until the total is used.
    fn answers_totalling(items: usize, total: u32) -> Vec<Option<u8>> {
        let mut left = total;
        (0..items)
            .map(|_| {
                let value = left.min(3);
                left -= value;
                Some(value as u8)
            })
            .collect()
    }

    fn band_of(definition: &MeasureDefinition, total: u32) -> String {
        let answers = answers_totalling(definition.items.len(), total);
        match score(definition, &answers).unwrap() {
            Outcome::Complete { total: t, band } => {
                assert_eq!(t, total);
                band
            }
            other => panic!("{total} scored as {other:?}"),
        }
    }

    #[test]
    fn phq9_bands_at_every_boundary() {
        // Kroenke et al. 2001: 0–4, 5–9, 10–14, 15–19, 20–27.
        let expected = [
            (0, "None-minimal"),
            (4, "None-minimal"),
            (5, "Mild"),
            (9, "Mild"),
            (10, "Moderate"),
            (14, "Moderate"),
            (15, "Moderately severe"),
            (19, "Moderately severe"),
            (20, "Severe"),
            (27, "Severe"),
        ];
        for (total, band) in expected {
            assert_eq!(band_of(&PHQ_9, total), band, "PHQ-9 total {total}");
        }
        assert_eq!((PHQ_9.min_total(), PHQ_9.max_total()), (0, 27));
    }

    #[test]
    fn gad7_bands_at_every_boundary() {
        // Spitzer et al. 2006: cut-points 5, 10 and 15.
        let expected = [
            (0, "Minimal"),
            (4, "Minimal"),
            (5, "Mild"),
            (9, "Mild"),
            (10, "Moderate"),
            (14, "Moderate"),
            (15, "Severe"),
            (21, "Severe"),
        ];
        for (total, band) in expected {
            assert_eq!(band_of(&GAD_7, total), band, "GAD-7 total {total}");
        }
        assert_eq!((GAD_7.min_total(), GAD_7.max_total()), (0, 21));
    }

    /// Every possible set of answers (4^9 for the PHQ-9, 4^7 for the GAD-7):
    /// the total is the sum of the values and the band is the one containing it.
    #[test]
    fn every_answer_combination_scores_its_sum() {
        for definition in [&PHQ_9, &GAD_7] {
            let items = definition.items.len();
            let mut answers = vec![Some(0u8); items];
            for code in 0..4u32.pow(items as u32) {
                let mut rest = code;
                let mut sum = 0;
                for answer in answers.iter_mut() {
                    let option = (rest % 4) as u8;
                    rest /= 4;
                    sum += u32::from(option);
                    *answer = Some(option);
                }
                let outcome = score(definition, &answers).unwrap();
                assert_eq!(outcome.total(), Some(sum));
                assert!(outcome.is_complete());
                let band = definition.band(sum).unwrap();
                assert_eq!(outcome.band(), Some(band.label));
            }
        }
    }

    #[test]
    fn worked_examples() {
        // The PHQ-9 scoring instructions' example: three items scored 1, two
        // scored 2 and three scored 3 give 16, moderately severe.
        let answers = [1, 1, 1, 2, 2, 3, 3, 3, 0].map(Some);
        assert_eq!(
            score(&PHQ_9, &answers).unwrap(),
            Outcome::Complete {
                total: 16,
                band: "Moderately severe".into()
            }
        );
        let answers = [2, 1, 2, 1, 1, 2, 1].map(Some);
        assert_eq!(
            score(&GAD_7, &answers).unwrap(),
            Outcome::Complete {
                total: 10,
                band: "Moderate".into()
            }
        );
    }

    #[test]
    fn a_missing_item_is_never_scored_as_zero() {
        for definition in [&PHQ_9, &GAD_7] {
            let items = definition.items.len();
            // Every non-empty set of missing items, over answers of all 3s (so a
            // zero-filled total would be visibly lower than the true one).
            for mask in 1..(1u32 << items) {
                let answers: Vec<Option<u8>> = (0..items)
                    .map(|i| if mask & (1 << i) != 0 { None } else { Some(3) })
                    .collect();
                let outcome = score(definition, &answers).unwrap();
                let missing: Vec<usize> = (0..items).filter(|i| mask & (1 << i) != 0).collect();
                assert_eq!(
                    outcome,
                    Outcome::Incomplete {
                        missing_items: missing
                    }
                );
                assert_eq!(outcome.total(), None);
                assert_eq!(outcome.band(), None);
            }
        }
    }

    #[test]
    fn malformed_answers_are_refused() {
        assert_eq!(
            score(&PHQ_9, &[Some(0); 7]),
            Err(MeasureError::WrongAnswerCount {
                expected: 9,
                found: 7
            })
        );
        let mut answers = vec![Some(0); 9];
        answers[2] = Some(4);
        assert_eq!(
            score(&PHQ_9, &answers),
            Err(MeasureError::NoSuchOption { item: 3, option: 5 })
        );
        assert!(risk_flags(&PHQ_9, &answers).is_err());
    }

    #[test]
    fn item_9_flags_every_answer_above_zero_and_not_zero() {
        for option in 0..4u8 {
            for rest in [0u8, 3] {
                let mut answers = vec![Some(rest); 9];
                answers[PHQ_9_ITEM_9] = Some(option);
                let flags = risk_flags(&PHQ_9, &answers).unwrap();
                if option == 0 {
                    assert!(flags.is_empty(), "item 9 at 0 with others at {rest}");
                    continue;
                }
                assert_eq!(flags.len(), 1);
                let flag = &flags[0];
                assert_eq!(flag.item_number(), 9);
                assert!(flag.is_endorsed());
                assert!(flag.needs_safety_plan);
                assert!(flag
                    .item_text
                    .starts_with("Thoughts that you would be better off dead"));
                assert_eq!(
                    flag.finding,
                    RiskFinding::Endorsed {
                        answer: PHQ_9.items[PHQ_9_ITEM_9].options[usize::from(option)]
                            .label
                            .into(),
                        value: option
                    }
                );
                assert!(flag.message.contains("safety plan"));
            }
        }
    }

    #[test]
    fn item_9_flags_even_when_other_items_are_missing() {
        let mut answers = vec![None; 9];
        answers[PHQ_9_ITEM_9] = Some(1);
        assert!(!score(&PHQ_9, &answers).unwrap().is_complete());
        let flags = risk_flags(&PHQ_9, &answers).unwrap();
        assert!(flags[0].is_endorsed());
    }

    #[test]
    fn an_unanswered_item_9_asks_the_clinician_to_ask() {
        let mut answers = vec![Some(0); 9];
        answers[PHQ_9_ITEM_9] = None;
        let flags = risk_flags(&PHQ_9, &answers).unwrap();
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].finding, RiskFinding::NotAnswered);
        assert!(!flags[0].is_endorsed());
        assert!(!flags[0].needs_safety_plan);
        assert!(flags[0]
            .message
            .contains("Item 9 of the PHQ-9 was not answered"));
    }

    #[test]
    fn gad7_raises_no_risk_flags() {
        assert!(risk_flags(&GAD_7, &[Some(3); 7]).unwrap().is_empty());
        assert!(risk_flags(&GAD_7, &[None; 7]).unwrap().is_empty());
    }

    const YES_NO: &[AnswerOption] = &[
        AnswerOption {
            label: "No",
            value: 0,
            loinc: None,
        },
        AnswerOption {
            label: "Sometimes",
            value: 1,
            loinc: None,
        },
        AnswerOption {
            label: "Often",
            value: 2,
            loinc: None,
        },
    ];

    /// A made-up four-item measure with a proration rule, to test that path:
    /// neither shipped measure prorates.
    static PRORATED: MeasureDefinition = MeasureDefinition {
        key: "test-prorated",
        version: 1,
        name: "Test",
        title: "Test",
        instructions: "",
        items: &[
            Item {
                text: "a",
                options: YES_NO,
                loinc: None,
            },
            Item {
                text: "b",
                options: YES_NO,
                loinc: None,
            },
            Item {
                text: "c",
                options: YES_NO,
                loinc: None,
            },
            Item {
                text: "d",
                options: YES_NO,
                loinc: None,
            },
        ],
        follow_up: None,
        bands: &[
            SeverityBand {
                min: 0,
                max: 3,
                label: "Low",
            },
            SeverityBand {
                min: 4,
                max: 8,
                label: "High",
            },
        ],
        missing_items: MissingItemRule::Prorate { max_missing: 1 },
        risk_rules: &[RiskRule {
            item: 3,
            min_value: 2,
            message: "Ask.",
            needs_safety_plan: false,
        }],
        polarity: Polarity::HigherIsWorse,
        meaningful_change: ChangeThreshold {
            points: 2,
            source: "Test.",
        },
        loinc_panel: None,
        loinc_total: None,
        sources: &["Test."],
        permission: "",
    };

    #[test]
    fn proration_follows_the_rule_and_says_so() {
        assert_eq!(PRORATED.problems(), Vec::<String>::new());
        // 2 + 1 + 0 answered, one missing: 3 × 4 / 3 = 4.
        assert_eq!(
            score(&PRORATED, &[Some(2), None, Some(1), Some(0)]).unwrap(),
            Outcome::Prorated {
                total: 4,
                band: "High".into(),
                missing_items: vec![1]
            }
        );
        // 1 + 0 + 0: 4/3 = 1.33 rounds to 1; 1 + 1 + 0: 8/3 = 2.67 rounds to 3.
        assert_eq!(
            score(&PRORATED, &[Some(1), Some(0), None, Some(0)])
                .unwrap()
                .total(),
            Some(1)
        );
        assert_eq!(
            score(&PRORATED, &[Some(1), Some(1), None, Some(0)])
                .unwrap()
                .total(),
            Some(3)
        );
        // Two missing is more than the rule allows.
        assert_eq!(
            score(&PRORATED, &[Some(2), None, None, Some(0)]).unwrap(),
            Outcome::Incomplete {
                missing_items: vec![1, 2]
            }
        );
        assert_eq!(prorate(3, 9, 6), 5, "4.5 rounds half up");
        assert_eq!(prorate(0, 9, 8), 0);
    }

    #[test]
    fn a_rule_threshold_above_one_is_respected() {
        assert!(risk_flags(&PRORATED, &[None, None, None, Some(1)])
            .unwrap()
            .is_empty());
        assert_eq!(
            risk_flags(&PRORATED, &[None, None, None, Some(2)])
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn outcomes_and_flags_have_a_readable_stored_form() {
        let outcome = Outcome::Complete {
            total: 12,
            band: "Moderate".into(),
        };
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            r#"{"status":"complete","total":12,"band":"Moderate"}"#
        );
        let incomplete = Outcome::Incomplete {
            missing_items: vec![2],
        };
        assert_eq!(
            serde_json::to_string(&incomplete).unwrap(),
            r#"{"status":"incomplete","missing_items":[2]}"#
        );
        let mut answers = vec![Some(0); 9];
        answers[PHQ_9_ITEM_9] = Some(2);
        let flags = risk_flags(&PHQ_9, &answers).unwrap();
        let json = serde_json::to_string(&flags).unwrap();
        assert!(json.contains(
            r#""finding":{"kind":"endorsed","answer":"More than half the days","value":2}"#
        ));
        assert_eq!(serde_json::from_str::<Vec<RiskFlag>>(&json).unwrap(), flags);
        for outcome in [outcome, incomplete] {
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
        }
    }
}
