//! One questionnaire result in full: who gave it and how, every item with the
//! client's answer, the follow-up question, and its risk flags. The Measures
//! tab shows it behind each result's summary; the printed record shows it
//! whole, so a copy sent to another provider hides no positive item.

use leptos::prelude::*;

use crate::domain::measure::{self, MeasureResult};

use super::risk_flag_words::flag_line;

/// "2026-11-30 09:14 · PHQ-9 score: 13, moderate": a result in one line.
pub fn result_summary(result: &MeasureResult) -> String {
    let band = result
        .band()
        .map(|b| format!(", {}", b.to_lowercase()))
        .unwrap_or_default();
    format!(
        "{} {} \u{b7} {}{band}",
        result.administered_on(),
        local_time(result.completed_at().0),
        result.score_line()
    )
}

/// The time of day of an instant (Unix ms) where the clinician is.
fn local_time(at_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Every answer of `result`, as a table, with the facts around it.
#[component]
pub fn ResultAnswers(
    /// The result shown.
    result: MeasureResult,
) -> impl IntoView {
    let definition = measure::definition(result.measure_key(), result.measure_version());
    let items = definition
        .and_then(|d| result.answered_items(d))
        .unwrap_or_default();
    let follow_up = definition.and_then(|d| Some((d.follow_up?.text, result.follow_up_answer(d))));
    let flags: Vec<String> = result
        .risk_flags()
        .iter()
        .map(|flag| flag_line(&result, flag))
        .collect();
    let facts = format!(
        "Given by {} \u{b7} {}",
        result.administered_by(),
        result.mode().label()
    );
    view! {
        <div class="result-answers">
            <p class="result-answers__facts">{facts}</p>
            {(!flags.is_empty()).then(|| view! {
                <ul class="result-answers__flags">
                    {flags.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                </ul>
            })}
            <table class="measure-table result-answers__table">
                <caption>{format!("{} answers", result.measure_name())}</caption>
                <thead>
                    <tr><th scope="col">"Item"</th><th scope="col">"Question"</th><th scope="col">"Answer"</th></tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! {
                        <tr>
                            <th scope="row">{item.number}</th>
                            <td>{item.text}</td>
                            <td>{item.answer.map_or_else(
                                || "Not answered".to_owned(),
                                |(words, value)| format!("{words} ({value})"),
                            )}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {follow_up.map(|(text, answer)| view! {
                <p class="result-answers__follow-up">
                    {text} " " <strong>{answer.unwrap_or("Not answered")}</strong>
                </p>
            })}
        </div>
    }
}
