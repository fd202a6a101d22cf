//! The JSON export format, version 1, as serde structs (see
//! `docs/export-format.md`).
//!
//! These are deliberately separate from the storage types: storage may change
//! between app versions, while a file already handed to a client or another
//! system must keep meaning the same thing. Every enum is written as an explicit
//! string here, not through the domain's serde attributes, so renaming a domain
//! variant cannot silently change the export. Changing anything a reader could
//! notice means a new [`EXPORT_VERSION`](super::EXPORT_VERSION).

use serde::Serialize;

use super::sections::ordered_sections;
use super::time_format::iso_local;
use super::{ExportOptions, ExportScope};
use crate::domain::measure::{self, AdministrationMode, MeasureResult, Outcome, RiskFinding};
use crate::domain::{
    Addendum, Client, ClinicianProfile, Diagnosis, Goal, GoalProgress, GoalStatus, Ideation,
    LateEntry, NoteWording, ProgressNote, RiskAnswers, SignedProgressNote, SIGNED_RECORD_V1,
};

/// The whole file.
#[derive(Serialize)]
pub(super) struct Document<'a> {
    pub format: &'static str,
    pub version: u32,
    pub exported_at: String,
    pub clinician: JsonClinician<'a>,
    pub scope: JsonScope<'a>,
    pub clients: Vec<JsonClient<'a>>,
    pub progress_notes: Vec<JsonNote<'a>>,
    /// Added with questionnaires (additive, so still version 1).
    pub measure_results: Vec<JsonMeasureResult<'a>>,
    /// Added with treatment plans (additive, so still version 1).
    pub treatment_plans: Vec<super::json_plan::JsonPlan<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonClinician<'a> {
    name: &'a str,
    credentials: &'a str,
}

