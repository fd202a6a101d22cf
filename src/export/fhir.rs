//! The FHIR R4 export: the record of a scope as one Bundle (JSON), for systems
//! that read FHIR rather than the app's own format.
//!
//! It follows the same scope rules as the JSON file: the caller chooses the notes
//! with [`select`](super::select) using
//! [`ExportRequest::effective_options`](super::ExportRequest::effective_options),
//! which leaves drafts out, because only signed notes are part of the record a
//! FHIR document carries. The mapping, element by element, is in `docs/fhir.md`:
//!
//! - the clinician and every signer: `Practitioner`;
//! - each client: `Patient`; each of their diagnoses: `Condition` (ICD-10-CM);
//! - each signed progress note: a `DocumentReference` (LOINC 11506-3 "Progress
//!   note") whose attachment is the note's canonical text, the exact bytes its
//!   signature's digest covers, with the signature, late entry and seal as
//!   extensions;
//! - each addendum: a `DocumentReference` that `appends` to its note, whose
//!   attachment is the addendum's canonical text (text, signer, time, the note's
//!   digest and its predecessor's digest).
//!
//! So a verifier can check every digest from the bundle alone, the same way as
//! from the JSON file.
//!
//! - each scored questionnaire: an `Observation` of its total (LOINC 44261-6
//!   for the PHQ-9, 70274-6 for the GAD-7), with its severity band;
//! - each client's treatment plan in force (its last signed version): a
//!   `CarePlan`, with the version's signature and digest as an extension.
//!
//! Results and plans are builder methods on [`FhirExport`], each an optional
//! slice that is empty by default.
//!
//! Instants: FHIR requires a time zone on every `dateTime` with a time, and the
//! app has none (see `time_format`). Standard elements therefore carry dates only
//! (`context.period`), and exact local times travel in the extensions and the
//! canonical texts, written the same way as in the JSON file.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::fhir_model::*;
use super::time_format::iso_local;
use super::{ExportOptions, ExportScope};
use crate::domain::measure::MeasureResult;
use crate::domain::rights::{AmendmentDecision, AmendmentOutcome};
use crate::domain::treatment_plan::{ClientAgreement, PlanContent, SignedPlanVersion};
use crate::domain::{
    Client, ClinicianProfile, Diagnosis, ProgressNote, SignedProgressNote, Template, Timestamp,
    TreatmentPlan,
};

/// Where this app's FHIR extensions, identifier systems and code systems live.
/// `.invalid` is reserved (RFC 6761) and never resolves: the names are stable
/// identifiers, documented in `docs/fhir.md`, not pages to fetch.
pub const FHIR_NAMESPACE: &str = "https://psynotes.invalid/fhir";

/// The version of this bundle's shape, in the export extension of `Bundle.meta`.
pub const FHIR_EXPORT_VERSION: i64 = 1;

const LOINC: &str = "http://loinc.org";
const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const CPT: &str = "http://www.ama-assn.org/go/cpt";
const CMS_PLACE_OF_SERVICE: &str =
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const DOCUMENT_CATEGORY: &str =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category";
const CANONICAL_TEXT: &str = "text/plain; charset=utf-8";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// The LOINC document type for a note of this template: (code, display).
///
/// The session formats are progress notes; the intake assessment is LOINC's
/// "Evaluation + Plan note" (a diagnostic evaluation that ends in the initial
/// plan), and the discharge summary its own type (see `docs/fhir.md`).
pub fn loinc_document_type(template: Template) -> (&'static str, &'static str) {
    match template {
        Template::Soap | Template::Dap | Template::Birp | Template::Girp | Template::Custom => {
            ("11506-3", "Progress note")
        }
        Template::Intake => ("51847-2", "Evaluation + Plan note"),
        Template::Discharge => ("18842-5", "Discharge summary"),
    }
}

/// The inputs of one bundle. Built with [`FhirExport::new`] and the methods that
/// add records; [`to_json`](Self::to_json) writes it.
pub struct FhirExport<'a> {
    clinician: &'a ClinicianProfile,
    exported_at: Timestamp,
    scope: &'a ExportScope,
    options: &'a ExportOptions,
    clients: &'a [&'a Client],
    notes: &'a [&'a ProgressNote],
    results: &'a [&'a MeasureResult],
    plans: &'a [&'a TreatmentPlan],
    amendments: &'a [AmendmentOutcome],
}

