//! What every page below the vault gate can reach: the open vault, the settings,
//! the clock, and the autosave hooks that run before the vault locks.
//!
//! [`provide_session`] is called once by the gate after unlocking; pages call
//! [`use_session`]. The vault handle is `!Send` (it holds keys in an `Rc`), so it
//! sits in a local [`StoredValue`], which is itself a `Copy` handle.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::domain::{Settings, Timestamp};
use crate::export::ExportRequest;
use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::lock_channel::LockChannel;
use crate::vault::repository::Stored;
use crate::vault::session::Vault;

/// A flush function: saves an open editor's unsaved text.
pub type Flush = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = ()>>>>;

/// The unlocked session, in context.
#[derive(Clone, Copy)]
pub struct Session {
    vault: StoredValue<Vault, LocalStorage>,
    /// The settings as last saved, with their revision.
    pub settings: RwSignal<Stored<Settings>>,
    /// Bumped after each backup, so the "Last backup" reminder reloads.
    pub backups_made: RwSignal<u32>,
    /// What the print view shows. Kept here, not in the URL: a date range or a
    /// client id in a URL would rest unencrypted in the browser's history.
    pub print_request: RwSignal<Option<ExportRequest>>,
    flushers: StoredValue<Vec<(u64, Flush)>, LocalStorage>,
    next_flusher: StoredValue<u64>,
    /// Drops the keys and shows the unlock screen; see [`Session::lock`].
    close: Callback<()>,
    locking: RwSignal<bool>,
    channel: StoredValue<Option<LockChannel>, LocalStorage>,
}

impl Session {
    /// Makes a session; the unlocked shell provides it with [`provide_context`].
    /// `close` drops the keys and returns to the unlock screen.
    pub fn new(vault: Vault, settings: Stored<Settings>, close: Callback<()>) -> Session {
        let session = Session {
            vault: StoredValue::new_local(vault),
            settings: RwSignal::new(settings),
            backups_made: RwSignal::new(0),
            print_request: RwSignal::new(None),
            flushers: StoredValue::new_local(Vec::new()),
            next_flusher: StoredValue::new(0),
            close,
            locking: RwSignal::new(false),
            channel: StoredValue::new_local(None),
        };
        // Another tab locked: lock here too, without echoing it back.
        session.channel.set_value(Some(LockChannel::listen(move || {
            session.lock_quietly("another tab")
        })));
        session
    }

    /// Locks every tab: saves open editors, writes the audit event, tells the
    /// other tabs, then drops the keys. `reason` is for the audit log.
    pub fn lock(&self, reason: &'static str) {
        self.channel.with_value(|c| {
            if let Some(c) = c {
                c.broadcast_lock();
            }
        });
        self.lock_quietly(reason);
    }

    fn lock_quietly(&self, reason: &'static str) {
        let session = *self;
        if session.locking.get_untracked() {
            return;
        }
        session.locking.set(true);
        leptos::task::spawn_local(async move {
            session.flush_all().await;
            // Anything typed while the first flush and the audit write ran is saved
            // by the second, before the keys go.
            let event = AuditEvent::now(
                now_ms(),
                AuditAction::Locked {
                    reason: reason.to_owned(),
                },
            );
            // Locking must never fail: a failed audit write does not keep keys alive.
            let _ = session.vault().record_event(&event).await;
            session.flush_all().await;
            session.close.run(());
        });
    }

    /// Whether a lock is under way (editors stop autosaving then).
    pub fn is_locking(&self) -> bool {
        self.locking.get_untracked()
    }

    /// The vault handle. Cheap to clone; fails with `Locked` once locked.
    pub fn vault(&self) -> Vault {
        self.vault.get_value()
    }

    /// Registers `flush` to run before the vault locks or the page hides, until
    /// the calling component is unmounted.
    pub fn on_flush(&self, flush: Flush) {
        let id = self.next_flusher.get_value();
        self.next_flusher.set_value(id + 1);
        self.flushers.update_value(|f| f.push((id, flush)));
        let flushers = self.flushers;
        on_cleanup(move || {
            flushers.try_update_value(|f| f.retain(|(i, _)| *i != id));
        });
    }

    /// Runs every registered flush, one after another.
    pub async fn flush_all(&self) {
        let flushes: Vec<Flush> = self
            .flushers
            .try_with_value(|f| f.iter().map(|(_, f)| f.clone()).collect())
            .unwrap_or_default();
        for flush in flushes {
            flush().await;
        }
    }
}

/// The session; panics only if called outside the gate, which is a programming error.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Real time, Unix milliseconds: for the audit log and timers.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The therapist's wall-clock time as a [`Timestamp`]: dates and times of service
/// are typed in local time, so "now" for signing and late-entry checks must be
/// local too, or the 72-hour rule would shift by the UTC offset.
pub fn now_local() -> Timestamp {
    let date = js_sys::Date::new_0();
    let offset_ms = date.get_timezone_offset() * 60_000.0;
    Timestamp((date.get_time() - offset_ms) as i64)
}
