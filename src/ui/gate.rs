//! The vault gate: which screen shows, and the only place keys enter or leave
//! the UI.
//!
//! ```text
//! Loading ─┬─> FirstRun ──create──> RecoveryKey ──kept it──> Unlocked
//!          ├─> Locked ──unlock──────────────────────────────> Unlocked
//!          │          └─recovery key──> NewPassphrase ──────> Unlocked
//!          ├─> HeaderMissing (data without a header: never create over it)
//!          └─> Failed (IndexedDB unavailable)
//! Unlocked ──lock (button, idle, hidden, other tab, bfcache)──> Locked
//! ```
//!
//! Locking unmounts the whole unlocked tree, so no decrypted text stays in the
//! DOM or in any signal, then drops the keys (which zeroizes them).

use std::rc::Rc;

use leptos::prelude::*;
use rexie::Rexie;

use zeroize::Zeroizing;

use crate::vault::lock_channel::LockChannel;
use crate::vault::schema::open_database;
use crate::vault::session::Vault;
use crate::vault::unlock::{inspect, VaultState};

use super::first_run::{FirstRun, RecoveryKeyScreen};
use super::restore_screen::RestoreFromBackup;
use super::unlock_screen::{NewPassphraseScreen, UnlockScreen};
use super::unlocked::Unlocked;

/// The gate's current screen.
#[derive(Clone)]
pub(super) enum Screen {
    Loading,
    Failed(String),
    FirstRun,
    HeaderMissing,
    Locked,
    /// Shown once after creation; the vault is already open behind it.
    RecoveryKey,
    /// After unlocking with the recovery key.
    NewPassphrase,
    Unlocked,
}

/// What the gate's child screens use to move between states.
#[derive(Clone, Copy)]
pub(super) struct Gate {
    pub screen: RwSignal<Screen>,
    db: StoredValue<Option<Rc<Rexie>>, LocalStorage>,
    vault: StoredValue<Option<Vault>, LocalStorage>,
    /// The new vault's recovery key, until the person says they kept it.
    recovery_key: StoredValue<Option<Zeroizing<String>>, LocalStorage>,
}

impl Gate {
    /// The open database (present on every screen after Loading).
    pub fn db(&self) -> Option<Rc<Rexie>> {
        self.db.with_value(|db| db.clone())
    }

    /// Keeps the unlocked vault and moves to `next`.
    pub fn open(&self, vault: Vault, next: Screen) {
        self.vault.set_value(Some(vault));
        self.screen.set(next);
    }

    /// Shows the recovery key of a vault just created (which stays open behind it).
    pub fn show_recovery_key(&self, vault: Vault, key: Zeroizing<String>) {
        self.recovery_key.set_value(Some(key));
        self.open(vault, Screen::RecoveryKey);
    }

    /// The recovery key being shown, grouped for writing down.
    pub fn recovery_key_text(&self) -> String {
        self.recovery_key
            .with_value(|k| {
                k.as_ref()
                    .map(|k| k.split('-').collect::<Vec<_>>().join(" "))
            })
            .unwrap_or_default()
    }

    /// Forgets the recovery key and opens the app.
    pub fn recovery_key_kept(&self) {
        self.recovery_key.set_value(None);
        self.screen.set(Screen::Unlocked);
    }

    /// The unlocked vault, if any.
    pub fn vault(&self) -> Option<Vault> {
        self.vault.with_value(|v| v.clone())
    }

    /// Drops the keys and shows the unlock screen. The unlocked shell flushes
    /// drafts and writes the audit event first (see `Session::lock`).
    pub fn close(&self) {
        if let Some(vault) = self.vault.with_value(|v| v.clone()) {
            vault.lock();
        }
        self.vault.set_value(None);
        self.recovery_key.set_value(None);
        self.screen.set(Screen::Locked);
    }
}

/// Opens the database, decides the first screen, and renders the current one.
#[component]
pub fn VaultGate() -> impl IntoView {
    let gate = Gate {
        screen: RwSignal::new(Screen::Loading),
        db: StoredValue::new_local(None),
        vault: StoredValue::new_local(None),
        recovery_key: StoredValue::new_local(None),
    };
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
        let result = async {
            let db = open_database().await?;
            let state = inspect(&db).await?;
            Ok::<_, crate::vault::VaultError>((db, state))
        }
        .await;
        match result {
            Ok((db, state)) => {
                gate.db.set_value(Some(Rc::new(db)));
                gate.screen.set(match state {
                    VaultState::Empty => Screen::FirstRun,
                    VaultState::Locked => Screen::Locked,
                    VaultState::HeaderMissing => Screen::HeaderMissing,
                });
            }
            Err(e) => gate.screen.set(Screen::Failed(e.to_string())),
        }
    });

    move || {
        match gate.screen.get() {
        Screen::Unlocked => match gate.vault() {
            Some(vault) => view! { <Unlocked vault=vault on_close=move || gate.close() /> }.into_any(),
            None => view! { <LockedShell><UnlockScreen /></LockedShell> }.into_any(),
        },
        Screen::Loading => view! {
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
                    <p>
                        "Private browsing, or a browser setting that blocks site data, can cause this. Nothing was changed."
                    </p>
                </div>
            </LockedShell>
        }
        .into_any(),
        Screen::FirstRun => view! {
            <LockedShell>
                <FirstRun />
                <RestoreFromBackup />
            </LockedShell>
        }
        .into_any(),
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

/// The shell around every screen shown before the app opens. While a vault is
/// open behind it (recovery key, new passphrase), it offers "Lock".
#[component]
fn LockedShell(children: Children) -> impl IntoView {
    let gate = expect_context::<Gate>();
    view! {
        <header class="shell__header">
            <span class="shell__name">"Psynotes"</span>
            {move || {
                gate.vault
                    .with_value(Option::is_some)
                    .then(|| view! { <button type="button" on:click=move |_| gate.close()>"Lock"</button> })
            }}
        </header>
        <main class="shell__main" id="main">
            {children()}
        </main>
    }
}
