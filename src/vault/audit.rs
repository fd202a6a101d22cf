//! The audit log: who did what to which record, and when.
//!
//! Every event is its own encrypted record in `audit_log`, sealed under the audit
//! key, and the log is append-only: the vault offers no update or delete for it.
//! Events name records by their opaque ids, never by content: no note text, client
//! name or date of service goes into the log.

use serde::{Deserialize, Serialize};

/// The kind of record an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordKind {
    /// A client record.
    Client,
    /// A progress note.
    ProgressNote,
    /// A psychotherapy note.
    PsychotherapyNote,
    /// A client's treatment plan.
    TreatmentPlan,
}

impl RecordKind {
    /// Words for the settings page.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Client => "client",
            RecordKind::ProgressNote => "progress note",
            RecordKind::PsychotherapyNote => "psychotherapy note",
            RecordKind::TreatmentPlan => "treatment plan",
        }
    }
}

/// Why the vault was locked, as the audit log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockReason {
    /// The Lock button.
    Button,
    /// No activity for the idle limit.
    Idle,
    /// The page was hidden longer than the grace period.
    Hidden,
    /// Another tab locked.
    OtherTab,
    /// The page came back from the back-forward cache.
    PageRestored,
    /// The app reloaded to install an update.
    Update,
    /// A client finished (or stopped) a questionnaire on the tablet: the
    /// clinician unlocks to see the record again.
    HandedBack,
}

