//! Which object store is sealed under which key, as types.
//!
//! Each encrypted store names the [`Purpose`] of its key, so the compiler refuses
//! to seal a psychotherapy note with the records key or to read the
//! `psychotherapy_notes` store with anything but the psychotherapy key.

use sha2::{Digest, Sha256};

use crate::crypto::{Audit, Drafts, Psychotherapy, Purpose, Records};
use crate::domain::measure::MeasureRecord;
use crate::domain::record_merge::LeafKind;
use crate::domain::rights::LedgerEntry;
use crate::domain::{ProgressNote, SafetyPlan, TreatmentPlan};

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
/// Treatment plans, one record per client, under the records key: a plan is
/// part of the record (45 CFR 164.501). Its signed versions merge like a
/// signed note and its addenda: a revision holding fewer signed versions never
/// replaces one holding more, and a draft alone never replaces a signed plan.
pub enum TreatmentPlans {}
impl EncryptedStore for TreatmentPlans {
    const NAME: &'static str = "treatment_plans";
    type Purpose = Records;

    fn leaf_kind(plaintext: &[u8]) -> LeafKind {
        let Ok(plan) = serde_json::from_slice::<TreatmentPlan>(plaintext) else {
            return LeafKind::Plain;
        };
        // Version 1's digest names the plan's signed history; each later
        // version is an "addendum" to it, in order.
        let mut digests = plan
            .versions()
            .iter()
            .map(|v| v.signature().content_sha256.clone());
        match digests.next() {
            Some(first) => LeafKind::Signed {
                content_sha256: first,
                addenda: digests.collect(),
            },
            None => LeafKind::Plain,
        }
    }
}
/// Safety plans, one record per client holding every version, under the
/// records key: a plan written with the client is part of the record. Versions
/// are only ever appended, so they merge like a signed note's addenda: a
/// revision holding fewer versions never replaces one holding more.
pub enum SafetyPlans {}
impl EncryptedStore for SafetyPlans {
    const NAME: &'static str = "safety_plans";
    type Purpose = Records;

    fn leaf_kind(plaintext: &[u8]) -> LeafKind {
        let Ok(plan) = serde_json::from_slice::<SafetyPlan>(plaintext) else {
            return LeafKind::Plain;
        };
        appended(
            plan.versions()
                .iter()
                .map(|v| serde_json::to_vec(v).unwrap_or_default()),
        )
    }
}
/// The rights ledger (45 CFR 164.524, 164.526, 164.528): access and
/// amendment requests and the disclosures made, one record each, under the
/// records key. A decision, a statement of disagreement, a rebuttal and a
/// disclosure are only ever added, so they merge like a signed note's addenda:
/// a copy still open never replaces a decided one, and two different decisions
/// are both kept as a conflict.
pub enum RightsLedger {}
impl EncryptedStore for RightsLedger {
    const NAME: &'static str = "rights_ledger";
    type Purpose = Records;

    fn leaf_kind(plaintext: &[u8]) -> LeafKind {
        let Ok(entry) = serde_json::from_slice::<LedgerEntry>(plaintext) else {
            return LeafKind::Plain;
        };
        appended(entry.settled_parts().into_iter().map(String::into_bytes))
    }
}

