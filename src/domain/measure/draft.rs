//! A questionnaire being answered: kept as a draft until "Finish", so a tablet
//! handed back halfway (or a locked vault) loses nothing.

use serde::{Deserialize, Serialize};

use super::definition::MeasureDefinition;
use super::result::MeasureResult;
use super::scoring::{check_answers, risk_flags, score, Outcome};
use super::{definition, MeasureError, MeasureResultId};
use crate::domain::{ClientId, ClinicianProfile, Date, Timestamp};

/// How the answers were collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdministrationMode {
    /// The client answered on the device ("Hand to client").
    SelfReport,
    /// The clinician read the items aloud and recorded the client's answers.
    ClinicianAdministered,
}

impl AdministrationMode {
    pub fn label(&self) -> &'static str {
        match self {
            AdministrationMode::SelfReport => "Self-report",
            AdministrationMode::ClinicianAdministered => "Administered by the clinician",
        }
    }
}

/// A questionnaire in progress. The answers can only be set through
/// [`answer`](Self::answer), which checks them against the definition; the
/// only way out is [`finish`](Self::finish), which scores them.
///
/// The draft names its measure by key and version (see
/// [`definition`](super::definition())) and has the same id as the result it
/// becomes, so the vault can replace one with the other in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireDraft {
    id: MeasureResultId,
    client_id: ClientId,
    measure_key: String,
    measure_version: u32,
    mode: AdministrationMode,
    /// One entry per item: the index of the chosen option, or `None`.
    answers: Vec<Option<u8>>,
    /// The index of the chosen follow-up answer, if the measure has one.
    follow_up: Option<u8>,
    started_at: Timestamp,
    updated_at: Timestamp,
}

impl QuestionnaireDraft {
    /// An unanswered questionnaire of `definition` for a client, started at `now`.
    pub fn new(
        id: MeasureResultId,
        client_id: ClientId,
        definition: &MeasureDefinition,
        mode: AdministrationMode,
        now: Timestamp,
    ) -> QuestionnaireDraft {
        QuestionnaireDraft {
            id,
            client_id,
            measure_key: definition.key.to_owned(),
            measure_version: definition.version,
            mode,
            answers: vec![None; definition.items.len()],
            follow_up: None,
            started_at: now,
            updated_at: now,
        }
    }

    pub fn id(&self) -> &MeasureResultId {
        &self.id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    pub fn measure_key(&self) -> &str {
        &self.measure_key
    }

    pub fn measure_version(&self) -> u32 {
        self.measure_version
    }

    pub fn mode(&self) -> AdministrationMode {
        self.mode
    }

    /// The chosen option index per item (`None`: not answered yet).
    pub fn answers(&self) -> &[Option<u8>] {
        &self.answers
    }

    pub fn follow_up(&self) -> Option<u8> {
        self.follow_up
    }

    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }

