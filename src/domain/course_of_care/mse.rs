//! The mental status exam: eleven domains, each a short list of standard terms plus
//! free text.
//!
//! The terms are the common vocabulary of MSE write-ups (appearance, behavior,
//! speech, mood, affect, thought process, thought content, perception, cognition,
//! insight, judgment); anything they do not cover goes in the domain's note. A term
//! that means "nothing abnormal" (for example "No perceptual disturbance") cannot be
//! chosen together with an abnormal finding of the same domain.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::canonical::CanonicalText;
use crate::domain::validation::is_blank;
use crate::domain::ValidationIssue;

/// A term of one MSE domain.
///
/// Chosen terms are kept in a `BTreeSet`, so they are stored and written to the
/// canonical text in declaration order: never reorder the variants of a published
/// list (add new ones at the end), or signed texts would no longer match.
pub trait Choice: Copy + Ord + 'static {
    /// Every term, in the order the form shows them.
    const ALL: &'static [Self];
    /// The term that means "within normal limits" for this domain, if there is one.
    const NORMAL: Option<Self>;
    /// Stable lowercase key, as serialized.
    fn key(&self) -> &'static str;
    /// The words shown and printed.
    fn label(&self) -> &'static str;
}

macro_rules! choices {
    (
        $(#[$meta:meta])*
        $name:ident, normal: $normal:expr, {
            $($variant:ident => $key:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl Choice for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const NORMAL: Option<Self> = $normal;
            fn key(&self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }
            fn label(&self) -> &'static str {
                match self {
                    $(Self::$variant => $label),+
                }
            }
        }
    };
}

choices! {
    Appearance, normal: None, {
        WellGroomed => "well_groomed", "Well groomed";
        AppropriatelyDressed => "appropriately_dressed", "Appropriately dressed";
        Disheveled => "disheveled", "Disheveled";
        PoorHygiene => "poor_hygiene", "Poor hygiene";
        InappropriatelyDressed => "inappropriately_dressed", "Inappropriately dressed";
        AppearsStatedAge => "appears_stated_age", "Appears stated age";
        AppearsOlder => "appears_older", "Appears older than stated age";
        VisibleInjuriesOrScars => "visible_injuries_or_scars", "Visible injuries or scars";
    }
}

choices! {
    Behavior, normal: None, {
        Cooperative => "cooperative", "Cooperative";
        Engaged => "engaged", "Engaged";
        GoodEyeContact => "good_eye_contact", "Good eye contact";
        PoorEyeContact => "poor_eye_contact", "Poor eye contact";
        Guarded => "guarded", "Guarded";
        Withdrawn => "withdrawn", "Withdrawn";
        Restless => "restless", "Restless or agitated";
        PsychomotorSlowing => "psychomotor_slowing", "Psychomotor slowing";
        Hostile => "hostile", "Hostile";
        Tearful => "tearful", "Tearful";
    }
}

choices! {
    Speech, normal: Some(Speech::Normal), {
        Normal => "normal", "Normal rate, volume and rhythm";
        Rapid => "rapid", "Rapid";
        Pressured => "pressured", "Pressured";
        Slow => "slow", "Slow";
        Loud => "loud", "Loud";
        Soft => "soft", "Soft";
        Monotone => "monotone", "Monotone";
        Slurred => "slurred", "Slurred";
        Impoverished => "impoverished", "Poverty of speech";
    }
}

choices! {
    /// Mood as the client describes it; quote their words in the note.
    Mood, normal: Some(Mood::Euthymic), {
        Euthymic => "euthymic", "Euthymic";
        Depressed => "depressed", "Depressed";
        Anxious => "anxious", "Anxious";
        Irritable => "irritable", "Irritable";
        Angry => "angry", "Angry";
        Euphoric => "euphoric", "Euphoric";
        Hopeless => "hopeless", "Hopeless";
    }
}

choices! {
    Affect, normal: None, {
        FullRange => "full_range", "Full range";
        Congruent => "congruent", "Congruent with mood";
        Incongruent => "incongruent", "Incongruent with mood";
        Constricted => "constricted", "Constricted";
        Blunted => "blunted", "Blunted";
        Flat => "flat", "Flat";
        Labile => "labile", "Labile";
        Expansive => "expansive", "Expansive";
    }
}

choices! {
    ThoughtProcess, normal: Some(ThoughtProcess::LinearGoalDirected), {
        LinearGoalDirected => "linear_goal_directed", "Linear and goal-directed";
        Circumstantial => "circumstantial", "Circumstantial";
        Tangential => "tangential", "Tangential";
        LooseAssociations => "loose_associations", "Loose associations";
        FlightOfIdeas => "flight_of_ideas", "Flight of ideas";
        Blocking => "blocking", "Thought blocking";
        Perseverative => "perseverative", "Perseverative";
        Disorganized => "disorganized", "Disorganized";
    }
}

choices! {
    ThoughtContent, normal: Some(ThoughtContent::Unremarkable), {
        Unremarkable => "unremarkable", "No abnormal content";
        Preoccupations => "preoccupations", "Preoccupations";
        Obsessions => "obsessions", "Obsessions";
        Phobias => "phobias", "Phobias";
        Delusions => "delusions", "Delusions";
        Paranoia => "paranoia", "Paranoid ideation";
        IdeasOfReference => "ideas_of_reference", "Ideas of reference";
        SuicidalIdeation => "suicidal_ideation", "Suicidal ideation";
        HomicidalIdeation => "homicidal_ideation", "Homicidal ideation";
    }
}

choices! {
    Perception, normal: Some(Perception::NoDisturbance), {
        NoDisturbance => "no_disturbance", "No perceptual disturbance";
        AuditoryHallucinations => "auditory_hallucinations", "Auditory hallucinations";
        VisualHallucinations => "visual_hallucinations", "Visual hallucinations";
        OtherHallucinations => "other_hallucinations", "Other hallucinations (tactile, olfactory, gustatory)";
        Illusions => "illusions", "Illusions";
        Depersonalization => "depersonalization", "Depersonalization";
        Derealization => "derealization", "Derealization";
    }
}

choices! {
    Cognition, normal: None, {
        Alert => "alert", "Alert";
        OrientedX4 => "oriented_x4", "Oriented to person, place, time and situation";
        PartlyOriented => "partly_oriented", "Partly oriented";
        MemoryIntact => "memory_intact", "Memory intact";
        MemoryImpaired => "memory_impaired", "Memory impaired";
        AttentionIntact => "attention_intact", "Attention and concentration intact";
        AttentionImpaired => "attention_impaired", "Attention or concentration impaired";
        Drowsy => "drowsy", "Drowsy or clouded";
    }
}

choices! {
    /// Insight and judgment are rated on one ordinal scale.
    Level, normal: None, {
        Good => "good", "Good";
        Fair => "fair", "Fair";
        Limited => "limited", "Limited";
        Poor => "poor", "Poor";
    }
}

/// Pairs that cannot both be true of one client at one time.
const CONTRADICTIONS: &[(&str, &str, &str)] = &[
    ("Appearance", "well_groomed", "disheveled"),
    ("Behavior", "good_eye_contact", "poor_eye_contact"),
    ("Affect", "congruent", "incongruent"),
    ("Affect", "full_range", "constricted"),
    ("Affect", "full_range", "blunted"),
    ("Affect", "full_range", "flat"),
    ("Cognition", "oriented_x4", "partly_oriented"),
    ("Cognition", "memory_intact", "memory_impaired"),
    ("Cognition", "attention_intact", "attention_impaired"),
    ("Cognition", "alert", "drowsy"),
];

/// One multi-choice domain: the terms chosen and a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "C: Serialize", deserialize = "C: Deserialize<'de>"))]
pub struct Observation<C: Choice> {
    pub selected: BTreeSet<C>,
    pub note: String,
}

impl<C: Choice> Default for Observation<C> {
    fn default() -> Self {
        Observation {
            selected: BTreeSet::new(),
            note: String::new(),
        }
    }
}

impl<C: Choice> Observation<C> {
    pub fn of(selected: &[C], note: &str) -> Observation<C> {
        Observation {
            selected: selected.iter().copied().collect(),
            note: note.to_owned(),
        }
    }

    fn check(&self, label: &str, issues: &mut Vec<ValidationIssue>) {
        if self.selected.is_empty() && is_blank(&self.note) {
            issues.push(ValidationIssue::new(
                label,
                format!(
                    "Describe {}: choose a term or write a note.",
                    label.to_lowercase()
                ),
            ));
        }
        if let Some(normal) = C::NORMAL {
            if self.selected.contains(&normal) && self.selected.len() > 1 {
                issues.push(ValidationIssue::new(
                    label,
                    format!(
                        "\"{}\" is chosen together with a finding. Keep one or the other.",
                        normal.label()
                    ),
                ));
            }
        }
        let keys: Vec<&str> = self.selected.iter().map(Choice::key).collect();
        for (domain, a, b) in CONTRADICTIONS {
            if *domain == label && keys.contains(a) && keys.contains(b) {
                let name = |key: &str| {
                    C::ALL
                        .iter()
                        .find(|c| c.key() == key)
                        .map_or("", |c| c.label())
                };
                issues.push(ValidationIssue::new(
                    label,
                    format!(
                        "\"{}\" and \"{}\" contradict each other. Keep one.",
                        name(a),
                        name(b)
                    ),
                ));
            }
        }
    }

    fn write_canonical(&self, name: &str, c: &mut CanonicalText) {
        c.count(name, self.selected.len());
        for choice in &self.selected {
            c.text("choice", choice.key());
        }
        c.text("note", &self.note);
    }
}

/// Insight or judgment: one rating and a note.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rating {
    pub level: Option<Level>,
    pub note: String,
}

