//! The vault's one door: everything that happens before the vault is open.
//!
//! The UI holds a [`VaultDoor`] while no vault is open. The door owns the
//! database connection, says what this browser holds ([`DoorState`]), and runs
//! each procedure that opens the vault from start to end: it chooses the KDF
//! parameters, checks and counts wrong passphrases, writes the audit events,
//! and hands back an [`Entry`], never a keyring. The procedures themselves are
//! in files named after them: [`super::create`], [`super::unlock`],
//! [`super::restore`].
//!
//! ```text
//! VaultDoor ─create────────────────> Entry::ShowRecoveryKey ─kept─> Vault
//!           ─unlock────────────────> Entry::Open(Vault)
//!                                    (or ShowRecoveryKey while the key is unconfirmed)
//!           ─recover───────────────> Entry::ChooseNewPassphrase ─set─> Vault
//!           ─restore (passphrase)──> Entry::Open(Vault)
//!           ─open_as_custodian─────> Vault (the records key only, read only)
//!           ─open_custodian_copy───> Vault (likewise, after writing the copy)
//!           ─restore (recovery key)> Entry::ChooseNewPassphrase
//! ```

use std::rc::Rc;

use crate::crypto::KdfParams;

use super::connection::Connection;
use super::meta::{read_meta, HEADER_ID};
use super::reads::count;
use super::schema::{DB_NAME, DB_VERSION};
use super::store::{ALL_STORES, VAULT_META};
use super::VaultError;

pub use super::entry::{Entry, PassphraseReset, RecoveryKeyHandover};

/// What this browser holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoorState {
    /// Nothing at all: a vault may be created, or one restored or joined.
    NoVault,
    /// A vault exists and is locked.
    Locked,
    /// Records exist but the header is missing: never create over them.
    HeaderMissing,
    /// A newer version of the app owns this browser's data: reload to update.
    NewerVersion,
}

/// The way into the vault. Cheap to clone.
#[derive(Clone)]
pub struct VaultDoor {
    pub(in crate::vault) connection: Rc<Connection>,
    pub(in crate::vault) kdf_params: KdfParams,
    /// The database's name, for a custodian's session, which has a
    /// connection of its own (see [`super::custodian`]).
    pub(in crate::vault) name: Rc<str>,
}

impl VaultDoor {
    /// Opens the app's database (creating or upgrading it).
    ///
    /// # Errors
    /// [`VaultError::NewerDatabase`] when a newer app upgraded it,
    /// [`VaultError::Blocked`] when an older tab holds it open, and
    /// [`VaultError::StorageUnavailable`] when the browser offers no IndexedDB.
    pub async fn open() -> Result<VaultDoor, VaultError> {
        VaultDoor::open_named(DB_NAME).await
    }

    /// Opens database `name` instead: tests and the benchmark use their own.
    pub async fn open_named(name: &str) -> Result<VaultDoor, VaultError> {
        let connection = Connection::open(name, DB_VERSION).await?;
        Ok(VaultDoor {
            connection: Rc::new(connection),
            kdf_params: KdfParams::DEFAULT,
            name: Rc::from(name),
        })
    }

    /// The same door, creating vaults and changing passphrases with `params`.
    /// Only tests and the benchmark use this: the app always uses
    /// [`KdfParams::DEFAULT`]. Unlocking always uses the header's parameters.
    pub fn with_kdf_params(mut self, params: KdfParams) -> VaultDoor {
        self.kdf_params = params;
        self
    }

    /// Looks at the database without changing it.
    pub async fn state(&self) -> Result<DoorState, VaultError> {
        if self.connection.is_superseded() {
            return Ok(DoorState::NewerVersion);
        }
        if let Some(json) = read_meta(&self.connection, HEADER_ID).await? {
            return Ok(match super::header::VaultHeader::from_json(&json) {
                Err(VaultError::UnsupportedFormat(_)) => DoorState::NewerVersion,
                // A damaged header is still a vault: unlocking says so.
                _ => DoorState::Locked,
            });
        }
        for store in ALL_STORES {
            if store != VAULT_META && count(&self.connection, store).await? > 0 {
                return Ok(DoorState::HeaderMissing);
            }
        }
        Ok(DoorState::NoVault)
    }

    /// Starts loading the key-derivation worker, so the next create, unlock or
    /// restore does not wait for it. Call it when a passphrase field shows.
    pub fn prepare(&self) {
        super::kdf_worker::prepare();
    }

    /// Closes the connection (a test deleting its database, or a page unload).
    pub fn close(&self) {
        self.connection.close();
    }
}
