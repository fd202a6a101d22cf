//! The bundled ICD-10-CM code list: reading it, searching it, and telling whether a
//! typed code is in it.
//!
//! The list (`assets/icd10cm/icd10cm-mh.tsv`) holds the mental, behavioural and
//! neurodevelopmental chapter (F01–F99) and the Z codes clinicians use (Z55–Z65,
//! Z69–Z73 and a few more; `scripts/icd10-extract.py` lists them and says why), copied
//! unchanged from the CMS/NCHS tabular list of one code-set year. It is about 88 KB
//! (14 KB gzip), so the app does not build it into the wasm: it fetches the file on
//! first use and hands the text to [`CodeList::parse`]. Native tests read the same
//! file with `include_str!`.
//!
//! A code that is not in the list can still be used: the clinician may need a code
//! from another chapter, or a code newer than the list. [`CodeList::diagnosis`] keeps
//! such a code and marks it as not found, so the record and the UI can say so.
//!
//! # File format `psynotes-icd10cm` 1
//! UTF-8 text, one item per line:
//! - `#psynotes-icd10cm<TAB>1` first;
//! - `#key<TAB>value` metadata; `year` is required, `release`, `source` and `licence`
//!   are kept, other keys are ignored;
//! - `code<TAB>kind<TAB>description`, kind `B` (billable: no more specific code
//!   exists) or `H` (a header: a category or subcategory that has more specific codes,
//!   which a claim may not use).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::client::normalize_icd10_code;
use super::{Diagnosis, DomainError};

/// An ICD-10-CM code with the shape [`normalize_icd10_code`] accepts, upper-case and
/// with its dot (`F41.1`). The dot may be left out when typing (`f411`).
///
/// Stored as the plain code string; a stored value of the wrong shape is refused when
/// read, so a held `Icd10Code` always has the right shape.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Icd10Code(String);

impl Icd10Code {
    /// Reads a typed code: surrounding spaces and case do not matter, and the dot is
    /// optional (`"f411"`, `"F41.1"` and `" f41.1 "` are the same code).
    ///
    /// ```
    /// use psynotes::domain::icd10::Icd10Code;
    /// assert_eq!(Icd10Code::parse("f411").unwrap().as_str(), "F41.1");
    /// assert_eq!(Icd10Code::parse("Z63").unwrap().as_str(), "Z63");
    /// assert!(Icd10Code::parse("anxiety").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Icd10Code, DomainError> {
        let trimmed = input.trim();
        // Only an undotted code longer than a category gets its dot back; anything
        // else goes to the shared shape check unchanged, so the two never disagree.
        let dotted = if !trimmed.contains('.')
            && trimmed.len() > 3
            && trimmed.is_char_boundary(3)
            && trimmed.is_ascii()
        {
            format!("{}.{}", &trimmed[..3], &trimmed[3..])
        } else {
            trimmed.to_owned()
        };
        normalize_icd10_code(&dotted).map(Icd10Code).map_err(|_| {
            DomainError::InvalidDiagnosisCode {
                input: input.to_owned(),
            }
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code without its dot (`F411`), the form claims and many systems use.
    pub fn compact(&self) -> String {
        self.0.replace('.', "")
    }
}

impl fmt::Display for Icd10Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Icd10Code {
    type Error = DomainError;
    fn try_from(input: String) -> Result<Self, Self::Error> {
        Icd10Code::parse(&input)
    }
}

impl From<Icd10Code> for String {
    fn from(code: Icd10Code) -> String {
        code.0
    }
}

/// Whether a code may be billed as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CodeKind {
    /// The most specific level: valid on a claim.
    Billable,
    /// A category or subcategory with more specific codes under it. Shown in the list
    /// so the clinician sees where a code sits, but a more specific code is needed.
    Header,
}

/// One row of the code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEntry {
    code: Icd10Code,
    kind: CodeKind,
    description: String,
    /// The description split into lowercase words, made once so a search per
    /// keystroke does not fold 1,400 descriptions again.
    words: Vec<String>,
}

