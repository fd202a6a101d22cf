//! A finished questionnaire: the record of one administration, read-only.

use serde::{Deserialize, Serialize};

use super::definition::MeasureDefinition;
use super::draft::{AdministrationMode, QuestionnaireDraft};
use super::scoring::{risk_flags, score, Outcome, RiskFlag};
use super::MeasureResultId;
use crate::domain::{ClientId, Date, Timestamp};

/// One administration of a questionnaire, scored.
///
/// It records the measure and its version, the date, every answer, the
/// outcome (total and band, or incomplete), the risk flags, how it was given
/// and who gave it. Every field is private and there is no setter: the only way
/// to make one is [`QuestionnaireDraft::finish`], which scores the answers, and
/// the only other way to get one is to load a stored one, which
/// [`is_consistent_with`](Self::is_consistent_with) re-checks.
///
/// ```compile_fail,E0451
/// # use psynotes::domain::measure::{MeasureResult, Outcome};
/// fn forge(result: MeasureResult) -> MeasureResult {
///     MeasureResult { outcome: Outcome::Incomplete { missing_items: vec![] }, ..result }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureResult {
    id: MeasureResultId,
    client_id: ClientId,
    measure_key: String,
    measure_version: u32,
    /// The measure's short name at the time ("PHQ-9"), so lists and exports can
    /// name it without the definition.
    measure_name: String,
    administered_on: Date,
    /// The clinician's signature line at the time, for example "Jane Doe, LCSW".
    administered_by: String,
    mode: AdministrationMode,
    started_at: Timestamp,
    completed_at: Timestamp,
    /// One entry per item: the index of the chosen option, or `None`.
    answers: Vec<Option<u8>>,
    follow_up: Option<u8>,
    outcome: Outcome,
    risk_flags: Vec<RiskFlag>,
}

/// One item of a result, as print and export show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredItem {
    /// 1-based, as printed on the form.
    pub number: usize,
    pub text: &'static str,
    /// The answer's words and value, or `None` when not answered.
    pub answer: Option<(&'static str, u8)>,
}

