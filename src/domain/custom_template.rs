//! A clinician's own progress-note templates, and the file that carries them
//! from one device to another.
//!
//! A definition is versioned: saving a changed one adds a version and never
//! rewrites an old one. A note keeps a copy of the version it was written
//! with ([`ProgressNoteDraft::custom_template`]), and a signed note's
//! canonical text covers that copy's name, version and section labels, so
//! rewording the template later changes neither what the note shows nor its
//! digest.
//!
//! A template holds no client's information: its file is not PHI, and is
//! shared as plain JSON.
//!
//! [`ProgressNoteDraft::custom_template`]: super::ProgressNoteDraft

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::template::{Blocks, Section, Template};
use super::validation::{into_result, is_blank};
use super::ValidationIssue;

/// The format line of the templates file.
pub const TEMPLATES_FILE_FORMAT: &str = "psynotes/templates/v1";

/// One version of a clinician's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomTemplate {
    /// Stable across versions; chosen by whoever creates the template.
    pub id: String,
    pub name: String,
    /// 1 for the first version, one more for each saved change.
    pub version: u32,
    pub sections: Vec<Section>,
    pub blocks: Blocks,
}

impl CustomTemplate {
    pub const NAME_LABEL: &'static str = "Template name";
    pub const SECTION_LABEL: &'static str = "Section label";
    pub const SECTIONS_LABEL: &'static str = "Sections";
    /// Longest name and label kept: a select option and a field label.
    pub const MAX_NAME: usize = 60;

    /// The field an issue about the section at `place` (from 1) names: the
    /// form's group for it.
    pub fn section_field(place: usize) -> String {
        format!("Section {place}")
    }

    /// The words a note is told its template by: "Couples session (version 2)".
    pub fn display_name(&self) -> String {
        format!("{} (version {})", self.name, self.version)
    }

    /// Whether `other` defines the same note as this: name, sections and
    /// blocks (not the version number).
    fn same_definition(&self, other: &CustomTemplate) -> bool {
        self.name.trim() == other.name.trim()
            && self.blocks == other.blocks
            && self.sections.len() == other.sections.len()
            && self.sections.iter().zip(&other.sections).all(|(a, b)| {
                a.key == b.key
                    && a.label.trim() == b.label.trim()
                    && a.hint.trim() == b.hint.trim()
                    && a.required == b.required
            })
    }

