//! Benchmark entry points (`--features bench` only; never in the shipped app).
//!
//! `make bench` drives these from headless Chromium through
//! `window.wasmBindings`. Seeding is bench-only; everything timed here goes
//! through the same vault, crypto and export code the app uses. Timings that
//! need the UI (unlock to client list, opening a client, search) are taken by
//! `bench/run.mjs` on the real pages.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::crypto::{derive_kek, KdfParams, Passphrase, Salt};
use crate::domain::measure::{AdministrationMode, PHQ_9};
use crate::domain::{Client, ClinicianProfile, ProgressNote, Template, Timestamp};
use crate::export::{select, to_json, ExportContent, ExportOptions, ExportScope};
use crate::vault::door::{Entry, VaultDoor};
use crate::vault::open_vault::Vault;
use crate::vault::progress_notes::OpenedNote;
use crate::vault::restore::RestoreSecret;
use crate::vault::sealer::Loaded;
use crate::vault::seed::SeedPlan;
use crate::vault::sync::engine::SyncEngine;
use crate::vault::sync::join::JoinRequest;
use crate::vault::sync::status::SyncStatus;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

fn err(e: impl ToString) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// The open vault behind an entry, confirming a recovery key on the way (the
/// benchmark has nobody to show it to).
async fn opened(entry: Entry) -> Result<Vault, JsValue> {
    match entry {
        Entry::Open(vault) => Ok(vault),
        Entry::ShowRecoveryKey(handover) => handover
            .kept(js_sys::Date::now() as i64)
            .await
            .map_err(|(_, e)| err(e)),
        Entry::ChooseNewPassphrase(_) => Err(err("the benchmark never uses the recovery key")),
    }
}

fn json(value: &impl Serialize) -> Result<JsValue, JsValue> {
    serde_json::to_string(value)
        .map(|s| JsValue::from_str(&s))
        .map_err(err)
}

#[derive(Serialize)]
struct Seeded {
    clients: Vec<String>,
    seed_ms: f64,
}

/// Creates the app's vault with the production KDF parameters and seeds it.
#[wasm_bindgen]
pub async fn bench_seed(
    passphrase: String,
    clients: u32,
    notes: u32,
    psychotherapy_notes: u32,
    note_chars: u32,
) -> Result<JsValue, JsValue> {
    let started = now();
    let door = VaultDoor::open().await.map_err(err)?;
    let p = Passphrase::new(passphrase).map_err(err)?;
    let entry = door
        .create(&p, js_sys::Date::now() as i64)
        .await
        .map_err(err)?;
    let vault = opened(entry).await?;
    let plan = SeedPlan {
        clients,
        notes,
        psychotherapy_notes,
        note_chars,
    };
    let ids = vault
        .seed_bulk(plan, Timestamp(js_sys::Date::now() as i64))
        .await
        .map_err(err)?;
    vault.close();
    json(&Seeded {
        clients: ids,
        seed_ms: now() - started,
    })
}

/// One Argon2id derivation with the given parameters, in milliseconds.
#[wasm_bindgen]
pub fn bench_kdf(m_kib: u32, t: u32) -> Result<f64, JsValue> {
    let params = KdfParams { m_kib, t, p: 1 };
    let salt = Salt([7; 16]);
    let p = Passphrase::for_unlock("benchmark passphrase".into());
    let started = now();
    derive_kek(&p, &salt, &params).map_err(err)?;
    Ok(now() - started)
}

#[derive(Serialize)]
struct VaultTimings {
    save_ms: Vec<f64>,
    /// Each answer of a questionnaire stored, and each Finish.
    measure_save_ms: Vec<f64>,
    export_client_ms: f64,
    export_client_notes: usize,
    backup_ms: f64,
    backup_bytes: usize,
    restore_ms: f64,
    restored_records: u32,
    /// The first home visit after the restore: the index rebuilt from the
    /// notes.
    rebuild_ms: f64,
    /// The backup merged back into the vault it restored.
    merge_ms: f64,
    /// Each phase's start and end on the page's clock (`performance.now()`),
    /// so the runner can find the long tasks inside each one.
    phases: Vec<Phase>,
}

#[derive(Serialize)]
struct Phase {
    name: &'static str,
    start: f64,
    end: f64,
}