impl MeasureResult {
    pub(super) fn new(
        draft: QuestionnaireDraft,
        definition: &MeasureDefinition,
        administered_on: Date,
        administered_by: String,
        completed_at: Timestamp,
        outcome: Outcome,
        risk_flags: Vec<RiskFlag>,
    ) -> MeasureResult {
        let parts = draft.into_parts();
        MeasureResult {
            id: parts.id,
            client_id: parts.client_id,
            measure_key: parts.measure_key,
            measure_version: parts.measure_version,
            measure_name: definition.name.to_owned(),
            administered_on,
            administered_by,
            mode: parts.mode,
            started_at: parts.started_at,
            completed_at,
            answers: parts.answers,
            follow_up: parts.follow_up,
            outcome,
            risk_flags,
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

    /// "PHQ-9".
    pub fn measure_name(&self) -> &str {
        &self.measure_name
    }

    pub fn administered_on(&self) -> Date {
        self.administered_on
    }

    pub fn administered_by(&self) -> &str {
        &self.administered_by
    }

    pub fn mode(&self) -> AdministrationMode {
        self.mode
    }

    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    pub fn completed_at(&self) -> Timestamp {
        self.completed_at
    }

    /// The chosen option index per item (`None`: not answered).
    pub fn answers(&self) -> &[Option<u8>] {
        &self.answers
    }

    /// The chosen follow-up option index, if answered.
    pub fn follow_up(&self) -> Option<u8> {
        self.follow_up
    }

    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The total, unless the result is incomplete.
    pub fn total(&self) -> Option<u32> {
        self.outcome.total()
    }

    /// The severity band in words, unless the result is incomplete.
    pub fn band(&self) -> Option<&str> {
        self.outcome.band()
    }

    pub fn risk_flags(&self) -> &[RiskFlag] {
        &self.risk_flags
    }

    /// Whether any risk flag is an endorsed answer (not merely an unanswered
    /// risk item).
    pub fn has_endorsed_risk(&self) -> bool {
        self.risk_flags.iter().any(RiskFlag::is_endorsed)
    }

    /// The result in words: "PHQ-9 score: 12" (with "(prorated)" after a
    /// prorated total), or "PHQ-9 incomplete: items 3 and 9 not answered".
    pub fn score_line(&self) -> String {
        match &self.outcome {
            Outcome::Complete { total, .. } => format!("{} score: {total}", self.measure_name),
            Outcome::Prorated { total, .. } => {
                format!("{} score: {total} (prorated)", self.measure_name)
            }
            Outcome::Incomplete { missing_items } => format!(
                "{} incomplete: {} not answered",
                self.measure_name,
                item_list(missing_items)
            ),
        }
    }

    /// Every item with its answer, for print and export. `definition` must be
    /// this result's measure and version.
    pub fn answered_items(&self, definition: &MeasureDefinition) -> Option<Vec<AnsweredItem>> {
        if !self.is_for(definition) || definition.items.len() != self.answers.len() {
            return None;
        }
        definition
            .items
            .iter()
            .zip(&self.answers)
            .enumerate()
            .map(|(index, (item, answer))| {
                let answer = match answer {
                    None => None,
                    Some(option) => {
                        let option = item.options.get(usize::from(*option))?;
                        Some((option.label, option.value))
                    }
                };
                Some(AnsweredItem {
                    number: index + 1,
                    text: item.text,
                    answer,
                })
            })
            .collect()
    }

    /// The follow-up answer's words, if answered.
    pub fn follow_up_answer(&self, definition: &MeasureDefinition) -> Option<&'static str> {
        let question = definition.follow_up.filter(|_| self.is_for(definition))?;
        Some(question.options.get(usize::from(self.follow_up?))?.label)
    }

    /// Whether `definition` is this result's measure and version.
    pub fn is_for(&self, definition: &MeasureDefinition) -> bool {
        self.measure_key == definition.key && self.measure_version == definition.version
    }

    /// Whether the stored outcome and risk flags are exactly what scoring the
    /// stored answers gives. `false` means the record was changed outside the
    /// app, or damaged: show it as such rather than trust its total.
    pub fn is_consistent_with(&self, definition: &MeasureDefinition) -> bool {
        let follow_up_ok = match (self.follow_up, definition.follow_up) {
            (None, _) => true,
            (Some(option), Some(question)) => usize::from(option) < question.options.len(),
            (Some(_), None) => false,
        };
        self.is_for(definition)
            && follow_up_ok
            && score(definition, &self.answers).as_ref() == Ok(&self.outcome)
            && risk_flags(definition, &self.answers).as_deref() == Ok(self.risk_flags.as_slice())
    }
}

/// "item 3", "items 3 and 9", "items 1, 2 and 5" (1-based).
fn item_list(missing: &[usize]) -> String {
    let numbers: Vec<String> = missing.iter().map(|i| (i + 1).to_string()).collect();
    match numbers.as_slice() {
        [] => "no items".to_owned(),
        [one] => format!("item {one}"),
        [rest @ .., last] => format!("items {} and {last}", rest.join(", ")),
    }
}

/// What the questionnaire store holds under one id: a draft until it is
/// finished, then the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureRecord {
    Draft(QuestionnaireDraft),
    Result(MeasureResult),
}

impl MeasureRecord {
    pub fn id(&self) -> &MeasureResultId {
        match self {
            MeasureRecord::Draft(draft) => draft.id(),
            MeasureRecord::Result(result) => result.id(),
        }
    }

    pub fn client_id(&self) -> &ClientId {
        match self {
            MeasureRecord::Draft(draft) => draft.client_id(),
            MeasureRecord::Result(result) => result.client_id(),
        }
    }

    pub fn as_result(&self) -> Option<&MeasureResult> {
        match self {
            MeasureRecord::Result(result) => Some(result),
            MeasureRecord::Draft(_) => None,
        }
    }
}

impl From<QuestionnaireDraft> for MeasureRecord {
    fn from(draft: QuestionnaireDraft) -> Self {
        MeasureRecord::Draft(draft)
    }
}

