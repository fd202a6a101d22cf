//! The clinician's preferences, stored encrypted like everything else.
//!
//! Stored settings are read with `#[serde(default)]`, so a setting added in a later
//! version takes its default instead of making older settings unreadable.

use serde::{Deserialize, Serialize};

use super::ClinicianProfile;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub clinician: ClinicianProfile,
    /// Lock the vault after this many minutes without input (1 to 60).
    pub idle_lock_minutes: u32,
    /// Lock this many seconds after the tab is hidden (0 to 600).
    pub hidden_grace_seconds: u32,
    /// A note signed more than this many hours after the session is a late entry
    /// (1 to 720).
    pub late_entry_hours: u32,
    /// Show client codes instead of names in lists and headings.
    pub show_client_codes: bool,
    /// Remind to download a backup after this many days without one (1 to 90).
    pub backup_reminder_days: u32,
    /// Run the record check (45 CFR 164.501) beside the note editors: advice on
    /// which of the two notes a sentence belongs in. On by default; it reads
    /// text already on screen and sends nothing anywhere.
    pub record_check: bool,
    /// How many years a record is kept after discharge (1 to 30). State law
    /// decides; the app only counts from the discharge date.
    pub retention_years: u32,
}

impl Settings {
    pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;
    pub const HIDDEN_GRACE_SECONDS: std::ops::RangeInclusive<u32> = 0..=600;
    pub const LATE_ENTRY_HOURS: std::ops::RangeInclusive<u32> = 1..=720;
    pub const BACKUP_REMINDER_DAYS: std::ops::RangeInclusive<u32> = 1..=90;
    pub const RETENTION_YEARS: std::ops::RangeInclusive<u32> = 1..=30;

    /// The same settings with every number moved into its allowed range, so a
    /// hand-edited or damaged value can never disable locking or the late-entry rule.
    pub fn clamped(self) -> Settings {
        fn clamp(value: u32, range: std::ops::RangeInclusive<u32>) -> u32 {
            value.clamp(*range.start(), *range.end())
        }
        Settings {
            idle_lock_minutes: clamp(self.idle_lock_minutes, Self::IDLE_LOCK_MINUTES),
            hidden_grace_seconds: clamp(self.hidden_grace_seconds, Self::HIDDEN_GRACE_SECONDS),
            late_entry_hours: clamp(self.late_entry_hours, Self::LATE_ENTRY_HOURS),
            backup_reminder_days: clamp(self.backup_reminder_days, Self::BACKUP_REMINDER_DAYS),
            retention_years: clamp(self.retention_years, Self::RETENTION_YEARS),
            ..self
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clinician: ClinicianProfile::default(),
            idle_lock_minutes: 10,
            hidden_grace_seconds: 60,
            late_entry_hours: 72,
            show_client_codes: false,
            backup_reminder_days: 7,
            record_check: true,
            retention_years: 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let s = Settings::default();
        assert_eq!(
            (
                s.idle_lock_minutes,
                s.hidden_grace_seconds,
                s.late_entry_hours
            ),
            (10, 60, 72)
        );
        assert!(!s.show_client_codes);
        assert_eq!(s.backup_reminder_days, 7);
        assert!(s.record_check);
        assert_eq!(s.clone().clamped(), s);
    }

    #[test]
    fn clamped_keeps_values_in_range() {
        let s = Settings {
            idle_lock_minutes: 0,
            hidden_grace_seconds: 100_000,
            late_entry_hours: 0,
            backup_reminder_days: 1000,
            ..Settings::default()
        }
        .clamped();
        assert_eq!(s.idle_lock_minutes, 1);
        assert_eq!(s.hidden_grace_seconds, 600);
        assert_eq!(s.late_entry_hours, 1);
        assert_eq!(s.backup_reminder_days, 90);
        let s = Settings {
            idle_lock_minutes: 61,
            ..Settings::default()
        }
        .clamped();
        assert_eq!(s.idle_lock_minutes, 60);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"idle_lock_minutes":5}"#).unwrap();
        assert_eq!(s.idle_lock_minutes, 5);
        assert_eq!(s.late_entry_hours, 72);
        // Settings saved before the record check existed turn it on.
        assert!(s.record_check);
    }
}