    /// What stops this definition from being saved, each with the field it
    /// concerns.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            issues.push(ValidationIssue::new(
                Self::NAME_LABEL,
                "Give the template a name, as the template select will offer it.",
            ));
        } else if name.chars().count() > Self::MAX_NAME {
            issues.push(ValidationIssue::new(
                Self::NAME_LABEL,
                format!(
                    "Shorten the name to {} characters or fewer.",
                    Self::MAX_NAME
                ),
            ));
        } else if Template::ALL
            .iter()
            .any(|t| t.name().eq_ignore_ascii_case(name))
        {
            issues.push(ValidationIssue::new(
                Self::NAME_LABEL,
                format!("{name} is a built-in template. Choose another name for yours."),
            ));
        }
        if self.sections.is_empty() {
            issues.push(ValidationIssue::new(
                Self::SECTIONS_LABEL,
                "Add at least one section, where the note's text is written.",
            ));
        }
        let mut seen: Vec<String> = Vec::new();
        for (index, section) in self.sections.iter().enumerate() {
            let label = section.label.trim();
            let place = index + 1;
            if is_blank(label) {
                issues.push(ValidationIssue::new(
                    Self::section_field(place),
                    format!("Section {place} has no label. Name it, or remove it."),
                ));
            } else if label.chars().count() > Self::MAX_NAME {
                issues.push(ValidationIssue::new(
                    Self::section_field(place),
                    format!(
                        "Shorten section {place}'s label to {} characters or fewer.",
                        Self::MAX_NAME
                    ),
                ));
            } else if seen.contains(&label.to_lowercase()) {
                issues.push(ValidationIssue::new(
                    Self::section_field(place),
                    format!("Two sections are labelled {label}. Give each its own label."),
                ));
            } else if NOTE_FIELD_LABELS
                .iter()
                .any(|taken| taken.eq_ignore_ascii_case(label))
            {
                issues.push(ValidationIssue::new(
                    Self::section_field(place),
                    format!("{label} is already a field of every note. Choose another label for section {place}."),
                ));
            }
            seen.push(label.to_lowercase());
        }
        into_result(issues)
    }

    /// The number of one of this template's section keys, `c<n>.<template id>`.
    fn section_number(&self, key: &str) -> Option<u32> {
        key.strip_prefix('c')?
            .strip_suffix(self.id.as_str())?
            .strip_suffix('.')?
            .parse()
            .ok()
    }

    /// The definition with names and labels trimmed, and every new section
    /// (one without a key) given a key no version of this template has used,
    /// so a note's text never lands under a removed section's key. Keys name
    /// the template too: switching a note between two custom templates never
    /// puts one's text under the other's heading.
    fn keyed(mut self, used: &[&CustomTemplate]) -> CustomTemplate {
        let mut next = used
            .iter()
            .flat_map(|t| t.sections.iter())
            .chain(self.sections.iter())
            .filter_map(|s| self.section_number(&s.key))
            .max()
            .unwrap_or(0)
            + 1;
        self.name = self.name.trim().to_owned();
        let id = self.id.clone();
        for index in 0..self.sections.len() {
            let numbered = self.section_number(&self.sections[index].key).is_some();
            let section = &mut self.sections[index];
            section.label = Cow::Owned(section.label.trim().to_owned());
            section.hint = Cow::Owned(section.hint.trim().to_owned());
            if !numbered {
                section.key = Cow::Owned(format!("c{next}.{id}"));
                next += 1;
            }
        }
        self
    }
}

/// Labels of the fields every note has: a section may not take one, or two
/// fields would answer to the same name.
const NOTE_FIELD_LABELS: &[&str] = &[
    "Template",
    "Client",
    "Date of service",
    "Start time",
    "End time",
    "Service code",
    "Place of service",
    "Participants",
    "Diagnoses addressed",
    "Goals addressed",
    "Questionnaire results",
    "Risk assessment",
];

/// Every version of every custom template this vault has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateLibrary {
    versions: Vec<CustomTemplate>,
}

/// What saving a definition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A new version (or the first) was added.
    NewVersion(CustomTemplate),
    /// Nothing changed since the latest version, which stays.
    Unchanged(CustomTemplate),
}

impl Saved {
    pub fn template(&self) -> &CustomTemplate {
        match self {
            Saved::NewVersion(t) | Saved::Unchanged(t) => t,
        }
    }
}

/// What an imported templates file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Versions added.
    pub added: usize,
    /// Versions already here, word for word.
    pub already_here: usize,
}

/// Why a templates file was not imported. Nothing is imported then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateImportError {
    #[error("This file is not a templates file from this app. Choose the file made with \u{201c}Export templates\u{201d}.")]
    NotTemplates,
    #[error("The template \u{201c}{name}\u{201d} in this file cannot be used: {reason} Nothing was imported.")]
    Invalid { name: String, reason: String },
}

#[derive(Serialize, Deserialize)]
struct TemplatesFile {
    format: String,
    templates: Vec<CustomTemplate>,
}

impl TemplateLibrary {
    /// The latest version of each template, by name.
    pub fn latest(&self) -> Vec<&CustomTemplate> {
        let mut latest: Vec<&CustomTemplate> = Vec::new();
        for template in &self.versions {
            match latest.iter_mut().find(|t| t.id == template.id) {
                Some(kept) if kept.version < template.version => *kept = template,
                Some(_) => {}
                None => latest.push(template),
            }
        }
        latest.sort_by_key(|t| t.name.to_lowercase());
        latest
    }

    /// The latest version of one template.
    pub fn get(&self, id: &str) -> Option<&CustomTemplate> {
        self.versions
            .iter()
            .filter(|t| t.id == id)
            .max_by_key(|t| t.version)
    }

