//! The progress-note page: opens a note (audited), then shows the editor for a
//! draft or the read-only view of a signed note.
//!
//! A new note has revision 0: it exists only in this editor until something is
//! typed (the autosave seals it into the drafts store) or "Save" commits it.
//! Unsaved work found in the drafts store on opening is newer than the record,
//! so it is loaded and the person is told.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::domain::{
    Client, ClientId, ProgressNote, ProgressNoteDraft, ProgressNoteId, SignedProgressNote, Template,
};
use crate::ui::session::{now_local, now_ms, use_session};
use crate::vault::drafts::DraftBuffer;
use crate::vault::repository::{Loaded, Stored};
use crate::vault::session::Vault;
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::common::{format_date, route_param, shown_name};
use super::risk_fields::RiskFields;
use super::section_field::SectionFields;
use super::session_fields::{DiagnosesAddressed, GoalsAddressed, SessionFields};
use super::sign::SignPanel;
use super::signed_note::SignedNoteView;

/// The open draft and its autosave: what every part of the editor edits.
#[derive(Clone, Copy)]
pub struct NoteForm {
    pub draft: RwSignal<ProgressNoteDraft>,
    pub autosave: Autosave,
}

impl NoteForm {
    /// Changes the draft and schedules the autosave.
    pub fn edit(&self, change: impl FnOnce(&mut ProgressNoteDraft)) {
        self.draft.update(change);
        self.autosave.touch();
    }
}

/// Revisions the editor writes against. Shared with writes still running after
/// the editor closed, so kept outside the reactive system.
#[derive(Default)]
pub struct Revs {
    /// The note's revision in `progress_notes` (0: never committed).
    pub rev: Cell<u64>,
    /// The editor buffer's revision in `drafts` (0: none).
    pub draft_rev: Cell<u64>,
    /// What the next buffer records as the revision editing started from.
    pub base_rev: Cell<u64>,
}

/// A note ready to edit.
#[derive(Clone)]
struct DraftStart {
    client: Client,
    draft: ProgressNoteDraft,
    rev: u64,
    draft_rev: u64,
    /// A message about restored work: `Ok` informs, `Err` warns.
    notice: Option<Result<String, String>>,
    /// The client's most recent signed note, for "Copy from last note".
    previous: Option<SignedProgressNote>,
}

#[derive(Clone)]
enum Phase {
    Loading,
    Failed(String),
    Draft(Box<DraftStart>),
    Signed {
        client: Box<Client>,
        note: Box<SignedProgressNote>,
        rev: u64,
        just_signed: bool,
    },
}

/// One progress note.
#[component]
pub fn ProgressNotePage() -> impl IntoView {
    let client_id = route_param("client");
    let note_id = route_param("note");
    let query = use_query_map();
    // A new note id gets a new editor (the route alone does not remount it).
    move || {
        let template = query
            .with_untracked(|q| q.get("template"))
            .and_then(|t| Template::parse(&t).ok())
            .unwrap_or_default();
        view! { <NoteLoader client_id=client_id.get() note_id=note_id.get() template=template /> }
    }
}

#[component]
fn NoteLoader(client_id: String, note_id: String, template: Template) -> impl IntoView {
    let session = use_session();
    let phase = RwSignal::new(Phase::Loading);
    {
        let vault = session.vault();
        let client_id = client_id.clone();
        leptos::task::spawn_local(async move {
            let opened = open_note(vault, client_id, note_id, template).await;
            phase.try_set(opened);
        });
    }
    let back = format!("/clients/{client_id}");
    let on_signed = Callback::new(
        move |(client, note, rev): (Client, SignedProgressNote, u64)| {
            phase.set(Phase::Signed {
                client: Box::new(client),
                note: Box::new(note),
                rev,
                just_signed: true,
            });
        },
    );
    move || match phase.get() {
        Phase::Loading => {
            view! { <p class="status" role="status">"Opening the note…"</p> }.into_any()
        }
        Phase::Failed(message) => view! {
            <h1>"Progress note"</h1>
            <p class="alert" role="alert">{message}</p>
            <A href=back.clone()>"Back to the client"</A>
        }
        .into_any(),
        Phase::Draft(start) => {
            view! { <DraftEditor start=*start on_signed=on_signed /> }.into_any()
        }
        Phase::Signed {
            client,
            note,
            rev,
            just_signed,
        } => view! { <SignedNoteView client=*client note=*note rev=rev just_signed=just_signed /> }
            .into_any(),
    }
}

