//! The clocks of the client's rights: when a request is due, and the one
//! extension the rule allows.
//!
//! - Access (45 CFR 164.524(b)(2)(i)): act no later than 30 days after receipt.
//!   164.524(b)(2)(ii): extendable once, by no more than 30 days, if within the
//!   first 30 days the client gets a written statement of the reasons for the
//!   delay and the date by which the request will be completed.
//! - Amendment (164.526(b)(2)(i)): act no later than 60 days after receipt;
//!   164.526(b)(2)(ii): extendable once by no more than 30 days, on the same
//!   written-notice terms.
//!
//! Days are calendar days counted from the date received: a request received on
//! 2024-03-01 is due by 2024-03-31, and is overdue from 2024-04-01. State law may be
//! stricter; these are the federal ceilings, kept in this one file.

use serde::{Deserialize, Serialize};

use super::RightsError;
use crate::domain::validation::is_blank;
use crate::domain::Date;

/// Which right a request invokes; it decides the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RightKind {
    /// Inspect or get a copy of the record (164.524).
    Access,
    /// Have the record amended (164.526).
    Amendment,
}

impl RightKind {
    pub const ALL: [RightKind; 2] = [RightKind::Access, RightKind::Amendment];

    /// The option text of the "Request type" select.
    pub fn label(&self) -> &'static str {
        match self {
            RightKind::Access => "Access",
            RightKind::Amendment => "Amendment",
        }
    }

    /// Days from receipt to the first due date: 30 for access
    /// (164.524(b)(2)(i)), 60 for amendment (164.526(b)(2)(i)).
    pub const fn days_to_act(&self) -> u32 {
        match self {
            RightKind::Access => 30,
            RightKind::Amendment => 60,
        }
    }

    /// Days the one extension adds: 30 for both (164.524(b)(2)(ii),
    /// 164.526(b)(2)(ii)).
    pub const fn extension_days(&self) -> u32 {
        30
    }
}

/// `date` plus `days`, or the last supported date (9999-12-31) past it. Requests
/// are received in this century, so saturation is a guard, not a rule.
pub fn add_days_saturating(date: Date, days: i64) -> Date {
    date.add_days(days).unwrap_or_else(|| {
        if days < 0 {
            Date::new(1, 1, 1)
        } else {
            Date::new(9999, 12, 31)
        }
        .expect("the first and last supported dates exist")
    })
}

/// The same month and day `years` earlier (28 February for 29 February in a
/// year that has none), or the first supported date before year 1.
pub fn years_before(date: Date, years: i32) -> Date {
    let year = date.year() - years;
    Date::new(year, date.month(), date.day())
        .or_else(|_| Date::new(year, date.month(), date.day() - 1))
        .or_else(|_| Date::new(1, 1, 1))
        .expect("1 January of year 1 exists")
}

/// The written notice that extends a request's due date, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The day the written notice went to the client; on or before the first
    /// due date.
    pub notice_sent: Date,
    /// The reason for the delay, as the notice gives it.
    pub reason: String,
    /// The new due date the notice names: the first due date plus 30 days.
    pub new_due: Date,
}

/// When a request was received and when it is due, with its one possible
/// extension. Reached read-only through a request; only the request extends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    kind: RightKind,
    received: Date,
    extension: Option<Extension>,
}

impl Deadline {
    pub(super) fn new(kind: RightKind, received: Date) -> Deadline {
        Deadline {
            kind,
            received,
            extension: None,
        }
    }

    pub fn kind(&self) -> RightKind {
        self.kind
    }

    /// The date the request was received ("Date received").
    pub fn received(&self) -> Date {
        self.received
    }

    /// The due date before any extension.
    pub fn first_due(&self) -> Date {
        add_days_saturating(self.received, i64::from(self.kind.days_to_act()))
    }

    /// The due date now: the extension's new date if there is one.
    pub fn due(&self) -> Date {
        self.extension
            .as_ref()
            .map_or_else(|| self.first_due(), |extension| extension.new_due)
    }

    pub fn extension(&self) -> Option<&Extension> {
        self.extension.as_ref()
    }

    /// Due before `today`, so action is late. The due date itself is on time.
    pub fn is_overdue(&self, today: Date) -> bool {
        today > self.due()
    }

    /// Days from `today` to the due date: 0 on the day, negative once overdue.
    pub fn days_left(&self, today: Date) -> i64 {
        self.due().days_since_epoch() - today.days_since_epoch()
    }

