//! Live sync: sends shortly after each commit, receives by long-poll while
//! online, pauses when offline and carries on from its checkpoints when the
//! network comes back, without starting over.
//!
//! One engine runs per tab while the vault is unlocked and sync is on; it
//! stops when the vault locks (its credentials go with it). Whatever goes
//! wrong, nothing here is lost: records stay, queued, until the server has
//! them. A fault that may pass (the network, the server's 5xx, a full disk)
//! is retried with a growing pause; one that needs a person (the password,
//! the address, another vault's database) stops and says what to do.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;

use crate::vault::header::VaultHeader;
use crate::vault::meta::{read_meta, HEADER_ID};
use crate::vault::open_vault::Vault;

use super::config::{mark_json, SYNC_SENT_ALL_ID, SYNC_SINCE_ID};
use super::couch::{Cancel, Server};
use super::documents::{doc_header, header_doc, HEADER_DOC};
use super::error::SyncError;
use super::status::SyncStatus;

/// How long one long-poll waits on the server for a change.
const LONGPOLL_MS: u32 = 25_000;
/// How soon after a commit it is sent.
const SEND_AFTER_MS: u32 = 250;
/// How often other tabs' queued changes are looked for.
const OUTBOX_CHECK_MS: u32 = 5_000;
/// The pause before trying again after a fault that may pass, doubling to
/// the longest while it repeats.
const MIN_PAUSE_MS: u32 = 1_000;
const MAX_PAUSE_MS: u32 = 30_000;

/// A running sync. Dropping it does not stop it: call [`SyncEngine::stop`]
/// (locking the vault stops it too).
pub struct SyncEngine {
    cancel: Cancel,
}

impl SyncEngine {
    /// Starts syncing `vault` as its sync setup says; `on_status` hears every
    /// change of state, and `on_received` each time records arrived (so the
    /// screen reads them again). Does nothing but report
    /// [`SyncStatus::Off`] when sync is not set up or is turned off.
    pub fn start(
        vault: Vault,
        on_status: impl Fn(SyncStatus) + 'static,
        on_received: impl Fn() + 'static,
    ) -> SyncEngine {
        let cancel = Cancel::default();
        let engine = SyncEngine {
            cancel: cancel.clone(),
        };
        let report: Rc<dyn Fn(SyncStatus)> = Rc::new(on_status);
        let received: Rc<dyn Fn()> = Rc::new(on_received);
        wasm_bindgen_futures::spawn_local(async move {
            run(vault, cancel, report, received).await;
        });
        engine
    }

    /// Stops at once: calls in flight are cancelled; nothing is lost.
    pub fn stop(&self) {
        self.cancel.cancel();
    }
}

async fn run(vault: Vault, cancel: Cancel, report: Rc<dyn Fn(SyncStatus)>, received: Rc<dyn Fn()>) {
    let config = match vault.sync_config().await {
        Ok(Some(c)) if c.enabled => c,
        _ => {
            report(SyncStatus::Off);
            return;
        }
    };
    let server = Server::new(config.server.clone(), &config.user, &config.password);
    let path = config.server.clone();
    drop(config);
    // The pause before trying again: grows while faults repeat, and starts
    // small again once a session got through.
    let pause_ms = Cell::new(MIN_PAUSE_MS);
    let last = Rc::new(RefCell::new(SyncStatus::Off));
    let say = {
        let last = last.clone();
        move |status: SyncStatus| {
            if *last.borrow() != status {
                *last.borrow_mut() = status.clone();
                report(status);
            }
        }
    };
    while !cancel.is_cancelled() && vault.is_unlocked() {
        match session(&vault, &server, &path, &cancel, &say, &*received, &pause_ms).await {
            Ok(()) => return,
            Err(SyncError::Cancelled) => return,
            Err(_) if !vault.is_unlocked() => return,
            Err(e) if e.is_transient() => {
                let waiting = vault.sync_waiting().await.unwrap_or(0);
                if !online() {
                    say(SyncStatus::Offline { waiting });
                } else {
                    say(SyncStatus::Stopped {
                        reason: e.to_string(),
                        retrying: true,
                    });
                }
                wait_or_online(pause_ms.get(), &cancel).await;
                pause_ms.set((pause_ms.get() * 2).min(MAX_PAUSE_MS));
            }
            Err(e) => {
                say(SyncStatus::Stopped {
                    reason: e.to_string(),
                    retrying: false,
                });
                return;
            }
        }
    }
}

