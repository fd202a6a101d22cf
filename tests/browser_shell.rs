//! The application shell renders in a real browser.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn shell_shows_name_and_version() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let handle = leptos::mount::mount_to(host.clone(), psynotes::ui::App);
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Psynotes"), "shell text was: {text}");
    assert!(
        text.contains(env!("CARGO_PKG_VERSION")),
        "no version in: {text}"
    );
    drop(handle);
}
