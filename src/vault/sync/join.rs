//! A second device joins a vault that another device syncs: the header is
//! fetched from the server, the passphrase opens it here exactly as it does
//! there, and the header is stored, with sync set up; the records then come
//! with the first pull (the screen shows its progress).
//!
//! Refused, with nothing written, when this browser already holds data, the
//! address is not on this site, the server holds no vault (or something that
//! is not one), or the passphrase does not open it.

use crate::crypto::{CryptoError, Passphrase};
use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::door::VaultDoor;
use crate::vault::entry::Entry;
use crate::vault::header::VaultHeader;
use crate::vault::kdf_worker::derive_kek_off_thread;
use crate::vault::keyring::Keyring;
use crate::vault::meta::{meta_value, HEADER_ID};
use crate::vault::open_vault::Vault;
use crate::vault::sealer::Sealer;
use crate::vault::store::{AuditLog, EncryptedStore, ALL_STORES, VAULT_META};
use crate::vault::write_transaction::{Durability, WriteTransaction};
use crate::vault::VaultError;

use super::address::same_origin_path;
use super::couch::{Cancel, Server};
use super::documents::{doc_header, HEADER_DOC};
use super::error::SyncError;

/// How to reach the synced vault.
pub struct JoinRequest<'a> {
    /// The address as typed ("/couchdb/psynotes").
    pub address: &'a str,
    /// This page's origin, to check the address against.
    pub origin: &'a str,
    pub user: &'a str,
    pub password: &'a str,
}

impl VaultDoor {
    /// Joins the vault synced at `request`'s server; see the module doc.
    pub async fn join(
        &self,
        request: &JoinRequest<'_>,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<Entry, VaultError> {
        let sync = |e: SyncError| VaultError::Sync(e.to_string());
        let path = same_origin_path(request.address, request.origin)
            .ok_or_else(|| sync(SyncError::OtherOrigin))?;
        let server = Server::new(path.clone(), request.user, request.password);
        let cancel = Cancel::default();
        server.open(&cancel).await.map_err(sync)?;
        let doc = server
            .get(HEADER_DOC, &cancel)
            .await
            .map_err(sync)?
            .ok_or_else(|| sync(SyncError::NoVaultOnServer))?;
        let (vault_id, json) = doc_header(&doc)
            .map_err(|_| sync(SyncError::BadResponse("the vault header".into())))?;
        let header = VaultHeader::from_json(&json)?;
        if header.vault_id() != vault_id {
            return Err(sync(SyncError::BadResponse(
                "a vault header that does not match its id".into(),
            )));
        }
        header.kdf_params.validate()?;
        let kek = derive_kek_off_thread(passphrase, &header.salt, &header.kdf_params).await?;
        let master = kek
            .unwrap_master(&header.master_by_passphrase, &header.master_aad())
            .map_err(|e| match e {
                CryptoError::Decrypt => VaultError::WrongPassphrase { failures: 1 },
                other => other.into(),
            })?;
        let keyring =
            Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;
        let event = Sealer::<AuditLog>::new(keyring.audit()?)
            .seal_new(&AuditEvent::now(now_ms, AuditAction::JoinedSyncedVault))?;

        // Only into an empty browser, and whole or not at all.
        let tx = WriteTransaction::begin(&self.connection, &ALL_STORES, Durability::Strict)?;
        let work = async {
            for store in ALL_STORES {
                if tx.count(store).await? > 0 {
                    return Err(VaultError::DataExists);
                }
            }
            tx.add(VAULT_META, &meta_value(HEADER_ID, &json)).await?;
            tx.put(AuditLog::NAME, &event.to_js()).await
        };
        let result = work.await;
        match tx.end(result).await {
            Ok(()) => {}
            Err(VaultError::Constraint) => return Err(VaultError::DataExists),
            Err(e) => return Err(e),
        }
        let vault = Vault::new(self.connection.clone(), keyring, self.kdf_params);
        vault
            .save_sync_setup(&path, request.user, Some(request.password), true)
            .await?;
        Ok(Entry::Open(vault))
    }
}
