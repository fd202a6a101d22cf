//! Why answers could not be recorded or scored.

use thiserror::Error;

/// A questionnaire that cannot be answered, scored or finished as asked. Each
/// message says what happened and what to do, so the UI can show it as is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MeasureError {
    #[error("This questionnaire ({key}, version {version}) is not known to this version of the app. Update the app, then open it again.")]
    UnknownMeasure { key: String, version: u32 },

    #[error("These answers are for {answers_for}, not for {given}. Open the questionnaire they were given for.")]
    WrongMeasure { answers_for: String, given: String },

    #[error("The questionnaire has {expected} items, but {found} answers were stored. The stored questionnaire is damaged; start a new one.")]
    WrongAnswerCount { expected: usize, found: usize },

    #[error("The questionnaire has no item {item}.")]
    NoSuchItem { item: usize },

    #[error("Item {item} has no answer number {option}. Choose one of the answers shown.")]
    NoSuchOption { item: usize, option: usize },

    #[error("The questionnaire has no follow-up question.")]
    NoFollowUp,

    #[error("No item has been answered, so there is nothing to record. Answer at least one item, or discard the questionnaire.")]
    NothingAnswered,

    #[error("Your name and credentials are recorded as who gave the questionnaire. Add them in Settings, then finish again.")]
    NoClinicianProfile,
}
