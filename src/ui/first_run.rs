//! First run: choosing a passphrase. The door creates the vault and hands back
//! the recovery key to show.

use leptos::prelude::*;

use crate::crypto::{strength, Passphrase};
use crate::vault::storage::request_persistence;

use super::busy::{next_frame, Busy};
use super::clock::now_ms;
use super::gate_state::use_gate;
use super::wording;

/// "Passphrase", "Confirm passphrase", "Create vault".
#[component]
pub fn FirstRun() -> impl IntoView {
    let gate = use_gate();
    if let Some(door) = gate.door() {
        // Load the KDF worker while the passphrase is typed.
        door.prepare();
    }
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let hint = move || {
        wording::passphrase_strength(
            strength(&passphrase.get()),
            passphrase.with(String::is_empty),
        )
    };

    let create = Action::new_local(move |chosen: &Passphrase| {
        let chosen = chosen.clone();
        // Inside the click: some browsers grant persistence only to a user gesture.
        // The request is made now; its answer is not awaited, because Firefox
        // asks the user, who may never answer (Settings shows the outcome).
        std::mem::drop(request_persistence());
        async move {
            next_frame().await;
            let door = gate.door().ok_or_else(wording::storage_not_open)?;
            let entry = door
                .create(&chosen, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            passphrase.set(String::new());
            confirm.set(String::new());
            gate.enter(entry);
            Ok::<(), String>(())
        }
    });
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Err(e)) = create.value().get() {
            error.set(Some(e));
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        match Passphrase::new_confirmed(passphrase.get_untracked(), confirm.get_untracked()) {
            Ok(chosen) => {
                error.set(None);
                create.dispatch_local(chosen);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    view! {
        <div class="card narrow">
            <h1 tabindex="-1">"Create your vault"</h1>
            <p>
                "Your notes are encrypted on this device with a key made from your passphrase. Nobody, including us, can read them or reset it."
            </p>
            <form on:submit=submit>
                // Password managers file the passphrase under this name.
                <input type="text" class="visually-hidden" autocomplete="username" value="Psynotes vault" readonly tabindex="-1" aria-hidden="true" />
                <label for="new-passphrase">"Passphrase"</label>
                <input
                    id="new-passphrase"
                    type="password"
                    autocomplete="new-password"
                    minlength="12"
                    required
                    aria-describedby="passphrase-hint passphrase-rule"
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    bind:value=passphrase
                />
                <p class="field-hint" id="passphrase-rule">
                    "At least 12 characters. Several unrelated words work well."
                </p>
                <p class="field-hint" id="passphrase-hint" aria-live="polite">{hint}</p>
                <label for="confirm-passphrase">"Confirm passphrase"</label>
                <input
                    id="confirm-passphrase"
                    type="password"
                    autocomplete="new-password"
                    required
                    bind:value=confirm
                />
                {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || create.pending().get()>"Create vault"</button>
                </div>
                <Busy when=create.pending() label="Creating your vault…" />
            </form>
        </div>
    }
}
