//! Whether the browser may evict the vault, and how full its storage is.
//!
//! Browsers evict "best-effort" storage under pressure. A persisted origin is
//! kept until the user clears it, so the app asks at vault creation, inside the
//! user's click (some browsers only grant it then), and settings show the state.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Usage and quota, in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Bytes used by this origin.
    pub usage: f64,
    /// Bytes this origin may use.
    pub quota: f64,
}

fn manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Old browsers have no navigator.storage.
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if storage.is_undefined() {
        return None;
    }
    Some(navigator.storage())
}

/// Asks for persistent storage. Call it synchronously inside a click handler and
/// await the future afterwards.
pub fn request_persistence() -> impl std::future::Future<Output = bool> {
    let promise = manager().and_then(|m| m.persist().ok());
    async move {
        match promise {
            Some(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            None => false,
        }
    }
}

/// Whether storage is persistent.
pub async fn is_persisted() -> bool {
    let Some(promise) = manager().and_then(|m| m.persisted().ok()) else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Usage against quota, if the browser tells.
pub async fn estimate() -> Option<Estimate> {
    let promise = manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    // A dictionary, not a class: `dyn_into` (an instanceof check) always fails.
    if !value.is_object() {
        return None;
    }
    let estimate: web_sys::StorageEstimate = value.unchecked_into();
    Some(Estimate {
        usage: estimate.get_usage()?,
        quota: estimate.get_quota()?,
    })
}
