//! A signed progress note: read-only content, a signature and appended addenda.

use serde::{Deserialize, Serialize};

use super::canonical::{canonical_worded, sha256_hex};
use super::wording::{NoteWording, ReferencedWording, References};
use super::{Addendum, LateEntry, ProgressNoteDraft, ProgressNoteId, Signature};
use crate::domain::{ClientId, Date, ServiceCode, Template};

/// A progress note after signing. It can be read, serialized and extended with
/// addenda, and nothing else: every field is private, there is no setter and no
/// `&mut` access to the content or signature.
///
/// The only ways to get one are [`ProgressNoteDraft::sign`] and deserializing a
/// stored note. [`is_intact`](Self::is_intact) checks a loaded note against its
/// signature.
///
/// Fields cannot be changed from outside:
///
/// ```compile_fail,E0616
/// # use psynotes::domain::SignedProgressNote;
/// fn edit(note: &mut SignedProgressNote) {
///     note.content.set_section("plan", "changed after signing");
/// }
/// ```
///
/// There is no setter to call:
///
/// ```compile_fail,E0599
/// # use psynotes::domain::SignedProgressNote;
/// fn edit(note: &mut SignedProgressNote) {
///     note.set_section("plan", "changed after signing");
/// }
/// ```
///
/// And what the getters return is read-only:
///
/// ```compile_fail,E0596
/// # use psynotes::domain::SignedProgressNote;
/// fn edit(note: &mut SignedProgressNote) {
///     note.content().set_section("plan", "changed after signing");
/// }
/// ```
///
/// Reading is fine:
///
/// ```
/// # use psynotes::domain::SignedProgressNote;
/// fn read(note: &mut SignedProgressNote) -> String {
///     note.content().section("plan").to_owned()
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedProgressNote {
    content: ProgressNoteDraft,
    signature: Signature,
    late_entry: Option<LateEntry>,
    addenda: Vec<Addendum>,
    /// The wording of what the note refers to, as it read when signed, covered
    /// by the signature (format v2). Absent on notes signed before it was kept
    /// (format v1), which therefore still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wording: Option<Box<ReferencedWording>>,
}

impl SignedProgressNote {
    /// Only signing creates one; it has checked the content, kept the wording
    /// and made the signature.
    pub(super) fn new(
        content: ProgressNoteDraft,
        wording: ReferencedWording,
        signature: Signature,
        late_entry: Option<LateEntry>,
    ) -> Self {
        SignedProgressNote {
            content,
            signature,
            late_entry,
            addenda: Vec::new(),
            wording: Some(Box::new(wording)),
        }
    }

    /// Everything that was signed, read-only.
    pub fn content(&self) -> &ProgressNoteDraft {
        &self.content
    }

    pub fn id(&self) -> &ProgressNoteId {
        &self.content.id
    }

    pub fn client_id(&self) -> &ClientId {
        &self.content.client_id
    }

    pub fn template(&self) -> Template {
        self.content.template
    }

    pub fn date_of_service(&self) -> Option<Date> {
        self.content.date_of_service
    }

    pub fn service_code(&self) -> Option<&ServiceCode> {
        self.content.service_code.as_ref()
    }

    pub fn duration_minutes(&self) -> Option<u32> {
        self.content.duration_minutes()
    }

    /// The text of a section, or `""`.
    pub fn section(&self, key: &str) -> &str {
        self.content.section(key)
    }

    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Present when the note was signed after the late-entry threshold.
    pub fn late_entry(&self) -> Option<&LateEntry> {
        self.late_entry.as_ref()
    }

    /// Addenda in the order they were added.
    pub fn addenda(&self) -> &[Addendum] {
        &self.addenda
    }

    /// This note as the app signed notes before the wording was kept (format
    /// v1): no wording, and the digest over the v1 text. For tests of how such
    /// notes keep verifying and reading.
    #[cfg(test)]
    pub(crate) fn into_signed_under_v1(mut self) -> Self {
        self.wording = None;
        self.signature.content_sha256 = self.content.content_sha256();
        // Addenda link to the note's digest: bind them again to the v1 one.
        for addendum in std::mem::take(&mut self.addenda) {
            self.add_addendum(addendum);
        }
        self
    }

    /// The wording of its references kept at signing; `None` for a note signed
    /// under format v1, before it was kept.
    pub fn signed_wording(&self) -> Option<&ReferencedWording> {
        self.wording.as_deref()
    }

