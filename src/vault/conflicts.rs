//! Records with versions from different devices, and settling them.
//!
//! A conflict arises only from revisions made elsewhere (a merged backup, a
//! sync): two edits of the same version, an edit beside a deletion, two
//! signed versions with different addenda, or a draft edited on a device that
//! did not know the note was signed meanwhile (kept as a flagged draft of its
//! own, a *conflict copy*; see [`super::incoming`]).
//!
//! Settling one is a new revision, so it replicates like any edit:
//! - "keep this version" sets every other version aside (a tombstone on that
//!   branch only), or keeps a deletion;
//! - "keep both" makes the other versions records of their own, or, for two
//!   signed versions, carries the other one's addenda into the shown one as
//!   new addenda that say where they came from. A signed note or addendum is
//!   never set aside: the choices that would lose one are not offered.
//!
//! The records that may have versions to settle are listed in `vault_meta`
//! (ids only), so the home screen counts them without reading every record;
//! the list is checked against the records whenever it is read.

use std::collections::BTreeSet;

use crate::domain::{
    Addendum, Client, ClientId, ProgressNote, ProgressNoteId, PsychotherapyNote,
    PsychotherapyNoteId, Timestamp, TreatmentPlan,
};

use super::audit::{AuditAction, AuditEvent, RecordKind};
use super::batch::{Batch, Expect};
use super::keyring::Keyring;
use super::meta::{read_meta, CONFLICTS_ID};
use super::note_index::{summary_of, NoteChange};
use super::open_vault::Vault;
use super::reads::{read_one, RawRecord};
use super::record::StoredRecord;
use super::revision_tree::{Leaf, RevId, RevTree};
use super::sealer::Sealer;
use super::store::{Clients, EncryptedStore, ProgressNotes, PsychotherapyNotes, TreatmentPlans};
use super::VaultError;
use crate::domain::NoteSummary;

/// One record with versions to settle, as the Conflicts list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictSummary {
    pub kind: RecordKind,
    /// The record's id.
    pub id: String,
    /// The client it belongs to (for a client record, itself).
    pub client_id: String,
    /// For a conflict copy, the signed note it is a version of.
    pub copy_of: Option<String>,
}

/// One version of a conflicted record.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictSide<T> {
    /// The version; `None` when this version deletes the record.
    pub value: Option<T>,
    /// Shown everywhere else until the conflict is settled.
    pub shown: bool,
    /// The device that wrote it: its short id, if known.
    pub device: Option<String>,
    /// Written on this device.
    pub this_device: bool,
    /// Whether "keep this version" is offered: not when it would set a
    /// signed note or addendum aside.
    pub may_keep: bool,
    key: SideKey,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SideKey {
    record: String,
    rev: RevId,
}

/// Every version of one conflicted record.
#[derive(Clone, Debug, PartialEq)]
pub enum ConflictSides {
    Client(Vec<ConflictSide<Client>>),
    ProgressNote(Vec<ConflictSide<ProgressNote>>),
    PsychotherapyNote(Vec<ConflictSide<PsychotherapyNote>>),
    /// A plan edited on two devices: one record per client, so the versions
    /// cannot be kept as two plans; one is kept, and only when no signed
    /// version is lost by it.
    TreatmentPlan(Vec<ConflictSide<TreatmentPlan>>),
}

impl ConflictSides {
    fn len(&self) -> usize {
        match self {
            ConflictSides::Client(v) => v.len(),
            ConflictSides::ProgressNote(v) => v.len(),
            ConflictSides::PsychotherapyNote(v) => v.len(),
            ConflictSides::TreatmentPlan(v) => v.len(),
        }
    }

    fn key(&self, side: usize) -> Option<&SideKey> {
        match self {
            ConflictSides::Client(v) => v.get(side).map(|s| &s.key),
            ConflictSides::ProgressNote(v) => v.get(side).map(|s| &s.key),
            ConflictSides::PsychotherapyNote(v) => v.get(side).map(|s| &s.key),
            ConflictSides::TreatmentPlan(v) => v.get(side).map(|s| &s.key),
        }
    }

