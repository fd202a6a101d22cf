//! The unlocked app: navigation, the Lock button, the pages, and auto-lock.
//!
//! Everything decrypted lives below this component. When the vault locks, the
//! gate unmounts it, and with it every page, signal and DOM node holding text.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;
use wasm_bindgen::JsCast;

use crate::domain::Settings;
use crate::vault::audit::LockReason;
use crate::vault::open_vault::Vault;
use crate::vault::sync::status::SyncStatus;

use super::backup_page::{BackupPage, BackupReminder};
use super::clinical::{
    ClientEditPage, ClientNewPage, ClientRecord, ClientTimelinePage, ClientsPage, ConflictsPage,
    MeasuresPage, NotesToSignPage, ProgressNotePage, PsychotherapyPage, QuestionnaireScreen,
    RightsPage, SafetyPlanPage, TreatmentPlanPage,
};
use super::footer::SyncInUse;
use super::gate_state::use_gate;
use super::idle::AutoLock;
use super::install_advice::InstallAdvice;
use super::print_page::PrintPage;
use super::session_context::{use_session, Session};
use super::settings_page::SettingsPage;
use super::templates_page::TemplatesPage;

/// Loads the settings, provides the [`Session`], and renders the app.
#[component]
pub fn Unlocked(
    /// The open vault.
    vault: Vault,
    /// Called once the keys should be dropped.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let vault = StoredValue::new_local(vault);
    let settings = LocalResource::new(move || {
        let vault = vault.get_value();
        async move { vault.settings().await }
    });
    move || match settings.get() {
        None => view! { <p class="status" role="status">"Opening your notes…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <main class="shell__main" id="main" tabindex="-1">
                <p role="alert" class="alert">{e.to_string()}</p>
                <button type="button" on:click=move |_| on_close.run(())>"Lock"</button>
            </main>
        }
        .into_any(),
        Some(Ok(settings)) => {
            view! { <SessionShell vault=vault.get_value() settings=settings on_close=on_close /> }
                .into_any()
        }
    }
}

#[component]
fn SessionShell(vault: Vault, settings: Settings, on_close: Callback<()>) -> impl IntoView {
    let session = Session::new(vault, settings, on_close);
    provide_context(session);
    if let Some(SyncInUse(in_use)) = use_context::<SyncInUse>() {
        Effect::new(move || in_use.set(session.sync_status.get() != SyncStatus::Off));
        on_cleanup(move || in_use.set(false));
    }

    view! {
        // The idle lock applies to a questionnaire in a client's hands too.
        <AutoLock
            idle_minutes=Signal::derive(move || session.settings.with(|s| s.idle_lock_minutes))
            grace_seconds=Signal::derive(move || session.settings.with(|s| s.hidden_grace_seconds))
            last_activity=use_gate().last_activity()
            on_lock=Callback::new(move |reason| session.lock(reason))
        />
        // Handed to a client, the tablet shows the questionnaire and nothing
        // else. The record below is unmounted, not hidden: no name or note
        // stays in the page for the client to find.
        {move || match session.handoff.get() {
            Some(open) => view! { <QuestionnaireScreen open=open /> }.into_any(),
            None => view! { <Workspace /> }.into_any(),
        }}
    }
}

