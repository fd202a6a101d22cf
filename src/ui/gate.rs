//! The vault gate: which screen shows before the app, and the only place the
//! open vault enters or leaves the UI.
//!
//! ```text
//! Opening ─┬─> FirstRun ──create──> RecoveryKey ──kept it──> Unlocked
//!          ├─> Locked ──unlock──────────────────────────────> Unlocked
//!          │          ├─(recovery key unconfirmed)─> RecoveryKey
//!          │          └─recovery key──> NewPassphrase ──────> Unlocked
//!          ├─> HeaderMissing (data without a header: never create over it)
//!          ├─> NewerVersion (reload to update)
//!          └─> Failed (IndexedDB unavailable)
//! any screen with the vault open ──lock (button, idle, hidden, other tab)──> Locked
//! ```
//!
//! Locking unmounts the whole unlocked tree, so no decrypted text stays in the
//! DOM or in any signal, then drops the keys (which zeroizes them).

use leptos::prelude::*;

use crate::domain::Settings;
use crate::vault::audit::LockReason;
use crate::vault::door::{DoorState, VaultDoor};
use crate::vault::lock_channel::LockChannel;
use crate::vault::VaultError;

use super::custodian_copy_screen::{CustodianOffer, OpenCustodianCopy};
use super::first_run::FirstRun;
use super::gate_state::{Gate, Screen};
use super::idle::AutoLock;
use super::join_screen::{JoinOffer, JoinSyncedVault};
use super::new_passphrase_screen::NewPassphraseScreen;
use super::recovery_key_screen::RecoveryKeyScreen;
use super::restore_screen::RestoreFromBackup;
use super::unlock_screen::UnlockScreen;
use super::unlocked::Unlocked;

/// Opens the database, decides the first screen, and renders the current one.
#[component]
pub fn VaultGate() -> impl IntoView {
    let gate = Gate::new();
    provide_context(gate);

    // The recovery-key and new-passphrase screens hold an open vault outside the
    // unlocked shell; a lock from another tab must close them too. (The unlocked
    // shell listens for itself, and saves open editors first.)
    let channel = LockChannel::listen(move || {
        if matches!(
            gate.screen.get_untracked(),
            Screen::RecoveryKey | Screen::NewPassphrase
        ) {
            gate.close();
        }
    });
    let channel = StoredValue::new_local(Some(channel));
    on_cleanup(move || channel.set_value(None));

    leptos::task::spawn_local(async move {
        let opened = async {
            let door = VaultDoor::open().await?;
            let state = door.state().await?;
            Ok::<_, VaultError>((door, state))
        }
        .await;
        gate.screen.set(match opened {
            Ok((door, state)) => {
                gate.set_door(door);
                match state {
                    DoorState::NoVault => Screen::FirstRun,
                    DoorState::Locked => Screen::Locked,
                    DoorState::HeaderMissing => Screen::HeaderMissing,
                    DoorState::NewerVersion => Screen::NewerVersion,
                }
            }
            Err(VaultError::NewerDatabase) => Screen::NewerVersion,
            Err(e) => Screen::Failed(e.to_string()),
        });
    });

    move || {
        match gate.screen.get() {
        Screen::Unlocked => match gate.vault() {
            Some(vault) => view! { <Unlocked vault=vault on_close=move || gate.close() /> }.into_any(),
            None => view! { <LockedShell><UnlockScreen /></LockedShell> }.into_any(),
        },
        Screen::Opening => view! {
            <LockedShell>
                <p class="status" role="status">"Opening your vault…"</p>
            </LockedShell>
        }
        .into_any(),
        Screen::Failed(message) => view! {
            <LockedShell>
                <div class="card narrow">
                    <h1>"Psynotes cannot open its storage"</h1>
                    <p role="alert" class="alert">{message}</p>
                </div>
            </LockedShell>
        }
        .into_any(),
        Screen::NewerVersion => view! {
            <LockedShell>
                <div class="card narrow">
                    <h1>"Psynotes was updated"</h1>
                    <p role="alert" class="alert">{VaultError::NewerDatabase.to_string()}</p>
                    <div class="actions">
                        <button type="button" on:click=|_| { let _ = window().location().reload(); }>"Reload"</button>
                    </div>
                </div>
            </LockedShell>
        }
        .into_any(),
        Screen::FirstRun => view! { <LockedShell><FirstRunChoices /></LockedShell> }.into_any(),
        Screen::HeaderMissing => view! {
            <LockedShell>
                <div class="card narrow">
                    <h1>"Your vault needs its backup"</h1>
                    <p role="alert" class="alert">
                        "This browser holds encrypted Psynotes records, but the vault header that unlocks them is missing. Nothing was changed, and no new vault will be created over them."
                    </p>
                    <p>"Restore from your most recent encrypted backup to get your notes back. Records already here are kept as they are."</p>
                </div>
                <RestoreFromBackup />
            </LockedShell>
        }
        .into_any(),
        Screen::Locked => view! { <LockedShell><UnlockScreen /></LockedShell> }.into_any(),
        Screen::RecoveryKey => view! {
            <LockedShell>
                <RecoveryKeyScreen />
            </LockedShell>
        }
        .into_any(),
        Screen::NewPassphrase => view! {
            <LockedShell>
                <NewPassphraseScreen />
            </LockedShell>
        }
        .into_any(),
    }
    }
}

/// The shell around every screen shown before the app. While a vault is open
/// behind it (recovery key, new passphrase), it offers "Lock", and the idle
/// lock and the privacy cover apply as in the app.
#[component]
fn LockedShell(children: Children) -> impl IntoView {
    let gate = expect_context::<Gate>();
    let defaults = Settings::default();
    view! {
        <header class="shell__header">
            <span class="shell__name">"Psynotes"</span>
            {move || {
                gate.has_open_vault().then(|| view! {
                    <AutoLock
                        idle_minutes=Signal::stored(defaults.idle_lock_minutes)
                        grace_seconds=Signal::stored(defaults.hidden_grace_seconds)
                        last_activity=gate.last_activity()
                        on_lock=Callback::new(move |reason| gate.lock(reason))
                    />
                    <button type="button" on:click=move |_| gate.lock(LockReason::Button)>"Lock"</button>
                })
            }}
        </header>
        <main class="shell__main" id="main" tabindex="-1">
            {children()}
        </main>
    }
}

/// A browser with no vault: create one, join a synced one, restore a
/// backup, or (a records custodian) open a custodian's copy. Joining takes the whole screen, so its "Passphrase" is the only one.
#[component]
fn FirstRunChoices() -> impl IntoView {
    let joining = RwSignal::new(false);
    let custodian = RwSignal::new(false);
    move || {
        if joining.get() {
            view! { <JoinSyncedVault on_back=Callback::new(move |()| joining.set(false)) /> }
                .into_any()
        } else if custodian.get() {
            view! { <OpenCustodianCopy on_back=Callback::new(move |()| custodian.set(false)) /> }
                .into_any()
        } else {
            view! {
                <FirstRun />
                <JoinOffer on_join=Callback::new(move |()| joining.set(true)) />
                <RestoreFromBackup />
                <CustodianOffer on_open=Callback::new(move |()| custodian.set(true)) />
            }
            .into_any()
        }
    }
}
