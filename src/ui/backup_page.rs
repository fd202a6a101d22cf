//! Backup and export: the encrypted backup, merging a backup back in, and
//! exporting progress notes (never psychotherapy notes) as JSON or for print.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::domain::{Client, ClientId, Date};
use crate::export::{DateRange, ExportFormat, ExportOptions, ExportRequest, ExportScope};
use crate::vault::sealer::Loaded;

use super::busy::{next_frame, Busy};
use super::clock::{now_ms, today};
use super::download::{download, read_chosen_file};
use super::export_files::export_file;
use super::outcome::Outcome;
use super::session_context::use_session;
use super::wording;

/// `/records`: backup and export.
#[component]
pub fn BackupPage() -> impl IntoView {
    // A records custodian exports; backing up and merging need the master
    // key, which is the clinician's.
    if use_session().is_custodian() {
        return view! {
            <h1>"Export"</h1>
            <ExportSection />
        }
        .into_any();
    }
    view! {
        <h1>"Backup and export"</h1>
        <BackupSection />
        <ExportSection />
        <MergeSection />
    }
    .into_any()
}

/// "Last backup: N days ago", with a warning past the reminder threshold.
#[component]
pub fn BackupReminder(
    /// Leaves out the link to the Backup page (for that page itself).
    #[prop(optional)]
    without_link: bool,
) -> impl IntoView {
    let session = use_session();
    let last = LocalResource::new(move || {
        session.backups_made.track();
        async move { session.vault().last_backup_ms().await }
    });
    move || {
        let threshold = session.settings.with(|s| s.backup_reminder_days);
        last.get().map(|result| {
            let (text, overdue) = match result {
                Ok(Some(ms)) => {
                    let days = ((now_ms() - ms).max(0) / 86_400_000) as u32;
                    let words = match days {
                        0 => "Last backup: today.".to_owned(),
                        n => format!("Last backup: {} ago.", wording::count(n, "day", "days")),
                    };
                    (words, days >= threshold)
                }
                Ok(None) => ("No backup yet.".to_owned(), true),
                Err(e) => (e.to_string(), true),
            };
            view! {
                <p class=if overdue { "notice" } else { "status" } role="status">
                    {text}
                    {overdue.then_some(" Back up now: a lost or reset tablet takes its notes with it.")}
                    {(!without_link).then(|| view! { " " <a href="/records">"Backup and export"</a> })}
                </p>
            }
        })
    }
}

#[component]
fn BackupSection() -> impl IntoView {
    let session = use_session();
    let backup = Action::new_local(move |_: &()| async move {
        next_frame().await;
        let vault = session.vault();
        let file = vault
            .create_backup(now_ms(), &today().to_string())
            .await
            .map_err(|e| e.to_string())?;
        download(&file.bytes, &file.file_name, "application/octet-stream")?;
        // Only once the download started: the reminder never claims a backup
        // that was not written.
        let _ = vault.mark_backed_up(now_ms()).await;
        session.backups_made.update(|n| *n += 1);
        Ok::<String, String>(format!(
            "Saved {} ({}, {} kB). Keep it somewhere other than this device.",
            file.file_name,
            wording::count(file.records as u64, "record", "records"),
            file.bytes.len().div_ceil(1024)
        ))
    });
    let status = Signal::derive(move || backup.value().get());
    view! {
        <section class="card" aria-labelledby="backup-heading">
            <h2 id="backup-heading">"Encrypted backup"</h2>
            <BackupReminder without_link=true />
            <p>
                "One file with every client and note, still encrypted. Psychotherapy notes travel in it encrypted too, and can only be read by restoring into Psynotes with your passphrase or recovery key."
            </p>
            <div class="actions">
                <button type="button" on:click=move |_| { backup.dispatch_local(()); } disabled=move || backup.pending().get()>"Download encrypted backup"</button>
            </div>
            <Busy when=backup.pending() label="Preparing the backup…" />
            <Outcome status=status />
        </section>
    }
}