/// Loads the client, the note (a view in the audit log), any unsaved buffer,
/// and the previous signed note.
async fn open_note(vault: Vault, client_id: String, note_id: String, template: Template) -> Phase {
    let client = match vault.client(&client_id).await {
        Ok(stored) => stored.value,
        Err(VaultError::NotFound) => {
            return Phase::Failed(
                "This client no longer exists. It may have been deleted in another tab.".into(),
            )
        }
        Err(e) => return Phase::Failed(e.to_string()),
    };
    let stored = match vault.open_progress_note(&note_id, now_ms()).await {
        Ok(stored) => Some(stored),
        // Not committed yet: a new note.
        Err(VaultError::NotFound) => None,
        Err(e) => return Phase::Failed(e.to_string()),
    };
    if let Some(stored) = &stored {
        if stored.value.client_id() != &client.id {
            return Phase::Failed(
                "This note belongs to another client. Open it from that client's page.".into(),
            );
        }
    }
    let (draft, rev) = match stored {
        Some(Stored {
            value: ProgressNote::Signed(note),
            rev,
            ..
        }) => {
            return Phase::Signed {
                client: Box::new(client),
                note: Box::new(note),
                rev,
                just_signed: false,
            }
        }
        Some(Stored {
            value: ProgressNote::Draft(draft),
            rev,
            ..
        }) => (draft, rev),
        None => (
            ProgressNoteDraft::new(
                ProgressNoteId(note_id.clone()),
                ClientId(client_id),
                template,
                now_local(),
            ),
            0,
        ),
    };
    let mut start = DraftStart {
        client,
        draft,
        rev,
        draft_rev: 0,
        notice: None,
        previous: None,
    };
    match vault.draft_buffer(&note_id).await {
        Ok(Some(buffer)) if buffer.value.note.client_id == start.draft.client_id => {
            start.notice = Some(Ok(if buffer.value.base_rev == rev {
                "Restored unsaved changes".to_owned()
            } else {
                "Restored unsaved changes. This note was also saved elsewhere after they were made: check it before you save.".to_owned()
            }));
            start.draft_rev = buffer.rev;
            start.draft = buffer.value.note;
        }
        Ok(_) => {}
        Err(e) => {
            start.notice = Some(Err(format!(
                "Unsaved changes kept for this note could not be restored. {e}"
            )))
        }
    }
    // Only needed for copying forward; a failure here must not block editing.
    if let Ok(notes) = vault
        .progress_notes_of(start.draft.client_id.as_str())
        .await
    {
        start.previous = notes
            .into_iter()
            .filter_map(Loaded::ok)
            .filter_map(|s| match s.value {
                ProgressNote::Signed(signed)
                    if signed.client_id() == &start.draft.client_id
                        && signed.id() != &start.draft.id =>
                {
                    Some(signed)
                }
                _ => None,
            })
            .max_by_key(|s| (s.date_of_service(), s.signature().signed_at));
    }
    Phase::Draft(Box::new(start))
}

