//! Where a note's intake or discharge document is edited, and, in a session
//! note, the notice that a document written before a template change is
//! still kept in it.

use leptos::prelude::*;

use crate::domain::{CourseDocument, Template};

use super::discharge_fields::DischargeFields;
use super::intake_fields::IntakeFields;
use super::note_form::NoteForm;

/// The document part of an intake or discharge note, or, in a session note,
/// the notice that a document is still kept in it.
#[component]
pub fn DocumentArea(form: NoteForm, client: crate::domain::Client) -> impl IntoView {
    let template = Memo::new(move |_| form.draft.with(|d| d.template));
    let stray = Memo::new(move |_| {
        form.draft.with(|d| {
            d.document
                .as_ref()
                .filter(|doc| doc.template() != d.template)
                .map(CourseDocument::template)
        })
    });
    move || {
        let body = match template.get() {
            Template::Intake => view! { <IntakeFields form=form /> }.into_any(),
            Template::Discharge => {
                view! { <DischargeFields form=form client=client.clone() /> }.into_any()
            }
            _ => ().into_any(),
        };
        let notice = stray.get().map(|kept| {
            let name = kept.name().to_lowercase();
            view! {
                <div class="notice" role="status">
                    <p>{format!("This note still keeps the {name} written before the template was changed. It is not part of this note: switch the template back to “{}”, or remove it before signing.", kept.name())}</p>
                    <button type="button" class="secondary" on:click=move |_| form.edit(|d| d.document = None)>
                        {format!("Remove the {name}")}
                    </button>
                </div>
            }
        });
        view! { {notice} {body} }
    }
}
