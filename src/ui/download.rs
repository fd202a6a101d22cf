//! Saving bytes as a file, and reading a chosen file, entirely in the browser.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Offers `bytes` as a download named `file_name`. The object URL is revoked
/// soon after, so the data does not linger in a blob URL.
pub fn download(bytes: &[u8], file_name: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "The browser could not prepare the file.".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "The browser could not prepare the file.".to_owned())?;
    let document = leptos::prelude::document();
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "The browser could not start the download.".to_owned())?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoking at once can cancel the download in some browsers; a minute is
    // plenty, and the URL is only reachable from this page meanwhile.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The bytes of the first file chosen in `input`, if any.
pub async fn read_chosen_file(input: &web_sys::HtmlInputElement) -> Option<Vec<u8>> {
    let file = input.files()?.get(0)?;
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
