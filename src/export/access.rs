//! The export that fulfils a right-of-access request (45 CFR 164.524).
//!
//! A request in the rights ledger says whose record, which part of it and in
//! what form; this turns it into the [`ExportRequest`] every exporter already
//! takes, so an access copy follows exactly the scope rules and audit wording of
//! any other export. Drafts are never included: they are not yet part of the
//! record. Psychotherapy notes cannot be included: this layer cannot name them.
//!
//! Fulfilling a request, end to end (the vault and UI do the storing):
//!
//! ```
//! use psynotes::domain::rights::{AccessRequest, CopyFormat, DisclosureId, RecordPart, Recipient, RequestId};
//! use psynotes::domain::{ClientId, ClinicianProfile, Date, ProgressNote, Timestamp};
//! use psynotes::export::{export_request_for, select, FhirExport};
//!
//! let mut request = AccessRequest::new(
//!     RequestId("r-1".into()),
//!     ClientId("c-1".into()),
//!     Date::parse("2024-03-01").unwrap(),
//!     RecordPart::Full,
//!     Recipient::Client,
//! ).unwrap();
//! let notes: Vec<ProgressNote> = Vec::new(); // the client's decrypted progress notes
//!
//! let export = export_request_for(&request, CopyFormat::Fhir);
//! let options = export.effective_options();
//! let chosen = select(&notes, export.scope.client_id(), &options);
//! let clinician = ClinicianProfile::default();
//! let bundle = FhirExport::new(&clinician, Timestamp(0), &export.scope, &options)
//!     .notes(&chosen)
//!     .to_json();
//! assert!(bundle.contains("\"resourceType\": \"Bundle\""));
//!
//! let disclosure = request.fulfil(
//!     Date::parse("2024-03-20").unwrap(),
//!     CopyFormat::Fhir,
//!     &export.describe(chosen.len()),
//!     DisclosureId("d-1".into()),
//! ).unwrap();
//! assert_eq!(disclosure.description(), "FHIR, one client, 0 notes, all dates");
//! ```

use super::{DateRange, ExportFormat, ExportOptions, ExportRequest, ExportScope};
use crate::domain::rights::{AccessRequest, CopyFormat, RecordPart};

/// The export format for a copy format.
pub fn export_format(format: CopyFormat) -> ExportFormat {
    match format {
        CopyFormat::Json => ExportFormat::Json,
        CopyFormat::Fhir => ExportFormat::Fhir,
        CopyFormat::Print => ExportFormat::Print,
    }
}

/// The export that answers `request` in `format`: the request's client, the
/// part of the record it asks for, signed notes only.
pub fn export_request_for(request: &AccessRequest, format: CopyFormat) -> ExportRequest {
    let range = match *request.part() {
        RecordPart::Full => DateRange::ALL,
        RecordPart::DatesOfService { from, to } => DateRange { from, to },
    };
    ExportRequest {
        format: export_format(format),
        scope: ExportScope::Client {
            client_id: request.client_id().clone(),
        },
        options: ExportOptions {
            range,
            include_drafts: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rights::{Recipient, RequestId};
    use crate::domain::{ClientId, ProgressNote};
    use crate::export::fixtures::*;
    use crate::export::select;

    fn request(part: RecordPart) -> AccessRequest {
        AccessRequest::new(
            RequestId("r-1".into()),
            ClientId("client-1".into()),
            date("2024-04-01"),
            part,
            Recipient::Client,
        )
        .unwrap()
    }

    #[test]
    fn the_request_decides_client_range_and_format_and_drafts_stay_out() {
        let part = RecordPart::DatesOfService {
            from: Some(date("2024-01-01")),
            to: Some(date("2024-03-31")),
        };
        for format in CopyFormat::ALL {
            let export = export_request_for(&request(part), format);
            assert_eq!(export.format.label(), export_format(format).label());
            assert_eq!(export.scope.client_id(), Some(&ClientId("client-1".into())));
            assert_eq!(export.options.range.from, Some(date("2024-01-01")));
            assert_eq!(export.options.range.to, Some(date("2024-03-31")));
            assert!(!export.options.include_drafts);
        }
        let full = export_request_for(&request(RecordPart::Full), CopyFormat::Json);
        assert!(full.options.range.is_open());
    }

    #[test]
    fn a_partial_request_selects_only_its_dates() {
        let notes = vec![
            ProgressNote::Signed(signed("in", "2024-02-01")),
            ProgressNote::Signed(signed("out", "2024-05-01")),
            ProgressNote::Draft(draft("draft", "2024-02-02")),
            other_clients_note("other", "2024-02-01"),
        ];
        let part = RecordPart::DatesOfService {
            from: None,
            to: Some(date("2024-03-31")),
        };
        let export = export_request_for(&request(part), CopyFormat::Print);
        let chosen = select(
            &notes,
            export.scope.client_id(),
            &export.effective_options(),
        );
        let ids: Vec<&str> = chosen.iter().map(|n| n.id().as_str()).collect();
        assert_eq!(ids, ["in"]);
        assert_eq!(
            export.describe(chosen.len()),
            "Print, one client, 1 note, up to 2024-03-31"
        );
    }
}
