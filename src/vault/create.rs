//! Creating a vault: a passphrase in, a recovery key to show out.
//!
//! The KDF runs first, with nothing open. Then one transaction over every store
//! checks that the browser holds no Psynotes data at all, adds the header (with
//! `add`, so two tabs creating at once cannot both win), marks the recovery key
//! as not yet confirmed, and writes the audit event. A vault created against a
//! full disk therefore fails whole: no recovery key is shown for a header that
//! was never stored.

use crate::crypto::{MasterKey, Passphrase, RecoveryKey, Salt, FORMAT_VERSION};

use super::audit::{AuditAction, AuditEvent};
use super::door::VaultDoor;
use super::entry::{Entry, RecoveryKeyHandover};
use super::header::{master_aad, recovery_aad, VaultHeader, KDF_NAME};
use super::kdf_worker::derive_kek_off_thread;
use super::keyring::{Keyring, NewKeys};
use super::meta::{meta_value, HEADER_ID, RECOVERY_PENDING_ID};
use super::open_vault::Vault;
use super::recovery_key;
use super::sealer::Sealer;
use super::store::{AuditLog, EncryptedStore, ALL_STORES, VAULT_META};
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

impl VaultDoor {
    /// Creates a vault protected by `passphrase`, refusing if this browser holds
    /// any Psynotes data. The entry shows the new recovery key.
    pub async fn create(&self, passphrase: &Passphrase, now_ms: i64) -> Result<Entry, VaultError> {
        let params = self.kdf_params;
        let salt = Salt::random()?;
        let kek = derive_kek_off_thread(passphrase, &salt, &params).await?;
        let master = MasterKey::generate()?;
        let recovery_key = RecoveryKey::generate()?;
        let master_by_passphrase =
            kek.wrap_master(&master, &master_aad(FORMAT_VERSION, &params, &salt))?;
        let master_by_recovery =
            recovery_key.wrap_master(&master, &recovery_aad(FORMAT_VERSION))?;
        let fingerprint = recovery_key::fingerprint(&master_by_recovery);
        let NewKeys { keyring, wrapped } = Keyring::generate(master)?;
        let header = VaultHeader {
            format: FORMAT_VERSION,
            kdf: KDF_NAME.to_owned(),
            kdf_params: params,
            salt,
            master_by_passphrase,
            master_by_recovery,
            data_keys: wrapped,
            records_by_custodian: None,
            custodian_copy: false,
            created_at_ms: now_ms,
        };
        let event = Sealer::<AuditLog>::new(keyring.audit()?)
            .seal_new(&AuditEvent::now(now_ms, AuditAction::VaultCreated))?;

        let tx = WriteTransaction::begin(&self.connection, &ALL_STORES, Durability::Strict)?;
        let work = async {
            for store in ALL_STORES {
                if tx.count(store).await? > 0 {
                    return Err(VaultError::DataExists);
                }
            }
            tx.add(VAULT_META, &meta_value(HEADER_ID, &header.to_json()))
                .await?;
            tx.put(
                VAULT_META,
                &meta_value(
                    RECOVERY_PENDING_ID,
                    &recovery_key::pending_json(&fingerprint),
                ),
            )
            .await?;
            tx.put(AuditLog::NAME, &event.to_js()).await
        };
        let result = work.await;
        tx.end(result).await?;

        let vault = Vault::new(self.connection.clone(), keyring, params);
        Ok(Entry::ShowRecoveryKey(RecoveryKeyHandover {
            vault,
            key: recovery_key.display(),
            fingerprint,
        }))
    }
}
