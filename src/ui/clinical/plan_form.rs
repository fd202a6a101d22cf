//! The treatment plan's draft as a form: problems, their goals, each goal's
//! measurable objectives and interventions, and the review date.
//!
//! Every item is a group (`fieldset`) named by its place ("Problem 2",
//! "Goal 1.2", "Objective 1.2.1"), and inside it the fields keep the plain
//! names the plan's issues use ("Problem", "Goal", "Objective", "Target
//! date", "Intervention"), so a screen reader hears both and a test can scope
//! by group. Ids of problems, goals and objectives are kept from the draft:
//! progress notes refer to them.
//!
//! The form holds one signal per field, so typing re-renders nothing but the
//! field; [`PlanFields::content`] reads them all back into a
//! [`PlanContent`] for the autosave.

use leptos::prelude::*;

use crate::domain::measure;
use crate::domain::treatment_plan::{
    Comparison, Intervention, Objective, ObjectiveMeasure, PlanContent, PlanGoal, Problem,
    ScoreTarget,
};
use crate::domain::{Date, GoalStatus};
use crate::ui::private_text::private_text;
use crate::ui::session_context::{use_session, Session};

use super::autosave::Autosave;

/// What an objective's "Measured by" select holds for a counted or observed
/// measure; otherwise it holds a questionnaire's key.
const OBSERVED: &str = "observed";

#[derive(Clone, Copy)]
struct ProblemRow {
    key: u64,
    id: StoredValue<String>,
    text: RwSignal<String>,
    goals: RwSignal<Vec<GoalRow>>,
}

#[derive(Clone, Copy)]
struct GoalRow {
    key: u64,
    id: StoredValue<String>,
    text: RwSignal<String>,
    target_date: RwSignal<String>,
    status: RwSignal<GoalStatus>,
    objectives: RwSignal<Vec<ObjectiveRow>>,
    interventions: RwSignal<Vec<InterventionRow>>,
}

#[derive(Clone, Copy)]
struct ObjectiveRow {
    key: u64,
    id: StoredValue<String>,
    text: RwSignal<String>,
    /// [`OBSERVED`] or a questionnaire's key.
    measured_by: RwSignal<String>,
    /// What is counted or observed (observed measures only).
    what: RwSignal<String>,
    baseline: RwSignal<String>,
    target: RwSignal<String>,
    comparison: RwSignal<Comparison>,
    target_date: RwSignal<String>,
    status: RwSignal<GoalStatus>,
}

#[derive(Clone, Copy)]
struct InterventionRow {
    key: u64,
    modality: RwSignal<String>,
    frequency: RwSignal<String>,
    provider: RwSignal<String>,
}

/// The draft's fields. `Copy`, for closures.
#[derive(Clone, Copy)]
pub struct PlanFields {
    problems: RwSignal<Vec<ProblemRow>>,
    review_date: RwSignal<String>,
    next_key: StoredValue<u64>,
}

fn date_text(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim()).ok()
}

impl PlanFields {
    /// The fields of `content`.
    pub fn new(content: &PlanContent) -> PlanFields {
        let fields = PlanFields {
            problems: RwSignal::new(Vec::new()),
            review_date: RwSignal::new(date_text(content.review_date)),
            next_key: StoredValue::new(0),
        };
        let rows = content
            .problems
            .iter()
            .map(|p| fields.problem_row(p))
            .collect();
        fields.problems.set(rows);
        fields
    }

    fn key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    fn problem_row(&self, problem: &Problem) -> ProblemRow {
        ProblemRow {
            key: self.key(),
            id: StoredValue::new(problem.id.clone()),
            text: RwSignal::new(problem.text.clone()),
            goals: RwSignal::new(problem.goals.iter().map(|g| self.goal_row(g)).collect()),
        }
    }

