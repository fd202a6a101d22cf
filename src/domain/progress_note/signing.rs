//! Signing: turning a complete draft into a [`SignedProgressNote`].

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::canonical::{canonical_worded, sha256_hex};
use super::wording::{ReferencedWording, References};
use super::{is_late, LateEntry, ProgressNoteDraft, SignedProgressNote};
use crate::domain::validation::is_blank;
use crate::domain::{ClinicianProfile, Date, Timestamp, ValidationIssue};

/// Who signed, when, and the digest of exactly what they signed.
///
/// Reached only through [`SignedProgressNote::signature`], as a shared reference,
/// so its public fields are read-only in practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The clinician's name as it was when signing (later profile edits do not
    /// change a signature).
    pub signer_name: String,
    pub credentials: String,
    pub signed_at: Timestamp,
    /// Lowercase hex SHA-256 of the note's canonical content (see
    /// [`SignedProgressNote::canonical_content`]).
    pub content_sha256: String,
}

impl Signature {
    /// "Jane Doe, LCSW".
    pub fn signature_line(&self) -> String {
        crate::domain::clinician::signature_line(&self.signer_name, &self.credentials)
    }
}

/// Why a note or an addendum could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("This note is not ready to sign. {}", describe(.0))]
    Incomplete(Vec<ValidationIssue>),

    #[error("Your name and credentials are needed for the signature. Add them in Settings, then sign again.")]
    NoClinicianProfile,

    #[error("This note is being signed {hours} hours after the session, so it will be marked as a late entry. Give the reason for the delay, then sign again.")]
    LateEntryReasonRequired { hours: u32 },

    #[error("The addendum is empty. Write the correction or addition, then sign it.")]
    EmptyAddendum,
}

