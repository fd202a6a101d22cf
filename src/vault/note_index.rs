//! The note index in IndexedDB: one sealed [`ClientNoteIndex`] per client in
//! `note_index`, so the home screen and a client's record never read every note.
//!
//! How it stays true:
//! - every note commit rewrites its client's index in the same transaction
//!   (see [`Vault::commit_progress_note`]), with the usual revision check, so
//!   two tabs saving notes of one client retry instead of losing an entry;
//! - once per session, the first use compares the index with the ids in
//!   `progress_notes` (ids only, no note is read) and indexes what is missing:
//!   every note after an upgrade or a restore, the notes a merge brought, or the
//!   notes of an index that no longer opens;
//! - a client's record reads its notes by id and corrects any summary that
//!   disagrees with the note it describes.
//!
//! The index is never backed up: it is rebuilt from the notes instead.

use std::collections::{HashMap, HashSet};

use crate::domain::{ClientId, ClientNoteIndex, NoteSummary, ProgressNote};

use super::keyring::Keyring;
use super::repository::{read_all, read_ids, read_one, Batch, Expect, Loaded, RawRecord, Sealer};
use super::session::Vault;
use super::store::{EncryptedStore, NoteIndex, ProgressNotes};
use super::VaultError;

/// Above this many unindexed notes, reading the whole store beats reading by id.
const READ_ALL_ABOVE: usize = 500;

/// What the home screen needs of every client's notes.
#[derive(Clone, Debug, Default)]
pub struct NoteOverview {
    indexes: HashMap<String, ClientNoteIndex>,
    damaged: Vec<String>,
}

impl NoteOverview {
    /// The index of one client's notes, if they have any.
    pub fn of(&self, client_id: &str) -> Option<&ClientNoteIndex> {
        self.indexes.get(client_id)
    }

    /// Notes not signed yet, across all clients.
    pub fn unsigned(&self) -> usize {
        self.indexes.values().map(ClientNoteIndex::unsigned).sum()
    }

    /// Progress notes that cannot be opened (so their client is unknown).
    pub fn damaged(&self) -> usize {
        self.damaged.len()
    }
}

/// A client's index as read for rewriting.
pub(in crate::vault) struct IndexSlot {
    /// Revision it was read at; 0 when there is none yet.
    rev: u64,
    /// The stored record would not open: it is overwritten without a check.
    damaged: bool,
    /// The content.
    pub(in crate::vault) index: ClientNoteIndex,
}

impl IndexSlot {
    /// Whether the stored index would not open (its entries are lost).
    pub(in crate::vault) fn damaged(&self) -> bool {
        self.damaged
    }

    fn empty(client_id: &str, rev: u64, damaged: bool) -> IndexSlot {
        IndexSlot {
            rev,
            damaged,
            index: ClientNoteIndex::new(ClientId(client_id.to_owned())),
        }
    }

    /// Adds the slot's index, sealed as its next revision, to `batch`.
    pub(in crate::vault) fn write(
        &self,
        batch: Batch,
        keys: &Keyring,
    ) -> Result<Batch, VaultError> {
        let id = self.index.client_id().0.as_str();
        let rev = self.rev + 1;
        let sealed = Sealer::<NoteIndex>::new(keys.records()).seal(id, rev, &self.index)?;
        let batch = if self.damaged {
            batch.put_unchecked(NoteIndex::NAME, sealed, None)
        } else if self.rev == 0 {
            batch.put::<NoteIndex>(sealed, Expect::New)
        } else {
            batch.put::<NoteIndex>(sealed, Expect::Revision(self.rev))
        };
        Ok(batch)
    }
}

impl Vault {
    /// Every client's note index, checked against the notes once per session,
    /// and the number of notes that cannot be opened.
    pub async fn note_overview(&self) -> Result<NoteOverview, VaultError> {
        if self.index_checked() {
            let listed = self
                .list::<NoteIndex, ClientNoteIndex>(Keyring::records)
                .await?;
            let mut indexes = HashMap::with_capacity(listed.len());
            let mut sound = true;
            for loaded in listed {
                match loaded {
                    Loaded::Ok(s) if s.value.client_id().0 == s.id => {
                        indexes.insert(s.id, s.value);
                    }
                    _ => sound = false,
                }
            }
            if sound {
                return Ok(NoteOverview {
                    indexes,
                    damaged: self.unindexed_damaged(),
                });
            }
        }
        self.check_index().await
    }

