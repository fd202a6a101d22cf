//! How this device syncs: the server's address, the CouchDB user and its
//! password (not the passphrase), sealed under the records key in
//! `vault_meta`, and never copied into a backup's merge or to the server.
//!
//! The screen reads back the address and the user, never the password.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::vault::keyring::Keyring;
use crate::vault::meta::read_meta;
use crate::vault::open_vault::Vault;
use crate::vault::store::SyncConfigStore;
use crate::vault::VaultError;

const SYNC_CONFIG_ID: &str = "sync";
/// Where the pull stopped, per server (plaintext: a CouchDB sequence).
pub(super) const SYNC_SINCE_ID: &str = "sync_since";
/// The server this device has sent every record to once (plaintext path).
pub(super) const SYNC_SENT_ALL_ID: &str = "sync_sent_all";

/// The sealed configuration.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(super) struct SyncConfig {
    pub server: String,
    pub user: String,
    pub password: String,
    pub enabled: bool,
}

/// What the Settings screen shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncSetup {
    /// The address as saved (a path on this site).
    pub server: String,
    pub user: String,
    /// Whether syncing is on.
    pub enabled: bool,
}

impl Vault {
    pub(super) async fn sync_config(&self) -> Result<Option<SyncConfig>, VaultError> {
        Ok(self
            .get_optional::<SyncConfigStore, SyncConfig>(SYNC_CONFIG_ID, Keyring::records_key)
            .await?
            .map(|s| s.value.clone()))
    }

    /// How sync is set up here, without the password; `None` if never.
    pub async fn sync_setup(&self) -> Result<Option<SyncSetup>, VaultError> {
        Ok(self.sync_config().await?.map(|c| SyncSetup {
            server: c.server.clone(),
            user: c.user.clone(),
            enabled: c.enabled,
        }))
    }

    /// Saves how to sync. `password: None` keeps the one saved. Turning sync
    /// off keeps every record here; only the sending and receiving stop.
    pub async fn save_sync_setup(
        &self,
        server: &str,
        user: &str,
        password: Option<&str>,
        enabled: bool,
    ) -> Result<(), VaultError> {
        let current = self
            .get_optional::<SyncConfigStore, SyncConfig>(SYNC_CONFIG_ID, Keyring::records_key)
            .await?;
        let password = match (password, &current) {
            (Some(p), _) => p.to_owned(),
            (None, Some(c)) => c.value.password.clone(),
            (None, None) => String::new(),
        };
        let config = SyncConfig {
            server: server.trim().to_owned(),
            user: user.trim().to_owned(),
            password,
            enabled,
        };
        let version = current.map(|c| c.version.clone());
        self.put::<SyncConfigStore, _>(
            SYNC_CONFIG_ID,
            version.as_ref(),
            &config,
            Keyring::records_key,
            &[],
        )
        .await?;
        Ok(())
    }

    /// A plaintext sync bookmark for `server`.
    pub(super) async fn sync_mark(
        &self,
        id: &str,
        server: &str,
    ) -> Result<Option<serde_json::Value>, VaultError> {
        let Some(json) = read_meta(self.connection(), id).await? else {
            return Ok(None);
        };
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        Ok(
            (value.get("server").and_then(|s| s.as_str()) == Some(server))
                .then(|| value.get("value").cloned().unwrap_or_default()),
        )
    }
}

/// A bookmark's stored JSON.
pub(super) fn mark_json(server: &str, value: &serde_json::Value) -> String {
    serde_json::json!({ "server": server, "value": value }).to_string()
}
