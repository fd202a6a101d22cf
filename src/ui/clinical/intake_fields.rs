//! The intake assessment's form (CPT 90791): identifying information and
//! referral, the histories, the mental status exam, the structured risk
//! assessment, diagnoses from the ICD-10-CM list, and the initial plan.
//!
//! It edits the [`IntakeAssessment`] inside the note's draft, so the note's
//! autosave, merge and signing cover it. The note's risk answers follow the
//! intake's risk block, which replaces the session risk questions here.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::course_of_care::intake::{Answer, IntakeRisk, ReferralSource, RiskLevel};
use crate::domain::course_of_care::mse::{Choice, Level};
use crate::domain::course_of_care::{IntakeAssessment, MentalStatusExam, SuicidalIdeation};
use crate::domain::icd10::CodedDiagnosis;
use crate::domain::{CourseDocument, Ideation, SafetyPlanLink};
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;

use super::diagnosis_picker::DiagnosisPicker;
use super::document_fields::{field_id, DocText};
use super::note_form::NoteForm;

/// Reads the intake of the form (tracked); `T::default()` if there is none.
fn read<T: Default>(form: NoteForm, f: impl Fn(&IntakeAssessment) -> T) -> T {
    form.draft.with(|d| match &d.document {
        Some(CourseDocument::Intake(intake)) => f(intake),
        _ => T::default(),
    })
}

/// Changes the intake, then has the note's risk answers follow its risk block.
fn edit(form: NoteForm, f: impl FnOnce(&mut IntakeAssessment)) {
    form.edit(|d| {
        if let Some(CourseDocument::Intake(intake)) = &mut d.document {
            f(intake);
            if let Some(risk) = &intake.risk {
                d.risk = risk.to_risk_assessment().into();
            }
        }
    });
}

/// The whole intake form.
#[component]
pub fn IntakeFields(form: NoteForm) -> impl IntoView {
    let text = |label: &'static str,
                hint: &'static str,
                get: fn(&IntakeAssessment) -> &String,
                set: fn(&mut IntakeAssessment) -> &mut String| {
        view! {
            <DocText
                form=form
                label=label
                hint=hint
                value=Signal::derive(move || read(form, |i| get(i).clone()))
                on_input=Callback::new(move |v: String| edit(form, |i| *set(i) = v))
            />
        }
    };
    view! {
        <section class="card" aria-labelledby="intake-who-heading">
            <h2 id="intake-who-heading">"Client and referral"</h2>
            {text(IntakeAssessment::IDENTIFYING_LABEL, "Age, pronouns, who they live with, work or school.", |i| &i.identifying_information, |i| &mut i.identifying_information)}
            <Referral form=form />
        </section>
        <section class="card" aria-labelledby="intake-history-heading">
            <h2 id="intake-history-heading">"Presenting problem and history"</h2>
            {text(IntakeAssessment::PRESENTING_PROBLEM_LABEL, "In the client's words, and why now.", |i| &i.presenting_problem, |i| &mut i.presenting_problem)}
            {text(IntakeAssessment::HPI_LABEL, "Onset, course, severity, what has helped.", |i| &i.history_of_present_illness, |i| &mut i.history_of_present_illness)}
            {text(IntakeAssessment::PSYCHIATRIC_HISTORY_LABEL, "Earlier treatment, hospital stays, medication. \"None reported\" if none.", |i| &i.psychiatric_history, |i| &mut i.psychiatric_history)}
            {text(IntakeAssessment::SUBSTANCE_USE_LABEL, "Alcohol, drugs, tobacco: what, how much, how often.", |i| &i.substance_use_history, |i| &mut i.substance_use_history)}
            {text(IntakeAssessment::MEDICAL_HISTORY_LABEL, "Conditions, medication, the primary care clinician.", |i| &i.medical_history, |i| &mut i.medical_history)}
            {text(IntakeAssessment::FAMILY_HISTORY_LABEL, "Mental health and substance use in the family.", |i| &i.family_history, |i| &mut i.family_history)}
            {text(IntakeAssessment::SOCIAL_HISTORY_LABEL, "Relationships, work, school, housing, culture, supports.", |i| &i.social_history, |i| &mut i.social_history)}
        </section>
        <MentalStatus form=form />
        <IntakeRiskFields form=form />
        <section class="card" aria-labelledby="intake-diagnoses-heading">
            <h2 id="intake-diagnoses-heading">"Diagnoses and plan"</h2>
            <DiagnosisPicker
                label=IntakeAssessment::DIAGNOSES_LABEL
                id="intake-diagnoses"
                value=Signal::derive(move || read(form, |i| i.diagnoses.clone()))
                on_change=Callback::new(move |next: Vec<CodedDiagnosis>| edit(form, |i| i.diagnoses = next))
            />
            {text(IntakeAssessment::INITIAL_PLAN_LABEL, "Type and frequency of treatment, first goals, measures, referrals.", |i| &i.initial_plan, |i| &mut i.initial_plan)}
        </section>
    }
}

