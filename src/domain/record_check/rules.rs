//! The rules of the record check, as data, and the hand-written matcher that runs them.
//!
//! A rule belongs to one [`Category`] and looks at one sentence at a time:
//! - `cues` flag the sentence on their own;
//! - `weak_cues` flag it only when a `context` phrase also occurs (or, with
//!   `digit_context`, a number that is not part of the cue: "PHQ-9" alone is a test
//!   name, "PHQ-9 was 14" is a result);
//! - `detectors` find shapes a word list cannot: a dose ("20 mg"), a clock time
//!   ("2:00 pm", "14:00"), an ICD-10-CM code ("F41.1");
//! - `unless` phrases, hedging ("I wonder whether...") and the clinician's own
//!   reaction ("I felt tired") leave the sentence alone, where the rule says so.
//!
//! # Phrase syntax
//! Words separated by single spaces, matched against the sentence's words (runs of
//! letters and digits, so "self-harm", "self harm" and "PHQ-9"/"PHQ 9" compare
//! alike). Case is ignored, except for a word written with a leading `=`, which must
//! match exactly: `=ACT` is the therapy, "act" is a verb. A trailing `*` matches any
//! word that starts with what comes before it (`diagnos*`).
//!
//! Why no regex crate: the patterns are word lists plus three small shapes; a
//! tokenizer and a phrase matcher are about a hundred lines, keep the wasm smaller,
//! and are easier to read as clinical rules than regular expressions.

use std::collections::HashSet;

use super::{Category, Span};

/// What a rule looks for, beyond its phrase lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detector {
    /// A number followed by a dose unit: "20 mg", "0.5mg", "100 mcg".
    Dose,
    /// A clock time, "2:00", "14:30", "2 pm", "9:15 a.m.", as a weak cue: it needs the
    /// rule's context ("session", "began"), since "she wakes at 3 am" is a symptom.
    ClockTime,
    /// A number of minutes or hours, as a weak cue (needs context): "50 minutes".
    Duration,
    /// An upper-case ICD-10-CM code of chapter F or Z ("F41.1", "Z63.0", "F32"), or
    /// of chapter R with its dot ("R45.851").
    IcdCode,
}

pub(super) struct Rule {
    pub category: Category,
    pub cues: &'static [&'static str],
    /// More cues that flag on their own, kept as a list of their own (drug names).
    pub names: &'static [&'static str],
    pub weak_cues: &'static [&'static str],
    pub context: &'static [&'static str],
    pub digit_context: bool,
    pub detectors: &'static [Detector],
    pub unless: &'static [&'static str],
    pub unless_hedged: bool,
    pub unless_clinician_reaction: bool,
    /// Ignore cues inside quotation marks: for first-person cues, since a progress
    /// note quotes the client ("I felt hopeless") and that is not the clinician.
    pub skip_quoted: bool,
    /// Leave the sentence alone when the cue is someone else's: "her mother's
    /// Zoloft", "her husband's diagnosis of cancer" are the client's story, not the
    /// client's record.
    pub unless_someone_elses: bool,
}

const RULE: Rule = Rule {
    category: Category::Medication,
    cues: &[],
    names: &[],
    weak_cues: &[],
    context: &[],
    digit_context: false,
    detectors: &[],
    unless: &[],
    unless_hedged: false,
    unless_clinician_reaction: false,
    skip_quoted: false,
    unless_someone_elses: false,
};

/// People whose medication, diagnosis or symptoms a client talks about.
const OTHER_PEOPLE: &[&str] = &[
    "mother",
    "mom",
    "mum",
    "father",
    "dad",
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancee",
    "son",
    "daughter",
    "brother",
    "sister",
    "friend",
    "parent",
    "parents",
    "child",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "aunt",
    "uncle",
    "cousin",
    "coworker",
    "boss",
    "roommate",
    "neighbor",
    "neighbour",
    "stepfather",
    "stepmother",
    "ex",
];

/// Words that make a sentence a thought rather than a statement. Treatment
/// directions and diagnostic hypotheses the clinician is only considering are the
/// stuff of psychotherapy notes; the rule excludes summaries of what is.
const HEDGES: &[&str] = &[
    "wonder*",
    "whether",
    "might",
    "maybe",
    "perhaps",
    "consider*",
    "could",
    "would",
    "if",
    "possibl*",
    "curious",
    "hypothes*",
    "speculat*",
    "=I suspect",
    "unsure",
    "not sure",
];