impl<'a> From<&'a ClinicianProfile> for JsonClinician<'a> {
    fn from(profile: &'a ClinicianProfile) -> Self {
        JsonClinician {
            name: profile.name.trim(),
            credentials: profile.credentials.trim(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonScope<'a> {
    kind: &'static str,
    client_id: Option<&'a str>,
    from: Option<String>,
    to: Option<String>,
    include_drafts: bool,
}

impl<'a> JsonScope<'a> {
    pub fn new(scope: &'a ExportScope, options: &ExportOptions) -> Self {
        JsonScope {
            kind: match scope {
                ExportScope::Client { .. } => "client",
                ExportScope::Practice => "practice",
            },
            client_id: scope.client_id().map(|id| id.as_str()),
            from: options.range.from.map(|d| d.to_string()),
            to: options.range.to.map(|d| d.to_string()),
            include_drafts: options.include_drafts,
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonClient<'a> {
    id: &'a str,
    name: &'a str,
    code: Option<&'a str>,
    date_of_birth: Option<String>,
    pronouns: &'a str,
    diagnoses: Vec<JsonDiagnosis<'a>>,
    goals: Vec<JsonGoal<'a>>,
    archived: bool,
}

impl<'a> From<&'a Client> for JsonClient<'a> {
    fn from(client: &'a Client) -> Self {
        JsonClient {
            id: client.id.as_str(),
            name: &client.name,
            code: client.code.as_deref(),
            date_of_birth: client.date_of_birth.map(|d| d.to_string()),
            pronouns: &client.pronouns,
            diagnoses: client.diagnoses.iter().map(JsonDiagnosis::from).collect(),
            goals: client.goals.iter().map(JsonGoal::from).collect(),
            archived: client.archived,
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnosis<'a> {
    code: &'a str,
    description: &'a str,
    primary: bool,
}

impl<'a> From<&'a Diagnosis> for JsonDiagnosis<'a> {
    fn from(diagnosis: &'a Diagnosis) -> Self {
        JsonDiagnosis {
            code: &diagnosis.code,
            description: &diagnosis.description,
            primary: diagnosis.primary,
        }
    }
}

#[derive(Serialize)]
struct JsonGoal<'a> {
    id: &'a str,
    text: &'a str,
    target_date: Option<String>,
    status: &'static str,
}

impl<'a> From<&'a Goal> for JsonGoal<'a> {
    fn from(goal: &'a Goal) -> Self {
        JsonGoal {
            id: &goal.id,
            text: &goal.text,
            target_date: goal.target_date.map(|d| d.to_string()),
            status: match goal.status {
                GoalStatus::Active => "active",
                GoalStatus::Met => "met",
                GoalStatus::Discontinued => "discontinued",
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonNote<'a> {
    id: &'a str,
    client_id: &'a str,
    status: &'static str,
    template: &'a str,
    /// The clinician's own template the note was written with, as the note
    /// keeps it: the digest of a v5 note covers its id, version, blocks and
    /// sections (see `verify.js`). Absent for a built-in template.
    #[serde(skip_serializing_if = "Option::is_none")]
    template_definition: Option<&'a crate::domain::CustomTemplate>,
    date_of_service: Option<String>,
    start: Option<String>,
    end: Option<String>,
    duration_minutes: Option<u32>,
    service_code: Option<JsonServiceCode<'a>>,
    place_of_service: Option<JsonPlace>,
    participants: &'a str,
    diagnoses_addressed: Vec<&'a str>,
    goals_addressed: Vec<JsonGoalAddressed<'a>>,
    /// Added with canonical format v3 (additive, so still version 1).
    measure_results_included: Vec<JsonIncludedResult<'a>>,
    risk: Option<JsonRisk<'a>>,
    sections: Vec<JsonSection>,
    created_at: String,
    updated_at: String,
    signature: Option<JsonSignature<'a>>,
    late_entry: Option<JsonLateEntry<'a>>,
    addenda: Vec<JsonAddendum<'a>>,
    /// Added after version 1 was published (additive, so still version 1).
    seal: Option<JsonSeal>,
    /// Added with canonical format v2 (additive, so still version 1).
    referenced_wording: JsonWording,
    /// An intake assessment or a discharge summary (canonical format v4;
    /// additive, so still version 1). Absent for a session note.
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<JsonDocument<'a>>,
    /// Decided amendment requests concerning the note (164.526), oldest
    /// first; a denial travels with the client's statement of disagreement
    /// and any rebuttal (164.526(d)(5)). Not covered by the note's digest:
    /// they are the client's and the clinician's words *about* the note.
    /// Absent when there are none (additive, so still version 1).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    amendment_requests: Vec<super::json_amendment::JsonAmendment>,
}

/// A note's course-of-care document: its fields as labelled text for
/// reading, the structured document for import, and its canonical text,
/// which the digest of a v4 note covers whole (see `verify.js`).
#[derive(Serialize)]
pub struct JsonDocument<'a> {
    kind: &'static str,
    fields: Vec<JsonField>,
    data: &'a crate::domain::CourseDocument,
    canonical_text: String,
}

#[derive(Serialize)]
pub struct JsonField {
    label: String,
    text: String,
}

impl<'a> JsonDocument<'a> {
    fn new(document: &'a crate::domain::CourseDocument) -> Self {
        JsonDocument {
            kind: document.kind(),
            fields: document
                .rows()
                .into_iter()
                .map(|(label, text)| JsonField { label, text })
                .collect(),
            data: document,
            canonical_text: document.canonical_content(),
        }
    }
}

impl<'a> JsonNote<'a> {
    /// The note, with what it refers to worded from its signature (v2) or from
    /// `client`, its client's record now (a draft, or a note signed under v1).
    pub fn new(note: &'a ProgressNote, client: &Client) -> Self {
        let content = note.content();
        let signed = note.as_signed();
        let wording = note.wording(client);
        JsonNote {
            id: content.id.as_str(),
            client_id: content.client_id.as_str(),
            status: if note.is_signed() { "signed" } else { "draft" },
            template: content.template_name(),
            template_definition: content.custom(),
            date_of_service: content.date_of_service.map(|d| d.to_string()),
            start: content.start.map(|t| t.to_string()),
            end: content.end.map(|t| t.to_string()),
            duration_minutes: content.duration_minutes(),
            service_code: content.service_code.as_ref().map(|code| JsonServiceCode {
                code: code.code(),
                description: wording.get().service_code.clone().unwrap_or_default(),
            }),
            place_of_service: content.place_of_service.map(|place| JsonPlace {
                code: place.code(),
                label: wording.get().place_of_service.clone().unwrap_or_default(),
            }),
            participants: &content.participants,
            diagnoses_addressed: content
                .diagnoses_addressed
                .iter()
                .map(String::as_str)
                .collect(),
            goals_addressed: content
                .goals_addressed
                .iter()
                .map(|goal| JsonGoalAddressed {
                    goal_id: &goal.goal_id,
                    progress: goal.progress.map(progress_name),
                })
                .collect(),
            measure_results_included: content
                .measure_results
                .iter()
                .map(|r| JsonIncludedResult {
                    result_id: &r.result_id,
                    measure: &r.measure_key,
                    measure_version: r.measure_version,
                    administered_on: r.administered_on.to_string(),
                    total: r.total,
                    score_line: &r.score_line,
                    band: r.band.as_deref(),
                })
                .collect(),
            risk: json_risk(&content.risk),
            sections: ordered_sections(content, &wording)
                .into_iter()
                .map(|s| JsonSection {
                    key: s.key.to_owned(),
                    label: s.label.to_owned(),
                    text: s.text.to_owned(),
                })
                .collect(),
            created_at: iso_local(content.created_at),
            updated_at: iso_local(content.updated_at),
            signature: signed.map(JsonSignature::from),
            late_entry: signed.and_then(|s| s.late_entry()).map(JsonLateEntry::from),
            addenda: signed
                .map(|s| s.addenda().iter().map(JsonAddendum::from).collect())
                .unwrap_or_default(),
            seal: signed.map(|s| JsonSeal {
                format: SIGNED_RECORD_V1,
                sha256: s.seal_sha256(),
            }),
            referenced_wording: JsonWording::new(content, &wording),
            document: content.document.as_ref().map(JsonDocument::new),
            amendment_requests: Vec::new(),
        }
    }

    /// Adds the decided amendment requests among `outcomes` that concern
    /// this note, in the order given.
    pub fn with_amendments(mut self, outcomes: &[crate::domain::AmendmentOutcome]) -> Self {
        self.amendment_requests = outcomes
            .iter()
            .filter(|o| o.note_id.as_str() == self.id)
            .map(super::json_amendment::JsonAmendment::from)
            .collect();
        self
    }
}

#[derive(Serialize)]
struct JsonServiceCode<'a> {
    code: &'a str,
    /// As signed (v2), else the app's name for the code today.
    description: String,
}

#[derive(Serialize)]
struct JsonPlace {
    code: &'static str,
    /// As signed (v2), else the app's name for the place today.
    label: String,
}

/// A questionnaire result the note includes, as the note keeps it.
#[derive(Serialize)]
struct JsonIncludedResult<'a> {
    result_id: &'a str,
    measure: &'a str,
    measure_version: u32,
    administered_on: String,
    total: Option<u32>,
    score_line: &'a str,
    band: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonGoalAddressed<'a> {
    goal_id: &'a str,
    /// Null only on a draft whose goal is ticked but not rated yet.
    progress: Option<&'static str>,
}

fn progress_name(progress: GoalProgress) -> &'static str {
    match progress {
        GoalProgress::Improved => "improved",
        GoalProgress::Unchanged => "unchanged",
        GoalProgress::Worse => "worse",
    }
}

/// What the note's diagnoses and goals said: as signed (`signed: true`, format
/// v2, covered by the digest) or the client's record at export time.
#[derive(Serialize)]
struct JsonWording {
    signed: bool,
    diagnoses: Vec<JsonDiagnosisWording>,
    goals: Vec<JsonGoalWording>,
}

#[derive(Serialize)]
struct JsonDiagnosisWording {
    code: String,
    description: Option<String>,
}

#[derive(Serialize)]
struct JsonGoalWording {
    goal_id: String,
    goal_text: Option<String>,
    objective_text: Option<String>,
}

impl JsonWording {
    /// One entry per diagnosis and goal the note lists, in its order.
    fn new(content: &crate::domain::ProgressNoteDraft, wording: &NoteWording<'_>) -> Self {
        let kept = wording.get();
        JsonWording {
            signed: wording.is_signed(),
            diagnoses: content
                .diagnoses_addressed
                .iter()
                .enumerate()
                .map(|(index, code)| JsonDiagnosisWording {
                    code: code.clone(),
                    description: kept.diagnosis(index, code).map(str::to_owned),
                })
                .collect(),
            goals: content
                .goals_addressed
                .iter()
                .enumerate()
                .map(|(index, goal)| {
                    let worded = kept.goal(index, &goal.goal_id);
                    JsonGoalWording {
                        goal_id: goal.goal_id.clone(),
                        goal_text: worded.and_then(|w| w.goal.clone()),
                        objective_text: worded.and_then(|w| w.objective.clone()),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonRisk<'a> {
    suicidal: JsonIdeation<'a>,
    homicidal: JsonIdeation<'a>,
    safety_plan: &'a str,
}

/// The assessment once both questions are answered; `null` before (a draft).
fn json_risk(risk: &RiskAnswers) -> Option<JsonRisk<'_>> {
    Some(JsonRisk {
        suicidal: JsonIdeation::from(risk.suicidal.as_ref()?),
        homicidal: JsonIdeation::from(risk.homicidal.as_ref()?),
        safety_plan: &risk.safety_plan,
    })
}

/// `{"status": "denied", "detail": null}` or `{"status": "present", "detail": "…"}`:
/// the same keys either way, so readers need no special case.
#[derive(Serialize)]
struct JsonIdeation<'a> {
    status: &'static str,
    detail: Option<&'a str>,
}

impl<'a> From<&'a Ideation> for JsonIdeation<'a> {
    fn from(ideation: &'a Ideation) -> Self {
        match ideation {
            Ideation::Denied => JsonIdeation {
                status: "denied",
                detail: None,
            },
            Ideation::Present { detail } => JsonIdeation {
                status: "present",
                detail: Some(detail),
            },
        }
    }
}

#[derive(Serialize)]
struct JsonSection {
    key: String,
    label: String,
    text: String,
}

#[derive(Serialize)]
struct JsonSignature<'a> {
    signer_name: &'a str,
    credentials: &'a str,
    signed_at: String,
    content_sha256: &'a str,
    /// The canonical format `content_sha256` covers, so a verifier knows which
    /// encoding to rebuild (added after version 1 was published).
    content_format: String,
}

impl<'a> From<&'a SignedProgressNote> for JsonSignature<'a> {
    fn from(note: &'a SignedProgressNote) -> Self {
        let signature = note.signature();
        JsonSignature {
            signer_name: &signature.signer_name,
            credentials: &signature.credentials,
            signed_at: iso_local(signature.signed_at),
            content_sha256: &signature.content_sha256,
            content_format: note.content_format(),
        }
    }
}

/// The digest over signature, late entry and addendum chain (see the domain's
/// `seal`), so a verifier can tell those were not edited in the file.
#[derive(Serialize)]
struct JsonSeal {
    format: &'static str,
    sha256: String,
}

#[derive(Serialize)]
struct JsonLateEntry<'a> {
    reason: &'a str,
    written_at: String,
    hours_after_service: u32,
}

