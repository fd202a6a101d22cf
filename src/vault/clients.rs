//! Client records, sealed under the records key in `clients`.

use crate::domain::Client;

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::keyring::Keyring;
use super::repository::{Loaded, Stored};
use super::session::Vault;
use super::store::Clients;
use super::VaultError;

impl Vault {
    /// Every client, archived ones included; damaged records are marked.
    pub async fn clients(&self) -> Result<Vec<Loaded<Client>>, VaultError> {
        self.list::<Clients, Client>(Keyring::records).await
    }

    /// One client.
    pub async fn client(&self, id: &str) -> Result<Stored<Client>, VaultError> {
        self.get::<Clients, Client>(id, Keyring::records).await
    }

    /// Stores a new client (its `id` must be fresh, from [`crate::crypto::random_id`]).
    pub async fn create_client(&self, client: &Client, now_ms: i64) -> Result<u64, VaultError> {
        let event = AuditEvent::about(
            now_ms,
            AuditAction::Created(RecordKind::Client),
            &client.id.0,
        );
        self.put::<Clients, _>(&client.id.0, 0, client, Keyring::records, &[event])
            .await
    }

    /// Saves a client read at revision `rev`; returns the new revision.
    pub async fn save_client(&self, client: &Client, rev: u64) -> Result<u64, VaultError> {
        self.put::<Clients, _>(&client.id.0, rev, client, Keyring::records, &[])
            .await
    }

    /// Deletes a client record for good, with an audit event. The UI asks first.
    pub async fn delete_client(&self, id: &str, rev: u64, now_ms: i64) -> Result<(), VaultError> {
        let event = AuditEvent::about(now_ms, AuditAction::Deleted(RecordKind::Client), id);
        self.remove::<Clients>(id, rev, &event).await
    }
}