    /// The definition this draft was started with, from the app's list.
    pub fn definition(&self) -> Result<&'static MeasureDefinition, MeasureError> {
        definition(&self.measure_key, self.measure_version).ok_or_else(|| {
            MeasureError::UnknownMeasure {
                key: self.measure_key.clone(),
                version: self.measure_version,
            }
        })
    }

    /// Records that the questionnaire changed hands (for example the clinician
    /// takes over reading the items aloud).
    pub fn set_mode(&mut self, mode: AdministrationMode, now: Timestamp) {
        self.mode = mode;
        self.updated_at = now;
    }

    /// Answers item `item` (0-based) with option `option` (0-based). Refused,
    /// and nothing changes, if `definition` is not the draft's measure or either
    /// index is out of range.
    pub fn answer(
        &mut self,
        definition: &MeasureDefinition,
        item: usize,
        option: usize,
        now: Timestamp,
    ) -> Result<(), MeasureError> {
        self.check_definition(definition)?;
        let options = definition
            .items
            .get(item)
            .ok_or(MeasureError::NoSuchItem { item: item + 1 })?
            .options;
        let option = checked_option(options.len(), option).ok_or(MeasureError::NoSuchOption {
            item: item + 1,
            option: option + 1,
        })?;
        let slot = self
            .answers
            .get_mut(item)
            .ok_or(MeasureError::WrongAnswerCount {
                expected: definition.items.len(),
                found: item,
            })?;
        *slot = Some(option);
        self.updated_at = now;
        Ok(())
    }

    /// Takes back the answer to item `item` (0-based), if any.
    pub fn clear(&mut self, item: usize, now: Timestamp) {
        if let Some(slot) = self.answers.get_mut(item) {
            *slot = None;
            self.updated_at = now;
        }
    }

    /// Answers (or clears, with `None`) the follow-up question.
    pub fn answer_follow_up(
        &mut self,
        definition: &MeasureDefinition,
        option: Option<usize>,
        now: Timestamp,
    ) -> Result<(), MeasureError> {
        self.check_definition(definition)?;
        let question = definition.follow_up.ok_or(MeasureError::NoFollowUp)?;
        self.follow_up = match option {
            None => None,
            Some(option) => Some(checked_option(question.options.len(), option).ok_or(
                MeasureError::NoSuchOption {
                    item: definition.items.len() + 1,
                    option: option + 1,
                },
            )?),
        };
        self.updated_at = now;
        Ok(())
    }

    /// The first unanswered item (0-based), for a one-item-per-screen flow.
    pub fn next_unanswered(&self) -> Option<usize> {
        self.answers.iter().position(Option::is_none)
    }

    pub fn answered_count(&self) -> usize {
        self.answers
            .iter()
            .filter(|answer| answer.is_some())
            .count()
    }

    /// The outcome the answers so far would have, without finishing.
    pub fn preview(&self, definition: &MeasureDefinition) -> Result<Outcome, MeasureError> {
        self.check_definition(definition)?;
        score(definition, &self.answers)
    }

    /// Scores the answers and turns the draft into a [`MeasureResult`]: the only
    /// way to make one. Unanswered items are handled by the definition's rule
    /// (for the PHQ-9 and GAD-7 the result is then incomplete). Refused when no
    /// item is answered, when the answers do not fit `definition`, or when the
    /// clinician profile lacks a name or credentials (the result records who
    /// gave the questionnaire).
    ///
    /// `administered_on` is the date the result belongs to (normally the date of
    /// the session); `now` is when it was finished.
    pub fn finish(
        self,
        definition: &MeasureDefinition,
        administered_on: Date,
        administered_by: &ClinicianProfile,
        now: Timestamp,
    ) -> Result<MeasureResult, MeasureError> {
        self.check_definition(definition)?;
        check_answers(definition, &self.answers)?;
        if self.answered_count() == 0 {
            return Err(MeasureError::NothingAnswered);
        }
        if !administered_by.is_complete() {
            return Err(MeasureError::NoClinicianProfile);
        }
        if let (Some(option), Some(question)) = (self.follow_up, definition.follow_up) {
            if usize::from(option) >= question.options.len() {
                return Err(MeasureError::NoSuchOption {
                    item: definition.items.len() + 1,
                    option: usize::from(option) + 1,
                });
            }
        }
        let outcome = score(definition, &self.answers)?;
        let flags = risk_flags(definition, &self.answers)?;
        Ok(MeasureResult::new(
            self,
            definition,
            administered_on,
            administered_by.signature_line(),
            now,
            outcome,
            flags,
        ))
    }

    pub(super) fn into_parts(self) -> DraftParts {
        DraftParts {
            id: self.id,
            client_id: self.client_id,
            measure_key: self.measure_key,
            measure_version: self.measure_version,
            mode: self.mode,
            answers: self.answers,
            follow_up: self.follow_up,
            started_at: self.started_at,
        }
    }

    fn check_definition(&self, definition: &MeasureDefinition) -> Result<(), MeasureError> {
        if definition.key == self.measure_key && definition.version == self.measure_version {
            Ok(())
        } else {
            Err(MeasureError::WrongMeasure {
                answers_for: format!("{} version {}", self.measure_key, self.measure_version),
                given: format!("{} version {}", definition.key, definition.version),
            })
        }
    }
}

/// What a result keeps of its draft.
pub(super) struct DraftParts {
    pub id: MeasureResultId,
    pub client_id: ClientId,
    pub measure_key: String,
    pub measure_version: u32,
    pub mode: AdministrationMode,
    pub answers: Vec<Option<u8>>,
    pub follow_up: Option<u8>,
    pub started_at: Timestamp,
}

