//! The encrypted backup file: its byte layout, written and read without IndexedDB.
//!
//! A backup is the vault as it rests: the plaintext header (so the same passphrase
//! or recovery key opens it) and every sealed record of every store, still
//! encrypted. Nothing is decrypted to make a backup, so psychotherapy notes stay
//! under their own key inside it. A manifest lists each store's record count and
//! the SHA-256 of its records, and an HMAC-SHA256 tag under
//! [`MasterKey::backup_mac_key`](crate::crypto::MasterKey::backup_mac_key)
//! authenticates the whole file.
//!
//! # Reading in two steps
//! [`parse`] checks the structure with no key: magic, version, every length, the
//! manifest against the records, and that nothing follows the tag. A damaged or
//! foreign file is refused before the clinician is asked for anything. It also
//! hands out the header, which is needed to turn the passphrase into keys.
//! [`ParsedBackup::verify`] then checks the tag with the MAC key and only then
//! returns the records. Until `verify` succeeds the header is unauthenticated:
//! use it only to derive keys (the vault bounds-checks its KDF parameters before
//! running the KDF), never as the vault's new header.
//!
//! # Layout, version 2
//! All integers are big-endian. Lengths count bytes. Text is UTF-8.
//!
//! ```text
//! magic            8 bytes   "PSYBAK\r\n"  (50 53 59 42 41 4B 0D 0A)
//! version          u16       2
//! header length    u32       at most 1 MiB
//! header           bytes     the vault header's stored JSON, as stored
//! store count      u16       at most 64
//! per store, in order:
//!   name length    u16       1 to 64
//!   name           bytes     the IndexedDB store name; no store twice
//!   record count   u32
//!   per record, in order (the store's "record section"):
//!     id length    u16       1 to 256
//!     id           bytes     no id twice within a store
//!     leaf count   u16       1 to 64: the record's revision leaves
//!     per leaf, in order:
//!       generation u64       at least 1
//!       digest     16 bytes  the revision's digest; no revision twice
//!       flags      u8        bit 0: deletes the record; bit 1: sealed under
//!                            the v2 AAD (the revision id), else v1; no others
//!       ancestors  u16       at most 100, and fewer than the generation
//!       ancestry   16 bytes each, newest first
//!       device     u8 length 0 or 16, then that many lowercase hex digits:
//!                            the device that wrote it, if known
//!       nonce      12 bytes
//!       ct length  u32       at most 64 MiB
//!       ciphertext bytes     AES-256-GCM ciphertext and tag, as stored
//! manifest, per store in the same order:
//!   name length    u16
//!   name           bytes     equal to the store's name above
//!   record count   u32       equal to the store's record count above
//!   sha256         32 bytes  SHA-256 of the store's record section: the bytes from
//!                            its first record's id length to its last record's
//!                            last ciphertext (SHA-256 of nothing for an empty store)
//! created at       i64       Unix milliseconds
//! tag              32 bytes  HMAC-SHA256 under the backup MAC key of every byte
//!                            before it, from the magic to "created at"
//! ```
//!
//! Version 1, written before revision histories, is still read: the same but
//! for each record, which was `id length, id, revision u64, nonce, ct length,
//! ciphertext`, one revision sealed under the v1 AAD. It reads as a record with
//! one leaf, named as the vault names such records (see
//! [`StoredRecord::legacy`]).
//!
//! Nothing may follow the tag. Every value has exactly one encoding, so a file is
//! either this layout or refused. The `\r\n` in the magic makes a transfer that
//! rewrites line endings fail at the first check rather than deep inside.
//!
//! Limits are checked before anything is allocated, and no allocation is ever
//! larger than the input that remains, so a hostile length cannot exhaust memory.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use sha2::{Digest, Sha256};

use super::record::{AadVersion, DeviceId, Sealed, StoredRecord};
use super::revision_tree::{Digest as RevDigest, Leaf, RevId, RevTree, REVS_LIMIT};
use crate::crypto::{BackupMac, BackupMacKey, Envelope};

/// The first eight bytes of every backup.
pub const MAGIC: [u8; 8] = *b"PSYBAK\r\n";
/// The layout this build writes and the newest it reads.
pub const BACKUP_VERSION: u16 = 2;
/// The layout from before revision histories, still read.
const BACKUP_VERSION_1: u16 = 1;
/// File name extension, without the dot.
pub const FILE_EXTENSION: &str = "psybak";

/// Lets the page draw during work on a whole backup. A 12,000-record vault is
/// a file of about 30 MB: hashing it and walking its records in one step
/// would freeze the screen for a few hundred milliseconds, so the `_paced`
/// functions await [`Pace::breathe`] after every slice of work (about
/// [`SLICE_BYTES`] hashed, or [`SLICE_RECORDS`] records), and the pacer
/// decides whether to give the page a turn.
pub trait Pace {
    /// Called between slices; may wait for the page to draw.
    fn breathe(&mut self) -> impl Future<Output = ()>;
}

/// Never waits: the work is done in one step (native code, small files, tests).
pub struct NoPause;

impl Pace for NoPause {
    async fn breathe(&mut self) {}
}

/// Bytes hashed between two calls to [`Pace::breathe`] (well under a
/// millisecond of SHA-256).
pub const SLICE_BYTES: usize = 256 << 10;
/// Records written or read between two calls to [`Pace::breathe`].
pub const SLICE_RECORDS: usize = 200;

/// Runs `work` with [`NoPause`]: it never waits, so one poll finishes it.
fn at_once<T>(work: impl Future<Output = Result<T, BackupError>>) -> Result<T, BackupError> {
    match pin!(work).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(done) => done,
        Poll::Pending => Err(BackupError::Malformed("the work did not finish")),
    }
}

/// The SHA-256 of `data`, a slice at a time.
async fn sha256_paced(data: &[u8], pace: &mut impl Pace) -> [u8; SHA256_BYTES] {
    let mut hash = Sha256::new();
    for slice in data.chunks(SLICE_BYTES) {
        hash.update(slice);
        pace.breathe().await;
    }
    hash.finalize().into()
}

