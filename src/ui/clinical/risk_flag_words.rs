//! A questionnaire's risk flag in words, and which signed note counts as
//! having addressed it: shared by the record's banner, the next note's risk
//! section and each result in full, so all three say the same.

use crate::domain::measure::{MeasureResult, RiskFinding, RiskFlag};
use crate::domain::Date;

/// A risk flag in words: "PHQ-9 on 2025-06-15: item 9 answered “Several
/// days”." and what to do about it.
pub fn flag_line(result: &MeasureResult, flag: &RiskFlag) -> String {
    let answer = match &flag.finding {
        RiskFinding::Endorsed { answer, .. } => format!("answered \u{201c}{answer}\u{201d}"),
        _ => "not answered".to_owned(),
    };
    format!(
        "{} on {}: item {} {answer}. {}",
        result.measure_name(),
        result.administered_on(),
        flag.item_number(),
        flag.message
    )
}

/// The date up to which a signed note dated `note` counts as having addressed
/// results: the day before it. Dates carry no time, and a questionnaire given
/// after a note signed the same day must not lose its flag; showing a flag
/// once too often is the safe side.
pub fn addressed_before(note: Option<Date>) -> Option<Date> {
    note.and_then(|d| d.add_days(-1))
}
