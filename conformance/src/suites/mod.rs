//! One module per suite; each exposes `run(shared) -> Vec<CaseResult>`.
//!
//! Adding a suite is one line in [`SUITES`] (plus its module).

use std::path::Path;

use crate::case::CaseResult;

pub mod canonical;
pub mod helm_values;
pub mod krusty;
pub mod merge2;

/// A suite's entry point: runs every case of its corpus under the shared directory.
pub type RunFn = fn(&Path) -> anyhow::Result<Vec<CaseResult>>;

/// Every suite, by the name used on the command line and in reports, in run order.
pub const SUITES: &[(&str, RunFn)] = &[
    ("canonical", canonical::run),
    ("krusty", krusty::run),
    ("merge2", merge2::run),
    ("helm-values", helm_values::run),
];
