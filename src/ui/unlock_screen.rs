//! Unlocking: with the passphrase, or with the recovery key followed by a new
//! passphrase.

use leptos::prelude::*;

use crate::crypto::{KdfParams, Passphrase};
use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::session::Vault;
use crate::vault::unlock::{unlock, unlock_with_recovery};

use super::gate::{Gate, Screen};
use super::perf::mark;
use super::private_text::private_text;
use super::progress::{next_frame, Busy};
use super::session::now_ms;

/// "Passphrase" and "Unlock", or the recovery key.
#[component]
pub fn UnlockScreen() -> impl IntoView {
    // Load the KDF worker while the passphrase is typed.
    crate::vault::kdf_worker::prepare();
    let gate = expect_context::<Gate>();
    let passphrase = RwSignal::new(String::new());
    let recovery = RwSignal::new(String::new());
    let use_recovery = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(db) = gate.db() else { return };
        mark(super::perf::UNLOCK_START);
        busy.set(true);
        error.set(None);
        let with_recovery = use_recovery.get_untracked();
        let typed = Passphrase::for_unlock(passphrase.get_untracked());
        let recovery_text = recovery.get_untracked();
        let in_worker = crate::vault::kdf_worker::is_ready();
        leptos::task::spawn_local(async move {
            if !in_worker {
                // The KDF will block this thread: let "Unlocking…" paint first.
                next_frame().await;
            }
            if with_recovery {
                match unlock_with_recovery(&db, &recovery_text).await {
                    Ok(keyring) => {
                        let vault = Vault::new(db, keyring);
                        let _ = vault
                            .record_event(&AuditEvent::now(now_ms(), AuditAction::RecoveryKeyUsed))
                            .await;
                        recovery.set(String::new());
                        gate.open(vault, Screen::NewPassphrase);
                    }
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(e.to_string()));
                    }
                }
                return;
            }
            match unlock(&db, &typed, now_ms()).await {
                Ok(unlocked) => {
                    let vault = Vault::new(db, unlocked.keyring);
                    let now = now_ms();
                    let mut events = Vec::with_capacity(2);
                    if unlocked.failures_before > 0 {
                        events.push(AuditEvent::now(
                            now,
                            AuditAction::UnlockFailed {
                                count: unlocked.failures_before,
                            },
                        ));
                    }
                    events.push(AuditEvent::now(now, AuditAction::Unlocked));
                    let _ = vault.record_events(&events).await;
                    passphrase.set(String::new());
                    gate.open(vault, Screen::Unlocked);
                }
                Err(e) => {
                    busy.set(false);
                    passphrase.set(String::new());
                    error.set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <div class="card narrow">
            <h1>"Unlock your notes"</h1>
            <form on:submit=submit>
                // Password managers file the passphrase under this name.
                <input type="text" class="visually-hidden" autocomplete="username" value="Psynotes vault" readonly tabindex="-1" aria-hidden="true" />
                <Show
                    when=move || use_recovery.get()
                    fallback=move || {
                        view! {
                            <label for="unlock-passphrase">"Passphrase"</label>
                            <input
                                id="unlock-passphrase"
                                type="password"
                                autocomplete="current-password"
                                autofocus
                                required
                                bind:value=passphrase
                            />
                        }
                    }
                >
                    <label for="recovery-key">"Recovery key"</label>
                    <input
                        id="recovery-key"
                        type="text"
                        use:private_text
                        required
                        bind:value=recovery
                    />
                    <p class="field-hint">"The 52 characters you wrote down or printed. Spaces and dashes do not matter."</p>
                </Show>
                {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>
                        {move || if use_recovery.get() { "Unlock with recovery key" } else { "Unlock" }}
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            error.set(None);
                            use_recovery.update(|r| *r = !*r);
                        }
                    >
                        {move || if use_recovery.get() { "Use my passphrase" } else { "Forgot passphrase?" }}
                    </button>
                </div>
                <Busy when=busy label="Unlocking…" />
            </form>
        </div>
    }
}

/// After a recovery-key unlock: the person must choose a new passphrase.
#[component]
pub fn NewPassphraseScreen() -> impl IntoView {
    // Load the KDF worker while the passphrase is typed.
    crate::vault::kdf_worker::prepare();
    let gate = expect_context::<Gate>();
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen =
            match Passphrase::new_confirmed(passphrase.get_untracked(), confirm.get_untracked()) {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e.to_string()));
                    return;
                }
            };
        let Some(vault) = gate.vault() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            next_frame().await;
            match vault
                .change_passphrase(&chosen, KdfParams::DEFAULT, now_ms())
                .await
            {
                Ok(()) => gate.screen.set(Screen::Unlocked),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <div class="card narrow">
            <h1>"Choose a new passphrase"</h1>
            <p>"You unlocked with your recovery key. Choose a new passphrase now; the old one will stop working. Your recovery key stays the same."</p>
            <form on:submit=submit>
                <label for="reset-passphrase">"New passphrase"</label>
                <input id="reset-passphrase" type="password" autocomplete="new-password" required bind:value=passphrase />
                <label for="reset-confirm">"Confirm new passphrase"</label>
                <input id="reset-confirm" type="password" autocomplete="new-password" required bind:value=confirm />
                {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Set new passphrase"</button>
                </div>
                <Busy when=busy label="Securing your vault…" />
            </form>
        </div>
    }
}
