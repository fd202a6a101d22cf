//! The exact text a signature covers, and its SHA-256 digest.
//!
//! A signature records the SHA-256 of the note's *canonical content*: a plain-text
//! encoding with a version line and every field in a fixed order. It does not
//! depend on serde_json, map ordering or struct layout, so the digest of a note
//! signed today can be recomputed by any later version of the app (or by hand) to
//! show the note was not changed.
//!
//! Why a digest belongs in the domain: it is not a key and protects nothing by
//! itself. It is a deterministic fingerprint that is part of what "signed" means
//! for a record, needs no secret and no randomness, and must be the same in every
//! layer that shows or exports the note. Encryption and keys stay in `crypto`.
//!
//! # Format `psynotes/progress-note/v1`
//! One line per item, in this order:
//! - `name=<byte length>:<text>` for a text value, so a value may contain anything,
//!   newlines included, without ambiguity;
//! - `name=-` for an absent optional value;
//! - `name#<count>` before the items of a list (or an optional group).
//!
//! Never change what v1 produces: signatures already stored depend on it. A new
//! field means a new version prefix and a new encoder beside this one.
//!
//! # Format `psynotes/progress-note/v2`
//! v1 covers what a note refers to only by id and code. v2, made by every
//! signature since, also covers the wording those references had when the
//! note was signed ([`ReferencedWording`]): the service code's description, the
//! place of service's name, each diagnosis's description, each goal's text
//! (and objective's, when the id names an objective), and each section's
//! label. Same encoding; the items are v1's with these added, in this order:
//!
//! ```text
//! psynotes/progress-note/v2
//! id, client_id, template, date_of_service, start, end  as in v1
//! service_code=<len>:<code>                or -
//! service_code_description=<len>:<text>    or -
//! place_of_service=<len>:<code>            or -
//! place_of_service_label=<len>:<text>      or -
//! participants=<len>:<text>
//! diagnoses_addressed#<count>
//! diagnosis=<len>:<code>                   per diagnosis, then
//! diagnosis_description=<len>:<text>       or - (not on the client's record)
//! goals_addressed#<count>
//! goal_id=<len>:<id>                       per goal, then
//! goal_text=<len>:<text>                   or - (found nowhere)
//! objective_text=<len>:<text>              or - (not an objective)
//! progress=<len>:<Improved|Unchanged|Worse>
//! risk#…                                   as in v1
//! sections#<count>
//! section_key=<len>:<key>                  per section, in key order, then
//! section_label=<len>:<label>
//! section_text=<len>:<text>
//! created_at, updated_at                   as in v1
//! ```
//!
//! In v2 an end time earlier than the start always means the session crossed
//! midnight: signing refuses it unless the clinician said so.
//!
//! # Format `psynotes/progress-note/v3`
//! A note that includes questionnaire results ([`IncludedResult`]) is signed
//! in v3: v2's items with the results after the goals, as the note keeps them.
//! A note without results is still signed in v2, byte for byte, so the format
//! follows from the content and a result added to a v2 note later changes the
//! digest.
//!
//! ```text
//! goals_addressed#…                        as in v2, then
//! measure_results#<count>
//! result_id=<len>:<id>                     per result, then
//! measure=<len>:<key>
//! measure_version=<len>:<n>
//! administered_on=<len>:<YYYY-MM-DD>
//! total=<len>:<n>                          or - (not scored)
//! score_line=<len>:<text>
//! band=<len>:<text>                        or - (not scored)
//! risk#…                                   as in v2, and the rest as in v2
//! ```
//!
//! # Format `psynotes/progress-note/v4`
//! A note carrying a course-of-care document ([`CourseDocument`]: an intake
//! assessment or a discharge summary) is signed in v4: v3's items, with the
//! results list always present (`measure_results#0` when none), and the
//! document after the sections, whole, as its own canonical text
//! (`psynotes/intake/v1` or `psynotes/discharge/v1`, see
//! `course_of_care/canonical.rs`):
//!
//! ```text
//! sections#…                               as in v2, then
//! document=<len>:<intake|discharge>
//! document_text=<len>:<the document's canonical text>
//! created_at, updated_at                   as in v2
//! ```
//!
//! # Format `psynotes/progress-note/v5`
//! A note written with one of the clinician's own templates
//! ([`CustomTemplate`]) is signed in v5: v4's items (the results list always
//! present, the document lines only when there is a document), with the
//! template's name in `template` and its definition after it, so the digest
//! proves which version of which template the note was written with and how
//! its sections were labelled:
//!
//! ```text
//! template=<len>:<the template's name>
//! template_id=<len>:<id>
//! template_version=<len>:<n>
//! template_blocks=<len>:<session,risk,goals or the part chosen>
//! template_sections#<count>
//! template_section_key=<len>:<key>         per section, in template order, then
//! template_section_label=<len>:<label>
//! template_section_required=<len>:<yes|no>
//! date_of_service, and the rest            as in v4
//! ```
//!
//! [`CustomTemplate`]: crate::domain::CustomTemplate
//! [`IncludedResult`]: super::IncludedResult
//! [`CourseDocument`]: super::CourseDocument

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::wording::{current_label, ReferencedWording};
use super::ProgressNoteDraft;
use crate::domain::{Ideation, RiskAssessment};

