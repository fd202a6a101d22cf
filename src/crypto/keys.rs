//! The key types of the vault's key hierarchy, and key wrapping.
//!
//! ```text
//! Kek (from the passphrase) --wraps--> MasterKey <--wraps-- RecoveryKey
//! MasterKey --wraps--> DataKey<Records>, DataKey<Psychotherapy>, DataKey<Audit>, DataKey<Drafts>
//! MasterKey --HKDF--> BackupMacKey
//! ```
//!
//! Changing the passphrase re-wraps only the master key; no data key and no record
//! changes.
//!
//! All keys here are 256-bit, cannot be cloned or copied (so a key exists in exactly
//! one place), are zeroized when dropped, and print `[redacted]` in `Debug` output.
//!
//! Data keys are typed by their [`Purpose`]. A psychotherapy-notes key is a different
//! type from a records key, so code written for records (export, print, search)
//! cannot be handed the psychotherapy key by mistake:
//!
//! ```compile_fail,E0308
//! use psynotes::crypto::{PsychotherapyKey, RecordsKey};
//!
//! fn export_progress_notes(_key: &RecordsKey) {}
//!
//! fn leak(key: &PsychotherapyKey) {
//!     export_progress_notes(key); // error: expected `DataKey<Records>`
//! }
//! ```
//!
//! (The same function accepts a records key, so the failure above is the type
//! mismatch and nothing else.)
//!
//! ```
//! use psynotes::crypto::RecordsKey;
//!
//! fn export_progress_notes(_key: &RecordsKey) {}
//!
//! fn fine(key: &RecordsKey) {
//!     export_progress_notes(key);
//! }
//! ```
//!
//! Keys cannot be duplicated:
//!
//! ```compile_fail,E0599
//! use psynotes::crypto::MasterKey;
//!
//! fn duplicate(key: MasterKey) -> (MasterKey, MasterKey) {
//!     (key.clone(), key)
//! }
//! ```

use core::fmt;
use core::marker::PhantomData;

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{aead, CryptoError};

/// Domain label for the master key wrapped by the passphrase-derived KEK.
const MASTER_BY_KEK_LABEL: &[u8] = b"psynotes/master-by-kek/v1";
/// Domain label for data keys wrapped by the master key; the purpose label follows.
const DATA_KEY_BY_MASTER_LABEL: &[u8] = b"psynotes/data-key-by-master/v1";
/// HKDF `info` for the key that authenticates backup manifests.
const BACKUP_MAC_INFO: &[u8] = b"psynotes/backup-manifest/v1";
/// HKDF info for the MAC key of a custodian's copy, derived from the records key.
const CUSTODIAN_COPY_MAC_INFO: &[u8] = b"psynotes/custodian-copy-manifest/v1";

/// HKDF info for the key that names a store's revisions (see
/// [`DataKey::revision_digest`]).
const REVISION_INFO: &[u8] = b"psynotes/revision-digest/v1";

/// 32 secret bytes that are wiped when dropped. Every key type holds one of these,
/// so the wiping is written once.
#[derive(Zeroize, ZeroizeOnDrop)]
struct SecretBytes([u8; 32]);

impl SecretBytes {
    fn zeroed() -> Self {
        Self([0; 32])
    }

    /// Fills the buffer in place, so no copy of the key is left on the stack.
    fn random() -> Result<Self, CryptoError> {
        let mut secret = Self::zeroed();
        getrandom::getrandom(&mut secret.0).map_err(|_| CryptoError::Random)?;
        Ok(secret)
    }
}

/// Shared `Debug` body: the type name and never the bytes.
fn redacted(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "{name}([redacted])")
}

/// The key-encryption key derived from the passphrase with Argon2id.
///
/// Made by [`crate::crypto::derive_kek`], or from the output of
/// [`crate::crypto::derive_kek_bytes`] run in a KDF worker. Its one job is to wrap
/// and unwrap the [`MasterKey`].
pub struct Kek {
    bytes: SecretBytes,
}

impl Kek {
    /// The KEK whose bytes [`crate::crypto::derive_kek_bytes`] returned. The
    /// caller zeroizes its own copy.
    pub(crate) fn from_bytes(derived: &[u8; 32]) -> Self {
        let mut bytes = SecretBytes::zeroed();
        bytes.0.copy_from_slice(derived);
        Self { bytes }
    }

