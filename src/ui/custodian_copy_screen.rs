//! For a records custodian in a browser with no vault: "Open with a custodian
//! key" on the first-run screen takes the custodian's copy the clinician gave
//! them, and the printed custodian key. The door checks the file whole and
//! opens the custodian's session ([`crate::vault::custodian`]).

use leptos::html;
use leptos::prelude::*;

use crate::vault::door::Entry;

use super::busy::{next_frame, Busy};
use super::download::read_chosen_file;
use super::gate_state::use_gate;
use super::private_text::private_text;
use super::wording;

/// The first-run screen's way in for a custodian.
#[component]
pub fn CustodianOffer(
    /// Called when the custodian asks to open the record.
    on_open: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="card narrow">
            <h2>"Keeping a clinician's records?"</h2>
            <p>"A records custodian opens the custodian's copy the clinician gave them with the printed custodian key. It opens the record read only, and never the psychotherapy notes."</p>
            <p>
                <a
                    href="/"
                    on:click=move |ev: leptos::ev::MouseEvent| {
                        ev.prevent_default();
                        on_open.run(());
                    }
                >
                    "Open with a custodian key"
                </a>
            </p>
        </div>
    }
}

/// "Custodian's copy", "Custodian key", "Open as custodian".
#[component]
pub fn OpenCustodianCopy(
    /// Back to the first-run choices.
    on_back: Callback<()>,
) -> impl IntoView {
    let gate = use_gate();
    let file_input = NodeRef::<html::Input>::new();
    let key = RwSignal::new(String::new());
    let open = Action::new_local(move |text: &String| {
        let text = text.clone();
        async move {
            let input = file_input
                .get_untracked()
                .ok_or_else(wording::choose_backup_file)?;
            let bytes = read_chosen_file(&input)
                .await
                .ok_or_else(wording::choose_backup_file)?;
            let door = gate.door().ok_or_else(wording::storage_not_open)?;
            next_frame().await;
            let vault = door
                .open_custodian_copy(&bytes, &text)
                .await
                .map_err(|e| e.to_string())?;
            key.set(String::new());
            gate.enter(Entry::Open(vault));
            Ok::<(), String>(())
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if open.pending().get_untracked() {
            return;
        }
        open.dispatch_local(key.get_untracked());
    };
    view! {
        <div class="card narrow">
            <h1 tabindex="-1">"Open with a custodian key"</h1>
            <p>
                "For the records custodian a clinician named. Choose the custodian's copy of the record (a file ending in .psybak) and type the custodian key printed with it. "
                "The copy is checked whole before anything is kept in this browser."
            </p>
            <form on:submit=submit>
                <label for="custodian-copy-file">"Custodian's copy"</label>
                <input id="custodian-copy-file" type="file" accept=".psybak,application/octet-stream" required node_ref=file_input />
                <label for="custodian-copy-key">"Custodian key"</label>
                <textarea id="custodian-copy-key" class="key-field" rows="2" use:private_text required aria-describedby="custodian-copy-key-hint" bind:value=key></textarea>
                <p class="field-hint" id="custodian-copy-key-hint">"52 letters and digits in groups of four. Spaces and dashes do not matter."</p>
                {move || open.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || open.pending().get()>"Open as custodian"</button>
                    <button type="button" class="secondary" on:click=move |_| on_back.run(())>"Back"</button>
                </div>
                <Busy when=open.pending() label="Checking the custodian's copy…" />
            </form>
        </div>
    }
}
