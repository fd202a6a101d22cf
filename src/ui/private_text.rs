//! Keeping typed text on the device (invariant 9).
//!
//! Cloud spellcheck and autocorrect services send what is typed to a vendor, and
//! autocomplete stores it in the browser's form history. Every field that takes
//! clinical text uses `use:private_text`, which switches all four off in one
//! place. (`autocorrect` has no typed attribute in Leptos, hence a directive.)

/// The directive: `<textarea use:private_text />`.
pub fn private_text(el: web_sys::Element) {
    for (name, value) in [
        ("spellcheck", "false"),
        ("autocomplete", "off"),
        ("autocorrect", "off"),
        ("autocapitalize", "off"),
    ] {
        // Setting an attribute on a live element cannot fail for these names.
        let _ = el.set_attribute(name, value);
    }
}