const PROGRESS_NOTE_V1: &str = "psynotes/progress-note/v1";
const PROGRESS_NOTE_V2: &str = "psynotes/progress-note/v2";
const PROGRESS_NOTE_V3: &str = "psynotes/progress-note/v3";
const PROGRESS_NOTE_V4: &str = "psynotes/progress-note/v4";
const PROGRESS_NOTE_V5: &str = "psynotes/progress-note/v5";

/// Builds a canonical text, one item per line (see the module doc).
pub(super) struct Canonical {
    out: String,
}

impl Canonical {
    pub(super) fn new(format: &str) -> Self {
        Canonical {
            out: format!("{format}\n"),
        }
    }

    pub(super) fn text(&mut self, name: &str, value: &str) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{name}={}:{value}", value.len());
        self
    }

    pub(super) fn optional(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(name, value),
            None => {
                let _ = writeln!(self.out, "{name}=-");
                self
            }
        }
    }

    pub(super) fn count(&mut self, name: &str, count: usize) -> &mut Self {
        let _ = writeln!(self.out, "{name}#{count}");
        self
    }

    pub(super) fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

/// Lowercase hex SHA-256 of a text.
pub(super) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

impl ProgressNoteDraft {
    /// The canonical text of this note's content, version v1 (see the module doc).
    /// Every field is included, in declaration order; sections are in key order.
    pub fn canonical_content(&self) -> String {
        let mut c = Canonical::new(PROGRESS_NOTE_V1);
        c.text("id", self.id.as_str())
            .text("client_id", self.client_id.as_str())
            .text("template", self.template.name())
            .optional(
                "date_of_service",
                self.date_of_service.map(|d| d.to_string()).as_deref(),
            )
            .optional("start", self.start.map(|t| t.to_string()).as_deref())
            .optional("end", self.end.map(|t| t.to_string()).as_deref())
            .optional("service_code", self.service_code.as_ref().map(|s| s.code()))
            .optional("place_of_service", self.place_of_service.map(|p| p.code()))
            .text("participants", &self.participants);

        c.count("diagnoses_addressed", self.diagnoses_addressed.len());
        for code in &self.diagnoses_addressed {
            c.text("diagnosis", code);
        }

        c.count("goals_addressed", self.goals_addressed.len());
        for goal in &self.goals_addressed {
            // Always rated in a signed note (signing refuses otherwise).
            c.text("goal_id", &goal.goal_id)
                .optional("progress", goal.progress.map(|p| p.label()));
        }

        // Only a complete assessment is covered: a signed note always has one,
        // and a half-answered draft is not signed.
        let risk = self.risk_assessment();
        c.count("risk", usize::from(risk.is_some()));
        if let Some(RiskAssessment {
            suicidal,
            homicidal,
            safety_plan,
        }) = &risk
        {
            ideation(&mut c, "suicidal", suicidal);
            ideation(&mut c, "homicidal", homicidal);
            c.text("safety_plan", safety_plan);
        }

        c.count("sections", self.sections.len());
        for (key, text) in &self.sections {
            c.text("section_key", key).text("section_text", text);
        }

        c.text("created_at", &self.created_at.0.to_string())
            .text("updated_at", &self.updated_at.0.to_string())
            .finish()
    }

