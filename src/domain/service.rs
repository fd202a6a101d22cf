//! The billable facts of a session: service code, place of service and duration.
//!
//! Payers check the documented duration against the service code, so the domain
//! computes the duration from the start and end times and warns (without refusing)
//! when a time-based psychotherapy code does not fit it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{DomainError, TimeOfDay};

/// A CPT service code. The common behavioural-health codes have their own variant;
/// anything else (another CPT code, an HCPCS code) is kept as [`ServiceCode::Other`].
///
/// Stored as the bare code string (`"90834"`), so [`ServiceCode::parse`] maps a
/// known code to its variant: `Other("90834")` written by hand reads back as
/// `Cpt90834`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ServiceCode {
    Cpt90791,
    Cpt90792,
    Cpt90832,
    Cpt90834,
    Cpt90837,
    Cpt90846,
    Cpt90847,
    Cpt90853,
    Cpt90839,
    Cpt90840,
    /// Any other five-character code, upper-cased.
    Other(String),
}

impl ServiceCode {
    /// The codes offered in the service-code picker, in the order shown.
    pub const ALL_COMMON: &'static [ServiceCode] = &[
        ServiceCode::Cpt90791,
        ServiceCode::Cpt90792,
        ServiceCode::Cpt90832,
        ServiceCode::Cpt90834,
        ServiceCode::Cpt90837,
        ServiceCode::Cpt90846,
        ServiceCode::Cpt90847,
        ServiceCode::Cpt90853,
        ServiceCode::Cpt90839,
        ServiceCode::Cpt90840,
    ];

    /// The code as billed, for example `"90834"`.
    pub fn code(&self) -> &str {
        match self {
            ServiceCode::Cpt90791 => "90791",
            ServiceCode::Cpt90792 => "90792",
            ServiceCode::Cpt90832 => "90832",
            ServiceCode::Cpt90834 => "90834",
            ServiceCode::Cpt90837 => "90837",
            ServiceCode::Cpt90846 => "90846",
            ServiceCode::Cpt90847 => "90847",
            ServiceCode::Cpt90853 => "90853",
            ServiceCode::Cpt90839 => "90839",
            ServiceCode::Cpt90840 => "90840",
            ServiceCode::Other(code) => code,
        }
    }

    /// A short plain-language description for the picker.
    pub fn description(&self) -> &'static str {
        match self {
            ServiceCode::Cpt90791 => "Diagnostic evaluation",
            ServiceCode::Cpt90792 => "Diagnostic evaluation with medical services",
            ServiceCode::Cpt90832 => "Psychotherapy, 16–37 min",
            ServiceCode::Cpt90834 => "Psychotherapy, 38–52 min",
            ServiceCode::Cpt90837 => "Psychotherapy, 53 min or more",
            ServiceCode::Cpt90846 => "Family therapy without the client",
            ServiceCode::Cpt90847 => "Family therapy with the client",
            ServiceCode::Cpt90853 => "Group therapy",
            ServiceCode::Cpt90839 => "Crisis psychotherapy, first 60 min",
            ServiceCode::Cpt90840 => "Crisis psychotherapy, each further 30 min",
            ServiceCode::Other(_) => "Other service",
        }
    }

    /// Reads a code such as `"90834"` (surrounding spaces ignored). Codes that are
    /// not in [`ServiceCode::ALL_COMMON`] must be five letters or digits.
    pub fn parse(input: &str) -> Result<ServiceCode, DomainError> {
        let code = input.trim().to_ascii_uppercase();
        if let Some(known) = Self::ALL_COMMON.iter().find(|known| known.code() == code) {
            return Ok(known.clone());
        }
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(ServiceCode::Other(code))
        } else {
            Err(DomainError::InvalidServiceCode {
                input: input.to_owned(),
            })
        }
    }

    /// The session length the code stands for, in minutes, as `(minimum, maximum)`
    /// with `None` for no upper bound. Only the time-based psychotherapy codes have
    /// one; the others (evaluations, family, group, crisis) return `None`.
    pub fn expected_minutes(&self) -> Option<(u32, Option<u32>)> {
        match self {
            ServiceCode::Cpt90832 => Some((16, Some(37))),
            ServiceCode::Cpt90834 => Some((38, Some(52))),
            ServiceCode::Cpt90837 => Some((53, None)),
            _ => None,
        }
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ServiceCode {
    type Err = DomainError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        ServiceCode::parse(input)
    }
}

impl TryFrom<String> for ServiceCode {
    type Error = DomainError;
    fn try_from(input: String) -> Result<Self, Self::Error> {
        ServiceCode::parse(&input)
    }
}

impl From<ServiceCode> for String {
    fn from(code: ServiceCode) -> String {
        code.code().to_owned()
    }
}

