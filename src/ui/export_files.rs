//! Producing an export for a request: reading what the export layer may see,
//! handing it over, and auditing it. Shared by the JSON file and the print view.

use leptos::prelude::*;

use crate::domain::measure::MeasureResult;
use crate::domain::rights::decided_amendments;
use crate::domain::{AmendmentOutcome, Client, ProgressNote, TreatmentPlan};
use crate::export::{
    select, select_plans, select_results, to_fhir, to_json, ExportContent, ExportFormat,
    ExportRequest,
};
use crate::vault::open_vault::Vault;
use crate::vault::sealer::Loaded;
use crate::vault::VaultError;

use super::clock::{now_local, now_ms, today};
use super::download::download;
use super::session_context::Session;
use super::wording;

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

/// A file an export produced and downloaded.
pub struct ExportedFile {
    /// "Exported 3 progress notes to psynotes-….json.", for the screen.
    pub message: String,
    /// What was sent, as the export describes itself ("JSON, one client, 3
    /// notes, all dates"): the disclosure entry's words.
    pub description: String,
}

/// The JSON file or the FHIR bundle of the request's scope, downloaded and
/// audited. A FHIR bundle holds signed notes only (its options say so).
pub async fn export_file(session: Session, request: ExportRequest) -> Result<ExportedFile, String> {
    let vault = session.vault();
    let Exportables {
        clients,
        notes,
        results,
        plans,
        amendments,
    } = exportable(&vault).await.map_err(|e| e.to_string())?;
    let options = request.effective_options();
    let selected = select(&notes, request.scope.client_id(), &options);
    let results = select_results(&results, request.scope.client_id(), &options);
    let plans = select_plans(&plans, request.scope.client_id());
    let client_refs: Vec<&Client> = clients
        .iter()
        .filter(|c| request.scope.client_id().is_none_or(|id| &c.id == id))
        .collect();
    let clinician = session.settings.with_untracked(|s| s.clinician.clone());
    let content = ExportContent {
        clients: &client_refs,
        notes: &selected,
        results: &results,
        plans: &plans,
        amendments: &amendments,
    };
    let (text, name, mime) = if request.format == ExportFormat::Fhir {
        (
            to_fhir(&clinician, &content, now_local(), &request.scope, &options),
            format!("psynotes-fhir-{}.json", today()),
            "application/fhir+json",
        )
    } else {
        (
            to_json(&clinician, &content, now_local(), &request.scope, &options),
            format!("psynotes-progress-notes-{}.json", today()),
            "application/json",
        )
    };
    audit_export(&vault, &request, selected.len())
        .await
        .map_err(|e| e.to_string())?;
    download(text.as_bytes(), &name, mime)?;
    let mut parts = vec![wording::count(
        selected.len() as u64,
        "progress note",
        "progress notes",
    )];
    if !results.is_empty() {
        parts.push(wording::count(
            results.len() as u64,
            "questionnaire result",
            "questionnaire results",
        ));
    }
    if !plans.is_empty() {
        parts.push(wording::count(
            plans.len() as u64,
            "treatment plan",
            "treatment plans",
        ));
    }
    let listed = match parts.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    Ok(ExportedFile {
        message: format!("Exported {listed} to {name}."),
        description: request.describe(selected.len()),
    })
}
