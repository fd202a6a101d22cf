//! What a door procedure hands back: the open vault, or the one step still
//! owed before it may be used.
//!
//! The steps are types, so the UI cannot skip them: a vault whose recovery key
//! was never confirmed comes back as [`RecoveryKeyHandover`], and a vault opened
//! with the recovery key as [`PassphraseReset`], whose only way forward is a new
//! passphrase. Both hold the open vault, so the idle timer and "Lock" still
//! work while the person is on that screen.

use zeroize::Zeroizing;

use crate::crypto::Passphrase;

use super::open_vault::{Vault, VaultLocker};
use super::VaultError;
use super::{passphrase_change, recovery_key};

/// The vault, or the step owed before it may be used.
pub enum Entry {
    /// Ready to use.
    Open(Vault),
    /// A recovery key to show and have confirmed first.
    ShowRecoveryKey(RecoveryKeyHandover),
    /// Opened with the recovery key: a new passphrase must be chosen first.
    ChooseNewPassphrase(PassphraseReset),
}

impl Entry {
    /// What locks the vault behind the entry, whatever step is owed. (It opens
    /// nothing: only [`Entry::Open`] hands the vault itself out.)
    pub fn locker(&self) -> VaultLocker {
        match self {
            Entry::Open(vault) => vault.locker(),
            Entry::ShowRecoveryKey(handover) => handover.vault.locker(),
            Entry::ChooseNewPassphrase(reset) => reset.vault.locker(),
        }
    }
}

/// A new recovery key, shown until the person confirms they kept it.
///
/// The vault remembers that the key is unconfirmed (a plaintext flag beside the
/// header): until [`RecoveryKeyHandover::kept`] commits, every unlock issues a
/// fresh key and comes back here, so a reload on this screen cannot skip it.
pub struct RecoveryKeyHandover {
    pub(in crate::vault) vault: Vault,
    pub(in crate::vault) key: Zeroizing<String>,
    /// Which wrapping of the master key this key opens.
    pub(in crate::vault) fingerprint: String,
}

impl std::fmt::Debug for RecoveryKeyHandover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKeyHandover([redacted])")
    }
}

impl RecoveryKeyHandover {
    /// What locks the vault behind the screen.
    pub fn locker(&self) -> VaultLocker {
        self.vault.locker()
    }

    /// The key in groups of four separated by spaces, for writing down.
    pub fn key_groups(&self) -> String {
        self.key.split('-').collect::<Vec<_>>().join(" ")
    }

    /// Records that the key was kept, and opens the vault.
    ///
    /// # Errors
    /// [`VaultError::RecoveryKeyReplaced`] when another tab made a newer key
    /// meanwhile: this one no longer opens the vault, and nothing is recorded.
    pub async fn kept(self, now_ms: i64) -> Result<Vault, (Self, VaultError)> {
        match recovery_key::confirm(&self.vault, &self.fingerprint, now_ms).await {
            Ok(()) => Ok(self.vault),
            Err(e) => Err((self, e)),
        }
    }
}

/// A vault opened with the recovery key; usable once a new passphrase is set.
pub struct PassphraseReset {
    pub(in crate::vault) vault: Vault,
}

impl PassphraseReset {
    /// What locks the vault behind the screen.
    pub fn locker(&self) -> VaultLocker {
        self.vault.locker()
    }

    /// Sets the new passphrase (the old one stops working) and opens the vault,
    /// or shows a recovery key first if the current one was never confirmed.
    ///
    /// On an error nothing changed, and the reset may be tried again.
    pub async fn set_passphrase(
        &self,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<Entry, VaultError> {
        passphrase_change::set_new(&self.vault, passphrase, now_ms).await?;
        entry_for(self.vault.clone(), now_ms).await
    }
}

/// The entry for a vault just opened: open, or a new recovery key to show if
/// the last one was never confirmed.
pub(in crate::vault) async fn entry_for(vault: Vault, now_ms: i64) -> Result<Entry, VaultError> {
    if !recovery_key::is_pending(&vault).await? {
        return Ok(Entry::Open(vault));
    }
    let (key, fingerprint) = recovery_key::issue(&vault, now_ms).await?;
    Ok(Entry::ShowRecoveryKey(RecoveryKeyHandover {
        vault,
        key,
        fingerprint,
    }))
}

impl Vault {
    /// Replaces the recovery key, after checking `passphrase` (Settings, "Make a
    /// new recovery key"). The old key stops working as this commits; the new
    /// one is shown until confirmed.
    ///
    /// # Errors
    /// [`VaultError::WrongPassphrase`] if `passphrase` is not this vault's.
    pub async fn replace_recovery_key(
        self,
        passphrase: &Passphrase,
        now_ms: i64,
    ) -> Result<RecoveryKeyHandover, VaultError> {
        self.check_passphrase(passphrase, now_ms).await?;
        let (key, fingerprint) = recovery_key::issue(&self, now_ms).await?;
        Ok(RecoveryKeyHandover {
            vault: self,
            key,
            fingerprint,
        })
    }
}
