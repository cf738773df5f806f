//! Name references: fields that name another resource follow its renames.

use super::Config;
use crate::Error;
use krust_model::ResMap;

/// kustomize `FixBackReferences`.
pub(crate) fn fix_back_references(_list: &mut ResMap, _config: &Config) -> Result<(), Error> {
    Ok(())
}