    /// Encrypts the master key under this KEK.
    ///
    /// `aad` should be the canonical bytes of the vault header's KDF name, parameters
    /// and salt: then a header whose parameters were changed no longer unwraps.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no nonce could be drawn.
    pub fn wrap_master(&self, master: &MasterKey, aad: &[u8]) -> Result<WrappedKey, CryptoError> {
        wrap_master_key(&self.bytes.0, MASTER_BY_KEK_LABEL, aad, master)
    }

    /// Decrypts the master key.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] if the passphrase (hence this KEK) is wrong, `aad`
    /// differs from the one used to wrap, or the wrapped key was changed.
    pub fn unwrap_master(
        &self,
        wrapped: &WrappedKey,
        aad: &[u8],
    ) -> Result<MasterKey, CryptoError> {
        unwrap_master_key(&self.bytes.0, MASTER_BY_KEK_LABEL, aad, wrapped)
    }
}

impl ZeroizeOnDrop for Kek {}

impl fmt::Debug for Kek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "Kek")
    }
}

/// The vault's random master key. It never leaves memory unwrapped; it wraps the data
/// keys and derives the backup MAC key.
pub struct MasterKey {
    bytes: SecretBytes,
}

impl MasterKey {
    /// A fresh random master key, for a new vault.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no secure randomness is available.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            bytes: SecretBytes::random()?,
        })
    }

    /// Encrypts a data key under the master key, bound to its purpose.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no nonce could be drawn.
    pub fn wrap_data_key<P: Purpose>(&self, key: &DataKey<P>) -> Result<WrappedKey, CryptoError> {
        wrap_secret(
            &self.bytes.0,
            DATA_KEY_BY_MASTER_LABEL,
            P::LABEL.as_bytes(),
            &key.bytes,
        )
    }

    /// Decrypts a data key for purpose `P`.
    ///
    /// The purpose is authenticated, so a wrapped psychotherapy key cannot be
    /// unwrapped as a records key even by code that asks for one.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] if the master key is wrong, the key was wrapped for
    /// another purpose, or the wrapped key was changed.
    pub fn unwrap_data_key<P: Purpose>(
        &self,
        wrapped: &WrappedKey,
    ) -> Result<DataKey<P>, CryptoError> {
        Ok(DataKey {
            bytes: unwrap_secret(
                &self.bytes.0,
                DATA_KEY_BY_MASTER_LABEL,
                P::LABEL.as_bytes(),
                wrapped,
            )?,
            purpose: PhantomData,
        })
    }

    /// The key that authenticates backup manifests, derived with HKDF-SHA256.
    ///
    /// It is derived rather than stored, so every holder of the master key gets the
    /// same MAC key and a backup needs no extra wrapped key.
    pub fn backup_mac_key(&self) -> BackupMacKey {
        let mut bytes = SecretBytes::zeroed();
        Hkdf::<Sha256>::new(None, &self.bytes.0)
            .expand(BACKUP_MAC_INFO, &mut bytes.0)
            // HKDF-SHA256 can produce up to 255 * 32 bytes; we ask for 32.
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        BackupMacKey { bytes }
    }
}

impl ZeroizeOnDrop for MasterKey {}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "MasterKey")
    }
}

mod sealed {
    /// Keeps [`super::Purpose`] closed: only the purposes defined here exist.
    pub trait Sealed {}
}

/// What a [`DataKey`] is for. Sealed: the set of purposes is fixed by this module.
pub trait Purpose: sealed::Sealed {
    /// Stable name of the purpose. It is authenticated when the key is wrapped, so it
    /// must never change for an existing purpose.
    const LABEL: &'static str;
}

