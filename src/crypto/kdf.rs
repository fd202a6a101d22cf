//! Passphrase to key-encryption key: Argon2id with bounds-checked parameters.
//!
//! The parameters and the salt are stored in plaintext in the vault header, so they
//! are untrusted input. [`derive_kek`] checks them against fixed bounds *before* any
//! work: a damaged or hostile header must not make the app allocate gigabytes or spin
//! for minutes, and must not be able to weaken the KDF below a safe floor.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keys::Kek;
use super::passphrase::Passphrase;
use super::{random_bytes, CryptoError};

/// Argon2id cost parameters, as stored in the vault header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations (passes over memory).
    pub t: u32,
    /// Parallelism (lanes).
    pub p: u32,
}

impl KdfParams {
    /// Parameters for new vaults: 64 MiB, 3 passes, 1 lane (about 200 ms in a browser).
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 65536,
        t: 3,
        p: 1,
    };

    /// The cheapest accepted parameters (OWASP's Argon2id minimum); for tests only.
    pub const TEST_MIN: KdfParams = KdfParams {
        m_kib: M_KIB_MIN,
        t: T_MIN,
        p: P_MIN,
    };

    /// Checks every parameter against the accepted range.
    ///
    /// # Errors
    /// [`CryptoError::KdfParamsOutOfRange`] naming the first parameter out of range.
    pub fn validate(&self) -> Result<(), CryptoError> {
        check("memory in KiB", self.m_kib, M_KIB_MIN, M_KIB_MAX)?;
        check("iterations", self.t, T_MIN, T_MAX)?;
        check("parallelism", self.p, P_MIN, P_MAX)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

// Below 19 MiB / 2 passes Argon2id is weaker than OWASP's floor. Above 1 GiB a
// browser tab cannot allocate, and above 10 passes unlocking takes too long to be
// what anyone intended. More than 4 lanes buys nothing in single-threaded wasm.
const M_KIB_MIN: u32 = 19 * 1024;
const M_KIB_MAX: u32 = 1024 * 1024;
const T_MIN: u32 = 2;
const T_MAX: u32 = 10;
const P_MIN: u32 = 1;
const P_MAX: u32 = 4;

fn check(what: &'static str, value: u32, min: u32, max: u32) -> Result<(), CryptoError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(CryptoError::KdfParamsOutOfRange {
            what,
            value,
            min,
            max,
        })
    }
}

/// The random 16-byte Argon2id salt, stored in the vault header.
///
/// Not secret; it makes every vault's KEK different even for the same passphrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salt(pub [u8; 16]);

impl Salt {
    /// A fresh random salt, for a new vault or a passphrase change.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no secure randomness is available.
    pub fn random() -> Result<Salt, CryptoError> {
        random_bytes().map(Salt)
    }
}

/// Derives the key-encryption key from the passphrase with Argon2id (v0x13, 32 bytes).
///
/// The parameters are validated first, so out-of-range values from a damaged header
/// fail at once and cost nothing.
///
/// # Errors
/// - [`CryptoError::KdfParamsOutOfRange`] if `params` are outside the accepted range.
/// - [`CryptoError::Kdf`] if Argon2id fails, in practice for lack of memory.
pub fn derive_kek(
    passphrase: &Passphrase,
    salt: &Salt,
    params: &KdfParams,
) -> Result<Kek, CryptoError> {
    let bytes = derive_kek_bytes(passphrase.as_bytes(), salt, params)?;
    Ok(Kek::from_bytes(&bytes))
}

/// The bytes of [`derive_kek`]'s key, from the passphrase as
/// [`Passphrase::as_bytes`] gives it (normalised).
///
/// For a KDF worker: it runs this off the page's main thread and posts the bytes
/// back, and the page makes its [`Kek`] from them (`Kek::from_bytes`). Same bounds,
/// same errors as [`derive_kek`].
///
/// # Errors
/// As [`derive_kek`].
pub fn derive_kek_bytes(
    normalised_passphrase: &[u8],
    salt: &Salt,
    params: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    params.validate()?;
    let mut out = Zeroizing::new([0u8; 32]);
    argon2id(
        normalised_passphrase,
        &salt.0,
        &[],
        &[],
        params.m_kib,
        params.t,
        params.p,
        &mut out[..],
    )?;
    Ok(out)
}

