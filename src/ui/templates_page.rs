//! Settings › Templates: the clinician's own progress-note templates.
//!
//! A template is a name, sections (label, hint, required) and the
//! structured blocks a note of it includes. Saving a change makes a new
//! version; notes already written keep the version they were written with.
//! The templates travel between devices as a small JSON file, which holds
//! no client's information.

use std::borrow::Cow;

use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use crate::domain::{
    Blocks, CustomTemplate, Section, TemplateLibrary, TemplateSaved, ValidationIssue,
};

use super::clinical::common::{invalid, IssueList};
use super::download::{download, read_chosen_file};
use super::session_context::use_session;

const ISSUE_PREFIX: &str = "template-issue";

/// The templates page.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let session = use_session();
    let version = RwSignal::new(0u32);
    let library = LocalResource::new(move || {
        version.track();
        let vault = session.vault();
        async move { vault.template_library().await.map_err(|e| e.to_string()) }
    });
    let editing = RwSignal::new(None::<CustomTemplate>);
    let saved = RwSignal::new(None::<String>);
    let reload = Callback::new(move |()| version.update(|v| *v += 1));

    let new_template = move |_| match crate::crypto::random_id() {
        Ok(id) => {
            saved.set(None);
            request_animation_focus("tpl-name".to_owned());
            editing.set(Some(CustomTemplate {
                id,
                name: String::new(),
                version: 0,
                sections: vec![blank_section()],
                blocks: Blocks::ALL,
            }))
        }
        Err(e) => leptos::logging::warn!("no random id for a template: {e}"),
    };

    view! {
        <p><A href="/settings">"Settings"</A></p>
        <h1>"Templates"</h1>
        <p class="field-hint">
            "Your own progress-note templates, offered by name beside SOAP, DAP, BIRP and GIRP. "
            "Changing a template makes a new version: notes already written keep the one they were written with, and a signed note's signature covers it."
        </p>
        <Suspense fallback=|| view! { <p class="status" role="status">"Loading templates…"</p> }>
            {move || library.get().map(|loaded| match loaded {
                Ok(library) => view! {
                    <TemplateList library=library editing=editing />
                }.into_any(),
                Err(e) => view! {
                    <p class="alert" role="alert">{format!("Your templates could not be read. {e}")}</p>
                }.into_any(),
            })}
        </Suspense>
        {move || match editing.get() {
            Some(template) => view! {
                <TemplateForm
                    template=template.clone()
                    on_done=Callback::new(move |message: String| {
                        saved.set(Some(message));
                        editing.set(None);
                        reload.run(());
                    })
                    on_cancel=Callback::new(move |()| editing.set(None))
                />
            }.into_any(),
            None => view! {
                {move || saved.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                <div class="actions">
                    <button type="button" on:click=new_template>"New template"</button>
                </div>
            }.into_any(),
        }}
        <TemplatesFile library=library on_imported=reload />
    }
}

fn blank_section() -> Section {
    Section {
        key: Cow::Borrowed(""),
        label: Cow::Borrowed(""),
        required: true,
        hint: Cow::Borrowed(""),
    }
}

