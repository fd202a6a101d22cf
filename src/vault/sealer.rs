//! Sealing and opening the revisions of one store's records under its key.
//!
//! [`Sealer`] is where a revision becomes an AEAD envelope and back:
//! - a new revision's id is `generation-digest`, the digest a keyed hash of the
//!   store, the record id, the parent revision, whether it deletes, and the
//!   content (see [`DataKey::revision_digest`]), so a revision id says nothing
//!   about the content and two devices making the same edit name it alike;
//! - the envelope's AAD binds the store, the record id and that revision id, so
//!   a revision moved to another record or store, renamed, or altered fails to
//!   open, and opening checks the digest against the content and the parent;
//! - a record with several leaves (a conflict) opens as the leaf the rules
//!   show first ([`super::revision_tree`], [`crate::domain::record_merge`]),
//!   and says how many others wait to be settled.
//!
//! A record that cannot be opened is marked damaged ([`Loaded::Damaged`])
//! instead of failing the whole list.

use std::borrow::Borrow;
use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{open, random_id, seal, DataKey, RecordAad, RevisionAad};
use crate::domain::record_merge::{self, LeafKind};

use super::record::{AadVersion, Sealed, StoredRecord};
use super::revision_tree::{Digest, Domain, Leaf, RevId, RevTree};
use super::store::EncryptedStore;
use super::VaultError;

/// A revision's place in its record's history, without its content: what an
/// editing handle writes its next revision against.
pub type Version = Leaf<()>;

/// What a tombstone deleting the record carries: nothing.
const DELETION: &[u8] = b"";
/// What a tombstone setting one version aside carries.
const SET_ASIDE: &[u8] = b"set aside";

/// A decrypted record: the revision shown, and how many others conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<T> {
    /// Opaque id.
    pub id: String,
    /// The revision shown: the vault's business, not the screen's.
    pub(in crate::vault) version: Version,
    /// The content.
    pub value: T,
    /// Other live revisions (a conflict between devices), to be settled.
    pub conflicts: usize,
}

/// One record of a listing: readable, or damaged (moved, replayed, altered).
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded<T> {
    /// Decrypted and parsed.
    Ok(Stored<T>),
    /// Could not be opened; the rest of the list is unaffected.
    Damaged {
        /// The record's id.
        id: String,
    },
}

impl<T> Loaded<T> {
    /// The record, if readable.
    pub fn ok(self) -> Option<Stored<T>> {
        match self {
            Loaded::Ok(s) => Some(s),
            Loaded::Damaged { .. } => None,
        }
    }
}

/// Seals and opens records of store `S` under its key.
pub struct Sealer<'k, S: EncryptedStore> {
    key: &'k DataKey<S::Purpose>,
    _store: PhantomData<S>,
}

impl<'k, S: EncryptedStore> Sealer<'k, S> {
    /// A sealer for store `S`; only the key of `S`'s purpose is accepted.
    pub fn new(key: &'k DataKey<S::Purpose>) -> Self {
        Sealer {
            key,
            _store: PhantomData,
        }
    }

    fn digest(&self, id: &str, parent: Option<&RevId>, deleted: bool, plaintext: &[u8]) -> Digest {
        let parent = parent.map(|p| p.to_string()).unwrap_or_default();
        let deleted: &[u8] = if deleted { b"deleted" } else { b"live" };
        self.key.revision_digest(&[
            S::NAME.as_bytes(),
            id.as_bytes(),
            parent.as_bytes(),
            deleted,
            plaintext,
        ])
    }

    fn seal_leaf(
        &self,
        id: &str,
        parent: Option<&Version>,
        deleted: bool,
        plaintext: &[u8],
    ) -> Result<Leaf<Sealed>, VaultError> {
        let digest = self.digest(id, parent.map(|p| &p.rev), deleted, plaintext);
        let mut leaf = match parent {
            Some(parent) => parent.child(digest, deleted, ()),
            None => Leaf::first(digest, deleted, ()),
        };
        let rev = leaf.rev.to_string();
        let envelope = seal(
            self.key,
            &RevisionAad {
                store: S::NAME,
                id,
                revision: &rev,
            },
            plaintext,
        )?;
        leaf.deleted = deleted;
        Ok(leaf.map(|()| Sealed {
            aad: AadVersion::V2,
            envelope,
            device: None,
        }))
    }