impl<'a> FhirExport<'a> {
    /// A bundle with no records yet. `scope` and `options` are recorded in it, as
    /// in the JSON file.
    pub fn new(
        clinician: &'a ClinicianProfile,
        exported_at: Timestamp,
        scope: &'a ExportScope,
        options: &'a ExportOptions,
    ) -> Self {
        FhirExport {
            clinician,
            exported_at,
            scope,
            options,
            clients: &[],
            notes: &[],
            results: &[],
            plans: &[],
            amendments: &[],
        }
    }

    /// Decided amendment requests: each travels with the note it concerns, as
    /// an `amendment-request` extension of the note's `DocumentReference`
    /// (45 CFR 164.526(d)(5)). The note's signed content is untouched.
    pub fn amendments(mut self, amendments: &'a [AmendmentOutcome]) -> Self {
        self.amendments = amendments;
        self
    }

    /// Questionnaire results chosen by [`select_results`](super::select_results):
    /// each scored one becomes an `Observation` of its total.
    pub fn results(mut self, results: &'a [&'a MeasureResult]) -> Self {
        self.results = results;
        self
    }

    /// Treatment plans chosen by [`select_plans`](super::select_plans): the
    /// version in force of each becomes a `CarePlan` (an unsigned plan has none).
    pub fn plans(mut self, plans: &'a [&'a TreatmentPlan]) -> Self {
        self.plans = plans;
        self
    }

    /// The clients concerned: each becomes a `Patient`, with a `Condition` per
    /// diagnosis.
    pub fn clients(mut self, clients: &'a [&'a Client]) -> Self {
        self.clients = clients;
        self
    }

    /// The notes chosen by [`select`](super::select). Drafts are skipped: only
    /// signed notes are written.
    pub fn notes(mut self, notes: &'a [&'a ProgressNote]) -> Self {
        self.notes = notes;
        self
    }

    /// How many notes the bundle holds (signed ones), for the audit line.
    pub fn note_count(&self) -> usize {
        self.signed_notes().count()
    }

    fn signed_notes(&self) -> impl Iterator<Item = &'a SignedProgressNote> + '_ {
        self.notes.iter().filter_map(|note| note.as_signed())
    }

    /// The bundle, pretty-printed.
    pub fn to_json(&self) -> String {
        // Only strings, numbers, booleans and structs: serializing cannot fail.
        serde_json::to_string_pretty(&self.bundle()).unwrap_or_default()
    }

    fn bundle(&self) -> Bundle {
        let mut practitioners = Practitioners::default();
        practitioners.add(&self.clinician.name, &self.clinician.credentials);
        let mut entry = Vec::new();
        let mut documents = Vec::new();
        for note in self.signed_notes() {
            let client = super::json::client_of(self.clients, note.client_id());
            let mut docs = note_documents(note, &client, &mut practitioners);
            if let Some(Entry {
                resource: Resource::DocumentReference(doc),
                ..
            }) = docs.first_mut()
            {
                doc.extension.extend(
                    self.amendments
                        .iter()
                        .filter(|o| &o.note_id == note.id())
                        .map(amendment_extension),
                );
            }
            documents.extend(docs);
        }
        let plans: Vec<Entry> = self
            .plans
            .iter()
            .filter_map(|plan| {
                plan.current()
                    .map(|version| care_plan(plan, version, &mut practitioners))
            })
            .collect();
        entry.extend(practitioners.entries);
        for client in self.clients {
            entry.push(patient(client));
            for diagnosis in &client.diagnoses {
                entry.push(condition(client, diagnosis));
            }
        }
        entry.extend(documents);
        entry.extend(self.results.iter().filter_map(|result| observation(result)));
        entry.extend(plans);
        Bundle {
            resource_type: "Bundle",
            id: derived_id(&[
                "Bundle",
                &self.exported_at.0.to_string(),
                self.scope.client_id().map_or("", |id| id.as_str()),
            ]),
            meta: Meta {
                extension: vec![self.export_extension()],
            },
            kind: "collection",
            entry,
        }
    }

    /// What was asked for and when, as the JSON file's `exported_at` and `scope`.
    fn export_extension(&self) -> Extension {
        let mut parts = vec![
            string_ext("format", "psynotes-fhir"),
            Extension {
                url: "version".into(),
                value_integer: Some(FHIR_EXPORT_VERSION),
                ..Extension::default()
            },
            string_ext("exported-at", &iso_local(self.exported_at)),
            Extension {
                url: "scope".into(),
                value_code: Some(match self.scope {
                    ExportScope::Client { .. } => "client",
                    ExportScope::Practice => "practice",
                }),
                ..Extension::default()
            },
        ];
        if let Some(client) = self.scope.client_id() {
            parts.push(string_ext("client-id", client.as_str()));
        }
        for (name, date) in [
            ("from", self.options.range.from),
            ("to", self.options.range.to),
        ] {
            if let Some(date) = date {
                parts.push(Extension {
                    url: name.into(),
                    value_date: Some(date.to_string()),
                    ..Extension::default()
                });
            }
        }
        complex_ext(&structure("export"), parts)
    }
}