fn checked_option(count: usize, option: usize) -> Option<u8> {
    if option < count {
        u8::try_from(option).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::measure::{GAD_7, PHQ_9, PHQ_9_ITEM_9};
    use crate::domain::progress_note::fixtures::{clinician, date};

    fn draft() -> QuestionnaireDraft {
        QuestionnaireDraft::new(
            MeasureResultId("r-1".into()),
            ClientId("client-1".into()),
            &PHQ_9,
            AdministrationMode::SelfReport,
            Timestamp(1_000),
        )
    }

    #[test]
    fn a_new_draft_has_one_empty_answer_per_item() {
        let d = draft();
        assert_eq!(d.answers(), &[None; 9]);
        assert_eq!(d.next_unanswered(), Some(0));
        assert_eq!(d.definition().unwrap().name, "PHQ-9");
        assert_eq!(d.preview(&PHQ_9).unwrap().missing_items().len(), 9);
    }

    #[test]
    fn answers_are_checked_against_the_definition() {
        let mut d = draft();
        d.answer(&PHQ_9, 0, 3, Timestamp(2_000)).unwrap();
        assert_eq!(d.answers()[0], Some(3));
        assert_eq!(d.updated_at(), Timestamp(2_000));
        assert_eq!(d.next_unanswered(), Some(1));

        let before = d.clone();
        assert_eq!(
            d.answer(&PHQ_9, 9, 0, Timestamp(3_000)),
            Err(MeasureError::NoSuchItem { item: 10 })
        );
        assert_eq!(
            d.answer(&PHQ_9, 1, 4, Timestamp(3_000)),
            Err(MeasureError::NoSuchOption { item: 2, option: 5 })
        );
        assert!(matches!(
            d.answer(&GAD_7, 1, 0, Timestamp(3_000)),
            Err(MeasureError::WrongMeasure { .. })
        ));
        assert_eq!(d, before, "a refused answer changes nothing");

        d.clear(0, Timestamp(4_000));
        assert_eq!(d.answers()[0], None);
    }

    #[test]
    fn the_follow_up_is_recorded_not_scored() {
        let mut d = draft();
        for item in 0..9 {
            d.answer(&PHQ_9, item, 1, Timestamp(2_000)).unwrap();
        }
        d.answer_follow_up(&PHQ_9, Some(3), Timestamp(2_000))
            .unwrap();
        assert_eq!(d.follow_up(), Some(3));
        assert_eq!(d.preview(&PHQ_9).unwrap().total(), Some(9));
        assert!(d
            .answer_follow_up(&PHQ_9, Some(4), Timestamp(2_000))
            .is_err());
        d.answer_follow_up(&PHQ_9, None, Timestamp(2_000)).unwrap();
        assert_eq!(d.follow_up(), None);
    }

    #[test]
    fn finishing_scores_and_records_who_and_when() {
        let mut d = draft();
        for (item, option) in [1, 2, 0, 3, 1, 0, 2, 1, 1].into_iter().enumerate() {
            d.answer(&PHQ_9, item, option, Timestamp(2_000)).unwrap();
        }
        let result = d
            .finish(&PHQ_9, date("2024-03-05"), &clinician(), Timestamp(5_000))
            .unwrap();
        assert_eq!(result.total(), Some(11));
        assert_eq!(result.band(), Some("Moderate"));
        assert_eq!(result.score_line(), "PHQ-9 score: 11");
        assert_eq!(result.administered_by(), "Jane Doe, LCSW");
        assert_eq!(result.administered_on(), date("2024-03-05"));
        assert_eq!(result.completed_at(), Timestamp(5_000));
        assert_eq!(result.started_at(), Timestamp(1_000));
        assert_eq!(result.risk_flags().len(), 1);
        assert_eq!(result.risk_flags()[0].item_index, PHQ_9_ITEM_9);
    }

    #[test]
    fn finishing_needs_an_answer_and_a_clinician() {
        assert_eq!(
            draft()
                .finish(&PHQ_9, date("2024-03-05"), &clinician(), Timestamp(5_000))
                .unwrap_err(),
            MeasureError::NothingAnswered
        );
        let mut d = draft();
        d.answer(&PHQ_9, 0, 0, Timestamp(2_000)).unwrap();
        assert_eq!(
            d.clone()
                .finish(
                    &PHQ_9,
                    date("2024-03-05"),
                    &ClinicianProfile::default(),
                    Timestamp(5_000)
                )
                .unwrap_err(),
            MeasureError::NoClinicianProfile
        );
        // One answer of nine: recorded, but incomplete.
        let result = d
            .finish(&PHQ_9, date("2024-03-05"), &clinician(), Timestamp(5_000))
            .unwrap();
        assert_eq!(result.total(), None);
        assert_eq!(result.outcome().missing_items(), &[1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn a_damaged_stored_draft_is_refused_at_finish() {
        let mut d = draft();
        d.answer(&PHQ_9, 0, 1, Timestamp(2_000)).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        let damaged: QuestionnaireDraft =
            serde_json::from_str(&json.replace("[1,null,", "[7,null,")).unwrap();
        assert_eq!(
            damaged
                .finish(&PHQ_9, date("2024-03-05"), &clinician(), Timestamp(5_000))
                .unwrap_err(),
            MeasureError::NoSuchOption { item: 1, option: 8 }
        );
        let short: QuestionnaireDraft =
            serde_json::from_str(&json.replace("[1,null,", "[1,")).unwrap();
        assert!(matches!(
            short.finish(&PHQ_9, date("2024-03-05"), &clinician(), Timestamp(5_000)),
            Err(MeasureError::WrongAnswerCount { .. })
        ));
    }

    #[test]
    fn drafts_round_trip_and_name_an_unknown_measure() {
        let mut d = draft();
        d.answer(&PHQ_9, 4, 2, Timestamp(2_000)).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains(r#""measure_key":"phq-9","measure_version":1,"mode":"self_report""#));
        assert_eq!(
            serde_json::from_str::<QuestionnaireDraft>(&json).unwrap(),
            d
        );

        let future: QuestionnaireDraft = serde_json::from_str(
            &json.replace(r#""measure_version":1"#, r#""measure_version":99"#),
        )
        .unwrap();
        assert_eq!(
            future.definition().unwrap_err(),
            MeasureError::UnknownMeasure {
                key: "phq-9".into(),
                version: 99
            }
        );
    }
}
