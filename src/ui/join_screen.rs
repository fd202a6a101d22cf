//! A second device joins a vault that another device syncs: the server's
//! address, the CouchDB user and password, and the vault's passphrase. The
//! records then arrive with the first pull; the header shows its progress.

use leptos::prelude::*;

use crate::crypto::Passphrase;
use crate::vault::sync::join::JoinRequest;

use super::busy::{next_frame, Busy};
use super::clock::now_ms;
use super::gate_state::use_gate;
use super::wording;

/// The way in, on the first-run screen: a button that opens the form.
#[component]
pub fn JoinOffer(
    /// Called when the person chooses to join.
    on_join: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="card narrow">
            <h2>"Already use Psynotes on another device?"</h2>
            <p>"If your vault syncs through your clinic's server, join it from here: your notes come to this device, still encrypted."</p>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| on_join.run(())>"Join a synced vault"</button>
            </div>
        </div>
    }
}

/// The join form. `on_back` returns to the first-run choices.
#[component]
pub fn JoinSyncedVault(on_back: Callback<()>) -> impl IntoView {
    let gate = use_gate();
    if let Some(door) = gate.door() {
        // Load the KDF worker while the passphrase is typed.
        door.prepare();
    }
    let server = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let join = Action::new_local(move |_: &()| async move {
        next_frame().await;
        let door = gate.door().ok_or_else(wording::storage_not_open)?;
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let (address, user_name, secret) = (
            server.get_untracked(),
            user.get_untracked(),
            password.get_untracked(),
        );
        let request = JoinRequest {
            address: &address,
            origin: &origin,
            user: &user_name,
            password: &secret,
        };
        let entry = door
            .join(
                &request,
                &Passphrase::for_unlock(passphrase.get_untracked()),
                now_ms(),
            )
            .await
            .map_err(|e| e.to_string());
        passphrase.set(String::new());
        let entry = entry?;
        password.set(String::new());
        gate.enter(entry);
        Ok::<(), String>(())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !join.pending().get_untracked() {
            join.dispatch_local(());
        }
    };
    view! {
        <div class="card narrow">
            <h1 tabindex="-1">"Join a synced vault"</h1>
            <p>"Use the server details your clinic gave you, and the passphrase you unlock the vault with on your other device."</p>
            <form on:submit=submit>
                <label for="join-server">"Sync server"</label>
                <input id="join-server" type="text" inputmode="url" autocomplete="off" spellcheck="false" aria-describedby="join-server-hint" required bind:value=server />
                <p class="hint" id="join-server-hint">"The database's address on this site, such as /couchdb/psynotes."</p>
                <label for="join-user">"Sync user"</label>
                <input id="join-user" type="text" autocomplete="username" spellcheck="false" required bind:value=user />
                <label for="join-password">"Sync password"</label>
                <input id="join-password" type="password" autocomplete="current-password" aria-describedby="join-password-hint" required bind:value=password />
                <p class="hint" id="join-password-hint">"The CouchDB user's password, not your passphrase."</p>
                <label for="join-passphrase">"Passphrase"</label>
                <input id="join-passphrase" type="password" autocomplete="current-password" required bind:value=passphrase />
                {move || join.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || join.pending().get()>"Join"</button>
                    <button type="button" class="secondary" on:click=move |_| on_back.run(())>"Back"</button>
                </div>
                <Busy when=join.pending() label="Joining your vault…" />
            </form>
        </div>
    }
}
