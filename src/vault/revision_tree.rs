//! Revision histories, as CouchDB keeps them: what makes two devices converge.
//!
//! Every revision of a record is named `generation-digest` (`3-9f2c…`). A
//! record keeps its *leaves*: the revisions nothing else descends from. Each
//! leaf carries its ancestry, the digests of the revisions before it, newest
//! first, up to [`REVS_LIMIT`] (like CouchDB's `_revisions`). Then:
//!
//! - an edit is a child of a leaf, and replaces it;
//! - a revision received from elsewhere that descends from a leaf replaces it
//!   (fast-forward); one that a leaf descends from, or that is already known,
//!   changes nothing; anything else is a *conflict*, kept beside the others;
//! - a deletion is a leaf too (a tombstone), so it replicates and stays deleted
//!   against older revisions;
//! - which leaf shows first is decided by CouchDB's rule (a leaf that is not
//!   deleted first, then the highest generation, then the greatest digest), so
//!   every replica that holds the same leaves shows the same one. The record's
//!   own rules (a signed note is never replaced by a draft) override it: see
//!   [`Domain`].
//!
//! Pure and generic over what a leaf carries, so it is tested natively, with
//! properties: replicas that exchanged everything hold the same leaves, in any
//! order of exchange.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How many ancestors a leaf remembers. Older history is dropped; two leaves
/// whose common ancestor lies beyond it are a conflict (as in CouchDB).
pub const REVS_LIMIT: usize = 100;

/// A revision's digest: 16 bytes, written as 32 lowercase hex digits.
pub type Digest = [u8; 16];

/// A revision id, `generation-digest`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevId {
    /// 1 for a record's first revision, one more for each edit.
    pub generation: u64,
    /// Names this revision among the record's revisions of the same generation.
    pub digest: Digest,
}

impl RevId {
    /// Parses `3-9f2c…` (32 hex digits after the dash).
    pub fn parse(text: &str) -> Option<RevId> {
        let (generation, hex) = text.split_once('-')?;
        let generation: u64 = generation.parse().ok().filter(|g| *g >= 1)?;
        Some(RevId {
            generation,
            digest: parse_digest(hex)?,
        })
    }
}

/// 32 lowercase hex digits as a digest.
pub fn parse_digest(hex: &str) -> Option<Digest> {
    if hex.len() != 32
        || !hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    let mut digest = [0u8; 16];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(digest)
}

/// A digest as 32 lowercase hex digits.
pub fn digest_hex(digest: &Digest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for RevId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.generation, digest_hex(&self.digest))
    }
}

impl fmt::Debug for RevId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for RevId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for RevId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RevId, D::Error> {
        let text = String::deserialize(deserializer)?;
        RevId::parse(&text).ok_or_else(|| serde::de::Error::custom("not a revision id"))
    }
}

/// One leaf: its revision, its ancestry, whether it deletes the record, and
/// what it carries (the sealed envelope, in the vault).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaf<P> {
    pub rev: RevId,
    /// Digests of the revisions before this one, newest first: the parent's
    /// digest, then the grandparent's, and so on, at most [`REVS_LIMIT`].
    pub ancestry: Vec<Digest>,
    pub deleted: bool,
    pub payload: P,
}

impl<P> Leaf<P> {
    /// A record's first revision.
    pub fn first(digest: Digest, deleted: bool, payload: P) -> Leaf<P> {
        Leaf {
            rev: RevId {
                generation: 1,
                digest,
            },
            ancestry: Vec::new(),
            deleted,
            payload,
        }
    }

    /// A child of this leaf (an edit, or a deletion).
    pub fn child<Q>(&self, digest: Digest, deleted: bool, payload: Q) -> Leaf<Q> {
        let mut ancestry = Vec::with_capacity((self.ancestry.len() + 1).min(REVS_LIMIT));
        ancestry.push(self.rev.digest);
        ancestry.extend(self.ancestry.iter().take(REVS_LIMIT - 1).copied());
        Leaf {
            rev: RevId {
                generation: self.rev.generation + 1,
                digest,
            },
            ancestry,
            deleted,
            payload,
        }
    }

    /// Whether `rev` is this leaf's revision or one of its remembered ancestors.
    pub fn has_in_history(&self, rev: &RevId) -> bool {
        if *rev == self.rev {
            return true;
        }
        let Some(back) = self.rev.generation.checked_sub(rev.generation) else {
            return false;
        };
        back >= 1 && self.ancestry.get((back - 1) as usize) == Some(&rev.digest)
    }

