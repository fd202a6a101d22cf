//! The home screen's list of the clients' open requests (access and
//! amendment), overdue first, then by due date, each linking to the client's
//! requests.

use leptos::prelude::*;

use crate::domain::rights::open_requests;
use crate::domain::Client;
use crate::ui::clock::today;
use crate::ui::session_context::use_session;
use crate::ui::wording;
use crate::vault::sealer::Stored;

use super::common::shown_name;

/// The open requests of the clients listed (archived ones too: a request is
/// owed whether or not the client is still seen); nothing when there are none.
#[component]
pub fn OpenRequests(clients: Vec<Stored<Client>>, prefer_code: bool) -> impl IntoView {
    let session = use_session();
    let ledger = LocalResource::new(move || {
        session.received.track();
        async move { session.vault().rights_ledger().await }
    });
    move || {
        let ledger = match ledger.get()? {
            Ok(ledger) => ledger,
            Err(e) => {
                return Some(
                    view! {
                        <p class="alert" role="alert">
                            {format!("The clients' requests could not be read, so their due dates are not shown here. {e}")}
                        </p>
                    }
                    .into_any(),
                )
            }
        };
        let day = today();
        let rows: Vec<_> = open_requests(&ledger.requests, day)
            .into_iter()
            .filter_map(|open| {
                let client = clients
                    .iter()
                    .find(|c| &c.value.id == open.request.client_id())?;
                let href = format!("/clients/{}/requests", client.value.id);
                let name = shown_name(&client.value, prefer_code);
                let when = match open.days_left {
                    0 => format!("due today ({})", open.due),
                    d if d > 0 => format!(
                        "due {} (in {})",
                        open.due,
                        wording::count(d as u64, "day", "days")
                    ),
                    d => format!(
                        "was due {} (overdue by {})",
                        open.due,
                        wording::count(d.unsigned_abs(), "day", "days")
                    ),
                };
                let what = format!("{} request, {when}", open.request.kind().label());
                Some(view! {
                    <li class="row-item">
                        <a href=href>{name}</a>
                        <span class="row-item__meta">
                            {open.overdue.then(|| view! { <span class="badge badge--late">"Overdue"</span> " " })}
                            <span class="muted">{what}</span>
                        </span>
                    </li>
                })
            })
            .collect();
        (!rows.is_empty()).then(|| {
            view! {
                <section class="requests-due" aria-labelledby="requests-due-heading">
                    <h2 id="requests-due-heading">"Open requests"</h2>
                    <ul class="list">{rows}</ul>
                </section>
            }
            .into_any()
        })
    }
}
