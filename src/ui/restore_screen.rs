//! Restoring a backup into a browser without a vault: a new tablet, a wiped
//! browser, or a vault whose header was lost. Nothing already here is replaced.

use leptos::html;
use leptos::prelude::*;

use crate::crypto::Passphrase;
use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::backup::{restore_into_new, RestoreSecret};
use crate::vault::session::Vault;

use super::download::read_chosen_file;
use super::gate::{Gate, Screen};
use super::private_text::private_text;
use super::progress::{next_frame, Busy};
use super::session::now_ms;

/// "Backup file", the passphrase or recovery key, and "Restore from backup".
#[component]
pub fn RestoreFromBackup() -> impl IntoView {
    // Load the KDF worker while the passphrase is typed.
    crate::vault::kdf_worker::prepare();
    let gate = expect_context::<Gate>();
    let file_input = NodeRef::<html::Input>::new();
    let use_recovery = RwSignal::new(false);
    let passphrase = RwSignal::new(String::new());
    let recovery = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(input), Some(db)) = (file_input.get_untracked(), gate.db()) else {
            return;
        };
        let secret = if use_recovery.get_untracked() {
            RestoreSecret::RecoveryKey(recovery.get_untracked())
        } else {
            RestoreSecret::Passphrase(Passphrase::for_unlock(passphrase.get_untracked()))
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let Some(bytes) = read_chosen_file(&input).await else {
                busy.set(false);
                error.set(Some("Choose your backup file (it ends in .psybak).".into()));
                return;
            };
            next_frame().await;
            match restore_into_new(&db, &bytes, secret).await {
                Ok(restored) => {
                    let records = restored.records;
                    let vault = Vault::new(db, restored.keyring);
                    let _ = vault
                        .record_event(&AuditEvent::now(
                            now_ms(),
                            AuditAction::Restored { records },
                        ))
                        .await;
                    passphrase.set(String::new());
                    recovery.set(String::new());
                    gate.open(vault, Screen::Unlocked);
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
                {move || error.get().map(|e| view! { <p role="alert" class="alert">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Restore from backup"</button>
                    <button type="button" class="secondary" on:click=move |_| use_recovery.update(|r| *r = !*r)>
                        {move || if use_recovery.get() { "Use the passphrase" } else { "Use the recovery key" }}
                    </button>
                </div>
                <Busy when=busy label="Restoring your notes…" />
            </form>
        </div>
    }
}
