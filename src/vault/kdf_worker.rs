//! Argon2id off the page's main thread.
//!
//! Argon2id at 64 MiB takes about 200 ms on a tablet, and run in the page it
//! freezes everything for that long: the "Unlocking…" status cannot even paint.
//! So the page hands the KDF to a module worker, `/kdf-worker.js` (written by
//! `scripts/postbuild.mjs`), which loads this same wasm and runs
//! [`derive_kek_bytes`](crate::crypto::derive_kek_bytes).
//!
//! - One worker per derivation: started ahead of time by [`prepare`] (when a
//!   passphrase field shows), handed the page's already compiled module, and
//!   terminated as soon as it answers, so neither its 64 MiB nor any passphrase
//!   byte outlives the unlock.
//! - The passphrase goes over, and the key comes back, as transferred buffers;
//!   the page zeroes the key's buffer once it holds the key.
//! - Where no worker can start (the browser tests, a browser without module
//!   workers), the KDF runs here, as before: the same key, only a frozen page.

use std::cell::RefCell;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Worker, WorkerOptions, WorkerType};
use zeroize::Zeroizing;

use crate::crypto::{derive_kek, CryptoError, KdfParams, Kek, Passphrase, Salt};

/// Where the post-build step writes the worker script.
const WORKER_URL: &str = "/kdf-worker.js";

/// A `performance.mark` set each time a worker derived the key, so tests and
/// the benchmark can tell which path ran. It carries nothing but its name.
pub const DERIVED_IN_WORKER: &str = "psynotes-kdf-in-worker";

/// How long a worker may take to load and instantiate before the page gives
/// up on it and derives the key itself. Loading takes well under a second; a
/// worker that never loads (no module workers, a missing script) must not
/// leave "Unlocking…" on screen for ever.
const LOAD_TIMEOUT_MS: i32 = 5_000;

/// How long a loaded worker may take to answer before the page gives up on it
/// and derives the key itself. Argon2id takes about 200 ms here and a few
/// seconds on the slowest tablet; a worker that never answers (killed by the
/// browser under memory pressure without an error event, seen on a loaded
/// machine) must not leave "Unlocking…" on screen for ever.
const ANSWER_TIMEOUT_MS: i32 = 15_000;

/// A started worker and the promise of its readiness.
struct KdfWorker {
    worker: Worker,
    /// Resolves to `true` once the worker reports its module instantiated,
    /// to `false` if it failed to load or reported failure.
    ready: Promise,
}

thread_local! {
    /// A worker started ahead, waiting for its one derivation.
    static SPARE: RefCell<Option<KdfWorker>> = const { RefCell::new(None) };
}

/// Starts a worker now, so the next derivation does not wait for it to load.
pub fn prepare() {
    SPARE.with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.is_none() {
            *spare = spawn();
        }
    });
}

/// Whether a worker is started and waiting: then the KDF will not block the
/// page, and the caller need not wait for a frame to paint its status first.
pub fn is_ready() -> bool {
    SPARE.with(|spare| spare.borrow().is_some())
}

fn spawn() -> Option<KdfWorker> {
    // Without module workers one would only time out: derive on the page at once.
    if !super::capabilities::module_workers() {
        return None;
    }
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &options).ok()?;
    // Listen before anything can happen: a script that fails to load reports
    // it at once, and nobody would hear it later.
    let ready = Promise::new(&mut |resolve, _reject| {
        let on_reply = resolve.clone();
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let ok = Reflect::get(&event.data(), &"ready".into()).is_ok_and(|v| v.is_truthy());
            let _ = on_reply.call1(&JsValue::NULL, &ok.into());
        });
        let on_error = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &false.into());
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    // The page's own compiled module: the worker instantiates it at once
    // instead of fetching and compiling 1.6 MB again.
    let hello = Object::new();
    Reflect::set(&hello, &"module".into(), &wasm_bindgen::module()).ok()?;
    worker.post_message(&hello).ok()?;
    Some(KdfWorker { worker, ready })
}

/// A promise that resolves to `value` after `ms` milliseconds.
fn after(ms: i32, value: bool) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        let fire = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &value.into());
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(fire.unchecked_ref(), ms);
        }
    })
}

/// [`derive_kek`] in a worker when one runs, else here.
///
/// # Errors
/// As [`derive_kek`]: parameters out of range (checked here, before anything
/// is sent), or Argon2id failing for lack of memory.
pub async fn derive_kek_off_thread(
    passphrase: &Passphrase,
    salt: &Salt,
    params: &KdfParams,
) -> Result<Kek, CryptoError> {
    params.validate()?;
    match in_worker(passphrase, salt, params).await {
        Some(result) => result,
        None => derive_kek(passphrase, salt, params),
    }
}