/// Saves, a one-client JSON export, a full backup and a full restore, timed
/// through the vault and export APIs.
#[wasm_bindgen]
pub async fn bench_vault(
    passphrase: String,
    client_id: String,
    saves: u32,
) -> Result<JsValue, JsValue> {
    let door = VaultDoor::open().await.map_err(err)?;
    let p = Passphrase::for_unlock(passphrase.clone());
    let entry = door
        .unlock(&p, js_sys::Date::now() as i64)
        .await
        .map_err(err)?;
    let vault = opened(entry).await?;

    // Editing and saving one note, committed, `saves` times, through the
    // editing handle the editor uses.
    let client = vault.client(&client_id).await.map_err(err)?;
    let notes = vault.progress_notes().await.map_err(err)?;
    let note_id = notes
        .into_iter()
        .filter_map(Loaded::ok)
        .find(|n| n.value.client_id().0 == client_id && !n.value.is_signed())
        .map(|n| n.id)
        .ok_or_else(|| err("no draft note to edit"))?;
    let now_ms = js_sys::Date::now() as i64;
    let OpenedNote::Draft(handle) = vault
        .open_progress_note(&client, &note_id, Template::Soap, Timestamp(now_ms), now_ms)
        .await
        .map_err(err)?
    else {
        return Err(err("the note to edit is signed"));
    };
    let mut draft = handle.start();
    let mut save_ms = Vec::with_capacity(saves as usize);
    for i in 0..saves {
        let text = format!("{} edit {i}", draft.section("plan"));
        draft.set_section("plan", text);
        let started = now();
        handle
            .save(&draft, js_sys::Date::now() as i64)
            .await
            .map_err(err)?;
        save_ms.push(now() - started);
    }

    // A questionnaire answered on the tablet: each answer is stored as it is
    // given, and Finish stores the result. Five PHQ-9s, every write timed.
    let profile = ClinicianProfile {
        name: "Bench Clinician".into(),
        credentials: "LCSW".into(),
    };
    let mut measure_save_ms = Vec::new();
    for _ in 0..5 {
        let open = vault
            .start_questionnaire(
                &client_id,
                &PHQ_9,
                AdministrationMode::SelfReport,
                Timestamp(js_sys::Date::now() as i64),
            )
            .map_err(err)?;
        for item in 0..PHQ_9.items.len() {
            let started = now();
            open.answer(item, 1, js_sys::Date::now() as i64)
                .await
                .map_err(err)?;
            measure_save_ms.push(now() - started);
        }
        let at = js_sys::Date::now() as i64;
        let started = now();
        open.finish(Timestamp(at).date(), &profile, at)
            .await
            .map_err(err)?;
        measure_save_ms.push(now() - started);
    }

    // JSON export of one client, the way the export page does it.
    let started = now();
    let clients: Vec<Client> = vault
        .clients()
        .await
        .map_err(err)?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|c| c.value)
        .collect();
    let all: Vec<ProgressNote> = vault
        .progress_notes()
        .await
        .map_err(err)?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|n| n.value)
        .collect();
    let scope = ExportScope::Client {
        client_id: crate::domain::ClientId(client_id.clone()),
    };
    let options = ExportOptions::default();
    let selected = select(&all, scope.client_id(), &options);
    let client_refs: Vec<&Client> = clients.iter().filter(|c| c.id.0 == client_id).collect();
    let exported = to_json(
        &Default::default(),
        &ExportContent {
            clients: &client_refs,
            notes: &selected,
            results: &[],
            plans: &[],
            amendments: &[],
        },
        Timestamp(0),
        &scope,
        &options,
    );
    let export_client_ms = now() - started;
    let export_client_notes = selected.len();
    drop(exported);

    let mut phases = Vec::new();
    // Each phase starts in a task of its own, so the end of the step before
    // it is not counted among its long tasks.
    gloo::timers::future::TimeoutFuture::new(0).await;
    let started = now();
    let file = vault
        .create_backup(js_sys::Date::now() as i64, "2026-01-01")
        .await
        .map_err(err)?;
    let backup_ms = now() - started;
    phases.push(Phase {
        name: "backup",
        start: started,
        end: started + backup_ms,
    });

    let name = "psynotes-bench-restore";
    let _ = rexie::Rexie::delete(name).await;
    let target = VaultDoor::open_named(name).await.map_err(err)?;
    gloo::timers::future::TimeoutFuture::new(0).await;
    let started = now();
    let restored = target
        .restore(
            &file.bytes,
            RestoreSecret::Passphrase(p),
            js_sys::Date::now() as i64,
        )
        .await
        .map_err(err)?;
    let restore_ms = now() - started;
    phases.push(Phase {
        name: "restore",
        start: started,
        end: started + restore_ms,
    });
    let restored = opened(restored).await?;
    gloo::timers::future::TimeoutFuture::new(0).await;
    let started = now();
    let overview = restored.note_overview().await.map_err(err)?;
    let rebuild_ms = now() - started;
    phases.push(Phase {
        name: "rebuild",
        start: started,
        end: started + rebuild_ms,
    });
    if overview.of(&client_id).is_none() {
        return Err(err("the rebuilt index lost the client's notes"));
    }
    // The same file merged into the vault it restored: every record is read,
    // opened and compared, and nothing needs writing.
    gloo::timers::future::TimeoutFuture::new(0).await;
    let started = now();
    let merged = restored
        .merge_backup(&file.bytes, js_sys::Date::now() as i64)
        .await
        .map_err(err)?;
    let merge_ms = now() - started;
    phases.push(Phase {
        name: "merge",
        start: started,
        end: started + merge_ms,
    });
    if merged.added + merged.updated + merged.conflicts > 0 || merged.kept == 0 {
        return Err(err("merging a vault's own backup changed it"));
    }
    // The lock below (which empties the session's caches) is not the merge's.
    gloo::timers::future::TimeoutFuture::new(0).await;
    restored.lock();
    target.close();
    let _ = rexie::Rexie::delete(name).await;
    vault.close();

    json(&VaultTimings {
        save_ms,
        measure_save_ms,
        export_client_ms,
        export_client_notes,
        backup_ms,
        backup_bytes: file.bytes.len(),
        restore_ms,
        restored_records: file.records as u32,
        rebuild_ms,
        merge_ms,
        phases,
    })
}

