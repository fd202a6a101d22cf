//! First run: choosing a passphrase, then keeping the recovery key.

use leptos::prelude::*;

use crate::crypto::{strength, KdfParams, Passphrase};
use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::session::Vault;
use crate::vault::storage::request_persistence;
use crate::vault::unlock::create;

use super::gate::Gate;
use super::progress::{next_frame, Busy};
use super::session::now_ms;

/// "Passphrase", "Confirm passphrase", "Create vault".
#[component]
pub fn FirstRun() -> impl IntoView {
    // Load the KDF worker while the passphrase is typed.
    crate::vault::kdf_worker::prepare();
    let gate = expect_context::<Gate>();
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let hint = move || {
        let p = passphrase.get();
        if p.is_empty() {
            String::new()
        } else {
            let s = strength(&p);
            format!("Strength: {s:?}. {}", s.hint())
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen =
            match Passphrase::new_confirmed(passphrase.get_untracked(), confirm.get_untracked()) {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return;
                }
            };
        // Inside the click: some browsers grant persistence only to a user gesture.
        // The request is made now; its answer is not awaited, because Firefox
        // asks the user, who may never answer (Settings shows the outcome).
        std::mem::drop(request_persistence());
        let Some(db) = gate.db() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            next_frame().await;
            match create(&db, &chosen, KdfParams::DEFAULT, now_ms()).await {
                Ok(created) => {
                    let key = created.recovery_key.display();
                    drop(created.recovery_key);
                    let vault = Vault::new(db, created.keyring);
                    let _ = vault
                        .record_event(&AuditEvent::now(now_ms(), AuditAction::VaultCreated))
                        .await;
                    passphrase.set(String::new());
                    confirm.set(String::new());
                    gate.show_recovery_key(vault, key);
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <div class="card narrow">
            <h1>"Create your vault"</h1>
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
                    <button type="submit" disabled=move || busy.get()>"Create vault"</button>
                </div>
                <Busy when=busy label="Creating your vault…" />
            </form>
        </div>
    }
}

/// Shows the recovery key once, and continues only when the person says they kept it.
#[component]
pub fn RecoveryKeyScreen() -> impl IntoView {
    let gate = expect_context::<Gate>();
    let kept = RwSignal::new(false);
    let print = move |_| {
        let _ = window().print();
    };
    let groups = gate.recovery_key_text();
    view! {
        <div class="card narrow">
            <h1>"Your recovery key"</h1>
            <p>
                "If you forget your passphrase, this key is the only way back into your notes. Write it down or print it, and keep it somewhere safe and away from this device. It will not be shown again."
            </p>
            <p class="recovery-key" aria-label="Recovery key">{groups}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=print>"Print recovery key"</button>
            </div>
            <label class="row">
                <input type="checkbox" class="checkbox" bind:checked=kept />
                <span>"I have written down or printed my recovery key"</span>
            </label>
            <div class="actions">
                <button
                    type="button"
                    disabled=move || !kept.get()
                    on:click=move |_| gate.recovery_key_kept()
                >
                    "Continue"
                </button>
            </div>
        </div>
    }
}
