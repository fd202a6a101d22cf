//! A client's record: the parent of every page about one client. It loads the
//! client once, draws the client's name and the record's tabs, and renders the
//! page below it (timeline, edit, a progress note, measures, the treatment
//! plan, psychotherapy notes). Risk flags of the latest questionnaire results show on every tab.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::domain::Client;
use crate::ui::session_context::use_session;

use super::client_context::ClientRecordContext;
use super::common::shown_name;
use super::measures_page::RiskFlagNotice;
use super::route_params::client_id_param;

/// `/clients/:client/…`
#[component]
pub fn ClientRecord() -> impl IntoView {
    let session = use_session();
    let client_id = client_id_param();
    let version = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        version.track();
        let id = client_id.get();
        async move { session.vault().client(&id).await }
    });
    let client = Signal::derive(move || loaded.get().and_then(Result::ok));
    provide_context(ClientRecordContext::new(
        client,
        Callback::new(move |()| version.update(|v| *v += 1)),
    ));

    // The page is rebuilt only when another client opens (or the record
    // fails to): a reload of the same client after a change made below (a
    // signed intake's diagnoses) updates the header without remounting the
    // page the clinician is on.
    let opened = Memo::new(move |_| match loaded.get() {
        None => None,
        Some(Err(e)) => Some(Err(e.to_string())),
        Some(Ok(c)) => Some(Ok(c.id.0.clone())),
    });
    move || match opened.get() {
        None => view! { <p class="status" role="status">"Opening the client…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <h1>"Client not available"</h1>
            <p class="alert" role="alert">{e}</p>
            <A href="/">"Back to clients"</A>
        }
        .into_any(),
        Some(Ok(id)) => view! {
            {move || client.get().map(|client| view! { <ClientHeader client=client /> })}
            <RiskFlagNotice client_id=id />
            <Outlet />
        }
        .into_any(),
    }
}

/// The client's name, linking to the record, and the record's tabs.
#[component]
fn ClientHeader(client: Client) -> impl IntoView {
    let id = client.id.0.clone();
    let name = shown_name(&client, false);
    let progress = format!("/clients/{id}");
    let private = format!("/clients/{id}/psychotherapy");
    let measures = format!("/clients/{id}/measures");
    let plan = format!("/clients/{id}/plan");
    let safety = format!("/clients/{id}/safety-plan");
    let requests = format!("/clients/{id}/requests");
    view! {
        <div class="client-header">
            <p class="breadcrumb">
                <A href=progress.clone() exact=true>{name}</A>
                {client.archived.then(|| view! { " " <span class="badge">"Archived"</span> })}
            </p>
            <nav class="tabs" aria-label="Client record">
                <A href=progress exact=true attr:class="tab">"Progress notes"</A>
                <A href=measures exact=true attr:class="tab">"Measures"</A>
                <A href=plan exact=true attr:class="tab">"Treatment plan"</A>
                <A href=safety exact=true attr:class="tab">"Safety plan"</A>
                <A href=requests exact=true attr:class="tab">"Requests"</A>
                {(!use_session().is_custodian()).then(|| view! {
                    <A href=private.clone() exact=true attr:class="tab">"Psychotherapy notes"</A>
                })}
            </nav>
        </div>
    }
}