    fn goal_row(&self, goal: &PlanGoal) -> GoalRow {
        GoalRow {
            key: self.key(),
            id: StoredValue::new(goal.id.clone()),
            text: RwSignal::new(goal.text.clone()),
            target_date: RwSignal::new(date_text(goal.target_date)),
            status: RwSignal::new(goal.status),
            objectives: RwSignal::new(
                goal.objectives
                    .iter()
                    .map(|o| self.objective_row(o))
                    .collect(),
            ),
            interventions: RwSignal::new(
                goal.interventions
                    .iter()
                    .map(|i| self.intervention_row(i))
                    .collect(),
            ),
        }
    }

    fn objective_row(&self, objective: &Objective) -> ObjectiveRow {
        let (measured_by, what, baseline, target, comparison) = match &objective.measure {
            ObjectiveMeasure::Observed {
                what,
                baseline,
                target,
            } => (
                OBSERVED.to_owned(),
                what.clone(),
                baseline.clone(),
                target.clone(),
                Comparison::Below,
            ),
            ObjectiveMeasure::Score {
                measure_key,
                baseline,
                target,
            } => (
                measure_key.clone(),
                String::new(),
                baseline.map(|b| b.to_string()).unwrap_or_default(),
                target.value.map(|v| v.to_string()).unwrap_or_default(),
                target.comparison,
            ),
        };
        ObjectiveRow {
            key: self.key(),
            id: StoredValue::new(objective.id.clone()),
            text: RwSignal::new(objective.text.clone()),
            measured_by: RwSignal::new(measured_by),
            what: RwSignal::new(what),
            baseline: RwSignal::new(baseline),
            target: RwSignal::new(target),
            comparison: RwSignal::new(comparison),
            target_date: RwSignal::new(date_text(objective.target_date)),
            status: RwSignal::new(objective.status),
        }
    }

    fn intervention_row(&self, intervention: &Intervention) -> InterventionRow {
        InterventionRow {
            key: self.key(),
            modality: RwSignal::new(intervention.modality.clone()),
            frequency: RwSignal::new(intervention.frequency.clone()),
            provider: RwSignal::new(intervention.provider.clone()),
        }
    }

    /// The draft as the form shows it, read without tracking; `None` once the
    /// form's signals are gone.
    pub fn content(&self) -> Option<PlanContent> {
        let mut problems = Vec::new();
        for row in self.problems.try_get_untracked()? {
            let mut goals = Vec::new();
            for goal in row.goals.try_get_untracked()? {
                let mut objectives = Vec::new();
                for o in goal.objectives.try_get_untracked()? {
                    objectives.push(objective_of(o)?);
                }
                let mut interventions = Vec::new();
                for i in goal.interventions.try_get_untracked()? {
                    interventions.push(Intervention {
                        modality: i.modality.try_get_untracked()?,
                        frequency: i.frequency.try_get_untracked()?,
                        provider: i.provider.try_get_untracked()?,
                    });
                }
                goals.push(PlanGoal {
                    id: goal.id.try_get_value()?,
                    text: goal.text.try_get_untracked()?,
                    target_date: parse_date(&goal.target_date.try_get_untracked()?),
                    status: goal.status.try_get_untracked()?,
                    objectives,
                    interventions,
                });
            }
            problems.push(Problem {
                id: row.id.try_get_value()?,
                text: row.text.try_get_untracked()?,
                goals,
            });
        }
        Some(PlanContent {
            problems,
            review_date: parse_date(&self.review_date.try_get_untracked()?),
        })
    }
}

