//! Restoring a backup into a browser without a vault: a new tablet, a wiped
//! browser, or a vault whose header was lost. Nothing already here is replaced.
//! With the recovery key, the door then asks for a new passphrase.

use leptos::html;
use leptos::prelude::*;

use crate::crypto::Passphrase;
use crate::vault::restore::{RestoreProgress, RestoreSecret};

use super::busy::{next_frame, Busy};
use super::clock::now_ms;
use super::download::read_chosen_file;
use super::gate_state::use_gate;
use super::private_text::private_text;
use super::wording;

/// The secret as typed, for the restore action.
#[derive(Clone)]
enum Typed {
    Passphrase(Passphrase),
    RecoveryKey(String),
}

/// "Backup file", the passphrase or recovery key, and "Restore from backup".
#[component]
pub fn RestoreFromBackup() -> impl IntoView {
    let gate = use_gate();
    if let Some(door) = gate.door() {
        // Load the KDF worker while the passphrase is typed.
        door.prepare();
    }
    let file_input = NodeRef::<html::Input>::new();
    let use_recovery = RwSignal::new(false);
    let passphrase = RwSignal::new(String::new());
    let recovery = RwSignal::new(String::new());
    let progress = RwSignal::new(None::<RestoreProgress>);

    let restore = Action::new_local(move |typed: &Typed| {
        let typed = typed.clone();
        async move {
            let input = file_input
                .get_untracked()
                .ok_or_else(wording::choose_backup_file)?;
            let bytes = read_chosen_file(&input)
                .await
                .ok_or_else(wording::choose_backup_file)?;
            let door = gate.door().ok_or_else(wording::storage_not_open)?;
            next_frame().await;
            let secret = match typed {
                Typed::Passphrase(p) => RestoreSecret::Passphrase(p),
                Typed::RecoveryKey(k) => RestoreSecret::RecoveryKey(k),
            };
            progress.set(None);
            let entry = door
                .restore_with_progress(&bytes, secret, now_ms(), &|p| progress.set(Some(p)))
                .await
                .map_err(|e| e.to_string())?;
            passphrase.set(String::new());
            recovery.set(String::new());
            gate.enter(entry);
            Ok::<(), String>(())
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if restore.pending().get_untracked() {
            return;
        }
        restore.dispatch_local(if use_recovery.get_untracked() {
            Typed::RecoveryKey(recovery.get_untracked())
        } else {
            Typed::Passphrase(Passphrase::for_unlock(passphrase.get_untracked()))
        });
    };

    view! {
        <div class="card narrow">
            <h2>"Restore from backup"</h2>
            <p>"Moving to a new device, or starting again? Open your encrypted backup with the passphrase you used when you made it, or with your recovery key."</p>
            <form on:submit=submit>
                <label for="restore-file">"Backup file"</label>
                <input id="restore-file" type="file" accept=".psybak,application/octet-stream" required node_ref=file_input />
                <Show
                    when=move || use_recovery.get()
                    fallback=move || view! {
                        <label for="restore-passphrase">"Backup passphrase"</label>
                        <input id="restore-passphrase" type="password" autocomplete="current-password" bind:value=passphrase />
                    }
                >
                    <label for="restore-recovery">"Backup recovery key"</label>
                    <input id="restore-recovery" type="text" use:private_text bind:value=recovery />
                </Show>
                {move || restore.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || restore.pending().get()>"Restore from backup"</button>
                    <button type="button" class="secondary" on:click=move |_| use_recovery.update(|r| *r = !*r)>
                        {move || if use_recovery.get() { "Use the passphrase" } else { "Use the recovery key" }}
                    </button>
                </div>
                <Busy when=restore.pending() label="Restoring your notes…" />
                {move || {
                    let p = progress.get().filter(|p| p.total > 0 && restore.pending().get())?;
                    Some(view! {
                        <p class="status" role="status">
                            {format!("{} of {} records written.", p.written, p.total)}
                            " "
                            <progress max=p.total.to_string() value=p.written.to_string() aria-label="Records restored"></progress>
                        </p>
                    })
                }}
            </form>
        </div>
    }
}
