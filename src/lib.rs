//! psynotes: an offline, encrypted note editor for therapists.
//!
//! Layers, top to bottom (dependencies point downward only):
//! - `ui`: Leptos pages and components (wasm only).
//! - [`vault`]: IndexedDB schema, repositories, unlock and lock, backup (its IndexedDB
//!   parts are wasm only).
//! - [`export`]: progress-note exporters; it sees progress-note and client types only.
//! - [`crypto`]: KDF, key hierarchy, AEAD envelope, zeroizing key types.
//! - [`domain`]: clients, sessions, note templates, signing, validation.
//!
//! `domain`, `crypto`, `export` and the pure parts of `vault` build natively, so
//! `cargo test` exercises them without a browser.

#[cfg(all(feature = "bench", target_arch = "wasm32"))]
pub mod bench;
pub mod crypto;
pub mod domain;
pub mod export;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod vault;
