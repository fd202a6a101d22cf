//! The custodian key in the vault: made, replaced and revoked by the
//! clinician, and a records custodian's session opened with it.
//!
//! The key wraps the records key only, in the header beside the other wrapped
//! keys (so it travels with backups and sync like them); making, replacing and
//! revoking it rewrites the header with its audit event in one transaction. A
//! new key makes the one before useless at once.
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
use super::connection::Connection;
use super::door::VaultDoor;
use super::keyring::Keyring;
use super::meta::{read_header, update_header};
use super::open_vault::Vault;
use super::schema::DB_VERSION;
use super::VaultError;

impl Vault {
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

impl VaultDoor {
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
