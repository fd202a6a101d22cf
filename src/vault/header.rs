//! The vault header: the one record stored in plaintext.
//!
//! It holds what is needed to turn a passphrase (or the recovery key) into the
//! vault's keys, and nothing about any client: format version, KDF name and
//! parameters, salt, and the wrapped keys. The KDF name, parameters and salt are
//! bound into the AAD of the passphrase's wrap of the master key, so editing them
//! in storage makes unlocking fail instead of quietly weakening the vault. The
//! recovery key's wrap binds only the format, so a passphrase change leaves it valid.

use serde::{Deserialize, Serialize};

use crate::crypto::{KdfParams, Salt, WrappedKey, FORMAT_VERSION};

use super::VaultError;

/// The only KDF this format knows.
pub const KDF_NAME: &str = "argon2id";

/// The plaintext vault header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultHeader {
    /// Storage format version; see [`FORMAT_VERSION`].
    pub format: u16,
    /// Always [`KDF_NAME`] in this format.
    pub kdf: String,
    /// Argon2id parameters, bounds-checked before every use.
    pub kdf_params: KdfParams,
    /// The random salt for the passphrase KDF.
    pub salt: Salt,
    /// The master key wrapped by the passphrase's key-encryption key.
    pub master_by_passphrase: WrappedKey,
    /// The master key wrapped by the printed recovery key.
    pub master_by_recovery: WrappedKey,
    /// The data keys, each wrapped by the master key.
    pub data_keys: WrappedDataKeys,
    /// The records key wrapped by the custodian key, when the clinician made
    /// one (see [`crate::crypto::CustodianKey`]). Absent in vaults that never
    /// had one, so earlier headers read as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_by_custodian: Option<WrappedKey>,
    /// A custodian's copy: only the custodian key opens it. Its passphrase,
    /// recovery and other data-key wraps are random bytes that open nothing,
    /// so a lost copy is no way to test guesses of the clinician's passphrase.
    #[serde(default, skip_serializing_if = "is_false")]
    pub custodian_copy: bool,
    /// When the vault was created, Unix milliseconds (not sensitive).
    pub created_at_ms: i64,
}

