//! The custodian key in the vault: made, replaced and revoked by the
//! clinician, and a records custodian's session opened with it.
//!
//! The key wraps the records key only, in the header beside the other wrapped
//! keys (so it travels with backups and sync like them); making, replacing and
//! revoking it rewrites the header with its audit event in one transaction. A
//! new key makes the one before useless at once.
//!
//! The record reaches the custodian in one of two ways:
//! - on the clinician's own device (or any browser holding the vault): the
//!   unlock screen's "Open with a custodian key";
//! - as a **custodian's copy** ([`Vault::create_custodian_copy`]): a backup
//!   file holding the record's stores only, authenticated under a key derived
//!   from the records key, so the custodian can check all of it. It holds no
//!   psychotherapy note, draft or audit entry, so it cannot even tell how many
//!   there are. [`VaultDoor::open_custodian_copy`] puts it into a browser
//!   with no vault and opens the custodian's session.
//!
//! A custodian's session ([`VaultDoor::open_as_custodian`]) holds a keyring
//! with the records key alone ([`Keyring::custodian`]), on a connection of its
//! own. Whatever would need
//! another key fails with [`VaultError::CustodianSession`]: psychotherapy notes
//! cannot be opened, listed or counted through the vault, drafts and the
//! audit log neither. The connection refuses every write but to the rights
//! ledger, so the custodian reads and exports the record and answers access
//! requests, and changes nothing else.

use std::rc::Rc;

use zeroize::Zeroizing;

use crate::crypto::{CryptoError, CustodianKey, Passphrase};

use super::audit::{AuditAction, AuditEvent};
use super::backup::{snapshot, BackupFile};
use super::backup_format::{encode_paced, parse_paced, Backup};
use super::connection::Connection;
use super::door::VaultDoor;
use super::header::VaultHeader;
use super::keyring::Keyring;
use super::meta::{meta_value, HEADER_ID};
use super::meta::{read_header, update_header};
use super::open_vault::Vault;
use super::page_turn::PageTurns;
use super::schema::DB_VERSION;
use super::settings::SETTINGS_ID;
use super::store::{
    Clients, EncryptedStore, MeasureResults, ProgressNotes, RightsLedger, SafetyPlans,
    TreatmentPlans, VAULT_META,
};
use super::templates::TEMPLATES_ID;
use super::write_transaction::{Durability, WriteTransaction};
use super::VaultError;

/// The stores a custodian's copy holds: the record under the records key.
pub const CUSTODIAN_STORES: [&str; 7] = [
    VAULT_META,
    Clients::NAME,
    ProgressNotes::NAME,
    MeasureResults::NAME,
    TreatmentPlans::NAME,
    SafetyPlans::NAME,
    RightsLedger::NAME,
];

/// The sealed entries of `vault_meta` a copy carries: the settings (the
/// clinician's name, for the exports) and the templates. Not the sync setup:
/// it holds the server's password.
const CUSTODIAN_META: [&str; 2] = [SETTINGS_ID, TEMPLATES_ID];

impl Vault {
    /// A custodian's copy of the record (see the module doc), to hand to the
    /// records custodian with the custodian key. Audited.
    pub async fn create_custodian_copy(
        &self,
        now_ms: i64,
        today: &str,
    ) -> Result<BackupFile, VaultError> {
        if self.is_custodian() {
            return Err(VaultError::CustodianSession);
        }
        if !self.has_custodian_key().await? {
            // A copy no key opens would be no use to anyone.
            return Err(VaultError::NoCustodianKey);
        }
        let (header_json, stores) = snapshot(self.connection()).await?;
        let header_json = copy_header(&header_json)?;
        let stores = stores
            .into_iter()
            .filter(|s| CUSTODIAN_STORES.contains(&s.store.as_str()))
            .map(|mut s| {
                if s.store == VAULT_META {
                    s.records
                        .retain(|r| CUSTODIAN_META.contains(&r.id.as_str()));
                }
                s
            })
            .collect();
        let copy = Backup {
            header_json,
            stores,
            created_at_ms: now_ms,
        };
        let mac_key = self.with_keys(|keys| Ok(keys.records().custodian_copy_mac_key()))?;
        let bytes = encode_paced(&copy, &mac_key, &mut PageTurns::new()).await?;
        let records = copy.record_count();
        self.record_event(&AuditEvent::now(
            now_ms,
            AuditAction::CustodianCopyCreated {
                records: records as u32,
            },
        ))
        .await?;
        Ok(BackupFile {
            bytes,
            file_name: format!("psynotes-custodian-copy-{today}.psybak"),
            records,
        })
    }