    /// One client's progress notes, read by id through the index, followed by
    /// the damaged notes whose client cannot be known.
    pub async fn progress_notes_of(
        &self,
        client_id: &str,
    ) -> Result<Vec<Loaded<ProgressNote>>, VaultError> {
        if !self.index_checked() {
            self.check_index().await?;
        }
        let mut slot = self.index_slot(client_id).await?;
        if slot.damaged {
            let overview = self.check_index().await?;
            slot = IndexSlot {
                rev: 0,
                damaged: false,
                index: overview
                    .of(client_id)
                    .cloned()
                    .unwrap_or_else(|| ClientNoteIndex::new(ClientId(client_id.to_owned()))),
            };
        }
        let ids: Vec<String> = slot.index.notes().iter().map(|n| n.id.0.clone()).collect();
        let mut notes = self
            .get_many::<ProgressNotes, ProgressNote>(&ids, Keyring::records)
            .await?;
        // An index entry must describe a note of this client: anything else
        // is left out, and a summary behind its note is corrected.
        notes.retain(|n| match n {
            Loaded::Ok(s) => s.value.client_id().as_str() == client_id,
            Loaded::Damaged { .. } => true,
        });
        let mut stale = false;
        for n in &notes {
            if let Loaded::Ok(s) = n {
                stale |= slot.index.upsert(NoteSummary::of(&s.value, s.rev));
            }
        }
        let found: HashSet<&str> = notes
            .iter()
            .map(|n| match n {
                Loaded::Ok(s) => s.id.as_str(),
                Loaded::Damaged { id } => id.as_str(),
            })
            .collect();
        stale |= slot.index.retain_existing(|id| found.contains(id));
        if stale && slot.rev > 0 {
            // Best effort: another tab may have corrected it first.
            let batch = self.with_keys(|keys| slot.write(Batch::new(), keys))?;
            let _ = batch.commit(self.db()).await;
        }
        let known: HashSet<String> = found.into_iter().map(str::to_owned).collect();
        notes.extend(
            self.unindexed_damaged()
                .into_iter()
                .filter(|id| !known.contains(id))
                .map(|id| Loaded::Damaged { id }),
        );
        Ok(notes)
    }

    /// A client's index as stored, for rewriting.
    pub(in crate::vault) async fn index_slot(
        &self,
        client_id: &str,
    ) -> Result<IndexSlot, VaultError> {
        let raw = match read_one(self.db(), NoteIndex::NAME, client_id).await {
            Ok(raw) => raw,
            Err(VaultError::NotFound) => return Ok(IndexSlot::empty(client_id, 0, false)),
            Err(e) => return Err(e),
        };
        self.with_keys(|keys| Ok(open_slot(keys, client_id, &raw)))
    }

    /// Brings the summaries of notes `ids` up to date, after something other
    /// than a note commit wrote them (a merge). If that fails, the next use
    /// checks the whole index again.
    pub(in crate::vault) async fn reindex(&self, ids: &[String]) -> Result<(), VaultError> {
        let result = self.try_reindex(ids).await;
        if result.is_err() {
            self.set_index_checked(None);
        }
        result
    }

    async fn try_reindex(&self, ids: &[String]) -> Result<(), VaultError> {
        let notes = self
            .get_many::<ProgressNotes, ProgressNote>(ids, Keyring::records)
            .await?;
        let mut by_client: HashMap<String, Vec<NoteSummary>> = HashMap::new();
        for note in notes {
            match note {
                Loaded::Ok(s) => by_client
                    .entry(s.value.client_id().0.clone())
                    .or_default()
                    .push(NoteSummary::of(&s.value, s.rev)),
                Loaded::Damaged { id } => return Err(VaultError::Damaged { id }),
            }
        }
        let mut slots = Vec::with_capacity(by_client.len());
        for (client, summaries) in by_client {
            let mut slot = self.index_slot(&client).await?;
            if slot.damaged {
                return Err(VaultError::Damaged { id: client });
            }
            for summary in summaries {
                slot.index.upsert(summary);
            }
            slots.push(slot);
        }
        let batch = self.with_keys(|keys| {
            let mut batch = Batch::new();
            for slot in &slots {
                batch = slot.write(batch, keys)?;
            }
            Ok(batch)
        })?;
        batch.commit(self.db()).await
    }