impl<'a> From<&'a LateEntry> for JsonLateEntry<'a> {
    fn from(late: &'a LateEntry) -> Self {
        JsonLateEntry {
            reason: &late.reason,
            written_at: iso_local(late.written_at),
            hours_after_service: late.hours_after_service,
        }
    }
}

#[derive(Serialize)]
struct JsonAddendum<'a> {
    text: &'a str,
    signer_name: &'a str,
    credentials: &'a str,
    signed_at: String,
    content_sha256: &'a str,
    /// The canonical format its digest covers (added after version 1).
    format: &'static str,
}

impl<'a> From<&'a Addendum> for JsonAddendum<'a> {
    fn from(addendum: &'a Addendum) -> Self {
        JsonAddendum {
            text: addendum.text(),
            signer_name: addendum.signer_name(),
            credentials: addendum.credentials(),
            signed_at: iso_local(addendum.signed_at()),
            content_sha256: addendum.content_sha256(),
            format: addendum.format(),
        }
    }
}

/// One questionnaire result: what was asked, every answer, and the score.
#[derive(Serialize)]
pub(super) struct JsonMeasureResult<'a> {
    id: &'a str,
    client_id: &'a str,
    /// The measure's stable key, for example `"phq-9"`.
    measure: &'a str,
    measure_name: &'a str,
    measure_version: u32,
    loinc_panel: Option<&'static str>,
    administered_on: String,
    administered_by: &'a str,
    mode: &'static str,
    completed_at: String,
    /// `"complete"`, `"prorated"` or `"incomplete"`.
    status: &'static str,
    /// Absent when incomplete: missing answers are never counted as zero.
    total: Option<u32>,
    loinc_total: Option<&'static str>,
    band: Option<&'a str>,
    /// 1-based numbers of the items left unanswered.
    missing_items: Vec<usize>,
    items: Vec<JsonAnsweredItem>,
    follow_up: Option<JsonAnsweredItem>,
    risk_flags: Vec<JsonRiskFlag<'a>>,
}

