//! The CouchDB documents sync writes and reads: one per revision leaf of a
//! record, plus the vault header. Pure, so the mapping is tested natively.
//!
//! ```text
//! { "_id": "progress_notes:9f2c…", "_rev": "3-a1b2…",
//!   "_revisions": { "start": 3, "ids": ["a1b2…", "77e0…", "0c4d…"] },
//!   "_deleted": true,                      // a tombstone only
//!   "vault": "5e1a…", "aad": 2, "nonce": "<base64>", "ct": "<base64>",
//!   "dev": "0123456789abcdef" }            // when known
//! ```
//!
//! Nothing else: the store name and the random record id, the revision
//! history, and the sealed envelope. The server sees no content, no client,
//! no date of service. `vault` names the vault (see
//! [`VaultHeader::vault_id`](crate::vault::header::VaultHeader::vault_id)) so
//! documents of another vault sharing the database are refused.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::crypto::Envelope;
use crate::vault::incoming::REPLICATED_STORES;
use crate::vault::record::{AadVersion, DeviceId, Sealed};
use crate::vault::revision_tree::{digest_hex, parse_digest, Leaf, RevId, REVS_LIMIT};

/// The header's document id.
pub const HEADER_DOC: &str = "vault:header";

/// Why a document from the server was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocError {
    /// Another vault's document (or one naming none).
    OtherVault,
    /// Not a document this app writes: a wrong shape, a bad revision, an
    /// unknown store.
    Malformed(&'static str),
}

/// The document id of record `id` of `store`.
pub fn doc_id(store: &str, id: &str) -> String {
    format!("{store}:{id}")
}

/// The store and record id a document id names, if it names a record of a
/// store that travels.
pub fn parse_doc_id(doc_id: &str) -> Option<(&'static str, &str)> {
    let (store, id) = doc_id.split_once(':')?;
    let store = REPLICATED_STORES.iter().copied().find(|s| *s == store)?;
    (!id.is_empty() && id.len() <= 256).then_some((store, id))
}

/// One leaf as a document.
pub fn leaf_doc(vault: &str, store: &str, id: &str, leaf: &Leaf<Sealed>) -> Value {
    let mut ids = Vec::with_capacity(leaf.ancestry.len() + 1);
    ids.push(digest_hex(&leaf.rev.digest));
    ids.extend(leaf.ancestry.iter().map(digest_hex));
    let mut doc = Map::new();
    doc.insert("_id".into(), Value::String(doc_id(store, id)));
    doc.insert("_rev".into(), Value::String(leaf.rev.to_string()));
    doc.insert(
        "_revisions".into(),
        json!({ "start": leaf.rev.generation, "ids": ids }),
    );
    if leaf.deleted {
        doc.insert("_deleted".into(), Value::Bool(true));
    }
    doc.insert("vault".into(), Value::String(vault.to_owned()));
    doc.insert(
        "aad".into(),
        json!(match leaf.payload.aad {
            AadVersion::V1 => 1,
            AadVersion::V2 => 2,
        }),
    );
    doc.insert(
        "nonce".into(),
        Value::String(STANDARD.encode(leaf.payload.envelope.nonce)),
    );
    doc.insert(
        "ct".into(),
        Value::String(STANDARD.encode(&leaf.payload.envelope.ciphertext)),
    );
    if let Some(device) = &leaf.payload.device {
        doc.insert("dev".into(), Value::String(device.as_str().to_owned()));
    }
    Value::Object(doc)
}

/// A document from the server: the record it belongs to and the leaf it
/// carries. Its content is not opened here; the merge does that.
pub fn doc_leaf(
    vault: &str,
    doc: &Value,
) -> Result<(&'static str, String, Leaf<Sealed>), DocError> {
    let malformed = DocError::Malformed;
    let id = doc
        .get("_id")
        .and_then(Value::as_str)
        .ok_or(malformed("no id"))?;
    if doc.get("vault").and_then(Value::as_str) != Some(vault) {
        return Err(DocError::OtherVault);
    }
    let (store, record) = parse_doc_id(id).ok_or(malformed("not a record id"))?;
    let rev = doc
        .get("_rev")
        .and_then(Value::as_str)
        .and_then(RevId::parse)
        .ok_or(malformed("no revision"))?;
    let revisions = doc.get("_revisions").ok_or(malformed("no history"))?;
    if revisions.get("start").and_then(Value::as_u64) != Some(rev.generation) {
        return Err(malformed("a history that does not match the revision"));
    }
    let ids: Vec<&str> = revisions
        .get("ids")
        .and_then(Value::as_array)
        .ok_or(malformed("no history"))?
        .iter()
        .map(|v| v.as_str().ok_or(malformed("a history entry is not text")))
        .collect::<Result<_, _>>()?;
    let (first, ancestors) = ids.split_first().ok_or(malformed("an empty history"))?;
    if parse_digest(first) != Some(rev.digest) {
        return Err(malformed("a history that does not match the revision"));
    }
    // Older history than this app keeps is dropped, as CouchDB drops it.
    let ancestry: Vec<_> = ancestors
        .iter()
        .take(REVS_LIMIT)
        .map(|d| parse_digest(d).ok_or(malformed("a history entry is not a digest")))
        .collect::<Result<_, _>>()?;
    if ancestry.len() as u64 >= rev.generation {
        return Err(malformed("a history longer than the revision"));
    }
    let aad = match doc.get("aad").and_then(Value::as_u64) {
        Some(1) => AadVersion::V1,
        Some(2) => AadVersion::V2,
        _ => return Err(malformed("an unknown sealing")),
    };
    let bytes = |field: &'static str| -> Result<Vec<u8>, DocError> {
        doc.get(field)
            .and_then(Value::as_str)
            .and_then(|text| STANDARD.decode(text).ok())
            .ok_or(malformed("an envelope that is not base64"))
    };
    let nonce: [u8; 12] = bytes("nonce")?
        .try_into()
        .map_err(|_| malformed("a nonce of the wrong length"))?;
    let ciphertext = bytes("ct")?;
    let device = doc
        .get("dev")
        .and_then(Value::as_str)
        .and_then(DeviceId::parse);
    let deleted = doc
        .get("_deleted")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok((
        store,
        record.to_owned(),
        Leaf {
            rev,
            ancestry,
            deleted,
            payload: Sealed {
                aad,
                envelope: Envelope { nonce, ciphertext },
                device,
            },
        },
    ))
}

