//! The wording a note refers to, kept with it when it is signed.
//!
//! A progress note refers to things that live elsewhere and may change after
//! the session: the client's goals (by id), their diagnoses (by code), the
//! template's section labels, and the app's names for the service code and
//! the place of service. A signed note must read tomorrow exactly as it read
//! when it was signed, so signing copies that wording into the note
//! ([`ReferencedWording`]) and the signature's digest covers it (canonical
//! format `psynotes/progress-note/v2`, see `canonical`).
//!
//! Notes signed before this existed (format v1) have no copy: their digest
//! covers ids and codes only. They are shown with the client's *current*
//! wording, marked as such ([`NoteWording::Current`]), and a draft is shown the
//! same way, because nothing of it is signed yet.

use serde::{Deserialize, Serialize};

use super::{GoalProgress, ProgressNoteDraft};
use crate::domain::treatment_plan::PlanItem;
use crate::domain::{Client, TreatmentPlan};

/// What a note's references are read from when it is signed: the client's
/// record and, once notes are linked to it, the treatment plan (whose goals and
/// objectives share the id namespace of the client's goals; see
/// `treatment_plan::progress`).
#[derive(Debug, Clone, Copy)]
pub struct References<'a> {
    client: &'a Client,
    plan: Option<&'a TreatmentPlan>,
}

impl<'a> References<'a> {
    /// The client's record alone.
    pub fn client(client: &'a Client) -> Self {
        References { client, plan: None }
    }

    /// The client's record and, when they have one, their treatment plan.
    pub fn of(client: &'a Client, plan: Option<&'a TreatmentPlan>) -> Self {
        References { client, plan }
    }

    /// The client's record and their treatment plan: an addressed id found in
    /// the plan is worded from it (a goal, or an objective with its goal).
    pub fn with_plan(self, plan: &'a TreatmentPlan) -> Self {
        References {
            plan: Some(plan),
            ..self
        }
    }

    /// The client these references belong to.
    pub fn client_record(&self) -> &'a Client {
        self.client
    }
}

/// A diagnosis the note addressed, with its description as it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisWording {
    /// The ICD-10-CM code, as the note lists it.
    pub code: String,
    /// The description on the client's record; `None` when the code was not on
    /// the record (removed before signing).
    pub description: Option<String>,
}

/// A goal (or objective) the note addressed, with its text as it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalWording {
    /// The id the note refers to (see [`GoalAddressed`](super::GoalAddressed)).
    pub goal_id: String,
    /// The goal's text; for an objective, the text of the goal it belongs to.
    /// `None` when the id was found nowhere.
    pub goal: Option<String>,
    /// The objective's text, when the id names an objective of the plan.
    pub objective: Option<String>,
}

impl GoalWording {
    /// "Reduce panic attacks", or "Reduce panic attacks — Objective: no attacks
    /// for four weeks"; `None` when the wording is not known.
    pub fn display(&self) -> Option<String> {
        let goal = self.goal.as_deref().map(str::trim);
        match (goal, self.objective.as_deref().map(str::trim)) {
            (Some(goal), Some(objective)) => Some(format!("{goal} — Objective: {objective}")),
            (None, Some(objective)) => Some(format!("Objective: {objective}")),
            (Some(goal), None) => Some(goal.to_owned()),
            (None, None) => None,
        }
    }
}

/// A section's label, as the note's template named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionWording {
    pub key: String,
    pub label: String,
}

/// The wording of everything a note refers to, in the note's own order: one
/// diagnosis entry per code addressed, one goal entry per goal addressed, one
/// label per section the note stores. Kept in a signed note (format v2) and
/// covered by its digest; made afresh from the client's record for display
/// otherwise.
///
/// Fields are public for reading; a signed note hands it out only by shared
/// reference, so what was signed cannot be changed through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencedWording {
    /// The service code's description ("Psychotherapy, 38–52 min").
    pub service_code: Option<String>,
    /// The place of service's name ("Office").
    pub place_of_service: Option<String>,
    pub diagnoses: Vec<DiagnosisWording>,
    pub goals: Vec<GoalWording>,
    pub sections: Vec<SectionWording>,
}