    /// Every version of one template, oldest first.
    pub fn versions(&self, id: &str) -> Vec<&CustomTemplate> {
        let mut versions: Vec<&CustomTemplate> =
            self.versions.iter().filter(|t| t.id == id).collect();
        versions.sort_by_key(|t| t.version);
        versions
    }

    /// Saves a definition: a new template when its id is new, else a new
    /// version of it when anything changed. The version number is the
    /// library's to give; whatever `edited` says is ignored.
    pub fn save(&mut self, edited: CustomTemplate) -> Result<Saved, Vec<ValidationIssue>> {
        edited.validate()?;
        let earlier = self.versions(&edited.id);
        let mut template = edited.keyed(&earlier);
        let name_taken = self.latest().iter().any(|other| {
            other.id != template.id && other.name.eq_ignore_ascii_case(&template.name)
        });
        if name_taken {
            return Err(vec![ValidationIssue::new(
                CustomTemplate::NAME_LABEL,
                format!(
                    "You already have a template named {}. Choose another name, or edit that one.",
                    template.name
                ),
            )]);
        }
        if let Some(latest) = self.get(&template.id) {
            if latest.same_definition(&template) {
                return Ok(Saved::Unchanged(latest.clone()));
            }
            template.version = latest.version + 1;
        } else {
            template.version = 1;
        }
        self.versions.push(template.clone());
        Ok(Saved::NewVersion(template))
    }

