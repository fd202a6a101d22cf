//! A client's psychotherapy notes: the clinician's private process notes, kept
//! apart from the record (45 CFR 164.501).
//!
//! The page looks different on purpose (`.private`), says what these notes are,
//! and is the only place they are listed or searched. Their text is written
//! straight to the psychotherapy store, under its own key, by the autosave and by
//! "Save": it never passes through the drafts store, the home search, the
//! timeline or an export.

use std::rc::Rc;

use leptos::prelude::*;

use crate::domain::record_check::{check, take_sentence, NoteKind, Span};
use crate::domain::{matches, Client, Date, PsychotherapyNote};
use crate::ui::clock::{now_local, now_ms};
use crate::ui::private_text::private_text;
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording;
use crate::vault::conflict::SaveError;
use crate::vault::editable_psychotherapy_note::EditablePsychotherapyNote;
use crate::vault::sealer::Loaded;
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::client_context::use_client_record;
use super::common::{format_date, format_timestamp, shown_name};
use super::conflict_panel::ConflictPanel;
use super::record_check_panel::{CheckedText, MoveRequest, RecordCheckPanel};
use super::search::{highlighted, passage, word_ranges};

/// What the banner says, word for word.
const BANNER: &str = "Psychotherapy notes are kept apart from the clinical record. They are never exported, printed with the record, or shown in search.";

/// A row of the list: a note, or one that cannot be opened.
#[derive(Clone)]
enum Listed {
    Note(PsychotherapyNote),
    Damaged,
}

type NoteList = Vec<Listed>;

async fn load(session: Session, client_id: String) -> Result<NoteList, VaultError> {
    let notes = session.vault().psychotherapy_notes_for(&client_id).await?;
    Ok(notes
        .into_iter()
        .map(|n| match n {
            Loaded::Ok(s) => Listed::Note(s.value),
            Loaded::Damaged { .. } => Listed::Damaged,
        })
        .collect())
}

/// A client's psychotherapy notes.
#[component]
pub fn PsychotherapyPage() -> impl IntoView {
    let session = use_session();
    let Some(record) = use_client_record() else {
        return view! { <p class="alert" role="alert">{wording::client_gone()}</p> }.into_any();
    };
    let client_id = Memo::new(move |_| {
        record
            .client
            .with(|c| c.as_ref().map(|c| c.id.0.clone()).unwrap_or_default())
    });
    let loaded = LocalResource::new(move || load(session, client_id.get()));
    (move || {
        let Some(client) = record.client.get() else {
            return view! { <p class="status" role="status">"Opening psychotherapy notes…"</p> }
                .into_any();
        };
        match loaded.get() {
            None => view! { <p class="status" role="status">"Opening psychotherapy notes…"</p> }
                .into_any(),
            Some(Err(e)) => view! {
                <h1>"Psychotherapy notes"</h1>
                <p class="alert" role="alert">{e.to_string()}</p>
            }
            .into_any(),
            Some(Ok(notes)) => view! { <PrivateNotes client=client notes=notes /> }.into_any(),
        }
    })
    .into_any()
}