fn objective_of(o: ObjectiveRow) -> Option<Objective> {
    let measured_by = o.measured_by.try_get_untracked()?;
    let baseline = o.baseline.try_get_untracked()?;
    let target = o.target.try_get_untracked()?;
    let measure = if measured_by == OBSERVED {
        ObjectiveMeasure::Observed {
            what: o.what.try_get_untracked()?,
            baseline,
            target,
        }
    } else {
        ObjectiveMeasure::Score {
            measure_key: measured_by,
            baseline: baseline.trim().parse().ok(),
            target: ScoreTarget {
                comparison: o.comparison.try_get_untracked()?,
                value: target.trim().parse().ok(),
            },
        }
    };
    Some(Objective {
        id: o.id.try_get_value()?,
        text: o.text.try_get_untracked()?,
        measure,
        target_date: parse_date(&o.target_date.try_get_untracked()?),
        status: o.status.try_get_untracked()?,
    })
}

/// A new id for a problem, goal or objective.
fn new_id(session: Session) -> String {
    session
        .vault()
        .new_record_id()
        .unwrap_or_else(|_| format!("item-{}", crate::ui::clock::now_ms()))
}

fn status_select(id: String, label: &'static str, status: RwSignal<GoalStatus>) -> impl IntoView {
    view! {
        <div>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                on:change:target=move |ev| {
                    status.set(match ev.target().value().as_str() {
                        "met" => GoalStatus::Met,
                        "discontinued" => GoalStatus::Discontinued,
                        _ => GoalStatus::Active,
                    })
                }
            >
                <option value="active" selected=move || status.get() == GoalStatus::Active>"Active"</option>
                <option value="met" selected=move || status.get() == GoalStatus::Met>"Met"</option>
                <option value="discontinued" selected=move || status.get() == GoalStatus::Discontinued>"Discontinued"</option>
            </select>
        </div>
    }
}

/// The whole draft form. Every edit marks the autosave; leaving a field
/// writes at once.
#[component]
pub fn PlanForm(fields: PlanFields, autosave: Autosave) -> impl IntoView {
    let session = use_session();
    let add_problem = move |_| {
        let problem = Problem {
            id: new_id(session),
            text: String::new(),
            goals: Vec::new(),
        };
        let row = fields.problem_row(&problem);
        fields.problems.update(|rows| rows.push(row));
        autosave.touch();
    };
    view! {
        <div
            class="plan-form"
            on:input=move |_| autosave.touch()
            on:change=move |_| autosave.touch()
            on:focusout=move |_| autosave.flush_soon()
        >
            <For
                each=move || fields.problems.get()
                key=|row| row.key
                children=move |row| view! { <ProblemFields fields=fields row=row autosave=autosave /> }
            />
            <div class="actions">
                <button type="button" class="secondary" on:click=add_problem>"Add problem"</button>
            </div>
            <div class="plan-form__review">
                <label for="plan-review-date">"Review date"</label>
                <input id="plan-review-date" type="date" bind:value=fields.review_date />
                <p class="field-hint">"Payers often expect a review every 90 days, or at any major change."</p>
            </div>
        </div>
    }
}

#[component]
fn ProblemFields(fields: PlanFields, row: ProblemRow, autosave: Autosave) -> impl IntoView {
    let number = move || {
        fields
            .problems
            .with(|rows| rows.iter().position(|r| r.key == row.key).unwrap_or(0) + 1)
    };
    let text_id = format!("plan-problem-{}", row.key);
    let session = use_session();
    let add_goal = move |_| {
        let goal = PlanGoal {
            id: new_id(session),
            text: String::new(),
            target_date: None,
            status: GoalStatus::Active,
            objectives: Vec::new(),
            interventions: Vec::new(),
        };
        let goal = fields.goal_row(&goal);
        row.goals.update(|goals| goals.push(goal));
        autosave.touch();
    };
    let remove = move |_| {
        fields
            .problems
            .update(|rows| rows.retain(|r| r.key != row.key));
        autosave.touch();
    };
    view! {
        <fieldset class="plan-form__problem">
            <legend>"Problem " {number}</legend>
            <label for=text_id.clone()>"Problem"</label>
            <textarea id=text_id class="plan-form__short" use:private_text bind:value=row.text></textarea>
            <For
                each=move || row.goals.get()
                key=|goal| goal.key
                children=move |goal| view! {
                    <GoalFields problem=row goal=goal problem_number=Signal::derive(number) fields=fields autosave=autosave />
                }
            />
            <div class="actions">
                <button type="button" class="secondary" on:click=add_goal>"Add goal"</button>
                <button type="button" class="secondary" on:click=remove>
                    "Remove problem " {number}
                </button>
            </div>
        </fieldset>
    }
}

