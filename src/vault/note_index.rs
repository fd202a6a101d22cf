//! The note index in IndexedDB (see [`crate::domain::note_index`]): one sealed
//! [`ClientNoteIndex`] per client in `note_index`, and one [`PracticeSummary`]
//! in `practice_summary`, so neither the home screen nor a client's timeline
//! reads a note.
//!
//! How they stay true:
//! - every note commit rewrites its client's index and the practice summary in
//!   the same transaction (see `Vault::commit_progress_note`), with the usual
//!   revision checks, so two tabs saving at once retry instead of losing an
//!   entry;
//! - once per session, [`Vault::verify_note_index`] compares the number of
//!   notes with the summary's count, off the unlock's critical path; when they
//!   differ, or a record does not open, it compares the ids in `progress_notes`
//!   (ids only, no note is read) and indexes what is missing: every note after
//!   an upgrade or a restore, or the notes of an index that no longer opens;
//! - a merge that writes notes empties both stores in its own transaction, so
//!   they are rebuilt from the notes at their next use;
//! - [`Vault::check_client_notes`] reads one client's notes and corrects any
//!   summary that disagrees with its note.
//!
//! Neither store is backed up: both are rebuilt from the notes instead.

use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::crypto::Records;
use crate::domain::{
    ClientId, ClientNoteIndex, ClientTally, NoteSummary, PracticeSummary, ProgressNote,
};

use super::batch::{Batch, Expect};
use super::keyring::Keyring;
use super::open_vault::Vault;
use super::reads::{count, read_all, read_ids, read_one, RawRecord};
use super::sealer::{Loaded, Sealer, Stored, Version};
use super::store::{EncryptedStore, NoteIndex, PracticeSummaryStore, ProgressNotes};
use super::VaultError;

/// The practice summary's record id.
const PRACTICE: &str = "practice";

/// Above this many unindexed notes, reading the whole store beats reading by id.
const READ_ALL_ABOVE: usize = 500;
/// How many notes a rebuild opens between two pauses for the page: about
/// 20 ms of work on this machine's kind.
const REBUILD_CHUNK: u32 = 200;
/// How many clients' indexes a rebuild seals between two pauses.
const SEAL_CHUNK: usize = 40;

/// What the home screen shows of the notes: every client's tally, and the
/// notes that cannot be opened.
#[derive(Clone, Debug, Default)]
pub struct NoteOverview {
    summary: PracticeSummary,
    damaged: Vec<String>,
}

impl NoteOverview {
    /// One client's tally; `None` when they have no notes.
    pub fn of(&self, client_id: &str) -> Option<&ClientTally> {
        self.summary.tally(client_id)
    }

    /// Notes not signed yet, across all clients.
    pub fn unsigned(&self) -> u64 {
        self.summary.unsigned()
    }

    /// Progress notes that cannot be opened (so their client is unknown).
    pub fn damaged(&self) -> usize {
        self.damaged.len()
    }
}

/// What reading one client's notes found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientNotesCheck {
    /// Notes that do not open: this client's, and those whose client is unknown.
    pub damaged: Vec<String>,
    /// Whether a summary was corrected (the timeline should be read again).
    pub corrected: bool,
}

/// What a full check computed: the overview, and every client's index (right
/// even if writing them back failed).
struct Checked {
    overview: NoteOverview,
    indexes: HashMap<String, ClientNoteIndex>,
}

impl Checked {
    /// One client's index from the check (empty if they have no notes).
    fn index_of(mut self, client_id: &str) -> ClientNoteIndex {
        self.indexes
            .remove(client_id)
            .unwrap_or_else(|| ClientNoteIndex::new(ClientId(client_id.to_owned())))
    }
}

/// A progress note's new index entry (`None`: the note is gone), for
/// [`Vault::index_changes`].
pub(in crate::vault) struct NoteChange {
    pub client_id: String,
    pub note_id: String,
    pub summary: Option<NoteSummary>,
}

/// A derived record as read for rewriting.
pub(in crate::vault) struct Slot<T> {
    /// The revision it was read at; `None` when there is none yet.
    version: Option<Version>,
    /// The stored record would not open: it is overwritten without a check.
    damaged: bool,
    /// The content.
    pub(in crate::vault) value: T,
}

