//! What the intake and discharge forms share: a labelled textarea with a
//! hint, whose id is made from its label (see [`field_id`]).

use leptos::prelude::*;

use crate::ui::private_text::private_text;

pub use super::note_form::field_id;
use super::note_form::NoteForm;

/// A labelled textarea of a document, with its hint. The value is read once
/// (the editor re-renders the form when its content is replaced wholesale),
/// so typing never resets the caret.
#[component]
pub fn DocText(
    form: NoteForm,
    label: &'static str,
    hint: &'static str,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
) -> impl IntoView {
    let id = field_id(label);
    let hint_id = format!("{id}-hint");
    view! {
        <label for=id.clone()>{label}</label>
        <textarea
            id=id
            rows="3"
            use:private_text
            aria-invalid=form.invalid(label)
            aria-describedby=hint_id.clone()
            prop:value=value.get_untracked()
            on:input:target=move |ev| on_input.run(ev.target().value())
        ></textarea>
        <p class="field-hint" id=hint_id>{hint}</p>
    }
}
