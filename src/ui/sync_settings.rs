//! Settings, Sync: turning opt-in sync on or off, with the clinic's CouchDB
//! address, user and password (not the passphrase). Sync is off until
//! someone turns it on here; turning it off keeps every record here.

use leptos::prelude::*;

use super::busy::Busy;
use super::clock::now_ms;
use super::outcome::Outcome;
use super::session_context::use_session;

/// The Sync section.
#[component]
pub fn SyncSettings() -> impl IntoView {
    let session = use_session();
    let server = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let enabled = RwSignal::new(false);
    let has_password = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let loaded = LocalResource::new(move || async move {
        let setup = session.vault().sync_setup().await;
        if let Ok(Some(setup)) = &setup {
            server.set(setup.server.clone());
            user.set(setup.user.clone());
            enabled.set(setup.enabled);
            has_password.set(true);
        }
        setup.is_ok()
    });

    let start = Action::new_local(move |_: &()| async move {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let typed = password.get_untracked();
        let result = session
            .vault()
            .start_sync(
                &server.get_untracked(),
                &origin,
                &user.get_untracked(),
                (!typed.is_empty()).then_some(typed.as_str()),
                now_ms(),
            )
            .await;
        password.set(String::new());
        match result {
            Ok(()) => {
                enabled.set(true);
                has_password.set(true);
                session.restart_sync();
                status.set(Some(Ok(
                    "Syncing is on. The header shows how it goes.".into()
                )));
            }
            Err(e) => status.set(Some(Err(e.to_string()))),
        }
    });
    let stop = Action::new_local(move |_: &()| async move {
        match session.vault().stop_sync(now_ms()).await {
            Ok(()) => {
                enabled.set(false);
                session.restart_sync();
                status.set(Some(Ok(
                    "Syncing is off. Every record stays on this device.".into(),
                )));
            }
            Err(e) => status.set(Some(Err(e.to_string()))),
        }
    });
    let busy = Signal::derive(move || start.pending().get() || stop.pending().get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        status.set(None);
        start.dispatch_local(());
    };

    view! {
        <section class="card" aria-labelledby="sync-heading" id="sync">
            <h2 id="sync-heading">"Sync"</h2>
            <p>
                "Keeps this vault the same on your devices through your clinic's own CouchDB server. Only sealed records travel: the server sees random record ids, sizes, counts and times, never a name, a date of service or a word of a note. Off until you turn it on."
            </p>
            <p class="muted">
                "The server keeps your vault's header, so a guess at your passphrase can be tried against it away from this device: a long passphrase matters all the more."
            </p>
            {move || loaded.get().map(|_| ())}
            <form on:submit=submit>
                <label for="sync-server">"Sync server"</label>
                <input
                    id="sync-server"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="/couchdb/psynotes"
                    aria-describedby="sync-server-hint"
                    required
                    bind:value=server
                />
                <p class="hint" id="sync-server-hint">"The database's address on this site, such as /couchdb/psynotes."</p>
                <label for="sync-user">"Sync user"</label>
                <input id="sync-user" type="text" autocomplete="username" spellcheck="false" required bind:value=user />
                <label for="sync-password">"Sync password"</label>
                <input
                    id="sync-password"
                    type="password"
                    autocomplete="current-password"
                    aria-describedby="sync-password-hint"
                    bind:value=password
                />
                <p class="hint" id="sync-password-hint">
                    {move || if has_password.get() {
                        "A password is saved (sealed in this vault). Leave this empty to keep it."
                    } else {
                        "The CouchDB user's password, not your passphrase. It is kept sealed in this vault."
                    }}
                </p>
                <div class="actions">
                    <button type="submit" disabled=busy>"Start syncing"</button>
                    <Show when=move || enabled.get()>
                        <button type="button" class="secondary" disabled=busy on:click=move |_| { status.set(None); stop.dispatch_local(()); }>
                            "Stop syncing"
                        </button>
                    </Show>
                </div>
                <Busy when=start.pending() label="Checking the server…" />
                <Outcome status=status />
            </form>
        </section>
    }
}
