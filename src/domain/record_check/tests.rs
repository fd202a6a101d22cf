use super::*;

const CORPUS: &str = include_str!("corpus.tsv");

struct Case {
    line: usize,
    note: NoteKind,
    expect: Option<Category>,
    sentence: &'static str,
}

fn corpus() -> Vec<Case> {
    CORPUS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "corpus line {}: {line:?}", index + 1);
            let note = match fields[0] {
                "psychotherapy" => NoteKind::PsychotherapyNote,
                "progress" => NoteKind::ProgressNote,
                other => panic!("corpus line {}: unknown note {other:?}", index + 1),
            };
            let expect = match fields[1] {
                "pass" => None,
                key => Some(
                    *Category::ALL
                        .iter()
                        .find(|c| c.key() == key)
                        .unwrap_or_else(|| panic!("corpus line {}: unknown {key:?}", index + 1)),
                ),
            };
            Case {
                line: index + 1,
                note,
                expect,
                sentence: fields[2],
            }
        })
        .collect()
}

#[test]
fn the_corpus_is_large_enough_in_each_direction() {
    let cases = corpus();
    for note in [NoteKind::PsychotherapyNote, NoteKind::ProgressNote] {
        let flag = cases
            .iter()
            .filter(|c| c.note == note && c.expect.is_some())
            .count();
        let pass = cases
            .iter()
            .filter(|c| c.note == note && c.expect.is_none())
            .count();
        assert!(
            flag >= 40 && pass >= 40,
            "{note:?}: {flag} to flag, {pass} to pass"
        );
    }
    // Every category is exercised, each in the note it is checked in.
    for category in Category::ALL {
        assert!(
            cases
                .iter()
                .any(|c| c.expect == Some(category) && c.note == category.checked_in()),
            "{category:?} has no example"
        );
    }
}

