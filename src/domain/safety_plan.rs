//! The client's safety plan (Stanley–Brown Safety Planning Intervention), with every
//! version kept, and the plain-words view printed for the client.
//!
//! The plan follows Stanley B. and Brown G. K., "Safety Planning Intervention: A
//! Brief Intervention to Mitigate Suicide Risk", *Cognitive and Behavioral Practice*
//! 19 (2012) 256–264: a written, prioritised list the client uses in a crisis, in six
//! steps:
//! 1. recognising warning signs of an impending crisis;
//! 2. internal coping strategies;
//! 3. social contacts and social settings as a distraction;
//! 4. family members or friends who can help resolve the crisis;
//! 5. mental health professionals and agencies, with a crisis line;
//! 6. making the environment safe (restricting access to lethal means).
//!
//! Reasons for living are added, as is common practice. The plan is written with
//! the client, in the client's words, so every entry is free text; the client keeps
//! the printed copy ([`SafetyPlanVersion::print_view`]).
//!
//! Versions: a plan is revised as things change, and what the plan said on a given
//! day may matter later. [`SafetyPlan`] only ever appends: saving makes version n+1
//! and leaves version n as it was. A progress note's risk section, or a PHQ-9 whose
//! item 9 is above 0, refers to a version by [`SafetyPlanLink`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::validation::{into_result, is_blank};
use super::{ClientId, Timestamp, ValidationIssue};

/// A person or service, with a way to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// "Ana (my cousin)", "Dr. Lee", "988 Suicide & Crisis Lifeline".
    pub name: String,
    /// A phone number or how to reach them ("call or text 988"); may be empty for a
    /// person the client knows how to reach.
    pub phone: String,
}

impl Contact {
    pub fn new(name: impl Into<String>, phone: impl Into<String>) -> Contact {
        Contact {
            name: name.into(),
            phone: phone.into(),
        }
    }

    fn is_empty(&self) -> bool {
        is_blank(&self.name) && is_blank(&self.phone)
    }

    fn trimmed(&self) -> Contact {
        Contact::new(self.name.trim(), self.phone.trim())
    }

    /// "Ana (my cousin): 555-0100", or the name alone.
    pub fn line(&self) -> String {
        if is_blank(&self.phone) {
            self.name.trim().to_owned()
        } else {
            format!("{}: {}", self.name.trim(), self.phone.trim())
        }
    }
}

/// What one version of the plan says. Lists are in the client's order of priority.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyPlanContent {
    /// Step 1: thoughts, moods, situations or behaviours that tell a crisis may be
    /// starting.
    pub warning_signs: Vec<String>,
    /// Step 2: things the client can do alone to take their mind off the problem.
    pub coping_strategies: Vec<String>,
    /// Step 3: people and social places that offer distraction (not necessarily
    /// people to tell about the crisis).
    pub distractions: Vec<String>,
    /// Step 4: family members or friends the client can ask for help.
    pub people_to_ask: Vec<Contact>,
    /// Step 5: clinicians and agencies.
    pub professionals: Vec<Contact>,
    /// Step 5: the crisis line, always on the plan.
    pub crisis_line: Contact,
    /// Step 5: the nearest emergency department or urgent care, with its address.
    pub emergency_service: String,
    /// Step 6: how access to lethal means is limited ("Partner keeps the
    /// medications", "Gun stored at brother's house").
    pub making_safe: Vec<String>,
    /// What matters most to the client and is worth living for.
    pub reasons_for_living: Vec<String>,
}

/// The 988 Suicide & Crisis Lifeline (United States), offered as the default crisis
/// line; the clinician can replace it.
pub fn us_988_lifeline() -> Contact {
    Contact::new("988 Suicide & Crisis Lifeline", "Call or text 988")
}

