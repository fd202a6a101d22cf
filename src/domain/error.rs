//! Errors for values a clinician types in: dates, times, codes, templates.
//!
//! Each message names the value that was refused and says what a valid one looks
//! like, so the UI can show it as is. Whole-form problems (a note that is not ready
//! to sign, a client without a name) are reported as a list of
//! [`ValidationIssue`](super::ValidationIssue)s instead, one per field.

use thiserror::Error;

/// A value that could not be read or is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("\"{input}\" is not a date in the form YYYY-MM-DD (for example 2024-03-05). Enter the date with a four-digit year and two-digit month and day.")]
    InvalidDate { input: String },

    #[error("{year:04}-{month:02}-{day:02} is not a real calendar date. Check the day and the month (February has 29 days only in leap years).")]
    NoSuchDate { year: i32, month: u8, day: u8 },

    #[error("\"{input}\" is not a time in the form HH:MM (24-hour clock, for example 14:30). Enter the hour and minutes with two digits each.")]
    InvalidTime { input: String },

    #[error("{hour:02}:{minute:02} is not a time of day. Hours run from 00 to 23 and minutes from 00 to 59.")]
    NoSuchTime { hour: u8, minute: u8 },

    #[error("\"{input}\" is not a service code. Enter a five-character CPT or HCPCS code, for example 90834.")]
    InvalidServiceCode { input: String },

    #[error("\"{input}\" is not a place-of-service code. Use 11 (office), 02 (telehealth, not in the client's home) or 10 (telehealth in the client's home).")]
    InvalidPlaceOfService { input: String },

    #[error("\"{input}\" is not an ICD-10-CM code. A code starts with a letter and two characters, optionally followed by a dot and up to four more, for example F41.1.")]
    InvalidDiagnosisCode { input: String },

    #[error("\"{input}\" is not a note template. Choose SOAP, DAP, BIRP or GIRP.")]
    UnknownTemplate { input: String },

    #[error("The earlier note belongs to a different client, so nothing was copied. Open a note of this client to copy from.")]
    CopyForwardFromOtherClient,
}
