//! The questionnaire a client answers on the tablet ("Hand to client").
//!
//! The shell shows this screen alone while a questionnaire is handed over: no
//! navigation, no client's name, no part of the record (see
//! `ui::unlocked`). Each answer is stored as it is given, so a tablet locked
//! halfway, by the idle lock or by handing it back early, keeps the answers
//! as a draft. The screen ends only by locking: when the client finishes, the
//! unlock screen asks for the tablet back, and the clinician's passphrase
//! opens the record where it was.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::domain::measure::{AnswerOption, MeasureDefinition};
use crate::ui::clock::{now_ms, today};
use crate::ui::gate_state::use_gate;
use crate::ui::session_context::use_session;
use crate::vault::audit::LockReason;
use crate::vault::measures::OpenQuestionnaire;

/// The full-screen questionnaire.
#[component]
pub fn QuestionnaireScreen(
    /// The questionnaire handed over, stored at every answer.
    open: OpenQuestionnaire,
) -> impl IntoView {
    let session = use_session();
    let gate = use_gate();
    stay_on_this_page();
    // However the vault locks while the client holds the tablet (finished,
    // stopped, the idle lock, another tab), the screen that follows asks for
    // the tablet back: this screen only ever ends by locking.
    on_cleanup(move || gate.handed_back.set(true));
    let definition = match open.definition() {
        Ok(definition) => definition,
        Err(e) => {
            return view! {
                <main class="handoff" id="main">
                    <p class="alert" role="alert">{e.to_string()}</p>
                    <HandBack label="Hand the tablet back" />
                </main>
            }
            .into_any()
        }
    };
    let draft = open.draft();
    let answers = RwSignal::new(draft.answers().to_vec());
    let follow_up = RwSignal::new(draft.follow_up());
    let error = RwSignal::new(None::<String>);
    // The first Finish with items left unanswered asks; the second finishes.
    let warned = RwSignal::new(false);
    let open = StoredValue::new_local(open);

    let choose = move |item: usize, option: usize| {
        answers.update(|a| a[item] = Some(option as u8));
        warned.set(false);
        let open = open.get_value();
        leptos::task::spawn_local(async move {
            if let Err(e) = open.answer(item, option, now_ms()).await {
                // Show what is stored, not what was tapped.
                answers.set(open.draft().answers().to_vec());
                error.set(Some(e.to_string()));
            } else {
                error.set(None);
            }
        });
    };
    let choose_follow_up = move |option: usize| {
        follow_up.set(Some(option as u8));
        let open = open.get_value();
        leptos::task::spawn_local(async move {
            if let Err(e) = open.answer_follow_up(Some(option), now_ms()).await {
                follow_up.set(open.draft().follow_up());
                error.set(Some(e.to_string()));
            }
        });
    };
    let finish = Action::new_local(move |(): &()| {
        let open = open.get_value();
        async move {
            let profile = session.settings.with_untracked(|s| s.clinician.clone());
            match open.finish(today(), &profile, now_ms()).await {
                Ok(_) => {
                    gate.handed_back.set(true);
                    session.lock(LockReason::HandedBack);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    });
    let on_finish = move |_| {
        let missing: Vec<usize> = answers.with(|a| {
            a.iter()
                .enumerate()
                .filter(|(_, a)| a.is_none())
                .map(|(i, _)| i)
                .collect()
        });
        if missing.len() == answers.with(Vec::len) {
            error.set(Some(
                "No question has an answer yet. Answer at least one, then tap Finish.".to_owned(),
            ));
            return;
        }
        if !missing.is_empty() && !warned.get_untracked() {
            warned.set(true);
            error.set(Some(unanswered_words(&missing)));
            return;
        }
        finish.dispatch_local(());
    };
    let answered = move || answers.with(|a| a.iter().filter(|a| a.is_some()).count());
    let total = definition.items.len();
    view! {
        <main class="handoff" id="main" tabindex="-1">
            // Away from Finish, so a client does not end it by mistake.
            <HandBack label="Stop and hand the tablet back" />
            <h1>{definition.title}</h1>
            <p class="handoff__instructions">{definition.instructions}</p>
            <ol class="handoff__items">
                {definition
                    .items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| view! {
                        <li
                            class="handoff__item"
                            class:handoff__item--missing=move || {
                                warned.get() && answers.with(|a| a[index].is_none())
                            }
                        >
                            <Question
                                id=format!("q{index}")
                                text=item.text
                                options=item.options
                                chosen=Signal::derive(move || answers.with(|a| a[index].map(usize::from)))
                                on_choose=Callback::new(move |option| choose(index, option))
                            />
                        </li>
                    })
                    .collect_view()}
            </ol>
            {definition.follow_up.map(|question| view! {
                <div class="handoff__item handoff__item--follow-up">
                    <Question
                        id="follow-up".to_owned()
                        text=question.text
                        options=question.options
                        chosen=Signal::derive(move || follow_up.get().map(usize::from))
                        on_choose=Callback::new(choose_follow_up)
                    />
                </div>
            })}
            <p class="handoff__progress" aria-live="polite">
                {move || format!("{} of {total} answered", answered())}
            </p>
            {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            <div class="handoff__actions">
                <button type="button" class="handoff__finish" on:click=on_finish disabled=move || finish.pending().get()>
                    "Finish"
                </button>
            </div>
            <p class="handoff__permission">{permission(definition)}</p>
        </main>
    }
    .into_any()
}

/// Keeps the address where the questionnaire was handed over: the browser's
/// Back button changes nothing on screen, and after the clinician unlocks, the
/// record opens where they left it.
fn stay_on_this_page() {
    let location = use_location();
    let here = location.pathname.get_untracked();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if location.pathname.get() != here {
            navigate(
                &here,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
}

/// One question as a radio group named by its text, with large options.
#[component]
fn Question(
    /// The group's id; options are `{id}-{n}`.
    id: String,
    /// The question's text: the group's accessible name.
    text: &'static str,
    options: &'static [AnswerOption],
    /// The option chosen, if any.
    #[prop(into)]
    chosen: Signal<Option<usize>>,
    on_choose: Callback<usize>,
) -> impl IntoView {
    let label_id = format!("{id}-text");
    let labelled_by = label_id.clone();
    view! {
        <div class="handoff__question" role="radiogroup" aria-labelledby=labelled_by>
            <p class="handoff__text" id=label_id>{text}</p>
            <div class="handoff__options">
                {options
                    .iter()
                    .enumerate()
                    .map(|(n, option)| {
                        let input_id = format!("{id}-{n}");
                        let label_for = input_id.clone();
                        view! {
                            <label class="handoff__option" for=label_for>
                                <input
                                    type="radio"
                                    id=input_id
                                    name=id.clone()
                                    prop:checked=move || chosen.get() == Some(n)
                                    on:change=move |_| on_choose.run(n)
                                />
                                <span>{option.label}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

/// Ends the hand-off without finishing: the answers so far stay as a draft,
/// and the vault locks.
#[component]
fn HandBack(label: &'static str) -> impl IntoView {
    let session = use_session();
    let gate = use_gate();
    view! {
        <div class="handoff__stop">
            <button type="button" class="secondary" on:click=move |_| {
                gate.handed_back.set(true);
                session.lock(LockReason::HandedBack);
            }>{label}</button>
        </div>
    }
}

/// "Question 3 has no answer yet…" for the items left unanswered.
fn unanswered_words(missing: &[usize]) -> String {
    let numbers: Vec<String> = missing.iter().map(|i| (i + 1).to_string()).collect();
    let (which, it) = match numbers.as_slice() {
        [one] => (format!("Question {one} has"), "it"),
        [rest @ .., last] => (
            format!("Questions {} and {last} have", rest.join(", ")),
            "them",
        ),
        [] => (String::new(), "it"),
    };
    format!("{which} no answer yet (marked above). Answer {it}, or tap Finish again to finish without {it}.")
}

/// The questionnaire's terms of use, as published with it.
fn permission(definition: &MeasureDefinition) -> &'static str {
    definition.permission
}

#[cfg(test)]
mod tests {
    use super::unanswered_words;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn unanswered_items_are_named_by_their_printed_numbers() {
        assert_eq!(
            unanswered_words(&[2]),
            "Question 3 has no answer yet (marked above). Answer it, or tap Finish again to finish without it."
        );
        assert_eq!(
            unanswered_words(&[0, 4, 8]),
            "Questions 1, 5 and 9 have no answer yet (marked above). Answer them, or tap Finish again to finish without them."
        );
    }
}
