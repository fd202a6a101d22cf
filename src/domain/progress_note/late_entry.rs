//! The late-entry rule: a note signed long after the session says so.
//!
//! A note is late when it is signed more than `threshold_hours` (default 72) after
//! the session ended. "Ended" is the end time on the date of service; without an
//! end time it is the midnight that ends the date of service. Exactly at the
//! threshold is still on time. A late note records when it was written and why.

use serde::{Deserialize, Serialize};

use crate::domain::{Date, TimeOfDay, Timestamp};

const MILLIS_PER_HOUR: i64 = 3_600_000;
const MILLIS_PER_DAY: i64 = 24 * MILLIS_PER_HOUR;

/// Recorded on a note signed after the late-entry threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEntry {
    /// Why the note was written late, as the clinician gave it.
    pub reason: String,
    /// When the note was completed and signed.
    pub written_at: Timestamp,
    /// Whole hours between the end of the session and `written_at`.
    pub hours_after_service: u32,
}

/// How many whole hours after the session `signed_at` is, if that is more than
/// `threshold_hours`; `None` when the note is on time.
///
/// `date_of_service` is the date on which `end` falls: for a session that crossed
/// midnight, pass the next day ([`ProgressNoteDraft::sign`] does this).
///
/// ```
/// use psynotes::domain::{is_late, Date, TimeOfDay, Timestamp};
/// let day = Date::parse("2024-03-05").unwrap();
/// let end = TimeOfDay::parse("15:00").unwrap();
/// let three_days_later = Timestamp::from_date_time(Date::parse("2024-03-08").unwrap(), end);
/// assert_eq!(is_late(day, Some(end), three_days_later, 72), None);
/// assert_eq!(is_late(day, Some(end), Timestamp(three_days_later.0 + 1), 72), Some(72));
/// ```
///
/// [`ProgressNoteDraft::sign`]: super::ProgressNoteDraft::sign
pub fn is_late(
    date_of_service: Date,
    end: Option<TimeOfDay>,
    signed_at: Timestamp,
    threshold_hours: u32,
) -> Option<u32> {
    let session_end = match end {
        Some(end) => Timestamp::from_date_time(date_of_service, end).0,
        None => Timestamp::from_date_time(date_of_service, TimeOfDay::MIDNIGHT).0 + MILLIS_PER_DAY,
    };
    let elapsed = signed_at.0.saturating_sub(session_end);
    if elapsed > i64::from(threshold_hours) * MILLIS_PER_HOUR {
        Some(u32::try_from(elapsed / MILLIS_PER_HOUR).unwrap_or(u32::MAX))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    const HOUR: i64 = MILLIS_PER_HOUR;

    #[test]
    fn at_and_around_the_threshold() {
        let day = date("2024-03-05");
        let end = Some(time("14:50"));
        let ended = session_end().0;
        let at = |ms: i64| is_late(day, end, Timestamp(ms), 72);
        assert_eq!(at(ended + 72 * HOUR - 1), None, "just under");
        assert_eq!(at(ended + 72 * HOUR), None, "exactly at");
        assert_eq!(at(ended + 72 * HOUR + 1), Some(72), "just over");
        assert_eq!(at(ended + 100 * HOUR + 59 * 60_000), Some(100));
        assert_eq!(at(ended - HOUR), None, "before the session ended");
    }

    #[test]
    fn without_an_end_time_the_day_counts_until_midnight() {
        let day = date("2024-03-05");
        let midnight_after = Timestamp::from_date_time(date("2024-03-06"), time("00:00")).0;
        assert_eq!(
            is_late(day, None, Timestamp(midnight_after + 72 * HOUR), 72),
            None
        );
        assert_eq!(
            is_late(day, None, Timestamp(midnight_after + 72 * HOUR + 1), 72),
            Some(72)
        );
    }

    #[test]
    fn other_thresholds_and_extremes() {
        let day = date("2024-03-05");
        let ended = session_end().0;
        assert_eq!(
            is_late(day, Some(time("14:50")), Timestamp(ended + 1), 0),
            Some(0)
        );
        assert_eq!(
            is_late(day, Some(time("14:50")), Timestamp(ended + 25 * HOUR), 24),
            Some(25)
        );
        assert_eq!(is_late(day, None, Timestamp(i64::MAX), 72), Some(u32::MAX));
        assert_eq!(is_late(day, None, Timestamp(i64::MIN), 72), None);
    }
}
