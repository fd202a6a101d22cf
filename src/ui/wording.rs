//! The words the UI adds around what happened: outcomes, refusals and notices.
//!
//! What went wrong in the vault is worded once, by [`VaultError`]'s messages;
//! this module words what the screens say around them ("The note was not
//! saved." followed by the reason), and counts things in proper English.
//! Keeping every such sentence here keeps them consistent, and in one place for
//! the day the app speaks another language.

use std::fmt::Display;

use crate::crypto::Strength;
use crate::vault::VaultError;

/// "1 note", "2 notes": a count with its noun, singular or plural.
pub fn count(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    match n.into() {
        1 => format!("1 {singular}"),
        n => format!("{n} {plural}"),
    }
}

/// The strength line under a new passphrase; empty while nothing is typed.
pub fn passphrase_strength(strength: Strength, empty: bool) -> String {
    if empty {
        String::new()
    } else {
        format!("Strength: {}. {}", strength.label(), strength.hint())
    }
}

/// The database is not open yet (a click before the first screen settled).
pub fn storage_not_open() -> String {
    "Psynotes is still opening its storage. Wait a moment and try again.".to_owned()
}

/// `what` failed, because of `reason` (a whole sentence or more).
pub fn not_done(what: &str, reason: impl Display) -> String {
    format!("{what} {reason}")
}

/// The client asked for does not exist (deleted in another tab, or a stale link).
pub fn client_gone() -> String {
    VaultError::NotFound.to_string()
}

/// A backup file was not chosen.
pub fn choose_backup_file() -> String {
    "Choose your backup file (it ends in .psybak).".to_owned()
}

/// Late entries are counted in days when they are a day or more late.
pub fn late_by(hours: u32) -> String {
    if hours < 48 {
        count(hours, "hour", "hours")
    } else {
        count(hours / 24, "day", "days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    // The `ui` module exists only on wasm32, where a plain `#[test]` is never
    // run: these run in the browser with the rest of the wasm tests.
    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn counts_are_singular_or_plural() {
        assert_eq!(count(1u32, "note", "notes"), "1 note");
        assert_eq!(count(0u32, "note", "notes"), "0 notes");
        assert_eq!(count(3u32, "addendum", "addenda"), "3 addenda");
    }

    #[wasm_bindgen_test]
    fn strength_lines_do_not_repeat_themselves() {
        let line = passphrase_strength(Strength::Strong, false);
        assert_eq!(
            line,
            "Strength: strong. Write it down and keep it somewhere safe."
        );
        assert_eq!(passphrase_strength(Strength::TooShort, true), "");
    }
}
