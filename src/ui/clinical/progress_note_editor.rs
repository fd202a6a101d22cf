//! The progress-note page: opens a note through the vault (audited), then shows
//! the editor for a draft or the read-only view of a signed note.
//!
//! The vault hands back a handle ([`EditableProgressNote`] or [`AmendableNote`])
//! that keeps revisions to itself: this page holds only the form. A note never
//! committed exists only in the editor buffer until "Save" commits it. Unsaved
//! work found on opening is loaded and the person told; unsaved work older than
//! the saved note opens as a comparison, and nothing is saved until the
//! clinician chooses.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::domain::{
    Client, CourseDocument, CustomTemplate, ProgressNote, ProgressNoteDraft, SignedProgressNote,
    Template, TemplateLibrary, TreatmentPlan,
};
use crate::ui::clock::{now_local, now_ms};
use crate::ui::session_context::use_session;
use crate::ui::wording;
use crate::vault::amendable_note::AmendableNote;
use crate::vault::conflict::{Conflict, SaveError};
use crate::vault::editable_progress_note::{
    ChangedElsewhere, EditableProgressNote, Recovered, Saved,
};
use crate::vault::progress_notes::OpenedNote;
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::client_context::use_client_record;
use super::common::{format_date, shown_name};
use super::conflict_panel::ConflictPanel;
use super::document_area::DocumentArea;
use super::note_form::NoteForm;
use super::note_results::IncludedResults;
use super::record_check_panel::ProgressNoteCheck;
use super::risk_fields::RiskFields;
use super::route_params::note_id_param;
use super::section_field::SectionFields;
use super::session_fields::{DiagnosesAddressed, GoalsAddressed, SessionFields};
use super::sign::SignPanel;
use super::signed_note::SignedNoteView;
use super::template_choice::{custom_value, TemplateChoice};

/// What the page shows.
#[derive(Clone)]
enum Phase {
    Loading,
    Failed(String),
    Draft {
        note: EditableProgressNote,
        previous: Option<Box<SignedProgressNote>>,
        /// The client's treatment plan, or why it could not be read.
        plan: Result<Option<TreatmentPlan>, String>,
        /// The clinician's own templates, for the template select.
        templates: TemplateLibrary,
    },
    Signed {
        note: AmendableNote,
        just_signed: bool,
        /// Text typed while signing ran, to start an addendum with.
        addendum_start: Option<String>,
    },
}

/// One progress note.
#[component]
pub fn ProgressNotePage() -> impl IntoView {
    let note_id = note_id_param();
    let query = use_query_map();
    let Some(record) = use_client_record() else {
        return view! { <p class="alert" role="alert">{wording::client_gone()}</p> }.into_any();
    };
    // A new note id gets a new editor (the route alone does not remount it).
    // The client record reloading (after signing an intake) does not: the
    // editor is keyed on the client's id, not on what the record says.
    let client_id = Memo::new(move |_| record.client.with(|c| c.as_ref().map(|c| c.id.clone())));
    (move || {
        let choice = query
            .with_untracked(|q| q.get("template"))
            .and_then(|t| TemplateChoice::parse(&t));
        let (template, custom_id) = match choice {
            Some(TemplateChoice::BuiltIn(template)) => (template, None),
            Some(TemplateChoice::Custom(id)) => (Template::Custom, Some(id)),
            None => (Template::default(), None),
        };
        let id = note_id.get();
        client_id.track();
        record
            .client
            .get_untracked()
            .map(|client| view! { <NoteLoader client=client note_id=id template=template custom_id=custom_id.clone() /> })
    })
    .into_any()
}