/// The clinician's own feelings and reactions: countertransference. In a
/// psychotherapy note they are exactly what belongs there, so "I felt exhausted"
/// is not a symptom; in a progress note they are flagged.
const CLINICIAN_REACTION: &[&str] = &[
    "countertransference*",
    "counter transference*",
    "=I felt",
    "=I feel",
    "=I was feeling",
    "=I am feeling",
    "=I found myself",
    "=I noticed myself",
    "=I caught myself",
    "=I notice myself",
    "my own",
    "my reaction*",
    "my feeling*",
    "my response to her",
    "my response to him",
    "my response to them",
    "writer felt",
    "clinician felt",
    "therapist felt",
    "=I was bored",
    "=I was irritated",
    "=I was annoyed",
    "=I was angry",
    "=I was frustrated",
    "=I was sleepy",
    "=I was tired",
    "=I was protective",
    "=I was moved",
    "=I was sad",
    "=I was overwhelmed",
    "=I was impatient",
    "=I was defensive",
    "=I was anxious",
    "=I was drawn",
    "=I was confused",
    "=I was lost",
    "=I was tempted",
    "=I got sleepy",
    "=I became sleepy",
    "=I became irritated",
];

const MEDICATION_NAMES: &[&str] = &[
    // Antidepressants
    "sertraline",
    "zoloft",
    "fluoxetine",
    "prozac",
    "escitalopram",
    "lexapro",
    "citalopram",
    "celexa",
    "paroxetine",
    "paxil",
    "fluvoxamine",
    "venlafaxine",
    "effexor",
    "desvenlafaxine",
    "pristiq",
    "duloxetine",
    "cymbalta",
    "bupropion",
    "wellbutrin",
    "mirtazapine",
    "remeron",
    "trazodone",
    "vortioxetine",
    "trintellix",
    "vilazodone",
    "amitriptyline",
    "nortriptyline",
    "esketamine",
    "spravato",
    // Mood stabilisers and antipsychotics
    "lithium",
    "lamotrigine",
    "lamictal",
    "valproate",
    "divalproex",
    "depakote",
    "carbamazepine",
    "oxcarbazepine",
    "quetiapine",
    "seroquel",
    "olanzapine",
    "zyprexa",
    "risperidone",
    "risperdal",
    "aripiprazole",
    "abilify",
    "lurasidone",
    "latuda",
    "ziprasidone",
    "clozapine",
    "haloperidol",
    "cariprazine",
    "vraylar",
    "brexpiprazole",
    "rexulti",
    // Anxiolytics and hypnotics
    "lorazepam",
    "ativan",
    "clonazepam",
    "klonopin",
    "alprazolam",
    "xanax",
    "diazepam",
    "valium",
    "buspirone",
    "buspar",
    "hydroxyzine",
    "gabapentin",
    "pregabalin",
    "prazosin",
    "propranolol",
    "zolpidem",
    "ambien",
    // ADHD
    "methylphenidate",
    "ritalin",
    "concerta",
    "amphetamine",
    "adderall",
    "lisdexamfetamine",
    "vyvanse",
    "atomoxetine",
    "strattera",
    "guanfacine",
    "clonidine",
    // Substance-use treatment
    "naltrexone",
    "vivitrol",
    "buprenorphine",
    "suboxone",
    "methadone",
    "disulfiram",
    "antabuse",
    "acamprosate",
    "topiramate",
];