    /// The parent revision, if it is remembered.
    pub fn parent(&self) -> Option<RevId> {
        Some(RevId {
            generation: self.rev.generation.checked_sub(1).filter(|g| *g >= 1)?,
            digest: *self.ancestry.first()?,
        })
    }

    /// The same leaf carrying another payload.
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Leaf<Q> {
        Leaf {
            rev: self.rev,
            ancestry: self.ancestry,
            deleted: self.deleted,
            payload: f(self.payload),
        }
    }

    /// The same leaf's bookkeeping, borrowing the payload.
    pub fn as_ref(&self) -> Leaf<&P> {
        Leaf {
            rev: self.rev,
            ancestry: self.ancestry.clone(),
            deleted: self.deleted,
            payload: &self.payload,
        }
    }
}

/// What a record's own rules say about one leaf replacing another, decided on
/// what the leaves carry (the domain's rules for notes; none for others).
pub trait Domain<P> {
    /// Whether `newer`, a descendant of `older`, may replace it. When not, both
    /// are kept: the descendant as a conflict beside it.
    fn may_replace(&self, older: &P, newer: &P) -> bool;

    /// Among leaves that are not deleted, the one to show first, if the rules
    /// prefer one (a signed note over a draft); `None` leaves CouchDB's rule.
    fn preferred<'a>(&self, leaves: &[&'a Leaf<P>]) -> Option<&'a Leaf<P>>;
}

/// No rules beyond CouchDB's: any descendant replaces its ancestor.
pub struct NoRules;

impl<P> Domain<P> for NoRules {
    fn may_replace(&self, _: &P, _: &P) -> bool {
        true
    }
    fn preferred<'a>(&self, _: &[&'a Leaf<P>]) -> Option<&'a Leaf<P>> {
        None
    }
}

/// What merging one incoming leaf did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merged {
    /// Already known: the same revision, or an ancestor of a leaf.
    Known,
    /// It descends from a leaf and replaced it.
    Replaced,
    /// It is new beside the others: a new record, or a conflict.
    Added,
    /// It descends from a leaf the rules do not let it replace: kept beside it.
    Refused,
}

/// A record's leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevTree<P> {
    leaves: Vec<Leaf<P>>,
}

impl<P> Default for RevTree<P> {
    fn default() -> Self {
        RevTree { leaves: Vec::new() }
    }
}

impl<P> RevTree<P> {
    /// A record with one revision.
    pub fn new(leaf: Leaf<P>) -> RevTree<P> {
        RevTree { leaves: vec![leaf] }
    }

    /// Leaves as stored, in no particular order.
    pub fn from_leaves(leaves: Vec<Leaf<P>>) -> RevTree<P> {
        RevTree { leaves }
    }

    /// Every leaf, deleted ones included.
    pub fn leaves(&self) -> &[Leaf<P>] {
        &self.leaves
    }

    /// Takes the leaves out.
    pub fn into_leaves(self) -> Vec<Leaf<P>> {
        self.leaves
    }

    /// Whether `rev` is a leaf or a remembered ancestor of one.
    pub fn knows(&self, rev: &RevId) -> bool {
        self.leaves.iter().any(|l| l.has_in_history(rev))
    }

    /// The leaf with revision `rev`.
    pub fn leaf(&self, rev: &RevId) -> Option<&Leaf<P>> {
        self.leaves.iter().find(|l| l.rev == *rev)
    }

    /// The leaf shown first: the rules' preference among the leaves that are
    /// not deleted, else CouchDB's rule.
    pub fn winner(&self, rules: &impl Domain<P>) -> Option<&Leaf<P>> {
        let live: Vec<&Leaf<P>> = self.leaves.iter().filter(|l| !l.deleted).collect();
        if let Some(preferred) = rules.preferred(&live) {
            return Some(preferred);
        }
        self.leaves
            .iter()
            .max_by_key(|l| (!l.deleted, l.rev.generation, l.rev.digest))
    }

    /// The leaves that are not deleted and not the winner: the record's
    /// conflicts, for the clinician to settle.
    pub fn conflicts(&self, rules: &impl Domain<P>) -> Vec<&Leaf<P>> {
        let winner = self.winner(rules).map(|w| w.rev);
        self.leaves
            .iter()
            .filter(|l| !l.deleted && Some(l.rev) != winner)
            .collect()
    }

    /// Whether every leaf is deleted (the record shows as gone).
    pub fn is_deleted(&self) -> bool {
        !self.leaves.is_empty() && self.leaves.iter().all(|l| l.deleted)
    }