#[component]
fn GoalFields(
    problem: ProblemRow,
    goal: GoalRow,
    problem_number: Signal<usize>,
    fields: PlanFields,
    autosave: Autosave,
) -> impl IntoView {
    let number = move || {
        format!(
            "{}.{}",
            problem_number.get(),
            problem
                .goals
                .with(|goals| goals.iter().position(|g| g.key == goal.key).unwrap_or(0) + 1)
        )
    };
    let number = Signal::derive(number);
    let text_id = format!("plan-goal-{}", goal.key);
    let date_id = format!("plan-goal-date-{}", goal.key);
    let session = use_session();
    let add_objective = move |_| {
        let objective = Objective {
            id: new_id(session),
            text: String::new(),
            measure: ObjectiveMeasure::Observed {
                what: String::new(),
                baseline: String::new(),
                target: String::new(),
            },
            target_date: None,
            status: GoalStatus::Active,
        };
        let row = fields.objective_row(&objective);
        goal.objectives.update(|rows| rows.push(row));
        autosave.touch();
    };
    let add_intervention = move |_| {
        let row = fields.intervention_row(&Intervention {
            modality: String::new(),
            frequency: String::new(),
            provider: String::new(),
        });
        goal.interventions.update(|rows| rows.push(row));
        autosave.touch();
    };
    let remove = move |_| {
        problem
            .goals
            .update(|goals| goals.retain(|g| g.key != goal.key));
        autosave.touch();
    };
    view! {
        <fieldset class="plan-form__goal">
            <legend>"Goal " {number}</legend>
            <label for=text_id.clone()>"Goal"</label>
            <input id=text_id use:private_text bind:value=goal.text />
            <div class="grid">
                <div>
                    <label for=date_id.clone()>"Goal target date"</label>
                    <input id=date_id type="date" bind:value=goal.target_date />
                </div>
                {status_select(format!("plan-goal-status-{}", goal.key), "Goal status", goal.status)}
            </div>
            <For
                each=move || goal.objectives.get()
                key=|o| o.key
                children=move |o| view! { <ObjectiveFields goal=goal objective=o goal_number=number autosave=autosave /> }
            />
            <For
                each=move || goal.interventions.get()
                key=|i| i.key
                children=move |i| view! { <InterventionFields goal=goal intervention=i goal_number=number autosave=autosave /> }
            />
            <div class="actions">
                <button type="button" class="secondary" on:click=add_objective>"Add objective"</button>
                <button type="button" class="secondary" on:click=add_intervention>"Add intervention"</button>
                <button type="button" class="secondary" on:click=remove>"Remove goal " {number}</button>
            </div>
        </fieldset>
    }
}