#[component]
fn NoteLoader(
    client: Client,
    note_id: String,
    template: Template,
    /// The clinician's own template a new note is started with.
    custom_id: Option<String>,
) -> impl IntoView {
    let session = use_session();
    let phase = RwSignal::new_local(Phase::Loading);
    let version = RwSignal::new(0u32);
    {
        let client = client.clone();
        Effect::new(move |_| {
            version.track();
            let vault = session.vault();
            let client = client.clone();
            let note_id = note_id.clone();
            leptos::task::spawn_local(async move {
                let opened = vault
                    .open_progress_note(&client, &note_id, template, now_local(), now_ms())
                    .await;
                let next = match opened {
                    Ok(OpenedNote::Draft(note)) => {
                        let previous = vault
                            .last_signed_note(
                                client.id.as_str(),
                                note.id(),
                                note.start().date_of_service,
                            )
                            .await
                            .map(Box::new);
                        let plan = vault
                            .treatment_plan(client.id.as_str())
                            .await
                            .map_err(|e| e.to_string());
                        // Unreadable templates leave the built-in ones to choose from.
                        let templates = vault.template_library().await.unwrap_or_default();
                        Phase::Draft {
                            note,
                            previous,
                            plan,
                            templates,
                        }
                    }
                    Ok(OpenedNote::Signed(note)) => Phase::Signed {
                        note,
                        just_signed: false,
                        addendum_start: None,
                    },
                    Err(VaultError::NotFound) => Phase::Failed(
                        "This note is not one of this client's notes. Open it from its own client's page.".into(),
                    ),
                    Err(e) => Phase::Failed(e.to_string()),
                };
                phase.try_set(next);
            });
        });
    }
    let on_signed = Callback::new(
        move |(note, addendum_start): (AmendableNote, Option<String>)| {
            phase.set(Phase::Signed {
                note,
                just_signed: true,
                addendum_start,
            });
        },
    );
    let reload = Callback::new(move |()| {
        phase.set(Phase::Loading);
        version.update(|v| *v += 1);
    });
    move || {
        match phase.get() {
        Phase::Loading => {
            view! { <p class="status" role="status">"Opening the note…"</p> }.into_any()
        }
        Phase::Failed(message) => view! {
            <h1>"Progress note"</h1>
            <p class="alert" role="alert">{message}</p>
        }
        .into_any(),
        Phase::Draft { note, previous, plan, templates } => view! {
            <DraftEditor note=note client=client.clone() previous=previous plan=plan templates=templates custom_id=custom_id.clone() on_signed=on_signed reload=reload />
        }
        .into_any(),
        Phase::Signed {
            note,
            just_signed,
            addendum_start,
        } => view! {
            <SignedNoteView note=note client=client.clone() just_signed=just_signed addendum_start=addendum_start />
        }
        .into_any(),
    }
    }
}

