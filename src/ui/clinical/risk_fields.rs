//! Suicidal and homicidal ideation, denied or present with detail, and the
//! safety plan.
//!
//! Each answer is kept in the draft as soon as it is given, so a half-answered
//! section survives a reload; the note can be signed only once both questions
//! are answered: one answer never silently stands in for the other.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{Ideation, ProgressNoteDraft, RiskAnswers, RiskAssessment};
use crate::ui::private_text::private_text;

use super::note_form::NoteForm;
use super::note_measure_flags::NoteMeasureFlags;

/// One ideation question as the form holds it.
#[derive(Clone, Copy)]
struct Question {
    /// `Some(true)`: present; `Some(false)`: denied; `None`: not answered yet.
    present: RwSignal<Option<bool>>,
    detail: RwSignal<String>,
}

impl Question {
    fn from(ideation: Option<&Ideation>) -> Question {
        let (present, detail) = match ideation {
            None => (None, String::new()),
            Some(Ideation::Denied) => (Some(false), String::new()),
            Some(Ideation::Present { detail }) => (Some(true), detail.clone()),
        };
        Question {
            present: RwSignal::new(present),
            detail: RwSignal::new(detail),
        }
    }

    fn ideation(&self) -> Option<Ideation> {
        Some(match self.present.get_untracked()? {
            false => Ideation::Denied,
            true => Ideation::Present {
                detail: self.detail.get_untracked(),
            },
        })
    }
}

/// The risk questions.
#[component]
pub fn RiskFields(form: NoteForm) -> impl IntoView {
    let risk = form.draft.with_untracked(|d| d.risk.clone());
    let suicidal = Question::from(risk.suicidal.as_ref());
    let homicidal = Question::from(risk.homicidal.as_ref());
    let safety_plan = RwSignal::new(risk.safety_plan);
    let safety_plan_href = form
        .draft
        .with_untracked(|d| format!("/clients/{}/safety-plan", d.client_id));

    let sync = move || {
        let risk = RiskAnswers {
            suicidal: suicidal.ideation(),
            homicidal: homicidal.ideation(),
            safety_plan: safety_plan.get_untracked(),
        };
        form.edit(|d| d.risk = risk);
    };
    let half_answered =
        move || suicidal.present.get().is_some() != homicidal.present.get().is_some();
    let any_present =
        move || suicidal.present.get() == Some(true) || homicidal.present.get() == Some(true);

    view! {
        <NoteMeasureFlags form=form />
        <IdeationQuestion form=form question=suicidal key="suicidal" label=RiskAssessment::SUICIDAL_LABEL sync=sync />
        <IdeationQuestion form=form question=homicidal key="homicidal" label=RiskAssessment::HOMICIDAL_LABEL sync=sync />
        <Show when=half_answered>
            <p class="field-hint">"Answer both questions to record the risk assessment."</p>
        </Show>
        <label for="risk-safety-plan">{RiskAssessment::SAFETY_PLAN_LABEL}</label>
        <textarea
            id="risk-safety-plan"
            rows="3"
            aria-invalid=form.invalid(RiskAssessment::SAFETY_PLAN_LABEL)
            aria-describedby=form.described_by(RiskAssessment::SAFETY_PLAN_LABEL, Some("risk-safety-plan-hint"))
            use:private_text
            prop:value=move || safety_plan.get()
            on:input:target=move |ev| {
                safety_plan.set(ev.target().value());
                sync();
            }
        ></textarea>
        <p class="field-hint" id="risk-safety-plan-hint">
            {move || if any_present() {
                "Required: ideation is present. Write the safety plan agreed with the client."
            } else {
                "Needed when ideation is present."
            }}
            " "
            <A href=safety_plan_href>"Open the client's safety plan"</A>
        </p>
    }
}

#[component]
fn IdeationQuestion(
    form: NoteForm,
    question: Question,
    key: &'static str,
    label: &'static str,
    sync: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let detail_id = format!("risk-{key}-detail");
    let choose = move |present: bool| {
        question.present.set(Some(present));
        sync();
    };
    // "Risk assessment" is missing while this question has no answer.
    let unanswered_invalid = form.invalid(ProgressNoteDraft::RISK_LABEL);
    let unanswered = move || {
        question
            .present
            .with(Option::is_none)
            .then(unanswered_invalid)
            .flatten()
    };
    let unanswered_described = form.described_by(ProgressNoteDraft::RISK_LABEL, None);
    let unanswered_described = move || {
        question
            .present
            .with(Option::is_none)
            .then(unanswered_described)
            .flatten()
    };
    view! {
        <fieldset class="subform risk-question">
            <legend>{label}</legend>
            <div class="row">
                <label class="row check">
                    <input
                        type="radio"
                        class="checkbox"
                        id=format!("risk-{key}-denied")
                        aria-invalid=unanswered
                        aria-describedby=unanswered_described
                        name=format!("risk-{key}")
                        value="denied"
                        prop:checked=move || question.present.get() == Some(false)
                        on:change=move |_| choose(false)
                    />
                    <span>"Denied"</span>
                </label>
                <label class="row check">
                    <input
                        type="radio"
                        class="checkbox"
                        aria-invalid=unanswered
                        aria-describedby=unanswered_described
                        name=format!("risk-{key}")
                        value="present"
                        prop:checked=move || question.present.get() == Some(true)
                        on:change=move |_| choose(true)
                    />
                    <span>"Present"</span>
                </label>
            </div>
            <Show when=move || question.present.get() == Some(true)>
                <label for=detail_id.clone()>{format!("{label} details")}</label>
                <textarea
                    id=detail_id.clone()
                    rows="3"
                    required
                    aria-invalid=form.invalid(label)
                    aria-describedby=form.described_by(label, None)
                    use:private_text
                    prop:value=move || question.detail.get()
                    on:input:target=move |ev| {
                        question.detail.set(ev.target().value());
                        sync();
                    }
                ></textarea>
                <p class="field-hint">"Required: what was reported or observed, and any plan, intent or means."</p>
            </Show>
        </fieldset>
    }
}
