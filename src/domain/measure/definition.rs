//! What a questionnaire is, as data: its items and their answers, how a total
//! maps to a severity band, what to do with unanswered items, which answers raise
//! a risk flag, and how large a change between two results is clinically
//! meaningful.
//!
//! Scoring ([`score`](super::score)) is one generic function over a
//! [`MeasureDefinition`]; nothing in this module tree matches on a measure's
//! name. Adding a measure means adding a `static` definition beside
//! [`PHQ_9`](super::PHQ_9) and listing it in [`MEASURES`](super::MEASURES); the
//! tests in this file then check its shape (bands that tile the range, risk
//! rules that point at real items, LOINC check digits).
//!
//! Definitions are `'static` and never serialized: a stored result names its
//! measure by [`key`](MeasureDefinition::key) and
//! [`version`](MeasureDefinition::version), and keeps the answers as indices
//! into that version's options. So a definition, once shipped, is never edited
//! in place; a change to items, options, bands or rules is a new version listed
//! beside the old one, which stays for the results that used it.

/// One answer a client can give to an item, and the points it scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerOption {
    /// The words shown, for example "Several days". The UI's radio buttons are
    /// named by it.
    pub label: &'static str,
    /// The points this answer adds to the total.
    pub value: u8,
    /// The LOINC answer code (`LA…`), when LOINC has one.
    pub loinc: Option<&'static str>,
}

/// One scored question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// The item's exact published wording. The UI names the item's radio group
    /// by it, so it must not be paraphrased.
    pub text: &'static str,
    /// The answers, in the order shown (lowest value first).
    pub options: &'static [AnswerOption],
    /// The LOINC code of the item, when LOINC has one.
    pub loinc: Option<&'static str>,
}

/// A question that is asked and recorded but adds nothing to the total, such
/// as the PHQ-9's question about how difficult the problems made daily life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnscoredQuestion {
    pub text: &'static str,
    pub options: &'static [AnswerOption],
    pub loinc: Option<&'static str>,
}

/// A range of totals and the severity it stands for. Both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityBand {
    pub min: u32,
    pub max: u32,
    /// The severity in words, for example "Moderately severe".
    pub label: &'static str,
}

impl SeverityBand {
    pub fn contains(&self, total: u32) -> bool {
        (self.min..=self.max).contains(&total)
    }
}

/// What scoring does when some items have no answer.
///
/// Never "count them as zero": that would report a client who skipped the
/// hardest questions as less unwell than they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingItemRule {
    /// No published rule is followed: any unanswered item leaves the result
    /// incomplete, with no total and no band.
    Incomplete,
    /// A published proration rule: when at most `max_missing` items are
    /// unanswered, the total is the answered items' sum scaled to the full
    /// number of items (`sum × items ÷ answered`, rounded half up), and the
    /// result says it was prorated. With more unanswered items it is
    /// incomplete.
    Prorate { max_missing: u8 },
}

/// An answer that needs the clinician's attention whatever the total: the
/// item at `item` (0-based) answered with a value of at least `min_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskRule {
    /// Index into [`MeasureDefinition::items`].
    pub item: usize,
    /// The lowest answer value that raises the flag.
    pub min_value: u8,
    /// What the flag asks the clinician to do, shown on the client's page and in
    /// the next progress note's risk section.
    pub message: &'static str,
    /// Whether the flag prompts for the safety plan.
    pub needs_safety_plan: bool,
}

/// Which way is better on this measure's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Symptom scales: a falling total is improvement.
    HigherIsWorse,
    /// Well-being or functioning scales: a rising total is improvement.
    HigherIsBetter,
}

/// The smallest change in total between two results that counts as clinically
/// meaningful for one client, with where that figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeThreshold {
    pub points: u32,
    /// The published source of `points`.
    pub source: &'static str,
}

/// A questionnaire, entirely as data. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureDefinition {
    /// Stable identifier stored with every result, for example `"phq-9"`. Never
    /// changes for a measure; a different scale is a different key.
    pub key: &'static str,
    /// Bumped whenever anything that affects scoring or wording changes. Results
    /// keep the version they were scored with.
    pub version: u32,
    /// The short name the clinician picks from, for example "PHQ-9".
    pub name: &'static str,
    /// The full name, for print and export.
    pub title: &'static str,
    /// The instruction shown above the items, as published.
    pub instructions: &'static str,
    pub items: &'static [Item],
    /// Recorded, not scored (see [`UnscoredQuestion`]).
    pub follow_up: Option<UnscoredQuestion>,
    /// Ordered from the lowest totals up; together they cover every possible
    /// total exactly once.
    pub bands: &'static [SeverityBand],
    pub missing_items: MissingItemRule,
    pub risk_rules: &'static [RiskRule],
    pub polarity: Polarity,
    pub meaningful_change: ChangeThreshold,
    /// The LOINC code of the whole questionnaire (panel), when it has one.
    pub loinc_panel: Option<&'static str>,
    /// The LOINC code of the total score, when it has one.
    pub loinc_total: Option<&'static str>,
    /// Where the items, bands and rules come from.
    pub sources: &'static [&'static str],
    /// The terms under which the questionnaire may be reproduced.
    pub permission: &'static str,
}