    /// `value`'s JSON, wiped when dropped.
    fn plaintext<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        Ok(Zeroizing::new(
            serde_json::to_vec(value).map_err(|e| VaultError::Storage(e.to_string()))?,
        ))
    }

    /// The first revision of record `id`.
    pub fn seal_first<T: Serialize>(
        &self,
        id: &str,
        value: &T,
    ) -> Result<Leaf<Sealed>, VaultError> {
        self.seal_leaf(id, None, false, &Self::plaintext(value)?)
    }

    /// A new revision of record `id`, a child of `parent`.
    pub fn seal_child<T: Serialize>(
        &self,
        id: &str,
        parent: &Version,
        value: &T,
    ) -> Result<Leaf<Sealed>, VaultError> {
        self.seal_leaf(id, Some(parent), false, &Self::plaintext(value)?)
    }

    /// The revision of record `id` after `parent`: a child of it, or the
    /// first revision when there is none.
    pub fn seal_next<T: Serialize>(
        &self,
        id: &str,
        parent: Option<&Version>,
        value: &T,
    ) -> Result<Leaf<Sealed>, VaultError> {
        self.seal_leaf(id, parent, false, &Self::plaintext(value)?)
    }

    /// A revision deleting record `id`, a child of `parent`: sealed, and
    /// carrying no content.
    pub fn seal_tombstone(&self, id: &str, parent: &Version) -> Result<Leaf<Sealed>, VaultError> {
        self.seal_leaf(id, Some(parent), true, DELETION)
    }

    /// A revision setting leaf `parent` of record `id` aside, when a conflict
    /// is settled: a tombstone on that branch only, which says so, so it is
    /// not taken for a deletion of the record.
    pub fn seal_set_aside<P>(
        &self,
        id: &str,
        parent: &Leaf<P>,
    ) -> Result<Leaf<Sealed>, VaultError> {
        self.seal_leaf(id, Some(&parent.as_ref().map(|_| ())), true, SET_ASIDE)
    }

    /// An id for a record derived from leaf `rev` of record `id` (a conflict
    /// copy): keyed and deterministic, so two devices making the same copy give
    /// it the same id and it converges instead of doubling. 32 hex digits, like
    /// every record id.
    pub fn derived_id(&self, purpose: &str, id: &str, rev: &RevId) -> String {
        let rev = rev.to_string();
        let digest = self.key.revision_digest(&[
            b"derived-id",
            purpose.as_bytes(),
            S::NAME.as_bytes(),
            id.as_bytes(),
            rev.as_bytes(),
        ]);
        super::revision_tree::digest_hex(&digest)
    }

    /// A new record with a fresh random id (an audit event).
    pub fn seal_new<T: Serialize>(&self, value: &T) -> Result<StoredRecord, VaultError> {
        let id = random_id()?;
        let leaf = self.seal_first(&id, value)?;
        Ok(StoredRecord {
            id,
            tree: RevTree::new(leaf),
        })
    }

    /// One leaf's plaintext. Checks the envelope against the record, the
    /// store and the revision id, and the revision's digest against the
    /// content and the parent.
    pub fn open_plaintext(
        &self,
        id: &str,
        leaf: &Leaf<Sealed>,
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let damaged = || VaultError::Damaged { id: id.to_owned() };
        match leaf.payload.aad {
            AadVersion::V1 => open(
                self.key,
                &RecordAad {
                    store: S::NAME,
                    id,
                    revision: leaf.rev.generation,
                },
                &leaf.payload.envelope,
            )
            .map_err(|_| damaged()),
            AadVersion::V2 => {
                let rev = leaf.rev.to_string();
                let plaintext = open(
                    self.key,
                    &RevisionAad {
                        store: S::NAME,
                        id,
                        revision: &rev,
                    },
                    &leaf.payload.envelope,
                )
                .map_err(|_| damaged())?;
                let expected = self.digest(id, leaf.parent().as_ref(), leaf.deleted, &plaintext);
                if expected != leaf.rev.digest {
                    return Err(damaged());
                }
                Ok(plaintext)
            }
        }
    }

    /// Opens a record: the leaf the rules show first, or `None` when every
    /// leaf deletes it. Fails as damaged when the leaf to show does not open.
    pub fn open<T: DeserializeOwned>(
        &self,
        record: &StoredRecord,
    ) -> Result<Option<Stored<T>>, VaultError> {
        let damaged = || VaultError::Damaged {
            id: record.id.clone(),
        };
        let live: Vec<&Leaf<Sealed>> = record.tree.leaves().iter().filter(|l| !l.deleted).collect();
        let (winner, plaintext) = match live.as_slice() {
            [] => return Ok(None),
            [only] => (*only, self.open_plaintext(&record.id, only)?),
            _ => {
                // Several live leaves: the rules decide on what they say. A
                // leaf that does not open is passed over, not shown.
                let mut opened: Vec<(Leaf<LeafKind>, Zeroizing<Vec<u8>>)> = Vec::new();
                for leaf in &live {
                    if let Ok(plaintext) = self.open_plaintext(&record.id, leaf) {
                        let kind = S::leaf_kind(&plaintext);
                        opened.push((leaf.as_ref().map(|_| kind), plaintext));
                    }
                }
                let tree = RevTree::from_leaves(opened.iter().map(|(l, _)| l.clone()).collect());
                let rev = tree
                    .winner(&RecordRules)
                    .map(|l| l.rev)
                    .ok_or_else(damaged)?;
                let at = opened
                    .iter()
                    .position(|(l, _)| l.rev == rev)
                    .ok_or_else(damaged)?;
                let plaintext = opened.swap_remove(at).1;
                let leaf = live
                    .iter()
                    .copied()
                    .find(|l| l.rev == rev)
                    .ok_or_else(damaged)?;
                (leaf, plaintext)
            }
        };
        let value = serde_json::from_slice(&plaintext).map_err(|_| damaged())?;
        Ok(Some(Stored {
            id: record.id.clone(),
            version: winner.as_ref().map(|_| ()),
            value,
            conflicts: live.len() - 1 + self.deletions(record).len(),
        }))
    }

    /// The leaves of `record` that delete it (not those that set a version
    /// aside). Beside a live leaf, each is a conflict: deleted on one device,
    /// edited on another. A tombstone that does not open counts as none.
    pub fn deletions<'r>(&self, record: &'r StoredRecord) -> Vec<&'r Leaf<Sealed>> {
        record
            .tree
            .leaves()
            .iter()
            .filter(|l| l.deleted)
            .filter(|l| {
                self.open_plaintext(&record.id, l)
                    .is_ok_and(|p| p.as_slice() == DELETION)
            })
            .collect()
    }

    /// Whether tombstone `leaf` of record `id` sets a version aside.
    pub fn is_set_aside(&self, id: &str, leaf: &Leaf<Sealed>) -> bool {
        leaf.deleted
            && self
                .open_plaintext(id, leaf)
                .is_ok_and(|p| p.as_slice() == SET_ASIDE)
    }

    /// What leaf `leaf` of record `id` is for the merge rules, once it opens:
    /// a leaf that does not open is refused, so nothing damaged or foreign is
    /// ever taken in.
    pub fn judge(&self, id: &str, leaf: &Leaf<Sealed>) -> Result<LeafKind, VaultError> {
        if leaf.deleted {
            // A tombstone carries nothing but the set-aside mark, and its
            // envelope is checked all the same.
            let mark = self.open_plaintext(id, leaf)?;
            return Ok(if mark.as_slice() == SET_ASIDE {
                LeafKind::SetAside
            } else {
                LeafKind::Plain
            });
        }
        Ok(S::leaf_kind(&self.open_plaintext(id, leaf)?))
    }
}

/// The rules of [`record_merge`] for the revision tree, on leaves whose kind
/// was worked out beforehand (see [`Sealer::judge`]).
pub(in crate::vault) struct RecordRules;

impl<P: Borrow<LeafKind>> Domain<P> for RecordRules {
    fn may_replace(&self, older: &P, newer: &P) -> bool {
        record_merge::may_replace(older.borrow(), newer.borrow())
    }

    fn preferred<'a>(&self, leaves: &[&'a Leaf<P>]) -> Option<&'a Leaf<P>> {
        let keyed: Vec<(&LeafKind, (u64, Digest))> = leaves
            .iter()
            .map(|l| (l.payload.borrow(), (l.rev.generation, l.rev.digest)))
            .collect();
        record_merge::preferred(&keyed).map(|i| leaves[i])
    }
}
