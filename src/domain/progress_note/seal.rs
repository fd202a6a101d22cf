//! The seal: one digest over the parts of a signed note that its content digest
//! does not cover.
//!
//! The signature's digest covers the note's content (`psynotes/progress-note/v1`),
//! and each addendum's digest covers its own text, signer and time and links to
//! the note and its predecessor. Neither covers *who signed the note and when*, nor
//! the late-entry record, nor how many addenda there are. A reader of an exported
//! file who wants to know that none of that was changed either needs one more
//! digest; this is it.
//!
//! The seal is computed, not stored: it is a pure function of the signed note, so
//! exports carry it without any change to what the vault keeps. It therefore shows
//! that a file is consistent with itself (nothing in the signature block, the late
//! entry or the addendum chain was edited, dropped or reordered after the file was
//! made); like every digest here it is not a secret and proves no authorship.
//!
//! # Format `psynotes/signed-record/v1`
//! Encoded like the content (see `canonical`):
//!
//! ```text
//! psynotes/signed-record/v1
//! content_sha256=64:<the signature's content digest>
//! signer_name=<len>:<name>
//! credentials=<len>:<credentials>
//! signed_at=<len>:<milliseconds since 1970, as a decimal integer>
//! late_entry#<0 or 1>
//! reason=<len>:<reason>                 (only when late)
//! written_at=<len>:<milliseconds>       (only when late)
//! hours_after_service=<len>:<integer>   (only when late)
//! addenda#<count>
//! addendum_sha256=64:<digest>           (one per addendum, oldest first)
//! ```
//!
//! Never change what v1 produces; a new field means a new version beside it.

use super::canonical::{sha256_hex, Canonical};
use super::{Addendum, SignedProgressNote};

/// The format name of [`SignedProgressNote::seal_canonical`]'s text.
pub const SIGNED_RECORD_V1: &str = "psynotes/signed-record/v1";

/// The format name of an addendum's canonical text (see [`Addendum::format`]).
const ADDENDUM_FORMAT: &str = "psynotes/addendum/v1";

impl SignedProgressNote {
    /// The canonical text the seal covers (format `psynotes/signed-record/v1`, see
    /// the module doc).
    pub fn seal_canonical(&self) -> String {
        let signature = self.signature();
        let mut c = Canonical::new(SIGNED_RECORD_V1);
        c.text("content_sha256", &signature.content_sha256)
            .text("signer_name", &signature.signer_name)
            .text("credentials", &signature.credentials)
            .text("signed_at", &signature.signed_at.0.to_string());
        c.count("late_entry", usize::from(self.late_entry().is_some()));
        if let Some(late) = self.late_entry() {
            c.text("reason", &late.reason)
                .text("written_at", &late.written_at.0.to_string())
                .text("hours_after_service", &late.hours_after_service.to_string());
        }
        c.count("addenda", self.addenda().len());
        for addendum in self.addenda() {
            c.text("addendum_sha256", addendum.content_sha256());
        }
        c.finish()
    }

    /// Lowercase hex SHA-256 of [`seal_canonical`](Self::seal_canonical).
    pub fn seal_sha256(&self) -> String {
        sha256_hex(&self.seal_canonical())
    }

    /// The format name of the canonical text the signature's digest covers: the
    /// first line of [`canonical_content`](Self::canonical_content), for example
    /// `psynotes/progress-note/v1`. Exports name it so a verifier knows which
    /// encoding to rebuild.
    pub fn content_format(&self) -> String {
        self.canonical_content()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// The canonical text of the addendum at `index` (oldest first), exactly as its
    /// digest covers it, or `None` past the end. The FHIR export attaches it.
    pub fn addendum_canonical(&self, index: usize) -> Option<String> {
        let addenda = self.addenda();
        let addendum = addenda.get(index)?;
        let previous = index
            .checked_sub(1)
            .map(|before| addenda[before].content_sha256());
        Some(addendum.canonical_content(&self.signature().content_sha256, previous))
    }
}

impl Addendum {
    /// The format name of the canonical text this addendum's digest covers.
    pub fn format(&self) -> &'static str {
        ADDENDUM_FORMAT
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::{References, Timestamp};

    const HOUR: i64 = 3_600_000;

    fn with_addenda(count: i64) -> SignedProgressNote {
        let mut note = signed_note();
        for i in 0..count {
            let addendum = Addendum::new(
                format!("Addendum {i}."),
                &clinician(),
                Timestamp(session_end().0 + (2 + i) * HOUR),
            )
            .expect("test addendum is valid");
            note.add_addendum(addendum);
        }
        note
    }

    #[test]
    fn the_seal_text_is_explicit() {
        let note = with_addenda(1);
        let expected = format!(
            "psynotes/signed-record/v1
content_sha256=64:{}
signer_name=8:Jane Doe
credentials=4:LCSW
signed_at=13:1709653800000
late_entry#0
addenda#1
addendum_sha256=64:{}
",
            note.signature().content_sha256,
            note.addenda()[0].content_sha256()
        );
        assert_eq!(note.seal_canonical(), expected);
        assert_eq!(note.seal_sha256().len(), 64);
    }

    #[test]
    fn the_seal_changes_with_the_signature_late_entry_and_chain() {
        let base = with_addenda(2);
        let json = serde_json::to_string(&base).unwrap();
        let seal = base.seal_sha256();
        // Edit the stored form the way damage or tampering would.
        for (from, to) in [
            (
                "\"signer_name\":\"Jane Doe\"",
                "\"signer_name\":\"Jane Dow\"",
            ),
            ("\"credentials\":\"LCSW\"", "\"credentials\":\"LPC\""),
            ("\"signed_at\":1709653800000", "\"signed_at\":1709653800001"),
        ] {
            assert!(json.contains(from), "{from}");
            let edited: SignedProgressNote =
                serde_json::from_str(&json.replacen(from, to, 1)).unwrap();
            assert_ne!(edited.seal_sha256(), seal, "{from}");
        }
        // One addendum fewer: the chain still links, the seal does not match.
        assert_ne!(with_addenda(1).seal_sha256(), seal);
    }

    #[test]
    fn a_late_entry_is_part_of_the_seal() {
        let late = complete_draft()
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(session_end().0 + 80 * HOUR),
                72,
                Some("Clinician was ill.".into()),
            )
            .unwrap();
        let text = late.seal_canonical();
        assert!(text.contains(
            "late_entry#1\nreason=18:Clinician was ill.\nwritten_at=13:1709938200000\nhours_after_service=2:80\naddenda#0\n"
        ));
    }

    #[test]
    fn formats_are_named_from_the_encoders() {
        let note = with_addenda(2);
        assert_eq!(note.content_format(), "psynotes/progress-note/v2");
        let legacy = with_addenda(0).into_signed_under_v1();
        assert_eq!(legacy.content_format(), "psynotes/progress-note/v1");
        assert!(legacy.is_intact());
        for (index, addendum) in note.addenda().iter().enumerate() {
            let text = note.addendum_canonical(index).unwrap();
            assert_eq!(text.lines().next(), Some(addendum.format()));
            assert_eq!(sha256_hex(&text), addendum.content_sha256());
        }
        assert_eq!(note.addendum_canonical(2), None);
        assert!(note.is_intact());
    }
}
