//! The passphrase: its one rule, and an honest strength estimate for the UI.
//!
//! The only rule is a minimum length of 12 characters. Composition rules ("one digit,
//! one symbol") make passphrases harder to remember without making them much harder
//! to guess; length and unrelated words do that. [`strength`] gives the person
//! feedback while typing, and never blocks a choice.

use core::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// The minimum passphrase length, in characters.
const MIN_CHARS: usize = 12;

/// A passphrase, wiped from memory when dropped. `Debug` prints `[redacted]`.
///
/// The text is kept exactly as typed, including leading or trailing spaces: silently
/// trimming would lock out someone whose passphrase really ends in a space.
///
/// `Clone` makes another copy that is wiped when dropped too: a form hands the
/// passphrase to the async work it starts, and keeps none itself.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// A new passphrase, for creating a vault or changing the passphrase.
    ///
    /// # Errors
    /// [`PassphraseError::TooShort`] if it has fewer than 12 characters (Unicode
    /// scalar values, not bytes).
    pub fn new(s: String) -> Result<Passphrase, PassphraseError> {
        // Take ownership first, so a rejected passphrase is wiped too.
        let passphrase = Passphrase(normalized(s));
        let got = passphrase.0.chars().count();
        if got < MIN_CHARS {
            return Err(PassphraseError::TooShort {
                min: MIN_CHARS,
                got,
            });
        }
        Ok(passphrase)
    }

    /// A new passphrase typed twice; both entries must match.
    ///
    /// # Errors
    /// [`PassphraseError::TooShort`] as for [`Passphrase::new`], otherwise
    /// [`PassphraseError::Mismatch`] if the confirmation differs.
    pub fn new_confirmed(
        passphrase: String,
        confirmation: String,
    ) -> Result<Passphrase, PassphraseError> {
        let confirmation = Zeroizing::new(confirmation);
        let passphrase = Passphrase::new(passphrase)?;
        if passphrase.0.as_str() != confirmation.as_str() {
            return Err(PassphraseError::Mismatch);
        }
        Ok(passphrase)
    }

    /// A passphrase typed to unlock an existing vault. No length check: unlocking
    /// must accept whatever was set, even under older rules.
    pub fn for_unlock(s: String) -> Passphrase {
        Passphrase(normalized(s))
    }

    /// The UTF-8 bytes fed to the KDF.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Unicode NFC, so that "é" typed as one code point (most keyboards) or as "e" plus a
/// combining accent (some) derives the same key. Both copies are wiped.
fn normalized(s: String) -> Zeroizing<String> {
    let typed = Zeroizing::new(s);
    Zeroizing::new(typed.nfc().collect())
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([redacted])")
    }
}

/// Why a new passphrase was not accepted. The messages speak to the user directly.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum PassphraseError {
    /// Fewer than `min` characters.
    #[error("Use at least 12 characters. Several unrelated words are easy to remember and hard to guess.")]
    TooShort {
        /// The minimum number of characters.
        min: usize,
        /// How many characters were typed.
        got: usize,
    },
    /// The passphrase and its confirmation differ.
    #[error("The two passphrases do not match.")]
    Mismatch,
}

/// A rough strength rating for a passphrase being chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// Shorter than the minimum; it will be refused.
    TooShort,
    /// Long enough, but easy to guess.
    Weak,
    /// Reasonable.
    Fair,
    /// Hard to guess.
    Strong,
}

impl Strength {
    /// The rating in words, lower case: "too short", "weak", "fair", "strong".
    pub fn label(&self) -> &'static str {
        match self {
            Strength::TooShort => "too short",
            Strength::Weak => "weak",
            Strength::Fair => "fair",
            Strength::Strong => "strong",
        }
    }

    /// What to do about it, as a sentence that does not repeat the rating.
    pub fn hint(&self) -> &'static str {
        match self {
            Strength::TooShort => "Use at least 12 characters.",
            Strength::Weak => "It is easy to guess: try four or more unrelated words.",
            Strength::Fair => "Another unrelated word would make it strong.",
            Strength::Strong => "Write it down and keep it somewhere safe.",
        }
    }
}

/// Well-known passwords and keyboard walks; guessers try these first, so each counts
/// as a single character wherever it appears. Longest first, so the longest match wins.
const COMMON: &[&str] = &[
    "motdepasse",
    "iloveyou",
    "password",
    "passwort",
    "passw0rd",
    "p@ssw0rd",
    "football",
    "baseball",
    "princess",
    "sunshine",
    "trustno1",
    "welcome",
    "letmein",
    "monkey",
    "dragon",
    "qwerty",
    "qwertz",
    "azerty",
    "abc123",
    "123456",
    "654321",
    "111111",
    "000000",
    "admin",
    "asdf",
    "zxcv",
];

/// Rough guessing cost, in bits, above which a passphrase counts as fair or strong.
/// The vault's Argon2id makes each guess slow, so these are lower than they would be
/// for a fast hash.
const FAIR_BITS: f64 = 40.0;
const STRONG_BITS: f64 = 52.0;

