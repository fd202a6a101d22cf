//! A decided amendment request as the JSON export carries it with its note
//! (45 CFR 164.526(c), (d)). Documented in `docs/export-format.md`.

use serde::Serialize;

use crate::domain::rights::{AmendmentDecision, AmendmentOutcome, Denial};

#[derive(Serialize)]
pub struct JsonAmendment {
    request_id: String,
    received: String,
    /// The change the client asked for, in their words.
    requested_change: String,
    /// "accepted" or "denied".
    decision: &'static str,
    /// Accepted: the day, and the digest of the note's addendum that made the
    /// change (the addendum itself is in `addenda`, covered by the chain).
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addendum_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    denial: Option<JsonDenial>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement_of_disagreement: Option<JsonStatement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rebuttal: Option<JsonRebuttal>,
}

#[derive(Serialize)]
struct JsonDenial {
    on: String,
    basis: &'static str,
    /// The paragraph of 45 CFR 164.526(a)(2) the basis comes from.
    citation: &'static str,
    explanation: String,
    by: String,
}

#[derive(Serialize)]
struct JsonStatement {
    received: String,
    text: String,
}

#[derive(Serialize)]
struct JsonRebuttal {
    on: String,
    text: String,
    by: String,
}

impl From<&AmendmentOutcome> for JsonAmendment {
    fn from(outcome: &AmendmentOutcome) -> Self {
        let mut json = JsonAmendment {
            request_id: outcome.request_id.to_string(),
            received: outcome.received.to_string(),
            requested_change: outcome.requested_change.clone(),
            decision: "accepted",
            accepted_on: None,
            addendum_sha256: None,
            denial: None,
            statement_of_disagreement: None,
            rebuttal: None,
        };
        match &outcome.decision {
            AmendmentDecision::Accepted {
                on,
                addendum_sha256,
            } => {
                json.accepted_on = Some(on.to_string());
                json.addendum_sha256 = Some(addendum_sha256.clone());
            }
            AmendmentDecision::Denied(Denial {
                written,
                statement,
                rebuttal,
            }) => {
                json.decision = "denied";
                json.denial = Some(JsonDenial {
                    on: written.on.to_string(),
                    basis: written.basis.label(),
                    citation: written.basis.citation(),
                    explanation: written.explanation.clone(),
                    by: written.by.clone(),
                });
                json.statement_of_disagreement = statement.as_ref().map(|s| JsonStatement {
                    received: s.received.to_string(),
                    text: s.text.clone(),
                });
                json.rebuttal = rebuttal.as_ref().map(|r| JsonRebuttal {
                    on: r.on.to_string(),
                    text: r.text.clone(),
                    by: r.by.clone(),
                });
            }
        }
        json
    }
}
