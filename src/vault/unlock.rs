//! Creating, unlocking and recovering the vault, and changing its passphrase.
//!
//! ```text
//! passphrase --Argon2id(salt, params)--> KEK --unwraps--> master key --unwraps--> data keys
//! recovery key -------------------------------unwraps--> master key
//! ```
//!
//! The header's KDF parameters are bounds-checked before the KDF runs, and the
//! backoff after wrong passphrases is checked before that. A new vault is only
//! ever created when every store is empty.

use rexie::{Rexie, TransactionMode};

use crate::crypto::{
    CryptoError, KdfParams, Kek, MasterKey, Passphrase, RecoveryKey, Salt, FORMAT_VERSION,
};

use super::backoff::Attempts;
use super::header::{master_aad, recovery_aad, VaultHeader, KDF_NAME};
use super::kdf_worker::derive_kek_off_thread;
use super::keyring::{Keyring, NewKeys};
use super::meta::{meta_value, read_meta, write_meta, ATTEMPTS_ID, HEADER_ID};
use super::repository::count;
use super::store::{ALL_STORES, VAULT_META};
use super::VaultError;

/// What this browser holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultState {
    /// Nothing at all: a vault may be created.
    Empty,
    /// A vault exists and is locked.
    Locked,
    /// Records exist but the header is missing: never create over them.
    HeaderMissing,
}

/// Looks at the database without changing it.
pub async fn inspect(db: &Rexie) -> Result<VaultState, VaultError> {
    if read_meta(db, HEADER_ID).await?.is_some() {
        return Ok(VaultState::Locked);
    }
    if any_data(db).await? {
        Ok(VaultState::HeaderMissing)
    } else {
        Ok(VaultState::Empty)
    }
}