impl SafetyPlanContent {
    pub const WARNING_SIGNS_LABEL: &'static str = "Warning signs";
    pub const COPING_STRATEGIES_LABEL: &'static str = "Coping strategies";
    pub const DISTRACTIONS_LABEL: &'static str = "People and places for distraction";
    pub const PEOPLE_TO_ASK_LABEL: &'static str = "People to ask for help";
    pub const PROFESSIONALS_LABEL: &'static str = "Professionals to contact";
    pub const CRISIS_LINE_LABEL: &'static str = "Crisis line";
    pub const EMERGENCY_SERVICE_LABEL: &'static str = "Nearest emergency service";
    pub const MAKING_SAFE_LABEL: &'static str = "Making the environment safe";
    pub const REASONS_FOR_LIVING_LABEL: &'static str = "Reasons for living";
    /// The button that saves a new version.
    pub const SAVE_LABEL: &'static str = "Save safety plan";

    /// The same content with every entry trimmed and blank entries dropped, which is
    /// how a version is stored.
    pub fn tidied(&self) -> SafetyPlanContent {
        fn texts(items: &[String]) -> Vec<String> {
            items
                .iter()
                .map(|item| item.trim())
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        }
        fn contacts(items: &[Contact]) -> Vec<Contact> {
            items
                .iter()
                .filter(|c| !c.is_empty())
                .map(Contact::trimmed)
                .collect()
        }
        SafetyPlanContent {
            warning_signs: texts(&self.warning_signs),
            coping_strategies: texts(&self.coping_strategies),
            distractions: texts(&self.distractions),
            people_to_ask: contacts(&self.people_to_ask),
            professionals: contacts(&self.professionals),
            crisis_line: self.crisis_line.trimmed(),
            emergency_service: self.emergency_service.trim().to_owned(),
            making_safe: texts(&self.making_safe),
            reasons_for_living: texts(&self.reasons_for_living),
        }
    }

    /// What a version needs before it can be saved.
    ///
    /// Deliberately little, because a plan is often written in a crisis and an
    /// incomplete plan the client can take home is better than none: a warning sign
    /// (step 1), a coping strategy (step 2), a crisis line with a number (step 5) and
    /// what was agreed about lethal means (step 6, even if it is "no access"). Every
    /// contact needs a name. The other steps are asked about by [`gaps`](Self::gaps),
    /// which never blocks saving.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let plan = self.tidied();
        let mut issues = Vec::new();
        if plan.warning_signs.is_empty() {
            issues.push(ValidationIssue::new(
                Self::WARNING_SIGNS_LABEL,
                "Write at least one warning sign, in the client's words: what tells them a crisis may be starting.",
            ));
        }
        if plan.coping_strategies.is_empty() {
            issues.push(ValidationIssue::new(
                Self::COPING_STRATEGIES_LABEL,
                "Write at least one thing the client can do on their own to get through a hard moment.",
            ));
        }
        if is_blank(&plan.crisis_line.phone) {
            issues.push(ValidationIssue::new(
                Self::CRISIS_LINE_LABEL,
                "Give a crisis line with its number, so the plan always has someone to call (in the US, 988).",
            ));
        }
        if plan.making_safe.is_empty() {
            issues.push(ValidationIssue::new(
                Self::MAKING_SAFE_LABEL,
                "Write what was agreed about access to lethal means, even if the client has none.",
            ));
        }
        for (label, contacts) in [
            (Self::PEOPLE_TO_ASK_LABEL, &plan.people_to_ask),
            (Self::PROFESSIONALS_LABEL, &plan.professionals),
        ] {
            if contacts.iter().any(|c| is_blank(&c.name)) {
                issues.push(ValidationIssue::new(
                    label,
                    "A phone number has no name. Add who it belongs to.",
                ));
            }
        }
        if is_blank(&plan.crisis_line.name) && !is_blank(&plan.crisis_line.phone) {
            issues.push(ValidationIssue::new(
                Self::CRISIS_LINE_LABEL,
                "Name the crisis line, so the client knows who answers.",
            ));
        }
        into_result(issues)
    }

    /// Steps left empty that the plan would be stronger with. Shown as reminders;
    /// saving never waits for them.
    pub fn gaps(&self) -> Vec<ValidationIssue> {
        let plan = self.tidied();
        let mut gaps = Vec::new();
        let mut ask = |empty: bool, label: &str, message: &str| {
            if empty {
                gaps.push(ValidationIssue::new(label, message));
            }
        };
        ask(
            plan.distractions.is_empty(),
            Self::DISTRACTIONS_LABEL,
            "No people or places for distraction yet. Ask where the client feels a little better among others.",
        );
        ask(
            plan.people_to_ask.is_empty(),
            Self::PEOPLE_TO_ASK_LABEL,
            "No one to ask for help yet. Explore who the client could tell, and what stands in the way.",
        );
        ask(
            plan.professionals.is_empty(),
            Self::PROFESSIONALS_LABEL,
            "No professional listed. Add yourself and the client's other clinicians, with numbers.",
        );
        ask(
            plan.emergency_service.is_empty(),
            Self::EMERGENCY_SERVICE_LABEL,
            "No emergency service listed. Add the nearest emergency department and its address.",
        );
        ask(
            plan.reasons_for_living.is_empty(),
            Self::REASONS_FOR_LIVING_LABEL,
            "No reasons for living yet. Ask what matters most to the client.",
        );
        gaps
    }
}