impl Rating {
    pub fn of(level: Level, note: &str) -> Rating {
        Rating {
            level: Some(level),
            note: note.to_owned(),
        }
    }
}

/// The mental status exam of an intake assessment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MentalStatusExam {
    pub appearance: Observation<Appearance>,
    pub behavior: Observation<Behavior>,
    pub speech: Observation<Speech>,
    pub mood: Observation<Mood>,
    pub affect: Observation<Affect>,
    pub thought_process: Observation<ThoughtProcess>,
    pub thought_content: Observation<ThoughtContent>,
    pub perception: Observation<Perception>,
    pub cognition: Observation<Cognition>,
    pub insight: Rating,
    pub judgment: Rating,
}

/// One term of a multi-choice domain, as a form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub key: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// A multi-choice domain seen without its term type, so one form component
/// serves all nine.
pub trait ObservationEdit {
    fn terms(&self) -> Vec<Term>;
    /// Chooses (`on`) or drops the term with `key`; an unknown key changes
    /// nothing.
    fn set_term(&mut self, key: &str, on: bool);
    fn note(&self) -> &str;
    fn set_note(&mut self, note: String);
}

impl<C: Choice> ObservationEdit for Observation<C> {
    fn terms(&self) -> Vec<Term> {
        C::ALL
            .iter()
            .map(|c| Term {
                key: c.key(),
                label: c.label(),
                selected: self.selected.contains(c),
            })
            .collect()
    }