macro_rules! purposes {
    ($($(#[$doc:meta])* $marker:ident / $alias:ident = $label:literal;)+) => {$(
        $(#[$doc])*
        ///
        /// A marker type with no values; it only parameterises [`DataKey`].
        #[derive(Debug)]
        pub enum $marker {}

        impl sealed::Sealed for $marker {}

        impl Purpose for $marker {
            const LABEL: &'static str = $label;
        }

        #[doc = concat!("The data key for ", $label, ".")]
        pub type $alias = DataKey<$marker>;
    )+};
}

purposes! {
    /// Progress notes, clients and everything else in the official record.
    Records / RecordsKey = "records";
    /// Psychotherapy notes: the clinician's private process notes, kept apart.
    Psychotherapy / PsychotherapyKey = "psychotherapy";
    /// The audit log.
    Audit / AuditKey = "audit";
    /// Unsaved drafts (autosave).
    Drafts / DraftsKey = "drafts";
}

/// A random 256-bit key that encrypts the records of one [`Purpose`].
pub struct DataKey<P: Purpose> {
    bytes: SecretBytes,
    purpose: PhantomData<P>,
}

impl DataKey<Records> {
    /// The key that authenticates a custodian's copy of the record: derived
    /// from the records key with HKDF-SHA256, so the custodian, who holds the
    /// records key and not the master key, can check the whole file.
    pub fn custodian_copy_mac_key(&self) -> BackupMacKey {
        let mut bytes = SecretBytes::zeroed();
        Hkdf::<Sha256>::new(None, &self.bytes.0)
            .expand(CUSTODIAN_COPY_MAC_INFO, &mut bytes.0)
            // HKDF-SHA256 can produce up to 255 * 32 bytes; we ask for 32.
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        BackupMacKey { bytes }
    }
}

impl<P: Purpose> DataKey<P> {
    /// A fresh random data key, for a new vault.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no secure randomness is available.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            bytes: SecretBytes::random()?,
            purpose: PhantomData,
        })
    }

    /// The raw key, for the envelope module only.
    pub(super) fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes.0
    }

    /// The digest that names a revision: HMAC-SHA256, under a key derived from
    /// this data key, over `parts` (each length-prefixed), cut to 16 bytes.
    ///
    /// Keyed, so a revision id a sync server sees says nothing about the
    /// content; deterministic, so two devices making the same edit of the same
    /// revision name it alike and do not conflict.
    pub fn revision_digest(&self, parts: &[&[u8]]) -> [u8; 16] {
        let mut key = SecretBytes::zeroed();
        Hkdf::<Sha256>::new(None, &self.bytes.0)
            .expand(REVISION_INFO, &mut key.0)
            // HKDF-SHA256 can produce up to 255 * 32 bytes; we ask for 32.
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.0)
            .expect("HMAC-SHA256 takes a key of any length");
        for part in parts {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            mac.update(&len.to_be_bytes());
            mac.update(part);
        }
        let tag = mac.finalize().into_bytes();
        let mut digest = [0u8; 16];
        digest.copy_from_slice(&tag[..16]);
        digest
    }
}

impl<P: Purpose> ZeroizeOnDrop for DataKey<P> {}

impl<P: Purpose> fmt::Debug for DataKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataKey<{}>([redacted])", P::LABEL)
    }
}

/// A key encrypted with AES-256-GCM under another key, as stored in the vault header.
///
/// Not secret: without the wrapping key it reveals nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The random nonce used for this wrapping.
    pub nonce: [u8; 12],
    /// The encrypted 32-byte key followed by the 16-byte tag.
    pub ciphertext: Vec<u8>,
}

/// HMAC-SHA256 key that authenticates backup manifests; see
/// [`MasterKey::backup_mac_key`].
pub struct BackupMacKey {
    bytes: SecretBytes,
}

impl BackupMacKey {
    /// The HMAC-SHA256 tag of `data`.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        self.hmac()
            .chain_update(data)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Whether `tag` is the HMAC-SHA256 tag of `data`, compared in constant time.
    /// A tag of the wrong length is simply not valid.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        self.hmac().chain_update(data).verify_slice(tag).is_ok()
    }

    /// A tag computed a part at a time, for a file too large to hash in one
    /// step without freezing the page: [`BackupMac::update`] with every part
    /// in order gives what [`mac`](Self::mac) gives for them joined.
    pub fn begin(&self) -> BackupMac {
        BackupMac { hmac: self.hmac() }
    }

    fn hmac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes.0)
            // HMAC accepts keys of every length.
            .expect("HMAC-SHA256 accepts a 32-byte key")
    }
}

impl ZeroizeOnDrop for BackupMacKey {}

/// A backup tag being computed; see [`BackupMacKey::begin`].
pub struct BackupMac {
    hmac: Hmac<Sha256>,
}

impl BackupMac {
    /// Adds the next part of the data.
    pub fn update(&mut self, part: &[u8]) {
        self.hmac.update(part);
    }

    /// The tag of every part added.
    pub fn finish(self) -> [u8; 32] {
        self.hmac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag of every part added, compared in constant time.
    pub fn verify(self, tag: &[u8]) -> bool {
        self.hmac.verify_slice(tag).is_ok()
    }
}

impl fmt::Debug for BackupMac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "BackupMac")
    }
}

