//! What a treatment plan says: problems, their goals, each goal's measurable
//! objectives and interventions, and when the plan is reviewed; and what must
//! be filled in before it can be signed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::domain::measure;
use crate::domain::validation::{into_result, is_blank};
use crate::domain::{Date, GoalStatus, ValidationIssue};

/// The body of one version of a plan. Public fields: a draft's form edits it
/// directly; a signed version hands it out read-only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanContent {
    pub problems: Vec<Problem>,
    /// When the plan is to be reviewed next (see
    /// [`default_review_date`](super::default_review_date)).
    pub review_date: Option<Date>,
}

/// A problem the treatment addresses, in the clinician's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Opaque id made by the caller; see the module documentation on ids.
    pub id: String,
    pub text: String,
    pub goals: Vec<PlanGoal>,
}

/// A long-term goal for a problem. A goal migrated from the client record
/// keeps that goal's id, text, target date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGoal {
    pub id: String,
    pub text: String,
    pub target_date: Option<Date>,
    pub status: GoalStatus,
    /// The measurable short-term steps toward the goal.
    pub objectives: Vec<Objective>,
    /// What is done to reach the goal, how often and by whom.
    pub interventions: Vec<Intervention>,
}

/// A measurable short-term objective: what is measured, from what baseline, to
/// what target, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub id: String,
    /// The objective in words ("Client will sleep at least 7 hours on 5 nights
    /// a week").
    pub text: String,
    pub measure: ObjectiveMeasure,
    pub target_date: Option<Date>,
    pub status: GoalStatus,
}

/// How an objective is measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectiveMeasure {
    /// Anything counted or observed, in words: "nights a week with 7 hours of
    /// sleep", baseline "2", target "5".
    Observed {
        what: String,
        baseline: String,
        target: String,
    },
    /// A questionnaire total, such as "PHQ-9 below 10": its results show the
    /// progress (see [`score_objective_progress`](super::score_objective_progress)).
    Score {
        /// [`MeasureDefinition::key`](crate::domain::measure::MeasureDefinition::key).
        measure_key: String,
        /// The total when the objective was set, if known.
        baseline: Option<u32>,
        target: ScoreTarget,
    },
}

/// A target for a questionnaire total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreTarget {
    pub comparison: Comparison,
    /// `None` until the clinician enters a score: a draft may lack one, and
    /// signing refuses it.
    pub value: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Below,
    AtMost,
    AtLeast,
    Above,
}

impl Comparison {
    pub const ALL: [Comparison; 4] = [
        Comparison::Below,
        Comparison::AtMost,
        Comparison::AtLeast,
        Comparison::Above,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            Comparison::Below => "below",
            Comparison::AtMost => "at most",
            Comparison::AtLeast => "at least",
            Comparison::Above => "above",
        }
    }
}

impl ScoreTarget {
    /// Whether a total reaches the target.
    pub fn is_met_by(&self, total: u32) -> bool {
        let Some(value) = self.value else {
            return false;
        };
        match self.comparison {
            Comparison::Below => total < value,
            Comparison::AtMost => total <= value,
            Comparison::AtLeast => total >= value,
            Comparison::Above => total > value,
        }
    }
}

impl ObjectiveMeasure {
    /// The measure in words, for the plan and its print view: "PHQ-9 below 10
    /// (baseline 16)", or "Nights a week with 7 hours of sleep: from 2 to 5".
    pub fn describe(&self) -> String {
        match self {
            ObjectiveMeasure::Observed {
                what,
                baseline,
                target,
            } => format!(
                "{}: from {} to {}",
                what.trim(),
                baseline.trim(),
                target.trim()
            ),
            ObjectiveMeasure::Score {
                measure_key,
                baseline,
                target,
            } => {
                let name = measure::latest(measure_key).map_or(measure_key.as_str(), |d| d.name);
                let value = target
                    .value
                    .map_or_else(|| "(no target score yet)".to_owned(), |v| v.to_string());
                let mut text = format!("{name} {} {value}", target.comparison.label());
                if let Some(baseline) = baseline {
                    text.push_str(&format!(" (baseline {baseline})"));
                }
                text
            }
        }
    }
}

/// A treatment intervention: modality, frequency and who provides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervention {
    /// "Cognitive behavioural therapy", "Medication management".
    pub modality: String,
    /// "Weekly, 50 minutes".
    pub frequency: String,
    /// "Jane Doe, LCSW", "Dr. Lee (psychiatry)".
    pub provider: String,
}

