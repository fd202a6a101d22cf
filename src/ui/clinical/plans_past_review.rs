//! The home screen's list of treatment plans whose review date has passed,
//! longest overdue first, each linking to the plan.
//!
//! Cheap on purpose: one read of the `treatment_plans` store (one small
//! record per client), and the vault decrypts only plans whose sealed bytes
//! changed since this session last opened them.

use leptos::prelude::*;

use crate::domain::treatment_plan::{plans_past_review, ReviewStatus};
use crate::domain::Client;
use crate::ui::clock::today;
use crate::ui::session_context::use_session;
use crate::ui::wording;
use crate::vault::sealer::{Loaded, Stored};

use super::common::shown_name;

/// The plans past review of the clients listed (archived clients left out),
/// and how many plans do not open; nothing when there is neither.
#[component]
pub fn PlansPastReview(clients: Vec<Stored<Client>>, prefer_code: bool) -> impl IntoView {
    let session = use_session();
    let plans = LocalResource::new(move || {
        session.received.track();
        async move { session.vault().treatment_plans().await }
    });
    move || {
        let Some(Ok(loaded)) = plans.get() else {
            return None;
        };
        let damaged = loaded
            .iter()
            .filter(|l| matches!(l, Loaded::Damaged { .. }))
            .count();
        let plans: Vec<_> = loaded
            .into_iter()
            .filter_map(Loaded::ok)
            .map(|s| s.value)
            .collect();
        let day = today();
        let rows: Vec<_> = plans_past_review(&plans, day)
            .into_iter()
            .filter_map(|plan| {
                let client = clients
                    .iter()
                    .find(|c| &c.value.id == plan.client_id() && !c.value.archived)?;
                let ReviewStatus::Overdue { days_overdue } = plan.review_status(day) else {
                    return None;
                };
                let due = plan
                    .review_date()
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                let href = format!("/clients/{}/plan", client.value.id);
                let name = shown_name(&client.value, prefer_code);
                let when = format!(
                    "review was due {due} ({} ago)",
                    wording::count(days_overdue as u64, "day", "days")
                );
                Some(view! {
                    <li class="row-item">
                        <a href=href>{name}</a>
                        <span class="row-item__meta muted">{when}</span>
                    </li>
                })
            })
            .collect();
        // A plan that does not open is said so, not left out silently.
        let damaged = (damaged > 0).then(|| {
            view! {
                <p class="alert" role="alert">
                    {format!(
                        "{} could not be opened, so {} review date is not checked here. Restore from a backup to recover {}.",
                        wording::count(damaged as u64, "treatment plan", "treatment plans"),
                        if damaged == 1 { "its" } else { "their" },
                        if damaged == 1 { "it" } else { "them" },
                    )}
                </p>
            }
        });
        let due = (!rows.is_empty()).then(|| {
            view! {
                <section class="plans-due" aria-labelledby="plans-due-heading">
                    <h2 id="plans-due-heading">"Treatment plans past review"</h2>
                    <ul class="list">{rows}</ul>
                </section>
            }
        });
        (damaged.is_some() || due.is_some()).then(|| view! { {damaged} {due} })
    }
}
