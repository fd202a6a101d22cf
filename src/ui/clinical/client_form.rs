//! Adding and editing a client: identity, diagnoses and treatment goals; on the
//! edit page also archiving and deleting.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::client::normalize_icd10_code;
use crate::domain::{Client, ClientId, Date, Diagnosis, Goal, GoalStatus, ValidationIssue};
use crate::ui::clock::now_ms;
use crate::ui::outcome::Outcome;
use crate::ui::private_text::private_text;
use crate::ui::session_context::use_session;
use crate::vault::conflict::{Conflict, SaveError};
use crate::vault::editable_client::EditableClient;

use super::client_context::use_client_record;
use super::common::{described_by, invalid, shown_name, ErrorAlert, IssueList};

/// The prefix of the client form's issue ids, which fields point at.
const ISSUE_PREFIX: &str = "client-issue";

/// The element an issue about `field` points at.
fn field_element(field: &str) -> Option<String> {
    match field {
        Client::NAME_LABEL => Some("client-name".to_owned()),
        "Date of birth" => Some("client-dob".to_owned()),
        _ => None,
    }
}
use super::conflict_panel::ConflictPanel;
use super::route_params::client_id_param;

/// One diagnosis row of the form.
#[derive(Clone, Copy)]
struct DiagnosisRow {
    key: u64,
    code: RwSignal<String>,
    description: RwSignal<String>,
}

/// One goal row of the form. The goal id is kept, because notes refer to it.
#[derive(Clone, Copy)]
struct GoalRow {
    key: u64,
    id: StoredValue<String>,
    text: RwSignal<String>,
    target: RwSignal<String>,
    status: RwSignal<GoalStatus>,
}

/// The form's state, one signal per field.
#[derive(Clone, Copy)]
struct ClientFields {
    name: RwSignal<String>,
    code: RwSignal<String>,
    date_of_birth: RwSignal<String>,
    pronouns: RwSignal<String>,
    diagnoses: RwSignal<Vec<DiagnosisRow>>,
    primary: RwSignal<Option<u64>>,
    goals: RwSignal<Vec<GoalRow>>,
    next_key: StoredValue<u64>,
}

