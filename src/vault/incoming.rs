//! Taking in revisions made elsewhere: a backup of this vault, another device.
//!
//! Each incoming leaf must first open under this vault's key for its store,
//! bound to its record and revision id: a leaf that was damaged, forged, moved
//! or sealed by another vault is refused and counted, never stored. Accepted
//! leaves are merged into the record's revision tree (see
//! [`super::revision_tree`]) under the record's own rules
//! ([`crate::domain::record_merge`]: a signed note is never replaced by a
//! draft), so every replica that took in the same leaves ends with the same
//! record, whatever order they came in.
//!
//! Only the stores that travel are merged here: clients, progress notes,
//! psychotherapy notes, questionnaires, treatment plans and the audit log. Drafts and settings belong to the
//! device; the note index and the practice summary are derived, and rebuilt.

use crate::domain::record_merge::LeafKind;
use crate::domain::{ProgressNote, ProgressNoteId};

use super::keyring::Keyring;
use super::record::{Sealed, StoredRecord};
use super::revision_tree::{Leaf, RevTree};
use super::sealer::{RecordRules, Sealer};
use super::store::{
    AuditLog, Clients, EncryptedStore, MeasureResults, ProgressNotes, PsychotherapyNotes,
    RightsLedger, SafetyPlans, TreatmentPlans,
};
use super::VaultError;

/// The stores whose records travel between replicas.
pub const REPLICATED_STORES: [&str; 8] = [
    Clients::NAME,
    ProgressNotes::NAME,
    PsychotherapyNotes::NAME,
    AuditLog::NAME,
    MeasureResults::NAME,
    TreatmentPlans::NAME,
    SafetyPlans::NAME,
    RightsLedger::NAME,
];

/// What taking in one record did to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Took {
    /// Everything was known here already (or refused).
    Nothing,
    /// The record was new here.
    New,
    /// A newer revision replaced the one here.
    Updated,
    /// The record now has more than one live revision: a conflict for the
    /// clinician to settle.
    Conflict,
}

/// A record after taking in what came from elsewhere.
#[derive(Debug)]
pub struct MergedRecord {
    /// The record to store, if anything changed.
    pub record: Option<StoredRecord>,
    pub took: Took,
    /// Incoming leaves that did not open, and were left out.
    pub refused: usize,
    /// New records of the same store made by the merge: a draft version of a
    /// note signed meanwhile, kept as a flagged conflict copy. Take them in
    /// like any incoming record (another device may have made the same copy:
    /// it has the same id and revision, and converges).
    pub copies: Vec<StoredRecord>,
}

/// A leaf with what the rules need to know of it.
struct Judged {
    sealed: Sealed,
    kind: LeafKind,
}

impl std::borrow::Borrow<LeafKind> for Judged {
    fn borrow(&self) -> &LeafKind {
        &self.kind
    }
}

/// Merges `incoming`'s leaves into `current`, record `incoming.id` of store
/// `store`; see the module doc.
///
/// # Errors
/// [`VaultError::Storage`] for a store that does not travel.
pub fn merge_into(
    keys: &Keyring,
    store: &str,
    current: Option<&StoredRecord>,
    incoming: &StoredRecord,
) -> Result<MergedRecord, VaultError> {
    match store {
        s if s == Clients::NAME => Ok(merge_with(
            &Sealer::<Clients>::new(keys.records()),
            current,
            incoming,
        )),
        s if s == ProgressNotes::NAME => {
            let sealer = Sealer::<ProgressNotes>::new(keys.records());
            let mut merged = merge_with(&sealer, current, incoming);
            merged.copies = copy_drafts_beside_signed(&sealer, &mut merged)?;
            Ok(merged)
        }
        s if s == PsychotherapyNotes::NAME => Ok(merge_with(
            &Sealer::<PsychotherapyNotes>::new(keys.psychotherapy()?),
            current,
            incoming,
        )),
        s if s == MeasureResults::NAME => Ok(merge_with(
            &Sealer::<MeasureResults>::new(keys.records()),
            current,
            incoming,
        )),
        s if s == TreatmentPlans::NAME => Ok(merge_with(
            &Sealer::<TreatmentPlans>::new(keys.records()),
            current,
            incoming,
        )),
        s if s == SafetyPlans::NAME => Ok(merge_with(
            &Sealer::<SafetyPlans>::new(keys.records()),
            current,
            incoming,
        )),
        s if s == RightsLedger::NAME => Ok(merge_with(
            &Sealer::<RightsLedger>::new(keys.records()),
            current,
            incoming,
        )),
        s if s == AuditLog::NAME => Ok(merge_with(
            &Sealer::<AuditLog>::new(keys.audit()?),
            current,
            incoming,
        )),
        _ => Err(VaultError::Storage(format!(
            "records of the {store} store are not merged"
        ))),
    }
}

