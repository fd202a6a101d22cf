//! A client's note index: what the home screen and a client's record need to
//! know about each progress note, without its text.
//!
//! Ten years of practice is about 10,000 progress notes, 20 MB of text. The home
//! screen needs only each client's last session and how many notes wait to be
//! signed; a client's timeline needs only each note's date, template, code,
//! duration and state. Reading and decrypting every note for that made
//! unlocking cost a second and a half, and grow with the vault. So the vault
//! keeps, sealed like any record and rewritten in the same transaction as each
//! note:
//! - one [`ClientNoteIndex`] per client: a [`NoteSummary`] of each of their
//!   notes, which is all the timeline shows;
//! - one [`PracticeSummary`]: a [`ClientTally`] per client, which is all the
//!   home screen shows, so unlocking decrypts one small record whatever the
//!   size of the vault.
//!
//! Both are derived data: the notes stay the record. They hold no clinical
//! text, and can always be rebuilt from the notes (after a restore, a merge or
//! an upgrade).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    ClientId, Date, ProgressNote, ProgressNoteDraft, ProgressNoteId, ServiceCode, Template,
    TimeOfDay, Timestamp,
};

/// One progress note, as its client's timeline shows it.
///
/// The field names are one letter when stored: a client with 500 notes still
/// has a small index to decrypt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteSummary {
    /// The note's id.
    #[serde(rename = "i")]
    pub id: ProgressNoteId,
    /// The stored revision this summary was taken from (0: never stored).
    #[serde(rename = "r")]
    pub rev: u64,
    /// The date of service, once entered.
    #[serde(rename = "d")]
    pub date_of_service: Option<Date>,
    /// The session's start, once entered.
    #[serde(rename = "b")]
    pub start: Option<TimeOfDay>,
    /// The session's length, once start and end are entered.
    #[serde(rename = "m")]
    pub duration_minutes: Option<u32>,
    /// The note's template.
    #[serde(rename = "t")]
    pub template: Template,
    /// A custom template's name, as the note keeps it.
    #[serde(rename = "tn", default, skip_serializing_if = "Option::is_none")]
    pub custom_template_name: Option<String>,
    /// The service code, once chosen.
    #[serde(rename = "c")]
    pub service_code: Option<ServiceCode>,
    /// When the content last changed.
    #[serde(rename = "u")]
    pub updated_at: Timestamp,
    /// Signed and locked.
    #[serde(rename = "s")]
    pub signed: bool,
    /// Signed as a late entry.
    #[serde(rename = "l")]
    pub late_entry: bool,
    /// Addenda written after signing.
    #[serde(rename = "a")]
    pub addenda: u32,
    /// A draft kept from another device's edits to a note signed meanwhile.
    #[serde(rename = "k", default, skip_serializing_if = "is_false")]
    pub conflict_copy: bool,
    /// Versions from different devices wait to be settled.
    #[serde(rename = "v", default, skip_serializing_if = "is_false")]
    pub unsettled: bool,
    /// The ids of the questionnaire results the note includes: a signed note
    /// that includes a flagged result has addressed its flag.
    #[serde(rename = "q", default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl NoteSummary {
    /// "SOAP", or a custom template's name.
    pub fn template_name(&self) -> &str {
        self.custom_template_name
            .as_deref()
            .unwrap_or(self.template.name())
    }

    /// The summary of `note`, stored at revision `rev`.
    pub fn of(note: &ProgressNote, rev: u64) -> NoteSummary {
        let mut summary = NoteSummary::of_draft(note.content(), rev);
        if let Some(signed) = note.as_signed() {
            summary.signed = true;
            summary.late_entry = signed.late_entry().is_some();
            summary.addenda = u32::try_from(signed.addenda().len()).unwrap_or(u32::MAX);
        }
        summary
    }

    /// The summary of an unsigned note's content (also of an editor buffer
    /// never saved, with `rev` 0).
    pub fn of_draft(draft: &ProgressNoteDraft, rev: u64) -> NoteSummary {
        NoteSummary {
            id: draft.id.clone(),
            rev,
            date_of_service: draft.date_of_service,
            start: draft.start,
            duration_minutes: draft.duration_minutes(),
            template: draft.template,
            custom_template_name: draft.custom().map(|t| t.name.clone()),
            service_code: draft.service_code.clone(),
            updated_at: draft.updated_at,
            signed: false,
            late_entry: false,
            addenda: 0,
            conflict_copy: draft.conflict_of.is_some(),
            unsettled: false,
            results: draft
                .measure_results
                .iter()
                .map(|r| r.result_id.clone())
                .collect(),
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

    /// The first and the last date of service, if any note has one.
    pub fn session_span(&self) -> Option<(Date, Date)> {
        let first = self.notes.iter().filter_map(|n| n.date_of_service).min()?;
        Some((first, self.last_session()?))
    }

    /// How many notes are not signed yet.
    pub fn unsigned(&self) -> usize {
        self.notes.iter().filter(|n| !n.signed).count()
    }

    fn position(&self, id: &str) -> Result<usize, usize> {
        self.notes.binary_search_by(|n| n.id.as_str().cmp(id))
    }
}

/// What the home screen shows of one client's notes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientTally {
    /// Progress notes.
    #[serde(rename = "n")]
    pub notes: u32,
    /// Of which not signed yet.
    #[serde(rename = "u")]
    pub unsigned: u32,
    /// The latest date of service.
    #[serde(rename = "d")]
    pub last_session: Option<Date>,
}

