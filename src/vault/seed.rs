//! Bulk seeding for the benchmark only (`--features bench`): writes thousands
//! of realistic, sealed records quickly, through the same sealing code and
//! stores as the app, in large transactions.

use crate::domain::measure::{
    AdministrationMode, MeasureRecord, MeasureResultId, QuestionnaireDraft, PHQ_9,
};
use crate::domain::{
    Client, ClientId, ClientNoteIndex, ClinicianProfile, Date, NoteSummary, PlaceOfService,
    PracticeSummary, ProgressNote, ProgressNoteDraft, ProgressNoteId, PsychotherapyNote,
    PsychotherapyNoteId, References, RiskAssessment, ServiceCode, Template, TimeOfDay, Timestamp,
};

use super::batch::{Batch, Expect};
use super::open_vault::Vault;
use super::sealer::Sealer;
use super::store::{
    Clients, EncryptedStore, MeasureResults, NoteIndex, PracticeSummaryStore, ProgressNotes,
    PsychotherapyNotes,
};
use super::VaultError;

/// What to seed.
#[derive(Clone, Copy, Debug)]
pub struct SeedPlan {
    /// Clients.
    pub clients: u32,
    /// Progress notes, spread evenly over the clients.
    pub notes: u32,
    /// Psychotherapy notes, spread evenly over the clients.
    pub psychotherapy_notes: u32,
    /// Characters of text per progress note.
    pub note_chars: u32,
}

/// PHQ-9 results seeded for the first client, weekly: what a year of
/// measurement-based care leaves on one chart.
pub const SEEDED_RESULTS: u32 = 50;

const WORDS: &[&str] = &[
    "client",
    "reports",
    "sleep",
    "anxiety",
    "work",
    "family",
    "session",
    "discussed",
    "coping",
    "skills",
    "practiced",
    "breathing",
    "mood",
    "stable",
    "improved",
    "homework",
    "reviewed",
    "stressors",
    "partner",
    "goals",
    "progress",
    "cognitive",
    "reframing",
    "exposure",
    "values",
    "grounding",
    "appetite",
    "energy",
    "concentration",
    "support",
    "plan",
    "next",
    "week",
];

/// A deterministic word generator (xorshift), so every run seeds the same text.
struct Words(u64);

impl Words {
    fn next(&mut self) -> &'static str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        WORDS[(self.0 % WORDS.len() as u64) as usize]
    }

    fn text(&mut self, chars: usize) -> String {
        let mut s = String::with_capacity(chars + 16);
        while s.len() < chars {
            s.push_str(self.next());
            s.push(' ');
        }
        s
    }
}

impl Vault {
    /// Seeds the vault; returns the client ids in creation order.
    pub async fn seed_bulk(
        &self,
        plan: SeedPlan,
        now: Timestamp,
    ) -> Result<Vec<String>, VaultError> {
        let mut words = Words(0x9E37_79B9_7F4A_7C15);
        let clinician = ClinicianProfile {
            name: "Bench Clinician".into(),
            credentials: "LCSW".into(),
        };
        let clients: Vec<Client> = (0..plan.clients)
            .map(|i| {
                Client::new(
                    ClientId(format!("{:032x}", 0xC11E_0000_u64 + u64::from(i))),
                    format!("Client {i:04}"),
                )
            })
            .collect();
        self.write_all::<Clients, _>(&clients, |c| c.id.0.clone())
            .await?;

        let per_client = plan.notes.div_ceil(plan.clients.max(1));
        let mut notes = Vec::with_capacity(1000);
        // Each client's note index, as the app keeps it on every commit.
        let mut indexes: Vec<ClientNoteIndex> = clients
            .iter()
            .map(|c| ClientNoteIndex::new(c.id.clone()))
            .collect();
        for i in 0..plan.notes {
            let client_at = (i / per_client.max(1)) as usize % clients.len().max(1);
            let client = &clients[client_at];
            let day = Date::new(
                2016 + (i % 10) as i32,
                1 + (i % 12) as u8,
                1 + (i % 28) as u8,
            )
            .map_err(|e| VaultError::Storage(e.to_string()))?;
            let mut draft = ProgressNoteDraft::new(
                ProgressNoteId(format!("{:032x}", 0x0000_5E55_0000_0000_u64 + u64::from(i))),
                client.id.clone(),
                Template::Soap,
                now,
            );
            draft.date_of_service = Some(day);
            draft.start = TimeOfDay::new(14, 0).ok();
            draft.end = TimeOfDay::new(14, 50).ok();
            draft.service_code = Some(ServiceCode::Cpt90834);
            draft.place_of_service = Some(PlaceOfService::Office);
            draft.risk = RiskAssessment::denied().into();
            let quarter = (plan.note_chars / 4) as usize;
            for key in ["subjective", "objective", "assessment", "plan"] {
                draft.set_section(key, words.text(quarter));
            }
            // One note in ten is still an unsigned draft, as in a real practice.
            let note = if i % 10 == 9 {
                ProgressNote::Draft(draft)
            } else {
                let signed_at = Timestamp::from_date_time(
                    day,
                    TimeOfDay::new(16, 0).map_err(|e| VaultError::Storage(e.to_string()))?,
                );
                ProgressNote::Signed(
                    draft
                        .sign(References::client(client), &clinician, signed_at, 72, None)
                        .map_err(|e| VaultError::Storage(e.to_string()))?,
                )
            };
            indexes[client_at].upsert(NoteSummary::of(&note, 1));
            notes.push(note);
            if notes.len() == 1000 {
                self.write_all::<ProgressNotes, _>(&notes, |n| n.id().0.clone())
                    .await?;
                notes.clear();
            }
        }
        self.write_all::<ProgressNotes, _>(&notes, |n| n.id().0.clone())
            .await?;
        indexes.retain(|i| !i.notes().is_empty());
        self.write_all::<NoteIndex, _>(&indexes, |i| i.client_id().0.clone())
            .await?;
        self.write_all::<PracticeSummaryStore, _>(&[PracticeSummary::of(&indexes)], |_| {
            "practice".to_owned()
        })
        .await?;

        let psy: Vec<PsychotherapyNote> = (0..plan.psychotherapy_notes)
            .map(|i| {
                let client = &clients[i as usize % clients.len().max(1)];
                let mut n = PsychotherapyNote::new(
                    PsychotherapyNoteId(format!(
                        "{:032x}",
                        0x0000_7000_0000_0000_u64 + u64::from(i)
                    )),
                    client.id.clone(),
                    now,
                );
                n.text = words.text(800);
                n
            })
            .collect();
        for chunk in psy.chunks(1000) {
            self.write_all::<PsychotherapyNotes, _>(chunk, |n| n.id.0.clone())
                .await?;
        }
        if let Some(first) = clients.first() {
            let results = self.seed_results(first, &clinician, &mut words)?;
            self.write_all::<MeasureResults, _>(&results, |r| r.id().0.clone())
                .await?;
        }
        Ok(clients.into_iter().map(|c| c.id.0).collect())
    }

