//! One record, one AEAD envelope (DESIGN.md, invariant 4).
//!
//! Every record is encrypted on its own with AES-256-GCM under its purpose's data key
//! and a fresh random nonce. The associated data binds the format version, the object
//! store, the record id and the revision, so a record that is moved to another store
//! or id, replayed from an older revision, or changed by a single bit fails to open.
//! A failure affects that one record only; the caller shows it as damaged and keeps
//! going.
//!
//! Two AAD layouts exist: [`RecordAad`] (v1), with a numeric revision, which
//! records sealed before revision histories still open under; and
//! [`RevisionAad`] (v2), which binds the revision id (`3-9f2c…`) of a record's
//! revision history. Every new revision is sealed under v2.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keys::{DataKey, Purpose};
use super::{aead, CryptoError};

/// Version of the envelope format, bound into every record's AAD.
pub const FORMAT_VERSION: u16 = 1;

/// Domain label at the start of every record AAD.
const RECORD_AAD_LABEL: &[u8] = b"psynotes/record/v1";

/// An encrypted record as stored: nonce and ciphertext. Not secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The random nonce drawn when the record was sealed.
    pub nonce: [u8; 12],
    /// The encrypted record followed by the 16-byte tag.
    pub ciphertext: Vec<u8>,
}

/// Where a record lives; authenticated with the record but not stored inside it.
///
/// Opening needs exactly the values used when sealing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordAad<'a> {
    /// The IndexedDB object store, e.g. `"progress_notes"`.
    pub store: &'a str,
    /// The record's id within the store.
    pub id: &'a str,
    /// The record's revision; each save seals under a new revision.
    pub revision: u64,
}

/// Associated data a record is sealed under.
pub trait Aad {
    /// The exact bytes authenticated with the record.
    fn to_bytes(&self) -> Vec<u8>;
}

impl Aad for RecordAad<'_> {
    fn to_bytes(&self) -> Vec<u8> {
        RecordAad::to_bytes(self)
    }
}

/// Domain label at the start of every v2 record AAD.
const REVISION_AAD_LABEL: &[u8] = b"psynotes/record/v2";

/// Where a revision of a record lives (v2): the store, the record id and the
/// revision id of its revision history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionAad<'a> {
    /// The IndexedDB object store, e.g. `"progress_notes"`.
    pub store: &'a str,
    /// The record's id within the store.
    pub id: &'a str,
    /// The revision id, `generation-digest`.
    pub revision: &'a str,
}

impl Aad for RevisionAad<'_> {
    /// ```text
    /// "psynotes/record/v2" || len(store) || store || len(id) || id || len(rev) || rev
    /// ```
    /// (lengths as u32 BE).
    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(
            REVISION_AAD_LABEL.len() + 12 + self.store.len() + self.id.len() + self.revision.len(),
        );
        bytes.extend_from_slice(REVISION_AAD_LABEL);
        push_length_prefixed(&mut bytes, self.store.as_bytes());
        push_length_prefixed(&mut bytes, self.id.as_bytes());
        push_length_prefixed(&mut bytes, self.revision.as_bytes());
        bytes
    }
}

impl RecordAad<'_> {
    /// The canonical AAD bytes:
    ///
    /// ```text
    /// "psynotes/record/v1" || FORMAT_VERSION (u16 BE)
    ///   || len(store) (u32 BE) || store || len(id) (u32 BE) || id || revision (u64 BE)
    /// ```
    ///
    /// The length prefixes make the encoding unambiguous: no other (store, id) split
    /// gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(
            RECORD_AAD_LABEL.len() + 2 + 4 + self.store.len() + 4 + self.id.len() + 8,
        );
        bytes.extend_from_slice(RECORD_AAD_LABEL);
        bytes.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        push_length_prefixed(&mut bytes, self.store.as_bytes());
        push_length_prefixed(&mut bytes, self.id.as_bytes());
        bytes.extend_from_slice(&self.revision.to_be_bytes());
        bytes
    }
}

fn push_length_prefixed(out: &mut Vec<u8>, field: &[u8]) {
    // Store names and ids are short; a 4 GiB id cannot exist in a browser, and the
    // saturation only matters beyond that.
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
}

/// Encrypts one record under `key`, bound to `aad`, with a fresh random nonce.
///
/// # Errors
/// [`CryptoError::Random`] if no nonce could be drawn; [`CryptoError::Encrypt`] only
/// for a plaintext beyond AES-GCM's 64 GiB limit.
pub fn seal<P: Purpose>(
    key: &DataKey<P>,
    aad: &impl Aad,
    plaintext: &[u8],
) -> Result<Envelope, CryptoError> {
    let (nonce, ciphertext) = aead::seal(key.as_bytes(), &aad.to_bytes(), plaintext)?;
    Ok(Envelope { nonce, ciphertext })
}

