//! Choosing diagnoses from the bundled ICD-10-CM list, by code or by words,
//! for the intake and discharge documents. A code the list does not have can
//! still be added as typed, with a description, and is marked as not found.

use leptos::prelude::*;

use crate::domain::icd10::{CodeList, CodedDiagnosis, Icd10Code};
use crate::ui::private_text::private_text;

use super::icd10_list::code_list;

/// How many matches are offered at once.
const SHOWN: usize = 8;

/// The diagnoses of one document, and the search that adds to them.
#[component]
pub fn DiagnosisPicker(
    /// The fieldset's legend ("Diagnoses", "Diagnoses at discharge").
    label: &'static str,
    /// A prefix for element ids, unique on the page.
    id: &'static str,
    /// The diagnoses as recorded.
    #[prop(into)]
    value: Signal<Vec<CodedDiagnosis>>,
    /// Called with the whole new list.
    on_change: Callback<Vec<CodedDiagnosis>>,
) -> impl IntoView {
    let list = LocalResource::new(code_list);
    let query = RwSignal::new(String::new());
    let typed_description = RwSignal::new(String::new());
    let search_id = format!("{id}-search");
    let description_id = format!("{id}-description");

    let add = move |diagnosis: CodedDiagnosis| {
        let mut next = value.get_untracked();
        if !next.iter().any(|d| d.code == diagnosis.code) {
            next.push(diagnosis);
            on_change.run(next);
        }
        query.set(String::new());
        typed_description.set(String::new());
    };

    let matches = move || -> AnyView {
        let q = query.get();
        if q.trim().len() < 2 {
            return ().into_any();
        }
        let Some(loaded) = list.get() else {
            return view! { <p class="status" role="status">"Loading the code list…"</p> }
                .into_any();
        };
        let list: Option<std::rc::Rc<CodeList>> = loaded.as_ref().ok().cloned();
        let found: Vec<CodedDiagnosis> = list
            .as_ref()
            .map(|list| {
                list.search(&q, SHOWN)
                    .into_iter()
                    .filter_map(|m| list.diagnosis(m.entry.code().as_str(), "").ok())
                    .collect()
            })
            .unwrap_or_default();
        // A well-formed code the list lacks can still be added as typed.
        let typed = Icd10Code::parse(&q)
            .ok()
            .filter(|code| list.as_ref().is_none_or(|l| l.get(code).is_none()));
        view! {
            {loaded.err().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            {(!found.is_empty()).then(|| view! {
                <ul class="list code-matches" aria-label="Matching codes">
                    {found.into_iter().map(|d| {
                        let text = format!("{} {}", d.code, d.description);
                        let header = !matches!(d.origin, crate::domain::icd10::CodeOrigin::InList { billable: true, .. });
                        view! {
                            <li>
                                <button type="button" class="secondary code-match" on:click=move |_| add(d.clone())>
                                    {format!("Add {text}")}
                                </button>
                                {header.then(|| view! { <span class="muted">" (a category: choose a code under it)"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {typed.map(|code| {
                let code_text = code.to_string();
                view! {
                    <div class="code-typed">
                        <p>{format!("{code_text} is not in the list. It can be added as typed, with its description.")}</p>
                        <label for=description_id.clone()>{format!("Description for {code_text}")}</label>
                        <input id=description_id.clone() type="text" use:private_text bind:value=typed_description />
                        <button
                            type="button"
                            class="secondary"
                            disabled=move || typed_description.with(|d| d.trim().is_empty())
                            on:click=move |_| add(CodedDiagnosis::not_in_list(code.clone(), &typed_description.get_untracked()))
                        >{format!("Add {code_text} as typed")}</button>
                    </div>
                }
            })}
        }
        .into_any()
    };

    view! {
        <fieldset class="subform diagnosis-picker" id=super::note_form::field_id(label)>
            <legend>{label}</legend>
            {move || {
                let chosen = value.get();
                if chosen.is_empty() {
                    view! { <p class="muted">"None chosen yet. Z03.89 records that no diagnosis was made."</p> }.into_any()
                } else {
                    view! {
                        <ul class="list" aria-label=label>
                            {chosen.into_iter().map(|d| {
                                let code = d.code.clone();
                                let origin = match d.code_set_year() {
                                    Some(year) => format!("ICD-10-CM {year}"),
                                    None => "Not found in the list".to_owned(),
                                };
                                view! {
                                    <li class="row-item">
                                        <span><strong>{d.code.to_string()}</strong>" "{d.description.clone()}" "<span class="badge">{origin}</span></span>
                                        <button type="button" class="secondary" on:click=move |_| {
                                            let mut next = value.get_untracked();
                                            next.retain(|x| x.code != code);
                                            on_change.run(next);
                                        }>{format!("Remove {}", d.code)}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <label for=search_id.clone()>"Find a diagnosis"</label>
            <input
                id=search_id
                type="search"
                autocomplete="off"
                placeholder="Code or words: F41.1, gen anx, PTSD"
                bind:value=query
            />
            {move || list.get().and_then(|l| l.ok()).map(|l| view! {
                <p class="field-hint">{format!("ICD-10-CM {}: mental, behavioral and neurodevelopmental disorders (F01–F99) and the Z codes clinicians use. CMS and NCHS, free to use.", l.year())}</p>
            })}
            {matches}
        </fieldset>
    }
}
