//! The one error type of the crypto layer.
//!
//! Messages are written for the person in front of the app: they say what went wrong
//! in plain words and never contain key material, plaintext or passphrases.

/// Everything that can go wrong in [`crate::crypto`].
///
/// Decryption failures are deliberately a single variant: telling a wrong key apart
/// from tampered data would help an attacker and would not help the user.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The key-derivation settings (usually read from the vault header) are outside
    /// the range this app accepts.
    #[error(
        "the vault's key-derivation settings are not supported: {what} is {value}, \
         but it must be between {min} and {max}; the vault header may be damaged \
         or from another app"
    )]
    KdfParamsOutOfRange {
        /// Which setting is out of range, in words.
        what: &'static str,
        /// The value found.
        value: u32,
        /// The smallest accepted value.
        min: u32,
        /// The largest accepted value.
        max: u32,
    },
    /// Argon2id itself failed; in practice this means the device could not provide
    /// the memory it needs.
    #[error(
        "the passphrase could not be turned into a key; the device may be low on \
         memory, so close other tabs or apps and try again"
    )]
    Kdf,
    /// Authentication failed: the key is wrong, or the data was changed, moved or
    /// replayed.
    #[error("the data could not be decrypted: the key is wrong or the data is damaged")]
    Decrypt,
    /// The operating system or browser did not provide random numbers.
    #[error(
        "the system's secure random number generator is not available, so no new \
         keys or encrypted data can be made"
    )]
    Random,
    /// The text typed as a recovery key is not one.
    #[error(
        "this is not a valid recovery key: it should be 52 letters and digits \
         (dashes and spaces do not matter); check for typos or missing groups"
    )]
    InvalidRecoveryKey,
    /// The text typed as a custodian key is not one.
    #[error(
        "this is not a valid custodian key: it should be 52 letters and digits \
         (dashes and spaces do not matter); check for typos or missing groups"
    )]
    InvalidCustodianKey,
    /// AES-GCM refused to encrypt (only possible for absurdly large inputs).
    #[error("the data could not be encrypted because it is too large")]
    Encrypt,
}