    fn may_keep(&self, side: usize) -> bool {
        match self {
            ConflictSides::Client(v) => v.get(side).is_some_and(|s| s.may_keep),
            ConflictSides::ProgressNote(v) => v.get(side).is_some_and(|s| s.may_keep),
            ConflictSides::PsychotherapyNote(v) => v.get(side).is_some_and(|s| s.may_keep),
            ConflictSides::TreatmentPlan(v) => v.get(side).is_some_and(|s| s.may_keep),
        }
    }
}

/// A conflicted record open on the Conflicts screen. Clones share nothing
/// but the vault: each settles against the records as they were read.
#[derive(Clone)]
pub struct OpenConflict {
    vault: Vault,
    summary: ConflictSummary,
    sides: ConflictSides,
    /// The records as read (the conflicted one, and for a conflict copy the
    /// signed note), to settle against exactly what was shown.
    records: Vec<StoredRecord>,
}

fn key_of(store: &str, id: &str) -> String {
    format!("{store}/{id}")
}

fn store_of(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Client => Clients::NAME,
        RecordKind::ProgressNote => ProgressNotes::NAME,
        RecordKind::PsychotherapyNote => PsychotherapyNotes::NAME,
        RecordKind::TreatmentPlan => TreatmentPlans::NAME,
    }
}

fn kind_of(store: &str) -> Option<RecordKind> {
    [
        RecordKind::Client,
        RecordKind::ProgressNote,
        RecordKind::PsychotherapyNote,
        RecordKind::TreatmentPlan,
    ]
    .into_iter()
    .find(|k| store_of(*k) == store)
}

/// The list key of record `id` of `store`, for the batches that may leave it
/// with versions to settle.
pub(in crate::vault) fn conflict_key(store: &str, id: &str) -> String {
    key_of(store, id)
}

impl Vault {
    /// The records with versions to settle.
    pub async fn conflicts(&self) -> Result<Vec<ConflictSummary>, VaultError> {
        self.require_keys()?;
        let listed: BTreeSet<String> = read_meta(self.connection(), CONFLICTS_ID)
            .await?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut settled = Vec::new();
        for key in listed {
            let Some((store, id)) = key.split_once('/') else {
                settled.push(key);
                continue;
            };
            match self.conflict_summary(store, id).await {
                Ok(Some(summary)) => out.push(summary),
                Ok(None) | Err(VaultError::NotFound) => settled.push(key.clone()),
                Err(VaultError::Locked) => return Err(VaultError::Locked),
                // A record that does not open shows as damaged where it lives.
                Err(_) => settled.push(key.clone()),
            }
        }
        if !settled.is_empty() {
            // Best effort: a list left longer is checked again next time.
            let _ = Batch::new()
                .conflicts(Vec::new(), settled)
                .commit(self.connection())
                .await;
        }
        Ok(out)
    }

