//! The vault: everything that rests in IndexedDB, and the keys that open it.
//!
//! How the UI uses it: a [`door::VaultDoor`] for everything before unlock
//! (create, unlock, recover, restore), which hands back an [`entry::Entry`];
//! then the open [`open_vault::Vault`], whose editing handles
//! ([`editable_progress_note`], [`amendable_note`],
//! [`editable_psychotherapy_note`], [`editable_client`],
//! [`editable_treatment_plan`]) keep revisions, audit
//! events and domain rules inside the vault. See `docs/architecture.md`.
//!
//! Before unlock:
//! - [`door`]: the state of this browser and the procedures, in [`create`],
//!   [`unlock`] (with the cross-tab back-off of [`backoff`] and [`web_lock`]),
//!   [`restore`]; and what they hand back, [`entry`] and [`recovery_key`].
//!
//! The open vault:
//! - [`open_vault`]: the keys and the generic plumbing; locking.
//! - Records: [`clients`], [`progress_notes`], [`psychotherapy_notes`],
//!   [`drafts`] (autosaved editor buffers), [`settings`], [`audit`],
//!   [`note_index`] (each client's note index, so lists never read every note),
//!   [`measures`] (questionnaires), [`treatment_plans`] (one plan per client).
//! - [`passphrase_change`], [`backup`] (make and merge), [`kdf_worker`].
//!
//! Underneath:
//! - [`schema`] and [`connection`]: the database, its stores and its two handles.
//! - [`write_transaction`] and [`batch`]: every write, and the one place that
//!   decides whether it was saved; [`reads`] and [`sealer`].
//! - [`header`], [`keyring`], [`store`], [`record`], [`meta`]: the formats.
//! - [`revision_tree`], [`sealer`] and [`incoming`]: each record's revision
//!   leaves, sealed, and how revisions made elsewhere are taken in.
//! - [`backup_format`]: the backup file's layout (pure, tested natively).
//!
//! The pure parts ([`backoff`], [`header`], [`keyring`], [`store`], [`audit`]'s
//! event type, [`revision_tree`], [`sealer`], [`incoming`], [`backup_format`])
//! build natively and are tested with `cargo test`; the IndexedDB parts exist
//! only on wasm32 and are tested in the browser.

pub mod audit;
pub mod backoff;
pub mod backup_format;
#[cfg(test)]
mod boundary_tests;
pub mod conflict;
mod error;
pub mod header;
pub mod incoming;
pub mod keyring;
pub mod record;
pub mod revision_tree;
pub mod sealer;
pub mod store;
pub mod sync;

#[cfg(target_arch = "wasm32")]
pub mod amendable_note;
#[cfg(target_arch = "wasm32")]
mod audit_log;
#[cfg(target_arch = "wasm32")]
pub mod backup;
#[cfg(target_arch = "wasm32")]
pub mod batch;
#[cfg(target_arch = "wasm32")]
pub mod capabilities;
#[cfg(target_arch = "wasm32")]
mod clients;
#[cfg(target_arch = "wasm32")]
pub mod conflicts;
#[cfg(target_arch = "wasm32")]
pub mod connection;
#[cfg(target_arch = "wasm32")]
mod create;
#[cfg(target_arch = "wasm32")]
pub mod custodian;
#[cfg(target_arch = "wasm32")]
pub mod door;
#[cfg(target_arch = "wasm32")]
mod drafts;
#[cfg(target_arch = "wasm32")]
pub mod editable_client;
#[cfg(target_arch = "wasm32")]
pub mod editable_progress_note;
#[cfg(target_arch = "wasm32")]
pub mod editable_psychotherapy_note;
#[cfg(target_arch = "wasm32")]
pub mod editable_treatment_plan;
#[cfg(target_arch = "wasm32")]
pub mod entry;
#[cfg(target_arch = "wasm32")]
pub mod kdf_worker;
#[cfg(target_arch = "wasm32")]
pub mod lock_channel;
#[cfg(target_arch = "wasm32")]
pub mod measures;
#[cfg(target_arch = "wasm32")]
mod meta;
#[cfg(target_arch = "wasm32")]
mod note_commit;
#[cfg(target_arch = "wasm32")]
pub mod note_index;
#[cfg(target_arch = "wasm32")]
pub mod open_vault;
#[cfg(target_arch = "wasm32")]
pub mod page_turn;
#[cfg(target_arch = "wasm32")]
mod passphrase_change;
#[cfg(target_arch = "wasm32")]
pub mod progress_notes;
#[cfg(target_arch = "wasm32")]
mod psychotherapy_notes;
#[cfg(target_arch = "wasm32")]
pub mod reads;
#[cfg(target_arch = "wasm32")]
mod recovery_key;
#[cfg(target_arch = "wasm32")]
pub mod restore;
#[cfg(target_arch = "wasm32")]
pub mod rights_ledger;
#[cfg(target_arch = "wasm32")]
pub mod safety_plans;
#[cfg(target_arch = "wasm32")]
pub mod schema;
#[cfg(all(feature = "bench", target_arch = "wasm32"))]
pub mod seed;
#[cfg(target_arch = "wasm32")]
pub mod sentence_move;
#[cfg(target_arch = "wasm32")]
mod settings;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod templates;
#[cfg(target_arch = "wasm32")]
pub mod treatment_plans;
#[cfg(target_arch = "wasm32")]
mod unlock;
#[cfg(target_arch = "wasm32")]
mod web_lock;
#[cfg(target_arch = "wasm32")]
mod write_transaction;

pub use error::VaultError;