fn merge_with<S: EncryptedStore>(
    sealer: &Sealer<S>,
    current: Option<&StoredRecord>,
    incoming: &StoredRecord,
) -> MergedRecord {
    let id = &incoming.id;
    // What is already a leaf here needs no work (the common case on a second
    // exchange): nothing is opened for it.
    let unknown: Vec<&Leaf<Sealed>> = incoming
        .tree
        .leaves()
        .iter()
        .filter(|l| current.is_none_or(|c| c.tree.leaf(&l.rev).is_none()))
        .collect();
    if unknown.is_empty() {
        return MergedRecord {
            record: None,
            took: Took::Nothing,
            refused: 0,
            copies: Vec::new(),
        };
    }
    let mut refused = 0;
    let mut accepted = Vec::with_capacity(unknown.len());
    for leaf in unknown {
        match sealer.judge(id, leaf) {
            Ok(kind) => accepted.push(leaf.clone().map(|sealed| Judged { sealed, kind })),
            Err(_) => refused += 1,
        }
    }
    let mut tree: RevTree<Judged> = match current {
        // A leaf here that does not open is still kept: it is this device's,
        // and shows as damaged. The rules treat it as plain.
        Some(c) => RevTree::from_leaves(
            c.tree
                .leaves()
                .iter()
                .map(|l| {
                    let kind = sealer.judge(id, l).unwrap_or(LeafKind::Plain);
                    l.clone().map(|sealed| Judged { sealed, kind })
                })
                .collect(),
        ),
        None => RevTree::default(),
    };
    let before: Vec<_> = tree.leaves().iter().map(|l| l.rev).collect();
    for leaf in accepted {
        tree.merge(leaf, &RecordRules);
    }
    let mut after: Vec<_> = tree.leaves().iter().map(|l| l.rev).collect();
    let mut sorted_before = before.clone();
    sorted_before.sort();
    after.sort();
    if after == sorted_before {
        return MergedRecord {
            record: None,
            took: Took::Nothing,
            refused,
            copies: Vec::new(),
        };
    }
    let live = tree.leaves().iter().filter(|l| !l.deleted).count();
    let took = if live > 1 {
        Took::Conflict
    } else if current.is_none() {
        Took::New
    } else {
        Took::Updated
    };
    MergedRecord {
        record: Some(StoredRecord {
            id: id.clone(),
            tree: RevTree::from_leaves(
                tree.into_leaves()
                    .into_iter()
                    .map(|l| l.map(|j| j.sealed))
                    .collect(),
            ),
        }),
        took,
        refused,
        copies: Vec::new(),
    }
}