/// Syncs until cancelled or a fault; `Ok` only when cancelled cleanly.
async fn session(
    vault: &Vault,
    server: &Server,
    path: &str,
    cancel: &Cancel,
    say: &impl Fn(SyncStatus),
    arrived: &dyn Fn(),
    pause_ms: &Cell<u32>,
) -> Result<(), SyncError> {
    if !online() {
        return Err(SyncError::Unreachable);
    }
    server.open(cancel).await?;
    let (vault_id, wiped) = ensure_header(vault, server, path, cancel).await?;
    // Another device may have found the server empty first and put the
    // header back: the server has then lost this device's checkpoint, and
    // this device's place in the old server's changes means nothing there.
    let wiped = wiped || lost_checkpoint(vault, server, path, cancel).await?;
    if wiped {
        // The server was emptied (or is new): everything goes again, and
        // the pull starts from its beginning.
        crate::vault::batch::Batch::new()
            .meta(SYNC_SINCE_ID, mark_json(path, &serde_json::Value::Null))
            .meta(
                SYNC_SENT_ALL_ID,
                mark_json(path, &serde_json::Value::Bool(false)),
            )
            .commit(vault.connection())
            .await?;
    }
    let sent_all =
        vault.sync_mark(SYNC_SENT_ALL_ID, path).await? == Some(serde_json::Value::Bool(true));
    let from_start = vault.pull_since(path).await?.is_null();
    if from_start {
        // Marks this server as the one this device pulls from before the
        // first page comes, so a pull cut short resumes instead of starting
        // over as if the server were new.
        checkpoint(vault, server, path, cancel).await;
    }
    let expected = if from_start {
        server.doc_count(cancel).await.unwrap_or(0)
    } else {
        0
    };
    say(SyncStatus::Syncing {
        received: 0,
        expected,
    });
    vault.push(server, &vault_id, !sent_all, cancel).await?;
    if !sent_all {
        crate::vault::batch::Batch::new()
            .meta(
                SYNC_SENT_ALL_ID,
                mark_json(path, &serde_json::Value::Bool(true)),
            )
            .commit(vault.connection())
            .await?;
    }
    // Catch up.
    let mut received = 0;
    loop {
        let pulled = vault.pull(server, path, &vault_id, None, cancel).await?;
        received += pulled.seen;
        if pulled.changed > 0 {
            arrived();
        }
        if !pulled.more {
            break;
        }
        say(SyncStatus::Syncing { received, expected });
    }
    checkpoint(vault, server, path, cancel).await;
    say(SyncStatus::Synced);
    pause_ms.set(MIN_PAUSE_MS);

    // Live.
    let seen_changes = Cell::new(vault.connection().local_changes());
    loop {
        if cancel.is_cancelled() || !vault.is_unlocked() {
            return Ok(());
        }
        if !online() {
            return Err(SyncError::Unreachable);
        }
        let waiting = vault.sync_waiting().await?;
        if waiting > 0 {
            say(SyncStatus::Syncing {
                received: 0,
                expected: 0,
            });
            vault.push(server, &vault_id, false, cancel).await?;
            // The server may have been emptied since: looked at again.
            let (_, wiped) = ensure_header(vault, server, path, cancel).await?;
            if wiped {
                return Err(SyncError::Server(410));
            }
            say(SyncStatus::Synced);
        }
        // Wait for the server's next change, or a change here. A change here
        // cancels the long-poll's request; a pull that is already being
        // applied is never cut short (it is one transaction).
        let poll = Cancel::default();
        cancel.link(&poll);
        let done = Cell::new(false);
        let longpoll = async {
            let pulled = vault
                .pull(server, path, &vault_id, Some(LONGPOLL_MS), &poll)
                .await;
            done.set(true);
            pulled
        };
        let watcher = async {
            if watch_local(vault, &seen_changes, &done).await {
                poll.cancel();
            }
        };
        let (pulled, ()) = futures::future::join(longpoll, watcher).await;
        let pulled = match pulled {
            Err(SyncError::Cancelled) => None,
            // Nothing new within the wait: the server kept the request open.
            Err(SyncError::Timeout) => continue,
            other => Some(other),
        };
        match pulled {
            Some(Ok(p)) => {
                if p.changed > 0 {
                    arrived();
                }
                if p.more {
                    say(SyncStatus::Syncing {
                        received: 0,
                        expected: 0,
                    });
                    loop {
                        let more = vault.pull(server, path, &vault_id, None, cancel).await?;
                        if more.changed > 0 {
                            arrived();
                        }
                        if !more.more {
                            break;
                        }
                    }
                    say(SyncStatus::Synced);
                }
                if p.seen > 0 {
                    checkpoint(vault, server, path, cancel).await;
                }
            }
            Some(Err(SyncError::Cancelled)) | None => {
                if cancel.is_cancelled() {
                    return Ok(());
                }
                // A change here: sent at the top of the loop, after a moment
                // so a burst of commits goes together.
                TimeoutFuture::new(SEND_AFTER_MS).await;
            }
            Some(Err(e)) => return Err(e),
        }
    }
}

