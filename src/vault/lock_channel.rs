//! Locking in one tab locks every tab of the app.
//!
//! A [`BroadcastChannel`](web_sys::BroadcastChannel) carries a bare "lock"
//! message: no data, no ids. Each tab listens and locks itself on receipt.

use gloo::events::EventListener;
use web_sys::BroadcastChannel;

const CHANNEL: &str = "psynotes-lock";
const LOCK: &str = "lock";

/// A tab's end of the channel. Dropping it stops listening.
pub struct LockChannel {
    channel: Option<BroadcastChannel>,
    _listener: Option<EventListener>,
}

impl LockChannel {
    /// Listens for locks from other tabs and calls `on_lock` for each.
    pub fn listen(on_lock: impl Fn() + 'static) -> LockChannel {
        // Without BroadcastChannel (very old browsers) each tab still locks itself.
        let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
            return LockChannel {
                channel: None,
                _listener: None,
            };
        };
        let listener = EventListener::new(&channel, "message", move |event| {
            let data = wasm_bindgen::JsCast::unchecked_ref::<web_sys::MessageEvent>(event).data();
            if data.as_string().as_deref() == Some(LOCK) {
                on_lock();
            }
        });
        LockChannel {
            channel: Some(channel),
            _listener: Some(listener),
        }
    }

    /// Tells every other tab to lock. (A channel does not deliver to its sender.)
    pub fn broadcast_lock(&self) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&LOCK.into());
        }
    }
}

impl Drop for LockChannel {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}
