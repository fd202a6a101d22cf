//! The record's own rules when two devices' revisions meet.
//!
//! Replication (see the vault's revision tree) keeps every revision that is not
//! an ancestor of another, and picks one to show first by CouchDB's rule. These
//! rules, decided on what the revisions say, come first:
//!
//! - **A signed progress note is never replaced by a draft.** A draft revision
//!   that descends from a signed one is kept beside it as a conflict, and a
//!   signed revision always shows before a draft one.
//! - **Two signed versions:** if one chain of addenda extends the other (same
//!   signed content, the other's addenda first, in order), the longer one
//!   replaces the shorter: nothing is lost, since it contains it whole.
//!   Otherwise both are kept, and flagged for the clinician.
//!
//! - **A version set aside stays set aside.** Settling a conflict marks each
//!   version not kept with a *set-aside* revision. The app offers that only
//!   when nothing signed is lost (the kept version holds all of it), so the
//!   mark replaces the version it descends from, signed or not, wherever the
//!   two meet again: the conflict does not come back.
//!
//! Everything else (clients, psychotherapy notes, drafts against drafts) follows
//! CouchDB's rule, and a conflict is kept for the clinician to settle.

/// What a revision is, as far as these rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeafKind {
    /// Any record but a signed progress note (a draft, a client…).
    Plain,
    /// A signed progress note: the digest of its signed content, and its
    /// addenda's digests in order.
    Signed {
        content_sha256: String,
        addenda: Vec<String>,
    },
    /// A version the clinician set aside when settling a conflict.
    SetAside,
}

impl LeafKind {
    /// Whether `self` contains `other` whole: the same signed content, and
    /// `other`'s addenda as the start of its own.
    pub fn extends(&self, other: &LeafKind) -> bool {
        match (self, other) {
            (
                LeafKind::Signed {
                    content_sha256: a,
                    addenda: mine,
                },
                LeafKind::Signed {
                    content_sha256: b,
                    addenda: theirs,
                },
            ) => a == b && mine.len() >= theirs.len() && mine[..theirs.len()] == theirs[..],
            _ => false,
        }
    }

    pub fn is_signed(&self) -> bool {
        matches!(self, LeafKind::Signed { .. })
    }
}

/// Whether `newer`, a revision descending from `older`, may replace it.
pub fn may_replace(older: &LeafKind, newer: &LeafKind) -> bool {
    match (older, newer) {
        (_, LeafKind::SetAside) => true,
        (LeafKind::Plain | LeafKind::SetAside, _) => true,
        (LeafKind::Signed { .. }, LeafKind::Plain) => false,
        (LeafKind::Signed { .. }, LeafKind::Signed { .. }) => newer.extends(older),
    }
}

/// Among the live revisions of a record (with a sort key that orders them as
/// CouchDB would, greatest first wins), the one the rules show first: a signed
/// one before any draft, and among signed ones the one that contains another,
/// else the greatest. `None` when no revision is signed: CouchDB's rule applies.
pub fn preferred<K: Ord>(leaves: &[(&LeafKind, K)]) -> Option<usize> {
    let signed: Vec<usize> = (0..leaves.len())
        .filter(|&i| leaves[i].0.is_signed())
        .collect();
    if signed.is_empty() {
        return None;
    }
    // A signed revision no other signed revision contains ranks first; the
    // sort key breaks the remaining ties the same way on every replica.
    signed.into_iter().max_by(|&a, &b| {
        let covered = |i: usize| {
            leaves.iter().enumerate().any(|(j, (kind, _))| {
                j != i && kind.extends(leaves[i].0) && !leaves[i].0.extends(kind)
            })
        };
        (!covered(a), &leaves[a].1).cmp(&(!covered(b), &leaves[b].1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(addenda: &[&str]) -> LeafKind {
        LeafKind::Signed {
            content_sha256: "c".into(),
            addenda: addenda.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn a_draft_never_replaces_a_signed_note() {
        assert!(!may_replace(&signed(&[]), &LeafKind::Plain));
        assert!(may_replace(&LeafKind::Plain, &signed(&[])));
        assert!(may_replace(&LeafKind::Plain, &LeafKind::Plain));
    }

    #[test]
    fn a_version_set_aside_stays_set_aside() {
        assert!(may_replace(&signed(&["a"]), &LeafKind::SetAside));
        assert!(may_replace(&LeafKind::Plain, &LeafKind::SetAside));
        assert!(!LeafKind::SetAside.is_signed());
        // A set-aside mark never shows before a live version.
        assert_eq!(
            preferred(&[(&LeafKind::SetAside, 9), (&signed(&[]), 1)]),
            Some(1)
        );
    }

    #[test]
    fn a_longer_chain_of_addenda_replaces_the_one_it_extends_only() {
        assert!(may_replace(&signed(&["a"]), &signed(&["a", "b"])));
        assert!(!may_replace(&signed(&["a"]), &signed(&["b"])));
        assert!(!may_replace(&signed(&["a", "b"]), &signed(&["a"])));
        let other_content = LeafKind::Signed {
            content_sha256: "d".into(),
            addenda: vec!["a".into(), "b".into()],
        };
        assert!(!may_replace(&signed(&["a"]), &other_content));
    }

    #[test]
    fn a_signed_revision_shows_before_drafts_and_the_longer_chain_first() {
        let draft = LeafKind::Plain;
        let short = signed(&["a"]);
        let long = signed(&["a", "b"]);
        // The draft has the greatest CouchDB key; the signed note still wins.
        assert_eq!(preferred(&[(&draft, 9), (&short, 1)]), Some(1));
        // The longer chain wins even with a smaller key.
        assert_eq!(preferred(&[(&long, 1), (&short, 5)]), Some(0));
        // Two chains that do not extend each other: the greater key.
        let other = signed(&["x"]);
        assert_eq!(preferred(&[(&short, 1), (&other, 2)]), Some(1));
        assert_eq!(preferred::<u8>(&[(&draft, 1)]), None);
    }
}