    /// Takes in one leaf received from elsewhere; see the module doc.
    ///
    /// The rules apply both ways, so the result does not depend on the order
    /// revisions arrive in: a descendant the rules do not let replace a leaf
    /// is kept beside it, and an ancestor arriving after such a descendant is
    /// kept too, as it would have been had it come first.
    pub fn merge(&mut self, incoming: Leaf<P>, rules: &impl Domain<P>) -> Merged {
        if self.leaves.iter().any(|l| l.rev == incoming.rev) {
            return Merged::Known;
        }
        let descendants: Vec<&Leaf<P>> = self
            .leaves
            .iter()
            .filter(|l| l.has_in_history(&incoming.rev))
            .collect();
        if !descendants.is_empty() {
            if descendants
                .iter()
                .all(|l| rules.may_replace(&incoming.payload, &l.payload))
            {
                return Merged::Known;
            }
            self.leaves.push(incoming);
            return Merged::Refused;
        }
        // Leaves the incoming one descends from, and whether it may replace each.
        let mut replaced = false;
        let mut refused = false;
        let mut kept = Vec::with_capacity(self.leaves.len() + 1);
        for leaf in self.leaves.drain(..) {
            if incoming.has_in_history(&leaf.rev) {
                if rules.may_replace(&leaf.payload, &incoming.payload) {
                    replaced = true;
                    continue;
                }
                refused = true;
            }
            kept.push(leaf);
        }
        kept.push(incoming);
        self.leaves = kept;
        match (replaced, refused) {
            (_, true) => Merged::Refused,
            (true, false) => Merged::Replaced,
            (false, false) => Merged::Added,
        }
    }