impl MeasureDefinition {
    /// The lowest possible total: every item at its lowest answer.
    pub fn min_total(&self) -> u32 {
        self.items
            .iter()
            .map(|item| {
                item.options
                    .iter()
                    .map(|o| u32::from(o.value))
                    .min()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// The highest possible total: every item at its highest answer.
    pub fn max_total(&self) -> u32 {
        self.items
            .iter()
            .map(|item| {
                item.options
                    .iter()
                    .map(|o| u32::from(o.value))
                    .max()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// The band a total falls in, if the total is in range.
    pub fn band(&self, total: u32) -> Option<&'static SeverityBand> {
        self.bands.iter().find(|band| band.contains(total))
    }

    /// "PHQ-9 score: 12", the way the result is read out.
    pub fn score_line(&self, total: u32) -> String {
        format!("{} score: {total}", self.name)
    }

    /// "PHQ-9 over time", the accessible name of the measure's chart.
    pub fn chart_name(&self) -> String {
        format!("{} over time", self.name)
    }

    /// Every way this definition is malformed, in words; empty when it is sound.
    /// Run by the tests over every listed measure, so a new definition that
    /// leaves a gap between bands or points a risk rule at a missing item fails
    /// before it ships.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut problem =
            |text: String| problems.push(format!("{} v{}: {text}", self.key, self.version));
        if self.key.is_empty() || self.key.trim() != self.key {
            problem("the key must be non-empty and unpadded".into());
        }
        if self.items.is_empty() {
            problem("there are no items".into());
        }
        for (index, item) in self.items.iter().enumerate() {
            if item.text.trim().is_empty() {
                problem(format!("item {} has no text", index + 1));
            }
            check_options(&format!("item {}", index + 1), item.options, &mut problem);
        }
        if let Some(follow_up) = &self.follow_up {
            check_options("the follow-up question", follow_up.options, &mut problem);
        }
        // Bands must tile min_total..=max_total in order, without gap or overlap.
        let mut next = self.min_total();
        for band in self.bands {
            if band.min != next || band.max < band.min {
                problem(format!(
                    "band \"{}\" covers {}–{}, expected it to start at {next}",
                    band.label, band.min, band.max
                ));
            }
            next = band.max.saturating_add(1);
        }
        if next != self.max_total() + 1 {
            problem(format!(
                "the bands end at {}, the highest total is {}",
                next.saturating_sub(1),
                self.max_total()
            ));
        }
        for rule in self.risk_rules {
            match self.items.get(rule.item) {
                None => problem(format!(
                    "a risk rule points at item index {}, which does not exist",
                    rule.item
                )),
                Some(item) if !item.options.iter().any(|o| o.value >= rule.min_value) => problem(
                    format!("the risk rule on item {} can never fire", rule.item + 1),
                ),
                Some(_) if rule.min_value == 0 => problem(format!(
                    "the risk rule on item {} fires on every answer",
                    rule.item + 1
                )),
                Some(_) => {}
            }
        }
        if let MissingItemRule::Prorate { max_missing } = self.missing_items {
            if usize::from(max_missing) >= self.items.len() {
                problem("proration allows every item to be missing".into());
            }
        }
        if self.meaningful_change.points == 0 || self.meaningful_change.source.trim().is_empty() {
            problem("the meaningful-change threshold needs points and a source".into());
        }
        if self.sources.is_empty() {
            problem("no source is cited".into());
        }
        let codes = self
            .items
            .iter()
            .map(|item| item.loinc)
            .chain(self.follow_up.map(|q| q.loinc))
            .chain([self.loinc_panel, self.loinc_total])
            .flatten();
        for code in codes {
            if !is_valid_loinc_code(code) {
                problem(format!(
                    "\"{code}\" is not a LOINC code with a correct check digit"
                ));
            }
        }
        problems
    }
}

fn check_options(what: &str, options: &[AnswerOption], problem: &mut impl FnMut(String)) {
    if options.is_empty() {
        problem(format!("{what} has no answers"));
    }
    // Option indices are stored, and a u8 holds them.
    if options.len() > usize::from(u8::MAX) {
        problem(format!("{what} has too many answers"));
    }
    if options
        .windows(2)
        .any(|pair| pair[0].value >= pair[1].value)
    {
        problem(format!(
            "{what} has answers that are not in rising order of value"
        ));
    }
    if options.iter().any(|o| o.label.trim().is_empty()) {
        problem(format!("{what} has an answer without a label"));
    }
}

/// Whether `code` is a LOINC term code, `NNNNN-C`, whose check digit `C` is the
/// mod-10 check digit LOINC computes over the digits before the hyphen (the
/// Luhn algorithm). Catches a mistyped code in a definition.
pub fn is_valid_loinc_code(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(number) || check.len() != 1 || !all_digits(check) || number.len() > 7 {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 0 {
                let doubled = digit * 2;
                doubled / 10 + doubled % 10
            } else {
                digit
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    u32::from(check.as_bytes()[0] - b'0') == expected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measure::MEASURES;

    #[test]
    fn every_listed_measure_is_well_formed() {
        for definition in MEASURES {
            assert_eq!(definition.problems(), Vec::<String>::new());
        }
    }

    #[test]
    fn keys_and_versions_are_unique() {
        for (i, a) in MEASURES.iter().enumerate() {
            for b in &MEASURES[..i] {
                assert!(
                    (a.key, a.version) != (b.key, b.version),
                    "{} v{} is listed twice",
                    a.key,
                    a.version
                );
                assert!(
                    a.key == b.key || a.name != b.name,
                    "two measures are named {}",
                    a.name
                );
            }
        }
    }

    #[test]
    fn loinc_check_digits() {
        // Codes whose check digits are known from LOINC itself.
        for good in [
            "44261-6", "70274-6", "44249-1", "69737-5", "69722-7", "44260-8",
        ] {
            assert!(is_valid_loinc_code(good), "{good}");
        }
        for bad in [
            "44261-5", "44261", "4426-16", "-6", "44261-66", "4426a-6", "LA6568-5",
        ] {
            assert!(!is_valid_loinc_code(bad), "{bad}");
        }
    }

    const OPTIONS: &[AnswerOption] = &[
        AnswerOption {
            label: "No",
            value: 0,
            loinc: None,
        },
        AnswerOption {
            label: "Yes",
            value: 1,
            loinc: None,
        },
    ];

    const ITEMS: &[Item] = &[
        Item {
            text: "First",
            options: OPTIONS,
            loinc: None,
        },
        Item {
            text: "Second",
            options: OPTIONS,
            loinc: None,
        },
    ];

    fn sound() -> MeasureDefinition {
        MeasureDefinition {
            key: "test",
            version: 1,
            name: "Test",
            title: "Test measure",
            instructions: "Answer.",
            items: ITEMS,
            follow_up: None,
            bands: &[
                SeverityBand {
                    min: 0,
                    max: 0,
                    label: "None",
                },
                SeverityBand {
                    min: 1,
                    max: 2,
                    label: "Some",
                },
            ],
            missing_items: MissingItemRule::Incomplete,
            risk_rules: &[RiskRule {
                item: 1,
                min_value: 1,
                message: "Ask.",
                needs_safety_plan: false,
            }],
            polarity: Polarity::HigherIsWorse,
            meaningful_change: ChangeThreshold {
                points: 1,
                source: "Test.",
            },
            loinc_panel: None,
            loinc_total: Some("44261-6"),
            sources: &["Test."],
            permission: "Test.",
        }
    }

    #[test]
    fn problems_catch_malformed_definitions() {
        assert_eq!(sound().problems(), Vec::<String>::new());
        assert_eq!((sound().min_total(), sound().max_total()), (0, 2));
        assert_eq!(sound().band(2).map(|b| b.label), Some("Some"));
        assert_eq!(sound().band(3), None);

        let mut gap = sound();
        gap.bands = &[
            SeverityBand {
                min: 0,
                max: 0,
                label: "None",
            },
            SeverityBand {
                min: 2,
                max: 2,
                label: "Some",
            },
        ];
        assert_eq!(gap.problems().len(), 1, "{:?}", gap.problems());

        let mut short = sound();
        short.bands = &sound().bands[..1];
        assert!(short.problems()[0].contains("the bands end at 0"));

        let mut bad_rule = sound();
        bad_rule.risk_rules = &[RiskRule {
            item: 2,
            min_value: 1,
            message: "",
            needs_safety_plan: false,
        }];
        assert!(bad_rule.problems()[0].contains("does not exist"));

        let mut never = sound();
        never.risk_rules = &[RiskRule {
            item: 0,
            min_value: 2,
            message: "",
            needs_safety_plan: false,
        }];
        assert!(never.problems()[0].contains("never fire"));

        let mut typo = sound();
        typo.loinc_total = Some("44261-5");
        assert!(typo.problems()[0].contains("44261-5"));

        let mut prorate_all = sound();
        prorate_all.missing_items = MissingItemRule::Prorate { max_missing: 2 };
        assert_eq!(prorate_all.problems().len(), 1);
    }

    #[test]
    fn names_for_the_ui() {
        assert_eq!(sound().score_line(7), "Test score: 7");
        assert_eq!(sound().chart_name(), "Test over time");
    }
}
