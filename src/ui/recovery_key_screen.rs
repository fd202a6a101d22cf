//! The recovery key, shown until the person confirms they kept it.
//!
//! The vault stays open behind this screen, with the idle lock and "Lock". If
//! the page reloads before the box is ticked, the door issues a new key at the
//! next unlock and comes back here: the key cannot be skipped by accident.

use leptos::prelude::*;

use super::clock::now_ms;
use super::gate_state::use_gate;

/// The key, "Print recovery key", the confirmation box and "Continue".
#[component]
pub fn RecoveryKeyScreen() -> impl IntoView {
    let gate = use_gate();
    let kept = RwSignal::new(false);
    let groups = gate.recovery_key_groups();
    let print = move |_| {
        let _ = window().print();
    };
    let confirm = Action::new_local(move |_: &()| async move {
        let Some(handover) = gate.take_handover() else {
            return Ok(());
        };
        match handover.kept(now_ms()).await {
            Ok(vault) => {
                gate.enter(crate::vault::door::Entry::Open(vault));
                Ok(())
            }
            Err((handover, e)) => {
                // Nothing was recorded: the screen stays, with the reason.
                gate.keep_handover(handover);
                Err(e.to_string())
            }
        }
    });

    view! {
        <div class="card narrow">
            <h1 tabindex="-1">"Your recovery key"</h1>
            <p>
                "If you forget your passphrase, this key is the only way back into your notes. Write it down or print it, and keep it somewhere safe and away from this device. It will not be shown again: if you leave before confirming below, a new key is made the next time you unlock, and this one stops working."
            </p>
            <p class="recovery-key" aria-label="Recovery key">{groups}</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=print>"Print recovery key"</button>
            </div>
            <label class="row">
                <input type="checkbox" class="checkbox" bind:checked=kept />
                <span>"I have written down or printed my recovery key"</span>
            </label>
            {move || confirm.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="alert">{e}</p> })}
            <div class="actions">
                <button
                    type="button"
                    disabled=move || !kept.get() || confirm.pending().get()
                    on:click=move |_| { confirm.dispatch_local(()); }
                >
                    "Continue"
                </button>
            </div>
        </div>
    }
}
