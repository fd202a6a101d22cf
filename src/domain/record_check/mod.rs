//! The record check: gentle advice on which of the two notes a sentence belongs in.
//!
//! 45 CFR 164.501 defines psychotherapy notes as notes "documenting or analyzing the
//! contents of conversation during a private counseling session or a group, joint,
//! or family counseling session and that are separated from the rest of the
//! individual's medical record", and says they exclude "medication prescription and
//! monitoring, counseling session start and stop times, the modalities and
//! frequencies of treatment furnished, results of clinical tests, and any summary of
//! the following items: diagnosis, functional status, the treatment plan, symptoms,
//! prognosis, and progress to date." (Text as published in the HHS Privacy Rule,
//! 45 CFR 164.501, definition of "psychotherapy notes".)
//!
//! So the check works both ways:
//! - in a **psychotherapy note** it flags sentences with those items, which belong
//!   in that day's progress note;
//! - in a **progress note** it flags process content (dreams, fantasies,
//!   transference and countertransference, the clinician's speculation), which
//!   belongs in a psychotherapy note: in the record the client may read it
//!   (164.524) and payers may receive it, while a psychotherapy note is excluded
//!   from the right of access (164.524(a)(1)(i)) and needs its own authorization to
//!   be disclosed (164.508(a)(2)).
//!
//! It is advice only. It never blocks saving or signing; each finding says why and
//! cites the rule; the clinician can dismiss it for that sentence ([`Dismissals`]) or
//! turn the check off. It runs on text already on screen and sends nothing anywhere:
//! it is plain Rust over a string, with the rules as word lists in `rules.rs`.
//!
//! The rules prefer missing a sentence to nagging about ordinary process language:
//! "I felt tired listening" in a psychotherapy note is the clinician's own reaction,
//! not a symptom; "I wonder whether EMDR would help" is a treatment direction being
//! considered, not the modality furnished. The corpus in `corpus.tsv` pins what is
//! and is not flagged.

mod rules;
mod sentences;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use sentences::{append_sentence, sentences, take_sentence, Span};

use super::template::Section;

/// Which kind of note a text is in; the check looks for different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    ProgressNote,
    PsychotherapyNote,
}

/// Why a sentence was flagged. The first ten are what 164.501 excludes from a
/// psychotherapy note; the last five are process content a progress note should not
/// carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Medication,
    SessionTimes,
    ModalityFrequency,
    TestResults,
    Diagnosis,
    FunctionalStatus,
    TreatmentPlan,
    Symptoms,
    Prognosis,
    Progress,
    Dream,
    Fantasy,
    Transference,
    Countertransference,
    Speculation,
}

const EXCLUDED_BY_164_501: &str =
    "45 CFR 164.501, definition of \"psychotherapy notes\": what they exclude";
const PROCESS_CONTENT: &str =
    "45 CFR 164.501, definition of \"psychotherapy notes\"; 164.524(a)(1)(i) and 164.508(a)(2)";

impl Category {
    pub const ALL: [Category; 15] = [
        Category::Medication,
        Category::SessionTimes,
        Category::ModalityFrequency,
        Category::TestResults,
        Category::Diagnosis,
        Category::FunctionalStatus,
        Category::TreatmentPlan,
        Category::Symptoms,
        Category::Prognosis,
        Category::Progress,
        Category::Dream,
        Category::Fantasy,
        Category::Transference,
        Category::Countertransference,
        Category::Speculation,
    ];

    /// The note this category is looked for in.
    pub fn checked_in(&self) -> NoteKind {
        match self {
            Category::Dream
            | Category::Fantasy
            | Category::Transference
            | Category::Countertransference
            | Category::Speculation => NoteKind::ProgressNote,
            _ => NoteKind::PsychotherapyNote,
        }
    }

    /// The note a flagged sentence belongs in: always the other one.
    pub fn belongs_in(&self) -> NoteKind {
        match self.checked_in() {
            NoteKind::ProgressNote => NoteKind::PsychotherapyNote,
            NoteKind::PsychotherapyNote => NoteKind::ProgressNote,
        }
    }

