//! A client's note index: what the home screen and a client's record need to
//! know about each progress note, without its text.
//!
//! Ten years of practice is about 10,000 progress notes, 20 MB of text. The home
//! screen needs only each client's last session and how many notes wait to be
//! signed; a client's record needs only which notes are theirs. Reading and
//! decrypting every note for that made unlocking cost a second and a half, and
//! grow with the vault. So the vault keeps one small [`ClientNoteIndex`] per
//! client, sealed like any record and rewritten in the same transaction as each
//! note it describes.
//!
//! The index is derived data: the notes stay the record. It holds no clinical
//! text, only ids, revisions, dates and the signed state, and it can always be
//! rebuilt from the notes (after a restore, a merge or an upgrade).

use serde::{Deserialize, Serialize};

use super::{ClientId, Date, ProgressNote, ProgressNoteId};

/// One progress note, as the index knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSummary {
    /// The note's id.
    pub id: ProgressNoteId,
    /// The stored revision this summary was taken from.
    pub rev: u64,
    /// The date of service, once entered.
    pub date_of_service: Option<Date>,
    /// Whether the note is signed and locked.
    pub signed: bool,
}

impl NoteSummary {
    /// The summary of `note`, stored at revision `rev`.
    pub fn of(note: &ProgressNote, rev: u64) -> NoteSummary {
        NoteSummary {
            id: note.id().clone(),
            rev,
            date_of_service: note.date_of_service(),
            signed: note.is_signed(),
        }
    }
}

/// The progress notes of one client, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientNoteIndex {
    /// The client the notes belong to. Also the record's id; kept inside so an
    /// index opened under the wrong id is noticed.
    client_id: ClientId,
    /// Sorted by id, one entry per note.
    notes: Vec<NoteSummary>,
}

impl ClientNoteIndex {
    /// An empty index for `client_id`.
    pub fn new(client_id: ClientId) -> ClientNoteIndex {
        ClientNoteIndex {
            client_id,
            notes: Vec::new(),
        }
    }

    /// The client these notes belong to.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The summaries, sorted by note id.
    pub fn notes(&self) -> &[NoteSummary] {
        &self.notes
    }

    /// The summary of note `id`, if indexed.
    pub fn get(&self, id: &str) -> Option<&NoteSummary> {
        self.position(id).ok().map(|i| &self.notes[i])
    }

    /// Adds or replaces the summary of a note. Returns whether anything changed.
    pub fn upsert(&mut self, summary: NoteSummary) -> bool {
        match self.position(summary.id.as_str()) {
            Ok(i) if self.notes[i] == summary => false,
            Ok(i) => {
                self.notes[i] = summary;
                true
            }
            Err(i) => {
                self.notes.insert(i, summary);
                true
            }
        }
    }

    /// Drops the summaries whose note `exists` says is gone. Returns whether any was.
    pub fn retain_existing(&mut self, exists: impl Fn(&str) -> bool) -> bool {
        let before = self.notes.len();
        self.notes.retain(|n| exists(n.id.as_str()));
        self.notes.len() != before
    }

    /// The latest date of service, if any note has one.
    pub fn last_session(&self) -> Option<Date> {
        self.notes.iter().filter_map(|n| n.date_of_service).max()
    }

    /// How many notes are not signed yet.
    pub fn unsigned(&self) -> usize {
        self.notes.iter().filter(|n| !n.signed).count()
    }

    fn position(&self, id: &str) -> Result<usize, usize> {
        self.notes.binary_search_by(|n| n.id.as_str().cmp(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::{complete_draft, date, signed_note};

    fn summary(id: &str, rev: u64, day: Option<&str>, signed: bool) -> NoteSummary {
        NoteSummary {
            id: ProgressNoteId(id.into()),
            rev,
            date_of_service: day.map(date),
            signed,
        }
    }

    fn index(entries: &[NoteSummary]) -> ClientNoteIndex {
        let mut index = ClientNoteIndex::new(ClientId("client-1".into()));
        for e in entries {
            index.upsert(e.clone());
        }
        index
    }

    #[test]
    fn a_summary_takes_the_notes_id_date_and_state_and_no_text() {
        let draft = ProgressNote::Draft(complete_draft());
        let s = NoteSummary::of(&draft, 4);
        assert_eq!(s, summary("note-1", 4, Some("2024-03-05"), false));
        let signed = ProgressNote::Signed(signed_note());
        assert!(NoteSummary::of(&signed, 5).signed);

        let json = serde_json::to_string(&index(&[s])).unwrap();
        assert!(!json.contains("anxious"), "no clinical text: {json}");
    }

    #[test]
    fn upsert_adds_replaces_and_reports_change() {
        let mut idx = index(&[]);
        assert!(idx.upsert(summary("b", 1, None, false)));
        assert!(idx.upsert(summary("a", 1, None, false)));
        assert!(!idx.upsert(summary("a", 1, None, false)), "same summary");
        assert!(idx.upsert(summary("a", 2, Some("2024-01-02"), true)));
        let ids: Vec<&str> = idx.notes().iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "one entry per note, sorted");
        assert_eq!(idx.get("a").map(|n| n.rev), Some(2));
        assert_eq!(idx.get("c"), None);
    }

    #[test]
    fn last_session_and_unsigned_count() {
        let idx = index(&[
            summary("a", 1, Some("2024-01-02"), true),
            summary("b", 1, Some("2024-03-01"), false),
            summary("c", 1, None, false),
        ]);
        assert_eq!(idx.last_session(), Some(date("2024-03-01")));
        assert_eq!(idx.unsigned(), 2);
        assert_eq!(index(&[]).last_session(), None);
        assert_eq!(index(&[]).unsigned(), 0);
    }

    #[test]
    fn retain_existing_drops_only_missing_notes() {
        let mut idx = index(&[summary("a", 1, None, false), summary("b", 1, None, true)]);
        assert!(!idx.retain_existing(|_| true));
        assert!(idx.retain_existing(|id| id == "b"));
        assert_eq!(idx.notes().len(), 1);
        assert_eq!(idx.unsigned(), 0);
    }
}