impl CodeEntry {
    pub fn code(&self) -> &Icd10Code {
        &self.code
    }

    pub fn kind(&self) -> CodeKind {
        self.kind
    }

    pub fn is_billable(&self) -> bool {
        self.kind == CodeKind::Billable
    }

    /// The official description, unchanged.
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// Why the code-list file could not be read. The app shows it and lets the clinician
/// type codes by hand, which keep working without the list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeListError {
    #[error("The diagnosis code list is not in a format this version of the app reads. Type codes by hand for now; reloading the app may fix it.")]
    UnknownFormat,
    #[error("The diagnosis code list does not say which code-set year it is. Type codes by hand for now; reloading the app may fix it.")]
    MissingYear,
    #[error("Line {line} of the diagnosis code list is damaged. Type codes by hand for now; reloading the app may fix it.")]
    DamagedLine { line: usize },
    #[error("The diagnosis code list has {code} twice. Type codes by hand for now; reloading the app may fix it.")]
    DuplicateCode { code: String },
}

/// The code list of one ICD-10-CM code-set year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeList {
    year: u16,
    release: String,
    source: String,
    licence: String,
    entries: Vec<CodeEntry>,
}

/// How well a code matched a search, best first. Exposed so the UI can, for
/// example, put a line between code matches and word matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The query is this code (dot optional).
    ExactCode,
    /// The query is the start of this code (`F41` finds `F41.1`).
    CodePrefix,
    /// Every word of the query starts a word of the description.
    Words,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeMatch<'a> {
    pub entry: &'a CodeEntry,
    pub kind: MatchKind,
}

/// What a typed code is, against the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLookup<'a> {
    Found(&'a CodeEntry),
    /// A well-formed code that the list does not have: from another chapter, newer
    /// than the list, or mistyped.
    NotFound,
}

/// Abbreviations clinicians type that the official descriptions spell out. A query
/// word equal to a key matches when every word of its expansion does.
const ABBREVIATIONS: &[(&str, &[&str])] = &[
    ("adhd", &["attention", "hyperactivity"]),
    ("add", &["attention", "deficit"]),
    ("asd", &["autistic"]),
    ("gad", &["generalized", "anxiety"]),
    ("mdd", &["major", "depressive"]),
    ("ocd", &["obsessive", "compulsive"]),
    ("ptsd", &["post", "traumatic", "stress"]),
    ("aud", &["alcohol"]),
    ("oud", &["opioid"]),
    ("odd", &["oppositional", "defiant"]),
    ("bpd", &["borderline", "personality"]),
    ("ipv", &["partner"]),
];

/// British spellings folded to the American ones the list uses.
const SPELLINGS: &[(&str, &str)] = &[
    ("behaviour", "behavior"),
    ("behavioural", "behavioral"),
    ("counselling", "counseling"),
    ("paediatric", "pediatric"),
    ("anaemia", "anemia"),
    ("oesophag", "esophag"),
];

