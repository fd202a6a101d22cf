//! The PHQ-9 depression questionnaire, as data.
//!
//! # Sources
//! - Items, answers, the functional-difficulty question and instructions: the
//!   PHQ-9 form by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke
//!   and colleagues, with an educational grant from Pfizer Inc., which states
//!   "No permission required to reproduce, translate, display or distribute."
//!   Wording as on that form (item 6 and item 8 with their dashes).
//! - Total 0–27 and the bands 0–4, 5–9, 10–14, 15–19 and 20–27: Kroenke K,
//!   Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression
//!   severity measure. J Gen Intern Med. 2001;16(9):606–613.
//!   doi:10.1046/j.1525-1497.2001.016009606.x. The band names follow the
//!   form's scoring box ("None-minimal" … "Severe").
//! - Item 9: any answer above "Not at all" needs the clinician's attention the
//!   same day, whatever the total (the product's rule, DOMAIN.md). Risk rises
//!   with every step of the answer: Simon GE et al. Does response on the PHQ-9
//!   depression questionnaire predict subsequent suicide attempt or suicide
//!   death? Psychiatr Serv. 2013;64(12):1195–1202. doi:10.1176/appi.ps.201200587.
//! - Meaningful change of 5 points: Löwe B, Unützer J, Callahan CM, Perkins AJ,
//!   Kroenke K. Monitoring depression treatment outcomes with the Patient Health
//!   Questionnaire-9. Med Care. 2004;42(12):1194–1201.
//!   doi:10.1097/00005650-200412000-00006 (minimal clinically important
//!   difference for individual change, estimated as 2 standard errors of
//!   measurement: 5 points).
//! - LOINC: panel 44249-1 (PHQ-9 quick depression assessment panel), items
//!   44250-9, 44255-8, 44259-0, 44254-1, 44251-7, 44258-2, 44252-5, 44253-3,
//!   44260-8, difficulty 69722-7, total 44261-6; answer lists LL358-3
//!   (LA6568-5 … LA6571-9) and LL359-1 (LA6572-7, LA6573-5, LA6575-0, LA6574-3).
//!
//! # Missing items
//! No proration rule from the authors was found that this project could cite,
//! so an unanswered item leaves the result incomplete
//! ([`MissingItemRule::Incomplete`]): no total and no band, never a total that
//! counts the missing item as zero.

use super::definition::{
    AnswerOption, ChangeThreshold, Item, MeasureDefinition, MissingItemRule, Polarity, RiskRule,
    SeverityBand, UnscoredQuestion,
};

/// "Not at all" (0) to "Nearly every day" (3): the answers of every PHQ-9 and
/// GAD-7 item (LOINC answer list LL358-3).
pub(super) const FREQUENCY: &[AnswerOption] = &[
    AnswerOption {
        label: "Not at all",
        value: 0,
        loinc: Some("LA6568-5"),
    },
    AnswerOption {
        label: "Several days",
        value: 1,
        loinc: Some("LA6569-3"),
    },
    AnswerOption {
        label: "More than half the days",
        value: 2,
        loinc: Some("LA6570-1"),
    },
    AnswerOption {
        label: "Nearly every day",
        value: 3,
        loinc: Some("LA6571-9"),
    },
];

/// The answers to the functional-difficulty question (LOINC answer list
/// LL359-1). Values only order them; they are never added to the total.
pub(super) const DIFFICULTY: &[AnswerOption] = &[
    AnswerOption {
        label: "Not difficult at all",
        value: 0,
        loinc: Some("LA6572-7"),
    },
    AnswerOption {
        label: "Somewhat difficult",
        value: 1,
        loinc: Some("LA6573-5"),
    },
    AnswerOption {
        label: "Very difficult",
        value: 2,
        loinc: Some("LA6575-0"),
    },
    AnswerOption {
        label: "Extremely difficult",
        value: 3,
        loinc: Some("LA6574-3"),
    },
];

const fn item(text: &'static str, loinc: &'static str) -> Item {
    Item {
        text,
        options: FREQUENCY,
        loinc: Some(loinc),
    }
}

/// Index of item 9 (thoughts of being better off dead or of self-harm).
pub const PHQ_9_ITEM_9: usize = 8;

/// The PHQ-9, version 1 of this app's definition. See the module documentation
/// for every source.
pub static PHQ_9: MeasureDefinition = MeasureDefinition {
    key: "phq-9",
    version: 1,
    name: "PHQ-9",
    title: "Patient Health Questionnaire-9 (PHQ-9)",
    instructions: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items: &[
        item("Little interest or pleasure in doing things", "44250-9"),
        item("Feeling down, depressed, or hopeless", "44255-8"),
        item("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
        item("Feeling tired or having little energy", "44254-1"),
        item("Poor appetite or overeating", "44251-7"),
        item(
            "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
            "44258-2",
        ),
        item(
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "44252-5",
        ),
        item(
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
            "44253-3",
        ),
        item(
            "Thoughts that you would be better off dead or of hurting yourself in some way",
            "44260-8",
        ),
    ],
    follow_up: Some(UnscoredQuestion {
        text: "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
        options: DIFFICULTY,
        loinc: Some("69722-7"),
    }),
    bands: &[
        SeverityBand {
            min: 0,
            max: 4,
            label: "None-minimal",
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
            max: 19,
            label: "Moderately severe",
        },
        SeverityBand {
            min: 20,
            max: 27,
            label: "Severe",
        },
    ],
    missing_items: MissingItemRule::Incomplete,
    risk_rules: &[RiskRule {
        item: PHQ_9_ITEM_9,
        min_value: 1,
        message: "The client reported thoughts of being better off dead or of self-harm (PHQ-9 item 9). Assess suicide risk today, whatever the total, and review or write the safety plan.",
        needs_safety_plan: true,
    }],
    polarity: Polarity::HigherIsWorse,
    meaningful_change: ChangeThreshold {
        points: 5,
        source: "Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression treatment outcomes with the Patient Health Questionnaire-9. Med Care. 2004;42(12):1194–1201.",
    },
    loinc_panel: Some("44249-1"),
    loinc_total: Some("44261-6"),
    sources: &[
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med. 2001;16(9):606–613.",
        "Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression treatment outcomes with the Patient Health Questionnaire-9. Med Care. 2004;42(12):1194–1201.",
        "Simon GE, Rutter CM, Peterson D, et al. Does response on the PHQ-9 depression questionnaire predict subsequent suicide attempt or suicide death? Psychiatr Serv. 2013;64(12):1195–1202.",
    ],
    permission: "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.",
};