/// The version of a note on one side of a conflict, as label and text rows.
fn note_rows(note: &ProgressNoteDraft) -> Vec<(String, String)> {
    let mut rows = vec![
        ("Template".to_owned(), note.template_name().to_owned()),
        (
            "Date of service".to_owned(),
            format_date(note.date_of_service),
        ),
        (
            "Time".to_owned(),
            match (note.start, note.end) {
                (Some(s), Some(e)) => format!("{s}–{e}"),
                _ => "—".to_owned(),
            },
        ),
        (
            "Service code".to_owned(),
            note.service_code
                .as_ref()
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
        ),
    ];
    if !note.measure_results.is_empty() {
        rows.push((
            ProgressNoteDraft::MEASURE_RESULTS_LABEL.to_owned(),
            note.measure_results
                .iter()
                .map(crate::domain::IncludedResult::describe)
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    for section in note.template_sections() {
        rows.push((
            section.label.to_string(),
            note.section(&section.key).to_owned(),
        ));
    }
    if let Some(document) = &note.document {
        rows.extend(document.rows());
    }
    rows
}

/// The editor of an unsigned note.
#[component]
fn DraftEditor(
    note: EditableProgressNote,
    client: Client,
    previous: Option<Box<SignedProgressNote>>,
    /// The client's treatment plan, whose goals and objectives the note rates;
    /// an error when it could not be read (the client's goals are offered).
    plan: Result<Option<TreatmentPlan>, String>,
    /// The clinician's own templates: offered by the template select.
    templates: TemplateLibrary,
    /// The one a new note was started with.
    custom_id: Option<String>,
    on_signed: Callback<(AmendableNote, Option<String>)>,
    reload: Callback<()>,
) -> impl IntoView {
    let (plan, plan_error) = match plan {
        Ok(plan) => (plan, None),
        Err(e) => (None, Some(e)),
    };
    // A note opened as an intake or a discharge starts its document here,
    // and one opened with the clinician's own template takes its latest
    // version (a template gone meanwhile leaves the default).
    let draft = RwSignal::new({
        let mut start = note.start();
        if start.template == Template::Custom && start.custom_template.is_none() {
            match custom_id.as_deref().and_then(|id| templates.get(id)) {
                Some(custom) => start.use_custom_template(custom.clone()),
                None => start.set_template(Template::default()),
            }
        }
        if start.template.is_document() && start.document.is_none() {
            let template = start.template;
            choose_template(&mut start, template, &client.goals);
        }
        start
    });
    let custom_templates: Vec<CustomTemplate> = templates.latest().into_iter().cloned().collect();
    let is_conflict_copy = draft.with_untracked(|d| d.conflict_of.is_some());
    let conflict = RwSignal::new(note.pending_conflict());
    // Bumped when the form's content is replaced wholesale (a merge, a choice
    // in a conflict), so every field reads it afresh.
    let form_version = RwSignal::new(0u32);
    let notice = match note.recovered() {
        Recovered::Nothing => None,
        Recovered::UnsavedChanges => Some(Ok(
            "Opened with the changes kept on this device since you last tapped Save. Save puts them in the note."
                .to_owned(),
        )),
        Recovered::Unreadable(e) => Some(Err(format!(
            "Unsaved changes kept for this note could not be restored. {e}"
        ))),
    };
    let handle = StoredValue::new_local(note);

    // What a write that met another version does to the screen.
    let settle =
        move |result: Result<Saved, SaveError<ProgressNoteDraft, ProgressNote>>| match result {
            Ok(Saved::AsIs) => Ok(()),
            Ok(Saved::Merged(merged)) => {
                draft.try_set(*merged);
                form_version.try_update(|v| *v += 1);
                Ok(())
            }
            Err(SaveError::Conflict(c)) => {
                let message =
                    SaveError::<ProgressNoteDraft, ProgressNote>::Conflict(c.clone()).to_string();
                conflict.try_set(Some(*c));
                Err(message)
            }
            Err(SaveError::Failed(e)) => Err(e.to_string()),
        };

    // The autosave seals the whole form into the editor buffer.
    let writer: Writer = Rc::new(move || -> SaveFuture {
        let Some(mut snapshot) = draft.try_get_untracked() else {
            return Box::pin(async { Ok(()) });
        };
        snapshot.updated_at = now_local();
        let Some(note) = handle.try_get_value() else {
            return Box::pin(async { Ok(()) });
        };
        Box::pin(async move { settle(note.autosave(&snapshot, now_ms()).await) })
    });
    let autosave = Autosave::new(writer);
    let form = NoteForm {
        draft,
        autosave,
        issues: RwSignal::new(Vec::new()),
    };

    // "Save": commit into the record and drop the buffer, in one transaction.
    let save = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            let _ = autosave
                .run(move || -> SaveFuture {
                    let mut snapshot = draft.get_untracked();
                    snapshot.updated_at = now_local();
                    let note = handle.get_value();
                    Box::pin(async move { settle(note.save(&snapshot, now_ms()).await) })
                })
                .await;
        });
    });

    let resolve = move |choice: Choice| {
        leptos::task::spawn_local(async move {
            let note = handle.get_value();
            let mine = draft.get_untracked();
            let outcome = match choice {
                Choice::Mine => {
                    let mine = conflict
                        .with_untracked(|c| c.as_ref().map(|c| c.mine.clone()))
                        .unwrap_or(mine);
                    note.keep_mine(&mine, now_ms()).await.map(|()| {
                        draft.set(mine);
                    })
                }
                Choice::Theirs => note.keep_theirs(now_ms()).await.map(|_| reload.run(())),
                Choice::Both => {
                    let mine = conflict
                        .with_untracked(|c| c.as_ref().map(|c| c.mine.clone()))
                        .unwrap_or(mine);
                    note.keep_both(&mine, now_ms())
                        .await
                        .map(|_| reload.run(()))
                }
            };
            match outcome {
                Ok(()) => {
                    conflict.set(None);
                    autosave.settled();
                    form_version.update(|v| *v += 1);
                }
                Err(e) => autosave
                    .status
                    .set(super::autosave::SaveStatus::Failed(e.to_string())),
            }
        });
    };

    // The note may change on a synced device (or in another tab) while it is
    // open here: said at once, and again whenever records arrive or this
    // editor writes, so the clinician is not surprised at the next save.
    let session = use_session();
    // Counts the writes that completed; typing does not move it.
    let writes = Memo::new(move |before: Option<&u32>| {
        let before = before.copied().unwrap_or(0);
        match autosave.status.get() {
            super::autosave::SaveStatus::Saved => before + 1,
            _ => before,
        }
    });
    let elsewhere = LocalResource::new(move || {
        session.received.track();
        writes.track();
        let note = handle.get_value();
        async move {
            let changed = note.changed_elsewhere().await.ok().flatten();
            let to_settle = note.versions_to_settle().await.unwrap_or(false);
            (changed, to_settle)
        }
    });
    let elsewhere_notice = move || {
        if conflict.with(Option::is_some) {
            return None;
        }
        let (changed, to_settle) = elsewhere.get()?;
        let text = match changed {
            Some(ChangedElsewhere::Edited) => "This note was changed on another device or tab since you opened it. Your text is kept: Save compares the two versions, and merges them where they do not clash.",
            Some(ChangedElsewhere::Signed) => "This note was signed on another device or tab. Your text is kept: Save shows it beside the signed note, to keep as a separate draft or let go.",
            Some(ChangedElsewhere::Deleted) => "This note was deleted on another device or tab. Your text is kept: Save lets you choose whether to keep it.",
            None if to_settle => "This note has another version from a synced device, still to settle. This screen shows one of them; the other is kept until you choose. ",
            None => return None,
        };
        Some(view! {
            <p class="notice" role="status">
                {text}
                {(changed.is_none() && to_settle).then(|| view! { <A href="/conflicts">"Compare the versions"</A> })}
            </p>
        })
    };

    let client_name = shown_name(&client, false);
    let previous = StoredValue::new(previous.map(|p| *p));

    let comparison = move || {
        conflict.get().map(|c: Conflict<ProgressNoteDraft, ProgressNote>| {
            let signed = matches!(c.theirs, Some(ProgressNote::Signed(_)));
            let theirs = c.theirs.as_ref().map(|t| note_rows(t.content()));
            view! {
                <ConflictPanel
                    mine=note_rows(&c.mine)
                    theirs=theirs
                    clashes=c.clashes.clone()
                    on_keep_mine=Callback::new(move |()| resolve(if signed { Choice::Both } else { Choice::Mine }))
                    on_keep_theirs=Some(Callback::new(move |()| resolve(Choice::Theirs)))
                    on_keep_both=Some(Callback::new(move |()| resolve(Choice::Both)))
                />
                {signed.then(|| view! {
                    <p class="notice">"The other version is signed, so it stays as it is. Keeping your version keeps it as a separate draft note."</p>
                })}
            }
        })
    };

    let title = move || {
        let template = form.draft.with(|d| d.template);
        if template.is_document() {
            template.name()
        } else {
            "Progress note"
        }
    };
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <span class="badge">"Draft"</span>
            <SaveIndicator autosave=autosave />
        </div>
        {elsewhere_notice}
        {is_conflict_copy.then(|| view! {
            <p class="notice" role="status">
                "This draft is a conflict copy: it was edited on one device while the same note was signed on another, and the signed note is unchanged. "
                <A href="/conflicts">"Compare the versions"</A>
            </p>
        })}
        {notice.map(|n| match n {
            Ok(n) => view! { <p class="notice" role="status">{n}</p> }.into_any(),
            Err(n) => view! { <p class="alert" role="alert">{n}</p> }.into_any(),
        })}
        {comparison}
        {move || {
            form_version.track();
            let client = client.clone();
            let custom_templates = custom_templates.clone();
            let client_name = client_name.clone();
            let plan = plan.clone();
            let plan_error = plan_error.clone();
            (conflict.with(Option::is_none)).then(move || view! {
                <form
                    class="note-form"
                    novalidate
                    aria-label=format!("Progress note for {client_name}")
                    on:submit=move |ev| ev.prevent_default()
                    on:focusout=move |_| autosave.flush_soon()
                >
                    <div class="two-col note-layout">
                        <div class="note-layout__facts">
                            <section class="card" aria-labelledby="session-heading">
                                <h2 id="session-heading">"Session"</h2>
                                <TemplateSelect form=form goals=client.goals.clone() templates=custom_templates.clone() form_version=form_version />
                                <SessionFields form=form />
                            </section>
                            // An intake or discharge records its diagnoses and goals in the document.
                            {
                                let (client, plan, plan_error) = (client.clone(), plan.clone(), plan_error.clone());
                                view! {
                                    <Show when=move || form.draft.with(|d| !d.template.is_document() && d.shown_blocks().goals)>
                                        <section class="card" aria-labelledby="treatment-heading">
                                            <h2 id="treatment-heading">"Diagnoses and goals"</h2>
                                            <DiagnosesAddressed form=form client=client.clone() />
                                            {plan_error.clone().map(|e| view! {
                                                <p class="alert" role="alert">
                                                    {format!("The treatment plan could not be read, so its objectives are not listed here. {e}")}
                                                </p>
                                            })}
                                            <GoalsAddressed form=form client=client.clone() plan=plan.clone() />
                                        </section>
                                    </Show>
                                }
                            }
                            <Show when=move || form.draft.with(|d| d.shown_blocks().goals)>
                                <IncludedResults form=form />
                            </Show>
                            // An intake records risk in its own, fuller block;
                            // a custom template may have none.
                            <Show when=move || form.draft.with(|d| d.template != Template::Intake && d.shown_blocks().risk)>
                                <section class="card" aria-labelledby="risk-heading">
                                    <h2 id="risk-heading">"Risk assessment"</h2>
                                    <RiskFields form=form />
                                </section>
                            </Show>
                        </div>
                        <div class="note-layout__text">
                            <section class="card" aria-labelledby="sections-heading">
                                <h2 id="sections-heading">"Note"</h2>
                                {previous.get_value().map(|previous| view! { <CopyForward form=form previous=previous form_version=form_version /> })}
                                <SectionFields form=form />
                                <DocumentArea form=form client=client.clone() />
                            </section>
                            <ProgressNoteCheck form=form />
                            <SignPanel form=form client=client.clone() plan=plan.clone() note=handle on_save=save on_signed=on_signed autosave=autosave />
                            <DiscardDraft note=handle autosave=autosave client_href=format!("/clients/{}", client.id) />
                        </div>
                    </div>
                </form>
            })
        }}
    }
}

