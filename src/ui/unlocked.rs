//! The unlocked app: navigation, the Lock button, the pages, and auto-lock.
//!
//! Everything decrypted lives below this component. When the vault locks, the
//! gate unmounts it, and with it every page, signal and DOM node holding text.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::vault::session::Vault;

use super::clinical::{
    ClientEditPage, ClientNewPage, ClientPage, ClientsPage, ProgressNotePage, PsychotherapyPage,
};
use super::idle::AutoLock;
use super::install_advice::InstallAdvice;
use super::print_page::PrintPage;
use super::records_page::{BackupReminder, RecordsPage};
use super::session::Session;
use super::settings_page::SettingsPage;

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
            <main class="shell__main">
                <p role="alert" class="alert">{e.to_string()}</p>
                <button type="button" on:click=move |_| on_close.run(())>"Lock"</button>
            </main>
        }
        .into_any(),
        Some(Ok(stored)) => {
            view! { <SessionShell vault=vault.get_value() settings=stored on_close=on_close /> }
                .into_any()
        }
    }
}

#[component]
fn SessionShell(
    vault: Vault,
    settings: crate::vault::repository::Stored<crate::domain::Settings>,
    on_close: Callback<()>,
) -> impl IntoView {
    let session = Session::new(vault, settings, on_close);
    provide_context(session);
    let location = use_location();

    view! {
        <AutoLock />
        <header class="shell__header">
            <span class="shell__name">"Psynotes"</span>
            <nav class="shell__nav" aria-label="Main">
                <A href="/">"Clients"</A>
                <A href="/records">"Backup"</A>
                <A href="/settings">"Settings"</A>
            </nav>
            <button type="button" on:click=move |_| session.lock("button")>"Lock"</button>
        </header>
        <main class="shell__main" id="main">
            // The reminder belongs on the home screen only.
            <Show when=move || location.pathname.get() == "/">
                <BackupReminder />
                <InstallAdvice />
            </Show>
            <Routes fallback=|| view! { <p>"This page does not exist."</p> <A href="/">"Back to clients"</A> }>
                <Route path=path!("/") view=ClientsPage />
                <Route path=path!("/clients/new") view=ClientNewPage />
                <Route path=path!("/clients/:client") view=ClientPage />
                <Route path=path!("/clients/:client/edit") view=ClientEditPage />
                <Route path=path!("/clients/:client/notes/:note") view=ProgressNotePage />
                <Route path=path!("/clients/:client/psychotherapy") view=PsychotherapyPage />
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/records") view=RecordsPage />
                <Route path=path!("/print") view=PrintPage />
            </Routes>
        </main>
    }
}