    fn set_term(&mut self, key: &str, on: bool) {
        if let Some(choice) = C::ALL.iter().find(|c| c.key() == key) {
            if on {
                self.selected.insert(*choice);
            } else {
                self.selected.remove(choice);
            }
        }
    }

    fn note(&self) -> &str {
        &self.note
    }

    fn set_note(&mut self, note: String) {
        self.note = note;
    }
}

impl MentalStatusExam {
    /// The nine multi-choice domains, in the order of the exam.
    pub const OBSERVATIONS: [&'static str; 9] = [
        Self::APPEARANCE_LABEL,
        Self::BEHAVIOR_LABEL,
        Self::SPEECH_LABEL,
        Self::MOOD_LABEL,
        Self::AFFECT_LABEL,
        Self::THOUGHT_PROCESS_LABEL,
        Self::THOUGHT_CONTENT_LABEL,
        Self::PERCEPTION_LABEL,
        Self::COGNITION_LABEL,
    ];

    /// The multi-choice domain with this label.
    pub fn observation(&self, label: &str) -> Option<&dyn ObservationEdit> {
        Some(match label {
            Self::APPEARANCE_LABEL => &self.appearance,
            Self::BEHAVIOR_LABEL => &self.behavior,
            Self::SPEECH_LABEL => &self.speech,
            Self::MOOD_LABEL => &self.mood,
            Self::AFFECT_LABEL => &self.affect,
            Self::THOUGHT_PROCESS_LABEL => &self.thought_process,
            Self::THOUGHT_CONTENT_LABEL => &self.thought_content,
            Self::PERCEPTION_LABEL => &self.perception,
            Self::COGNITION_LABEL => &self.cognition,
            _ => return None,
        })
    }