    /// Stable lowercase key, as serialized; part of every [`FindingKey`].
    pub fn key(&self) -> &'static str {
        match self {
            Category::Medication => "medication",
            Category::SessionTimes => "session_times",
            Category::ModalityFrequency => "modality_frequency",
            Category::TestResults => "test_results",
            Category::Diagnosis => "diagnosis",
            Category::FunctionalStatus => "functional_status",
            Category::TreatmentPlan => "treatment_plan",
            Category::Symptoms => "symptoms",
            Category::Prognosis => "prognosis",
            Category::Progress => "progress",
            Category::Dream => "dream",
            Category::Fantasy => "fantasy",
            Category::Transference => "transference",
            Category::Countertransference => "countertransference",
            Category::Speculation => "speculation",
        }
    }

    /// A short name for the finding's heading.
    pub fn label(&self) -> &'static str {
        match self {
            Category::Medication => "Medication",
            Category::SessionTimes => "Session times",
            Category::ModalityFrequency => "Type and frequency of treatment",
            Category::TestResults => "Test results",
            Category::Diagnosis => "Diagnosis",
            Category::FunctionalStatus => "Functional status",
            Category::TreatmentPlan => "Treatment plan",
            Category::Symptoms => "Symptoms",
            Category::Prognosis => "Prognosis",
            Category::Progress => "Progress to date",
            Category::Dream => "Dream",
            Category::Fantasy => "Fantasy",
            Category::Transference => "Transference",
            Category::Countertransference => "Your own reaction",
            Category::Speculation => "Speculation",
        }
    }

    /// Why the sentence may belong in the other note, in plain words.
    pub fn why(&self) -> &'static str {
        match self {
            Category::Medication => "Medication prescription and monitoring belong in the progress note. The rule that defines psychotherapy notes excludes them.",
            Category::SessionTimes => "Session start and stop times belong in the progress note, where they support the service code. The rule that defines psychotherapy notes excludes them.",
            Category::ModalityFrequency => "The type and frequency of treatment given belong in the progress note. The rule that defines psychotherapy notes excludes them. Treatments you are only considering can stay here.",
            Category::TestResults => "Results of clinical tests, such as questionnaire scores, belong in the progress note. The rule that defines psychotherapy notes excludes them.",
            Category::Diagnosis => "A summary of the diagnosis belongs in the progress note. The rule that defines psychotherapy notes excludes it. Hypotheses you are only weighing can stay here.",
            Category::FunctionalStatus => "A summary of functional status (work, school, self-care) belongs in the progress note. The rule that defines psychotherapy notes excludes it.",
            Category::TreatmentPlan => "The treatment plan belongs in the progress note. The rule that defines psychotherapy notes excludes it. Directions you are only considering can stay here.",
            Category::Symptoms => "A summary of symptoms belongs in the progress note. The rule that defines psychotherapy notes excludes it.",
            Category::Prognosis => "The prognosis belongs in the progress note. The rule that defines psychotherapy notes excludes it.",
            Category::Progress => "Progress to date belongs in the progress note. The rule that defines psychotherapy notes excludes it.",
            Category::Dream => "Dreams and their meaning are process content. In a psychotherapy note they stay private; in the progress note the client can read them and payers may receive them.",
            Category::Fantasy => "Fantasies are process content. In a psychotherapy note they stay private; in the progress note the client can read them and payers may receive them. A fantasy of harming someone is risk information and stays in the record.",
            Category::Transference => "Transference is your analysis of the relationship, which the rule places in psychotherapy notes. In the progress note the client can read it and payers may receive it.",
            Category::Countertransference => "Your own reactions belong in a psychotherapy note, your private workspace. In the progress note the client can read them and payers may receive them.",
            Category::Speculation => "Speculation about what the conversation meant may be kept in a psychotherapy note, which the rule allows for your analysis; in the progress note the client can read it. Your clinical assessment still belongs in the record.",
        }
    }

    /// The section, among a progress note's `sections`, that a sentence
    /// moved out of a psychotherapy note for this reason goes to: where a
    /// clinician would have written it (a dose in what the client reports, a
    /// score in what was observed, a prognosis in the assessment), else the
    /// note's first section (a custom template's own sections included). Only
    /// meaningful for categories checked in a psychotherapy note; `None` for
    /// an intake or discharge, which has no free-text sections.
    pub fn progress_note_section<'a>(&self, sections: &'a [Section]) -> Option<&'a Section> {
        let preferred: &[&str] = match self {
            Category::Medication | Category::Symptoms | Category::FunctionalStatus => {
                &["subjective", "data", "behavior", "response"]
            }
            Category::SessionTimes | Category::TestResults => {
                &["objective", "data", "behavior", "response"]
            }
            Category::ModalityFrequency => &["intervention", "plan"],
            Category::Diagnosis | Category::Prognosis | Category::Progress => {
                &["assessment", "response"]
            }
            Category::TreatmentPlan => &["plan"],
            _ => &[],
        };
        preferred
            .iter()
            .find_map(|key| sections.iter().find(|s| s.key == *key))
            .or_else(|| sections.first())
    }

    /// The rule the explanation rests on, to cite beside it.
    pub fn rule(&self) -> &'static str {
        match self.checked_in() {
            NoteKind::PsychotherapyNote => EXCLUDED_BY_164_501,
            NoteKind::ProgressNote => PROCESS_CONTENT,
        }
    }
}

