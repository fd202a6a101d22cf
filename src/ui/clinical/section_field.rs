//! The free-text sections of a progress note, one textarea each, labelled by the
//! template's section labels ("Subjective", "Objective", ...) with the section's
//! hint as help text.
//!
//! Text kept under a section the current template does not have (after a
//! template change) is still shown, marked, so it can be moved or cleared: it
//! is never silently hidden, and signing refuses it until then.

use leptos::prelude::*;

use crate::domain::Template;
use crate::ui::private_text::private_text;

use super::note_form::NoteForm;

/// A section as shown in the form.
#[derive(Clone, PartialEq, Eq)]
struct SectionSpec {
    key: String,
    label: String,
    hint: String,
    /// Not part of the note's template.
    stray: bool,
}

fn specs(draft: &crate::domain::ProgressNoteDraft) -> Vec<SectionSpec> {
    let template = draft.template;
    let mut specs: Vec<SectionSpec> = template
        .sections()
        .iter()
        .map(|s| SectionSpec {
            key: s.key.to_owned(),
            label: s.label.to_owned(),
            hint: s.hint.to_owned(),
            stray: false,
        })
        .collect();
    for (key, text) in &draft.sections {
        if template.section(key).is_none() && !text.trim().is_empty() {
            let label = Template::label_for_any(key).unwrap_or(key);
            specs.push(SectionSpec {
                key: key.clone(),
                label: format!("{label} (not in {template})"),
                hint: format!(
                    "Kept from another template. Move this text into a {template} section, or clear it, before signing."
                ),
                stray: true,
            });
        }
    }
    specs
}

/// Every section of the note's template, in order.
#[component]
pub fn SectionFields(form: NoteForm) -> impl IntoView {
    let sections = Memo::new(move |_| form.draft.with(specs));
    view! {
        <For
            each=move || sections.get()
            key=|spec| (spec.key.clone(), spec.stray)
            children=move |spec| view! { <SectionField form=form spec=spec /> }
        />
    }
}

#[component]
fn SectionField(form: NoteForm, spec: SectionSpec) -> impl IntoView {
    let id = format!("section-{}", spec.key);
    let hint_id = format!("{id}-hint");
    // Issues name a section by its label (a stray one by its template's).
    let field = crate::domain::Template::label_for_any(&spec.key).unwrap_or("");
    let invalid = form.invalid(field);
    let described = {
        let hint_id = hint_id.clone();
        let issues = form.issues;
        move || {
            issues.with(|issues| {
                super::common::described_by(
                    issues,
                    super::note_form::ISSUE_PREFIX,
                    field,
                    Some(&hint_id),
                )
            })
        }
    };
    let key = spec.key.clone();
    let text = Memo::new(move |_| form.draft.with(|d| d.section(&key).to_owned()));
    let key = spec.key;
    view! {
        <div class="section-field" class:section-field--stray=spec.stray>
            <label for=id.clone()>{spec.label}</label>
            <p class="field-hint" id=hint_id.clone()>{spec.hint}</p>
            <textarea
                id=id
                rows="6"
                aria-invalid=invalid
                aria-describedby=described
                use:private_text
                prop:value=move || text.get()
                on:input:target=move |ev| {
                    let value = ev.target().value();
                    form.edit(|d| d.set_section(&key, value));
                }
            ></textarea>
        </div>
    }
}
