//! From the client record's goals to a first treatment-plan draft, without
//! loss.
//!
//! Before treatment plans, a client's goals lived in [`Client::goals`] (id,
//! text, target date, status), and progress notes name them by id in
//! [`GoalAddressed::goal_id`](crate::domain::GoalAddressed::goal_id). The
//! migration puts every one of them, in order and unchanged, under a single
//! problem of a first draft, so every note's reference still resolves (see
//! [`TreatmentPlan::find`](super::TreatmentPlan::find)). The problem's text is
//! left blank and the goals have no objectives or interventions yet: the
//! clinician completes them before signing, which refuses a plan without them.
//!
//! [`PlanContent::legacy_goals`] is the inverse: it gives the goals back in the
//! old shape, and the tests check that the round trip is the identity.

use super::content::{PlanContent, PlanGoal, Problem};
use super::plan::TreatmentPlan;
use super::review::default_review_date;
use super::TreatmentPlanId;
use crate::domain::{Client, Goal, Timestamp};

impl TreatmentPlan {
    /// A first draft holding every goal of `client`, under one problem with id
    /// `problem_id` (made by the caller, like every id) and no text. A client
    /// without goals gets an empty draft. The review date defaults to 90 days
    /// after `now`'s date.
    pub fn from_client_goals(
        id: TreatmentPlanId,
        client: &Client,
        problem_id: impl Into<String>,
        now: Timestamp,
    ) -> TreatmentPlan {
        let problems = if client.goals.is_empty() {
            Vec::new()
        } else {
            vec![Problem {
                id: problem_id.into(),
                text: String::new(),
                goals: client.goals.iter().map(plan_goal).collect(),
            }]
        };
        TreatmentPlan::with_draft(
            id,
            client.id.clone(),
            PlanContent {
                problems,
                review_date: default_review_date(now.date()),
            },
            now,
        )
    }
}

fn plan_goal(goal: &Goal) -> PlanGoal {
    PlanGoal {
        id: goal.id.clone(),
        text: goal.text.clone(),
        target_date: goal.target_date,
        status: goal.status,
        objectives: Vec::new(),
        interventions: Vec::new(),
    }
}

impl PlanContent {
    /// Every goal in the old [`Goal`] shape, in plan order: what a screen or an
    /// export that still reads [`Client::goals`] should show once the plan is
    /// the source of truth.
    pub fn legacy_goals(&self) -> Vec<Goal> {
        self.goals()
            .map(|(_, goal)| Goal {
                id: goal.id.clone(),
                text: goal.text.clone(),
                target_date: goal.target_date,
                status: goal.status,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::{clinician, date};
    use crate::domain::treatment_plan::content::fixtures::{intervention, phq9_objective};
    use crate::domain::treatment_plan::plan::fixtures::at;
    use crate::domain::{ClientId, Date, GoalStatus};

    /// A small deterministic generator (xorshift64), so the property tests
    /// below cover many shapes of goal lists and always the same ones.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn text(&mut self) -> String {
            const PIECES: [&str; 8] = [
                "",
                " ",
                "Sleep 7 hours",
                "é",
                "“quoted”",
                "\n",
                "goal-1",
                "🙂",
            ];
            (0..self.below(4))
                .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
                .collect()
        }

        fn goal(&mut self) -> Goal {
            Goal {
                id: self.text(),
                text: self.text(),
                target_date: match self.below(3) {
                    0 => None,
                    _ => Date::new(
                        2000 + self.below(30) as i32,
                        1 + self.below(12) as u8,
                        1 + self.below(28) as u8,
                    )
                    .ok(),
                },
                status: [
                    GoalStatus::Active,
                    GoalStatus::Met,
                    GoalStatus::Discontinued,
                ][self.below(3) as usize],
            }
        }
    }

    fn client_with(goals: Vec<Goal>) -> Client {
        let mut client = Client::new(ClientId("client-1".into()), "Alex Rivera");
        client.goals = goals;
        client
    }

    fn migrate(client: &Client) -> TreatmentPlan {
        TreatmentPlan::from_client_goals(
            TreatmentPlanId("plan-1".into()),
            client,
            "problem-1",
            at("2025-01-06"),
        )
    }

    #[test]
    fn every_goal_is_kept_in_order_under_one_problem() {
        let mut goal = Goal::new("g-2", "Return to work part time");
        goal.target_date = Some(date("2025-06-01"));
        goal.status = GoalStatus::Met;
        let client = client_with(vec![Goal::new("g-1", "Sleep 7 hours"), goal.clone()]);
        let plan = migrate(&client);
        assert_eq!(plan.client_id(), &client.id);
        let draft = plan.draft().unwrap();
        assert_eq!(draft.version(), 1);
        assert_eq!(draft.content.review_date, Some(date("2025-04-06")));
        let problem = &draft.content.problems[0];
        assert_eq!(
            (problem.id.as_str(), problem.text.as_str()),
            ("problem-1", "")
        );
        assert_eq!(problem.goals.len(), 2);
        assert_eq!(problem.goals[1].id, "g-2");
        assert_eq!(problem.goals[1].target_date, goal.target_date);
        assert_eq!(problem.goals[1].status, GoalStatus::Met);
        assert!(problem.goals[0].objectives.is_empty());
        assert_eq!(draft.content.legacy_goals(), client.goals);
    }

    #[test]
    fn a_client_without_goals_gets_an_empty_draft() {
        let plan = migrate(&client_with(Vec::new()));
        assert!(plan.draft().unwrap().content.problems.is_empty());
    }

    /// Property: for many goal lists (blank, duplicate and odd ids and texts
    /// included, since stored data need not be valid), migration loses
    /// nothing, through storage too, and every goal id resolves.
    #[test]
    fn migration_round_trips_any_goal_list() {
        let mut gen = Gen(0x9e37_79b9_7f4a_7c15);
        for _ in 0..2_000 {
            let goals: Vec<Goal> = (0..gen.below(6)).map(|_| gen.goal()).collect();
            let client = client_with(goals);
            let plan = migrate(&client);
            let content = &plan.draft().unwrap().content;
            assert_eq!(content.legacy_goals(), client.goals);

            let json = serde_json::to_string(&plan).unwrap();
            let loaded: TreatmentPlan = serde_json::from_str(&json).unwrap();
            assert_eq!(loaded.draft().unwrap().content.legacy_goals(), client.goals);

            for goal in &client.goals {
                assert!(
                    loaded.find(&goal.id).is_some(),
                    "goal {:?} resolves",
                    goal.id
                );
            }
        }
    }

    #[test]
    fn a_migrated_plan_is_completed_then_signed_with_the_same_goal_ids() {
        let client = client_with(vec![
            Goal::new("g-1", "Sleep 7 hours"),
            Goal::new("g-2", "Fewer panic attacks"),
        ]);
        let mut plan = migrate(&client);
        let error = plan.sign(&clinician(), at("2025-01-07")).unwrap_err();
        assert!(error.to_string().contains("Problem 1 has no description"));

        let content = &mut plan.draft_mut().unwrap().content;
        content.problems[0].text = "Anxiety with insomnia".into();
        for (n, goal) in content.problems[0].goals.iter_mut().enumerate() {
            goal.objectives.push(phq9_objective(&format!("o-{n}")));
            goal.interventions.push(intervention());
        }
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        assert_eq!(
            plan.current().unwrap().content().legacy_goals(),
            client.goals
        );
    }
}
