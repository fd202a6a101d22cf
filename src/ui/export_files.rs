//! Producing an export for a request: reading what the export layer may see,
//! handing it over, and auditing it. Shared by the JSON file and the print view.

use crate::domain::measure::MeasureResult;
use crate::domain::rights::decided_amendments;
use crate::domain::{AmendmentOutcome, Client, ProgressNote, TreatmentPlan};
use crate::export::ExportRequest;
use crate::vault::open_vault::Vault;
use crate::vault::sealer::Loaded;
use crate::vault::VaultError;

use super::clock::now_ms;

/// What an export may see: clients, progress notes, questionnaire results and
/// treatment plans (never psychotherapy notes: the export layer cannot take
/// them).
pub struct Exportables {
    pub clients: Vec<Client>,
    pub notes: Vec<ProgressNote>,
    pub results: Vec<MeasureResult>,
    pub plans: Vec<TreatmentPlan>,
    /// Decided amendment requests, each note's travelling with it
    /// (45 CFR 164.526(d)(5)).
    pub amendments: Vec<AmendmentOutcome>,
}

/// Reads what an export may see through the vault.
pub async fn exportable(vault: &Vault) -> Result<Exportables, VaultError> {
    let (clients, notes, results, plans, ledger) = futures::join!(
        vault.clients(),
        vault.progress_notes(),
        vault.all_measure_results(),
        vault.treatment_plans(),
        vault.rights_ledger()
    );
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
    let plans = plans?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|p| p.value)
        .collect();
    Ok(Exportables {
        clients,
        notes,
        results: results?,
        plans,
        amendments: decided_amendments(&ledger?.requests),
    })
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