impl PlanContent {
    /// Field labels, as the UI shows them, so issues attach to the right field.
    pub const PROBLEM_LABEL: &'static str = "Problem";
    pub const GOAL_LABEL: &'static str = "Goal";
    pub const OBJECTIVE_LABEL: &'static str = "Objective";
    pub const TARGET_DATE_LABEL: &'static str = "Target date";
    pub const INTERVENTION_LABEL: &'static str = "Intervention";
    pub const REVIEW_DATE_LABEL: &'static str = "Review date";
    /// For problems no single field owns (duplicate ids).
    pub const PLAN_LABEL: &'static str = "Treatment plan";

    /// Every goal, with its problem, in plan order.
    pub fn goals(&self) -> impl Iterator<Item = (&Problem, &PlanGoal)> {
        self.problems
            .iter()
            .flat_map(|problem| problem.goals.iter().map(move |goal| (problem, goal)))
    }

    /// Every objective, with its goal, in plan order.
    pub fn objectives(&self) -> impl Iterator<Item = (&PlanGoal, &Objective)> {
        self.goals().flat_map(|(_, goal)| {
            goal.objectives
                .iter()
                .map(move |objective| (goal, objective))
        })
    }

    /// Every id in the plan: problems, goals and objectives, which share one
    /// namespace (a progress note names any of them by id alone).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.problems.iter().flat_map(|problem| {
            std::iter::once(problem.id.as_str()).chain(problem.goals.iter().flat_map(|goal| {
                std::iter::once(goal.id.as_str()).chain(
                    goal.objectives
                        .iter()
                        .map(|objective| objective.id.as_str()),
                )
            }))
        })
    }

    /// Everything that stops this content from being signed, labelled by field:
    /// every problem described and with a goal; every goal described, and an
    /// active goal with at least one objective and one intervention; every
    /// objective described, measured (what, baseline and target, or a known
    /// questionnaire with a target in its range) and dated; every intervention
    /// with modality, frequency and provider; a review date; ids present and
    /// distinct.
    pub fn validate_for_signing(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut issue =
            |field: &str, message: String| issues.push(ValidationIssue::new(field, message));
        if self.problems.is_empty() {
            issue(
                Self::PROBLEM_LABEL,
                "Add at least one problem the treatment addresses.".into(),
            );
        }
        for (p, problem) in self.problems.iter().enumerate() {
            let problem_name = format!("Problem {}", p + 1);
            if is_blank(&problem.text) {
                issue(
                    Self::PROBLEM_LABEL,
                    format!("{problem_name} has no description. Describe the problem."),
                );
            }
            if problem.goals.is_empty() {
                issue(
                    Self::GOAL_LABEL,
                    format!("{problem_name} has no goal. Add the goal the treatment works toward."),
                );
            }
            for (g, goal) in problem.goals.iter().enumerate() {
                let goal_name = format!("Goal {}.{}", p + 1, g + 1);
                if is_blank(&goal.text) {
                    issue(
                        Self::GOAL_LABEL,
                        format!("{goal_name} has no text. Describe the goal."),
                    );
                }
                let active = goal.status == GoalStatus::Active;
                if active && goal.objectives.is_empty() {
                    issue(
                        Self::OBJECTIVE_LABEL,
                        format!("{goal_name} has no objective. Add a measurable objective: what is measured, the baseline, the target and the target date."),
                    );
                }
                if active && goal.interventions.is_empty() {
                    issue(
                        Self::INTERVENTION_LABEL,
                        format!("{goal_name} has no intervention. Add what will be done, how often and by whom."),
                    );
                }
                for (o, objective) in goal.objectives.iter().enumerate() {
                    let name = format!("Objective {}.{}.{}", p + 1, g + 1, o + 1);
                    check_objective(&name, objective, &mut issue);
                }
                for (i, intervention) in goal.interventions.iter().enumerate() {
                    let name = format!("Intervention {}.{}.{}", p + 1, g + 1, i + 1);
                    for (value, what) in [
                        (&intervention.modality, "modality"),
                        (&intervention.frequency, "frequency"),
                        (&intervention.provider, "provider"),
                    ] {
                        if is_blank(value) {
                            issue(
                                Self::INTERVENTION_LABEL,
                                format!("{name} has no {what}. Enter it."),
                            );
                        }
                    }
                }
            }
        }
        if self.review_date.is_none() {
            issue(
                Self::REVIEW_DATE_LABEL,
                "Choose the date the plan will be reviewed (payers often expect every 90 days)."
                    .into(),
            );
        }
        let mut seen = BTreeSet::new();
        for id in self.ids() {
            if is_blank(id) {
                issue(
                    Self::PLAN_LABEL,
                    "An item of the plan has no id. Remove it and add it again.".into(),
                );
            } else if !seen.insert(id) {
                issue(
                    Self::PLAN_LABEL,
                    format!(
                        "Two items of the plan share the id \"{id}\". Remove one and add it again."
                    ),
                );
            }
        }
        into_result(issues)
    }
}