/// The wrapped data keys, one per purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedDataKeys {
    /// Clients and progress notes.
    pub records: WrappedKey,
    /// Psychotherapy notes only.
    pub psychotherapy: WrappedKey,
    /// The audit log.
    pub audit: WrappedKey,
    /// Unsaved progress-note drafts.
    pub drafts: WrappedKey,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl VaultHeader {
    /// Parses a stored header, refusing formats this build does not know.
    pub fn from_json(json: &str) -> Result<VaultHeader, VaultError> {
        // Read the format first, so a newer vault says "update" rather than "damaged".
        #[derive(Deserialize)]
        struct FormatOnly {
            format: u16,
        }
        let format = serde_json::from_str::<FormatOnly>(json)
            .map_err(|_| VaultError::HeaderDamaged)?
            .format;
        if format > FORMAT_VERSION {
            return Err(VaultError::UnsupportedFormat(format));
        }
        let header: VaultHeader =
            serde_json::from_str(json).map_err(|_| VaultError::HeaderDamaged)?;
        if header.kdf != KDF_NAME || header.format != FORMAT_VERSION {
            return Err(VaultError::HeaderDamaged);
        }
        Ok(header)
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        // A struct of integers, byte arrays and strings always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The AAD for wrapping the master key: format, KDF name, parameters and salt,
    /// in a fixed binary layout.
    /// The vault's id: stable for its whole life (a passphrase change, which
    /// re-wraps only the master key, keeps it), the same on every device that
    /// holds the vault, and secret to nobody: it names the vault to a sync
    /// server, whose documents carry it, so another vault's are recognised.
    pub fn vault_id(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let hash = Sha256::new()
            .chain_update(b"psynotes/vault-id/v1")
            .chain_update(self.created_at_ms.to_be_bytes())
            .chain_update(self.data_keys.records.nonce)
            .chain_update(&self.data_keys.records.ciphertext)
            .finalize();
        hash[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn master_aad(&self) -> Vec<u8> {
        master_aad(self.format, &self.kdf_params, &self.salt)
    }

    /// The AAD for the custodian key's wrap of the records key: the format
    /// and the vault's id, so the wrap opens this vault's records key only.
    pub fn custodian_aad(&self) -> Vec<u8> {
        let mut aad = b"psynotes/custodian/v1".to_vec();
        aad.extend_from_slice(&self.format.to_be_bytes());
        aad.extend_from_slice(self.vault_id().as_bytes());
        aad
    }
}

impl VaultHeader {
    /// The AAD for the recovery key's wrap of the master key. It does not name the
    /// passphrase's KDF inputs, so changing the passphrase leaves the recovery key
    /// working.
    pub fn recovery_aad(&self) -> Vec<u8> {
        recovery_aad(self.format)
    }
}

/// See [`VaultHeader::recovery_aad`].
pub fn recovery_aad(format: u16) -> Vec<u8> {
    let mut aad = b"psynotes/recovery/v1".to_vec();
    aad.extend_from_slice(&format.to_be_bytes());
    aad
}

/// See [`VaultHeader::master_aad`]; also used before a header exists.
pub fn master_aad(format: u16, params: &KdfParams, salt: &Salt) -> Vec<u8> {
    let mut aad = Vec::with_capacity(64);
    aad.extend_from_slice(b"psynotes/header/v1");
    aad.extend_from_slice(&format.to_be_bytes());
    aad.extend_from_slice(&(KDF_NAME.len() as u32).to_be_bytes());
    aad.extend_from_slice(KDF_NAME.as_bytes());
    aad.extend_from_slice(&params.m_kib.to_be_bytes());
    aad.extend_from_slice(&params.t.to_be_bytes());
    aad.extend_from_slice(&params.p.to_be_bytes());
    aad.extend_from_slice(&salt.0);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(n: u8) -> WrappedKey {
        WrappedKey {
            nonce: [n; 12],
            ciphertext: vec![n; 48],
        }
    }

    fn header() -> VaultHeader {
        VaultHeader {
            format: FORMAT_VERSION,
            kdf: KDF_NAME.to_owned(),
            kdf_params: KdfParams::DEFAULT,
            salt: Salt([7; 16]),
            master_by_passphrase: wrapped(1),
            master_by_recovery: wrapped(2),
            data_keys: WrappedDataKeys {
                records: wrapped(3),
                psychotherapy: wrapped(4),
                audit: wrapped(5),
                drafts: wrapped(6),
            },
            records_by_custodian: None,
            custodian_copy: false,
            created_at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn the_vault_id_survives_a_passphrase_change_and_differs_between_vaults() {
        let h = header();
        let id = h.vault_id();
        assert_eq!(id.len(), 32);
        let mut changed = header();
        changed.master_by_passphrase = wrapped(9);
        changed.salt = Salt([8; 16]);
        assert_eq!(changed.vault_id(), id);
        let mut other = header();
        other.data_keys.records = wrapped(10);
        assert_ne!(other.vault_id(), id);
    }

    #[test]
    fn round_trips_through_json() {
        let h = header();
        assert_eq!(VaultHeader::from_json(&h.to_json()), Ok(h));
        // With a custodian key's wrap, and without: a header written before
        // custodian keys existed has no such field and reads the same.
        let mut with = header();
        with.records_by_custodian = Some(wrapped(7));
        assert_eq!(VaultHeader::from_json(&with.to_json()), Ok(with));
        assert!(!header().to_json().contains("custodian"));
    }

    #[test]
    fn the_custodian_aad_names_the_vault() {
        let mut other = header();
        other.data_keys.records = wrapped(10);
        assert_ne!(header().custodian_aad(), other.custodian_aad());
        // A passphrase change keeps it.
        let mut changed = header();
        changed.master_by_passphrase = wrapped(9);
        assert_eq!(changed.custodian_aad(), header().custodian_aad());
    }

    #[test]
    fn a_newer_format_asks_for_an_update_and_garbage_is_damaged() {
        let mut h = header();
        h.format = FORMAT_VERSION + 1;
        assert_eq!(
            VaultHeader::from_json(&h.to_json()),
            Err(VaultError::UnsupportedFormat(FORMAT_VERSION + 1))
        );
        assert_eq!(VaultHeader::from_json("{"), Err(VaultError::HeaderDamaged));
        assert_eq!(
            VaultHeader::from_json("{\"format\":1}"),
            Err(VaultError::HeaderDamaged)
        );
        let mut h = header();
        h.kdf = "pbkdf2".to_owned();
        assert_eq!(
            VaultHeader::from_json(&h.to_json()),
            Err(VaultError::HeaderDamaged)
        );
    }

    #[test]
    fn the_master_aad_binds_every_kdf_input() {
        let base = header().master_aad();
        let mut h = header();
        h.kdf_params.m_kib += 1;
        assert_ne!(h.master_aad(), base);
        let mut h = header();
        h.kdf_params.t += 1;
        assert_ne!(h.master_aad(), base);
        let mut h = header();
        h.kdf_params.p += 1;
        assert_ne!(h.master_aad(), base);
        let mut h = header();
        h.salt.0[15] ^= 1;
        assert_ne!(h.master_aad(), base);
        // Wrapped keys are not part of it: re-wrapping must not change the AAD.
        let mut h = header();
        h.master_by_passphrase = wrapped(9);
        assert_eq!(h.master_aad(), base);
    }
}