    async fn conflict_summary(
        &self,
        store: &str,
        id: &str,
    ) -> Result<Option<ConflictSummary>, VaultError> {
        let Some(kind) = kind_of(store) else {
            return Ok(None);
        };
        let RawRecord::Sealed(record) = read_one(self.connection(), store, id).await? else {
            return Ok(None);
        };
        self.with_keys(|keys| {
            let summary = |client_id: String, conflicts: usize, copy_of: Option<String>| {
                (conflicts > 0 || copy_of.is_some()).then(|| ConflictSummary {
                    kind,
                    id: id.to_owned(),
                    client_id,
                    copy_of,
                })
            };
            Ok(match kind {
                RecordKind::Client => Sealer::<Clients>::new(keys.records())
                    .open::<Client>(&record)?
                    .and_then(|s| summary(s.value.id.0, s.conflicts, None)),
                RecordKind::ProgressNote => Sealer::<ProgressNotes>::new(keys.records())
                    .open::<ProgressNote>(&record)?
                    .and_then(|s| {
                        let copy_of = match &s.value {
                            ProgressNote::Draft(d) => d.conflict_of.as_ref().map(|i| i.0.clone()),
                            ProgressNote::Signed(_) => None,
                        };
                        summary(s.value.client_id().0.clone(), s.conflicts, copy_of)
                    }),
                RecordKind::PsychotherapyNote => {
                    Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()?)
                        .open::<PsychotherapyNote>(&record)?
                        .and_then(|s| summary(s.value.client_id.0, s.conflicts, None))
                }
                RecordKind::TreatmentPlan => Sealer::<TreatmentPlans>::new(keys.records())
                    .open::<TreatmentPlan>(&record)?
                    .and_then(|s| summary(s.value.client_id().0.clone(), s.conflicts, None)),
            })
        })
    }

    /// How many records have versions to settle (for the home screen).
    pub async fn conflict_count(&self) -> Result<usize, VaultError> {
        Ok(self.conflicts().await?.len())
    }

    /// Opens one conflicted record to compare its versions. Opening a
    /// psychotherapy note's versions is audited as a view.
    pub async fn open_conflict(
        &self,
        summary: &ConflictSummary,
        now_ms: i64,
    ) -> Result<OpenConflict, VaultError> {
        let store = store_of(summary.kind);
        let record = self.sealed_record(store, &summary.id).await?;
        let mut records = vec![record.clone()];
        let device = super::meta::device_id(self.connection()).await.ok();
        let sides = match summary.kind {
            RecordKind::Client => ConflictSides::Client(self.with_keys(|keys| {
                sides_of(
                    &Sealer::<Clients>::new(keys.records()),
                    &record,
                    device.as_ref(),
                )
            })?),
            RecordKind::PsychotherapyNote => {
                self.record_view(&AuditEvent::about(
                    now_ms,
                    AuditAction::Viewed(RecordKind::PsychotherapyNote),
                    &summary.id,
                ))
                .await?;
                ConflictSides::PsychotherapyNote(self.with_keys(|keys| {
                    sides_of(
                        &Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()?),
                        &record,
                        device.as_ref(),
                    )
                })?)
            }
            RecordKind::ProgressNote => {
                let mut sides = self.with_keys(|keys| {
                    sides_of(
                        &Sealer::<ProgressNotes>::new(keys.records()),
                        &record,
                        device.as_ref(),
                    )
                })?;
                if let Some(original) = &summary.copy_of {
                    // A conflict copy is compared with the signed note.
                    let signed = self.sealed_record(store, original).await?;
                    let mut first = self.with_keys(|keys| {
                        sides_of(
                            &Sealer::<ProgressNotes>::new(keys.records()),
                            &signed,
                            device.as_ref(),
                        )
                    })?;
                    first.retain(|s| s.shown);
                    for side in &mut sides {
                        side.shown = false;
                        side.may_keep = false;
                    }
                    first.append(&mut sides);
                    sides = first;
                    records.push(signed);
                }
                self.record_view(&AuditEvent::about(
                    now_ms,
                    AuditAction::Viewed(RecordKind::ProgressNote),
                    &summary.id,
                ))
                .await?;
                ConflictSides::ProgressNote(sides)
            }
            RecordKind::TreatmentPlan => {
                let sides = self.with_keys(|keys| {
                    sides_of(
                        &Sealer::<TreatmentPlans>::new(keys.records()),
                        &record,
                        device.as_ref(),
                    )
                })?;
                self.record_view(&AuditEvent::about(
                    now_ms,
                    AuditAction::Viewed(RecordKind::TreatmentPlan),
                    &summary.id,
                ))
                .await?;
                ConflictSides::TreatmentPlan(sides)
            }
        };
        if sides.len() < 2 {
            return Err(VaultError::NotFound);
        }
        Ok(OpenConflict {
            vault: self.clone(),
            summary: summary.clone(),
            sides,
            records,
        })
    }

    async fn sealed_record(&self, store: &str, id: &str) -> Result<StoredRecord, VaultError> {
        match read_one(self.connection(), store, id).await? {
            RawRecord::Sealed(record) => Ok(record),
            RawRecord::Unreadable { id } => Err(VaultError::Damaged { id }),
        }
    }
}

