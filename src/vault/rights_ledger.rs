//! The rights ledger in the vault: access and amendment requests, and the
//! disclosures made, each its own sealed record in `rights_ledger`.
//!
//! Every step goes through the domain's request type, which refuses what the
//! rules do not allow; the vault only stores the result, audited in the same
//! transaction. A step that meets a change made meanwhile (another tab, a
//! synced device) reads the request again and takes the step on what is
//! there, so the domain judges it against the current state: a request closed
//! elsewhere is refused with a message, never closed twice.
//!
//! Two steps touch more than one record, and are one transaction each:
//! - fulfilling an access request writes the request and its disclosure entry;
//! - accepting an amendment writes the signed addendum on every note it names,
//!   their note index, and the request.

use crate::domain::rights::{
    CopyFormat, DenialBasis, Disclosure, DisclosureId, LedgerEntry, RequestId, RightsError,
    RightsRequest,
};
use crate::domain::{ClientId, Date, ProgressNote, SignedProgressNote, Timestamp};

use super::audit::{AuditAction, AuditEvent};
use super::batch::{Batch, Expect};
use super::keyring::Keyring;
use super::note_commit::AmendedNotes;
use super::open_vault::Vault;
use super::sealer::{Loaded, Sealer, Stored, Version};
use super::store::RightsLedger;
use super::VaultError;

/// What the ledger holds, as read.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub requests: Vec<RightsRequest>,
    pub disclosures: Vec<Disclosure>,
    /// Records that could not be opened; the rest are listed.
    pub damaged: usize,
    /// Requests another device recorded differently (a merged backup, a
    /// sync): the other versions, kept beside the one shown. Two devices
    /// that took different steps both happened; neither is dropped.
    pub other_versions: Vec<(RequestId, Vec<RightsRequest>)>,
}

impl Ledger {
    /// Only `client_id`'s requests and disclosures.
    pub fn of_client(&self, client_id: &ClientId) -> Ledger {
        Ledger {
            requests: self
                .requests
                .iter()
                .filter(|r| r.client_id() == client_id)
                .cloned()
                .collect(),
            disclosures: self
                .disclosures
                .iter()
                .filter(|d| d.client_id() == client_id)
                .cloned()
                .collect(),
            damaged: self.damaged,
            other_versions: self
                .other_versions
                .iter()
                .filter(|(id, _)| self.request(id).is_some_and(|r| r.client_id() == client_id))
                .cloned()
                .collect(),
        }
    }

    /// The versions of request `id` recorded differently elsewhere.
    pub fn other_versions_of(&self, id: &RequestId) -> &[RightsRequest] {
        self.other_versions
            .iter()
            .find(|(other, _)| other == id)
            .map_or(&[], |(_, versions)| versions.as_slice())
    }

    pub fn request(&self, id: &RequestId) -> Option<&RightsRequest> {
        self.requests.iter().find(|r| r.id() == id)
    }
}

/// A step on a request that changes only the request.
#[derive(Debug, Clone)]
pub enum RequestStep {
    /// The one extension, with the written notice's date and reason.
    Extend { notice_sent: Date, reason: String },
    /// The written denial of an amendment.
    Deny {
        on: Date,
        basis: DenialBasis,
        explanation: String,
    },
    /// The client's statement of disagreement with a denial.
    Statement { received: Date, text: String },
    /// The clinician's rebuttal of the statement.
    Rebuttal { on: Date, text: String },
    /// The client withdrew the request.
    Withdraw { on: Date, note: String },
}