async fn any_data(db: &Rexie) -> Result<bool, VaultError> {
    for store in ALL_STORES {
        if store != VAULT_META && count(db, store).await? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads and parses the header.
pub async fn read_header(db: &Rexie) -> Result<VaultHeader, VaultError> {
    let json = read_meta(db, HEADER_ID).await?.ok_or(VaultError::NoVault)?;
    VaultHeader::from_json(&json)
}

/// A new vault's keys and the recovery key to show once.
pub struct Created {
    /// The unlocked keys.
    pub keyring: Keyring,
    /// Shown once, for the person to write down or print.
    pub recovery_key: RecoveryKey,
}

/// Creates a vault, refusing if any store holds data.
///
/// The header is written with `add`, so two tabs creating at once cannot both
/// succeed: the second gets [`VaultError::DataExists`].
pub async fn create(
    db: &Rexie,
    passphrase: &Passphrase,
    params: KdfParams,
    now_ms: i64,
) -> Result<Created, VaultError> {
    if inspect(db).await? != VaultState::Empty {
        return Err(VaultError::DataExists);
    }
    let salt = Salt::random()?;
    let kek = derive_kek_off_thread(passphrase, &salt, &params).await?;
    let master = MasterKey::generate()?;
    let recovery_key = RecoveryKey::generate()?;
    let aad = master_aad(FORMAT_VERSION, &params, &salt);
    let master_by_passphrase = kek.wrap_master(&master, &aad)?;
    let master_by_recovery = recovery_key.wrap_master(&master, &recovery_aad(FORMAT_VERSION))?;
    let NewKeys { keyring, wrapped } = Keyring::generate(master)?;
    let header = VaultHeader {
        format: FORMAT_VERSION,
        kdf: KDF_NAME.to_owned(),
        kdf_params: params,
        salt,
        master_by_passphrase,
        master_by_recovery,
        data_keys: wrapped,
        created_at_ms: now_ms,
    };
    let tx = db.transaction(&[VAULT_META], TransactionMode::ReadWrite)?;
    let store = tx.store(VAULT_META)?;
    if let Err(e) = store
        .add(&meta_value(HEADER_ID, &header.to_json()), None)
        .await
    {
        let _ = tx.abort().await;
        return Err(if e.to_string().contains("ConstraintError") {
            VaultError::DataExists
        } else {
            e.into()
        });
    }
    tx.done().await?;
    Ok(Created {
        keyring,
        recovery_key,
    })
}

/// The outcome of a successful unlock.
pub struct Unlocked {
    /// The keys.
    pub keyring: Keyring,
    /// Wrong passphrases entered since the last success (for the audit log).
    pub failures_before: u32,
}

/// Unlocks with the passphrase.
///
/// Order matters: the backoff is checked first, then the header's parameters,
/// and only then does the KDF run. A wrong passphrase is counted in IndexedDB,
/// so reloading the page does not reset the wait.
pub async fn unlock(
    db: &Rexie,
    passphrase: &Passphrase,
    now_ms: i64,
) -> Result<Unlocked, VaultError> {
    let (header, attempts) = futures::join!(read_header(db), read_attempts(db));
    let (header, attempts) = (header?, attempts?);
    let wait_secs = attempts.remaining_secs(now_ms);
    if wait_secs > 0 {
        return Err(VaultError::LockedOut { wait_secs });
    }
    header.kdf_params.validate()?;
    let kek = derive_kek_off_thread(passphrase, &header.salt, &header.kdf_params).await?;
    let master = match kek.unwrap_master(&header.master_by_passphrase, &header.master_aad()) {
        Ok(master) => master,
        Err(CryptoError::Decrypt) => {
            let failed = attempts.failed(now_ms);
            write_attempts(db, &failed).await?;
            let wait_secs = failed.remaining_secs(now_ms);
            return Err(if wait_secs > 0 {
                VaultError::LockedOut { wait_secs }
            } else {
                VaultError::WrongPassphrase {
                    failures: failed.failures,
                }
            });
        }
        Err(e) => return Err(e.into()),
    };
    let keyring =
        Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;
    if attempts.failures > 0 {
        write_attempts(db, &Attempts::default()).await?;
    }
    Ok(Unlocked {
        keyring,
        failures_before: attempts.failures,
    })
}

/// Unlocks with the printed recovery key. The caller must then make the person
/// choose a new passphrase ([`change_passphrase`]).
pub async fn unlock_with_recovery(db: &Rexie, recovery_text: &str) -> Result<Keyring, VaultError> {
    let header = read_header(db).await?;
    let recovery = RecoveryKey::parse(recovery_text)?;
    let master = recovery
        .unwrap_master(&header.master_by_recovery, &header.recovery_aad())
        .map_err(|e| match e {
            CryptoError::Decrypt => VaultError::WrongRecoveryKey,
            other => other.into(),
        })?;
    let keyring =
        Keyring::unwrap(master, &header.data_keys).map_err(|_| VaultError::HeaderDamaged)?;
    write_attempts(db, &Attempts::default()).await?;
    Ok(keyring)
}

/// Sets a new passphrase: a new salt and KEK re-wrap the master key. No data key
/// and no note is re-encrypted, and the recovery key keeps working. The old
/// passphrase stops working as soon as this commits.
pub async fn change_passphrase(
    db: &Rexie,
    keyring: &Keyring,
    new_passphrase: &Passphrase,
    params: KdfParams,
) -> Result<(), VaultError> {
    let header = read_header(db).await?;
    let (kek, salt) = new_kek(new_passphrase, &params).await?;
    let header = rewrap(header, keyring, &kek, salt, params)?;
    write_header(db, &header).await
}

/// A new salt and the KEK it gives `passphrase` (runs the KDF, off the main
/// thread when a worker can).
pub(in crate::vault) async fn new_kek(
    passphrase: &Passphrase,
    params: &KdfParams,
) -> Result<(Kek, Salt), VaultError> {
    let salt = Salt::random()?;
    let kek = derive_kek_off_thread(passphrase, &salt, params).await?;
    Ok((kek, salt))
}

/// The header with the master key wrapped under a new KEK, from [`new_kek`].
pub(in crate::vault) fn rewrap(
    mut header: VaultHeader,
    keyring: &Keyring,
    kek: &Kek,
    salt: Salt,
    params: KdfParams,
) -> Result<VaultHeader, VaultError> {
    let aad = master_aad(FORMAT_VERSION, &params, &salt);
    header.master_by_passphrase = kek.wrap_master(keyring.master(), &aad)?;
    header.kdf_params = params;
    header.salt = salt;
    Ok(header)
}

/// Replaces the header and clears the failure count, in one transaction.
pub(in crate::vault) async fn write_header(
    db: &Rexie,
    header: &VaultHeader,
) -> Result<(), VaultError> {
    let cleared = attempts_json(&Attempts::default());
    write_meta(
        db,
        &[(HEADER_ID, &header.to_json()), (ATTEMPTS_ID, &cleared)],
    )
    .await
}

/// The stored failure count.
pub async fn read_attempts(db: &Rexie) -> Result<Attempts, VaultError> {
    Ok(read_meta(db, ATTEMPTS_ID)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

async fn write_attempts(db: &Rexie, attempts: &Attempts) -> Result<(), VaultError> {
    write_meta(db, &[(ATTEMPTS_ID, &attempts_json(attempts))]).await
}

fn attempts_json(attempts: &Attempts) -> String {
    serde_json::to_string(attempts).unwrap_or_default()
}
