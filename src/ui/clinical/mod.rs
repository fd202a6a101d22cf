//! The working day: clients, progress notes, psychotherapy notes, search.
//!
//! One file per concept:
//! - [`client_list`]: the home screen (clients by last session, notes to sign) and
//!   [`search`] (client names and progress-note text, highlighted); [`to_sign`]:
//!   the unsigned notes by client; [`plans_past_review`]: the treatment plans
//!   due for review; [`open_requests`]: the clients' requests by due date;
//! - [`client_form`]: new and edit client, archive, delete;
//! - [`client_record`]: the parent of every page about one client (its name
//!   and the record's tabs), sharing the client through [`client_context`];
//!   [`client_timeline_page`]: the summary and the [`timeline`];
//! - [`progress_note_editor`]: opening a note and editing a draft, with
//!   [`session_fields`], [`note_results`], [`risk_fields`] (with [`note_measure_flags`]),
//!   [`section_field`], [`sign`] and [`autosave`]; a signed note is shown by [`signed_note`] with [`addenda`]
//!   and [`note_amendments`];
//! - [`measures_page`]: questionnaires (PHQ-9, GAD-7) and their results over
//!   time, drawn by [`measure_chart`], each result in full in
//!   [`result_answers`]; [`questionnaire_screen`] is what the client sees when
//!   the tablet is handed over; [`risk_flag_words`] words risk flags for all of
//!   them;
//! - [`treatment_plan_page`]: the treatment plan, its draft edited in
//!   [`plan_form`], its versions shown by [`plan_view`] and printed by
//!   [`plan_print`];
//! - [`rights_page`]: the client's access and amendment requests, each a
//!   [`request_card`], recorded with [`request_form`], and the disclosures;
//! - [`psychotherapy`]: the private notes tab, kept apart from all of the above.
//!
//! When a save meets a version saved elsewhere, [`conflict_panel`] shows both;
//! versions that arrived from another device are settled on [`conflicts_page`]
//! (laid out by [`conflict_rows`]).
//! Route parameters are typed in [`route_params`].
//!
//! Everything the person typed is rendered as text; ids are the only values in
//! URLs.

mod addenda;
mod autosave;
mod client_context;
mod client_form;
mod client_list;
mod client_record;
mod client_timeline_page;
pub(in crate::ui) mod common;
mod conflict_panel;
mod conflict_rows;
mod conflicts_page;
mod diagnosis_picker;
mod discharge_fields;
mod document_area;
mod document_fields;
mod icd10_list;
mod intake_fields;
mod measure_chart;
mod measures_page;
mod note_amendments;
mod note_form;
mod note_measure_flags;
mod note_results;
mod open_requests;
mod plan_form;
mod plan_print;
mod plan_view;
mod plans_past_review;
mod progress_note_editor;
mod psychotherapy;
mod questionnaire_screen;
mod record_check_panel;
mod request_card;
mod request_form;
mod result_answers;
mod rights_page;
mod risk_fields;
mod risk_flag_words;
mod route_params;
mod safety_plan_page;
mod search;
mod section_field;
mod session_fields;
mod sign;
mod signed_note;
mod template_choice;
mod timeline;
mod to_sign;
mod treatment_plan_page;

pub use client_form::{ClientEditPage, ClientNewPage};
pub use client_list::ClientsPage;
pub use client_record::ClientRecord;
pub use client_timeline_page::ClientTimelinePage;
pub use conflicts_page::ConflictsPage;
pub use measure_chart::MeasureChart;
pub use measures_page::MeasuresPage;
pub use progress_note_editor::ProgressNotePage;
pub use psychotherapy::PsychotherapyPage;
pub use questionnaire_screen::QuestionnaireScreen;
pub use result_answers::{result_summary, ResultAnswers};
pub use rights_page::RightsPage;
pub use safety_plan_page::SafetyPlanPage;
pub use to_sign::NotesToSignPage;
pub use treatment_plan_page::TreatmentPlanPage;