    /// Lowercase hex SHA-256 of [`canonical_content`](Self::canonical_content).
    pub fn content_sha256(&self) -> String {
        sha256_hex(&self.canonical_content())
    }
}

/// The canonical text of a note with the wording of its references: version v2,
/// or v3 when the note includes questionnaire results (see the module doc).
/// Entries are matched by position and id or code, so a wording that does not
/// belong to the note is not used, and the text shows it.
pub(super) fn canonical_worded(note: &ProgressNoteDraft, wording: &ReferencedWording) -> String {
    let document = note.document.as_ref();
    let custom = note.custom();
    let with_results = !note.measure_results.is_empty() || document.is_some() || custom.is_some();
    let mut c = Canonical::new(if custom.is_some() {
        PROGRESS_NOTE_V5
    } else if document.is_some() {
        PROGRESS_NOTE_V4
    } else if with_results {
        PROGRESS_NOTE_V3
    } else {
        PROGRESS_NOTE_V2
    });
    c.text("id", note.id.as_str())
        .text("client_id", note.client_id.as_str())
        .text("template", note.template_name());
    if let Some(custom) = custom {
        c.text("template_id", &custom.id)
            .text("template_version", &custom.version.to_string())
            .text("template_blocks", &custom.blocks.canonical())
            .count("template_sections", custom.sections.len());
        for section in &custom.sections {
            c.text("template_section_key", &section.key)
                .text("template_section_label", &section.label)
                .text(
                    "template_section_required",
                    if section.required { "yes" } else { "no" },
                );
        }
    }
    c.optional(
        "date_of_service",
        note.date_of_service.map(|d| d.to_string()).as_deref(),
    )
    .optional("start", note.start.map(|t| t.to_string()).as_deref())
    .optional("end", note.end.map(|t| t.to_string()).as_deref())
    .optional("service_code", note.service_code.as_ref().map(|s| s.code()))
    .optional(
        "service_code_description",
        note.service_code
            .as_ref()
            .and(wording.service_code.as_deref()),
    )
    .optional("place_of_service", note.place_of_service.map(|p| p.code()))
    .optional(
        "place_of_service_label",
        note.place_of_service
            .and(wording.place_of_service.as_deref()),
    )
    .text("participants", &note.participants);

    c.count("diagnoses_addressed", note.diagnoses_addressed.len());
    for (index, code) in note.diagnoses_addressed.iter().enumerate() {
        c.text("diagnosis", code)
            .optional("diagnosis_description", wording.diagnosis(index, code));
    }

    c.count("goals_addressed", note.goals_addressed.len());
    for (index, goal) in note.goals_addressed.iter().enumerate() {
        let worded = wording.goal(index, &goal.goal_id);
        c.text("goal_id", &goal.goal_id)
            .optional("goal_text", worded.and_then(|w| w.goal.as_deref()))
            .optional(
                "objective_text",
                worded.and_then(|w| w.objective.as_deref()),
            )
            .optional("progress", goal.progress.map(|p| p.label()));
    }

    if with_results {
        c.count("measure_results", note.measure_results.len());
        for result in &note.measure_results {
            c.text("result_id", &result.result_id)
                .text("measure", &result.measure_key)
                .text("measure_version", &result.measure_version.to_string())
                .text("administered_on", &result.administered_on.to_string())
                .optional("total", result.total.map(|t| t.to_string()).as_deref())
                .text("score_line", &result.score_line)
                .optional("band", result.band.as_deref());
        }
    }

    let risk = note.risk_assessment();
    c.count("risk", usize::from(risk.is_some()));
    if let Some(RiskAssessment {
        suicidal,
        homicidal,
        safety_plan,
    }) = &risk
    {
        ideation(&mut c, "suicidal", suicidal);
        ideation(&mut c, "homicidal", homicidal);
        c.text("safety_plan", safety_plan);
    }

    c.count("sections", note.sections.len());
    for (key, text) in &note.sections {
        let label = wording
            .section_label(key)
            .unwrap_or_else(|| current_label(note, key));
        c.text("section_key", key)
            .text("section_label", label)
            .text("section_text", text);
    }

    if let Some(document) = document {
        c.text("document", document.kind())
            .text("document_text", &document.canonical_content());
    }

    c.text("created_at", &note.created_at.0.to_string())
        .text("updated_at", &note.updated_at.0.to_string())
        .finish()
}

