//! The export layer: progress notes out of the app, for the client's right of
//! access (45 CFR 164.524) or for another system.
//!
//! - [`scope`]: what an export covers, and its line in the audit log.
//! - [`selection`]: which notes and questionnaire results, in which order
//!   ([`select`], [`select_results`]).
//! - [`json`]: the JSON file ([`to_json`]); its format is in `json_model` and
//!   `docs/export-format.md`.
//! - [`print`]: the printable record, as a view model for the UI
//!   ([`print_document`]).
//! - [`fhir`]: a FHIR R4 Bundle of the signed record ([`to_fhir`],
//!   [`FhirExport`]); mapping in `docs/fhir.md`.
//! - [`access`]: the export that fulfils a right-of-access request.
//!
//! # Why psychotherapy notes cannot leak through here
//! Psychotherapy notes are excluded from the right of access and need their own
//! authorization to be disclosed (164.508(a)(2)), so no export may ever contain
//! one. That is enforced by what this layer can name, not by care:
//! - it takes only [`Client`](crate::domain::Client) and
//!   [`ProgressNote`](crate::domain::ProgressNote), which are
//!   [`Exportable`](crate::domain::Exportable); the psychotherapy-note type is not,
//!   and cannot be made so outside the domain (the trait is sealed);
//! - it uses nothing from `crate::vault` or `crate::crypto`, so it can reach no
//!   key, store or ciphertext; its callers decrypt progress notes and hand them in;
//! - a test reads this folder's source and fails if either rule is broken, and a
//!   canary test checks every output.
//!
//! A progress note exports:
//!
//! ```
//! use psynotes::domain::{ClientId, ClinicianProfile, ProgressNote, ProgressNoteDraft, ProgressNoteId, Template, Timestamp};
//! use psynotes::export::{to_json, ExportContent, ExportOptions, ExportScope};
//!
//! let note = ProgressNote::Draft(ProgressNoteDraft::new(
//!     ProgressNoteId("n-1".into()),
//!     ClientId("c-1".into()),
//!     Template::Soap,
//!     Timestamp(0),
//! ));
//! let json = to_json(
//!     &ClinicianProfile::default(),
//!     &ExportContent {
//!         clients: &[],
//!         notes: &[&note],
//!         results: &[],
//!         plans: &[],
//!         amendments: &[],
//!     },
//!     Timestamp(0),
//!     &ExportScope::Practice,
//!     &ExportOptions { include_drafts: true, ..ExportOptions::default() },
//! );
//! assert!(json.contains("\"status\": \"draft\""));
//! ```
//!
//! A psychotherapy note does not compile, in the same call:
//!
//! ```compile_fail,E0308
//! use psynotes::domain::{ClientId, ClinicianProfile, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//! use psynotes::export::{to_json, ExportContent, ExportOptions, ExportScope};
//!
//! let note = PsychotherapyNote::new(
//!     PsychotherapyNoteId("pn-1".into()),
//!     ClientId("c-1".into()),
//!     Timestamp(0),
//! );
//! let json = to_json(
//!     &ClinicianProfile::default(),
//!     &ExportContent {
//!         clients: &[],
//!         notes: &[&note], // error: expected `&ProgressNote`, found `&PsychotherapyNote`
//!         results: &[],
//!         plans: &[],
//!         amendments: &[],
//!     },
//!     Timestamp(0),
//!     &ExportScope::Practice,
//!     &ExportOptions::default(),
//! );
//! ```
//!
//! nor in the printed record:
//!
//! ```compile_fail,E0308
//! use psynotes::domain::{Client, ClientId, ClinicianProfile, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//! use psynotes::export::print_document;
//!
//! let client = Client::new(ClientId("c-1".into()), "Alex Rivera");
//! let note = PsychotherapyNote::new(PsychotherapyNoteId("pn-1".into()), client.id.clone(), Timestamp(0));
//! let page = print_document(&ClinicianProfile::default(), &client, &[&note], &[], Timestamp(0));
//! ```
//!
//! And no progress note can be made from one to slip past the types (see
//! `domain::psychotherapy_note`).

// Stable rustdoc does not check the error codes of `compile_fail` examples. Each
// one above was checked by removing `compile_fail`: it fails with exactly the error
// code given, once, at the marked line.

pub mod access;
#[cfg(test)]
mod amendment_tests;
pub mod fhir;
mod fhir_model;
pub mod json;
mod json_amendment;
mod json_model;
mod json_plan;
pub mod print;
pub mod scope;
mod sections;
pub mod selection;
mod time_format;

#[cfg(test)]
mod fhir_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod leak_tests;
#[cfg(test)]
mod samples;
#[cfg(test)]
mod signed_wording_tests;

pub use access::export_request_for;
pub use fhir::{to_fhir, FhirExport, FHIR_NAMESPACE};
pub use json::{to_json, ExportContent, EXPORT_FORMAT, EXPORT_VERSION};
pub use print::{
    print_amendment, print_document, PrintAddendum, PrintAmendment, PrintDocument, PrintNote,
};
pub use scope::{DateRange, ExportFormat, ExportOptions, ExportRequest, ExportScope};
pub use selection::{select, select_plans, select_results};

/// Every record type an entry point above accepts must be `Exportable`. If a
/// signature is changed to take another type, add it here: this fails to compile
/// for a type outside the domain's exportable list.
const _: fn() = || {
    fn exportable<T: crate::domain::Exportable>() {}
    exportable::<crate::domain::Client>();
    exportable::<crate::domain::ProgressNote>();
    exportable::<crate::domain::measure::MeasureResult>();
};
