//! What the header says about syncing, always visible (`role="status"`).

/// The state of syncing, as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStatus {
    /// Sync is not set up on this device.
    Off,
    /// Everything here is on the server and everything there is here.
    Synced,
    /// Sending or receiving; `received` of `expected` when a first pull knows
    /// how many to expect.
    Syncing { received: u64, expected: u64 },
    /// No network: this many records wait to be sent.
    Offline { waiting: u64 },
    /// Stopped: what happened and what to do; `retrying` when it will try
    /// again by itself.
    Stopped { reason: String, retrying: bool },
}

impl SyncStatus {
    /// The words shown. They start with "Synced", "Syncing", "Offline" or
    /// "Sync stopped" (tests and screen readers rely on it).
    pub fn text(&self) -> String {
        match self {
            SyncStatus::Off => String::new(),
            SyncStatus::Synced => "Synced".to_owned(),
            SyncStatus::Syncing { expected: 0, .. } => "Syncing…".to_owned(),
            SyncStatus::Syncing { received, expected } => {
                format!("Syncing… {received} of {expected} records")
            }
            SyncStatus::Offline { waiting: 0 } => "Offline: nothing waiting".to_owned(),
            SyncStatus::Offline { waiting: 1 } => "Offline: 1 change waiting".to_owned(),
            SyncStatus::Offline { waiting } => format!("Offline: {waiting} changes waiting"),
            // The header has one line for this: a fault that passes by itself
            // is named in its first sentence (the reassurance that follows is
            // for Settings), then what happens next.
            SyncStatus::Stopped {
                reason,
                retrying: true,
            } => {
                let first = reason.split(". ").next().unwrap_or(reason);
                format!("Sync stopped: {first}. Retrying shortly.")
            }
            SyncStatus::Stopped { reason, .. } => format!("Sync stopped: {reason}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::sync::error::SyncError;

    #[test]
    fn every_status_starts_with_its_documented_word() {
        assert_eq!(SyncStatus::Synced.text(), "Synced");
        assert!(SyncStatus::Syncing {
            received: 0,
            expected: 0
        }
        .text()
        .starts_with("Syncing"));
        assert_eq!(
            SyncStatus::Syncing {
                received: 3,
                expected: 12
            }
            .text(),
            "Syncing… 3 of 12 records"
        );
        assert_eq!(
            SyncStatus::Offline { waiting: 3 }.text(),
            "Offline: 3 changes waiting"
        );
        assert_eq!(
            SyncStatus::Offline { waiting: 1 }.text(),
            "Offline: 1 change waiting"
        );
        let stopped = SyncStatus::Stopped {
            reason: SyncError::Unauthorized.to_string(),
            retrying: false,
        };
        assert_eq!(
            stopped.text(),
            "Sync stopped: the server refused the sync user name or password (401). Check them under Settings, Sync."
        );
    }

    #[test]
    fn a_fault_that_passes_by_itself_is_named_once_with_what_happens_next() {
        let retrying = SyncStatus::Stopped {
            reason: SyncError::Unreachable.to_string(),
            retrying: true,
        };
        assert_eq!(
            retrying.text(),
            "Sync stopped: the sync server could not be reached. Retrying shortly."
        );
    }
}