/// Identifies "this sentence, flagged for this reason" across edits elsewhere in the
/// text: a hash of the category and the sentence with case and spacing normalised.
/// Editing the sentence itself makes a new key, so a dismissal never hides a
/// sentence the clinician has since changed.
///
/// 16 hex digits (64 bits) of SHA-256: dismissals are per note, so collisions are
/// out of reach, and the sentence text itself is never stored in the key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FindingKey(String);

impl FindingKey {
    pub fn new(category: Category, sentence: &str) -> FindingKey {
        let normalised = sentence
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ");
        let digest = Sha256::digest(format!("{}\n{normalised}", category.key()).as_bytes());
        let mut hex = String::with_capacity(16);
        for byte in &digest[..8] {
            let _ = write!(hex, "{byte:02x}");
        }
        FindingKey(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One flagged sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The whole sentence, to highlight or to move.
    pub sentence: Span,
    /// The words that triggered the finding ("sertraline", "2:00 pm"), inside
    /// `sentence`, so the panel can show what it reacted to.
    pub cue: Span,
    pub category: Category,
    pub key: FindingKey,
}

impl Finding {
    pub fn why(&self) -> &'static str {
        self.category.why()
    }

    pub fn rule(&self) -> &'static str {
        self.category.rule()
    }

    /// Where the sentence could be moved.
    pub fn belongs_in(&self) -> NoteKind {
        self.category.belongs_in()
    }
}

/// Every finding in `text`, a note of kind `note`, in text order; within one
/// sentence, in [`Category`] order. Dismissed findings are included: filter them
/// with [`Dismissals::visible`].
///
/// ```
/// use psynotes::domain::record_check::{check, Category, NoteKind};
/// let text = "She spoke of her father for the first time. Sertraline was raised to 100 mg.";
/// let findings = check(text, NoteKind::PsychotherapyNote);
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].category, Category::Medication);
/// assert_eq!(findings[0].sentence.of(text), "Sertraline was raised to 100 mg.");
/// assert_eq!(findings[0].cue.of(text), "Sertraline");
/// ```
pub fn check(text: &str, note: NoteKind) -> Vec<Finding> {
    let mut findings = Vec::new();
    for span in sentences(text) {
        let sentence = rules::Sentence::new(text, span);
        for rule in rules::RULES {
            if rule.category.checked_in() != note {
                continue;
            }
            if let Some(cue) = sentence.check(rule) {
                findings.push(Finding {
                    sentence: span,
                    cue,
                    category: rule.category,
                    key: FindingKey::new(rule.category, span.of(text)),
                });
            }
        }
    }
    findings
}

/// The findings a clinician dismissed in one note, kept with that note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Dismissals(BTreeSet<FindingKey>);

impl Dismissals {
    pub fn dismiss(&mut self, finding: &Finding) {
        self.0.insert(finding.key.clone());
    }

    /// Shows a dismissed finding again.
    pub fn restore(&mut self, finding: &Finding) {
        self.0.remove(&finding.key);
    }

    pub fn is_dismissed(&self, finding: &Finding) -> bool {
        self.0.contains(&finding.key)
    }

    /// The findings not dismissed.
    pub fn visible<'a>(&self, findings: &'a [Finding]) -> Vec<&'a Finding> {
        findings.iter().filter(|f| !self.is_dismissed(f)).collect()
    }

    /// Forgets dismissals whose sentence is gone, so the set does not grow forever.
    /// Pass every finding of the current text (from [`check`]).
    pub fn prune(&mut self, findings: &[Finding]) {
        let current: BTreeSet<&FindingKey> = findings.iter().map(|f| &f.key).collect();
        self.0.retain(|key| current.contains(key));
    }

    /// Adds every dismissal of `other`: when two edits of one note merge, a
    /// finding dismissed in either stays dismissed (advice, so nothing is lost).
    pub fn extend(&mut self, other: &Dismissals) {
        self.0.extend(other.0.iter().cloned());
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests;
