//! The custodian key: a printed key that opens the record and nothing else.
//!
//! When a practice closes, or its clinician retires or dies, someone must be
//! able to keep the record and answer the clients' requests, without ever
//! reading the psychotherapy notes (45 CFR 164.501, 164.524(a)(1)(i)). The
//! clinician names a records custodian and gives them this key.
//!
//! It is written like the recovery key (256 random bits, 52 Crockford base32
//! symbols), but it wraps the **records key** directly, not the master key:
//! what it unwraps is a [`RecordsKey`], and this module has no way to return
//! any other key. The psychotherapy, audit and drafts keys are wrapped by the
//! master key only, which the custodian never has.
//!
//! The wrapping is bound to its own label and to `aad` (the vault layer
//! passes the format and the vault's id), so it cannot be passed off as the
//! recovery key's wrapping of the master key, nor moved to another vault.

use core::fmt;

use zeroize::Zeroizing;

use super::keys::{unwrap_records_key, wrap_records_key, RecordsKey, WrappedKey};
use super::{CryptoError, RecoveryKey};

/// Domain label for the records key wrapped by the custodian key.
const RECORDS_BY_CUSTODIAN_LABEL: &[u8] = b"psynotes/records-by-custodian/v1";

/// The custodian's 256-bit key. Wiped on drop, never cloned; `Debug` prints
/// `[redacted]`.
pub struct CustodianKey {
    // The same bits and written form as a recovery key; the wrapping differs.
    key: RecoveryKey,
}

impl CustodianKey {
    /// A fresh random custodian key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no secure randomness is available.
    pub fn generate() -> Result<CustodianKey, CryptoError> {
        Ok(CustodianKey {
            key: RecoveryKey::generate()?,
        })
    }

    /// The key for printing: 13 groups of four symbols joined by `-`.
    pub fn display(&self) -> Zeroizing<String> {
        self.key.display()
    }

    /// Reads a custodian key as typed, forgiving what the recovery key
    /// forgives (case, spacing, dashes, O for 0, I or L for 1).
    ///
    /// # Errors
    /// [`CryptoError::InvalidCustodianKey`] for anything that is not one.
    pub fn parse(text: &str) -> Result<CustodianKey, CryptoError> {
        RecoveryKey::parse(text)
            .map(|key| CustodianKey { key })
            .map_err(|_| CryptoError::InvalidCustodianKey)
    }

    /// Encrypts the records key under this custodian key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no nonce could be drawn.
    pub fn wrap_records(
        &self,
        records: &RecordsKey,
        aad: &[u8],
    ) -> Result<WrappedKey, CryptoError> {
        wrap_records_key(self.key.secret(), RECORDS_BY_CUSTODIAN_LABEL, aad, records)
    }

    /// Decrypts the records key: all a custodian ever gets.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] if this is not the key the records key was
    /// wrapped with, `aad` differs, or the wrapped key was changed.
    pub fn unwrap_records(
        &self,
        wrapped: &WrappedKey,
        aad: &[u8],
    ) -> Result<RecordsKey, CryptoError> {
        unwrap_records_key(self.key.secret(), RECORDS_BY_CUSTODIAN_LABEL, aad, wrapped)
    }
}

impl fmt::Debug for CustodianKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CustodianKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{open, seal, MasterKey, Psychotherapy, RecordAad, Records};

    const AAD: &[u8] = b"vault-a";

    fn aad() -> RecordAad<'static> {
        RecordAad {
            store: "progress_notes",
            id: "n-1",
            revision: 1,
        }
    }

    #[test]
    fn it_unwraps_the_records_key_it_wrapped_and_opens_the_record() {
        let master = MasterKey::generate().unwrap();
        let records = crate::crypto::DataKey::<Records>::generate().unwrap();
        let sealed = seal(&records, &aad(), b"the record").unwrap();
        let custodian = CustodianKey::generate().unwrap();
        let wrapped = custodian.wrap_records(&records, AAD).unwrap();
        // As the custodian types it, from paper.
        let typed = CustodianKey::parse(&custodian.display().to_lowercase()).unwrap();
        let unwrapped = typed.unwrap_records(&wrapped, AAD).unwrap();
        assert_eq!(&**open(&unwrapped, &aad(), &sealed).unwrap(), b"the record");
        drop(master);
    }

    #[test]
    fn another_key_another_vault_or_a_changed_wrap_fails() {
        let records = crate::crypto::DataKey::<Records>::generate().unwrap();
        let custodian = CustodianKey::generate().unwrap();
        let wrapped = custodian.wrap_records(&records, AAD).unwrap();
        let other = CustodianKey::generate().unwrap();
        assert!(other.unwrap_records(&wrapped, AAD).is_err());
        assert!(custodian.unwrap_records(&wrapped, b"vault-b").is_err());
        let mut changed = wrapped.clone();
        changed.ciphertext[0] ^= 1;
        assert!(custodian.unwrap_records(&changed, AAD).is_err());
    }

    #[test]
    fn it_is_not_the_recovery_key_and_opens_no_psychotherapy_note() {
        // The same 256 bits used as a recovery key do not unwrap what the
        // custodian key wrapped, nor the other way round: the labels differ.
        let custodian = CustodianKey::generate().unwrap();
        let as_recovery = RecoveryKey::parse(&custodian.display()).unwrap();
        let master = MasterKey::generate().unwrap();
        let master_wrap = as_recovery.wrap_master(&master, AAD).unwrap();
        assert!(custodian.unwrap_records(&master_wrap, AAD).is_err());
        let records = crate::crypto::DataKey::<Records>::generate().unwrap();
        let records_wrap = custodian.wrap_records(&records, AAD).unwrap();
        assert!(as_recovery.unwrap_master(&records_wrap, AAD).is_err());

        // What it unwraps is a records key: a psychotherapy note sealed under
        // the psychotherapy key does not open with it.
        let psychotherapy = crate::crypto::DataKey::<Psychotherapy>::generate().unwrap();
        let private = seal(&psychotherapy, &aad(), b"private").unwrap();
        let unwrapped = custodian.unwrap_records(&records_wrap, AAD).unwrap();
        assert!(open(&unwrapped, &aad(), &private).is_err());
    }

    #[test]
    fn a_typo_is_refused_as_a_custodian_key() {
        assert!(matches!(
            CustodianKey::parse("not a key"),
            Err(CryptoError::InvalidCustodianKey)
        ));
        let key = CustodianKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "CustodianKey([redacted])");
    }
}