impl fmt::Debug for BackupMacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "BackupMacKey")
    }
}

/// Wraps a master key under any 256-bit wrapping key (the KEK or the recovery key).
///
/// Each kind of wrapping key passes its own `label`, so a wrapping made for one can
/// never be accepted as the other.
pub(crate) fn wrap_master_key(
    wrapping_key: &[u8; 32],
    label: &'static [u8],
    aad: &[u8],
    master: &MasterKey,
) -> Result<WrappedKey, CryptoError> {
    wrap_secret(wrapping_key, label, aad, &master.bytes)
}

/// The inverse of [`wrap_master_key`].
pub(crate) fn unwrap_master_key(
    wrapping_key: &[u8; 32],
    label: &'static [u8],
    aad: &[u8],
    wrapped: &WrappedKey,
) -> Result<MasterKey, CryptoError> {
    Ok(MasterKey {
        bytes: unwrap_secret(wrapping_key, label, aad, wrapped)?,
    })
}

/// Encrypts the records key under `wrapping_key` (the custodian key), with a
/// label that no other wrapping uses.
pub(crate) fn wrap_records_key(
    wrapping_key: &[u8; 32],
    label: &'static [u8],
    aad: &[u8],
    records: &RecordsKey,
) -> Result<WrappedKey, CryptoError> {
    wrap_secret(wrapping_key, label, aad, &records.bytes)
}

/// The inverse of [`wrap_records_key`].
pub(crate) fn unwrap_records_key(
    wrapping_key: &[u8; 32],
    label: &'static [u8],
    aad: &[u8],
    wrapped: &WrappedKey,
) -> Result<RecordsKey, CryptoError> {
    Ok(DataKey {
        bytes: unwrap_secret(wrapping_key, label, aad, wrapped)?,
        purpose: PhantomData,
    })
}

fn wrap_secret(
    wrapping_key: &[u8; 32],
    label: &[u8],
    context: &[u8],
    secret: &SecretBytes,
) -> Result<WrappedKey, CryptoError> {
    let (nonce, ciphertext) = aead::seal(wrapping_key, &bind_aad(label, context), &secret.0)?;
    Ok(WrappedKey { nonce, ciphertext })
}

fn unwrap_secret(
    wrapping_key: &[u8; 32],
    label: &[u8],
    context: &[u8],
    wrapped: &WrappedKey,
) -> Result<SecretBytes, CryptoError> {
    let plaintext = aead::open(
        wrapping_key,
        &wrapped.nonce,
        &bind_aad(label, context),
        &wrapped.ciphertext,
    )?;
    // We only ever wrap 32-byte keys; anything else did not come from us.
    if plaintext.len() != 32 {
        return Err(CryptoError::Decrypt);
    }
    let mut secret = SecretBytes::zeroed();
    secret.0.copy_from_slice(&plaintext);
    Ok(secret)
}

