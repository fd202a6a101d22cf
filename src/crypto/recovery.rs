//! The printed recovery key: a second way to unwrap the master key.
//!
//! It is 256 random bits, shown once as 52 Crockford base32 characters in groups of
//! four, to be written down or printed and kept offline. Crockford's alphabet has no
//! I, L, O or U, so handwriting is hard to misread, and [`RecoveryKey::parse`]
//! forgives the usual slips (case, spacing, dashes, O for 0, I or L for 1).
//!
//! Being full-entropy, it wraps the master key directly; no slow KDF is needed.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::keys::{unwrap_master_key, wrap_master_key, MasterKey, WrappedKey};
use super::CryptoError;

/// Domain label for the master key wrapped by the recovery key; different from the
/// KEK's, so neither wrapping can be passed off as the other.
const MASTER_BY_RECOVERY_LABEL: &[u8] = b"psynotes/master-by-recovery/v1";

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 256 bits in 5-bit symbols: 51 full symbols and one holding the last bit.
const SYMBOLS: usize = 52;
/// Symbols per group in the displayed form.
const GROUP: usize = 4;

/// The 256-bit recovery key. Wiped on drop, never cloned; `Debug` prints `[redacted]`.
#[derive(ZeroizeOnDrop)]
pub struct RecoveryKey {
    bytes: [u8; 32],
}

impl RecoveryKey {
    /// A fresh random recovery key, for a new vault (or to replace a lost one).
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no secure randomness is available.
    pub fn generate() -> Result<RecoveryKey, CryptoError> {
        let mut key = RecoveryKey { bytes: [0; 32] };
        getrandom::getrandom(&mut key.bytes).map_err(|_| CryptoError::Random)?;
        Ok(key)
    }

    /// The key for writing down: 52 uppercase Crockford base32 characters in groups
    /// of four joined by `-`, e.g. `000G-40R4-...-3RFG`.
    pub fn display(&self) -> Zeroizing<String> {
        // Capacity up front, so the string never reallocates and leaves copies behind.
        let mut text = Zeroizing::new(String::with_capacity(SYMBOLS + SYMBOLS / GROUP));
        let mut symbols = 0;
        let mut push = |value: u32, text: &mut String| {
            if symbols > 0 && symbols % GROUP == 0 {
                text.push('-');
            }
            // `value` is masked to 5 bits, so the index is always in range.
            text.push(char::from(ALPHABET[(value & 31) as usize]));
            symbols += 1;
        };

        let mut acc: u32 = 0;
        let mut bits = 0;
        for &byte in &self.bytes {
            acc = (acc << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                push(acc >> bits, &mut text);
            }
            acc &= (1 << bits) - 1;
        }
        // The last symbol carries the final bit, padded with zeros.
        push(acc << (5 - bits), &mut text);
        acc.zeroize();
        text
    }

