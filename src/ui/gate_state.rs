//! What the screens before the app share: which one shows, the vault's door,
//! and the open vault once a procedure handed one back.
//!
//! The screens ask the door (create, unlock, recover, restore) and hand what
//! comes back to [`Gate::enter`], which shows the step still owed, if any. The
//! UI never holds a keyring: only the door's [`Entry`] and the open vault.

use leptos::prelude::*;

use crate::vault::audit::LockReason;
use crate::vault::door::{Entry, PassphraseReset, RecoveryKeyHandover, VaultDoor};
use crate::vault::open_vault::{Vault, VaultLocker};

use super::clock::now_ms;
use super::idle::LastActivity;
use super::session_context::LOCK_DEADLINE_MS;

/// The screen the gate shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Opening,
    /// The browser's storage cannot be used.
    Failed(String),
    FirstRun,
    HeaderMissing,
    /// A newer app owns this browser's data.
    NewerVersion,
    Locked,
    /// A recovery key to write down; the vault is open behind it.
    RecoveryKey,
    /// After the recovery key: a new passphrase first.
    NewPassphrase,
    Unlocked,
}

/// The gate's state, in context for its screens.
#[derive(Clone, Copy)]
pub struct Gate {
    pub screen: RwSignal<Screen>,
    door: StoredValue<Option<VaultDoor>, LocalStorage>,
    /// The vault, once a procedure opened it for use.
    vault: StoredValue<Option<Vault>, LocalStorage>,
    /// Locks whatever vault is open behind the current screen.
    locker: StoredValue<Option<VaultLocker>, LocalStorage>,
    handover: StoredValue<Option<RecoveryKeyHandover>, LocalStorage>,
    reset: StoredValue<Option<PassphraseReset>, LocalStorage>,
    /// The idle clock of the vault open behind the current screen.
    activity: StoredValue<LastActivity, LocalStorage>,
    /// The vault was locked because a client finished a questionnaire: the
    /// unlock screen asks for the tablet back until the next unlock.
    pub handed_back: RwSignal<bool>,
}

impl Gate {
    /// A gate on the opening screen; the door comes when the database opens.
    pub fn new() -> Gate {
        Gate {
            screen: RwSignal::new(Screen::Opening),
            door: StoredValue::new_local(None),
            vault: StoredValue::new_local(None),
            locker: StoredValue::new_local(None),
            handover: StoredValue::new_local(None),
            reset: StoredValue::new_local(None),
            activity: StoredValue::new_local(LastActivity::starting_now()),
            handed_back: RwSignal::new(false),
        }
    }

    /// Keeps the door once the database is open.
    pub fn set_door(&self, door: VaultDoor) {
        self.door.set_value(Some(door));
    }

    /// The door (present on every screen after opening).
    pub fn door(&self) -> Option<VaultDoor> {
        self.door.with_value(|d| d.clone())
    }

    /// Shows what a door procedure handed back.
    pub fn enter(&self, entry: Entry) {
        // A vault newly opened starts its idle time now; one already open
        // behind the recovery key or new passphrase screen keeps counting.
        if !self.has_open_vault() {
            self.activity.set_value(LastActivity::starting_now());
        }
        self.locker.set_value(Some(entry.locker()));
        self.handed_back.set(false);
        match entry {
            Entry::Open(vault) => {
                self.vault.set_value(Some(vault));
                self.screen.set(Screen::Unlocked);
            }
            Entry::ShowRecoveryKey(handover) => {
                self.handover.set_value(Some(handover));
                self.screen.set(Screen::RecoveryKey);
            }
            Entry::ChooseNewPassphrase(reset) => {
                self.reset.set_value(Some(reset));
                self.screen.set(Screen::NewPassphrase);
            }
        }
    }

    /// The recovery key being shown, grouped for writing down.
    pub fn recovery_key_groups(&self) -> String {
        self.handover
            .with_value(|h| h.as_ref().map(RecoveryKeyHandover::key_groups))
            .unwrap_or_default()
    }

    /// Puts the handover back after a failed confirmation.
    pub fn keep_handover(&self, handover: RecoveryKeyHandover) {
        self.handover.set_value(Some(handover));
    }

    /// The recovery key handover, taken to confirm it.
    pub fn take_handover(&self) -> Option<RecoveryKeyHandover> {
        self.handover.try_update_value(Option::take).flatten()
    }

    /// The passphrase reset, taken to complete it.
    pub fn take_reset(&self) -> Option<PassphraseReset> {
        self.reset.try_update_value(Option::take).flatten()
    }

    /// Puts a reset back after a failed attempt, so the screen can try again.
    pub fn keep_reset(&self, reset: PassphraseReset) {
        self.reset.set_value(Some(reset));
    }

    /// The open vault, whatever screen shows.
    pub fn vault(&self) -> Option<Vault> {
        self.vault.with_value(|v| v.clone())
    }

    /// The open vault's idle clock, for the auto-lock of whichever screen shows.
    pub fn last_activity(&self) -> LastActivity {
        self.activity.with_value(Clone::clone)
    }

    /// Whether a vault is open behind the current screen.
    pub fn has_open_vault(&self) -> bool {
        self.locker.with_value(Option::is_some)
    }

    /// Locks from a screen before the app (the recovery key, the new
    /// passphrase): audits it, within the lock deadline, then closes.
    pub fn lock(&self, reason: LockReason) {
        let gate = *self;
        let Some(locker) = gate.locker.with_value(|l| l.clone()) else {
            gate.close();
            return;
        };
        leptos::task::spawn_local(async move {
            let audit = Box::pin(locker.record_lock(reason, now_ms()));
            let deadline = Box::pin(gloo::timers::future::TimeoutFuture::new(LOCK_DEADLINE_MS));
            let _ = futures::future::select(audit, deadline).await;
            gate.close();
        });
    }

    /// Drops the keys and shows the unlock screen. The unlocked shell saves
    /// open editors and writes the audit event first (see `Session::lock`).
    pub fn close(&self) {
        if let Some(locker) = self.locker.with_value(|l| l.clone()) {
            locker.lock();
        }
        self.vault.set_value(None);
        self.locker.set_value(None);
        self.handover.set_value(None);
        self.reset.set_value(None);
        self.screen.set(Screen::Locked);
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}

/// The gate; every screen before the app is below it.
pub fn use_gate() -> Gate {
    expect_context::<Gate>()
}
