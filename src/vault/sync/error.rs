//! Why syncing failed, in words a clinician can act on.

/// Why a call to the sync server failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error(
        "the server refused the sync user name or password (401). Check them under Settings, Sync"
    )]
    Unauthorized,
    #[error("the sync user may not use this database (403). Ask whoever runs the server to give the user access")]
    Forbidden,
    #[error("there is no sync database at this address (404). Check the address, or ask whoever runs the server to create the database")]
    NoDatabase,
    #[error(
        "the sync server had a problem ({0}). Your notes are safe here; syncing will try again"
    )]
    Server(u16),
    #[error(
        "the sync server could not be reached. Your notes are safe here; syncing will try again"
    )]
    Unreachable,
    #[error(
        "the sync server did not answer in time. Your notes are safe here; syncing will try again"
    )]
    Timeout,
    #[error("the sync server sent something this app does not understand ({0}). Check that the address points at a CouchDB database")]
    BadResponse(String),
    #[error("the sync server refused a document ({0})")]
    Rejected(String),
    #[error("the sync server address must be on this app's own site, such as /couchdb/psynotes")]
    OtherOrigin,
    #[error("the sync database holds another vault's records. Give this vault a database of its own, or check the address")]
    OtherVault,
    #[error("the sync database holds no vault yet. Start syncing on the device that has the notes first, then join from this one")]
    NoVaultOnServer,
    #[error("this device could not store what it received ({0}). Nothing here was lost; free some space, then syncing will try again")]
    Local(String),
    #[error("stopped")]
    Cancelled,
}

impl SyncError {
    /// Whether trying again later may work (as opposed to a setting to fix).
    /// A missing database counts: a server being rebuilt gets it back, and
    /// sync then resumes by itself.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Server(_)
                | SyncError::Unreachable
                | SyncError::Timeout
                | SyncError::Local(_)
                | SyncError::NoDatabase
        )
    }
}

impl From<crate::vault::VaultError> for SyncError {
    fn from(e: crate::vault::VaultError) -> Self {
        SyncError::Local(e.to_string())
    }
}
