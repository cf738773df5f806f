//! `vars`: `$(NAME)` references replaced by fields of other resources.

use krust_yaml::Value;

use super::Config;
use crate::Error;
use krust_model::ResMap;

/// kustomize `ResolveVars`.
pub(crate) fn resolve(_list: &mut ResMap, _vars: &[Value], _config: &Config) -> Result<(), Error> {
    Ok(())
}