/// Every version of `record`: its live leaves and its deletions, the shown
/// one first.
fn sides_of<S: EncryptedStore, T: serde::de::DeserializeOwned + SideRules>(
    sealer: &Sealer<S>,
    record: &StoredRecord,
    device: Option<&super::record::DeviceId>,
) -> Result<Vec<ConflictSide<T>>, VaultError> {
    let shown = sealer.open::<T>(record)?.map(|s| s.version.rev);
    let deletions: Vec<RevId> = sealer.deletions(record).iter().map(|l| l.rev).collect();
    let mut sides = Vec::new();
    for leaf in record.tree.leaves() {
        let value = if leaf.deleted {
            if !deletions.contains(&leaf.rev) {
                continue;
            }
            None
        } else {
            match sealer.open_plaintext(&record.id, leaf) {
                Ok(plaintext) => serde_json::from_slice::<T>(&plaintext).ok(),
                Err(_) => continue,
            }
        };
        if value.is_none() && !leaf.deleted {
            continue;
        }
        sides.push(ConflictSide {
            shown: Some(leaf.rev) == shown,
            device: leaf.payload.device.as_ref().map(|d| d.short().to_owned()),
            this_device: leaf.payload.device.is_some() && leaf.payload.device.as_ref() == device,
            may_keep: true,
            value,
            key: SideKey {
                record: record.id.clone(),
                rev: leaf.rev,
            },
        });
    }
    sides.sort_by_key(|s| !s.shown);
    // "Keep this version" sets the others aside: never a signed one that it
    // does not contain whole.
    let values: Vec<Option<T>> = sides.iter().map(|s| s.value.clone()).collect();
    for (i, side) in sides.iter_mut().enumerate() {
        side.may_keep = values
            .iter()
            .enumerate()
            .all(|(j, other)| i == j || T::may_set_aside(other.as_ref(), values[i].as_ref()));
    }
    Ok(sides)
}

/// What may be set aside for what, per kind of record.
pub trait SideRules: Clone {
    /// Whether version `other` may be set aside when `kept` is kept.
    fn may_set_aside(other: Option<&Self>, kept: Option<&Self>) -> bool;
}

impl SideRules for Client {
    fn may_set_aside(_: Option<&Self>, _: Option<&Self>) -> bool {
        true
    }
}

impl SideRules for PsychotherapyNote {
    fn may_set_aside(_: Option<&Self>, _: Option<&Self>) -> bool {
        true
    }
}

impl SideRules for ProgressNote {
    fn may_set_aside(other: Option<&Self>, kept: Option<&Self>) -> bool {
        match (other, kept) {
            (Some(ProgressNote::Signed(other)), Some(ProgressNote::Signed(kept))) => {
                kept.signature().content_sha256 == other.signature().content_sha256
                    && other.addenda().iter().all(|a| {
                        kept.addenda()
                            .iter()
                            .any(|k| k.content_sha256() == a.content_sha256())
                    })
            }
            (Some(ProgressNote::Signed(_)), _) => false,
            _ => true,
        }
    }
}

/// A signed plan version is never set aside: `other` may go only when
/// `kept` has every version `other` signed, with the same signature, and
/// every client agreement `other` recorded (so keeping a deletion sets aside
/// only a plan never signed). Its unsigned draft goes with it: the clinician
/// compared the two and chose.
impl SideRules for TreatmentPlan {
    fn may_set_aside(other: Option<&Self>, kept: Option<&Self>) -> bool {
        let Some(other) = other else {
            return true;
        };
        other.versions().iter().all(|v| {
            kept.and_then(|k| k.version(v.version())).is_some_and(|k| {
                k.signature() == v.signature()
                    && (v.client_agreement().is_none()
                        || k.client_agreement() == v.client_agreement())
            })
        })
    }
}

impl OpenConflict {
    pub fn summary(&self) -> &ConflictSummary {
        &self.summary
    }

    /// The versions, the one shown first.
    pub fn sides(&self) -> &ConflictSides {
        &self.sides
    }

