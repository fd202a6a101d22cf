//! Auto-lock and the privacy cover, on every screen that has the vault open.
//!
//! - **Idle:** idle time is measured by the wall clock (`Date.now()`), not by
//!   counting timer ticks: a tablet that sleeps stops timers, and must still
//!   lock on waking. So the check runs on a timer *and* on `visibilitychange`,
//!   `focus` and `pageshow`.
//! - **Hidden:** the moment the page is hidden, the screen is covered (a class
//!   on the root element, set synchronously in the event, so the app switcher's
//!   snapshot shows no note), and open editors are saved. Shown again within
//!   the grace period, it is uncovered; later, it locks.
//! - **Back-forward cache:** a page restored from it always locks.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use leptos::prelude::*;

use crate::vault::audit::LockReason;

use super::clock::now_ms;
use super::flush::use_flushers;

/// How often the idle check runs while the page is visible.
const CHECK_EVERY_MS: u32 = 5_000;

/// The class on `<html>` that covers the screen while the page is hidden.
pub const COVERED_CLASS: &str = "privacy-covered";

/// When the therapist last touched the screens of the open vault.
///
/// One per open vault, shared by the screens before the app (recovery key, new
/// passphrase) and the app itself: moving from one to the other, or the app
/// shell being drawn again, must not restart the idle time.
#[derive(Clone, Debug)]
pub struct LastActivity(Rc<Cell<i64>>);

impl LastActivity {
    /// A clock for a vault opened just now.
    pub fn starting_now() -> LastActivity {
        LastActivity(Rc::new(Cell::new(now_ms())))
    }

    fn at(&self) -> i64 {
        self.0.get()
    }

    fn touch(&self) {
        self.0.set(now_ms());
    }
}

/// Installs the auto-lock listeners and the privacy cover for as long as it is
/// mounted.
#[component]
pub fn AutoLock(
    /// Lock after this many minutes without a touch or a key.
    #[prop(into)]
    idle_minutes: Signal<u32>,
    /// Lock when the page was hidden for longer than this.
    #[prop(into)]
    grace_seconds: Signal<u32>,
    /// The open vault's activity clock, which outlives this component.
    last_activity: LastActivity,
    /// Locks, for the reason given.
    on_lock: Callback<LockReason>,
) -> impl IntoView {
    let flushers = use_flushers();
    let hidden_since = Rc::new(Cell::new(None::<i64>));
    let idle_limit_ms = move || i64::from(idle_minutes.get_untracked()) * 60_000;
    let grace_ms = move || i64::from(grace_seconds.get_untracked()) * 1_000;

    let check: Rc<dyn Fn()> = {
        let last_activity = last_activity.clone();
        Rc::new(move || {
            if now_ms() - last_activity.at() >= idle_limit_ms() {
                on_lock.run(LockReason::Idle);
            }
        })
    };

    let document = document();
    let window = window();
    // Mounted while the page is hidden (the screen before it went away in
    // the meantime, and uncovered as it went): covered at once, and the
    // hidden time counts from now.
    if document.hidden() {
        cover(true);
        hidden_since.set(Some(now_ms()));
    }
    let mut listeners = Vec::new();
    for event in ["pointerdown", "keydown", "touchstart", "wheel", "input"] {
        let last_activity = last_activity.clone();
        let check = check.clone();
        listeners.push(EventListener::new(&document, event, move |_| {
            // Check first: a tap after the limit must lock, not count as activity.
            check();
            last_activity.touch();
        }));
    }
    {
        let hidden_since = hidden_since.clone();
        let check = check.clone();
        let doc = document.clone();
        listeners.push(EventListener::new(
            &document,
            "visibilitychange",
            move |_| {
                if doc.hidden() {
                    cover(true);
                    hidden_since.set(Some(now_ms()));
                    leptos::task::spawn_local(async move { flushers.flush_all().await });
                } else {
                    if let Some(since) = hidden_since.take() {
                        if now_ms() - since > grace_ms() {
                            on_lock.run(LockReason::Hidden);
                            return;
                        }
                    }
                    cover(false);
                    check();
                }
            },
        ));
    }
    listeners.push(EventListener::new(&window, "pagehide", move |_| {
        cover(true);
        leptos::task::spawn_local(async move { flushers.flush_all().await });
    }));
    {
        let check = check.clone();
        listeners.push(EventListener::new(&window, "focus", move |_| check()));
    }
    listeners.push(EventListener::new(&window, "pageshow", move |event| {
        let restored = wasm_bindgen::JsCast::dyn_ref::<web_sys::PageTransitionEvent>(event)
            .map(|e| e.persisted())
            .unwrap_or(false);
        if restored {
            on_lock.run(LockReason::PageRestored);
        } else if !leptos::prelude::document().hidden() {
            cover(false);
        }
    }));
    let interval = {
        let check = check.clone();
        Interval::new(CHECK_EVERY_MS, move || check())
    };

    let held = StoredValue::new_local(Some((listeners, interval)));
    on_cleanup(move || {
        held.try_update_value(|h| drop(h.take()));
        // Nothing decrypted is left to hide once this unmounts (locked).
        cover(false);
    });
}

/// Covers or uncovers the screen at once, outside the reactive system, so the
/// change is in the DOM before the browser can take a snapshot.
fn cover(on: bool) {
    if let Some(root) = leptos::prelude::document().document_element() {
        let classes = root.class_list();
        let _ = if on {
            classes.add_1(COVERED_CLASS)
        } else {
            classes.remove_1(COVERED_CLASS)
        };
    }
}
