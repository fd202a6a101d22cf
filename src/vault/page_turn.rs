//! Giving the page a turn during long work on the whole vault.
//!
//! A backup, a restore or a merge of a 12,000-record vault hashes and walks
//! about 30 MB. Done in one step that freezes a tablet's screen for a few
//! hundred milliseconds, long enough to look like a crash. [`PageTurns`] is the
//! [`Pace`] the vault uses: the work runs for up to [`BUDGET_MS`], then the
//! page gets a turn to draw and take taps.
//!
//! Never await a turn while an IndexedDB transaction waits on nothing: the
//! browser commits it when control returns to the event loop. Callers take
//! their turns before a transaction begins or after it ends.

use gloo::timers::future::TimeoutFuture;

use super::backup_format::Pace;

/// Work done between two turns, in milliseconds: under the 50 ms a browser
/// counts as a long task, with room for the slice that crosses it.
pub const BUDGET_MS: f64 = 20.0;

/// Gives the page a turn once [`BUDGET_MS`] of work has passed since the last.
pub struct PageTurns {
    since: f64,
}

impl PageTurns {
    /// Starts counting now.
    pub fn new() -> PageTurns {
        PageTurns { since: now() }
    }

    /// Gives the page a turn now, whatever the budget says.
    pub async fn turn(&mut self) {
        TimeoutFuture::new(0).await;
        self.since = now();
    }
}

impl Default for PageTurns {
    fn default() -> Self {
        PageTurns::new()
    }
}

impl Pace for PageTurns {
    async fn breathe(&mut self) {
        if now() - self.since >= BUDGET_MS {
            self.turn().await;
        }
    }
}

/// The page's clock: `performance.now()`, or the wall clock where there is none.
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