/// `mac` with `data` added, a slice at a time.
async fn mac_paced(mut mac: BackupMac, data: &[u8], pace: &mut impl Pace) -> BackupMac {
    for slice in data.chunks(SLICE_BYTES) {
        mac.update(slice);
        pace.breathe().await;
    }
    mac
}

/// The vault header is a few hundred bytes; a megabyte is far beyond any real one.
pub const MAX_HEADER_BYTES: usize = 1 << 20;
/// Far more stores than the schema will ever have.
pub const MAX_STORES: usize = 64;
/// Store names are short identifiers.
pub const MAX_STORE_NAME_BYTES: usize = 64;
/// Record ids are 32 hex characters; the limit leaves room for other schemes.
pub const MAX_ID_BYTES: usize = 256;
/// One record is one note or client; 64 MiB is far beyond any real one.
pub const MAX_CIPHERTEXT_BYTES: usize = 64 << 20;
/// A record's leaves: one, or a few while devices' edits conflict.
pub const MAX_LEAVES: usize = 64;

const NONCE_BYTES: usize = 12;
const SHA256_BYTES: usize = 32;
const TAG_BYTES: usize = 32;
const DIGEST_BYTES: usize = 16;
/// The smallest a record can be (empty id, one leaf with no ancestry and an
/// empty ciphertext), to bound how many records the remaining input can hold.
const MIN_RECORD_BYTES: usize = 2 + 2 + 8 + DIGEST_BYTES + 1 + 2 + 1 + NONCE_BYTES + 4;
/// The same in version 1.
const MIN_RECORD_BYTES_V1: usize = 2 + 8 + NONCE_BYTES + 4;
const FLAG_DELETED: u8 = 1;
const FLAG_AAD_V2: u8 = 2;

/// Why a backup file could not be written or read. Messages say what happened and
/// what to do; none contains note text, names or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The file does not start with the backup magic.
    #[error("This file is not a Psynotes backup. Choose a file ending in .psybak, such as psynotes-backup-2024-03-05.psybak.")]
    NotABackup,
    /// A newer app wrote this backup.
    #[error("This backup was made by a newer version of Psynotes (backup format {0}). Reload the app to update it, then restore again. Nothing was restored.")]
    UnsupportedVersion(u16),
    /// The file ends before the layout does.
    #[error("The backup file is incomplete (it may not have finished downloading or copying). Nothing was restored.")]
    Truncated,
    /// The bytes do not follow the layout.
    #[error(
        "This backup file is damaged ({0}). Nothing was restored. Try another copy of the backup."
    )]
    Malformed(&'static str),
    /// A store's records do not match the manifest: the file was damaged.
    #[error("The {store} part of this backup does not match its checksum, so the file is damaged. Nothing was restored. Try another copy of the backup.")]
    ManifestMismatch {
        /// The store's name (not sensitive).
        store: String,
    },
    /// The tag does not verify under this MAC key.
    #[error("This backup was altered, or it belongs to another vault. Nothing was restored.")]
    Tampered,
    /// A declared length is over its limit; refused before allocating.
    #[error("This backup declares a {0} larger than Psynotes accepts, so the file is damaged or not a real backup. Nothing was restored.")]
    TooLarge(&'static str),
    /// The vault's contents cannot be written in this layout (a record over a
    /// limit, or a store or id listed twice). Writing refuses rather than produce a
    /// file that could not be restored.
    #[error("The backup could not be made ({0}). Nothing was downloaded and your notes are unchanged. Please report this problem.")]
    Unencodable(&'static str),
}

/// A whole vault as stored: header and sealed records, per store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The vault header's stored JSON, byte for byte.
    pub header_json: String,
    /// Every store's records, in the order they are written.
    pub stores: Vec<StoreRecords>,
    /// When the backup was made, Unix milliseconds.
    pub created_at_ms: i64,
}

/// One object store's sealed records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRecords {
    /// The IndexedDB store name, as bound into each record's AAD.
    pub store: String,
    /// The records, ciphertext as stored.
    pub records: Vec<StoredRecord>,
}

impl Backup {
    /// Records in all stores.
    pub fn record_count(&self) -> usize {
        self.stores.iter().map(|store| store.records.len()).sum()
    }
}

/// The name a backup is saved under: `psynotes-backup-2024-03-05.psybak`.
///
/// `date` is the `YYYY-MM-DD` of today. Anything but ASCII digits and `-` is
/// dropped, so no caller can put a path separator or a name into a file name.
pub fn file_name(date: &str) -> String {
    let date: String = date
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    format!("psynotes-backup-{date}.{FILE_EXTENSION}")
}

/// Writes a backup and authenticates it with `mac_key`.
///
/// # Errors
/// [`BackupError::Unencodable`] if anything is over a limit of the layout or a
/// store or record id appears twice: [`parse`] would refuse such a file, so it is
/// never written.
pub fn encode(backup: &Backup, mac_key: &BackupMacKey) -> Result<Vec<u8>, BackupError> {
    at_once(encode_paced(backup, mac_key, &mut NoPause))
}