#[component]
fn ObjectiveFields(
    goal: GoalRow,
    objective: ObjectiveRow,
    goal_number: Signal<String>,
    autosave: Autosave,
) -> impl IntoView {
    let o = objective;
    let number = move || {
        format!(
            "{}.{}",
            goal_number.get(),
            goal.objectives
                .with(|rows| rows.iter().position(|r| r.key == o.key).unwrap_or(0) + 1)
        )
    };
    let key = o.key;
    let id = move |what: &str| format!("plan-objective-{what}-{key}");
    let observed = move || o.measured_by.with(|m| m == OBSERVED);
    let remove = move |_| {
        goal.objectives
            .update(|rows| rows.retain(|r| r.key != o.key));
        autosave.touch();
    };
    let measures = measure::offered();
    let range_hint = move || {
        let key = o.measured_by.get();
        measure::latest(&key).map(|d| {
            format!(
                "{} totals run from {} to {}.",
                d.name,
                d.min_total(),
                d.max_total()
            )
        })
    };
    view! {
        <fieldset class="plan-form__objective">
            <legend>"Objective " {number}</legend>
            <label for=id("text")>"Objective"</label>
            <input id=id("text") use:private_text bind:value=o.text />
            <div class="grid">
                <div>
                    <label for=id("by")>"Measured by"</label>
                    <select
                        id=id("by")
                        on:change:target=move |ev| o.measured_by.set(ev.target().value())
                    >
                        <option value=OBSERVED selected=observed>"Observation"</option>
                        {measures
                            .into_iter()
                            .map(|d| view! {
                                <option value=d.key selected=move || o.measured_by.with(|m| m == d.key)>
                                    {format!("{} score", d.name)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=observed>
                    <div>
                        <label for=id("what")>"What is measured"</label>
                        <input id=id("what") use:private_text bind:value=o.what />
                    </div>
                </Show>
                <div>
                    <label for=id("baseline")>{move || if observed() { "Baseline" } else { "Baseline score" }}</label>
                    <input id=id("baseline") use:private_text bind:value=o.baseline />
                </div>
                <Show when=move || !observed()>
                    <div>
                        <label for=id("comparison")>"Score should be"</label>
                        <select
                            id=id("comparison")
                            on:change:target=move |ev| {
                                let value = ev.target().value();
                                if let Some(c) = Comparison::ALL.into_iter().find(|c| c.label() == value) {
                                    o.comparison.set(c);
                                }
                            }
                        >
                            {Comparison::ALL
                                .into_iter()
                                .map(|c| view! {
                                    <option value=c.label() selected=move || o.comparison.get() == c>{c.label()}</option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                </Show>
                <div>
                    <label for=id("target")>{move || if observed() { "Target" } else { "Target score" }}</label>
                    <input id=id("target") use:private_text bind:value=o.target />
                </div>
                <div>
                    <label for=id("date")>"Target date"</label>
                    <input id=id("date") type="date" bind:value=o.target_date />
                </div>
                {status_select(id("status"), "Objective status", o.status)}
            </div>
            {move || range_hint().map(|h| view! { <p class="field-hint">{h}</p> })}
            <div class="actions">
                <button type="button" class="secondary" on:click=remove>"Remove objective " {number}</button>
            </div>
        </fieldset>
    }
}

#[component]
fn InterventionFields(
    goal: GoalRow,
    intervention: InterventionRow,
    goal_number: Signal<String>,
    autosave: Autosave,
) -> impl IntoView {
    let i = intervention;
    let number = move || {
        format!(
            "{}.{}",
            goal_number.get(),
            goal.interventions
                .with(|rows| rows.iter().position(|r| r.key == i.key).unwrap_or(0) + 1)
        )
    };
    let key = i.key;
    let id = move |what: &str| format!("plan-intervention-{what}-{key}");
    let remove = move |_| {
        goal.interventions
            .update(|rows| rows.retain(|r| r.key != i.key));
        autosave.touch();
    };
    view! {
        <fieldset class="plan-form__intervention">
            <legend>"Intervention " {number}</legend>
            <div class="grid">
                <div>
                    <label for=id("modality")>"Intervention"</label>
                    <input id=id("modality") use:private_text bind:value=i.modality />
                </div>
                <div>
                    <label for=id("frequency")>"Frequency"</label>
                    <input id=id("frequency") use:private_text bind:value=i.frequency />
                </div>
                <div>
                    <label for=id("provider")>"Provider"</label>
                    <input id=id("provider") use:private_text bind:value=i.provider />
                </div>
            </div>
            <div class="actions">
                <button type="button" class="secondary" on:click=remove>"Remove intervention " {number}</button>
            </div>
        </fieldset>
    }
}
