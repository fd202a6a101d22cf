//! The home screen: clients, most recently seen first, the notes still to sign,
//! the treatment plans past review, and the search over client names and
//! progress notes.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::domain::{Client, Date};
use crate::ui::perf;
use crate::ui::private_text::private_text;
use crate::ui::session_context::{use_session, Session};
use crate::vault::note_index::NoteOverview;
use crate::vault::sealer::{Loaded, Stored};
use crate::vault::sync::status::SyncStatus;
use crate::vault::VaultError;

use super::common::{format_date, prefer_codes, shown_name, BACKGROUND_CHECK_DELAY_MS};
use super::open_requests::OpenRequests;
use super::plans_past_review::PlansPastReview;
use super::search::{CorpusChunk, SearchCorpus, SearchResults};
use super::to_sign::unsigned_counts;
use crate::ui::wording;

/// What the list shows: clients and their note indexes, never a note's text.
#[derive(Clone)]
struct HomeData {
    clients: Vec<Stored<Client>>,
    // Shared, not copied: the page re-renders on every keystroke of a search.
    overview: Arc<NoteOverview>,
    damaged_clients: usize,
}

async fn load_home(session: Session) -> Result<HomeData, VaultError> {
    let vault = session.vault();
    let (clients, overview) = futures::join!(vault.clients(), vault.note_overview());
    let (clients, overview) = (clients?, overview?);
    let damaged_clients = clients
        .iter()
        .filter(|c| matches!(c, Loaded::Damaged { .. }))
        .count();
    Ok(HomeData {
        clients: clients.into_iter().filter_map(Loaded::ok).collect(),
        overview: Arc::new(overview),
        damaged_clients,
    })
}

/// How many notes the search reads and opens between two pauses for the page.
const SEARCH_CHUNK: u32 = 100;
/// The first read is smaller, so the first answers show sooner.
const FIRST_SEARCH_CHUNK: u32 = 50;
/// How often, at most, a search that is still reading shows what it found.
const SEARCH_REDRAW_MS: f64 = 100.0;

/// Every progress note, for the search: read only once a query is typed, so
/// unlocking never waits for 10,000 notes, and a chunk at a time into
/// `corpus`, so the first answers show while the rest are read.
async fn load_corpus(
    session: Session,
    corpus: RwSignal<Option<Result<SearchCorpus, VaultError>>, LocalStorage>,
) {
    let mut so_far = SearchCorpus::default();
    let mut shown_at = f64::NEG_INFINITY;
    let read = session
        .vault()
        .progress_notes_in_chunks(FIRST_SEARCH_CHUNK, SEARCH_CHUNK, |notes, read, total| {
            so_far = so_far.with(
                CorpusChunk::new(notes.into_iter().filter_map(Loaded::ok).collect()),
                read,
                total,
            );
            let now = js_sys::Date::now();
            if now - shown_at < SEARCH_REDRAW_MS {
                return true;
            }
            shown_at = now;
            corpus.try_set(Some(Ok(so_far.clone()))).is_none()
        })
        .await;
    corpus.try_set(Some(read.map(|()| so_far.finished())));
}

/// Clients by last session, newest first; clients without a dated note last; then
/// by the name shown.
fn sorted_clients(
    clients: &[Stored<Client>],
    overview: &NoteOverview,
    prefer_code: bool,
) -> Vec<(Stored<Client>, Option<Date>)> {
    let mut rows: Vec<(Stored<Client>, Option<Date>)> = clients
        .iter()
        .map(|c| {
            let last = overview
                .of(c.value.id.as_str())
                .and_then(|t| t.last_session);
            (c.clone(), last)
        })
        .collect();
    rows.sort_by(|(a, a_last), (b, b_last)| {
        b_last.cmp(a_last).then_with(|| {
            shown_name(&a.value, prefer_code)
                .to_lowercase()
                .cmp(&shown_name(&b.value, prefer_code).to_lowercase())
        })
    });
    rows
}

/// The home screen.
#[component]
pub fn ClientsPage() -> impl IntoView {
    let session = use_session();
    let data = LocalResource::new(move || {
        // Read again when sync brings records from another device.
        session.received.track();
        load_home(session)
    });
    let query = RwSignal::new(String::new());
    // Set when the search field takes focus: the notes start loading while
    // the first word is typed.
    let search_focused = RwSignal::new(false);
    // Latches on the first query of the visit, so the notes load once.
    let searching = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || search_focused.get() || !query.get().trim().is_empty()
    });
    let corpus = RwSignal::new_local(None);
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || !searching.get() {
            return started.unwrap_or(false);
        }
        leptos::task::spawn_local(load_corpus(session, corpus));
        true
    });
    let show_archived = RwSignal::new(false);
    let prefer_code = prefer_codes();
    let navigate = use_navigate();

    // Once the list first rendered with data: the benchmark's mark, then the
    // once-per-session check that the index covers every note, which reloads
    // the pages only if it had to fix something.
    let marked = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = data.with(|d| matches!(d, Some(Ok(_))));
        if ready && !marked.get_value() {
            marked.set_value(true);
            perf::mark(perf::CLIENTS_READY);
            let vault = session.vault();
            leptos::task::spawn_local(async move {
                gloo::timers::future::TimeoutFuture::new(BACKGROUND_CHECK_DELAY_MS).await;
                if let Ok(true) = vault.verify_note_index().await {
                    // A timeline opened meanwhile reads its index again too.
                    session.records_changed();
                }
            });
        }
    });

    view! {
        <div class="page-head">
            <h1>"Clients"</h1>
            {(!session.is_custodian()).then(|| view! {
                <button type="button" on:click=move |_| navigate("/clients/new", Default::default())>
                    "New client"
                </button>
            })}
        </div>
        <div class="search-field">
            <label for="home-search">"Search"</label>
            <input
                id="home-search"
                type="search"
                use:private_text
                bind:value=query
                on:focus=move |_| search_focused.set(true)
            />
            <p class="field-hint">"Client names and codes, and the text of progress notes. Psychotherapy notes are never searched here."</p>
        </div>
        {move || match data.get() {
            None => view! { <p class="status" role="status">"Loading clients…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(home)) => {
                let q = query.get();
                if q.trim().is_empty() {
                    view! { <ClientList home=home show_archived=show_archived prefer_code=prefer_code /> }.into_any()
                } else {
                    view! {
                        <SearchResults
                            query=q.trim().to_owned()
                            clients=home.clients
                            corpus=corpus.get()
                            prefer_code=prefer_code
                        />
                    }
                    .into_any()
                }
            }
        }}
    }
}

