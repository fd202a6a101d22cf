//! Conflicts: records that came back from two devices with different
//! versions, each compared side by side and settled by the clinician.
//!
//! "Keep this version" appears under each version that may be kept alone;
//! "Keep both" under the comparison when both can be kept. Neither appears
//! where it would set a signed note or addendum aside (the vault refuses
//! those too). A settled record is a new revision, so the choice travels to
//! the other devices like any edit.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::Client;
use crate::ui::clock::now_ms;
use crate::ui::session_context::{use_session, Session};
use crate::vault::audit::RecordKind;
use crate::vault::conflicts::{ConflictSide, ConflictSides, ConflictSummary, OpenConflict};
use crate::vault::sealer::Loaded;

use super::common::{format_date, prefer_codes, shown_name};
use super::conflict_rows::{differing, Row, Rows};

/// One line of the list: what the record is and whose.
#[derive(Clone)]
struct Listed {
    summary: ConflictSummary,
    label: String,
}

async fn load(session: Session) -> Result<Vec<Listed>, String> {
    let vault = session.vault();
    let (conflicts, clients) = futures::join!(vault.conflicts(), vault.clients());
    let conflicts = conflicts.map_err(|e| e.to_string())?;
    let clients: Vec<Client> = clients
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(Loaded::ok)
        .map(|s| s.value)
        .collect();
    // A client may have several notes in conflict: each is named by its
    // session date, read from the client's note index (no note decrypted).
    let mut indexes = std::collections::HashMap::new();
    for summary in &conflicts {
        if summary.kind == RecordKind::ProgressNote && !indexes.contains_key(&summary.client_id) {
            let index = vault.client_note_index(&summary.client_id).await.ok();
            indexes.insert(summary.client_id.clone(), index);
        }
    }
    let session_of = |summary: &ConflictSummary| {
        let index = indexes.get(&summary.client_id)?.as_ref()?;
        let note = index
            .get(&summary.id)
            .or_else(|| index.get(summary.copy_of.as_deref()?))?;
        note.date_of_service
            .map(|d| format!(", session of {}", format_date(Some(d))))
    };
    let prefer_code = prefer_codes();
    Ok(conflicts
        .into_iter()
        .map(|summary| {
            let whose = clients
                .iter()
                .find(|c| c.id.as_str() == summary.client_id)
                .map_or_else(
                    || "a client no longer listed".to_owned(),
                    |c| shown_name(c, prefer_code),
                );
            let what = match (summary.kind, &summary.copy_of) {
                (RecordKind::Client, _) => "Client record".to_owned(),
                (RecordKind::ProgressNote, Some(_)) => {
                    "Progress note: a draft from another device beside the signed note".to_owned()
                }
                (RecordKind::ProgressNote, None) => "Progress note".to_owned(),
                (RecordKind::PsychotherapyNote, _) => "Psychotherapy note".to_owned(),
                (RecordKind::TreatmentPlan, _) => "Treatment plan".to_owned(),
            };
            let when = session_of(&summary).unwrap_or_default();
            Listed {
                label: format!("{what} of {whose}{when}"),
                summary,
            }
        })
        .collect())
}

