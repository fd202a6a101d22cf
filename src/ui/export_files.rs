//! Producing an export for a request: reading what the export layer may see,
//! handing it over, and auditing it. Shared by the JSON file and the print view.

use crate::domain::{Client, ProgressNote};
use crate::export::ExportRequest;
use crate::vault::open_vault::Vault;
use crate::vault::sealer::Loaded;
use crate::vault::VaultError;

use super::clock::now_ms;

/// The clients and progress notes an export may see (never psychotherapy notes:
/// the export layer cannot take them), read through the vault.
pub async fn exportable(vault: &Vault) -> Result<(Vec<Client>, Vec<ProgressNote>), VaultError> {
    let (clients, notes) = futures::join!(vault.clients(), vault.progress_notes());
    let clients = clients?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|c| c.value)
        .collect();
    let notes = notes?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|n| n.value)
        .collect();
    Ok((clients, notes))
}

/// Writes an export of `notes` notes to the audit log, with a scope that names
/// no client.
pub async fn audit_export(
    vault: &Vault,
    request: &ExportRequest,
    notes: usize,
) -> Result<(), VaultError> {
    let client = request.scope.client_id().map(|id| id.0.as_str());
    vault
        .record_export(request.describe(notes), client, now_ms())
        .await
}
