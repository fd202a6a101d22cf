//! What a progress note offers to tick as addressed: the goals of the plan in
//! force with their measurable objectives, each of which the note rates with
//! a [`GoalProgress`](crate::domain::GoalProgress), as it rated the client's
//! goals before plans existed.
//!
//! The plan in force is the last signed version; a plan never signed offers
//! its draft, which for a migrated client holds their goals (see
//! `migration`). Without a plan, the client record's goals are offered. Only
//! active items are offered, but an item the note already addresses stays on
//! the list whatever its status, so that unticking it is a choice and never a
//! side effect of the plan changing.

use super::content::PlanContent;
use super::plan::TreatmentPlan;
use crate::domain::{Client, GoalAddressed, GoalStatus};

/// One line of the note's "Goals addressed" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressable {
    /// The id the note stores ([`GoalAddressed::goal_id`]).
    pub id: String,
    /// The goal's or the objective's text; for an id found nowhere, a phrase
    /// that says so.
    pub text: String,
    pub kind: AddressableKind,
}

/// What an [`Addressable`] is, so the list can indent objectives under goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressableKind {
    Goal,
    Objective,
    /// An id the note addresses that neither the plan nor the client record
    /// has (a goal deleted before plans existed).
    Unknown,
}

/// The wording of an id found nowhere.
pub const UNKNOWN_GOAL: &str = "A goal no longer on the treatment plan";