/// [`encode`], giving the page a turn between slices of the work (see [`Pace`]).
///
/// # Errors
/// As [`encode`].
pub async fn encode_paced(
    backup: &Backup,
    mac_key: &BackupMacKey,
    pace: &mut impl Pace,
) -> Result<Vec<u8>, BackupError> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&BACKUP_VERSION.to_be_bytes());
    put_u32_len(
        &mut out,
        backup.header_json.len(),
        MAX_HEADER_BYTES,
        "header over 1 MiB",
    )?;
    out.extend_from_slice(backup.header_json.as_bytes());

    if backup.stores.len() > MAX_STORES {
        return Err(BackupError::Unencodable("more than 64 stores"));
    }
    out.extend_from_slice(&(backup.stores.len() as u16).to_be_bytes());
    let mut names = BTreeSet::new();
    let mut manifest = Vec::with_capacity(backup.stores.len());
    for store in &backup.stores {
        put_name(&mut out, &store.store)?;
        if !names.insert(store.store.as_str()) {
            return Err(BackupError::Unencodable("a store is listed twice"));
        }
        let count = u32::try_from(store.records.len())
            .map_err(|_| BackupError::Unencodable("too many records in one store"))?;
        out.extend_from_slice(&count.to_be_bytes());
        let section_start = out.len();
        let mut ids = BTreeSet::new();
        for (n, record) in store.records.iter().enumerate() {
            if n % SLICE_RECORDS == SLICE_RECORDS - 1 {
                pace.breathe().await;
            }
            if record.id.is_empty() {
                return Err(BackupError::Unencodable("a record has no id"));
            }
            put_u16_len(
                &mut out,
                record.id.len(),
                MAX_ID_BYTES,
                "record id too long",
            )?;
            out.extend_from_slice(record.id.as_bytes());
            if !ids.insert(record.id.as_str()) {
                return Err(BackupError::Unencodable("a record id is listed twice"));
            }
            put_leaves(&mut out, record.tree.leaves())?;
        }
        let digest = sha256_paced(&out[section_start..], pace).await;
        manifest.push((store.store.as_str(), count, digest));
    }
    for (name, count, digest) in manifest {
        put_name(&mut out, name)?;
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&digest);
    }
    out.extend_from_slice(&backup.created_at_ms.to_be_bytes());
    let tag = mac_paced(mac_key.begin(), &out, pace).await.finish();
    out.extend_from_slice(&tag);
    Ok(out)
}

fn put_leaves(out: &mut Vec<u8>, leaves: &[Leaf<Sealed>]) -> Result<(), BackupError> {
    if leaves.is_empty() {
        return Err(BackupError::Unencodable("a record has no revision"));
    }
    put_u16_len(
        out,
        leaves.len(),
        MAX_LEAVES,
        "too many revisions of one record",
    )?;
    let mut revs = BTreeSet::new();
    for leaf in leaves {
        if !revs.insert(leaf.rev) {
            return Err(BackupError::Unencodable("a revision is listed twice"));
        }
        if !ancestry_fits(leaf.rev.generation, leaf.ancestry.len()) {
            return Err(BackupError::Unencodable(
                "a revision's history is out of bounds",
            ));
        }
        out.extend_from_slice(&leaf.rev.generation.to_be_bytes());
        out.extend_from_slice(&leaf.rev.digest);
        let mut flags = 0;
        if leaf.deleted {
            flags |= FLAG_DELETED;
        }
        if leaf.payload.aad == AadVersion::V2 {
            flags |= FLAG_AAD_V2;
        }
        out.push(flags);
        out.extend_from_slice(&(leaf.ancestry.len() as u16).to_be_bytes());
        for digest in &leaf.ancestry {
            out.extend_from_slice(digest);
        }
        match &leaf.payload.device {
            Some(device) => {
                out.push(device.as_str().len() as u8);
                out.extend_from_slice(device.as_str().as_bytes());
            }
            None => out.push(0),
        }
        out.extend_from_slice(&leaf.payload.envelope.nonce);
        let ciphertext = &leaf.payload.envelope.ciphertext;
        put_u32_len(
            out,
            ciphertext.len(),
            MAX_CIPHERTEXT_BYTES,
            "record over 64 MiB",
        )?;
        out.extend_from_slice(ciphertext);
    }
    Ok(())
}

/// Whether a leaf of `generation` may remember `ancestors` revisions before it.
fn ancestry_fits(generation: u64, ancestors: usize) -> bool {
    generation >= 1 && ancestors <= REVS_LIMIT && (ancestors as u64) < generation
}

