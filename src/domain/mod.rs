//! The domain layer: what a therapist documents, as plain Rust values and rules.
//!
//! - Clients, their diagnoses and goals: [`client`]; the signer: [`clinician`].
//! - Session facts (service code, place of service, duration): [`session`],
//!   on top of [`date`].
//! - Progress notes, the official record: templates ([`template`]), risk
//!   ([`risk`]), drafts, signing, late entries and addenda ([`progress_note`]).
//! - Psychotherapy notes, the clinician's private notes, kept apart by type:
//!   [`psychotherapy_note`]; what may be exported: [`exportable`].
//! - The client's rights of access and amendment, with their clocks, and the
//!   disclosures made: [`rights`].
//! - Text search with highlight ranges: [`search`]; preferences: [`settings`].
//! - What lists need to know of a client's notes, without their text:
//!   [`note_index`].
//!
//! Pure Rust on purpose (std, serde, thiserror and sha2 for the signed-content
//! digest): no browser APIs, no keys, no randomness and no clock. Callers pass ids
//! and timestamps in, so every rule here is tested natively with fixed values, and
//! the same code runs in wasm. Every stored type is serde-serializable; the vault
//! encrypts its JSON form.

pub mod client;
pub mod clinician;
pub mod date;
pub mod error;
pub mod exportable;
pub mod note_index;
pub mod progress_note;
pub mod psychotherapy_note;
pub mod rights;
pub mod risk;
pub mod search;
pub mod session;
pub mod settings;
pub mod template;
pub mod validation;

pub use client::{Client, ClientId, Diagnosis, Goal, GoalStatus};
pub use clinician::ClinicianProfile;
pub use date::{Date, TimeOfDay, Timestamp};
pub use error::DomainError;
pub use exportable::Exportable;
pub use note_index::{ClientNoteIndex, ClientTally, NoteSummary, PracticeSummary};
pub use progress_note::{
    is_late, Addendum, GoalAddressed, GoalProgress, LateEntry, ProgressNote, ProgressNoteDraft,
    ProgressNoteId, SignError, Signature, SignedProgressNote, SIGNED_RECORD_V1,
};
pub use psychotherapy_note::{PsychotherapyNote, PsychotherapyNoteId};
pub use rights::{AccessRequest, AmendmentOutcome, AmendmentRequest, Disclosure, RightsRequest};
pub use risk::{Ideation, RiskAssessment};
pub use search::{find_matches, matches};
pub use session::{duration_minutes, duration_mismatch, PlaceOfService, ServiceCode};
pub use settings::Settings;
pub use template::{Section, Template};
pub use validation::ValidationIssue;
