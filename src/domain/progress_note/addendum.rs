//! Addenda: signed corrections and additions appended to a signed note.
//!
//! A signed note is never edited. What the clinician needs to add or correct is an
//! addendum with its own date and signature, shown after the original (compare
//! amendment under 45 CFR 164.526).

use serde::{Deserialize, Serialize};

use super::canonical::{sha256_hex, Canonical};
use super::SignError;
use crate::domain::validation::is_blank;
use crate::domain::{ClinicianProfile, Timestamp};

const ADDENDUM_V1: &str = "psynotes/addendum/v1";

/// One signed addendum. Fields are private: an addendum is made by
/// [`Addendum::new`] and becomes part of the record through
/// [`SignedProgressNote::add_addendum`](super::SignedProgressNote::add_addendum).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addendum {
    text: String,
    signer_name: String,
    credentials: String,
    signed_at: Timestamp,
    content_sha256: String,
}

impl Addendum {
    /// A signed addendum by `clinician` at `now`. The text must not be blank and the
    /// profile must be complete. Its digest is filled in when it is added to a note,
    /// because the digest covers that note's signed digest too.
    pub fn new(
        text: impl Into<String>,
        clinician: &ClinicianProfile,
        now: Timestamp,
    ) -> Result<Addendum, SignError> {
        let text = text.into();
        if is_blank(&text) {
            return Err(SignError::EmptyAddendum);
        }
        if !clinician.is_complete() {
            return Err(SignError::NoClinicianProfile);
        }
        Ok(Addendum {
            text,
            signer_name: clinician.name.trim().to_owned(),
            credentials: clinician.credentials.trim().to_owned(),
            signed_at: now,
            content_sha256: String::new(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn signer_name(&self) -> &str {
        &self.signer_name
    }

    pub fn credentials(&self) -> &str {
        &self.credentials
    }

    /// "Jane Doe, LCSW".
    pub fn signature_line(&self) -> String {
        crate::domain::clinician::signature_line(&self.signer_name, &self.credentials)
    }

    pub fn signed_at(&self) -> Timestamp {
        self.signed_at
    }

    /// Lowercase hex SHA-256 over the note's signed digest, the previous
    /// addendum's digest, and this addendum's text, signer and time. Empty until
    /// the addendum is added to a note.
    pub fn content_sha256(&self) -> &str {
        &self.content_sha256
    }

    /// The canonical text this addendum's digest covers (format
    /// `psynotes/addendum/v1`, encoded like the note's; see `canonical`).
    pub(super) fn canonical_content(&self, note_sha256: &str, previous: Option<&str>) -> String {
        Canonical::new(ADDENDUM_V1)
            .text("note_sha256", note_sha256)
            .optional("previous_addendum_sha256", previous)
            .text("text", &self.text)
            .text("signer_name", &self.signer_name)
            .text("credentials", &self.credentials)
            .text("signed_at", &self.signed_at.0.to_string())
            .finish()
    }

    /// Computes the digest for this addendum's place after `previous` on a note.
    pub(super) fn bind(&mut self, note_sha256: &str, previous: Option<&str>) {
        self.content_sha256 = sha256_hex(&self.canonical_content(note_sha256, previous));
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn an_addendum_needs_text_and_a_signer() {
        assert_eq!(
            Addendum::new(" \n", &clinician(), Timestamp(0)),
            Err(SignError::EmptyAddendum)
        );
        assert_eq!(
            Addendum::new("Text.", &ClinicianProfile::default(), Timestamp(0)),
            Err(SignError::NoClinicianProfile)
        );
        let a = Addendum::new("Text.", &clinician(), Timestamp(5)).unwrap();
        assert_eq!(a.text(), "Text.");
        assert_eq!(a.signature_line(), "Jane Doe, LCSW");
        assert_eq!(a.signed_at(), Timestamp(5));
        assert_eq!(a.content_sha256(), "");
    }

    #[test]
    fn the_digest_covers_note_previous_text_signer_and_time() {
        let a = Addendum::new("Text.", &clinician(), Timestamp(5)).unwrap();
        let digest = |a: &Addendum, note: &str, previous: Option<&str>| {
            sha256_hex(&a.canonical_content(note, previous))
        };
        let base = digest(&a, "n", None);
        assert_ne!(digest(&a, "m", None), base);
        assert_ne!(digest(&a, "n", Some("p")), base);
        let mut other = ClinicianProfile {
            name: "Sam Lee".into(),
            ..clinician()
        };
        assert_ne!(
            digest(
                &Addendum::new("Text.", &other, Timestamp(5)).unwrap(),
                "n",
                None
            ),
            base
        );
        other = clinician();
        other.credentials = "LPC".into();
        assert_ne!(
            digest(
                &Addendum::new("Text.", &other, Timestamp(5)).unwrap(),
                "n",
                None
            ),
            base
        );
        assert_ne!(
            digest(
                &Addendum::new("Text!", &clinician(), Timestamp(5)).unwrap(),
                "n",
                None
            ),
            base
        );
        assert_ne!(
            digest(
                &Addendum::new("Text.", &clinician(), Timestamp(6)).unwrap(),
                "n",
                None
            ),
            base
        );
    }
}