    /// The wording to show the note with: as signed (v2), or else the client's
    /// current wording, which is not part of the signed text and must be shown
    /// marked as such ([`NoteWording::CURRENT_MARK`]).
    pub fn wording(&self, client: &crate::domain::Client) -> NoteWording<'_> {
        match &self.wording {
            Some(wording) => NoteWording::Signed(wording),
            None => NoteWording::Current(ReferencedWording::of(
                &self.content,
                References::client(client),
            )),
        }
    }

    /// The exact text the signature's digest covers: format v2 (content and
    /// referenced wording) for notes signed with their wording, v3 when such
    /// a note includes questionnaire results, v4 when it carries an intake or
    /// discharge document, v5 when it is written with a custom template, v1
    /// otherwise.
    pub fn canonical_content(&self) -> String {
        match &self.wording {
            Some(wording) => canonical_worded(&self.content, wording),
            None => self.content.canonical_content(),
        }
    }

    /// The digest of the content now. Equal to `signature().content_sha256` unless
    /// the stored note was altered.
    pub fn content_sha256(&self) -> String {
        sha256_hex(&self.canonical_content())
    }

    /// Appends an addendum, binding it to this note: its digest is computed here
    /// over this note's signed digest, the previous addendum's digest, and the
    /// addendum itself. The content, the signature and earlier addenda never change.
    pub fn add_addendum(&mut self, mut addendum: Addendum) {
        let previous = self.addenda.last().map(Addendum::content_sha256);
        addendum.bind(&self.signature.content_sha256, previous);
        self.addenda.push(addendum);
    }

    /// Whether the content still matches the signature's digest and every addendum
    /// still matches its own, in order. `false` means the stored note was changed
    /// outside the app, or damaged.
    pub fn is_intact(&self) -> bool {
        // v1 predates included results and its text does not cover them: any
        // here were added after signing.
        if self.wording.is_none()
            && (!self.content.measure_results.is_empty()
                || self.content.document.is_some()
                || self.content.template == crate::domain::Template::Custom)
        {
            return false;
        }
        if self.content_sha256() != self.signature.content_sha256 {
            return false;
        }
        let mut previous: Option<&str> = None;
        for addendum in &self.addenda {
            let expected =
                sha256_hex(&addendum.canonical_content(&self.signature.content_sha256, previous));
            if addendum.content_sha256() != expected {
                return false;
            }
            previous = Some(addendum.content_sha256());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::{ProgressNote, Timestamp};

    fn addendum(text: &str, at: i64) -> Addendum {
        Addendum::new(text, &clinician(), Timestamp(at)).expect("test addendum is valid")
    }

    #[test]
    fn addenda_keep_the_original_and_their_order() {
        let mut note = signed_note();
        let original = note.clone();
        let t = session_end().0;
        note.add_addendum(addendum(
            "Client called: interview moved to Friday.",
            t + 86_400_000,
        ));
        note.add_addendum(addendum(
            "Correction: mother attended the last 10 minutes.",
            t + 2 * 86_400_000,
        ));

        assert_eq!(note.content(), original.content());
        assert_eq!(note.signature(), original.signature());
        assert_eq!(note.content_sha256(), original.signature().content_sha256);
        assert_eq!(note.content_sha256(), original.content_sha256());
        let texts: Vec<&str> = note.addenda().iter().map(Addendum::text).collect();
        assert_eq!(
            texts,
            [
                "Client called: interview moved to Friday.",
                "Correction: mother attended the last 10 minutes."
            ]
        );
        assert!(note.is_intact());
    }

    #[test]
    fn each_addendum_is_bound_to_the_note_and_the_one_before() {
        let t = session_end().0;
        let mut a = signed_note();
        a.add_addendum(addendum("First.", t + 1));
        a.add_addendum(addendum("Second.", t + 2));
        let first = a.addenda()[0].content_sha256().to_owned();
        let second = a.addenda()[1].content_sha256().to_owned();
        assert_eq!(first.len(), 64);
        assert_ne!(first, second);

        // The same text in another order gets different digests.
        let mut b = signed_note();
        b.add_addendum(addendum("Second.", t + 2));
        b.add_addendum(addendum("First.", t + 1));
        assert_ne!(b.addenda()[1].content_sha256(), first);

        // The same addendum on a different note gets a different digest.
        let mut other = complete_draft();
        other.participants = "Client and mother".into();
        let mut c = other
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(t + 1),
                72,
                None,
            )
            .unwrap();
        c.add_addendum(addendum("First.", t + 1));
        assert_ne!(c.addenda()[0].content_sha256(), first);
    }

    #[test]
    fn serde_round_trip_keeps_everything() {
        let t = session_end().0;
        let mut note = complete_draft()
            .sign(
                References::client(&client()),
                &clinician(),
                Timestamp(t + 80 * 3_600_000),
                72,
                Some("Illness.".into()),
            )
            .unwrap();
        note.add_addendum(addendum("Addendum one.", t + 81 * 3_600_000));
        note.add_addendum(addendum(
            "Addendum two, with “quotes” and é.",
            t + 82 * 3_600_000,
        ));

        let json = serde_json::to_string(&note).unwrap();
        let loaded: SignedProgressNote = serde_json::from_str(&json).unwrap();
        assert_eq!(loaded, note);
        assert!(loaded.is_intact());
        assert_eq!(loaded.addenda().len(), 2);
        assert_eq!(
            loaded.late_entry().map(|l| l.reason.as_str()),
            Some("Illness.")
        );

        let wrapped = ProgressNote::Signed(note);
        let json = serde_json::to_string(&wrapped).unwrap();
        assert_eq!(
            serde_json::from_str::<ProgressNote>(&json).unwrap(),
            wrapped
        );
    }

    #[test]
    fn a_note_altered_in_storage_is_not_intact() {
        let mut note = signed_note();
        note.add_addendum(addendum("Added later.", session_end().0 + 1));
        let json = serde_json::to_string(&note).unwrap();

        let edited = json.replace("paced breathing", "guided imagery");
        assert_ne!(edited, json);
        let loaded: SignedProgressNote = serde_json::from_str(&edited).unwrap();
        assert!(!loaded.is_intact());

        let edited = json.replace("Added later.", "Added much later.");
        let loaded: SignedProgressNote = serde_json::from_str(&edited).unwrap();
        assert!(!loaded.is_intact());
    }
}