    /// Records the one extension. Refused when there already is one, when the
    /// reason is blank, or when the notice is dated before receipt or after the
    /// first due date (the rule requires notice within the first period).
    pub(super) fn extend(&mut self, notice_sent: Date, reason: &str) -> Result<(), RightsError> {
        if let Some(existing) = &self.extension {
            return Err(RightsError::AlreadyExtended {
                new_due: existing.new_due,
            });
        }
        if is_blank(reason) {
            return Err(RightsError::ExtensionReasonRequired);
        }
        self.check_not_before_receipt(notice_sent)?;
        let first_due = self.first_due();
        if notice_sent > first_due {
            return Err(RightsError::ExtensionTooLate { due: first_due });
        }
        self.extension = Some(Extension {
            notice_sent,
            reason: reason.trim().to_owned(),
            new_due: add_days_saturating(first_due, i64::from(self.kind.extension_days())),
        });
        Ok(())
    }

    /// Refuses an action dated before the request arrived.
    pub(super) fn check_not_before_receipt(&self, on: Date) -> Result<(), RightsError> {
        if on < self.received {
            Err(RightsError::DateBeforeReceipt {
                received: self.received,
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rights::fixtures::date;

    #[test]
    fn access_is_due_after_30_days_and_amendment_after_60() {
        let access = Deadline::new(RightKind::Access, date("2024-03-01"));
        assert_eq!(access.first_due(), date("2024-03-31"));
        assert_eq!(access.due(), date("2024-03-31"));
        let amendment = Deadline::new(RightKind::Amendment, date("2024-03-01"));
        assert_eq!(amendment.due(), date("2024-04-30"));
        // Across a leap day and a year end.
        assert_eq!(
            Deadline::new(RightKind::Access, date("2024-02-10")).due(),
            date("2024-03-11")
        );
        assert_eq!(
            Deadline::new(RightKind::Amendment, date("2023-12-15")).due(),
            date("2024-02-13")
        );
    }

    #[test]
    fn the_due_date_is_on_time_and_the_next_day_overdue() {
        let d = Deadline::new(RightKind::Access, date("2024-03-01"));
        assert!(!d.is_overdue(date("2024-03-31")));
        assert_eq!(d.days_left(date("2024-03-31")), 0);
        assert!(d.is_overdue(date("2024-04-01")));
        assert_eq!(d.days_left(date("2024-04-01")), -1);
        assert_eq!(d.days_left(date("2024-03-01")), 30);
    }

    #[test]
    fn one_extension_adds_30_days_to_the_first_due_date() {
        let mut d = Deadline::new(RightKind::Amendment, date("2024-03-01"));
        d.extend(date("2024-04-30"), "  Records are in storage off site. ")
            .unwrap();
        assert_eq!(d.first_due(), date("2024-04-30"));
        assert_eq!(d.due(), date("2024-05-30"));
        let extension = d.extension().unwrap();
        assert_eq!(extension.reason, "Records are in storage off site.");
        assert_eq!(extension.notice_sent, date("2024-04-30"));
        assert!(!d.is_overdue(date("2024-05-30")));
        assert_eq!(
            d.extend(date("2024-05-01"), "Again."),
            Err(RightsError::AlreadyExtended {
                new_due: date("2024-05-30")
            })
        );
    }

    #[test]
    fn an_extension_needs_a_reason_and_notice_within_the_first_period() {
        let mut d = Deadline::new(RightKind::Access, date("2024-03-01"));
        assert_eq!(
            d.extend(date("2024-03-10"), " \n"),
            Err(RightsError::ExtensionReasonRequired)
        );
        assert_eq!(
            d.extend(date("2024-04-01"), "Late notice."),
            Err(RightsError::ExtensionTooLate {
                due: date("2024-03-31")
            })
        );
        assert_eq!(
            d.extend(date("2024-02-29"), "Before receipt."),
            Err(RightsError::DateBeforeReceipt {
                received: date("2024-03-01")
            })
        );
        assert_eq!(d.extension(), None, "refusals change nothing");
        d.extend(date("2024-03-31"), "On the last day.").unwrap();
        assert_eq!(d.due(), date("2024-04-30"));
    }

    #[test]
    fn date_helpers_saturate_and_handle_leap_days() {
        assert_eq!(
            add_days_saturating(date("9999-12-20"), 30),
            date("9999-12-31")
        );
        assert_eq!(
            add_days_saturating(date("0001-01-05"), -30),
            date("0001-01-01")
        );
        assert_eq!(years_before(date("2024-02-29"), 6), date("2018-02-28"));
        assert_eq!(years_before(date("2024-03-05"), 6), date("2018-03-05"));
        assert_eq!(years_before(date("0003-03-05"), 6), date("0001-01-01"));
    }
}
