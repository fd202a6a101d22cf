//! How long a wrong passphrase makes the next try wait.
//!
//! Argon2id already makes each guess cost a fraction of a second; the backoff
//! stops a person with the tablet from trying thousands of them. The count and
//! time of failures are stored in IndexedDB (no secret in them), so a reload does
//! not reset the wait, and the wait is checked *before* the KDF runs.

use serde::{Deserialize, Serialize};

/// Failures allowed before any wait applies.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait, after [`FREE_ATTEMPTS`] failures.
pub const FIRST_WAIT_SECS: u64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECS: u64 = 15 * 60;

/// The stored failure record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// Consecutive failures since the last success.
    pub failures: u32,
    /// When the last failure happened, in Unix milliseconds.
    pub last_failure_ms: i64,
}

impl Attempts {
    /// The wait that applies after `self.failures` failures: none for the first
    /// five, then 30 s doubling up to 15 min.
    pub fn wait_secs(&self) -> u64 {
        if self.failures < FREE_ATTEMPTS {
            return 0;
        }
        let doublings = (self.failures - FREE_ATTEMPTS).min(16);
        (FIRST_WAIT_SECS << doublings).min(MAX_WAIT_SECS)
    }

    /// Seconds left before another try is allowed at `now_ms` (0: try now).
    ///
    /// A clock set backwards does not unlock early: a failure "in the future"
    /// counts as having just happened.
    pub fn remaining_secs(&self, now_ms: i64) -> u64 {
        let wait_ms = self.wait_secs() as i64 * 1000;
        if wait_ms == 0 {
            return 0;
        }
        let elapsed = (now_ms - self.last_failure_ms).max(0);
        let left_ms = (wait_ms - elapsed).max(0);
        (left_ms as u64).div_ceil(1000)
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        // A struct of two integers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record after one more failure at `now_ms`.
    pub fn failed(self, now_ms: i64) -> Attempts {
        Attempts {
            failures: self.failures.saturating_add(1),
            last_failure_ms: now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(failures: u32) -> Attempts {
        Attempts {
            failures,
            last_failure_ms: 1_000_000,
        }
    }

    #[test]
    fn five_free_tries_then_thirty_seconds_doubling_to_fifteen_minutes() {
        assert_eq!(after(0).wait_secs(), 0);
        assert_eq!(after(4).wait_secs(), 0);
        assert_eq!(after(5).wait_secs(), 30);
        assert_eq!(after(6).wait_secs(), 60);
        assert_eq!(after(7).wait_secs(), 120);
        assert_eq!(after(9).wait_secs(), 480);
        assert_eq!(after(10).wait_secs(), 900);
        assert_eq!(after(1000).wait_secs(), 900);
        assert_eq!(after(u32::MAX).wait_secs(), 900);
    }

    #[test]
    fn remaining_counts_down_from_the_last_failure() {
        let a = after(5);
        assert_eq!(a.remaining_secs(1_000_000), 30);
        assert_eq!(a.remaining_secs(1_000_000 + 29_001), 1);
        assert_eq!(a.remaining_secs(1_000_000 + 30_000), 0);
        assert_eq!(after(4).remaining_secs(1_000_000), 0);
    }

    #[test]
    fn a_clock_set_backwards_does_not_shorten_the_wait() {
        assert_eq!(after(5).remaining_secs(0), 30);
    }

    #[test]
    fn failing_counts_up_and_never_overflows() {
        let a = Attempts::default().failed(5);
        assert_eq!(
            a,
            Attempts {
                failures: 1,
                last_failure_ms: 5
            }
        );
        let max = Attempts {
            failures: u32::MAX,
            last_failure_ms: 0,
        }
        .failed(9);
        assert_eq!(max.failures, u32::MAX);
    }
}