/// The rule "a signed note is never replaced by a draft", finished: a draft
/// version of a note that is signed now (edited on a device that did not know)
/// becomes a draft note of its own, flagged as a conflict copy of the signed
/// one and shown beside it, and its leaf is set aside. The copy's id and both
/// new revisions are derived from the leaf, so every device that meets the
/// same versions makes the same copy.
fn copy_drafts_beside_signed(
    sealer: &Sealer<ProgressNotes>,
    merged: &mut MergedRecord,
) -> Result<Vec<StoredRecord>, VaultError> {
    let Some(record) = merged.record.as_mut() else {
        return Ok(Vec::new());
    };
    let live: Vec<(Leaf<Sealed>, Option<ProgressNote>)> = record
        .tree
        .leaves()
        .iter()
        .filter(|l| !l.deleted)
        .map(|l| {
            let note = sealer
                .open_plaintext(&record.id, l)
                .ok()
                .and_then(|p| serde_json::from_slice::<ProgressNote>(&p).ok());
            (l.clone(), note)
        })
        .collect();
    if !live
        .iter()
        .any(|(_, n)| matches!(n, Some(ProgressNote::Signed(_))))
    {
        return Ok(Vec::new());
    }
    let mut copies = Vec::new();
    for (leaf, note) in live {
        let Some(ProgressNote::Draft(mut draft)) = note else {
            continue;
        };
        let copy_id = sealer.derived_id("conflict-copy", &record.id, &leaf.rev);
        draft.id = ProgressNoteId(copy_id.clone());
        draft.conflict_of = Some(ProgressNoteId(record.id.clone()));
        let first = sealer.seal_first(&copy_id, &ProgressNote::Draft(draft))?;
        copies.push(StoredRecord {
            id: copy_id,
            tree: RevTree::new(first),
        });
        let aside = sealer.seal_set_aside(&record.id, &leaf)?;
        record
            .tree
            .edit(&leaf.rev, aside)
            .ok_or_else(|| VaultError::Damaged {
                id: record.id.clone(),
            })?;
    }
    if merged.took == Took::Conflict
        && record.tree.leaves().iter().filter(|l| !l.deleted).count() == 1
    {
        merged.took = Took::Updated;
    }
    Ok(copies)
}

#[cfg(test)]
mod tests {
    //! Two devices holding the same vault's keys, taking in each other's
    //! records, with real sealing.

    use super::*;
    use crate::crypto::MasterKey;
    use crate::domain::progress_note::fixtures::{clinician, complete_draft, session_end};
    use crate::domain::{Addendum, Timestamp};
    use crate::vault::keyring::NewKeys;
    use crate::vault::sealer::Version;

    fn keys() -> Keyring {
        let NewKeys { keyring, .. } = Keyring::generate(MasterKey::generate().unwrap()).unwrap();
        keyring
    }

