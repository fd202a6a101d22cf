//! Settings: the clinician profile, lock timers, passphrase, recovery key,
//! custodian key, storage and the audit log.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::crypto::Passphrase;
use crate::domain::Settings;
use crate::vault::capabilities;
use crate::vault::door::RecoveryKeyHandover;
use crate::vault::sealer::Loaded;
use crate::vault::storage::{estimate, is_persisted, request_persistence};

use super::browser_support::BrowserSupport;
use super::busy::{next_frame, Busy};
use super::clock::now_ms;
use super::custodian_key_settings::CustodianKeySettings;
use super::outcome::Outcome;
use super::session_context::use_session;
use super::sync_settings::SyncSettings;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    if use_session().is_custodian() {
        return view! {
            <h1>"Settings"</h1>
            <p>"Settings are the clinician's. A records custodian's session reads the record and answers requests; it changes nothing here."</p>
            <A href="/">"Back to clients"</A>
        }
        .into_any();
    }
    view! {
        <h1>"Settings"</h1>
        <ProfileAndTimers />
        <section class="card" aria-labelledby="templates-heading">
            <h2 id="templates-heading">"Note templates"</h2>
            <p class="field-hint">"Define your own progress-note templates, and share them with your other devices."</p>
            <A href="/settings/templates">"Templates"</A>
        </section>
        <ChangePassphrase />
        <NewRecoveryKey />
        <CustodianKeySettings />
        <SyncSettings />
        <StorageStatus />
        <BrowserSupport />
        <AuditLogList />
    }
    .into_any()
}

/// Clinician profile, timers and display choices.
#[component]
fn ProfileAndTimers() -> impl IntoView {
    let session = use_session();
    let current = session.settings.get_untracked();
    let name = RwSignal::new(current.clinician.name.clone());
    let credentials = RwSignal::new(current.clinician.credentials.clone());
    let idle = RwSignal::new(current.idle_lock_minutes.to_string());
    let grace = RwSignal::new(current.hidden_grace_seconds.to_string());
    let late = RwSignal::new(current.late_entry_hours.to_string());
    let backup_days = RwSignal::new(current.backup_reminder_days.to_string());
    let codes = RwSignal::new(current.show_client_codes);
    let record_check = RwSignal::new(current.record_check);
    let retention = RwSignal::new(current.retention_years.to_string());
    let save = Action::new_local(move |next: &Settings| {
        let next = next.clone();
        async move {
            let saved = session
                .vault()
                .save_settings(&next)
                .await
                .map_err(|e| e.to_string())?;
            idle.set(saved.idle_lock_minutes.to_string());
            grace.set(saved.hidden_grace_seconds.to_string());
            session.settings.set(saved);
            Ok::<String, String>("Saved".to_owned())
        }
    });
    let status = Signal::derive(move || save.value().get());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>, fallback: u32| {
            s.get_untracked().trim().parse().unwrap_or(fallback)
        };
        let mut next: Settings = session.settings.get_untracked();
        next.clinician.name = name.get_untracked().trim().to_owned();
        next.clinician.credentials = credentials.get_untracked().trim().to_owned();
        next.idle_lock_minutes = number(idle, next.idle_lock_minutes);
        next.hidden_grace_seconds = number(grace, next.hidden_grace_seconds);
        next.late_entry_hours = number(late, next.late_entry_hours);
        next.backup_reminder_days = number(backup_days, next.backup_reminder_days);
        next.show_client_codes = codes.get_untracked();
        next.record_check = record_check.get_untracked();
        next.retention_years = number(retention, next.retention_years);
        save.dispatch_local(next.clamped());
    };

    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Clinician and preferences"</h2>
            <form on:submit=submit>
                <div class="grid">
                    <div>
                        <label for="clinician-name">"Clinician name"</label>
                        <input id="clinician-name" autocomplete="name" bind:value=name />
                    </div>
                    <div>
                        <label for="clinician-credentials">"Credentials"</label>
                        <input id="clinician-credentials" placeholder="LCSW, PhD, LPC…" bind:value=credentials />
                    </div>
                </div>
                <p class="field-hint">"Signing a progress note needs both."</p>
                <div class="grid">
                    <div>
                        <label for="idle-minutes">"Lock after idle (minutes)"</label>
                        <input id="idle-minutes" type="number" min="1" max="60" inputmode="numeric" bind:value=idle />
                    </div>
                    <div>
                        <label for="grace-seconds">"Lock when hidden for (seconds)"</label>
                        <input id="grace-seconds" type="number" min="0" max="3600" inputmode="numeric" bind:value=grace />
                    </div>
                    <div>
                        <label for="late-hours">"Late entry after (hours)"</label>
                        <input id="late-hours" type="number" min="1" inputmode="numeric" bind:value=late />
                    </div>
                    <div>
                        <label for="backup-days">"Backup reminder after (days)"</label>
                        <input id="backup-days" type="number" min="1" inputmode="numeric" bind:value=backup_days />
                    </div>
                    <div>
                        <label for="retention-years">"Keep records after discharge (years)"</label>
                        <input id="retention-years" type="number" min="1" max="30" inputmode="numeric" bind:value=retention />
                    </div>
                </div>
                <label class="row">
                    <input type="checkbox" class="checkbox" bind:checked=codes />
                    <span>"Show client codes instead of names in lists"</span>
                </label>
                <label class="row">
                    <input type="checkbox" class="checkbox" bind:checked=record_check aria-describedby="record-check-hint" />
                    <span>"Record check beside the note editors"</span>
                </label>
                <p class="field-hint" id="record-check-hint">
                    "Points out sentences that HIPAA's definition of psychotherapy notes (45 CFR 164.501) places in the other kind of note. Advice only; it reads the screen and sends nothing."
                </p>
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>"Save settings"</button>
                    <Outcome status=status />
                </div>
            </form>
        </section>
    }
}

