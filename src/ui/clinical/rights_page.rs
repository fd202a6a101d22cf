//! The "Requests" tab of a client's record: the client's access and
//! amendment requests with their due dates (45 CFR 164.524, 164.526), and the
//! disclosures made of their record (164.528).
//!
//! The page reads the ledger and the client's note index; every step is taken
//! by a request card ([`super::request_card`]) through the vault, and the page
//! reads again after it.

use leptos::prelude::*;

use crate::domain::rights::{
    disclosures_of_client, open_requests, Disclosure, RequestId, RightsRequest,
};
use crate::domain::{ClientId, NoteSummary};
use crate::ui::clock::today;
use crate::ui::session_context::{use_session, Session};
use crate::ui::wording;
use crate::vault::VaultError;

use super::client_context::use_client_record;
use super::request_card::{RequestCard, StepOutcome};
use super::request_form::NewRequest;

/// What the page shows of the ledger, for one client.
#[derive(Clone)]
struct ClientLedger {
    requests: Vec<RightsRequest>,
    disclosures: Vec<Disclosure>,
    damaged: usize,
    /// Versions of requests recorded differently on another device.
    other_versions: Vec<(RequestId, Vec<RightsRequest>)>,
    /// The client's signed notes, newest first: what an amendment may name.
    signed_notes: Vec<NoteSummary>,
}

async fn load(session: Session, client_id: String) -> Result<ClientLedger, VaultError> {
    let vault = session.vault();
    let (ledger, index) =
        futures::join!(vault.rights_ledger(), vault.client_note_index(&client_id));
    let client = ClientId(client_id);
    let ledger = ledger?.of_client(&client);
    let mut signed_notes: Vec<NoteSummary> = index?
        .notes()
        .iter()
        .filter(|n| n.signed)
        .cloned()
        .collect();
    signed_notes.sort_by(|a, b| {
        b.date_of_service
            .cmp(&a.date_of_service)
            .then_with(|| b.start.cmp(&a.start))
    });
    Ok(ClientLedger {
        requests: ledger.requests,
        disclosures: ledger.disclosures,
        damaged: ledger.damaged,
        other_versions: ledger.other_versions,
        signed_notes,
    })
}

/// The requests tab.
#[component]
pub fn RightsPage() -> impl IntoView {
    let session = use_session();
    let Some(record) = use_client_record() else {
        return view! { <p class="alert" role="alert">{wording::client_gone()}</p> }.into_any();
    };
    let client_id = Memo::new(move |_| {
        record
            .client
            .with(|c| c.as_ref().map(|c| c.id.0.clone()).unwrap_or_default())
    });
    // Bumped after every step, so the page reads the ledger again.
    let changed = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        changed.track();
        session.received.track();
        load(session, client_id.get())
    });
    let on_changed = Callback::new(move |()| changed.update(|n| *n += 1));
    // The outcome of the last step, by request: kept here, because the cards
    // are drawn again from the ledger read after the step.
    let outcome = RwSignal::new(None::<StepOutcome>);
    let ledger = Signal::derive(move || loaded.get().and_then(Result::ok));
    let signed_notes = Signal::derive(move || {
        loaded
            .get()
            .and_then(Result::ok)
            .map(|l| l.signed_notes)
            .unwrap_or_default()
    });
    view! {
        <h1>"Requests"</h1>
        <p class="field-hint">
            "The client's requests to see or get a copy of their record, and to amend it, with the date each is due. "
            "Psychotherapy notes are never part of a copy or an amendment: the right of access excludes them (45 CFR 164.524(a)(1)(i))."
        </p>
        <NewRequest
            client_id=ClientId(client_id.get_untracked())
            signed_notes=signed_notes
            on_recorded=on_changed
        />
        {move || match loaded.get() {
            None => Some(view! { <p class="status" role="status">"Opening the requests…"</p> }.into_any()),
            Some(Err(e)) => Some(view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any()),
            Some(Ok(_)) => None,
        }}
        <RequestList ledger=ledger on_changed=on_changed outcome=outcome />
        {move || ledger.get().map(|l| view! {
            <DisclosureLog client_id=ClientId(client_id.get_untracked()) disclosures=l.disclosures />
        })}
    }
    .into_any()
}