/// "Copy from last note": the plan and the goals addressed of the client's last
/// signed note, never replacing text already written.
#[component]
fn CopyForward(
    form: NoteForm,
    previous: SignedProgressNote,
    form_version: RwSignal<u32>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<String>);
    let label = format!(
        "Copy from last note ({})",
        format_date(previous.date_of_service())
    );
    let previous = StoredValue::new(previous);
    let copy = move |_| {
        let mut result = Ok(());
        let plan_was_blank = form
            .draft
            .with_untracked(|d| d.section("plan").trim().is_empty());
        form.edit(|d| result = previous.with_value(|p| d.copy_forward_from(p)));
        copied.set(Some(match result {
            Ok(()) if plan_was_blank => {
                "Copied the plan and the goals addressed from the last signed note. Update them for this session.".to_owned()
            }
            Ok(()) => "Copied the goals addressed from the last signed note. The plan already had text, so it was kept.".to_owned(),
            Err(e) => e.to_string(),
        }));
        form_version.update(|v| *v += 1);
    };
    view! {
        <div class="copy-forward">
            <button type="button" class="secondary" on:click=copy>{label}</button>
            {move || copied.get().map(|m| view! { <p class="status" role="status">{m}</p> })}
        </div>
    }
}

/// What the clinician chose in a conflict.
#[derive(Clone, Copy)]
enum Choice {
    Mine,
    Theirs,
    Both,
}

