//! What can go wrong with the vault, in words a therapist can act on.

use crate::crypto::{CryptoError, PassphraseError};

/// A vault operation failed. Every message says what happened and what to do,
/// in whole sentences; none contains note text, names, or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The passphrase did not open the vault.
    #[error("That passphrase does not open this vault. Check Caps Lock and the keyboard language, then try again.")]
    WrongPassphrase {
        /// Consecutive failures so far, this one included.
        failures: u32,
    },
    /// Too many wrong passphrases: the next try must wait.
    #[error("Too many wrong passphrases. For your clients' safety, wait {} before trying again, or unlock with your recovery key.", wait_words(*.wait_secs))]
    LockedOut {
        /// Seconds until the next try is allowed.
        wait_secs: u64,
    },
    /// The recovery key was well-formed but is not this vault's.
    #[error("That recovery key does not open this vault. Check each group of four characters against your printed copy.")]
    WrongRecoveryKey,
    /// The custodian key was well-formed but is not this vault's (or was
    /// revoked or replaced).
    #[error("That custodian key does not open this vault: it is not this vault's, or the clinician replaced or revoked it. Check each group of four characters against the printed copy.")]
    WrongCustodianKey,
    /// The custodian key has the wrong length or characters.
    #[error(
        "That does not look like a custodian key. It has 52 letters and digits in groups of four."
    )]
    MalformedCustodianKey,
    /// The file opened with a custodian key is not a custodian's copy of
    /// that vault (a full backup, say, which only the clinician can open).
    #[error("This file is not a custodian's copy of the record, or it was changed after it was made. Ask the clinician for a custodian's copy (Settings, Records custodian): a full backup opens only with their passphrase or recovery key.")]
    NotACustodianCopy,
    /// A custodian's copy opens with the custodian key only.
    #[error("This browser holds a records custodian's copy, which opens with the custodian key only. Choose \"Open with a custodian key\".")]
    CustodianCopyOnly,
    /// No custodian key was ever made for this vault, or it was revoked.
    #[error("This vault has no custodian key. The clinician makes one in Settings; until then only the passphrase or the recovery key opens it.")]
    NoCustodianKey,
    /// The recovery key has the wrong length or characters.
    #[error(
        "That does not look like a recovery key. It has 52 letters and digits in groups of four."
    )]
    MalformedRecoveryKey,
    /// The backup's passphrase did not open it (a restore, not an unlock).
    #[error("That passphrase does not open this backup. Use the passphrase that was in use when the backup was made, or your recovery key.")]
    WrongBackupPassphrase,
    /// The recovery key on screen was replaced by a newer one (another tab).
    #[error("A newer recovery key was made in another tab or window, so the one on this screen no longer opens your vault. Lock, then unlock, to see the newer key.")]
    RecoveryKeyReplaced,
    /// The header asks for KDF parameters outside the accepted range.
    #[error("This vault's header has unsafe settings and was not used ({0}). If you did not change it, restore from a backup.")]
    UnsafeHeader(String),
    /// The header could not be read.
    #[error("This vault's header is damaged, so it cannot be opened. Your notes are untouched; restore the header from a backup.")]
    HeaderDamaged,
    /// A newer app wrote this vault.
    #[error("This vault was made by a newer version of Psynotes (format {0}). Reload to update the app.")]
    UnsupportedFormat(u16),
    /// A newer app upgraded this browser's database, now or while this tab was open.
    #[error("Psynotes was updated in another tab. Reload this page to continue; everything saved is safe.")]
    NewerDatabase,
    /// Refused to create a vault over data that is already there.
    #[error("This browser already holds Psynotes data, so no new vault was created over it. Unlock it, or restore from a backup.")]
    DataExists,
    /// There is no vault yet.
    #[error("There is no vault in this browser yet.")]
    NoVault,
    /// The vault was locked while the operation ran.
    #[error("The vault is locked. Unlock it and try again.")]
    Locked,
    /// Another tab saved this record first.
    #[error("This record was changed elsewhere (another tab or window, or another synced device), so this version was not saved over it. Compare the two versions and choose what to keep.")]
    Conflict,
    /// The browser's storage is full.
    #[error("This device's storage for Psynotes is full, so nothing was saved. Your text is still on screen. Free space on the device, download an encrypted backup, or delete old data you no longer need, then try again.")]
    QuotaExceeded,
    /// A write transaction ended without committing, for no reason the browser gave.
    #[error("The browser's storage did not keep this change, so nothing was saved. Your text is still on screen. Try again, and reload the page if it keeps happening.")]
    NotCommitted,
    /// This browser offers no IndexedDB (some private modes, or site data blocked).
    #[error("This browser does not let Psynotes store data. Private browsing, or a setting that blocks site data, can cause this. Nothing was changed.")]
    StorageUnavailable,
    /// Another tab holds the database open at an older version.
    #[error("Psynotes is open in another tab that must be closed or reloaded first.")]
    Blocked,
    /// A record could not be decrypted: damaged, moved, or replayed.
    #[error("This record is damaged and cannot be opened. The rest of your notes are unaffected; restore it from a backup.")]
    Damaged {
        /// The record's opaque id.
        id: String,
    },
    /// The record does not exist.
    #[error("That record no longer exists. It may have been deleted in another tab.")]
    NotFound,
    /// A client with notes cannot be deleted: the clinical record must be kept.
    #[error("{} so the client cannot be deleted: clinical records must be kept. Archive the client instead to hide them from the list.", notes_words(*.notes))]
    ClientHasNotes {
        /// Progress and psychotherapy notes of the client, damaged ones included.
        notes: u32,
    },
    /// The client has questionnaires (results, or ones not finished), which
    /// are part of the record too.
    #[error("{} so the client cannot be deleted: clinical records must be kept. Archive the client instead to hide them from the list.", questionnaires_words(*.questionnaires))]
    ClientHasQuestionnaires {
        /// How many.
        questionnaires: u32,
    },
    /// A custodian's session holds the records key only: psychotherapy notes,
    /// the audit log, unsaved drafts and the master key are not open to it.
    #[error("This is a records custodian's session, which opens the record and nothing else: psychotherapy notes, unsaved drafts, the audit log and the vault's settings are not open to it, and the record is read only.")]
    CustodianSession,
    /// The client's access or amendment requests, or the disclosures made of
    /// their record, which must be kept (45 CFR 164.528: six years).
    #[error("This client has requests or disclosures in the rights ledger ({entries}), so the client cannot be deleted: the accounting of disclosures must be kept for six years. Archive the client instead to hide them from the list.")]
    ClientHasRequests {
        /// Requests and disclosures.
        entries: u32,
    },
    /// A signed note is part of the legal record and cannot be discarded.
    #[error("A signed note is part of the record and cannot be discarded. Add an addendum to correct it.")]
    SignedNoteIsPermanent,
    /// A backup file was refused; the message comes from the backup format.
    #[error("{0}")]
    Backup(String),
    /// The passphrase does not meet the rules.
    #[error(transparent)]
    Passphrase(#[from] PassphraseError),
    /// A cryptographic operation failed for a reason other than a wrong key.
    #[error("{} Nothing was changed.", sentence(&.0.to_string()))]
    Crypto(CryptoError),
    /// IndexedDB failed for another reason.
    #[error("The browser's storage reported a problem ({0}). Nothing was changed. Try again, and reload the page if it keeps happening.")]
    Storage(String),
    /// Joining a synced vault failed on the server's side; the message says
    /// what to check.
    #[error("{}", sentence(.0))]
    Sync(String),
    /// The questionnaire was finished (here, in another tab or on another
    /// device), so its answers can no longer change.
    #[error("This questionnaire was already finished, so its answers cannot change. Start a new questionnaire to record new answers.")]
    QuestionnaireFinished,
    /// A questionnaire could not be answered or finished as asked.
    #[error(transparent)]
    Measure(#[from] crate::domain::measure::MeasureError),
    /// A treatment plan could not be signed, revised or agreed to as asked.
    #[error(transparent)]
    Plan(#[from] crate::domain::treatment_plan::PlanError),
    /// An add found its key taken (internal: callers turn it into their own error).
    #[error("A record with this id already exists. Nothing was changed.")]
    Constraint,
}

impl VaultError {
    /// The error a `DOMException` from IndexedDB stands for.
    #[cfg(target_arch = "wasm32")]
    pub fn from_dom_exception(e: &web_sys::DomException) -> VaultError {
        match e.name().as_str() {
            "QuotaExceededError" => VaultError::QuotaExceeded,
            "ConstraintError" => VaultError::Constraint,
            "VersionError" => VaultError::NewerDatabase,
            "InvalidStateError" | "TransactionInactiveError" => {
                VaultError::Storage(format!("{}: {}", e.name(), e.message()))
            }
            "AbortError" => VaultError::NotCommitted,
            _ => VaultError::Storage(format!("{}: {}", e.name(), e.message())),
        }
    }
}

impl From<CryptoError> for VaultError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::KdfParamsOutOfRange { .. } => VaultError::UnsafeHeader(e.to_string()),
            CryptoError::InvalidRecoveryKey => VaultError::MalformedRecoveryKey,
            CryptoError::InvalidCustodianKey => VaultError::MalformedCustodianKey,
            other => VaultError::Crypto(other),
        }
    }
}