    /// Compares the index with the ids in `progress_notes`, indexes the notes it
    /// lacks, drops entries of notes that are gone, and rewrites what changed.
    async fn check_index(&self) -> Result<NoteOverview, VaultError> {
        let raw = read_all(self.db(), NoteIndex::NAME).await?;
        let ids = read_ids(self.db(), ProgressNotes::NAME).await?;
        let mut slots: HashMap<String, IndexSlot> = self.with_keys(|keys| {
            Ok(raw
                .iter()
                .map(|r| {
                    let id = match r {
                        RawRecord::Sealed(s) => s.id.clone(),
                        RawRecord::Unreadable { id } => id.clone(),
                    };
                    let slot = open_slot(keys, &id, r);
                    (id, slot)
                })
                .collect())
        })?;

        let existing: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut changed: HashSet<String> = HashSet::new();
        let mut covered: HashSet<String> = HashSet::new();
        for (client, slot) in &mut slots {
            if slot.damaged || slot.index.retain_existing(|id| existing.contains(id)) {
                changed.insert(client.clone());
            }
            covered.extend(slot.index.notes().iter().map(|n| n.id.0.clone()));
        }
        let missing: Vec<String> = ids.into_iter().filter(|id| !covered.contains(id)).collect();

        let mut damaged = Vec::new();
        if !missing.is_empty() {
            let notes = if missing.len() > READ_ALL_ABOVE {
                let wanted: HashSet<&str> = missing.iter().map(String::as_str).collect();
                let mut all = self.progress_notes().await?;
                all.retain(|n| match n {
                    Loaded::Ok(s) => wanted.contains(s.id.as_str()),
                    Loaded::Damaged { id } => wanted.contains(id.as_str()),
                });
                all
            } else {
                self.get_many::<ProgressNotes, ProgressNote>(&missing, Keyring::records)
                    .await?
            };
            for note in notes {
                match note {
                    Loaded::Ok(s) => {
                        let client = s.value.client_id().0.clone();
                        slots
                            .entry(client.clone())
                            .or_insert_with(|| IndexSlot::empty(&client, 0, false))
                            .index
                            .upsert(NoteSummary::of(&s.value, s.rev));
                        changed.insert(client);
                    }
                    Loaded::Damaged { id } => damaged.push(id),
                }
            }
        }

        let written = if changed.is_empty() {
            Ok(())
        } else {
            let batch = self.with_keys(|keys| {
                let mut batch = Batch::new();
                for client in &changed {
                    batch = slots[client].write(batch, keys)?;
                }
                Ok(batch)
            })?;
            batch.commit(self.db()).await
        };
        match written {
            Ok(()) => self.set_index_checked(Some(damaged.clone())),
            Err(VaultError::Locked) => return Err(VaultError::Locked),
            // Another tab indexed first, or storage is full: what was computed is
            // still right for now, and the next use checks again.
            Err(_) => self.set_index_checked(None),
        }
        Ok(NoteOverview {
            indexes: slots
                .into_iter()
                .map(|(client, slot)| (client, slot.index))
                .collect(),
            damaged,
        })
    }
}

/// Opens a stored index; one that does not open, or opens as another client's,
/// is an empty slot to overwrite.
fn open_slot(keys: &Keyring, client_id: &str, raw: &RawRecord) -> IndexSlot {
    match raw {
        RawRecord::Sealed(sealed) => {
            match Sealer::<NoteIndex>::new(keys.records()).open::<ClientNoteIndex>(sealed) {
                Ok(s) if s.value.client_id().as_str() == client_id => IndexSlot {
                    rev: s.rev,
                    damaged: false,
                    index: s.value,
                },
                _ => IndexSlot::empty(client_id, sealed.rev, true),
            }
        }
        RawRecord::Unreadable { .. } => IndexSlot::empty(client_id, 0, true),
    }
}
