//! Which progress notes an export contains, and in what order.
//!
//! One function, shared by every format, so the JSON file and the printed record
//! of the same request always hold the same notes.

use super::ExportOptions;
use crate::domain::measure::MeasureResult;
use crate::domain::{ClientId, ProgressNote, TreatmentPlan};

/// The notes an export should contain:
/// - only `client`'s notes when a client is given, every client's otherwise;
/// - signed notes always, drafts only when `options.include_drafts` is set;
/// - only notes whose date of service is inside `options.range` (inclusive);
///   a note with no date of service only when the range is open at both ends,
///   because it cannot be placed inside a bounded range;
/// - sorted by date of service, then id (so the order is the same every time),
///   with undated notes last.
pub fn select<'a>(
    notes: &'a [ProgressNote],
    client: Option<&ClientId>,
    options: &ExportOptions,
) -> Vec<&'a ProgressNote> {
    let mut selected: Vec<&ProgressNote> = notes
        .iter()
        .filter(|note| client.is_none_or(|client| note.client_id() == client))
        .filter(|note| note.is_signed() || options.include_drafts)
        .filter(|note| match note.date_of_service() {
            Some(date) => options.range.contains(date),
            None => options.range.is_open(),
        })
        .collect();
    selected.sort_by(|a, b| {
        let key = |note: &ProgressNote| (note.date_of_service().is_none(), note.date_of_service());
        key(a).cmp(&key(b)).then_with(|| a.id().cmp(b.id()))
    });
    selected
}

/// The questionnaire results an export should contain: `client`'s (every
/// client's when none is given) given inside `options.range`, in the order they
/// were given. Unfinished questionnaires are never results, so never exported.
pub fn select_results<'a>(
    results: &'a [MeasureResult],
    client: Option<&ClientId>,
    options: &ExportOptions,
) -> Vec<&'a MeasureResult> {
    let mut selected: Vec<&MeasureResult> = results
        .iter()
        .filter(|r| client.is_none_or(|client| r.client_id() == client))
        .filter(|r| options.range.contains(r.administered_on()))
        .collect();
    selected.sort_by(|a, b| {
        (a.administered_on(), a.completed_at(), a.id()).cmp(&(
            b.administered_on(),
            b.completed_at(),
            b.id(),
        ))
    });
    selected
}

/// The treatment plans an export should contain: `client`'s (every client's
/// when none is given), in client order. A plan is part of its client's
/// record whatever the export's date range.
pub fn select_plans<'a>(
    plans: &'a [TreatmentPlan],
    client: Option<&ClientId>,
) -> Vec<&'a TreatmentPlan> {
    let mut selected: Vec<&TreatmentPlan> = plans
        .iter()
        .filter(|p| client.is_none_or(|client| p.client_id() == client))
        .collect();
    selected.sort_by(|a, b| a.client_id().as_str().cmp(b.client_id().as_str()));
    selected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fixtures::*;
    use crate::export::DateRange;

    fn ids(notes: &[&ProgressNote]) -> Vec<String> {
        notes.iter().map(|n| n.id().as_str().to_owned()).collect()
    }

    fn notes() -> Vec<ProgressNote> {
        vec![
            ProgressNote::Signed(signed("s-mar", "2024-03-31")),
            ProgressNote::Draft(draft("d-feb", "2024-02-10")),
            ProgressNote::Signed(signed("s-jan-b", "2024-01-01")),
            ProgressNote::Signed(signed("s-jan-a", "2024-01-01")),
            ProgressNote::Signed(signed("s-dec", "2023-12-31")),
            ProgressNote::Signed(signed("s-apr", "2024-04-01")),
            undated_draft("d-undated"),
            other_clients_note("other", "2024-02-01"),
        ]
    }

    fn options(from: Option<&str>, to: Option<&str>, include_drafts: bool) -> ExportOptions {
        ExportOptions {
            range: DateRange {
                from: from.map(date),
                to: to.map(date),
            },
            include_drafts,
        }
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for() {
        let notes = notes();
        let client = client();
        let without = select(&notes, Some(&client.id), &options(None, None, false));
        assert_eq!(
            ids(&without),
            ["s-dec", "s-jan-a", "s-jan-b", "s-mar", "s-apr"]
        );
        assert!(without.iter().all(|n| n.is_signed()));

        let with = select(&notes, Some(&client.id), &options(None, None, true));
        assert_eq!(
            ids(&with),
            [
                "s-dec",
                "s-jan-a",
                "s-jan-b",
                "d-feb",
                "s-mar",
                "s-apr",
                "d-undated"
            ]
        );
    }

    #[test]
    fn the_date_range_is_inclusive_at_both_ends() {
        let notes = notes();
        let client = client();
        let q1 = select(
            &notes,
            Some(&client.id),
            &options(Some("2024-01-01"), Some("2024-03-31"), true),
        );
        // 2023-12-31 and 2024-04-01 fall just outside; the undated draft cannot be
        // placed inside a bounded range.
        assert_eq!(ids(&q1), ["s-jan-a", "s-jan-b", "d-feb", "s-mar"]);

        let from = select(
            &notes,
            Some(&client.id),
            &options(Some("2024-03-31"), None, true),
        );
        assert_eq!(ids(&from), ["s-mar", "s-apr"]);
        let to = select(
            &notes,
            Some(&client.id),
            &options(None, Some("2023-12-31"), true),
        );
        assert_eq!(ids(&to), ["s-dec"]);
    }

    #[test]
    fn the_practice_scope_takes_every_client() {
        let notes = notes();
        let all = select(&notes, None, &options(None, None, true));
        assert_eq!(all.len(), notes.len());
        assert!(ids(&all).contains(&"other".to_owned()));
        let one = select(&notes, Some(&client().id), &options(None, None, true));
        assert!(!ids(&one).contains(&"other".to_owned()));
    }

    #[test]
    fn a_reversed_range_selects_nothing() {
        let notes = notes();
        let none = select(
            &notes,
            None,
            &options(Some("2024-03-01"), Some("2024-02-01"), true),
        );
        assert!(none.is_empty());
    }
}
