//! The domain layer: what a therapist documents, as plain Rust values and rules.
//!
//! - Clients, their diagnoses and goals: [`client`]; the signer: [`clinician`].
//! - The service billed (service code, place of service, duration): [`service`],
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
//! - Questionnaires (PHQ-9, GAD-7) as data, their scoring, risk flags and trends:
//!   [`measure`]; the treatment plan, its signed versions and reviews:
//!   [`treatment_plan`].
//! - The course of care: the bundled ICD-10-CM list ([`icd10`]), the intake
//!   assessment and discharge summary ([`course_of_care`]), the client's safety
//!   plan ([`safety_plan`]), and the 164.501 record check that advises which note
//!   a sentence belongs in ([`record_check`]).
//!
//! Pure Rust on purpose (std, serde, thiserror and sha2 for the signed-content
//! digest): no browser APIs, no keys, no randomness and no clock. Callers pass ids
//! and timestamps in, so every rule here is tested natively with fixed values, and
//! the same code runs in wasm. Every stored type is serde-serializable; the vault
//! encrypts its JSON form.

pub mod client;
pub mod clinician;
pub mod course_of_care;
pub mod custom_template;
pub mod date;
pub mod error;
pub mod exportable;
pub mod icd10;
pub mod measure;
pub mod note_index;
pub mod progress_note;
pub mod psychotherapy_note;
pub mod record_check;
pub mod record_merge;
pub mod rights;
pub mod risk;
pub mod safety_plan;
pub mod search;
pub mod service;
pub mod settings;
pub mod template;
pub mod treatment_plan;
pub mod validation;

pub use client::{Client, ClientId, Diagnosis, Goal, GoalStatus};
pub use clinician::ClinicianProfile;
pub use custom_template::{
    CustomTemplate, Imported as TemplatesImported, Saved as TemplateSaved, TemplateImportError,
    TemplateLibrary, TEMPLATES_FILE_FORMAT,
};
pub use date::{Date, TimeOfDay, Timestamp};
pub use error::DomainError;
pub use exportable::Exportable;
pub use icd10::{CodeList, CodedDiagnosis, Icd10Code};
pub use measure::{MeasureRecord, MeasureResult, MeasureResultId, QuestionnaireDraft};
pub use note_index::{ClientNoteIndex, ClientTally, NoteSummary, PracticeSummary};
pub use progress_note::{
    includable, is_late, merge_drafts, typed_after_signing, Addendum, CourseDocument, DraftMerge,
    GoalAddressed, GoalProgress, IncludedResult, LateEntry, NoteWording, ProgressNote,
    ProgressNoteDraft, ProgressNoteId, ReferencedWording, References, SignError, Signature,
    SignedProgressNote, SIGNED_RECORD_V1,
};
pub use psychotherapy_note::{PsychotherapyNote, PsychotherapyNoteId};
pub use rights::{AccessRequest, AmendmentOutcome, AmendmentRequest, Disclosure, RightsRequest};
pub use risk::{Ideation, RiskAnswers, RiskAssessment};
pub use safety_plan::{SafetyPlan, SafetyPlanContent, SafetyPlanLink, SafetyPlanVersion};
pub use search::{find_matches, matches};
pub use service::{duration_minutes, duration_mismatch, PlaceOfService, ServiceCode};
pub use settings::Settings;
pub use template::{Blocks, Section, Template};
pub use treatment_plan::{TreatmentPlan, TreatmentPlanId};
pub use validation::ValidationIssue;
