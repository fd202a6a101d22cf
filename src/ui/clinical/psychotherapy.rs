//! A client's psychotherapy notes: the clinician's private process notes, kept
//! apart from the record (45 CFR 164.501).
//!
//! The page looks different on purpose (`.private`), says what these notes are,
//! and is the only place they are listed or searched. Their text is written
//! straight to the psychotherapy store, under its own key, by the autosave and by
//! "Save": it never passes through the drafts store, the home search, the
//! timeline or an export.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{matches, Client, Date, PsychotherapyNote, PsychotherapyNoteId};
use crate::ui::private_text::private_text;
use crate::ui::session::{now_local, now_ms, use_session, Session};
use crate::vault::repository::{Loaded, Stored};
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::client_page::{RecordTab, RecordTabs};
use super::common::{format_date, format_timestamp, new_id, route_param, shown_name};
use super::search::{highlighted, passage, word_ranges};

/// What the banner says, word for word.
const BANNER: &str = "Psychotherapy notes are kept apart from the clinical record. They are never exported, printed with the record, or shown in search.";

type NoteList = Vec<Loaded<PsychotherapyNote>>;

/// The note open in the editor.
#[derive(Clone)]
struct OpenNote {
    note: PsychotherapyNote,
    rev: u64,
}

async fn load(session: Session, client_id: String) -> Result<(Client, NoteList), VaultError> {
    let vault = session.vault();
    let client = vault.client(&client_id).await?.value;
    let notes = vault.psychotherapy_notes_for(&client_id).await?;
    Ok((client, notes))
}

/// A client's psychotherapy notes.
#[component]
pub fn PsychotherapyPage() -> impl IntoView {
    let session = use_session();
    let client_id = route_param("client");
    let loaded = LocalResource::new(move || load(session, client_id.get()));
    move || {
        match loaded.get() {
        None => view! { <p class="status" role="status">"Opening psychotherapy notes…"</p> }.into_any(),
        Some(Err(VaultError::NotFound)) => view! {
            <h1>"Psychotherapy notes"</h1>
            <p class="alert" role="alert">"This client no longer exists. It may have been deleted in another tab."</p>
            <A href="/">"Back to clients"</A>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <h1>"Psychotherapy notes"</h1>
            <p class="alert" role="alert">{e.to_string()}</p>
            <A href="/">"Back to clients"</A>
        }
        .into_any(),
        Some(Ok((client, notes))) => view! { <PrivateNotes client=client notes=notes /> }.into_any(),
    }
    }
}