/// The header's document (`rev` is the server's, when it already holds one).
pub fn header_doc(vault: &str, header_json: &str, rev: Option<&str>) -> Value {
    let mut doc = json!({
        "_id": HEADER_DOC,
        "vault": vault,
        "header": header_json,
    });
    if let Some(rev) = rev {
        doc["_rev"] = Value::String(rev.to_owned());
    }
    doc
}

/// The vault id and the header's JSON in a header document.
pub fn doc_header(doc: &Value) -> Result<(String, String), DocError> {
    let vault = doc
        .get("vault")
        .and_then(Value::as_str)
        .ok_or(DocError::Malformed("a header without a vault id"))?;
    let header = doc
        .get("header")
        .and_then(Value::as_str)
        .ok_or(DocError::Malformed("a header document without a header"))?;
    Ok((vault.to_owned(), header.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(deleted: bool) -> Leaf<Sealed> {
        Leaf {
            rev: RevId {
                generation: 3,
                digest: [0xab; 16],
            },
            ancestry: vec![[1; 16], [2; 16]],
            deleted,
            payload: Sealed {
                aad: AadVersion::V2,
                envelope: Envelope {
                    nonce: [7; 12],
                    ciphertext: vec![1, 2, 3, 250],
                },
                device: DeviceId::parse("0123456789abcdef"),
            },
        }
    }

    #[test]
    fn a_leaf_round_trips_through_its_document() {
        for deleted in [false, true] {
            let doc = leaf_doc("v1", "progress_notes", "n1", &leaf(deleted));
            assert_eq!(doc["_id"], "progress_notes:n1");
            assert_eq!(doc["_rev"], format!("3-{}", "ab".repeat(16)));
            assert_eq!(doc["_revisions"]["start"], 3);
            assert_eq!(doc["_revisions"]["ids"][1], "01".repeat(16));
            assert_eq!(doc.get("_deleted").is_some(), deleted);
            let (store, id, back) = doc_leaf("v1", &doc).unwrap();
            assert_eq!((store, id.as_str()), ("progress_notes", "n1"));
            assert_eq!(back, leaf(deleted));
        }
    }

    #[test]
    fn the_document_holds_nothing_but_ids_history_and_the_envelope() {
        let doc = leaf_doc("v1", "clients", "c1", &leaf(false));
        let mut keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "_id",
                "_rev",
                "_revisions",
                "aad",
                "ct",
                "dev",
                "nonce",
                "vault"
            ]
        );
    }

    #[test]
    fn another_vaults_documents_and_foreign_shapes_are_refused() {
        let doc = leaf_doc("v1", "clients", "c1", &leaf(false));
        assert_eq!(doc_leaf("v2", &doc).unwrap_err(), DocError::OtherVault);
        let mut no_vault = doc.clone();
        no_vault.as_object_mut().unwrap().remove("vault");
        assert_eq!(doc_leaf("v1", &no_vault).unwrap_err(), DocError::OtherVault);

        let broken = |f: &dyn Fn(&mut Value)| {
            let mut d = doc.clone();
            f(&mut d);
            doc_leaf("v1", &d).unwrap_err()
        };
        assert!(matches!(
            broken(&|d| d["_id"] = json!("drafts:c1")),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["_id"] = json!("c1")),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["_rev"] = json!("3-XYZ")),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["_revisions"]["start"] = json!(4)),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["_revisions"]["ids"][0] = json!("00".repeat(16))),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["aad"] = json!(3)),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["nonce"] = json!("AAAA")),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["ct"] = json!("not base64!")),
            DocError::Malformed(_)
        ));
        assert!(matches!(
            broken(&|d| d["_revisions"]["ids"] = json!([
                "ab".repeat(16),
                "01".repeat(16),
                "02".repeat(16),
                "03".repeat(16)
            ])),
            DocError::Malformed(_)
        ));
    }

    #[test]
    fn only_stores_that_travel_have_documents() {
        assert_eq!(parse_doc_id("clients:abc"), Some(("clients", "abc")));
        assert_eq!(parse_doc_id("audit_log:abc"), Some(("audit_log", "abc")));
        assert_eq!(parse_doc_id("drafts:abc"), None);
        assert_eq!(parse_doc_id("vault_meta:settings"), None);
        assert_eq!(parse_doc_id(HEADER_DOC), None);
        assert_eq!(parse_doc_id("clients:"), None);
    }

    #[test]
    fn the_header_document_round_trips() {
        let doc = header_doc("v1", "{\"format\":1}", Some("1-abc"));
        assert_eq!(doc["_rev"], "1-abc");
        assert_eq!(
            doc_header(&doc).unwrap(),
            ("v1".to_owned(), "{\"format\":1}".to_owned())
        );
        assert!(doc_header(&json!({"_id": HEADER_DOC})).is_err());
    }
}