    /// Reads a recovery key as typed by a person.
    ///
    /// Case, spaces and dashes are ignored; `O` is read as `0`, and `I` and `L` as
    /// `1`. Exactly 52 symbols must remain.
    ///
    /// # Errors
    /// [`CryptoError::InvalidRecoveryKey`] for any other character, the wrong number
    /// of symbols, or a last symbol that no recovery key can end with.
    pub fn parse(s: &str) -> Result<RecoveryKey, CryptoError> {
        // Decode straight into the zeroizing key; no cleaned-up copy of the text.
        let mut key = RecoveryKey { bytes: [0; 32] };
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut symbols = 0;
        let mut written = 0;
        for c in s.chars() {
            if is_separator(c) {
                continue;
            }
            let value = symbol_value(c).ok_or(CryptoError::InvalidRecoveryKey)?;
            symbols += 1;
            if symbols > SYMBOLS {
                return Err(CryptoError::InvalidRecoveryKey);
            }
            acc = (acc << 5) | value;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                let byte = key
                    .bytes
                    .get_mut(written)
                    .ok_or(CryptoError::InvalidRecoveryKey)?;
                // Truncation to the low 8 bits is the point.
                *byte = (acc >> bits) as u8;
                written += 1;
                acc &= (1 << bits) - 1;
            }
        }
        // 52 symbols leave 4 padding bits, which `display` always sets to zero; a
        // non-zero padding means a mistyped last symbol.
        let padding_ok = acc == 0;
        acc.zeroize();
        if symbols != SYMBOLS || written != key.bytes.len() || !padding_ok {
            return Err(CryptoError::InvalidRecoveryKey);
        }
        Ok(key)
    }

    /// The key's bits, for the custodian key, which is written the same way.
    pub(super) fn secret(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Encrypts the master key under this recovery key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no nonce could be drawn.
    pub fn wrap_master(&self, master: &MasterKey, aad: &[u8]) -> Result<WrappedKey, CryptoError> {
        wrap_master_key(&self.bytes, MASTER_BY_RECOVERY_LABEL, aad, master)
    }

    /// Decrypts the master key.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] if this is not the vault's recovery key, `aad`
    /// differs, or the wrapped key was changed.
    pub fn unwrap_master(
        &self,
        wrapped: &WrappedKey,
        aad: &[u8],
    ) -> Result<MasterKey, CryptoError> {
        unwrap_master_key(&self.bytes, MASTER_BY_RECOVERY_LABEL, aad, wrapped)
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey([redacted])")
    }
}

