//! "New request": recording a client's access or amendment request as it
//! arrived. The due date follows from the date received; the form says it
//! before the request is recorded.

use leptos::prelude::*;

use crate::domain::rights::clock::add_days_saturating;
use crate::domain::rights::{
    AccessRequest, AmendmentRequest, Recipient, RecordPart, RightKind, RightsRequest,
};
use crate::domain::{ClientId, Date, NoteSummary, ProgressNoteId};
use crate::ui::clock::{now_ms, today};
use crate::ui::outcome::Outcome;
use crate::ui::session_context::{use_session, Session};

use super::common::{focus_element, format_date};

/// The label a note has wherever a request names it.
pub fn note_label(note: &NoteSummary) -> String {
    let time = note.start.map(|t| format!(", {t}")).unwrap_or_default();
    format!(
        "{}{time} ({})",
        format_date(note.date_of_service),
        note.template_name()
    )
}

/// The form's fields.
#[derive(Clone, Copy)]
struct Fields {
    kind: RwSignal<String>,
    received: RwSignal<String>,
    part: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    recipient: RwSignal<String>,
    third_name: RwSignal<String>,
    third_address: RwSignal<String>,
    notes: RwSignal<Vec<ProgressNoteId>>,
    change: RwSignal<String>,
}

impl Fields {
    fn new() -> Fields {
        Fields {
            kind: RwSignal::new("access".to_owned()),
            received: RwSignal::new(today().to_string()),
            part: RwSignal::new("full".to_owned()),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            recipient: RwSignal::new("client".to_owned()),
            third_name: RwSignal::new(String::new()),
            third_address: RwSignal::new(String::new()),
            notes: RwSignal::new(Vec::new()),
            change: RwSignal::new(String::new()),
        }
    }

    /// Empties the form, so the next request starts from nothing: a
    /// recipient or notes left from the last one would go unnoticed.
    fn clear(&self) {
        self.kind.set("access".to_owned());
        self.received.set(today().to_string());
        self.part.set("full".to_owned());
        self.from.set(String::new());
        self.to.set(String::new());
        self.recipient.set("client".to_owned());
        self.third_name.set(String::new());
        self.third_address.set(String::new());
        self.notes.set(Vec::new());
        self.change.set(String::new());
    }

    fn kind(&self) -> RightKind {
        if self.kind.get_untracked() == "amendment" {
            RightKind::Amendment
        } else {
            RightKind::Access
        }
    }

    /// The request as typed, or what to fix.
    fn request(&self, session: Session, client_id: &ClientId) -> Result<RightsRequest, String> {
        let received = Date::parse(self.received.get_untracked().trim())
            .map_err(|_| "Enter the date the request was received.".to_owned())?;
        if received > today() {
            return Err(
                "The date received is in the future. Enter the day the request arrived.".to_owned(),
            );
        }
        let id = session
            .vault()
            .new_request_id()
            .map_err(|e| e.to_string())?;
        let optional_date = |text: String, what: &str| -> Result<Option<Date>, String> {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Ok(None);
            }
            Date::parse(&text)
                .map(Some)
                .map_err(|_| format!("Enter the {what} as a date, or leave it empty."))
        };
        match self.kind() {
            RightKind::Access => {
                let part = if self.part.get_untracked() == "dates" {
                    RecordPart::DatesOfService {
                        from: optional_date(self.from.get_untracked(), "first date")?,
                        to: optional_date(self.to.get_untracked(), "last date")?,
                    }
                } else {
                    RecordPart::Full
                };
                let recipient = if self.recipient.get_untracked() == "third" {
                    Recipient::ThirdParty {
                        name: self.third_name.get_untracked(),
                        address: self.third_address.get_untracked(),
                    }
                } else {
                    Recipient::Client
                };
                AccessRequest::new(id, client_id.clone(), received, part, recipient)
                    .map(RightsRequest::Access)
                    .map_err(|e| e.to_string())
            }
            RightKind::Amendment => AmendmentRequest::new(
                id,
                client_id.clone(),
                received,
                self.notes.get_untracked(),
                &self.change.get_untracked(),
            )
            .map(RightsRequest::Amendment)
            .map_err(|e| e.to_string()),
        }
    }
}

