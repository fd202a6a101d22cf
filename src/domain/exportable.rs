//! The types that may leave the app through an export.
//!
//! Export functions take `T: Exportable`. The trait is sealed: its supertrait lives
//! in a private module, so no other module (the export layer included) and no other
//! crate can implement it. The list below is the whole list of exportable types,
//! and [`PsychotherapyNote`](super::PsychotherapyNote) is deliberately not on it
//! (45 CFR 164.508(a)(2): it needs its own authorization to be disclosed).
//!
//! A progress note is accepted:
//!
//! ```
//! use psynotes::domain::{ClientId, Exportable, ProgressNote, ProgressNoteDraft, ProgressNoteId, Template, Timestamp};
//!
//! fn takes<T: Exportable>(_: &T) {}
//!
//! let draft = ProgressNoteDraft::new(
//!     ProgressNoteId("n-1".into()),
//!     ClientId("c-1".into()),
//!     Template::Soap,
//!     Timestamp(0),
//! );
//! takes(&draft);
//! takes(&ProgressNote::Draft(draft));
//! ```
//!
//! A psychotherapy note is refused by the compiler:
//!
//! ```compile_fail,E0277
//! use psynotes::domain::{ClientId, Exportable, PsychotherapyNote, PsychotherapyNoteId, Timestamp};
//!
//! fn takes<T: Exportable>(_: &T) {}
//!
//! let note = PsychotherapyNote::new(
//!     PsychotherapyNoteId("pn-1".into()),
//!     ClientId("c-1".into()),
//!     Timestamp(0),
//! );
//! takes(&note);
//! ```
//!
//! And the list cannot be extended from outside this module:
//!
//! ```compile_fail,E0277
//! struct Smuggled;
//! impl psynotes::domain::Exportable for Smuggled {}
//! ```

use super::measure::MeasureResult;
use super::{AmendmentOutcome, Client, ProgressNote, ProgressNoteDraft, SignedProgressNote};

mod sealed {
    /// Implemented here only; nameable nowhere else.
    pub trait Sealed {}
}

/// A type the export layer may write out.
pub trait Exportable: sealed::Sealed {}

impl sealed::Sealed for Client {}
impl Exportable for Client {}
impl sealed::Sealed for ProgressNote {}
impl Exportable for ProgressNote {}
impl sealed::Sealed for SignedProgressNote {}
impl Exportable for SignedProgressNote {}
impl sealed::Sealed for ProgressNoteDraft {}
impl Exportable for ProgressNoteDraft {}
// A questionnaire's result is a test result, part of the record (45 CFR
// 164.501 excludes it from psychotherapy notes).
impl sealed::Sealed for MeasureResult {}
impl Exportable for MeasureResult {}
// The client's and clinician's words about an amendment of a progress note, which
// must travel with that note (45 CFR 164.526(d)(5)).
impl sealed::Sealed for AmendmentOutcome {}
impl Exportable for AmendmentOutcome {}