/// The whole bundle in one call, in the shape of [`to_json`](super::to_json).
pub fn to_fhir(
    clinician: &ClinicianProfile,
    content: &super::ExportContent<'_>,
    exported_at: Timestamp,
    scope: &ExportScope,
    options: &ExportOptions,
) -> String {
    FhirExport::new(clinician, exported_at, scope, options)
        .clients(content.clients)
        .notes(content.notes)
        .results(content.results)
        .plans(content.plans)
        .amendments(content.amendments)
        .to_json()
}

/// A decided amendment request as an extension of its note's
/// `DocumentReference`: the request, then the acceptance (with the addendum's
/// digest) or the denial with the client's statement and any rebuttal.
fn amendment_extension(outcome: &AmendmentOutcome) -> Extension {
    let date = |url: &str, date: crate::domain::Date| Extension {
        url: url.into(),
        value_date: Some(date.to_string()),
        ..Extension::default()
    };
    let mut parts = vec![
        string_ext("request-id", &outcome.request_id.0),
        date("received", outcome.received),
        string_ext("requested-change", &outcome.requested_change),
    ];
    match &outcome.decision {
        AmendmentDecision::Accepted {
            on,
            addendum_sha256,
        } => {
            parts.push(Extension {
                url: "decision".into(),
                value_code: Some("accepted"),
                ..Extension::default()
            });
            parts.push(date("decided", *on));
            parts.push(string_ext("addendum-sha256", addendum_sha256));
        }
        AmendmentDecision::Denied(denial) => {
            let written = &denial.written;
            parts.push(Extension {
                url: "decision".into(),
                value_code: Some("denied"),
                ..Extension::default()
            });
            parts.push(date("decided", written.on));
            parts.push(string_ext("denial-basis", written.basis.label()));
            parts.push(string_ext("denial-citation", written.basis.citation()));
            parts.push(string_ext("denial-explanation", &written.explanation));
            parts.push(string_ext("denied-by", &written.by));
            if let Some(statement) = &denial.statement {
                parts.push(date("statement-received", statement.received));
                parts.push(string_ext("statement-of-disagreement", &statement.text));
            }
            if let Some(rebuttal) = &denial.rebuttal {
                parts.push(date("rebuttal-date", rebuttal.on));
                parts.push(string_ext("rebuttal", &rebuttal.text));
                parts.push(string_ext("rebuttal-by", &rebuttal.by));
            }
        }
    }
    complex_ext(&structure("amendment-request"), parts)
}

