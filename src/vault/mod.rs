//! The vault: everything that rests in IndexedDB, and the keys that open it.
//!
//! - [`schema`]: the database and its object stores, declared in one place.
//! - [`header`]: the only plaintext record: format, KDF parameters, salt, wrapped keys.
//! - [`keyring`]: the unwrapped keys of an open vault; the psychotherapy key never
//!   leaves this module tree.
//! - [`store`]: which store is sealed under which key, checked by the compiler.
//! - [`repository`]: one encrypted record per envelope, with revision checks.
//! - [`unlock`]: create, unlock, recover, change the passphrase, with backoff.
//! - [`kdf_worker`]: Argon2id in a worker, so the page keeps painting.
//! - [`session`]: the open vault the UI holds, and locking it.
//! - [`audit`]: the encrypted, append-only audit log.
//! - [`note_index`]: each client's note index, so lists never read every note.
//! - [`backup_format`]: the encrypted backup file's layout, written and checked
//!   without IndexedDB (pure, tested natively).
//!
//! The pure parts ([`backoff`], [`header`], [`keyring`], [`store`], [`audit`]'s
//! event type) build natively and are tested with `cargo test`; the IndexedDB parts
//! exist only on wasm32 and are tested in the browser.

pub mod audit;
pub mod backoff;
pub mod backup_format;
mod error;
pub mod header;
pub mod keyring;
pub mod record;
pub mod store;

#[cfg(target_arch = "wasm32")]
pub mod backup;
#[cfg(target_arch = "wasm32")]
pub mod capabilities;
#[cfg(target_arch = "wasm32")]
mod clients;
#[cfg(target_arch = "wasm32")]
pub mod drafts;
#[cfg(target_arch = "wasm32")]
pub mod kdf_worker;
#[cfg(target_arch = "wasm32")]
pub mod lock_channel;
#[cfg(target_arch = "wasm32")]
mod meta;
#[cfg(target_arch = "wasm32")]
pub mod note_index;
#[cfg(target_arch = "wasm32")]
mod progress_notes;
#[cfg(target_arch = "wasm32")]
mod psychotherapy_notes;
#[cfg(target_arch = "wasm32")]
pub mod repository;
#[cfg(target_arch = "wasm32")]
pub mod schema;
#[cfg(all(feature = "bench", target_arch = "wasm32"))]
pub mod seed;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
mod settings;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod unlock;

pub use error::VaultError;