impl<T: Serialize> Slot<T> {
    /// Whether the stored record would not open (its content is lost).
    pub(in crate::vault) fn damaged(&self) -> bool {
        self.damaged
    }

    /// Adds the content, sealed as record `id`'s next revision, to `batch`.
    pub(in crate::vault) fn write<S: EncryptedStore<Purpose = Records>>(
        &self,
        batch: Batch,
        keys: &Keyring,
        id: &str,
    ) -> Result<Batch, VaultError> {
        let sealer = Sealer::<S>::new(keys.records());
        Ok(match (&self.version, self.damaged) {
            // A damaged record is overwritten, with a fresh history.
            (_, true) => batch.put::<S>(id, sealer.seal_first(id, &self.value)?, Expect::Nothing),
            (None, false) => batch.put::<S>(id, sealer.seal_first(id, &self.value)?, Expect::New),
            (Some(version), false) => batch.put::<S>(
                id,
                sealer.seal_child(id, version, &self.value)?,
                Expect::Leaf(version.rev),
            ),
        })
    }
}

/// A client's index, as read for rewriting.
pub(in crate::vault) type IndexSlot = Slot<ClientNoteIndex>;

impl IndexSlot {
    fn empty(client_id: &str, version: Option<Version>, damaged: bool) -> IndexSlot {
        Slot {
            version,
            damaged,
            value: ClientNoteIndex::new(ClientId(client_id.to_owned())),
        }
    }

    /// Adds the index to `batch`, under its client's id.
    pub(in crate::vault) fn write_index(
        &self,
        batch: Batch,
        keys: &Keyring,
    ) -> Result<Batch, VaultError> {
        let id = self.value.client_id().0.clone();
        self.write::<NoteIndex>(batch, keys, &id)
    }
}

/// The practice summary, as read for rewriting.
pub(in crate::vault) type SummarySlot = Slot<PracticeSummary>;

impl SummarySlot {
    /// Adds the summary to `batch`.
    pub(in crate::vault) fn write_summary(
        &self,
        batch: Batch,
        keys: &Keyring,
    ) -> Result<Batch, VaultError> {
        self.write::<PracticeSummaryStore>(batch, keys, PRACTICE)
    }
}

impl Vault {
    /// Every client's note tally: one small record, whatever the size of the
    /// vault. Built from the notes first if it is missing or does not open.
    pub async fn note_overview(&self) -> Result<NoteOverview, VaultError> {
        let slot = self.summary_slot().await?;
        if slot.version.is_none() || slot.damaged {
            return Ok(self.check_index().await?.overview);
        }
        Ok(NoteOverview {
            summary: slot.value,
            damaged: self.unindexed_damaged(),
        })
    }

    /// Checks, once per session, that the index covers every note, and fixes it
    /// if not. Returns whether anything changed, so a screen showing the index
    /// reads it again.
    pub async fn verify_note_index(&self) -> Result<bool, VaultError> {
        if self.index_checked() {
            return Ok(false);
        }
        let slot = self.summary_slot().await?;
        if !slot.damaged && slot.version.is_some() {
            // Every path that writes a note writes the summary in the same
            // transaction, or clears it (restore): the count is the check.
            let stored = u64::from(count(self.connection(), ProgressNotes::NAME).await?);
            if stored == slot.value.notes() {
                self.set_index_checked(Some(Vec::new()));
                return Ok(false);
            }
        }
        let before = slot.value;
        let after = self.check_index().await?.overview;
        Ok(after.summary != before || after.damaged() > 0)
    }

    /// One client's note index: what their timeline shows.
    pub async fn client_note_index(&self, client_id: &str) -> Result<ClientNoteIndex, VaultError> {
        // After a restore or an upgrade the index is built first, and after
        // anything that cast doubt on it, verified first: a timeline opened
        // straight away must not show an empty or stale record. Otherwise
        // whether a standing index still covers every note is the background
        // check's work (`verify_note_index`): its count reads the whole notes
        // store, which on disk costs a first tap after unlocking tens of
        // milliseconds.
        let slot = if self.index_doubted() {
            self.verify_note_index().await?;
            if self.index_doubted() {
                // Still doubted: the corrected index could not be written (a
                // custodian's session, which writes no index, or a full
                // disk). What the check computed is right for now.
                return Ok(self.check_index().await?.index_of(client_id));
            }
            self.index_slot(client_id).await?
        } else if !self.index_checked() {
            // Read together: the slot is used only if the summary is sound.
            let (summary, slot) = futures::join!(self.summary_slot(), self.index_slot(client_id));
            let summary = summary?;
            if summary.version.is_none() || summary.damaged {
                return Ok(self.check_index().await?.index_of(client_id));
            }
            slot?
        } else {
            self.index_slot(client_id).await?
        };
        if !slot.damaged {
            return Ok(slot.value);
        }
        Ok(self.check_index().await?.index_of(client_id))
    }