    fn notes(keys: &Keyring) -> Sealer<'_, ProgressNotes> {
        Sealer::new(keys.records())
    }

    fn version(record: &StoredRecord) -> Version {
        record.tree.leaves()[0].as_ref().map(|_| ())
    }

    /// Record `record` after an edit to `value` made on its only leaf.
    fn edited(keys: &Keyring, record: &StoredRecord, value: &ProgressNote) -> StoredRecord {
        let leaf = notes(keys)
            .seal_child(&record.id, &version(record), value)
            .unwrap();
        let mut next = record.clone();
        next.tree.edit(&leaf.parent().unwrap(), leaf).unwrap();
        next
    }

    fn first(keys: &Keyring, id: &str, value: &ProgressNote) -> StoredRecord {
        StoredRecord {
            id: id.into(),
            tree: RevTree::new(notes(keys).seal_first(id, value).unwrap()),
        }
    }

    fn shown(keys: &Keyring, record: &StoredRecord) -> ProgressNote {
        notes(keys)
            .open::<ProgressNote>(record)
            .unwrap()
            .unwrap()
            .value
    }

    fn take(keys: &Keyring, here: &StoredRecord, incoming: &StoredRecord) -> MergedRecord {
        merge_into(keys, ProgressNotes::NAME, Some(here), incoming).unwrap()
    }

    fn draft(text: &str) -> ProgressNote {
        let mut d = complete_draft();
        d.id = ProgressNoteId("note-1".into());
        d.set_section("subjective", text);
        ProgressNote::Draft(d)
    }

    fn signed_from(note: &ProgressNote) -> ProgressNote {
        let ProgressNote::Draft(d) = note else {
            panic!("a draft")
        };
        let at = Timestamp(session_end().0 + 3_600_000);
        let client = crate::domain::Client::new(d.client_id.clone(), "Fixture");
        let references = crate::domain::References::client(&client);
        ProgressNote::Signed(
            d.clone()
                .sign(references, &clinician(), at, 72, None)
                .unwrap(),
        )
    }

    fn with_addendum(note: &ProgressNote, text: &str, hour: i64) -> ProgressNote {
        let ProgressNote::Signed(s) = note else {
            panic!("signed")
        };
        let mut s = s.clone();
        let at = Timestamp(session_end().0 + hour * 3_600_000);
        s.add_addendum(Addendum::new(text, &clinician(), at).unwrap());
        ProgressNote::Signed(s)
    }

    fn leaf_revs(record: &StoredRecord) -> Vec<String> {
        let mut revs: Vec<String> = record
            .tree
            .leaves()
            .iter()
            .map(|l| format!("{}{}", l.rev, l.deleted))
            .collect();
        revs.sort();
        revs
    }

    #[test]
    fn a_draft_edited_elsewhere_never_replaces_the_signed_note_and_its_words_survive() {
        let keys = keys();
        let base = first(&keys, "note-1", &draft("base"));
        // Device A signs; device B, not knowing, edits the draft twice.
        let a = edited(&keys, &base, &signed_from(&draft("base")));
        let b1 = edited(&keys, &base, &draft("B's first words"));
        let b = edited(&keys, &b1, &draft("B's words"));
        assert!(b.tree.leaves()[0].rev.generation > a.tree.leaves()[0].rev.generation);

        let into_a = take(&keys, &a, &b);
        let a_after = into_a.record.clone().unwrap();
        assert!(matches!(shown(&keys, &a_after), ProgressNote::Signed(_)));
        assert_eq!(into_a.copies.len(), 1);
        let copy = &into_a.copies[0];
        let ProgressNote::Draft(copied) = shown(&keys, copy) else {
            panic!("the copy is a draft")
        };
        assert_eq!(copied.section("subjective"), "B's words");
        assert_eq!(
            copied.conflict_of.as_ref().map(|i| i.as_str()),
            Some("note-1")
        );
        assert_eq!(copied.id.as_str(), copy.id);
        // Nothing left to settle on the note itself: the words are in the copy.
        assert_eq!(
            notes(&keys)
                .open::<ProgressNote>(&a_after)
                .unwrap()
                .unwrap()
                .conflicts,
            0
        );

        // B takes in A's note: the same signed note, the same copy.
        let into_b = take(&keys, &b, &a);
        let b_after = into_b.record.unwrap();
        assert_eq!(leaf_revs(&b_after), leaf_revs(&a_after));
        assert_eq!(into_b.copies.len(), 1);
        assert_eq!(into_b.copies[0].id, copy.id);
        assert_eq!(leaf_revs(&into_b.copies[0]), leaf_revs(copy));
        // And after exchanging again, nothing changes.
        assert_eq!(take(&keys, &a_after, &b_after).took, Took::Nothing);
        // B's older draft arriving late changes nothing either.
        assert_eq!(take(&keys, &a_after, &b1).took, Took::Nothing);
    }

    #[test]
    fn the_longer_chain_of_addenda_wins_and_two_different_ones_are_both_kept() {
        let keys = keys();
        let base = first(&keys, "note-1", &draft("base"));
        let signed = signed_from(&draft("base"));
        let s = edited(&keys, &base, &signed);
        let one = with_addendum(&signed, "first", 2);
        let longer = edited(&keys, &s, &one);
        let longest = edited(&keys, &longer, &with_addendum(&one, "second", 3));
        let merged = take(&keys, &s, &longest);
        assert_eq!(merged.took, Took::Updated);
        assert_eq!(
            shown(&keys, merged.record.as_ref().unwrap()),
            with_addendum(&one, "second", 3)
        );

        // Two devices each add a different addendum: both kept, flagged.
        let mine = edited(&keys, &s, &with_addendum(&signed, "mine", 2));
        let theirs = edited(&keys, &s, &with_addendum(&signed, "theirs", 2));
        let merged = take(&keys, &mine, &theirs);
        assert_eq!(merged.took, Took::Conflict);
        assert!(merged.copies.is_empty());
        let record = merged.record.unwrap();
        assert_eq!(
            notes(&keys)
                .open::<ProgressNote>(&record)
                .unwrap()
                .unwrap()
                .conflicts,
            1
        );
        // The other side ends the same.
        let other = take(&keys, &theirs, &mine).record.unwrap();
        assert_eq!(leaf_revs(&other), leaf_revs(&record));
        assert_eq!(shown(&keys, &other), shown(&keys, &record));
    }

    #[test]
    fn a_deletion_stays_deleted_and_an_edit_made_after_it_elsewhere_is_a_conflict() {
        let keys = keys();
        let sealer = Sealer::<Clients>::new(keys.records());
        let client = crate::domain::Client::new(crate::domain::ClientId("c1".into()), "Alex");
        let base = StoredRecord {
            id: "c1".into(),
            tree: RevTree::new(sealer.seal_first("c1", &client).unwrap()),
        };
        let mut deleted = base.clone();
        let gone = sealer.seal_tombstone("c1", &version(&base)).unwrap();
        deleted.tree.edit(&base.tree.leaves()[0].rev, gone).unwrap();
        // The older revision, arriving again, changes nothing.
        let again = merge_into(&keys, Clients::NAME, Some(&deleted), &base).unwrap();
        assert_eq!(again.took, Took::Nothing);
        assert!(sealer
            .open::<crate::domain::Client>(&deleted)
            .unwrap()
            .is_none());

        // An edit made elsewhere from before the deletion: kept, and flagged.
        let mut renamed = client.clone();
        renamed.name = "Alex R.".into();
        let mut edited = base.clone();
        let leaf = sealer.seal_child("c1", &version(&base), &renamed).unwrap();
        edited.tree.edit(&base.tree.leaves()[0].rev, leaf).unwrap();
        let merged = merge_into(&keys, Clients::NAME, Some(&deleted), &edited).unwrap();
        let record = merged.record.unwrap();
        let opened = sealer
            .open::<crate::domain::Client>(&record)
            .unwrap()
            .unwrap();
        assert_eq!(opened.value.name, "Alex R.");
        assert_eq!(opened.conflicts, 1, "deleted here, edited there");
    }

    #[test]
    fn a_leaf_from_another_vault_moved_or_altered_is_refused() {
        let keys = keys();
        let here = first(&keys, "note-1", &draft("mine"));
        let mut theirs = edited(&keys, &here, &draft("theirs"));

        // Sealed by another vault.
        let stranger = super::tests::keys();
        let foreign = first(&stranger, "note-1", &draft("foreign"));
        let merged = take(&keys, &here, &foreign);
        assert_eq!((merged.took, merged.refused), (Took::Nothing, 1));
        assert!(merged.record.is_none());

        // Moved from another record.
        let mut moved = first(&keys, "note-2", &draft("elsewhere"));
        moved.id = "note-1".into();
        assert_eq!(take(&keys, &here, &moved).refused, 1);

        // One bit of the ciphertext flipped.
        let mut leaves = theirs.tree.clone().into_leaves();
        leaves[0].payload.envelope.ciphertext[0] ^= 1;
        theirs.tree = RevTree::from_leaves(leaves);
        let merged = take(&keys, &here, &theirs);
        assert_eq!((merged.took, merged.refused), (Took::Nothing, 1));

        // A store that does not travel.
        assert!(merge_into(&keys, "drafts", None, &here).is_err());
    }
}
