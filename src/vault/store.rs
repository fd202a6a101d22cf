//! Which object store is sealed under which key, as types.
//!
//! Each encrypted store names the [`Purpose`] of its key, so the compiler refuses
//! to seal a psychotherapy note with the records key or to read the
//! `psychotherapy_notes` store with anything but the psychotherapy key.

use sha2::{Digest, Sha256};

use crate::crypto::{Audit, Drafts, Psychotherapy, Purpose, Records};
use crate::domain::measure::MeasureRecord;
use crate::domain::record_merge::LeafKind;
use crate::domain::ProgressNote;

/// An encrypted object store.
pub trait EncryptedStore {
    /// The IndexedDB store name, also bound into every record's AAD.
    const NAME: &'static str;
    /// The key that seals its records.
    type Purpose: Purpose;

    /// What a revision is for the merge rules, from its plaintext: plain for
    /// every store but progress notes.
    fn leaf_kind(_plaintext: &[u8]) -> LeafKind {
        LeafKind::Plain
    }
}

/// Defines a store type. One line per store keeps the list easy to audit.
macro_rules! store {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $purpose:ty) => {
        $(#[$doc])*
        pub enum $ty {}
        impl EncryptedStore for $ty {
            const NAME: &'static str = $name;
            type Purpose = $purpose;
        }
    };
}

store!(
    /// Client records, under the records key.
    Clients, "clients", Records
);
/// Progress notes (the official record), under the records key. A signed
/// note's revisions follow [`crate::domain::record_merge`]'s rules.
pub enum ProgressNotes {}
impl EncryptedStore for ProgressNotes {
    const NAME: &'static str = "progress_notes";
    type Purpose = Records;

    fn leaf_kind(plaintext: &[u8]) -> LeafKind {
        match serde_json::from_slice::<ProgressNote>(plaintext) {
            Ok(ProgressNote::Signed(note)) => LeafKind::Signed {
                content_sha256: note.signature().content_sha256.clone(),
                addenda: note
                    .addenda()
                    .iter()
                    .map(|a| a.content_sha256().to_owned())
                    .collect(),
            },
            _ => LeafKind::Plain,
        }
    }
}
/// Questionnaires (PHQ-9, GAD-7…): a draft while answered, then the result,
/// under the same id. Under the records key: test results are part of the
/// record (45 CFR 164.501 excludes them from psychotherapy notes). A finished
/// result merges like a signed note: no draft revision ever replaces it.
pub enum MeasureResults {}
impl EncryptedStore for MeasureResults {
    const NAME: &'static str = "measure_results";
    type Purpose = Records;

    fn leaf_kind(plaintext: &[u8]) -> LeafKind {
        match serde_json::from_slice::<MeasureRecord>(plaintext) {
            Ok(MeasureRecord::Result(_)) => LeafKind::Signed {
                content_sha256: Sha256::digest(plaintext)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                addenda: Vec::new(),
            },
            _ => LeafKind::Plain,
        }
    }
}
store!(
    /// Psychotherapy notes, under their own key (45 CFR 164.501).
    PsychotherapyNotes, "psychotherapy_notes", Psychotherapy
);
store!(
    /// The append-only audit log, under the audit key.
    AuditLog, "audit_log", Audit
);
store!(
    /// Unsaved progress-note editor state, under the drafts key.
    DraftsStore, "drafts", Drafts
);
store!(
    /// One [`ClientNoteIndex`](crate::domain::ClientNoteIndex) per client, keyed by
    /// the client's id, under the records key (it describes progress notes).
    NoteIndex, "note_index", Records
);
store!(
    /// One [`PracticeSummary`](crate::domain::PracticeSummary) (every client's
    /// note tally), under the records key: all the home screen reads of notes.
    PracticeSummaryStore, "practice_summary", Records
);
store!(
    /// Settings (clinician profile, timers), sealed under the records key and kept
    /// beside the header in `vault_meta`.
    SettingsStore, "vault_meta", Records
);
store!(
    /// How this device syncs (server, user, password), sealed under the
    /// records key in `vault_meta`, beside the settings, under its own id.
    SyncConfigStore, "vault_meta", Records
);

/// The plaintext header's store.
pub const VAULT_META: &str = "vault_meta";
/// Records changed here and not yet sent to the sync server, by
/// `store:id` (see [`super::sync`]). Plaintext ids only.
pub const SYNC_OUTBOX: &str = "sync_outbox";

/// Every object store of the current schema. The schema module declares exactly
/// these; rexie deletes any store that is not declared, so this list only grows.
pub const ALL_STORES: [&str; 10] = [
    VAULT_META,
    Clients::NAME,
    ProgressNotes::NAME,
    PsychotherapyNotes::NAME,
    AuditLog::NAME,
    DraftsStore::NAME,
    NoteIndex::NAME,
    PracticeSummaryStore::NAME,
    SYNC_OUTBOX,
    MeasureResults::NAME,
];

/// The stores a backup holds: all but the derived ones. The note index and the
/// practice summary are rebuilt from the notes after a restore or a merge, so
/// a backup never carries a second, possibly disagreeing, account of them.
pub const BACKED_UP_STORES: [&str; 7] = [
    VAULT_META,
    Clients::NAME,
    ProgressNotes::NAME,
    PsychotherapyNotes::NAME,
    AuditLog::NAME,
    DraftsStore::NAME,
    MeasureResults::NAME,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_names_are_the_documented_ones_and_unique() {
        assert_eq!(
            ALL_STORES,
            [
                "vault_meta",
                "clients",
                "progress_notes",
                "psychotherapy_notes",
                "audit_log",
                "drafts",
                "note_index",
                "practice_summary",
                "sync_outbox",
                "measure_results"
            ]
        );
        let mut sorted = ALL_STORES.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ALL_STORES.len());
    }

    #[test]
    fn backups_hold_every_store_but_the_derived_index() {
        let mut expected: Vec<&str> = ALL_STORES.to_vec();
        expected.retain(|s| {
            *s != NoteIndex::NAME && *s != PracticeSummaryStore::NAME && *s != SYNC_OUTBOX
        });
        assert_eq!(BACKED_UP_STORES.to_vec(), expected);
    }

    #[test]
    fn psychotherapy_notes_have_their_own_key() {
        assert_eq!(
            <PsychotherapyNotes as EncryptedStore>::Purpose::LABEL,
            "psychotherapy"
        );
        assert_eq!(<ProgressNotes as EncryptedStore>::Purpose::LABEL, "records");
        assert_eq!(
            <MeasureResults as EncryptedStore>::Purpose::LABEL,
            "records",
            "results are part of the record"
        );
    }
}
