//! One module per suite; each exposes `run(shared) -> Vec<CaseResult>`.
//!
//! Adding a suite is one line in the `suites!` list below (plus its module file).

use std::path::Path;

use crate::case::CaseResult;

/// A suite's entry point: runs every case of its corpus under the shared directory.
pub type RunFn = fn(&Path) -> anyhow::Result<Vec<CaseResult>>;

/// Declares each suite's module and its entry in [`SUITES`].
macro_rules! suites {
    ($($name:literal => $module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every suite, by the name used on the command line and in reports, in run order.
        pub const SUITES: &[(&str, RunFn)] = &[$(($name, $module::run)),*];
    };
}

suites! {
    "canonical" => canonical,
    "krusty" => krusty,
    "merge2" => merge2,
    "helm-values" => helm_values,
    "kustomize-fixtures" => kustomize_fixtures,
    "envsubst" => envsubst,
    "flux-fixtures" => flux_fixtures,
    "helm-template" => helm_template,
}