/// Open requests by due date (overdue first), then closed ones, newest first.
///
/// Keyed by what each request says: after a step, only the card of the
/// request that changed is drawn again, and what is typed in the others stays.
#[component]
fn RequestList(
    ledger: Signal<Option<ClientLedger>>,
    on_changed: Callback<()>,
    outcome: RwSignal<Option<StepOutcome>>,
) -> impl IntoView {
    let rows = move || {
        ledger.with(|ledger| {
            let Some(ledger) = ledger else {
                return Vec::new();
            };
            let day = today();
            let mut ordered: Vec<RightsRequest> = open_requests(&ledger.requests, day)
                .into_iter()
                .map(|open| open.request.clone())
                .collect();
            let mut closed: Vec<RightsRequest> = ledger
                .requests
                .iter()
                .filter(|r| !r.is_open())
                .cloned()
                .collect();
            closed.sort_by(|a, b| {
                b.deadline()
                    .received()
                    .cmp(&a.deadline().received())
                    .then_with(|| a.id().cmp(b.id()))
            });
            ordered.extend(closed);
            ordered
                .into_iter()
                .map(|request| {
                    let others = ledger
                        .other_versions
                        .iter()
                        .find(|(id, _)| id == request.id())
                        .map(|(_, versions)| versions.clone())
                        .unwrap_or_default();
                    let key = serde_json::to_string(&(&request, &others)).unwrap_or_default();
                    (key, request, others, ledger.signed_notes.clone())
                })
                .collect::<Vec<_>>()
        })
    };
    let damaged = move || {
        let damaged = ledger.with(|l| l.as_ref().map_or(0, |l| l.damaged));
        (damaged > 0).then(|| {
            view! {
                <p class="alert" role="alert">
                    {format!(
                        "{} in the ledger could not be opened, so a request may be missing here. Restore from a backup to recover it.",
                        wording::count(damaged as u64, "record", "records"),
                    )}
                </p>
            }
        })
    };
    let empty = move || ledger.with(|l| l.as_ref().is_some_and(|l| l.requests.is_empty()));
    view! {
        {damaged}
        <Show when=empty>
            <p class="empty">"No requests from this client."</p>
        </Show>
        <For
            each=rows
            key=|(key, _, _, _)| key.clone()
            children=move |(_, request, others, notes)| view! {
                <RequestCard request=request others=others notes=notes on_changed=on_changed outcome=outcome />
            }
        />
    }
}

/// Every disclosure of the client's record, oldest first: what an accounting
/// of disclosures (164.528) is made from.
#[component]
fn DisclosureLog(client_id: ClientId, disclosures: Vec<Disclosure>) -> impl IntoView {
    let rows: Vec<_> = disclosures_of_client(&disclosures, &client_id)
        .into_iter()
        .map(|d| {
            let accountable = if d.is_accountable() {
                "Yes"
            } else {
                "No: to the client"
            };
            view! {
                <tr>
                    <td>{d.date().to_string()}</td>
                    <td>{d.recipient().describe()}</td>
                    <td>{d.description().to_owned()}</td>
                    <td>{d.purpose().to_owned()}</td>
                    <td>{accountable}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <section class="card" aria-labelledby="disclosures-heading">
            <h2 id="disclosures-heading">"Disclosures"</h2>
            {if rows.is_empty() {
                view! { <p class="empty">"No copy of this client's record has been disclosed."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="disclosures">
                            <caption>"Accounting of disclosures (45 CFR 164.528)"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Recipient"</th>
                                    <th scope="col">"What was disclosed"</th>
                                    <th scope="col">"Purpose"</th>
                                    <th scope="col">"In an accounting"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