fn put_name(out: &mut Vec<u8>, name: &str) -> Result<(), BackupError> {
    if name.is_empty() {
        return Err(BackupError::Unencodable("a store has no name"));
    }
    put_u16_len(out, name.len(), MAX_STORE_NAME_BYTES, "store name too long")?;
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

fn put_u16_len(
    out: &mut Vec<u8>,
    len: usize,
    max: usize,
    what: &'static str,
) -> Result<(), BackupError> {
    let len = u16::try_from(len)
        .ok()
        .filter(|&n| usize::from(n) <= max)
        .ok_or(BackupError::Unencodable(what))?;
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

fn put_u32_len(
    out: &mut Vec<u8>,
    len: usize,
    max: usize,
    what: &'static str,
) -> Result<(), BackupError> {
    if len > max {
        return Err(BackupError::Unencodable(what));
    }
    let len = u32::try_from(len).map_err(|_| BackupError::Unencodable(what))?;
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

/// A backup whose structure is sound but whose tag is not checked yet.
pub struct ParsedBackup {
    backup: Backup,
    /// Every byte the tag covers, kept so `verify` checks exactly what was read.
    authenticated: Vec<u8>,
    tag: [u8; TAG_BYTES],
}

impl ParsedBackup {
    /// The backup's vault header, *unauthenticated* until [`verify`](Self::verify):
    /// use it only to derive the keys that verify it.
    pub fn header_json(&self) -> &str {
        &self.backup.header_json
    }

    /// When the backup says it was made (unauthenticated, for display).
    pub fn created_at_ms(&self) -> i64 {
        self.backup.created_at_ms
    }

    /// Records in all stores.
    pub fn record_count(&self) -> usize {
        self.backup.record_count()
    }

    /// The backup's records, once the tag verifies under `mac_key` (compared in
    /// constant time).
    ///
    /// # Errors
    /// [`BackupError::Tampered`] if the file was changed after it was written, or
    /// was written under another vault's master key.
    pub fn verify(self, mac_key: &BackupMacKey) -> Result<Backup, BackupError> {
        at_once(self.verify_paced(mac_key, &mut NoPause))
    }

    /// [`verify`](Self::verify), giving the page a turn between slices of the
    /// file (see [`Pace`]).
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub async fn verify_paced(
        self,
        mac_key: &BackupMacKey,
        pace: &mut impl Pace,
    ) -> Result<Backup, BackupError> {
        let mac = mac_paced(mac_key.begin(), &self.authenticated, pace).await;
        if mac.verify(&self.tag) {
            Ok(self.backup)
        } else {
            Err(BackupError::Tampered)
        }
    }
}

impl fmt::Debug for ParsedBackup {
    // A summary: the derived form would print every ciphertext byte twice.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stores: Vec<(&str, usize)> = self
            .backup
            .stores
            .iter()
            .map(|s| (s.store.as_str(), s.records.len()))
            .collect();
        f.debug_struct("ParsedBackup")
            .field("stores", &stores)
            .field("created_at_ms", &self.backup.created_at_ms)
            .field("bytes", &(self.authenticated.len() + TAG_BYTES))
            .finish_non_exhaustive()
    }
}

/// Checks a backup's structure without a key (see the module doc).
///
/// # Errors
/// [`BackupError::NotABackup`] for another kind of file;
/// [`BackupError::UnsupportedVersion`] for a newer layout;
/// [`BackupError::Truncated`] if the file ends early;
/// [`BackupError::TooLarge`] for a length over its limit;
/// [`BackupError::ManifestMismatch`] if a store's records do not match the
/// manifest; [`BackupError::Malformed`] for anything else out of layout.
pub fn parse(bytes: &[u8]) -> Result<ParsedBackup, BackupError> {
    at_once(parse_paced(bytes, &mut NoPause))
}

/// [`parse`], giving the page a turn between slices of the file (see [`Pace`]).
///
/// # Errors
/// As [`parse`].
pub async fn parse_paced(bytes: &[u8], pace: &mut impl Pace) -> Result<ParsedBackup, BackupError> {
    let Some(magic) = bytes.get(..MAGIC.len()) else {
        // A few bytes of the magic and then nothing: most likely a copy that
        // stopped early. Anything else this short is some other file.
        let partial = !bytes.is_empty() && MAGIC.starts_with(bytes);
        return Err(if partial {
            BackupError::Truncated
        } else {
            BackupError::NotABackup
        });
    };
    if magic != MAGIC {
        return Err(BackupError::NotABackup);
    }
    let mut r = Reader {
        bytes,
        pos: MAGIC.len(),
    };

    let version = match r.u16()? {
        v @ (BACKUP_VERSION | BACKUP_VERSION_1) => v,
        0 => return Err(BackupError::Malformed("format version 0")),
        newer => return Err(BackupError::UnsupportedVersion(newer)),
    };

    let header_len = r.u32_len(MAX_HEADER_BYTES, "vault header")?;
    let header_json = text(r.take(header_len)?, "the vault header is not text")?;

    let store_count = usize::from(r.u16()?);
    if store_count > MAX_STORES {
        return Err(BackupError::TooLarge("number of stores"));
    }
    let mut stores = Vec::with_capacity(store_count);
    let mut digests = Vec::with_capacity(store_count);
    let mut names = BTreeSet::new();
    for _ in 0..store_count {
        let name = r.name()?;
        if !names.insert(name.clone()) {
            return Err(BackupError::Malformed("a store is listed twice"));
        }
        let (records, digest) = read_record_section(&mut r, version, pace).await?;
        stores.push(StoreRecords {
            store: name,
            records,
        });
        digests.push(digest);
    }

    for (store, digest) in stores.iter().zip(&digests) {
        let name = r.name()?;
        let count = r.u32()?;
        let listed_digest: [u8; SHA256_BYTES] = r.array()?;
        let matches = name == store.store
            && usize::try_from(count).is_ok_and(|count| count == store.records.len())
            && listed_digest == *digest;
        if !matches {
            return Err(BackupError::ManifestMismatch {
                store: store.store.clone(),
            });
        }
    }

    let created_at_ms = r.i64()?;
    let authenticated_len = r.pos;
    let tag: [u8; TAG_BYTES] = r.array()?;
    if r.remaining() != 0 {
        return Err(BackupError::Malformed(
            "there is extra data after the end of the backup",
        ));
    }
    let authenticated = bytes
        .get(..authenticated_len)
        .ok_or(BackupError::Truncated)?
        .to_vec();

    Ok(ParsedBackup {
        backup: Backup {
            header_json,
            stores,
            created_at_ms,
        },
        authenticated,
        tag,
    })
}

/// Reads one store's records and the SHA-256 of their bytes.
async fn read_record_section(
    r: &mut Reader<'_>,
    version: u16,
    pace: &mut impl Pace,
) -> Result<(Vec<StoredRecord>, [u8; SHA256_BYTES]), BackupError> {
    let count = r.u32()?;
    let start = r.pos;
    // The declared count is not trusted for allocation: no more records can
    // follow than the remaining bytes could hold.
    let min_record = if version == BACKUP_VERSION_1 {
        MIN_RECORD_BYTES_V1
    } else {
        MIN_RECORD_BYTES
    };
    let capacity = usize::try_from(count)
        .unwrap_or(usize::MAX)
        .min(r.remaining() / min_record);
    let mut records = Vec::with_capacity(capacity);
    let mut ids = BTreeSet::new();
    for n in 0..count {
        if n as usize % SLICE_RECORDS == SLICE_RECORDS - 1 {
            pace.breathe().await;
        }
        let id_len = r.u16_len(MAX_ID_BYTES, "record id")?;
        let id = text(r.take(id_len)?, "a record id is not text")?;
        if id.is_empty() {
            return Err(BackupError::Malformed("a record has no id"));
        }
        let record = if version == BACKUP_VERSION_1 {
            let rev = r.u64()?;
            if rev == 0 {
                return Err(BackupError::Malformed("a record has revision 0"));
            }
            let nonce: [u8; NONCE_BYTES] = r.array()?;
            let ct_len = r.u32_len(MAX_CIPHERTEXT_BYTES, "record")?;
            let ciphertext = r.take(ct_len)?.to_vec();
            StoredRecord::legacy(id.clone(), rev, Envelope { nonce, ciphertext })
        } else {
            StoredRecord {
                id: id.clone(),
                tree: RevTree::from_leaves(read_leaves(r)?),
            }
        };
        if !ids.insert(id) {
            return Err(BackupError::Malformed(
                "a record is listed twice in one store",
            ));
        }
        records.push(record);
    }
    let digest = sha256_paced(r.since(start), pace).await;
    Ok((records, digest))
}

/// One record's leaves (version 2).
fn read_leaves(r: &mut Reader<'_>) -> Result<Vec<Leaf<Sealed>>, BackupError> {
    let count = r.u16_len(MAX_LEAVES, "number of revisions")?;
    if count == 0 {
        return Err(BackupError::Malformed("a record has no revision"));
    }
    let mut leaves = Vec::with_capacity(count);
    let mut revs = BTreeSet::new();
    for _ in 0..count {
        let generation = r.u64()?;
        let digest: RevDigest = r.array()?;
        let flags = r.array::<1>()?[0];
        if flags & !(FLAG_DELETED | FLAG_AAD_V2) != 0 {
            return Err(BackupError::Malformed("a revision has unknown flags"));
        }
        let ancestors = r.u16_len(REVS_LIMIT, "revision history")?;
        if !ancestry_fits(generation, ancestors) {
            return Err(BackupError::Malformed(
                "a revision's history is out of bounds",
            ));
        }
        let mut ancestry = Vec::with_capacity(ancestors);
        for _ in 0..ancestors {
            ancestry.push(r.array::<DIGEST_BYTES>()?);
        }
        let device = match r.array::<1>()?[0] {
            0 => None,
            16 => Some(
                std::str::from_utf8(r.take(16)?)
                    .ok()
                    .and_then(DeviceId::parse)
                    .ok_or(BackupError::Malformed("a device id is not 16 hex digits"))?,
            ),
            _ => return Err(BackupError::Malformed("a device id is not 16 hex digits")),
        };
        let nonce: [u8; NONCE_BYTES] = r.array()?;
        let ct_len = r.u32_len(MAX_CIPHERTEXT_BYTES, "record")?;
        let ciphertext = r.take(ct_len)?.to_vec();
        let rev = RevId { generation, digest };
        if !revs.insert(rev) {
            return Err(BackupError::Malformed("a revision is listed twice"));
        }
        leaves.push(Leaf {
            rev,
            ancestry,
            deleted: flags & FLAG_DELETED != 0,
            payload: Sealed {
                aad: if flags & FLAG_AAD_V2 != 0 {
                    AadVersion::V2
                } else {
                    AadVersion::V1
                },
                envelope: Envelope { nonce, ciphertext },
                device,
            },
        });
    }
    Ok(leaves)
}

fn text(bytes: &[u8], what: &'static str) -> Result<String, BackupError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| BackupError::Malformed(what))
}

/// A cursor over the input that never reads past its end: every read is checked
/// and running out is [`BackupError::Truncated`].
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], BackupError> {
        let end = self.pos.checked_add(n).ok_or(BackupError::Truncated)?;
        let slice = self
            .bytes
            .get(self.pos..end)
            .ok_or(BackupError::Truncated)?;
        self.pos = end;
        Ok(slice)
    }

    /// The bytes read since position `start`.
    fn since(&self, start: usize) -> &'a [u8] {
        self.bytes.get(start..self.pos).unwrap_or_default()
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BackupError> {
        self.take(N)?.try_into().map_err(|_| BackupError::Truncated)
    }

    fn u16(&mut self) -> Result<u16, BackupError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, BackupError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, BackupError> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// A u16 length, refused over `max` before anything is read or allocated.
    fn u16_len(&mut self, max: usize, what: &'static str) -> Result<usize, BackupError> {
        let len = usize::from(self.u16()?);
        if len > max {
            return Err(BackupError::TooLarge(what));
        }
        Ok(len)
    }

    /// A u32 length, refused over `max` before anything is read or allocated.
    fn u32_len(&mut self, max: usize, what: &'static str) -> Result<usize, BackupError> {
        let len = usize::try_from(self.u32()?).unwrap_or(usize::MAX);
        if len > max {
            return Err(BackupError::TooLarge(what));
        }
        Ok(len)
    }

    /// A store name: 1 to 64 bytes of text.
    fn name(&mut self) -> Result<String, BackupError> {
        let len = self.u16_len(MAX_STORE_NAME_BYTES, "store name")?;
        let name = text(self.take(len)?, "a store name is not text")?;
        if name.is_empty() {
            return Err(BackupError::Malformed("a store has no name"));
        }
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    fn leaf(generation: u64, fill: u8, len: usize) -> Leaf<Sealed> {
        Leaf {
            rev: RevId {
                generation,
                digest: [fill; 16],
            },
            ancestry: (1..generation.min(3)).map(|g| [g as u8; 16]).collect(),
            deleted: false,
            payload: Sealed {
                aad: AadVersion::V2,
                envelope: Envelope {
                    nonce: [fill; NONCE_BYTES],
                    ciphertext: (0..len).map(|i| fill.wrapping_add(i as u8)).collect(),
                },
                device: DeviceId::parse("0123456789abcdef"),
            },
        }
    }

    fn record(id: &str, rev: u64, fill: u8, len: usize) -> StoredRecord {
        StoredRecord {
            id: id.to_owned(),
            tree: RevTree::new(leaf(rev, fill, len)),
        }
    }

    fn store(name: &str, records: Vec<StoredRecord>) -> StoreRecords {
        StoreRecords {
            store: name.to_owned(),
            records,
        }
    }

    /// A few hundred bytes: every store kind, an empty store, a non-ASCII id.
    fn small_backup() -> Backup {
        Backup {
            header_json: r#"{"format":1,"kdf":"argon2id"}"#.to_owned(),
            stores: vec![
                store(
                    "clients",
                    vec![record("0a1b", 1, 1, 20), record("Zoë-日本-🙂", 7, 2, 17)],
                ),
                store(
                    "progress_notes",
                    vec![record("9f2c", 3, 3, 24), conflicted()],
                ),
                store("psychotherapy_notes", vec![record("77aa", 2, 4, 18)]),
                store("audit_log", Vec::new()),
            ],
            created_at_ms: 1_709_649_000_000,
        }
    }

    /// A record with two leaves, one of them a deletion sealed under v1.
    fn conflicted() -> StoredRecord {
        let mut gone = leaf(2, 6, 16);
        gone.deleted = true;
        gone.payload.aad = AadVersion::V1;
        StoredRecord {
            id: "c0ff".to_owned(),
            tree: RevTree::from_leaves(vec![leaf(2, 5, 16), gone]),
        }
    }

    fn mac_key() -> BackupMacKey {
        MasterKey::generate().unwrap().backup_mac_key()
    }

    #[test]
    fn round_trip_keeps_every_store_and_record_in_order() {
        let key = mac_key();
        let backup = small_backup();
        let bytes = encode(&backup, &key).unwrap();
        assert!(bytes.starts_with(b"PSYBAK\r\n\x00\x02"));
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.header_json(), backup.header_json);
        assert_eq!(parsed.record_count(), 5);
        assert_eq!(parsed.created_at_ms(), backup.created_at_ms);
        let restored = parsed.verify(&key).unwrap();
        assert_eq!(restored, backup);
        assert_eq!(restored.record_count(), 5);
        assert_eq!(restored.stores[1].records[1].tree.leaves().len(), 2);
        assert_eq!(restored.stores[3].records, Vec::new());
        assert_eq!(restored.stores[0].records[1].id, "Zoë-日本-🙂");
    }

    /// Counts the turns the page would get.
    #[derive(Default)]
    struct Breaths(usize);

    impl Pace for Breaths {
        async fn breathe(&mut self) {
            self.0 += 1;
        }
    }

    /// A vault large enough to need many slices: 1,000 records of 4 KiB.
    fn large_backup() -> Backup {
        Backup {
            header_json: "{}".to_owned(),
            stores: vec![store(
                "progress_notes",
                (0..1000)
                    .map(|i| record(&format!("{i:08x}"), 1, i as u8, 4096))
                    .collect(),
            )],
            created_at_ms: 7,
        }
    }

    #[test]
    fn paced_work_gives_the_page_turns_and_the_same_file() {
        let key = mac_key();
        let backup = large_backup();
        let mut writing = Breaths::default();
        let bytes = at_once(encode_paced(&backup, &key, &mut writing)).unwrap();
        assert_eq!(bytes, encode(&backup, &key).unwrap());
        // The section is hashed once and the file MACed once: at least two
        // slices per pass over ~4 MB, and a turn every SLICE_RECORDS records.
        let slices = bytes.len().div_ceil(SLICE_BYTES);
        assert!(
            writing.0 >= 2 * slices + 1000 / SLICE_RECORDS,
            "{} turns",
            writing.0
        );

        let mut reading = Breaths::default();
        let parsed = at_once(parse_paced(&bytes, &mut reading)).unwrap();
        assert!(
            reading.0 >= slices + 1000 / SLICE_RECORDS,
            "{} turns",
            reading.0
        );
        let mut checking = Breaths::default();
        let read = at_once(parsed.verify_paced(&key, &mut checking)).unwrap();
        assert!(checking.0 >= slices, "{} turns", checking.0);
        assert_eq!(read, backup);
    }

    #[test]
    fn paced_checks_refuse_what_the_others_refuse() {
        let key = mac_key();
        let mut bytes = encode(&large_backup(), &key).unwrap();
        // A flipped bit in the last record's ciphertext: the manifest no longer matches.
        let at = bytes.len() - 200;
        bytes[at] ^= 1;
        let paced = at_once(parse_paced(&bytes, &mut Breaths::default()));
        assert_eq!(paced.unwrap_err(), parse(&bytes).unwrap_err());
        // The right file under another vault's key.
        let bytes = encode(&large_backup(), &key).unwrap();
        let parsed = parse(&bytes).unwrap();
        let refused = at_once(parsed.verify_paced(&mac_key(), &mut Breaths::default()));
        assert_eq!(refused, Err(BackupError::Tampered));
    }

    #[test]
    fn an_empty_vault_round_trips() {
        let key = mac_key();
        let backup = Backup {
            header_json: String::new(),
            stores: Vec::new(),
            created_at_ms: -1,
        };
        let bytes = encode(&backup, &key).unwrap();
        assert_eq!(parse(&bytes).unwrap().verify(&key).unwrap(), backup);
    }

    #[test]
    fn the_layout_is_the_documented_one() {
        let key = mac_key();
        let mut only = leaf(5, 9, 2);
        only.ancestry = vec![[4; 16]];
        only.deleted = true;
        only.payload.device = None;
        let backup = Backup {
            header_json: "{}".to_owned(),
            stores: vec![store(
                "s",
                vec![StoredRecord {
                    id: "i".into(),
                    tree: RevTree::new(only),
                }],
            )],
            created_at_ms: 258,
        };
        let bytes = encode(&backup, &key).unwrap();
        let section: Vec<u8> = [
            &[0, 1][..],               // id length
            b"i",                      // id
            &[0, 1],                   // leaf count
            &[0, 0, 0, 0, 0, 0, 0, 5], // generation
            &[9; 16],                  // digest
            &[3],                      // flags: deleted, v2 AAD
            &[0, 1],                   // ancestors
            &[4; 16],                  // ancestry
            &[0],                      // no device
            &[9; 12],                  // nonce
            &[0, 0, 0, 2],             // ciphertext length
            &[9, 10],                  // ciphertext
        ]
        .concat();
        let digest: [u8; 32] = Sha256::digest(&section).into();
        let body: Vec<u8> = [
            &b"PSYBAK\r\n"[..],
            &[0, 2],       // version
            &[0, 0, 0, 2], // header length
            b"{}",
            &[0, 1], // store count
            &[0, 1],
            b"s",
            &[0, 0, 0, 1], // record count
            &section,
            &[0, 1], // manifest: name, count, digest
            b"s",
            &[0, 0, 0, 1],
            &digest,
            &[0, 0, 0, 0, 0, 0, 1, 2], // created at
        ]
        .concat();
        assert_eq!(&bytes[..body.len()], &body[..]);
        assert_eq!(bytes.len(), body.len() + 32);
        assert_eq!(&bytes[body.len()..], &key.mac(&body)[..]);
    }

    #[test]
    fn a_version_1_file_reads_as_records_of_one_legacy_leaf() {
        let key = mac_key();
        let section: Vec<u8> = [
            &[0, 1][..],               // id length
            b"i",                      // id
            &[0, 0, 0, 0, 0, 0, 0, 5], // revision
            &[9; 12],                  // nonce
            &[0, 0, 0, 2],             // ciphertext length
            &[9, 10],                  // ciphertext
        ]
        .concat();
        let digest: [u8; 32] = Sha256::digest(&section).into();
        let mut bytes: Vec<u8> = [
            &b"PSYBAK\r\n"[..],
            &[0, 1],
            &[0, 0, 0, 2],
            b"{}",
            &[0, 1],
            &[0, 1],
            b"s",
            &[0, 0, 0, 1],
            &section,
            &[0, 1],
            b"s",
            &[0, 0, 0, 1],
            &digest,
            &[0, 0, 0, 0, 0, 0, 1, 2],
        ]
        .concat();
        let tag = key.mac(&bytes);
        bytes.extend_from_slice(&tag);
        let backup = parse(&bytes).unwrap().verify(&key).unwrap();
        let expected = StoredRecord::legacy(
            "i".into(),
            5,
            Envelope {
                nonce: [9; 12],
                ciphertext: vec![9, 10],
            },
        );
        assert_eq!(backup.stores[0].records, vec![expected]);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = encode(&small_backup(), &mac_key()).unwrap();
        assert!(bytes.len() > 300 && bytes.len() < 1000, "{}", bytes.len());
        for len in 0..bytes.len() {
            let result = parse(&bytes[..len]);
            let error = result.expect_err("a prefix must be refused");
            if len == 0 {
                assert_eq!(error, BackupError::NotABackup);
            } else {
                assert_eq!(error, BackupError::Truncated, "prefix of {len} bytes");
            }
        }
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let key = mac_key();
        let bytes = encode(&small_backup(), &key).unwrap();
        let mut refused_by_parse = 0;
        for index in 0..bytes.len() {
            for bit in 0..8 {
                let mut damaged = bytes.clone();
                damaged[index] ^= 1 << bit;
                match parse(&damaged) {
                    Err(_) => refused_by_parse += 1,
                    Ok(parsed) => assert_eq!(
                        parsed.verify(&key),
                        Err(BackupError::Tampered),
                        "flip at byte {index} bit {bit}"
                    ),
                }
            }
        }
        // Flips in records, lengths and the manifest are caught without a key.
        assert!(refused_by_parse > bytes.len(), "{refused_by_parse}");
    }

    #[test]
    fn a_changed_record_fails_its_manifest_and_a_changed_header_its_tag() {
        let key = mac_key();
        let backup = small_backup();
        let bytes = encode(&backup, &key).unwrap();

        let ciphertext = &backup.stores[1].records[0].tree.leaves()[0]
            .payload
            .envelope
            .ciphertext;
        let at = bytes
            .windows(ciphertext.len())
            .position(|w| w == &ciphertext[..])
            .unwrap();
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x80;
        assert_eq!(
            parse(&damaged).unwrap_err(),
            BackupError::ManifestMismatch {
                store: "progress_notes".into()
            }
        );

        let mut damaged = bytes.clone();
        let header_at = 8 + 2 + 4 + 2; // inside "format"
        damaged[header_at] = b'F';
        let parsed = parse(&damaged).expect("the structure is still sound");
        assert!(parsed.header_json().contains("Format"));
        assert_eq!(parsed.verify(&key), Err(BackupError::Tampered));
    }

    #[test]
    fn another_vaults_key_is_refused() {
        let bytes = encode(&small_backup(), &mac_key()).unwrap();
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.verify(&mac_key()), Err(BackupError::Tampered));
    }

    #[test]
    fn trailing_data_is_refused() {
        let mut bytes = encode(&small_backup(), &mac_key()).unwrap();
        bytes.push(0);
        assert!(matches!(parse(&bytes), Err(BackupError::Malformed(_))));
        bytes.extend_from_slice(b"more");
        assert!(matches!(parse(&bytes), Err(BackupError::Malformed(_))));
    }

    #[test]
    fn other_files_and_newer_versions_are_named_as_such() {
        assert_eq!(parse(b"").unwrap_err(), BackupError::NotABackup);
        assert_eq!(parse(b"%PDF-1.7").unwrap_err(), BackupError::NotABackup);
        assert_eq!(parse(b"{\"a\":1}").unwrap_err(), BackupError::NotABackup);
        assert_eq!(parse(b"PSYB").unwrap_err(), BackupError::Truncated);
        // Line endings rewritten in transfer.
        assert_eq!(
            parse(b"PSYBAK\n\x00\x01").unwrap_err(),
            BackupError::NotABackup
        );

        let mut bytes = encode(&small_backup(), &mac_key()).unwrap();
        bytes[9] = 3;
        assert_eq!(
            parse(&bytes).unwrap_err(),
            BackupError::UnsupportedVersion(3)
        );
        bytes[9] = 0;
        assert!(matches!(parse(&bytes), Err(BackupError::Malformed(_))));
    }

    /// The magic, version 2, then `rest`.
    fn file(rest: &[&[u8]]) -> Vec<u8> {
        let mut bytes = b"PSYBAK\r\n\x00\x02".to_vec();
        for part in rest {
            bytes.extend_from_slice(part);
        }
        bytes
    }

    #[test]
    fn huge_declared_lengths_are_refused_before_allocating() {
        // A 4 GiB header.
        assert_eq!(
            parse(&file(&[&u32::MAX.to_be_bytes()])).unwrap_err(),
            BackupError::TooLarge("vault header")
        );
        // A header within the limit but longer than the file.
        assert_eq!(
            parse(&file(&[&1000u32.to_be_bytes(), b"{}"])).unwrap_err(),
            BackupError::Truncated
        );
        // 65535 stores.
        assert_eq!(
            parse(&file(&[&[0, 0, 0, 0], &u16::MAX.to_be_bytes()])).unwrap_err(),
            BackupError::TooLarge("number of stores")
        );
        // A store claiming 4 billion records: allocating for them up front would
        // abort the test; the reader runs out of input instead.
        let one_store = [&[0, 0, 0, 0][..], &[0, 1], &[0, 1], b"s"].concat();
        assert_eq!(
            parse(&file(&[&one_store, &u32::MAX.to_be_bytes()])).unwrap_err(),
            BackupError::Truncated
        );
        // A 4 GiB ciphertext.
        let record_head = [
            &[0, 1][..],
            b"i",
            &[0, 1],
            &[0, 0, 0, 0, 0, 0, 0, 1],
            &[0; 16],
            &[2],
            &[0, 0],
            &[0],
            &[0; 12],
        ]
        .concat();
        assert_eq!(
            parse(&file(&[
                &one_store,
                &1u32.to_be_bytes(),
                &record_head,
                &u32::MAX.to_be_bytes()
            ]))
            .unwrap_err(),
            BackupError::TooLarge("record")
        );
        // A 65535-byte record id.
        assert_eq!(
            parse(&file(&[&one_store, &1u32.to_be_bytes(), &[0xff, 0xff]])).unwrap_err(),
            BackupError::TooLarge("record id")
        );
        // 65 leaves.
        assert_eq!(
            parse(&file(&[
                &one_store,
                &1u32.to_be_bytes(),
                &[0, 1],
                b"i",
                &[0, 65]
            ]))
            .unwrap_err(),
            BackupError::TooLarge("number of revisions")
        );
        // A history longer than the revision's generation allows.
        let leaf_head = [
            &[0, 1][..],
            b"i",
            &[0, 1],
            &[0, 0, 0, 0, 0, 0, 0, 2],
            &[0; 16],
            &[2],
        ]
        .concat();
        assert_eq!(
            parse(&file(&[
                &one_store,
                &1u32.to_be_bytes(),
                &leaf_head,
                &[0, 2]
            ]))
            .unwrap_err(),
            BackupError::Malformed("a revision's history is out of bounds")
        );
        assert_eq!(
            parse(&file(&[
                &one_store,
                &1u32.to_be_bytes(),
                &leaf_head,
                &[0, 101]
            ]))
            .unwrap_err(),
            BackupError::TooLarge("revision history")
        );
        // Unknown flags.
        let odd = [
            &[0, 1][..],
            b"i",
            &[0, 1],
            &[0, 0, 0, 0, 0, 0, 0, 1],
            &[0; 16],
            &[4],
        ]
        .concat();
        assert_eq!(
            parse(&file(&[&one_store, &1u32.to_be_bytes(), &odd])).unwrap_err(),
            BackupError::Malformed("a revision has unknown flags")
        );
    }

    #[test]
    fn duplicates_are_refused_when_reading() {
        let key = mac_key();
        // Build a file with a duplicate id by hand-renaming one record's id bytes
        // to match the other's ("0a1b" and "9f2c" have the same length).
        let mut backup = small_backup();
        backup.stores[0].records[1] = record("9f2c", 1, 5, 10);
        let bytes = encode(&backup, &key).unwrap();
        let at = bytes.windows(4).position(|w| w == b"9f2c").unwrap();
        let mut damaged = bytes.clone();
        damaged[at..at + 4].copy_from_slice(b"0a1b");
        assert_eq!(
            parse(&damaged).unwrap_err(),
            BackupError::Malformed("a record is listed twice in one store")
        );
    }

    #[test]
    fn encode_refuses_what_parse_would_refuse() {
        let key = mac_key();
        let refuse = |backup: &Backup| match encode(backup, &key) {
            Err(BackupError::Unencodable(_)) => {}
            other => panic!("expected Unencodable, got {:?}", other.map(|b| b.len())),
        };
        let mut b = small_backup();
        b.stores.push(store("clients", Vec::new()));
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].records[1].id = "0a1b".into();
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].records[0].id = "x".repeat(MAX_ID_BYTES + 1);
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].records[0].id = String::new();
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].records[0].tree = RevTree::from_leaves(Vec::new());
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].records[0].tree = RevTree::from_leaves(vec![leaf(1, 1, 2), leaf(1, 1, 3)]);
        refuse(&b);
        let mut b = small_backup();
        b.stores[0].store = String::new();
        refuse(&b);
        let mut b = small_backup();
        b.header_json = " ".repeat(MAX_HEADER_BYTES + 1);
        refuse(&b);
        let mut b = small_backup();
        b.stores = (0..=MAX_STORES)
            .map(|i| store(&format!("s{i}"), Vec::new()))
            .collect();
        refuse(&b);

        // At the limits it still round-trips.
        let mut b = small_backup();
        b.stores[0].records[0].id = "x".repeat(MAX_ID_BYTES);
        b.stores[1].store = "n".repeat(MAX_STORE_NAME_BYTES);
        let bytes = encode(&b, &key).unwrap();
        assert_eq!(parse(&bytes).unwrap().verify(&key).unwrap(), b);
    }

    #[test]
    fn file_name_has_the_date_and_nothing_else() {
        assert_eq!(file_name("2024-03-05"), "psynotes-backup-2024-03-05.psybak");
        assert_eq!(
            file_name("../2024/03:05 Alex"),
            "psynotes-backup-20240305.psybak"
        );
    }

    #[test]
    fn messages_say_what_happened_and_that_nothing_was_restored() {
        assert_eq!(
            BackupError::Truncated.to_string(),
            "The backup file is incomplete (it may not have finished downloading or copying). Nothing was restored."
        );
        assert_eq!(
            BackupError::Tampered.to_string(),
            "This backup was altered, or it belongs to another vault. Nothing was restored."
        );
        assert!(BackupError::NotABackup
            .to_string()
            .starts_with("This file is not a Psynotes backup."));
        assert!(BackupError::UnsupportedVersion(2)
            .to_string()
            .contains("newer version"));
    }

    #[test]
    fn debug_output_is_a_summary() {
        let bytes = encode(&small_backup(), &mac_key()).unwrap();
        let text = format!("{:?}", parse(&bytes).unwrap());
        assert!(text.contains("psychotherapy_notes"), "{text}");
        assert!(text.len() < 300, "{text}");
    }
}
