//! Test data shared by the export tests: one client and notes in every state.
//!
//! Built on the domain's own fixtures so a note here is exactly what signing
//! produces, digests included.

use crate::domain::progress_note::fixtures::{complete_draft, session_end};
use crate::domain::References;
use crate::domain::{
    Addendum, Client, ClientId, Date, ProgressNote, ProgressNoteDraft, ProgressNoteId,
    SignedProgressNote, Template, Timestamp,
};

pub use crate::domain::progress_note::fixtures::clinician;

pub const HOUR: i64 = 3_600_000;

pub fn date(text: &str) -> Date {
    Date::parse(text).expect("fixture date is valid")
}

/// The client every fixture note belongs to ("client-1").
pub fn client() -> Client {
    let mut client = crate::domain::progress_note::fixtures::client();
    client.code = Some("AR-07".into());
    client.date_of_birth = Some(date("1990-04-02"));
    client.pronouns = "they/them".into();
    client
}

/// A complete draft with this id and date of service, not signed.
pub fn draft(id: &str, day: &str) -> ProgressNoteDraft {
    let mut draft = complete_draft();
    draft.id = ProgressNoteId(id.into());
    draft.date_of_service = Some(date(day));
    draft
}

/// The same, signed an hour after the session on that day.
pub fn signed(id: &str, day: &str) -> SignedProgressNote {
    let draft = draft(id, day);
    let end = Timestamp::from_date_time(date(day), draft.end.expect("fixture has an end"));
    draft
        .sign(
            References::client(&client()),
            &clinician(),
            Timestamp(end.0 + HOUR),
            72,
            None,
        )
        .expect("fixture note signs")
}

/// The domain fixture note (2024-03-05, 14:00–14:50, 90834), signed 80 hours
/// late with a reason, then amended twice.
pub fn late_note_with_two_addenda() -> SignedProgressNote {
    let end = session_end().0;
    let mut note = complete_draft()
        .sign(
            References::client(&client()),
            &clinician(),
            Timestamp(end + 80 * HOUR),
            72,
            Some("Clinician was ill; written on return.".into()),
        )
        .expect("fixture note signs late");
    for (text, at) in [
        ("Client called: the interview moved to Friday.", 81),
        ("Correction: mother attended the last 10 minutes.", 82),
    ] {
        let addendum = Addendum::new(text, &clinician(), Timestamp(end + at * HOUR))
            .expect("fixture addendum is valid");
        note.add_addendum(addendum);
    }
    note
}

/// A note of a client other than [`client`].
pub fn other_clients_note(id: &str, day: &str) -> ProgressNote {
    let mut draft = draft(id, day);
    draft.client_id = ClientId("client-2".into());
    ProgressNote::Draft(draft)
}

/// A draft with no date of service at all.
pub fn undated_draft(id: &str) -> ProgressNote {
    let mut draft = ProgressNoteDraft::new(
        ProgressNoteId(id.into()),
        ClientId("client-1".into()),
        Template::Dap,
        Timestamp(0),
    );
    draft.date_of_service = None;
    ProgressNote::Draft(draft)
}

pub fn exported_at() -> Timestamp {
    Timestamp(1_712_000_000_000)
}