#[derive(Serialize)]
struct JsonAnsweredItem {
    number: usize,
    text: &'static str,
    answer: Option<&'static str>,
    value: Option<u8>,
}

#[derive(Serialize)]
struct JsonRiskFlag<'a> {
    item: usize,
    /// `"endorsed"` or `"unanswered"`.
    finding: &'static str,
    message: &'a str,
}

impl<'a> From<&'a MeasureResult> for JsonMeasureResult<'a> {
    fn from(result: &'a MeasureResult) -> Self {
        let definition = measure::definition(result.measure_key(), result.measure_version());
        let (status, missing) = match result.outcome() {
            Outcome::Complete { .. } => ("complete", Vec::new()),
            Outcome::Prorated { missing_items, .. } => ("prorated", missing_items.clone()),
            Outcome::Incomplete { missing_items } => ("incomplete", missing_items.clone()),
        };
        let items = definition
            .and_then(|d| result.answered_items(d))
            .unwrap_or_default()
            .into_iter()
            .map(|item| JsonAnsweredItem {
                number: item.number,
                text: item.text,
                answer: item.answer.map(|(words, _)| words),
                value: item.answer.map(|(_, value)| value),
            })
            .collect();
        let follow_up = definition.and_then(|d| {
            let question = d.follow_up?;
            Some(JsonAnsweredItem {
                number: d.items.len() + 1,
                text: question.text,
                answer: result.follow_up_answer(d),
                value: None,
            })
        });
        JsonMeasureResult {
            id: result.id().as_str(),
            client_id: result.client_id().as_str(),
            measure: result.measure_key(),
            measure_name: result.measure_name(),
            measure_version: result.measure_version(),
            loinc_panel: definition.and_then(|d| d.loinc_panel),
            administered_on: result.administered_on().to_string(),
            administered_by: result.administered_by(),
            mode: match result.mode() {
                AdministrationMode::SelfReport => "self_report",
                AdministrationMode::ClinicianAdministered => "clinician_administered",
            },
            completed_at: iso_local(result.completed_at()),
            status,
            total: result.total(),
            loinc_total: definition.and_then(|d| d.loinc_total),
            band: result.band(),
            missing_items: missing.into_iter().map(|i| i + 1).collect(),
            items,
            follow_up,
            risk_flags: result
                .risk_flags()
                .iter()
                .map(|flag| JsonRiskFlag {
                    item: flag.item_number(),
                    finding: match flag.finding {
                        RiskFinding::Endorsed { .. } => "endorsed",
                        _ => "unanswered",
                    },
                    message: &flag.message,
                })
                .collect(),
        }
    }
}