    /// Reads one client's notes through their index, corrects any summary that
    /// disagrees with its note, and reports the notes that do not open.
    pub async fn check_client_notes(
        &self,
        client_id: &str,
    ) -> Result<ClientNotesCheck, VaultError> {
        let (notes, corrected) = self.read_client_notes(client_id).await?;
        let damaged = notes
            .into_iter()
            .filter_map(|n| match n {
                Loaded::Damaged { id } => Some(id),
                Loaded::Ok(_) => None,
            })
            .collect();
        Ok(ClientNotesCheck { damaged, corrected })
    }

    /// One client's progress notes, read by id through their index, followed
    /// by the damaged notes whose client cannot be known.
    pub async fn progress_notes_of(
        &self,
        client_id: &str,
    ) -> Result<Vec<Loaded<ProgressNote>>, VaultError> {
        Ok(self.read_client_notes(client_id).await?.0)
    }

    async fn read_client_notes(
        &self,
        client_id: &str,
    ) -> Result<(Vec<Loaded<ProgressNote>>, bool), VaultError> {
        self.verify_note_index().await?;
        let mut slot = self.index_slot(client_id).await?;
        if slot.damaged || self.index_doubted() {
            // Rebuilt from the notes (and written back if it can be); kept
            // marked damaged so this call does not write it again.
            slot.value = self.check_index().await?.index_of(client_id);
        }
        let ids: Vec<String> = slot.value.notes().iter().map(|n| n.id.0.clone()).collect();
        let mut notes = self
            .get_many::<ProgressNotes, ProgressNote>(&ids, Keyring::records_key)
            .await?;
        // An entry must describe a note of this client: anything else is left
        // out, and a summary behind its note is corrected.
        notes.retain(|n| match n {
            Loaded::Ok(s) => s.value.client_id().as_str() == client_id,
            Loaded::Damaged { .. } => true,
        });
        // A note older than its index entry was put back from before: every
        // write through the vault moves both together, so it is shown as
        // damaged, and the index keeps what it knew.
        for n in &mut notes {
            if let Loaded::Ok(s) = n {
                let indexed = slot.value.get(&s.id).map_or(0, |e| e.rev);
                if indexed > s.version.rev.generation {
                    *n = Loaded::Damaged { id: s.id.clone() };
                }
            }
        }
        let mut stale = false;
        for n in &notes {
            if let Loaded::Ok(s) = n {
                stale |= slot.value.upsert(summary_of(s));
            }
        }
        let found: HashSet<String> = notes
            .iter()
            .map(|n| match n {
                Loaded::Ok(s) => s.id.clone(),
                Loaded::Damaged { id } => id.clone(),
            })
            .collect();
        stale |= slot.value.retain_existing(|id| found.contains(id));
        let mut corrected = false;
        if stale && !slot.damaged {
            // Best effort: another tab may have corrected it first, and the
            // notes read are right either way.
            let mut summary = self.summary_slot().await?;
            summary.value.update(&slot.value);
            let batch = self.with_keys(|keys| {
                let batch = slot.write_index(Batch::new(), keys)?;
                summary.write_summary(batch, keys)
            })?;
            corrected = batch.commit(self.connection()).await.is_ok();
        }
        notes.extend(
            self.unindexed_damaged()
                .into_iter()
                .filter(|id| !found.contains(id))
                .map(|id| Loaded::Damaged { id }),
        );
        Ok((notes, corrected))
    }

