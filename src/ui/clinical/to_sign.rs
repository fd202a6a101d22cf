//! "Notes to sign": every unsigned progress note, by client, linked from the
//! home screen's count. Archived clients' notes are listed (and counted) apart,
//! so a draft left on an archived record does not pass for today's work.
//!
//! Drawn from the note index, like the timeline: no note is decrypted.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{Client, NoteSummary};
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording;
use crate::vault::note_index::NoteOverview;
use crate::vault::sealer::{Loaded, Stored};
use crate::vault::VaultError;

use super::common::{format_minutes, prefer_codes, shown_name};

/// How many notes wait to be signed: for active clients, and for archived ones.
pub fn unsigned_counts(clients: &[Stored<Client>], overview: &NoteOverview) -> (u64, u64) {
    clients.iter().fold((0, 0), |(active, archived), c| {
        let unsigned = overview
            .of(c.value.id.as_str())
            .map_or(0, |t| u64::from(t.unsigned));
        if c.value.archived {
            (active, archived + unsigned)
        } else {
            (active + unsigned, archived)
        }
    })
}

/// One client's unsigned notes.
#[derive(Clone)]
struct Group {
    client: Client,
    notes: Vec<NoteSummary>,
}

async fn load(session: Session) -> Result<Vec<Group>, VaultError> {
    let vault = session.vault();
    let (clients, overview) = futures::join!(vault.clients(), vault.note_overview());
    let (clients, overview) = (clients?, overview?);
    let mut groups = Vec::new();
    for client in clients.into_iter().filter_map(Loaded::ok) {
        let waiting = overview
            .of(client.value.id.as_str())
            .is_some_and(|t| t.unsigned > 0);
        if !waiting {
            continue;
        }
        let index = vault.client_note_index(client.value.id.as_str()).await?;
        let mut notes: Vec<NoteSummary> = index
            .notes()
            .iter()
            .filter(|n| !n.signed)
            .cloned()
            .collect();
        // Oldest first: the note waiting longest is the one to sign first.
        notes.sort_by_key(|n| (n.date_of_service.is_none(), n.date_of_service, n.start));
        if !notes.is_empty() {
            groups.push(Group {
                client: client.value,
                notes,
            });
        }
    }
    Ok(groups)
}

/// The page.
#[component]
pub fn NotesToSignPage() -> impl IntoView {
    let session = use_session();
    let data = LocalResource::new(move || load(session));
    let prefer_code = prefer_codes();
    view! {
        <h1>"Notes to sign"</h1>
        {move || match data.get() {
            None => view! { <p class="status" role="status">"Loading the notes to sign…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(groups)) => {
                let (archived, active): (Vec<Group>, Vec<Group>) =
                    groups.into_iter().partition(|g| g.client.archived);
                let mut active = active;
                let mut archived = archived;
                for list in [&mut active, &mut archived] {
                    list.sort_by_key(|g| shown_name(&g.client, prefer_code).to_lowercase());
                }
                let total = |groups: &[Group]| groups.iter().map(|g| g.notes.len() as u64).sum::<u64>();
                let summary = if active.is_empty() && archived.is_empty() {
                    "Every progress note is signed.".to_owned()
                } else {
                    format!(
                        "{} for {}.",
                        wording::count(total(&active), "note to sign", "notes to sign"),
                        wording::count(active.len() as u64, "client", "clients"),
                    )
                };
                view! {
                    <p class="status" role="status">{summary}</p>
                    {active.into_iter().map(|g| view! { <ClientGroup group=g prefer_code=prefer_code level=2 /> }).collect_view()}
                    {(!archived.is_empty()).then(|| {
                        let count = wording::count(total(&archived), "note", "notes");
                        view! {
                            <section aria-labelledby="to-sign-archived">
                                <h2 id="to-sign-archived">"Archived clients"</h2>
                                <p class="field-hint">{format!("{count} of archived clients, not counted above.")}</p>
                                {archived.into_iter().map(|g| view! { <ClientGroup group=g prefer_code=prefer_code level=3 /> }).collect_view()}
                            </section>
                        }
                    })}
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn ClientGroup(group: Group, prefer_code: bool, level: u8) -> impl IntoView {
    let name = shown_name(&group.client, prefer_code);
    let client_id = group.client.id.0.clone();
    let heading_id = format!("to-sign-{client_id}");
    let href = format!("/clients/{client_id}");
    let heading = match level {
        2 => view! { <h2 id=heading_id.clone()><A href=href>{name}</A></h2> }.into_any(),
        _ => view! { <h3 id=heading_id.clone()><A href=href>{name}</A></h3> }.into_any(),
    };
    let rows = group
        .notes
        .into_iter()
        .map(|note| {
            let href = format!("/clients/{client_id}/notes/{}", note.id);
            let date = note
                .date_of_service
                .map_or_else(|| "No date yet".to_owned(), |d| d.to_string());
            let code = note
                .service_code
                .as_ref()
                .map_or_else(|| "no service code".to_owned(), |c| c.code().to_owned());
            let details = format!(
                "{} · {} · {}",
                note.template_name(),
                code,
                format_minutes(note.duration_minutes)
            );
            view! {
                <li>
                    <a href=href>
                        <span class="timeline__main">
                            <strong class="timeline__date">{date}</strong>
                            <span class="muted">{details}</span>
                        </span>
                        <span class="badge">"Draft"</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card to-sign-group" aria-labelledby=heading_id>
            {heading}
            <ul class="list">{rows}</ul>
        </section>
    }
}
