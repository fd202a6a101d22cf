//! The therapist's settings (clinician profile, lock timers, display choices),
//! sealed under the records key and kept beside the header in `vault_meta`.
//!
//! The vault remembers the revision it last read or wrote, so the screen holds
//! only the settings themselves.

use crate::domain::Settings;

use super::keyring::Keyring;
use super::open_vault::Vault;
use super::store::SettingsStore;
use super::VaultError;

pub(in crate::vault) const SETTINGS_ID: &str = "settings";

impl Vault {
    /// The saved settings, or the defaults if none were saved.
    pub async fn settings(&self) -> Result<Settings, VaultError> {
        match self
            .get_optional::<SettingsStore, Settings>(SETTINGS_ID, Keyring::records_key)
            .await?
        {
            Some(stored) => {
                *self.settings_rev().borrow_mut() = Some(stored.version);
                Ok(stored.value.clamped())
            }
            None => {
                *self.settings_rev().borrow_mut() = None;
                Ok(Settings::default())
            }
        }
    }

    /// Saves the settings over the version last read here.
    ///
    /// # Errors
    /// [`VaultError::Conflict`] when another tab saved settings since; read
    /// them again with [`Vault::settings`].
    pub async fn save_settings(&self, settings: &Settings) -> Result<Settings, VaultError> {
        let settings = settings.clone().clamped();
        let current = self.settings_rev().borrow().clone();
        let rev = self
            .put::<SettingsStore, _>(
                SETTINGS_ID,
                current.as_ref(),
                &settings,
                Keyring::records_key,
                &[],
            )
            .await?;
        *self.settings_rev().borrow_mut() = Some(rev);
        Ok(settings)
    }
}