/// Waits until this tab commits something to send, or another tab has
/// queued something (looked for every few seconds): `true`. Ends with
/// `false` once `done` is set (the long-poll answered first).
async fn watch_local(vault: &Vault, seen: &Cell<u64>, done: &Cell<bool>) -> bool {
    let mut since_check = 0;
    loop {
        TimeoutFuture::new(200).await;
        if done.get() {
            return false;
        }
        let now = vault.connection().local_changes();
        if now != seen.get() {
            seen.set(now);
            return true;
        }
        since_check += 200;
        if since_check >= OUTBOX_CHECK_MS {
            since_check = 0;
            if vault.sync_waiting().await.unwrap_or(0) > 0 {
                return true;
            }
        }
    }
}

/// Makes sure the server holds this vault's header. Returns the vault id,
/// and whether the header was missing (a new or emptied database).
async fn ensure_header(
    vault: &Vault,
    server: &Server,
    path: &str,
    cancel: &Cancel,
) -> Result<(String, bool), SyncError> {
    let json = read_meta(vault.connection(), HEADER_ID)
        .await?
        .ok_or_else(|| SyncError::Local("this vault's header is missing".into()))?;
    let header = VaultHeader::from_json(&json)?;
    let vault_id = header.vault_id();
    match server.get(HEADER_DOC, cancel).await? {
        None => {
            server
                .put(HEADER_DOC, &header_doc(&vault_id, &json, None), cancel)
                .await?;
            remember_header(vault, path, &json).await?;
            Ok((vault_id, true))
        }
        Some(doc) => {
            let (theirs, their_json) =
                doc_header(&doc).map_err(|_| SyncError::BadResponse("the vault header".into()))?;
            if theirs != vault_id {
                return Err(SyncError::OtherVault);
            }
            if their_json != json {
                // This device changed its passphrase (or made a new recovery
                // key) since it last sent the header: the server gets it,
                // unless another device changed it there meanwhile.
                let sent = vault.sync_mark("sync_header", path).await?;
                if sent.as_ref().and_then(|v| v.as_str()) == Some(their_json.as_str()) {
                    let rev = doc.get("_rev").and_then(|r| r.as_str());
                    server
                        .put(HEADER_DOC, &header_doc(&vault_id, &json, rev), cancel)
                        .await?;
                    remember_header(vault, path, &json).await?;
                }
            }
            Ok((vault_id, false))
        }
    }
}

async fn remember_header(vault: &Vault, path: &str, json: &str) -> Result<(), SyncError> {
    crate::vault::batch::Batch::new()
        .meta(
            "sync_header",
            mark_json(path, &serde_json::Value::String(json.to_owned())),
        )
        .commit(vault.connection())
        .await?;
    Ok(())
}

/// The server's copy of this device's checkpoint (see [`checkpoint`]).
async fn checkpoint_id(vault: &Vault) -> Result<String, SyncError> {
    let device = crate::vault::meta::device_id(vault.connection()).await?;
    Ok(format!("_local/psynotes-{}", device.as_str()))
}

/// Whether this device has pulled from this server before, yet the server no
/// longer holds the checkpoint it left there: the server was emptied or
/// replaced, as the replication protocol tells by comparing checkpoints. (A
/// checkpoint that was never written, the connection lost first, only makes
/// the device send and fetch everything again, which changes nothing.)
async fn lost_checkpoint(
    vault: &Vault,
    server: &Server,
    path: &str,
    cancel: &Cancel,
) -> Result<bool, SyncError> {
    if vault.pull_since(path).await?.is_null() {
        return Ok(false);
    }
    Ok(server
        .get(&checkpoint_id(vault).await?, cancel)
        .await?
        .is_none())
}

/// Leaves the pull's checkpoint on the server too, in `_local/`, as the
/// replication protocol does. Best effort: the device's own checkpoint is what
/// it pulls from; the server's copy tells it the server is the same one.
async fn checkpoint(vault: &Vault, server: &Server, path: &str, cancel: &Cancel) {
    let Ok(since) = vault.pull_since(path).await else {
        return;
    };
    let Ok(id) = checkpoint_id(vault).await else {
        return;
    };
    let rev = match server.get(&id, cancel).await {
        Ok(Some(doc)) => doc.get("_rev").and_then(|r| r.as_str()).map(str::to_owned),
        Ok(None) => None,
        Err(_) => return,
    };
    let mut doc = serde_json::json!({ "_id": id, "last_seq": since });
    if let Some(rev) = rev {
        doc["_rev"] = serde_json::Value::String(rev);
    }
    let _ = server.put(&id, &doc, cancel).await;
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Waits `ms`, or less if the network comes back or sync stops.
async fn wait_or_online(ms: u32, cancel: &Cancel) {
    let was_online = online();
    let mut waited = 0;
    while waited < ms {
        TimeoutFuture::new(250).await;
        waited += 250;
        if cancel.is_cancelled() || (!was_online && online()) {
            return;
        }
    }
}
