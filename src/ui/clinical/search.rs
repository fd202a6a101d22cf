//! Search with highlighted matches.
//!
//! The home search covers client names and codes and every text of a progress
//! note: sections, who attended, risk details and safety plan, the late-entry
//! reason and addenda. It never receives psychotherapy notes: the home page
//! does not load them, and the corpus is typed as progress notes. Psychotherapy
//! notes are searched only inside their own tab (see `psychotherapy.rs`), with the
//! same highlighting.
//!
//! Matches come from [`word_ranges`] as byte ranges; the text between them is
//! rendered as text nodes and the matches as `<mark>` elements, never as HTML.

use leptos::prelude::*;
use leptos_router::components::A;

use std::sync::Arc;

use crate::domain::search::WordIndex;
use crate::domain::{matches, Client, ProgressNote};
use crate::vault::sealer::Stored;
use crate::vault::VaultError;

use super::common::{format_date, shown_name};

/// How many notes the home search lists at most.
const MAX_NOTE_RESULTS: usize = 50;
/// How many matching passages of one note are shown.
const MAX_PASSAGES: usize = 3;
/// Bytes of context kept before the first match of a passage.
const CONTEXT_BEFORE: usize = 60;
/// Bytes a passage may span at most.
const PASSAGE_LEN: usize = 220;

pub use crate::domain::search::word_ranges;

/// `text` with the byte `ranges` wrapped in `<mark>`. Ranges that are out of
/// order, out of bounds or not on character boundaries are skipped.
pub fn highlighted(text: &str, ranges: &[(usize, usize)]) -> AnyView {
    let mut pieces: Vec<AnyView> = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for &(start, end) in ranges {
        let valid = at <= start
            && start < end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !valid {
            continue;
        }
        if start > at {
            pieces.push(text[at..start].to_owned().into_any());
        }
        let found = text[start..end].to_owned();
        pieces.push(view! { <mark>{found}</mark> }.into_any());
        at = end;
    }
    if at < text.len() {
        pieces.push(text[at..].to_owned().into_any());
    }
    pieces.into_any()
}

/// A passage of `text` around its first match, with the ranges shifted into it,
/// and whether text was cut at the start and at the end.
pub fn passage(text: &str, ranges: &[(usize, usize)]) -> (String, Vec<(usize, usize)>, bool, bool) {
    let first = ranges.first().map_or(0, |r| r.0);
    let mut start = first.saturating_sub(CONTEXT_BEFORE);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + PASSAGE_LEN)
        .max(ranges.first().map_or(0, |r| r.1))
        .min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let shifted = ranges
        .iter()
        .filter(|(s, e)| *e > start && *s < end)
        .map(|&(s, e)| (s.max(start) - start, e.min(end) - start))
        .collect();
    (
        text[start..end].to_owned(),
        shifted,
        start > 0,
        end < text.len(),
    )
}

/// A highlighted passage with ellipses where it was cut.
fn passage_view(text: &str, ranges: &[(usize, usize)]) -> impl IntoView {
    let (text, ranges, cut_start, cut_end) = passage(text, ranges);
    view! {
        <span class="passage">
            {cut_start.then_some("…")}
            {highlighted(&text, &ranges)}
            {cut_end.then_some("…")}
        </span>
    }
}

/// Clients whose name or code holds every word of the query.
fn client_matches(client: &Client, query: &str) -> bool {
    matches(&client.name, query)
        || client
            .code
            .as_deref()
            .is_some_and(|code| matches(code, query))
        || matches(
            &format!("{} {}", client.name, client.code.as_deref().unwrap_or("")),
            query,
        )
}

/// The labelled texts of a note that search looks at: every text of a
/// progress note (see [`ProgressNote::searchable_texts`]).
fn searchable_parts(note: &ProgressNote) -> Vec<(String, String)> {
    note.searchable_texts()
        .into_iter()
        .map(|(label, text)| (label.to_owned(), text.to_owned()))
        .collect()
}

/// Progress notes read together, with an index of their words.
pub struct CorpusChunk {
    notes: Vec<Stored<ProgressNote>>,
    words: WordIndex,
}

impl CorpusChunk {
    /// Indexes the notes' words (the costly part of a search, done once per
    /// visit, in memory only: the index is dropped with the page's session).
    pub fn new(notes: Vec<Stored<ProgressNote>>) -> CorpusChunk {
        let texts: Vec<String> = notes.iter().map(|n| n.value.text_for_search()).collect();
        let words = WordIndex::new(texts.iter().map(String::as_str));
        CorpusChunk { notes, words }
    }
}

/// The progress notes the home search reads, on the first search of the
/// visit, a chunk at a time: a query answers from what is read so far, and
/// says so until every note is in.
#[derive(Clone, Default)]
pub struct SearchCorpus {
    chunks: Vec<Arc<CorpusChunk>>,
    /// Records read so far, and in the store.
    read: usize,
    total: usize,
    complete: bool,
}

impl SearchCorpus {
    /// This corpus with one more chunk; `read` of `total` records are in.
    pub fn with(&self, chunk: CorpusChunk, read: usize, total: usize) -> SearchCorpus {
        let mut chunks = self.chunks.clone();
        chunks.push(Arc::new(chunk));
        SearchCorpus {
            chunks,
            read,
            total,
            complete: false,
        }
    }

