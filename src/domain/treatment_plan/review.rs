//! When a plan is due for review, for the plan page and the home screen's list
//! of plans whose review date has passed.
//!
//! Payers often expect a treatment plan to be reviewed every 90 days, or at
//! any major change (DOMAIN.md), so a new draft's review date defaults to 90
//! days ahead; the clinician may choose another.

use super::plan::TreatmentPlan;
use crate::domain::Date;

/// The default interval between reviews, in days.
pub const REVIEW_INTERVAL_DAYS: i64 = 90;

/// The default next review date: [`REVIEW_INTERVAL_DAYS`] after `from`
/// (`None` only past the year 9999).
pub fn default_review_date(from: Date) -> Option<Date> {
    from.add_days(REVIEW_INTERVAL_DAYS)
}

/// Where the plan in force stands against its review date on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// Nothing is signed yet, so no review date applies.
    NotSigned,
    /// The signed version has no review date (only a record changed outside
    /// the app can be in this state: signing requires one).
    NoReviewDate,
    Upcoming {
        days_left: i64,
    },
    DueToday,
    /// The review date has passed.
    Overdue {
        days_overdue: i64,
    },
}

impl TreatmentPlan {
    /// The review date of the plan in force.
    pub fn review_date(&self) -> Option<Date> {
        self.current()?.review_date()
    }

    /// The plan in force against its review date on `today`.
    pub fn review_status(&self, today: Date) -> ReviewStatus {
        let Some(current) = self.current() else {
            return ReviewStatus::NotSigned;
        };
        let Some(review) = current.review_date() else {
            return ReviewStatus::NoReviewDate;
        };
        let days = today.days_since_epoch() - review.days_since_epoch();
        match days {
            d if d < 0 => ReviewStatus::Upcoming { days_left: -d },
            0 => ReviewStatus::DueToday,
            d => ReviewStatus::Overdue { days_overdue: d },
        }
    }

    /// Whether the review date of the plan in force has passed on `today` (the
    /// review date itself is not yet passed). A draft revision does not stop
    /// the clock: until it is signed, the old version is in force.
    pub fn review_date_passed(&self, today: Date) -> bool {
        matches!(self.review_status(today), ReviewStatus::Overdue { .. })
    }
}

/// The plans whose review date has passed on `today`, longest overdue first
/// (then by client id, so the list is stable): the home screen's list.
pub fn plans_past_review<'a>(
    plans: impl IntoIterator<Item = &'a TreatmentPlan>,
    today: Date,
) -> Vec<&'a TreatmentPlan> {
    let mut due: Vec<&TreatmentPlan> = plans
        .into_iter()
        .filter(|plan| plan.review_date_passed(today))
        .collect();
    due.sort_by(|a, b| {
        a.review_date()
            .cmp(&b.review_date())
            .then_with(|| a.client_id().cmp(b.client_id()))
    });
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::{clinician, date};
    use crate::domain::treatment_plan::plan::fixtures::{at, ready_plan};
    use crate::domain::treatment_plan::TreatmentPlanId;
    use crate::domain::ClientId;

    fn signed_plan(client: &str, review: &str) -> TreatmentPlan {
        let mut plan = ready_plan();
        plan.draft_mut().unwrap().content.review_date = Some(date(review));
        let json = serde_json::to_string(&plan)
            .unwrap()
            .replace("\"client-1\"", &format!("\"{client}\""));
        let mut plan: TreatmentPlan = serde_json::from_str(&json).unwrap();
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        plan
    }

    #[test]
    fn the_default_review_is_90_days_ahead() {
        assert_eq!(
            default_review_date(date("2025-01-06")),
            Some(date("2025-04-06"))
        );
        assert_eq!(
            default_review_date(date("2024-12-01")),
            Some(date("2025-03-01"))
        );
        assert_eq!(default_review_date(date("9999-12-01")), None);
    }

    #[test]
    fn status_around_the_review_date() {
        let plan = signed_plan("client-1", "2025-04-01");
        assert_eq!(plan.review_date(), Some(date("2025-04-01")));
        assert_eq!(
            plan.review_status(date("2025-03-30")),
            ReviewStatus::Upcoming { days_left: 2 }
        );
        assert_eq!(
            plan.review_status(date("2025-04-01")),
            ReviewStatus::DueToday
        );
        assert!(!plan.review_date_passed(date("2025-04-01")));
        assert_eq!(
            plan.review_status(date("2025-04-02")),
            ReviewStatus::Overdue { days_overdue: 1 }
        );
        assert!(plan.review_date_passed(date("2025-04-02")));
    }

    #[test]
    fn an_unsigned_plan_has_no_review_due() {
        let plan = TreatmentPlan::new(
            TreatmentPlanId("p".into()),
            ClientId("c".into()),
            at("2024-01-01"),
        );
        assert_eq!(
            plan.review_status(date("2030-01-01")),
            ReviewStatus::NotSigned
        );
        assert!(!plan.review_date_passed(date("2030-01-01")));
    }

    #[test]
    fn a_pending_revision_does_not_reset_the_clock() {
        let mut plan = signed_plan("client-1", "2025-04-01");
        plan.revise(at("2025-04-05")).unwrap();
        assert!(plan.review_date_passed(date("2025-04-05")));
    }

    #[test]
    fn the_home_screen_lists_overdue_plans_longest_overdue_first() {
        let plans = [
            signed_plan("client-b", "2025-03-01"),
            signed_plan("client-a", "2025-05-01"),
            signed_plan("client-c", "2025-02-01"),
            signed_plan("client-d", "2025-03-01"),
        ];
        let due: Vec<&str> = plans_past_review(&plans, date("2025-04-01"))
            .iter()
            .map(|p| p.client_id().as_str())
            .collect();
        assert_eq!(due, ["client-c", "client-b", "client-d"]);
    }
}
