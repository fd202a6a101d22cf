//! The bundled ICD-10-CM list, fetched from the app's own origin on first use
//! and kept for the session. It is not in the wasm, so the first download does
//! not carry it; the service worker caches it with the rest of the build, so
//! it works offline after the first visit. No query ever leaves the page: the
//! whole list is fetched, and searched here.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::domain::icd10::CodeList;

/// Where Trunk copies `assets/icd10cm/icd10cm-mh.tsv`.
const URL: &str = "/icd10cm-mh.tsv";

thread_local! {
    static LIST: RefCell<Option<Rc<CodeList>>> = const { RefCell::new(None) };
}

/// The list, fetched once. The error is a sentence for the person: codes can
/// still be typed by hand without it.
pub async fn code_list() -> Result<Rc<CodeList>, String> {
    if let Some(list) = LIST.with(|l| l.borrow().clone()) {
        return Ok(list);
    }
    let text = fetch_text().await.map_err(|_| {
        "The ICD-10-CM list could not be loaded, so codes cannot be searched. Type a code and its description instead.".to_owned()
    })?;
    let list = Rc::new(CodeList::parse(&text).map_err(|e| e.to_string())?);
    LIST.with(|l| *l.borrow_mut() = Some(list.clone()));
    Ok(list)
}

async fn fetch_text() -> Result<String, wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(URL))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err("not found".into());
    }
    JsFuture::from(response.text()?)
        .await?
        .as_string()
        .ok_or_else(|| "not text".into())
}
