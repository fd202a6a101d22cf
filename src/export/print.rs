//! The printable record: a view model the UI renders as a print page.
//!
//! Everything a printed progress note says is decided here, as plain strings, so
//! the wording is tested natively and the UI only lays it out (as text, never as
//! HTML). The UI shows "DRAFT" prominently on notes with `is_draft`.
//!
//! [`PrintDocument::title`] names no client, because the UI may use it as the
//! page's `document.title`, which the browser shows in tabs and history
//! (DESIGN.md, invariant 1). The client's name is in `client_line` only.
//!
//! A signed note prints with the wording it was signed with (its goals,
//! diagnoses and labels), so later edits to the client change nothing. A note
//! signed before that wording was kept prints the client's current wording,
//! marked "current wording, not part of the signed text".

use super::sections::ordered_sections;
use super::time_format::date_at_time;
use crate::domain::rights::{AmendmentDecision, AmendmentOutcome};
use crate::domain::{
    Addendum, Client, ClinicianProfile, GoalProgress, Ideation, IncludedResult, NoteWording,
    ProgressNote, ProgressNoteDraft, RiskAssessment, Signature, SignedProgressNote, Timestamp,
};

/// A client's printable record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintDocument {
    /// "Progress notes": safe for `document.title`.
    pub title: String,
    /// "Clinician: Jane Doe, LCSW".
    pub clinician_line: String,
    /// "Client: Alex Rivera (AR-07) · Date of birth: 1990-04-02 · Pronouns: they/them".
    pub client_line: String,
    /// "Printed from Psynotes on 2024-04-01 at 19:33 · 3 progress notes".
    pub generated_line: String,
    pub notes: Vec<PrintNote>,
}

/// One progress note as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintNote {
    /// "Progress note — 2024-03-05, 14:00–14:50 (50 min), 90834".
    pub heading: String,
    /// Not signed yet: the UI marks it "DRAFT".
    pub is_draft: bool,
    /// (label, value): template, service, place of service, participants,
    /// diagnoses addressed, goals addressed with progress, risk.
    pub meta_lines: Vec<(String, String)>,
    /// (label, text) in template order. Text may be empty on a draft.
    pub sections: Vec<(String, String)>,
    /// "Electronically signed by Jane Doe, LCSW on 2024-03-05 at 15:50 — SHA-256 …".
    pub signature_line: Option<String>,
    /// "Late entry: written 2024-03-08 at 22:50, 80 hours after the session. Reason: …".
    pub late_entry_line: Option<String>,
    /// In the order they were added, after the note.
    pub addenda: Vec<PrintAddendum>,
    /// Decided amendment requests concerning the note, after its addenda:
    /// a denial prints with the statement of disagreement and any rebuttal
    /// (45 CFR 164.526(d)(5)).
    pub amendments: Vec<PrintAmendment>,
}

/// One decided amendment request, as printed with the note it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintAmendment {
    /// "Amendment request received 2024-03-01: denied".
    pub heading: String,
    /// (label, text): the change asked for, the denial and its basis, the
    /// statement of disagreement, the rebuttal; or the acceptance.
    pub lines: Vec<(String, String)>,
}

/// One addendum as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintAddendum {
    pub text: String,
    /// "Addendum electronically signed by Jane Doe, LCSW on … — SHA-256 …".
    pub signature_line: String,
}

const NOT_RECORDED: &str = "Not recorded";

/// The printable record of `client`'s `notes`, in the given order (choose and sort
/// them with [`select`](super::select)). A note of another client is left out:
/// printing it under this client's name would disclose it to the wrong person.
///
/// `clinician` is today's profile, for the header; each signature keeps the
/// signer's name and credentials as they were when signing.
pub fn print_document(
    clinician: &ClinicianProfile,
    client: &Client,
    notes: &[&ProgressNote],
    amendments: &[AmendmentOutcome],
    generated_at: Timestamp,
) -> PrintDocument {
    let notes: Vec<PrintNote> = notes
        .iter()
        .filter(|note| note.client_id() == &client.id)
        .map(|note| {
            let mut printed = print_note(client, note);
            printed.amendments = amendments
                .iter()
                .filter(|o| &o.note_id == note.id())
                .map(print_amendment)
                .collect();
            printed
        })
        .collect();
    let count = match notes.len() {
        1 => "1 progress note".to_owned(),
        n => format!("{n} progress notes"),
    };
    PrintDocument {
        title: "Progress notes".to_owned(),
        clinician_line: format!("Clinician: {}", clinician.signature_line()),
        client_line: client_line(client),
        generated_line: format!(
            "Printed from Psynotes on {} · {count}",
            date_at_time(generated_at)
        ),
        notes,
    }
}

