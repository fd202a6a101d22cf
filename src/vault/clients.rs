//! Client records, sealed under the records key in `clients`.

use crate::domain::Client;

use super::editable_client::EditableClient;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::Loaded;
use super::store::Clients;
use super::VaultError;

impl Vault {
    /// Every client, archived ones included; damaged records are marked.
    pub async fn clients(&self) -> Result<Vec<Loaded<Client>>, VaultError> {
        self.list::<Clients, Client>(Keyring::records).await
    }

    /// One client, to read.
    pub async fn client(&self, id: &str) -> Result<Client, VaultError> {
        Ok(self
            .get::<Clients, Client>(id, Keyring::records)
            .await?
            .value)
    }

    /// One client, open for editing.
    pub async fn edit_client(&self, id: &str) -> Result<EditableClient, VaultError> {
        let stored = self.get::<Clients, Client>(id, Keyring::records).await?;
        Ok(EditableClient::new(
            self.clone(),
            stored.value,
            Some(stored.version),
        ))
    }

    /// A new client with a fresh id, not stored until saved.
    pub fn new_client(&self) -> Result<EditableClient, VaultError> {
        let client = Client::new(crate::domain::ClientId(self.new_record_id()?), "");
        Ok(EditableClient::new(self.clone(), client, None))
    }
}
