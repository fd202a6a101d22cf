//! One measure's results over time, as a chart and as a table.
//!
//! The chart is SVG drawn here, not by a chart library: the app makes no
//! network request and loads no script but its own. What counts as a point and
//! as a meaningful change is decided by [`trend`]; this module only draws it.
//! The chart is one image to assistive technology (`role="img"`, named "PHQ-9
//! over time"); the table beside it carries the same facts for screen readers
//! and for paper.

use leptos::prelude::*;

use crate::domain::measure::{
    trend, MeaningfulChange, MeasureDefinition, MeasureResult, Outcome, Trend,
};
use crate::ui::wording::count;

// The drawing's own coordinates; the SVG scales to its container's width.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 240.0;
const PLOT_LEFT: f64 = 40.0;
// Right of the plot is room for the band labels, so they never sit under a point.
const PLOT_RIGHT: f64 = 470.0;
const PLOT_TOP: f64 = 12.0;
const PLOT_BOTTOM: f64 = 200.0;
// Points stay off the plot's edges, so their date labels fit.
const INSET: f64 = 24.0;
// About as many "2026-03-01" labels as fit the plot's width side by side.
const MAX_DATE_LABELS: usize = 6;
// The CSS has this many band shades, palest first.
const SHADES: usize = 5;

/// A client's results of one measure over time: an SVG chart drawn by the app
/// (no chart library, no network) with the severity bands shaded, every scored
/// result a point, and each clinically meaningful change between consecutive
/// results marked; beside it, a data table with the same facts for screen
/// readers and print.
#[component]
pub fn MeasureChart(
    /// The measure (any version: trend() includes every version of its key).
    definition: &'static MeasureDefinition,
    /// The client's results (of any measures; the component filters with `crate::domain::measure::trend`).
    results: Vec<MeasureResult>,
) -> impl IntoView {
    let over_time = trend(definition, &results);
    if over_time.points.is_empty() {
        return view! { <p class="empty">{format!("No {} results yet.", definition.name)}</p> }
            .into_any();
    }
    let threshold = definition.meaningful_change;
    let caption = format!(
        "A change of {} or more between consecutive results is marked as clinically meaningful ({}).",
        count(threshold.points, "point", "points"),
        threshold.source.trim_end_matches('.'),
    );
    view! {
        <figure class="measure-chart">
            {chart(&over_time)}
            <figcaption class="measure-chart__caption">{caption}</figcaption>
        </figure>
        {table(&over_time)}
    }
    .into_any()
}

/// Maps totals and result positions to the drawing's coordinates.
struct Scale {
    low: u32,
    high: u32,
    points: usize,
}

impl Scale {
    /// Higher totals are drawn higher. Out-of-range values stay on the plot.
    fn y(&self, total: f64) -> f64 {
        let span = f64::from(self.high.saturating_sub(self.low)).max(1.0);
        let share = ((total - f64::from(self.low)) / span).clamp(0.0, 1.0);
        PLOT_BOTTOM - share * (PLOT_BOTTOM - PLOT_TOP)
    }

    /// Evenly spaced, oldest left; a lone result sits in the middle.
    fn x(&self, slot: usize) -> f64 {
        let (left, right) = (PLOT_LEFT + INSET, PLOT_RIGHT - INSET);
        if self.points < 2 {
            return (left + right) / 2.0;
        }
        left + (right - left) * slot as f64 / (self.points - 1) as f64
    }
}

/// Which of `count` evenly spaced points get a date label: at most `max`,
/// always the first and the last, spread evenly between.
fn label_slots(count: usize, max: usize) -> Vec<usize> {
    if count <= max || max < 2 {
        return (0..count.min(max)).collect();
    }
    let mut slots: Vec<usize> = (0..max)
        .map(|k| (k * (count - 1) + (max - 1) / 2) / (max - 1))
        .collect();
    slots.dedup();
    slots
}