    /// [`SEEDED_RESULTS`] weekly PHQ-9 results of `client`, scored by the
    /// domain as the questionnaire screen does.
    fn seed_results(
        &self,
        client: &Client,
        clinician: &ClinicianProfile,
        words: &mut Words,
    ) -> Result<Vec<MeasureRecord>, VaultError> {
        let group = self.measure_group(client.id.as_str())?;
        let first_day = Date::new(2025, 1, 6).map_err(|e| VaultError::Storage(e.to_string()))?;
        (0..SEEDED_RESULTS)
            .map(|week| {
                let given = first_day
                    .add_days(i64::from(week) * 7)
                    .ok_or_else(|| VaultError::Storage("a seeded date overflowed".into()))?;
                let at = Timestamp::from_date_time(
                    given,
                    TimeOfDay::new(9, 0).map_err(|e| VaultError::Storage(e.to_string()))?,
                );
                let mut draft = QuestionnaireDraft::new(
                    MeasureResultId(format!("{group}{:032x}", u64::from(week))),
                    client.id.clone(),
                    &PHQ_9,
                    AdministrationMode::SelfReport,
                    at,
                );
                for item in 0..PHQ_9.items.len() {
                    // Item 9 stays "Not at all": the chart, not a flag, is timed.
                    let option = if item == 8 { 0 } else { words.0 as usize % 4 };
                    words.next();
                    draft.answer(&PHQ_9, item, option, at)?;
                }
                Ok(MeasureRecord::Result(
                    draft.finish(&PHQ_9, given, clinician, at)?,
                ))
            })
            .collect()
    }

    async fn write_all<S: EncryptedStore, T: serde::Serialize>(
        &self,
        values: &[T],
        id_of: impl Fn(&T) -> String,
    ) -> Result<(), VaultError>
    where
        S::Purpose: SeedKey,
    {
        let batch = self.with_keys(|keys| {
            let sealer = Sealer::<S>::new(S::Purpose::key(keys)?);
            let mut batch = Batch::new();
            for value in values {
                let id = id_of(value);
                batch = batch.put::<S>(&id, sealer.seal_first(&id, value)?, Expect::New);
            }
            Ok(batch)
        })?;
        batch.commit(self.connection()).await
    }
}

/// Picks the key of a purpose from the keyring (bench only).
pub trait SeedKey: crate::crypto::Purpose + Sized {
    /// The key.
    fn key(
        keys: &super::keyring::Keyring,
    ) -> Result<&crate::crypto::DataKey<Self>, super::VaultError>;
}

impl SeedKey for crate::crypto::Records {
    fn key(
        keys: &super::keyring::Keyring,
    ) -> Result<&crate::crypto::DataKey<Self>, super::VaultError> {
        Ok(keys.records())
    }
}

impl SeedKey for crate::crypto::Psychotherapy {
    fn key(
        keys: &super::keyring::Keyring,
    ) -> Result<&crate::crypto::DataKey<Self>, super::VaultError> {
        keys.psychotherapy()
    }
}
