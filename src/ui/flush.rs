//! Saving every open editor before the page goes away.
//!
//! Editors register a flush (write the unsaved text now) for as long as they
//! are mounted. The registry is provided at the top of the app, above the vault
//! gate, so whatever may end the page can wait for it: locking, the page being
//! hidden, and the update banner's reload.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// A flush: saves an open editor's unsaved text; resolves once committed (or
/// once the attempt failed, which the editor shows).
pub type Flush = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = ()>>>>;

/// Whether an editor holds text not committed yet.
pub type Dirty = Rc<dyn Fn() -> bool>;

/// The open editors' flushes, in context.
#[derive(Clone, Copy)]
pub struct Flushers {
    flushes: StoredValue<Vec<(u64, Flush, Dirty)>, LocalStorage>,
    next: StoredValue<u64>,
}

impl Flushers {
    /// Provides the registry to everything below. Called once by the app.
    pub fn provide() {
        let flushers = Flushers {
            flushes: StoredValue::new_local(Vec::new()),
            next: StoredValue::new(0),
        };
        provide_context(flushers);
        flushers.guard_leaving();
    }

    /// Asks before the page is left while an editor holds text that is not
    /// committed: autosave writes every two seconds, so this shows only when a
    /// save is still running or failed. A save is started at once either way.
    fn guard_leaving(self) {
        let listener = gloo::events::EventListener::new_with_options(
            &window(),
            "beforeunload",
            gloo::events::EventListenerOptions::enable_prevent_default(),
            move |event| {
                if self.any_dirty() {
                    leptos::task::spawn_local(async move { self.flush_all().await });
                    event.prevent_default();
                    // Older engines read the prompt from `returnValue`.
                    let _ = js_sys::Reflect::set(event, &"returnValue".into(), &"".into());
                }
            },
        );
        let held = StoredValue::new_local(Some(listener));
        on_cleanup(move || held.set_value(None));
    }

    /// Registers an editor's `flush`, and how to tell it has unsaved text,
    /// until the calling component is unmounted.
    pub fn register(&self, flush: Flush, dirty: Dirty) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.flushes.update_value(|f| f.push((id, flush, dirty)));
        let flushes = self.flushes;
        on_cleanup(move || {
            flushes.try_update_value(|f| f.retain(|(i, _, _)| *i != id));
        });
    }

    /// Whether any open editor holds text not committed yet.
    pub fn any_dirty(&self) -> bool {
        self.flushes
            .try_with_value(|f| f.iter().any(|(_, _, dirty)| dirty()))
            .unwrap_or(false)
    }

    /// Runs every registered flush, one after another, and waits for all.
    pub async fn flush_all(&self) {
        let flushes: Vec<Flush> = self
            .flushes
            .try_with_value(|f| f.iter().map(|(_, f, _)| f.clone()).collect())
            .unwrap_or_default();
        for flush in flushes {
            flush().await;
        }
    }
}

/// The registry; every page is below the app that provides it.
pub fn use_flushers() -> Flushers {
    expect_context::<Flushers>()
}
