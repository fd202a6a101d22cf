//! Disclosures of the record, for the accounting the client may ask for
//! (45 CFR 164.528).
//!
//! An entry holds what 164.528(b)(2) requires of each disclosure: the date, who
//! received the record (and their address when known), a brief description of
//! what was disclosed, and a brief statement of the purpose. Fulfilling an access
//! request makes one ([`AccessRequest::fulfil`](super::AccessRequest::fulfil)).
//!
//! Two views:
//! - [`disclosures_of_client`]: every entry for one client, the log the app keeps;
//! - [`accounting_of_disclosures`]: what the accounting under 164.528 must list,
//!   the six years before the request (164.528(a)(1)) without disclosures to the
//!   client themself, which the rule exempts (164.528(a)(1)(iii)).
//!
//! Psychotherapy notes are never disclosed through the app: exports carry
//! progress notes only, and the description says so by naming progress notes.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::clock::years_before;
use super::{RequestId, RightsError};
use crate::domain::validation::is_blank;
use crate::domain::{ClientId, Date};

/// A disclosure entry's opaque id, made by the caller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisclosureId(pub String);

impl fmt::Display for DisclosureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who receives a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    /// The client themself (or their personal representative).
    Client,
    /// A person or organisation the client designated in a signed, written
    /// request (164.524(c)(3)(ii)).
    ThirdParty { name: String, address: String },
}

impl Recipient {
    /// "The client" or "Name, address".
    pub fn describe(&self) -> String {
        match self {
            Recipient::Client => "The client".to_owned(),
            Recipient::ThirdParty { name, address } => {
                format!("{}, {}", name.trim(), address.trim())
            }
        }
    }

    pub(super) fn check(&self) -> Result<(), RightsError> {
        match self {
            Recipient::ThirdParty { name, address } if is_blank(name) || is_blank(address) => {
                Err(RightsError::ThirdPartyIncomplete)
            }
            _ => Ok(()),
        }
    }
}

/// The form a copy was produced in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CopyFormat {
    /// The app's JSON export.
    Json,
    /// The FHIR R4 bundle.
    Fhir,
    /// The printed record (or its PDF).
    Print,
}

impl CopyFormat {
    pub const ALL: [CopyFormat; 3] = [CopyFormat::Json, CopyFormat::Fhir, CopyFormat::Print];

    pub fn label(&self) -> &'static str {
        match self {
            CopyFormat::Json => "JSON",
            CopyFormat::Fhir => "FHIR",
            CopyFormat::Print => "Print",
        }
    }
}

/// One disclosure of the client's record. Immutable once made: an accounting is
/// a history, so there is no setter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    id: DisclosureId,
    client_id: ClientId,
    date: Date,
    recipient: Recipient,
    description: String,
    purpose: String,
    format: Option<CopyFormat>,
    request_id: Option<RequestId>,
}

/// The purpose written on a disclosure made to fulfil an access request.
pub const ACCESS_PURPOSE: &str = "Right of access (45 CFR 164.524), at the client's request";

impl Disclosure {
    /// An entry with every field 164.528(b)(2) asks for. `description` and
    /// `purpose` must not be blank, and a third party needs a name and address.
    pub fn new(
        id: DisclosureId,
        client_id: ClientId,
        date: Date,
        recipient: Recipient,
        description: &str,
        purpose: &str,
    ) -> Result<Disclosure, RightsError> {
        recipient.check()?;
        if is_blank(description) {
            return Err(RightsError::DisclosureDescriptionRequired);
        }
        if is_blank(purpose) {
            return Err(RightsError::DisclosurePurposeRequired);
        }
        Ok(Disclosure {
            id,
            client_id,
            date,
            recipient,
            description: description.trim().to_owned(),
            purpose: purpose.trim().to_owned(),
            format: None,
            request_id: None,
        })
    }

    /// Links the entry to the request it fulfilled and the format of the copy.
    pub(super) fn for_request(mut self, request_id: RequestId, format: CopyFormat) -> Disclosure {
        self.request_id = Some(request_id);
        self.format = Some(format);
        self
    }

