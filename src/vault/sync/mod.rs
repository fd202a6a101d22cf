//! Opt-in sync of sealed records through the clinic's own CouchDB (or
//! anything speaking its replication protocol: PouchDB Server, Cloudant).
//!
//! Only ciphertext travels: one document per revision leaf of a record
//! ([`documents`]), with the revision history and the sealed envelope, plus
//! the vault header, which holds KDF parameters, salt and wrapped keys and
//! nothing about a client. The server learns record ids (random), sizes,
//! counts and times, and which device wrote a revision (a random id).
//!
//! - [`config`]: the sealed setup (address, user, password);
//! - [`push`]: `_revs_diff`, then `_bulk_docs` with `new_edits: false`, of the
//!   records queued in the outbox (every commit queues what it writes);
//! - [`pull`]: `_changes` (`style=all_docs`) from a checkpoint, `_bulk_get`
//!   with histories, merged by [`crate::vault::incoming`];
//! - [`engine`]: live sync, with the status shown in the header ([`status`]);
//! - [`join`]: a second device joins from the first-run screen;
//! - [`couch`]: the HTTP calls, on this origin only ([`address`]), with
//!   errors that say what to do ([`error`]).

pub mod address;
pub mod documents;
pub mod error;
pub mod status;

#[cfg(target_arch = "wasm32")]
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod couch;
#[cfg(target_arch = "wasm32")]
pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod join;
#[cfg(target_arch = "wasm32")]
pub mod pull;
#[cfg(target_arch = "wasm32")]
pub mod push;
#[cfg(target_arch = "wasm32")]
mod setup;
