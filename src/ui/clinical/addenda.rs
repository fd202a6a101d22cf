//! Addenda: the only way to correct or add to a signed note. Each has its own
//! signature and digest, is bound to the note and to the addendum before it, and
//! is shown after the original, which never changes.
//!
//! The text of an addendum being written is autosaved (encrypted) like note
//! text, so a reload or a lock does not lose it; "Cancel" discards it, and the
//! audit log says so.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{Addendum, SignError, SignedProgressNote};
use crate::ui::clock::{now_local, now_ms};
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;
use crate::ui::wording;
use crate::vault::amendable_note::AmendableNote;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::common::{format_timestamp, short_digest};

/// The addenda of a signed note, oldest first, and the form to add one.
#[component]
pub fn Addenda(
    note: StoredValue<AmendableNote, LocalStorage>,
    signed: RwSignal<SignedProgressNote>,
    /// Text to start an addendum with (typed while signing ran, or kept from
    /// before signing).
    start: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let kept = note.with_value(AmendableNote::kept_addendum);
    let text = RwSignal::new(kept.clone().unwrap_or_default());
    let open = RwSignal::new(kept.is_some());
    let error = RwSignal::new(None::<String>);
    let no_profile = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);

    let writer: Writer = Rc::new(move || -> SaveFuture {
        let Some(typed) = text.try_get_untracked() else {
            return Box::pin(async { Ok(()) });
        };
        let Some(note) = note.try_get_value() else {
            return Box::pin(async { Ok(()) });
        };
        Box::pin(async move {
            note.autosave_addendum(&typed, now_ms())
                .await
                .map_err(|e| e.to_string())
        })
    });
    let autosave = Autosave::new(writer);

    // Text handed in to start with: put it in the form and keep it at once.
    Effect::new(move |_| {
        if let Some(begin) = start.get() {
            start.set(None);
            text.update(|t| {
                if t.trim().is_empty() {
                    *t = begin;
                } else {
                    t.push('\n');
                    t.push_str(&begin);
                }
            });
            open.set(true);
            autosave.touch();
            autosave.flush_soon();
        }
    });

    let sign = Action::new_local(move |_: &()| async move {
        error.set(None);
        no_profile.set(false);
        let clinician = session.settings.with_untracked(|s| s.clinician.clone());
        let addendum = match Addendum::new(text.get_untracked(), &clinician, now_local()) {
            Ok(addendum) => addendum,
            Err(SignError::NoClinicianProfile) => {
                no_profile.set(true);
                return;
            }
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        status.set(Some("Saving…"));
        // No autosave may write the text again once it is part of the record.
        autosave.flush().await;
        autosave.discard();
        let result = note.get_value().add_addendum(addendum, now_ms()).await;
        match result {
            Ok(amended) => {
                signed.set(amended);
                text.set(String::new());
                open.set(false);
                status.set(Some("Addendum signed and saved."));
            }
            Err(e) => {
                status.set(None);
                error.set(Some(wording::not_done(
                    "The addendum was not saved.",
                    format!("{e} Your text is still here."),
                )));
            }
        }
    });
    let cancel = Action::new_local(move |_: &()| async move {
        autosave.discard();
        let _ = note.get_value().discard_addendum(now_ms()).await;
        text.set(String::new());
        open.set(false);
        error.set(None);
    });

    let list = move || {
        signed.with(|n| {
            n.addenda()
                .iter()
                .enumerate()
                .map(|(index, a)| {
                    view! {
                        <li class="addendum">
                            <h3>{format!("Addendum {}", index + 1)}</h3>
                            <p class="text">{a.text().to_owned()}</p>
                            <p class="muted">
                                "Signed by "{a.signature_line()}" on "
                                <time>{format_timestamp(a.signed_at())}</time>
                                " · SHA-256 "<code class="digest">{short_digest(a.content_sha256())}</code>
                            </p>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <section class="card" aria-labelledby="addenda-heading">
            <h2 id="addenda-heading">"Addenda"</h2>
            {move || {
                if signed.with(|n| n.addenda().is_empty()) {
                    view! { <p class="muted">"No addenda. The note is as signed."</p> }.into_any()
                } else {
                    view! { <ol class="plain-list addenda" aria-label="Addenda, oldest first">{list}</ol> }.into_any()
                }
            }}
            {move || status.get().map(|m| view! { <p class="status" role="status">{m}</p> })}
            <Show
                when=move || open.get()
                fallback=move || view! {
                    {(!crate::ui::session_context::use_session().is_custodian()).then(|| view! {
                        <div class="actions">
                            <button type="button" class="secondary" on:click=move |_| open.set(true)>"Add addendum"</button>
                        </div>
                    })}
                }
            >
                <label for="addendum-text">"Addendum"</label>
                <textarea
                    id="addendum-text"
                    rows="4"
                    aria-describedby="addendum-hint"
                    use:private_text
                    prop:value=move || text.get()
                    on:input:target=move |ev| {
                        text.set(ev.target().value());
                        autosave.touch();
                    }
                    on:blur=move |_| autosave.flush_soon()
                ></textarea>
                <p class="field-hint" id="addendum-hint">"A correction or addition. It is signed with today's date and shown after the original, which does not change."</p>
                <SaveIndicator autosave=autosave />
                {move || no_profile.get().then(|| view! {
                    <p class="alert" role="alert">
                        "Your name and credentials are needed for the signature. Add them in "
                        <A href="/settings">"Settings"</A>", then sign again."
                    </p>
                })}
                {move || error.get().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
                <div class="actions">
                    <button type="button" disabled=move || sign.pending().get() on:click=move |_| { sign.dispatch_local(()); }>"Sign addendum"</button>
                    <button type="button" class="secondary" on:click=move |_| { cancel.dispatch_local(()); }>"Cancel"</button>
                </div>
            </Show>
        </section>
    }
}