/// The editor of an unsigned note.
#[component]
fn DraftEditor(
    start: DraftStart,
    on_signed: Callback<(Client, SignedProgressNote, u64)>,
) -> impl IntoView {
    let session = use_session();
    let vault = session.vault();
    let DraftStart {
        client,
        draft,
        rev,
        draft_rev,
        notice,
        previous,
    } = start;
    let revs = Rc::new(Revs {
        rev: Cell::new(rev),
        draft_rev: Cell::new(draft_rev),
        base_rev: Cell::new(rev),
    });
    let draft = RwSignal::new(draft);

    // The autosave seals the whole form into the drafts store.
    let writer: Writer = {
        let revs = revs.clone();
        let vault = vault.clone();
        Rc::new(move || -> SaveFuture {
            let Some(mut note) = draft.try_get_untracked() else {
                return Box::pin(async { Ok(()) });
            };
            note.updated_at = now_local();
            let revs = revs.clone();
            let vault = vault.clone();
            Box::pin(async move {
                let buffer = DraftBuffer {
                    note,
                    base_rev: revs.base_rev.get(),
                    saved_at_ms: now_ms(),
                };
                let new_rev = vault
                    .save_draft_buffer(&buffer, revs.draft_rev.get())
                    .await
                    .map_err(|e| e.to_string())?;
                revs.draft_rev.set(new_rev);
                Ok(())
            })
        })
    };
    let autosave = Autosave::new(writer);
    let form = NoteForm { draft, autosave };
    let revs = StoredValue::new_local(revs);
    let vault = StoredValue::new_local(vault);

    // "Save": commit into the record and drop the buffer, in one transaction.
    let save = Callback::new(move |()| {
        let revs = revs.get_value();
        let vault = vault.get_value();
        leptos::task::spawn_local(async move {
            let _ = autosave
                .run(move || -> SaveFuture {
                    let mut note = draft.get_untracked();
                    note.updated_at = now_local();
                    Box::pin(async move {
                        let new_rev = vault
                            .commit_progress_note(
                                &ProgressNote::Draft(note),
                                revs.rev.get(),
                                revs.draft_rev.get(),
                                None,
                                now_ms(),
                            )
                            .await
                            .map_err(|e| e.to_string())?;
                        revs.rev.set(new_rev);
                        revs.base_rev.set(new_rev);
                        revs.draft_rev.set(0);
                        Ok(())
                    })
                })
                .await;
        });
    });

    let client_name = shown_name(&client, false);
    let client_href = format!("/clients/{}", client.id);
    let copied = RwSignal::new(None::<String>);
    let copy_forward = previous.map(|previous| {
        let label = format!(
            "Copy from last note ({})",
            format_date(previous.date_of_service())
        );
        let previous = StoredValue::new(previous);
        let copy = move |_| {
            let mut result = Ok(());
            let plan_was_blank = draft.with_untracked(|d| d.section("plan").trim().is_empty());
            form.edit(|d| result = previous.with_value(|p| d.copy_forward_from(p)));
            copied.set(Some(match result {
                Ok(()) if plan_was_blank => {
                    "Copied the plan and the goals addressed from the last signed note. Update them for this session.".to_owned()
                }
                Ok(()) => "Copied the goals addressed from the last signed note. The plan already had text, so it was kept.".to_owned(),
                Err(e) => e.to_string(),
            }));
        };
        view! {
            <div class="copy-forward">
                <button type="button" class="secondary" on:click=copy>{label}</button>
                {move || copied.get().map(|m| view! { <p class="status" role="status">{m}</p> })}
            </div>
        }
    });

    let client_for_sign = client.clone();
    let on_signed = Callback::new(move |(note, rev): (SignedProgressNote, u64)| {
        on_signed.run((client_for_sign.clone(), note, rev));
    });

    view! {
        <div class="page-head">
            <h1>"Progress note"</h1>
            <span class="badge">"Draft"</span>
            <SaveIndicator autosave=autosave />
        </div>
        <p class="breadcrumb"><A href=client_href>{client_name}</A></p>
        {notice.map(|n| match n {
            Ok(n) => view! { <p class="notice" role="status">{n}</p> }.into_any(),
            Err(n) => view! { <p class="alert" role="alert">{n}</p> }.into_any(),
        })}
        <form
            class="note-form"
            novalidate
            on:submit=move |ev| ev.prevent_default()
            on:focusout=move |_| autosave.flush_soon()
        >
            <div class="two-col note-layout">
                <div class="note-layout__facts">
                    <section class="card" aria-labelledby="session-heading">
                        <h2 id="session-heading">"Session"</h2>
                        <TemplateSelect form=form />
                        <SessionFields form=form />
                    </section>
                    <section class="card" aria-labelledby="treatment-heading">
                        <h2 id="treatment-heading">"Diagnoses and goals"</h2>
                        <DiagnosesAddressed form=form client=client.clone() />
                        <GoalsAddressed form=form client=client.clone() />
                    </section>
                    <section class="card" aria-labelledby="risk-heading">
                        <h2 id="risk-heading">"Risk assessment"</h2>
                        <RiskFields form=form />
                    </section>
                </div>
                <div class="note-layout__text">
                    <section class="card" aria-labelledby="sections-heading">
                        <h2 id="sections-heading">"Note"</h2>
                        {copy_forward}
                        <SectionFields form=form />
                    </section>
                    <SignPanel form=form revs=revs vault=vault on_save=save on_signed=on_signed />
                </div>
            </div>
        </form>
    }
}

/// The note's template. Text under sections the new template lacks is kept and
/// shown, so nothing typed disappears.
#[component]
fn TemplateSelect(form: NoteForm) -> impl IntoView {
    view! {
        <label for="note-template">"Template"</label>
        <select
            id="note-template"
            on:change:target=move |ev| {
                if let Ok(template) = Template::parse(&ev.target().value()) {
                    form.edit(|d| d.template = template);
                }
            }
        >
            {Template::ALL
                .into_iter()
                .map(|t| view! {
                    <option value=t.name() prop:selected=move || form.draft.with(|d| d.template == t)>
                        {t.name()}
                    </option>
                })
                .collect_view()}
        </select>
    }
}