    /// The multi-choice domain with this label, to edit.
    pub fn observation_mut(&mut self, label: &str) -> Option<&mut dyn ObservationEdit> {
        Some(match label {
            Self::APPEARANCE_LABEL => &mut self.appearance,
            Self::BEHAVIOR_LABEL => &mut self.behavior,
            Self::SPEECH_LABEL => &mut self.speech,
            Self::MOOD_LABEL => &mut self.mood,
            Self::AFFECT_LABEL => &mut self.affect,
            Self::THOUGHT_PROCESS_LABEL => &mut self.thought_process,
            Self::THOUGHT_CONTENT_LABEL => &mut self.thought_content,
            Self::PERCEPTION_LABEL => &mut self.perception,
            Self::COGNITION_LABEL => &mut self.cognition,
            _ => return None,
        })
    }

    pub const APPEARANCE_LABEL: &'static str = "Appearance";
    pub const BEHAVIOR_LABEL: &'static str = "Behavior";
    pub const SPEECH_LABEL: &'static str = "Speech";
    pub const MOOD_LABEL: &'static str = "Mood";
    pub const AFFECT_LABEL: &'static str = "Affect";
    pub const THOUGHT_PROCESS_LABEL: &'static str = "Thought process";
    pub const THOUGHT_CONTENT_LABEL: &'static str = "Thought content";
    pub const PERCEPTION_LABEL: &'static str = "Perception";
    pub const COGNITION_LABEL: &'static str = "Cognition";
    pub const INSIGHT_LABEL: &'static str = "Insight";
    pub const JUDGMENT_LABEL: &'static str = "Judgment";

