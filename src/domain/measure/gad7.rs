//! The GAD-7 anxiety questionnaire, as data.
//!
//! # Sources
//! - Items, answers, bands and the follow-up question: Spitzer RL, Kroenke K,
//!   Williams JBW, Löwe B. A brief measure for assessing generalized anxiety
//!   disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092–1097.
//!   doi:10.1001/archinte.166.10.1092, and the GAD-7 form by the same
//!   developers, with an educational grant from Pfizer Inc. ("No permission
//!   required to reproduce, translate, display or distribute."). Total 0–21 with
//!   cut-points at 5, 10 and 15 for mild, moderate and severe anxiety.
//!   Reproductions of the form differ in punctuation (a comma after "anxious"
//!   and after "afraid"); the wording here is the form's.
//! - Meaningful change of 4 points: Toussaint A, Hüsing P, Gumz A, Wingenfeld K,
//!   Härter M, Schramm E, Löwe B. Sensitivity to change and minimal clinically
//!   important difference of the 7-item Generalized Anxiety Disorder
//!   Questionnaire (GAD-7). J Affect Disord. 2020;265:395–401.
//!   doi:10.1016/j.jad.2020.01.032 ("MCID was estimated 4 points on the GAD-7
//!   total score").
//! - LOINC: panel 69737-5 (Generalized anxiety disorder 7 item), items 69725-0,
//!   68509-9, 69733-4, 69734-2, 69735-9, 69689-8, 69736-7, total 70274-6;
//!   answers from list LL358-3. LOINC's panel has no code for the follow-up
//!   question, so it has none here.
//!
//! # Missing items and risk
//! As for the PHQ-9, no citable proration rule was found: an unanswered item
//! leaves the result incomplete. The GAD-7 has no item that raises a risk flag
//! by itself.

use super::definition::{
    ChangeThreshold, Item, MeasureDefinition, MissingItemRule, Polarity, SeverityBand,
    UnscoredQuestion,
};
use super::phq9::{DIFFICULTY, FREQUENCY};

const fn item(text: &'static str, loinc: &'static str) -> Item {
    Item {
        text,
        options: FREQUENCY,
        loinc: Some(loinc),
    }
}

/// The GAD-7, version 1 of this app's definition. See the module documentation
/// for every source.
pub static GAD_7: MeasureDefinition = MeasureDefinition {
    key: "gad-7",
    version: 1,
    name: "GAD-7",
    title: "Generalized Anxiety Disorder 7-item scale (GAD-7)",
    instructions: "Over the last 2 weeks, how often have you been bothered by the following problems?",
    items: &[
        item("Feeling nervous, anxious, or on edge", "69725-0"),
        item("Not being able to stop or control worrying", "68509-9"),
        item("Worrying too much about different things", "69733-4"),
        item("Trouble relaxing", "69734-2"),
        item("Being so restless that it is hard to sit still", "69735-9"),
        item("Becoming easily annoyed or irritable", "69689-8"),
        item("Feeling afraid, as if something awful might happen", "69736-7"),
    ],
    follow_up: Some(UnscoredQuestion {
        text: "If you checked any problems, how difficult have they made it for you to do your work, take care of things at home, or get along with other people?",
        options: DIFFICULTY,
        loinc: None,
    }),
    bands: &[
        SeverityBand {
            min: 0,
            max: 4,
            label: "Minimal",
        },
        SeverityBand {
            min: 5,
            max: 9,
            label: "Mild",
        },
        SeverityBand {
            min: 10,
            max: 14,
            label: "Moderate",
        },
        SeverityBand {
            min: 15,
            max: 21,
            label: "Severe",
        },
    ],
    missing_items: MissingItemRule::Incomplete,
    risk_rules: &[],
    polarity: Polarity::HigherIsWorse,
    meaningful_change: ChangeThreshold {
        points: 4,
        source: "Toussaint A, Hüsing P, Gumz A, et al. Sensitivity to change and minimal clinically important difference of the 7-item Generalized Anxiety Disorder Questionnaire (GAD-7). J Affect Disord. 2020;265:395–401.",
    },
    loinc_panel: Some("69737-5"),
    loinc_total: Some("70274-6"),
    sources: &[
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092–1097.",
        "Toussaint A, Hüsing P, Gumz A, et al. Sensitivity to change and minimal clinically important difference of the 7-item Generalized Anxiety Disorder Questionnaire (GAD-7). J Affect Disord. 2020;265:395–401.",
    ],
    permission: "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.",
};
