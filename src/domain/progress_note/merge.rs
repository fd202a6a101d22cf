//! Three-way merge of two edits of one draft.
//!
//! When a draft was saved elsewhere (another tab, another device) while this
//! editor had it open, both edits started from the same version: the *base*.
//! Field by field, a change on one side only is taken; the same change on both
//! sides is taken once; different changes to the same field are a *clash*,
//! which only the clinician can settle. Nothing typed on either side is
//! dropped: where fields clash, the merge keeps this side's text and names the
//! field, and the caller shows both versions.
//!
//! Sections merge one by one, and so do the two risk questions, so a subjective
//! written in one tab and an objective in another merge cleanly.

use std::collections::BTreeSet;

use super::ProgressNoteDraft;
use crate::domain::RiskAssessment;

/// The result of [`merge_drafts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftMerge {
    /// Both edits combined; where fields clash, this side's value.
    pub merged: ProgressNoteDraft,
    /// The labels of the fields changed differently on both sides, in form order.
    pub clashes: Vec<String>,
}

impl DraftMerge {
    /// Whether the merge needs nobody to decide anything.
    pub fn is_clean(&self) -> bool {
        self.clashes.is_empty()
    }
}

/// Merges `mine` and `theirs`, two edits of `base` (see the module doc).
///
/// The merged note keeps the base's id, client and creation time, and the
/// later of the two edit times.
pub fn merge_drafts(
    base: &ProgressNoteDraft,
    mine: &ProgressNoteDraft,
    theirs: &ProgressNoteDraft,
) -> DraftMerge {
    let mut clashes = Vec::new();
    let mut merged = mine.clone();
    {
        let mut field = |label: &str, pick: &mut dyn FnMut(&mut ProgressNoteDraft) -> Side| {
            if pick(&mut merged) == Side::Clash {
                clashes.push(label.to_owned());
            }
        };
        macro_rules! scalar {
            ($label:expr, $($f:tt)+) => {
                field($label, &mut |m| take(&mut m.$($f)+, &base.$($f)+, &mine.$($f)+, &theirs.$($f)+))
            };
        }
        scalar!("Template", template);
        // The template's version travels with it (a clash of both is said once, below).
        scalar!("Template", custom_template);
        scalar!(ProgressNoteDraft::DATE_OF_SERVICE_LABEL, date_of_service);
        scalar!(ProgressNoteDraft::START_LABEL, start);
        scalar!(ProgressNoteDraft::END_LABEL, end);
        scalar!(ProgressNoteDraft::CROSSES_MIDNIGHT_LABEL, crosses_midnight);
        scalar!(ProgressNoteDraft::SERVICE_CODE_LABEL, service_code);
        scalar!(ProgressNoteDraft::PLACE_OF_SERVICE_LABEL, place_of_service);
        scalar!("Participants", participants);
        scalar!(ProgressNoteDraft::DIAGNOSES_LABEL, diagnoses_addressed);
        scalar!(ProgressNoteDraft::GOALS_LABEL, goals_addressed);
        scalar!(ProgressNoteDraft::MEASURE_RESULTS_LABEL, measure_results);
        scalar!(RiskAssessment::SUICIDAL_LABEL, risk.suicidal);
        scalar!(RiskAssessment::HOMICIDAL_LABEL, risk.homicidal);
        scalar!(RiskAssessment::SAFETY_PLAN_LABEL, risk.safety_plan);
        scalar!("Late entry reason", late_entry_reason);
        scalar!(super::CourseDocument::LABEL, document);
    }
    clashes.dedup();
    merged
        .record_check_dismissed
        .extend(&theirs.record_check_dismissed);
    for (key, label) in &theirs.earlier_labels {
        merged
            .earlier_labels
            .entry(key.clone())
            .or_insert_with(|| label.clone());
    }

    let keys: BTreeSet<&String> = base
        .sections
        .keys()
        .chain(mine.sections.keys())
        .chain(theirs.sections.keys())
        .collect();
    let mut section_clashes = Vec::new();
    for key in keys {
        let mut text = mine.section(key).to_owned();
        let side = take(
            &mut text,
            &base.section(key).to_owned(),
            &mine.section(key).to_owned(),
            &theirs.section(key).to_owned(),
        );
        if side == Side::Clash {
            section_clashes.push(key.clone());
        }
        if text.is_empty() && !mine.sections.contains_key(key) && !theirs.sections.contains_key(key)
        {
            continue;
        }
        merged.sections.insert(key.clone(), text);
    }
    // Sections are named by the template's labels, in its order, after the
    // facts above (the form shows them in that order too).
    let mut ordered: Vec<(usize, String)> = section_clashes
        .into_iter()
        .map(|key| {
            let position = merged
                .template_sections()
                .iter()
                .position(|s| s.key == key)
                .unwrap_or(usize::MAX);
            let label = merged.label_of(&key).to_owned();
            (position, label)
        })
        .collect();
    ordered.sort();
    clashes.extend(ordered.into_iter().map(|(_, label)| label));

    merged.id = base.id.clone();
    merged.client_id = base.client_id.clone();
    merged.created_at = base.created_at;
    merged.updated_at = mine.updated_at.max(theirs.updated_at);
    DraftMerge { merged, clashes }
}

