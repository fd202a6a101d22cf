//! What every page below the vault gate can reach: the open vault, the settings,
//! and locking.
//!
//! The unlocked shell provides one [`Session`] after unlocking; pages call
//! [`use_session`]. The vault handle is `!Send` (it holds keys in an `Rc`), so it
//! sits in a local [`StoredValue`], which is itself a `Copy` handle.

use futures::future::{select, Either};
use leptos::prelude::*;

use crate::domain::Settings;
use crate::export::ExportRequest;
use crate::vault::audit::LockReason;
use crate::vault::lock_channel::LockChannel;
use crate::vault::measures::OpenQuestionnaire;
use crate::vault::open_vault::Vault;
use crate::vault::sync::engine::SyncEngine;
use crate::vault::sync::status::SyncStatus;

use super::clock::now_ms;
use super::flush::{use_flushers, Flushers};

/// How long locking may wait for open editors and the audit event before the
/// keys and the decrypted screen go regardless: a hung write must not keep a
/// note on screen on an unattended tablet.
pub const LOCK_DEADLINE_MS: u32 = 2_000;

/// The unlocked session, in context.
#[derive(Clone, Copy)]
pub struct Session {
    vault: StoredValue<Vault, LocalStorage>,
    /// The settings as last saved.
    pub settings: RwSignal<Settings>,
    /// Bumped after each backup, so the "Last backup" reminder reloads.
    pub backups_made: RwSignal<u32>,
    /// What the print view shows. Kept here, not in the URL: a date range or a
    /// client id in a URL would rest unencrypted in the browser's history.
    pub print_request: RwSignal<Option<ExportRequest>>,
    /// Where the print view's "Back" returns: the page that asked for it.
    pub print_back: RwSignal<String>,
    flushers: Flushers,
    /// Drops the keys and shows the unlock screen; see [`Session::lock`].
    close: Callback<()>,
    locking: RwSignal<bool>,
    channel: StoredValue<Option<LockChannel>, LocalStorage>,
    /// What the header says about syncing.
    pub sync_status: RwSignal<SyncStatus>,
    /// Bumped each time records change under the open pages (sync brought
    /// them from another device, or the index check repaired the index): the
    /// pages that list records read them again.
    pub received: RwSignal<u64>,
    sync: StoredValue<Option<SyncEngine>, LocalStorage>,
    /// The questionnaire handed to a client. While set, the shell shows it
    /// alone: no navigation, no record. It ends only by locking.
    pub handoff: RwSignal<Option<OpenQuestionnaire>, LocalStorage>,
}

impl Session {
    /// Makes a session; the unlocked shell provides it with [`provide_context`].
    /// `close` drops the keys and returns to the unlock screen.
    pub fn new(vault: Vault, settings: Settings, close: Callback<()>) -> Session {
        let session = Session {
            vault: StoredValue::new_local(vault),
            settings: RwSignal::new(settings),
            backups_made: RwSignal::new(0),
            print_request: RwSignal::new(None),
            print_back: RwSignal::new("/records".to_owned()),
            flushers: use_flushers(),
            close,
            locking: RwSignal::new(false),
            channel: StoredValue::new_local(None),
            sync_status: RwSignal::new(SyncStatus::Off),
            received: RwSignal::new(0),
            sync: StoredValue::new_local(None),
            handoff: RwSignal::new_local(None),
        };
        // A records custodian reads what is on this device: their session
        // never syncs (it could not write what sync brings).
        if !session.is_custodian() {
            session.restart_sync();
        }
        // Another tab locked: lock here too, without echoing it back.
        session.channel.set_value(Some(LockChannel::listen(move || {
            session.lock_quietly(LockReason::OtherTab)
        })));
        session
    }

    /// Locks every tab: saves open editors, writes the audit event, tells the
    /// other tabs, then drops the keys, within [`LOCK_DEADLINE_MS`].
    pub fn lock(&self, reason: LockReason) {
        self.channel.with_value(|c| {
            if let Some(c) = c {
                c.broadcast_lock();
            }
        });
        self.lock_quietly(reason);
    }

    fn lock_quietly(&self, reason: LockReason) {
        let session = *self;
        if session.locking.get_untracked() {
            return;
        }
        session.locking.set(true);
        // Sync stops first: its requests are cancelled, and its credentials
        // go with the engine.
        session.stop_sync_engine();
        leptos::task::spawn_local(async move {
            let vault = session.vault();
            let flushers = session.flushers;
            let work = Box::pin(async move {
                flushers.flush_all().await;
                // Locking must never fail: a failed audit write does not keep
                // keys alive.
                let _ = vault.record_lock(reason, now_ms()).await;
                // Anything typed while the first flush and the audit write ran.
                flushers.flush_all().await;
            });
            let deadline = Box::pin(gloo::timers::future::TimeoutFuture::new(LOCK_DEADLINE_MS));
            if let Either::Right(_) = select(work, deadline).await {
                leptos::logging::warn!("locking did not wait for a save that took too long");
            }
            session.close.run(());
        });
    }

    /// Whether this is a records custodian's session: the record, read only,
    /// and no psychotherapy notes.
    pub fn is_custodian(&self) -> bool {
        self.vault.with_value(Vault::is_custodian)
    }

    /// (Re)starts syncing as the vault's sync setup says: after unlocking,
    /// and after sync is turned on or off in Settings.
    pub fn restart_sync(&self) {
        self.stop_sync_engine();
        let status = self.sync_status;
        let session = *self;
        let engine = SyncEngine::start(
            self.vault(),
            move |s| status.set(s),
            move || session.records_changed(),
        );
        self.sync.set_value(Some(engine));
    }

    fn stop_sync_engine(&self) {
        self.sync.update_value(|engine| {
            if let Some(engine) = engine.take() {
                engine.stop();
            }
        });
        self.sync_status.set(SyncStatus::Off);
    }

    /// Tells the open pages that records changed beneath them, so they read
    /// them again.
    pub fn records_changed(&self) {
        self.received.update(|n| *n += 1);
    }

    /// The vault handle. Cheap to clone; fails with `Locked` once locked.
    pub fn vault(&self) -> Vault {
        self.vault.get_value()
    }

    /// Runs every open editor's flush.
    pub async fn flush_all(&self) {
        self.flushers.flush_all().await;
    }
}

/// The session; panics only if called outside the gate, which is a programming error.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