    /// Whether a custodian key opens this vault now.
    pub async fn has_custodian_key(&self) -> Result<bool, VaultError> {
        Ok(read_header(self.connection())
            .await?
            .records_by_custodian
            .is_some())
    }

    /// Makes a custodian key (replacing any before it) and returns its text,
    /// to print once: it is stored nowhere. Asks for the passphrase first, as
    /// a new recovery key does: the key opens the whole record. Audited.
    pub async fn make_custodian_key(
        &self,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<Zeroizing<String>, VaultError> {
        if self.is_custodian() {
            return Err(VaultError::CustodianSession);
        }
        self.check_passphrase(passphrase, now_ms).await?;
        let key = CustodianKey::generate()?;
        let header = read_header(self.connection()).await?;
        let action = if header.records_by_custodian.is_some() {
            AuditAction::CustodianKeyReplaced
        } else {
            AuditAction::CustodianKeyCreated
        };
        let aad = header.custodian_aad();
        let wrapped = self.with_keys(|keys| {
            if keys.is_custodian() {
                return Err(VaultError::CustodianSession);
            }
            Ok(key.wrap_records(keys.records(), &aad)?)
        })?;
        let event = self.seal_events(&[AuditEvent::now(now_ms, action)])?;
        update_header(
            self.connection(),
            |header| header.records_by_custodian = Some(wrapped),
            &[],
            &event,
        )
        .await?;
        Ok(key.display())
    }

    /// Revokes the custodian key: it opens nothing from now on. Audited.
    pub async fn revoke_custodian_key(&self, now_ms: i64) -> Result<(), VaultError> {
        self.with_keys(|keys| {
            if keys.is_custodian() {
                Err(VaultError::CustodianSession)
            } else {
                Ok(())
            }
        })?;
        let event =
            self.seal_events(&[AuditEvent::now(now_ms, AuditAction::CustodianKeyRevoked)])?;
        update_header(
            self.connection(),
            |header| header.records_by_custodian = None,
            &[],
            &event,
        )
        .await
    }

    /// Whether this is a records custodian's session.
    pub fn is_custodian(&self) -> bool {
        self.with_keys(|keys| Ok(keys.is_custodian()))
            .unwrap_or(false)
    }
}

/// The header a custodian's copy carries: the custodian key's wrap of the
/// records key, and the wrap of the records key by the master key (the
/// vault's id is made from it); every other wrapped key replaced by random
/// bytes of the same shape, which open nothing. Then the copy holds no way
/// to the psychotherapy, audit or drafts keys, even for someone who learns
/// the clinician's passphrase, and no way to test guesses of it.
fn copy_header(json: &str) -> Result<String, VaultError> {
    fn noise(like: &crate::crypto::WrappedKey) -> Result<crate::crypto::WrappedKey, VaultError> {
        let mut ciphertext = vec![0u8; like.ciphertext.len()];
        getrandom::getrandom(&mut ciphertext).map_err(|_| CryptoError::Random)?;
        Ok(crate::crypto::WrappedKey {
            nonce: crate::crypto::random_bytes()?,
            ciphertext,
        })
    }
    let mut header = VaultHeader::from_json(json)?;
    header.master_by_passphrase = noise(&header.master_by_passphrase)?;
    header.master_by_recovery = noise(&header.master_by_recovery)?;
    header.data_keys.psychotherapy = noise(&header.data_keys.psychotherapy)?;
    header.data_keys.audit = noise(&header.data_keys.audit)?;
    header.data_keys.drafts = noise(&header.data_keys.drafts)?;
    header.custodian_copy = true;
    Ok(header.to_json())
}

impl VaultDoor {
    /// Whether this browser holds a custodian's copy (which only the
    /// custodian key opens), so the unlock screen asks for that first.
    pub async fn holds_custodian_copy(&self) -> bool {
        read_header(&self.connection)
            .await
            .is_ok_and(|h| h.custodian_copy)
    }