/// One saved version: numbered from 1, never changed once saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyPlanVersion {
    pub version: u32,
    pub saved_at: Timestamp,
    /// Who saved it, as a display line ("Jane Doe, LCSW"), so a printed plan can say
    /// who to call back.
    pub saved_by: String,
    pub content: SafetyPlanContent,
}

/// Which version of which client's plan a note refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SafetyPlanLink {
    pub client_id: ClientId,
    pub version: u32,
}

/// Why a version was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveSafetyPlanError {
    /// Required parts are missing (see [`SafetyPlanContent::validate`]).
    Incomplete(Vec<ValidationIssue>),
    /// Nothing differs from the current version, so no new version was made.
    Unchanged,
}

impl fmt::Display for SaveSafetyPlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveSafetyPlanError::Incomplete(issues) => {
                f.write_str("The safety plan is not ready to save.")?;
                for issue in issues {
                    write!(f, " {issue}")?;
                }
                Ok(())
            }
            SaveSafetyPlanError::Unchanged => f.write_str(
                "Nothing has changed since the last version, so no new version was saved.",
            ),
        }
    }
}

impl std::error::Error for SaveSafetyPlanError {}

/// Why stored versions could not be read back as one plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The safety plan versions of this client are out of order or one is missing (expected version {expected}, found {found}). The stored versions were not changed.")]
pub struct SafetyPlanHistoryError {
    pub expected: u32,
    pub found: u32,
}

/// A client's safety plan: every version ever saved, oldest first.
///
/// The versions are private and there is no way to change or remove one; the only
/// way in is [`save_version`](Self::save_version), which appends. Read back from
/// storage through [`from_versions`](Self::from_versions), which checks the numbering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredSafetyPlan", into = "StoredSafetyPlan")]
pub struct SafetyPlan {
    client_id: ClientId,
    versions: Vec<SafetyPlanVersion>,
}

#[derive(Serialize, Deserialize)]
struct StoredSafetyPlan {
    client_id: ClientId,
    versions: Vec<SafetyPlanVersion>,
}

impl TryFrom<StoredSafetyPlan> for SafetyPlan {
    type Error = SafetyPlanHistoryError;
    fn try_from(stored: StoredSafetyPlan) -> Result<Self, Self::Error> {
        SafetyPlan::from_versions(stored.client_id, stored.versions)
    }
}

impl From<SafetyPlan> for StoredSafetyPlan {
    fn from(plan: SafetyPlan) -> Self {
        StoredSafetyPlan {
            client_id: plan.client_id,
            versions: plan.versions,
        }
    }
}

impl SafetyPlan {
    /// A client with no plan yet.
    pub fn new(client_id: ClientId) -> SafetyPlan {
        SafetyPlan {
            client_id,
            versions: Vec::new(),
        }
    }

