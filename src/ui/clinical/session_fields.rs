//! The billable facts of a session (date, times, service code, place), who
//! attended, and the diagnoses and goals the session addressed.
//!
//! Date and time inputs are given their value once: re-setting a half-typed date
//! field from the model would wipe what the person is typing.

use leptos::prelude::*;

use crate::domain::treatment_plan::{addressable, Addressable, AddressableKind};
use crate::domain::{
    Client, Date, GoalAddressed, GoalProgress, PlaceOfService, ProgressNoteDraft, ServiceCode,
    TimeOfDay, TreatmentPlan,
};
use crate::ui::private_text::private_text;

use super::common::format_minutes;
use super::note_form::NoteForm;

/// "10:00" or "10:00:00" from a time input.
fn parse_time(value: &str) -> Option<TimeOfDay> {
    TimeOfDay::parse(value.get(..5).unwrap_or(value)).ok()
}

const OTHER: &str = "other";

/// Date, start and end, duration, service code, place of service, participants.
#[component]
pub fn SessionFields(form: NoteForm) -> impl IntoView {
    let initial = form.draft.get_untracked();
    let date = initial
        .date_of_service
        .map(|d| d.to_string())
        .unwrap_or_default();
    let start = initial.start.map(|t| t.to_string()).unwrap_or_default();
    let end = initial.end.map(|t| t.to_string()).unwrap_or_default();

    let other_mode = RwSignal::new(matches!(initial.service_code, Some(ServiceCode::Other(_))));
    let other_text = RwSignal::new(match &initial.service_code {
        Some(ServiceCode::Other(code)) => code.clone(),
        _ => String::new(),
    });
    let other_invalid = move || {
        let text = other_text.get();
        other_mode.get() && !text.trim().is_empty() && ServiceCode::parse(&text).is_err()
    };
    let code_selected = move |value: &'static str| {
        form.draft.with(|d| match &d.service_code {
            _ if other_mode.get() => value == OTHER,
            Some(code) => code.code() == value,
            None => value.is_empty(),
        })
    };

    let duration = move || form.draft.with(|d| d.stated_duration_minutes());
    let warning = move || form.draft.with(|d| d.duration_warning());
    let ends_before_start = move || form.draft.with(|d| d.ends_before_start());
    let date_label = ProgressNoteDraft::DATE_OF_SERVICE_LABEL;
    let start_label = ProgressNoteDraft::START_LABEL;
    let end_label = ProgressNoteDraft::END_LABEL;
    let code_label = ProgressNoteDraft::SERVICE_CODE_LABEL;
    // A custom template may leave the session details out (they are still
    // shown while they hold something, so nothing signed is out of sight).
    let session_block = move || form.draft.with(|d| d.shown_blocks().session);
    let place_label = ProgressNoteDraft::PLACE_OF_SERVICE_LABEL;

    view! {
        <div class="grid">
            <div>
                <label for="note-date">"Date of service"</label>
                <input
                    id="note-date"
                    type="date"
                    aria-invalid=form.invalid(date_label)
                    aria-describedby=form.described_by(date_label, None)
                    value=date
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        form.edit(|d| d.date_of_service = Date::parse(&value).ok());
                    }
                />
            </div>
            <div hidden=move || !session_block()>
                <label for="note-start">"Start time"</label>
                <input
                    id="note-start"
                    type="time"
                    step="60"
                    aria-invalid=form.invalid(start_label)
                    aria-describedby=form.described_by(start_label, None)
                    value=start
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        form.edit(|d| d.start = parse_time(&value));
                    }
                />
            </div>
            <div hidden=move || !session_block()>
                <label for="note-end">"End time"</label>
                <input
                    id="note-end"
                    type="time"
                    step="60"
                    aria-invalid=form.invalid(end_label)
                    aria-describedby=form.described_by(end_label, None)
                    value=end
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        form.edit(|d| d.end = parse_time(&value));
                    }
                />
            </div>
        </div>
        <div hidden=move || !session_block()>
        // An end earlier than the start is asked about, never assumed.
        <Show when=ends_before_start>
            <div class="notice midnight">
                <p id="note-midnight-hint">
                    "The end time is earlier than the start time. Did the session go past midnight? If not, correct the times."
                </p>
                <label class="row check">
                    <input
                        type="checkbox"
                        class="checkbox"
                        aria-describedby="note-midnight-hint"
                        prop:checked=move || form.draft.with(|d| d.crosses_midnight)
                        on:change:target=move |ev| {
                            let crossed = ev.target().checked();
                            form.edit(|d| d.crosses_midnight = crossed);
                        }
                    />
                    <span>{ProgressNoteDraft::CROSSES_MIDNIGHT_LABEL}</span>
                </label>
            </div>
        </Show>
        <p class="duration">
            "Duration: "
            <output for="note-start note-end">{move || format_minutes(duration())}</output>
        </p>
        {move || warning().map(|w| view! { <p class="notice">{w}</p> })}
        <div class="grid">
            <div>
                <label for="note-service-code">"Service code"</label>
                <select
                    id="note-service-code"
                    aria-invalid=form.invalid(code_label)
                    aria-describedby=form.described_by(code_label, None)
                    on:change:target=move |ev| {
                        let value = ev.target().value();
                        if value == OTHER {
                            other_mode.set(true);
                            let code = ServiceCode::parse(&other_text.get_untracked()).ok();
                            form.edit(|d| d.service_code = code);
                        } else {
                            other_mode.set(false);
                            let code = ServiceCode::parse(&value).ok();
                            form.edit(|d| d.service_code = code);
                        }
                    }
                >
                    <option value="" prop:selected=move || code_selected("")>"Choose…"</option>
                    {ServiceCode::ALL_COMMON
                        .iter()
                        .map(|code| {
                            let value = code.code();
                            view! {
                                <option value=value prop:selected=move || code_selected(value)>
                                    {format!("{} {}", code.code(), code.description())}
                                </option>
                            }
                        })
                        .collect_view()}
                    <option value=OTHER prop:selected=move || code_selected(OTHER)>"Other code"</option>
                </select>
                <Show when=move || other_mode.get()>
                    <label for="note-other-code">"Other service code"</label>
                    <input
                        id="note-other-code"
                        use:private_text
                        maxlength="5"
                        aria-describedby="note-other-code-hint"
                        prop:value=move || other_text.get()
                        on:input:target=move |ev| {
                            let text = ev.target().value();
                            other_text.set(text.clone());
                            let code = ServiceCode::parse(&text).ok();
                            form.edit(|d| d.service_code = code);
                        }
                    />
                    <p class="field-hint" id="note-other-code-hint">
                        {move || if other_invalid() {
                            "A service code has five letters or digits, for example 90785."
                        } else {
                            "Five letters or digits (CPT or HCPCS)."
                        }}
                    </p>
                </Show>
            </div>
            <div>
                <label for="note-place">"Place of service"</label>
                <select
                    id="note-place"
                    aria-invalid=form.invalid(place_label)
                    aria-describedby=form.described_by(place_label, None)
                    on:change:target=move |ev| {
                        let place = PlaceOfService::parse(&ev.target().value()).ok();
                        form.edit(|d| d.place_of_service = place);
                    }
                >
                    <option value="" prop:selected=move || form.draft.with(|d| d.place_of_service.is_none())>"Choose…"</option>
                    {PlaceOfService::ALL
                        .into_iter()
                        .map(|place| view! {
                            <option
                                value=place.code()
                                prop:selected=move || form.draft.with(|d| d.place_of_service == Some(place))
                            >
                                {place.to_string()}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
        <label for="note-participants">"Participants"</label>
        <input
            id="note-participants"
            use:private_text
            placeholder="Client; client and mother…"
            prop:value=move || form.draft.with(|d| d.participants.clone())
            on:input:target=move |ev| {
                let text = ev.target().value();
                form.edit(|d| d.participants = text);
            }
        />
        </div>
    }
}

/// Checkboxes for the client's diagnoses (and any code the note still lists
/// that the client no longer has, so it can be unticked).
#[component]
pub fn DiagnosesAddressed(form: NoteForm, client: Client) -> impl IntoView {
    let mut options: Vec<(String, String)> = client
        .diagnoses
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                format!("{} {}", d.code, d.description).trim().to_owned(),
            )
        })
        .collect();
    for code in form.draft.with_untracked(|d| d.diagnoses_addressed.clone()) {
        if !options.iter().any(|(c, _)| *c == code) {
            options.push((
                code.clone(),
                format!("{code} (no longer on the client's record)"),
            ));
        }
    }
    if options.is_empty() {
        return view! {
            <fieldset class="subform">
                <legend>"Diagnoses addressed"</legend>
                <p class="muted">"The client has no diagnoses yet. Add them with Edit client."</p>
            </fieldset>
        }
        .into_any();
    }
    view! {
        <fieldset class="subform">
            <legend>"Diagnoses addressed"</legend>
            {options
                .into_iter()
                .map(|(code, label)| {
                    let checked_code = code.clone();
                    view! {
                        <label class="row check">
                            <input
                                type="checkbox"
                                class="checkbox"
                                prop:checked=move || form.draft.with(|d| d.diagnoses_addressed.contains(&checked_code))
                                on:change:target=move |ev| {
                                    let on = ev.target().checked();
                                    let code = code.clone();
                                    form.edit(|d| {
                                        d.diagnoses_addressed.retain(|c| *c != code);
                                        if on {
                                            d.diagnoses_addressed.push(code);
                                        }
                                    });
                                }
                            />
                            <span>{label}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}

/// What the note may rate: the goals and objectives of the client's plan in
/// force (or, without a plan, the client's goals), and any the note already
/// addresses; each with a tick and the progress made (see
/// [`addressable`](crate::domain::treatment_plan::addressable)).
#[component]
pub fn GoalsAddressed(
    form: NoteForm,
    client: Client,
    /// The client's treatment plan, if one was started.
    plan: Option<TreatmentPlan>,
) -> impl IntoView {
    let goals = form
        .draft
        .with_untracked(|d| addressable(&client, plan.as_ref(), &d.goals_addressed));
    if goals.is_empty() {
        let hint = if plan.is_some() {
            "The treatment plan has no active goals or objectives. Add them on the Treatment plan tab."
        } else {
            "The client has no active treatment goals. Add them with Edit client, or start a treatment plan."
        };
        return view! {
            <fieldset class="subform">
                <legend>"Goals addressed"</legend>
                <p class="muted">{hint}</p>
            </fieldset>
        }
        .into_any();
    }
    view! {
        <fieldset class="subform" id="goals-addressed" aria-invalid=form.invalid(ProgressNoteDraft::GOALS_LABEL)>
            <legend>"Goals addressed"</legend>
            {goals
                .into_iter()
                .enumerate()
                .map(|(index, Addressable { id, text, kind })| {
                    let text = match kind {
                        AddressableKind::Objective => format!("Objective: {text}"),
                        AddressableKind::Goal | AddressableKind::Unknown => text,
                    };
                    let row_class = match kind {
                        AddressableKind::Objective => "goal-row goal-row--objective",
                        AddressableKind::Goal | AddressableKind::Unknown => "goal-row",
                    };
                    let select_id = format!("goal-progress-{index}");
                    // "Progress on: <goal>": one name per select, not five "Progress".
                    let progress_on = format!(" on: {text}");
                    let progress_of = {
                        let id = id.clone();
                        move || form.draft.with(|d| {
                            d.goals_addressed.iter().find(|g| g.goal_id == id).map(|g| g.progress)
                        })
                    };
                    let toggle_id = id.clone();
                    let select_goal = id.clone();
                    view! {
                        <div class=row_class>
                            <label class="row check">
                                <input
                                    type="checkbox"
                                    class="checkbox"
                                    prop:checked={
                                        let progress_of = progress_of.clone();
                                        move || progress_of().is_some()
                                    }
                                    on:change:target=move |ev| {
                                        let on = ev.target().checked();
                                        let id = toggle_id.clone();
                                        form.edit(|d| {
                                            if on {
                                                if !d.goals_addressed.iter().any(|g| g.goal_id == id) {
                                                    // Ticked, not rated: the clinician chooses the progress.
                                                    d.goals_addressed.push(GoalAddressed { goal_id: id, progress: None });
                                                }
                                            } else {
                                                d.goals_addressed.retain(|g| g.goal_id != id);
                                            }
                                        });
                                    }
                                />
                                <span>{text}</span>
                            </label>
                            <div class="goal-row__progress">
                                <label for=select_id.clone()>
                                    "Progress"<span class="visually-hidden">{progress_on}</span>
                                </label>
                                <select
                                    id=select_id
                                    disabled={
                                        let progress_of = progress_of.clone();
                                        move || progress_of().is_none()
                                    }
                                    on:change:target=move |ev| {
                                        let value = ev.target().value();
                                        let progress = GoalProgress::ALL.into_iter().find(|p| p.label() == value);
                                        let id = select_goal.clone();
                                        form.edit(|d| {
                                            if let Some(g) = d.goals_addressed.iter_mut().find(|g| g.goal_id == id) {
                                                g.progress = progress;
                                            }
                                        });
                                    }
                                >
                                    <option value="" prop:selected={
                                        let progress_of = progress_of.clone();
                                        move || progress_of().flatten().is_none()
                                    }>"Choose…"</option>
                                    {GoalProgress::ALL
                                        .into_iter()
                                        .map(|p| {
                                            let progress_of = progress_of.clone();
                                            view! {
                                                <option value=p.label() prop:selected=move || progress_of().flatten() == Some(p)>
                                                    {p.label()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}