#[component]
fn PrivateNotes(client: Client, notes: NoteList) -> impl IntoView {
    let session = use_session();
    let client_id = client.id.clone();
    let notes = RwSignal::new(notes);
    let query = RwSignal::new(String::new());
    let open = RwSignal::new_local(None::<EditablePsychotherapyNote>);
    let error = RwSignal::new(None::<String>);

    let new_note = {
        let client_id = client_id.clone();
        move |_| match session
            .vault()
            .new_psychotherapy_note(client_id.as_str(), now_local())
        {
            Ok(note) => {
                error.set(None);
                open.set(Some(note));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let open_note = {
        let client_id = client_id.clone();
        move |id: String| {
            if open.with_untracked(|o| o.as_ref().is_some_and(|o| o.id().0 == id)) {
                return;
            }
            error.set(None);
            let client_id = client_id.clone();
            leptos::task::spawn_local(async move {
                // The open note's pending edits go first, so the list and the
                // next editor see its latest version.
                session.flush_all().await;
                match session
                    .vault()
                    .open_psychotherapy_note(client_id.as_str(), &id, now_ms())
                    .await
                {
                    Ok(note) => {
                        open.try_set(Some(note));
                    }
                    Err(e) => {
                        error.try_set(Some(e.to_string()));
                    }
                }
            });
        }
    };

    let list = move || {
        let q = query.get();
        let q = q.trim();
        let current = open.with(|o| o.as_ref().map(EditablePsychotherapyNote::id));
        let items: Vec<AnyView> = notes.with(|notes| {
            notes
                .iter()
                .filter(|n| match n {
                    Listed::Note(note) => q.is_empty() || matches(&note.text, q),
                    Listed::Damaged => q.is_empty(),
                })
                .map(|n| match n {
                    Listed::Note(note) => {
                        let open_note = open_note.clone();
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
                    Listed::Damaged => view! {
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
                        Some(note) => view! { <PrivateNoteEditor note=note client=client.clone() notes=notes on_closed=move || open.set(None) /> }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}

/// Puts a saved note into the list, newest first.
fn upsert(notes: RwSignal<NoteList>, note: PsychotherapyNote) {
    notes.try_update(|notes| {
        notes.retain(|n| !matches!(n, Listed::Note(n) if n.id == note.id));
        notes.push(Listed::Note(note));
        notes.sort_by_key(|n| match n {
            Listed::Note(n) => std::cmp::Reverse(n.updated_at.0),
            Listed::Damaged => std::cmp::Reverse(i64::MIN),
        });
    });
}

#[component]
fn PrivateNoteEditor(
    note: EditablePsychotherapyNote,
    /// Whose note it is, for moving a sentence to their progress note.
    client: Client,
    notes: RwSignal<NoteList>,
    on_closed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let is_new = !note.is_saved();
    let saved = RwSignal::new(note.is_saved());
    let start = note.note();
    let text = RwSignal::new(start.text.clone());
    let date = RwSignal::new(
        start
            .session_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let dismissed = RwSignal::new(start.record_check_dismissed.clone());
    let confirming = RwSignal::new(false);
    let conflict = RwSignal::new(None::<crate::vault::conflict::Conflict<PsychotherapyNote>>);
    let handle = StoredValue::new_local(note);

    // Builds the note as the form shows it. Synchronous, for the autosave.
    let snapshot = move || -> Option<PsychotherapyNote> {
        let mut note = handle.try_get_value()?.note();
        note.text = text.try_get_untracked()?;
        let mut kept = dismissed.try_get_untracked()?;
        kept.prune(&check(&note.text, NoteKind::PsychotherapyNote));
        note.record_check_dismissed = kept;
        note.session_date = Date::parse(date.try_get_untracked()?.trim()).ok();
        note.updated_at = now_local();
        Some(note)
    };

    let writer: Writer = Rc::new(move || -> SaveFuture {
        let (Some(note), Some(handle)) = (snapshot(), handle.try_get_value()) else {
            return Box::pin(async { Ok(()) });
        };
        Box::pin(async move {
            match handle.save(&note, now_ms()).await {
                Ok(()) => {
                    saved.try_set(true);
                    upsert(notes, note);
                    Ok(())
                }
                Err(SaveError::Conflict(c)) => {
                    let message = SaveError::<PsychotherapyNote>::Conflict(c.clone()).to_string();
                    conflict.try_set(Some(*c));
                    Err(message)
                }
                Err(SaveError::Failed(e)) => Err(e.to_string()),
            }
        })
    });
    let autosave = Autosave::new(writer.clone());
    let writer = StoredValue::new_local(writer);

    let save = move |_| {
        let writer = writer.get_value();
        leptos::task::spawn_local(async move {
            let _ = autosave.run(move || writer()).await;
        });
    };

    // The record check's "Move to progress note": the progress note is
    // written first; the sentence leaves this note only once it is there.
    let session = use_session();
    let moved = RwSignal::new(None::<Result<String, String>>);
    let client = StoredValue::new(client);
    let move_sentence = Callback::new(move |request: MoveRequest| {
        let sentence = text.with_untracked(|t| request.sentence.of(t).trim().to_owned());
        if sentence.is_empty() {
            return;
        }
        let session_date = Date::parse(date.get_untracked().trim()).ok();
        moved.set(None);
        leptos::task::spawn_local(async move {
            let result = session
                .vault()
                .move_to_progress_note(
                    &client.get_value(),
                    session_date,
                    &sentence,
                    request.category,
                    now_local(),
                    now_ms(),
                )
                .await;
            match result {
                Ok(to) => {
                    // The text may have changed while the progress note was
                    // written: the sentence is looked for again.
                    let left = text.with_untracked(|t| {
                        let span = if request.sentence.of(t).trim() == sentence {
                            Some(request.sentence)
                        } else {
                            t.find(&sentence).map(|start| Span {
                                start,
                                end: start + sentence.len(),
                            })
                        };
                        span.map(|span| take_sentence(t, span).0)
                    });
                    let message = format!(
                        "Moved to the {} section of the progress note of {}{}.",
                        to.section,
                        format_date(session_date),
                        if to.started { ", started for it" } else { "" }
                    );
                    match left {
                        Some(left) => {
                            text.set(left);
                            moved.set(Some(Ok(message)));
                            let writer = writer.get_value();
                            let _ = autosave.run(move || writer()).await;
                        }
                        None => moved.set(Some(Ok(format!(
                            "{message} The sentence was edited meanwhile, so it is still here too."
                        )))),
                    }
                }
                Err(e) => moved.set(Some(Err(e.to_string()))),
            }
        });
    });
    let checked = Signal::derive(move || {
        vec![CheckedText {
            label: None,
            text: text.get(),
        }]
    });

    let delete = Action::new_local(move |_: &()| async move {
        let result = autosave
            .run(move || -> SaveFuture {
                let handle = handle.get_value();
                Box::pin(async move { handle.delete(now_ms()).await.map_err(|e| e.to_string()) })
            })
            .await;
        match result {
            Ok(()) => {
                autosave.discard();
                let removed = handle.get_value().id();
                notes.try_update(|notes| {
                    notes.retain(|n| !matches!(n, Listed::Note(n) if n.id == removed))
                });
                on_closed();
                Ok(())
            }
            Err(e) => Err(wording::not_done("The note was not deleted.", e)),
        }
    });

    let resolve = move |keep_mine: Option<bool>| {
        leptos::task::spawn_local(async move {
            let Some(c) = conflict.get_untracked() else {
                return;
            };
            let handle = handle.get_value();
            let result = match keep_mine {
                Some(true) => handle
                    .keep_mine(&c.mine, now_ms())
                    .await
                    .map(|()| upsert(notes, c.mine.clone())),
                Some(false) => handle.keep_theirs().await.map(|theirs| {
                    if let Some(theirs) = theirs {
                        text.set(theirs.text.clone());
                        date.set(
                            theirs
                                .session_date
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                        );
                        upsert(notes, theirs);
                    }
                }),
                None => handle.keep_both(&c.mine, now_ms()).await.map(|copy| {
                    upsert(notes, copy);
                    if let Some(theirs) = c.theirs.clone() {
                        text.set(theirs.text.clone());
                        upsert(notes, theirs);
                    }
                }),
            };
            match result {
                Ok(()) => {
                    conflict.set(None);
                    autosave.settled();
                }
                Err(e) => autosave
                    .status
                    .set(super::autosave::SaveStatus::Failed(e.to_string())),
            }
        });
    };
    let note_rows = |n: &PsychotherapyNote| {
        vec![
            ("Session date".to_owned(), format_date(n.session_date)),
            ("Psychotherapy note".to_owned(), n.text.clone()),
        ]
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
                <h2>{move || if saved.get() { "Psychotherapy note" } else { "New psychotherapy note" }}</h2>
                <SaveIndicator autosave=autosave />
            </div>
            {move || conflict.get().map(|c| view! {
                <ConflictPanel
                    mine=note_rows(&c.mine)
                    theirs=c.theirs.as_ref().map(note_rows)
                    clashes=c.clashes.clone()
                    on_keep_mine=Callback::new(move |()| resolve(Some(true)))
                    on_keep_theirs=Some(Callback::new(move |()| resolve(Some(false))))
                    on_keep_both=Some(Callback::new(move |()| resolve(None)))
                />
            })}
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
            <RecordCheckPanel
                kind=NoteKind::PsychotherapyNote
                texts=checked
                dismissed=dismissed
                on_change=Callback::new(move |()| autosave.touch())
                on_move=move_sentence
                moved=moved
            />
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
                        <button type="button" class="danger" disabled=move || delete.pending().get() on:click=move |_| { delete.dispatch_local(()); }>"Delete permanently"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep note"</button>
                    </div>
                </div>
            </Show>
            {move || delete.value().get().and_then(Result::err).map(|m| view! { <p class="alert" role="alert">{m}</p> })}
        </form>
    }
}
