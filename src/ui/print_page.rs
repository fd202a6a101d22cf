//! The printable record: progress notes, then each questionnaire's results
//! (chart and table), styled for paper, which the browser's
//! "Save as PDF" turns into a clean document. No app chrome is printed, each note
//! starts on a new page, and psychotherapy notes cannot appear: the export layer
//! never receives them.

use leptos::prelude::*;

use crate::domain::measure::{self, MeasureDefinition, MeasureResult};
use crate::domain::Client;
use crate::export::{print_document, select, select_results, PrintDocument};

use super::clinical::{result_summary, MeasureChart, ResultAnswers};
use super::clock::now_local;
use super::export_files::{audit_export, exportable, Exportables};
use super::session_context::use_session;

/// `/print`: the request comes from the export page through the session, never
/// through the URL.
#[component]
pub fn PrintPage() -> impl IntoView {
    let session = use_session();
    let documents = LocalResource::new(move || {
        let request = session.print_request.get();
        async move {
            let Some(request) = request else {
                return Ok(Vec::new());
            };
            let vault = session.vault();
            let Exportables {
                clients,
                notes,
                results,
                // The plan has a print view of its own, for the client to sign.
                plans: _,
                amendments,
            } = exportable(&vault).await?;
            let clinician = session.settings.with_untracked(|s| s.clinician.clone());
            let mut docs: Vec<(PrintDocument, Vec<MeasureResult>)> = Vec::new();
            let mut count = 0;
            let mut sorted: Vec<&Client> = clients
                .iter()
                .filter(|c| request.scope.client_id().is_none_or(|id| &c.id == id))
                .collect();
            sorted.sort_by_key(|c| c.name.to_lowercase());
            for client in sorted {
                let selected = select(&notes, Some(&client.id), &request.options);
                let given: Vec<MeasureResult> =
                    select_results(&results, Some(&client.id), &request.options)
                        .into_iter()
                        .cloned()
                        .collect();
                if selected.is_empty() && given.is_empty() && request.scope.client_id().is_none() {
                    continue;
                }
                count += selected.len();
                docs.push((
                    print_document(&clinician, client, &selected, &amendments, now_local()),
                    given,
                ));
            }
            audit_export(&vault, &request, count).await?;
            Ok::<_, crate::vault::VaultError>(docs)
        }
    });
    view! {
        <div class="no-print actions">
            <button type="button" on:click=move |_| { let _ = window().print(); }>"Print"</button>
            <a class="button secondary" href=move || session.print_back.get()>"Back"</a>
        </div>
        {move || documents.get().map(|result| match result {
            Err(e) => view! { <p role="alert" class="alert">{e.to_string()}</p> }.into_any(),
            Ok(docs) if docs.is_empty() => view! {
                <p>"Nothing to print. Choose whose notes and which dates on the Backup and export page."</p>
            }
            .into_any(),
            Ok(docs) => docs
                .into_iter()
                .map(|(doc, results)| view! { <PrintedRecord doc=doc results=results /> })
                .collect_view()
                .into_any(),
        })}
    }
}

#[component]
fn PrintedRecord(doc: PrintDocument, results: Vec<MeasureResult>) -> impl IntoView {
    // Each measure given in the range: its chart and its table, after the notes.
    // (The chart takes in every version of a measure.)
    let measures: Vec<&'static MeasureDefinition> = measure::offered()
        .into_iter()
        .filter(|d| results.iter().any(|r| r.measure_key() == d.key))
        .collect();
    let questionnaires = (!measures.is_empty()).then(|| {
        view! {
            <section class="print-measures">
                <h2>"Questionnaire results"</h2>
                {measures
                    .into_iter()
                    .map(|definition| view! {
                        <h3>{definition.title}</h3>
                        <MeasureChart definition=definition results=results.clone() />
                        {results
                            .iter()
                            .filter(|r| r.measure_key() == definition.key)
                            .map(|r| view! {
                                <h4>{result_summary(r)}</h4>
                                <ResultAnswers result=r.clone() />
                            })
                            .collect_view()}
                    })
                    .collect_view()}
            </section>
        }
    });
    view! {
        <article class="print-record">
            <header class="print-record__header">
                <h1>{doc.title}</h1>
                <p>{doc.clinician_line}</p>
                <p>{doc.client_line}</p>
                <p class="muted">{doc.generated_line}</p>
            </header>
            {doc.notes.into_iter().map(|note| view! {
                <section class="print-note">
                    <h2>
                        {note.is_draft.then(|| view! { <span class="badge">"DRAFT"</span> " " })}
                        {note.heading}
                    </h2>
                    <dl class="print-note__meta">
                        {note.meta_lines.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                    </dl>
                    {note.sections.into_iter().map(|(label, text)| view! {
                        <h3>{label}</h3>
                        <p class="print-note__text">{text}</p>
                    }).collect_view()}
                    {note.late_entry_line.map(|l| view! { <p class="badge badge--late">{l}</p> })}
                    {note.signature_line.map(|l| view! { <p class="print-note__signature">{l}</p> })}
                    {note.addenda.into_iter().map(|a| view! {
                        <div class="print-note__addendum">
                            <h3>"Addendum"</h3>
                            <p class="print-note__text">{a.text}</p>
                            <p class="print-note__signature">{a.signature_line}</p>
                        </div>
                    }).collect_view()}
                    {note.amendments.into_iter().map(|a| view! {
                        <div class="print-note__amendment">
                            <h3>{a.heading}</h3>
                            <dl>
                                {a.lines.into_iter().map(|(label, text)| view! { <dt>{label}</dt><dd class="print-note__text">{text}</dd> }).collect_view()}
                            </dl>
                        </div>
                    }).collect_view()}
                </section>
            }).collect_view()}
            {questionnaires}
        </article>
    }
}