impl CodeList {
    /// Reads the code-list file (see the module doc for its format).
    pub fn parse(text: &str) -> Result<CodeList, CodeListError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line));
        match lines.next() {
            Some((_, "#psynotes-icd10cm\t1")) => {}
            _ => return Err(CodeListError::UnknownFormat),
        }
        let mut year = None;
        let (mut release, mut source, mut licence) = (String::new(), String::new(), String::new());
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        for (number, line) in lines {
            if line.is_empty() {
                continue;
            }
            let damaged = || CodeListError::DamagedLine { line: number };
            if let Some(meta) = line.strip_prefix('#') {
                let (key, value) = meta.split_once('\t').ok_or_else(damaged)?;
                match key {
                    "year" => year = Some(value.parse::<u16>().map_err(|_| damaged())?),
                    "release" => release = value.to_owned(),
                    "source" => source = value.to_owned(),
                    "licence" => licence = value.to_owned(),
                    _ => {}
                }
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(code), Some(kind), Some(description), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(damaged());
            };
            let code = Icd10Code::parse(code).map_err(|_| damaged())?;
            // The file spells codes exactly as they are stored, so a row that only
            // reads after normalising was written by something else.
            if code.as_str() != line.split('\t').next().unwrap_or_default() {
                return Err(damaged());
            }
            let kind = match kind {
                "B" => CodeKind::Billable,
                "H" => CodeKind::Header,
                _ => return Err(damaged()),
            };
            if description.trim().is_empty() {
                return Err(damaged());
            }
            if !seen.insert(code.clone()) {
                return Err(CodeListError::DuplicateCode {
                    code: code.to_string(),
                });
            }
            entries.push(CodeEntry {
                words: words(description),
                code,
                kind,
                description: description.to_owned(),
            });
        }
        Ok(CodeList {
            year: year.ok_or(CodeListError::MissingYear)?,
            release,
            source,
            licence,
            entries,
        })
    }

    /// The code-set year (the U.S. fiscal year the codes are valid for: FY2026 runs
    /// from 1 October 2025 to 30 September 2026).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Which release of that year, in words ("FY2026 ICD-10-CM, April 1, 2026 update").
    pub fn release(&self) -> &str {
        &self.release
    }

    /// Where the rows come from, for an "About" or credits view.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn licence(&self) -> &str {
        &self.licence
    }

    /// Every row, in tabular-list order.
    pub fn entries(&self) -> &[CodeEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The row of this exact code, if the list has it.
    pub fn get(&self, code: &Icd10Code) -> Option<&CodeEntry> {
        self.entries.iter().find(|entry| &entry.code == code)
    }

    /// Whether a typed code is in the list. A string that is not shaped like a code
    /// at all is an error, with the same message as anywhere else a code is typed.
    pub fn lookup(&self, typed: &str) -> Result<CodeLookup<'_>, DomainError> {
        let code = Icd10Code::parse(typed)?;
        Ok(self
            .get(&code)
            .map_or(CodeLookup::NotFound, CodeLookup::Found))
    }

    /// A diagnosis for a typed code. A code in the list takes the list's description
    /// and year; any other well-formed code is kept with the description the
    /// clinician typed, marked as not found.
    pub fn diagnosis(
        &self,
        typed: &str,
        typed_description: &str,
    ) -> Result<CodedDiagnosis, DomainError> {
        let code = Icd10Code::parse(typed)?;
        Ok(match self.get(&code) {
            Some(entry) => CodedDiagnosis {
                code,
                description: entry.description.clone(),
                origin: CodeOrigin::InList {
                    year: self.year,
                    billable: entry.is_billable(),
                },
            },
            None => CodedDiagnosis::not_in_list(code, typed_description),
        })
    }

    /// Codes matching what the clinician typed, best first, at most `limit`.
    ///
    /// - A query shaped like the start of a code (a letter and a digit, dot
    ///   optional: `f41`, `F41.1`, `z630`) finds that code first, then the codes
    ///   under it, in list order.
    /// - Otherwise every word of the query must start a word of the description, in
    ///   any order, ignoring case (`gen anx` finds "Generalized anxiety disorder").
    ///   A few common abbreviations (PTSD, GAD, ADHD, ...) and British spellings
    ///   also match. Billable codes come before headers, shorter descriptions (the
    ///   more general diagnosis) before longer ones, then list order.
    ///
    /// ```
    /// use psynotes::domain::icd10::CodeList;
    /// let list = CodeList::parse("#psynotes-icd10cm\t1\n#year\t2026\nF41\tH\tOther anxiety disorders\nF41.1\tB\tGeneralized anxiety disorder\n").unwrap();
    /// let codes: Vec<&str> = list.search("f41", 10).iter().map(|m| m.entry.code().as_str()).collect();
    /// assert_eq!(codes, ["F41", "F41.1"]);
    /// assert_eq!(list.search("generalized ANX", 10)[0].entry.code().as_str(), "F41.1");
    /// ```
    pub fn search(&self, query: &str, limit: usize) -> Vec<CodeMatch<'_>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut found = Vec::new();
        if let Some(prefix) = code_prefix(query) {
            for entry in &self.entries {
                let compact = entry.code.compact();
                if compact == prefix {
                    found.push(CodeMatch {
                        entry,
                        kind: MatchKind::ExactCode,
                    });
                } else if compact.starts_with(&prefix) {
                    found.push(CodeMatch {
                        entry,
                        kind: MatchKind::CodePrefix,
                    });
                }
            }
            // Stable sort: exact first, the rest stay in list order.
            found.sort_by_key(|m| m.kind);
        }
        let query_words = words(query);
        if !query_words.is_empty() {
            let mut by_words: Vec<&CodeEntry> = self
                .entries
                .iter()
                .filter(|entry| query_words.iter().all(|w| word_matches(w, &entry.words)))
                .collect();
            by_words.sort_by_key(|entry| (!entry.is_billable(), entry.description.len()));
            found.extend(
                by_words
                    .into_iter()
                    .filter(|entry| !found.iter().any(|m| m.entry.code == entry.code))
                    .map(|entry| CodeMatch {
                        entry,
                        kind: MatchKind::Words,
                    })
                    .collect::<Vec<_>>(),
            );
        }
        found.truncate(limit);
        found
    }
}

