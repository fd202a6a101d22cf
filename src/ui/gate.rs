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
    RecoveryKey(String),
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
    };
    provide_context(gate);

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
        Screen::RecoveryKey(key) => view! {
            <LockedShell>
                <RecoveryKeyScreen key=key />
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

/// The shell around every screen shown before unlocking.
#[component]
fn LockedShell(children: Children) -> impl IntoView {
    view! {
        <header class="shell__header">
            <span class="shell__name">"Psynotes"</span>
        </header>
        <main class="shell__main" id="main">
            {children()}
        </main>
    }
}
