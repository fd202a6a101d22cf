//! Progress notes: the official record of a session.
//!
//! A note lives in two states, each its own type:
//! - [`ProgressNoteDraft`]: an editable form with public fields, saved as the
//!   clinician types.
//! - [`SignedProgressNote`]: made only by [`ProgressNoteDraft::sign`], which checks
//!   the note is complete. Its content is private and has no setter, so a signed
//!   note cannot be edited; corrections are [`Addendum`]s appended after it, each
//!   with its own signature, and the original stays as signed.
//!
//! [`ProgressNote`] holds either state, for lists and search.
//!
//! The parts are in files of their own: `draft` (the form and its checks),
//! `canonical` (the exact text a signature covers), `late_entry`, `signing`,
//! `signed`, `addendum`, `seal` (the digest over signature, late entry and
//! addendum chain that exports carry), `wording` (what the note's goals,
//! diagnoses and labels said when it was signed) and `merge` (two edits of one
//! draft).

mod addendum;
mod canonical;
mod document;
mod document_rows;
mod draft;
mod included_result;
mod late_entry;
mod merge;
mod seal;
mod signed;
mod signing;
mod wording;

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ClientId, Date, ServiceCode, Template};

pub use super::validation::ValidationIssue;
pub use addendum::Addendum;
pub use document::CourseDocument;
pub use draft::ProgressNoteDraft;
pub use included_result::{includable, IncludedResult};
pub use late_entry::{is_late, LateEntry};
pub use merge::{merge_drafts, typed_after_signing, DraftMerge};
pub use seal::SIGNED_RECORD_V1;
pub use signed::SignedProgressNote;
pub use signing::{SignError, Signature};
pub use wording::{
    DiagnosisWording, GoalWording, NoteWording, ReferencedWording, References, SectionWording,
    ShownGoal,
};

/// A progress note's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProgressNoteId(pub String);

impl ProgressNoteId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProgressNoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Progress toward a treatment-plan goal since the last session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GoalProgress {
    Improved,
    Unchanged,
    Worse,
}

impl GoalProgress {
    pub const ALL: [GoalProgress; 3] = [
        GoalProgress::Improved,
        GoalProgress::Unchanged,
        GoalProgress::Worse,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            GoalProgress::Improved => "Improved",
            GoalProgress::Unchanged => "Unchanged",
            GoalProgress::Worse => "Worse",
        }
    }

    /// The words for a rating that may not be chosen yet (on a draft).
    pub fn label_of(progress: Option<GoalProgress>) -> &'static str {
        progress.map_or(GoalProgress::NOT_RATED, |p| p.label())
    }

    /// A goal ticked on a draft before its progress is chosen.
    pub const NOT_RATED: &'static str = "Not rated yet";
}

/// A goal or objective (by id: a client's [`Goal::id`](super::Goal::id), or
/// one of their treatment plan's) worked on in this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalAddressed {
    pub goal_id: String,
    /// `None` while the clinician has ticked the goal but not chosen the
    /// progress made: a note is never signed with a rating nobody chose.
    pub progress: Option<GoalProgress>,
}

/// A progress note in either state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgressNote {
    Draft(ProgressNoteDraft),
    Signed(SignedProgressNote),
}

impl ProgressNote {
    /// The note's content, read-only whichever the state.
    pub fn content(&self) -> &ProgressNoteDraft {
        match self {
            ProgressNote::Draft(draft) => draft,
            ProgressNote::Signed(signed) => signed.content(),
        }
    }

    pub fn id(&self) -> &ProgressNoteId {
        &self.content().id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.content().client_id
    }

    pub fn date_of_service(&self) -> Option<Date> {
        self.content().date_of_service
    }

    pub fn template(&self) -> Template {
        self.content().template
    }

    pub fn service_code(&self) -> Option<&ServiceCode> {
        self.content().service_code.as_ref()
    }

    pub fn duration_minutes(&self) -> Option<u32> {
        self.content().duration_minutes()
    }

    pub fn is_signed(&self) -> bool {
        matches!(self, ProgressNote::Signed(_))
    }

    pub fn as_signed(&self) -> Option<&SignedProgressNote> {
        match self {
            ProgressNote::Signed(signed) => Some(signed),
            ProgressNote::Draft(_) => None,
        }
    }

    /// The text of a section, or `""` if it has none.
    pub fn section(&self, key: &str) -> &str {
        self.content().section(key)
    }