impl ReferencedWording {
    /// The wording of what `note` refers to, read from `references` now.
    pub fn of(note: &ProgressNoteDraft, references: References<'_>) -> ReferencedWording {
        let client = references.client;
        let diagnoses = note
            .diagnoses_addressed
            .iter()
            .map(|code| DiagnosisWording {
                code: code.clone(),
                description: client
                    .diagnoses
                    .iter()
                    .find(|d| d.code == *code)
                    .or_else(|| {
                        client
                            .diagnoses
                            .iter()
                            .find(|d| d.code.eq_ignore_ascii_case(code.trim()))
                    })
                    .map(|d| d.description.clone()),
            })
            .collect();
        let goals = note
            .goals_addressed
            .iter()
            .map(|addressed| {
                let id = &addressed.goal_id;
                let in_plan = references.plan.and_then(|plan| plan.find(id));
                let (goal, objective) = match in_plan.map(|found| found.item) {
                    Some(PlanItem::Objective {
                        goal, objective, ..
                    }) => (Some(goal.text.clone()), Some(objective.text.clone())),
                    Some(PlanItem::Goal { goal, .. }) => (Some(goal.text.clone()), None),
                    Some(PlanItem::Problem(problem)) => (Some(problem.text.clone()), None),
                    None => (
                        client
                            .goals
                            .iter()
                            .find(|g| g.id == *id)
                            .map(|g| g.text.clone()),
                        None,
                    ),
                };
                GoalWording {
                    goal_id: id.clone(),
                    goal,
                    objective,
                }
            })
            .collect();
        let sections = note
            .sections
            .keys()
            .map(|key| SectionWording {
                key: key.clone(),
                label: current_label(note, key).to_owned(),
            })
            .collect();
        ReferencedWording {
            service_code: note
                .service_code
                .as_ref()
                .map(|code| code.description().to_owned()),
            place_of_service: note.place_of_service.map(|p| p.label().to_owned()),
            diagnoses,
            goals,
            sections,
        }
    }

    /// The description of the diagnosis at `index` of the note's list, if it
    /// is the entry for `code` and has one.
    pub fn diagnosis(&self, index: usize, code: &str) -> Option<&str> {
        self.diagnoses
            .get(index)
            .filter(|d| d.code == code)
            .and_then(|d| d.description.as_deref())
    }

    /// The wording of the goal at `index` of the note's list, if it is the
    /// entry for `goal_id`.
    pub fn goal(&self, index: usize, goal_id: &str) -> Option<&GoalWording> {
        self.goals.get(index).filter(|g| g.goal_id == goal_id)
    }

    /// The label kept for a section key, if any.
    pub fn section_label(&self, key: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.label.as_str())
    }
}

/// The label the app gives a section key today: the template's, else that of
/// whichever template has the key, else the key itself.
pub(super) fn current_label<'a>(note: &'a ProgressNoteDraft, key: &'a str) -> &'a str {
    note.label_of(key)
}

/// The wording a note is shown with, and whether it is part of what was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteWording<'a> {
    /// Kept at signing and covered by the signature (format v2).
    Signed(&'a ReferencedWording),
    /// Read from the client's record now: a draft, or a note signed under
    /// format v1. It is *not* part of the signed text, and a signed note shows
    /// it marked as such ([`NoteWording::CURRENT_MARK`]).
    Current(ReferencedWording),
}

/// One addressed goal as shown: its wording (if known) and the progress rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownGoal {
    pub goal_id: String,
    pub text: Option<String>,
    /// `None` on a draft whose goal is ticked but not rated yet.
    pub progress: Option<GoalProgress>,
}