/// Checks and decrypts one record. The plaintext is wiped when the result is dropped.
///
/// # Errors
/// [`CryptoError::Decrypt`] if the key is wrong, `aad` differs from the one used to
/// seal (other store, id or revision), or the envelope was changed at all.
pub fn open<P: Purpose>(
    key: &DataKey<P>,
    aad: &impl Aad,
    envelope: &Envelope,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    aead::open(
        key.as_bytes(),
        &envelope.nonce,
        &aad.to_bytes(),
        &envelope.ciphertext,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::crypto::keys::{PsychotherapyKey, RecordsKey};

    const AAD: RecordAad<'static> = RecordAad {
        store: "progress_notes",
        id: "0123456789abcdef0123456789abcdef",
        revision: 7,
    };
    const NOTE: &[u8] = b"S: slept badly, CANARY-7f3a";

    fn key() -> RecordsKey {
        RecordsKey::generate().unwrap()
    }

    #[test]
    fn round_trip() {
        let key = key();
        let envelope = seal(&key, &AAD, NOTE).unwrap();
        assert_eq!(envelope.ciphertext.len(), NOTE.len() + 16);
        assert_eq!(open(&key, &AAD, &envelope).unwrap().as_slice(), NOTE);
    }

    #[test]
    fn every_single_bit_flip_fails_to_open() {
        let key = key();
        let envelope = seal(&key, &AAD, b"short note").unwrap();
        let mut flips = 0;
        for byte in 0..envelope.ciphertext.len() {
            for bit in 0..8 {
                let mut tampered = envelope.clone();
                tampered.ciphertext[byte] ^= 1 << bit;
                assert_eq!(
                    open(&key, &AAD, &tampered),
                    Err(CryptoError::Decrypt),
                    "ciphertext byte {byte} bit {bit}"
                );
                flips += 1;
            }
        }
        for byte in 0..envelope.nonce.len() {
            for bit in 0..8 {
                let mut tampered = envelope.clone();
                tampered.nonce[byte] ^= 1 << bit;
                assert_eq!(
                    open(&key, &AAD, &tampered),
                    Err(CryptoError::Decrypt),
                    "nonce byte {byte} bit {bit}"
                );
                flips += 1;
            }
        }
        // Plaintext, tag and nonce bits were all covered.
        assert_eq!(flips, (10 + 16 + 12) * 8);
        assert!(open(&key, &AAD, &envelope).is_ok());
    }

    #[test]
    fn truncated_or_extended_ciphertext_fails() {
        let key = key();
        let envelope = seal(&key, &AAD, NOTE).unwrap();
        for len in [0, 1, 15, 16, envelope.ciphertext.len() - 1] {
            let mut tampered = envelope.clone();
            tampered.ciphertext.truncate(len);
            assert_eq!(
                open(&key, &AAD, &tampered),
                Err(CryptoError::Decrypt),
                "{len}"
            );
        }
        let mut extended = envelope;
        extended.ciphertext.push(0);
        assert_eq!(open(&key, &AAD, &extended), Err(CryptoError::Decrypt));
    }

    #[test]
    fn moved_or_replayed_record_fails_to_open() {
        let key = key();
        let envelope = seal(&key, &AAD, NOTE).unwrap();
        let elsewhere = [
            RecordAad {
                store: "psychotherapy_notes",
                ..AAD
            },
            RecordAad {
                store: "progress_note",
                ..AAD
            },
            RecordAad {
                id: "0123456789abcdef0123456789abcdee",
                ..AAD
            },
            RecordAad { id: "", ..AAD },
            RecordAad { revision: 8, ..AAD },
            RecordAad { revision: 6, ..AAD },
            RecordAad { revision: 0, ..AAD },
        ];
        for aad in elsewhere {
            assert_eq!(
                open(&key, &aad, &envelope),
                Err(CryptoError::Decrypt),
                "{aad:?}"
            );
        }
    }

    #[test]
    fn older_revision_cannot_be_replayed_as_the_current_one() {
        let key = key();
        let old_aad = RecordAad { revision: 1, ..AAD };
        let new_aad = RecordAad { revision: 2, ..AAD };
        let old = seal(&key, &old_aad, b"old text").unwrap();
        let new = seal(&key, &new_aad, b"new text").unwrap();
        assert_eq!(open(&key, &new_aad, &new).unwrap().as_slice(), b"new text");
        // An attacker who puts the old envelope back under revision 2 is caught.
        assert_eq!(open(&key, &new_aad, &old), Err(CryptoError::Decrypt));
    }

    #[test]
    fn swapping_store_and_id_boundary_fails() {
        // Same concatenated text, different split: the length prefixes tell them apart.
        let key = key();
        let a = RecordAad {
            store: "ab",
            id: "c",
            revision: 1,
        };
        let b = RecordAad {
            store: "a",
            id: "bc",
            revision: 1,
        };
        assert_ne!(a.to_bytes(), b.to_bytes());
        let envelope = seal(&key, &a, NOTE).unwrap();
        assert_eq!(open(&key, &b, &envelope), Err(CryptoError::Decrypt));
    }

    #[test]
    fn wrong_key_fails_to_open() {
        let envelope = seal(&key(), &AAD, NOTE).unwrap();
        assert_eq!(open(&key(), &AAD, &envelope), Err(CryptoError::Decrypt));
    }

    #[test]
    fn key_of_another_purpose_fails_to_open() {
        // Types stop this at compile time in the app; the bytes must not open either.
        let envelope = seal(&key(), &AAD, NOTE).unwrap();
        let other = PsychotherapyKey::generate().unwrap();
        assert_eq!(open(&other, &AAD, &envelope), Err(CryptoError::Decrypt));
    }

    #[test]
    fn nonces_never_repeat() {
        let key = key();
        let mut nonces = HashSet::with_capacity(100_000);
        for i in 0..100_000 {
            let envelope = seal(&key, &AAD, b"x").unwrap();
            assert!(nonces.insert(envelope.nonce), "repeated nonce at seal {i}");
        }
    }

    #[test]
    fn sealing_twice_gives_different_envelopes() {
        let key = key();
        assert_ne!(
            seal(&key, &AAD, NOTE).unwrap(),
            seal(&key, &AAD, NOTE).unwrap()
        );
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let key = key();
        let envelope = seal(&key, &AAD, b"").unwrap();
        assert_eq!(envelope.ciphertext.len(), 16);
        assert!(open(&key, &AAD, &envelope).unwrap().is_empty());
        let mut tampered = envelope;
        tampered.ciphertext[0] ^= 1;
        assert_eq!(open(&key, &AAD, &tampered), Err(CryptoError::Decrypt));
    }

    #[test]
    fn ciphertext_hides_the_plaintext() {
        let envelope = seal(&key(), &AAD, NOTE).unwrap();
        assert_ne!(&envelope.ciphertext[..NOTE.len()], NOTE);
        let canary = b"CANARY-7f3a";
        assert!(!envelope
            .ciphertext
            .windows(canary.len())
            .any(|w| w == canary));
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(!json.contains("CANARY"));
        assert!(!json.contains("slept"));
    }

    #[test]
    fn a_revision_sealed_under_one_id_opens_under_no_other() {
        let key = key();
        let aad = RevisionAad {
            store: "progress_notes",
            id: "n1",
            revision: "2-00112233445566778899aabbccddeeff",
        };
        let sealed = seal(&key, &aad, NOTE).unwrap();
        assert_eq!(&**open(&key, &aad, &sealed).unwrap(), NOTE);
        for other in [
            RevisionAad {
                revision: "1-00112233445566778899aabbccddeeff",
                ..aad
            },
            RevisionAad {
                revision: "2-00112233445566778899aabbccddeefe",
                ..aad
            },
            RevisionAad { id: "n2", ..aad },
            RevisionAad {
                store: "clients",
                ..aad
            },
        ] {
            assert_eq!(open(&key, &other, &sealed), Err(CryptoError::Decrypt));
        }
        // Nor under the v1 layout of the same place.
        let v1 = RecordAad {
            store: "progress_notes",
            id: "n1",
            revision: 2,
        };
        assert_eq!(open(&key, &v1, &sealed), Err(CryptoError::Decrypt));
    }

    #[test]
    fn aad_encoding_is_pinned() {
        // Changing this encoding makes every stored record unreadable.
        let aad = RecordAad {
            store: "st",
            id: "id1",
            revision: 0x0102,
        };
        let mut expected = b"psynotes/record/v1".to_vec();
        expected.extend_from_slice(&[0, 1]);
        expected.extend_from_slice(&[0, 0, 0, 2]);
        expected.extend_from_slice(b"st");
        expected.extend_from_slice(&[0, 0, 0, 3]);
        expected.extend_from_slice(b"id1");
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(aad.to_bytes(), expected);
        assert_eq!(FORMAT_VERSION, 1);
    }
}