/// The latest version of each template, with a button to edit it.
#[component]
fn TemplateList(
    library: TemplateLibrary,
    editing: RwSignal<Option<CustomTemplate>>,
) -> impl IntoView {
    let latest: Vec<CustomTemplate> = library.latest().into_iter().cloned().collect();
    if latest.is_empty() {
        return view! { <p class="muted">"No templates of your own yet."</p> }.into_any();
    }
    view! {
        <ul class="list" aria-label="Your templates">
            {latest
                .into_iter()
                .map(|template| {
                    let sections = template
                        .sections
                        .iter()
                        .map(|s| s.label.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let name = template.name.clone();
                    let version = template.version;
                    view! {
                        <li class="template-row">
                            <div>
                                <strong>{name.clone()}</strong>
                                <span class="muted">{format!(" · version {version}")}</span>
                                <p class="field-hint">{sections}</p>
                            </div>
                            <button
                                type="button"
                                class="secondary"
                                aria-label=format!("Edit {name}")
                                on:click=move |_| {
                                    editing.set(Some(template.clone()));
                                    request_animation_focus("tpl-name".to_owned());
                                }
                            >
                                "Edit"
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// One section of the form.
#[derive(Clone, Copy)]
struct SectionRow {
    row: u64,
    key: StoredValue<String>,
    label: RwSignal<String>,
    hint: RwSignal<String>,
    required: RwSignal<bool>,
}

/// Defining a template, or its next version.
#[component]
fn TemplateForm(
    /// The version edited (version 0 for a new template).
    template: CustomTemplate,
    /// After a save.
    on_done: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = template.id.clone();
    let is_new = template.version == 0;
    let name = RwSignal::new(template.name.clone());
    let next_row = StoredValue::new(0u64);
    let row_of = move |section: &Section| {
        let row = next_row.get_value();
        next_row.set_value(row + 1);
        SectionRow {
            row,
            key: StoredValue::new(section.key.to_string()),
            label: RwSignal::new(section.label.to_string()),
            hint: RwSignal::new(section.hint.to_string()),
            required: RwSignal::new(section.required),
        }
    };
    let sections = RwSignal::new(template.sections.iter().map(row_of).collect::<Vec<_>>());
    let session_block = RwSignal::new(template.blocks.session);
    let risk_block = RwSignal::new(template.blocks.risk);
    let goals_block = RwSignal::new(template.blocks.goals);
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let error = RwSignal::new(None::<String>);

    let build = move || CustomTemplate {
        id: id.clone(),
        name: name.get_untracked(),
        version: 0,
        sections: sections
            .get_untracked()
            .iter()
            .map(|row| Section {
                key: Cow::Owned(row.key.get_value()),
                label: Cow::Owned(row.label.get_untracked()),
                required: row.required.get_untracked(),
                hint: Cow::Owned(row.hint.get_untracked()),
            })
            .collect(),
        blocks: Blocks {
            session: session_block.get_untracked(),
            risk: risk_block.get_untracked(),
            goals: goals_block.get_untracked(),
        },
    };
    let save = Action::new_local(move |template: &CustomTemplate| {
        let template = template.clone();
        let vault = session.vault();
        async move { vault.save_template(template).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(Ok(saved))) => {
            issues.set(Vec::new());
            on_done.run(match &saved {
                TemplateSaved::NewVersion(t) => {
                    format!("Saved {} as version {}.", t.name, t.version)
                }
                TemplateSaved::Unchanged(t) => {
                    format!(
                        "Nothing changed: {} stays at version {}.",
                        t.name, t.version
                    )
                }
            });
        }
        Some(Ok(Err(found))) => issues.set(found),
        Some(Err(e)) => {
            issues.set(Vec::new());
            error.set(Some(format!("The template was not saved. {e} Try again.")));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        save.dispatch_local(build());
    };
    let add_section = move |_| {
        let row = row_of(&blank_section());
        sections.update(|rows| rows.push(row));
        // The new section's label is where the clinician types next.
        let place = sections.with_untracked(Vec::len);
        request_animation_focus(format!("tpl-section-{place}-label"));
    };

    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="template-form-heading">
            <h2 id="template-form-heading">
                {if is_new { "New template".to_owned() } else { format!("Edit {}", template.name) }}
            </h2>
            {(!is_new).then(|| view! {
                <p class="field-hint">
                    {format!(
                        "Saving a change makes version {}. Notes written with version {} keep it.",
                        template.version + 1,
                        template.version
                    )}
                </p>
            })}
            <label for="tpl-name">{CustomTemplate::NAME_LABEL}</label>
            <input
                id="tpl-name"
                maxlength={CustomTemplate::MAX_NAME.to_string()}
                aria-invalid={move || issues.with(|i| invalid(i, CustomTemplate::NAME_LABEL))}
                bind:value=name
            />
            <h3>{CustomTemplate::SECTIONS_LABEL}</h3>
            <For
                each={move || sections.get().into_iter().enumerate().collect::<Vec<_>>()}
                key=|(index, row)| (*index, row.row)
                children=move |(index, row)| view! {
                    <SectionEditor index=index row=row sections=sections issues=issues />
                }
            />
            <div class="actions">
                <button type="button" class="secondary" on:click=add_section>"Add section"</button>
            </div>
            <fieldset class="subform">
                <legend>"What a note of this template also has"</legend>
                <label class="row check">
                    <input type="checkbox" class="checkbox" bind:checked=session_block />
                    <span>"Session details"</span>
                </label>
                <p class="field-hint">"Start and end time, service code, place of service and participants. The date of service is in every note."</p>
                <label class="row check">
                    <input type="checkbox" class="checkbox" bind:checked=risk_block />
                    <span>"Risk questions"</span>
                </label>
                <label class="row check">
                    <input type="checkbox" class="checkbox" bind:checked=goals_block />
                    <span>"Diagnoses and goals"</span>
                </label>
            </fieldset>
            <IssueList
                issues=issues
                heading="The template could not be saved:"
                id_prefix=ISSUE_PREFIX
                target=field_element
            />
            {move || error.get().map(|s| view! { <p class="alert" role="alert">{s}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"Save template"</button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// The element an issue about `field` points at.
fn field_element(field: &str) -> Option<String> {
    if field == CustomTemplate::NAME_LABEL {
        return Some("tpl-name".to_owned());
    }
    let place: usize = field.strip_prefix("Section ")?.parse().ok()?;
    Some(format!("tpl-section-{place}-label"))
}

/// Focuses an element once the next frame has drawn it.
fn request_animation_focus(id: String) {
    leptos::task::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(0).await;
        if let Some(element) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// One section: its label, hint and whether it is required.
#[component]
fn SectionEditor(
    index: usize,
    row: SectionRow,
    sections: RwSignal<Vec<SectionRow>>,
    /// The form's issues; those about this section mark its label field.
    issues: RwSignal<Vec<ValidationIssue>>,
) -> impl IntoView {
    let place = index + 1;
    // By place, as issues name sections ("Section 2"): a removal renumbers.
    let id = format!("tpl-section-{place}");
    let field = CustomTemplate::section_field(place);
    let remove = move |_| {
        sections.update(|rows| rows.retain(|r| r.row != row.row));
        // What was said about the sections no longer fits their places.
        issues.update(|found| found.retain(|i| !i.field.starts_with("Section")));
    };
    view! {
        <fieldset class="subform">
            <legend>{format!("Section {place}")}</legend>
            <label for=format!("{id}-label")>{CustomTemplate::SECTION_LABEL}</label>
            <input
                id=format!("{id}-label")
                maxlength={CustomTemplate::MAX_NAME.to_string()}
                aria-invalid={move || issues.with(|i| invalid(i, &field))}
                bind:value=row.label
            />
            <label for=format!("{id}-hint")>"Section hint"</label>
            <input
                id=format!("{id}-hint")
                placeholder="A one-line prompt shown under the label"
                bind:value=row.hint
            />
            <label class="row check">
                <input type="checkbox" class="checkbox" bind:checked=row.required />
                <span>"Required before signing"</span>
            </label>
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    aria-label=format!("Remove section {place}")
                    on:click=remove
                >
                    "Remove section"
                </button>
            </div>
        </fieldset>
    }
}

/// Export and import of the templates file.
#[component]
fn TemplatesFile(
    library: LocalResource<Result<TemplateLibrary, String>>,
    on_imported: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let message = RwSignal::new(None::<Result<String, String>>);
    let export = move |_| {
        let Some(Ok(library)) = library.get_untracked() else {
            return;
        };
        let text = library.export_json();
        message.set(Some(
            download(text.as_bytes(), "psynotes-templates.json", "application/json")
                .map(|()| "Exported psynotes-templates.json. It holds your templates only, no client's information.".to_owned())
                .map_err(|e| format!("The file could not be saved. {e}")),
        ));
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let vault = session.vault();
        leptos::task::spawn_local(async move {
            let Some(bytes) = read_chosen_file(&input).await else {
                return;
            };
            input.set_value("");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let outcome = match vault.import_templates(&text).await {
                Ok(imported) => {
                    on_imported.run(());
                    Ok(match (imported.added, imported.already_here) {
                        (0, _) => "Every template in the file was already here. Nothing changed."
                            .to_owned(),
                        (added, here) => {
                            let versions = |n: usize| {
                                if n == 1 {
                                    "1 template version".to_owned()
                                } else {
                                    format!("{n} template versions")
                                }
                            };
                            if here == 0 {
                                format!("Imported {}.", versions(added))
                            } else {
                                format!(
                                    "Imported {}; {} already here.",
                                    versions(added),
                                    if here == 1 {
                                        "1 was".to_owned()
                                    } else {
                                        format!("{here} were")
                                    }
                                )
                            }
                        }
                    })
                }
                Err(e) => Err(e.to_string()),
            };
            message.try_set(Some(outcome));
        });
    };
    view! {
        <section class="card" aria-labelledby="templates-file-heading">
            <h2 id="templates-file-heading">"Share with another device"</h2>
            <p class="field-hint">
                "The templates file holds your templates and no client's information. Import it on your other device: versions already there are skipped."
            </p>
            <div class="actions">
                <button type="button" class="secondary" on:click=export>"Export templates"</button>
            </div>
            <label for="tpl-import">"Import templates"</label>
            <input id="tpl-import" type="file" accept=".json,application/json" on:change=import />
            {move || message.get().map(|m| match m {
                Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="alert" role="alert">{m}</p> }.into_any(),
            })}
        </section>
    }
}