    /// Whether "keep both" is offered: not beside a deletion (there is
    /// nothing to keep twice), and never for a treatment plan (a client has
    /// one plan; its record id is derived from the client's).
    pub fn may_keep_both(&self) -> bool {
        let deleted = match &self.sides {
            ConflictSides::Client(v) => v.iter().any(|s| s.value.is_none()),
            ConflictSides::ProgressNote(v) => v.iter().any(|s| s.value.is_none()),
            ConflictSides::PsychotherapyNote(v) => v.iter().any(|s| s.value.is_none()),
            ConflictSides::TreatmentPlan(_) => true,
        };
        !deleted
    }

    fn expect(record: &StoredRecord) -> Expect {
        Expect::Leaves(record.tree.leaves().iter().map(|l| l.rev).collect())
    }

    fn event(&self, now_ms: i64) -> AuditEvent {
        AuditEvent::about(
            now_ms,
            AuditAction::SettledConflict(self.summary.kind),
            &self.summary.id,
        )
    }

    /// Keeps version `side` and sets every other aside; see the module doc.
    ///
    /// # Errors
    /// [`VaultError::NotFound`] for a version that may not be kept alone,
    /// [`VaultError::Conflict`] when the record changed since it was opened.
    pub async fn keep(&self, side: usize, now_ms: i64) -> Result<(), VaultError> {
        if !self.sides.may_keep(side) {
            return Err(VaultError::NotFound);
        }
        let key = self.sides.key(side).ok_or(VaultError::NotFound)?.clone();
        let vault = &self.vault;
        let store = store_of(self.summary.kind);
        if self.summary.copy_of.is_some() {
            // The signed note is kept: the copy is deleted, with a tombstone.
            let copy = &self.records[0];
            let batch = vault.with_keys(|keys| {
                let sealer = Sealer::<ProgressNotes>::new(keys.records());
                let mut record = copy.clone();
                for leaf in copy.tree.leaves().iter().filter(|l| !l.deleted) {
                    let gone = sealer.seal_tombstone(&copy.id, &leaf.as_ref().map(|_| ()))?;
                    record
                        .tree
                        .edit(&leaf.rev, gone)
                        .ok_or(VaultError::Conflict)?;
                }
                let batch = Batch::new()
                    .put_record(store, record, Self::expect(copy))
                    .conflicts(Vec::new(), vec![key_of(store, &copy.id)]);
                vault.audit_batch(batch, &[self.event(now_ms)])
            })?;
            let batch = vault
                .index_changes(
                    batch,
                    &[NoteChange {
                        client_id: self.summary.client_id.clone(),
                        note_id: copy.id.clone(),
                        summary: None,
                    }],
                )
                .await?;
            return batch.commit(vault.connection()).await;
        }
        let record = &self.records[0];
        let settled = vault.with_keys(|keys| {
            let mut settled = record.clone();
            for leaf in record.tree.leaves() {
                if leaf.rev == key.rev || (leaf.deleted && !self.is_deletion(leaf)) {
                    continue;
                }
                let aside = set_aside(keys, self.summary.kind, &record.id, leaf)?;
                settled
                    .tree
                    .edit(&leaf.rev, aside)
                    .ok_or(VaultError::Conflict)?;
            }
            Ok(settled)
        })?;
        self.commit_settled(settled, Vec::new(), now_ms).await
    }

    fn is_deletion(&self, leaf: &Leaf<super::record::Sealed>) -> bool {
        let rev = leaf.rev;
        match &self.sides {
            ConflictSides::Client(v) => v.iter().any(|s| s.key.rev == rev && s.value.is_none()),
            ConflictSides::ProgressNote(v) => {
                v.iter().any(|s| s.key.rev == rev && s.value.is_none())
            }
            ConflictSides::PsychotherapyNote(v) => {
                v.iter().any(|s| s.key.rev == rev && s.value.is_none())
            }
            ConflictSides::TreatmentPlan(v) => {
                v.iter().any(|s| s.key.rev == rev && s.value.is_none())
            }
        }
    }