    /// Replaces leaf `parent` with `child`, a new revision made here (an
    /// edit, a deletion, a resolution). `None` if `parent` is not a leaf.
    pub fn edit(&mut self, parent: &RevId, child: Leaf<P>) -> Option<()> {
        let at = self.leaves.iter().position(|l| l.rev == *parent)?;
        if !child.has_in_history(parent) || child.rev == *parent {
            return None;
        }
        self.leaves[at] = child;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> Digest {
        [n; 16]
    }

    #[test]
    fn revision_ids_read_and_write_as_couchdb_does() {
        let rev = RevId {
            generation: 3,
            digest: d(0xab),
        };
        let text = rev.to_string();
        assert_eq!(text, format!("3-{}", "ab".repeat(16)));
        assert_eq!(RevId::parse(&text), Some(rev));
        for bad in [
            "3",
            "0-ab",
            "x-ab",
            "3-AB",
            &format!("3-{}", "ab".repeat(15)),
        ] {
            assert_eq!(RevId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_edit_replaces_its_parent_and_remembers_it() {
        let first = Leaf::first(d(1), false, "a");
        let mut tree = RevTree::new(first.clone());
        let second = first.child(d(2), false, "b");
        tree.edit(&first.rev, second.clone()).unwrap();
        assert_eq!(tree.leaves().len(), 1);
        assert!(tree.knows(&first.rev));
        assert_eq!(tree.winner(&NoRules).unwrap().payload, "b");
        // Only a leaf can be edited.
        assert!(tree
            .edit(&first.rev, first.child(d(3), false, "c"))
            .is_none());
    }

    #[test]
    fn two_edits_of_one_parent_are_a_conflict_and_both_are_kept() {
        let base = Leaf::first(d(1), false, "base");
        let mut tree = RevTree::new(base.clone());
        let mine = base.child(d(2), false, "mine");
        let theirs = base.child(d(9), false, "theirs");
        tree.edit(&base.rev, mine).unwrap();
        assert_eq!(tree.merge(theirs, &NoRules), Merged::Added);
        assert_eq!(tree.leaves().len(), 2);
        // The greater digest shows first, on every replica.
        assert_eq!(tree.winner(&NoRules).unwrap().payload, "theirs");
        assert_eq!(tree.conflicts(&NoRules).len(), 1);
    }

    #[test]
    fn a_deletion_stays_deleted_against_older_revisions() {
        let first = Leaf::first(d(1), false, "a");
        let gone = first.child(d(2), true, "");
        let mut tree = RevTree::new(gone);
        assert_eq!(tree.merge(first, &NoRules), Merged::Known);
        assert!(tree.is_deleted());
    }

    #[test]
    fn an_edit_made_after_a_deletion_elsewhere_is_a_conflict() {
        let first = Leaf::first(d(1), false, "a");
        let gone = first.child(d(2), true, "");
        let edited = first.child(d(3), false, "edited elsewhere");
        let mut tree = RevTree::new(gone);
        assert_eq!(tree.merge(edited, &NoRules), Merged::Added);
        assert!(!tree.is_deleted());
        // The live leaf shows; the deletion is still a leaf.
        assert_eq!(tree.winner(&NoRules).unwrap().payload, "edited elsewhere");
    }

    struct NoDraftOverSigned;
    impl Domain<&'static str> for NoDraftOverSigned {
        fn may_replace(&self, older: &&'static str, newer: &&'static str) -> bool {
            !older.starts_with("signed") || newer.starts_with("signed")
        }
        fn preferred<'a>(
            &self,
            leaves: &[&'a Leaf<&'static str>],
        ) -> Option<&'a Leaf<&'static str>> {
            leaves
                .iter()
                .copied()
                .filter(|l| l.payload.starts_with("signed"))
                .max_by_key(|l| (l.rev.generation, l.rev.digest))
        }
    }

    #[test]
    fn the_rules_keep_a_signed_leaf_first_and_refuse_a_draft_over_it() {
        let draft = Leaf::first(d(1), false, "draft");
        let signed = draft.child(d(2), false, "signed");
        let edited = draft.child(d(7), false, "draft edited elsewhere");
        let mut tree = RevTree::new(signed.clone());
        assert_eq!(tree.merge(edited, &NoDraftOverSigned), Merged::Added);
        assert_eq!(tree.winner(&NoDraftOverSigned).unwrap().payload, "signed");
        // A draft made from the signed revision does not replace it either.
        let forged = signed.child(d(3), false, "draft over signed");
        assert_eq!(tree.merge(forged, &NoDraftOverSigned), Merged::Refused);
        assert_eq!(tree.winner(&NoDraftOverSigned).unwrap().payload, "signed");
        assert_eq!(tree.leaves().len(), 3);
    }

    #[test]
    fn an_ancestor_arriving_after_a_refused_descendant_is_kept_too() {
        let signed = Leaf::first(d(1), false, "signed");
        let forged = signed.child(d(2), false, "draft over signed");
        // One replica got the signed note first, the other the draft first.
        let mut a = RevTree::new(signed.clone());
        a.merge(forged.clone(), &NoDraftOverSigned);
        let mut b = RevTree::new(forged);
        b.merge(signed, &NoDraftOverSigned);
        let revs = |t: &RevTree<&str>| {
            let mut r: Vec<RevId> = t.leaves().iter().map(|l| l.rev).collect();
            r.sort();
            r
        };
        assert_eq!(revs(&a), revs(&b));
        assert_eq!(b.winner(&NoDraftOverSigned).unwrap().payload, "signed");
    }

    #[test]
    fn ancestry_is_bounded() {
        let mut leaf = Leaf::first(d(0), false, ());
        for n in 1..=(REVS_LIMIT as u64 + 20) {
            leaf = leaf.child([n as u8; 16], false, ());
        }
        assert_eq!(leaf.ancestry.len(), REVS_LIMIT);
    }
}

// Property tests run natively (proptest is a native dev-dependency).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    //! Replicas that exchanged everything hold the same leaves and show the
    //! same winner, whatever the order of exchange; and no signed leaf is ever
    //! lost (it stays a leaf, or a signed leaf descends from it).

    use proptest::prelude::*;

    use super::*;

    /// What a leaf carries in these tests: whether it is signed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Kind {
        signed: bool,
    }

