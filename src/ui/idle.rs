//! Auto-lock: after idle time, after the page was hidden too long, and always
//! when the page comes back from the back-forward cache.
//!
//! Idle time is measured by the wall clock (`Date.now()`), not by counting timer
//! ticks: a tablet that sleeps stops timers, and must still lock on waking. So
//! the check runs on a timer *and* on `visibilitychange`, `focus` and `pageshow`.
//! When the page is hidden, open editors are saved at once.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use leptos::prelude::*;

use super::session::{now_ms, use_session};

/// How often the idle check runs while the page is visible.
const CHECK_EVERY_MS: u32 = 5_000;

/// Installs the auto-lock listeners for as long as it is mounted.
#[component]
pub fn AutoLock() -> impl IntoView {
    let session = use_session();
    let last_activity = Rc::new(Cell::new(now_ms()));
    let hidden_since = Rc::new(Cell::new(None::<i64>));

    let idle_limit_ms = move || {
        i64::from(
            session
                .settings
                .with_untracked(|s| s.value.idle_lock_minutes),
        ) * 60_000
    };
    let grace_ms = move || {
        i64::from(
            session
                .settings
                .with_untracked(|s| s.value.hidden_grace_seconds),
        ) * 1_000
    };

    let check: Rc<dyn Fn()> = {
        let last_activity = last_activity.clone();
        Rc::new(move || {
            if now_ms() - last_activity.get() >= idle_limit_ms() {
                session.lock("idle");
            }
        })
    };

    let document = document();
    let window = window();
    let mut listeners = Vec::new();
    for event in ["pointerdown", "keydown", "touchstart", "wheel", "input"] {
        let last_activity = last_activity.clone();
        let check = check.clone();
        listeners.push(EventListener::new(&document, event, move |_| {
            // Check first: a tap after the limit must lock, not count as activity.
            check();
            last_activity.set(now_ms());
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
                    hidden_since.set(Some(now_ms()));
                    let session = session;
                    leptos::task::spawn_local(async move { session.flush_all().await });
                } else {
                    if let Some(since) = hidden_since.take() {
                        if now_ms() - since > grace_ms() {
                            session.lock("hidden");
                            return;
                        }
                    }
                    check();
                }
            },
        ));
    }
    {
        let check = check.clone();
        listeners.push(EventListener::new(&window, "focus", move |_| check()));
    }
    listeners.push(EventListener::new(&window, "pageshow", move |event| {
        let restored = wasm_bindgen::JsCast::dyn_ref::<web_sys::PageTransitionEvent>(event)
            .map(|e| e.persisted())
            .unwrap_or(false);
        if restored {
            session.lock("page restored");
        }
    }));
    let interval = {
        let check = check.clone();
        Interval::new(CHECK_EVERY_MS, move || check())
    };

    let held = StoredValue::new_local(Some((listeners, interval)));
    on_cleanup(move || {
        held.try_update_value(|h| drop(h.take()));
    });
}