/// An honest, simple estimate of how hard `s` is to guess.
///
/// It counts characters that add something (repeats, runs like `abcd` or `4321`, and
/// very common passwords add little), weighs them by how many kinds of character are
/// used, and separately credits unrelated words. It cannot know whether the text was
/// chosen at random, so it errs on the side of caution.
pub fn strength(s: &str) -> Strength {
    if s.chars().count() < MIN_CHARS {
        return Strength::TooShort;
    }
    let bits = char_bits(s).max(word_bits(s));
    if bits >= STRONG_BITS {
        Strength::Strong
    } else if bits >= FAIR_BITS {
        Strength::Fair
    } else {
        Strength::Weak
    }
}

/// Marks where a common password was removed; never typed by a person.
const COMMON_MARK: char = '\u{0}';

/// Estimate from characters: effective length times bits per character.
fn char_bits(s: &str) -> f64 {
    let folded = fold_common(s);
    // Sized up front so it never reallocates and leaves unwiped copies behind.
    let mut distinct = Zeroizing::new(Vec::with_capacity(folded.len()));
    let mut effective = 0usize;
    let mut previous: Option<char> = None;
    let mut previous_step: Option<i64> = None;
    for &c in folded.iter().filter(|c| !c.is_whitespace()) {
        let step = previous.map(|p| i64::from(u32::from(c)) - i64::from(u32::from(p)));
        let repeat = step == Some(0);
        // The third character of a run like "abc" or "321" adds nothing new.
        let run = matches!(step, Some(1 | -1)) && step == previous_step;
        if c == COMMON_MARK || !(repeat || run) {
            effective += 1;
        }
        if !distinct.contains(&c) {
            distinct.push(c);
        }
        previous = Some(c);
        previous_step = if c == COMMON_MARK { None } else { step };
    }
    // Patterns like "abcabcabc" reuse a few characters: cap by their variety.
    let effective = effective.min(3 * distinct.len());

    effective as f64 * bits_per_char(s)
}

/// `s` in lower case, with each common password and each year (19xx, 20xx)
/// replaced by a single [`COMMON_MARK`]. Guessers try years as one unit too.
///
/// Every copy of the passphrase made here is wiped when dropped.
fn fold_common(s: &str) -> Zeroizing<Vec<char>> {
    let mut folded = Zeroizing::new(s.to_lowercase());
    for common in COMMON {
        if folded.contains(common) {
            folded = Zeroizing::new(folded.replace(common, &COMMON_MARK.to_string()));
        }
    }
    // A string has at least as many bytes as chars, so neither vector reallocates.
    let mut chars = Zeroizing::new(Vec::with_capacity(folded.len()));
    chars.extend(folded.chars());
    let mut out = Zeroizing::new(Vec::with_capacity(chars.len()));
    let mut rest = chars.as_slice();
    loop {
        rest = match rest {
            [a, b, c, d, tail @ ..]
                if matches!((a, b), ('1', '9') | ('2', '0'))
                    && c.is_ascii_digit()
                    && d.is_ascii_digit() =>
            {
                out.push(COMMON_MARK);
                tail
            }
            [c, tail @ ..] => {
                out.push(*c);
                tail
            }
            [] => break,
        };
    }
    out
}