/// "Discard this draft", confirmed: an unsigned note (or its unsaved changes)
/// goes, and the audit log says so.
#[component]
fn DiscardDraft(
    note: StoredValue<EditableProgressNote, LocalStorage>,
    autosave: Autosave,
    /// Where to go once the note is gone.
    client_href: String,
) -> impl IntoView {
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let discard = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        let client_href = client_href.clone();
        async move {
            let note = note.get_value();
            // Nothing more is written once the clinician chose to discard.
            autosave.discard();
            note.discard(now_ms()).await.map_err(|e| e.to_string())?;
            navigate(&client_href, Default::default());
            Ok::<(), String>(())
        }
    });
    view! {
        <section class="card" aria-labelledby="discard-heading">
            <h2 id="discard-heading">"Discard"</h2>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Discard this draft…"</button>
                }
            >
                <div class="confirm" role="group" aria-labelledby="discard-confirm-heading">
                    <h3 id="discard-confirm-heading">"Discard this unsigned note?"</h3>
                    <p>"Its text is deleted for good. The audit log records that it was discarded."</p>
                    <div class="actions">
                        <button type="button" class="danger" disabled=move || discard.pending().get() on:click=move |_| { discard.dispatch_local(()); }>
                            "Discard note"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep note"</button>
                    </div>
                </div>
            </Show>
            {move || discard.value().get().and_then(Result::err).map(|e| view! { <p class="alert" role="alert">{e}</p> })}
        </section>
    }
}