    /// The wording of what the note refers to: as signed, or the client's
    /// current wording for a draft or a note signed under format v1 (see
    /// [`NoteWording`]).
    pub fn wording(&self, client: &super::Client) -> NoteWording<'_> {
        match self {
            ProgressNote::Draft(draft) => {
                NoteWording::Current(ReferencedWording::of(draft, References::client(client)))
            }
            ProgressNote::Signed(signed) => signed.wording(client),
        }
    }

    /// Every text of the note that a search looks at, each with the label it is
    /// shown under: the sections in template order (then text left under other
    /// sections), an intake's or discharge summary's words, who attended, the risk details and safety plan, the
    /// late-entry reason, and the addenda. Blank texts are left out.
    ///
    /// Only progress-note text: a psychotherapy note is another type and is
    /// never searched with these.
    pub fn searchable_texts(&self) -> Vec<(&str, &str)> {
        let content = self.content();
        let kept = self
            .as_signed()
            .and_then(SignedProgressNote::signed_wording);
        let label = |key| section_label(kept, content, key);
        let mut parts: Vec<(&str, &str)> = content
            .template_sections()
            .iter()
            .map(|section| (label(&section.key), content.section(&section.key)))
            .collect();
        parts.extend(
            content
                .sections
                .iter()
                .filter(|(key, _)| content.template_section(key).is_none())
                .map(|(key, text)| (label(key), text.as_str())),
        );
        if let Some(document) = &content.document {
            parts.extend(document.texts());
        }
        parts.push(("Participants", &content.participants));
        for (name, answer) in [
            (
                super::RiskAssessment::SUICIDAL_LABEL,
                content.risk.suicidal.as_ref(),
            ),
            (
                super::RiskAssessment::HOMICIDAL_LABEL,
                content.risk.homicidal.as_ref(),
            ),
        ] {
            if let Some(super::Ideation::Present { detail }) = answer {
                parts.push((name, detail));
            }
        }
        parts.push((
            super::RiskAssessment::SAFETY_PLAN_LABEL,
            &content.risk.safety_plan,
        ));
        let late_reason = match self {
            ProgressNote::Draft(draft) => Some(draft.late_entry_reason.as_str()),
            ProgressNote::Signed(signed) => signed.late_entry().map(|l| l.reason.as_str()),
        };
        if let Some(reason) = late_reason {
            parts.push(("Late entry reason", reason));
        }
        if let ProgressNote::Signed(signed) = self {
            parts.extend(signed.addenda().iter().map(|a| ("Addendum", a.text())));
        }
        parts.retain(|(_, text)| !text.trim().is_empty());
        parts
    }

    /// All text a search should look at ([`searchable_texts`](Self::searchable_texts)),
    /// one per line. Pair with [`search::matches`](super::search::matches).
    pub fn text_for_search(&self) -> String {
        self.searchable_texts()
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A section's label: as signed, else the app's current one.
fn section_label<'a>(
    kept: Option<&'a ReferencedWording>,
    note: &'a ProgressNoteDraft,
    key: &'a str,
) -> &'a str {
    kept.and_then(|w| w.section_label(key))
        .unwrap_or_else(|| wording::current_label(note, key))
}

impl From<ProgressNoteDraft> for ProgressNote {
    fn from(draft: ProgressNoteDraft) -> Self {
        ProgressNote::Draft(draft)
    }
}

impl From<SignedProgressNote> for ProgressNote {
    fn from(signed: SignedProgressNote) -> Self {
        ProgressNote::Signed(signed)
    }
}

