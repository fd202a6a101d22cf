//! The value a template select gives each choice: a built-in template's
//! name ("SOAP"), or "custom:<id>" for one of the clinician's own, so a
//! renamed template is still the same choice.

use crate::domain::Template;

const CUSTOM: &str = "custom:";

/// What a template select's value chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateChoice {
    BuiltIn(Template),
    Custom(String),
}

/// The option value of one of the clinician's own templates.
pub fn custom_value(id: &str) -> String {
    format!("{CUSTOM}{id}")
}

impl TemplateChoice {
    /// Reads an option value (also the new-note link's `template`).
    pub fn parse(value: &str) -> Option<TemplateChoice> {
        match value.strip_prefix(CUSTOM) {
            Some(id) if !id.is_empty() => Some(TemplateChoice::Custom(id.to_owned())),
            Some(_) => None,
            None => Template::parse(value).ok().map(TemplateChoice::BuiltIn),
        }
    }
}
