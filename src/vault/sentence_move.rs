//! Moving a sentence the record check flagged in a psychotherapy note into
//! that day's progress note, where 45 CFR 164.501 says it belongs.
//!
//! The progress note is written first and committed; only then does the
//! caller take the sentence out of the psychotherapy note. A failure between
//! the two leaves the sentence in both notes, never in neither.
//!
//! Which progress note: the client's unsigned note of that date (saved, or
//! only kept as unsaved changes on this device), the latest edited if there
//! are several; without one, a new draft dated that day. Intake and discharge
//! notes have no free-text sections and are passed over. A day whose only
//! note is signed is refused: a signed note changes only by addendum, which
//! the clinician writes.

use crate::domain::record_check::{append_sentence, Category};
use crate::domain::{Client, Date, NoteSummary, ProgressNoteDraft, Template, Timestamp};

use super::conflict::SaveError;
use super::open_vault::Vault;
use super::progress_notes::OpenedNote;
use super::VaultError;

/// Where a moved sentence went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedTo {
    /// The progress note's id, to link to.
    pub note_id: String,
    /// The section's label ("Subjective").
    pub section: String,
    /// Whether the note was started for this sentence.
    pub started: bool,
}

/// Why a sentence was not moved. Nothing was changed in either note.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("Give this psychotherapy note a session date first: the sentence goes to the progress note of that day.")]
    NoSessionDate,
    #[error("The progress note of {0} is signed, so it changes only by addendum. Add the sentence to it as an addendum; it was left here.")]
    Signed(Date),
    #[error("The progress note of {0} was changed elsewhere in a way that clashes. Open it and settle the versions first; the sentence was left here.")]
    Clash(Date),
    #[error("The sentence was not moved and is still here. {0}")]
    Failed(#[from] VaultError),
}

impl Vault {
    /// Appends `sentence` to the section of `date`'s progress note where a
    /// sentence flagged as `category` belongs (see the module doc).
    pub async fn move_to_progress_note(
        &self,
        client: &Client,
        date: Option<Date>,
        sentence: &str,
        category: Category,
        now: Timestamp,
        now_ms: i64,
    ) -> Result<MovedTo, MoveError> {
        let date = date.ok_or(MoveError::NoSessionDate)?;
        let client_id = client.id.as_str();
        let mut of_day: Vec<NoteSummary> = self
            .client_note_index(client_id)
            .await?
            .notes()
            .iter()
            .filter(|n| n.date_of_service == Some(date))
            .cloned()
            .collect();
        of_day.extend(
            self.unsaved_new_notes(client_id)
                .await?
                .into_iter()
                .filter(|n| n.date_of_service == Some(date)),
        );
        // A signed note that day (an intake too) is the record of that
        // session: a second note is not started beside it.
        let signed_that_day = of_day.iter().any(|n| n.signed);
        // An unsigned intake or discharge has no free-text section to take
        // the sentence: only a session note is written to.
        of_day.retain(|n| !n.template.is_document());
        let target = of_day
            .iter()
            .filter(|n| !n.signed)
            .max_by_key(|n| n.updated_at.0)
            .map(|n| n.id.0.clone());
        if target.is_none() && signed_that_day {
            return Err(MoveError::Signed(date));
        }
        let started = target.is_none();
        let note_id = match target {
            Some(id) => id,
            None => self.new_record_id()?,
        };
        let OpenedNote::Draft(note) = self
            .open_progress_note(client, &note_id, Template::default(), now, now_ms)
            .await?
        else {
            // Signed between the index read and now (another tab).
            return Err(MoveError::Signed(date));
        };
        let mut draft: ProgressNoteDraft = note.start();
        if started {
            draft.date_of_service = Some(date);
        }
        let Some(section) = category
            .progress_note_section(draft.template_sections())
            .cloned()
        else {
            // Its template was changed to a document's meanwhile.
            return Err(MoveError::Clash(date));
        };
        let text = append_sentence(draft.section(&section.key), sentence);
        draft.sections.insert(section.key.to_string(), text);
        draft.updated_at = now;
        match note.save(&draft, now_ms).await {
            Ok(_) => Ok(MovedTo {
                note_id,
                section: section.label.to_string(),
                started,
            }),
            Err(SaveError::Conflict(_)) => Err(MoveError::Clash(date)),
            Err(SaveError::Failed(e)) => Err(e.into()),
        }
    }
}