fn client_line(client: &Client) -> String {
    let name = client.display_name(false);
    let code = client
        .code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty() && *code != name);
    let mut parts = vec![match code {
        Some(code) => format!("Client: {name} ({code})"),
        None => format!("Client: {name}"),
    }];
    if let Some(born) = client.date_of_birth {
        parts.push(format!("Date of birth: {born}"));
    }
    if !client.pronouns.trim().is_empty() {
        parts.push(format!("Pronouns: {}", client.pronouns.trim()));
    }
    parts.join(" · ")
}

fn print_note(client: &Client, note: &ProgressNote) -> PrintNote {
    let content = note.content();
    let signed = note.as_signed();
    let wording = note.wording(client);
    // Only a signed note's wording can be "not part of the signed text".
    let mark = signed.is_some() && !wording.is_signed();
    PrintNote {
        heading: heading(content),
        is_draft: !note.is_signed(),
        meta_lines: meta_lines(content, &wording, mark),
        sections: ordered_sections(content, &wording)
            .into_iter()
            .map(|s| (s.label.to_owned(), s.text.to_owned()))
            .chain(content.document.iter().flat_map(|d| d.rows()))
            .collect(),
        signature_line: signed.map(|s| signature_line(s.signature())),
        late_entry_line: signed.and_then(late_entry_line),
        addenda: signed
            .map(|s| s.addenda().iter().map(print_addendum).collect())
            .unwrap_or_default(),
        amendments: Vec::new(),
    }
}

/// A decided amendment request in the words every copy of its note shows.
pub fn print_amendment(outcome: &AmendmentOutcome) -> PrintAmendment {
    let mut lines = vec![(
        "Change requested".to_owned(),
        outcome.requested_change.clone(),
    )];
    let decision = match &outcome.decision {
        AmendmentDecision::Accepted {
            on,
            addendum_sha256,
        } => {
            lines.push((
                "Accepted".to_owned(),
                format!(
                    "{on}; the change is the addendum with SHA-256 {}",
                    addendum_sha256
                ),
            ));
            "accepted"
        }
        AmendmentDecision::Denied(denial) => {
            let written = &denial.written;
            lines.push((
                "Denied".to_owned(),
                format!(
                    "{} by {}. {} ({}). {}",
                    written.on,
                    written.by,
                    written.basis.label(),
                    written.basis.citation(),
                    written.explanation
                ),
            ));
            match &denial.statement {
                Some(statement) => lines.push((
                    "Statement of disagreement".to_owned(),
                    format!("Received {}: {}", statement.received, statement.text),
                )),
                None => lines.push((
                    "Statement of disagreement".to_owned(),
                    "None received".to_owned(),
                )),
            }
            if let Some(rebuttal) = &denial.rebuttal {
                lines.push((
                    "Rebuttal".to_owned(),
                    format!("{} by {}: {}", rebuttal.on, rebuttal.by, rebuttal.text),
                ));
            }
            "denied"
        }
    };
    PrintAmendment {
        heading: format!(
            "Amendment request received {}: {decision}",
            outcome.received
        ),
        lines,
    }
}

/// "Progress note — 2024-03-05, 14:00–14:50 (50 min), 90834"; parts that are not
/// recorded yet (on a draft) are left out.
fn heading(content: &ProgressNoteDraft) -> String {
    let mut parts = vec![content
        .date_of_service
        .map_or_else(|| "no date of service".to_owned(), |d| d.to_string())];
    match (content.start, content.end, content.duration_minutes()) {
        (Some(start), Some(end), Some(minutes)) => {
            parts.push(format!("{start}–{end} ({minutes} min)"));
        }
        (Some(start), None, _) => parts.push(format!("from {start}")),
        (None, Some(end), _) => parts.push(format!("until {end}")),
        _ => {}
    }
    if let Some(code) = &content.service_code {
        parts.push(code.code().to_owned());
    }
    format!("Progress note — {}", parts.join(", "))
}

