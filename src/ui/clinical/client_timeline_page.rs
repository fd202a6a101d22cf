//! The progress-notes tab of a client's record: the summary and the timeline.
//! Psychotherapy notes are only linked from the record's tabs, never listed here.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::{Client, ClientNoteIndex, GoalStatus, NoteSummary, Template};
use crate::ui::session_context::{use_session, Session};
use crate::vault::VaultError;

use super::client_context::use_client_record;
use super::common::{format_date, shown_name, BACKGROUND_CHECK_DELAY_MS};
use super::timeline::Timeline;

/// What the timeline shows: the note index, and notes never committed.
#[derive(Clone)]
struct Notes {
    index: ClientNoteIndex,
    /// Unsaved buffers of notes never committed (so not in `index`).
    new_drafts: Vec<NoteSummary>,
}

async fn load_notes(session: Session, id: String) -> Result<Notes, VaultError> {
    let vault = session.vault();
    let (index, drafts) =
        futures::join!(vault.client_note_index(&id), vault.unsaved_new_notes(&id));
    let index = index?;
    // A broken buffer is not worth failing the page over; the note itself is safe.
    let new_drafts = drafts
        .unwrap_or_default()
        .into_iter()
        .filter(|n| index.get(n.id.as_str()).is_none())
        .collect();
    Ok(Notes { index, new_drafts })
}

/// `/clients/:client`: summary and timeline.
#[component]
pub fn ClientTimelinePage() -> impl IntoView {
    let session = use_session();
    let Some(record) = use_client_record() else {
        return view! { <p class="alert" role="alert">{super::super::wording::client_gone()}</p> }
            .into_any();
    };
    let client_id = Memo::new(move |_| {
        record
            .client
            .with(|c| c.as_ref().map(|c| c.id.0.clone()).unwrap_or_default())
    });
    let notes = LocalResource::new(move || {
        // Read again when sync brings notes from another device.
        session.received.track();
        load_notes(session, client_id.get())
    });
    // After the timeline shows: read this client's notes once, to mark any that
    // do not open and to correct a summary that disagrees with its note.
    let damaged = RwSignal::new(Vec::<String>::new());
    let checked = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if !notes.with(|r| matches!(r, Some(Ok(_)))) {
            return;
        }
        let id = client_id.get_untracked();
        if checked.get_value().as_deref() == Some(id.as_str()) {
            return;
        }
        checked.set_value(Some(id.clone()));
        // Another client's findings must not show here. (Only when there are
        // some: setting the signal redraws the whole timeline.)
        if !damaged.with_untracked(Vec::is_empty) {
            damaged.set(Vec::new());
        }
        let vault = session.vault();
        leptos::task::spawn_local(async move {
            // After the therapist has the timeline: this is a safety net, and
            // decrypting the notes must not hold up the first interaction.
            gloo::timers::future::TimeoutFuture::new(BACKGROUND_CHECK_DELAY_MS).await;
            if let Ok(check) = vault.check_client_notes(&id).await {
                // The page may have moved to another client, or be gone (then
                // the signals are disposed and these calls do nothing).
                if client_id.try_get_untracked().as_deref() != Some(id.as_str()) {
                    return;
                }
                let _ = damaged.try_set(check.damaged);
                if check.corrected {
                    notes.refetch();
                }
            }
        });
    });
    (move || {
        let Some(client) = record.client.get() else {
            return view! { <p class="status" role="status">"Opening the client…"</p> }.into_any();
        };
        match notes.get() {
            None => view! { <p class="status" role="status">"Opening the client…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <h1>{shown_name(&client, false)}</h1>
                <p class="alert" role="alert">{e.to_string()}</p>
            }
            .into_any(),
            Some(Ok(notes)) => {
                view! { <ClientRecordView client=client notes=notes damaged=damaged.into() /> }
                    .into_any()
            }
        }
    })
    .into_any()
}

#[component]
fn ClientRecordView(client: Client, notes: Notes, damaged: Signal<Vec<String>>) -> impl IntoView {
    let id = client.id.0.clone();
    let span = notes.index.session_span();
    let discharged = crate::domain::course_of_care::from_record::discharged_on(notes.index.notes());
    let name = shown_name(&client, false);

    view! {
        <div class="page-head">
            <h1>{name}</h1>
            {(!use_session().is_custodian()).then(|| view! {
                <A href=format!("/clients/{id}/edit") attr:class="button secondary">"Edit client"</A>
            })}
        </div>
        <ClientSummary client=client.clone() span=span discharged=discharged />
        {(!use_session().is_custodian()).then(|| view! { <NewProgressNote client_id=id.clone() /> })}
        <Timeline
            client_id=id
            notes=notes.index.notes().to_vec()
            new_drafts=notes.new_drafts
            damaged=damaged
        />
    }
}