/// Bits per effective character, by how many kinds of character appear. These are
/// well below log2 of the alphabet size because people do not pick characters at
/// random.
fn bits_per_char(s: &str) -> f64 {
    let kinds = [
        s.chars().any(char::is_lowercase),
        s.chars().any(char::is_uppercase),
        s.chars().any(|c| c.is_ascii_digit()),
        s.chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .into_iter()
    .filter(|&present| present)
    .count();
    match kinds {
        0 | 1 => 2.5,
        2 => 3.0,
        3 => 3.5,
        _ => 4.0,
    }
}

/// Estimate from words: about 11 bits per distinct word of three or more letters,
/// as if each came from a list of a couple of thousand common words.
fn word_bits(s: &str) -> f64 {
    let lower = Zeroizing::new(s.to_lowercase());
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(w))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.len() as f64 * 11.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_accents_give_the_same_bytes() {
        let composed = Passphrase::for_unlock("caf\u{e9} au lait, s'il vous pla\u{ee}t".to_owned());
        let decomposed =
            Passphrase::for_unlock("cafe\u{301} au lait, s'il vous plai\u{302}t".to_owned());
        assert_eq!(composed.as_bytes(), decomposed.as_bytes());
        let created =
            Passphrase::new("cafe\u{301} au lait, s'il vous plai\u{302}t".to_owned()).unwrap();
        assert_eq!(created.as_bytes(), composed.as_bytes());
    }

    #[test]
    fn minimum_is_twelve_characters_not_bytes() {
        assert_eq!(
            Passphrase::new("elevenchars".to_owned()).unwrap_err(),
            PassphraseError::TooShort { min: 12, got: 11 }
        );
        assert!(Passphrase::new("twelve chars".to_owned()).is_ok());
        // 11 characters but 22 bytes: still too short.
        let umlauts = "ä".repeat(11);
        assert_eq!(umlauts.len(), 22);
        assert_eq!(
            Passphrase::new(umlauts).unwrap_err(),
            PassphraseError::TooShort { min: 12, got: 11 }
        );
        assert!(Passphrase::new("ä".repeat(12)).is_ok());
        assert_eq!(
            Passphrase::new(String::new()).unwrap_err(),
            PassphraseError::TooShort { min: 12, got: 0 }
        );
    }

    #[test]
    fn no_composition_rules() {
        assert!(Passphrase::new("all lowercase words".to_owned()).is_ok());
    }

    #[test]
    fn whitespace_is_kept_as_typed() {
        let p = Passphrase::new("  spaced out words  ".to_owned()).unwrap();
        assert_eq!(p.as_bytes(), b"  spaced out words  ");
        let unlock = Passphrase::for_unlock(" x ".to_owned());
        assert_eq!(unlock.as_bytes(), b" x ");
    }

    #[test]
    fn unlock_accepts_any_length() {
        assert_eq!(Passphrase::for_unlock(String::new()).as_bytes(), b"");
        assert_eq!(
            Passphrase::for_unlock("short".to_owned()).as_bytes(),
            b"short"
        );
    }

    #[test]
    fn confirmation_must_match() {
        let p = "river candle orbit maple".to_owned();
        assert!(Passphrase::new_confirmed(p.clone(), p.clone()).is_ok());
        assert_eq!(
            Passphrase::new_confirmed(p.clone(), format!("{p} ")).unwrap_err(),
            PassphraseError::Mismatch
        );
        assert_eq!(
            Passphrase::new_confirmed("short".to_owned(), "short".to_owned()).unwrap_err(),
            PassphraseError::TooShort { min: 12, got: 5 }
        );
    }

    #[test]
    fn messages_are_the_agreed_user_texts() {
        assert_eq!(
            PassphraseError::TooShort { min: 12, got: 3 }.to_string(),
            "Use at least 12 characters. Several unrelated words are easy to remember and hard to guess."
        );
        assert_eq!(
            PassphraseError::Mismatch.to_string(),
            "The two passphrases do not match."
        );
    }

    #[test]
    fn debug_is_redacted() {
        let p = Passphrase::new("secret canary words".to_owned()).unwrap();
        assert_eq!(format!("{p:?}"), "Passphrase([redacted])");
    }

    #[track_caller]
    fn assert_strength(s: &str, expected: Strength) {
        assert_eq!(strength(s), expected, "{s:?}");
    }

    #[test]
    fn too_short_is_too_short() {
        assert_strength("", Strength::TooShort);
        assert_strength("Xk7#pQ2!vL9", Strength::TooShort);
    }

    #[test]
    fn common_and_patterned_passphrases_are_weak() {
        for s in [
            "password1234",
            "Password123!",
            "P@ssw0rd2024",
            "123456789012",
            "aaaaaaaaaaaa",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "qwertyqwerty",
            "qwertyuiopasdf",
            "abcdefghijklmnop",
            "abcabcabcabcabc",
            "iloveyouiloveyou",
            "letmein letmein",
            "sunny garden",
            "Summer2024!!",
            "Winter1987##",
        ] {
            assert_strength(s, Strength::Weak);
        }
    }

    #[test]
    fn a_few_words_or_mixed_characters_are_fair() {
        for s in ["the sunny garden path", "Tr0ub4dor&3x", "cat dog sun hat"] {
            assert_strength(s, Strength::Fair);
        }
    }

    #[test]
    fn several_unrelated_words_or_long_random_text_are_strong() {
        for s in [
            "correct horse battery staple",
            "river candle orbit maple",
            "kx7#Qm9!vR2$pL",
            "Grüne Wolke tanzt über Hamburg",
            "cat dog sun hat owl",
        ] {
            assert_strength(s, Strength::Strong);
        }
    }

    #[test]
    fn longer_never_rates_lower_for_added_words() {
        let mut s = String::from("maple river");
        let mut last = strength(&s);
        for word in [" candle", " orbit", " lantern", " quartz"] {
            s.push_str(word);
            let now = strength(&s);
            assert!(rank(now) >= rank(last), "{s:?}");
            last = now;
        }
        assert_eq!(last, Strength::Strong);
    }

    fn rank(s: Strength) -> u8 {
        match s {
            Strength::TooShort => 0,
            Strength::Weak => 1,
            Strength::Fair => 2,
            Strength::Strong => 3,
        }
    }

    #[test]
    fn every_rating_has_a_hint() {
        for s in [
            Strength::TooShort,
            Strength::Weak,
            Strength::Fair,
            Strength::Strong,
        ] {
            assert!(!s.hint().is_empty());
        }
    }
}