fn describe(issues: &[ValidationIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

impl ProgressNoteDraft {
    /// Hours after the session that signing at `now` would be, if that makes the
    /// note a late entry; `None` if on time or the date of service is missing. Lets
    /// the form ask for a reason before the clinician presses "Sign and lock".
    pub fn late_entry_hours(&self, now: Timestamp, late_threshold_hours: u32) -> Option<u32> {
        is_late(
            self.session_end_date()?,
            self.end,
            now,
            late_threshold_hours,
        )
    }

    /// Signs the note: checks it is complete ([`validate_for_signing`]) on
    /// `now`'s date, that `references` are this note's client's, that the
    /// clinician profile has name and credentials, and that a late note (see
    /// [`is_late`]) has a non-blank `late_reason`. A reason given for a note that
    /// is not late is not recorded.
    ///
    /// The content is kept exactly as it is, with the wording of what it refers
    /// to read from `references` ([`ReferencedWording`]); the digest of both
    /// (format `psynotes/progress-note/v2`) goes into the [`Signature`], so later
    /// edits to the client's goals or diagnoses never change how the note reads.
    /// The draft is taken by value so nobody keeps an editable copy of what was
    /// signed; it is dropped on error too, so pass a clone when the form must
    /// stay open after a refusal.
    ///
    /// [`validate_for_signing`]: Self::validate_for_signing
    pub fn sign(
        mut self,
        references: References<'_>,
        clinician: &ClinicianProfile,
        now: Timestamp,
        late_threshold_hours: u32,
        late_reason: Option<String>,
    ) -> Result<SignedProgressNote, SignError> {
        let mut issues = self.validate_for_signing(now).err().unwrap_or_default();
        if references.client_record().id != self.client_id {
            issues.insert(
                0,
                ValidationIssue::new(
                    Self::CLIENT_LABEL,
                    "This note belongs to another client. Open it from its own client's page.",
                ),
            );
        }
        if !issues.is_empty() {
            return Err(SignError::Incomplete(issues));
        }
        if !clinician.is_complete() {
            return Err(SignError::NoClinicianProfile);
        }
        let late_entry = match self.late_entry_hours(now, late_threshold_hours) {
            None => None,
            Some(hours) => {
                let reason = late_reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|reason| !is_blank(reason))
                    .ok_or(SignError::LateEntryReasonRequired { hours })?;
                Some(LateEntry {
                    reason: reason.to_owned(),
                    written_at: now,
                    hours_after_service: hours,
                })
            }
        };
        // Recorded in the late entry when it applies; never part of the content.
        self.late_entry_reason.clear();
        // Advice about the draft, not part of the record; and what only
        // helped the form show text kept from another template (the labels
        // the signature keeps are in its wording).
        self.record_check_dismissed = Default::default();
        if self.template != crate::domain::Template::Custom {
            self.custom_template = None;
        }
        // A section left blank (a custom template's optional one) is part of
        // the note as signed: stored, so the canonical text, the export and
        // any verifier list the same sections.
        let blank: Vec<String> = self
            .template_sections()
            .iter()
            .filter(|s| !self.sections.contains_key(s.key.as_ref()))
            .map(|s| s.key.to_string())
            .collect();
        for key in blank {
            self.sections.insert(key, String::new());
        }
        let wording = ReferencedWording::of(&self, references);
        self.earlier_labels.clear();
        let signature = Signature {
            signer_name: clinician.name.trim().to_owned(),
            credentials: clinician.credentials.trim().to_owned(),
            signed_at: now,
            content_sha256: sha256_hex(&canonical_worded(&self, &wording)),
        };
        Ok(SignedProgressNote::new(
            self, wording, signature, late_entry,
        ))
    }

    /// The date on which the session ended: the next day when the end time is
    /// earlier than the start (the session crossed midnight).
    fn session_end_date(&self) -> Option<Date> {
        let date = self.date_of_service?;
        match (self.start, self.end) {
            (Some(start), Some(end)) if end < start => Some(date.add_days(1).unwrap_or(date)),
            _ => Some(date),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn sign_at(ms: i64, reason: Option<&str>) -> Result<SignedProgressNote, SignError> {
        complete_draft().sign(
            References::client(&client()),
            &clinician(),
            Timestamp(ms),
            72,
            reason.map(String::from),
        )
    }

    #[test]
    fn signing_records_signer_time_and_digest() {
        let draft = complete_draft();
        let now = Timestamp(session_end().0 + HOUR);
        let signed = draft
            .clone()
            .sign(References::client(&client()), &clinician(), now, 72, None)
            .unwrap();
        // The digest covers the content and the wording it refers to (v2).
        let wording = ReferencedWording::of(&draft, References::client(&client()));
        let digest = sha256_hex(&canonical_worded(&draft, &wording));
        assert_ne!(digest, draft.content_sha256(), "not the v1 digest");
        assert_eq!(signed.signed_wording(), Some(&wording));
        assert_eq!(signed.content(), &draft);
        let signature = signed.signature();
        assert_eq!(signature.signer_name, "Jane Doe");
        assert_eq!(signature.credentials, "LCSW");
        assert_eq!(signature.signature_line(), "Jane Doe, LCSW");
        assert_eq!(signature.signed_at, now);
        assert_eq!(signature.content_sha256, digest);
        assert_eq!(signed.late_entry(), None);
        assert!(signed.is_intact());
    }

    #[test]
    fn just_under_and_exactly_at_the_threshold_is_on_time() {
        let end = session_end().0;
        assert_eq!(
            sign_at(end + 72 * HOUR - 1, None).unwrap().late_entry(),
            None
        );
        assert_eq!(sign_at(end + 72 * HOUR, None).unwrap().late_entry(), None);
    }

    #[test]
    fn just_over_the_threshold_needs_a_reason() {
        let late = session_end().0 + 72 * HOUR + 1;
        assert_eq!(
            sign_at(late, None).unwrap_err(),
            SignError::LateEntryReasonRequired { hours: 72 }
        );
        assert_eq!(
            sign_at(late, Some("   ")).unwrap_err(),
            SignError::LateEntryReasonRequired { hours: 72 }
        );
        let signed = sign_at(late, Some(" Illness; notes completed on return. ")).unwrap();
        assert_eq!(
            signed.late_entry(),
            Some(&LateEntry {
                reason: "Illness; notes completed on return.".into(),
                written_at: Timestamp(late),
                hours_after_service: 72,
            })
        );
    }

    #[test]
    fn a_reason_on_a_timely_note_is_not_recorded() {
        let signed = sign_at(session_end().0 + HOUR, Some("n/a")).unwrap();
        assert_eq!(signed.late_entry(), None);
    }

    #[test]
    fn a_session_across_midnight_ends_the_next_day() {
        let mut draft = complete_draft();
        draft.start = Some(time("23:30"));
        draft.end = Some(time("00:20"));
        // Ended 2024-03-06 00:20, so 72 hours later is 2024-03-09 00:20.
        let limit = Timestamp::from_date_time(date("2024-03-09"), time("00:20")).0;
        assert_eq!(draft.late_entry_hours(Timestamp(limit), 72), None);
        assert_eq!(draft.late_entry_hours(Timestamp(limit + 1), 72), Some(72));
    }

    #[test]
    fn an_incomplete_note_is_refused_with_its_issues() {
        let mut draft = complete_draft();
        draft.set_section("plan", "");
        let error = draft
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(session_end().0),
                72,
                None,
            )
            .unwrap_err();
        let SignError::Incomplete(issues) = &error else {
            panic!("expected Incomplete, got {error:?}");
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "Plan");
        assert!(error
            .to_string()
            .starts_with("This note is not ready to sign. Plan: Write the Plan section"));
    }

    #[test]
    fn references_of_another_client_are_refused() {
        let error = complete_draft()
            .sign(
                References::client(&client_of("client-2")),
                &clinician(),
                Timestamp(session_end().0 + HOUR),
                72,
                None,
            )
            .unwrap_err();
        let SignError::Incomplete(issues) = &error else {
            panic!("expected Incomplete, got {error:?}");
        };
        assert_eq!(issues[0].field, "Client");
    }

    #[test]
    fn signing_needs_a_complete_clinician_profile() {
        let error = complete_draft()
            .sign(
                References::client(&client()),
                &ClinicianProfile::default(),
                session_end(),
                72,
                None,
            )
            .unwrap_err();
        assert_eq!(error, SignError::NoClinicianProfile);
        assert!(error.to_string().contains("Settings"));
    }
}