/// The CSS shade of band `index` of `bands`: spread over the palette, so
/// every measure's top band is the darkest whatever its number of bands.
fn band_shade(index: usize, bands: usize) -> usize {
    if bands < 2 {
        return 0;
    }
    (index * (SHADES - 1) + (bands - 1) / 2) / (bands - 1)
}

/// A coordinate as SVG text: one decimal is finer than any screen needs.
fn num(value: f64) -> String {
    format!("{value:.1}")
}

/// "Improvement of 6 points".
fn change_words(change: &MeaningfulChange) -> String {
    format!(
        "{} of {}",
        change.direction.label(),
        count(change.delta.unsigned_abs(), "point", "points")
    )
}

/// "12", "12 (prorated)" or "Incomplete".
fn score_words(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Complete { total, .. } => total.to_string(),
        Outcome::Prorated { total, .. } => format!("{total} (prorated)"),
        Outcome::Incomplete { .. } => "Incomplete".to_owned(),
    }
}

fn chart(trend: &Trend) -> impl IntoView {
    let definition = trend.definition;
    // Only scored results are points; `slot_of[i]` is point i's place on the x axis.
    let scored: Vec<usize> = trend
        .points
        .iter()
        .enumerate()
        .filter(|(_, point)| point.total.is_some())
        .map(|(i, _)| i)
        .collect();
    let slot_of = |index: usize| scored.iter().position(|&i| i == index);
    let scale = Scale {
        low: definition.min_total(),
        high: definition.max_total(),
        points: scored.len(),
    };
    let at = |index: usize| {
        let total = trend.points[index].total.unwrap_or(scale.low);
        (
            scale.x(slot_of(index).unwrap_or(0)),
            scale.y(f64::from(total)),
        )
    };

    // Bands meet halfway between their last and first totals, so they tile the plot.
    let bands = definition.bands.iter().enumerate().map(|(i, band)| {
        let bottom = scale.y(f64::from(band.min) - 0.5);
        let top = scale.y(f64::from(band.max) + 0.5);
        let class = format!(
            "measure-chart__band measure-chart__band--{}",
            band_shade(i, definition.bands.len())
        );
        view! {
            <g>
                <rect class=class x=num(PLOT_LEFT) y=num(top) width=num(PLOT_RIGHT - PLOT_LEFT) height=num(bottom - top)></rect>
                <text class="measure-chart__band-label" x=num(PLOT_RIGHT + 6.0) y=num((top + bottom) / 2.0) dominant-baseline="middle">{band.label}</text>
                <text class="measure-chart__tick" x=num(PLOT_LEFT - 6.0) y=num(scale.y(f64::from(band.min))) text-anchor="end" dominant-baseline="middle">{band.min.to_string()}</text>
            </g>
        }
    }).collect_view();

    let line = (scored.len() > 1).then(|| {
        let coordinates: Vec<String> = scored
            .iter()
            .map(|&i| {
                let (x, y) = at(i);
                format!("{},{}", num(x), num(y))
            })
            .collect();
        view! { <polyline class="measure-chart__line" points=coordinates.join(" ")></polyline> }
    });

    let changes = trend.changes.iter().map(|change| {
        let ((x1, y1), (x2, y2)) = (at(change.from), at(change.to));
        let class = format!(
            "measure-chart__change measure-chart__change--{}",
            change.direction.label().to_lowercase()
        );
        let title = format!("{} (threshold {})", change_words(change), definition.meaningful_change.points);
        view! {
            <line class=class x1=num(x1) y1=num(y1) x2=num(x2) y2=num(y2)><title>{title}</title></line>
        }
    }).collect_view();

    let points = scored.iter().map(|&i| {
        let point = &trend.points[i];
        let (x, y) = at(i);
        let title = format!(
            "{}: score {} ({})",
            point.date,
            score_words(point.result.outcome()),
            point.band.unwrap_or("no band")
        );
        view! { <circle class="measure-chart__point" cx=num(x) cy=num(y) r="5"><title>{title}</title></circle> }
    }).collect_view();

    let dates = label_slots(scored.len(), MAX_DATE_LABELS).into_iter().map(|slot| {
        view! {
            <text class="measure-chart__tick" x=num(scale.x(slot)) y=num(PLOT_BOTTOM + 18.0) text-anchor="middle">{trend.points[scored[slot]].date.to_string()}</text>
        }
    }).collect_view();

    view! {
        <svg class="measure-chart__svg" role="img" aria-label=definition.chart_name() viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="xMidYMid meet">
            {bands}
            <text class="measure-chart__tick" x=num(PLOT_LEFT - 6.0) y=num(scale.y(f64::from(scale.high))) text-anchor="end" dominant-baseline="middle">{scale.high.to_string()}</text>
            {line}
            {changes}
            {points}
            {dates}
        </svg>
    }
}

