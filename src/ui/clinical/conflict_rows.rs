//! What each version of a conflicted record says, row by row, so two versions
//! can be laid side by side and their differences marked.

use crate::domain::treatment_plan::PlanContent;
use crate::domain::{Client, ProgressNote, PsychotherapyNote, TreatmentPlan};

use super::common::{format_date, format_timestamp};
use super::plan_view::status_words;

/// One labelled line of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub text: String,
}

fn row(label: impl Into<String>, text: impl Into<String>) -> Row {
    Row {
        label: label.into(),
        text: text.into(),
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

/// A version's rows; a deletion is one row saying so.
pub trait Rows {
    fn rows(&self) -> Vec<Row>;
    /// When this version was last changed, if it says.
    fn changed_at(&self) -> Option<String>;
}

impl Rows for Client {
    fn rows(&self) -> Vec<Row> {
        vec![
            row(Client::NAME_LABEL, or_dash(&self.name)),
            row(
                Client::CODE_LABEL,
                or_dash(self.code.as_deref().unwrap_or("")),
            ),
            row("Date of birth", format_date(self.date_of_birth)),
            row("Pronouns", or_dash(&self.pronouns)),
            row(
                Client::DIAGNOSES_LABEL,
                or_dash(
                    &self
                        .diagnoses
                        .iter()
                        .map(|d| format!("{} {}", d.code, d.description).trim().to_owned())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ),
            row(
                Client::GOALS_LABEL,
                or_dash(
                    &self
                        .goals
                        .iter()
                        .map(|g| g.text.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ),
            row("Archived", if self.archived { "Yes" } else { "No" }),
        ]
    }

    fn changed_at(&self) -> Option<String> {
        None
    }
}

impl Rows for PsychotherapyNote {
    fn rows(&self) -> Vec<Row> {
        vec![
            row("Session date", format_date(self.session_date)),
            row("Psychotherapy note", or_dash(&self.text)),
        ]
    }

    fn changed_at(&self) -> Option<String> {
        Some(format_timestamp(self.updated_at))
    }
}

impl Rows for ProgressNote {
    fn rows(&self) -> Vec<Row> {
        let draft = self.content();
        let mut rows = vec![row(
            "Status",
            match self {
                ProgressNote::Signed(s) => format!(
                    "Signed by {} on {}",
                    s.signature().signer_name,
                    format_timestamp(s.signature().signed_at)
                ),
                ProgressNote::Draft(d) if d.conflict_of.is_some() => {
                    "Draft (from another device, kept as a conflict copy)".to_owned()
                }
                ProgressNote::Draft(_) => "Draft".to_owned(),
            },
        )];
        rows.push(row("Date of service", format_date(draft.date_of_service)));
        rows.push(row(
            "Time",
            match (draft.start, draft.end) {
                (Some(s), Some(e)) => format!("{s}–{e}"),
                (Some(s), None) => format!("from {s}"),
                _ => "—".to_owned(),
            },
        ));
        rows.push(row(
            "Service code",
            draft
                .service_code
                .as_ref()
                .map_or_else(|| "—".to_owned(), |c| c.to_string()),
        ));
        for section in draft.template_sections() {
            rows.push(row(
                section.label.as_ref(),
                or_dash(draft.section(&section.key)),
            ));
        }
        if let ProgressNote::Signed(s) = self {
            for (i, addendum) in s.addenda().iter().enumerate() {
                rows.push(row(
                    format!("Addendum {}", i + 1),
                    format!(
                        "{} ({}, {})",
                        addendum.text(),
                        addendum.signer_name(),
                        format_timestamp(addendum.signed_at())
                    ),
                ));
            }
        }
        rows
    }

    fn changed_at(&self) -> Option<String> {
        Some(format_timestamp(self.content().updated_at))
    }
}

impl Rows for TreatmentPlan {
    fn rows(&self) -> Vec<Row> {
        let signed = self
            .versions()
            .iter()
            .map(|v| {
                let agreed = v
                    .client_agreement()
                    .map(|a| format!("; {}", a.agreement.describe()))
                    .unwrap_or_default();
                format!(
                    "Version {}, signed {} by {}{agreed}",
                    v.version(),
                    format_timestamp(v.signed_at()),
                    v.signature().signature_line()
                )
            })
            .collect::<Vec<_>>();
        let mut rows = vec![
            row("Signed versions", or_dash(&signed.join("\n"))),
            row(
                "Draft",
                self.draft().map_or_else(
                    || "—".to_owned(),
                    |d| format!("Draft of version {}", d.version()),
                ),
            ),
        ];
        // What the plan page shows first: the draft, else the plan in force.
        if let Some(content) = self.latest_content() {
            rows.extend(content_rows(content));
        }
        rows
    }

    fn changed_at(&self) -> Option<String> {
        self.draft()
            .map(|d| d.updated_at)
            .or_else(|| self.current().map(|v| v.signed_at()))
            .map(format_timestamp)
    }
}

/// A plan's problems, goals, objectives and interventions, one row each, and
/// its review date.
fn content_rows(content: &PlanContent) -> Vec<Row> {
    let mut rows = Vec::new();
    for (p, problem) in content.problems.iter().enumerate() {
        rows.push(row(format!("Problem {}", p + 1), or_dash(&problem.text)));
        for (g, goal) in problem.goals.iter().enumerate() {
            let number = format!("{}.{}", p + 1, g + 1);
            rows.push(row(
                format!("Goal {number}"),
                format!("{} ({})", or_dash(&goal.text), status_words(goal.status)),
            ));
            for (o, objective) in goal.objectives.iter().enumerate() {
                rows.push(row(
                    format!("Objective {number}.{}", o + 1),
                    format!(
                        "{} — {}, by {} ({})",
                        or_dash(&objective.text),
                        objective.measure.describe(),
                        format_date(objective.target_date),
                        status_words(objective.status)
                    ),
                ));
            }
            for (i, intervention) in goal.interventions.iter().enumerate() {
                rows.push(row(
                    format!("Intervention {number}.{}", i + 1),
                    format!(
                        "{}; {}; {}",
                        or_dash(&intervention.modality),
                        or_dash(&intervention.frequency),
                        or_dash(&intervention.provider)
                    ),
                ));
            }
        }
    }
    rows.push(row("Review date", format_date(content.review_date)));
    rows
}

/// For each row of `mine`, whether some other version says something else
/// there (or has no such row).
pub fn differing(mine: &[Row], others: &[Vec<Row>]) -> Vec<bool> {
    mine.iter()
        .map(|r| {
            others.iter().any(|other| {
                other
                    .iter()
                    .find(|o| o.label == r.label)
                    .is_none_or(|o| o.text != r.text)
            })
        })
        .collect()
}