impl From<MeasureResult> for MeasureRecord {
    fn from(result: MeasureResult) -> Self {
        MeasureRecord::Result(result)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::measure::{GAD_7, PHQ_9};

    #[test]
    fn serde_round_trip_keeps_everything() {
        let result = phq9([1, 2, 0, 3, 1, 0, 2, 1, 2], "2024-03-05", 1);
        let json = serde_json::to_string(&result).unwrap();
        for field in [
            r#""measure_key":"phq-9""#,
            r#""measure_version":1"#,
            r#""administered_on":"2024-03-05""#,
            r#""administered_by":"Jane Doe, LCSW""#,
            r#""answers":[1,2,0,3,1,0,2,1,2]"#,
            r#""outcome":{"status":"complete","total":12,"band":"Moderate"}"#,
        ] {
            assert!(json.contains(field), "{field} missing from {json}");
        }
        let loaded: MeasureResult = serde_json::from_str(&json).unwrap();
        assert_eq!(loaded, result);
        assert!(loaded.is_consistent_with(&PHQ_9));
        assert!(!loaded.is_consistent_with(&GAD_7));

        let record = MeasureRecord::from(result.clone());
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(
            serde_json::from_str::<MeasureRecord>(&json).unwrap(),
            record
        );
        assert_eq!(record.id(), result.id());
        assert_eq!(record.as_result(), Some(&result));
    }

    #[test]
    fn an_altered_total_or_flag_is_noticed() {
        let result = phq9([1, 2, 0, 3, 1, 0, 2, 1, 2], "2024-03-05", 1);
        let json = serde_json::to_string(&result).unwrap();
        for (from, to) in [
            (r#""total":12"#, r#""total":2"#),
            (r#""band":"Moderate""#, r#""band":"Mild""#),
            (r#""answers":[1,2"#, r#""answers":[0,2"#),
            (r#""value":2"#, r#""value":1"#),
        ] {
            let edited = json.replace(from, to);
            assert_ne!(edited, json, "{from}");
            let loaded: MeasureResult = serde_json::from_str(&edited).unwrap();
            assert!(!loaded.is_consistent_with(&PHQ_9), "{from} -> {to}");
        }
        let no_flags = json.replace(
            &json[json.find(r#""risk_flags":["#).unwrap()..json.len() - 1],
            r#""risk_flags":[]"#,
        );
        let loaded: MeasureResult = serde_json::from_str(&no_flags).unwrap();
        assert!(!loaded.is_consistent_with(&PHQ_9));
    }

    #[test]
    fn score_lines_say_what_was_scored() {
        assert_eq!(phq9([0; 9], "2024-03-05", 1).score_line(), "PHQ-9 score: 0");
        let incomplete = result_with(
            &PHQ_9,
            &[
                Some(0),
                None,
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                Some(0),
                None,
            ],
        );
        assert_eq!(
            incomplete.score_line(),
            "PHQ-9 incomplete: items 2 and 9 not answered"
        );
        assert_eq!(incomplete.band(), None);
        assert!(!incomplete.has_endorsed_risk());
        let one_missing = result_with(
            &GAD_7,
            &[None, Some(1), Some(1), Some(1), Some(1), Some(1), Some(1)],
        );
        assert_eq!(
            one_missing.score_line(),
            "GAD-7 incomplete: item 1 not answered"
        );
        assert_eq!(item_list(&[0, 1, 4]), "items 1, 2 and 5");
    }

    #[test]
    fn answered_items_pair_text_and_answer() {
        let result = phq9([0, 1, 2, 3, 0, 0, 0, 0, 1], "2024-03-05", 1);
        let items = result.answered_items(&PHQ_9).unwrap();
        assert_eq!(items.len(), 9);
        assert_eq!(items[0].number, 1);
        assert_eq!(items[0].text, "Little interest or pleasure in doing things");
        assert_eq!(items[3].answer, Some(("Nearly every day", 3)));
        assert_eq!(result.answered_items(&GAD_7), None);
        assert!(result.has_endorsed_risk());
        assert_eq!(result.follow_up_answer(&PHQ_9), Some("Very difficult"));
    }
}