/// Re-wraps the master key under a new passphrase, after checking the current one.
#[component]
fn ChangePassphrase() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Result<String, String>>);
    let change = Action::new_local(move |(old, new): &(Passphrase, Passphrase)| {
        let (old, new) = (old.clone(), new.clone());
        async move {
            next_frame().await;
            let result = session
                .vault()
                .change_passphrase(&old, &new, now_ms())
                .await;
            current.set(String::new());
            match result {
                Ok(()) => {
                    passphrase.set(String::new());
                    confirm.set(String::new());
                    status.set(Some(Ok("Passphrase changed. Use the new one from now on; your recovery key is unchanged.".into())));
                }
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if change.pending().get_untracked() {
            return;
        }
        match Passphrase::new_confirmed(passphrase.get_untracked(), confirm.get_untracked()) {
            Ok(new) => {
                status.set(None);
                change.dispatch_local((Passphrase::for_unlock(current.get_untracked()), new));
            }
            Err(e) => status.set(Some(Err(e.to_string()))),
        }
    };
    view! {
        <section class="card" aria-labelledby="passphrase-heading">
            <h2 id="passphrase-heading">"Change passphrase"</h2>
            <form on:submit=submit>
                <label for="current-passphrase">"Current passphrase"</label>
                <input id="current-passphrase" type="password" autocomplete="current-password" required bind:value=current />
                <label for="change-passphrase">"New passphrase"</label>
                <input id="change-passphrase" type="password" autocomplete="new-password" required bind:value=passphrase />
                <label for="change-confirm">"Confirm new passphrase"</label>
                <input id="change-confirm" type="password" autocomplete="new-password" required bind:value=confirm />
                <div class="actions">
                    <button type="submit" disabled=move || change.pending().get()>"Change passphrase"</button>
                </div>
                <Busy when=change.pending() label="Changing passphrase…" />
                <Outcome status=status />
            </form>
        </section>
    }
}

/// Replaces the recovery key, after checking the passphrase; the old key
/// stops working at once. The new key is shown until confirmed.
#[component]
fn NewRecoveryKey() -> impl IntoView {
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let handover = StoredValue::new_local(None::<RecoveryKeyHandover>);
    let groups = RwSignal::new(None::<String>);
    let kept = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let make = Action::new_local(move |passphrase: &Passphrase| {
        let passphrase = passphrase.clone();
        async move {
            next_frame().await;
            typed.set(String::new());
            match session
                .vault()
                .replace_recovery_key(&passphrase, now_ms())
                .await
            {
                Ok(h) => {
                    groups.set(Some(h.key_groups()));
                    handover.set_value(Some(h));
                }
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        }
    });
    let confirm = Action::new_local(move |_: &()| async move {
        let Some(h) = handover.try_update_value(Option::take).flatten() else {
            return;
        };
        groups.set(None);
        kept.set(false);
        status.set(Some(match h.kept(now_ms()).await {
            Ok(_) => {
                Ok("New recovery key kept. The previous one no longer opens this vault.".into())
            }
            Err((_, e)) => Err(e.to_string()),
        }));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if make.pending().get_untracked() {
            return;
        }
        status.set(None);
        make.dispatch_local(Passphrase::for_unlock(typed.get_untracked()));
    };
    view! {
        <section class="card" aria-labelledby="recovery-heading">
            <h2 id="recovery-heading">"Recovery key"</h2>
            <p>"Lost your printed recovery key, or worried someone saw it? Make a new one. The old key stops working at once."</p>
            {move || match groups.get() {
                None => view! {
                    <form on:submit=submit>
                        <label for="recovery-passphrase">"Passphrase"</label>
                        <input id="recovery-passphrase" type="password" autocomplete="current-password" required bind:value=typed />
                        <div class="actions">
                            <button type="submit" disabled=move || make.pending().get()>"Make a new recovery key"</button>
                        </div>
                        <Busy when=make.pending() label="Making a new recovery key…" />
                    </form>
                }.into_any(),
                Some(groups) => view! {
                    <p class="recovery-key" aria-label="Recovery key">{groups}</p>
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| { let _ = window().print(); }>"Print recovery key"</button>
                    </div>
                    <label class="row">
                        <input type="checkbox" class="checkbox" bind:checked=kept />
                        <span>"I have written down or printed my recovery key"</span>
                    </label>
                    <div class="actions">
                        <button type="button" disabled=move || !kept.get() || confirm.pending().get() on:click=move |_| { confirm.dispatch_local(()); }>"Continue"</button>
                    </div>
                }.into_any(),
            }}
            <Outcome status=status />
        </section>
    }
}

/// Whether the browser may evict the data, and how much space is used.
#[component]
fn StorageStatus() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let state = LocalResource::new(move || {
        refresh.track();
        async move { (is_persisted().await, estimate().await) }
    });
    let ask = move |_| {
        let granted = request_persistence();
        leptos::task::spawn_local(async move {
            let _ = granted.await;
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <section class="card" aria-labelledby="storage-heading">
            <h2 id="storage-heading">"Storage on this device"</h2>
            {move || state.get().map(|(persisted, estimate)| {
                let usage = estimate.map(|e| format!(
                    "Using {} of {} available to Psynotes.",
                    megabytes(e.usage),
                    megabytes(e.quota)
                ));
                // WebKit has neither persist() nor estimate(): say so instead.
                let caps = capabilities::detect();
                let usage = usage.or((!caps.estimate).then(|| "This browser does not report how much space Psynotes uses.".to_owned()));
                view! {
                    {if persisted {
                        view! { <p class="status status--ok">"Storage is persistent: the browser will not clear it to free space."</p> }.into_any()
                    } else if !caps.persist {
                        view! { <p class="notice" role="status">"This browser does not say whether it will keep your notes, and cannot be asked to. Keep encrypted backups."</p> }.into_any()
                    } else {
                        view! {
                            <div class="notice" role="status">
                                <p>"Storage is not persistent: the browser may clear your notes if the device runs low on space. Keep encrypted backups, and install Psynotes as an app, which usually makes storage persistent."</p>
                                <button type="button" class="secondary" on:click=ask>"Ask to keep storage"</button>
                            </div>
                        }.into_any()
                    }}
                    <p>{usage}</p>
                }
            })}
        </section>
    }
}

fn megabytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
}

/// The audit log, newest first.
#[component]
fn AuditLogList() -> impl IntoView {
    let session = use_session();
    let log = LocalResource::new(move || async move { session.vault().audit_log().await });
    view! {
        <section class="card" aria-labelledby="audit-heading">
            <h2 id="audit-heading">"Audit log"</h2>
            <p class="field-hint">"Every unlock, lock, view, signature, export and backup, kept encrypted. It names records by id, never by content."</p>
            {move || log.get().map(|result| match result {
                Err(e) => view! { <p role="alert" class="alert">{e.to_string()}</p> }.into_any(),
                Ok(events) => view! {
                    <ul class="list" aria-label="Audit log entries">
                        {events.into_iter().take(500).map(|e| match e {
                            Loaded::Ok(s) => view! {
                                <li><span class="list__item">
                                    <span>{s.value.action.describe()}</span>
                                    <time class="muted">{format_time(s.value.at_ms)}</time>
                                </span></li>
                            }.into_any(),
                            Loaded::Damaged { .. } => view! {
                                <li><span class="list__item"><span class="badge badge--damaged">"Damaged entry"</span></span></li>
                            }.into_any(),
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </section>
    }
}

fn format_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