#[component]
fn PrivateNotes(client: Client, notes: NoteList) -> impl IntoView {
    let session = use_session();
    let client_id = client.id.clone();
    let notes = RwSignal::new(notes);
    let query = RwSignal::new(String::new());
    let open = RwSignal::new(None::<OpenNote>);
    let error = RwSignal::new(None::<String>);

    let new_note = {
        let client_id = client_id.clone();
        move |_| match new_id() {
            Ok(id) => {
                error.set(None);
                open.set(Some(OpenNote {
                    note: PsychotherapyNote::new(
                        PsychotherapyNoteId(id),
                        client_id.clone(),
                        now_local(),
                    ),
                    rev: 0,
                }));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let open_note = move |id: String| {
        if open.with_untracked(|o| o.as_ref().is_some_and(|o| o.note.id.0 == id)) {
            return;
        }
        error.set(None);
        leptos::task::spawn_local(async move {
            // The open note's pending edits go first, so the list and the next
            // editor see its latest revision.
            session.flush_all().await;
            match session.vault().open_psychotherapy_note(&id, now_ms()).await {
                Ok(stored) => {
                    open.try_set(Some(OpenNote {
                        note: stored.value,
                        rev: stored.rev,
                    }));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        });
    };

    let list = move || {
        let q = query.get();
        let q = q.trim();
        let current = open.with(|o| o.as_ref().map(|o| o.note.id.clone()));
        let items: Vec<AnyView> = notes.with(|notes| {
            notes
                .iter()
                .filter(|n| match n {
                    Loaded::Ok(s) => q.is_empty() || matches(&s.value.text, q),
                    Loaded::Damaged { .. } => q.is_empty(),
                })
                .map(|n| match n {
                    Loaded::Ok(s) => {
                        let note = &s.value;
                        let id = note.id.0.clone();
                        let is_open = current.as_ref() == Some(&note.id);
                        let date = note
                            .session_date
                            .map_or_else(|| "No session date".to_owned(), |d| format!("Session {}", format_date(Some(d))));
                        let edited = format!("edited {}", format_timestamp(note.updated_at));
                        let ranges = if q.is_empty() { Vec::new() } else { word_ranges(&note.text, q) };
                        let (text, ranges, cut_start, cut_end) = passage(&note.text, &ranges);
                        view! {
                            <li class="pn-item" class:pn-item--open=is_open>
                                <button type="button" class="pn-item__open" on:click=move |_| open_note(id.clone())>
                                    <span class="pn-item__date">{date}</span>
                                    <span class="muted">{edited}</span>
                                </button>
                                // Text shows only for a search the clinician typed in this
                                // tab; otherwise a note is read by opening it, which is audited.
                                {(!ranges.is_empty()).then(|| view! {
                                    <p class="pn-item__text text">
                                        {cut_start.then_some("…")}
                                        {highlighted(&text, &ranges)}
                                        {cut_end.then_some("…")}
                                    </p>
                                })}
                            </li>
                        }
                        .into_any()
                    }
                    Loaded::Damaged { .. } => view! {
                        <li class="pn-item">
                            <span class="badge badge--damaged">"Damaged record"</span>
                            <span class="muted">" This note cannot be opened. Restore it from a backup."</span>
                        </li>
                    }
                    .into_any(),
                })
                .collect()
        });
        if items.is_empty() {
            let message = if q.is_empty() {
                "No psychotherapy notes for this client yet."
            } else {
                "No psychotherapy notes match."
            };
            view! { <p class="empty">{message}</p> }.into_any()
        } else {
            view! { <ul class="list pn-list" aria-label="Psychotherapy notes, newest first">{items}</ul> }.into_any()
        }
    };

    let heading = format!("Psychotherapy notes: {}", shown_name(&client, false));
    view! {
        <div class="page-head">
            <h1>{heading}</h1>
        </div>
        <RecordTabs client_id=client_id.0.clone() current=RecordTab::Psychotherapy />
        <div class="private card">
            <p class="private__banner" role="note">{BANNER}</p>
            <div class="two-col">
                <div class="pn-side">
                    <div class="actions">
                        <button type="button" on:click=new_note>"New psychotherapy note"</button>
                    </div>
                    <label for="pn-search">"Search psychotherapy notes"</label>
                    <input id="pn-search" type="search" use:private_text bind:value=query />
                    {move || error.get().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
                    {list}
                </div>
                <div class="pn-main">
                    {move || match open.get() {
                        None => view! { <p class="muted">"Open a note from the list, or start a new one."</p> }.into_any(),
                        Some(o) => view! { <PrivateNoteEditor open=o notes=notes on_closed=move || open.set(None) /> }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}

/// Puts a saved note into the list, newest first.
fn upsert(notes: RwSignal<NoteList>, note: PsychotherapyNote, rev: u64) {
    notes.try_update(|notes| {
        notes.retain(|n| !matches!(n, Loaded::Ok(s) if s.id == note.id.0));
        notes.push(Loaded::Ok(Stored {
            id: note.id.0.clone(),
            rev,
            value: note,
        }));
        notes.sort_by_key(|n| match n {
            Loaded::Ok(s) => std::cmp::Reverse(s.value.updated_at.0),
            Loaded::Damaged { .. } => std::cmp::Reverse(i64::MIN),
        });
    });
}

#[component]
fn PrivateNoteEditor(
    open: OpenNote,
    notes: RwSignal<NoteList>,
    on_closed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let vault = session.vault();
    let OpenNote { note, rev } = open;
    let is_new = rev == 0;
    let rev = Rc::new(Cell::new(rev));
    let base = StoredValue::new(note.clone());
    let text = RwSignal::new(note.text.clone());
    let date = RwSignal::new(note.session_date.map(|d| d.to_string()).unwrap_or_default());
    let confirming = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);

    // Builds the note as the form shows it. Synchronous, for the autosave.
    let snapshot = move || -> Option<PsychotherapyNote> {
        let mut note = base.try_get_value()?;
        note.text = text.try_get_untracked()?;
        note.session_date = Date::parse(date.try_get_untracked()?.trim()).ok();
        note.updated_at = now_local();
        Some(note)
    };

    let writer: Writer = {
        let rev = rev.clone();
        let vault = vault.clone();
        Rc::new(move || -> SaveFuture {
            let Some(note) = snapshot() else {
                return Box::pin(async { Ok(()) });
            };
            let rev = rev.clone();
            let vault = vault.clone();
            Box::pin(async move {
                let new_rev = vault
                    .save_psychotherapy_note(&note, rev.get(), now_ms())
                    .await
                    .map_err(|e| e.to_string())?;
                rev.set(new_rev);
                upsert(notes, note, new_rev);
                Ok(())
            })
        })
    };
    let autosave = Autosave::new(writer.clone());
    let writer = StoredValue::new_local(writer);

    let save = move |_| {
        let writer = writer.get_value();
        leptos::task::spawn_local(async move {
            let _ = autosave.run(move || writer()).await;
        });
    };

    let rev_handle = StoredValue::new_local(rev);
    let vault_handle = StoredValue::new_local(vault);
    let delete = move |_| {
        let rev = rev_handle.get_value();
        let vault = vault_handle.get_value();
        let id = base.with_value(|n| n.id.0.clone());
        delete_error.set(None);
        leptos::task::spawn_local(async move {
            let removed_id = id.clone();
            let result = autosave
                .run(move || -> SaveFuture {
                    Box::pin(async move {
                        if rev.get() > 0 {
                            vault
                                .delete_psychotherapy_note(&id, rev.get(), now_ms())
                                .await
                                .map_err(|e| e.to_string())?;
                        }
                        Ok(())
                    })
                })
                .await;
            match result {
                Ok(()) => {
                    autosave.discard();
                    notes.try_update(|notes| {
                        notes.retain(|n| !matches!(n, Loaded::Ok(s) if s.id == removed_id))
                    });
                    on_closed();
                }
                Err(e) => {
                    delete_error.try_set(Some(format!("The note was not deleted. {e}")));
                }
            }
        });
    };

    let focus = NodeRef::<leptos::html::Textarea>::new();
    if is_new {
        Effect::new(move |_| {
            if let Some(el) = focus.get() {
                let _ = el.focus();
            }
        });
    }

    view! {
        <form
            class="pn-editor"
            novalidate
            on:submit=move |ev| ev.prevent_default()
            on:focusout=move |_| autosave.flush_soon()
        >
            <div class="page-head">
                <h2>{if is_new { "New psychotherapy note" } else { "Psychotherapy note" }}</h2>
                <SaveIndicator autosave=autosave />
            </div>
            <label for="pn-date">"Session date"</label>
            <input
                id="pn-date"
                type="date"
                value=date.get_untracked()
                on:input:target=move |ev| {
                    date.set(ev.target().value());
                    autosave.touch();
                }
            />
            <label for="pn-text">"Psychotherapy note"</label>
            <textarea
                id="pn-text"
                rows="14"
                node_ref=focus
                aria-describedby="pn-text-hint"
                use:private_text
                prop:value=move || text.get()
                on:input:target=move |ev| {
                    text.set(ev.target().value());
                    autosave.touch();
                }
            ></textarea>
            <p class="field-hint" id="pn-text-hint">
                "Your impressions and hypotheses. Session times, diagnoses, test results, medication and treatment plans belong in the progress note."
            </p>
            <div class="actions">
                <button type="button" on:click=save>"Save"</button>
                <button type="button" class="secondary" on:click=move |_| on_closed()>"Close"</button>
                <button type="button" class="danger" on:click=move |_| confirming.set(true)>"Delete"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" role="group" aria-labelledby="pn-delete-heading">
                    <h3 id="pn-delete-heading">"Delete this psychotherapy note permanently?"</h3>
                    <p>"This cannot be undone. The deletion is written to the audit log."</p>
                    <div class="actions">
                        <button type="button" class="danger" on:click=delete>"Delete permanently"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep note"</button>
                    </div>
                </div>
            </Show>
            {move || delete_error.get().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
        </form>
    }
}
