//! Progress against the plan: what a progress note's addressed goals and
//! objectives refer to, and how far a score objective has come.
//!
//! A progress note records what it addressed as [`GoalAddressed`] values (an id
//! and a [`GoalProgress`](crate::domain::GoalProgress) rating). Problems, goals
//! and objectives share one id namespace within a plan, so that same `goal_id`
//! field can name an objective: no change to the stored note or to its signed
//! digest, and every existing note (whose ids are the migrated goals') keeps
//! resolving. [`TreatmentPlan::find`] tells which kind of item an id is.

use super::content::{Objective, ObjectiveMeasure, PlanContent, PlanGoal, Problem};
use super::plan::TreatmentPlan;
use crate::domain::measure::{self, MeasureResult};
use crate::domain::GoalAddressed;

/// An item of a plan, with what it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanItem<'a> {
    Problem(&'a Problem),
    Goal {
        problem: &'a Problem,
        goal: &'a PlanGoal,
    },
    Objective {
        problem: &'a Problem,
        goal: &'a PlanGoal,
        objective: &'a Objective,
    },
}

impl<'a> PlanItem<'a> {
    pub fn id(&self) -> &'a str {
        match self {
            PlanItem::Problem(problem) => &problem.id,
            PlanItem::Goal { goal, .. } => &goal.id,
            PlanItem::Objective { objective, .. } => &objective.id,
        }
    }

    pub fn text(&self) -> &'a str {
        match self {
            PlanItem::Problem(problem) => &problem.text,
            PlanItem::Goal { goal, .. } => &goal.text,
            PlanItem::Objective { objective, .. } => &objective.text,
        }
    }
}

/// Where [`TreatmentPlan::find`] found an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundItem<'a> {
    /// The signed version it was found in; `None` for the draft.
    pub version: Option<u32>,
    pub item: PlanItem<'a>,
}

impl PlanContent {
    /// The problem, goal or objective with this id.
    pub fn find(&self, id: &str) -> Option<PlanItem<'_>> {
        for problem in &self.problems {
            if problem.id == id {
                return Some(PlanItem::Problem(problem));
            }
            for goal in &problem.goals {
                if goal.id == id {
                    return Some(PlanItem::Goal { problem, goal });
                }
                if let Some(objective) = goal.objectives.iter().find(|o| o.id == id) {
                    return Some(PlanItem::Objective {
                        problem,
                        goal,
                        objective,
                    });
                }
            }
        }
        None
    }
}

impl TreatmentPlan {
    /// The item with this id: from the plan in force if it has it, else from
    /// the newest earlier version that had it (history keeps what older notes
    /// referred to), else from the draft.
    pub fn find(&self, id: &str) -> Option<FoundItem<'_>> {
        self.versions()
            .iter()
            .rev()
            .find_map(|version| {
                version.content().find(id).map(|item| FoundItem {
                    version: Some(version.version()),
                    item,
                })
            })
            .or_else(|| {
                let draft = self.draft()?;
                draft.content.find(id).map(|item| FoundItem {
                    version: None,
                    item,
                })
            })
    }

    /// A note's addressed items, each with what it refers to (`None` when the
    /// id is not in the plan, for example a goal deleted from the client
    /// record before the migration).
    pub fn resolve_addressed<'a>(
        &'a self,
        addressed: &'a [GoalAddressed],
    ) -> Vec<(&'a GoalAddressed, Option<FoundItem<'a>>)> {
        addressed
            .iter()
            .map(|entry| (entry, self.find(&entry.goal_id)))
            .collect()
    }
}

/// How far a score objective ("PHQ-9 below 10") has come: its measure's latest
/// scored result and whether that total meets the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreProgress<'a> {
    pub result: &'a MeasureResult,
    pub total: u32,
    pub met: bool,
}