    /// Rebuilds a plan from versions stored one record each (the vault may keep them
    /// so, to make overwriting impossible at the storage level too). They may come in
    /// any order but must be numbered 1, 2, 3, ... without a gap.
    pub fn from_versions(
        client_id: ClientId,
        mut versions: Vec<SafetyPlanVersion>,
    ) -> Result<SafetyPlan, SafetyPlanHistoryError> {
        versions.sort_by_key(|v| v.version);
        for (index, version) in versions.iter().enumerate() {
            let expected = index as u32 + 1;
            if version.version != expected {
                return Err(SafetyPlanHistoryError {
                    expected,
                    found: version.version,
                });
            }
        }
        Ok(SafetyPlan {
            client_id,
            versions,
        })
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Every version, oldest first.
    pub fn versions(&self) -> &[SafetyPlanVersion] {
        &self.versions
    }

    /// The latest version, if any was saved.
    pub fn current(&self) -> Option<&SafetyPlanVersion> {
        self.versions.last()
    }

    pub fn version(&self, number: u32) -> Option<&SafetyPlanVersion> {
        self.versions.iter().find(|v| v.version == number)
    }

    /// A link to the current version, for a note's risk section.
    pub fn link(&self) -> Option<SafetyPlanLink> {
        self.current().map(|v| SafetyPlanLink {
            client_id: self.client_id.clone(),
            version: v.version,
        })
    }

    /// Saves `content` as a new version (tidied: see
    /// [`SafetyPlanContent::tidied`]) and returns it. The previous version stays as
    /// it was. Refused when required parts are missing, or when nothing changed.
    pub fn save_version(
        &mut self,
        content: &SafetyPlanContent,
        saved_by: &str,
        now: Timestamp,
    ) -> Result<&SafetyPlanVersion, SaveSafetyPlanError> {
        content
            .validate()
            .map_err(SaveSafetyPlanError::Incomplete)?;
        let content = content.tidied();
        if self.current().is_some_and(|v| v.content == content) {
            return Err(SaveSafetyPlanError::Unchanged);
        }
        self.versions.push(SafetyPlanVersion {
            version: self.versions.len() as u32 + 1,
            saved_at: now,
            saved_by: saved_by.trim().to_owned(),
            content,
        });
        Ok(&self.versions[self.versions.len() - 1])
    }
}

/// Whether a note should offer the safety plan: suicidal ideation is present, or the
/// PHQ-9's item 9 (thoughts of being better off dead or of self-harm) was answered
/// above "Not at all" (0), which needs attention the same day whatever the total.
pub fn safety_plan_indicated(suicidal_ideation_present: bool, phq9_item9: Option<u8>) -> bool {
    suicidal_ideation_present || phq9_item9.is_some_and(|answer| answer > 0)
}

/// The printed plan, written for the client in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintView {
    pub title: &'static str,
    /// "Version 3, saved on 2026-03-05 with Jane Doe, LCSW".
    pub subtitle: String,
    pub sections: Vec<PrintSection>,
    /// A closing line for the bottom of the page.
    pub footer: &'static str,
}

/// One step of the printed plan. An empty step is still printed, with room to write
/// by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintSection {
    pub step: Option<u8>,
    pub heading: &'static str,
    /// One plain sentence on when to use this step.
    pub hint: &'static str,
    pub items: Vec<String>,
}