/// Who referred the client.
#[component]
fn Referral(form: NoteForm) -> impl IntoView {
    let id = field_id(IntakeAssessment::REFERRAL_LABEL);
    let source = read(form, |i| i.referral.source);
    let detail = read(form, |i| i.referral.detail.clone());
    view! {
        <label for=id.clone()>{IntakeAssessment::REFERRAL_LABEL}</label>
        <select
            id=id
            aria-invalid=form.invalid(IntakeAssessment::REFERRAL_LABEL)
            on:change:target=move |ev| {
                let key = ev.target().value();
                let chosen = ReferralSource::ALL.into_iter().find(|s| s.key() == key);
                edit(form, |i| i.referral.source = chosen);
            }
        >
            <option value="" selected=source.is_none()>"Choose…"</option>
            {ReferralSource::ALL.into_iter().map(|s| view! {
                <option value=s.key() selected=source == Some(s)>{s.label()}</option>
            }).collect_view()}
        </select>
        <label for="intake-referral-detail">"Referred by"</label>
        <input
            id="intake-referral-detail"
            type="text"
            use:private_text
            prop:value=detail
            on:input:target=move |ev| { let v = ev.target().value(); edit(form, |i| i.referral.detail = v); }
        />
    }
}

/// The mental status exam: a group of terms and a note per domain, then
/// insight and judgment rated.
#[component]
fn MentalStatus(form: NoteForm) -> impl IntoView {
    let domains = MentalStatusExam::OBSERVATIONS
        .into_iter()
        .map(|label| {
            let terms = read(form, |i| {
                i.mental_status
                    .observation(label)
                    .map(|o| o.terms())
                    .unwrap_or_default()
            });
            let note = read(form, |i| {
                i.mental_status
                    .observation(label)
                    .map(|o| o.note().to_owned())
                    .unwrap_or_default()
            });
            let note_id = format!("{}-note", field_id(label));
            view! {
                <fieldset class="subform mse-domain" id=field_id(label) aria-invalid=form.invalid(label)>
                    <legend>{label}</legend>
                    <div class="row">
                        {terms.into_iter().map(|term| view! {
                            <label class="row check">
                                <input
                                    type="checkbox"
                                    class="checkbox"
                                    checked=term.selected
                                    on:change:target=move |ev| {
                                        let on = ev.target().checked();
                                        edit(form, |i| {
                                            if let Some(o) = i.mental_status.observation_mut(label) {
                                                o.set_term(term.key, on);
                                            }
                                        });
                                    }
                                />
                                <span>{term.label}</span>
                            </label>
                        }).collect_view()}
                    </div>
                    <label for=note_id.clone()>{format!("{label} notes")}</label>
                    <input
                        id=note_id
                        type="text"
                        use:private_text
                        prop:value=note
                        on:input:target=move |ev| {
                            let v = ev.target().value();
                            edit(form, |i| {
                                if let Some(o) = i.mental_status.observation_mut(label) {
                                    o.set_note(v);
                                }
                            });
                        }
                    />
                </fieldset>
            }
        })
        .collect_view();
    let rating = |label: &'static str, insight: bool| {
        let id = field_id(label);
        let current = read(form, move |i| {
            if insight {
                i.mental_status.insight.level
            } else {
                i.mental_status.judgment.level
            }
        });
        view! {
            <label for=id.clone()>{label}</label>
            <select
                id=id
                aria-invalid=form.invalid(label)
                on:change:target=move |ev| {
                    let key = ev.target().value();
                    let level = Level::ALL.iter().copied().find(|l| l.key() == key);
                    edit(form, |i| {
                        let rating = if insight { &mut i.mental_status.insight } else { &mut i.mental_status.judgment };
                        rating.level = level;
                    });
                }
            >
                <option value="" selected=current.is_none()>"Choose…"</option>
                {Level::ALL.iter().map(|l| view! { <option value=l.key() selected=current == Some(*l)>{l.label()}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <section class="card" aria-labelledby="mse-heading">
            <h2 id="mse-heading">"Mental status exam"</h2>
            <p class="muted">"Choose what you observed in each domain, and add anything the terms do not cover."</p>
            {domains}
            <div class="form-grid">
                <div>{rating(MentalStatusExam::INSIGHT_LABEL, true)}</div>
                <div>{rating(MentalStatusExam::JUDGMENT_LABEL, false)}</div>
            </div>
        </section>
    }
}

/// A yes-or-no question that must actually be answered.
#[component]
fn YesNo(
    label: &'static str,
    #[prop(into)] value: Signal<Option<Answer>>,
    on_change: Callback<Answer>,
) -> impl IntoView {
    let name = field_id(label);
    view! {
        <fieldset class="subform" id=name.clone()>
            <legend>{label}</legend>
            <div class="row">
            {[(Answer::Yes, "Yes"), (Answer::No, "No")].into_iter().map(|(answer, words)| {
                let name = name.clone();
                view! {
                    <label class="row check">
                        <input type="radio" class="checkbox" name=name checked=move || value.get() == Some(answer) on:change=move |_| on_change.run(answer) />
                        <span>{words}</span>
                    </label>
                }
            }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The intake's structured risk assessment. Both ideation questions are
/// answered before the rest appears: "denied" is never filled in.
#[component]
fn IntakeRiskFields(form: NoteForm) -> impl IntoView {
    let session = use_session();
    // Answers given before the block exists (both are needed to start it).
    let suicidal_first = RwSignal::new(None::<bool>);
    let homicidal_first = RwSignal::new(None::<bool>);
    let has_risk = move || read(form, |i| i.risk.is_some());
    let suicidal_present = move || {
        read(form, |i| {
            i.risk.as_ref().map(IntakeRisk::suicidal_ideation_present)
        })
        .or(suicidal_first.get())
    };
    let homicidal_present = move || {
        read(form, |i| {
            i.risk.as_ref().map(|r| r.homicidal_ideation.is_present())
        })
        .or(homicidal_first.get())
    };
    let set_ideation = move |suicidal: bool, present: bool| {
        if !has_risk() {
            if suicidal {
                suicidal_first.set(Some(present));
            } else {
                homicidal_first.set(Some(present));
            }
            let (Some(s), Some(h)) = (
                suicidal_first.get_untracked(),
                homicidal_first.get_untracked(),
            ) else {
                return;
            };
            edit(form, |i| {
                i.risk = Some(IntakeRisk {
                    suicidal_ideation: if s {
                        SuicidalIdeation::Present {
                            detail: String::new(),
                            plan: None,
                            intent: None,
                        }
                    } else {
                        SuicidalIdeation::Denied
                    },
                    past_suicide_attempts: None,
                    non_suicidal_self_harm: None,
                    access_to_lethal_means: None,
                    homicidal_ideation: if h {
                        Ideation::Present {
                            detail: String::new(),
                        }
                    } else {
                        Ideation::Denied
                    },
                    risk_factors: String::new(),
                    protective_factors: String::new(),
                    level: None,
                    formulation: String::new(),
                    safety_plan: None,
                })
            });
            return;
        }
        edit(form, |i| {
            let Some(risk) = &mut i.risk else { return };
            if suicidal {
                risk.suicidal_ideation = if present {
                    SuicidalIdeation::Present {
                        detail: String::new(),
                        plan: None,
                        intent: None,
                    }
                } else {
                    SuicidalIdeation::Denied
                };
            } else {
                risk.homicidal_ideation = if present {
                    Ideation::Present {
                        detail: String::new(),
                    }
                } else {
                    Ideation::Denied
                };
            }
        });
    };
    let ideation = move |label: &'static str, suicidal: bool| {
        let name = field_id(label);
        let group = name.clone();
        let present = move || {
            if suicidal {
                suicidal_present()
            } else {
                homicidal_present()
            }
        };
        view! {
            <fieldset class="subform" id=name.clone() aria-invalid=form.invalid(label)>
                <legend>{label}</legend>
                <div class="row">
                <label class="row check">
                    <input type="radio" class="checkbox" name=name.clone() checked=move || present() == Some(false) on:change=move |_| set_ideation(suicidal, false) />
                    <span>"Denied"</span>
                </label>
                <label class="row check">
                    <input type="radio" class="checkbox" name=group checked=move || present() == Some(true) on:change=move |_| set_ideation(suicidal, true) />
                    <span>"Present"</span>
                </label>
                </div>
            </fieldset>
        }
    };
    let risk_text = move |label: &'static str,
                          hint: &'static str,
                          get: fn(&IntakeRisk) -> String,
                          set: fn(&mut IntakeRisk, String)| {
        view! {
            <DocText
                form=form
                label=label
                hint=hint
                value=Signal::derive(move || read(form, |i| i.risk.as_ref().map(get).unwrap_or_default()))
                on_input=Callback::new(move |v: String| edit(form, |i| if let Some(r) = &mut i.risk { set(r, v) }))
            />
        }
    };
    let answer = move |label: &'static str,
                       get: fn(&IntakeRisk) -> Option<Answer>,
                       set: fn(&mut IntakeRisk, Answer)| {
        view! {
            <YesNo
                label=label
                value=Signal::derive(move || read(form, |i| i.risk.as_ref().and_then(get)))
                on_change=Callback::new(move |a: Answer| edit(form, |i| if let Some(r) = &mut i.risk { set(r, a) }))
            />
        }
    };
    let level = move || read(form, |i| i.risk.as_ref().and_then(|r| r.level));
    let linked = move || {
        read(form, |i| {
            i.risk.as_ref().and_then(|r| r.safety_plan.clone())
        })
    };
    let link_error = RwSignal::new(None::<String>);
    let client_id = form.draft.with_untracked(|d| d.client_id.clone());
    let safety_href = format!("/clients/{client_id}/safety-plan");

    let client_id = StoredValue::new(client_id);
    let link_plan = move |_| {
        let client_id = client_id.get_value();
        leptos::task::spawn_local(async move {
            match session.vault().safety_plan(client_id.as_str()).await {
                Ok(Some(plan)) => {
                    let link: Option<SafetyPlanLink> = plan.link();
                    link_error.set(None);
                    edit(form, |i| if let Some(r) = &mut i.risk { r.safety_plan = link });
                }
                Ok(None) => link_error.set(Some("This client has no safety plan yet. Write one with them on the Safety plan tab, then link it.".into())),
                Err(e) => link_error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="intake-risk-heading">
            <h2 id="intake-risk-heading">{IntakeAssessment::RISK_LABEL}</h2>
            {ideation(IntakeRisk::SUICIDAL_LABEL, true)}
            {ideation(IntakeRisk::HOMICIDAL_LABEL, false)}
            <Show when=has_risk fallback=|| view! { <p class="field-hint">"Answer both questions to record the rest of the risk assessment."</p> }>
                <Show when=move || suicidal_present() == Some(true)>
                    {risk_text("Suicidal ideation details", "How often, how strong, passive or active.", |r| match &r.suicidal_ideation { SuicidalIdeation::Present { detail, .. } => detail.clone(), SuicidalIdeation::Denied => String::new() }, |r, v| if let SuicidalIdeation::Present { detail, .. } = &mut r.suicidal_ideation { *detail = v })}
                    {answer("Plan", |r| match &r.suicidal_ideation { SuicidalIdeation::Present { plan, .. } => *plan, SuicidalIdeation::Denied => None }, |r, a| if let SuicidalIdeation::Present { plan, .. } = &mut r.suicidal_ideation { *plan = Some(a) })}
                    {answer("Intent", |r| match &r.suicidal_ideation { SuicidalIdeation::Present { intent, .. } => *intent, SuicidalIdeation::Denied => None }, |r, a| if let SuicidalIdeation::Present { intent, .. } = &mut r.suicidal_ideation { *intent = Some(a) })}
                </Show>
                <Show when=move || homicidal_present() == Some(true)>
                    {risk_text("Homicidal ideation details", "Toward whom, plan, intent and means.", |r| match &r.homicidal_ideation { Ideation::Present { detail } => detail.clone(), Ideation::Denied => String::new() }, |r, v| if let Ideation::Present { detail } = &mut r.homicidal_ideation { *detail = v })}
                </Show>
                {answer(IntakeRisk::ATTEMPTS_LABEL, |r| r.past_suicide_attempts, |r, a| r.past_suicide_attempts = Some(a))}
                {answer(IntakeRisk::SELF_HARM_LABEL, |r| r.non_suicidal_self_harm, |r, a| r.non_suicidal_self_harm = Some(a))}
                {answer(IntakeRisk::MEANS_LABEL, |r| r.access_to_lethal_means, |r, a| r.access_to_lethal_means = Some(a))}
                {risk_text("Risk factors", "History, losses, substance use, isolation.", |r| r.risk_factors.clone(), |r, v| r.risk_factors = v)}
                {risk_text("Protective factors", "Reasons for living, supports, engagement.", |r| r.protective_factors.clone(), |r, v| r.protective_factors = v)}
                <label for=field_id(IntakeRisk::LEVEL_LABEL)>{IntakeRisk::LEVEL_LABEL}</label>
                <select
                    id=field_id(IntakeRisk::LEVEL_LABEL)
                    aria-invalid=form.invalid(IntakeRisk::LEVEL_LABEL)
                    on:change:target=move |ev| {
                        let key = ev.target().value();
                        let chosen = [RiskLevel::Low, RiskLevel::Moderate, RiskLevel::High].into_iter().find(|l| l.key() == key);
                        edit(form, |i| if let Some(r) = &mut i.risk { r.level = chosen });
                    }
                >
                    <option value="" selected=move || level().is_none()>"Choose…"</option>
                    <option value="low" selected=move || level() == Some(RiskLevel::Low)>"Low"</option>
                    <option value="moderate" selected=move || level() == Some(RiskLevel::Moderate)>"Moderate"</option>
                    <option value="high" selected=move || level() == Some(RiskLevel::High)>"High"</option>
                </select>
                {risk_text(IntakeRisk::FORMULATION_LABEL, "Why this level: the factors weighed and what was done.", |r| r.formulation.clone(), |r, v| r.formulation = v)}
                <div class="safety-link" id=field_id(IntakeRisk::SAFETY_PLAN_LABEL)>
                    <p>
                        {move || match linked() {
                            Some(link) => format!("Safety plan version {} is linked.", link.version),
                            None => "No safety plan linked. One is needed when ideation is present or the risk is moderate or high.".to_owned(),
                        }}
                        " "
                        <A href=safety_href.clone()>"Open the client's safety plan"</A>
                    </p>
                    <button type="button" class="secondary" on:click=link_plan>"Link the current safety plan"</button>
                    {move || link_error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
                </div>
            </Show>
        </section>
    }
}