fn check_objective(name: &str, objective: &Objective, issue: &mut impl FnMut(&str, String)) {
    let field = PlanContent::OBJECTIVE_LABEL;
    if is_blank(&objective.text) {
        issue(
            field,
            format!("{name} has no text. Describe the objective."),
        );
    }
    match &objective.measure {
        ObjectiveMeasure::Observed {
            what,
            baseline,
            target,
        } => {
            for (value, part) in [
                (what, "what is measured"),
                (baseline, "a baseline"),
                (target, "a target"),
            ] {
                if is_blank(value) {
                    issue(field, format!("{name} has no {part}. Enter it."));
                }
            }
        }
        ObjectiveMeasure::Score {
            measure_key,
            baseline,
            target,
        } => match measure::latest(measure_key) {
            None => issue(
                field,
                format!("{name} is measured by \"{measure_key}\", which this app does not know. Choose a questionnaire from the list."),
            ),
            Some(definition) => {
                let range = definition.min_total()..=definition.max_total();
                if target.value.is_none() {
                    issue(field, format!("{name} has no target score. Enter it."));
                } else if target.value.is_some_and(|t| !range.contains(&t))
                    || baseline.is_some_and(|b| !range.contains(&b))
                {
                    issue(
                        field,
                        format!(
                            "{name}: {} totals run from {} to {}. Enter a baseline and target in that range.",
                            definition.name,
                            range.start(),
                            range.end()
                        ),
                    );
                }
            }
        },
    }
    if objective.target_date.is_none() {
        issue(
            PlanContent::TARGET_DATE_LABEL,
            format!("{name} has no target date. Choose the date it should be reached by."),
        );
    }
}