/// A lower-case clause as a sentence: capitalised, ending with a full stop.
fn sentence(clause: &str) -> String {
    let clause = clause.trim().trim_end_matches('.');
    let mut chars = clause.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

fn notes_words(notes: u32) -> String {
    match notes {
        1 => "This client has 1 note,".to_owned(),
        n => format!("This client has {n} notes,"),
    }
}

fn questionnaires_words(questionnaires: u32) -> String {
    match questionnaires {
        1 => "This client has 1 questionnaire,".to_owned(),
        n => format!("This client has {n} questionnaires,"),
    }
}

fn wait_words(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

#[cfg(target_arch = "wasm32")]
impl From<rexie::Error> for VaultError {
    fn from(e: rexie::Error) -> Self {
        // rexie's message is only "idb error"; the DOMException's name is in
        // the debug form of its source.
        let text = format!("{e:?}");
        if text.contains("QuotaExceededError") {
            VaultError::QuotaExceeded
        } else {
            VaultError::Storage(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every variant, so a new one cannot skip the wording check.
    fn every_variant() -> Vec<VaultError> {
        use crate::crypto::PassphraseError;
        vec![
            VaultError::WrongPassphrase { failures: 1 },
            VaultError::LockedOut { wait_secs: 30 },
            VaultError::WrongRecoveryKey,
            VaultError::MalformedRecoveryKey,
            VaultError::WrongCustodianKey,
            VaultError::MalformedCustodianKey,
            VaultError::NoCustodianKey,
            VaultError::NotACustodianCopy,
            VaultError::CustodianCopyOnly,
            VaultError::WrongBackupPassphrase,
            VaultError::RecoveryKeyReplaced,
            VaultError::from(CryptoError::KdfParamsOutOfRange {
                what: "t",
                value: 1,
                min: 2,
                max: 10,
            }),
            VaultError::HeaderDamaged,
            VaultError::UnsupportedFormat(9),
            VaultError::NewerDatabase,
            VaultError::DataExists,
            VaultError::NoVault,
            VaultError::Locked,
            VaultError::Conflict,
            VaultError::QuotaExceeded,
            VaultError::NotCommitted,
            VaultError::StorageUnavailable,
            VaultError::Blocked,
            VaultError::Damaged { id: "ab".into() },
            VaultError::NotFound,
            VaultError::ClientHasNotes { notes: 1 },
            VaultError::ClientHasNotes { notes: 3 },
            VaultError::ClientHasQuestionnaires { questionnaires: 1 },
            VaultError::ClientHasQuestionnaires { questionnaires: 2 },
            VaultError::ClientHasRequests { entries: 2 },
            VaultError::CustodianSession,
            VaultError::QuestionnaireFinished,
            VaultError::Measure(crate::domain::measure::MeasureError::NothingAnswered),
            VaultError::SignedNoteIsPermanent,
            VaultError::Backup("This file is not a Psynotes backup.".into()),
            VaultError::Passphrase(PassphraseError::Mismatch),
            VaultError::Crypto(CryptoError::Decrypt),
            VaultError::Crypto(CryptoError::Kdf),
            VaultError::Storage("UnknownError: disk".into()),
            VaultError::Constraint,
        ]
    }

    #[test]
    fn every_message_is_whole_sentences() {
        for error in every_variant() {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            let first = message.chars().next().unwrap();
            assert!(first.is_uppercase(), "{message}");
            // A sentence never runs into the next without its full stop:
            // "…try again Nothing was changed." is what this catches.
            let words: Vec<&str> = message.split(' ').collect();
            for pair in words.windows(2) {
                let (before, after) = (pair[0], pair[1]);
                let starts_sentence = [
                    "Nothing", "Try", "Your", "Reload", "Unlock", "Check", "Free", "Archive",
                    "Add", "Compare", "Keep", "Restore", "The", "This", "It", "Use", "Close",
                    "Choose", "Wait",
                ]
                .contains(&after);
                if starts_sentence {
                    let ended =
                        before.ends_with(['.', ':', ';', '?', '!']) || before.ends_with(".)");
                    assert!(
                        ended || before == "and" || before == "or",
                        "run-on before {after:?} in: {message}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_crypto_failure_reads_as_a_sentence() {
        assert_eq!(
            VaultError::Crypto(CryptoError::Decrypt).to_string(),
            "The data could not be decrypted: the key is wrong or the data is damaged. Nothing was changed."
        );
    }

    #[test]
    fn a_client_with_notes_is_counted_in_words() {
        assert!(VaultError::ClientHasNotes { notes: 1 }
            .to_string()
            .starts_with("This client has 1 note, so"));
        assert!(VaultError::ClientHasNotes { notes: 2 }
            .to_string()
            .starts_with("This client has 2 notes, so"));
    }

    #[test]
    fn lockout_message_says_how_long_to_wait() {
        let m = VaultError::LockedOut { wait_secs: 30 }.to_string();
        assert!(m.contains("30 seconds"), "{m}");
        let m = VaultError::LockedOut { wait_secs: 900 }.to_string();
        assert!(m.contains("15 minutes"), "{m}");
    }

    #[test]
    fn out_of_range_kdf_parameters_are_an_unsafe_header() {
        let e = CryptoError::KdfParamsOutOfRange {
            what: "t",
            value: 1,
            min: 2,
            max: 10,
        };
        assert!(matches!(VaultError::from(e), VaultError::UnsafeHeader(_)));
    }
}