#[component]
fn MergeSection() -> impl IntoView {
    let session = use_session();
    let file_input = NodeRef::<html::Input>::new();
    let confirmed = RwSignal::new(false);
    let merge = Action::new_local(move |_: &()| async move {
        let input = file_input
            .get_untracked()
            .ok_or_else(wording::choose_backup_file)?;
        let bytes = read_chosen_file(&input)
            .await
            .ok_or_else(wording::choose_backup_file)?;
        next_frame().await;
        let report = session
            .vault()
            .merge_backup(&bytes, now_ms())
            .await
            .map_err(|e| e.to_string())?;
        confirmed.set(false);
        let damaged = if report.damaged > 0 {
            format!(
                " {} in the backup could not be opened and {} left out.",
                wording::count(report.damaged, "version", "versions"),
                if report.damaged == 1 { "was" } else { "were" },
            )
        } else {
            String::new()
        };
        Ok::<String, String>(format!(
            "Restored: {} added, {} updated to a newer version, {} already up to date, {} changed on both sides (both versions kept: choose under Conflicts).{damaged}",
            report.added, report.updated, report.kept, report.conflicts,
        ))
    });
    let status = Signal::derive(move || merge.value().get());
    view! {
        <section class="card" aria-labelledby="merge-heading">
            <h2 id="merge-heading">"Restore from a backup of this vault"</h2>
            <p>
                "Brings back records from a backup of this same vault. Nothing here is deleted. Records missing here are added; a newer version in the backup replaces the older one here; a record changed differently on both sides keeps both versions, for you to choose between under Conflicts; a signed note is never replaced by a draft. Settings and unsaved drafts on this device are left alone."
            </p>
            <label for="merge-file">"Backup file"</label>
            <input id="merge-file" type="file" accept=".psybak,application/octet-stream" node_ref=file_input />
            <label class="row">
                <input type="checkbox" class="checkbox" bind:checked=confirmed />
                <span>"Merge this backup into the open vault"</span>
            </label>
            <div class="actions">
                <button type="button" on:click=move |_| { merge.dispatch_local(()); } disabled=move || merge.pending().get() || !confirmed.get()>
                    "Restore from backup"
                </button>
            </div>
            <Busy when=merge.pending() label="Restoring…" />
            <Outcome status=status />
        </section>
    }
}

#[component]
fn ExportSection() -> impl IntoView {
    let session = use_session();
    let clients = LocalResource::new(move || async move { session.vault().clients().await });
    let scope = RwSignal::new(String::from("practice"));
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let drafts = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let navigate = use_navigate();

    let request = move |format: ExportFormat| -> Result<ExportRequest, String> {
        let date = |s: String| -> Result<Option<Date>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Date::parse(s.trim()).map(Some).map_err(|e| e.to_string())
            }
        };
        let range = DateRange {
            from: date(from.get_untracked())?,
            to: date(to.get_untracked())?,
        };
        if range.is_reversed() {
            return Err("The start date is after the end date.".into());
        }
        let scope = match scope.get_untracked().as_str() {
            "practice" => ExportScope::Practice,
            id => ExportScope::Client {
                client_id: ClientId(id.to_owned()),
            },
        };
        Ok(ExportRequest {
            format,
            scope,
            options: ExportOptions {
                range,
                include_drafts: drafts.get_untracked(),
            },
        })
    };

    let export = Action::new_local(move |request: &ExportRequest| {
        let request = request.clone();
        async move { export_file(session, request).await.map(|file| file.message) }
    });
    Effect::new(move |_| {
        if let Some(outcome) = export.value().get() {
            status.set(Some(outcome));
        }
    });
    let export_as = move |format: ExportFormat| match request(format) {
        Ok(r) => {
            status.set(None);
            export.dispatch_local(r);
        }
        Err(e) => status.set(Some(Err(e))),
    };
    let print = move |_| {
        let request = match request(ExportFormat::Print) {
            Ok(r) => r,
            Err(e) => return status.set(Some(Err(e))),
        };
        session.print_request.set(Some(request));
        session.print_back.set("/records".to_owned());
        navigate("/print", Default::default());
    };

    view! {
        <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export progress notes"</h2>
            <p>
                "To share with another provider with the client's consent, or to move the practice to another system. For a client's request to see their record, use the Requests tab of their record instead: it makes the same copy and records the disclosure. Psychotherapy notes are never included."
            </p>
            <label for="export-scope">"Whose notes"</label>
            <select id="export-scope" bind:value=scope>
                <option value="practice">"All clients"</option>
                {move || clients.get().and_then(Result::ok).map(|list| {
                    let mut list: Vec<Client> = list.into_iter().filter_map(Loaded::ok).map(|c| c.value).collect();
                    list.sort_by_key(|c| c.name.to_lowercase());
                    list.into_iter().map(|c| view! { <option value=c.id.0.clone()>{c.name.clone()}</option> }).collect_view()
                })}
            </select>
            <div class="grid">
                <div>
                    <label for="export-from">"From date"</label>
                    <input id="export-from" type="date" bind:value=from />
                </div>
                <div>
                    <label for="export-to">"To date"</label>
                    <input id="export-to" type="date" bind:value=to />
                </div>
            </div>
            <label class="row">
                <input type="checkbox" class="checkbox" bind:checked=drafts />
                <span>"Include unsigned drafts (marked DRAFT)"</span>
            </label>
            <div class="actions">
                <button type="button" on:click=move |_| export_as(ExportFormat::Json) disabled=move || export.pending().get()>"Export progress notes"</button>
                <button type="button" class="secondary" on:click=move |_| export_as(ExportFormat::Fhir) disabled=move || export.pending().get()>"Export FHIR"</button>
                <button type="button" class="secondary" on:click=print>"Print view"</button>
            </div>
            <Outcome status=status />
        </section>
    }
}