/// What was typed into the form after `signed` was sealed, as the start of an
/// addendum: for each section whose text changed, the text added at its end
/// (or the whole new text if it was rewritten), under the section's label.
/// `None` when nothing was typed after sealing.
///
/// A signed note is never edited, so these words belong in an addendum; this
/// keeps them for the clinician to review and sign rather than losing them.
pub fn typed_after_signing(
    signed: &ProgressNoteDraft,
    current: &ProgressNoteDraft,
) -> Option<String> {
    let mut parts = Vec::new();
    // The template's sections in its order, then any others.
    let mut keys: Vec<&str> = current
        .template_sections()
        .iter()
        .map(|s| s.key.as_ref())
        .collect();
    let others: BTreeSet<&str> = signed
        .sections
        .keys()
        .chain(current.sections.keys())
        .map(String::as_str)
        .filter(|k| !keys.contains(k))
        .collect();
    keys.extend(others);
    for key in keys {
        let before = signed.section(key);
        let after = current.section(key);
        if before == after {
            continue;
        }
        let added = after.strip_prefix(before).unwrap_or(after).trim();
        if added.is_empty() {
            continue;
        }
        let label = current.label_of(key);
        parts.push(format!("{label}: {added}"));
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

#[derive(Debug, PartialEq, Eq)]
enum Side {
    Same,
    Mine,
    Theirs,
    Clash,
}

/// Sets `out` to the merged value of one field.
fn take<T: Clone + PartialEq>(out: &mut T, base: &T, mine: &T, theirs: &T) -> Side {
    if mine == theirs {
        *out = mine.clone();
        Side::Same
    } else if mine == base {
        *out = theirs.clone();
        Side::Theirs
    } else if theirs == base {
        *out = mine.clone();
        Side::Mine
    } else {
        *out = mine.clone();
        Side::Clash
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::{Ideation, ServiceCode, Timestamp};

    #[test]
    fn edits_to_different_sections_both_survive() {
        let base = complete_draft();
        let mut mine = base.clone();
        mine.set_section("objective", "Objective from tab B.");
        mine.updated_at = Timestamp(base.updated_at.0 + 10);
        let mut theirs = base.clone();
        theirs.set_section("subjective", "Subjective from tab A.");
        theirs.updated_at = Timestamp(base.updated_at.0 + 20);
        let merge = merge_drafts(&base, &mine, &theirs);
        assert!(merge.is_clean(), "{:?}", merge.clashes);
        assert_eq!(merge.merged.section("objective"), "Objective from tab B.");
        assert_eq!(merge.merged.section("subjective"), "Subjective from tab A.");
        assert_eq!(merge.merged.updated_at, theirs.updated_at);
    }

    #[test]
    fn the_same_field_changed_differently_is_a_clash_that_keeps_mine() {
        let base = complete_draft();
        let mut mine = base.clone();
        mine.set_section("plan", "Mine.");
        mine.service_code = Some(ServiceCode::Cpt90837);
        let mut theirs = base.clone();
        theirs.set_section("plan", "Theirs.");
        theirs.service_code = Some(ServiceCode::Cpt90832);
        let merge = merge_drafts(&base, &mine, &theirs);
        assert_eq!(merge.clashes, ["Service code", "Plan"]);
        assert_eq!(merge.merged.section("plan"), "Mine.");
        assert_eq!(merge.merged.service_code, Some(ServiceCode::Cpt90837));
    }

    #[test]
    fn the_same_change_on_both_sides_is_not_a_clash() {
        let base = complete_draft();
        let mut mine = base.clone();
        mine.set_section("plan", "Same words.");
        let theirs = mine.clone();
        assert!(merge_drafts(&base, &mine, &theirs).is_clean());
    }

    #[test]
    fn risk_questions_merge_one_by_one() {
        let mut base = complete_draft();
        base.risk = Default::default();
        let mut mine = base.clone();
        mine.risk.suicidal = Some(Ideation::Denied);
        let mut theirs = base.clone();
        theirs.risk.homicidal = Some(Ideation::Denied);
        let merge = merge_drafts(&base, &mine, &theirs);
        assert!(merge.is_clean());
        assert!(merge.merged.risk_assessment().is_some());
    }

    #[test]
    fn a_section_added_on_one_side_is_kept() {
        let base = complete_draft();
        let mine = base.clone();
        let mut theirs = base.clone();
        theirs.set_section("data", "Text kept under another template.");
        let merge = merge_drafts(&base, &mine, &theirs);
        assert_eq!(
            merge.merged.section("data"),
            "Text kept under another template."
        );
    }

    #[test]
    fn text_typed_after_sealing_becomes_the_start_of_an_addendum() {
        let signed = complete_draft();
        let mut current = signed.clone();
        assert_eq!(typed_after_signing(&signed, &current), None);
        let subjective = format!(
            "{} Also mentioned trouble sleeping.",
            signed.section("subjective")
        );
        current.set_section("subjective", subjective);
        current.set_section("plan", "Rewritten plan.");
        assert_eq!(
            typed_after_signing(&signed, &current).as_deref(),
            Some("Subjective: Also mentioned trouble sleeping.\nPlan: Rewritten plan.")
        );
    }

    #[test]
    fn nothing_typed_on_either_side_is_lost() {
        // Every field of mine or theirs that differs from the base ends up in
        // the merge, or is named as a clash.
        let base = complete_draft();
        let mut mine = base.clone();
        let mut theirs = base.clone();
        mine.participants = "Client and partner".into();
        theirs.participants = "Client and mother".into();
        theirs.set_section("assessment", "Their assessment.");
        mine.late_entry_reason = "Power cut".into();
        let result = crate::domain::measure::fixtures::make(
            &crate::domain::measure::PHQ_9,
            &[Some(1); 9],
            "2024-03-05",
            1,
        );
        theirs.measure_results = vec![crate::domain::IncludedResult::of(&result)];
        let merge = merge_drafts(&base, &mine, &theirs);
        assert_eq!(merge.clashes, ["Participants"]);
        assert_eq!(merge.merged.section("assessment"), "Their assessment.");
        assert_eq!(merge.merged.late_entry_reason, "Power cut");
        assert_eq!(merge.merged.measure_results, theirs.measure_results);
        // Included on one side and another result on the other: a clash, named.
        mine.measure_results = vec![crate::domain::IncludedResult::of(
            &crate::domain::measure::fixtures::make(
                &crate::domain::measure::GAD_7,
                &[Some(1); 7],
                "2024-03-05",
                2,
            ),
        )];
        let merge = merge_drafts(&base, &mine, &theirs);
        assert_eq!(merge.clashes, ["Participants", "Questionnaire results"]);
    }
}