    /// Keeps every version: see the module doc. Returns the ids of the
    /// records made for the versions that were not shown.
    pub async fn keep_both(&self, now_ms: i64) -> Result<Vec<String>, VaultError> {
        if !self.may_keep_both() {
            return Err(VaultError::NotFound);
        }
        let vault = &self.vault;
        let store = store_of(self.summary.kind);
        let record = &self.records[0];
        if self.summary.copy_of.is_some() {
            // The copy becomes an ordinary draft of its own.
            let ConflictSides::ProgressNote(sides) = &self.sides else {
                return Err(VaultError::NotFound);
            };
            let Some(ProgressNote::Draft(mut draft)) = sides
                .iter()
                .find(|s| s.key.record == record.id)
                .and_then(|s| s.value.clone())
            else {
                return Err(VaultError::NotFound);
            };
            draft.conflict_of = None;
            let note = ProgressNote::Draft(draft);
            let leaf = record
                .tree
                .leaves()
                .iter()
                .find(|l| !l.deleted)
                .ok_or(VaultError::NotFound)?;
            let batch = vault.with_keys(|keys| {
                let sealer = Sealer::<ProgressNotes>::new(keys.records());
                let child = sealer.seal_child(&record.id, &leaf.as_ref().map(|_| ()), &note)?;
                let mut settled = record.clone();
                settled
                    .tree
                    .edit(&leaf.rev, child.clone())
                    .ok_or(VaultError::Conflict)?;
                let batch = Batch::new()
                    .put_record(store, settled, Self::expect(record))
                    .conflicts(Vec::new(), vec![key_of(store, &record.id)]);
                vault
                    .audit_batch(batch, &[self.event(now_ms)])
                    .map(|b| (b, child.rev.generation))
            })?;
            let (batch, generation) = batch;
            let batch = vault
                .index_changes(
                    batch,
                    &[NoteChange {
                        client_id: self.summary.client_id.clone(),
                        note_id: record.id.clone(),
                        summary: Some(NoteSummary::of(&note, generation)),
                    }],
                )
                .await?;
            batch.commit(vault.connection()).await?;
            return Ok(Vec::new());
        }
        match &self.sides {
            ConflictSides::ProgressNote(sides)
                if sides
                    .iter()
                    .any(|s| matches!(s.value, Some(ProgressNote::Signed(_)))) =>
            {
                self.carry_addenda(sides, now_ms).await.map(|()| Vec::new())
            }
            ConflictSides::ProgressNote(sides) => {
                self.copies_of(
                    sides,
                    |mut note, id| {
                        if let ProgressNote::Draft(d) = &mut note {
                            d.id = ProgressNoteId(id.to_owned());
                        }
                        note
                    },
                    now_ms,
                )
                .await
            }
            ConflictSides::Client(sides) => {
                self.copies_of(
                    sides,
                    |mut client: Client, id| {
                        client.id = ClientId(id.to_owned());
                        client.name = format!("{} (copy)", client.name);
                        client
                    },
                    now_ms,
                )
                .await
            }
            ConflictSides::PsychotherapyNote(sides) => {
                self.copies_of(
                    sides,
                    |mut note: PsychotherapyNote, id| {
                        note.id = PsychotherapyNoteId(id.to_owned());
                        note
                    },
                    now_ms,
                )
                .await
            }
            // Not offered (see `may_keep_both`).
            ConflictSides::TreatmentPlan(_) => Err(VaultError::NotFound),
        }
    }

