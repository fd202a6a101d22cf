//! An encrypted record exactly as it rests in IndexedDB: its revision leaves.
//!
//! ```text
//! { id, leaves: [ { rev: "3-9f2c…", revs: ["…", …], del: false, aad: 2, nonce, ct }, … ] }
//! ```
//!
//! An opaque random id, and the record's leaves (see [`super::revision_tree`]):
//! usually one, more while two devices' edits conflict, each a revision id, its
//! ancestry, whether it deletes the record, and its own AES-GCM envelope.
//! Nothing else: no client id, date or name is stored in the clear.
//!
//! Records written before revision histories have the older shape
//! `{ id, rev: 3, nonce, ct }`: they read as one leaf of generation 3 sealed
//! under the v1 AAD, whose digest is a hash of its envelope (so every replica
//! names it alike), and are written in the new shape at their next edit.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::revision_tree::{Digest, Leaf, RevId, RevTree};
use crate::crypto::Envelope;

/// Which AAD layout a leaf was sealed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AadVersion {
    /// v1: store, id and a numeric revision (records from before histories).
    V1,
    /// v2: store, id and the revision id.
    V2,
}

/// What one leaf carries: its envelope, how it was sealed, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub aad: AadVersion,
    pub envelope: Envelope,
    /// The device that wrote this revision (its random id, see
    /// [`DeviceId`]), to say "from which device" when versions conflict.
    /// Not authenticated: shown as a hint, never used to decide anything.
    pub device: Option<DeviceId>,
}

/// A device's random id: 16 lowercase hex digits, made the first time this
/// browser writes to the vault and never copied into backups.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceId(String);

impl DeviceId {
    /// Parses 16 lowercase hex digits.
    pub fn parse(text: &str) -> Option<DeviceId> {
        (text.len() == 16
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| DeviceId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first four digits, which are how a clinician tells devices apart.
    pub fn short(&self) -> &str {
        &self.0[..4]
    }
}

/// A sealed record as stored. Not secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// Opaque random id (32 hex characters), the IndexedDB key.
    pub id: String,
    pub tree: RevTree<Sealed>,
}

/// The digest naming a revision written before histories: a hash of what it
/// was, so two devices holding the same old record name it alike.
pub fn legacy_digest(id: &str, revision: u64, envelope: &Envelope) -> Digest {
    let hash = Sha256::new()
        .chain_update(b"psynotes/legacy-revision/v1")
        .chain_update((id.len() as u32).to_be_bytes())
        .chain_update(id.as_bytes())
        .chain_update(revision.to_be_bytes())
        .chain_update(envelope.nonce)
        .chain_update(&envelope.ciphertext)
        .finalize();
    let mut digest = [0u8; 16];
    digest.copy_from_slice(&hash[..16]);
    digest
}

impl StoredRecord {
    /// A record written before histories, as one v1 leaf.
    pub fn legacy(id: String, revision: u64, envelope: Envelope) -> StoredRecord {
        let digest = legacy_digest(&id, revision, &envelope);
        StoredRecord {
            id,
            tree: RevTree::new(Leaf {
                rev: RevId {
                    generation: revision,
                    digest,
                },
                ancestry: Vec::new(),
                deleted: false,
                payload: Sealed {
                    aad: AadVersion::V1,
                    envelope,
                    device: None,
                },
            }),
        }
    }

