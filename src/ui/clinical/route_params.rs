//! The clinical routes' parameters, typed. Ids are the only values that come
//! from a URL, and they are opaque: a client's or a note's, never its content.

use leptos::prelude::*;
use leptos::Params;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

/// `/clients/:client/…`
#[derive(Params, Clone, Debug, PartialEq, Eq)]
pub struct ClientParams {
    pub client: Option<String>,
}

/// `/clients/:client/notes/:note`
#[derive(Params, Clone, Debug, PartialEq, Eq)]
pub struct NoteParams {
    pub client: Option<String>,
    pub note: Option<String>,
}

/// The client id of the current route (empty when absent).
pub fn client_id_param() -> Memo<String> {
    let params = use_params::<ClientParams>();
    Memo::new(move |_| params.get().ok().and_then(|p| p.client).unwrap_or_default())
}

/// The note id of the current route (empty when absent).
pub fn note_id_param() -> Memo<String> {
    let params = use_params::<NoteParams>();
    Memo::new(move |_| params.get().ok().and_then(|p| p.note).unwrap_or_default())
}