/// The note's template. Text under sections the new template lacks is kept and
/// shown, so nothing typed disappears.
#[component]
fn TemplateSelect(
    form: NoteForm,
    /// The client's goals, for a discharge summary's rows.
    goals: Vec<crate::domain::Goal>,
    /// The clinician's own templates (the latest version of each).
    templates: Vec<CustomTemplate>,
    /// Bumped so the form shows the document a template brings.
    form_version: RwSignal<u32>,
) -> impl IntoView {
    // The note's own version of its custom template is offered too when the
    // library does not have that template (a note from another device).
    let own = form.draft.with_untracked(|d| d.custom().cloned());
    let mut offered = templates.clone();
    if let Some(own) = own.filter(|own| !templates.iter().any(|t| t.id == own.id)) {
        offered.push(own);
    }
    let library = StoredValue::new(offered.clone());
    view! {
        <label for="note-template">"Template"</label>
        <select
            id="note-template"
            aria-describedby="note-template-version"
            on:change:target=move |ev| {
                match TemplateChoice::parse(&ev.target().value()) {
                    Some(TemplateChoice::BuiltIn(template)) => {
                        form.edit(|d| choose_template(d, template, &goals));
                    }
                    Some(TemplateChoice::Custom(id)) => {
                        let Some(custom) = library.with_value(|l| l.iter().find(|t| t.id == id).cloned()) else {
                            return;
                        };
                        form.edit(|d| d.use_custom_template(custom));
                    }
                    None => return,
                }
                form_version.update(|v| *v += 1);
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
            {offered
                .into_iter()
                .map(|t| {
                    let id = t.id.clone();
                    view! {
                        <option
                            value=custom_value(&t.id)
                            prop:selected=move || form.draft.with(|d| d.custom().is_some_and(|c| c.id == id))
                        >
                            {t.name.clone()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        // Which version the note keeps, and a way to the latest when it is
        // not that (choosing the same option again fires no change).
        <div class="field-hint" id="note-template-version">
            {move || form.draft.with(|d| {
                let custom = d.custom()?;
                let latest = templates.iter().find(|t| t.id == custom.id).filter(|t| t.version != custom.version).cloned();
                Some(match latest {
                    Some(latest) => {
                        let text = format!(
                            "Written with version {} of {}; the template is now at version {}. ",
                            custom.version, custom.name, latest.version
                        );
                        let label = format!("Use version {}", latest.version);
                        view! {
                            <p>{text}</p>
                            <button type="button" class="secondary" on:click=move |_| {
                                let latest = latest.clone();
                                form.edit(|d| d.use_custom_template(latest));
                                form_version.update(|v| *v += 1);
                            }>{label}</button>
                        }.into_any()
                    }
                    None => view! { <p>{format!("Your own template, version {}.", custom.version)}</p> }.into_any(),
                })
            })}
        </div>
    }
}

/// Switches `draft` to `template`. An intake or discharge template brings its
/// document (kept if the note already holds that kind), and an intake its
/// service code when none is chosen. Switching away keeps the document, which
/// the form then offers to remove: nothing typed disappears unasked.
fn choose_template(
    draft: &mut ProgressNoteDraft,
    template: Template,
    goals: &[crate::domain::Goal],
) {
    draft.set_template(template);
    let holds = draft.document.as_ref().map(CourseDocument::template);
    if template.is_document() && holds != Some(template) {
        draft.document = CourseDocument::for_template(
            template,
            draft.id.as_str(),
            &draft.client_id,
            goals,
            now_local(),
        );
    }
    if let Some(document) = &mut draft.document {
        document.follow_note(draft.id.as_str(), &draft.client_id, draft.date_of_service);
    }
    if template == Template::Intake && draft.service_code.is_none() {
        draft.service_code = Some(crate::domain::ServiceCode::Cpt90791);
    }
}
