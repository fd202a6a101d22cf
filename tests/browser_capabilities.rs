//! Feature detection agrees with the browser it runs in, in every engine the
//! browser layer runs in (Chromium, Firefox, WebKit).
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use psynotes::vault::capabilities::{detect, install_state, is_webkit, InstallState};
use psynotes::vault::storage;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `typeof <expression> === "function"`, asked of the browser directly.
fn js_has_function(path: &[&str]) -> bool {
    let mut value: JsValue = js_sys::global().into();
    for name in path {
        value = Reflect::get(&value, &(*name).into()).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            return false;
        }
    }
    value.is_function()
}

#[wasm_bindgen_test]
fn detection_matches_the_browser() {
    let caps = detect();
    assert_eq!(
        caps.persist,
        js_has_function(&["navigator", "storage", "persist"])
    );
    assert_eq!(
        caps.estimate,
        js_has_function(&["navigator", "storage", "estimate"])
    );
    assert_eq!(
        caps.web_locks,
        js_has_function(&["navigator", "locks", "request"])
    );
    assert_eq!(
        caps.file_system_access,
        js_has_function(&["showSaveFilePicker"])
    );
    // Not `module_workers`: this harness replaces `Worker` with a wrapper that
    // parses the URL before reading the options, so the probe cannot work
    // here. The end-to-end journeys check it in the real app, in each engine
    // (the key is derived in the worker; Settings lists no difference for it).
}

#[wasm_bindgen_test]
fn webkit_is_told_by_its_vendor_and_is_never_installed_in_a_test() {
    let vendor = Reflect::get(&web_sys::window().unwrap().navigator(), &"vendor".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    assert_eq!(is_webkit(), vendor == "Apple Computer, Inc.");
    let expected = if is_webkit() {
        InstallState::WebKitTab
    } else {
        InstallState::NoDeadline
    };
    assert_eq!(install_state(), expected);
}

#[wasm_bindgen_test]
async fn storage_estimate_is_read_where_the_browser_has_it() {
    let estimate = storage::estimate().await;
    if detect().estimate {
        let estimate = estimate.expect("estimate() exists but was not read");
        assert!(estimate.quota > 0.0, "quota {}", estimate.quota);
        assert!(estimate.usage >= 0.0);
    } else {
        assert_eq!(estimate, None);
    }
    // Asking for persistence where it cannot be asked is a plain `false`.
    if !detect().persist {
        assert!(!storage::request_persistence().await);
        assert!(!storage::is_persisted().await);
    }
}