impl ClientFields {
    fn from_client(client: &Client) -> ClientFields {
        let fields = ClientFields {
            name: RwSignal::new(client.name.clone()),
            code: RwSignal::new(client.code.clone().unwrap_or_default()),
            date_of_birth: RwSignal::new(
                client
                    .date_of_birth
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            pronouns: RwSignal::new(client.pronouns.clone()),
            diagnoses: RwSignal::new(Vec::new()),
            primary: RwSignal::new(None),
            goals: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        };
        for diagnosis in &client.diagnoses {
            let key = fields.add_diagnosis(&diagnosis.code, &diagnosis.description);
            if diagnosis.primary {
                fields.primary.set(Some(key));
            }
        }
        for goal in &client.goals {
            fields.add_goal(goal);
        }
        fields
    }

    fn key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    fn add_diagnosis(&self, code: &str, description: &str) -> u64 {
        let key = self.key();
        self.diagnoses.update(|rows| {
            rows.push(DiagnosisRow {
                key,
                code: RwSignal::new(code.to_owned()),
                description: RwSignal::new(description.to_owned()),
            })
        });
        if self.primary.get_untracked().is_none() {
            self.primary.set(Some(key));
        }
        key
    }

    /// Replaces every field with `client`'s (after choosing another version).
    fn load(&self, client: &Client) {
        self.name.set(client.name.clone());
        self.code.set(client.code.clone().unwrap_or_default());
        self.date_of_birth.set(
            client
                .date_of_birth
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        self.pronouns.set(client.pronouns.clone());
        // New rows with new keys, so no row of the old list is reused.
        self.diagnoses.set(Vec::new());
        self.primary.set(None);
        self.goals.set(Vec::new());
        for diagnosis in &client.diagnoses {
            let key = self.add_diagnosis(&diagnosis.code, &diagnosis.description);
            if diagnosis.primary {
                self.primary.set(Some(key));
            }
        }
        for goal in &client.goals {
            self.add_goal(goal);
        }
    }

    fn add_goal(&self, goal: &Goal) {
        let key = self.key();
        self.goals.update(|rows| {
            rows.push(GoalRow {
                key,
                id: StoredValue::new(goal.id.clone()),
                text: RwSignal::new(goal.text.clone()),
                target: RwSignal::new(goal.target_date.map(|d| d.to_string()).unwrap_or_default()),
                status: RwSignal::new(goal.status),
            })
        });
    }

    /// The client as the form describes it, or every problem with it.
    fn build_client(&self, id: &ClientId, archived: bool) -> Result<Client, Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let date_of_birth = parse_optional_date(&self.date_of_birth.get_untracked())
            .map_err(|m| issues.push(ValidationIssue::new("Date of birth", m)))
            .unwrap_or(None);
        let primary = self.primary.get_untracked();
        let diagnoses = self
            .diagnoses
            .get_untracked()
            .iter()
            .map(|row| {
                let raw = row.code.get_untracked();
                Diagnosis {
                    // A bad code is kept as typed so `validate` names it.
                    code: normalize_icd10_code(&raw).unwrap_or(raw),
                    description: row.description.get_untracked().trim().to_owned(),
                    primary: primary == Some(row.key),
                }
            })
            .collect();
        let mut goals = Vec::new();
        for (index, row) in self.goals.get_untracked().iter().enumerate() {
            let target_date = parse_optional_date(&row.target.get_untracked())
                .map_err(|m| {
                    issues.push(ValidationIssue::new(
                        "Goals",
                        format!("Goal {}: {m}", index + 1),
                    ))
                })
                .unwrap_or(None);
            goals.push(Goal {
                id: row.id.get_value(),
                text: row.text.get_untracked().trim().to_owned(),
                target_date,
                status: row.status.get_untracked(),
            });
        }
        let code = self.code.get_untracked().trim().to_owned();
        let client = Client {
            id: id.clone(),
            name: self.name.get_untracked().trim().to_owned(),
            code: (!code.is_empty()).then_some(code),
            date_of_birth,
            pronouns: self.pronouns.get_untracked().trim().to_owned(),
            diagnoses,
            goals,
            archived,
        };
        if let Err(more) = client.validate() {
            issues.extend(more);
        }
        if issues.is_empty() {
            Ok(client)
        } else {
            Err(issues)
        }
    }
}

/// An empty field is no date; anything else must be a real date.
fn parse_optional_date(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Date::parse(text)
        .map(Some)
        .map_err(|e| format!("{e} Use the date picker, or leave it empty."))
}

/// A new client.
#[component]
pub fn ClientNewPage() -> impl IntoView {
    let session = use_session();
    match session.vault().new_client() {
        Ok(editable) => view! {
            <h1>"New client"</h1>
            <ClientForm editable=editable />
        }
        .into_any(),
        Err(e) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
    }
}

/// Editing a client, archiving, deleting.
#[component]
pub fn ClientEditPage() -> impl IntoView {
    let session = use_session();
    let client_id = client_id_param();
    let loaded = LocalResource::new(move || {
        let id = client_id.get();
        async move { session.vault().edit_client(&id).await }
    });
    move || match loaded.get() {
        None => view! { <p class="status" role="status">"Opening the client…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <p class="alert" role="alert">{e.to_string()}</p>
            <A href="/">"Back to clients"</A>
        }
        .into_any(),
        Some(Ok(editable)) => {
            let heading = format!("Edit client: {}", shown_name(&editable.client(), false));
            let saved = RwSignal::new(editable.client());
            view! {
                <h1>{heading}</h1>
                <ClientForm editable=editable.clone() saved=saved />
                <ArchiveAndDelete editable=editable saved=saved />
            }
            .into_any()
        }
    }
}

/// The client form. A client never saved is created by "Save client".
/// `saved` (edit page) is the client as last stored, shared with the archive
/// buttons so the archived flag stays in step.
#[component]
fn ClientForm(
    editable: EditableClient,
    #[prop(optional)] saved: Option<RwSignal<Client>>,
) -> impl IntoView {
    let session = use_session();
    let record = use_client_record();
    let navigate = use_navigate();
    let client = editable.client();
    let fields = ClientFields::from_client(&client);
    let id = client.id.clone();
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let cancel_href = if editable.is_saved() {
        format!("/clients/{id}")
    } else {
        "/".to_owned()
    };
    let editable = StoredValue::new_local(editable);
    let conflict = RwSignal::new(None::<Conflict<Client>>);

    let save = Action::new_local(move |client: &Client| {
        let client = client.clone();
        let navigate = navigate.clone();
        async move {
            match editable.get_value().save(&client, now_ms()).await {
                Ok(()) => {
                    if let Some(saved) = saved {
                        saved.set(client.clone());
                    }
                    if let Some(record) = record {
                        record.reload();
                    }
                    navigate(&format!("/clients/{}", client.id), Default::default());
                    Ok(())
                }
                Err(SaveError::Conflict(c)) => {
                    conflict.set(Some(*c));
                    Ok(())
                }
                Err(SaveError::Failed(e)) => Err(e.to_string()),
            }
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        let archived = saved.is_some_and(|s| s.with_untracked(|c| c.archived));
        match fields.build_client(&id, archived) {
            Ok(client) => {
                issues.set(Vec::new());
                save.dispatch_local(client);
            }
            Err(found) => issues.set(found),
        }
    };
    let keep_mine = Callback::new(move |()| {
        let Some(c) = conflict.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if editable
                .get_value()
                .keep_mine(&c.mine, now_ms())
                .await
                .is_ok()
            {
                conflict.set(None);
                if let Some(record) = record {
                    record.reload();
                }
            }
        });
    });
    let keep_theirs = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            if let Ok(Some(theirs)) = editable.get_value().keep_theirs().await {
                fields.load(&theirs);
                if let Some(saved) = saved {
                    saved.set(theirs);
                }
            }
            conflict.set(None);
        });
    });
    let _ = session;

    view! {
        {move || conflict.get().map(|c| view! {
            <ConflictPanel
                mine=client_rows(&c.mine)
                theirs=c.theirs.as_ref().map(client_rows)
                clashes=c.clashes.clone()
                on_keep_mine=keep_mine
                on_keep_theirs=Some(keep_theirs)
                on_keep_both=None
            />
        })}
        <form class="card client-form" on:submit=submit novalidate>
            <div class="grid">
                <div>
                    <label for="client-name">"Client name"</label>
                    <input
                        id="client-name"
                        aria-invalid=move || issues.with(|i| invalid(i, Client::NAME_LABEL))
                        aria-describedby=move || issues.with(|i| described_by(i, ISSUE_PREFIX, Client::NAME_LABEL, None))
                        use:private_text
                        bind:value=fields.name
                    />
                </div>
                <div>
                    <label for="client-code">"Client code"</label>
                    <input id="client-code" aria-describedby="client-code-hint" use:private_text bind:value=fields.code />
                    <p class="field-hint" id="client-code-hint">"Optional: initials or a chart number, shown instead of the name if you choose so in Settings."</p>
                </div>
                <div>
                    <label for="client-dob">"Date of birth"</label>
                    <input
                        id="client-dob"
                        type="date"
                        aria-invalid=move || issues.with(|i| invalid(i, "Date of birth"))
                        aria-describedby=move || issues.with(|i| described_by(i, ISSUE_PREFIX, "Date of birth", None))
                        use:private_text
                        bind:value=fields.date_of_birth
                    />
                </div>
                <div>
                    <label for="client-pronouns">"Pronouns"</label>
                    <input id="client-pronouns" use:private_text bind:value=fields.pronouns />
                </div>
            </div>
            <DiagnosesEditor fields=fields issues=issues />
            <GoalsEditor fields=fields issues=issues />
            <IssueList
                issues=issues
                heading="The client could not be saved:"
                id_prefix=ISSUE_PREFIX
                target=field_element
            />
            <ErrorAlert message=error />
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"Save client"</button>
                <A href=cancel_href attr:class="button secondary">"Cancel"</A>
            </div>
        </form>
    }
}

