//! Transformer configuration: the field specs each transformer walks (kustomize's
//! `TransformerConfig`), the builtin defaults plus `configurations` and `crds`.

use crate::target::Target;
use crate::Error;

/// Field specs by transformer.
#[derive(Debug, Clone, Default)]
pub struct Config {}

impl Config {
    /// kustomize `TransformerConfig.Merge`.
    pub fn merge(&mut self, _other: &Config) {}
}

pub(crate) fn merge_configurations(t: &Target<'_>, _config: &mut Config) -> Result<(), Error> {
    if let Some(first) = t.k.configurations.first() {
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: format!("configurations: {first}"),
            what: "custom transformer configuration (not yet)".into(),
        });
    }
    Ok(())
}

pub(crate) fn merge_crds(t: &Target<'_>, _config: &mut Config) -> Result<(), Error> {
    if let Some(first) = t.k.crds.first() {
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: format!("crds: {first}"),
            what: "crds (not yet)".into(),
        });
    }
    Ok(())
}
