//! The clinician's own progress-note templates: every version of each, as
//! one sealed record beside the settings in `vault_meta` (so a backup keeps
//! them). A template holds no client's information, but it lives in the
//! vault like everything else the app keeps.
//!
//! A save reads the library, adds the version and writes it over the
//! revision it read; if another tab wrote meanwhile, it reads again and
//! adds the version to that, so neither tab's template is lost.

use crate::domain::{
    CustomTemplate, TemplateImportError, TemplateLibrary, TemplateSaved, TemplatesImported,
    ValidationIssue,
};

use super::keyring::Keyring;
use super::open_vault::Vault;
use super::sealer::Version;
use super::store::SettingsStore;
use super::VaultError;

pub(in crate::vault) const TEMPLATES_ID: &str = "templates";
/// Attempts at a read-change-write before giving up: each retry follows
/// another tab's write, so more than a few means something else is wrong.
const ATTEMPTS: usize = 4;

/// Why a templates file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportTemplatesError {
    #[error(transparent)]
    File(#[from] TemplateImportError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl Vault {
    /// Every version of every custom template (none in a new vault).
    pub async fn template_library(&self) -> Result<TemplateLibrary, VaultError> {
        Ok(self.read_templates().await?.0)
    }

    async fn read_templates(&self) -> Result<(TemplateLibrary, Option<Version>), VaultError> {
        Ok(
            match self
                .get_optional::<SettingsStore, TemplateLibrary>(TEMPLATES_ID, Keyring::records_key)
                .await?
            {
                Some(stored) => (stored.value, Some(stored.version)),
                None => (TemplateLibrary::default(), None),
            },
        )
    }

    /// Applies `change` to the library as stored now and writes it, again
    /// over a newer library if another tab wrote meanwhile.
    async fn change_templates<T, E>(
        &self,
        change: impl Fn(&mut TemplateLibrary) -> Result<T, E>,
    ) -> Result<Result<T, E>, VaultError> {
        let mut last = VaultError::Conflict;
        for _ in 0..ATTEMPTS {
            let (mut library, version) = self.read_templates().await?;
            let outcome = match change(&mut library) {
                Ok(outcome) => outcome,
                Err(refused) => return Ok(Err(refused)),
            };
            match self
                .put::<SettingsStore, _>(
                    TEMPLATES_ID,
                    version.as_ref(),
                    &library,
                    Keyring::records_key,
                    &[],
                )
                .await
            {
                Ok(_) => return Ok(Ok(outcome)),
                // Another tab wrote since the read: read it again.
                Err(VaultError::Conflict) => last = VaultError::Conflict,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// Saves a template: its first version, or a new one when it changed.
    /// The inner error is what the clinician must correct.
    pub async fn save_template(
        &self,
        template: CustomTemplate,
    ) -> Result<Result<TemplateSaved, Vec<ValidationIssue>>, VaultError> {
        self.change_templates(|library| library.save(template.clone()))
            .await
    }

    /// Adds the versions of a templates file (see
    /// [`TemplateLibrary::import_json`]). Nothing is written when the file
    /// is refused.
    pub async fn import_templates(
        &self,
        text: &str,
    ) -> Result<TemplatesImported, ImportTemplatesError> {
        Ok(self
            .change_templates(|library| library.import_json(text))
            .await??)
    }
}
