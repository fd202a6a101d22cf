//! Honest autosave (invariant 5): an editor's unsaved work is written about a
//! second after typing pauses, and at least every two seconds while typing goes
//! on without a pause; on blur, before the page hides, before the vault locks,
//! before an update reloads the page, and when the editor closes. The indicator
//! says "Saved" only after the write's promise resolved, which the vault
//! resolves after the IndexedDB transaction's `complete` event.
//!
//! Writes never overlap: each one needs the revision the previous one returned,
//! so a write that is due while another is in flight waits for it. An edit made
//! during a write leaves the editor "unsaved" and is written next.
//!
//! The editor hands in a [`Writer`]. Calling it must take a snapshot of the form
//! *synchronously* and return a future that writes that snapshot: the closing
//! editor's signals are gone by the time a deferred write runs.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::ui::flush::use_flushers;

/// A write in progress; the error is a message for the person.
pub type SaveFuture = Pin<Box<dyn Future<Output = Result<(), String>>>>;

/// Snapshots the form and returns the write of that snapshot.
pub type Writer = Rc<dyn Fn() -> SaveFuture>;

/// Quiet time after the last keystroke before the autosave write starts.
const DEBOUNCE_MS: u32 = 1_000;

/// The longest an edit waits while typing goes on without a pause: steady
/// typing never outruns the autosave by more than this.
const MAX_WAIT_MS: u32 = 2_000;

/// What the indicator shows when no write is in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    /// Nothing typed since opening.
    Clean,
    /// Edits not written yet.
    Unsaved,
    /// The last write committed and nothing was typed since.
    Saved,
    /// The last write failed; the text is still on screen.
    Failed(String),
}

struct Inner {
    /// Bumped on every edit.
    generation: Cell<u64>,
    /// The generation last committed.
    written: Cell<u64>,
    /// A write is in flight.
    busy: Cell<bool>,
    timer: RefCell<Option<Timeout>>,
    /// Started by the first edit after a write; not reset by later keystrokes.
    deadline: RefCell<Option<Timeout>>,
    writer: Writer,
    saving: RwSignal<bool>,
    status: RwSignal<SaveStatus>,
}

impl Inner {
    fn cancel_timer(&self) {
        drop(self.timer.borrow_mut().take());
        drop(self.deadline.borrow_mut().take());
    }

    fn dirty(&self) -> bool {
        self.generation.get() != self.written.get()
    }

    /// Waits until no write is in flight, then claims the slot.
    async fn claim(&self) {
        while self.busy.get() {
            TimeoutFuture::new(20).await;
        }
        // No await between the check and the claim: nothing can slip in between.
        self.busy.set(true);
        self.saving.try_set(true);
    }

    fn release(&self, generation: u64, result: &Result<(), String>) {
        self.busy.set(false);
        self.saving.try_set(false);
        match result {
            Ok(()) => {
                self.written.set(self.written.get().max(generation));
                self.status.try_set(if self.dirty() {
                    SaveStatus::Unsaved
                } else {
                    SaveStatus::Saved
                });
            }
            Err(message) => {
                self.status.try_set(SaveStatus::Failed(message.clone()));
            }
        }
    }
}

/// Writes pending edits until none are left, or one write fails.
async fn flush(inner: Rc<Inner>) {
    inner.cancel_timer();
    loop {
        if !inner.dirty() {
            return;
        }
        inner.claim().await;
        let generation = inner.generation.get();
        if generation == inner.written.get() {
            // Another flush wrote it while this one waited.
            inner.busy.set(false);
            inner.saving.try_set(false);
            return;
        }
        let result = (inner.writer)().await;
        inner.release(generation, &result);
        if result.is_err() {
            return;
        }
    }
}

/// The autosave of one open editor. A `Copy` handle for use in closures.
#[derive(Clone, Copy)]
pub struct Autosave {
    inner: StoredValue<Rc<Inner>, LocalStorage>,
    /// A write is in flight.
    pub saving: RwSignal<bool>,
    pub status: RwSignal<SaveStatus>,
}

