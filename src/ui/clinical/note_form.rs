//! The progress-note form's state, shared by every part of the editor.

use leptos::prelude::*;

use crate::domain::ProgressNoteDraft;

use super::autosave::Autosave;

/// The open draft and its autosave: what every part of the editor edits.
#[derive(Clone, Copy)]
pub struct NoteForm {
    pub draft: RwSignal<ProgressNoteDraft>,
    pub autosave: Autosave,
}

impl NoteForm {
    /// Changes the draft and schedules the autosave.
    pub fn edit(&self, change: impl FnOnce(&mut ProgressNoteDraft)) {
        self.draft.update(change);
        self.autosave.touch();
    }
}
