//! Crypto layer: key derivation, the key hierarchy, and per-record AEAD envelopes.
//!
//! This module is pure Rust (no browser APIs) so it builds and is tested natively as
//! well as on `wasm32-unknown-unknown`. The design it implements (DESIGN.md,
//! invariants 3 and 4):
//!
//! ```text
//! passphrase --Argon2id(salt, params)--> Kek --wraps--> MasterKey <--wraps-- RecoveryKey
//!                                                          |
//!                               CustodianKey --wraps--> the records DataKey only
//!                                                          |
//!                     wraps one DataKey per Purpose (records, psychotherapy, audit, drafts)
//!                                                          |
//!                              each record: Envelope = AES-256-GCM(DataKey, RecordAad)
//! ```
//!
//! - [`kdf`]: Argon2id parameters, their bounds check, and the salt.
//! - [`keys`]: the key types and key wrapping.
//! - [`envelope`]: sealing and opening one record.
//! - [`passphrase`]: the passphrase type, its rules and a strength estimate.
//! - [`recovery`]: the printable recovery key.
//! - [`custodian`]: the printable custodian key, which wraps the records key
//!   and nothing else.
//! - [`error`]: the error type.
//!
//! Every key type zeroizes itself on drop, cannot be cloned, and prints `[redacted]`
//! in `Debug` output.

mod aead;
pub mod custodian;
pub mod envelope;
pub mod error;
pub mod kdf;
pub mod keys;
pub mod passphrase;
pub mod recovery;

pub use custodian::CustodianKey;
pub use envelope::{open, seal, Aad, Envelope, RecordAad, RevisionAad, FORMAT_VERSION};
pub use error::CryptoError;
/// See [`kdf::warm_up`].
pub use kdf::warm_up as warm_up_kdf;
pub use kdf::{derive_kek, derive_kek_bytes, KdfParams, Salt};
pub use keys::{
    Audit, AuditKey, BackupMac, BackupMacKey, DataKey, Drafts, DraftsKey, Kek, MasterKey,
    Psychotherapy, PsychotherapyKey, Purpose, Records, RecordsKey, WrappedKey,
};
pub use passphrase::{strength, Passphrase, PassphraseError, Strength};
pub use recovery::RecoveryKey;

/// `N` bytes from the operating system's (or browser's) secure random generator.
///
/// # Errors
/// [`CryptoError::Random`] if no secure randomness is available. We never fall back
/// to a weaker source: a predictable nonce or key would silently break everything.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|_| CryptoError::Random)?;
    Ok(bytes)
}

/// A fresh opaque record id: 16 random bytes as 32 lowercase hex characters.
///
/// Random ids reveal nothing about the record (no counter, no time, no name), and
/// 128 bits make a collision practically impossible.
///
/// # Errors
/// [`CryptoError::Random`] if no secure randomness is available.
pub fn random_id() -> Result<String, CryptoError> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = random_bytes::<16>()?;
    let mut id = String::with_capacity(32);
    for byte in bytes {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_id_is_32_lowercase_hex_chars() {
        let id = random_id().unwrap();
        assert_eq!(id.len(), 32);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    #[test]
    fn random_ids_differ() {
        let ids: std::collections::HashSet<String> =
            (0..1000).map(|_| random_id().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn random_bytes_are_not_all_zero() {
        // 2^-256 chance of a false failure.
        assert_ne!(random_bytes::<32>().unwrap(), [0u8; 32]);
    }
}
