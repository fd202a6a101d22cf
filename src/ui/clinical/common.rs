//! Small pieces the clinical pages share: time formatting, the names clients
//! are shown by, and the alert lists for errors and validation issues.

use leptos::prelude::*;

use crate::domain::{Client, Date, Timestamp, ValidationIssue};
use crate::ui::session_context::use_session;

/// A local wall-clock timestamp as "2024-03-05 14:50".
pub fn format_timestamp(at: Timestamp) -> String {
    format!("{} {}", at.date(), at.time_of_day())
}

/// An optional date, or a dash.
pub fn format_date(date: Option<Date>) -> String {
    date.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// How long after a list or timeline shows its background check starts (the
/// index against the notes): a safety net must not compete with the first tap.
pub const BACKGROUND_CHECK_DELAY_MS: u32 = 1_000;

/// Minutes as "50 min", or a dash when unknown.
pub fn format_minutes(minutes: Option<u32>) -> String {
    minutes.map_or_else(|| "—".to_owned(), |m| format!("{m} min"))
}

/// The first characters of a digest, enough to compare by eye.
pub fn short_digest(hex: &str) -> String {
    let short: String = hex.chars().take(12).collect();
    format!("{short}…")
}

/// Whether lists show client codes instead of names (a setting).
pub fn prefer_codes() -> bool {
    use_session()
        .settings
        .with_untracked(|s| s.show_client_codes)
}

/// The name a client is shown by in lists and headings.
pub fn shown_name(client: &Client, prefer_code: bool) -> String {
    let name = client.display_name(prefer_code);
    if name.is_empty() {
        "Unnamed client".to_owned()
    } else {
        name.to_owned()
    }
}

/// An error message in an alert, when there is one.
#[component]
pub fn ErrorAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="alert" role="alert">{m}</p> })
    }
}

/// Validation issues as a list in an alert, when there are any.
#[component]
pub fn IssueList(
    #[prop(into)] issues: Signal<Vec<ValidationIssue>>,
    /// What the list is about, read before the items.
    heading: &'static str,
) -> impl IntoView {
    move || {
        let issues = issues.get();
        (!issues.is_empty()).then(|| {
            view! {
                <div class="alert" role="alert">
                    <p class="issues__heading">{heading}</p>
                    <ul class="issues">
                        {issues
                            .into_iter()
                            .map(|issue| view! {
                                <li><strong>{issue.field}": "</strong>{issue.message}</li>
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