/// The query without dots, upper-cased, if it could be the start of a code: a letter,
/// then a digit, then letters or digits (`F`, alone, is too short to mean a code).
fn code_prefix(query: &str) -> Option<String> {
    let compact: String = query
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = compact.as_bytes();
    let shaped = (2..=7).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[1].is_ascii_digit()
        && bytes.iter().all(u8::is_ascii_alphanumeric);
    shaped.then_some(compact)
}

/// Lowercase words: runs of letters and digits ("Post-traumatic" is two words, so
/// "post traumatic" and "post-traumatic" find it alike).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let word = word.to_lowercase();
            SPELLINGS
                .iter()
                .find_map(|(british, american)| {
                    word.strip_prefix(british)
                        .map(|rest| format!("{american}{rest}"))
                })
                .unwrap_or(word)
        })
        .collect()
}

fn word_matches(query_word: &str, description: &[String]) -> bool {
    let starts_a_word = |w: &str| description.iter().any(|d| d.starts_with(w));
    starts_a_word(query_word)
        || ABBREVIATIONS
            .iter()
            .find(|(abbreviation, _)| *abbreviation == query_word)
            .is_some_and(|(_, expansion)| expansion.iter().all(|w| starts_a_word(w)))
}

/// Where a diagnosis code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum CodeOrigin {
    /// Chosen from the bundled list of this code-set year; `billable` is false for a
    /// header code, which a claim cannot use.
    InList { year: u16, billable: bool },
    /// Typed by hand and not found in the list the app had when it was entered.
    NotInList,
}

/// A diagnosis as the intake and discharge forms record it: the code, its
/// description, and whether it came from the list (and of which year).
///
/// Made by [`CodeList::diagnosis`], or by [`CodedDiagnosis::not_in_list`] when the list
/// is not loaded. The year is kept because codes are revised every October: a
/// diagnosis recorded in 2026 stays tied to the 2026 description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodedDiagnosis {
    pub code: Icd10Code,
    pub description: String,
    #[serde(flatten)]
    pub origin: CodeOrigin,
}

impl CodedDiagnosis {
    /// A typed code that the list does not have (or the list is not loaded).
    pub fn not_in_list(code: Icd10Code, description: &str) -> CodedDiagnosis {
        CodedDiagnosis {
            code,
            description: description.trim().to_owned(),
            origin: CodeOrigin::NotInList,
        }
    }

    pub fn in_list(&self) -> bool {
        matches!(self.origin, CodeOrigin::InList { .. })
    }

    /// The code-set year of the list it came from, if it came from the list.
    pub fn code_set_year(&self) -> Option<u16> {
        match self.origin {
            CodeOrigin::InList { year, .. } => Some(year),
            CodeOrigin::NotInList => None,
        }
    }