/// LOINC's code for a questionnaire's total score, by the app's measure key.
pub fn loinc_total_score(measure_key: &str) -> Option<(&'static str, &'static str)> {
    match measure_key {
        "phq-9" => Some((
            "44261-6",
            "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        )),
        "gad-7" => Some((
            "70274-6",
            "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        )),
        _ => None,
    }
}

/// A scored result's total as an `Observation`; `None` for a result with no
/// total (too many items unanswered) or of a measure LOINC does not name here.
fn observation(result: &MeasureResult) -> Option<Entry> {
    let total = result.total()?;
    let (code, display) = loinc_total_score(result.measure_key())?;
    let id = derived_id(&["Observation", result.id().as_str()]);
    let mut note = Vec::new();
    if let crate::domain::measure::Outcome::Prorated { missing_items, .. } = result.outcome() {
        note.push(Annotation {
            text: format!(
                "Prorated: {} item(s) unanswered, scored by the measure's published rule.",
                missing_items.len()
            ),
        });
    }
    Some(Entry {
        full_url: full_url(&id),
        resource: Resource::Observation(Box::new(Observation {
            resource_type: "Observation",
            id,
            identifier: vec![Identifier {
                system: naming_system("measure-result-id"),
                value: result.id().as_str().to_owned(),
            }],
            status: "final",
            category: vec![CodeableConcept {
                coding: vec![Coding {
                    system: OBSERVATION_CATEGORY.into(),
                    code: "survey".into(),
                    display: Some("Survey".into()),
                }],
                text: None,
            }],
            code: CodeableConcept {
                coding: vec![Coding {
                    system: LOINC.into(),
                    code: code.into(),
                    display: Some(display.into()),
                }],
                text: Some(format!("{} total score", result.measure_name())),
            },
            subject: patient_reference(result.client_id().as_str()),
            effective_date_time: result.administered_on().to_string(),
            value_integer: i64::from(total),
            interpretation: result
                .band()
                .and_then(text_or_none)
                .map(|band| {
                    vec![CodeableConcept {
                        coding: Vec::new(),
                        text: Some(band),
                    }]
                })
                .unwrap_or_default(),
            note,
        })),
    })
}

/// The plan in force as a `CarePlan`: its content in words, its signer, and
/// its signature (digest and format) as an extension, as a note's.
fn care_plan(
    plan: &TreatmentPlan,
    version: &SignedPlanVersion,
    practitioners: &mut Practitioners,
) -> Entry {
    let signature = version.signature();
    let author = practitioners.add(&signature.signer_name, &signature.credentials);
    let id = derived_id(&["CarePlan", plan.id().as_str()]);
    let note = version
        .client_agreement()
        .map(|recorded| {
            vec![Annotation {
                text: match &recorded.agreement {
                    ClientAgreement::Named { name, date } => {
                        format!("The client agreed to this plan on {date}, as {name}.")
                    }
                    ClientAgreement::OnPaper { date } => {
                        format!("The client signed the printed plan on {date}; the paper is kept in the chart.")
                    }
                    ClientAgreement::Declined { date, reason } => {
                        format!("On {date} the client declined to agree: {reason}")
                    }
                },
            }]
        })
        .unwrap_or_default();
    Entry {
        full_url: full_url(&id),
        resource: Resource::CarePlan(Box::new(CarePlan {
            resource_type: "CarePlan",
            id,
            extension: vec![complex_ext(
                &structure("signature"),
                vec![
                    string_ext("signer-name", &signature.signer_name),
                    string_ext("signed-at", &iso_local(signature.signed_at)),
                    string_ext("content-sha256", &signature.content_sha256),
                    string_ext("content-format", "psynotes/treatment-plan/v1"),
                ],
            )],
            identifier: vec![Identifier {
                system: naming_system("treatment-plan-id"),
                value: plan.id().as_str().to_owned(),
            }],
            status: "active",
            intent: "plan",
            title: format!("Treatment plan, version {}", version.version()),
            description: plan_in_words(version.content()),
            subject: patient_reference(plan.client_id().as_str()),
            created: signature.signed_at.date().to_string(),
            author,
            note,
        })),
    }
}

/// The plan's problems, goals, objectives and interventions, one per line,
/// indented by level: the readable form a system without the app shows.
fn plan_in_words(content: &PlanContent) -> String {
    let mut lines = Vec::new();
    for problem in &content.problems {
        lines.push(format!("Problem: {}", problem.text.trim()));
        for goal in &problem.goals {
            let by = goal
                .target_date
                .map(|d| format!(" (by {d})"))
                .unwrap_or_default();
            lines.push(format!("  Goal: {}{by}", goal.text.trim()));
            for objective in &goal.objectives {
                let by = objective
                    .target_date
                    .map(|d| format!(" (by {d})"))
                    .unwrap_or_default();
                lines.push(format!("    Objective: {}{by}", objective.text.trim()));
            }
            for intervention in &goal.interventions {
                let details: Vec<&str> =
                    [intervention.frequency.trim(), intervention.provider.trim()]
                        .into_iter()
                        .filter(|t| !t.is_empty())
                        .collect();
                let details = if details.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", details.join(", "))
                };
                lines.push(format!(
                    "    Intervention: {}{details}",
                    intervention.modality.trim()
                ));
            }
        }
    }
    if let Some(review) = content.review_date {
        lines.push(format!("Review by {review}."));
    }
    if lines.is_empty() {
        "No problems recorded.".to_owned()
    } else {
        lines.join("\n")
    }
}

/// `https://psynotes.invalid/fhir/StructureDefinition/<name>`.
fn structure(name: &str) -> String {
    format!("{FHIR_NAMESPACE}/StructureDefinition/{name}")
}

fn naming_system(name: &str) -> String {
    format!("{FHIR_NAMESPACE}/NamingSystem/{name}")
}

/// The code system of canonical-text format names (`content.format`).
fn canonical_format_system() -> String {
    format!("{FHIR_NAMESPACE}/CodeSystem/canonical-format")
}

/// A resource id (and `urn:uuid:` full URL) derived from what the resource is,
/// so the same record gets the same id in every export and no randomness is
/// needed: the first 16 bytes of SHA-256 over the parts, shaped as a version-8
/// (custom) UUID (RFC 9562).
fn derived_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn full_url(id: &str) -> String {
    format!("urn:uuid:{id}")
}

fn string_ext(url: &str, value: &str) -> Extension {
    Extension {
        url: url.into(),
        value_string: Some(value.to_owned()),
        ..Extension::default()
    }
}

/// A string part, left out when blank: FHIR forbids empty strings, and readers
/// take a missing part as the empty string.
fn optional_string_ext(parts: &mut Vec<Extension>, url: &str, value: &str) {
    if !value.trim().is_empty() {
        parts.push(string_ext(url, value));
    }
}

fn complex_ext(url: &str, parts: Vec<Extension>) -> Extension {
    Extension {
        url: url.into(),
        extension: parts,
        ..Extension::default()
    }
}

fn text_or_none(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// One `Practitioner` per distinct name and credentials: the exporting
/// clinician and whoever signed a note or addendum, as written in the signature.
#[derive(Default)]
struct Practitioners {
    seen: Vec<(String, String, Reference)>,
    entries: Vec<Entry>,
}

impl Practitioners {
    fn add(&mut self, name: &str, credentials: &str) -> Reference {
        let (name, credentials) = (name.trim(), credentials.trim());
        if let Some((_, _, reference)) = self
            .seen
            .iter()
            .find(|(n, c, _)| n == name && c == credentials)
        {
            return reference.clone();
        }
        let id = derived_id(&["Practitioner", name, credentials]);
        let reference = Reference {
            reference: full_url(&id),
            display: text_or_none(&crate::domain::clinician::signature_line(name, credentials)),
        };
        self.entries.push(Entry {
            full_url: full_url(&id),
            resource: Resource::Practitioner(Practitioner {
                resource_type: "Practitioner",
                id,
                name: text_or_none(name)
                    .map(|text| vec![HumanName { text }])
                    .unwrap_or_default(),
                qualification: text_or_none(credentials)
                    .map(|text| {
                        vec![Qualification {
                            code: CodeableConcept {
                                coding: Vec::new(),
                                text: Some(text),
                            },
                        }]
                    })
                    .unwrap_or_default(),
            }),
        });
        self.seen
            .push((name.to_owned(), credentials.to_owned(), reference.clone()));
        reference
    }
}

fn patient_id(client_id: &str) -> String {
    derived_id(&["Patient", client_id])
}

fn patient(client: &Client) -> Entry {
    let id = patient_id(client.id.as_str());
    let mut identifier = vec![Identifier {
        system: naming_system("client-id"),
        value: client.id.as_str().to_owned(),
    }];
    if let Some(code) = client.code.as_deref().and_then(text_or_none) {
        identifier.push(Identifier {
            system: naming_system("client-code"),
            value: code,
        });
    }
    let mut extension = Vec::new();
    optional_string_ext(&mut extension, &structure("pronouns"), &client.pronouns);
    Entry {
        full_url: full_url(&id),
        resource: Resource::Patient(Patient {
            resource_type: "Patient",
            id,
            extension,
            identifier,
            active: !client.archived,
            name: text_or_none(&client.name)
                .map(|text| vec![HumanName { text }])
                .unwrap_or_default(),
            birth_date: client.date_of_birth.map(|d| d.to_string()),
        }),
    }
}

fn patient_reference(client_id: &str) -> Reference {
    Reference {
        reference: full_url(&patient_id(client_id)),
        display: None,
    }
}

fn condition(client: &Client, diagnosis: &Diagnosis) -> Entry {
    let id = derived_id(&["Condition", client.id.as_str(), &diagnosis.code]);
    let extension = if diagnosis.primary {
        vec![Extension {
            url: structure("primary-diagnosis"),
            value_boolean: Some(true),
            ..Extension::default()
        }]
    } else {
        Vec::new()
    };
    Entry {
        full_url: full_url(&id),
        resource: Resource::Condition(Condition {
            resource_type: "Condition",
            id,
            extension,
            clinical_status: CodeableConcept {
                coding: vec![Coding {
                    system: CONDITION_CLINICAL.into(),
                    code: "active".into(),
                    display: Some("Active".into()),
                }],
                text: None,
            },
            category: vec![CodeableConcept {
                coding: vec![Coding {
                    system: CONDITION_CATEGORY.into(),
                    code: "problem-list-item".into(),
                    display: Some("Problem List Item".into()),
                }],
                text: None,
            }],
            code: CodeableConcept {
                coding: vec![Coding {
                    system: ICD10CM.into(),
                    code: diagnosis.code.clone(),
                    display: text_or_none(&diagnosis.description),
                }],
                text: text_or_none(&diagnosis.description),
            },
            subject: patient_reference(client.id.as_str()),
        }),
    }
}

fn document_type(template: Template, text: String) -> CodeableConcept {
    let (code, display) = loinc_document_type(template);
    CodeableConcept {
        coding: vec![Coding {
            system: LOINC.into(),
            code: code.into(),
            display: Some(display.into()),
        }],
        text: Some(text),
    }
}

fn clinical_note_category() -> Vec<CodeableConcept> {
    vec![CodeableConcept {
        coding: vec![Coding {
            system: DOCUMENT_CATEGORY.into(),
            code: "clinical-note".into(),
            display: Some("Clinical Note".into()),
        }],
        text: None,
    }]
}

/// The canonical text as an attachment: base64 of its UTF-8 bytes, named by
/// its format so a verifier knows how to read it.
fn canonical_content(text: &str, title: String) -> Content {
    let format = text.lines().next().unwrap_or_default().to_owned();
    Content {
        attachment: Attachment {
            content_type: CANONICAL_TEXT,
            data: BASE64.encode(text.as_bytes()),
            size: text.len(),
            title,
        },
        format: Coding {
            system: canonical_format_system(),
            code: format,
            display: None,
        },
    }
}

/// The note's `DocumentReference`, then one per addendum.
fn note_documents(
    note: &SignedProgressNote,
    client: &Client,
    practitioners: &mut Practitioners,
) -> Vec<Entry> {
    let content = note.content();
    // The names of the code and the place as signed (v2), else today's.
    let wording = note.wording(client);
    let signature = note.signature();
    let signer = practitioners.add(&signature.signer_name, &signature.credentials);
    let note_id = derived_id(&["DocumentReference", note.id().as_str()]);
    let subject = patient_reference(note.client_id().as_str());
    let when = content
        .date_of_service
        .map_or_else(|| "undated".to_owned(), |d| d.to_string());
    let (_, type_display) = loinc_document_type(note.template());

    let mut signature_parts = Vec::new();
    optional_string_ext(&mut signature_parts, "signer-name", &signature.signer_name);
    optional_string_ext(&mut signature_parts, "credentials", &signature.credentials);
    signature_parts.push(string_ext("signed-at", &iso_local(signature.signed_at)));
    signature_parts.push(string_ext("content-format", &note.content_format()));
    signature_parts.push(string_ext("content-sha256", &signature.content_sha256));
    let mut extension = vec![complex_ext(&structure("signature"), signature_parts)];
    if let Some(late) = note.late_entry() {
        let mut parts = Vec::new();
        optional_string_ext(&mut parts, "reason", &late.reason);
        parts.push(string_ext("written-at", &iso_local(late.written_at)));
        parts.push(Extension {
            url: "hours-after-service".into(),
            value_integer: Some(i64::from(late.hours_after_service)),
            ..Extension::default()
        });
        extension.push(complex_ext(&structure("late-entry"), parts));
    }
    extension.push(complex_ext(
        &structure("seal"),
        vec![
            string_ext("format", crate::domain::SIGNED_RECORD_V1),
            string_ext("sha256", &note.seal_sha256()),
        ],
    ));

    let context = {
        let period = content.date_of_service.map(|start| {
            let crosses_midnight =
                matches!((content.start, content.end), (Some(s), Some(e)) if e < s);
            let end = if crosses_midnight {
                start.add_days(1).unwrap_or(start)
            } else {
                start
            };
            Period {
                start: start.to_string(),
                end: end.to_string(),
            }
        });
        let event = content
            .service_code
            .as_ref()
            .map(|code| CodeableConcept {
                coding: vec![Coding {
                    system: CPT.into(),
                    code: code.code().to_owned(),
                    display: wording.get().service_code.as_deref().and_then(text_or_none),
                }],
                text: None,
            })
            .into_iter()
            .collect();
        let facility_type = content.place_of_service.map(|place| CodeableConcept {
            coding: vec![Coding {
                system: CMS_PLACE_OF_SERVICE.into(),
                code: place.code().to_owned(),
                display: wording
                    .get()
                    .place_of_service
                    .as_deref()
                    .and_then(text_or_none),
            }],
            text: None,
        });
        DocumentContext {
            event,
            period,
            facility_type,
        }
    };

    let mut entries = vec![Entry {
        full_url: full_url(&note_id),
        resource: Resource::DocumentReference(Box::new(DocumentReference {
            resource_type: "DocumentReference",
            id: note_id.clone(),
            extension,
            identifier: vec![Identifier {
                system: naming_system("progress-note-id"),
                value: note.id().as_str().to_owned(),
            }],
            status: "current",
            doc_status: if note.addenda().is_empty() {
                "final"
            } else {
                "amended"
            },
            kind: document_type(
                note.template(),
                format!("{type_display} ({})", note.content().template_name()),
            ),
            category: clinical_note_category(),
            subject: subject.clone(),
            author: vec![signer.clone()],
            authenticator: signer,
            description: format!("{type_display} of {when}"),
            relates_to: Vec::new(),
            content: vec![canonical_content(
                &note.canonical_content(),
                format!("{type_display} of {when}, signed content"),
            )],
            context: Some(context),
        })),
    }];

    for (index, addendum) in note.addenda().iter().enumerate() {
        let sequence = index + 1;
        let signer = practitioners.add(addendum.signer_name(), addendum.credentials());
        let id = derived_id(&[
            "DocumentReference",
            note.id().as_str(),
            "addendum",
            &sequence.to_string(),
        ]);
        let text = note.addendum_canonical(index).unwrap_or_default();
        entries.push(Entry {
            full_url: full_url(&id),
            resource: Resource::DocumentReference(Box::new(DocumentReference {
                resource_type: "DocumentReference",
                id,
                extension: vec![complex_ext(
                    &structure("addendum"),
                    vec![
                        Extension {
                            url: "sequence".into(),
                            value_integer: Some(sequence as i64),
                            ..Extension::default()
                        },
                        string_ext("sha256", addendum.content_sha256()),
                    ],
                )],
                identifier: vec![Identifier {
                    system: naming_system("addendum-id"),
                    value: format!("{}/addendum/{sequence}", note.id()),
                }],
                status: "current",
                doc_status: "final",
                kind: document_type(note.template(), format!("Addendum to {type_display}")),
                category: clinical_note_category(),
                subject: subject.clone(),
                author: vec![signer.clone()],
                authenticator: signer,
                description: format!(
                    "Addendum {sequence} to the {} of {when}",
                    type_display.to_lowercase()
                ),
                relates_to: vec![RelatesTo {
                    code: "appends",
                    target: Reference {
                        reference: full_url(&note_id),
                        display: None,
                    },
                }],
                content: vec![canonical_content(
                    &text,
                    format!("Addendum {sequence}, signed content"),
                )],
                context: None,
            })),
        });
    }
    entries
}
