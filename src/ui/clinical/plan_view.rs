//! One version of a treatment plan, read-only: problems, goals, objectives
//! with what is measured, interventions and the review date. Shown for the
//! signed version in force, for each version in the history, and on paper.

use leptos::prelude::*;

use crate::domain::treatment_plan::{Intervention, Objective, PlanContent, PlanGoal};
use crate::domain::GoalStatus;

use super::common::format_date;

/// "Active", "Met", "Discontinued".
pub fn status_words(status: GoalStatus) -> &'static str {
    match status {
        GoalStatus::Active => "Active",
        GoalStatus::Met => "Met",
        GoalStatus::Discontinued => "Discontinued",
    }
}

/// The body of one plan version. `heading_level` is the level of each
/// problem's heading (goals are one below), so the view nests under the
/// heading it is placed under.
#[component]
pub fn PlanView(content: PlanContent, #[prop(default = 3)] heading_level: u8) -> impl IntoView {
    let review = format_date(content.review_date);
    let problems = content
        .problems
        .into_iter()
        .enumerate()
        .map(|(p, problem)| {
            let title = format!("Problem {}", p + 1);
            let goals = problem
                .goals
                .into_iter()
                .enumerate()
                .map(|(g, goal)| goal_view(p, g, goal))
                .collect_view();
            view! {
                <section class="plan-view__problem">
                    {heading(heading_level, title)}
                    <p class="plan-view__text">{problem.text}</p>
                    {goals}
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="plan-view">
            {problems}
            <p class="plan-view__review"><strong>"Review date: "</strong>{review}</p>
        </div>
    }
}

fn heading(level: u8, text: String) -> AnyView {
    match level {
        2 => view! { <h2>{text}</h2> }.into_any(),
        3 => view! { <h3>{text}</h3> }.into_any(),
        _ => view! { <h4>{text}</h4> }.into_any(),
    }
}

fn goal_view(p: usize, g: usize, goal: PlanGoal) -> impl IntoView {
    let title = format!(
        "Goal {}.{} ({}, target {})",
        p + 1,
        g + 1,
        status_words(goal.status).to_lowercase(),
        format_date(goal.target_date)
    );
    let objectives = (!goal.objectives.is_empty()).then(|| {
        view! {
            <p class="plan-view__label">"Objectives"</p>
            <ol class="plan-view__list">
                {goal.objectives.into_iter().map(objective_view).collect_view()}
            </ol>
        }
    });
    let interventions = (!goal.interventions.is_empty()).then(|| {
        view! {
            <p class="plan-view__label">"Interventions"</p>
            <ul class="plan-view__list">
                {goal.interventions.into_iter().map(intervention_view).collect_view()}
            </ul>
        }
    });
    view! {
        <div class="plan-view__goal">
            <p class="plan-view__goal-title">{title}</p>
            <p class="plan-view__text">{goal.text}</p>
            {objectives}
            {interventions}
        </div>
    }
}

fn objective_view(objective: Objective) -> impl IntoView {
    let meta = format!(
        "{}; by {}; {}",
        objective.measure.describe(),
        format_date(objective.target_date),
        status_words(objective.status).to_lowercase()
    );
    view! {
        <li>
            <span class="plan-view__text">{objective.text}</span>
            <br />
            <span class="muted">{meta}</span>
        </li>
    }
}

fn intervention_view(intervention: Intervention) -> impl IntoView {
    let line = format!(
        "{} — {} — {}",
        intervention.modality.trim(),
        intervention.frequency.trim(),
        intervention.provider.trim()
    );
    view! { <li class="plan-view__text">{line}</li> }
}