/// The app as the clinician sees it: navigation, the Lock button, the pages.
#[component]
fn Workspace() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    focus_heading_on_navigation();
    view! {
        <header class="shell__header">
            <span class="shell__name">"Psynotes"</span>
            <nav class="shell__nav" aria-label="Main">
                <A href="/">"Clients"</A>
                {if session.is_custodian() {
                    view! { <A href="/records">"Export"</A> }.into_any()
                } else {
                    view! { <A href="/records">"Backup"</A> <A href="/settings">"Settings"</A> }.into_any()
                }}
            </nav>
            <SyncIndicator />
            <button type="button" on:click=move |_| session.lock(LockReason::Button)>"Lock"</button>
        </header>
        <main class="shell__main" id="main" tabindex="-1">
            {session.is_custodian().then(|| view! {
                <p class="notice custodian-banner" role="note">
                    <strong>"Records custodian. "</strong>
                    "The record is open read only: clients, progress notes, measures, plans and the clients' requests. Psychotherapy notes are not open to this key. You can export the record and answer a client's access request."
                </p>
            })}
            // The reminder belongs on the home screen only.
            <Show when=move || location.pathname.get() == "/" && !session.is_custodian()>
                <BackupReminder />
                <InstallAdvice />
            </Show>
            <Routes fallback=|| view! { <p>"This page does not exist."</p> <A href="/">"Back to clients"</A> }>
                <Route path=path!("/") view=ClientsPage />
                <Route path=path!("/clients/new") view=ClientNewPage />
                <Route path=path!("/to-sign") view=NotesToSignPage />
                <ParentRoute path=path!("/clients/:client") view=ClientRecord>
                    <Route path=path!("") view=ClientTimelinePage />
                    <Route path=path!("edit") view=ClientEditPage />
                    <Route path=path!("notes/:note") view=ProgressNotePage />
                    <Route path=path!("psychotherapy") view=PsychotherapyPage />
                    <Route path=path!("measures") view=MeasuresPage />
                    <Route path=path!("plan") view=TreatmentPlanPage />
                    <Route path=path!("safety-plan") view=SafetyPlanPage />
                    <Route path=path!("requests") view=RightsPage />
                </ParentRoute>
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/settings/templates") view=TemplatesPage />
                <Route path=path!("/records") view=BackupPage />
                <Route path=path!("/print") view=PrintPage />
                <Route path=path!("/conflicts") view=ConflictsPage />
            </Routes>
        </main>
    }
}

/// Sync's state, always in view while sync is on (`role="status"`): its
/// text starts "Synced", "Syncing", "Offline" or "Sync stopped". A first
/// pull shows how far it has come.
#[component]
fn SyncIndicator() -> impl IntoView {
    let session = use_session();
    move || {
        let status = session.sync_status.get();
        let text = status.text();
        let progress = match status {
            SyncStatus::Syncing { received, expected } if expected > 0 => {
                Some((received.min(expected), expected))
            }
            _ => None,
        };
        let stopped = matches!(status, SyncStatus::Stopped { .. });
        (!text.is_empty()).then(|| view! {
            <span class="sync-status" class:sync-status--stopped=stopped role="status">
                <span class="sync-status__text">{text}</span>
                {progress.map(|(done, total)| view! {
                    <progress max=total.to_string() value=done.to_string() aria-label="Records received"></progress>
                })}
            </span>
        })
    }
}

/// After each navigation, focus moves to the new page's main heading (or the
/// main region), so keyboard and screen-reader users start where the page
/// starts instead of at the top of the document.
fn focus_heading_on_navigation() {
    let location = use_location();
    let first = StoredValue::new(true);
    Effect::new(move |_| {
        location.pathname.track();
        if first.get_value() {
            // The first page after unlocking keeps the browser's own focus.
            first.set_value(false);
            return;
        }
        // Where focus was when the navigation began (the link or button that
        // led here). If the person has since put it somewhere else on the new
        // page, typing into a field they tapped, moving it would steal their
        // keystrokes: only focus that has not moved is ours to move.
        let before = document().active_element();
        // After the new page has rendered (it may load first: try a few frames).
        leptos::task::spawn_local(async move {
            for _ in 0..20 {
                gloo::timers::future::TimeoutFuture::new(50).await;
                if focus_moved_by_user(before.as_ref()) {
                    return;
                }
                if let Some(target) = page_heading() {
                    if target.get_attribute("tabindex").is_none() {
                        let _ = target.set_attribute("tabindex", "-1");
                    }
                    let _ = target.focus();
                    return;
                }
            }
            if let Some(main) = document()
                .get_element_by_id("main")
                .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = main.focus();
            }
        });
    });
}

/// Whether focus now rests on an element of the page other than the one it
/// was on when the navigation began (or the page itself).
fn focus_moved_by_user(before: Option<&web_sys::Element>) -> bool {
    let Some(now) = document().active_element() else {
        return false;
    };
    let is_body = document()
        .body()
        .is_some_and(|body| body.is_same_node(Some(&now)));
    !is_body && now.is_connected() && before.is_none_or(|b| !b.is_same_node(Some(&now)))
}

fn page_heading() -> Option<web_sys::HtmlElement> {
    document()
        .query_selector("#main h1")
        .ok()
        .flatten()
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
}