/// The merge kind of a record that is only ever appended to: its parts'
/// digests, oldest first, as a signed note's content and addenda, so a
/// revision holding fewer parts never replaces one holding more. Nothing
/// appended yet is plain.
fn appended(parts: impl Iterator<Item = Vec<u8>>) -> LeafKind {
    let mut digests = parts.map(|part| {
        Sha256::digest(&part)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    });
    match digests.next() {
        Some(first) => LeafKind::Signed {
            content_sha256: first,
            addenda: digests.collect(),
        },
        None => LeafKind::Plain,
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
pub const ALL_STORES: [&str; 13] = [
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
    TreatmentPlans::NAME,
    SafetyPlans::NAME,
    RightsLedger::NAME,
];

/// The stores a backup holds: all but the derived ones. The note index and the
/// practice summary are rebuilt from the notes after a restore or a merge, so
/// a backup never carries a second, possibly disagreeing, account of them.
pub const BACKED_UP_STORES: [&str; 10] = [
    VAULT_META,
    Clients::NAME,
    ProgressNotes::NAME,
    PsychotherapyNotes::NAME,
    AuditLog::NAME,
    DraftsStore::NAME,
    MeasureResults::NAME,
    TreatmentPlans::NAME,
    SafetyPlans::NAME,
    RightsLedger::NAME,
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
                "measure_results",
                "treatment_plans",
                "safety_plans",
                "rights_ledger"
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
        assert_eq!(
            <TreatmentPlans as EncryptedStore>::Purpose::LABEL,
            "records",
            "a treatment plan is part of the record"
        );
    }

    #[test]
    fn a_plan_with_more_signed_versions_extends_one_with_fewer() {
        use crate::domain::progress_note::fixtures::clinician;
        use crate::domain::record_merge::may_replace;
        use crate::domain::treatment_plan::plan_fixtures::{at, ready_plan};

        let kind =
            |plan: &TreatmentPlan| TreatmentPlans::leaf_kind(&serde_json::to_vec(plan).unwrap());
        let mut plan = ready_plan();
        let draft = kind(&plan);
        assert_eq!(draft, LeafKind::Plain, "nothing signed yet");
        plan.sign(&clinician(), at("2025-01-07")).unwrap();
        let v1 = kind(&plan);
        plan.revise(at("2025-04-01")).unwrap();
        let revising = kind(&plan);
        assert_eq!(revising, v1, "a draft revision keeps the signed history");
        plan.sign(&clinician(), at("2025-04-02")).unwrap();
        let v2 = kind(&plan);
        assert!(may_replace(&draft, &v1));
        assert!(may_replace(&v1, &revising));
        assert!(may_replace(&v1, &v2));
        assert!(!may_replace(&v2, &v1), "version 2 is never dropped");
        assert!(
            !may_replace(&v1, &draft),
            "a draft never replaces a signed plan"
        );
    }

    #[test]
    fn a_decided_request_is_never_replaced_by_an_open_copy_or_another_decision() {
        use crate::domain::progress_note::fixtures::clinician;
        use crate::domain::record_merge::may_replace;
        use crate::domain::rights::fixtures::{amendment, date};
        use crate::domain::rights::DenialBasis;

        let kind = |request: &crate::domain::rights::AmendmentRequest| {
            RightsLedger::leaf_kind(
                &serde_json::to_vec(&LedgerEntry::Request(request.clone().into())).unwrap(),
            )
        };
        let open = amendment("r", "2024-03-01", &["n1"]);
        let mut denied = open.clone();
        denied
            .deny(
                date("2024-03-10"),
                DenialBasis::AccurateAndComplete,
                "Accurate.",
                &clinician(),
            )
            .unwrap();
        let mut stated = denied.clone();
        stated
            .record_statement(date("2024-03-12"), "I disagree.")
            .unwrap();
        let mut withdrawn = open.clone();
        withdrawn.withdraw(date("2024-03-05"), "").unwrap();
        assert_eq!(kind(&open), LeafKind::Plain);
        assert!(may_replace(&kind(&open), &kind(&denied)));
        assert!(may_replace(&kind(&denied), &kind(&stated)));
        assert!(
            !may_replace(&kind(&stated), &kind(&denied)),
            "the statement stays"
        );
        assert!(
            !may_replace(&kind(&denied), &kind(&open)),
            "the denial stays"
        );
        assert!(
            !may_replace(&kind(&denied), &kind(&withdrawn))
                && !may_replace(&kind(&withdrawn), &kind(&denied)),
            "two decisions are both kept"
        );
    }
}