/// The goals and objectives a note for `client` may address, in plan order
/// (see the module documentation), then any of `addressed` not among them.
pub fn addressable(
    client: &Client,
    plan: Option<&TreatmentPlan>,
    addressed: &[GoalAddressed],
) -> Vec<Addressable> {
    let is_addressed = |id: &str| addressed.iter().any(|a| a.goal_id == id);
    let in_force: Option<&PlanContent> = plan.and_then(|plan| {
        plan.current()
            .map(|version| version.content())
            .or_else(|| plan.draft().map(|draft| &draft.content))
    });
    let mut items = Vec::new();
    match in_force {
        Some(content) => {
            for (_, goal) in content.goals() {
                let offered =
                    |status: GoalStatus, id: &str| status == GoalStatus::Active || is_addressed(id);
                let objectives: Vec<_> = goal
                    .objectives
                    .iter()
                    .filter(|o| offered(o.status, &o.id))
                    .collect();
                // A goal met or discontinued still frames an objective the
                // note addresses.
                if offered(goal.status, &goal.id) || !objectives.is_empty() {
                    items.push(Addressable {
                        id: goal.id.clone(),
                        text: goal.text.clone(),
                        kind: AddressableKind::Goal,
                    });
                }
                items.extend(objectives.into_iter().map(|o| Addressable {
                    id: o.id.clone(),
                    text: o.text.clone(),
                    kind: AddressableKind::Objective,
                }));
            }
        }
        None => items.extend(
            client
                .goals
                .iter()
                .filter(|g| g.status == GoalStatus::Active || is_addressed(&g.id))
                .map(|g| Addressable {
                    id: g.id.clone(),
                    text: g.text.clone(),
                    kind: AddressableKind::Goal,
                }),
        ),
    }
    for entry in addressed {
        if items.iter().any(|item| item.id == entry.goal_id) {
            continue;
        }
        // Dropped from the plan in force (only an unsigned draft can drop
        // one) or from the client record: word it from wherever it is.
        let found = plan.and_then(|plan| plan.find(&entry.goal_id));
        let item = match found.map(|f| f.item) {
            Some(super::PlanItem::Objective { objective, .. }) => Addressable {
                id: entry.goal_id.clone(),
                text: objective.text.clone(),
                kind: AddressableKind::Objective,
            },
            Some(item) => Addressable {
                id: entry.goal_id.clone(),
                text: item.text().to_owned(),
                kind: AddressableKind::Goal,
            },
            None => match client.goals.iter().find(|g| g.id == entry.goal_id) {
                Some(goal) => Addressable {
                    id: goal.id.clone(),
                    text: goal.text.clone(),
                    kind: AddressableKind::Goal,
                },
                None => Addressable {
                    id: entry.goal_id.clone(),
                    text: UNKNOWN_GOAL.to_owned(),
                    kind: AddressableKind::Unknown,
                },
            },
        };
        items.push(item);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::clinician;
    use crate::domain::treatment_plan::plan::fixtures::{at, ready_plan};
    use crate::domain::{ClientId, Goal, GoalProgress};

    fn client() -> Client {
        let mut client = Client::new(ClientId("client-1".into()), "Alex Rivera");
        let mut met = Goal::new("g-met", "Return to work");
        met.status = GoalStatus::Met;
        client.goals = vec![Goal::new("g-1", "Sleep 7 hours"), met];
        client
    }

    fn addressed(ids: &[&str]) -> Vec<GoalAddressed> {
        ids.iter()
            .map(|id| GoalAddressed {
                goal_id: (*id).to_owned(),
                progress: Some(GoalProgress::Improved),
            })
            .collect()
    }

    fn lines(items: &[Addressable]) -> Vec<(&str, AddressableKind)> {
        items.iter().map(|i| (i.id.as_str(), i.kind)).collect()
    }

    #[test]
    fn without_a_plan_the_clients_active_goals_are_offered() {
        let items = addressable(&client(), None, &[]);
        assert_eq!(lines(&items), [("g-1", AddressableKind::Goal)]);
        assert_eq!(items[0].text, "Sleep 7 hours");
        // A met goal the note addresses stays, and so does an unknown id.
        let items = addressable(&client(), None, &addressed(&["g-met", "gone"]));
        assert_eq!(
            lines(&items),
            [
                ("g-1", AddressableKind::Goal),
                ("g-met", AddressableKind::Goal),
                ("gone", AddressableKind::Unknown),
            ]
        );
        assert_eq!(items[2].text, UNKNOWN_GOAL);
    }

    #[test]
    fn a_plan_offers_its_goals_each_followed_by_its_objectives() {
        let plan = ready_plan();
        let items = addressable(&client(), Some(&plan), &[]);
        assert_eq!(
            lines(&items),
            [
                ("goal-1", AddressableKind::Goal),
                ("o-1", AddressableKind::Objective),
                ("o-2", AddressableKind::Objective),
            ]
        );
        assert_eq!(
            items[2].text,
            "Client sleeps at least 7 hours on most nights"
        );
    }

    #[test]
    fn the_signed_plan_is_in_force_while_a_revision_is_written() {
        let mut plan = ready_plan();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let revision = plan.revise(at("2025-02-01")).unwrap();
        revision.content.problems[0].goals[0].objectives[1].text = "Unsigned wording".into();
        let items = addressable(&client(), Some(&plan), &[]);
        assert_eq!(
            items[2].text,
            "Client sleeps at least 7 hours on most nights"
        );
    }

    #[test]
    fn met_items_leave_the_list_unless_the_note_addresses_them() {
        let mut plan = ready_plan();
        let goal = &mut plan.draft_mut().unwrap().content.problems[0].goals[0];
        goal.status = GoalStatus::Met;
        goal.objectives[0].status = GoalStatus::Discontinued;
        goal.objectives[1].status = GoalStatus::Met;
        assert!(addressable(&client(), Some(&plan), &[]).is_empty());
        // The objective the note rated keeps its goal above it.
        let items = addressable(&client(), Some(&plan), &addressed(&["o-2"]));
        assert_eq!(
            lines(&items),
            [
                ("goal-1", AddressableKind::Goal),
                ("o-2", AddressableKind::Objective),
            ]
        );
    }

    #[test]
    fn an_addressed_id_outside_the_plan_in_force_is_worded_from_where_it_is() {
        let plan = ready_plan();
        // A client goal from before the plan, and an id found nowhere.
        let items = addressable(&client(), Some(&plan), &addressed(&["g-1", "gone"]));
        assert_eq!(
            lines(&items)[3..],
            [
                ("g-1", AddressableKind::Goal),
                ("gone", AddressableKind::Unknown)
            ]
        );
        assert_eq!(items[3].text, "Sleep 7 hours");
    }
}