    /// This corpus, with every note read.
    pub fn finished(&self) -> SearchCorpus {
        SearchCorpus {
            complete: true,
            ..self.clone()
        }
    }

    /// The notes holding every word of `query`, newest first.
    fn matching(&self, query: &str) -> Vec<&Stored<ProgressNote>> {
        let mut found: Vec<&Stored<ProgressNote>> = self
            .chunks
            .iter()
            .flat_map(|chunk| {
                chunk
                    .words
                    .matching(query)
                    .into_iter()
                    .filter_map(|i| chunk.notes.get(i as usize))
            })
            .collect();
        found.sort_by_key(|n| std::cmp::Reverse(n.value.date_of_service()));
        found
    }
}

/// The home search results: matching clients, then matching progress notes.
#[component]
pub fn SearchResults(
    query: String,
    clients: Vec<Stored<Client>>,
    /// The notes to search; `None` while they are still being read.
    corpus: Option<Result<SearchCorpus, VaultError>>,
    prefer_code: bool,
) -> impl IntoView {
    let found_clients: Vec<Stored<Client>> = clients
        .iter()
        .filter(|c| client_matches(&c.value, &query))
        .cloned()
        .collect();
    let (found_notes, notes_state) = match &corpus {
        Some(Ok(corpus)) if corpus.complete => (corpus.matching(&query), None),
        Some(Ok(corpus)) => (
            corpus.matching(&query),
            Some(view! {
                <p class="status" role="status">
                    {format!("Searching progress notes… {} of {} read.", corpus.read, corpus.total)}
                </p>
            }.into_any()),
        ),
        Some(Err(e)) => (
            Vec::new(),
            Some(view! { <p class="alert" role="alert">{format!("Progress notes could not be searched. {e}")}</p> }.into_any()),
        ),
        None => (
            Vec::new(),
            Some(view! { <p class="status" role="status">"Searching progress notes…"</p> }.into_any()),
        ),
    };
    let total_notes = found_notes.len();
    let name_of = |client_id: &str| {
        clients
            .iter()
            .find(|c| c.value.id.0 == client_id)
            .map_or_else(
                || "Unknown client".to_owned(),
                |c| shown_name(&c.value, prefer_code),
            )
    };

    let client_items = found_clients
        .into_iter()
        .map(|c| {
            let name = shown_name(&c.value, prefer_code);
            let ranges = word_ranges(&name, &query);
            let href = format!("/clients/{}", c.value.id);
            let archived = c.value.archived;
            view! {
                <li class="row-item">
                    <A href=href>{highlighted(&name, &ranges)}</A>
                    {archived.then(|| view! { <span class="badge">"Archived"</span> })}
                </li>
            }
        })
        .collect_view();
    let client_count = client_items.len();

    let note_items = found_notes
        .into_iter()
        .take(MAX_NOTE_RESULTS)
        .map(|n| {
            let note = &n.value;
            let href = format!("/clients/{}/notes/{}", note.client_id(), note.id());
            let client = name_of(note.client_id().as_str());
            let date = note
                .date_of_service()
                .map_or_else(|| "No date".to_owned(), |d| format_date(Some(d)));
            let title = format!("{client}, {date} ({})", note.content().template_name());
            let passages = searchable_parts(note)
                .into_iter()
                .filter_map(|(label, text)| {
                    let ranges = word_ranges(&text, &query);
                    (!ranges.is_empty()).then(|| {
                        view! {
                            <p class="search-hit__passage">
                                <span class="search-hit__label">{label}": "</span>
                                {passage_view(&text, &ranges)}
                            </p>
                        }
                    })
                })
                .take(MAX_PASSAGES)
                .collect_view();
            let signed = note.is_signed();
            view! {
                <li class="search-hit">
                    <A href=href>{title}</A>
                    {if signed {
                        view! { <span class="badge badge--signed">"Signed"</span> }.into_any()
                    } else {
                        view! { <span class="badge">"Draft"</span> }.into_any()
                    }}
                    {passages}
                </li>
            }
        })
        .collect_view();

    let nothing = client_count == 0 && total_notes == 0 && notes_state.is_none();
    view! {
        <section class="search-results" aria-label="Search results">
            {notes_state}
            {nothing.then(|| view! { <p class="status" role="status">"No matches."</p> })}
            {(client_count > 0).then(|| view! {
                <h2>"Clients"</h2>
                <ul class="list" aria-label="Matching clients">{client_items}</ul>
            })}
            {(total_notes > 0).then(|| view! {
                <h2>"Progress notes"</h2>
                <p class="status" role="status">{note_count_text(total_notes)}</p>
                <ul class="list" aria-label="Matching progress notes">{note_items}</ul>
            })}
        </section>
    }
}

fn note_count_text(count: usize) -> String {
    match count {
        1 => "1 progress note matches.".to_owned(),
        n if n > MAX_NOTE_RESULTS => {
            format!("{n} progress notes match; the newest {MAX_NOTE_RESULTS} are shown.")
        }
        n => format!("{n} progress notes match."),
    }
}
