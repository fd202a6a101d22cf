//! A note's sections in the order a reader expects, shared by every format.
//!
//! Notes store section text by key in a map (key order). A reader wants them in
//! the template's order, with their labels. Text left under a key the template
//! does not have (a draft whose template was changed) is still part of the stored
//! note, so it follows, labelled as well as we can, rather than being dropped from
//! a right-of-access export.
//!
//! Labels come from the note's [`NoteWording`]: a signed note keeps the labels
//! it was signed with, so a later rename in the app never changes it.

use crate::domain::{NoteWording, ProgressNoteDraft};

/// One section of a note, ready to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SectionText<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub text: &'a str,
}

/// Every section of the template, in template order (empty text when nothing was
/// written), then any other stored section, in key order.
pub(super) fn ordered_sections<'a>(
    note: &'a ProgressNoteDraft,
    wording: &'a NoteWording<'_>,
) -> Vec<SectionText<'a>> {
    let in_template = note.template_sections().iter().map(|section| SectionText {
        key: &section.key,
        label: wording.section_label(note, &section.key),
        text: note.section(&section.key),
    });
    let others = note
        .sections
        .iter()
        .filter(|(key, _)| note.template_section(key).is_none())
        .map(|(key, text)| SectionText {
            key,
            label: wording.section_label(note, key),
            text,
        });
    in_template.chain(others).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ProgressNote, Template};
    use crate::export::fixtures::{client, draft};

    fn current(note: &ProgressNoteDraft) -> NoteWording<'static> {
        match ProgressNote::Draft(note.clone()).wording(&client()) {
            NoteWording::Current(wording) => NoteWording::Current(wording),
            NoteWording::Signed(_) => unreachable!("a draft's wording is current"),
        }
    }

    #[test]
    fn template_order_first_then_leftovers() {
        let mut note = draft("n", "2024-03-05");
        note.template = Template::Dap;
        note.set_section("data", "Data text.");
        let wording = current(&note);
        let sections = ordered_sections(&note, &wording);
        let keys: Vec<&str> = sections.iter().map(|s| s.key).collect();
        // DAP's data, assessment, plan; then SOAP's objective and subjective, left
        // over from before the template change, in key order.
        assert_eq!(
            keys,
            ["data", "assessment", "plan", "objective", "subjective"]
        );
        assert_eq!(sections[0].label, "Data");
        assert_eq!(sections[0].text, "Data text.");
        assert_eq!(sections[4].label, "Subjective");
        assert!(sections[4].text.starts_with("Client reports"));
    }

    #[test]
    fn an_unwritten_section_is_present_and_empty() {
        let mut note = draft("n", "2024-03-05");
        note.sections.clear();
        let wording = current(&note);
        let sections = ordered_sections(&note, &wording);
        assert_eq!(sections.len(), 4);
        assert!(sections.iter().all(|s| s.text.is_empty()));
    }
}