impl ClientTally {
    /// The tally of one client's index.
    pub fn of(index: &ClientNoteIndex) -> ClientTally {
        ClientTally {
            notes: u32::try_from(index.notes().len()).unwrap_or(u32::MAX),
            unsigned: u32::try_from(index.unsigned()).unwrap_or(u32::MAX),
            last_session: index.last_session(),
        }
    }
}

/// Every client's [`ClientTally`], by client id: the home screen's one record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeSummary {
    clients: BTreeMap<String, ClientTally>,
}

impl PracticeSummary {
    /// The summary of these indexes.
    pub fn of<'a>(indexes: impl IntoIterator<Item = &'a ClientNoteIndex>) -> PracticeSummary {
        let mut summary = PracticeSummary::default();
        for index in indexes {
            summary.update(index);
        }
        summary
    }

    /// Takes in one client's index. Returns whether anything changed.
    pub fn update(&mut self, index: &ClientNoteIndex) -> bool {
        let tally = ClientTally::of(index);
        let id = &index.client_id().0;
        if tally.notes == 0 {
            return self.clients.remove(id).is_some();
        }
        if self.clients.get(id) == Some(&tally) {
            return false;
        }
        self.clients.insert(id.clone(), tally);
        true
    }

    /// One client's tally; `None` when they have no notes.
    pub fn tally(&self, client_id: &str) -> Option<&ClientTally> {
        self.clients.get(client_id)
    }

    /// Progress notes across all clients.
    pub fn notes(&self) -> u64 {
        self.clients.values().map(|t| u64::from(t.notes)).sum()
    }

    /// Notes not signed yet, across all clients.
    pub fn unsigned(&self) -> u64 {
        self.clients.values().map(|t| u64::from(t.unsigned)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::progress_note::fixtures::{complete_draft, date, signed_note};

    fn summary(id: &str, rev: u64, day: Option<&str>, signed: bool) -> NoteSummary {
        let mut draft = complete_draft();
        draft.id = ProgressNoteId(id.into());
        draft.date_of_service = day.map(date);
        let mut s = NoteSummary::of_draft(&draft, rev);
        s.signed = signed;
        s
    }

    fn index(entries: &[NoteSummary]) -> ClientNoteIndex {
        let mut index = ClientNoteIndex::new(ClientId("client-1".into()));
        for e in entries {
            index.upsert(e.clone());
        }
        index
    }

    #[test]
    fn a_summary_takes_what_the_timeline_shows_and_no_text() {
        let draft = ProgressNote::Draft(complete_draft());
        let s = NoteSummary::of(&draft, 4);
        assert_eq!(s, summary("note-1", 4, Some("2024-03-05"), false));
        assert_eq!(s.template, Template::Soap);
        assert_eq!(s.service_code, Some(ServiceCode::Cpt90834));
        assert_eq!(s.duration_minutes, Some(50));
        assert_eq!(s.start, TimeOfDay::parse("14:00").ok());
        assert_eq!(s.updated_at, complete_draft().updated_at);
        assert!(!s.late_entry);

        let signed = signed_note();
        let s = NoteSummary::of(&ProgressNote::Signed(signed.clone()), 5);
        assert!(s.signed);
        assert_eq!(s.addenda, 0);
        assert_eq!(s.late_entry, signed.late_entry().is_some());

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
    fn session_span_is_first_and_last_dated_note() {
        let idx = index(&[
            summary("a", 1, Some("2024-01-02"), true),
            summary("b", 1, None, false),
            summary("c", 1, Some("2023-11-30"), true),
        ]);
        assert_eq!(
            idx.session_span(),
            Some((date("2023-11-30"), date("2024-01-02")))
        );
        assert_eq!(index(&[summary("b", 1, None, false)]).session_span(), None);
    }

    #[test]
    fn the_practice_summary_tallies_each_client_and_reports_change() {
        let a = index(&[
            summary("a", 1, Some("2024-01-02"), true),
            summary("b", 1, Some("2024-03-01"), false),
        ]);
        let mut b = ClientNoteIndex::new(ClientId("client-2".into()));
        b.upsert(summary("c", 1, None, false));
        let mut practice = PracticeSummary::of([&a, &b]);
        assert_eq!(practice.notes(), 3);
        assert_eq!(practice.unsigned(), 2);
        assert_eq!(
            practice.tally("client-1"),
            Some(&ClientTally {
                notes: 2,
                unsigned: 1,
                last_session: Some(date("2024-03-01"))
            })
        );
        assert!(!practice.update(&a), "unchanged");
        b.upsert(summary("c", 2, None, true));
        assert!(practice.update(&b));
        assert_eq!(practice.unsigned(), 1);
        assert!(practice.update(&ClientNoteIndex::new(ClientId("client-2".into()))));
        assert_eq!(practice.tally("client-2"), None, "no notes, no tally");
        assert_eq!(practice, PracticeSummary::of([&a]));
    }

    #[test]
    fn stored_summaries_are_compact_and_round_trip() {
        let idx = index(&[summary(
            "0123456789abcdef0123456789abcdef",
            3,
            Some("2024-01-02"),
            true,
        )]);
        let json = serde_json::to_string(&idx).unwrap();
        assert!(json.len() < 200, "{} bytes: {json}", json.len());
        assert_eq!(serde_json::from_str::<ClientNoteIndex>(&json).unwrap(), idx);
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