/// `mark`: the referenced wording is the client's current one on a signed
/// note, and is labelled as not part of the signed text.
fn meta_lines(
    content: &ProgressNoteDraft,
    wording: &NoteWording<'_>,
    mark: bool,
) -> Vec<(String, String)> {
    let marked = |value: String| {
        if mark && value != "None" {
            format!("{value} ({})", NoteWording::CURRENT_MARK)
        } else {
            value
        }
    };
    let mut lines = vec![
        ("Template".to_owned(), content.template_label()),
        (
            ProgressNoteDraft::SERVICE_CODE_LABEL.to_owned(),
            wording
                .service_line(content)
                .unwrap_or_else(|| NOT_RECORDED.to_owned()),
        ),
        (
            ProgressNoteDraft::PLACE_OF_SERVICE_LABEL.to_owned(),
            wording
                .place_line(content)
                .unwrap_or_else(|| NOT_RECORDED.to_owned()),
        ),
        (
            "Participants".to_owned(),
            non_blank(&content.participants)
                .unwrap_or(NOT_RECORDED)
                .to_owned(),
        ),
        (
            ProgressNoteDraft::DIAGNOSES_LABEL.to_owned(),
            marked(list_or_none(wording.diagnosis_lines(content).into_iter())),
        ),
        (
            "Goals addressed".to_owned(),
            marked(list_or_none(wording.goals(content).into_iter().map(
                |goal| {
                    // A goal whose wording is unknown is still named, by its id.
                    let name = goal.text.unwrap_or(goal.goal_id);
                    format!("{name}: {}", GoalProgress::label_of(goal.progress))
                },
            ))),
        ),
    ];
    // Only a note that includes results says so: most notes have none, and a
    // "None" line would suggest none were given.
    if !content.measure_results.is_empty() {
        lines.push((
            ProgressNoteDraft::MEASURE_RESULTS_LABEL.to_owned(),
            content
                .measure_results
                .iter()
                .map(IncludedResult::describe)
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    // A custom template may leave blocks out; what they hold is still
    // printed, since the signature covers it.
    let shown = content.shown_blocks();
    if !shown.session {
        lines.retain(|(label, _)| {
            label != ProgressNoteDraft::SERVICE_CODE_LABEL
                && label != ProgressNoteDraft::PLACE_OF_SERVICE_LABEL
                && label != "Participants"
        });
    }
    if !shown.goals {
        lines.retain(|(label, _)| {
            label != ProgressNoteDraft::DIAGNOSES_LABEL && label != "Goals addressed"
        });
    }
    if shown.risk {
        let risk = content.risk_assessment();
        lines.extend(risk_lines(risk.as_ref()));
    }
    lines
}

fn risk_lines(risk: Option<&RiskAssessment>) -> Vec<(String, String)> {
    let Some(risk) = risk else {
        return vec![(
            ProgressNoteDraft::RISK_LABEL.to_owned(),
            NOT_RECORDED.to_owned(),
        )];
    };
    let ideation = |ideation: &Ideation| match ideation {
        Ideation::Denied => "Denied".to_owned(),
        Ideation::Present { detail } => format!("Present: {}", detail.trim()),
    };
    let mut lines = vec![
        (
            RiskAssessment::SUICIDAL_LABEL.to_owned(),
            ideation(&risk.suicidal),
        ),
        (
            RiskAssessment::HOMICIDAL_LABEL.to_owned(),
            ideation(&risk.homicidal),
        ),
    ];
    if let Some(plan) = non_blank(&risk.safety_plan) {
        lines.push((
            RiskAssessment::SAFETY_PLAN_LABEL.to_owned(),
            plan.to_owned(),
        ));
    }
    lines
}

fn signature_line(signature: &Signature) -> String {
    format!(
        "Electronically signed by {} on {} — SHA-256 {}",
        signature.signature_line(),
        date_at_time(signature.signed_at),
        signature.content_sha256
    )
}

fn late_entry_line(note: &SignedProgressNote) -> Option<String> {
    let late = note.late_entry()?;
    Some(format!(
        "Late entry: written {}, {} hours after the session. Reason: {}",
        date_at_time(late.written_at),
        late.hours_after_service,
        late.reason.trim()
    ))
}

fn print_addendum(addendum: &Addendum) -> PrintAddendum {
    PrintAddendum {
        text: addendum.text().to_owned(),
        signature_line: format!(
            "Addendum electronically signed by {} on {} — SHA-256 {}",
            addendum.signature_line(),
            date_at_time(addendum.signed_at()),
            addendum.content_sha256()
        ),
    }
}

fn non_blank(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

fn list_or_none(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "None".to_owned()
    } else {
        items.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Addendum, ServiceCode};
    use crate::export::fixtures::*;

    fn value<'a>(note: &'a PrintNote, label: &str) -> &'a str {
        note.meta_lines
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no meta line {label}"))
    }

    #[test]
    fn a_signed_note_prints_with_its_addendum_and_signature() {
        let mut signed = signed("note-1", "2024-03-05");
        let addendum = Addendum::new(
            "Client called: the interview moved to Friday.",
            &clinician(),
            Timestamp(signed.signature().signed_at.0 + HOUR),
        )
        .unwrap();
        signed.add_addendum(addendum);
        let note = ProgressNote::Signed(signed.clone());
        let doc = print_document(&clinician(), &client(), &[&note], &[], exported_at());

        assert_eq!(doc.title, "Progress notes");
        assert_eq!(doc.clinician_line, "Clinician: Jane Doe, LCSW");
        assert_eq!(
            doc.client_line,
            "Client: Alex Rivera (AR-07) · Date of birth: 1990-04-02 · Pronouns: they/them"
        );
        assert_eq!(
            doc.generated_line,
            "Printed from Psynotes on 2024-04-01 at 19:33 · 1 progress note"
        );
        assert_eq!(doc.notes.len(), 1);
        let p = &doc.notes[0];
        assert_eq!(
            p.heading,
            "Progress note — 2024-03-05, 14:00–14:50 (50 min), 90834"
        );
        assert!(!p.is_draft);
        let digest = &signed.signature().content_sha256;
        assert_eq!(
            p.signature_line.as_deref(),
            Some(
                format!(
                    "Electronically signed by Jane Doe, LCSW on 2024-03-05 at 15:50 — SHA-256 {digest}"
                )
                .as_str()
            )
        );
        assert_eq!(p.late_entry_line, None);
        assert_eq!(p.addenda.len(), 1);
        assert_eq!(
            p.addenda[0].text,
            "Client called: the interview moved to Friday."
        );
        assert_eq!(
            p.addenda[0].signature_line,
            format!(
                "Addendum electronically signed by Jane Doe, LCSW on 2024-03-05 at 16:50 — SHA-256 {}",
                signed.addenda()[0].content_sha256()
            )
        );

        let labels: Vec<&str> = p.sections.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Subjective", "Objective", "Assessment", "Plan"]);
        assert_eq!(p.sections[3].1, "Introduce paced breathing next session.");

        assert_eq!(value(p, "Template"), "SOAP");
        assert_eq!(
            value(p, "Service code"),
            format!("90834 {}", ServiceCode::Cpt90834.description())
        );
        assert_eq!(value(p, "Place of service"), "11 Office");
        assert_eq!(value(p, "Participants"), "Client");
        assert_eq!(
            value(p, "Diagnoses addressed"),
            "F41.1 Generalized anxiety disorder"
        );
        assert_eq!(
            value(p, "Goals addressed"),
            "Sleep at least 7 hours a night: Improved"
        );
        assert_eq!(value(p, "Suicidal ideation"), "Denied");
        assert_eq!(value(p, "Homicidal ideation"), "Denied");
    }

    #[test]
    fn included_results_print_as_the_note_keeps_them() {
        use crate::domain::measure::fixtures::make;
        use crate::domain::measure::PHQ_9;
        let plain = ProgressNote::Signed(signed("note-1", "2024-03-05"));
        let doc = print_document(&clinician(), &client(), &[&plain], &[], exported_at());
        assert!(!doc.notes[0]
            .meta_lines
            .iter()
            .any(|(label, _)| label == ProgressNoteDraft::MEASURE_RESULTS_LABEL));
        let mut draft = signed("note-2", "2024-03-05").content().clone();
        draft.measure_results = vec![IncludedResult::of(&make(
            &PHQ_9,
            &[Some(1); 9],
            "2024-03-05",
            1,
        ))];
        let note = ProgressNote::Draft(draft);
        let doc = print_document(&clinician(), &client(), &[&note], &[], exported_at());
        assert_eq!(
            value(&doc.notes[0], "Questionnaire results"),
            "PHQ-9 score: 9, mild (2024-03-05)"
        );
    }

    #[test]
    fn a_custom_template_prints_its_name_and_version_and_leaves_out_empty_blocks() {
        use std::borrow::Cow;
        let mut draft = signed("note-3", "2024-03-05").content().clone();
        draft.sections.clear();
        draft.start = None;
        draft.end = None;
        draft.service_code = None;
        draft.place_of_service = None;
        draft.participants.clear();
        draft.diagnoses_addressed.clear();
        draft.goals_addressed.clear();
        draft.use_custom_template(crate::domain::CustomTemplate {
            id: "t-1".into(),
            name: "Crisis call".into(),
            version: 2,
            sections: vec![crate::domain::Section {
                key: Cow::Borrowed("c1.t-1"),
                label: Cow::Borrowed("What happened"),
                required: true,
                hint: Cow::Borrowed(""),
            }],
            blocks: crate::domain::Blocks {
                session: false,
                risk: true,
                goals: false,
            },
        });
        let doc = print_document(
            &clinician(),
            &client(),
            &[&ProgressNote::Draft(draft.clone())],
            &[],
            exported_at(),
        );
        let labels: Vec<&str> = doc.notes[0]
            .meta_lines
            .iter()
            .map(|(l, _)| l.as_str())
            .collect();
        assert_eq!(value(&doc.notes[0], "Template"), "Crisis call (version 2)");
        for absent in [
            "Service code",
            "Place of service",
            "Participants",
            "Diagnoses addressed",
            "Goals addressed",
        ] {
            assert!(!labels.contains(&absent), "{absent} printed: {labels:?}");
        }
        assert!(
            labels.contains(&"Suicidal ideation") || labels.contains(&"Risk assessment"),
            "{labels:?}"
        );
        // A block left out but holding something is printed: the signature covers it.
        draft.participants = "Client and partner".into();
        let doc = print_document(
            &clinician(),
            &client(),
            &[&ProgressNote::Draft(draft)],
            &[],
            exported_at(),
        );
        assert_eq!(value(&doc.notes[0], "Participants"), "Client and partner");
    }

    #[test]
    fn a_late_entry_says_when_and_why() {
        let note = ProgressNote::Signed(late_note_with_two_addenda());
        let doc = print_document(&clinician(), &client(), &[&note], &[], exported_at());
        let p = &doc.notes[0];
        assert_eq!(
            p.late_entry_line.as_deref(),
            Some("Late entry: written 2024-03-08 at 22:50, 80 hours after the session. Reason: Clinician was ill; written on return.")
        );
        assert_eq!(p.addenda.len(), 2);
        assert_eq!(
            p.addenda[1].text,
            "Correction: mother attended the last 10 minutes."
        );
    }

    #[test]
    fn a_draft_is_marked_and_shows_what_is_missing() {
        let note = undated_draft("d-1");
        let doc = print_document(&clinician(), &client(), &[&note], &[], exported_at());
        let p = &doc.notes[0];
        assert!(p.is_draft);
        assert_eq!(p.heading, "Progress note — no date of service");
        assert_eq!(p.signature_line, None);
        assert!(p.addenda.is_empty());
        assert_eq!(value(p, "Service code"), "Not recorded");
        assert_eq!(value(p, "Risk assessment"), "Not recorded");
        assert_eq!(value(p, "Goals addressed"), "None");
        let labels: Vec<&str> = p.sections.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Data", "Assessment", "Plan"]);
    }

    #[test]
    fn another_clients_note_is_never_printed_under_this_client() {
        let mine = ProgressNote::Signed(signed("mine", "2024-03-05"));
        let theirs = other_clients_note("theirs", "2024-03-06");
        let doc = print_document(
            &clinician(),
            &client(),
            &[&mine, &theirs],
            &[],
            exported_at(),
        );
        assert_eq!(doc.notes.len(), 1);
        assert!(doc.notes[0].heading.contains("2024-03-05"));
    }

    #[test]
    fn the_title_names_no_client() {
        let doc = print_document(&clinician(), &client(), &[], &[], exported_at());
        assert!(!doc.title.contains("Alex"));
        assert!(!doc.title.contains("AR-07"));
    }
}
