//! Who signs: the clinician's name and credentials as they appear under a note.

use serde::{Deserialize, Serialize};

use super::validation::is_blank;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClinicianProfile {
    pub name: String,
    /// Licence and degree letters, for example "LCSW" or "PhD, LP".
    pub credentials: String,
}

impl ClinicianProfile {
    /// Both name and credentials are needed before notes can be signed, because a
    /// signature in the record names the licence it was written under.
    pub fn is_complete(&self) -> bool {
        !is_blank(&self.name) && !is_blank(&self.credentials)
    }

    /// "Jane Doe, LCSW".
    pub fn signature_line(&self) -> String {
        signature_line(&self.name, &self.credentials)
    }
}

/// "Name, credentials", or just the name when there are no credentials. Shared with
/// signatures and addenda, which keep the signer's name as it was at signing time.
pub(crate) fn signature_line(name: &str, credentials: &str) -> String {
    let (name, credentials) = (name.trim(), credentials.trim());
    if credentials.is_empty() {
        name.to_owned()
    } else {
        format!("{name}, {credentials}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_line_joins_name_and_credentials() {
        let profile = ClinicianProfile {
            name: " Jane Doe ".into(),
            credentials: "LCSW".into(),
        };
        assert!(profile.is_complete());
        assert_eq!(profile.signature_line(), "Jane Doe, LCSW");
    }

    #[test]
    fn a_profile_needs_name_and_credentials() {
        assert!(!ClinicianProfile::default().is_complete());
        let no_credentials = ClinicianProfile {
            name: "Jane Doe".into(),
            credentials: " ".into(),
        };
        assert!(!no_credentials.is_complete());
        assert_eq!(no_credentials.signature_line(), "Jane Doe");
    }
}
