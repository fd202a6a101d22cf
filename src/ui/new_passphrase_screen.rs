//! After the recovery key opened the vault (an unlock or a restore): the
//! person must choose a new passphrase before the vault can be used.

use leptos::prelude::*;

use crate::crypto::Passphrase;

use super::busy::{next_frame, Busy};
use super::clock::now_ms;
use super::gate_state::use_gate;

/// "New passphrase", "Confirm new passphrase", "Set new passphrase".
#[component]
pub fn NewPassphraseScreen() -> impl IntoView {
    let gate = use_gate();
    if let Some(door) = gate.door() {
        door.prepare();
    }
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let set = Action::new_local(move |chosen: &Passphrase| {
        let chosen = chosen.clone();
        async move {
            next_frame().await;
            let Some(reset) = gate.take_reset() else {
                return;
            };
            match reset.set_passphrase(&chosen, now_ms()).await {
                Ok(entry) => {
                    passphrase.set(String::new());
                    confirm.set(String::new());
                    gate.enter(entry);
                }
                Err(e) => {
                    // Nothing changed: the old passphrase still applies, and the
                    // screen stays, to try again.
                    gate.keep_reset(reset);
                    error.set(Some(e.to_string()));
                }
            }
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if set.pending().get_untracked() {
            return;
        }
        match Passphrase::new_confirmed(passphrase.get_untracked(), confirm.get_untracked()) {
            Ok(chosen) => {
                error.set(None);
                set.dispatch_local(chosen);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    view! {
        <div class="card narrow">
            <h1 tabindex="-1">"Choose a new passphrase"</h1>
            <p>"You opened your vault with the recovery key. Choose a new passphrase now; the old one will stop working. Your recovery key stays the same."</p>
            <form on:submit=submit>
                <label for="reset-passphrase">"New passphrase"</label>
                <input id="reset-passphrase" type="password" autocomplete="new-password" required bind:value=passphrase />
                <label for="reset-confirm">"Confirm new passphrase"</label>
                <input id="reset-confirm" type="password" autocomplete="new-password" required bind:value=confirm />
                {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || set.pending().get()>"Set new passphrase"</button>
                </div>
                <Busy when=set.pending() label="Securing your vault…" />
            </form>
        </div>
    }
}
