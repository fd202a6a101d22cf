//! Performance marks for the end-to-end timing and the benchmark. A mark carries
//! only its fixed name: no user data.

use leptos::prelude::window;

/// When the passphrase was submitted.
pub const UNLOCK_START: &str = "psynotes-unlock-start";
/// When the client list first showed after unlocking.
pub const CLIENTS_READY: &str = "psynotes-clients-ready";

/// Sets a `performance.mark`.
pub fn mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}