/// The Conflicts page.
#[component]
pub fn ConflictsPage() -> impl IntoView {
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        reload.track();
        session.received.track();
        load(session)
    });
    let selected = RwSignal::new(None::<ConflictSummary>);
    let status = RwSignal::new(None::<String>);
    let on_settled = Callback::new(move |message: String| {
        selected.set(None);
        status.set(Some(message));
        reload.update(|n| *n += 1);
    });

    view! {
        <h1>"Conflicts"</h1>
        <p>
            "These records were changed on two devices before they synced. Compare the versions and choose: nothing is thrown away until you do, and a signed note is never replaced."
        </p>
        <p role="status" class="status">{move || status.get()}</p>
        {move || match listed.get() {
            None => view! { <p class="status">"Looking for conflicts…"</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="alert">{e}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p>"Nothing to settle: every record has one version. " <A href="/">"Back to clients"</A></p>
            }
            .into_any(),
            Some(Ok(list)) => view! {
                <ul class="conflicts">
                    {list
                        .into_iter()
                        .map(|item| {
                            let summary = item.summary.clone();
                            let is_open = {
                                let id = summary.id.clone();
                                move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id))
                            };
                            view! {
                                <li class="conflicts__item">
                                    <span>{item.label.clone()}</span>
                                    <button
                                        type="button"
                                        aria-expanded=move || is_open().to_string()
                                        on:click=move |_| {
                                            status.set(None);
                                            selected.set(Some(summary.clone()));
                                        }
                                    >
                                        {format!("Compare: {}", item.label)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {move || {
                    selected
                        .get()
                        .map(|summary| view! { <Comparison summary=summary on_settled=on_settled /> })
                }}
            }
            .into_any(),
        }}
    }
}

/// Every version of one record, side by side, with the choices.
#[component]
fn Comparison(
    /// The record to compare.
    summary: ConflictSummary,
    /// Called with a message once the record is settled.
    on_settled: Callback<String>,
) -> impl IntoView {
    let session = use_session();
    let opened = LocalResource::new(move || {
        let summary = summary.clone();
        async move {
            session
                .vault()
                .open_conflict(&summary, now_ms())
                .await
                .map_err(|e| e.to_string())
        }
    });
    view! {
        <section class="card comparison" aria-labelledby="comparison-heading">
            <h2 id="comparison-heading">"Versions"</h2>
            {move || match opened.get() {
                None => view! { <p class="status">"Opening the versions…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="alert">{e}</p> }.into_any(),
                Some(Ok(open)) => view! { <Choices open=StoredValue::new_local(open) on_settled=on_settled /> }
                    .into_any(),
            }}
        </section>
    }
}

/// A version's rows and where it came from, ready to lay out.
struct Column {
    heading: String,
    origin: String,
    rows: Vec<Row>,
    differs: Vec<bool>,
    may_keep: bool,
}

fn columns<T: Rows>(sides: &[ConflictSide<T>]) -> Vec<Column> {
    let rows: Vec<Vec<Row>> = sides
        .iter()
        .map(|s| match &s.value {
            Some(v) => v.rows(),
            None => vec![Row {
                label: "Status".into(),
                text: "Deleted on this device or another".into(),
            }],
        })
        .collect();
    let count = sides.len();
    sides
        .iter()
        .enumerate()
        .map(|(i, side)| {
            let others: Vec<Vec<Row>> = rows
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, r)| r.clone())
                .collect();
            let heading = if side.shown {
                format!("Version {} of {count}: shown now", i + 1)
            } else {
                format!("Version {} of {count}", i + 1)
            };
            let device = match (&side.device, side.this_device) {
                (_, true) => "From this device".to_owned(),
                (Some(d), false) => format!("From another device ({d})"),
                (None, false) => "From a device not recorded".to_owned(),
            };
            let when = side
                .value
                .as_ref()
                .and_then(|v| v.changed_at())
                .map(|at| format!(", last changed {at}"))
                .unwrap_or_default();
            Column {
                heading,
                origin: format!("{device}{when}"),
                differs: differing(&rows[i], &others),
                rows: rows[i].clone(),
                may_keep: side.may_keep,
            }
        })
        .collect()
}

#[component]
fn Choices(
    open: StoredValue<OpenConflict, LocalStorage>,
    on_settled: Callback<String>,
) -> impl IntoView {
    let columns = open.with_value(|o| match o.sides() {
        ConflictSides::Client(s) => columns(s),
        ConflictSides::ProgressNote(s) => columns(s),
        ConflictSides::PsychotherapyNote(s) => columns(s),
        ConflictSides::TreatmentPlan(s) => columns(s),
    });
    let may_keep_both = open.with_value(|o| o.may_keep_both());
    // Keeping one plan version sets the others aside, their unsigned drafts
    // with them (a client has one plan, so there is no "keep both"): the
    // drafts that would go, by side, for a confirmation that names them.
    let drafts_set_aside: Vec<Vec<String>> = open.with_value(|o| match o.sides() {
        ConflictSides::TreatmentPlan(sides) => (0..sides.len())
            .map(|kept| {
                sides
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != kept)
                    .filter_map(|(_, s)| s.value.as_ref()?.draft())
                    .map(|d| format!("Draft of version {}", d.version()))
                    .collect()
            })
            .collect(),
        _ => Vec::new(),
    });
    let drafts_set_aside = StoredValue::new(drafts_set_aside);
    let confirming = RwSignal::new(None::<usize>);
    let signed_pair = open.with_value(|o| {
        matches!(o.sides(), ConflictSides::ProgressNote(s)
            if s.iter().filter(|v| matches!(v.value, Some(crate::domain::ProgressNote::Signed(_)))).count() > 1)
    });
    let keep = Action::new_local(move |side: &usize| {
        let side = *side;
        async move {
            let conflict = open.get_value();
            conflict
                .keep(side, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            on_settled.run("Settled: the version you chose is kept.".to_owned());
            Ok::<(), String>(())
        }
    });
    let keep_both = Action::new_local(move |_: &()| async move {
        let conflict = open.get_value();
        let copies = conflict
            .keep_both(now_ms())
            .await
            .map_err(|e| e.to_string())?;
        on_settled.run(if copies.is_empty() {
            "Settled: both versions are kept.".to_owned()
        } else {
            "Settled: both versions are kept, the other one as a record of its own.".to_owned()
        });
        Ok::<(), String>(())
    });
    let busy = move || keep.pending().get() || keep_both.pending().get();
    let error = move || {
        keep.value()
            .get()
            .and_then(Result::err)
            .or_else(|| keep_both.value().get().and_then(Result::err))
    };
    view! {
        <div class="comparison__sides">
            {columns
                .into_iter()
                .enumerate()
                .map(|(i, column)| {
                    let heading_id = format!("version-{i}");
                    let labelled_by = heading_id.clone();
                    view! {
                        <section class="comparison__side" aria-labelledby=labelled_by>
                            <h3 id=heading_id>{column.heading}</h3>
                            <p class="muted">{column.origin}</p>
                            <dl>
                                {column
                                    .rows
                                    .into_iter()
                                    .zip(column.differs)
                                    .map(|(row, differs)| view! {
                                        <div class="comparison__row" class:comparison__row--differs=differs>
                                            <dt>
                                                {row.label}
                                                {differs.then(|| view! { <span class="badge badge--late">"Differs"</span> })}
                                            </dt>
                                            <dd class="comparison__text">{row.text}</dd>
                                        </div>
                                    })
                                    .collect_view()}
                            </dl>
                            {if column.may_keep {
                                view! {
                                    <button type="button" disabled=busy on:click=move |_| {
                                        let lost = drafts_set_aside.with_value(|d| d.get(i).is_some_and(|d| !d.is_empty()));
                                        if lost {
                                            confirming.set(Some(i));
                                        } else {
                                            keep.dispatch(i);
                                        }
                                    }>
                                        "Keep this version"
                                    </button>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <p class="muted">
                                        "This version cannot be kept on its own: the other version holds something signed that this one lacks, and a signed version is never set aside."
                                    </p>
                                }
                                .into_any()
                            }}
                        </section>
                    }
                })
                .collect_view()}
        </div>
        {move || confirming.get().map(|i| {
            let drafts = drafts_set_aside.with_value(|d| d.get(i).cloned().unwrap_or_default().join(", "));
            view! {
                <section class="confirm" aria-labelledby="confirm-keep-heading">
                    <h3 id="confirm-keep-heading">"Set the other version's draft aside?"</h3>
                    <p>
                        {format!("Keeping version {} of the comparison sets aside the other version's unsigned {drafts}. Its words are not kept anywhere else: copy what you need from it into the plan first.", i + 1)}
                    </p>
                    <div class="actions">
                        <button type="button" class="danger" disabled=busy on:click=move |_| {
                            confirming.set(None);
                            keep.dispatch(i);
                        }>"Keep it and set the draft aside"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(None)>"Cancel"</button>
                    </div>
                </section>
            }
        })}
        {signed_pair.then(|| view! {
            <p>
                "Both versions are signed, with different addenda. A signed addendum is never thrown away: keeping both adds the other version's addenda to the one shown, signed by you now and saying who first signed them and when."
            </p>
        })}
        {may_keep_both.then(|| view! {
            <button type="button" disabled=busy on:click=move |_| { keep_both.dispatch(()); }>
                "Keep both"
            </button>
        })}
        <p role="alert" class="alert" hidden=move || error().is_none()>{error}</p>
    }
}