/// "New request" and its form.
#[component]
pub fn NewRequest(
    /// Whose request it is.
    client_id: ClientId,
    /// The client's signed notes, which an amendment may name.
    #[prop(into)]
    signed_notes: Signal<Vec<NoteSummary>>,
    /// Called once a request is recorded.
    on_recorded: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let fields = Fields::new();
    let record = Action::new_local(move |request: &RightsRequest| {
        let request = request.clone();
        async move {
            session
                .vault()
                .record_request(&request, now_ms())
                .await
                .map(|()| request)
                .map_err(|e| e.to_string())
        }
    });
    Effect::new(move |_| {
        let Some(result) = record.value().get() else {
            return;
        };
        match result {
            Ok(request) => {
                open.set(false);
                fields.clear();
                status.set(Some(Ok(format!(
                    "{} request recorded. It is due {}.",
                    request.kind().label(),
                    request.deadline().due()
                ))));
                on_recorded.run(());
            }
            Err(e) => status.set(Some(Err(e))),
        }
    });
    let pending = record.pending();
    let submit = {
        let client_id = client_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            // A second tap while the first is being recorded records nothing.
            if pending.get_untracked() {
                return;
            }
            match fields.request(session, &client_id) {
                Ok(request) => {
                    status.set(None);
                    record.dispatch_local(request);
                }
                Err(e) => status.set(Some(Err(e))),
            }
        }
    };
    let due_hint = move || {
        let received = Date::parse(fields.received.get().trim()).ok()?;
        let kind = if fields.kind.get() == "amendment" {
            RightKind::Amendment
        } else {
            RightKind::Access
        };
        let due = add_days_saturating(received, i64::from(kind.days_to_act()));
        Some(format!(
            "Due {due}: {} days after it was received. It may be extended once by {} days, with written notice to the client before then.",
            kind.days_to_act(),
            kind.extension_days()
        ))
    };
    let start = move |_| {
        status.set(None);
        fields.clear();
        open.set(true);
        request_animation_frame(|| focus_element("request-type"));
    };
    view! {
        <section class="card" aria-labelledby="new-request-heading">
            <h2 id="new-request-heading">"Record a request"</h2>
            <Show
                when=move || open.get()
                fallback=move || view! { <button type="button" on:click=start>"New request"</button> }
            >
                <form class="request-form" on:submit=submit.clone()>
                    <div class="field">
                        <label for="request-type">"Request type"</label>
                        <select id="request-type" bind:value=fields.kind>
                            <option value="access">"Access"</option>
                            <option value="amendment">"Amendment"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="request-received">"Date received"</label>
                        <input id="request-received" type="date" bind:value=fields.received aria-describedby="request-due" />
                        <p class="field-hint" id="request-due">{due_hint}</p>
                    </div>
                    {move || if fields.kind.get() == "amendment" {
                        view! { <AmendmentFields fields=fields notes=signed_notes.get() /> }.into_any()
                    } else {
                        view! { <AccessFields fields=fields /> }.into_any()
                    }}
                    <div class="actions">
                        <button type="submit" disabled=move || pending.get()>"Record request"</button>
                        <button type="button" class="secondary" on:click=move |_| { open.set(false); status.set(None); fields.clear(); }>"Cancel"</button>
                    </div>
                </form>
            </Show>
            <Outcome status=status />
        </section>
    }
}

/// What an access request asks for, and where the copy goes.
#[component]
fn AccessFields(fields: Fields) -> impl IntoView {
    view! {
        <div class="field">
            <label for="request-part">"Part of the record"</label>
            <select id="request-part" bind:value=fields.part>
                <option value="full">"The full record"</option>
                <option value="dates">"Notes within dates of service"</option>
            </select>
        </div>
        <Show when=move || fields.part.get() == "dates">
            <div class="field-row">
                <div class="field">
                    <label for="request-from">"From"</label>
                    <input id="request-from" type="date" bind:value=fields.from />
                </div>
                <div class="field">
                    <label for="request-to">"To"</label>
                    <input id="request-to" type="date" bind:value=fields.to />
                </div>
            </div>
        </Show>
        <div class="field">
            <label for="request-recipient">"Send the copy to"</label>
            <select id="request-recipient" bind:value=fields.recipient>
                <option value="client">"The client"</option>
                <option value="third">"A third party the client named in writing"</option>
            </select>
        </div>
        <Show when=move || fields.recipient.get() == "third">
            <div class="field">
                <label for="request-third-name">"Recipient's name"</label>
                <input id="request-third-name" type="text" autocomplete="off" bind:value=fields.third_name />
            </div>
            <div class="field">
                <label for="request-third-address">"Recipient's address"</label>
                <textarea id="request-third-address" rows="2" autocomplete="off" bind:value=fields.third_address></textarea>
            </div>
        </Show>
    }
}

/// Which signed notes an amendment concerns, and the change asked for.
#[component]
fn AmendmentFields(fields: Fields, notes: Vec<NoteSummary>) -> impl IntoView {
    let boxes = notes
        .into_iter()
        .enumerate()
        .map(|(index, note)| {
            let id = format!("request-note-{index}");
            let note_id = note.id.clone();
            let checked = {
                let note_id = note_id.clone();
                move || fields.notes.with(|n| n.contains(&note_id))
            };
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                fields.notes.update(|n| {
                    n.retain(|x| x != &note_id);
                    if on {
                        n.push(note_id.clone());
                    }
                });
            };
            view! {
                <li>
                    <input id=id.clone() class="checkbox" type="checkbox" prop:checked=checked on:change=toggle />
                    <label for=id>{format!("Progress note {}", note_label(&note))}</label>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let none = boxes.is_empty();
    view! {
        <fieldset class="field">
            <legend>"Notes the amendment concerns"</legend>
            {if none {
                view! { <p class="empty">"This client has no signed progress notes. Only a signed note can be amended."</p> }.into_any()
            } else {
                view! { <ul class="checklist">{boxes}</ul> }.into_any()
            }}
        </fieldset>
        <div class="field">
            <label for="request-change">"Change requested"</label>
            <textarea id="request-change" rows="3" bind:value=fields.change aria-describedby="request-change-hint"></textarea>
            <p class="field-hint" id="request-change-hint">"In the client's words, as their request gives it."</p>
        </div>
    }
}