/// A warning when a time-based psychotherapy code does not fit the session length,
/// naming the code that would fit. `None` when it fits or the code is not
/// time-based. A warning, not an error: the clinician may have a reason.
pub fn duration_mismatch(code: &ServiceCode, minutes: u32) -> Option<String> {
    let (min, max) = code.expected_minutes()?;
    if minutes >= min && max.is_none_or(|max| minutes <= max) {
        return None;
    }
    let fitting = ServiceCode::ALL_COMMON.iter().find(|other| {
        other
            .expected_minutes()
            .is_some_and(|(min, max)| minutes >= min && max.is_none_or(|max| minutes <= max))
    });
    let advice = match fitting {
        Some(other) => format!("Check the start and end times, or use {other} instead."),
        None => "Check the start and end times: psychotherapy under 16 minutes is usually not billable with these codes.".to_owned(),
    };
    Some(format!(
        "{code} ({}) does not match a session of {minutes} minutes. {advice}",
        code.description()
    ))
}

/// Minutes from `start` to `end`. An end earlier than the start means the session
/// crossed midnight (23:30 to 00:20 is 50 minutes); equal times give 0.
pub fn duration_minutes(start: TimeOfDay, end: TimeOfDay) -> u32 {
    const MINUTES_PER_DAY: u32 = 24 * 60;
    let start = start.minutes_since_midnight();
    let end = end.minutes_since_midnight();
    // Both are below MINUTES_PER_DAY, so adding it first cannot underflow.
    (end + MINUTES_PER_DAY - start) % MINUTES_PER_DAY
}

/// Where the service took place: the CMS place-of-service codes a therapist
/// uses (CMS Place of Service Code Set).
///
/// Stored by variant name, so the three first variants keep their names and
/// records written before the others existed read back unchanged; new places
/// are new variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlaceOfService {
    /// 11: office.
    Office,
    /// 02: telehealth, the client not at home.
    Telehealth,
    /// 10: telehealth, the client at home.
    TelehealthHome,
    /// 12: the client's home (a home visit).
    Home,
    /// 03: a school.
    School,
    /// 53: a community mental health center.
    CommunityMentalHealthCenter,
    /// 57: a non-residential substance use treatment facility.
    SubstanceUseTreatment,
    /// 99: any other place.
    Other,
}

impl PlaceOfService {
    /// In the order shown in the picker: the office and telehealth first, as
    /// most sessions are there.
    pub const ALL: [PlaceOfService; 8] = [
        PlaceOfService::Office,
        PlaceOfService::Telehealth,
        PlaceOfService::TelehealthHome,
        PlaceOfService::Home,
        PlaceOfService::School,
        PlaceOfService::CommunityMentalHealthCenter,
        PlaceOfService::SubstanceUseTreatment,
        PlaceOfService::Other,
    ];

    /// The two-digit CMS code.
    pub fn code(&self) -> &'static str {
        match self {
            PlaceOfService::Office => "11",
            PlaceOfService::Telehealth => "02",
            PlaceOfService::TelehealthHome => "10",
            PlaceOfService::Home => "12",
            PlaceOfService::School => "03",
            PlaceOfService::CommunityMentalHealthCenter => "53",
            PlaceOfService::SubstanceUseTreatment => "57",
            PlaceOfService::Other => "99",
        }
    }

    /// The place's name, after CMS's.
    pub fn label(&self) -> &'static str {
        match self {
            PlaceOfService::Office => "Office",
            PlaceOfService::Telehealth => "Telehealth (not in the client's home)",
            PlaceOfService::TelehealthHome => "Telehealth in the client's home",
            PlaceOfService::Home => "Home",
            PlaceOfService::School => "School",
            PlaceOfService::CommunityMentalHealthCenter => "Community mental health center",
            PlaceOfService::SubstanceUseTreatment => {
                "Non-residential substance abuse treatment facility"
            }
            PlaceOfService::Other => "Other place of service",
        }
    }

    /// Reads a two-digit code such as `"11"`.
    pub fn parse(input: &str) -> Result<PlaceOfService, DomainError> {
        let code = input.trim();
        Self::ALL
            .into_iter()
            .find(|place| place.code() == code)
            .ok_or_else(|| DomainError::InvalidPlaceOfService {
                input: input.to_owned(),
            })
    }
}