    /// Every domain described (a term or a note), no "within normal limits" term
    /// beside a finding of the same domain, no contradictory pair, and insight and
    /// judgment rated.
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut issues = Vec::new();
        self.appearance.check(Self::APPEARANCE_LABEL, &mut issues);
        self.behavior.check(Self::BEHAVIOR_LABEL, &mut issues);
        self.speech.check(Self::SPEECH_LABEL, &mut issues);
        self.mood.check(Self::MOOD_LABEL, &mut issues);
        self.affect.check(Self::AFFECT_LABEL, &mut issues);
        self.thought_process
            .check(Self::THOUGHT_PROCESS_LABEL, &mut issues);
        self.thought_content
            .check(Self::THOUGHT_CONTENT_LABEL, &mut issues);
        self.perception.check(Self::PERCEPTION_LABEL, &mut issues);
        self.cognition.check(Self::COGNITION_LABEL, &mut issues);
        for (label, rating) in [
            (Self::INSIGHT_LABEL, &self.insight),
            (Self::JUDGMENT_LABEL, &self.judgment),
        ] {
            if rating.level.is_none() {
                issues.push(ValidationIssue::new(
                    label,
                    format!(
                        "Rate {}: good, fair, limited or poor.",
                        label.to_lowercase()
                    ),
                ));
            }
        }
        issues
    }

    /// Whether the exam records suicidal or homicidal thought content, which the
    /// risk block must then address.
    pub fn notes_ideation(&self) -> bool {
        self.thought_content.selected.iter().any(|c| {
            matches!(
                c,
                ThoughtContent::SuicidalIdeation | ThoughtContent::HomicidalIdeation
            )
        })
    }

    /// This block's lines of the canonical text, in a fixed order.
    pub fn write_canonical(&self, c: &mut CanonicalText) {
        self.appearance.write_canonical("mse.appearance", c);
        self.behavior.write_canonical("mse.behavior", c);
        self.speech.write_canonical("mse.speech", c);
        self.mood.write_canonical("mse.mood", c);
        self.affect.write_canonical("mse.affect", c);
        self.thought_process
            .write_canonical("mse.thought_process", c);
        self.thought_content
            .write_canonical("mse.thought_content", c);
        self.perception.write_canonical("mse.perception", c);
        self.cognition.write_canonical("mse.cognition", c);
        for (name, rating) in [
            ("mse.insight", &self.insight),
            ("mse.judgment", &self.judgment),
        ] {
            c.optional(name, rating.level.map(|l| l.key()))
                .text("note", &rating.note);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn unremarkable() -> MentalStatusExam {
        MentalStatusExam {
            appearance: Observation::of(&[Appearance::AppropriatelyDressed], ""),
            behavior: Observation::of(&[Behavior::Cooperative, Behavior::GoodEyeContact], ""),
            speech: Observation::of(&[Speech::Normal], ""),
            mood: Observation::of(&[Mood::Anxious], "\"on edge\""),
            affect: Observation::of(&[Affect::Congruent, Affect::Constricted], ""),
            thought_process: Observation::of(&[ThoughtProcess::LinearGoalDirected], ""),
            thought_content: Observation::of(&[ThoughtContent::Unremarkable], ""),
            perception: Observation::of(&[Perception::NoDisturbance], ""),
            cognition: Observation::of(&[Cognition::Alert, Cognition::OrientedX4], ""),
            insight: Rating::of(Level::Fair, ""),
            judgment: Rating::of(Level::Good, ""),
        }
    }

    fn keys_match_serde<C: Choice + Serialize>() {
        let mut keys = BTreeSet::new();
        for choice in C::ALL {
            let json = serde_json::to_string(choice).unwrap();
            assert_eq!(json, format!("\"{}\"", choice.key()));
            assert!(keys.insert(choice.key()), "{} twice", choice.key());
            assert!(!choice.label().is_empty());
        }
        assert!(C::NORMAL.is_none_or(|n| C::ALL.contains(&n)));
    }

    #[test]
    fn every_term_serializes_as_its_key() {
        keys_match_serde::<Appearance>();
        keys_match_serde::<Behavior>();
        keys_match_serde::<Speech>();
        keys_match_serde::<Mood>();
        keys_match_serde::<Affect>();
        keys_match_serde::<ThoughtProcess>();
        keys_match_serde::<ThoughtContent>();
        keys_match_serde::<Perception>();
        keys_match_serde::<Cognition>();
        keys_match_serde::<Level>();
        // The contradiction table names real keys.
        fn has(keys: &[&str], key: &str) -> bool {
            keys.contains(&key)
        }
        for (domain, a, b) in CONTRADICTIONS {
            let keys: Vec<&str> = match *domain {
                "Appearance" => Appearance::ALL.iter().map(Choice::key).collect(),
                "Behavior" => Behavior::ALL.iter().map(Choice::key).collect(),
                "Affect" => Affect::ALL.iter().map(Choice::key).collect(),
                "Cognition" => Cognition::ALL.iter().map(Choice::key).collect(),
                other => panic!("{other}"),
            };
            assert!(has(&keys, a) && has(&keys, b), "{domain} {a} {b}");
        }
    }

    #[test]
    fn a_complete_exam_is_valid() {
        assert_eq!(unremarkable().validate(), vec![]);
        assert!(!unremarkable().notes_ideation());
    }

    #[test]
    fn every_domain_needs_a_term_or_a_note_and_ratings_are_required() {
        let issues = MentalStatusExam::default().validate();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "Appearance",
                "Behavior",
                "Speech",
                "Mood",
                "Affect",
                "Thought process",
                "Thought content",
                "Perception",
                "Cognition",
                "Insight",
                "Judgment"
            ]
        );
        let mut exam = unremarkable();
        exam.speech = Observation::of(&[], "Accented, easily understood");
        assert_eq!(exam.validate(), vec![]);
    }

    #[test]
    fn normal_beside_a_finding_and_contradictions_are_refused() {
        let mut exam = unremarkable();
        exam.perception = Observation::of(
            &[
                Perception::NoDisturbance,
                Perception::AuditoryHallucinations,
            ],
            "",
        );
        exam.cognition = Observation::of(&[Cognition::MemoryIntact, Cognition::MemoryImpaired], "");
        exam.thought_content = Observation::of(&[ThoughtContent::SuicidalIdeation], "passive");
        let issues = exam.validate();
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert_eq!(issues[0].field, "Perception");
        assert!(issues[0].message.contains("No perceptual disturbance"));
        assert_eq!(issues[1].field, "Cognition");
        assert!(exam.notes_ideation());
    }

    #[test]
    fn stored_form_is_readable_and_refuses_unknown_terms() {
        let exam = unremarkable();
        let json = serde_json::to_string(&exam).unwrap();
        assert!(
            json.contains(r#""speech":{"selected":["normal"],"note":""}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<MentalStatusExam>(&json).unwrap(),
            exam
        );
        let bad = json.replace("\"normal\"", "\"whispering\"");
        assert!(serde_json::from_str::<MentalStatusExam>(&bad).is_err());
        // Duplicates in storage collapse into the set.
        let twice = json.replace(r#"["normal"]"#, r#"["normal","normal"]"#);
        let read: MentalStatusExam = serde_json::from_str(&twice).unwrap();
        assert_eq!(read.speech.selected.len(), 1);
    }
}
