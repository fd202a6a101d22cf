//! The exact text a signature over an intake or a discharge summary will cover.
//!
//! Same line format as the progress note's `psynotes/progress-note/v1` (see
//! `progress_note/canonical.rs`), so one reader understands both:
//! - a first line naming the format and its version;
//! - `name=<byte length>:<text>` for a text value, so a value may hold anything,
//!   newlines included, without ambiguity;
//! - `name=-` for an absent optional value;
//! - `name#<count>` before the items of a list.
//!
//! Each block (the mental status exam, the risk block, a diagnosis) writes its own
//! lines through [`CanonicalText`], so whichever signed-note format comes next can
//! include them as they are. Never change what a published version produces: stored
//! signatures depend on it. A new field means a new version prefix.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Builds a canonical text, one item per line (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalText {
    out: String,
}

impl CanonicalText {
    /// Starts a text whose first line is `format` (for example
    /// `psynotes/intake/v1`).
    pub fn new(format: &str) -> CanonicalText {
        CanonicalText {
            out: format!("{format}\n"),
        }
    }

    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{name}={}:{value}", value.len());
        self
    }

    pub fn optional(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(name, value),
            None => {
                let _ = writeln!(self.out, "{name}=-");
                self
            }
        }
    }

    pub fn count(&mut self, name: &str, count: usize) -> &mut Self {
        let _ = writeln!(self.out, "{name}#{count}");
        self
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Lowercase hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_length_prefixed_in_bytes() {
        let mut c = CanonicalText::new("psynotes/test/v1");
        c.text("a", "x\nmère").optional("b", None).count("list", 2);
        assert_eq!(c.finish(), "psynotes/test/v1\na=7:x\nmère\nb=-\nlist#2\n");
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
