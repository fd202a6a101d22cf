//! Addenda: the only way to correct or add to a signed note. Each has its own
//! signature and digest, is bound to the note and to the addendum before it, and
//! is shown after the original, which never changes.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{Addendum, ProgressNote, SignError, SignedProgressNote};
use crate::ui::private_text::private_text;
use crate::ui::session::{now_local, now_ms, use_session};
use crate::vault::audit::AuditAction;

use super::common::{format_timestamp, short_digest};

/// The addenda of a signed note, oldest first, and the form to add one.
#[component]
pub fn Addenda(note: RwSignal<SignedProgressNote>, rev: RwSignal<u64>) -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let no_profile = RwSignal::new(false);
    let status = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);

    let sign = move |_| {
        error.set(None);
        no_profile.set(false);
        let clinician = session
            .settings
            .with_untracked(|s| s.value.clinician.clone());
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
        let mut amended = note.get_untracked();
        amended.add_addendum(addendum);
        busy.set(true);
        status.set(Some("Saving…"));
        let vault = session.vault();
        leptos::task::spawn_local(async move {
            let result = vault
                .commit_progress_note(
                    &ProgressNote::Signed(amended.clone()),
                    rev.get_untracked(),
                    0,
                    Some(AuditAction::Amended),
                    now_ms(),
                )
                .await;
            busy.try_set(false);
            match result {
                Ok(new_rev) => {
                    rev.try_set(new_rev);
                    note.try_set(amended);
                    text.try_set(String::new());
                    open.try_set(false);
                    status.try_set(Some("Addendum signed and saved."));
                }
                Err(e) => {
                    status.try_set(None);
                    error.try_set(Some(format!(
                        "The addendum was not saved. {e} Your text is still here."
                    )));
                }
            }
        });
    };

    let list = move || {
        note.with(|n| {
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
                if note.with(|n| n.addenda().is_empty()) {
                    view! { <p class="muted">"No addenda. The note is as signed."</p> }.into_any()
                } else {
                    view! { <ol class="plain-list addenda" aria-label="Addenda, oldest first">{list}</ol> }.into_any()
                }
            }}
            {move || status.get().map(|m| view! { <p class="status" role="status">{m}</p> })}
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| open.set(true)>"Add addendum"</button>
                    </div>
                }
            >
                <label for="addendum-text">"Addendum"</label>
                <textarea
                    id="addendum-text"
                    rows="4"
                    aria-describedby="addendum-hint"
                    use:private_text
                    prop:value=move || text.get()
                    on:input:target=move |ev| text.set(ev.target().value())
                ></textarea>
                <p class="field-hint" id="addendum-hint">"A correction or addition. It is signed with today's date and shown after the original, which does not change."</p>
                {move || no_profile.get().then(|| view! {
                    <p class="alert" role="alert">
                        "Your name and credentials are needed for the signature. Add them in "
                        <A href="/settings">"Settings"</A>", then sign again."
                    </p>
                })}
                {move || error.get().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
                <div class="actions">
                    <button type="button" disabled=move || busy.get() on:click=sign>"Sign addendum"</button>
                    <button type="button" class="secondary" on:click=move |_| { open.set(false); error.set(None); }>"Cancel"</button>
                </div>
            </Show>
        </section>
    }
}