/// `None` when no worker could do it (so the caller derives here).
async fn in_worker(
    passphrase: &Passphrase,
    salt: &Salt,
    params: &KdfParams,
) -> Option<Result<Kek, CryptoError>> {
    let KdfWorker { worker, ready } = SPARE
        .with(|spare| spare.borrow_mut().take())
        .or_else(spawn)?;
    let loaded = JsFuture::from(Promise::race(&Array::of2(
        &ready,
        &after(LOAD_TIMEOUT_MS, false),
    )))
    .await
    .is_ok_and(|v| v.is_truthy());
    let reply = if loaded {
        ask(&worker, passphrase, salt, params, ANSWER_TIMEOUT_MS).await
    } else {
        None
    };
    worker.terminate();
    let reply = reply?;
    let key = Reflect::get(&reply, &"key".into())
        .ok()
        .and_then(|k| k.dyn_into::<Uint8Array>().ok());
    Some(match key {
        Some(key) if key.length() == 32 => {
            let mut bytes = Zeroizing::new([0u8; 32]);
            key.copy_to(&mut bytes[..]);
            key.fill(0, 0, 32);
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark(DERIVED_IN_WORKER);
            }
            Ok(Kek::from_bytes(&bytes))
        }
        // The worker ran Argon2id and it failed: the same error as here.
        _ => Err(CryptoError::Kdf),
    })
}

/// Posts one derivation to a loaded worker and waits for the reply, at most
/// `deadline_ms`; `None` if the worker crashed or did not answer in time.
async fn ask(
    worker: &Worker,
    passphrase: &Passphrase,
    salt: &Salt,
    params: &KdfParams,
    deadline_ms: i32,
) -> Option<JsValue> {
    let secret = Uint8Array::from(passphrase.as_bytes());
    let message = Object::new();
    for (name, value) in [
        ("passphrase", JsValue::from(secret.clone())),
        ("salt", Uint8Array::from(&salt.0[..]).into()),
        ("m_kib", params.m_kib.into()),
        ("t", params.t.into()),
        ("p", params.p.into()),
    ] {
        Reflect::set(&message, &name.into(), &value).ok()?;
    }
    let replied = Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        // A crash and an unreadable reply both end the wait.
        let on_unreadable = {
            let reject = reject.clone();
            Closure::once_into_js(move |event: JsValue| {
                let _ = reject.call1(&JsValue::NULL, &event);
            })
        };
        let on_error = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
        worker.set_onmessageerror(Some(on_unreadable.unchecked_ref()));
    });
    // Transferred: the page's copy of the passphrase bytes is detached at once.
    let sent = worker.post_message_with_transfer(&message, &Array::of1(&secret.buffer()));
    if sent.is_err() {
        secret.fill(0, 0, secret.length());
        return None;
    }
    // The deadline resolves to `false`; a reply is always an object.
    let answer = JsFuture::from(Promise::race(&Array::of2(
        &replied,
        &after(deadline_ms, false),
    )))
    .await
    .ok()?;
    answer.is_object().then_some(answer)
}

/// The worker's side, called by `/kdf-worker.js` with a message's fields:
/// Argon2id over the passphrase bytes the page sent, under the same bounds.
///
/// # Errors
/// A message naming the failure; never the passphrase.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn kdf_worker_derive(
    passphrase: &[u8],
    salt: &[u8],
    m_kib: u32,
    t: u32,
    p: u32,
) -> Result<Uint8Array, JsValue> {
    let salt = Salt(
        salt.try_into()
            .map_err(|_| JsValue::from_str("the salt is not 16 bytes"))?,
    );
    let params = KdfParams { m_kib, t, p };
    let key = crate::crypto::derive_kek_bytes(passphrase, &salt, &params)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(Uint8Array::from(&key[..]))
}

/// The worker's side, once its module is instantiated: see
/// [`warm_up_kdf`](crate::crypto::warm_up_kdf).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn kdf_worker_warm_up() {
    crate::crypto::warm_up_kdf();
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    /// A worker that takes the message and never answers.
    fn silent_worker() -> Worker {
        let script = Array::of1(&JsValue::from_str("onmessage = () => {};"));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&script, &options).unwrap();
        let url = web_sys::Url::create_object_url_with_blob(&blob).unwrap();
        Worker::new(&url).unwrap()
    }

    #[wasm_bindgen_test]
    async fn a_worker_that_never_answers_is_given_up_on() {
        let worker = silent_worker();
        let passphrase = Passphrase::for_unlock("correct horse battery staple".into());
        // Without the deadline this would wait for ever, and the test runner's
        // timeout would fail it.
        let reply = ask(
            &worker,
            &passphrase,
            &Salt([7; 16]),
            &KdfParams::DEFAULT,
            300,
        )
        .await;
        worker.terminate();
        assert!(reply.is_none(), "no answer is no key");
    }
}