    /// The templates file: every version of every template, so a note
    /// written elsewhere with an older version is matched here too.
    pub fn export_json(&self) -> String {
        let mut templates = self.versions.clone();
        templates.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.id, a.version).cmp(&(
                b.name.to_lowercase(),
                &b.id,
                b.version,
            ))
        });
        let file = TemplatesFile {
            format: TEMPLATES_FILE_FORMAT.to_owned(),
            templates,
        };
        // A struct of strings, numbers and booleans always serialises.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Adds the versions of a templates file that are not here yet.
    ///
    /// A version number both sides have with different words (the template
    /// was edited on two devices) is kept as a further version, so neither
    /// device's wording is lost. A template whose name another of this
    /// vault's templates has is imported under "(imported)".
    pub fn import_json(&mut self, text: &str) -> Result<Imported, TemplateImportError> {
        let file: TemplatesFile =
            serde_json::from_str(text).map_err(|_| TemplateImportError::NotTemplates)?;
        if file.format != TEMPLATES_FILE_FORMAT {
            return Err(TemplateImportError::NotTemplates);
        }
        let mut next = self.clone();
        let mut imported = Imported::default();
        let mut incoming = file.templates;
        incoming.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
        for mut template in incoming {
            let invalid =
                |template: &CustomTemplate, reason: String| TemplateImportError::Invalid {
                    name: template.name.clone(),
                    reason,
                };
            if template.id.trim().is_empty() || template.version == 0 {
                return Err(invalid(&template, "it has no id or version.".to_owned()));
            }
            if let Err(issues) = template.validate() {
                let reason = issues
                    .first()
                    .map(|i| i.message.clone())
                    .unwrap_or_default();
                return Err(invalid(&template, reason));
            }
            let keys_ok = template
                .sections
                .iter()
                .all(|s| template.section_number(&s.key).is_some());
            if !keys_ok {
                return Err(invalid(
                    &template,
                    "a section has a key this app does not make.".to_owned(),
                ));
            }
            let same_version = next
                .versions
                .iter()
                .find(|t| t.id == template.id && t.version == template.version);
            match same_version {
                Some(here) if here == &template => {
                    imported.already_here += 1;
                    continue;
                }
                Some(_) => {
                    if next
                        .versions
                        .iter()
                        .any(|t| t.id == template.id && t.same_definition(&template))
                    {
                        imported.already_here += 1;
                        continue;
                    }
                    template.version = next.get(&template.id).map_or(1, |t| t.version + 1);
                }
                None => {}
            }
            let clash = next.latest().iter().any(|other| {
                other.id != template.id && other.name.eq_ignore_ascii_case(&template.name)
            });
            if clash {
                template.name = format!("{} (imported)", template.name);
            }
            next.versions.push(template);
            imported.added += 1;
        }
        *self = next;
        Ok(imported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(label: &str, required: bool) -> Section {
        Section {
            key: Cow::Borrowed(""),
            label: Cow::Owned(label.to_owned()),
            required,
            hint: Cow::Owned(format!("What {label} means")),
        }
    }

    fn couples() -> CustomTemplate {
        CustomTemplate {
            id: "t-1".into(),
            name: "Couples session".into(),
            version: 0,
            sections: vec![
                section("Presenting concern", true),
                section("Interaction", false),
            ],
            blocks: Blocks {
                session: true,
                risk: true,
                goals: false,
            },
        }
    }

    fn messages(result: Result<Saved, Vec<ValidationIssue>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.message)
            .collect()
    }

    #[test]
    fn a_first_save_is_version_1_and_each_section_gets_a_key() {
        let mut library = TemplateLibrary::default();
        let saved = library.save(couples()).unwrap();
        let Saved::NewVersion(template) = saved else {
            panic!("not saved")
        };
        assert_eq!(template.version, 1);
        let keys: Vec<&str> = template.sections.iter().map(|s| s.key.as_ref()).collect();
        assert_eq!(keys, ["c1.t-1", "c2.t-1"]);
        assert_eq!(library.latest(), vec![&template]);
    }

    #[test]
    fn a_change_adds_a_version_and_keeps_the_old_one_word_for_word() {
        let mut library = TemplateLibrary::default();
        let first = library.save(couples()).unwrap().template().clone();
        let mut edited = first.clone();
        edited.sections[0].label = Cow::Borrowed("Reason for the session");
        edited.sections.push(section("Homework", true));
        let second = library.save(edited).unwrap();
        let Saved::NewVersion(second) = second else {
            panic!("no new version")
        };
        assert_eq!(second.version, 2);
        // The reworded section keeps its key; the new one gets a key never used.
        let keys: Vec<&str> = second.sections.iter().map(|s| s.key.as_ref()).collect();
        assert_eq!(keys, ["c1.t-1", "c2.t-1", "c3.t-1"]);
        assert_eq!(library.versions("t-1"), vec![&first, &second]);
        assert_eq!(library.get("t-1"), Some(&second));
    }

    #[test]
    fn a_removed_sections_key_is_never_given_again() {
        let mut library = TemplateLibrary::default();
        let first = library.save(couples()).unwrap().template().clone();
        let mut edited = first.clone();
        edited.sections.pop();
        let second = library.save(edited).unwrap().template().clone();
        let mut again = second.clone();
        again.sections.push(section("Interaction", false));
        let third = library.save(again).unwrap().template().clone();
        assert_eq!(
            third.sections[1].key, "c3.t-1",
            "c2 held other text in version 1"
        );
    }

    #[test]
    fn saving_what_did_not_change_adds_no_version() {
        let mut library = TemplateLibrary::default();
        let first = library.save(couples()).unwrap().template().clone();
        let mut same = first.clone();
        same.name = format!("  {}  ", first.name);
        assert_eq!(library.save(same), Ok(Saved::Unchanged(first)));
        assert_eq!(library.versions("t-1").len(), 1);
    }

    #[test]
    fn a_template_needs_a_name_sections_and_distinct_labels() {
        let mut library = TemplateLibrary::default();
        let mut nameless = couples();
        nameless.name = " ".into();
        assert_eq!(
            messages(library.save(nameless)),
            ["Give the template a name, as the template select will offer it."]
        );
        let mut empty = couples();
        empty.sections.clear();
        assert_eq!(
            messages(library.save(empty)),
            ["Add at least one section, where the note's text is written."]
        );
        let mut twice = couples();
        twice.sections[1].label = Cow::Borrowed("presenting concern");
        assert_eq!(
            messages(library.save(twice)),
            ["Two sections are labelled presenting concern. Give each its own label."]
        );
        let mut blank = couples();
        blank.sections[0].label = Cow::Borrowed("");
        assert_eq!(
            messages(library.save(blank)),
            ["Section 1 has no label. Name it, or remove it."]
        );
        let mut field = couples();
        field.sections[0].label = Cow::Borrowed("Participants");
        assert_eq!(
            messages(library.save(field)),
            ["Participants is already a field of every note. Choose another label for section 1."]
        );
        let mut builtin = couples();
        builtin.name = "soap".into();
        assert_eq!(
            messages(library.save(builtin)),
            ["soap is a built-in template. Choose another name for yours."]
        );
        assert!(library.latest().is_empty());
    }

    #[test]
    fn two_templates_cannot_share_a_name() {
        let mut library = TemplateLibrary::default();
        library.save(couples()).unwrap();
        let mut other = couples();
        other.id = "t-2".into();
        other.name = "COUPLES SESSION".into();
        assert_eq!(
            messages(library.save(other)),
            ["You already have a template named COUPLES SESSION. Choose another name, or edit that one."]
        );
    }

    #[test]
    fn the_file_round_trips_and_importing_it_twice_adds_nothing() {
        let mut here = TemplateLibrary::default();
        let first = here.save(couples()).unwrap().template().clone();
        let mut edited = first.clone();
        edited.blocks.goals = true;
        here.save(edited).unwrap();
        let file = here.export_json();
        assert!(file.contains(TEMPLATES_FILE_FORMAT));

        let mut there = TemplateLibrary::default();
        assert_eq!(
            there.import_json(&file),
            Ok(Imported {
                added: 2,
                already_here: 0
            })
        );
        assert_eq!(there, here);
        assert_eq!(
            there.import_json(&file),
            Ok(Imported {
                added: 0,
                already_here: 2
            })
        );
        assert_eq!(there, here);
    }

    #[test]
    fn a_version_edited_on_two_devices_keeps_both_wordings() {
        let mut here = TemplateLibrary::default();
        let first = here.save(couples()).unwrap().template().clone();
        let mut there = here.clone();

        let mut mine = first.clone();
        mine.sections[0].label = Cow::Borrowed("Mine");
        here.save(mine).unwrap();
        let mut theirs = first.clone();
        theirs.sections[0].label = Cow::Borrowed("Theirs");
        there.save(theirs).unwrap();

        here.import_json(&there.export_json()).unwrap();
        let labels: Vec<String> = here
            .versions("t-1")
            .iter()
            .map(|t| format!("{} {}", t.version, t.sections[0].label))
            .collect();
        assert_eq!(labels, ["1 Presenting concern", "2 Mine", "3 Theirs"]);
    }

    #[test]
    fn a_name_already_used_here_is_imported_under_another() {
        let mut here = TemplateLibrary::default();
        here.save(couples()).unwrap();
        let mut there = TemplateLibrary::default();
        let mut other = couples();
        other.id = "t-9".into();
        there.save(other).unwrap();
        here.import_json(&there.export_json()).unwrap();
        let names: Vec<&str> = here.latest().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Couples session", "Couples session (imported)"]);
    }

    #[test]
    fn a_foreign_or_damaged_file_imports_nothing() {
        let mut here = TemplateLibrary::default();
        here.save(couples()).unwrap();
        let before = here.clone();
        for text in [
            "",
            "{}",
            "[1,2]",
            r#"{"format":"psynotes/backup/v1","templates":[]}"#,
        ] {
            assert_eq!(
                here.import_json(text),
                Err(TemplateImportError::NotTemplates),
                "{text}"
            );
        }
        let mut bad = TemplateLibrary::default();
        bad.save(couples()).unwrap();
        let file = bad.export_json().replace("Presenting concern", "");
        assert!(matches!(
            here.import_json(&file),
            Err(TemplateImportError::Invalid { .. })
        ));
        assert_eq!(here, before);
    }
}