    pub fn id(&self) -> &DisclosureId {
        &self.id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// When the record was disclosed (164.528(b)(2)(i)).
    pub fn date(&self) -> Date {
        self.date
    }

    /// Who received it (164.528(b)(2)(ii)).
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// What was disclosed (164.528(b)(2)(iii)).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Why (164.528(b)(2)(iv)).
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    pub fn format(&self) -> Option<CopyFormat> {
        self.format
    }

    /// The access request this disclosure fulfilled, if any.
    pub fn request_id(&self) -> Option<&RequestId> {
        self.request_id.as_ref()
    }

    /// Whether the accounting under 164.528 must list it: disclosures to the
    /// client themself are exempt (164.528(a)(1)(iii)).
    pub fn is_accountable(&self) -> bool {
        self.recipient != Recipient::Client
    }
}

/// Every disclosure of `client`, oldest first (then by id, so the order is
/// stable): the per-client list the app shows.
pub fn disclosures_of_client<'a>(
    disclosures: &'a [Disclosure],
    client: &ClientId,
) -> Vec<&'a Disclosure> {
    let mut list: Vec<&Disclosure> = disclosures
        .iter()
        .filter(|d| &d.client_id == client)
        .collect();
    list.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    list
}

/// What an accounting of disclosures requested on `requested_on` lists for
/// `client`: accountable disclosures dated in the six years before, up to and
/// including that day (164.528(a)(1)), oldest first.
pub fn accounting_of_disclosures<'a>(
    disclosures: &'a [Disclosure],
    client: &ClientId,
    requested_on: Date,
) -> Vec<&'a Disclosure> {
    let earliest = years_before(requested_on, 6);
    disclosures_of_client(disclosures, client)
        .into_iter()
        .filter(|d| d.is_accountable() && d.date >= earliest && d.date <= requested_on)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rights::fixtures::*;

    fn disclosure(id: &str, client: &str, day: &str, recipient: Recipient) -> Disclosure {
        Disclosure::new(
            DisclosureId(id.into()),
            ClientId(client.into()),
            date(day),
            recipient,
            "JSON, one client, 3 notes, all dates",
            "Continuity of care, at the client's request",
        )
        .unwrap()
    }

    #[test]
    fn an_entry_needs_what_to_whom_and_why() {
        let make = |recipient: Recipient, what: &str, why: &str| {
            Disclosure::new(
                DisclosureId("d".into()),
                ClientId("c".into()),
                date("2024-03-01"),
                recipient,
                what,
                why,
            )
        };
        assert_eq!(
            make(Recipient::Client, " ", "why").unwrap_err(),
            RightsError::DisclosureDescriptionRequired
        );
        assert_eq!(
            make(Recipient::Client, "what", "").unwrap_err(),
            RightsError::DisclosurePurposeRequired
        );
        assert_eq!(
            make(third_party(), "what", "why").unwrap().recipient(),
            &third_party()
        );
        let no_address = Recipient::ThirdParty {
            name: "Dr. Lee".into(),
            address: " ".into(),
        };
        assert_eq!(
            make(no_address, "what", "why").unwrap_err(),
            RightsError::ThirdPartyIncomplete
        );
    }

    #[test]
    fn the_client_list_is_per_client_and_oldest_first() {
        let all = vec![
            disclosure("b", "c1", "2024-03-01", third_party()),
            disclosure("x", "c2", "2024-01-01", third_party()),
            disclosure("a", "c1", "2024-03-01", Recipient::Client),
            disclosure("c", "c1", "2023-01-01", third_party()),
        ];
        let ids: Vec<&str> = disclosures_of_client(&all, &ClientId("c1".into()))
            .iter()
            .map(|d| d.id().0.as_str())
            .collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn the_accounting_covers_six_years_and_leaves_out_copies_to_the_client() {
        let all = vec![
            disclosure("too-old", "c1", "2018-03-04", third_party()),
            disclosure("six-years", "c1", "2018-03-05", third_party()),
            disclosure("to-client", "c1", "2023-06-01", Recipient::Client),
            disclosure("recent", "c1", "2024-03-05", third_party()),
            disclosure("after", "c1", "2024-03-06", third_party()),
        ];
        let ids: Vec<&str> =
            accounting_of_disclosures(&all, &ClientId("c1".into()), date("2024-03-05"))
                .iter()
                .map(|d| d.id().0.as_str())
                .collect();
        assert_eq!(ids, ["six-years", "recent"]);
        assert!(!all[2].is_accountable());
        assert_eq!(
            all[1].recipient().describe(),
            "Dr. Sam Lee, 12 Elm St, Springfield"
        );
        assert_eq!(Recipient::Client.describe(), "The client");
    }
}