impl fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> TimeOfDay {
        TimeOfDay::parse(text).expect("test time is valid")
    }

    #[test]
    fn duration_within_a_day() {
        assert_eq!(duration_minutes(time("14:00"), time("14:53")), 53);
        assert_eq!(duration_minutes(time("09:10"), time("10:00")), 50);
        assert_eq!(duration_minutes(time("00:00"), time("23:59")), 1439);
    }

    #[test]
    fn duration_crossing_midnight() {
        assert_eq!(duration_minutes(time("23:30"), time("00:20")), 50);
        assert_eq!(duration_minutes(time("23:59"), time("00:00")), 1);
        assert_eq!(duration_minutes(time("14:01"), time("14:00")), 1439);
    }

    #[test]
    fn equal_times_are_zero_minutes() {
        assert_eq!(duration_minutes(time("10:00"), time("10:00")), 0);
    }

    #[test]
    fn parses_known_and_other_codes() {
        assert_eq!(ServiceCode::parse("90834"), Ok(ServiceCode::Cpt90834));
        assert_eq!(ServiceCode::parse(" 90840 "), Ok(ServiceCode::Cpt90840));
        assert_eq!(
            ServiceCode::parse("h0004"),
            Ok(ServiceCode::Other("H0004".into()))
        );
        for bad in ["", "9083", "908344", "90 83", "9083é"] {
            assert_eq!(
                ServiceCode::parse(bad),
                Err(DomainError::InvalidServiceCode { input: bad.into() })
            );
        }
        for code in ServiceCode::ALL_COMMON {
            assert_eq!(ServiceCode::parse(code.code()).as_ref(), Ok(code));
        }
    }

    #[test]
    fn service_codes_are_stored_as_the_code() {
        let json = serde_json::to_string(&ServiceCode::Cpt90837).unwrap();
        assert_eq!(json, "\"90837\"");
        let other = ServiceCode::Other("H0004".into());
        let json = serde_json::to_string(&other).unwrap();
        assert_eq!(serde_json::from_str::<ServiceCode>(&json).unwrap(), other);
        assert!(serde_json::from_str::<ServiceCode>("\"x\"").is_err());
    }

    #[test]
    fn expected_minutes_for_time_based_codes() {
        assert_eq!(
            ServiceCode::Cpt90832.expected_minutes(),
            Some((16, Some(37)))
        );
        assert_eq!(
            ServiceCode::Cpt90834.expected_minutes(),
            Some((38, Some(52)))
        );
        assert_eq!(ServiceCode::Cpt90837.expected_minutes(), Some((53, None)));
        assert_eq!(ServiceCode::Cpt90791.expected_minutes(), None);
    }

    #[test]
    fn duration_mismatch_warns_at_the_boundaries() {
        assert_eq!(duration_mismatch(&ServiceCode::Cpt90834, 38), None);
        assert_eq!(duration_mismatch(&ServiceCode::Cpt90834, 52), None);
        assert_eq!(duration_mismatch(&ServiceCode::Cpt90837, 180), None);
        assert_eq!(duration_mismatch(&ServiceCode::Cpt90853, 5), None);

        let short = duration_mismatch(&ServiceCode::Cpt90834, 37).expect("37 min is too short");
        assert!(short.contains("90834"), "{short}");
        assert!(short.contains("37 minutes"), "{short}");
        assert!(short.contains("use 90832"), "{short}");

        let long = duration_mismatch(&ServiceCode::Cpt90834, 53).expect("53 min is too long");
        assert!(long.contains("use 90837"), "{long}");

        let tiny = duration_mismatch(&ServiceCode::Cpt90832, 10).expect("10 min is too short");
        assert!(tiny.contains("under 16 minutes"), "{tiny}");
    }

    #[test]
    fn place_of_service_codes() {
        assert_eq!(PlaceOfService::Office.code(), "11");
        assert_eq!(PlaceOfService::Telehealth.code(), "02");
        assert_eq!(PlaceOfService::TelehealthHome.code(), "10");
        assert_eq!(
            PlaceOfService::parse("10"),
            Ok(PlaceOfService::TelehealthHome)
        );
        assert!(PlaceOfService::parse("13").is_err());
        assert!(PlaceOfService::parse("").is_err());
    }

    #[test]
    fn the_places_a_therapist_uses_are_offered_with_their_names() {
        let codes: Vec<&str> = PlaceOfService::ALL.iter().map(|p| p.code()).collect();
        for wanted in ["02", "03", "10", "11", "12", "53", "57", "99"] {
            assert!(codes.contains(&wanted), "{wanted} is offered");
            let place = PlaceOfService::parse(wanted).expect("parses");
            assert_eq!(place.code(), wanted);
            assert!(!place.label().is_empty());
            assert!(place.to_string().starts_with(wanted));
        }
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "no code twice");
        assert_eq!(PlaceOfService::School.to_string(), "03 School");
        assert_eq!(
            PlaceOfService::CommunityMentalHealthCenter.to_string(),
            "53 Community mental health center"
        );
    }

    #[test]
    fn places_stored_before_the_new_codes_read_back_unchanged() {
        // The stored form is the variant name, as it always was.
        for (stored, place) in [
            ("\"Office\"", PlaceOfService::Office),
            ("\"Telehealth\"", PlaceOfService::Telehealth),
            ("\"TelehealthHome\"", PlaceOfService::TelehealthHome),
        ] {
            assert_eq!(
                serde_json::from_str::<PlaceOfService>(stored).unwrap(),
                place
            );
            assert_eq!(serde_json::to_string(&place).unwrap(), stored);
        }
    }
}