fn table(trend: &Trend) -> impl IntoView {
    let rows = trend
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let change = trend
                .change_into(i)
                .map_or_else(|| "—".to_owned(), change_words);
            view! {
                <tr>
                    <th scope="row">{point.date.to_string()}</th>
                    <td>{score_words(point.result.outcome())}</td>
                    <td>{point.band.unwrap_or("—").to_owned()}</td>
                    <td>{change}</td>
                    <td>{point.result.mode().label()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="measure-table">
            <caption>{format!("{} results", trend.definition.name)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Score"</th>
                    <th scope="col">"Severity"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Answered by"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

// `ui` builds for wasm32 only, where a plain `#[test]` is never run: these
// run under wasm-bindgen-test (`cargo test --target wasm32-unknown-unknown`).
#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn totals_map_onto_the_plot_higher_is_higher() {
        let scale = Scale {
            low: 0,
            high: 27,
            points: 3,
        };
        assert_eq!(scale.y(0.0), PLOT_BOTTOM);
        assert_eq!(scale.y(27.0), PLOT_TOP);
        assert!(scale.y(20.0) < scale.y(10.0));
        // Band edges half a point outside the range stay on the plot.
        assert_eq!(scale.y(-0.5), PLOT_BOTTOM);
        assert_eq!(scale.y(27.5), PLOT_TOP);
        // A measure with one possible total does not divide by zero.
        assert_eq!(
            Scale {
                low: 3,
                high: 3,
                points: 1
            }
            .y(3.0),
            PLOT_BOTTOM
        );
    }

    #[wasm_bindgen_test]
    fn points_are_evenly_spaced_and_a_lone_one_is_centred() {
        let scale = Scale {
            low: 0,
            high: 27,
            points: 3,
        };
        let xs: Vec<f64> = (0..3).map(|slot| scale.x(slot)).collect();
        assert_eq!(xs[0], PLOT_LEFT + INSET);
        assert_eq!(xs[2], PLOT_RIGHT - INSET);
        assert_eq!(xs[1] - xs[0], xs[2] - xs[1]);
        let lone = Scale { points: 1, ..scale };
        assert_eq!(lone.x(0), (PLOT_LEFT + PLOT_RIGHT) / 2.0);
    }

    #[wasm_bindgen_test]
    fn date_labels_are_thinned_keeping_the_first_and_last() {
        assert_eq!(label_slots(0, 6), Vec::<usize>::new());
        assert_eq!(label_slots(4, 6), [0, 1, 2, 3]);
        assert_eq!(label_slots(6, 6), [0, 1, 2, 3, 4, 5]);
        assert_eq!(label_slots(11, 6), [0, 2, 4, 6, 8, 10]);
        let many = label_slots(40, 6);
        assert_eq!((many.len(), many[0], many[5]), (6, 0, 39));
    }

    #[wasm_bindgen_test]
    fn the_top_band_is_always_the_darkest_shade() {
        let phq9: Vec<usize> = (0..5).map(|i| band_shade(i, 5)).collect();
        assert_eq!(phq9, [0, 1, 2, 3, 4]);
        let gad7: Vec<usize> = (0..4).map(|i| band_shade(i, 4)).collect();
        assert_eq!((gad7[0], gad7[3]), (0, 4));
        assert!(gad7.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(band_shade(0, 1), 0);
    }
}
