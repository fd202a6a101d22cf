//! The export layer: progress notes out of the app, for the client's right of
//! access (45 CFR 164.524) or for another system.
//!
//! - [`scope`]: what an export covers, and its line in the audit log.
//! - [`selection`]: which notes, in which order ([`select`]).
//! - [`json`]: the JSON file ([`to_json`]); its format is in `json_model` and
//!   `docs/export-format.md`.
//! - [`print`]: the printable record, as a view model for the UI
//!   ([`print_document`]).

pub mod json;
mod json_model;
pub mod print;
pub mod scope;
mod sections;
pub mod selection;
mod time_format;

#[cfg(test)]
mod fixtures;

pub use json::{to_json, EXPORT_FORMAT, EXPORT_VERSION};
pub use print::{print_document, PrintAddendum, PrintDocument, PrintNote};
pub use scope::{DateRange, ExportFormat, ExportOptions, ExportRequest, ExportScope};
pub use selection::select;
