//! How instants are written in exports.
//!
//! The domain reads every date and time as wall-clock time where the clinician
//! works (see `domain::date`): a signature's time is the signing `now`, which the
//! late-entry rule compares with the session's wall-clock end. The app has no time
//! zone data, so exports write instants as ISO-8601 *local* date-times, with no
//! `Z` and no offset. Writing `Z` would claim UTC and be wrong by the clinician's
//! offset.

use crate::domain::Timestamp;

/// `2024-03-05T15:50:07.123`: ISO-8601 local date-time to the millisecond, so the
/// stored value can be recovered exactly (addendum digests cover it).
pub(super) fn iso_local(instant: Timestamp) -> String {
    let millis_of_minute = instant.0.rem_euclid(60_000);
    format!(
        "{}T{}:{:02}.{:03}",
        instant.date(),
        instant.time_of_day(),
        millis_of_minute / 1000,
        millis_of_minute % 1000
    )
}

/// `2024-03-05 at 15:50`, for people.
pub(super) fn date_at_time(instant: Timestamp) -> String {
    format!("{} at {}", instant.date(), instant.time_of_day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_to_the_millisecond_without_a_zone() {
        // 2024-03-05T14:30:00Z is 1_709_649_000 s after the epoch.
        let t = Timestamp(1_709_649_000_000 + 7_123);
        assert_eq!(iso_local(t), "2024-03-05T14:30:07.123");
        assert_eq!(date_at_time(t), "2024-03-05 at 14:30");
        assert_eq!(iso_local(Timestamp(-1)), "1969-12-31T23:59:59.999");
        // Out-of-range instants saturate in the domain; writing them must not panic.
        let _ = iso_local(Timestamp(i64::MIN));
        let _ = iso_local(Timestamp(i64::MAX));
    }
}