#[derive(Serialize)]
struct SyncTimings {
    /// The seeded vault sent to an empty server (not a target: done once).
    first_push_ms: f64,
    /// A second device joins and has every record.
    first_pull_ms: f64,
    /// Records the second device received.
    pulled_records: usize,
    /// One saved note until the server acknowledged it, each time.
    push_one_ms: Vec<f64>,
    /// The second device's first pull, on the page's clock (see [`Phase`]).
    phases: Vec<Phase>,
}

/// Waits until `status` says Synced (or stopped, an error).
async fn synced(status: &std::rc::Rc<std::cell::RefCell<SyncStatus>>) -> Result<(), JsValue> {
    loop {
        match &*status.borrow() {
            SyncStatus::Synced => return Ok(()),
            SyncStatus::Stopped { reason, .. } => return Err(err(reason)),
            _ => {}
        }
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
}

/// Sync through `server` (a path on this origin whose database exists):
/// the seeded vault's first push, a second device's first pull, and single
/// saves reaching the server.
#[wasm_bindgen]
pub async fn bench_sync(
    passphrase: String,
    server: String,
    user: String,
    password: String,
    client_id: String,
    saves: u32,
) -> Result<JsValue, JsValue> {
    use std::cell::RefCell;
    use std::rc::Rc;

    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let p = Passphrase::for_unlock(passphrase.clone());
    let door = VaultDoor::open().await.map_err(err)?;
    let vault = opened(
        door.unlock(&p, js_sys::Date::now() as i64)
            .await
            .map_err(err)?,
    )
    .await?;
    vault
        .start_sync(
            &server,
            &origin,
            &user,
            Some(&password),
            js_sys::Date::now() as i64,
        )
        .await
        .map_err(err)?;
    let status_a = Rc::new(RefCell::new(SyncStatus::Off));
    let started = now();
    let engine_a = {
        let status = status_a.clone();
        SyncEngine::start(vault.clone(), move |s| *status.borrow_mut() = s, || {})
    };
    synced(&status_a).await?;
    let first_push_ms = now() - started;

    // The second device, in a database of its own.
    let name = "psynotes-bench-join";
    let _ = rexie::Rexie::delete(name).await;
    let second = VaultDoor::open_named(name).await.map_err(err)?;
    let request = JoinRequest {
        address: &server,
        origin: &origin,
        user: &user,
        password: &password,
    };
    let started = now();
    let joined = opened(
        second
            .join(&request, &p, js_sys::Date::now() as i64)
            .await
            .map_err(err)?,
    )
    .await?;
    let status_b = Rc::new(RefCell::new(SyncStatus::Off));
    let engine_b = {
        let status = status_b.clone();
        SyncEngine::start(joined.clone(), move |s| *status.borrow_mut() = s, || {})
    };
    synced(&status_b).await?;
    let first_pull_ms = now() - started;
    let phases = vec![Phase {
        name: "sync_pull",
        start: started,
        end: started + first_pull_ms,
    }];
    let pulled_records = joined.progress_notes().await.map_err(err)?.len()
        + joined.clients().await.map_err(err)?.len();
    engine_b.stop();
    joined.close();
    second.close();
    let _ = rexie::Rexie::delete(name).await;

    // Single saves on the first device, each until the server has it.
    let client = vault.client(&client_id).await.map_err(err)?;
    let note_id = vault
        .progress_notes_of(&client_id)
        .await
        .map_err(err)?
        .into_iter()
        .filter_map(Loaded::ok)
        .find(|n| !n.value.is_signed())
        .map(|n| n.id)
        .ok_or_else(|| err("no draft note to edit"))?;
    let now_ms = js_sys::Date::now() as i64;
    let OpenedNote::Draft(handle) = vault
        .open_progress_note(&client, &note_id, Template::Soap, Timestamp(now_ms), now_ms)
        .await
        .map_err(err)?
    else {
        return Err(err("the note to edit is signed"));
    };
    let mut draft = handle.start();
    let mut push_one_ms = Vec::with_capacity(saves as usize);
    for i in 0..saves {
        draft.set_section("plan", format!("sync edit {i}"));
        let started = now();
        handle
            .save(&draft, js_sys::Date::now() as i64)
            .await
            .map_err(err)?;
        loop {
            gloo::timers::future::TimeoutFuture::new(5).await;
            if vault.sync_waiting().await.map_err(err)? == 0 {
                break;
            }
        }
        push_one_ms.push(now() - started);
    }
    engine_a.stop();
    vault.close();
    json(&SyncTimings {
        first_push_ms,
        first_pull_ms,
        pulled_records,
        push_one_ms,
        phases,
    })
}
