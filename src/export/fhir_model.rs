//! The small part of FHIR R4 the bundle uses, as serde structs.
//!
//! Structs rather than `serde_json::Value` so every element name is checked by the
//! compiler and written in declaration order (`resourceType` first, as FHIR's own
//! examples do). Only elements the export fills are declared; empty ones are left
//! out, because FHIR forbids empty strings, arrays and objects.
//!
//! The mapping from the record to these elements is in `fhir` and `docs/fhir.md`.

use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Bundle {
    pub resource_type: &'static str,
    pub id: String,
    pub meta: Meta,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub entry: Vec<Entry>,
}

#[derive(Serialize)]
pub(super) struct Meta {
    pub extension: Vec<Extension>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Entry {
    pub full_url: String,
    pub resource: Resource,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Resource {
    Patient(Patient),
    Practitioner(Practitioner),
    Condition(Condition),
    DocumentReference(Box<DocumentReference>),
    Observation(Box<Observation>),
    CarePlan(Box<CarePlan>),
}

/// A free-text note on a resource.
#[derive(Serialize)]
pub(super) struct Annotation {
    pub text: String,
}

/// A questionnaire's total score.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Observation {
    pub resource_type: &'static str,
    pub id: String,
    pub identifier: Vec<Identifier>,
    pub status: &'static str,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    /// A date: the app keeps no time zone (see `fhir`).
    pub effective_date_time: String,
    pub value_integer: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
}

/// The treatment plan in force: its last signed version.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CarePlan {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub identifier: Vec<Identifier>,
    pub status: &'static str,
    pub intent: &'static str,
    pub title: String,
    pub description: String,
    pub subject: Reference,
    /// A date, as `effectiveDateTime` above.
    pub created: String,
    pub author: Reference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
}

/// An extension: a `url` and either one value or nested extensions.
#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Extension {
    pub url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_code: Option<&'static str>,
}

#[derive(Serialize)]
pub(super) struct Identifier {
    pub system: String,
    pub value: String,
}

#[derive(Serialize)]
pub(super) struct HumanName {
    pub text: String,
}

#[derive(Serialize, Clone)]
pub(super) struct Coding {
    pub system: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Serialize, Clone, Default)]
pub(super) struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct Reference {
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Patient {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub identifier: Vec<Identifier>,
    pub active: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Qualification {
    pub code: CodeableConcept,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Practitioner {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub qualification: Vec<Qualification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Condition {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub clinical_status: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Attachment {
    pub content_type: &'static str,
    /// Base64 of the bytes.
    pub data: String,
    pub size: usize,
    pub title: String,
}

#[derive(Serialize)]
pub(super) struct Content {
    pub attachment: Attachment,
    pub format: Coding,
}

#[derive(Serialize)]
pub(super) struct RelatesTo {
    pub code: &'static str,
    pub target: Reference,
}

#[derive(Serialize)]
pub(super) struct Period {
    pub start: String,
    pub end: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DocumentContext {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub event: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility_type: Option<CodeableConcept>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DocumentReference {
    pub resource_type: &'static str,
    pub id: String,
    pub extension: Vec<Extension>,
    pub identifier: Vec<Identifier>,
    pub status: &'static str,
    pub doc_status: &'static str,
    #[serde(rename = "type")]
    pub kind: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub subject: Reference,
    pub author: Vec<Reference>,
    pub authenticator: Reference,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relates_to: Vec<RelatesTo>,
    pub content: Vec<Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<DocumentContext>,
}