    /// Each version not shown becomes a record of its own (made by `rename`
    /// under a fresh id), and its branch is set aside.
    async fn copies_of<T: serde::Serialize + Clone + CopyOf>(
        &self,
        sides: &[ConflictSide<T>],
        rename: impl Fn(T, &str) -> T,
        now_ms: i64,
    ) -> Result<Vec<String>, VaultError> {
        let vault = &self.vault;
        let record = &self.records[0];
        let mut copies: Vec<(String, T)> = Vec::new();
        for side in sides.iter().filter(|s| !s.shown) {
            let Some(value) = side.value.clone() else {
                continue;
            };
            let id = vault.new_record_id()?;
            copies.push((id.clone(), rename(value, &id)));
        }
        let kind = self.summary.kind;
        let (settled, new_records) = vault.with_keys(|keys| {
            let mut settled = record.clone();
            let mut new_records = Vec::new();
            for side in sides.iter().filter(|s| !s.shown && s.value.is_some()) {
                let leaf = record
                    .tree
                    .leaf(&side.key.rev)
                    .ok_or(VaultError::Conflict)?;
                let aside = set_aside(keys, kind, &record.id, leaf)?;
                settled
                    .tree
                    .edit(&leaf.rev, aside)
                    .ok_or(VaultError::Conflict)?;
            }
            for (id, value) in &copies {
                new_records.push(T::seal_first(keys, id, value)?);
            }
            Ok((settled, new_records))
        })?;
        let ids: Vec<String> = copies.iter().map(|(id, _)| id.clone()).collect();
        let created: Vec<AuditEvent> = ids
            .iter()
            .map(|id| AuditEvent::about(now_ms, AuditAction::Created(kind), id))
            .collect();
        let notes: Vec<NoteChange> = copies
            .iter()
            .filter_map(|(id, value)| {
                Some(NoteChange {
                    client_id: self.summary.client_id.clone(),
                    note_id: id.clone(),
                    summary: Some(value.note_summary()?),
                })
            })
            .collect();
        let mut events = vec![self.event(now_ms)];
        events.extend(created);
        self.commit_settled_with(settled, new_records, events, notes)
            .await?;
        Ok(ids)
    }

    /// Two signed versions: the other one's addenda, which the shown one
    /// lacks, become new addenda of the shown one, signed now by this
    /// clinician and saying who first signed them, when; the other branch is
    /// then set aside, with nothing lost.
    async fn carry_addenda(
        &self,
        sides: &[ConflictSide<ProgressNote>],
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let vault = &self.vault;
        let record = &self.records[0];
        let Some(shown) = sides.iter().find(|s| s.shown) else {
            return Err(VaultError::NotFound);
        };
        let Some(ProgressNote::Signed(mut note)) = shown.value.clone() else {
            return Err(VaultError::NotFound);
        };
        let clinician = vault.settings().await?.clinician;
        let now = Timestamp(now_ms);
        for side in sides.iter().filter(|s| !s.shown) {
            let Some(ProgressNote::Signed(other)) = &side.value else {
                continue;
            };
            for addendum in other.addenda() {
                if note
                    .addenda()
                    .iter()
                    .any(|a| a.content_sha256() == addendum.content_sha256())
                {
                    continue;
                }
                let at = addendum.signed_at();
                let text = format!(
                    "Addendum from another device, first signed {} at {} UTC by {}: {}",
                    at.date(),
                    at.time_of_day(),
                    addendum.signer_name(),
                    addendum.text()
                );
                let carried = Addendum::new(text, &clinician, now)
                    .map_err(|e| VaultError::Storage(e.to_string()))?;
                note.add_addendum(carried);
            }
        }
        let amended = ProgressNote::Signed(note);
        let leaf = record
            .tree
            .leaf(&shown.key.rev)
            .ok_or(VaultError::Conflict)?;
        let (settled, generation) = vault.with_keys(|keys| {
            let sealer = Sealer::<ProgressNotes>::new(keys.records());
            let mut settled = record.clone();
            let child = sealer.seal_child(&record.id, &leaf.as_ref().map(|_| ()), &amended)?;
            let generation = child.rev.generation;
            settled
                .tree
                .edit(&leaf.rev, child)
                .ok_or(VaultError::Conflict)?;
            for side in sides.iter().filter(|s| !s.shown) {
                let other = record
                    .tree
                    .leaf(&side.key.rev)
                    .ok_or(VaultError::Conflict)?;
                let aside = sealer.seal_set_aside(&record.id, other)?;
                settled
                    .tree
                    .edit(&other.rev, aside)
                    .ok_or(VaultError::Conflict)?;
            }
            Ok((settled, generation))
        })?;
        let notes = vec![NoteChange {
            client_id: self.summary.client_id.clone(),
            note_id: record.id.clone(),
            summary: Some(NoteSummary::of(&amended, generation)),
        }];
        let events = vec![
            self.event(now_ms),
            AuditEvent::about(now_ms, AuditAction::Amended, &record.id),
        ];
        self.commit_settled_with(settled, Vec::new(), events, notes)
            .await
    }