fn ideation(c: &mut Canonical, name: &str, ideation: &Ideation) {
    match ideation {
        Ideation::Denied => {
            c.text(name, "denied");
        }
        Ideation::Present { detail } => {
            c.text(name, "present").text("detail", detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{GoalAddressed, GoalProgress, ProgressNoteId};
    use super::*;
    use crate::domain::{ClientId, PlaceOfService, ServiceCode, Template, Timestamp};

    #[test]
    fn sha256_hex_matches_the_standard_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn canonical_content_is_explicit_and_versioned() {
        let text = complete_draft().canonical_content();
        let expected = "psynotes/progress-note/v1
id=6:note-1
client_id=8:client-1
template=4:SOAP
date_of_service=10:2024-03-05
start=5:14:00
end=5:14:50
service_code=5:90834
place_of_service=2:11
participants=6:Client
diagnoses_addressed#1
diagnosis=5:F41.1
goals_addressed#1
goal_id=6:goal-1
progress=8:Improved
risk#1
suicidal=6:denied
homicidal=6:denied
safety_plan=0:
sections#4
section_key=10:assessment
section_text=50:Anxiety interferes with sleep; engaged in session.
section_key=9:objective
section_text=35:Fidgeting throughout; speech rapid.
section_key=4:plan
section_text=39:Introduce paced breathing next session.
section_key=10:subjective
section_text=53:Client reports feeling anxious about a job interview.
created_at=13:1709640000000
updated_at=13:1709650000000
";
        assert_eq!(text, expected);
    }

    #[test]
    fn content_hash_is_stable() {
        // Computed once from the fixture (and checked with Python's hashlib over
        // the text above) and pasted: if this changes, signatures already stored
        // would no longer verify.
        assert_eq!(
            complete_draft().content_sha256(),
            "44c4d0270e1a50c795ed337eb26ba0db21fafd734bbc899885a215761e4d58a1"
        );
    }

    #[test]
    fn content_hash_changes_when_any_field_changes() {
        type Change = Box<dyn Fn(&mut ProgressNoteDraft)>;
        let base = complete_draft();
        let changes: Vec<(&str, Change)> = vec![
            ("id", Box::new(|d| d.id = ProgressNoteId("note-2".into()))),
            (
                "client",
                Box::new(|d| d.client_id = ClientId("client-2".into())),
            ),
            ("template", Box::new(|d| d.template = Template::Dap)),
            (
                "date",
                Box::new(|d| d.date_of_service = Some(date("2024-03-06"))),
            ),
            ("no date", Box::new(|d| d.date_of_service = None)),
            ("start", Box::new(|d| d.start = Some(time("14:01")))),
            ("end", Box::new(|d| d.end = Some(time("14:51")))),
            (
                "code",
                Box::new(|d| d.service_code = Some(ServiceCode::Cpt90837)),
            ),
            (
                "place",
                Box::new(|d| d.place_of_service = Some(PlaceOfService::TelehealthHome)),
            ),
            (
                "participants",
                Box::new(|d| d.participants = "Client and mother".into()),
            ),
            (
                "diagnosis",
                Box::new(|d| d.diagnoses_addressed.push("F33.1".into())),
            ),
            (
                "goal progress",
                Box::new(|d| d.goals_addressed[0].progress = Some(GoalProgress::Worse)),
            ),
            (
                "goal added",
                Box::new(|d| {
                    d.goals_addressed.push(GoalAddressed {
                        goal_id: "goal-2".into(),
                        progress: Some(GoalProgress::Improved),
                    })
                }),
            ),
            ("no risk", Box::new(|d| d.risk = Default::default())),
            (
                "ideation",
                Box::new(|d| {
                    d.risk.suicidal = Some(Ideation::Present {
                        detail: "Passive".into(),
                    });
                }),
            ),
            (
                "safety plan",
                Box::new(|d| {
                    d.risk.safety_plan = "Crisis line".into();
                }),
            ),
            (
                "section text",
                Box::new(|d| d.set_section("plan", "Introduce paced breathing next session!")),
            ),
            (
                "empty section added",
                Box::new(|d| d.set_section("data", "")),
            ),
            (
                "section moved",
                Box::new(|d| {
                    let plan = d.sections.remove("plan").unwrap_or_default();
                    d.set_section("plans", plan);
                }),
            ),
            (
                "created",
                Box::new(|d| d.created_at = Timestamp(d.created_at.0 + 1)),
            ),
            (
                "updated",
                Box::new(|d| d.updated_at = Timestamp(d.updated_at.0 + 1)),
            ),
        ];
        let base_hash = base.content_sha256();
        let mut seen = vec![base_hash.clone()];
        for (what, change) in changes {
            let mut changed = base.clone();
            change(&mut changed);
            let hash = changed.content_sha256();
            assert_ne!(hash, base_hash, "changing {what} must change the hash");
            assert!(
                !seen.contains(&hash),
                "changing {what} collided with another change"
            );
            seen.push(hash);
        }
    }

    fn client() -> crate::domain::Client {
        super::super::fixtures::client()
    }

    fn v2(draft: &ProgressNoteDraft, client: &crate::domain::Client) -> String {
        let wording = ReferencedWording::of(draft, crate::domain::References::client(client));
        canonical_worded(draft, &wording)
    }

    #[test]
    fn canonical_worded_adds_the_wording_of_every_reference() {
        let mut draft = complete_draft();
        draft.goals_addressed.push(GoalAddressed {
            goal_id: "goal-gone".into(),
            progress: Some(GoalProgress::Unchanged),
        });
        let text = v2(&draft, &client());
        let expected = "psynotes/progress-note/v2
id=6:note-1
client_id=8:client-1
template=4:SOAP
date_of_service=10:2024-03-05
start=5:14:00
end=5:14:50
service_code=5:90834
service_code_description=26:Psychotherapy, 38–52 min
place_of_service=2:11
place_of_service_label=6:Office
participants=6:Client
diagnoses_addressed#1
diagnosis=5:F41.1
diagnosis_description=28:Generalized anxiety disorder
goals_addressed#2
goal_id=6:goal-1
goal_text=30:Sleep at least 7 hours a night
objective_text=-
progress=8:Improved
goal_id=9:goal-gone
goal_text=-
objective_text=-
progress=9:Unchanged
risk#1
suicidal=6:denied
homicidal=6:denied
safety_plan=0:
sections#4
section_key=10:assessment
section_label=10:Assessment
section_text=50:Anxiety interferes with sleep; engaged in session.
section_key=9:objective
section_label=9:Objective
section_text=35:Fidgeting throughout; speech rapid.
section_key=4:plan
section_label=4:Plan
section_text=39:Introduce paced breathing next session.
section_key=10:subjective
section_label=10:Subjective
section_text=53:Client reports feeling anxious about a job interview.
created_at=13:1709640000000
updated_at=13:1709650000000
";
        assert_eq!(text, expected);
    }

    #[test]
    fn v2_hash_is_stable() {
        // Computed once from the fixture and pasted (checked with Python's
        // hashlib over the text): signatures already stored depend on it.
        assert_eq!(
            sha256_hex(&v2(&complete_draft(), &client())),
            V2_FIXTURE_SHA256
        );
    }

    const V2_FIXTURE_SHA256: &str =
        "6a8f4b2966d34ca8121581368be3316a19a28c9e20b88841c2885b90103b936e";

    #[test]
    fn v2_hash_changes_with_any_referenced_wording() {
        let base = client();
        let draft = complete_draft();
        let base_hash = sha256_hex(&v2(&draft, &base));
        let mut seen = vec![base_hash.clone()];
        type Change = Box<dyn Fn(&mut crate::domain::Client)>;
        let changes: Vec<(&str, Change)> = vec![
            (
                "goal text",
                Box::new(|c| c.goals[0].text = "EDITED GOAL: reduce panic attacks to zero".into()),
            ),
            ("goal removed", Box::new(|c| c.goals.clear())),
            (
                "diagnosis description",
                Box::new(|c| c.diagnoses[0].description = "Panic disorder".into()),
            ),
            (
                "diagnosis code",
                Box::new(|c| c.diagnoses[0].code = "F41.0".into()),
            ),
            (
                "empty description",
                Box::new(|c| c.diagnoses[0].description = String::new()),
            ),
        ];
        for (what, change) in changes {
            let mut client = base.clone();
            change(&mut client);
            let hash = sha256_hex(&v2(&draft, &client));
            assert!(
                !seen.contains(&hash),
                "changing {what} must change the hash"
            );
            seen.push(hash);
        }
        // A wording that belongs to another note is not used for this one.
        let mut other = draft.clone();
        other.goals_addressed[0].goal_id = "goal-2".into();
        let foreign = ReferencedWording::of(&other, crate::domain::References::client(&base));
        assert!(canonical_worded(&draft, &foreign).contains("\ngoal_text=-\n"));
    }

    fn with_result(mut draft: ProgressNoteDraft) -> ProgressNoteDraft {
        draft.measure_results.push(crate::domain::IncludedResult {
            result_id: "r-1".into(),
            measure_key: "phq-9".into(),
            measure_version: 1,
            administered_on: crate::domain::progress_note::fixtures::date("2024-03-05"),
            total: Some(12),
            score_line: "PHQ-9 score: 12".into(),
            band: Some("Moderate".into()),
        });
        draft
    }

    #[test]
    fn a_note_with_results_is_v3_and_covers_each_result_after_the_goals() {
        let draft = with_result(complete_draft());
        let text = v2(&draft, &client());
        assert!(text.starts_with("psynotes/progress-note/v3\n"));
        let expected = "progress=8:Improved
measure_results#1
result_id=3:r-1
measure=5:phq-9
measure_version=1:1
administered_on=10:2024-03-05
total=2:12
score_line=15:PHQ-9 score: 12
band=8:Moderate
risk#1
";
        assert!(text.contains(expected), "{text}");
        // Apart from the version line and those items, it is the v2 text.
        let v2_text = v2(&complete_draft(), &client());
        let stripped = text
            .replacen("psynotes/progress-note/v3", "psynotes/progress-note/v2", 1)
            .replacen(
                &expected["progress=8:Improved\n".len()..expected.len() - "risk#1\n".len()],
                "",
                1,
            );
        assert_eq!(stripped, v2_text);

        // Any change to an included result changes the digest.
        let base_hash = sha256_hex(&text);
        type Change = Box<dyn Fn(&mut crate::domain::IncludedResult)>;
        let changes: Vec<(&str, Change)> = vec![
            ("id", Box::new(|r| r.result_id = "r-2".into())),
            ("measure", Box::new(|r| r.measure_key = "gad-7".into())),
            ("version", Box::new(|r| r.measure_version = 2)),
            (
                "date",
                Box::new(|r| {
                    r.administered_on = crate::domain::progress_note::fixtures::date("2024-03-04")
                }),
            ),
            ("total", Box::new(|r| r.total = None)),
            (
                "score",
                Box::new(|r| r.score_line = "PHQ-9 score: 13".into()),
            ),
            ("band", Box::new(|r| r.band = None)),
        ];
        for (what, change) in changes {
            let mut changed = draft.clone();
            change(&mut changed.measure_results[0]);
            assert_ne!(
                sha256_hex(&v2(&changed, &client())),
                base_hash,
                "changing the result's {what} must change the hash"
            );
        }
    }

    #[test]
    fn a_result_added_to_a_signed_note_breaks_its_seal() {
        let signed_v2 = complete_draft()
            .sign(
                crate::domain::References::client(&client()),
                &super::super::fixtures::clinician(),
                Timestamp(1_709_700_000_000),
                72,
                None,
            )
            .unwrap();
        assert!(signed_v2.is_intact());
        let mut json = serde_json::to_value(&signed_v2).unwrap();
        let with = with_result(complete_draft());
        json["content"]["measure_results"] = serde_json::to_value(&with.measure_results).unwrap();
        let tampered: crate::domain::SignedProgressNote =
            serde_json::from_value(json.clone()).unwrap();
        assert!(!tampered.is_intact());
        // A note signed before wording was kept (v1) with the v1 digest, and a
        // result added: v1 does not cover results, so it is not intact either.
        let plain = complete_draft();
        json["wording"] = serde_json::Value::Null;
        json["signature"]["content_sha256"] = plain.content_sha256().into();
        let v1: crate::domain::SignedProgressNote = serde_json::from_value(json.clone()).unwrap();
        assert!(!v1.is_intact());
        json["content"]
            .as_object_mut()
            .unwrap()
            .remove("measure_results");
        let v1: crate::domain::SignedProgressNote = serde_json::from_value(json).unwrap();
        assert!(v1.is_intact(), "the same v1 note without the result");

        // A note signed with a result verifies, and says v3.
        let signed_v3 = with
            .sign(
                crate::domain::References::client(&client()),
                &super::super::fixtures::clinician(),
                Timestamp(1_709_700_000_000),
                72,
                None,
            )
            .unwrap();
        assert!(signed_v3.is_intact());
        assert_eq!(signed_v3.content_format(), "psynotes/progress-note/v3");
        assert_eq!(signed_v2.content_format(), "psynotes/progress-note/v2");
    }

    fn couples_template() -> crate::domain::CustomTemplate {
        use std::borrow::Cow;
        let section = |key: &'static str, label: &'static str, required| crate::domain::Section {
            key: Cow::Borrowed(key),
            label: Cow::Borrowed(label),
            required,
            hint: Cow::Borrowed(""),
        };
        crate::domain::CustomTemplate {
            id: "t-7".into(),
            name: "Couples session".into(),
            version: 2,
            sections: vec![
                section("c1", "Presenting concern", true),
                section("c3", "Interaction", false),
            ],
            blocks: crate::domain::Blocks {
                session: false,
                risk: true,
                goals: false,
            },
        }
    }

    fn custom_draft() -> ProgressNoteDraft {
        let mut draft = complete_draft();
        draft.sections.clear();
        draft.use_custom_template(couples_template());
        draft.start = None;
        draft.end = None;
        draft.service_code = None;
        draft.place_of_service = None;
        draft.participants.clear();
        draft.goals_addressed.clear();
        draft.diagnoses_addressed.clear();
        draft.set_section("c1", "They argue about chores.");
        draft
    }

    #[test]
    fn a_note_of_a_custom_template_is_v5_and_covers_the_templates_name_version_and_labels() {
        let draft = custom_draft();
        assert_eq!(
            draft.validate_for_signing(Timestamp(1_709_700_000_000)),
            Ok(())
        );
        let signed = draft
            .clone()
            .sign(
                crate::domain::References::client(&client()),
                &super::super::fixtures::clinician(),
                Timestamp(1_709_700_000_000),
                72,
                None,
            )
            .unwrap();
        assert!(signed.is_intact());
        assert_eq!(signed.content_format(), "psynotes/progress-note/v5");
        let text = signed.canonical_content();
        assert!(text.contains(
            "template=15:Couples session\ntemplate_id=3:t-7\ntemplate_version=1:2\ntemplate_blocks=4:risk\ntemplate_sections#2\n\
             template_section_key=2:c1\ntemplate_section_label=18:Presenting concern\ntemplate_section_required=3:yes\n\
             template_section_key=2:c3\ntemplate_section_label=11:Interaction\ntemplate_section_required=2:no\n"
        ), "{text}");
        assert!(text.contains("section_key=2:c1\nsection_label=18:Presenting concern\n"));

        // The template kept in the note is covered: rewording it, or calling
        // it another version, breaks the seal.
        type Change = Box<dyn Fn(&mut crate::domain::CustomTemplate)>;
        let changes: Vec<(&str, Change)> = vec![
            ("name", Box::new(|t| t.name = "Couple session".into())),
            ("version", Box::new(|t| t.version = 3)),
            (
                "label",
                Box::new(|t| t.sections[1].label = "Interactions".into()),
            ),
            ("required", Box::new(|t| t.sections[1].required = true)),
            ("blocks", Box::new(|t| t.blocks.goals = true)),
        ];
        for (what, change) in changes {
            let mut json = serde_json::to_value(&signed).unwrap();
            let mut template = couples_template();
            change(&mut template);
            json["content"]["custom_template"] = serde_json::to_value(&template).unwrap();
            let tampered: crate::domain::SignedProgressNote = serde_json::from_value(json).unwrap();
            assert!(
                !tampered.is_intact(),
                "changing the template's {what} must show"
            );
        }
    }

    #[test]
    fn a_custom_templates_blocks_and_required_sections_decide_what_signing_asks_for() {
        let mut draft = custom_draft();
        draft.set_section("c1", " ");
        draft.risk = Default::default();
        let fields: Vec<String> = draft
            .validate_for_signing(Timestamp(1_709_700_000_000))
            .unwrap_err()
            .into_iter()
            .map(|i| i.field)
            .collect();
        // No session details asked (the block is off); the risk block is on;
        // the optional section may stay blank.
        assert_eq!(fields, ["Risk assessment", "Presenting concern"]);
        // What the template leaves out is not shown, unless it holds
        // something the signature would cover.
        let shown = draft.shown_blocks();
        assert!(!shown.session && !shown.goals);
        draft.participants = "Both partners".into();
        assert!(draft.shown_blocks().session);
        // A built-in template chosen again drops the custom one; text kept
        // under its sections is still called by their labels.
        draft.set_section("c1", "They argue about chores.");
        draft.set_template(Template::Dap);
        assert_eq!(draft.custom(), None);
        assert_eq!(draft.template_name(), "DAP");
        assert_eq!(draft.label_of("c1"), "Presenting concern");
        let issues = draft
            .validate_for_signing(Timestamp(1_709_700_000_000))
            .unwrap_err();
        assert!(issues.iter().any(|i| i.field == "Presenting concern"
            && i.message
                .starts_with("This DAP note has no Presenting concern section")));
        // And so after a switch to another custom template.
        let mut other = couples_template();
        other.id = "t-8".into();
        other.sections[0].key = "c1.t-8".into();
        draft.use_custom_template(other);
        assert_eq!(draft.template_section("c1"), None);
        assert_eq!(draft.label_of("c1"), "Presenting concern");
    }

    #[test]
    fn multi_line_and_non_ascii_values_are_length_prefixed_in_bytes() {
        let mut draft = complete_draft();
        draft.participants = "Client\nmère".into();
        let text = draft.canonical_content();
        // "Client\nmère" is 12 bytes: è takes two.
        assert!(text.contains("\nparticipants=12:Client\nmère\ndiagnoses_addressed#1\n"));
    }
}