    /// `batch`, with the index entries of progress notes written other than
    /// through the commit path (taken in from elsewhere, or settled): each
    /// client's index and the practice summary, checked against the
    /// revisions read here like any commit.
    pub(in crate::vault) async fn index_changes(
        &self,
        batch: Batch,
        changes: &[NoteChange],
    ) -> Result<Batch, VaultError> {
        if changes.is_empty() {
            return Ok(batch);
        }
        let clients: std::collections::BTreeSet<&str> =
            changes.iter().map(|c| c.client_id.as_str()).collect();
        let mut slots = Vec::with_capacity(clients.len());
        for client in clients {
            slots.push(self.index_slot(client).await?);
        }
        let mut summary = self.summary_slot().await?;
        if summary.damaged() || slots.iter().any(|s| s.damaged()) {
            // What they held is lost with them: have it found again.
            self.set_index_checked(None);
        }
        for change in changes {
            let Some(slot) = slots
                .iter_mut()
                .find(|s| s.value.client_id().as_str() == change.client_id)
            else {
                continue;
            };
            match &change.summary {
                Some(entry) => {
                    slot.value.upsert(entry.clone());
                }
                None => {
                    slot.value.retain_existing(|id| id != change.note_id);
                }
            }
        }
        for slot in &slots {
            summary.value.update(&slot.value);
        }
        self.with_keys(|keys| {
            let mut batch = batch;
            for slot in &slots {
                batch = slot.write_index(batch, keys)?;
            }
            summary.write_summary(batch, keys)
        })
    }

    /// A client's index as stored, for rewriting.
    pub(in crate::vault) async fn index_slot(
        &self,
        client_id: &str,
    ) -> Result<IndexSlot, VaultError> {
        let raw = match read_one(self.connection(), NoteIndex::NAME, client_id).await {
            Ok(raw) => raw,
            Err(VaultError::NotFound) => return Ok(IndexSlot::empty(client_id, None, false)),
            Err(e) => return Err(e),
        };
        self.with_keys(|keys| Ok(open_index(keys, client_id, &raw)))
    }

    /// The practice summary as stored, for rewriting.
    pub(in crate::vault) async fn summary_slot(&self) -> Result<SummarySlot, VaultError> {
        let raw = match read_one(self.connection(), PracticeSummaryStore::NAME, PRACTICE).await {
            Ok(raw) => raw,
            Err(VaultError::NotFound) => {
                return Ok(Slot {
                    version: None,
                    damaged: false,
                    value: PracticeSummary::default(),
                })
            }
            Err(e) => return Err(e),
        };
        self.with_keys(|keys| {
            Ok(open_slot::<PracticeSummaryStore, _>(
                keys,
                &raw,
                |_| true,
                PracticeSummary::default,
            ))
        })
    }

