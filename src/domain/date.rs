//! Calendar dates, times of day and instants, without a clock or time zone database.
//!
//! The domain never reads the system clock: callers pass `now` in. That keeps the
//! rules (late entries, ordering of signatures) testable with fixed values.
//!
//! # Formats
//! Dates are written `YYYY-MM-DD` and times `HH:MM` (24-hour), exactly the values an
//! HTML `<input type="date">` and `<input type="time">` produce. Parsing is strict:
//! every part must have its full number of digits, so `"2024-1-5"` and `"9:05"` are
//! rejected. One spelling per value means a date typed by hand and a date picked in
//! the browser never compare or sort differently. Years run from 0001 to 9999 so
//! that every date has a four-digit form.
//!
//! # Time zones
//! A date and time of service is wall-clock time where the clinician works. The domain
//! has no time zone data, so [`Timestamp::from_date_time`] reads a date and time as
//! UTC. A [`Timestamp`] that is compared with a session time (such as `now` when
//! signing, for the late-entry rule) must be on the same footing; otherwise the rule
//! shifts by the UTC offset (at most 14 hours). In the browser that is
//! `Date.now() - new Date().getTimezoneOffset() * 60_000`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::DomainError;

const MILLIS_PER_MINUTE: i64 = 60_000;
const MILLIS_PER_DAY: i64 = 24 * 60 * MILLIS_PER_MINUTE;
const MIN_YEAR: i32 = 1;
const MAX_YEAR: i32 = 9999;