    struct Rules;
    impl Domain<Kind> for Rules {
        fn may_replace(&self, older: &Kind, newer: &Kind) -> bool {
            !older.signed || newer.signed
        }
        fn preferred<'a>(&self, leaves: &[&'a Leaf<Kind>]) -> Option<&'a Leaf<Kind>> {
            leaves
                .iter()
                .copied()
                .filter(|l| l.payload.signed)
                .max_by_key(|l| (l.rev.generation, l.rev.digest))
        }
    }

    #[derive(Clone, Debug)]
    enum Op {
        /// Replica `replica` edits (or deletes) one of its leaves, or creates
        /// the record; a signed leaf is only ever edited into a signed one (an
        /// addendum), as the editing handles do.
        Edit {
            replica: usize,
            leaf: usize,
            signed: bool,
            deleted: bool,
        },
        /// Everything `from` holds is merged into `to`.
        Send { from: usize, to: usize },
    }

    const REPLICAS: usize = 3;

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (
                0..REPLICAS,
                0..4usize,
                any::<bool>(),
                prop::bool::weighted(0.15)
            )
                .prop_map(|(replica, leaf, signed, deleted)| Op::Edit {
                    replica,
                    leaf,
                    signed,
                    deleted
                }),
            (0..REPLICAS, 0..REPLICAS).prop_map(|(from, to)| Op::Send { from, to }),
        ]
    }

    fn send(replicas: &mut [RevTree<Kind>], from: usize, to: usize) {
        if from == to {
            return;
        }
        let leaves = replicas[from].leaves().to_vec();
        for leaf in leaves {
            replicas[to].merge(leaf, &Rules);
        }
    }

    fn run(ops: &[Op], counter: &mut u8, signed_ever: &mut Vec<RevId>) -> Vec<RevTree<Kind>> {
        let mut replicas: Vec<RevTree<Kind>> = vec![RevTree::default(); REPLICAS];
        for op in ops {
            match *op {
                Op::Edit {
                    replica,
                    leaf,
                    signed,
                    deleted,
                } => {
                    *counter = counter.wrapping_add(1);
                    let digest = [*counter; 16];
                    let tree = &mut replicas[replica];
                    if tree.leaves().is_empty() {
                        let first = Leaf::first(digest, false, Kind { signed });
                        if signed {
                            signed_ever.push(first.rev);
                        }
                        *tree = RevTree::new(first);
                        continue;
                    }
                    let parent = tree.leaves()[leaf % tree.leaves().len()].clone();
                    if parent.deleted {
                        continue;
                    }
                    // A signed note is never deleted or turned back into a draft.
                    let signed = signed || parent.payload.signed;
                    let deleted = deleted && !signed;
                    let child = parent.child(digest, deleted, Kind { signed });
                    if signed {
                        signed_ever.push(child.rev);
                    }
                    tree.edit(&parent.rev, child);
                }
                Op::Send { from, to } => send(&mut replicas, from, to),
            }
        }
        replicas
    }

    fn everyone_exchanges(replicas: &mut [RevTree<Kind>], order: &[(usize, usize)]) {
        // Twice round, so whatever reached one replica reaches all.
        for _ in 0..2 {
            for &(from, to) in order {
                send(replicas, from, to);
            }
        }
    }

    fn leaf_set(tree: &RevTree<Kind>) -> Vec<(RevId, bool)> {
        let mut set: Vec<(RevId, bool)> =
            tree.leaves().iter().map(|l| (l.rev, l.deleted)).collect();
        set.sort();
        set
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn replicas_that_exchanged_everything_agree(
            ops in prop::collection::vec(op(), 1..40),
            order in Just(vec![(0, 1), (1, 2), (2, 0), (0, 2), (2, 1), (1, 0)]).prop_shuffle(),
        ) {
            let mut counter = 0;
            let mut signed = Vec::new();
            let mut replicas = run(&ops, &mut counter, &mut signed);
            let mut other_order = replicas.clone();
            everyone_exchanges(&mut replicas, &order);
            let mut reversed = order.clone();
            reversed.reverse();
            everyone_exchanges(&mut other_order, &reversed);

            let first = leaf_set(&replicas[0]);
            for tree in replicas.iter().chain(other_order.iter()) {
                prop_assert_eq!(&leaf_set(tree), &first);
                prop_assert_eq!(
                    tree.winner(&Rules).map(|l| l.rev),
                    replicas[0].winner(&Rules).map(|l| l.rev)
                );
            }
        }

        #[test]
        fn no_signed_leaf_is_ever_lost(ops in prop::collection::vec(op(), 1..40)) {
            let mut counter = 0;
            let mut signed = Vec::new();
            let mut replicas = run(&ops, &mut counter, &mut signed);
            everyone_exchanges(&mut replicas, &[(0, 1), (1, 2), (2, 0), (0, 2), (2, 1), (1, 0)]);
            for rev in &signed {
                // Kept: as a leaf, or under a signed leaf that descends from it
                // (an addendum extends it and keeps it whole).
                let kept = replicas[0].leaves().iter().any(|l| {
                    l.rev == *rev || (l.payload.signed && l.has_in_history(rev))
                });
                prop_assert!(kept, "signed revision {rev} was lost");
            }
            // And a draft is never shown over a signed note.
            let tree = &replicas[0];
            if tree.leaves().iter().any(|l| l.payload.signed && !l.deleted) {
                prop_assert!(tree.winner(&Rules).unwrap().payload.signed);
            }
        }
    }
}
