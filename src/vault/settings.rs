//! The therapist's settings (clinician profile, lock timers, display choices),
//! sealed under the records key and kept beside the header in `vault_meta`.

use crate::domain::Settings;

use super::keyring::Keyring;
use super::repository::Stored;
use super::session::Vault;
use super::store::SettingsStore;
use super::VaultError;

const SETTINGS_ID: &str = "settings";

impl Vault {
    /// The saved settings, or the defaults (at revision 0) if none were saved.
    pub async fn settings(&self) -> Result<Stored<Settings>, VaultError> {
        match self
            .get::<SettingsStore, Settings>(SETTINGS_ID, Keyring::records)
            .await
        {
            Ok(mut stored) => {
                stored.value = stored.value.clamped();
                Ok(stored)
            }
            Err(VaultError::NotFound) => Ok(Stored {
                id: SETTINGS_ID.to_owned(),
                rev: 0,
                value: Settings::default(),
            }),
            Err(e) => Err(e),
        }
    }

    /// Saves the settings read at revision `rev`; returns the new revision.
    pub async fn save_settings(&self, settings: &Settings, rev: u64) -> Result<u64, VaultError> {
        self.put::<SettingsStore, _>(
            SETTINGS_ID,
            rev,
            &settings.clone().clamped(),
            Keyring::records,
            &[],
        )
        .await
    }
}
