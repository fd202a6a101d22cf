//! The client whose record is open, shared by the pages under it.
//!
//! The client record's parent route loads the client once and provides this;
//! its children (timeline, edit, note, psychotherapy notes) read it instead of
//! loading the client again, and ask it to reload after they change it.

use leptos::prelude::*;

use crate::domain::Client;

/// The open client record, in context below the client route.
#[derive(Clone, Copy)]
pub struct ClientRecordContext {
    /// The client, once loaded.
    pub client: Signal<Option<Client>>,
    reload: Callback<()>,
}

impl ClientRecordContext {
    /// Makes the context; `reload` reads the client again.
    pub fn new(client: Signal<Option<Client>>, reload: Callback<()>) -> Self {
        ClientRecordContext { client, reload }
    }

    /// Reads the client again (after an edit).
    pub fn reload(&self) {
        self.reload.run(());
    }
}

/// The open client record, if this page is under one.
pub fn use_client_record() -> Option<ClientRecordContext> {
    use_context::<ClientRecordContext>()
}
