//! The exact text a plan signature covers, and its SHA-256 digest.
//!
//! The same scheme as a progress note's signature (see
//! `progress_note/canonical.rs`): a plain-text encoding with a format line and
//! every field in a fixed order, independent of serde, so the digest of a
//! version signed today can be recomputed by any later version of the app.
//!
//! # Format `psynotes/treatment-plan/v1`
//! One item per line: `name=<byte length>:<text>` for a text value, `name=-`
//! for an absent optional value, and `name#<count>` before the items of a list.
//! The plan id, client id and version number are included, so a signed version
//! copied into another plan or renumbered no longer matches its signature.
//!
//! Never change what v1 produces: stored signatures depend on it. A new field
//! means a new format line and a new encoder beside this one.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::content::{ObjectiveMeasure, PlanContent};
use crate::domain::{ClientId, GoalStatus};

const TREATMENT_PLAN_V1: &str = "psynotes/treatment-plan/v1";

struct Canonical {
    out: String,
}

impl Canonical {
    fn text(&mut self, name: &str, value: &str) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{name}={}:{value}", value.len());
        self
    }

    fn optional(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(name, value),
            None => {
                let _ = writeln!(self.out, "{name}=-");
                self
            }
        }
    }

    fn count(&mut self, name: &str, count: usize) -> &mut Self {
        let _ = writeln!(self.out, "{name}#{count}");
        self
    }
}

fn status(status: GoalStatus) -> &'static str {
    // Spelled out here rather than taken from serde, so renaming a variant
    // cannot change a digest.
    match status {
        GoalStatus::Active => "active",
        GoalStatus::Met => "met",
        GoalStatus::Discontinued => "discontinued",
    }
}

/// The canonical text of version `version` of plan `plan_id` with `content`.
pub(super) fn canonical_content(
    plan_id: &str,
    client_id: &ClientId,
    version: u32,
    content: &PlanContent,
) -> String {
    let mut c = Canonical {
        out: format!("{TREATMENT_PLAN_V1}\n"),
    };
    c.text("plan_id", plan_id)
        .text("client_id", client_id.as_str())
        .text("version", &version.to_string())
        .optional(
            "review_date",
            content.review_date.map(|d| d.to_string()).as_deref(),
        )
        .count("problems", content.problems.len());
    for problem in &content.problems {
        c.text("problem.id", &problem.id)
            .text("problem.text", &problem.text)
            .count("goals", problem.goals.len());
        for goal in &problem.goals {
            c.text("goal.id", &goal.id)
                .text("goal.text", &goal.text)
                .optional(
                    "goal.target_date",
                    goal.target_date.map(|d| d.to_string()).as_deref(),
                )
                .text("goal.status", status(goal.status))
                .count("objectives", goal.objectives.len());
            for objective in &goal.objectives {
                c.text("objective.id", &objective.id)
                    .text("objective.text", &objective.text);
                match &objective.measure {
                    ObjectiveMeasure::Observed {
                        what,
                        baseline,
                        target,
                    } => {
                        c.text("objective.measure", "observed")
                            .text("objective.what", what)
                            .text("objective.baseline", baseline)
                            .text("objective.target", target);
                    }
                    ObjectiveMeasure::Score {
                        measure_key,
                        baseline,
                        target,
                    } => {
                        c.text("objective.measure", "score")
                            .text("objective.measure_key", measure_key)
                            .optional(
                                "objective.baseline",
                                baseline.map(|b| b.to_string()).as_deref(),
                            )
                            .text("objective.comparison", target.comparison.label())
                            .optional(
                                "objective.target",
                                target.value.map(|v| v.to_string()).as_deref(),
                            );
                    }
                }
                c.optional(
                    "objective.target_date",
                    objective.target_date.map(|d| d.to_string()).as_deref(),
                )
                .text("objective.status", status(objective.status));
            }
            c.count("interventions", goal.interventions.len());
            for intervention in &goal.interventions {
                c.text("intervention.modality", &intervention.modality)
                    .text("intervention.frequency", &intervention.frequency)
                    .text("intervention.provider", &intervention.provider);
            }
        }
    }
    c.out
}

/// Lowercase hex SHA-256 of a text.
pub(super) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::super::content::fixtures::complete_content;
    use super::*;

    fn client() -> ClientId {
        ClientId("client-1".into())
    }

    #[test]
    fn the_format_is_fixed() {
        let text = canonical_content("plan-1", &client(), 2, &complete_content());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            &lines[..6],
            [
                "psynotes/treatment-plan/v1",
                "plan_id=6:plan-1",
                "client_id=8:client-1",
                "version=1:2",
                "review_date=10:2025-04-01",
                "problems#1",
            ]
        );
        assert!(lines.contains(&"objective.comparison=5:below"));
        assert!(lines.contains(&"goal.status=6:active"));
        // The fixture's digest, pinned: if this changes, signatures already
        // stored would no longer verify.
        assert_eq!(
            sha256_hex(&text),
            "ba07395d5f5988f6cfb28c59dc1fc6849b615eeb7496b30e6ba564aa094601fc"
        );
    }

    #[test]
    fn every_field_and_the_identity_change_the_text() {
        let base = canonical_content("plan-1", &client(), 1, &complete_content());
        assert_ne!(
            base,
            canonical_content("plan-2", &client(), 1, &complete_content())
        );
        assert_ne!(
            base,
            canonical_content("plan-1", &ClientId("c-2".into()), 1, &complete_content())
        );
        assert_ne!(
            base,
            canonical_content("plan-1", &client(), 2, &complete_content())
        );
        let edits: [fn(&mut PlanContent); 6] = [
            |c| c.review_date = None,
            |c| c.problems[0].text.push('.'),
            |c| c.problems[0].goals[0].status = GoalStatus::Met,
            |c| c.problems[0].goals[0].objectives[1].target_date = None,
            |c| c.problems[0].goals[0].interventions[0].frequency.push('!'),
            |c| c.problems[0].goals[0].objectives.swap(0, 1),
        ];
        for edit in edits {
            let mut content = complete_content();
            edit(&mut content);
            assert_ne!(base, canonical_content("plan-1", &client(), 1, &content));
        }
    }
}
