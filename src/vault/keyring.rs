//! The keys of an unlocked vault.
//!
//! A [`Keyring`] exists only between unlock and lock. Dropping it zeroizes every
//! key (each key type does so on drop). The psychotherapy key is reachable only
//! inside the vault module tree, through the psychotherapy repository, so export,
//! print and search code cannot obtain it.

use crate::crypto::{
    AuditKey, CryptoError, DataKey, DraftsKey, MasterKey, PsychotherapyKey, RecordsKey,
};

use super::header::WrappedDataKeys;

/// The master key and the four data keys of an open vault.
pub struct Keyring {
    master: MasterKey,
    records: RecordsKey,
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
            psychotherapy: DataKey::generate()?,
            audit: DataKey::generate()?,
            drafts: DataKey::generate()?,
            master,
        };
        let wrapped = keyring.wrap()?;
        Ok(NewKeys { keyring, wrapped })
    }

    /// Unwraps the data keys with `master`. Any wrong or damaged key fails.
    pub fn unwrap(master: MasterKey, wrapped: &WrappedDataKeys) -> Result<Keyring, CryptoError> {
        Ok(Keyring {
            records: master.unwrap_data_key(&wrapped.records)?,
            psychotherapy: master.unwrap_data_key(&wrapped.psychotherapy)?,
            audit: master.unwrap_data_key(&wrapped.audit)?,
            drafts: master.unwrap_data_key(&wrapped.drafts)?,
            master,
        })
    }

    fn wrap(&self) -> Result<WrappedDataKeys, CryptoError> {
        Ok(WrappedDataKeys {
            records: self.master.wrap_data_key(&self.records)?,
            psychotherapy: self.master.wrap_data_key(&self.psychotherapy)?,
            audit: self.master.wrap_data_key(&self.audit)?,
            drafts: self.master.wrap_data_key(&self.drafts)?,
        })
    }

    // The accessors serve the IndexedDB repositories, which exist only on wasm32.
    /// The master key: for re-wrapping on a passphrase change and for the backup MAC.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn master(&self) -> &MasterKey {
        &self.master
    }

    /// Clients and progress notes.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn records(&self) -> &RecordsKey {
        &self.records
    }

    /// Psychotherapy notes: only the psychotherapy repository asks for it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn psychotherapy(&self) -> &PsychotherapyKey {
        &self.psychotherapy
    }

    /// The audit log.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn audit(&self) -> &AuditKey {
        &self.audit
    }

    /// Unsaved progress-note drafts.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(in crate::vault) fn drafts(&self) -> &DraftsKey {
        &self.drafts
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
        let psy = seal(keyring.psychotherapy(), &aad, b"private").unwrap();

        // Same master key, unwrapped from the header.
        let again = Keyring::unwrap(keyring.master, &wrapped).unwrap();
        assert_eq!(&**open(again.records(), &aad, &sealed).unwrap(), b"note");
        assert_eq!(
            &**open(again.psychotherapy(), &aad, &psy).unwrap(),
            b"private"
        );
        // Keys are distinct per purpose, even for the same store and id.
        assert!(open(again.records(), &aad, &psy).is_err());
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