    /// The same diagnosis as the client record keeps it.
    pub fn to_client_diagnosis(&self, primary: bool) -> Diagnosis {
        Diagnosis {
            code: self.code.to_string(),
            description: self.description.clone(),
            primary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLED: &str = include_str!("../../assets/icd10cm/icd10cm-mh.tsv");

    fn list() -> CodeList {
        CodeList::parse(BUNDLED).expect("the bundled list parses")
    }

    fn codes(matches: &[CodeMatch<'_>]) -> Vec<String> {
        matches.iter().map(|m| m.entry.code.to_string()).collect()
    }

    #[test]
    fn the_bundled_list_is_the_2026_code_set_with_its_source() {
        let list = list();
        assert_eq!(list.year(), 2026);
        assert!(list.release().contains("April 1, 2026"));
        assert!(list.source().contains("CMS/NCHS"));
        assert!(list.licence().contains("NCHS and CMS"));
        assert_eq!(list.len(), 1403);
        let billable = list.entries().iter().filter(|e| e.is_billable()).count();
        assert_eq!(billable, 1093);
    }

    #[test]
    fn the_bundled_list_covers_chapter_f_and_the_named_z_codes() {
        let list = list();
        for (code, description) in [
            ("F01.50", "Vascular dementia, unspecified severity, without behavioral disturbance, psychotic disturbance, mood disturbance, and anxiety"),
            ("F32.A", "Depression, unspecified"),
            ("F41.1", "Generalized anxiety disorder"),
            ("F43.10", "Post-traumatic stress disorder, unspecified"),
            ("F43.81", "Prolonged grief disorder"),
            ("F99", "Mental disorder, not otherwise specified"),
            ("Z63.0", "Problems in relationship with spouse or partner"),
            ("Z65.8", "Other specified problems related to psychosocial circumstances"),
            ("Z59.00", "Homelessness unspecified"),
            ("Z71.41", "Alcohol abuse counseling and surveillance of alcoholic"),
            ("Z91.51", "Personal history of suicidal behavior"),
            ("Z91.52", "Personal history of nonsuicidal self-harm"),
            ("Z91.49", "Other personal history of psychological trauma, not elsewhere classified"),
            ("Z03.89", "Encounter for observation for other suspected diseases and conditions ruled out"),
        ] {
            let code = Icd10Code::parse(code).unwrap();
            let entry = list.get(&code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(entry.description(), description, "{code}");
            assert!(entry.is_billable(), "{code}");
        }
        for header in ["F41", "F43.1", "Z63", "Z91.5", "Z91"] {
            let entry = list.get(&Icd10Code::parse(header).unwrap()).unwrap();
            assert_eq!(entry.kind(), CodeKind::Header, "{header}");
        }
        // Every header has a more specific code below it, and no billable code does.
        let compact: Vec<String> = list.entries().iter().map(|e| e.code.compact()).collect();
        for entry in list.entries() {
            let own = entry.code.compact();
            let has_child = compact
                .iter()
                .any(|c| c.len() > own.len() && c.starts_with(&own));
            assert_eq!(has_child, !entry.is_billable(), "{}", entry.code);
        }
        // Nothing from chapters the list does not cover.
        assert!(list.entries().iter().all(|e| {
            let c = e.code.as_str();
            c.starts_with('F') || c.starts_with('Z')
        }));
        assert!(list.get(&Icd10Code::parse("Z00.00").unwrap()).is_none());
    }

    #[test]
    fn typed_codes_are_normalised_and_the_dot_is_optional() {
        for (typed, code) in [
            ("f41.1", "F41.1"),
            (" F411 ", "F41.1"),
            ("f32a", "F32.A"),
            ("Z6372", "Z63.72"),
            ("F99", "F99"),
            ("f10.239", "F10.239"),
            ("F10239", "F10.239"),
        ] {
            assert_eq!(Icd10Code::parse(typed).unwrap().as_str(), code, "{typed}");
        }
        for bad in [
            "", "F4", "41.1", "F41.", "F4112345", "F41-1", "anxiety", "É411",
        ] {
            assert_eq!(
                Icd10Code::parse(bad),
                Err(DomainError::InvalidDiagnosisCode { input: bad.into() }),
                "{bad:?}"
            );
        }
        assert_eq!(Icd10Code::parse("F41.1").unwrap().compact(), "F411");
    }

    #[test]
    fn codes_serialize_as_strings_and_bad_ones_are_refused() {
        let code = Icd10Code::parse("f411").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"F41.1\"");
        assert_eq!(
            serde_json::from_str::<Icd10Code>("\"F41.1\"").unwrap(),
            code
        );
        assert!(serde_json::from_str::<Icd10Code>("\"anxiety\"").is_err());
    }

    #[test]
    fn lookup_tells_listed_from_free_typed_codes() {
        let list = list();
        match list.lookup("f43.12").unwrap() {
            CodeLookup::Found(entry) => {
                assert_eq!(
                    entry.description(),
                    "Post-traumatic stress disorder, chronic"
                )
            }
            CodeLookup::NotFound => panic!("F43.12 is in the list"),
        }
        // Well-formed but from another chapter: still usable, just not found.
        assert_eq!(list.lookup("R45.851").unwrap(), CodeLookup::NotFound);
        assert!(list.lookup("depression").is_err());
    }

    #[test]
    fn a_diagnosis_records_where_its_code_came_from() {
        let list = list();
        let listed = list.diagnosis("F411", "ignored").unwrap();
        assert_eq!(listed.code.as_str(), "F41.1");
        assert_eq!(listed.description, "Generalized anxiety disorder");
        assert!(listed.in_list());
        assert_eq!(listed.code_set_year(), Some(2026));
        assert_eq!(
            listed.origin,
            CodeOrigin::InList {
                year: 2026,
                billable: true
            }
        );
        let header = list.diagnosis("F41", "").unwrap();
        assert_eq!(
            header.origin,
            CodeOrigin::InList {
                year: 2026,
                billable: false
            }
        );

        let free = list.diagnosis("r45.851", " Suicidal ideations ").unwrap();
        assert_eq!(free.code.as_str(), "R45.851");
        assert_eq!(free.description, "Suicidal ideations");
        assert!(!free.in_list());
        assert_eq!(free.code_set_year(), None);

        let json = serde_json::to_string(&listed).unwrap();
        assert_eq!(
            json,
            r#"{"code":"F41.1","description":"Generalized anxiety disorder","origin":"in_list","year":2026,"billable":true}"#
        );
        assert_eq!(
            serde_json::from_str::<CodedDiagnosis>(&json).unwrap(),
            listed
        );
        let json = serde_json::to_string(&free).unwrap();
        assert_eq!(
            json,
            r#"{"code":"R45.851","description":"Suicidal ideations","origin":"not_in_list"}"#
        );
        assert_eq!(serde_json::from_str::<CodedDiagnosis>(&json).unwrap(), free);

        let client = listed.to_client_diagnosis(true);
        assert_eq!(
            client,
            Diagnosis::new("F41.1", "Generalized anxiety disorder", true).unwrap()
        );
    }

    #[test]
    fn searching_by_code_puts_the_exact_code_first_then_the_codes_under_it() {
        let list = list();
        assert_eq!(
            codes(&list.search("f43.1", 10)),
            ["F43.1", "F43.10", "F43.11", "F43.12"]
        );
        assert_eq!(codes(&list.search("F431", 2)), ["F43.1", "F43.10"]);
        let found = list.search("z63", 3);
        assert_eq!(found[0].kind, MatchKind::ExactCode);
        assert_eq!(found[1].kind, MatchKind::CodePrefix);
        assert_eq!(codes(&found), ["Z63", "Z63.0", "Z63.1"]);
        // A code that is only a prefix has no exact match, only the codes under it.
        let found = list.search("F3", 500);
        assert!(found.iter().all(|m| m.kind == MatchKind::CodePrefix));
        assert!(found
            .iter()
            .all(|m| m.entry.code.as_str().starts_with("F3")));
        assert_eq!(found[0].entry.code.as_str(), "F30");
        assert!(list.search("F00", 10).is_empty());
    }

    #[test]
    fn searching_by_words_needs_every_word_in_any_order() {
        let list = list();
        let found = list.search("anxiety generalized", 5);
        assert_eq!(found[0].entry.code.as_str(), "F41.1");
        assert!(found.iter().all(|m| m.kind == MatchKind::Words));
        let found = list.search("Gen ANX", 5);
        assert_eq!(found[0].entry.code.as_str(), "F41.1");
        // Words must start a word: "xiety" is inside "anxiety" but starts nothing.
        assert!(list.search("xiety", 5).is_empty());
        assert!(list.search("anxiety zebra", 5).is_empty());
        for m in list.search("major depressive recurrent", 50) {
            let d = m.entry.description().to_lowercase();
            assert!(
                d.contains("major depressive") && d.contains("recurrent"),
                "{d}"
            );
        }
    }

    #[test]
    fn billable_and_shorter_descriptions_rank_first_among_word_matches() {
        let list = list();
        let found = list.search("partner", 50);
        let first_header = found.iter().position(|m| !m.entry.is_billable());
        let last_billable = found.iter().rposition(|m| m.entry.is_billable());
        if let (Some(h), Some(b)) = (first_header, last_billable) {
            assert!(b < h, "billable codes come before headers");
        }
        assert_eq!(found[0].entry.code.as_str(), "Z63.0");
    }

    #[test]
    fn abbreviations_and_british_spellings_find_the_official_wording() {
        let list = list();
        assert_eq!(
            list.search("PTSD chronic", 5)[0].entry.code.as_str(),
            "F43.12"
        );
        assert_eq!(list.search("gad", 5)[0].entry.code.as_str(), "F41.1");
        assert!(codes(&list.search("adhd", 10)).contains(&"F90.0".to_owned()));
        assert!(codes(&list.search("ocd", 10)).contains(&"F42.9".to_owned()));
        assert!(!list.search("behavioural disturbance", 5).is_empty());
        assert!(!list.search("alcohol counselling", 5).is_empty());
    }

    #[test]
    fn empty_queries_and_limits() {
        let list = list();
        assert!(list.search("  ", 10).is_empty());
        assert!(list.search("anxiety", 0).is_empty());
        assert_eq!(list.search("disorder", 7).len(), 7);
    }

    #[test]
    fn damaged_files_are_refused_with_the_line() {
        let head = "#psynotes-icd10cm\t1\n#year\t2026\n";
        assert_eq!(
            CodeList::parse("code\tdescription\n"),
            Err(CodeListError::UnknownFormat)
        );
        assert_eq!(CodeList::parse(""), Err(CodeListError::UnknownFormat));
        assert_eq!(
            CodeList::parse("#psynotes-icd10cm\t1\nF41.1\tB\tGAD\n"),
            Err(CodeListError::MissingYear)
        );
        for (bad, line) in [
            ("F41.1\tB\n", 3),
            ("F41.1\tX\tGAD\n", 3),
            ("F41.1\tB\t \n", 3),
            ("F41.1\tB\tGAD\textra\n", 3),
            ("anxiety\tB\tGAD\n", 3),
            ("f41.1\tB\tGAD\n", 3),
            ("F411\tB\tGAD\n", 3),
            ("F41\tH\tOther\n#year\tsoon\n", 4),
            ("#note without a tab\n", 3),
        ] {
            assert_eq!(
                CodeList::parse(&format!("{head}{bad}")),
                Err(CodeListError::DamagedLine { line }),
                "{bad:?}"
            );
        }
        assert_eq!(
            CodeList::parse(&format!("{head}F41.1\tB\tGAD\nF41.1\tB\tGAD\n")),
            Err(CodeListError::DuplicateCode {
                code: "F41.1".into()
            })
        );
        // Unknown metadata and blank lines are fine; Windows line ends too.
        let list = CodeList::parse(
            "#psynotes-icd10cm\t1\r\n#year\t2027\r\n#new-key\tx\r\n\r\nF41.1\tB\tGAD\r\n",
        )
        .unwrap();
        assert_eq!((list.year(), list.len()), (2027, 1));
    }
}