/// A client as label/value rows, for comparing two versions.
fn client_rows(client: &Client) -> Vec<(String, String)> {
    vec![
        ("Client name".into(), client.name.clone()),
        (
            "Client code".into(),
            client.code.clone().unwrap_or_default(),
        ),
        (
            "Date of birth".into(),
            client
                .date_of_birth
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("Pronouns".into(), client.pronouns.clone()),
        (
            "Diagnoses".into(),
            client
                .diagnoses
                .iter()
                .map(|d| format!("{} {}", d.code, d.description))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "Treatment goals".into(),
            client
                .goals
                .iter()
                .map(|g| g.text.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "Archived".into(),
            if client.archived {
                "Yes".into()
            } else {
                "No".into()
            },
        ),
    ]
}

#[component]
fn DiagnosesEditor(fields: ClientFields, issues: RwSignal<Vec<ValidationIssue>>) -> impl IntoView {
    view! {
        <fieldset class="subform">
            <legend>"Diagnoses"</legend>
            <p class="field-hint">"ICD-10-CM codes, for example F41.1. Mark one as primary."</p>
            <For
                each=move || fields.diagnoses.get()
                key=|row| row.key
                children=move |row| {
                    let code_id = format!("dx-code-{}", row.key);
                    let desc_id = format!("dx-desc-{}", row.key);
                    let remove = move |_| {
                        fields.diagnoses.update(|rows| rows.retain(|r| r.key != row.key));
                        if fields.primary.get_untracked() == Some(row.key) {
                            let first = fields.diagnoses.with_untracked(|rows| rows.first().map(|r| r.key));
                            fields.primary.set(first);
                        }
                    };
                    let position = move || {
                        fields.diagnoses.with(|rows| rows.iter().position(|r| r.key == row.key).unwrap_or(0) + 1)
                    };
                    // A code the last save refused is marked, and points at why.
                    let code_refused = move || {
                        issues.with(|i| invalid(i, Client::DIAGNOSES_LABEL)).is_some()
                            && normalize_icd10_code(&row.code.get()).is_err()
                    };
                    view! {
                        <div class="subform__row">
                            <div class="subform__code">
                                <label for=code_id.clone()>"ICD-10-CM code " {position}</label>
                                <input
                                    id=code_id
                                    aria-invalid=move || code_refused().then_some("true")
                                    aria-describedby=move || {
                                        code_refused()
                                            .then(|| issues.with(|i| described_by(i, ISSUE_PREFIX, Client::DIAGNOSES_LABEL, None)))
                                            .flatten()
                                    }
                                    use:private_text
                                    bind:value=row.code
                                />
                            </div>
                            <div class="subform__grow">
                                <label for=desc_id.clone()>"Description " {position}</label>
                                <input id=desc_id use:private_text bind:value=row.description />
                            </div>
                            <label class="row subform__check">
                                <input
                                    type="radio"
                                    class="checkbox"
                                    name="primary-diagnosis"
                                    aria-label=move || format!("Primary diagnosis {}", position())
                                    prop:checked=move || fields.primary.get() == Some(row.key)
                                    on:change=move |_| fields.primary.set(Some(row.key))
                                />
                                <span>"Primary"</span>
                            </label>
                            <button type="button" class="secondary" on:click=remove>
                                "Remove diagnosis " {position}
                            </button>
                        </div>
                    }
                }
            />
            <button type="button" class="secondary" on:click=move |_| { fields.add_diagnosis("", ""); }>
                "Add diagnosis"
            </button>
        </fieldset>
    }
}

#[component]
fn GoalsEditor(fields: ClientFields, issues: RwSignal<Vec<ValidationIssue>>) -> impl IntoView {
    let session = use_session();
    let add = move |_| {
        // Goal ids only need to be unique within the client; progress notes
        // refer to them.
        let id = session
            .vault()
            .new_record_id()
            .unwrap_or_else(|_| format!("goal-{}-{}", now_ms(), fields.key()));
        fields.add_goal(&Goal::new(id, ""));
    };
    view! {
        <fieldset class="subform">
            <legend>"Treatment goals"</legend>
            <For
                each=move || fields.goals.get()
                key=|row| row.key
                children=move |row| {
                    let text_id = format!("goal-text-{}", row.key);
                    let target_id = format!("goal-target-{}", row.key);
                    let status_id = format!("goal-status-{}", row.key);
                    let position = move || {
                        fields.goals.with(|rows| rows.iter().position(|r| r.key == row.key).unwrap_or(0) + 1)
                    };
                    let remove = move |_| fields.goals.update(|rows| rows.retain(|r| r.key != row.key));
                    // A goal the last save refused for having no text is marked.
                    let text_refused = move || {
                        issues.with(|i| invalid(i, Client::GOALS_LABEL)).is_some()
                            && row.text.with(|t| t.trim().is_empty())
                    };
                    view! {
                        <div class="subform__row">
                            <div class="subform__grow">
                                <label for=text_id.clone()>"Goal " {position}</label>
                                <input
                                    id=text_id
                                    aria-invalid=move || text_refused().then_some("true")
                                    aria-describedby=move || {
                                        text_refused()
                                            .then(|| issues.with(|i| described_by(i, ISSUE_PREFIX, Client::GOALS_LABEL, None)))
                                            .flatten()
                                    }
                                    use:private_text
                                    bind:value=row.text
                                />
                            </div>
                            <div>
                                <label for=target_id.clone()>"Target date " {position}</label>
                                <input id=target_id type="date" bind:value=row.target />
                            </div>
                            <div>
                                <label for=status_id.clone()>"Status " {position}</label>
                                <select
                                    id=status_id
                                    on:change:target=move |ev| {
                                        row.status.set(match ev.target().value().as_str() {
                                            "met" => GoalStatus::Met,
                                            "discontinued" => GoalStatus::Discontinued,
                                            _ => GoalStatus::Active,
                                        })
                                    }
                                >
                                    <option value="active" selected=move || row.status.get() == GoalStatus::Active>"Active"</option>
                                    <option value="met" selected=move || row.status.get() == GoalStatus::Met>"Met"</option>
                                    <option value="discontinued" selected=move || row.status.get() == GoalStatus::Discontinued>"Discontinued"</option>
                                </select>
                            </div>
                            <button type="button" class="secondary" on:click=remove>
                                "Remove goal " {position}
                            </button>
                        </div>
                    }
                }
            />
            <button type="button" class="secondary" on:click=add>"Add goal"</button>
        </fieldset>
    }
}

/// Archive or unarchive, and delete with an explicit confirmation. A client who
/// still has notes cannot be deleted: the vault refuses it, and says why.
#[component]
fn ArchiveAndDelete(editable: EditableClient, saved: RwSignal<Client>) -> impl IntoView {
    let navigate = use_navigate();
    let record = use_client_record();
    let editable = StoredValue::new_local(editable);
    let confirming = RwSignal::new(false);
    let confirm_text = RwSignal::new(String::new());

    let archive = Action::new_local(move |_: &()| async move {
        let mut client = saved.get_untracked();
        client.archived = !client.archived;
        editable
            .get_value()
            .save(&client, now_ms())
            .await
            .map_err(|e| e.to_string())?;
        let archived = client.archived;
        saved.set(client);
        if let Some(record) = record {
            record.reload();
        }
        Ok::<String, String>(
            if archived {
                "Client archived. The record is kept; the client is hidden from the list."
            } else {
                "Client unarchived."
            }
            .to_owned(),
        )
    });
    let delete = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            editable
                .get_value()
                .delete(now_ms())
                .await
                .map_err(|e| e.to_string())?;
            navigate("/", Default::default());
            Ok::<String, String>(String::new())
        }
    });
    let busy = move || archive.pending().get() || delete.pending().get();
    let outcome = Signal::derive(move || {
        let archived = archive.value().get();
        let deleted = delete.value().get().filter(Result::is_err);
        deleted.or(archived)
    });

    view! {
        <section class="card" aria-labelledby="archive-heading">
            <h2 id="archive-heading">"Archive or delete"</h2>
            <p class="field-hint">"Archiving keeps the whole record and hides the client from the list. Deleting is permanent and only possible for a client without notes."</p>
            <div class="actions">
                <button type="button" class="secondary" disabled=busy on:click=move |_| { archive.dispatch_local(()); }>
                    {move || if saved.with(|c| c.archived) { "Unarchive client" } else { "Archive client" }}
                </button>
                <button type="button" class="danger" disabled=busy on:click=move |_| confirming.set(true)>
                    "Delete client…"
                </button>
            </div>
            <Outcome status=outcome />
            <Show when=move || confirming.get()>
                <div class="confirm" role="group" aria-labelledby="delete-confirm-heading">
                    <h3 id="delete-confirm-heading">"Delete this client permanently?"</h3>
                    <p>"This cannot be undone. The deletion is written to the audit log. A client with notes cannot be deleted."</p>
                    <label for="delete-confirm">"Type DELETE to confirm"</label>
                    <input id="delete-confirm" use:private_text bind:value=confirm_text />
                    <div class="actions">
                        <button
                            type="button"
                            class="danger"
                            disabled=move || busy() || confirm_text.get().trim() != "DELETE"
                            on:click=move |_| { delete.dispatch_local(()); }
                        >
                            "Delete client permanently"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| { confirming.set(false); confirm_text.set(String::new()); }>
                            "Keep client"
                        </button>
                    </div>
                </div>
            </Show>
        </section>
    }
}