/// A calendar date (proleptic Gregorian), always a real one.
///
/// ```
/// use psynotes::domain::Date;
/// let date = Date::parse("2024-02-29").unwrap();
/// assert_eq!(date.to_string(), "2024-02-29");
/// assert!(Date::parse("2023-02-29").is_err());
/// ```
// Field order is year, month, day so the derived `Ord` is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, if it exists on the calendar (leap years included) and its year is
    /// between 1 and 9999.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DomainError> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        if valid {
            Ok(Date { year, month, day })
        } else {
            Err(DomainError::NoSuchDate { year, month, day })
        }
    }

    /// Reads `YYYY-MM-DD` with exactly 4, 2 and 2 digits (see the module doc).
    pub fn parse(input: &str) -> Result<Date, DomainError> {
        let invalid = || DomainError::InvalidDate {
            input: input.to_owned(),
        };
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let year = digits(input.get(0..4)).ok_or_else(invalid)?;
        let month = digits(input.get(5..7)).ok_or_else(invalid)?;
        let day = digits(input.get(8..10)).ok_or_else(invalid)?;
        // The digit counts bound the values, so these narrowing casts cannot wrap.
        Date::new(year as i32, month as u8, day as u8)
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The same day `years` years later; 29 February becomes 28 February in a
    /// year that has none. `None` past the supported years.
    pub fn add_years(&self, years: u32) -> Option<Date> {
        let year = self.year.checked_add(i32::try_from(years).ok()?)?;
        let day = self.day.min(days_in_month(year, self.month));
        Date::new(year, self.month, day).ok()
    }

    /// The date `days` days later (or earlier, if negative), or `None` past the
    /// supported years.
    pub fn add_days(&self, days: i64) -> Option<Date> {
        let (year, month, day) = civil_from_days(self.days_since_epoch().checked_add(days)?)?;
        Date::new(year, month, day).ok()
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a run of ASCII digits only; `str::parse` would also accept a sign.
/// Takes the result of `str::get` so a slice off a character boundary is simply
/// "not digits" rather than a panic.
fn digits(text: Option<&str>) -> Option<u32> {
    let text = text?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let month = i64::from(month);
    let day = i64::from(day);
    // Count years from March so the leap day is the last day of the year.
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]; `None` if the year does not fit an `i32`.
fn civil_from_days(days: i64) -> Option<(i32, u8, u8)> {
    let days = days.checked_add(719_468)?;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    Some((i32::try_from(year).ok()?, month as u8, day as u8))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DomainError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Date::parse(input)
    }
}

impl TryFrom<String> for Date {
    type Error = DomainError;
    fn try_from(input: String) -> Result<Self, Self::Error> {
        Date::parse(&input)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

/// A time of day on the 24-hour clock, to the minute.
///
/// ```
/// use psynotes::domain::TimeOfDay;
/// let t = TimeOfDay::parse("09:05").unwrap();
/// assert_eq!((t.hour(), t.minute()), (9, 5));
/// assert_eq!(t.to_string(), "09:05");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
}

impl TimeOfDay {
    /// 00:00, the start of a day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay { hour: 0, minute: 0 };

    pub fn new(hour: u8, minute: u8) -> Result<TimeOfDay, DomainError> {
        if hour < 24 && minute < 60 {
            Ok(TimeOfDay { hour, minute })
        } else {
            Err(DomainError::NoSuchTime { hour, minute })
        }
    }

    /// Reads `HH:MM` with exactly two digits each (see the module doc).
    pub fn parse(input: &str) -> Result<TimeOfDay, DomainError> {
        let invalid = || DomainError::InvalidTime {
            input: input.to_owned(),
        };
        let bytes = input.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let hour = digits(input.get(0..2)).ok_or_else(invalid)?;
        let minute = digits(input.get(3..5)).ok_or_else(invalid)?;
        TimeOfDay::new(hour as u8, minute as u8)
    }

    pub fn hour(&self) -> u8 {
        self.hour
    }

    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// Minutes since midnight, 0 to 1439.
    pub fn minutes_since_midnight(&self) -> u32 {
        u32::from(self.hour) * 60 + u32::from(self.minute)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl FromStr for TimeOfDay {
    type Err = DomainError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        TimeOfDay::parse(input)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = DomainError;
    fn try_from(input: String) -> Result<Self, Self::Error> {
        TimeOfDay::parse(&input)
    }
}

impl From<TimeOfDay> for String {
    fn from(time: TimeOfDay) -> String {
        time.to_string()
    }
}

/// An instant: milliseconds since 1970-01-01T00:00:00 UTC (see the module doc on
/// time zones). Stored as a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The instant a date and time of day name, read as UTC.
    pub fn from_date_time(date: Date, time: TimeOfDay) -> Timestamp {
        // Years 1..=9999 keep this far inside i64, so plain arithmetic cannot overflow.
        let minutes = i64::from(time.minutes_since_midnight());
        Timestamp(date.days_since_epoch() * MILLIS_PER_DAY + minutes * MILLIS_PER_MINUTE)
    }

    /// The calendar date of this instant, read as UTC. Instants before year 1 or
    /// after year 9999 give the first or last supported date rather than failing.
    pub fn date(&self) -> Date {
        let days = self.0.div_euclid(MILLIS_PER_DAY);
        civil_from_days(days)
            .and_then(|(year, month, day)| Date::new(year, month, day).ok())
            .unwrap_or(if days < 0 { FIRST_DATE } else { LAST_DATE })
    }

    /// The time of day of this instant, read as UTC, to the minute.
    pub fn time_of_day(&self) -> TimeOfDay {
        let minutes = self.0.rem_euclid(MILLIS_PER_DAY) / MILLIS_PER_MINUTE;
        // rem_euclid keeps this within one day: hour < 24 and minute < 60.
        TimeOfDay {
            hour: (minutes / 60) as u8,
            minute: (minutes % 60) as u8,
        }
    }
}

const FIRST_DATE: Date = Date {
    year: MIN_YEAR,
    month: 1,
    day: 1,
};
const LAST_DATE: Date = Date {
    year: MAX_YEAR,
    month: 12,
    day: 31,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_later_keeps_the_day_or_the_end_of_february() {
        let d = |t: &str| Date::parse(t).unwrap();
        assert_eq!(d("2026-04-30").add_years(7), Some(d("2033-04-30")));
        assert_eq!(d("2024-02-29").add_years(1), Some(d("2025-02-28")));
        assert_eq!(d("2024-02-29").add_years(4), Some(d("2028-02-29")));
    }

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).expect("test date is valid")
    }

    #[test]
    fn parses_and_displays_dates() {
        assert_eq!(Date::parse("2024-03-05"), Ok(date(2024, 3, 5)));
        assert_eq!(date(2024, 3, 5).to_string(), "2024-03-05");
        assert_eq!(date(7, 1, 9).to_string(), "0007-01-09");
        assert_eq!("1999-12-31".parse::<Date>(), Ok(date(1999, 12, 31)));
    }

    #[test]
    fn leap_years_follow_the_gregorian_rules() {
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert_eq!(
            Date::new(2023, 2, 29),
            Err(DomainError::NoSuchDate {
                year: 2023,
                month: 2,
                day: 29
            })
        );
        assert!(Date::new(1900, 2, 29).is_err());
        assert!(Date::parse("2023-02-29").is_err());
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-01-00",
            "2024-01-32",
            "0000-01-01",
        ] {
            assert!(
                matches!(Date::parse(bad), Err(DomainError::NoSuchDate { .. })),
                "{bad} should not be a date"
            );
        }
    }

    #[test]
    fn rejects_other_spellings_of_a_date() {
        for bad in [
            "2024-1-5",
            "2024-01-5",
            "24-01-05",
            "2024/01/05",
            "2024-01-05 ",
            " 2024-01-05",
            "+024-01-05",
            "2024-+1-05",
            "",
            "2024-01-05T10:00",
            "２０２４-01-05",
        ] {
            assert_eq!(
                Date::parse(bad),
                Err(DomainError::InvalidDate { input: bad.into() }),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(date(2023, 12, 31) < date(2024, 1, 1));
        assert!(date(2024, 1, 31) < date(2024, 2, 1));
        assert!(date(2024, 2, 1) < date(2024, 2, 2));
    }

    #[test]
    fn dates_serialize_as_strings_and_refuse_bad_ones() {
        let json = serde_json::to_string(&date(2024, 3, 5)).unwrap();
        assert_eq!(json, "\"2024-03-05\"");
        assert_eq!(
            serde_json::from_str::<Date>(&json).unwrap(),
            date(2024, 3, 5)
        );
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
        assert!(serde_json::from_str::<Date>("20240305").is_err());
    }

    #[test]
    fn parses_and_displays_times() {
        let t = TimeOfDay::parse("23:59").unwrap();
        assert_eq!((t.hour(), t.minute()), (23, 59));
        assert_eq!(t.minutes_since_midnight(), 1439);
        assert_eq!(TimeOfDay::new(0, 0).unwrap().to_string(), "00:00");
        for bad in ["24:00", "12:60"] {
            assert!(matches!(
                TimeOfDay::parse(bad),
                Err(DomainError::NoSuchTime { .. })
            ));
        }
        for bad in ["9:05", "09:5", "0905", "09:05:00", "", "-1:00", "ab:cd"] {
            assert_eq!(
                TimeOfDay::parse(bad),
                Err(DomainError::InvalidTime { input: bad.into() })
            );
        }
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"23:59\"");
        assert_eq!(serde_json::from_str::<TimeOfDay>(&json).unwrap(), t);
    }

    #[test]
    fn timestamps_match_known_unix_times() {
        let epoch = Timestamp::from_date_time(date(1970, 1, 1), TimeOfDay::new(0, 0).unwrap());
        assert_eq!(epoch, Timestamp(0));
        // 2024-03-05T14:30:00Z is 1709649000 s after the epoch.
        let t = Timestamp::from_date_time(date(2024, 3, 5), TimeOfDay::new(14, 30).unwrap());
        assert_eq!(t, Timestamp(1_709_649_000_000));
        let before = Timestamp::from_date_time(date(1969, 12, 31), TimeOfDay::new(23, 0).unwrap());
        assert_eq!(before, Timestamp(-3_600_000));
    }

    #[test]
    fn timestamp_date_inverts_from_date_time() {
        for d in [
            date(1, 1, 1),
            date(1600, 2, 29),
            date(1969, 12, 31),
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2024, 12, 31),
            date(9999, 12, 31),
        ] {
            let t = TimeOfDay::new(23, 59).unwrap();
            let ts = Timestamp::from_date_time(d, t);
            assert_eq!(ts.date(), d);
            assert_eq!(ts.time_of_day(), t);
        }
        assert_eq!(Timestamp(-1).date(), date(1969, 12, 31));
    }

    #[test]
    fn extreme_timestamps_saturate_instead_of_panicking() {
        assert_eq!(Timestamp(i64::MIN).date(), date(1, 1, 1));
        assert_eq!(Timestamp(i64::MAX).date(), date(9999, 12, 31));
        let _ = Timestamp(i64::MIN).time_of_day();
    }

    #[test]
    fn add_days_crosses_months_and_years() {
        assert_eq!(date(2024, 2, 28).add_days(1), Some(date(2024, 2, 29)));
        assert_eq!(date(2023, 2, 28).add_days(1), Some(date(2023, 3, 1)));
        assert_eq!(date(2024, 12, 31).add_days(1), Some(date(2025, 1, 1)));
        assert_eq!(date(2024, 1, 1).add_days(-1), Some(date(2023, 12, 31)));
        assert_eq!(date(9999, 12, 31).add_days(1), None);
    }
}