    /// Compares the index with the ids in `progress_notes`, indexes the notes it
    /// lacks, drops entries of notes that are gone, rebuilds the practice
    /// summary from the indexes, and writes what changed.
    async fn check_index(&self) -> Result<Checked, VaultError> {
        let raw = read_all(self.connection(), NoteIndex::NAME).await?;
        let ids = read_ids(self.connection(), ProgressNotes::NAME).await?;
        let summary_slot = self.summary_slot().await?;
        let mut slots: HashMap<String, IndexSlot> = self.with_keys(|keys| {
            Ok(raw
                .iter()
                .map(|r| {
                    let id = match r {
                        RawRecord::Sealed(s) => s.id.clone(),
                        RawRecord::Unreadable { id } => id.clone(),
                    };
                    let slot = open_index(keys, &id, r);
                    (id, slot)
                })
                .collect())
        })?;

        let existing: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut changed: HashSet<String> = HashSet::new();
        let mut covered: HashSet<String> = HashSet::new();
        for (client, slot) in &mut slots {
            if slot.damaged || slot.value.retain_existing(|id| existing.contains(id)) {
                changed.insert(client.clone());
            }
            covered.extend(slot.value.notes().iter().map(|n| n.id.0.clone()));
        }
        let missing: Vec<String> = ids.into_iter().filter(|id| !covered.contains(id)).collect();

        let mut damaged = Vec::new();
        if !missing.is_empty() {
            let notes = if missing.len() > READ_ALL_ABOVE {
                // A chunk at a time with a pause between, so rebuilding after
                // a restore or a merge never freezes the screen. A note saved
                // meanwhile moves its index slot on, and then the write below
                // is refused and the next check runs again.
                let wanted: HashSet<&str> = missing.iter().map(String::as_str).collect();
                let mut found = Vec::with_capacity(missing.len());
                self.progress_notes_in_chunks(REBUILD_CHUNK, REBUILD_CHUNK, |chunk, _, _| {
                    found.extend(chunk.into_iter().filter(|n| match n {
                        Loaded::Ok(s) => wanted.contains(s.id.as_str()),
                        Loaded::Damaged { id } => wanted.contains(id.as_str()),
                    }));
                    true
                })
                .await?;
                found
            } else {
                let mut found = Vec::with_capacity(missing.len());
                for (i, ids) in missing.chunks(REBUILD_CHUNK as usize).enumerate() {
                    if i > 0 {
                        gloo::timers::future::TimeoutFuture::new(0).await;
                    }
                    found.extend(
                        self.get_many::<ProgressNotes, ProgressNote>(ids, Keyring::records_key)
                            .await?,
                    );
                }
                found
            };
            for note in notes {
                match note {
                    Loaded::Ok(s) => {
                        let client = s.value.client_id().0.clone();
                        slots
                            .entry(client.clone())
                            .or_insert_with(|| IndexSlot::empty(&client, None, false))
                            .value
                            .upsert(summary_of(&s));
                        changed.insert(client);
                    }
                    Loaded::Damaged { id } => damaged.push(id),
                }
            }
        }

        let summary = PracticeSummary::of(slots.values().map(|s| &s.value));
        let summary_changed =
            summary_slot.version.is_none() || summary_slot.damaged || summary_slot.value != summary;
        let written = if changed.is_empty() && !summary_changed {
            Ok(())
        } else {
            let summary_slot = Slot {
                value: summary.clone(),
                ..summary_slot
            };
            // Sealed a few clients at a time with a pause between (after a
            // restore every client's index is new): still one transaction.
            let changed: Vec<&String> = changed.iter().collect();
            let mut batch = Batch::new();
            for (i, clients) in changed.chunks(SEAL_CHUNK).enumerate() {
                if i > 0 {
                    gloo::timers::future::TimeoutFuture::new(0).await;
                }
                batch = self.with_keys(|keys| {
                    clients.iter().try_fold(batch, |batch, client| {
                        slots[*client].write_index(batch, keys)
                    })
                })?;
            }
            let batch = self.with_keys(|keys| summary_slot.write_summary(batch, keys))?;
            batch.commit(self.connection()).await
        };
        match written {
            Ok(()) => self.set_index_checked(Some(damaged.clone())),
            Err(VaultError::Locked) => return Err(VaultError::Locked),
            // Another tab indexed first, or storage is full: what was computed is
            // still right for now, and the next check runs again.
            Err(_) => self.set_index_checked(None),
        }
        Ok(Checked {
            overview: NoteOverview { summary, damaged },
            indexes: slots
                .into_iter()
                .map(|(client, slot)| (client, slot.value))
                .collect(),
        })
    }
}

/// A stored note's index entry.
pub(in crate::vault) fn summary_of(stored: &Stored<ProgressNote>) -> NoteSummary {
    let mut summary = NoteSummary::of(&stored.value, stored.version.rev.generation);
    summary.unsettled = stored.conflicts > 0;
    summary
}

/// Opens a stored client index; one that does not open, or opens as another
/// client's, is an empty slot to overwrite.
fn open_index(keys: &Keyring, client_id: &str, raw: &RawRecord) -> IndexSlot {
    open_slot::<NoteIndex, _>(
        keys,
        raw,
        |index: &ClientNoteIndex| index.client_id().as_str() == client_id,
        || ClientNoteIndex::new(ClientId(client_id.to_owned())),
    )
}

fn open_slot<S: EncryptedStore<Purpose = Records>, T: DeserializeOwned>(
    keys: &Keyring,
    raw: &RawRecord,
    valid: impl Fn(&T) -> bool,
    empty: impl FnOnce() -> T,
) -> Slot<T> {
    match raw {
        RawRecord::Sealed(sealed) => match Sealer::<S>::new(keys.records()).open::<T>(sealed) {
            Ok(Some(s)) if valid(&s.value) => Slot {
                version: Some(s.version),
                damaged: false,
                value: s.value,
            },
            _ => Slot {
                version: None,
                damaged: true,
                value: empty(),
            },
        },
        RawRecord::Unreadable { .. } => Slot {
            version: None,
            damaged: true,
            value: empty(),
        },
    }
}
