//! The audit log as stored: appended in the same transaction as the change it
//! describes, sealed under the audit key, and never updated or deleted (the
//! vault offers no way to). The event types are in [`super::audit`].

use super::audit::{AuditAction, AuditEvent, LockReason};
use super::batch::Batch;
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::{Loaded, Sealer};
use super::store::AuditLog;
use super::VaultError;

impl Vault {
    /// Appends one event. The log has no update and no delete.
    pub(in crate::vault) async fn record_event(
        &self,
        event: &AuditEvent,
    ) -> Result<(), VaultError> {
        self.record_events(std::slice::from_ref(event)).await
    }

    /// Records that a record was opened for reading. On a full disk the view
    /// goes unrecorded rather than refused: a clinician must be able to read
    /// the record when the device has no room left (every save then says so).
    pub(in crate::vault) async fn record_view(&self, event: &AuditEvent) -> Result<(), VaultError> {
        match self.record_event(event).await {
            Err(VaultError::QuotaExceeded) => Ok(()),
            other => other,
        }
    }

    /// Appends events in one transaction.
    pub(in crate::vault) async fn record_events(
        &self,
        events: &[AuditEvent],
    ) -> Result<(), VaultError> {
        self.audit_batch(Batch::new(), events)?
            .commit(self.connection())
            .await
    }

    /// `events`, sealed under the audit key, for a transaction that writes them
    /// itself.
    pub(in crate::vault) fn seal_events(
        &self,
        events: &[AuditEvent],
    ) -> Result<Vec<super::record::StoredRecord>, VaultError> {
        self.with_keys(|keys| {
            if keys.is_custodian() {
                return Ok(Vec::new());
            }
            let sealer = Sealer::<AuditLog>::new(keys.audit()?);
            events.iter().map(|e| sealer.seal_new(e)).collect()
        })
    }

    /// `batch` with `events` appended, sealed, so they commit with the
    /// change they describe.
    ///
    /// A records custodian's session appends none: the audit key is the
    /// clinician's, and the log would tell of psychotherapy-note activity. What
    /// a custodian may write at all is the rights ledger (the connection
    /// refuses the rest), whose disclosure entries are their trail.
    pub(in crate::vault) fn audit_batch(
        &self,
        batch: Batch,
        events: &[AuditEvent],
    ) -> Result<Batch, VaultError> {
        self.with_keys(|keys| {
            if keys.is_custodian() {
                return Ok(batch);
            }
            let sealer = Sealer::<AuditLog>::new(keys.audit()?);
            events.iter().try_fold(batch, |batch, event| {
                Ok(batch.append::<AuditLog>(sealer.seal_new(event)?))
            })
        })
    }

    /// Records a lock, before the keys go.
    pub async fn record_lock(&self, reason: LockReason, now_ms: i64) -> Result<(), VaultError> {
        self.record_event(&AuditEvent::now(
            now_ms,
            AuditAction::Locked {
                reason: reason.words().to_owned(),
            },
        ))
        .await
    }

    /// Records an export of progress notes: `scope` in words (naming no
    /// client), and the client's opaque id when it covers one client.
    pub async fn record_export(
        &self,
        scope: String,
        client_id: Option<&str>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let action = AuditAction::Exported { scope };
        self.record_event(&match client_id {
            Some(id) => AuditEvent::about(now_ms, action, id),
            None => AuditEvent::now(now_ms, action),
        })
        .await
    }

    /// The whole log, newest first; unreadable entries are listed as damaged.
    pub async fn audit_log(&self) -> Result<Vec<Loaded<AuditEvent>>, VaultError> {
        let mut events = self
            .list::<AuditLog, AuditEvent>(Keyring::audit_key)
            .await?;
        events.sort_by_key(|e| match e {
            Loaded::Ok(s) => std::cmp::Reverse(s.value.at_ms),
            Loaded::Damaged { .. } => std::cmp::Reverse(i64::MIN),
        });
        Ok(events)
    }
}
