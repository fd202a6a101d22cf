//! The treatment plan on paper, for the client to read and sign: the version
//! in force (or the draft, marked as such, before anything is signed), who
//! wrote it, and lines for the client's and the clinician's signatures.
//!
//! It is part of the plan page and hidden on screen; "Print plan" prints the
//! page, and the print style shows this and nothing else (no app chrome, no
//! other tab of the record). Nothing goes through a URL.

use leptos::prelude::*;

use crate::domain::treatment_plan::PlanContent;

use super::plan_view::PlanView;

/// What is printed.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanPrintout {
    /// The client's name (or code, by the settings).
    pub client_line: String,
    /// "Version 2, signed 2025-06-15 10:02 by Jane Doe, LCSW", or "Draft of
    /// version 1 (not signed)".
    pub version_line: String,
    /// The agreement already recorded, if any.
    pub agreement_line: Option<String>,
    pub content: PlanContent,
}

/// The print-only layout.
#[component]
pub fn PlanPrint(printout: PlanPrintout) -> impl IntoView {
    view! {
        <article class="plan-print">
            <header class="print-record__header">
                <h1>"Treatment plan"</h1>
                <p>{format!("Client: {}", printout.client_line)}</p>
                <p>{printout.version_line}</p>
            </header>
            <PlanView content=printout.content heading_level=2 />
            {printout.agreement_line.map(|line| view! { <p><strong>"Client agreement: "</strong>{line}</p> })}
            <div class="plan-print__signatures">
                <p class="plan-print__line">"Client signature"</p>
                <p class="plan-print__line">"Date"</p>
                <p class="plan-print__line">"Clinician signature"</p>
                <p class="plan-print__line">"Date"</p>
            </div>
        </article>
    }
}
