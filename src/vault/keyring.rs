//! The keys of an unlocked vault.
//!
//! A [`Keyring`] exists only between unlock and lock. Dropping it zeroizes every
//! key (each key type does so on drop). The psychotherapy key is reachable only
//! inside the vault module tree, through the psychotherapy repository, so export,
//! print and search code cannot obtain it.
//!
//! A custodian's keyring ([`Keyring::custodian`]) holds the records key and
//! nothing else: no master key, no psychotherapy, audit or drafts key. Asking it
//! for one of those is [`VaultError::CustodianSession`], so every procedure that
//! would need one fails before it reads or writes anything.

use crate::crypto::{
    AuditKey, CryptoError, DataKey, DraftsKey, MasterKey, PsychotherapyKey, RecordsKey,
};

use super::header::WrappedDataKeys;
use super::VaultError;

/// The keys of an open vault: the clinician's (the master key and the four
/// data keys) or a custodian's (the records key alone).
pub struct Keyring {
    records: RecordsKey,
    /// `None` for a custodian.
    clinician: Option<ClinicianKeys>,
}

/// What only the clinician holds.
struct ClinicianKeys {
    master: MasterKey,
    psychotherapy: PsychotherapyKey,
    audit: AuditKey,
    drafts: DraftsKey,
}

/// A new vault's data keys, wrapped for its header, and the keyring they form.
pub struct NewKeys {
    /// The unwrapped keys.
    pub keyring: Keyring,
    /// The same keys, wrapped by the master key.
    pub wrapped: WrappedDataKeys,
}

impl Keyring {
    /// Fresh random data keys under `master`.
    pub fn generate(master: MasterKey) -> Result<NewKeys, CryptoError> {
        let keyring = Keyring {
            records: DataKey::generate()?,
            clinician: Some(ClinicianKeys {
                psychotherapy: DataKey::generate()?,
                audit: DataKey::generate()?,
                drafts: DataKey::generate()?,
                master,
            }),
        };
        let wrapped = keyring.wrap()?;
        Ok(NewKeys { keyring, wrapped })
    }

    /// Unwraps the data keys with `master`. Any wrong or damaged key fails.
    pub fn unwrap(master: MasterKey, wrapped: &WrappedDataKeys) -> Result<Keyring, CryptoError> {
        Ok(Keyring {
            records: master.unwrap_data_key(&wrapped.records)?,
            clinician: Some(ClinicianKeys {
                psychotherapy: master.unwrap_data_key(&wrapped.psychotherapy)?,
                audit: master.unwrap_data_key(&wrapped.audit)?,
                drafts: master.unwrap_data_key(&wrapped.drafts)?,
                master,
            }),
        })
    }

    /// A custodian's keyring: the records key, unwrapped with the custodian
    /// key, and nothing else.
    pub fn custodian(records: RecordsKey) -> Keyring {
        Keyring {
            records,
            clinician: None,
        }
    }

    /// Whether this is a custodian's keyring.
    pub fn is_custodian(&self) -> bool {
        self.clinician.is_none()
    }

    fn wrap(&self) -> Result<WrappedDataKeys, CryptoError> {
        let keys = self.clinician.as_ref().ok_or(CryptoError::Decrypt)?;
        Ok(WrappedDataKeys {
            records: keys.master.wrap_data_key(&self.records)?,
            psychotherapy: keys.master.wrap_data_key(&keys.psychotherapy)?,
            audit: keys.master.wrap_data_key(&keys.audit)?,
            drafts: keys.master.wrap_data_key(&keys.drafts)?,
        })
    }

    fn clinician(&self) -> Result<&ClinicianKeys, VaultError> {
        self.clinician.as_ref().ok_or(VaultError::CustodianSession)
    }

