//! The `merge2` suite.

use std::path::Path;

use crate::case::CaseResult;

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let _ = shared;
    anyhow::bail!("suite merge2 is not implemented yet")
}
