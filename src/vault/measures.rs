//! Questionnaires in the vault: one client's results read together, and a
//! questionnaire being answered, stored at every answer.
//!
//! A questionnaire is one record of `measure_results`: a draft while it is
//! answered, replaced in place by its result at "Finish". Its id is the
//! client's group prefix, a dot, and a random part. The prefix is a keyed
//! digest of the client's id, so one client's results are read with a key
//! range (opening a client does not decrypt every client's results) while a
//! sync server, which sees record ids, cannot tell which client a group is.

use std::cell::RefCell;
use std::rc::Rc;

use crate::domain::measure::{
    AdministrationMode, MeasureDefinition, MeasureRecord, MeasureResult, MeasureResultId,
    QuestionnaireDraft,
};
use crate::domain::{ClientId, ClinicianProfile, Date, Timestamp};

use super::audit::{AuditAction, AuditEvent};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::read_prefix;
use super::revision_tree::digest_hex;
use super::sealer::{Loaded, Version};
use super::store::{EncryptedStore, MeasureResults};
use super::VaultError;

/// One client's questionnaires, as the client's page shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientMeasures {
    /// Finished results, oldest first (by date given, then by finishing time).
    pub results: Vec<MeasureResult>,
    /// Questionnaires started and not finished, oldest first.
    pub drafts: Vec<QuestionnaireDraft>,
    /// Records of this client's group that do not open (or name another
    /// client), by id: shown as damaged, never dropped silently.
    pub damaged: Vec<String>,
}

impl Vault {
    /// The id prefix of `client_id`'s questionnaires (see the module doc).
    pub(in crate::vault) fn measure_group(&self, client_id: &str) -> Result<String, VaultError> {
        self.with_keys(|keys| {
            let digest = keys
                .records()
                .revision_digest(&[b"measure-group", client_id.as_bytes()]);
            Ok(format!("{}.", &digest_hex(&digest)[..16]))
        })
    }

    /// Every questionnaire of one client, drafts and results.
    pub async fn measures_for(&self, client_id: &str) -> Result<ClientMeasures, VaultError> {
        self.require_keys()?;
        let group = self.measure_group(client_id)?;
        let raw = read_prefix(self.connection(), MeasureResults::NAME, &group).await?;
        let loaded =
            self.open_listed::<MeasureResults, MeasureRecord>(&raw, Keyring::records_key)?;
        let mut out = ClientMeasures::default();
        for record in loaded {
            match record {
                Loaded::Ok(stored) if stored.value.client_id().as_str() != client_id => {
                    out.damaged.push(stored.id)
                }
                Loaded::Ok(stored) => match stored.value {
                    MeasureRecord::Result(result) => out.results.push(result),
                    MeasureRecord::Draft(draft) => out.drafts.push(draft),
                },
                Loaded::Damaged { id } => out.damaged.push(id),
            }
        }
        // Ties (two results finished in the same millisecond) by id, so the
        // order is the same on every read.
        out.results.sort_by(|a, b| {
            (a.administered_on(), a.completed_at(), a.id()).cmp(&(
                b.administered_on(),
                b.completed_at(),
                b.id(),
            ))
        });
        out.drafts.sort_by_key(|d| d.started_at().0);
        Ok(out)
    }

    /// Every client's finished results (for a practice-wide export). Records
    /// that do not open are left out here; each client's page marks them.
    pub async fn all_measure_results(&self) -> Result<Vec<MeasureResult>, VaultError> {
        Ok(self
            .list::<MeasureResults, MeasureRecord>(Keyring::records_key)
            .await?
            .into_iter()
            .filter_map(Loaded::ok)
            .filter_map(|stored| match stored.value {
                MeasureRecord::Result(result) => Some(result),
                MeasureRecord::Draft(_) => None,
            })
            .collect())
    }

    /// A new questionnaire of `definition` for `client_id`, not stored until
    /// its first answer.
    pub fn start_questionnaire(
        &self,
        client_id: &str,
        definition: &MeasureDefinition,
        mode: AdministrationMode,
        now: Timestamp,
    ) -> Result<OpenQuestionnaire, VaultError> {
        let id = format!(
            "{}{}",
            self.measure_group(client_id)?,
            self.new_record_id()?
        );
        let draft = QuestionnaireDraft::new(
            MeasureResultId(id),
            ClientId(client_id.to_owned()),
            definition,
            mode,
            now,
        );
        Ok(OpenQuestionnaire::new(self.clone(), draft, None))
    }

