//! The risk assessment every progress note carries: suicidal and homicidal ideation,
//! and a safety plan when either is present.
//!
//! [`RiskAnswers`] is what a draft holds while the clinician answers: each
//! question may still be open, so a half-answered section survives a reload.
//! [`RiskAssessment`] is the complete assessment a signature covers; a draft has
//! one only once both questions are answered. Neither fills in "denied" by
//! itself: that must be something the clinician chose.

use serde::{Deserialize, Serialize};

use super::validation::{into_result, is_blank};
use super::ValidationIssue;

/// Whether the client reported or showed ideation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Ideation {
    Denied,
    /// Present, with what was reported or observed (plan, intent, means, history).
    Present {
        detail: String,
    },
}

impl Ideation {
    pub fn is_present(&self) -> bool {
        matches!(self, Ideation::Present { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub suicidal: Ideation,
    pub homicidal: Ideation,
    /// Required when either ideation is present; may be empty otherwise.
    pub safety_plan: String,
}

impl RiskAssessment {
    /// Field labels, as the UI shows them, so issues attach to the right field.
    pub const SUICIDAL_LABEL: &'static str = "Suicidal ideation";
    pub const HOMICIDAL_LABEL: &'static str = "Homicidal ideation";
    pub const SAFETY_PLAN_LABEL: &'static str = "Safety plan";

    /// Both ideations denied, no safety plan.
    pub fn denied() -> Self {
        RiskAssessment {
            suicidal: Ideation::Denied,
            homicidal: Ideation::Denied,
            safety_plan: String::new(),
        }
    }

    /// Present ideation needs a description, and any present ideation needs a
    /// safety plan.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        for (label, kind, ideation) in [
            (Self::SUICIDAL_LABEL, "suicidal", &self.suicidal),
            (Self::HOMICIDAL_LABEL, "homicidal", &self.homicidal),
        ] {
            if let Ideation::Present { detail } = ideation {
                if is_blank(detail) {
                    issues.push(ValidationIssue::new(
                        label,
                        format!("Describe the {kind} ideation: what was reported or observed, and any plan, intent or means."),
                    ));
                }
            }
        }
        if (self.suicidal.is_present() || self.homicidal.is_present())
            && is_blank(&self.safety_plan)
        {
            issues.push(ValidationIssue::new(
                Self::SAFETY_PLAN_LABEL,
                "Ideation is present, so write the safety plan agreed with the client.",
            ));
        }
        into_result(issues)
    }
}

/// The risk questions as answered so far in a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAnswers {
    /// `None` until the clinician answers.
    #[serde(default)]
    pub suicidal: Option<Ideation>,
    /// `None` until the clinician answers.
    #[serde(default)]
    pub homicidal: Option<Ideation>,
    #[serde(default)]
    pub safety_plan: String,
}

impl RiskAnswers {
    /// The complete assessment, once both questions are answered.
    pub fn complete(&self) -> Option<RiskAssessment> {
        Some(RiskAssessment {
            suicidal: self.suicidal.clone()?,
            homicidal: self.homicidal.clone()?,
            safety_plan: self.safety_plan.clone(),
        })
    }

    /// Whether nothing was answered or written yet.
    pub fn is_empty(&self) -> bool {
        self.suicidal.is_none() && self.homicidal.is_none() && self.safety_plan.is_empty()
    }

    /// Whether either answer says ideation is present.
    pub fn any_present(&self) -> bool {
        [&self.suicidal, &self.homicidal]
            .into_iter()
            .any(|i| i.as_ref().is_some_and(Ideation::is_present))
    }
}

impl From<RiskAssessment> for RiskAnswers {
    fn from(risk: RiskAssessment) -> Self {
        RiskAnswers {
            suicidal: Some(risk.suicidal),
            homicidal: Some(risk.homicidal),
            safety_plan: risk.safety_plan,
        }
    }
}

/// Reads a draft's `risk`: `null` (no answer yet, as drafts stored before
/// answers could be partial) or the answers object.
pub(crate) fn deserialize_answers<'de, D>(deserializer: D) -> Result<RiskAnswers, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<RiskAnswers>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_answered_risk_is_kept_but_not_complete() {
        let answers = RiskAnswers {
            suicidal: Some(Ideation::Denied),
            homicidal: None,
            safety_plan: String::new(),
        };
        assert_eq!(answers.complete(), None);
        let json = serde_json::to_string(&answers).unwrap();
        assert_eq!(serde_json::from_str::<RiskAnswers>(&json).unwrap(), answers);
    }

    #[test]
    fn a_complete_assessment_keeps_its_stored_form() {
        // Notes signed before answers could be partial stored a RiskAssessment;
        // the answers read it back, and write the same shape.
        let old = serde_json::to_string(&RiskAssessment::denied()).unwrap();
        let answers: RiskAnswers = serde_json::from_str(&old).unwrap();
        assert_eq!(answers.complete(), Some(RiskAssessment::denied()));
        assert_eq!(serde_json::to_string(&answers).unwrap(), old);
    }

    #[test]
    fn denied_is_valid() {
        assert_eq!(RiskAssessment::denied().validate(), Ok(()));
    }

    #[test]
    fn present_ideation_needs_detail_and_a_safety_plan() {
        let risk = RiskAssessment {
            suicidal: Ideation::Present {
                detail: "  ".into(),
            },
            homicidal: Ideation::Denied,
            safety_plan: String::new(),
        };
        let issues = risk.validate().unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["Suicidal ideation", "Safety plan"]);
        assert!(issues[0].message.contains("suicidal"));
    }

    #[test]
    fn present_ideation_with_detail_and_plan_is_valid() {
        let risk = RiskAssessment {
            suicidal: Ideation::Denied,
            homicidal: Ideation::Present {
                detail: "Passive thoughts about a coworker, no plan or intent.".into(),
            },
            safety_plan: "Will call crisis line; follow-up in 2 days.".into(),
        };
        assert_eq!(risk.validate(), Ok(()));
    }

    #[test]
    fn stored_form_is_readable() {
        let json = serde_json::to_string(&Ideation::Present { detail: "x".into() }).unwrap();
        assert_eq!(json, r#"{"status":"present","detail":"x"}"#);
        let json = serde_json::to_string(&Ideation::Denied).unwrap();
        assert_eq!(json, r#"{"status":"denied"}"#);
    }
}