    /// Puts a custodian's copy into this browser, which must hold no vault,
    /// and opens the custodian's session on it. The file is checked whole
    /// (its tag, under the key the custodian key unwraps) before anything is
    /// written, and written in one transaction.
    ///
    /// # Errors
    /// The custodian key's errors, the backup format's refusals,
    /// [`VaultError::NotACustodianCopy`] for a full backup or a changed file,
    /// [`VaultError::DataExists`] when this browser holds a vault, and
    /// storage failures.
    pub async fn open_custodian_copy(
        &self,
        bytes: &[u8],
        key_text: &str,
    ) -> Result<Vault, VaultError> {
        let key = CustodianKey::parse(key_text)?;
        let mut turns = PageTurns::new();
        let parsed = parse_paced(bytes, &mut turns).await?;
        let header = VaultHeader::from_json(parsed.header_json())?;
        let wrapped = header
            .records_by_custodian
            .as_ref()
            .ok_or(VaultError::NotACustodianCopy)?;
        let records = key
            .unwrap_records(wrapped, &header.custodian_aad())
            .map_err(|e| match e {
                CryptoError::Decrypt => VaultError::WrongCustodianKey,
                other => other.into(),
            })?;
        let copy = parsed
            .verify_paced(&records.custodian_copy_mac_key(), &mut turns)
            .await
            .map_err(|_| VaultError::NotACustodianCopy)?;
        if !header.custodian_copy {
            return Err(VaultError::NotACustodianCopy);
        }
        if copy
            .stores
            .iter()
            .any(|s| !CUSTODIAN_STORES.contains(&s.store.as_str()))
        {
            return Err(VaultError::NotACustodianCopy);
        }
        let tx = WriteTransaction::begin(&self.connection, &CUSTODIAN_STORES, Durability::Strict)?;
        // A custodian never syncs: nothing written here is queued for a server.
        tx.received();
        let work = async {
            tx.add(VAULT_META, &meta_value(HEADER_ID, &copy.header_json))
                .await?;
            for store in &copy.stores {
                let os = tx.store(&store.store)?;
                for record in &store.records {
                    tx.add_now(&os, &record.to_js())?;
                }
            }
            Ok(())
        };
        let result = work.await;
        match tx.end(result).await {
            Ok(()) => {}
            Err(VaultError::Constraint) => return Err(VaultError::DataExists),
            Err(e) => return Err(e),
        }
        self.open_with_records(records).await
    }

    /// Opens a records custodian's session with the custodian key as typed.
    ///
    /// # Errors
    /// [`VaultError::MalformedCustodianKey`], [`VaultError::NoCustodianKey`]
    /// when none was made (or it was revoked), [`VaultError::WrongCustodianKey`],
    /// and storage failures.
    pub async fn open_as_custodian(&self, key_text: &str) -> Result<Vault, VaultError> {
        let key = CustodianKey::parse(key_text)?;
        let header = read_header(&self.connection).await?;
        let wrapped = header
            .records_by_custodian
            .as_ref()
            .ok_or(VaultError::NoCustodianKey)?;
        let records = key
            .unwrap_records(wrapped, &header.custodian_aad())
            .map_err(|e| match e {
                CryptoError::Decrypt => VaultError::WrongCustodianKey,
                other => other.into(),
            })?;
        self.open_with_records(records).await
    }

    async fn open_with_records(
        &self,
        records: crate::crypto::RecordsKey,
    ) -> Result<Vault, VaultError> {
        // A connection of its own, read only but for the rights ledger for
        // as long as it lives: nothing the clinician does later on the
        // door's connection can lift that.
        let connection = Connection::open(&self.name, DB_VERSION).await?;
        connection.make_custodian();
        Ok(Vault::new(
            Rc::new(connection),
            Keyring::custodian(records),
            self.kdf_params,
        ))
    }
}