/// The client's identity, diagnoses, goals and session span.
#[component]
pub fn ClientSummary(
    client: Client,
    span: Option<(crate::domain::Date, crate::domain::Date)>,
    /// The discharge date, when the latest signed discharge summary ended
    /// treatment (see `from_record::discharged_on`).
    discharged: Option<crate::domain::Date>,
) -> impl IntoView {
    let years = use_session().settings.with_untracked(|s| s.retention_years);
    let discharge = discharged.map(|on| {
        let until = on
            .add_years(years)
            .map_or_else(String::new, |d| format!(" Keep the record until at least {d} ({years} years, set in Settings; state law decides)."));
        format!("Discharged on {on}.{until}")
    });
    let primary = client
        .primary_diagnosis()
        .map(|d| format!("{} {}", d.code, d.description).trim().to_owned());
    let other_diagnoses: Vec<String> = client
        .diagnoses
        .iter()
        .filter(|d| !d.primary)
        .map(|d| format!("{} {}", d.code, d.description).trim().to_owned())
        .collect();
    let goals = client.goals.clone();
    let (first, last) = match span {
        Some((first, last)) => (format_date(Some(first)), format_date(Some(last))),
        None => ("—".to_owned(), "—".to_owned()),
    };
    view! {
        <section class="card summary" aria-label="Client summary">
            <dl class="facts">
                <div><dt>"Name"</dt><dd>{non_empty(&client.name)}</dd></div>
                <div><dt>"Code"</dt><dd>{non_empty(client.code.as_deref().unwrap_or(""))}</dd></div>
                <div><dt>"Date of birth"</dt><dd>{format_date(client.date_of_birth)}</dd></div>
                <div><dt>"Pronouns"</dt><dd>{non_empty(&client.pronouns)}</dd></div>
                <div><dt>"Primary diagnosis"</dt><dd>{primary.unwrap_or_else(|| "—".to_owned())}</dd></div>
                <div><dt>"First session"</dt><dd>{first}</dd></div>
                <div><dt>"Last session"</dt><dd>{last}</dd></div>
                {client.archived.then(|| view! { <div><dt>"Status"</dt><dd><span class="badge">"Archived"</span></dd></div> })}
            </dl>
            {discharge.map(|d| view! { <p class="notice discharged">{d}</p> })}
            {(!other_diagnoses.is_empty()).then(|| view! {
                <h2>"Other diagnoses"</h2>
                <ul class="plain-list">{other_diagnoses.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            })}
            <h2>"Treatment goals"</h2>
            {if goals.is_empty() {
                view! { <p class="muted">"No goals yet. Add them with Edit client."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {goals.into_iter().map(|g| {
                            let status = match g.status {
                                GoalStatus::Active => "Active",
                                GoalStatus::Met => "Met",
                                GoalStatus::Discontinued => "Discontinued",
                            };
                            let target = g.target_date.map(|d| format!("target {d}"));
                            view! {
                                <li>
                                    <span>{g.text}</span>" "
                                    <span class="badge">{status}</span>" "
                                    <span class="muted">{target}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn non_empty(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

/// The template choice and the "New progress note" button. The note gets a
/// fresh id and is written only once something is typed or saved.
#[component]
fn NewProgressNote(client_id: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    // A built-in template's name, or "custom:<id>" (see `template_choice`).
    let choice = RwSignal::new(Template::Soap.name().to_owned());
    let error = RwSignal::new(None::<String>);
    let custom = LocalResource::new(move || {
        let vault = session.vault();
        async move {
            vault
                .template_library()
                .await
                .map(|library| {
                    library
                        .latest()
                        .into_iter()
                        .map(|t| (t.id.clone(), t.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    });
    let start = move |_| match session.vault().new_record_id() {
        Ok(note_id) => navigate(
            &format!(
                "/clients/{client_id}/notes/{note_id}?template={}",
                js_sys::encode_uri_component(&choice.get_untracked())
            ),
            Default::default(),
        ),
        Err(e) => error.set(Some(e.to_string())),
    };
    view! {
        <div class="new-note">
            <div class="new-note__template">
                <label for="new-note-template">"Template"</label>
                <select
                    id="new-note-template"
                    on:change:target=move |ev| choice.set(ev.target().value())
                >
                    {Template::ALL.into_iter().map(|t| view! {
                        <option value=t.name() selected=move || choice.with(|c| c == t.name())>{t.name()}</option>
                    }).collect_view()}
                    {move || custom.get().unwrap_or_default().into_iter().map(|(id, name)| {
                        let value = super::template_choice::custom_value(&id);
                        let selected = value.clone();
                        view! {
                            <option value=value selected=move || choice.with(|c| *c == selected)>{name}</option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <button type="button" on:click=start>"New progress note"</button>
        </div>
        {move || error.get().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
    }
}
