//! Autosaved editor buffers, sealed under the drafts key in `drafts`.
//!
//! While a therapist types, the editor's state is sealed here every couple of
//! seconds: cheap, with no audit event per save, and never touching the record's
//! revision. "Save" (or "Sign and lock") then writes the note into
//! `progress_notes` and removes the buffer in the same transaction. After a crash
//! or reload, the buffer is found again and offered back.
//!
//! Two kinds of buffer live here, under ids that cannot collide:
//! - a progress note's form, under the note's id ([`DraftBuffer`]);
//! - the text of an addendum being written to a signed note, under
//!   `<note id>.addendum` ([`AddendumBuffer`]).
//!
//! Psychotherapy notes do not come here: their text may rest only under the
//! psychotherapy key, so their editor saves straight into `psychotherapy_notes`.

use serde::{Deserialize, Serialize};

use crate::domain::ProgressNoteDraft;

use super::keyring::Keyring;
use super::open_vault::Vault;
use super::revision_tree::RevId;
use super::sealer::{Loaded, Stored};
use super::store::DraftsStore;
use super::VaultError;

/// Unsaved work on one progress note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftBuffer {
    /// The form as last typed.
    pub note: ProgressNoteDraft,
    /// The note's revision when editing began (`None`: never saved).
    #[serde(default)]
    pub base: Option<RevId>,
    /// The same, as buffers written before revision histories kept it: a
    /// revision number (0: never saved). Read only when `base` is absent.
    #[serde(default)]
    pub base_rev: u64,
    /// When this buffer was sealed, Unix milliseconds.
    pub saved_at_ms: i64,
}

impl DraftBuffer {
    /// A buffer of `note`, edited from revision `base`.
    pub fn new(note: ProgressNoteDraft, base: Option<RevId>, saved_at_ms: i64) -> DraftBuffer {
        DraftBuffer {
            note,
            base,
            base_rev: 0,
            saved_at_ms,
        }
    }

    /// Whether the editing this buffer keeps started from revision `rev` of the
    /// note (`None`: a note never saved).
    pub fn is_based_on(&self, rev: Option<&RevId>) -> bool {
        match (&self.base, rev) {
            (Some(base), Some(rev)) => base == rev,
            (None, None) => self.base_rev == 0,
            // A buffer from before revision histories names a number, which
            // the note's first revision under them keeps as its generation.
            (None, Some(rev)) => self.base_rev > 0 && self.base_rev == rev.generation,
            (Some(_), None) => false,
        }
    }
}

/// An addendum being written to a signed note, not signed yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddendumBuffer {
    /// The signed note's id.
    pub note_id: String,
    /// The text as last typed.
    pub text: String,
    /// When this buffer was sealed, Unix milliseconds.
    pub saved_at_ms: i64,
}

/// The buffer id of an addendum to note `note_id`. Note ids are hex, so a dot
/// never appears in one.
pub(in crate::vault) fn addendum_buffer_id(note_id: &str) -> String {
    format!("{note_id}.addendum")
}

impl Vault {
    /// The unsaved buffer of one note, if any.
    pub(in crate::vault) async fn draft_buffer(
        &self,
        note_id: &str,
    ) -> Result<Option<Stored<DraftBuffer>>, VaultError> {
        self.get_optional::<DraftsStore, DraftBuffer>(note_id, Keyring::drafts_key)
            .await
    }

    /// The unsaved addendum to one signed note, if any.
    pub(in crate::vault) async fn addendum_buffer(
        &self,
        note_id: &str,
    ) -> Result<Option<Stored<AddendumBuffer>>, VaultError> {
        self.get_optional::<DraftsStore, AddendumBuffer>(
            &addendum_buffer_id(note_id),
            Keyring::drafts_key,
        )
        .await
    }

    /// The ids of the notes that have unsaved changes kept (for "unsaved
    /// changes" markers in lists). Addendum buffers are left out.
    pub async fn notes_with_unsaved_changes(&self) -> Result<Vec<String>, VaultError> {
        let ids = super::reads::read_ids(self.connection(), "drafts").await?;
        Ok(ids.into_iter().filter(|id| !id.contains('.')).collect())
    }

    /// Every unsaved note buffer, opened (damaged ones marked).
    pub(in crate::vault) async fn draft_buffers(
        &self,
    ) -> Result<Vec<Loaded<DraftBuffer>>, VaultError> {
        let ids = self.notes_with_unsaved_changes().await?;
        self.get_many::<DraftsStore, DraftBuffer>(&ids, Keyring::drafts_key)
            .await
    }
}

impl Vault {
    /// Summaries of `client_id`'s notes that exist only as unsaved buffers
    /// (never committed to the record), for the timeline. A buffer that does
    /// not open is left out: the note it belongs to says so when opened.
    pub async fn unsaved_new_notes(
        &self,
        client_id: &str,
    ) -> Result<Vec<crate::domain::NoteSummary>, VaultError> {
        let buffers = self.draft_buffers().await?;
        let mut out = Vec::new();
        for buffer in buffers.into_iter().filter_map(Loaded::ok) {
            if buffer.value.is_based_on(None) && buffer.value.note.client_id.as_str() == client_id {
                out.push(crate::domain::NoteSummary::of_draft(&buffer.value.note, 0));
            }
        }
        Ok(out)
    }
}
