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
        self.list::<Clients, Client>(Keyring::records_key).await
    }

    /// One client, to read.
    pub async fn client(&self, id: &str) -> Result<Client, VaultError> {
        Ok(self
            .get::<Clients, Client>(id, Keyring::records_key)
            .await?
            .value)
    }

    /// One client, open for editing.
    pub async fn edit_client(&self, id: &str) -> Result<EditableClient, VaultError> {
        let stored = self
            .get::<Clients, Client>(id, Keyring::records_key)
            .await?;
        Ok(EditableClient::new(
            self.clone(),
            stored.value,
            Some(stored.version),
        ))
    }

    /// Adds to `client_id`'s record each of `diagnoses` it does not have (by
    /// code), the first primary when the record has none: what a signed
    /// intake established. Returns the codes added. A save that meets an edit
    /// made elsewhere reads the record again and adds to that.
    pub async fn add_client_diagnoses(
        &self,
        client_id: &str,
        diagnoses: &[crate::domain::Diagnosis],
        now_ms: i64,
    ) -> Result<Vec<String>, VaultError> {
        for _ in 0..3 {
            let handle = self.edit_client(client_id).await?;
            let mut client = handle.client();
            let mut added = Vec::new();
            for diagnosis in diagnoses {
                if client.diagnoses.iter().any(|d| d.code == diagnosis.code) {
                    continue;
                }
                let mut diagnosis = diagnosis.clone();
                diagnosis.primary = !client.diagnoses.iter().any(|d| d.primary);
                added.push(diagnosis.code.clone());
                client.diagnoses.push(diagnosis);
            }
            if added.is_empty() {
                return Ok(added);
            }
            match handle.save(&client, now_ms).await {
                Ok(()) => return Ok(added),
                Err(super::conflict::SaveError::Conflict(_)) => continue,
                Err(super::conflict::SaveError::Failed(e)) => return Err(e),
            }
        }
        Err(VaultError::Conflict)
    }

    /// A new client with a fresh id, not stored until saved.
    pub fn new_client(&self) -> Result<EditableClient, VaultError> {
        let client = Client::new(crate::domain::ClientId(self.new_record_id()?), "");
        Ok(EditableClient::new(self.clone(), client, None))
    }
}