    /// Whether every leaf deletes the record.
    pub fn is_deleted(&self) -> bool {
        self.tree.is_deleted()
    }
}

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};

    use super::{AadVersion, DeviceId, Sealed, StoredRecord};
    use crate::crypto::Envelope;
    use crate::vault::revision_tree::{digest_hex, parse_digest, Leaf, RevId, RevTree};

    fn set(o: &Object, key: &str, value: &JsValue) {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(o, &key.into(), value);
    }

    fn get(o: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(o, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn bytes(o: &JsValue, key: &str) -> Option<Vec<u8>> {
        Some(get(o, key)?.dyn_into::<Uint8Array>().ok()?.to_vec())
    }

    fn leaf_to_js(leaf: &Leaf<Sealed>) -> JsValue {
        let o = Object::new();
        set(&o, "rev", &JsValue::from_str(&leaf.rev.to_string()));
        let revs: Array = leaf
            .ancestry
            .iter()
            .map(|d| JsValue::from_str(&digest_hex(d)))
            .collect();
        set(&o, "revs", &revs);
        if leaf.deleted {
            set(&o, "del", &JsValue::TRUE);
        }
        let aad = match leaf.payload.aad {
            AadVersion::V1 => 1,
            AadVersion::V2 => 2,
        };
        set(&o, "aad", &JsValue::from_f64(aad.into()));
        set(
            &o,
            "nonce",
            &Uint8Array::from(&leaf.payload.envelope.nonce[..]).into(),
        );
        set(
            &o,
            "ct",
            &Uint8Array::from(&leaf.payload.envelope.ciphertext[..]).into(),
        );
        if let Some(device) = &leaf.payload.device {
            set(&o, "dev", &JsValue::from_str(device.as_str()));
        }
        o.into()
    }

    fn leaf_from_js(value: &JsValue) -> Option<Leaf<Sealed>> {
        let rev = RevId::parse(&get(value, "rev")?.as_string()?)?;
        let revs = get(value, "revs")?.dyn_into::<Array>().ok()?;
        let ancestry = revs
            .iter()
            .map(|d| parse_digest(&d.as_string()?))
            .collect::<Option<Vec<_>>>()?;
        let deleted = get(value, "del").is_some_and(|d| d.is_truthy());
        let aad = match get(value, "aad")?.as_f64()? as u32 {
            1 => AadVersion::V1,
            2 => AadVersion::V2,
            _ => return None,
        };
        let nonce: [u8; 12] = bytes(value, "nonce")?.try_into().ok()?;
        let ciphertext = bytes(value, "ct")?;
        Some(Leaf {
            rev,
            ancestry,
            deleted,
            payload: Sealed {
                aad,
                envelope: Envelope { nonce, ciphertext },
                device: get(value, "dev")
                    .and_then(|d| d.as_string())
                    .and_then(|d| DeviceId::parse(&d)),
            },
        })
    }

    impl StoredRecord {
        /// The stored JS object. Byte fields are `Uint8Array`s, which IndexedDB
        /// stores compactly (an array of numbers would be several times larger).
        pub fn to_js(&self) -> JsValue {
            let o = Object::new();
            set(&o, "id", &JsValue::from_str(&self.id));
            let leaves: Array = self.tree.leaves().iter().map(leaf_to_js).collect();
            set(&o, "leaves", &leaves);
            o.into()
        }

        /// Reads a stored object, in either shape; `None` if it is neither.
        pub fn from_js(value: &JsValue) -> Option<StoredRecord> {
            let id = get(value, "id")?.as_string()?;
            if let Some(leaves) = get(value, "leaves") {
                let leaves = leaves
                    .dyn_into::<Array>()
                    .ok()?
                    .iter()
                    .map(|l| leaf_from_js(&l))
                    .collect::<Option<Vec<_>>>()?;
                if leaves.is_empty() {
                    return None;
                }
                return Some(StoredRecord {
                    id,
                    tree: RevTree::from_leaves(leaves),
                });
            }
            // The shape from before revision histories.
            let rev = get(value, "rev")?.as_f64()?;
            if !(rev >= 1.0 && rev.fract() == 0.0 && rev <= 9_007_199_254_740_991.0) {
                return None;
            }
            let nonce: [u8; 12] = bytes(value, "nonce")?.try_into().ok()?;
            let ciphertext = bytes(value, "ct")?;
            Some(StoredRecord::legacy(
                id,
                rev as u64,
                Envelope { nonce, ciphertext },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_record_reads_as_one_v1_leaf_named_by_what_it_was() {
        let envelope = Envelope {
            nonce: [1; 12],
            ciphertext: vec![2; 40],
        };
        let a = StoredRecord::legacy("n1".into(), 3, envelope.clone());
        let b = StoredRecord::legacy("n1".into(), 3, envelope.clone());
        assert_eq!(a, b);
        let leaf = &a.tree.leaves()[0];
        assert_eq!(leaf.rev.generation, 3);
        assert_eq!(leaf.payload.aad, AadVersion::V1);
        // Another envelope, id or revision is another name.
        let mut other = envelope.clone();
        other.ciphertext[0] ^= 1;
        assert_ne!(legacy_digest("n1", 3, &other), leaf.rev.digest);
        assert_ne!(legacy_digest("n2", 3, &envelope), leaf.rev.digest);
        assert_ne!(legacy_digest("n1", 4, &envelope), leaf.rev.digest);
    }
}