/// The progress of `objective` among a client's `results`, if it is measured
/// by a questionnaire and that questionnaire has a scored result. Incomplete
/// results are skipped, never read as a score.
pub fn score_objective_progress<'a>(
    objective: &Objective,
    results: impl IntoIterator<Item = &'a MeasureResult>,
) -> Option<ScoreProgress<'a>> {
    let ObjectiveMeasure::Score {
        measure_key,
        target,
        ..
    } = &objective.measure
    else {
        return None;
    };
    let definition = measure::latest(measure_key)?;
    let trend = measure::trend(definition, results);
    let latest = trend.points.iter().rev().find(|p| p.total.is_some())?;
    let total = latest.total?;
    Some(ScoreProgress {
        result: latest.result,
        total,
        met: target.is_met_by(total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measure::fixtures::{gad7_total, make, phq9_total};
    use crate::domain::measure::PHQ_9;
    use crate::domain::progress_note::fixtures::clinician;
    use crate::domain::treatment_plan::content::fixtures::{phq9_objective, sleep_objective};
    use crate::domain::treatment_plan::plan::fixtures::{at, ready_plan};
    use crate::domain::{GoalProgress, GoalStatus};

    #[test]
    fn ids_resolve_to_problems_goals_and_objectives() {
        let plan = ready_plan();
        let content = plan.latest_content().unwrap();
        assert!(matches!(content.find("p-1"), Some(PlanItem::Problem(_))));
        assert!(matches!(
            content.find("goal-1"),
            Some(PlanItem::Goal { .. })
        ));
        let Some(PlanItem::Objective {
            goal, objective, ..
        }) = content.find("o-2")
        else {
            panic!("o-2 is an objective");
        };
        assert_eq!(goal.id, "goal-1");
        assert_eq!(objective.text, sleep_objective("o-2").text);
        assert_eq!(content.find("nope"), None);
        assert_eq!(content.find("o-1").unwrap().id(), "o-1");
    }

    #[test]
    fn a_note_can_address_goals_and_objectives_with_the_existing_field() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let addressed = vec![
            GoalAddressed {
                goal_id: "goal-1".into(),
                progress: Some(GoalProgress::Improved),
            },
            GoalAddressed {
                goal_id: "o-1".into(),
                progress: Some(GoalProgress::Unchanged),
            },
            GoalAddressed {
                goal_id: "removed-long-ago".into(),
                progress: Some(GoalProgress::Worse),
            },
        ];
        let resolved = plan.resolve_addressed(&addressed);
        assert!(matches!(resolved[0].1.unwrap().item, PlanItem::Goal { .. }));
        assert!(matches!(
            resolved[1].1.unwrap().item,
            PlanItem::Objective { .. }
        ));
        assert_eq!(resolved[1].1.unwrap().version, Some(1));
        assert_eq!(resolved[2].1, None);
    }

    #[test]
    fn history_answers_for_items_no_longer_in_force() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let draft = plan.revise(at("2025-04-01")).unwrap();
        draft.content.problems[0].goals[0].objectives[0].status = GoalStatus::Met;
        draft.content.problems[0].goals[0].objectives[0].text = "Reworded".into();
        draft.content.problems[0].goals[0]
            .objectives
            .push(sleep_objective("o-new"));
        // While version 2 is a draft, version 1 answers, and the draft answers
        // for what only it has.
        assert_eq!(plan.find("o-1").unwrap().version, Some(1));
        assert_eq!(plan.find("o-new").unwrap().version, None);
        plan.sign(&clinician(), at("2025-04-02")).unwrap();
        let found = plan.find("o-1").unwrap();
        assert_eq!(found.version, Some(2));
        assert_eq!(found.item.text(), "Reworded");
    }

    #[test]
    fn a_score_objective_reads_the_latest_scored_result() {
        let objective = phq9_objective("o-1"); // PHQ-9 below 10
        let mut missing = [Some(0u8); 9];
        missing[3] = None;
        let results = [
            phq9_total(16, "2025-01-07", 1),
            phq9_total(9, "2025-02-04", 2),
            make(&PHQ_9, &missing, "2025-02-18", 3),
            gad7_total(2, "2025-03-01", 4),
        ];
        let progress = score_objective_progress(&objective, &results).unwrap();
        assert_eq!(
            progress.total, 9,
            "the incomplete PHQ-9 and the GAD-7 are skipped"
        );
        assert!(progress.met);
        assert_eq!(progress.result.administered_on().to_string(), "2025-02-04");

        let not_yet = score_objective_progress(&objective, &results[..1]).unwrap();
        assert!(!not_yet.met);
        assert_eq!(score_objective_progress(&objective, &results[3..]), None);
        assert_eq!(
            score_objective_progress(&sleep_objective("o-2"), &results),
            None
        );
    }
}