impl NoteWording<'_> {
    /// How a signed note's referenced wording is marked when it is not part of
    /// what was signed.
    pub const CURRENT_MARK: &'static str = "current wording, not part of the signed text";

    /// Whether the wording is part of the signed text.
    pub fn is_signed(&self) -> bool {
        matches!(self, NoteWording::Signed(_))
    }

    pub fn get(&self) -> &ReferencedWording {
        match self {
            NoteWording::Signed(wording) => wording,
            NoteWording::Current(wording) => wording,
        }
    }

    /// Each diagnosis addressed as "F41.1 Generalized anxiety disorder" (the
    /// code alone when no description is known), in the note's order.
    pub fn diagnosis_lines(&self, note: &ProgressNoteDraft) -> Vec<String> {
        note.diagnoses_addressed
            .iter()
            .enumerate()
            .map(|(index, code)| {
                match self
                    .get()
                    .diagnosis(index, code)
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                {
                    Some(description) => format!("{code} {description}"),
                    None => code.clone(),
                }
            })
            .collect()
    }

    /// Each goal addressed with its wording and progress, in the note's order.
    pub fn goals(&self, note: &ProgressNoteDraft) -> Vec<ShownGoal> {
        note.goals_addressed
            .iter()
            .enumerate()
            .map(|(index, addressed)| ShownGoal {
                goal_id: addressed.goal_id.clone(),
                text: self
                    .get()
                    .goal(index, &addressed.goal_id)
                    .and_then(GoalWording::display)
                    .filter(|t| !t.trim().is_empty()),
                progress: addressed.progress,
            })
            .collect()
    }

    /// The label of a section key.
    pub fn section_label<'k>(&'k self, note: &'k ProgressNoteDraft, key: &'k str) -> &'k str {
        self.get()
            .section_label(key)
            .unwrap_or_else(|| current_label(note, key))
    }

    /// "90834 Psychotherapy, 38–52 min", or `None` without a code.
    pub fn service_line(&self, note: &ProgressNoteDraft) -> Option<String> {
        let code = note.service_code.as_ref()?;
        Some(match self.get().service_code.as_deref() {
            Some(description) => format!("{} {description}", code.code()),
            None => code.code().to_owned(),
        })
    }

    /// "11 Office", or `None` without a place.
    pub fn place_line(&self, note: &ProgressNoteDraft) -> Option<String> {
        let place = note.place_of_service?;
        Some(match self.get().place_of_service.as_deref() {
            Some(label) => format!("{} {label}", place.code()),
            None => place.code().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::GoalAddressed;
    use super::*;
    use crate::domain::treatment_plan::plan_fixtures::ready_plan;
    use crate::domain::{ClientId, Diagnosis, Goal, PlaceOfService, ServiceCode};

    pub(crate) fn client() -> Client {
        let mut client = Client::new(ClientId("client-1".into()), "Alex Rivera");
        client.diagnoses = vec![
            Diagnosis::new("F41.1", "Generalized anxiety disorder", true)
                .expect("fixture diagnosis"),
        ];
        client.goals = vec![Goal::new("goal-1", "Reduce GAD-7 score below 10")];
        client
    }

    #[test]
    fn wording_is_read_from_the_clients_record_in_the_notes_order() {
        let mut draft = complete_draft();
        draft.diagnoses_addressed.push("F33.1".into());
        draft.goals_addressed.push(GoalAddressed {
            goal_id: "gone".into(),
            progress: Some(GoalProgress::Worse),
        });
        let wording = ReferencedWording::of(&draft, References::client(&client()));
        assert_eq!(
            wording.service_code.as_deref(),
            Some(ServiceCode::Cpt90834.description())
        );
        assert_eq!(
            wording.place_of_service.as_deref(),
            Some(PlaceOfService::Office.label())
        );
        assert_eq!(
            wording.diagnoses,
            [
                DiagnosisWording {
                    code: "F41.1".into(),
                    description: Some("Generalized anxiety disorder".into())
                },
                DiagnosisWording {
                    code: "F33.1".into(),
                    description: None
                },
            ]
        );
        assert_eq!(
            wording.goals[0].goal.as_deref(),
            Some("Reduce GAD-7 score below 10")
        );
        assert_eq!(wording.goals[1].goal, None);
        let labels: Vec<&str> = wording.sections.iter().map(|s| s.label.as_str()).collect();
        // Key order, as the note stores its sections.
        assert_eq!(labels, ["Assessment", "Objective", "Plan", "Subjective"]);
    }

    #[test]
    fn an_objective_of_the_plan_is_worded_with_its_goal() {
        let plan = ready_plan();
        let Some(PlanItem::Objective {
            goal, objective, ..
        }) = plan.latest_content().and_then(|c| c.find("o-2"))
        else {
            panic!("the fixture plan has objective o-2");
        };
        let mut draft = complete_draft();
        draft.goals_addressed.push(GoalAddressed {
            goal_id: "o-2".into(),
            progress: Some(GoalProgress::Improved),
        });
        let client = client();
        let wording = ReferencedWording::of(&draft, References::client(&client).with_plan(&plan));
        assert_eq!(wording.goals[1].goal.as_deref(), Some(goal.text.as_str()));
        assert_eq!(
            wording.goals[1].objective.as_deref(),
            Some(objective.text.as_str())
        );
        assert_eq!(
            wording.goals[1].display(),
            Some(format!("{} — Objective: {}", goal.text, objective.text))
        );
        // An id the plan does not have is read from the client's record.
        draft.goals_addressed[0].goal_id = "goal-1".into();
        let mut without = client.clone();
        without.goals.clear();
        let wording = ReferencedWording::of(&draft, References::client(&without).with_plan(&plan));
        assert_eq!(wording.goals[0].objective, None);
        assert!(wording.goals[0].goal.is_some(), "goal-1 is in the plan");
    }

    #[test]
    fn shown_lines_fall_back_to_codes_and_ids() {
        let mut draft = complete_draft();
        draft.diagnoses_addressed.push("F33.1".into());
        let wording =
            NoteWording::Current(ReferencedWording::of(&draft, References::client(&client())));
        assert!(!wording.is_signed());
        assert_eq!(
            wording.diagnosis_lines(&draft),
            ["F41.1 Generalized anxiety disorder", "F33.1"]
        );
        let goals = wording.goals(&draft);
        assert_eq!(
            goals[0].text.as_deref(),
            Some("Reduce GAD-7 score below 10")
        );
        assert_eq!(goals[0].progress, Some(GoalProgress::Improved));
        assert_eq!(
            wording.service_line(&draft).as_deref(),
            Some("90834 Psychotherapy, 38–52 min")
        );
        assert_eq!(wording.place_line(&draft).as_deref(), Some("11 Office"));
        assert_eq!(wording.section_label(&draft, "plan"), "Plan");
    }
}