    // The accessors serve the IndexedDB repositories, which exist only on wasm32.
    /// The master key: for re-wrapping on a passphrase change and for the backup MAC.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn master(&self) -> Result<&MasterKey, VaultError> {
        Ok(&self.clinician()?.master)
    }

    /// Clients, progress notes and the rest of the record: every keyring has it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn records(&self) -> &RecordsKey {
        &self.records
    }

    /// Psychotherapy notes: only the psychotherapy repository asks for it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn psychotherapy(&self) -> Result<&PsychotherapyKey, VaultError> {
        Ok(&self.clinician()?.psychotherapy)
    }

    /// The audit log.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn audit(&self) -> Result<&AuditKey, VaultError> {
        Ok(&self.clinician()?.audit)
    }

    /// Unsaved progress-note drafts.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn drafts(&self) -> Result<&DraftsKey, VaultError> {
        Ok(&self.clinician()?.drafts)
    }

    // The same, in the shape the repositories take ([`super::open_vault::KeyOf`]).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn records_key(&self) -> Result<&RecordsKey, VaultError> {
        Ok(&self.records)
    }
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn psychotherapy_key(&self) -> Result<&PsychotherapyKey, VaultError> {
        self.psychotherapy()
    }
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn audit_key(&self) -> Result<&AuditKey, VaultError> {
        self.audit()
    }
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn drafts_key(&self) -> Result<&DraftsKey, VaultError> {
        self.drafts()
    }
}

impl core::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Keyring([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{open, seal, RecordAad};

    #[test]
    fn wrapped_keys_unwrap_to_the_same_keys() {
        let master = MasterKey::generate().unwrap();
        let NewKeys { keyring, wrapped } = Keyring::generate(master).unwrap();
        let aad = RecordAad {
            store: "progress_notes",
            id: "a",
            revision: 1,
        };
        let sealed = seal(keyring.records(), &aad, b"note").unwrap();
        let psy = seal(keyring.psychotherapy().unwrap(), &aad, b"private").unwrap();

        // Same master key, unwrapped from the header.
        let master = keyring.clinician.unwrap().master;
        let again = Keyring::unwrap(master, &wrapped).unwrap();
        assert_eq!(&**open(again.records(), &aad, &sealed).unwrap(), b"note");
        assert_eq!(
            &**open(again.psychotherapy().unwrap(), &aad, &psy).unwrap(),
            b"private"
        );
        // Keys are distinct per purpose, even for the same store and id.
        assert!(open(again.records(), &aad, &psy).is_err());
    }

    #[test]
    fn a_custodians_keyring_has_the_records_key_and_nothing_else() {
        let NewKeys { keyring, .. } = Keyring::generate(MasterKey::generate().unwrap()).unwrap();
        let aad = RecordAad {
            store: "progress_notes",
            id: "a",
            revision: 1,
        };
        let sealed = seal(keyring.records(), &aad, b"note").unwrap();
        // The same records key, as a custodian would unwrap it.
        let wrapped = keyring
            .master()
            .unwrap()
            .wrap_data_key(keyring.records())
            .unwrap();
        let records = keyring
            .master()
            .unwrap()
            .unwrap_data_key::<crate::crypto::Records>(&wrapped)
            .unwrap();
        let custodian = Keyring::custodian(records);
        assert!(custodian.is_custodian() && !keyring.is_custodian());
        assert_eq!(
            &**open(custodian.records(), &aad, &sealed).unwrap(),
            b"note"
        );
        assert!(matches!(
            custodian.psychotherapy(),
            Err(VaultError::CustodianSession)
        ));
        assert!(matches!(
            custodian.audit(),
            Err(VaultError::CustodianSession)
        ));
        assert!(matches!(
            custodian.drafts(),
            Err(VaultError::CustodianSession)
        ));
        assert!(matches!(
            custodian.master(),
            Err(VaultError::CustodianSession)
        ));
    }

    #[test]
    fn another_master_key_cannot_unwrap() {
        let NewKeys { wrapped, .. } = Keyring::generate(MasterKey::generate().unwrap()).unwrap();
        assert!(Keyring::unwrap(MasterKey::generate().unwrap(), &wrapped).is_err());
    }

    #[test]
    fn debug_shows_no_key_material() {
        let NewKeys { keyring, .. } = Keyring::generate(MasterKey::generate().unwrap()).unwrap();
        assert_eq!(format!("{keyring:?}"), "Keyring([redacted])");
    }
}
