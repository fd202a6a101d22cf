//! A save that met another version, as a value the screen can show.
//!
//! Editing handles write against the version they opened. When someone saved
//! in between (another tab, a merged backup), the write is refused and comes
//! back as [`SaveError::Conflict`], carrying both versions, so the screen can
//! show them side by side and the clinician chooses: keep this version, keep
//! the other, or keep both. Nothing is written over the other version until
//! they do.

use super::VaultError;

/// Two versions of one record: the one on screen and the one saved meanwhile.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict<Mine, Theirs = Mine> {
    /// What this screen tried to save (or found unsaved from before).
    pub mine: Mine,
    /// The version saved meanwhile; `None` when it was deleted.
    pub theirs: Option<Theirs>,
    /// The fields changed differently on both sides, by label, when known.
    pub clashes: Vec<String>,
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveError<Mine, Theirs = Mine> {
    /// Someone saved another version first; see [`Conflict`].
    Conflict(Box<Conflict<Mine, Theirs>>),
    /// Anything else: locked, storage full, damaged.
    Failed(VaultError),
}

impl<M, T> From<VaultError> for SaveError<M, T> {
    fn from(e: VaultError) -> Self {
        SaveError::Failed(e)
    }
}

impl<M, T> std::fmt::Display for SaveError<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Conflict(conflict) if conflict.theirs.is_none() => f.write_str(
                "This record was deleted elsewhere (another tab or window, or another synced device), so your version was not saved. Keep it as a new record, or discard it.",
            ),
            SaveError::Conflict(_) => f.write_str(
                "This record was changed elsewhere (another tab or window, or another synced device), so your version was not saved over it. Compare the two versions and choose what to keep.",
            ),
            SaveError::Failed(e) => e.fmt(f),
        }
    }
}

impl<M, T> SaveError<M, T> {
    /// The conflict, if that is what this is.
    pub fn conflict(&self) -> Option<&Conflict<M, T>> {
        match self {
            SaveError::Conflict(c) => Some(c),
            SaveError::Failed(_) => None,
        }
    }
}