impl SafetyPlanVersion {
    /// The plan as the client takes it home. Headings speak to the client ("Things
    /// that tell me a crisis may be starting"); entries are as written with them.
    pub fn print_view(&self) -> PrintView {
        let c = &self.content;
        let contacts = |list: &[Contact]| list.iter().map(Contact::line).collect::<Vec<_>>();
        let mut professionals = contacts(&c.professionals);
        if !c.crisis_line.is_empty() {
            professionals.push(c.crisis_line.line());
        }
        if !is_blank(&c.emergency_service) {
            professionals.push(format!("Emergency: {}", c.emergency_service.trim()));
        }
        let section = |step: u8, heading, hint, items: Vec<String>| PrintSection {
            step: Some(step),
            heading,
            hint,
            items,
        };
        let saved_by = if is_blank(&self.saved_by) {
            String::new()
        } else {
            format!(" with {}", self.saved_by.trim())
        };
        PrintView {
            title: "My safety plan",
            subtitle: format!(
                "Version {}, made on {}{saved_by}",
                self.version,
                self.saved_at.date()
            ),
            sections: vec![
                section(
                    1,
                    "Things that tell me a crisis may be starting",
                    "When I notice one of these, I start using this plan.",
                    c.warning_signs.clone(),
                ),
                section(
                    2,
                    "Things I can do on my own to take my mind off my problems",
                    "I try these first, by myself.",
                    c.coping_strategies.clone(),
                ),
                section(
                    3,
                    "People and places that help me think about something else",
                    "If I still feel bad, I go where there are people, or call someone for company.",
                    c.distractions.clone(),
                ),
                section(
                    4,
                    "People I can ask for help",
                    "If I still feel unsafe, I tell one of them what is happening and ask for help.",
                    contacts(&c.people_to_ask),
                ),
                section(
                    5,
                    "Professionals and services I can call",
                    "If I still feel unsafe, I call one of these, any time of day or night.",
                    professionals,
                ),
                section(
                    6,
                    "How I make my surroundings safer",
                    "I keep things I could use to hurt myself away from me.",
                    c.making_safe.clone(),
                ),
                PrintSection {
                    step: None,
                    heading: "What matters most to me and is worth living for",
                    hint: "I remember these when things feel hard.",
                    items: c.reasons_for_living.clone(),
                },
            ],
            footer: "If I am in danger right now, I call 911 or go to the nearest emergency department.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> SafetyPlanContent {
        SafetyPlanContent {
            warning_signs: vec![
                "Not sleeping".into(),
                "  ".into(),
                " Staying in my room ".into(),
            ],
            coping_strategies: vec!["Walk the dog".into()],
            distractions: vec!["Coffee shop on Elm Street".into()],
            people_to_ask: vec![Contact::new("Ana (cousin)", "555-0100"), Contact::default()],
            professionals: vec![Contact::new("Dr. Lee", "555-0111")],
            crisis_line: us_988_lifeline(),
            emergency_service: "St Mary's ED, 12 Main St".into(),
            making_safe: vec!["Partner keeps the medications".into()],
            reasons_for_living: vec!["My daughter".into()],
        }
    }

    fn t(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    #[test]
    fn a_complete_plan_is_valid_and_stored_tidied() {
        let plan = content();
        assert_eq!(plan.validate(), Ok(()));
        assert!(plan.gaps().is_empty());
        let tidy = plan.tidied();
        assert_eq!(tidy.warning_signs, ["Not sleeping", "Staying in my room"]);
        assert_eq!(tidy.people_to_ask.len(), 1);
    }

    #[test]
    fn the_minimum_to_save_is_signs_coping_crisis_line_and_means() {
        let empty = SafetyPlanContent::default();
        let issues = empty.validate().unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "Warning signs",
                "Coping strategies",
                "Crisis line",
                "Making the environment safe"
            ]
        );
        let minimal = SafetyPlanContent {
            warning_signs: vec!["Drinking alone".into()],
            coping_strategies: vec!["Cold shower".into()],
            crisis_line: us_988_lifeline(),
            making_safe: vec!["No firearms at home".into()],
            ..SafetyPlanContent::default()
        };
        assert_eq!(minimal.validate(), Ok(()));
        let gaps: Vec<String> = minimal.gaps().into_iter().map(|g| g.field).collect();
        assert_eq!(
            gaps,
            [
                "People and places for distraction",
                "People to ask for help",
                "Professionals to contact",
                "Nearest emergency service",
                "Reasons for living"
            ]
        );
    }

    #[test]
    fn contacts_need_names() {
        let mut plan = content();
        plan.people_to_ask.push(Contact::new(" ", "555-0199"));
        plan.crisis_line = Contact::new("", "988");
        let fields: Vec<String> = plan
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(fields, ["People to ask for help", "Crisis line"]);
    }

