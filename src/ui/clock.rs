//! The clock, as the UI reads it: real time for the audit log and timers, and
//! the therapist's wall-clock time for dates and times of service.

use crate::domain::{Date, Timestamp};

/// Real time, Unix milliseconds: for the audit log and timers.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The therapist's wall-clock time as a [`Timestamp`]: dates and times of service
/// are typed in local time, so "now" for signing and late-entry checks must be
/// local too, or the 72-hour rule would shift by the UTC offset.
pub fn now_local() -> Timestamp {
    let date = js_sys::Date::new_0();
    let offset_ms = date.get_timezone_offset() * 60_000.0;
    Timestamp((date.get_time() - offset_ms) as i64)
}

/// Today's date where the therapist is.
pub fn today() -> Date {
    now_local().date()
}