/// Fixtures shared by the tests of the progress-note files.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::domain::{
        Client, ClinicianProfile, Diagnosis, Goal, Ideation, PlaceOfService, RiskAssessment,
        TimeOfDay, Timestamp,
    };

    pub fn clinician() -> ClinicianProfile {
        ClinicianProfile {
            name: "Jane Doe".into(),
            credentials: "LCSW".into(),
        }
    }

    pub fn date(text: &str) -> Date {
        Date::parse(text).expect("fixture date is valid")
    }

    /// The client the fixture notes belong to ("client-1"): the diagnosis and
    /// the goal [`complete_draft`] addresses.
    pub fn client() -> Client {
        client_of("client-1")
    }

    /// The same record under another id.
    pub fn client_of(id: &str) -> Client {
        let mut client = Client::new(ClientId(id.into()), "Alex Rivera");
        client.diagnoses = vec![
            Diagnosis::new("F41.1", "Generalized anxiety disorder", true)
                .expect("fixture diagnosis is valid"),
        ];
        client.goals = vec![Goal::new("goal-1", "Sleep at least 7 hours a night")];
        client
    }

    pub fn time(text: &str) -> TimeOfDay {
        TimeOfDay::parse(text).expect("fixture time is valid")
    }

    /// 2024-03-05 14:00–14:50 "UTC" as the domain reads it.
    pub fn session_end() -> Timestamp {
        Timestamp::from_date_time(date("2024-03-05"), time("14:50"))
    }

    /// A SOAP note with every field filled in, ready to sign.
    pub fn complete_draft() -> ProgressNoteDraft {
        let mut draft = ProgressNoteDraft::new(
            ProgressNoteId("note-1".into()),
            ClientId("client-1".into()),
            Template::Soap,
            Timestamp(1_709_640_000_000),
        );
        draft.date_of_service = Some(date("2024-03-05"));
        draft.start = Some(time("14:00"));
        draft.end = Some(time("14:50"));
        draft.service_code = Some(ServiceCode::Cpt90834);
        draft.place_of_service = Some(PlaceOfService::Office);
        draft.participants = "Client".into();
        draft.diagnoses_addressed = vec!["F41.1".into()];
        draft.goals_addressed = vec![GoalAddressed {
            goal_id: "goal-1".into(),
            progress: Some(GoalProgress::Improved),
        }];
        draft.risk = RiskAssessment {
            suicidal: Ideation::Denied,
            homicidal: Ideation::Denied,
            safety_plan: String::new(),
        }
        .into();
        draft.set_section(
            "subjective",
            "Client reports feeling anxious about a job interview.",
        );
        draft.set_section("objective", "Fidgeting throughout; speech rapid.");
        draft.set_section(
            "assessment",
            "Anxiety interferes with sleep; engaged in session.",
        );
        draft.set_section("plan", "Introduce paced breathing next session.");
        draft.updated_at = Timestamp(1_709_650_000_000);
        draft
    }

    /// [`complete_draft`] signed an hour after the session.
    pub fn signed_note() -> SignedProgressNote {
        complete_draft()
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(session_end().0 + 3_600_000),
                72,
                None,
            )
            .expect("fixture note signs")
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::domain::Timestamp;

    #[test]
    fn common_getters_read_either_state() {
        let draft = ProgressNote::from(complete_draft());
        let signed = ProgressNote::from(signed_note());
        for note in [&draft, &signed] {
            assert_eq!(note.id().as_str(), "note-1");
            assert_eq!(note.client_id().as_str(), "client-1");
            assert_eq!(note.date_of_service(), Some(date("2024-03-05")));
            assert_eq!(note.template(), Template::Soap);
            assert_eq!(note.service_code(), Some(&ServiceCode::Cpt90834));
            assert_eq!(note.duration_minutes(), Some(50));
            assert_eq!(
                note.section("plan"),
                "Introduce paced breathing next session."
            );
            assert_eq!(note.section("data"), "");
        }
        assert!(!draft.is_signed());
        assert!(signed.is_signed());
        assert!(draft.as_signed().is_none());
    }

    #[test]
    fn search_covers_every_text_of_a_progress_note() {
        use crate::domain::{Ideation, RiskAssessment};
        let mut draft = complete_draft();
        draft.participants = "Client and grandmother".into();
        draft.risk = RiskAssessment {
            suicidal: Ideation::Present {
                detail: "Passive thoughts after the layoff".into(),
            },
            homicidal: Ideation::Present {
                detail: "Anger at the landlord, no intent".into(),
            },
            safety_plan: "Call the warmline; sister holds the car keys".into(),
        }
        .into();
        draft.late_entry_reason = "Power outage at the office".into();
        // Text left under another template's section is still the note's.
        draft.set_section("data", "Leftover from a DAP draft");
        let as_draft = ProgressNote::Draft(draft.clone());
        for words in [
            "grandmother",
            "layoff",
            "landlord",
            "warmline",
            "outage",
            "Leftover",
            "paced breathing",
        ] {
            assert!(
                crate::domain::matches(&as_draft.text_for_search(), words),
                "a draft is found by {words:?}"
            );
        }
        let labels: Vec<&str> = as_draft
            .searchable_texts()
            .into_iter()
            .map(|(label, _)| label)
            .collect();
        assert_eq!(
            labels,
            [
                "Subjective",
                "Objective",
                "Assessment",
                "Plan",
                "Data",
                "Participants",
                "Suicidal ideation",
                "Homicidal ideation",
                "Safety plan",
                "Late entry reason"
            ]
        );

        // Signed late, then amended: the reason and the addendum are found.
        draft.set_section("data", "");
        let mut signed = draft
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(session_end().0 + 100 * 3_600_000),
                72,
                Some("Power outage at the office".into()),
            )
            .expect("signs late");
        signed.add_addendum(
            Addendum::new(
                "Grandmother called about the appointment",
                &clinician(),
                Timestamp(session_end().0 + 101 * 3_600_000),
            )
            .unwrap(),
        );
        let signed = ProgressNote::Signed(signed);
        for words in ["outage", "appointment", "warmline", "landlord"] {
            assert!(
                crate::domain::matches(&signed.text_for_search(), words),
                "a signed note is found by {words:?}"
            );
        }
        assert!(!crate::domain::matches(
            &signed.text_for_search(),
            "psychotherapy-only"
        ));
    }

    #[test]
    fn search_text_has_sections_in_order_then_addenda() {
        let mut signed = signed_note();
        let addendum = Addendum::new(
            "Correction: interview is on Friday.",
            &clinician(),
            Timestamp(session_end().0 + 7_200_000),
        )
        .unwrap();
        signed.add_addendum(addendum);
        let text = ProgressNote::Signed(signed).text_for_search();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("Client reports"));
        assert!(lines[3].starts_with("Introduce paced breathing"));
        assert_eq!(lines[4], "Client", "who attended");
        assert_eq!(lines[5], "Correction: interview is on Friday.");
    }
}
