//! Turning sync on and off from Settings: the address is checked, the server
//! is tried before anything is saved, and both are in the audit log.

use crate::vault::audit::{AuditAction, AuditEvent};
use crate::vault::header::VaultHeader;
use crate::vault::meta::{read_meta, HEADER_ID};
use crate::vault::open_vault::Vault;
use crate::vault::VaultError;

use super::address::same_origin_path;
use super::couch::{Cancel, Server};
use super::documents::{doc_header, HEADER_DOC};
use super::error::SyncError;

impl Vault {
    /// Turns sync on with this server and user (`password: None` keeps the
    /// saved one), after checking the server answers, with these
    /// credentials, and holds this vault or none.
    pub async fn start_sync(
        &self,
        address: &str,
        origin: &str,
        user: &str,
        password: Option<&str>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let sync = |e: SyncError| VaultError::Sync(e.to_string());
        let path = same_origin_path(address, origin).ok_or_else(|| sync(SyncError::OtherOrigin))?;
        let saved = self.sync_config().await?;
        let password = match (password, &saved) {
            (Some(p), _) if !p.is_empty() => p.to_owned(),
            (_, Some(c)) => c.password.clone(),
            _ => String::new(),
        };
        let server = Server::new(path.clone(), user.trim(), &password);
        let cancel = Cancel::default();
        server.open(&cancel).await.map_err(sync)?;
        if let Some(doc) = server.get(HEADER_DOC, &cancel).await.map_err(sync)? {
            let json = read_meta(self.connection(), HEADER_ID)
                .await?
                .ok_or(VaultError::NoVault)?;
            let ours = VaultHeader::from_json(&json)?.vault_id();
            let theirs = doc_header(&doc)
                .map_err(|_| sync(SyncError::BadResponse("the vault header".into())))?
                .0;
            if theirs != ours {
                return Err(sync(SyncError::OtherVault));
            }
        }
        self.save_sync_setup(&path, user, Some(&password), true)
            .await?;
        self.record_event(&AuditEvent::now(now_ms, AuditAction::SyncStarted))
            .await
    }

    /// Turns sync off. Every record stays here; the setup is kept (without
    /// change) so it can be turned on again.
    pub async fn stop_sync(&self, now_ms: i64) -> Result<(), VaultError> {
        let Some(config) = self.sync_config().await? else {
            return Ok(());
        };
        self.save_sync_setup(&config.server, &config.user, None, false)
            .await?;
        self.record_event(&AuditEvent::now(now_ms, AuditAction::SyncStopped))
            .await
    }
}