/// The AAD for a wrapping: the length-prefixed label, then the caller's context.
///
/// The length prefix keeps the split between label and context unambiguous, so no
/// two (label, context) pairs give the same bytes.
fn bind_aad(label: &[u8], context: &[u8]) -> Vec<u8> {
    // Labels are short constants of this module, far below u32::MAX bytes.
    let label_len = u32::try_from(label.len()).unwrap_or(u32::MAX);
    let mut aad = Vec::with_capacity(4 + label.len() + context.len());
    aad.extend_from_slice(&label_len.to_be_bytes());
    aad.extend_from_slice(label);
    aad.extend_from_slice(context);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_AAD: &[u8] = b"argon2id m=65536 t=3 p=1 salt=...";

    fn kek_with(byte: u8) -> Kek {
        Kek::from_bytes(&[byte; 32])
    }

    fn master_with(byte: u8) -> MasterKey {
        MasterKey {
            bytes: SecretBytes([byte; 32]),
        }
    }

    #[test]
    fn master_wrap_round_trip() {
        let kek = kek_with(1);
        let master = MasterKey::generate().unwrap();
        let wrapped = kek.wrap_master(&master, HEADER_AAD).unwrap();
        assert_eq!(wrapped.ciphertext.len(), 32 + 16);
        let unwrapped = kek.unwrap_master(&wrapped, HEADER_AAD).unwrap();
        assert_eq!(unwrapped.bytes.0, master.bytes.0);
    }

    #[test]
    fn wrapped_master_does_not_contain_the_key() {
        let master = master_with(0x5a);
        let wrapped = kek_with(1).wrap_master(&master, HEADER_AAD).unwrap();
        assert_ne!(&wrapped.ciphertext[..32], &master.bytes.0[..]);
    }

    #[test]
    fn master_unwrap_with_wrong_kek_fails() {
        let master = MasterKey::generate().unwrap();
        let wrapped = kek_with(1).wrap_master(&master, HEADER_AAD).unwrap();
        assert_eq!(
            kek_with(2).unwrap_master(&wrapped, HEADER_AAD).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn master_unwrap_with_changed_aad_fails() {
        let kek = kek_with(1);
        let master = MasterKey::generate().unwrap();
        let wrapped = kek.wrap_master(&master, HEADER_AAD).unwrap();
        for aad in [
            &b"argon2id m=19456 t=3 p=1 salt=..."[..],
            &HEADER_AAD[..HEADER_AAD.len() - 1],
            b"",
        ] {
            assert_eq!(
                kek.unwrap_master(&wrapped, aad).unwrap_err(),
                CryptoError::Decrypt
            );
        }
    }

    #[test]
    fn master_unwrap_of_tampered_key_fails() {
        let kek = kek_with(1);
        let wrapped = kek
            .wrap_master(&MasterKey::generate().unwrap(), HEADER_AAD)
            .unwrap();
        let mut tampered = wrapped.clone();
        tampered.ciphertext[0] ^= 1;
        assert!(kek.unwrap_master(&tampered, HEADER_AAD).is_err());
        let mut tampered = wrapped.clone();
        tampered.nonce[11] ^= 0x80;
        assert!(kek.unwrap_master(&tampered, HEADER_AAD).is_err());
        let mut truncated = wrapped;
        truncated.ciphertext.truncate(10);
        assert!(kek.unwrap_master(&truncated, HEADER_AAD).is_err());
    }

    #[test]
    fn authentic_but_wrong_length_secret_is_rejected() {
        let wrapping_key = [1u8; 32];
        let (nonce, ciphertext) = aead::seal(
            &wrapping_key,
            &bind_aad(MASTER_BY_KEK_LABEL, HEADER_AAD),
            &[7u8; 31],
        )
        .unwrap();
        let wrapped = WrappedKey { nonce, ciphertext };
        assert_eq!(
            kek_with(1).unwrap_master(&wrapped, HEADER_AAD).unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn data_key_wrap_round_trip_for_every_purpose() {
        fn round_trip<P: Purpose>(master: &MasterKey) {
            let key = DataKey::<P>::generate().unwrap();
            let wrapped = master.wrap_data_key(&key).unwrap();
            let unwrapped = master.unwrap_data_key::<P>(&wrapped).unwrap();
            assert_eq!(unwrapped.bytes.0, key.bytes.0, "{}", P::LABEL);
        }
        let master = MasterKey::generate().unwrap();
        round_trip::<Records>(&master);
        round_trip::<Psychotherapy>(&master);
        round_trip::<Audit>(&master);
        round_trip::<Drafts>(&master);
    }

    #[test]
    fn psychotherapy_key_cannot_be_unwrapped_as_any_other_purpose() {
        let master = MasterKey::generate().unwrap();
        let wrapped = master
            .wrap_data_key(&PsychotherapyKey::generate().unwrap())
            .unwrap();
        assert_eq!(
            master.unwrap_data_key::<Records>(&wrapped).unwrap_err(),
            CryptoError::Decrypt
        );
        assert!(master.unwrap_data_key::<Audit>(&wrapped).is_err());
        assert!(master.unwrap_data_key::<Drafts>(&wrapped).is_err());
        assert!(master.unwrap_data_key::<Psychotherapy>(&wrapped).is_ok());
    }

    #[test]
    fn records_key_cannot_be_unwrapped_as_psychotherapy_key() {
        let master = MasterKey::generate().unwrap();
        let wrapped = master
            .wrap_data_key(&RecordsKey::generate().unwrap())
            .unwrap();
        assert!(master.unwrap_data_key::<Psychotherapy>(&wrapped).is_err());
    }

    #[test]
    fn data_key_unwrap_with_wrong_master_fails() {
        let wrapped = master_with(1)
            .wrap_data_key(&RecordsKey::generate().unwrap())
            .unwrap();
        assert_eq!(
            master_with(2)
                .unwrap_data_key::<Records>(&wrapped)
                .unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn purpose_labels_are_distinct_and_stable() {
        // Changing a label would make every existing vault unreadable.
        assert_eq!(Records::LABEL, "records");
        assert_eq!(Psychotherapy::LABEL, "psychotherapy");
        assert_eq!(Audit::LABEL, "audit");
        assert_eq!(Drafts::LABEL, "drafts");
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            MasterKey::generate().unwrap().bytes.0,
            MasterKey::generate().unwrap().bytes.0
        );
        assert_ne!(
            RecordsKey::generate().unwrap().bytes.0,
            RecordsKey::generate().unwrap().bytes.0
        );
    }

    #[test]
    fn debug_prints_no_key_bytes() {
        let byte = 0xab;
        let kek = kek_with(byte);
        let master = master_with(byte);
        let data = PsychotherapyKey {
            bytes: SecretBytes([byte; 32]),
            purpose: PhantomData,
        };
        let mac = BackupMacKey {
            bytes: SecretBytes([byte; 32]),
        };
        for text in [
            format!("{kek:?}"),
            format!("{master:?}"),
            format!("{data:?}"),
            format!("{mac:?}"),
            format!("{kek:#?}"),
        ] {
            assert!(text.contains("[redacted]"), "{text}");
            let lower = text.to_lowercase();
            assert!(!lower.contains("ab"), "{text}");
            assert!(!lower.contains("171"), "{text}");
        }
        assert_eq!(format!("{data:?}"), "DataKey<psychotherapy>([redacted])");
    }

    #[test]
    fn revision_digests_are_keyed_deterministic_and_unambiguous() {
        let key = RecordsKey::generate().unwrap();
        let a = key.revision_digest(&[b"notes", b"n1", b"1-ab", b"text"]);
        assert_eq!(a, key.revision_digest(&[b"notes", b"n1", b"1-ab", b"text"]));
        // Another key, or the same bytes split differently, names it otherwise.
        let other = RecordsKey::generate().unwrap();
        assert_ne!(
            a,
            other.revision_digest(&[b"notes", b"n1", b"1-ab", b"text"])
        );
        assert_ne!(a, key.revision_digest(&[b"notesn1", b"", b"1-ab", b"text"]));
        assert_ne!(a, key.revision_digest(&[b"notes", b"n1", b"1-ab", b"texT"]));
    }

    #[test]
    fn backup_mac_verifies_its_own_tag_only() {
        let key = MasterKey::generate().unwrap().backup_mac_key();
        let tag = key.mac(b"manifest");
        assert!(key.verify(b"manifest", &tag));
        assert!(!key.verify(b"manifesT", &tag));
        assert!(!key.verify(b"manifest", &tag[..31]));
        assert!(!key.verify(b"manifest", &[]));
        let mut bad = tag;
        bad[31] ^= 1;
        assert!(!key.verify(b"manifest", &bad));
    }

    #[test]
    fn backup_mac_key_is_derived_deterministically_from_the_master_key() {
        let tag = master_with(3).backup_mac_key().mac(b"manifest");
        assert_eq!(master_with(3).backup_mac_key().mac(b"manifest"), tag);
        assert!(!master_with(4).backup_mac_key().verify(b"manifest", &tag));
        // Derived, not the master key itself.
        assert_ne!(master_with(3).backup_mac_key().bytes.0, [3u8; 32]);
    }

    #[test]
    fn backup_mac_matches_hkdf_then_hmac_sha256() {
        // Independent recomputation, so a change of info label or algorithm shows up.
        let master = master_with(9);
        let mut derived = [0u8; 32];
        Hkdf::<Sha256>::new(None, &[9u8; 32])
            .expand(b"psynotes/backup-manifest/v1", &mut derived)
            .unwrap();
        let expected: [u8; 32] = <Hmac<Sha256> as Mac>::new_from_slice(&derived)
            .unwrap()
            .chain_update(b"data")
            .finalize()
            .into_bytes()
            .into();
        assert_eq!(master.backup_mac_key().mac(b"data"), expected);
    }

    #[test]
    fn bind_aad_is_unambiguous() {
        assert_ne!(bind_aad(b"ab", b"c"), bind_aad(b"a", b"bc"));
        assert_eq!(bind_aad(b"ab", b"c"), b"\0\0\0\x02abc");
    }
}