#[test]
fn every_corpus_sentence_is_flagged_or_passed_as_expected() {
    let mut failures = Vec::new();
    for case in corpus() {
        let findings = check(case.sentence, case.note);
        let found: Vec<Category> = findings.iter().map(|f| f.category).collect();
        let ok = match case.expect {
            None => found.is_empty(),
            Some(category) => found.contains(&category),
        };
        if !ok {
            let cues: Vec<&str> = findings.iter().map(|f| f.cue.of(case.sentence)).collect();
            failures.push(format!(
                "line {}: expected {:?}, found {found:?} (cues {cues:?}): {}",
                case.line, case.expect, case.sentence
            ));
        }
        for finding in &findings {
            // One sentence in, that sentence out, with the cue inside it.
            assert_eq!(finding.sentence.of(case.sentence), case.sentence.trim());
            assert!(finding.sentence.start <= finding.cue.start);
            assert!(finding.cue.end <= finding.sentence.end);
            assert!(!finding.cue.of(case.sentence).is_empty());
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_whole_note_is_split_and_each_flagged_sentence_found_in_place() {
    for note in [NoteKind::PsychotherapyNote, NoteKind::ProgressNote] {
        let cases: Vec<Case> = corpus().into_iter().filter(|c| c.note == note).collect();
        let text = cases
            .iter()
            .map(|c| c.sentence)
            .collect::<Vec<_>>()
            .join(" ");
        let spans = sentences(&text);
        let split: Vec<&str> = spans.iter().map(|s| s.of(&text)).collect();
        let expected: Vec<&str> = cases.iter().map(|c| c.sentence).collect();
        assert_eq!(split, expected, "{note:?}");
        let flagged: BTreeSet<&str> = check(&text, note)
            .iter()
            .map(|f| f.sentence.of(&text))
            .collect();
        let expected: BTreeSet<&str> = cases
            .iter()
            .filter(|c| c.expect.is_some())
            .map(|c| c.sentence)
            .collect();
        assert_eq!(flagged, expected, "{note:?}");
    }
}

#[test]
fn each_note_is_checked_only_for_its_own_categories() {
    let text = "Sertraline 50 mg daily. I felt tired listening to her.";
    let psychotherapy: Vec<Category> = check(text, NoteKind::PsychotherapyNote)
        .iter()
        .map(|f| f.category)
        .collect();
    assert_eq!(psychotherapy, [Category::Medication]);
    let progress: Vec<Category> = check(text, NoteKind::ProgressNote)
        .iter()
        .map(|f| f.category)
        .collect();
    assert_eq!(progress, [Category::Countertransference]);
    for category in Category::ALL {
        assert_ne!(category.checked_in(), category.belongs_in());
    }
}

#[test]
fn one_sentence_can_have_several_findings_in_category_order() {
    let text = "Sertraline 50 mg started; PHQ-9 was 18 and sleep is poor.";
    let found: Vec<Category> = check(text, NoteKind::PsychotherapyNote)
        .iter()
        .map(|f| f.category)
        .collect();
    assert_eq!(
        found,
        [
            Category::Medication,
            Category::TestResults,
            Category::Symptoms
        ]
    );
}

#[test]
fn every_finding_explains_itself_and_cites_the_rule() {
    for category in Category::ALL {
        assert!(category.rule().starts_with("45 CFR 164.501"));
        assert!(!category.label().is_empty());
        let why = category.why();
        match category.belongs_in() {
            NoteKind::ProgressNote => assert!(why.contains("progress note"), "{category:?}"),
            NoteKind::PsychotherapyNote => {
                assert!(why.contains("psychotherapy note"), "{category:?}")
            }
        }
        let json = serde_json::to_string(&category).unwrap();
        assert_eq!(json, format!("\"{}\"", category.key()));
    }
    let finding = &check("Prognosis is good.", NoteKind::PsychotherapyNote)[0];
    assert_eq!(finding.why(), Category::Prognosis.why());
    assert_eq!(finding.rule(), Category::Prognosis.rule());
    assert_eq!(finding.belongs_in(), NoteKind::ProgressNote);
}

#[test]
fn finding_keys_survive_edits_elsewhere_but_not_to_the_sentence() {
    let before = "She spoke of her father. Client reports sleeping poorly.";
    let after = "New opening line here.\nShe spoke at length of her father.  Client  reports SLEEPING\tpoorly.";
    let edited = "She spoke of her father. Client reports sleeping poorly again.";
    let key = |text: &str| check(text, NoteKind::PsychotherapyNote)[0].key.clone();
    assert_eq!(key(before), key(after), "spacing and case are normalised");
    assert_ne!(key(before), key(edited));
    assert_eq!(key(before).as_str().len(), 16);
    assert_ne!(
        FindingKey::new(Category::Symptoms, "x"),
        FindingKey::new(Category::Progress, "x")
    );
    // The key is a digest, never the text.
    assert!(!key(before).as_str().contains("sleep"));
}

#[test]
fn dismissals_hide_one_sentence_and_are_pruned_when_it_is_gone() {
    let text = "Client reports sleeping poorly. PHQ-9 was 14.";
    let findings = check(text, NoteKind::PsychotherapyNote);
    assert_eq!(findings.len(), 2);
    let mut dismissed = Dismissals::default();
    dismissed.dismiss(&findings[0]);
    assert!(dismissed.is_dismissed(&findings[0]));
    let visible = dismissed.visible(&findings);
    assert_eq!(visible.len(), 1);
    assert_eq!(visible[0].category, Category::TestResults);

    // Still dismissed after text is added before it.
    let longer = format!("She looked away. {text}");
    let again = check(&longer, NoteKind::PsychotherapyNote);
    assert_eq!(dismissed.visible(&again).len(), 1);

    let json = serde_json::to_string(&dismissed).unwrap();
    assert_eq!(
        serde_json::from_str::<Dismissals>(&json).unwrap(),
        dismissed
    );

    dismissed.prune(&again);
    assert_eq!(dismissed.len(), 1);
    dismissed.prune(&check("PHQ-9 was 14.", NoteKind::PsychotherapyNote));
    assert!(dismissed.is_empty());

    dismissed.dismiss(&findings[1]);
    dismissed.restore(&findings[1]);
    assert!(dismissed.is_empty());
}

#[test]
fn a_flagged_sentence_can_be_moved_to_the_other_note() {
    let psychotherapy =
        "She talked about the wedding. Sertraline was raised to 100 mg. I felt sad.";
    let progress = "Client attended the full session.";
    let finding = &check(psychotherapy, NoteKind::PsychotherapyNote)[0];
    let (left, moved) = take_sentence(psychotherapy, finding.sentence);
    assert_eq!(left, "She talked about the wedding. I felt sad.");
    assert_eq!(moved, "Sertraline was raised to 100 mg.");
    assert_eq!(
        append_sentence(progress, &moved),
        "Client attended the full session.\nSertraline was raised to 100 mg."
    );
    assert!(check(&left, NoteKind::PsychotherapyNote).is_empty());
}

#[test]
fn empty_and_odd_text_does_not_panic() {
    for text in [
        "", "   ", "\n\n", "...", "!?", "—", "2:", ":00", "mg", "F", "I",
    ] {
        for note in [NoteKind::PsychotherapyNote, NoteKind::ProgressNote] {
            let _ = check(text, note);
        }
    }
    let text = "Élodie prend 20 mg de sertraline. 不安が強い。 Zoë felt I felt.";
    for note in [NoteKind::PsychotherapyNote, NoteKind::ProgressNote] {
        for finding in check(text, note) {
            assert!(text.is_char_boundary(finding.cue.start));
            assert!(text.is_char_boundary(finding.cue.end));
        }
    }
}

#[test]
fn a_moved_sentence_goes_where_a_clinician_would_write_it() {
    use crate::domain::Template;
    let key =
        |c: Category, t: Template| c.progress_note_section(t.sections()).unwrap().key.as_ref();
    assert_eq!(key(Category::Medication, Template::Soap), "subjective");
    assert_eq!(key(Category::TestResults, Template::Soap), "objective");
    assert_eq!(key(Category::Prognosis, Template::Dap), "assessment");
    assert_eq!(key(Category::TreatmentPlan, Template::Birp), "plan");
    assert_eq!(
        key(Category::ModalityFrequency, Template::Girp),
        "intervention"
    );
    assert_eq!(key(Category::Diagnosis, Template::Birp), "response");
    // Every category lands in a section the template has.
    for template in Template::ALL {
        for category in Category::ALL {
            match category.progress_note_section(template.sections()) {
                Some(section) => assert!(template.section(&section.key).is_some()),
                None => assert!(template.is_document(), "{template}"),
            }
        }
    }
}