    /// Opens a stored, unfinished questionnaire of `client_id` to go on
    /// answering it. A finished one cannot be answered again.
    pub async fn resume_questionnaire(
        &self,
        client_id: &str,
        id: &str,
    ) -> Result<OpenQuestionnaire, VaultError> {
        let stored = self
            .get::<MeasureResults, MeasureRecord>(id, Keyring::records_key)
            .await?;
        if stored.value.client_id().as_str() != client_id {
            return Err(VaultError::NotFound);
        }
        match stored.value {
            MeasureRecord::Draft(draft) => Ok(OpenQuestionnaire::new(
                self.clone(),
                draft,
                Some(stored.version),
            )),
            MeasureRecord::Result(_) => Err(VaultError::QuestionnaireFinished),
        }
    }
}

/// A questionnaire being answered: the handle the questionnaire screen holds.
/// Every answer is stored before the screen moves on, so a tablet locked or
/// handed back halfway keeps what was answered. Clones share state.
#[derive(Clone)]
pub struct OpenQuestionnaire {
    inner: Rc<State>,
}

struct State {
    vault: Vault,
    draft: RefCell<QuestionnaireDraft>,
    /// The revision stored (`None`: nothing answered yet).
    rev: RefCell<Option<Version>>,
    /// Held by each answer and by finish from reading the draft to storing
    /// it: two quick taps are written one after the other, each from the
    /// revision the one before stored, and neither is lost.
    writes: futures::lock::Mutex<()>,
}

impl OpenQuestionnaire {
    fn new(vault: Vault, draft: QuestionnaireDraft, rev: Option<Version>) -> Self {
        OpenQuestionnaire {
            inner: Rc::new(State {
                vault,
                draft: RefCell::new(draft),
                rev: RefCell::new(rev),
                writes: futures::lock::Mutex::new(()),
            }),
        }
    }

    /// The answers as stored.
    pub fn draft(&self) -> QuestionnaireDraft {
        self.inner.draft.borrow().clone()
    }

    /// The measure being answered.
    pub fn definition(&self) -> Result<&'static MeasureDefinition, VaultError> {
        Ok(self.inner.draft.borrow().definition()?)
    }

    /// Records option `option` of item `item` (both 0-based) and stores it.
    /// On an error nothing changed, here or on disk.
    pub async fn answer(&self, item: usize, option: usize, now_ms: i64) -> Result<(), VaultError> {
        let _turn = self.inner.writes.lock().await;
        let definition = self.definition()?;
        let mut draft = self.draft();
        draft.answer(definition, item, option, Timestamp(now_ms))?;
        self.store(&draft.into(), now_ms).await
    }

    /// Records the answer to the follow-up question (the PHQ-9's "how
    /// difficult"), or clears it, and stores it.
    pub async fn answer_follow_up(
        &self,
        option: Option<usize>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let _turn = self.inner.writes.lock().await;
        let definition = self.definition()?;
        let mut draft = self.draft();
        draft.answer_follow_up(definition, option, Timestamp(now_ms))?;
        self.store(&draft.into(), now_ms).await
    }

    /// Scores the answers and stores the result in place of the draft, with
    /// its audit event, in one transaction.
    pub async fn finish(
        &self,
        administered_on: Date,
        administered_by: &ClinicianProfile,
        now_ms: i64,
    ) -> Result<MeasureResult, VaultError> {
        let _turn = self.inner.writes.lock().await;
        let definition = self.definition()?;
        let result = self.draft().finish(
            definition,
            administered_on,
            administered_by,
            Timestamp(now_ms),
        )?;
        self.store(&MeasureRecord::Result(result.clone()), now_ms)
            .await?;
        Ok(result)
    }

    /// Writes `record` over the stored revision, with the audit events of a
    /// first answer and of a finish in the same transaction.
    async fn store(&self, record: &MeasureRecord, now_ms: i64) -> Result<(), VaultError> {
        let state = &self.inner;
        let parent = state.rev.borrow().clone();
        let id = record.id().as_str().to_owned();
        let mut events = Vec::new();
        if parent.is_none() {
            events.push(AuditEvent::about(
                now_ms,
                AuditAction::QuestionnaireStarted,
                &id,
            ));
        }
        if matches!(record, MeasureRecord::Result(_)) {
            events.push(AuditEvent::about(
                now_ms,
                AuditAction::QuestionnaireFinished,
                &id,
            ));
        }
        let rev = state
            .vault
            .put::<MeasureResults, _>(&id, parent.as_ref(), record, Keyring::records_key, &events)
            .await?;
        *state.rev.borrow_mut() = Some(rev);
        if let MeasureRecord::Draft(draft) = record {
            *state.draft.borrow_mut() = draft.clone();
        }
        Ok(())
    }
}