/// Characters people put between groups: spaces, line breaks and dashes (including
/// the typographic dashes that word processors and phones substitute for `-`).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The 5-bit value of one Crockford symbol, with the usual misreadings forgiven.
fn symbol_value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    let byte = u8::try_from(c).ok()?;
    ALPHABET
        .iter()
        .position(|&symbol| symbol == byte)
        .and_then(|index| u32::try_from(index).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::Kek;

    const COUNTING: &str = "000G-40R4-0M30-E209-185G-R38E-1W81-24GK-2GAH-C5RR-34D1-P70X-3RFG";

    fn counting_key() -> RecoveryKey {
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        RecoveryKey { bytes }
    }

    #[test]
    fn display_matches_crockford_base32() {
        // Expected values computed independently (RFC 4648 base32, re-lettered).
        assert_eq!(counting_key().display().as_str(), COUNTING);
        let all_ones = RecoveryKey { bytes: [0xff; 32] };
        assert_eq!(
            all_ones.display().as_str(),
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZG"
        );
    }

    #[test]
    fn display_is_thirteen_groups_of_four_uppercase_symbols() {
        let key = RecoveryKey::generate().unwrap();
        let text = key.display();
        assert_eq!(text.len(), 64);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(groups.len(), 13);
        for group in groups {
            assert_eq!(group.len(), 4);
            assert!(group.bytes().all(|b| ALPHABET.contains(&b)), "{group}");
        }
    }

    #[test]
    fn display_then_parse_round_trips() {
        for _ in 0..200 {
            let key = RecoveryKey::generate().unwrap();
            let parsed = RecoveryKey::parse(&key.display()).unwrap();
            assert_eq!(parsed.bytes, key.bytes);
        }
        assert_eq!(
            RecoveryKey::parse(COUNTING).unwrap().bytes,
            counting_key().bytes
        );
    }

    #[test]
    fn parse_forgives_case_spacing_dashes_and_lookalikes() {
        let expected = counting_key().bytes;
        let variants = [
            COUNTING.to_lowercase(),
            COUNTING.replace('-', ""),
            COUNTING.replace('-', " "),
            COUNTING.replace('-', "\n"),
            format!("  {}  ", COUNTING.replace('-', " - ")),
            COUNTING.replace('-', "\u{2013}"),
            // O for 0, I and L for 1, in both cases.
            COUNTING.replace('0', "O").replace('1', "I"),
            COUNTING.replace('0', "o").replace('1', "l"),
            COUNTING.replace('1', "L"),
        ];
        for text in variants {
            assert_eq!(
                RecoveryKey::parse(&text).unwrap().bytes,
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn parse_rejects_wrong_length() {
        let compact = COUNTING.replace('-', "");
        for text in [
            "",
            "----",
            &compact[..51],
            &format!("{compact}0"),
            &format!("{compact}{compact}"),
        ] {
            assert_eq!(
                RecoveryKey::parse(text).unwrap_err(),
                CryptoError::InvalidRecoveryKey,
                "{text:?}"
            );
        }
    }

    #[test]
    fn parse_rejects_bad_characters() {
        for bad in ["U", "u", "*", "_", ".", "é", "Ø", "\u{0}"] {
            let text = COUNTING.replacen('4', bad, 1);
            assert_eq!(
                RecoveryKey::parse(&text).unwrap_err(),
                CryptoError::InvalidRecoveryKey,
                "{text:?}"
            );
        }
    }

    #[test]
    fn parse_rejects_non_zero_padding() {
        // Only 0 or G can end a key (the last symbol holds one bit, then zeros).
        let text = format!("{}1", &COUNTING[..COUNTING.len() - 1]);
        assert_eq!(
            RecoveryKey::parse(&text).unwrap_err(),
            CryptoError::InvalidRecoveryKey
        );
    }

    #[test]
    fn wraps_and_unwraps_the_master_key() {
        let recovery = RecoveryKey::generate().unwrap();
        let master = MasterKey::generate().unwrap();
        let wrapped = recovery.wrap_master(&master, b"header").unwrap();
        let unwrapped = recovery.unwrap_master(&wrapped, b"header").unwrap();
        // Same key: it unwraps what the original wrapped.
        let data = master
            .wrap_data_key(&crate::crypto::RecordsKey::generate().unwrap())
            .unwrap();
        assert!(unwrapped
            .unwrap_data_key::<crate::crypto::Records>(&data)
            .is_ok());

        // Also after a display and parse, as after writing it down.
        let retyped = RecoveryKey::parse(&recovery.display()).unwrap();
        assert!(retyped.unwrap_master(&wrapped, b"header").is_ok());
    }

    #[test]
    fn wrong_recovery_key_or_aad_fails() {
        let master = MasterKey::generate().unwrap();
        let wrapped = RecoveryKey::generate()
            .unwrap()
            .wrap_master(&master, b"header")
            .unwrap();
        let other = RecoveryKey::generate().unwrap();
        assert_eq!(
            other.unwrap_master(&wrapped, b"header").unwrap_err(),
            CryptoError::Decrypt
        );
        let recovery = RecoveryKey::generate().unwrap();
        let wrapped = recovery.wrap_master(&master, b"header").unwrap();
        assert_eq!(
            recovery.unwrap_master(&wrapped, b"headex").unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn recovery_and_kek_wrappings_are_not_interchangeable() {
        // Even with identical key bytes, the domain labels keep them apart.
        let recovery = counting_key();
        let kek = Kek::from_bytes(&counting_key().bytes);
        let master = MasterKey::generate().unwrap();
        let by_kek = kek.wrap_master(&master, b"h").unwrap();
        let by_recovery = recovery.wrap_master(&master, b"h").unwrap();
        assert!(kek.unwrap_master(&by_kek, b"h").is_ok());
        assert!(recovery.unwrap_master(&by_recovery, b"h").is_ok());
        assert_eq!(
            recovery.unwrap_master(&by_kek, b"h").unwrap_err(),
            CryptoError::Decrypt
        );
        assert_eq!(
            kek.unwrap_master(&by_recovery, b"h").unwrap_err(),
            CryptoError::Decrypt
        );
    }

    #[test]
    fn debug_is_redacted() {
        let text = format!("{:?}", counting_key());
        assert_eq!(text, "RecoveryKey([redacted])");
    }
}
