//! Unlocking: with the passphrase, or with the recovery key (after which the
//! door asks for a new passphrase).
//!
//! While wrong passphrases make the next try wait, the wait counts down on
//! screen and "Unlock" stays disabled until it ends, after a reload too: the
//! door keeps the count.

use gloo::timers::callback::Interval;
use leptos::prelude::*;

use crate::crypto::Passphrase;
use crate::vault::door::Entry;
use crate::vault::VaultError;

use super::busy::{next_frame, Busy};
use super::clinical::common::focus_element;
use super::clock::now_ms;
use super::gate_state::use_gate;
use super::perf::mark;
use super::private_text::private_text;
use super::wording;

/// What the form submits.
#[derive(Clone)]
enum Secret {
    Passphrase(Passphrase),
    RecoveryKey(String),
    /// A records custodian's key: their session, read only.
    CustodianKey(String),
}

/// "Passphrase" and "Unlock", or the recovery key.
#[component]
pub fn UnlockScreen() -> impl IntoView {
    let gate = use_gate();
    if let Some(door) = gate.door() {
        // Load the KDF worker while the passphrase is typed.
        door.prepare();
    }
    let passphrase = RwSignal::new(String::new());
    let recovery = RwSignal::new(String::new());
    let use_recovery = RwSignal::new(false);
    let use_custodian = RwSignal::new(false);
    let custodian = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // When the back-off ends (Unix ms), while one applies.
    let wait_until = RwSignal::new(None::<i64>);
    let now = RwSignal::new(now_ms());
    let ticker = StoredValue::new_local(Some(Interval::new(500, move || {
        now.try_set(now_ms());
    })));
    on_cleanup(move || ticker.set_value(None));
    let wait_secs = move || {
        wait_until
            .get()
            .map(|until| ((until - now.get()).max(0) as u64).div_ceil(1000))
            .filter(|s| *s > 0)
    };

    // A browser holding a custodian's copy opens with the custodian key only:
    // ask for that first.
    if let Some(door) = gate.door() {
        leptos::task::spawn_local(async move {
            if door.holds_custodian_copy().await {
                use_custodian.try_set(true);
            }
        });
    }

    // After a reload, the door still knows about the wait: explain it.
    if let Some(door) = gate.door() {
        leptos::task::spawn_local(async move {
            if let Ok(attempts) = door.attempts().await {
                let secs = attempts.remaining_secs(now_ms());
                if secs > 0 {
                    wait_until.try_set(Some(now_ms() + secs as i64 * 1000));
                    error.try_set(Some(VaultError::LockedOut { wait_secs: secs }.to_string()));
                }
            }
        });
    }

    let unlock = Action::new_local(move |secret: &Secret| {
        let secret = secret.clone();
        async move {
            let door = gate
                .door()
                .ok_or_else(|| VaultError::Storage(wording::storage_not_open()))?;
            if !door_has_worker() {
                // The KDF will block this thread: let "Unlocking…" paint first.
                next_frame().await;
            }
            let entry = match secret {
                Secret::Passphrase(p) => door.unlock(&p, now_ms()).await,
                Secret::RecoveryKey(text) => door.recover(&text, now_ms()).await,
                Secret::CustodianKey(text) => door.open_as_custodian(&text).await.map(Entry::Open),
            }?;
            passphrase.set(String::new());
            recovery.set(String::new());
            custodian.set(String::new());
            gate.enter(entry);
            Ok::<(), VaultError>(())
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = unlock.value().get() {
            if let VaultError::LockedOut { wait_secs } = e {
                wait_until.set(Some(now_ms() + wait_secs as i64 * 1000));
            }
            passphrase.set(String::new());
            error.set(Some(e.to_string()));
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if unlock.pending().get_untracked()
            || (wait_secs().is_some()
                && !use_recovery.get_untracked()
                && !use_custodian.get_untracked())
        {
            return;
        }
        mark(super::perf::UNLOCK_START);
        error.set(None);
        unlock.dispatch_local(if use_custodian.get_untracked() {
            Secret::CustodianKey(custodian.get_untracked())
        } else if use_recovery.get_untracked() {
            Secret::RecoveryKey(recovery.get_untracked())
        } else {
            Secret::Passphrase(Passphrase::for_unlock(passphrase.get_untracked()))
        });
    };
    let waiting = move || !use_recovery.get() && !use_custodian.get() && wait_secs().is_some();
    let back_to_passphrase = move || {
        error.set(None);
        use_recovery.set(false);
        use_custodian.set(false);
    };

    view! {
        <div class="card narrow">
            <Show when=move || use_gate().handed_back.get()>
                <p class="handed-back" role="status">"Please hand the tablet back."</p>
            </Show>
            <h1 tabindex="-1">"Unlock your notes"</h1>
            <form on:submit=submit>
                // Password managers file the passphrase under this name.
                <input type="text" class="visually-hidden" autocomplete="username" value="Psynotes vault" readonly tabindex="-1" aria-hidden="true" />
                {move || if use_custodian.get() {
                    view! {
                        <label for="custodian-key">"Custodian key"</label>
                        <textarea
                            id="custodian-key"
                            class="key-field"
                            rows="2"
                            use:private_text
                            required
                            aria-describedby="custodian-key-hint unlock-error"
                            bind:value=custodian
                        ></textarea>
                        <p class="field-hint" id="custodian-key-hint">
                            "For the records custodian the clinician named: the 52 characters of the printed custodian key. Spaces and dashes do not matter. It opens the record read only, and never the psychotherapy notes."
                        </p>
                    }
                    .into_any()
                } else if use_recovery.get() {
                    view! {
                        <label for="recovery-key">"Recovery key"</label>
                        <input
                            id="recovery-key"
                            type="text"
                            use:private_text
                            required
                            aria-describedby="recovery-key-hint unlock-error"
                            bind:value=recovery
                        />
                        <p class="field-hint" id="recovery-key-hint">"The 52 characters you wrote down or printed. Spaces and dashes do not matter."</p>
                    }
                    .into_any()
                } else {
                    view! {
                        <label for="unlock-passphrase">"Passphrase"</label>
                        <input
                            id="unlock-passphrase"
                            type="password"
                            autocomplete="current-password"
                            autofocus
                            required
                            aria-describedby="unlock-error"
                            aria-invalid=move || error.with(Option::is_some).then_some("true")
                            bind:value=passphrase
                        />
                    }
                    .into_any()
                }}
                <div id="unlock-error">
                    {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                    {move || waiting().then(|| view! {
                        <p class="status" role="status">
                            {move || wait_secs().map(|s| format!("You can try again in {}.", wording::count(s, "second", "seconds")))}
                        </p>
                    })}
                </div>
                <div class="actions">
                    <button type="submit" disabled=move || unlock.pending().get() || waiting()>
                        {move || if use_custodian.get() {
                            "Open as custodian"
                        } else if use_recovery.get() {
                            "Unlock with recovery key"
                        } else {
                            "Unlock"
                        }}
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            if use_recovery.get_untracked() || use_custodian.get_untracked() {
                                back_to_passphrase();
                            } else {
                                error.set(None);
                                use_recovery.set(true);
                            }
                        }
                    >
                        {move || if use_recovery.get() || use_custodian.get() { "Use my passphrase" } else { "Forgot passphrase?" }}
                    </button>
                </div>
                <Show when=move || !use_custodian.get()>
                    <p class="custodian-link">
                        <a
                            href="/"
                            on:click=move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                error.set(None);
                                use_recovery.set(false);
                                use_custodian.set(true);
                                request_animation_frame(|| focus_element("custodian-key"));
                            }
                        >
                            "Open with a custodian key"
                        </a>
                    </p>
                </Show>
                <Busy when=unlock.pending() label="Unlocking…" />
            </form>
        </div>
    }
}

/// Whether the KDF will run in a worker, so the page need not wait for a frame.
fn door_has_worker() -> bool {
    crate::vault::kdf_worker::is_ready()
}
