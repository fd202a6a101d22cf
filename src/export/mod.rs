//! The export layer: progress notes out of the app, for the client's right of
//! access (45 CFR 164.524) or for another system.
//!
//! - [`scope`]: what an export covers, and its line in the audit log.
//! - [`selection`]: which notes, in which order ([`select`]).

pub mod scope;
pub mod selection;

#[cfg(test)]
mod fixtures;

pub use scope::{DateRange, ExportFormat, ExportOptions, ExportRequest, ExportScope};
pub use selection::select;