/// The rules, in the order findings are reported for one sentence.
pub(super) const RULES: &[Rule] = &[
    // ---- In a psychotherapy note: what 45 CFR 164.501 excludes from it ----
    Rule {
        category: Category::Medication,
        cues: &[
            "prescribed",
            "prescription*",
            "prescribing",
            "titrat*",
            "refill*",
            "side effect*",
            "dosage*",
            "dose",
            "doses",
            "antidepressant*",
            "=SSRI*",
            "=SNRI*",
            "mood stabili*",
            "antipsychotic*",
            "benzodiazepine*",
            "benzo",
            "benzos",
            "med check",
            "medication management",
            "med management",
            "medication trial",
        ],
        weak_cues: &["medication", "medications", "meds", "pill", "pills"],
        context: &[
            "taking",
            "take",
            "takes",
            "took",
            "start*",
            "stop*",
            "discontinu*",
            "increas*",
            "decreas*",
            "adheren*",
            "complian*",
            "noncomplian*",
            "missed",
            "missing",
            "skip*",
            "daily",
            "nightly",
            "twice",
            "bedtime",
            "morning",
            "chang*",
            "switch*",
            "taper*",
            "effective",
            "working",
            "helping",
            "psychiatrist",
            "prescriber",
        ],
        names: MEDICATION_NAMES,
        detectors: &[Detector::Dose],
        unless: &["dose of reality"],
        unless_someone_elses: true,
        ..RULE
    },
    Rule {
        category: Category::SessionTimes,
        cues: &[
            "session start*",
            "session end*",
            "session began",
            "session lasted",
            "session ran",
            "start time",
            "stop time",
            "end time",
            "minute session",
            "min session",
            "minutes session",
            "hour session",
            "session length",
            "length of session",
        ],
        context: &[
            "session*",
            "appointment*",
            "start*",
            "began",
            "begin*",
            "end*",
            "stop*",
            "met",
            "meet*",
            "arriv*",
            "left",
            "from",
            "until",
            "psychotherapy",
            "therapy",
        ],
        detectors: &[Detector::ClockTime, Detector::Duration],
        ..RULE
    },
    Rule {
        category: Category::ModalityFrequency,
        cues: &[
            "cbt",
            "tf cbt",
            "dbt",
            "emdr",
            "=ACT",
            "acceptance and commitment therapy",
            "cognitive behavioral therapy",
            "cognitive behavioural therapy",
            "cognitive processing therapy",
            "=CPT",
            "prolonged exposure therapy",
            "exposure and response prevention",
            "=ERP",
            "interpersonal therapy",
            "interpersonal psychotherapy",
            "=IPT",
            "motivational interviewing",
            "behavioral activation",
            "behavioural activation",
            "family therapy",
            "couples therapy",
            "group therapy",
            "individual therapy",
            "individual psychotherapy",
            "psychodynamic psychotherapy",
            "schema therapy",
            "mentalization based",
            "internal family systems",
            "=IOP",
            "intensive outpatient",
            "partial hospitalization",
            "every other week",
            "twice weekly",
            "once weekly",
            "twice a week",
            "once a week",
            "sessions per week",
            "sessions a week",
            "sessions per month",
            "session frequency",
            "frequency of sessions",
            "weekly sessions",
            "biweekly sessions",
            "monthly sessions",
            "weekly therapy",
            "weekly psychotherapy",
        ],
        weak_cues: &[
            "weekly",
            "biweekly",
            "bi weekly",
            "fortnightly",
            "monthly",
            "times a week",
            "times per week",
            "frequency",
        ],
        context: &[
            "session*",
            "therapy",
            "psychotherapy",
            "treatment",
            "meet",
            "meeting",
            "appointment*",
        ],
        unless_hedged: true,
        ..RULE
    },
    Rule {
        category: Category::TestResults,
        cues: &[
            "lab results",
            "labs came back",
            "labs showed",
            "blood work",
            "bloodwork",
            "urine drug screen",
            "drug screen",
            "tox screen",
            "toxicology",
            "=UDS",
            "=TSH",
            "lithium level",
            "=EKG",
            "=ECG",
            "=MRI",
            "=EEG",
            "=CT scan",
            "neuropsychological testing",
            "neuropsychological evaluation",
            "psychological testing",
            "test results",
            "screening results",
            "screened positive",
            "screened negative",
            "total score",
            "score of",
            "scored",
        ],
        weak_cues: &[
            "phq 9",
            "phq9",
            "phq 2",
            "=PHQ",
            "gad 7",
            "gad7",
            "pcl 5",
            "pcl5",
            "=PCL",
            "=BDI",
            "bdi ii",
            "=BAI",
            "=AUDIT",
            "audit c",
            "=DAST",
            "c ssrs",
            "cssrs",
            "columbia",
            "=MoCA",
            "=MOCA",
            "=MMSE",
            "y bocs",
            "ybocs",
            "=EPDS",
            "edinburgh",
            "=ASRS",
            "=CAGE",
            "=K10",
            "=ORS",
            "oq 45",
            "=DASS",
            "dass 21",
            "=WHODAS",
            "=ACE",
            "=CRAFFT",
            "=SCARED",
            "=MDQ",
            "caps 5",
            "=WAIS",
            "=MMPI",
            "mmpi 2",
            "=IQ",
        ],
        context: &[
            "score*",
            "positive",
            "negative",
            "elevated",
            "result*",
            "cutoff",
            "cut off",
            "minimal",
            "mild",
            "moderate",
            "severe",
            "clinical range",
            "subclinical",
            "dropped",
            "rose",
        ],
        digit_context: true,
        unless_someone_elses: true,
        ..RULE
    },
    Rule {
        category: Category::Diagnosis,
        cues: &[
            "diagnos*",
            "=Dx",
            "dx",
            "meets criteria",
            "meet criteria",
            "met criteria",
            "meeting criteria",
            "criteria for",
            "rule out",
            "ruled out",
            "r o",
            "=DSM",
            "dsm 5",
            "differential",
            "comorbid*",
            "disorder",
            "disorders",
            "=PTSD",
            "=MDD",
            "=OCD",
            "=ADHD",
            "=BPD",
            "=ASD",
            "=SUD",
            "=AUD",
            "=OUD",
            "bipolar",
            "schizophreni*",
            "schizoaffective",
            "dysthymi*",
            "cyclothymi*",
            "autism",
            "major depression",
            "anorexia nervosa",
            "bulimia nervosa",
        ],
        detectors: &[Detector::IcdCode],
        unless_hedged: true,
        unless_someone_elses: true,
        ..RULE
    },
    Rule {
        category: Category::FunctionalStatus,
        cues: &[
            "functioning",
            "functional",
            "=ADL",
            "=ADLs",
            "activities of daily living",
            "self care",
            "hygiene",
            "impair*",
            "=GAF",
            "missed work",
            "missed school",
            "missing work",
            "missing school",
            "missed classes",
            "missed days",
            "days of work",
            "unable to work",
            "able to work",
            "unable to attend",
            "returned to work",
            "return to work",
            "back to work",
            "out of work",
            "medical leave",
            "on leave",
            "disability leave",
            "short term disability",
            "job performance",
            "school performance",
            "academic performance",
            "failing grades",
            "grades dropped",
            "falling behind",
            "out of bed",
            "living independently",
            "independent living",
            "household tasks",
            "daily tasks",
        ],
        unless_clinician_reaction: true,
        ..RULE
    },
    Rule {
        category: Category::TreatmentPlan,
        cues: &[
            "treatment plan",
            "plan of care",
            "care plan",
            "treatment goal*",
            "goals of treatment",
            "goal of treatment",
            "goals for treatment",
            "plan is to",
            "the plan is",
            "plan will be",
            "will refer",
            "referral to",
            "referral for",
            "referred her to",
            "referred him to",
            "referred them to",
            "referred client",
            "will follow up",
            "follow up in",
            "follow up appointment",
            "next appointment",
            "discharge plan*",
            "step down",
            "level of care",
            "safety plan",
            "crisis plan",
            "assigned homework",
            "homework assigned",
            "homework was assigned",
            "homework for",
            "continue weekly",
            "continue biweekly",
            "continue current",
        ],
        unless_hedged: true,
        ..RULE
    },
    Rule {
        category: Category::Symptoms,
        cues: &[
            "symptom*",
            "insomnia",
            "hypersomnia",
            "sleeping poorly",
            "sleeping badly",
            "sleeps poorly",
            "sleep poorly",
            "poor sleep",
            "sleep is poor",
            "sleep has been poor",
            "sleep poor",
            "trouble sleeping",
            "difficulty sleeping",
            "difficulty falling asleep",
            "difficulty staying asleep",
            "not sleeping",
            "sleep disturbance",
            "sleep problems",
            "early morning awakening",
            "nightmares",
            "flashbacks",
            "hypervigilan*",
            "startle response",
            "exaggerated startle",
            "panic attack*",
            "anhedoni*",
            "depressed mood",
            "low mood",
            "mood has been low",
            "mood is low",
            "anxious mood",
            "hopeless*",
            "worthless*",
            "tearful*",
            "crying spells",
            "appetite",
            "weight loss",
            "weight gain",
            "lost weight",
            "gained weight",
            "fatigue",
            "low energy",
            "poor concentration",
            "difficulty concentrating",
            "trouble concentrating",
            "psychomotor",
            "irritabil*",
            "racing thoughts",
            "pressured speech",
            "decreased need for sleep",
            "grandios*",
            "hallucinat*",
            "hearing voices",
            "hears voices",
            "paranoi*",
            "delusion*",
            "suicidal",
            "suicidality",
            "=SI",
            "=HI",
            "thoughts of suicide",
            "wants to die",
            "wanting to die",
            "kill herself",
            "kill himself",
            "kill themselves",
            "homicidal",
            "self harm*",
            "self injur*",
            "=NSSI",
            "intrusive thoughts",
            "intrusive memories",
            "compulsions",
            "obsessions",
            "dissociat*",
            "derealization",
            "depersonalization",
            "binge*",
            "bingeing",
            "purging",
            "cravings",
            "withdrawal symptoms",
            "relapsed",
            "drinks per day",
            "drinks a day",
            "drinks per week",
            "drinks a week",
            "drinking every day",
            "drinking every night",
            "drinking daily",
            "days sober",
            "sober since",
            "clean since",
            "using daily",
            "last use",
        ],
        unless_clinician_reaction: true,
        unless_someone_elses: true,
        ..RULE
    },
    Rule {
        category: Category::Prognosis,
        cues: &[
            "prognosis",
            "prognostic",
            "expected to improve",
            "expected to recover",
            "likely to improve",
            "likely to recover",
            "likely to relapse",
            "likely to benefit",
            "good candidate for",
            "outlook is",
            "outlook for",
            "favorable course",
            "favourable course",
            "poor outcome",
            "good outcome",
        ],
        ..RULE
    },
    Rule {
        category: Category::Progress,
        cues: &[
            "progress toward*",
            "progress towards",
            "progress on",
            "progress to date",
            "progress since",
            "making progress",
            "made progress",
            "has improved",
            "have improved",
            "improved since",
            "improvement in",
            "improvements in",
            "significant improvement",
            "symptoms improved",
            "has worsened",
            "have worsened",
            "worsening",
            "regressed",
            "decrease in",
            "reduction in",
            "decreased from",
            "increased from",
            "since intake",
            "compared to last",
            "compared with last",
            "goal met",
            "goals met",
            "met her goal",
            "met his goal",
            "met their goal",
            "partially met",
            "progressing",
            "no progress",
            "little progress",
            "doing better",
            "doing worse",
            "reviewed goals",
            "reviewed her goals",
            "reviewed his goals",
            "reviewed treatment goals",
        ],
        unless_clinician_reaction: true,
        ..RULE
    },
    // ---- In a progress note: process content that belongs in a psychotherapy note ----
    Rule {
        category: Category::Dream,
        cues: &[
            "dreamt",
            "dreamed",
            "had a dream",
            "a dream",
            "the dream",
            "her dream about",
            "his dream about",
            "their dream about",
            "dream about",
            "dreams about",
            "dream in which",
            "recurring dream*",
            "recurrent dream*",
            "dream analysis",
            "dream work",
            "dreamwork",
            "dream content",
            "nightmare in which",
            "in the dream",
        ],
        unless: &[
            "dream job",
            "dream house",
            "dream home",
            "dream vacation",
            "dream of becoming",
            "dreams of becoming",
            "dream is to",
            "dream was to",
            "pipe dream",
            "american dream",
            "a dream come true",
            "like a dream",
            "dreamed of becoming",
        ],
        ..RULE
    },
    Rule {
        category: Category::Fantasy,
        cues: &[
            "fantasy",
            "fantasies",
            "fantasiz*",
            "fantasis*",
            "daydream*",
        ],
        // Or an attention symptom ("daydreams in class"), which stays in the record.
        // A fantasy of harming oneself or someone is risk information: it stays in
        // the record, in the risk section.
        unless: &[
            "kill*",
            "suicid*",
            "hurt*",
            "harm*",
            "violen*",
            "revenge",
            "weapon*",
            "gun*",
            "die",
            "dying",
            "dead",
            "in class",
            "at school",
            "teacher*",
            "inattent*",
            "distract*",
            "focus*",
            "concentrat*",
        ],
        ..RULE
    },
    Rule {
        category: Category::Transference,
        cues: &[
            "transference",
            "transferential",
            "sees me as",
            "saw me as",
            "experienc* me as",
            "experienc* this writer as",
            "experienc* the therapist as",
            "treats me as",
            "treated me as",
            "relat* to me as",
            "as if i were",
            "as though i were",
            "idealiz* me",
            "idealis* me",
            "idealiz* the therapist",
            "idealiz* this writer",
            "devalu* me",
            "devalu* the therapist",
            "devalu* this writer",
            "view* me as",
            "view* the therapist as",
            "view* this writer as",
            "sees the therapist as",
            "saw the therapist as",
            "sees this writer as",
            "saw this writer as",
            "sees writer as",
            "=I remind her",
            "=I remind him",
            "=I remind them",
            "therapist reminds",
            "writer reminds",
            "reminded of her mother by me",
            "feelings toward me",
            "feelings towards me",
            "feelings toward the therapist",
            "feelings toward this writer",
        ],
        ..RULE
    },
    Rule {
        category: Category::Countertransference,
        cues: CLINICIAN_REACTION,
        // "I felt that the client was engaged" is a judgement, not a feeling.
        unless: &["=I felt that", "=I feel that"],
        skip_quoted: true,
        ..RULE
    },
    Rule {
        category: Category::Speculation,
        cues: &[
            "=I wonder",
            "=I wondered",
            "=I suspect",
            "=I speculate",
            "=I hypothesize",
            "=I hypothesise",
            "my hypothesis",
            "my sense is",
            "=I sense",
            "my hunch",
            "my guess",
            "=I imagine",
            "unconsciously",
            "unconscious wish*",
            "unconscious conflict*",
            "unconscious anger",
            "unconscious need*",
            "unconscious fear*",
            "unconscious desire*",
            "unconscious guilt",
            "the unconscious",
            "defend* against",
            "defense against",
            "defence against",
            "oedipal",
            "projective identification",
            "repress*",
            "enactment",
            "reenact*",
            "re enact*",
            "perhaps she",
            "perhaps he",
            "perhaps they",
            "perhaps the client",
            "maybe she",
            "maybe he",
            "maybe they",
            "it may be that",
            "symboliz*",
            "symbolis*",
            "symbolic of",
            "projection",
            "projecting",
            "projects onto",
            "projected onto",
            "projects her",
            "projects his",
            "projects their",
            "projected her",
            "projected his",
            "may represent",
            "might represent",
            "could represent",
        ],
        skip_quoted: true,
        ..RULE
    },
];

