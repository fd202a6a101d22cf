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

/// The element id of the `index`th item of an [`IssueList`] with `prefix`.
pub fn issue_id(prefix: &str, index: usize) -> String {
    format!("{prefix}-{index}")
}

/// The ids of the listed issues about `field`, space-separated, with `hint`
/// (the field's own help text id) first: the value of the field's
/// `aria-describedby`. `None` when there is nothing to point at.
pub fn described_by(
    issues: &[ValidationIssue],
    prefix: &str,
    field: &str,
    hint: Option<&str>,
) -> Option<String> {
    let ids: Vec<String> = hint
        .map(str::to_owned)
        .into_iter()
        .chain(
            issues
                .iter()
                .enumerate()
                .filter(|(_, issue)| issue.field == field)
                .map(|(index, _)| issue_id(prefix, index)),
        )
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// `Some("true")` when an issue is listed about `field`: the value of the
/// field's `aria-invalid` (absent otherwise).
pub fn invalid(issues: &[ValidationIssue], field: &str) -> Option<&'static str> {
    issues.iter().any(|i| i.field == field).then_some("true")
}

/// Moves focus to the element with this id, if it is on the page.
pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        element.scroll_into_view();
        let _ = element.focus();
    }
}

/// Validation issues as a list in an alert, when there are any.
///
/// Each item has an id ([`issue_id`]) that its field's `aria-describedby`
/// names, and, when `target` knows the field's element, its label is a link
/// that moves focus to the field.
#[component]
pub fn IssueList(
    #[prop(into)] issues: Signal<Vec<ValidationIssue>>,
    /// What the list is about, read before the items.
    heading: &'static str,
    /// Prefix of the items' ids.
    #[prop(default = "issue")]
    id_prefix: &'static str,
    /// The element id of a field, by its label.
    #[prop(optional)]
    target: Option<fn(&str) -> Option<String>>,
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
                            .enumerate()
                            .map(|(index, issue)| {
                                let field = match target.and_then(|t| t(&issue.field)) {
                                    Some(element) => view! {
                                        <a
                                            href=format!("#{element}")
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                focus_element(&element);
                                            }
                                        >
                                            <strong>{issue.field}</strong>
                                        </a>
                                    }
                                    .into_any(),
                                    None => view! { <strong>{issue.field}</strong> }.into_any(),
                                };
                                view! {
                                    <li id=issue_id(id_prefix, index)>{field}": "{issue.message}</li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