/// Why a step was not taken. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The rules refuse the step; the message says what to do.
    #[error("{0}")]
    Refused(#[from] RightsError),
    /// A note the amendment names is not a signed note of this vault.
    #[error("Note {0} is not a signed note in this vault, so it cannot be amended. Sign it first, or check which notes the request names.")]
    NoteNotSigned(String),
    #[error("Nothing was changed. {0}")]
    Failed(#[from] VaultError),
}

/// How many times a step is taken again after meeting a change made meanwhile.
const ATTEMPTS: usize = 3;

fn request_record_id(id: &RequestId) -> String {
    format!("request.{id}")
}

fn disclosure_record_id(id: &DisclosureId) -> String {
    format!("disclosure.{id}")
}

impl Vault {
    /// A fresh request id.
    pub fn new_request_id(&self) -> Result<RequestId, VaultError> {
        Ok(RequestId(self.new_record_id()?))
    }

    /// Every request and disclosure.
    pub async fn rights_ledger(&self) -> Result<Ledger, VaultError> {
        let loaded = self
            .list::<RightsLedger, LedgerEntry>(Keyring::records_key)
            .await?;
        let mut ledger = Ledger::default();
        let mut conflicted = Vec::new();
        for entry in loaded {
            match entry {
                Loaded::Ok(stored) => match stored.value {
                    LedgerEntry::Request(request) => {
                        if stored.conflicts > 0 {
                            conflicted.push(request.id().clone());
                        }
                        ledger.requests.push(request)
                    }
                    LedgerEntry::Disclosure(disclosure) => ledger.disclosures.push(disclosure),
                },
                Loaded::Damaged { .. } => ledger.damaged += 1,
            }
        }
        for id in conflicted {
            let others = self.other_request_versions(&id).await?;
            if !others.is_empty() {
                ledger.other_versions.push((id, others));
            }
        }
        Ok(ledger)
    }

    /// The live versions of request `id` other than the one shown; versions
    /// that do not open are passed over, as when the record is shown.
    async fn other_request_versions(
        &self,
        id: &RequestId,
    ) -> Result<Vec<RightsRequest>, VaultError> {
        let record_id = request_record_id(id);
        let Some(record) = self.sealed::<RightsLedger>(&record_id).await? else {
            return Ok(Vec::new());
        };
        self.with_keys(|keys| {
            let sealer = Sealer::<RightsLedger>::new(keys.records());
            let shown = sealer.open::<LedgerEntry>(&record)?.map(|s| s.version.rev);
            Ok(record
                .tree
                .leaves()
                .iter()
                .filter(|leaf| !leaf.deleted && Some(leaf.rev) != shown)
                .filter_map(|leaf| sealer.open_plaintext(&record_id, leaf).ok())
                .filter_map(|plaintext| serde_json::from_slice::<LedgerEntry>(&plaintext).ok())
                .filter_map(|entry| match entry {
                    LedgerEntry::Request(request) if request.id() == id => Some(request),
                    _ => None,
                })
                .collect())
        })
    }

    /// Records a new request, audited.
    pub async fn record_request(
        &self,
        request: &RightsRequest,
        now_ms: i64,
    ) -> Result<(), LedgerError> {
        let id = request_record_id(request.id());
        let event = AuditEvent::about(
            now_ms,
            AuditAction::RightsRequestRecorded {
                kind: request.kind().label().to_owned(),
            },
            &id,
        );
        self.put::<RightsLedger, _>(
            &id,
            None,
            &LedgerEntry::Request(request.clone()),
            Keyring::records_key,
            &[event],
        )
        .await?;
        Ok(())
    }

    async fn stored_request(&self, id: &RequestId) -> Result<(RightsRequest, Version), VaultError> {
        let record_id = request_record_id(id);
        let stored: Stored<LedgerEntry> = self
            .get::<RightsLedger, LedgerEntry>(&record_id, Keyring::records_key)
            .await?;
        match stored.value {
            LedgerEntry::Request(request) if request.id() == id => Ok((request, stored.version)),
            _ => Err(VaultError::Damaged { id: record_id }),
        }
    }

    /// Takes `step` on request `id`, audited; returns the request as it now is.
    pub async fn change_request(
        &self,
        id: &RequestId,
        step: &RequestStep,
        now_ms: i64,
    ) -> Result<RightsRequest, LedgerError> {
        // A denial and a rebuttal are signed with the clinician's name from
        // the settings: a records custodian's session must not sign as them.
        if self.is_custodian()
            && matches!(
                step,
                RequestStep::Deny { .. } | RequestStep::Rebuttal { .. }
            )
        {
            return Err(VaultError::CustodianSession.into());
        }
        let clinician = self.settings().await?.clinician;
        let record_id = request_record_id(id);
        for _ in 0..ATTEMPTS {
            let (mut request, version) = self.stored_request(id).await?;
            let what = match step {
                RequestStep::Extend {
                    notice_sent,
                    reason,
                } => {
                    request.extend(*notice_sent, reason)?;
                    "extended"
                }
                RequestStep::Deny {
                    on,
                    basis,
                    explanation,
                } => {
                    request
                        .as_amendment_mut()?
                        .deny(*on, *basis, explanation, &clinician)?;
                    "denied"
                }
                RequestStep::Statement { received, text } => {
                    request
                        .as_amendment_mut()?
                        .record_statement(*received, text)?;
                    "statement of disagreement recorded"
                }
                RequestStep::Rebuttal { on, text } => {
                    request
                        .as_amendment_mut()?
                        .record_rebuttal(*on, text, &clinician)?;
                    "rebuttal recorded"
                }
                RequestStep::Withdraw { on, note } => {
                    match &mut request {
                        RightsRequest::Access(r) => r.withdraw(*on, note)?,
                        RightsRequest::Amendment(r) => r.withdraw(*on, note)?,
                    }
                    "withdrawn"
                }
            };
            let event = AuditEvent::about(
                now_ms,
                AuditAction::RightsRequestChanged {
                    kind: request.kind().label().to_owned(),
                    what: what.to_owned(),
                },
                &record_id,
            );
            let written = self
                .put::<RightsLedger, _>(
                    &record_id,
                    Some(&version),
                    &LedgerEntry::Request(request.clone()),
                    Keyring::records_key,
                    &[event],
                )
                .await;
            match written {
                Ok(_) => return Ok(request),
                Err(VaultError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(VaultError::Conflict.into())
    }

    /// "Fulfil request": records that the copy `description` went to the
    /// request's recipient on `on`, and its disclosure entry, in one
    /// transaction. Returns the entry.
    pub async fn fulfil_access_request(
        &self,
        id: &RequestId,
        on: Date,
        format: CopyFormat,
        description: &str,
        now_ms: i64,
    ) -> Result<Disclosure, LedgerError> {
        let record_id = request_record_id(id);
        for _ in 0..ATTEMPTS {
            let (mut request, version) = self.stored_request(id).await?;
            let disclosure_id = DisclosureId(self.new_record_id()?);
            let disclosure =
                request
                    .as_access_mut()?
                    .fulfil(on, format, description, disclosure_id.clone())?;
            let disclosure_record = disclosure_record_id(&disclosure_id);
            let events = [
                AuditEvent::about(
                    now_ms,
                    AuditAction::RightsRequestChanged {
                        kind: request.kind().label().to_owned(),
                        what: "fulfilled".to_owned(),
                    },
                    &record_id,
                ),
                AuditEvent::about(now_ms, AuditAction::Disclosed, &disclosure_record),
            ];
            let batch = self.with_keys(|keys| {
                let sealer = Sealer::<RightsLedger>::new(keys.records());
                let request_leaf = sealer.seal_next(
                    &record_id,
                    Some(&version),
                    &LedgerEntry::Request(request.clone()),
                )?;
                let disclosure_leaf = sealer.seal_next(
                    &disclosure_record,
                    None,
                    &LedgerEntry::Disclosure(disclosure.clone()),
                )?;
                let batch = Batch::new()
                    .strict()
                    .put::<RightsLedger>(&record_id, request_leaf, Expect::Leaf(version.rev))
                    .put::<RightsLedger>(&disclosure_record, disclosure_leaf, Expect::New);
                self.audit_batch(batch, &events)
            })?;
            match batch.commit(self.connection()).await {
                Ok(()) => return Ok(disclosure),
                Err(VaultError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(VaultError::Conflict.into())
    }

    /// "Accept amendment": appends a signed addendum with `text` to every note
    /// the request names and records the acceptance, in one transaction.
    /// Returns the request as it now is.
    pub async fn accept_amendment(
        &self,
        id: &RequestId,
        on: Date,
        text: &str,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<RightsRequest, LedgerError> {
        let clinician = self.settings().await?.clinician;
        let record_id = request_record_id(id);
        for _ in 0..ATTEMPTS {
            let (mut request, version) = self.stored_request(id).await?;
            let amendment = request.as_amendment_mut()?;
            let mut notes: Vec<(SignedProgressNote, Version)> = Vec::new();
            for note_id in amendment.notes() {
                match self.current_note(note_id.as_str()).await? {
                    Some(Stored {
                        value: ProgressNote::Signed(note),
                        version,
                        ..
                    }) => notes.push((note, version)),
                    _ => return Err(LedgerError::NoteNotSigned(note_id.to_string())),
                }
            }
            {
                let mut refs: Vec<&mut SignedProgressNote> =
                    notes.iter_mut().map(|(note, _)| note).collect();
                amendment.accept(on, text, &mut refs, &clinician, now)?;
            }
            let client_id = amendment.client_id().0.clone();
            let amended: Vec<(ProgressNote, Version)> = notes
                .into_iter()
                .map(|(note, version)| (ProgressNote::Signed(note), version))
                .collect();
            let entry = LedgerEntry::Request(request.clone());
            let put_request = |batch: Batch, keys: &Keyring| {
                let leaf = Sealer::<RightsLedger>::new(keys.records()).seal_next(
                    &record_id,
                    Some(&version),
                    &entry,
                )?;
                Ok(batch.put::<RightsLedger>(&record_id, leaf, Expect::Leaf(version.rev)))
            };
            let events = [AuditEvent::about(
                now_ms,
                AuditAction::RightsRequestChanged {
                    kind: request.kind().label().to_owned(),
                    what: "accepted".to_owned(),
                },
                &record_id,
            )];
            let committed = self
                .commit_amended_notes(&AmendedNotes {
                    client_id: &client_id,
                    notes: &amended,
                    with: &put_request,
                    events: &events,
                    now_ms,
                })
                .await;
            match committed {
                Ok(()) => return Ok(request),
                Err(VaultError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(VaultError::Conflict.into())
    }
}