impl Autosave {
    /// Starts the autosave of the calling component: registers the flush that runs
    /// before the page hides or the vault locks, and a last write when the
    /// component goes away (navigating elsewhere).
    pub fn new(writer: Writer) -> Autosave {
        let saving = RwSignal::new(false);
        let status = RwSignal::new(SaveStatus::Clean);
        let inner = Rc::new(Inner {
            generation: Cell::new(0),
            written: Cell::new(0),
            busy: Cell::new(false),
            timer: RefCell::new(None),
            deadline: RefCell::new(None),
            writer,
            saving,
            status,
        });
        let autosave = Autosave {
            inner: StoredValue::new_local(inner),
            saving,
            status,
        };
        let dirty = {
            let handle = autosave.inner;
            Rc::new(move || {
                handle
                    .try_with_value(|inner| inner.dirty() || inner.busy.get())
                    .unwrap_or(false)
            })
        };
        use_flushers().register(Rc::new(move || Box::pin(autosave.flush())), dirty);
        let handle = autosave.inner;
        on_cleanup(move || {
            let Some(inner) = handle.try_get_value() else {
                return;
            };
            inner.cancel_timer();
            if inner.dirty() {
                // The snapshot is taken now, while the form's signals still exist;
                // the write waits for any write in flight.
                let write = (inner.writer)();
                let generation = inner.generation.get();
                leptos::task::spawn_local(async move {
                    inner.claim().await;
                    let result = write.await;
                    inner.release(generation, &result);
                });
            }
        });
        autosave
    }

    fn inner(&self) -> Option<Rc<Inner>> {
        self.inner.try_get_value()
    }

    /// Records an edit and schedules a write after the typing pause, or after
    /// [`MAX_WAIT_MS`] if typing does not pause.
    pub fn touch(&self) {
        let Some(inner) = self.inner() else { return };
        inner.generation.set(inner.generation.get() + 1);
        if !matches!(inner.status.get_untracked(), SaveStatus::Failed(_)) {
            inner.status.set(SaveStatus::Unsaved);
        }
        let write_later = |ms: u32| {
            let weak: Weak<Inner> = Rc::downgrade(&inner);
            Timeout::new(ms, move || {
                if let Some(inner) = weak.upgrade() {
                    leptos::task::spawn_local(flush(inner));
                }
            })
        };
        // Replacing the old timer cancels it.
        *inner.timer.borrow_mut() = Some(write_later(DEBOUNCE_MS));
        if inner.deadline.borrow().is_none() {
            *inner.deadline.borrow_mut() = Some(write_later(MAX_WAIT_MS));
        }
    }

    /// Writes pending edits now (blur, page hide, lock). Resolves when done.
    pub fn flush(&self) -> impl Future<Output = ()> + 'static {
        let inner = self.inner();
        async move {
            if let Some(inner) = inner {
                flush(inner).await;
            }
        }
    }

    /// Starts [`Autosave::flush`] without waiting for it.
    pub fn flush_soon(&self) {
        leptos::task::spawn_local(self.flush());
    }

    /// Runs another write (an explicit save, signing) in the same queue as the
    /// autosave. On success everything typed before it started counts as saved.
    pub async fn run(&self, write: impl FnOnce() -> SaveFuture) -> Result<(), String> {
        let Some(inner) = self.inner() else {
            return Err("This editor was closed.".to_owned());
        };
        inner.cancel_timer();
        inner.claim().await;
        let generation = inner.generation.get();
        let result = write().await;
        inner.release(generation, &result);
        result
    }

    /// The clinician chose between two versions and the choice was written:
    /// nothing is pending, and the record is saved.
    pub fn settled(&self) {
        if let Some(inner) = self.inner() {
            inner.cancel_timer();
            inner.written.set(inner.generation.get());
        }
        self.status.set(SaveStatus::Saved);
    }

    /// Forgets pending edits (the record was deleted): nothing more is written.
    pub fn discard(&self) {
        if let Some(inner) = self.inner() {
            inner.cancel_timer();
            inner.written.set(inner.generation.get());
        }
    }
}

/// The save indicator: a live region that says "Saving…" only while a write is
/// in flight and "Saved" only after it committed; a failure is an alert.
#[component]
pub fn SaveIndicator(autosave: Autosave) -> impl IntoView {
    let text = move || status_words(autosave);
    let failure = move || match autosave.status.get() {
        SaveStatus::Failed(message) => Some(message),
        _ => None,
    };
    view! {
        <span class="status save-status" role="status">{text}</span>
        {move || failure().map(|message| view! {
            <p class="alert" role="alert">{message}" Your text is still here; it will be saved again when you keep typing, or press Save."</p>
        })}
    }
}

/// What the save indicator says (tracked).
fn status_words(autosave: Autosave) -> &'static str {
    if autosave.saving.get() {
        return "Saving…";
    }
    match autosave.status.get() {
        SaveStatus::Clean => "",
        SaveStatus::Unsaved => "Unsaved changes",
        SaveStatus::Saved => "Saved",
        SaveStatus::Failed(_) => "Not saved",
    }
}

/// The save state again, beside a Save button at the foot of a long form,
/// where the page's indicator is scrolled out of sight. For the eyes only:
/// the indicator at the top is the live region, so a screen reader hears each
/// change once.
#[component]
pub fn SaveEcho(autosave: Autosave) -> impl IntoView {
    view! { <span class="save-status" aria-hidden="true">{move || status_words(autosave)}</span> }
}