    #[test]
    fn saving_appends_a_version_and_never_overwrites() {
        let client = ClientId("c1".into());
        let mut plan = SafetyPlan::new(client.clone());
        assert!(plan.current().is_none() && plan.link().is_none());

        let first = content();
        let saved = plan
            .save_version(&first, "Jane Doe, LCSW", t(1_000))
            .unwrap();
        assert_eq!(saved.version, 1);
        assert_eq!(saved.content, first.tidied());

        assert_eq!(
            plan.save_version(&first, "Jane Doe, LCSW", t(2_000)),
            Err(SaveSafetyPlanError::Unchanged)
        );

        let mut second = first.clone();
        second.coping_strategies.push("Breathing app".into());
        plan.save_version(&second, "Jane Doe, LCSW", t(3_000))
            .unwrap();
        assert_eq!(plan.versions().len(), 2);
        assert_eq!(plan.version(1).unwrap().content, first.tidied());
        assert_eq!(plan.current().unwrap().version, 2);
        assert_eq!(
            plan.link(),
            Some(SafetyPlanLink {
                client_id: client,
                version: 2
            })
        );

        let err = plan
            .save_version(&SafetyPlanContent::default(), "", t(4_000))
            .unwrap_err();
        assert!(matches!(err, SaveSafetyPlanError::Incomplete(ref i) if i.len() == 4));
        assert!(err
            .to_string()
            .starts_with("The safety plan is not ready to save."));
        assert_eq!(plan.versions().len(), 2);
    }

    #[test]
    fn stored_versions_must_be_numbered_without_gaps() {
        let client = ClientId("c1".into());
        let mut plan = SafetyPlan::new(client.clone());
        plan.save_version(&content(), "", t(1)).unwrap();
        let mut changed = content();
        changed.reasons_for_living.push("Music".into());
        plan.save_version(&changed, "", t(2)).unwrap();

        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(serde_json::from_str::<SafetyPlan>(&json).unwrap(), plan);

        let mut reversed: Vec<SafetyPlanVersion> = plan.versions().to_vec();
        reversed.reverse();
        assert_eq!(
            SafetyPlan::from_versions(client.clone(), reversed).unwrap(),
            plan
        );

        let only_second = vec![plan.versions()[1].clone()];
        assert_eq!(
            SafetyPlan::from_versions(client.clone(), only_second),
            Err(SafetyPlanHistoryError {
                expected: 1,
                found: 2
            })
        );
        let tampered = json.replace("\"version\":2", "\"version\":3");
        assert!(serde_json::from_str::<SafetyPlan>(&tampered).is_err());
    }

    #[test]
    fn the_print_view_speaks_to_the_client() {
        let mut plan = SafetyPlan::new(ClientId("c1".into()));
        // 2026-03-05T14:30Z
        let version = plan
            .save_version(&content(), "Jane Doe, LCSW", t(1_772_721_000_000))
            .unwrap();
        let view = version.print_view();
        assert_eq!(view.title, "My safety plan");
        assert_eq!(
            view.subtitle,
            "Version 1, made on 2026-03-05 with Jane Doe, LCSW"
        );
        let headings: Vec<&str> = view.sections.iter().map(|s| s.heading).collect();
        assert_eq!(headings[0], "Things that tell me a crisis may be starting");
        assert_eq!(view.sections.len(), 7);
        assert_eq!(
            view.sections.iter().map(|s| s.step).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), None]
        );
        assert_eq!(
            view.sections[0].items,
            ["Not sleeping", "Staying in my room"]
        );
        assert_eq!(view.sections[3].items, ["Ana (cousin): 555-0100"]);
        assert_eq!(
            view.sections[4].items,
            [
                "Dr. Lee: 555-0111",
                "988 Suicide & Crisis Lifeline: Call or text 988",
                "Emergency: St Mary's ED, 12 Main St"
            ]
        );
        // Plain words: no clinical jargon in what the client reads.
        for section in &view.sections {
            for jargon in [
                "lethal",
                "ideation",
                "suicidal",
                "intervention",
                "means restriction",
            ] {
                assert!(
                    !section.heading.to_lowercase().contains(jargon),
                    "{}",
                    section.heading
                );
                assert!(
                    !section.hint.to_lowercase().contains(jargon),
                    "{}",
                    section.hint
                );
            }
        }
    }

    #[test]
    fn phq9_item_9_or_present_ideation_calls_for_the_plan() {
        assert!(!safety_plan_indicated(false, None));
        assert!(!safety_plan_indicated(false, Some(0)));
        assert!(safety_plan_indicated(false, Some(1)));
        assert!(safety_plan_indicated(true, None));
    }
}