#[component]
fn ClientList(home: HomeData, show_archived: RwSignal<bool>, prefer_code: bool) -> impl IntoView {
    let (to_sign, to_sign_archived) = unsigned_counts(&home.clients, &home.overview);
    let archived_count = home.clients.iter().filter(|c| c.value.archived).count();
    let rows = sorted_clients(&home.clients, &home.overview, prefer_code);
    let total = rows.len();
    let damaged_clients = home.damaged_clients;
    let damaged_notes = home.overview.damaged();
    let session = use_session();
    let plan_clients = home.clients.clone();
    let request_clients = home.clients.clone();

    let list = move || {
        let showing = show_archived.get();
        let items: Vec<_> = rows
            .iter()
            .filter(|(c, _)| showing || !c.value.archived)
            .map(|(c, last)| {
                let href = format!("/clients/{}", c.value.id);
                let name = shown_name(&c.value, prefer_code);
                let last = last.map(|d| format!("Last session {}", format_date(Some(d))));
                let archived = c.value.archived;
                // A plain link, not the router's `<A>` (the router still
                // handles the click): two hundred reactive links cost the
                // first tap after unlocking when the list unmounts.
                view! {
                    <li class="row-item">
                        <a href=href>{name}</a>
                        <span class="row-item__meta">
                            {archived.then(|| view! { <span class="badge">"Archived"</span> })}
                            <span class="muted">{last.unwrap_or_else(|| "No sessions yet".to_owned())}</span>
                        </span>
                    </li>
                }
            })
            .collect();
        if items.is_empty() {
            // A device that just joined is still receiving: "add your first
            // client" would invite the same client twice.
            let receiving = matches!(session.sync_status.get(), SyncStatus::Syncing { .. });
            let message = if total == 0 && receiving {
                "Receiving your records from the sync server…"
            } else if total == 0 {
                "No clients yet. Add your first client."
            } else {
                "Every client is archived. Tick \u{201c}Show archived\u{201d} to see them."
            };
            view! { <p class="empty">{message}</p> }.into_any()
        } else {
            view! { <ul class="list client-list" aria-label="Clients">{items}</ul> }.into_any()
        }
    };

    view! {
        <ConflictsNotice />
        {(to_sign + to_sign_archived > 0).then(|| {
            let link = if to_sign > 0 {
                wording::count(to_sign, "note to sign", "notes to sign")
            } else {
                wording::count(to_sign_archived, "note to sign", "notes to sign")
                    + if to_sign_archived == 1 { " for an archived client" } else { " for archived clients" }
            };
            let archived = (to_sign > 0 && to_sign_archived > 0).then(|| match to_sign_archived {
                1 => " (and 1 for an archived client)".to_owned(),
                n => format!(" (and {n} for archived clients)"),
            });
            view! {
                <p class="notice to-sign"><A href="/to-sign">{link}</A>{archived}</p>
            }
        })}
        <OpenRequests clients=request_clients prefer_code=prefer_code />
        <PlansPastReview clients=plan_clients prefer_code=prefer_code />
        {(damaged_clients + damaged_notes > 0).then(|| view! {
            <p class="alert" role="alert">
                {format!(
                    "{} could not be opened ({}, {}). The rest of your notes are unaffected; restore them from a backup.",
                    wording::count((damaged_clients + damaged_notes) as u64, "damaged record", "damaged records"),
                    wording::count(damaged_clients as u64, "client", "clients"),
                    wording::count(damaged_notes as u64, "progress note", "progress notes"),
                )}
            </p>
        })}
        {(archived_count > 0).then(|| view! {
            <label class="row toggle">
                <input type="checkbox" class="checkbox" bind:checked=show_archived />
                <span>{format!("Show archived ({archived_count})")}</span>
            </label>
        })}
        {list}
    }
}

/// How many records have versions from two devices to settle, with the way
/// there; nothing while there are none.
#[component]
fn ConflictsNotice() -> impl IntoView {
    let session = use_session();
    let count = LocalResource::new(move || {
        session.received.track();
        async move { session.vault().conflict_count().await }
    });
    move || match count.get() {
        Some(Ok(n)) if n > 0 => Some(view! {
            <p class="notice" role="status">
                {crate::ui::wording::count(n as u64, "record has", "records have")}
                " versions from two devices to settle. "
                <A href="/conflicts">"Conflicts"</A>
            </p>
        }),
        _ => None,
    }
}
