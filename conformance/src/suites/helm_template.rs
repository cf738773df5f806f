//! The `helm-template` suite (work in progress: no cases yet).

use std::path::Path;

use crate::case::CaseResult;

pub fn run(_shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    Ok(Vec::new())
}