impl LockReason {
    /// How the audit log names the reason.
    pub fn words(self) -> &'static str {
        match self {
            LockReason::Button => "button",
            LockReason::Idle => "idle",
            LockReason::Hidden => "hidden",
            LockReason::OtherTab => "another tab",
            LockReason::PageRestored => "page restored",
            LockReason::Update => "update",
            LockReason::HandedBack => "questionnaire handed back",
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    /// The vault was created.
    VaultCreated,
    /// Unlocked with the passphrase.
    Unlocked,
    /// Wrong passphrases were entered before this unlock. (Failures cannot be
    /// written when they happen: without the key the log cannot be appended to.)
    UnlockFailed {
        /// How many.
        count: u32,
    },
    /// The vault was locked.
    Locked {
        /// Why: "button", "idle", "hidden", "another tab", "page restored".
        reason: String,
    },
    /// The passphrase was changed.
    PassphraseChanged,
    /// The vault was unlocked with the recovery key.
    RecoveryKeyUsed,
    /// A new recovery key was made; the one before stopped working.
    RecoveryKeyReplaced,
    /// The person confirmed they kept the recovery key shown to them.
    RecoveryKeyConfirmed,
    /// A record was created.
    Created(RecordKind),
    /// A record was opened for reading.
    Viewed(RecordKind),
    /// A progress note was signed.
    Signed,
    /// An addendum was added to a signed note.
    Amended,
    /// A record was deleted.
    Deleted(RecordKind),
    /// Unsaved changes kept for a record were discarded on purpose.
    DiscardedUnsavedChanges(RecordKind),
    /// Progress notes were exported.
    Exported {
        /// Format and scope, e.g. "JSON, one client, 12 notes".
        scope: String,
    },
    /// An encrypted backup was downloaded.
    BackupCreated {
        /// Records in the backup.
        records: u32,
    },
    /// A backup was restored into a browser with no vault.
    Restored {
        /// Records written.
        records: u32,
    },
    /// A backup of this vault was merged into it.
    Merged {
        /// Records added, updated or kept beside as conflict copies.
        records: u32,
    },
    /// Versions of a record made on different devices were settled.
    SettledConflict(RecordKind),
    /// This device joined a vault synced through a server.
    JoinedSyncedVault,
    /// Syncing was turned on (or its server changed).
    SyncStarted,
    /// Syncing was turned off; every record stays on this device.
    SyncStopped,
    /// A questionnaire was started (its first answer was stored). The event
    /// names the record only: which questionnaire it is is record content.
    QuestionnaireStarted,
    /// A questionnaire was finished and scored.
    QuestionnaireFinished,
    /// A client's treatment plan was started (its first draft stored, the
    /// client's goals in it). Treatment-plan events name the plan's record
    /// only, never what it says.
    TreatmentPlanStarted,
    /// A version of a treatment plan was signed.
    TreatmentPlanSigned {
        /// The version number (1 for the first).
        version: u32,
    },
    /// A revision of a signed treatment plan was started as a draft.
    TreatmentPlanRevised,
    /// A treatment plan's unsigned draft was discarded; signed versions stay.
    TreatmentPlanDraftDiscarded,
    /// The client's agreement to a signed version was recorded.
    ClientAgreementRecorded {
        /// The version agreed to.
        version: u32,
    },
    /// A new version of a client's safety plan was saved (the record only,
    /// never what it says).
    SafetyPlanSaved {
        /// The version number (1 for the first).
        version: u32,
    },
    /// A client's access or amendment request was recorded. Names the
    /// request's record only.
    RightsRequestRecorded {
        /// "Access" or "Amendment".
        kind: String,
    },
    /// A step was taken on a request: "extended", "fulfilled", "accepted",
    /// "denied", "statement of disagreement recorded", ...
    RightsRequestChanged { kind: String, what: String },
    /// A copy of a client's record was disclosed; the disclosure entry names
    /// what, to whom and when, sealed in the ledger.
    Disclosed,
    /// A custodian key was made (none was there before).
    CustodianKeyCreated,
    /// A new custodian key was made; the one before stopped working.
    CustodianKeyReplaced,
    /// The custodian key was revoked; it no longer opens the vault.
    CustodianKeyRevoked,
    /// A custodian's copy of the record was downloaded (no psychotherapy
    /// note, draft or audit entry is in it).
    CustodianCopyCreated {
        /// Records in it.
        records: u32,
    },
}

impl AuditAction {
    /// A one-line description for the settings page.
    pub fn describe(&self) -> String {
        match self {
            AuditAction::VaultCreated => "Vault created".to_owned(),
            AuditAction::Unlocked => "Unlocked".to_owned(),
            AuditAction::UnlockFailed { count: 1 } => {
                "1 wrong passphrase attempt before unlocking".to_owned()
            }
            AuditAction::UnlockFailed { count } => {
                format!("{count} wrong passphrase attempts before unlocking")
            }
            AuditAction::Locked { reason } => format!("Locked ({reason})"),
            AuditAction::PassphraseChanged => "Passphrase changed".to_owned(),
            AuditAction::RecoveryKeyUsed => "Unlocked with the recovery key".to_owned(),
            AuditAction::RecoveryKeyReplaced => {
                "Made a new recovery key (the previous one stopped working)".to_owned()
            }
            AuditAction::RecoveryKeyConfirmed => "Confirmed the recovery key was kept".to_owned(),
            AuditAction::Created(kind) => format!("Created a {}", kind.label()),
            AuditAction::Viewed(kind) => format!("Viewed a {}", kind.label()),
            AuditAction::Signed => "Signed a progress note".to_owned(),
            AuditAction::Amended => "Added an addendum".to_owned(),
            AuditAction::Deleted(kind) => format!("Deleted a {}", kind.label()),
            AuditAction::DiscardedUnsavedChanges(kind) => {
                format!("Discarded unsaved changes to a {}", kind.label())
            }
            AuditAction::Exported { scope } => format!("Exported progress notes: {scope}"),
            AuditAction::BackupCreated { records } => {
                format!(
                    "Downloaded an encrypted backup ({})",
                    records_words(*records)
                )
            }
            AuditAction::Restored { records } => {
                format!("Restored from a backup ({})", records_words(*records))
            }
            AuditAction::Merged { records } => {
                format!(
                    "Merged a backup into this vault ({})",
                    records_words(*records)
                )
            }
            AuditAction::SettledConflict(kind) => {
                format!(
                    "Settled versions of a {} from different devices",
                    kind.label()
                )
            }
            AuditAction::JoinedSyncedVault => "This device joined the synced vault".to_owned(),
            AuditAction::SyncStarted => "Turned syncing on".to_owned(),
            AuditAction::SyncStopped => "Turned syncing off".to_owned(),
            AuditAction::QuestionnaireStarted => "Started a questionnaire".to_owned(),
            AuditAction::QuestionnaireFinished => "Finished a questionnaire".to_owned(),
            AuditAction::TreatmentPlanStarted => "Started a treatment plan".to_owned(),
            AuditAction::TreatmentPlanSigned { version } => {
                format!("Signed version {version} of a treatment plan")
            }
            AuditAction::TreatmentPlanRevised => {
                "Started a revision of a treatment plan".to_owned()
            }
            AuditAction::TreatmentPlanDraftDiscarded => {
                "Discarded the unsigned draft of a treatment plan".to_owned()
            }
            AuditAction::ClientAgreementRecorded { version } => {
                format!("Recorded the client's agreement to version {version} of a treatment plan")
            }
            AuditAction::SafetyPlanSaved { version } => {
                format!("Saved version {version} of a safety plan")
            }
            AuditAction::RightsRequestRecorded { kind } => {
                format!("Recorded an {} request", kind.to_lowercase())
            }
            AuditAction::RightsRequestChanged { kind, what } => {
                format!("{kind} request: {what}")
            }
            AuditAction::Disclosed => {
                "Disclosed a copy of a record (see the accounting of disclosures)".to_owned()
            }
            AuditAction::CustodianKeyCreated => "Made a custodian key".to_owned(),
            AuditAction::CustodianKeyReplaced => {
                "Made a new custodian key (the previous one stopped working)".to_owned()
            }
            AuditAction::CustodianKeyRevoked => {
                "Revoked the custodian key (it no longer opens the vault)".to_owned()
            }
            AuditAction::CustodianCopyCreated { records } => {
                format!(
                    "Downloaded a custodian's copy of the record ({})",
                    records_words(*records)
                )
            }
        }
    }
}

fn records_words(records: u32) -> String {
    match records {
        1 => "1 record".to_owned(),
        n => format!("{n} records"),
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When, in Unix milliseconds.
    pub at_ms: i64,
    /// What happened.
    pub action: AuditAction,
    /// The opaque id of the record concerned, if any.
    pub record_id: Option<String>,
}

impl AuditEvent {
    /// An event about no particular record.
    pub fn now(at_ms: i64, action: AuditAction) -> AuditEvent {
        AuditEvent {
            at_ms,
            action,
            record_id: None,
        }
    }

    /// An event about one record.
    pub fn about(at_ms: i64, action: AuditAction, record_id: &str) -> AuditEvent {
        AuditEvent {
            at_ms,
            action,
            record_id: Some(record_id.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_name_the_kind_of_record_only() {
        let e = AuditEvent::about(
            1,
            AuditAction::Viewed(RecordKind::PsychotherapyNote),
            "ab12",
        );
        assert_eq!(e.action.describe(), "Viewed a psychotherapy note");
        assert_eq!(e.record_id.as_deref(), Some("ab12"));
        assert_eq!(
            AuditAction::UnlockFailed { count: 3 }.describe(),
            "3 wrong passphrase attempts before unlocking"
        );
    }

    #[test]
    fn events_round_trip_through_json() {
        let e = AuditEvent::now(
            5,
            AuditAction::Exported {
                scope: "JSON, 2 notes".into(),
            },
        );
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AuditEvent>(&json).unwrap(), e);
    }
}
