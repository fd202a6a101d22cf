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

use super::note_form::{field_id, NoteForm};

/// A section as shown in the form.
#[derive(Clone, PartialEq, Eq)]
struct SectionSpec {
    key: String,
    label: String,
    /// The label validation issues name the section by.
    issue_label: String,
    hint: String,
    /// Not part of the note's template.
    stray: bool,
}

/// The id of a section's textarea. A built-in section's comes from its key;
/// a custom template's from its label, as [`field_id`] makes it, so that an
/// issue naming the label finds its field (see `note_form::field_element`).
pub fn section_element_id(key: &str, label: &str) -> String {
    if Template::label_for_any(key).is_some() {
        format!("section-{key}")
    } else {
        field_id(label)
    }
}

fn specs(draft: &crate::domain::ProgressNoteDraft) -> Vec<SectionSpec> {
    let template = draft.template_name();
    let mut specs: Vec<SectionSpec> = draft
        .template_sections()
        .iter()
        .map(|s| SectionSpec {
            key: s.key.to_string(),
            label: s.label.to_string(),
            issue_label: s.label.to_string(),
            // Every built-in section is required; a custom template says
            // which of its own are not, here rather than at signing.
            hint: if s.required {
                s.hint.to_string()
            } else {
                format!("Optional. {}", s.hint).trim_end().to_owned()
            },
            stray: false,
        })
        .collect();
    for (key, text) in &draft.sections {
        if draft.template_section(key).is_none() && !text.trim().is_empty() {
            let label = draft.label_of(key);
            specs.push(SectionSpec {
                key: key.clone(),
                label: format!("{label} (not in {template})"),
                issue_label: label.to_owned(),
                hint: format!(
                    "Kept from another template, or from an earlier version of this one. Move this text into a {template} section, or clear it, before signing."
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
    let id = section_element_id(&spec.key, &spec.issue_label);
    let hint_id = format!("{id}-hint");
    // Issues name a section by its label (a stray one by its template's).
    let field = spec.issue_label.clone();
    let invalid = {
        let field = field.clone();
        let issues = form.issues;
        move || issues.with(|issues| super::common::invalid(issues, &field))
    };
    // A custom section may have no hint: then there is nothing to point at.
    let has_hint = !spec.hint.trim().is_empty();
    let described = {
        let hint_id = has_hint.then(|| hint_id.clone());
        let issues = form.issues;
        move || {
            issues.with(|issues| {
                super::common::described_by(
                    issues,
                    super::note_form::ISSUE_PREFIX,
                    &field,
                    hint_id.as_deref(),
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
            {has_hint.then(|| view! { <p class="field-hint" id=hint_id.clone()>{spec.hint}</p> })}
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
