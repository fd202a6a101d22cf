//! The one place that calls AES-256-GCM.
//!
//! Both key wrapping ([`super::keys`]) and record envelopes ([`super::envelope`]) go
//! through here, so there is exactly one nonce policy: a fresh 96-bit nonce from the
//! system's secure random generator on every encryption, never chosen by a caller.
//! With random nonces a single key stays safe for about 2^32 encryptions, far beyond
//! what one therapist's vault will ever do.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use zeroize::Zeroizing;

use super::{random_bytes, CryptoError};

/// Length of an AES-GCM nonce in bytes (96 bits).
pub(crate) const NONCE_LEN: usize = 12;

/// Encrypts `plaintext` under `key`, authenticating `aad` as well.
///
/// Returns the fresh nonce and the ciphertext with its 16-byte tag appended.
pub(crate) fn seal(
    key: &[u8; 32],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; NONCE_LEN], Vec<u8>), CryptoError> {
    let nonce = random_bytes::<NONCE_LEN>()?;
    let cipher = cipher(key);
    let ciphertext = cipher
        .encrypt(
            nonce_ref(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Encrypt)?;
    Ok((nonce, ciphertext))
}

/// Checks and decrypts what [`seal`] produced.
///
/// aes-gcm >= 0.10.3 verifies the tag before it decrypts, so nothing of a forged
/// ciphertext's plaintext is ever produced.
pub(crate) fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    cipher(key)
        .decrypt(
            nonce_ref(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Decrypt)
}

/// Builds the cipher from a borrowed key, without copying the key to the stack.
fn cipher(key: &[u8; 32]) -> Aes256Gcm {
    let key: &Key<Aes256Gcm> = key.into();
    Aes256Gcm::new(key)
}

/// The nonce as the type aes-gcm wants; the array length makes this infallible.
fn nonce_ref(nonce: &[u8; NONCE_LEN]) -> &Nonce<U12> {
    nonce.into()
}
