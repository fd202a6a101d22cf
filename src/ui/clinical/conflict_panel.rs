//! Two versions of one record side by side, and the clinician's choice.
//!
//! Shown when a save met a version saved elsewhere meanwhile (another tab, a
//! synced device, a merged backup), or when unsaved changes were found older
//! than the saved record. Nothing is written over the other version until a button is
//! pressed. Fields that differ are marked, and those changed on both sides
//! are named.

use leptos::prelude::*;

/// Both versions and the choices.
#[component]
pub fn ConflictPanel(
    /// The version on this screen, as label and text rows.
    mine: Vec<(String, String)>,
    /// The version saved meanwhile; `None` when it was deleted.
    theirs: Option<Vec<(String, String)>>,
    /// Fields changed differently on both sides.
    clashes: Vec<String>,
    /// Keep the version on this screen (write it over the other).
    on_keep_mine: Callback<()>,
    /// Keep the saved version (discard this screen's changes).
    on_keep_theirs: Option<Callback<()>>,
    /// Keep both, as two records.
    on_keep_both: Option<Callback<()>>,
) -> impl IntoView {
    let differs = |label: &str, text: &str, other: &Option<Vec<(String, String)>>| {
        other.as_ref().is_some_and(|rows| {
            rows.iter()
                .find(|(l, _)| l == label)
                .is_none_or(|(_, t)| t != text)
        })
    };
    let theirs_some = theirs.clone();
    let mine_rows = mine.clone();
    let column = move |rows: Vec<(String, String)>, other: Option<Vec<(String, String)>>| {
        rows.into_iter()
            .map(|(label, text)| {
                let changed = differs(&label, &text, &other);
                view! {
                    <dt>{label.clone()}</dt>
                    <dd class:conflict__changed=changed>
                        {if text.trim().is_empty() { "—".to_owned() } else { text }}
                    </dd>
                }
            })
            .collect_view()
    };
    let summary = if clashes.is_empty() {
        String::new()
    } else {
        format!("Changed on both sides: {}.", clashes.join(", "))
    };
    view! {
        <section class="card conflict" role="region" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading">"Two versions of this record"</h2>
            <p role="alert" class="alert">
                {match &theirs {
                    Some(_) => "This record was also changed elsewhere: in another tab or window, or on another synced device. Nothing was saved over either version: choose what to keep.",
                    None => "This record was deleted elsewhere: in another tab or window, or on another synced device. Your version is still here: keep it, or let it go.",
                }}
                " "
                {summary}
            </p>
            <div class="two-col conflict__versions">
                <section role="region" aria-label="Your version">
                    <h3>"Your version (not saved)"</h3>
                    <dl class="facts facts--wide">{column(mine, theirs_some.clone())}</dl>
                    <div class="actions">
                        <button type="button" on:click=move |_| on_keep_mine.run(())>"Keep this version"</button>
                    </div>
                </section>
                {theirs.map(|rows| view! {
                    <section role="region" aria-label="Saved version">
                        <h3>"Saved elsewhere"</h3>
                        <dl class="facts facts--wide">{column(rows, Some(mine_rows.clone()))}</dl>
                        {on_keep_theirs.map(|keep| view! {
                            <div class="actions">
                                <button type="button" on:click=move |_| keep.run(())>"Keep this version"</button>
                            </div>
                        })}
                    </section>
                })}
            </div>
            {on_keep_both.map(|keep| view! {
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| keep.run(())>"Keep both"</button>
                </div>
            })}
        </section>
    }
}