/// Readies a fresh wasm instance (the KDF worker) for a derivation with the
/// default parameters: grows and touches the memory Argon2id will use, and runs
/// it once on throwaway input with tiny parameters, so the hot loop is compiled
/// by the optimising tier. Both would otherwise be paid inside the unlock
/// (about 60 ms on a 2-core machine).
pub fn warm_up() {
    use argon2::Block;
    let mut memory: Vec<Block> = Vec::new();
    let blocks = KdfParams::DEFAULT.m_kib as usize;
    if memory.try_reserve_exact(blocks).is_ok() {
        memory.resize(blocks, Block::default());
    }
    drop(memory);
    let mut out = [0u8; 32];
    let _ = argon2id(b"warm-up", &[0; 16], &[], &[], 1024, 1, 1, &mut out);
}

/// Raw Argon2id v0x13 with every input of RFC 9106, so it can be checked against the
/// RFC's test vector. It does not apply this app's bounds: callers validate first.
///
/// The working memory is allocated fallibly (so a too-large request is an error, not
/// an abort) and is zeroized afterwards, because it is full of passphrase-derived data.
#[allow(clippy::too_many_arguments)] // mirrors the inputs of RFC 9106 one to one
pub(crate) fn argon2id(
    password: &[u8],
    salt: &[u8],
    secret: &[u8],
    associated_data: &[u8],
    m_kib: u32,
    t: u32,
    p: u32,
    out: &mut [u8],
) -> Result<(), CryptoError> {
    use argon2::{Algorithm, Argon2, AssociatedData, Block, ParamsBuilder, Version};

    let data = AssociatedData::new(associated_data).map_err(|_| CryptoError::Kdf)?;
    let params = ParamsBuilder::new()
        .m_cost(m_kib)
        .t_cost(t)
        .p_cost(p)
        .data(data)
        .output_len(out.len())
        .build()
        .map_err(|_| CryptoError::Kdf)?;
    let context = Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, params)
        .map_err(|_| CryptoError::Kdf)?;

    let block_count = context.params().block_count();
    let mut memory: Zeroizing<Vec<Block>> = Zeroizing::new(Vec::new());
    memory
        .try_reserve_exact(block_count)
        .map_err(|_| CryptoError::Kdf)?;
    memory.resize(block_count, Block::default());

    context
        .hash_password_into_with_memory(password, salt, out, memory.as_mut_slice())
        .map_err(|_| CryptoError::Kdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn argon2id_matches_rfc_9106_test_vector() {
        // RFC 9106, section 5.3.
        let mut tag = [0u8; 32];
        argon2id(
            &[0x01; 32],
            &[0x02; 16],
            &[0x03; 8],
            &[0x04; 12],
            32,
            3,
            4,
            &mut tag,
        )
        .unwrap();
        assert_eq!(
            hex(&tag),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    fn passphrase() -> Passphrase {
        Passphrase::new("correct horse battery staple".to_owned()).unwrap()
    }

    fn derive_with(params: KdfParams) -> Result<Kek, CryptoError> {
        derive_kek(&passphrase(), &Salt([7; 16]), &params)
    }

    #[test]
    fn out_of_range_params_are_rejected_before_the_kdf_runs() {
        // Had the KDF run first, these would be Ok (slowly) or CryptoError::Kdf;
        // KdfParamsOutOfRange can only come from validation.
        let cases = [
            (
                KdfParams {
                    m_kib: u32::MAX,
                    ..KdfParams::TEST_MIN
                },
                "memory in KiB",
                u32::MAX,
            ),
            (
                KdfParams {
                    m_kib: 19 * 1024 - 1,
                    ..KdfParams::TEST_MIN
                },
                "memory in KiB",
                19 * 1024 - 1,
            ),
            (
                KdfParams {
                    m_kib: 1024 * 1024 + 1,
                    ..KdfParams::TEST_MIN
                },
                "memory in KiB",
                1024 * 1024 + 1,
            ),
            (
                KdfParams {
                    m_kib: 0,
                    ..KdfParams::TEST_MIN
                },
                "memory in KiB",
                0,
            ),
            (
                KdfParams {
                    t: 1,
                    ..KdfParams::TEST_MIN
                },
                "iterations",
                1,
            ),
            (
                KdfParams {
                    t: 11,
                    ..KdfParams::TEST_MIN
                },
                "iterations",
                11,
            ),
            (
                KdfParams {
                    t: u32::MAX,
                    ..KdfParams::TEST_MIN
                },
                "iterations",
                u32::MAX,
            ),
            (
                KdfParams {
                    p: 0,
                    ..KdfParams::TEST_MIN
                },
                "parallelism",
                0,
            ),
            (
                KdfParams {
                    p: 5,
                    ..KdfParams::TEST_MIN
                },
                "parallelism",
                5,
            ),
        ];
        for (params, what, value) in cases {
            match derive_with(params) {
                Err(CryptoError::KdfParamsOutOfRange {
                    what: w, value: v, ..
                }) => {
                    assert_eq!((w, v), (what, value), "{params:?}");
                }
                other => panic!("{params:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn out_of_range_error_names_the_bounds() {
        let err = KdfParams {
            t: 11,
            ..KdfParams::DEFAULT
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err,
            CryptoError::KdfParamsOutOfRange {
                what: "iterations",
                value: 11,
                min: 2,
                max: 10
            }
        );
        let message = err.to_string();
        assert!(message.contains("iterations is 11"), "{message}");
        assert!(message.contains("between 2 and 10"), "{message}");
    }

    #[test]
    fn bounds_are_inclusive() {
        for params in [
            KdfParams::DEFAULT,
            KdfParams::TEST_MIN,
            KdfParams {
                m_kib: 1024 * 1024,
                t: 10,
                p: 4,
            },
        ] {
            assert_eq!(params.validate(), Ok(()), "{params:?}");
        }
        assert_eq!(
            KdfParams::TEST_MIN,
            KdfParams {
                m_kib: 19456,
                t: 2,
                p: 1
            }
        );
        assert_eq!(
            KdfParams::DEFAULT,
            KdfParams {
                m_kib: 65536,
                t: 3,
                p: 1
            }
        );
        assert_eq!(KdfParams::default(), KdfParams::DEFAULT);
    }

    #[test]
    fn derive_kek_is_deterministic_and_salt_dependent() {
        // Compared through what the KEK does, since its bytes are not exposed.
        let master = crate::crypto::MasterKey::generate().unwrap();
        let kek = derive_with(KdfParams::TEST_MIN).unwrap();
        let wrapped = kek.wrap_master(&master, b"header").unwrap();

        let same = derive_with(KdfParams::TEST_MIN).unwrap();
        assert!(same.unwrap_master(&wrapped, b"header").is_ok());

        let other_salt = derive_kek(&passphrase(), &Salt([8; 16]), &KdfParams::TEST_MIN).unwrap();
        assert_eq!(
            other_salt.unwrap_master(&wrapped, b"header").unwrap_err(),
            CryptoError::Decrypt
        );

        let other_passphrase = Passphrase::for_unlock("correct horse battery stapler".to_owned());
        let other = derive_kek(&other_passphrase, &Salt([7; 16]), &KdfParams::TEST_MIN).unwrap();
        assert!(other.unwrap_master(&wrapped, b"header").is_err());
    }

    #[test]
    fn derive_kek_uses_plain_argon2id() {
        // Pins the construction (no pepper, no associated data), so a change that
        // would lock users out of existing vaults fails here.
        let mut expected = [0u8; 32];
        argon2id(
            b"correct horse battery staple",
            &[7; 16],
            &[],
            &[],
            19456,
            2,
            1,
            &mut expected,
        )
        .unwrap();
        let expected_kek = Kek::from_bytes(&expected);
        let master = crate::crypto::MasterKey::generate().unwrap();
        let wrapped = expected_kek.wrap_master(&master, b"h").unwrap();
        let kek = derive_with(KdfParams::TEST_MIN).unwrap();
        assert!(kek.unwrap_master(&wrapped, b"h").is_ok());
    }

    #[test]
    fn the_worker_path_derives_the_same_key_under_the_same_bounds() {
        let salt = Salt([7; 16]);
        let bytes = derive_kek_bytes(passphrase().as_bytes(), &salt, &KdfParams::TEST_MIN).unwrap();
        let master = crate::crypto::MasterKey::generate().unwrap();
        let wrapped = Kek::from_bytes(&bytes).wrap_master(&master, b"h").unwrap();
        let kek = derive_kek(&passphrase(), &salt, &KdfParams::TEST_MIN).unwrap();
        assert!(kek.unwrap_master(&wrapped, b"h").is_ok());

        let hostile = KdfParams {
            m_kib: u32::MAX,
            ..KdfParams::TEST_MIN
        };
        assert!(matches!(
            derive_kek_bytes(b"x", &salt, &hostile),
            Err(CryptoError::KdfParamsOutOfRange { .. })
        ));
    }

    #[test]
    fn salts_are_random() {
        assert_ne!(Salt::random().unwrap(), Salt::random().unwrap());
    }

    #[test]
    fn params_serialize_with_stable_field_names() {
        let json = serde_json::to_string(&KdfParams::DEFAULT).unwrap();
        assert_eq!(json, r#"{"m_kib":65536,"t":3,"p":1}"#);
        assert_eq!(
            serde_json::from_str::<KdfParams>(&json).unwrap(),
            KdfParams::DEFAULT
        );
    }
}
