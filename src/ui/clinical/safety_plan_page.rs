//! The client's safety plan (Stanley–Brown): written with the client, saved
//! as numbered versions that never change, and printed for the client in
//! plain words.
//!
//! What is typed is kept on this device as it is typed (the drafts store,
//! never synced), so a lock or reload mid-crisis loses nothing; "Save safety
//! plan" makes the next version. Lists are one entry per line; a contact is
//! "Name: number".

use std::rc::Rc;

use leptos::prelude::*;

use crate::domain::safety_plan::{Contact, PrintView};
use crate::domain::{Client, SafetyPlan, SafetyPlanContent, SafetyPlanVersion, ValidationIssue};
use crate::ui::clock::{now_local, now_ms};
use crate::ui::private_text::private_text;
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording;
use crate::vault::safety_plans::{SafetyPlanBuffer, SafetyPlanError};
use crate::vault::VaultError;

use super::autosave::{Autosave, SaveFuture, SaveIndicator, Writer};
use super::client_context::use_client_record;
use super::common::{format_timestamp, shown_name};

type Loaded = (Option<SafetyPlan>, Option<SafetyPlanBuffer>, bool);

async fn load(session: Session, client_id: String) -> Result<Loaded, VaultError> {
    let vault = session.vault();
    let plan = vault.safety_plan(&client_id).await?;
    // A kept buffer that does not open is not worth blocking the plan for.
    let buffer = vault.safety_plan_buffer(&client_id).await.ok().flatten();
    let to_settle = vault
        .safety_plan_versions_to_settle(&client_id)
        .await
        .unwrap_or(false);
    Ok((plan, buffer, to_settle))
}

/// The safety plan tab of a client's record.
#[component]
pub fn SafetyPlanPage() -> impl IntoView {
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
        let opening =
            || view! { <p class="status" role="status">"Opening the safety plan…"</p> }.into_any();
        let Some(client) = record.client.get() else {
            return opening();
        };
        match loaded.get() {
            None => opening(),
            Some(Err(e)) => view! {
                <h1>"Safety plan"</h1>
                <p class="alert" role="alert">{e.to_string()}</p>
            }
            .into_any(),
            Some(Ok((plan, buffer, to_settle))) => {
                view! { <SafetyPlanEditor client=client plan=plan buffer=buffer to_settle=to_settle /> }
                    .into_any()
            }
        }
    })
    .into_any()
}

/// One entry per line, blank lines dropped.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Name: number" per line; a line without a colon is a name alone.
fn contacts(text: &str) -> Vec<Contact> {
    lines(text)
        .into_iter()
        .map(|line| match line.split_once(':') {
            Some((name, phone)) => Contact::new(name.trim(), phone.trim()),
            None => Contact::new(line, ""),
        })
        .collect()
}