/// Fixtures shared by the tests of the treatment-plan files.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::domain::progress_note::fixtures::date;

    pub fn intervention() -> Intervention {
        Intervention {
            modality: "Cognitive behavioural therapy".into(),
            frequency: "Weekly, 50 minutes".into(),
            provider: "Jane Doe, LCSW".into(),
        }
    }

    pub fn phq9_objective(id: &str) -> Objective {
        Objective {
            id: id.into(),
            text: "Depressive symptoms fall to the mild range or below".into(),
            measure: ObjectiveMeasure::Score {
                measure_key: "phq-9".into(),
                baseline: Some(16),
                target: ScoreTarget {
                    comparison: Comparison::Below,
                    value: Some(10),
                },
            },
            target_date: Some(date("2025-03-01")),
            status: GoalStatus::Active,
        }
    }

    pub fn sleep_objective(id: &str) -> Objective {
        Objective {
            id: id.into(),
            text: "Client sleeps at least 7 hours on most nights".into(),
            measure: ObjectiveMeasure::Observed {
                what: "Nights a week with 7 hours of sleep".into(),
                baseline: "2".into(),
                target: "5".into(),
            },
            target_date: Some(date("2025-02-01")),
            status: GoalStatus::Active,
        }
    }

    /// A plan body ready to sign, reviewed on 2025-04-01.
    pub fn complete_content() -> PlanContent {
        PlanContent {
            problems: vec![Problem {
                id: "p-1".into(),
                text: "Depressed mood since job loss, with poor sleep".into(),
                goals: vec![PlanGoal {
                    id: "goal-1".into(),
                    text: "Reduce depressive symptoms".into(),
                    target_date: Some(date("2025-06-01")),
                    status: GoalStatus::Active,
                    objectives: vec![phq9_objective("o-1"), sleep_objective("o-2")],
                    interventions: vec![intervention()],
                }],
            }],
            review_date: Some(date("2025-04-01")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn fields(content: &PlanContent) -> Vec<String> {
        content
            .validate_for_signing()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|issue| issue.field)
            .collect()
    }

    #[test]
    fn a_complete_plan_is_valid() {
        assert_eq!(complete_content().validate_for_signing(), Ok(()));
        let c = complete_content();
        let ids: Vec<&str> = c.ids().collect();
        assert_eq!(ids, ["p-1", "goal-1", "o-1", "o-2"]);
    }

    #[test]
    fn an_empty_plan_needs_a_problem_and_a_review_date() {
        assert_eq!(fields(&PlanContent::default()), ["Problem", "Review date"]);
    }

    #[test]
    fn every_level_must_be_filled_in() {
        let mut c = complete_content();
        c.problems[0].text = " ".into();
        let goal = &mut c.problems[0].goals[0];
        goal.text.clear();
        goal.objectives[1].target_date = None;
        goal.objectives[1].measure = ObjectiveMeasure::Observed {
            what: "Nights".into(),
            baseline: String::new(),
            target: "5".into(),
        };
        goal.interventions[0].provider.clear();
        c.review_date = None;
        assert_eq!(
            fields(&c),
            [
                "Problem",
                "Goal",
                "Objective",
                "Target date",
                "Intervention",
                "Review date"
            ]
        );
    }

    #[test]
    fn an_active_goal_needs_objectives_and_interventions_but_a_met_one_does_not() {
        let mut c = complete_content();
        c.problems[0].goals[0].objectives.clear();
        c.problems[0].goals[0].interventions.clear();
        assert_eq!(fields(&c), ["Objective", "Intervention"]);
        c.problems[0].goals[0].status = GoalStatus::Met;
        assert_eq!(c.validate_for_signing(), Ok(()));
    }

    #[test]
    fn a_score_objective_needs_a_known_measure_and_a_target_in_range() {
        let mut c = complete_content();
        c.problems[0].goals[0].objectives[0].measure = ObjectiveMeasure::Score {
            measure_key: "bdi-ii".into(),
            baseline: None,
            target: ScoreTarget {
                comparison: Comparison::Below,
                value: Some(10),
            },
        };
        assert!(c.validate_for_signing().unwrap_err()[0]
            .message
            .contains("does not know"));
        c.problems[0].goals[0].objectives[0].measure = ObjectiveMeasure::Score {
            measure_key: "gad-7".into(),
            baseline: Some(25),
            target: ScoreTarget {
                comparison: Comparison::Below,
                value: Some(5),
            },
        };
        assert!(c.validate_for_signing().unwrap_err()[0]
            .message
            .contains("from 0 to 21"));
        // A target not entered yet is its own message, never "in range".
        c.problems[0].goals[0].objectives[0].measure = ObjectiveMeasure::Score {
            measure_key: "gad-7".into(),
            baseline: None,
            target: ScoreTarget {
                comparison: Comparison::Below,
                value: None,
            },
        };
        let issues = c.validate_for_signing().unwrap_err();
        assert!(
            issues[0].message.contains("has no target score"),
            "{issues:?}"
        );
        let ObjectiveMeasure::Score { target, .. } = &c.problems[0].goals[0].objectives[0].measure
        else {
            unreachable!()
        };
        assert!(!target.is_met_by(0), "no target is never met");
    }

    #[test]
    fn ids_must_be_present_and_distinct_across_levels() {
        let mut c = complete_content();
        c.problems[0].goals[0].objectives[1].id = "goal-1".into();
        let issues = c.validate_for_signing().unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "Treatment plan");
        assert!(issues[0].message.contains("\"goal-1\""));
        c.problems[0].goals[0].objectives[1].id = "".into();
        assert!(c.validate_for_signing().unwrap_err()[0]
            .message
            .contains("no id"));
    }

    #[test]
    fn targets_and_descriptions() {
        let below = ScoreTarget {
            comparison: Comparison::Below,
            value: Some(10),
        };
        assert!(below.is_met_by(9) && !below.is_met_by(10));
        let at_most = ScoreTarget {
            comparison: Comparison::AtMost,
            value: Some(10),
        };
        assert!(at_most.is_met_by(10) && !at_most.is_met_by(11));
        let at_least = ScoreTarget {
            comparison: Comparison::AtLeast,
            value: Some(10),
        };
        assert!(at_least.is_met_by(10) && !at_least.is_met_by(9));
        let above = ScoreTarget {
            comparison: Comparison::Above,
            value: Some(10),
        };
        assert!(above.is_met_by(11) && !above.is_met_by(10));

        assert_eq!(
            phq9_objective("o").measure.describe(),
            "PHQ-9 below 10 (baseline 16)"
        );
        assert_eq!(
            sleep_objective("o").measure.describe(),
            "Nights a week with 7 hours of sleep: from 2 to 5"
        );
    }

    #[test]
    fn stored_form_round_trips_and_is_readable() {
        let c = complete_content();
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""measure":{"kind":"score","measure_key":"phq-9","baseline":16,"target":{"comparison":"below","value":10}}"#));
        assert!(
            json.contains(r#""status":"Active""#),
            "GoalStatus keeps its stored form"
        );
        assert_eq!(serde_json::from_str::<PlanContent>(&json).unwrap(), c);
    }
}