// ---- The matcher ----

/// A word of a sentence: a run of letters and digits, with its byte range in the
/// whole text.
struct Token<'a> {
    text: &'a str,
    lower: String,
    start: usize,
    end: usize,
}

/// One sentence, tokenized once for all rules.
pub(super) struct Sentence<'a> {
    text: &'a str,
    base: usize,
    tokens: Vec<Token<'a>>,
    /// The lowercase words, to reject most phrases by their first word at once: the
    /// check runs as the clinician types, over hundreds of phrases per sentence.
    lower_words: HashSet<String>,
    /// The words as written, for exact (`=`) phrase words.
    exact_words: HashSet<&'a str>,
    /// Byte ranges (in the whole text) between quotation marks.
    quoted: Vec<Span>,
}

impl<'a> Sentence<'a> {
    pub fn new(whole: &'a str, span: Span) -> Sentence<'a> {
        let text = span.of(whole);
        let mut tokens = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let word = &text[s..i];
                    tokens.push(Token {
                        text: word,
                        lower: word.to_lowercase(),
                        start: span.start + s,
                        end: span.start + i,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        Sentence {
            text,
            base: span.start,
            lower_words: tokens.iter().map(|t| t.lower.clone()).collect(),
            exact_words: tokens.iter().map(|t| t.text).collect(),
            tokens,
            quoted: quoted(text, span.start),
        }
    }

    /// Whether `rule` flags this sentence, and the cue that did.
    pub fn check(&self, rule: &Rule) -> Option<Span> {
        let cue = self
            .find_any(rule.cues, rule.skip_quoted)
            .or_else(|| self.find_any(rule.names, rule.skip_quoted));
        let cue = cue.or_else(|| {
            rule.detectors
                .iter()
                .filter(|d| matches!(d, Detector::Dose | Detector::IcdCode))
                .find_map(|d| self.detect(*d))
        });
        let cue = cue.or_else(|| {
            let weak = self
                .find_any(rule.weak_cues, rule.skip_quoted)
                .or_else(|| {
                    rule.detectors
                        .iter()
                        .filter(|d| matches!(d, Detector::ClockTime | Detector::Duration))
                        .find_map(|d| self.detect(*d))
                })?;
            let in_context = self.find_any_outside(rule.context, weak).is_some()
                || (rule.digit_context && self.has_digit_outside(weak));
            in_context.then_some(weak)
        })?;
        let excluded = self.find_any(rule.unless, false).is_some()
            || (rule.unless_hedged && self.find_any(HEDGES, false).is_some())
            // Quoted "I felt" is the client speaking, not the clinician reacting.
            || (rule.unless_clinician_reaction
                && self.find_any(CLINICIAN_REACTION, true).is_some());
        let someone_elses = rule.unless_someone_elses && self.belongs_to_someone_else(cue);
        (!excluded && !someone_elses).then_some(cue)
    }

    /// Whether one of [`OTHER_PEOPLE`] with a possessive comes at most three words
    /// before the cue ("her mother's new Zoloft").
    fn belongs_to_someone_else(&self, cue: Span) -> bool {
        let Some(at) = self.tokens.iter().position(|t| t.start == cue.start) else {
            return false;
        };
        (at.saturating_sub(4)..at).any(|i| {
            let owner = &self.tokens[i];
            OTHER_PEOPLE.contains(&owner.lower.as_str())
                && self
                    .tokens
                    .get(i + 1)
                    .is_some_and(|s| s.lower == "s" && matches!(self.between(owner, s), "'" | "’"))
        })
    }

    fn find_any(&self, phrases: &[&str], skip_quoted: bool) -> Option<Span> {
        phrases
            .iter()
            .find_map(|phrase| self.find(phrase, None, skip_quoted))
    }

    fn find_any_outside(&self, phrases: &[&str], outside: Span) -> Option<Span> {
        phrases
            .iter()
            .find_map(|phrase| self.find(phrase, Some(outside), false))
    }

    /// The first occurrence of a phrase (see the module doc for its syntax), not
    /// overlapping `outside` when given, and not inside quotation marks when
    /// `skip_quoted`.
    fn find(&self, phrase: &str, outside: Option<Span>, skip_quoted: bool) -> Option<Span> {
        let first = phrase.split(' ').next()?;
        if !self.may_contain(first) {
            return None;
        }
        let n = phrase.split(' ').count();
        if self.tokens.len() < n {
            return None;
        }
        (0..=self.tokens.len() - n)
            .filter(|&i| {
                phrase
                    .split(' ')
                    .zip(&self.tokens[i..i + n])
                    .all(|(word, token)| word_matches(word, token))
            })
            .map(|i| Span {
                start: self.tokens[i].start,
                end: self.tokens[i + n - 1].end,
            })
            .filter(|span| outside.is_none_or(|o| span.end <= o.start || span.start >= o.end))
            .find(|span| {
                !skip_quoted
                    || !self
                        .quoted
                        .iter()
                        .any(|q| q.start <= span.start && span.end <= q.end)
            })
    }

    /// Whether some word of the sentence matches this phrase word: a quick test
    /// that rejects most phrases before any scan.
    fn may_contain(&self, word: &str) -> bool {
        match (word.strip_prefix('='), word.strip_suffix('*')) {
            (None, None) => self.lower_words.contains(word),
            (Some(exact), _) if !exact.ends_with('*') => self.exact_words.contains(exact),
            _ => self.tokens.iter().any(|token| word_matches(word, token)),
        }
    }

    fn has_digit_outside(&self, outside: Span) -> bool {
        self.tokens.iter().any(|t| {
            (t.end <= outside.start || t.start >= outside.end)
                && t.text.chars().any(|c| c.is_ascii_digit())
        })
    }

    /// The raw text between two tokens.
    fn between(&self, left: &Token, right: &Token) -> &str {
        &self.text[left.end - self.base..right.start - self.base]
    }

    fn detect(&self, detector: Detector) -> Option<Span> {
        let t = &self.tokens;
        let is_number = |token: &Token| token.text.bytes().all(|b| b.is_ascii_digit());
        let span = |from: &Token, to: &Token| Span {
            start: from.start,
            end: to.end,
        };
        match detector {
            Detector::Dose => {
                const UNITS: &[&str] = &["mg", "mcg", "µg", "ug", "ml", "milligram", "milligrams"];
                t.iter().enumerate().find_map(|(i, token)| {
                    // "20mg" as one word.
                    let digits = token.lower.bytes().take_while(u8::is_ascii_digit).count();
                    if digits > 0 && UNITS.contains(&&token.lower[digits..]) {
                        return Some(span(token, token));
                    }
                    let unit = t.get(i + 1)?;
                    // "0.5 mg": start at the whole number.
                    let from = match i.checked_sub(1).map(|p| &t[p]) {
                        Some(whole) if is_number(whole) && self.between(whole, token) == "." => {
                            whole
                        }
                        _ => token,
                    };
                    (is_number(token)
                        && UNITS.contains(&unit.lower.as_str())
                        && self.between(token, unit).trim().is_empty())
                    .then(|| span(from, unit))
                })
            }
            Detector::ClockTime => t.iter().enumerate().find_map(|(i, token)| {
                if !is_number(token) || token.text.len() > 2 {
                    // "2pm" as one word.
                    let digits = token.lower.bytes().take_while(u8::is_ascii_digit).count();
                    let rest = &token.lower[digits..];
                    return ((1..=2).contains(&digits) && (rest == "am" || rest == "pm"))
                        .then(|| span(token, token));
                }
                let next = t.get(i + 1)?;
                if self.between(token, next) == ":"
                    && next.text.len() == 2
                    && is_number(next)
                    && token.text.parse::<u8>().is_ok_and(|h| h < 24)
                    && next.text.parse::<u8>().is_ok_and(|m| m < 60)
                {
                    return Some(span(token, next));
                }
                // "2 pm", or "2 p.m." (whose "m" is the last word of the time).
                let meridiem_end = if matches!(next.lower.as_str(), "am" | "pm") {
                    Some(next)
                } else {
                    t.get(i + 2).filter(|m| {
                        matches!(next.lower.as_str(), "a" | "p")
                            && m.lower == "m"
                            && self.between(next, m) == "."
                    })
                };
                let end = meridiem_end?;
                (self.between(token, next).trim().is_empty()
                    && token
                        .text
                        .parse::<u8>()
                        .is_ok_and(|h| (1..=12).contains(&h)))
                .then(|| span(token, end))
            }),
            Detector::Duration => t.iter().enumerate().find_map(|(i, token)| {
                let unit = t.get(i + 1)?;
                (is_number(token)
                    && matches!(
                        unit.lower.as_str(),
                        "minute" | "minutes" | "min" | "mins" | "hour" | "hours"
                    ))
                .then(|| span(token, unit))
            }),
            Detector::IcdCode => t.iter().enumerate().find_map(|(i, token)| {
                let b = token.text.as_bytes();
                let shaped = b.len() == 3
                    && matches!(b[0], b'F' | b'Z' | b'R')
                    && b[1].is_ascii_digit()
                    && b[2].is_ascii_digit();
                if !shaped {
                    return None;
                }
                let dotted = t.get(i + 1).filter(|next| {
                    self.between(token, next) == "."
                        && (1..=4).contains(&next.text.len())
                        && next
                            .text
                            .bytes()
                            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                });
                match (dotted, b[0]) {
                    (Some(next), _) => Some(span(token, next)),
                    (None, b'R') => None,
                    (None, _) => Some(span(token, token)),
                }
            }),
        }
    }
}

/// Ranges between pairs of double quotes (straight or curly) or curly single quotes.
/// Straight single quotes are left out: they are apostrophes far more often.
fn quoted(text: &str, base: usize) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match (open, c) {
            (None, '"' | '“' | '‘') => open = Some((i, c)),
            (Some((start, '"')), '"') | (Some((start, '“')), '”') | (Some((start, '‘')), '’') =>
            {
                spans.push(Span {
                    start: base + start,
                    end: base + i + c.len_utf8(),
                });
                open = None;
            }
            _ => {}
        }
    }
    // An unclosed quote runs to the end of the sentence.
    if let Some((start, _)) = open {
        spans.push(Span {
            start: base + start,
            end: base + text.len(),
        });
    }
    spans
}

fn word_matches(word: &str, token: &Token) -> bool {
    if let Some(exact) = word.strip_prefix('=') {
        match exact.strip_suffix('*') {
            Some(prefix) => token.text.starts_with(prefix),
            None => token.text == exact,
        }
    } else {
        match word.strip_suffix('*') {
            Some(prefix) => token.lower.starts_with(prefix),
            None => token.lower == word,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(text: &str, category: Category) -> Option<&str> {
        let span = Span {
            start: 0,
            end: text.len(),
        };
        let rule = RULES.iter().find(|r| r.category == category)?;
        Sentence::new(text, span)
            .check(rule)
            .map(|found| found.of(text))
    }

    #[test]
    fn phrases_are_lowercase_except_exact_words() {
        let all = RULES
            .iter()
            .flat_map(|r| {
                r.cues
                    .iter()
                    .chain(r.weak_cues)
                    .chain(r.context)
                    .chain(r.unless)
            })
            .chain(HEDGES)
            .chain(CLINICIAN_REACTION)
            .chain(MEDICATION_NAMES);
        for phrase in all {
            assert!(!phrase.is_empty() && !phrase.contains("  "), "{phrase:?}");
            for word in phrase.split(' ') {
                let word = word.trim_end_matches('*');
                assert!(
                    word.starts_with('=') || word == word.to_lowercase(),
                    "{phrase:?}: write {word:?} in lowercase or mark it exact with ="
                );
                assert!(
                    word.trim_start_matches('=')
                        .chars()
                        .all(char::is_alphanumeric),
                    "{phrase:?}: {word:?} is not one word"
                );
            }
        }
    }

    #[test]
    fn quoted_first_person_is_the_client_speaking() {
        assert_eq!(
            cue(
                "Client stated, \"I felt hopeless all week.\"",
                Category::Countertransference
            ),
            None
        );
        assert_eq!(
            cue("I felt tired listening.", Category::Countertransference),
            Some("I felt")
        );
        assert_eq!(
            cue("She said “I feel hopeless”.", Category::Symptoms),
            Some("hopeless"),
            "a quoted I-feel is not the clinician's reaction"
        );
        assert_eq!(cue("I felt hopeless listening.", Category::Symptoms), None);
    }

    #[test]
    fn phrase_words_ignore_case_unless_marked_exact() {
        assert_eq!(
            cue(
                "Started acceptance and commitment therapy.",
                Category::ModalityFrequency
            ),
            Some("acceptance and commitment therapy")
        );
        assert_eq!(
            cue("Used ACT defusion skills.", Category::ModalityFrequency),
            Some("ACT")
        );
        assert_eq!(
            cue("She wanted to act on it.", Category::ModalityFrequency),
            None
        );
        assert_eq!(cue("Client denies SI.", Category::Symptoms), Some("SI"));
        assert_eq!(cue("Si, she said, laughing.", Category::Symptoms), None);
    }

    #[test]
    fn detectors_find_doses_times_durations_and_codes() {
        assert_eq!(
            cue("Now on 0.5 mg at night.", Category::Medication),
            Some("0.5 mg")
        );
        assert_eq!(cue("Now on 20mg.", Category::Medication), Some("20mg"));
        assert_eq!(
            cue("Session from 2:00 to 2:50 pm.", Category::SessionTimes),
            Some("2:00")
        );
        assert_eq!(
            cue("Met at 9:15 a.m. today.", Category::SessionTimes),
            Some("9:15")
        );
        assert_eq!(cue("We met at 3pm.", Category::SessionTimes), Some("3pm"));
        assert_eq!(
            cue("We met at 3 p.m. today.", Category::SessionTimes),
            Some("3 p.m")
        );
        assert_eq!(
            cue("She wakes at 3 am most nights.", Category::SessionTimes),
            None
        );
        assert_eq!(
            cue("Psychotherapy, 53 minutes.", Category::SessionTimes),
            Some("53 minutes")
        );
        assert_eq!(
            cue("She cried for 10 minutes.", Category::SessionTimes),
            None
        );
        assert_eq!(
            cue("Working with F43.10 here.", Category::Diagnosis),
            Some("F43.10")
        );
        assert_eq!(
            cue("Code Z63.0 applies.", Category::Diagnosis),
            Some("Z63.0")
        );
        assert_eq!(cue("Added R45.851.", Category::Diagnosis), Some("R45.851"));
        assert_eq!(cue("Her B12 is low, R2 said.", Category::Diagnosis), None);
    }

    #[test]
    fn weak_cues_need_context_outside_themselves() {
        assert_eq!(
            cue("She hated filling out the PHQ-9.", Category::TestResults),
            None
        );
        assert_eq!(
            cue("PHQ-9 was 14 today.", Category::TestResults),
            Some("PHQ-9")
        );
        assert_eq!(cue("She forgot her meds.", Category::Medication), None);
        assert_eq!(
            cue("She stopped taking her meds.", Category::Medication),
            Some("meds")
        );
    }
}