    async fn commit_settled(
        &self,
        settled: StoredRecord,
        new_records: Vec<StoredRecord>,
        now_ms: i64,
    ) -> Result<(), VaultError> {
        let notes = self.vault.with_keys(|keys| {
            Ok(match self.summary.kind {
                RecordKind::ProgressNote => {
                    let shown = Sealer::<ProgressNotes>::new(keys.records())
                        .open::<ProgressNote>(&settled)?;
                    vec![NoteChange {
                        client_id: self.summary.client_id.clone(),
                        note_id: settled.id.clone(),
                        summary: shown.as_ref().map(summary_of),
                    }]
                }
                _ => Vec::new(),
            })
        })?;
        self.commit_settled_with(settled, new_records, vec![self.event(now_ms)], notes)
            .await
    }

    async fn commit_settled_with(
        &self,
        settled: StoredRecord,
        new_records: Vec<StoredRecord>,
        events: Vec<AuditEvent>,
        notes: Vec<NoteChange>,
    ) -> Result<(), VaultError> {
        let vault = &self.vault;
        let store = store_of(self.summary.kind);
        let mut batch = Batch::new()
            .strict()
            .put_record(store, settled, Self::expect(&self.records[0]))
            .conflicts(Vec::new(), vec![key_of(store, &self.records[0].id)]);
        for record in new_records {
            batch = batch.put_record(store, record, Expect::New);
        }
        let batch = vault.audit_batch(batch, &events)?;
        let batch = vault.index_changes(batch, &notes).await?;
        batch.commit(vault.connection()).await
    }
}

/// A version set aside, sealed under the key of `kind`'s store.
fn set_aside(
    keys: &Keyring,
    kind: RecordKind,
    id: &str,
    leaf: &Leaf<super::record::Sealed>,
) -> Result<Leaf<super::record::Sealed>, VaultError> {
    match kind {
        RecordKind::Client => Sealer::<Clients>::new(keys.records()).seal_set_aside(id, leaf),
        RecordKind::ProgressNote => {
            Sealer::<ProgressNotes>::new(keys.records()).seal_set_aside(id, leaf)
        }
        RecordKind::PsychotherapyNote => {
            Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()?).seal_set_aside(id, leaf)
        }
        RecordKind::TreatmentPlan => {
            Sealer::<TreatmentPlans>::new(keys.records()).seal_set_aside(id, leaf)
        }
    }
}

/// How a kept version becomes a record of its own.
trait CopyOf: Sized {
    fn seal_first(keys: &Keyring, id: &str, value: &Self) -> Result<StoredRecord, VaultError>;
    /// Its entry in the note index, for a progress note.
    fn note_summary(&self) -> Option<NoteSummary> {
        None
    }
}

fn first_record<S: EncryptedStore, T: serde::Serialize>(
    sealer: &Sealer<S>,
    id: &str,
    value: &T,
) -> Result<StoredRecord, VaultError> {
    Ok(StoredRecord {
        id: id.to_owned(),
        tree: RevTree::new(sealer.seal_first(id, value)?),
    })
}

impl CopyOf for Client {
    fn seal_first(keys: &Keyring, id: &str, value: &Self) -> Result<StoredRecord, VaultError> {
        first_record(&Sealer::<Clients>::new(keys.records()), id, value)
    }
}

impl CopyOf for PsychotherapyNote {
    fn seal_first(keys: &Keyring, id: &str, value: &Self) -> Result<StoredRecord, VaultError> {
        first_record(
            &Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()?),
            id,
            value,
        )
    }
}

impl CopyOf for ProgressNote {
    fn seal_first(keys: &Keyring, id: &str, value: &Self) -> Result<StoredRecord, VaultError> {
        first_record(&Sealer::<ProgressNotes>::new(keys.records()), id, value)
    }

    fn note_summary(&self) -> Option<NoteSummary> {
        Some(NoteSummary::of(self, 1))
    }
}