fn contact_lines(list: &[Contact]) -> String {
    list.iter()
        .map(Contact::line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The form's text fields.
#[derive(Clone, Copy)]
struct Fields {
    warning_signs: RwSignal<String>,
    coping: RwSignal<String>,
    distractions: RwSignal<String>,
    people: RwSignal<String>,
    professionals: RwSignal<String>,
    crisis_name: RwSignal<String>,
    crisis_phone: RwSignal<String>,
    emergency: RwSignal<String>,
    making_safe: RwSignal<String>,
    reasons: RwSignal<String>,
}

impl Fields {
    fn new(c: &SafetyPlanContent) -> Fields {
        Fields {
            warning_signs: RwSignal::new(c.warning_signs.join("\n")),
            coping: RwSignal::new(c.coping_strategies.join("\n")),
            distractions: RwSignal::new(c.distractions.join("\n")),
            people: RwSignal::new(contact_lines(&c.people_to_ask)),
            professionals: RwSignal::new(contact_lines(&c.professionals)),
            crisis_name: RwSignal::new(c.crisis_line.name.clone()),
            crisis_phone: RwSignal::new(c.crisis_line.phone.clone()),
            emergency: RwSignal::new(c.emergency_service.clone()),
            making_safe: RwSignal::new(c.making_safe.join("\n")),
            reasons: RwSignal::new(c.reasons_for_living.join("\n")),
        }
    }

    /// The content as typed; `None` once the page is gone.
    fn content(&self) -> Option<SafetyPlanContent> {
        Some(SafetyPlanContent {
            warning_signs: lines(&self.warning_signs.try_get_untracked()?),
            coping_strategies: lines(&self.coping.try_get_untracked()?),
            distractions: lines(&self.distractions.try_get_untracked()?),
            people_to_ask: contacts(&self.people.try_get_untracked()?),
            professionals: contacts(&self.professionals.try_get_untracked()?),
            crisis_line: Contact::new(
                self.crisis_name.try_get_untracked()?,
                self.crisis_phone.try_get_untracked()?,
            ),
            emergency_service: self.emergency.try_get_untracked()?,
            making_safe: lines(&self.making_safe.try_get_untracked()?),
            reasons_for_living: lines(&self.reasons.try_get_untracked()?),
        })
    }
}

#[component]
fn SafetyPlanEditor(
    client: Client,
    plan: Option<SafetyPlan>,
    buffer: Option<SafetyPlanBuffer>,
    /// Versions from another device are kept beside the ones shown.
    to_settle: bool,
) -> impl IntoView {
    let session = use_session();
    let custodian = session.is_custodian();
    let client_id = client.id.clone();
    let plan = RwSignal::new(plan.unwrap_or_else(|| SafetyPlan::new(client_id.clone())));
    let current_content = plan.with_untracked(|p| p.current().map(|v| v.content.clone()));
    // A kept buffer equal to the saved version is what a save left behind.
    let buffer = buffer.filter(|b| Some(&b.content.tidied()) != current_content.as_ref());
    let recovered = RwSignal::new(buffer.is_some());
    let seen = RwSignal::new(
        buffer
            .as_ref()
            .map_or_else(|| plan.with_untracked(|p| p.versions().len()), |b| b.seen),
    );
    let start = buffer
        .map(|b| b.content)
        .or(current_content)
        .unwrap_or_else(|| SafetyPlanContent {
            crisis_line: crate::domain::safety_plan::us_988_lifeline(),
            ..SafetyPlanContent::default()
        });
    let fields = Fields::new(&start);
    let issues = RwSignal::new(Vec::<ValidationIssue>::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let printing = RwSignal::new(None::<u32>);

    let buffer_writer: Writer = {
        let client_id = client_id.clone();
        Rc::new(move || -> SaveFuture {
            let Some(content) = fields.content() else {
                return Box::pin(async { Ok(()) });
            };
            let buffer = SafetyPlanBuffer {
                client_id: client_id.clone(),
                content,
                seen: seen.get_untracked(),
            };
            Box::pin(async move {
                session
                    .vault()
                    .keep_safety_plan_buffer(&buffer)
                    .await
                    .map_err(|e| e.to_string())
            })
        })
    };
    let autosave = Autosave::new(buffer_writer);

    let save = Action::new_local({
        let client_id = client_id.clone();
        move |_: &()| {
            let client_id = client_id.clone();
            async move {
                let content = fields.content()?;
                // Pending keystrokes go to the buffer first, so a failed save
                // still leaves them kept.
                autosave.flush().await;
                let result = session
                    .vault()
                    .save_safety_plan(
                        client_id.as_str(),
                        &content,
                        seen.get_untracked(),
                        now_local(),
                        now_ms(),
                    )
                    .await;
                match result {
                    Ok(saved) => {
                        issues.set(Vec::new());
                        let version = saved.plan.current().map_or(0, |v| v.version);
                        seen.set(saved.plan.versions().len());
                        plan.set(saved.plan);
                        autosave.settled();
                        recovered.set(false);
                        let meanwhile = match saved.saved_meanwhile {
                            0 => String::new(),
                            1 => " Another version was saved elsewhere while you wrote; it is kept in the history below.".to_owned(),
                            n => format!(" {n} other versions were saved elsewhere while you wrote; they are kept in the history below."),
                        };
                        outcome.set(Some(Ok(format!("Version {version} saved.{meanwhile}"))));
                    }
                    Err(SafetyPlanError::Refused(
                        crate::domain::safety_plan::SaveSafetyPlanError::Incomplete(found),
                    )) => {
                        issues.set(found);
                        outcome.set(Some(Err(
                            "The safety plan is not saved yet: see what it needs below.".to_owned(),
                        )));
                    }
                    Err(e) => outcome.set(Some(Err(e.to_string()))),
                }
                Some(())
            }
        }
    });

    let gaps = move || {
        // Reminders follow the text as typed, once a version exists or
        // something was written.
        for field in [
            fields.warning_signs,
            fields.coping,
            fields.distractions,
            fields.people,
            fields.professionals,
            fields.crisis_name,
            fields.crisis_phone,
            fields.emergency,
            fields.making_safe,
            fields.reasons,
        ] {
            field.track();
        }
        fields.content().map(|c| c.gaps()).unwrap_or_default()
    };

    let name = shown_name(&client, false);
    let textarea = move |id: &'static str,
                         label: &'static str,
                         hint: &'static str,
                         value: RwSignal<String>| {
        let hint_id = format!("{id}-hint");
        view! {
            <label for=id>{label}</label>
            <textarea
                id=id
                rows="4"
                use:private_text
                aria-describedby=hint_id.clone()
                aria-invalid=move || issues.with(|i| i.iter().any(|i| i.field == label)).then_some("true")
                prop:value=move || value.get()
                on:input:target=move |ev| {
                    value.set(ev.target().value());
                    autosave.touch();
                }
            ></textarea>
            <p class="field-hint" id=hint_id>{hint}</p>
        }
    };
    let input = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                use:private_text
                aria-invalid=move || issues.with(|i| i.iter().any(|i| i.field == label)).then_some("true")
                prop:value=move || value.get()
                on:input:target=move |ev| {
                    value.set(ev.target().value());
                    autosave.touch();
                }
            />
        }
    };

    view! {
        <div class="safety-plan-page">
            <div class="page-head">
                <h1>{format!("Safety plan: {name}")}</h1>
                <SaveIndicator autosave=autosave />
            </div>
            {to_settle.then(|| view! {
                <p class="notice" role="status">
                    "This safety plan has versions from another device. Both are kept; this screen shows one of them, and saving adds the next version to it."
                </p>
            })}
            {move || recovered.get().then(|| view! {
                <p class="notice" role="status">"Opened with what was written here and not saved yet. Save safety plan makes it the next version."</p>
            })}
            <Show
                when=move || !custodian
                fallback=|| view! { <p class="notice" role="note">"Read only for a records custodian: each saved version is below, and prints for the client."</p> }
            >
            <form class="card safety-plan-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.dispatch_local(()); } on:focusout=move |_| autosave.flush_soon()>
                <p class="muted">"Written with the client, in their words, one entry per line. Each save keeps the earlier versions as they were."</p>
                <h2>"1. " {SafetyPlanContent::WARNING_SIGNS_LABEL}</h2>
                {textarea("sp-warning", SafetyPlanContent::WARNING_SIGNS_LABEL, "Thoughts, moods, situations that tell a crisis may be starting.", fields.warning_signs)}
                <h2>"2. " {SafetyPlanContent::COPING_STRATEGIES_LABEL}</h2>
                {textarea("sp-coping", SafetyPlanContent::COPING_STRATEGIES_LABEL, "What the client can do alone to take their mind off things.", fields.coping)}
                <h2>"3. " {SafetyPlanContent::DISTRACTIONS_LABEL}</h2>
                {textarea("sp-distractions", SafetyPlanContent::DISTRACTIONS_LABEL, "People and social places that help them think about something else.", fields.distractions)}
                <h2>"4. " {SafetyPlanContent::PEOPLE_TO_ASK_LABEL}</h2>
                {textarea("sp-people", SafetyPlanContent::PEOPLE_TO_ASK_LABEL, "One per line, as Name: number.", fields.people)}
                <h2>"5. " {SafetyPlanContent::PROFESSIONALS_LABEL}</h2>
                {textarea("sp-professionals", SafetyPlanContent::PROFESSIONALS_LABEL, "Clinicians and agencies, one per line, as Name: number.", fields.professionals)}
                <div class="form-grid">
                    <div>{input("sp-crisis-name", SafetyPlanContent::CRISIS_LINE_LABEL, fields.crisis_name)}</div>
                    <div>{input("sp-crisis-phone", "Crisis line number", fields.crisis_phone)}</div>
                </div>
                {input("sp-emergency", SafetyPlanContent::EMERGENCY_SERVICE_LABEL, fields.emergency)}
                <h2>"6. " {SafetyPlanContent::MAKING_SAFE_LABEL}</h2>
                {textarea("sp-safe", SafetyPlanContent::MAKING_SAFE_LABEL, "What was agreed about access to lethal means, even if there is none.", fields.making_safe)}
                <h2>{SafetyPlanContent::REASONS_FOR_LIVING_LABEL}</h2>
                {textarea("sp-reasons", SafetyPlanContent::REASONS_FOR_LIVING_LABEL, "What matters most to the client.", fields.reasons)}
                {move || {
                    let found = issues.get();
                    (!found.is_empty()).then(|| view! {
                        <div class="alert" role="alert">
                            <p>"Before it can be saved:"</p>
                            <ul>{found.into_iter().map(|i| view! { <li>{i.to_string()}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                {move || {
                    let found = gaps();
                    (!found.is_empty()).then(|| view! {
                        <div class="notice" role="note" aria-label="Steps to come back to">
                            <p>"Steps to come back to (saving does not wait for them):"</p>
                            <ul>{found.into_iter().map(|i| view! { <li>{i.message.clone()}</li> }).collect_view()}</ul>
                        </div>
                    })
                }}
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>{SafetyPlanContent::SAVE_LABEL}</button>
                </div>
                {move || outcome.get().map(|o| match o {
                    Ok(m) => view! { <p class="status" role="status">{m}</p> }.into_any(),
                    Err(m) => view! { <p class="alert" role="alert">{m}</p> }.into_any(),
                })}
            </form>
            </Show>
            <Versions plan=plan printing=printing />
            {move || {
                let number = printing.get()?;
                let version = plan.with(|p| p.version(number).cloned())?;
                Some(view! { <SafetyPlanPrint view=version.print_view() /> })
            }}
        </div>
    }
}

/// Every saved version, newest first, each printable for the client.
#[component]
fn Versions(plan: RwSignal<SafetyPlan>, printing: RwSignal<Option<u32>>) -> impl IntoView {
    let print = move |number: u32| {
        printing.set(Some(number));
        // The print layout is rendered first, then printed.
        leptos::task::spawn_local(async move {
            crate::ui::busy::next_frame().await;
            let _ = window().print();
        });
    };
    move || {
        // Newest first.
        let mut versions: Vec<SafetyPlanVersion> = plan.with(|p| p.versions().to_vec());
        versions.reverse();
        if versions.is_empty() {
            return view! { <p class="empty">"No version saved yet."</p> }.into_any();
        }
        view! {
            <section class="card" aria-labelledby="sp-versions-heading">
                <h2 id="sp-versions-heading">"Versions"</h2>
                <ul class="list">
                    {versions.into_iter().map(|v| {
                        let number = v.version;
                        let by = if v.saved_by.is_empty() { String::new() } else { format!(" by {}", v.saved_by) };
                        view! {
                            <li class="row-item">
                                <span>{format!("Version {number}, saved {}{by}", format_timestamp(v.saved_at))}</span>
                                <button type="button" class="secondary" on:click=move |_| print(number)>
                                    {format!("Print version {number} for the client")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
        .into_any()
    }
}

/// The plan as the client takes it home: hidden on screen, alone on paper.
#[component]
fn SafetyPlanPrint(view: PrintView) -> impl IntoView {
    let PrintView {
        title,
        subtitle,
        sections,
        footer,
    } = view;
    view! {
        <article class="safety-print">
            <h1>{title}</h1>
            <p>{subtitle}</p>
            {sections.into_iter().map(|s| {
                let heading = match s.step {
                    Some(step) => format!("Step {step}: {}", s.heading),
                    None => s.heading.to_owned(),
                };
                view! {
                    <section class="safety-print__step">
                        <h2>{heading}</h2>
                        <p class="safety-print__hint">{s.hint}</p>
                        {if s.items.is_empty() {
                            view! { <p class="safety-print__blank">" "</p> }.into_any()
                        } else {
                            view! { <ul>{s.items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
            <p class="safety-print__footer"><strong>{footer}</strong></p>
        </article>
    }
}
