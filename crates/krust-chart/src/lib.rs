//! krust-chart: Helm charts rendered offline exactly as `helm template` (Helm v4.1.4)
//! renders them.
//!
//! A chart (directory or `.tgz`, with subcharts in `charts/`) is loaded
//! ([`load`]), the user values are merged and coalesced with the chart defaults
//! (krust-helm's coalescing: subcharts, globals, `null` deletes a default), dependency
//! conditions, tags, aliases and import-values are applied, `values.schema.json` files are
//! checked, every template is parsed once into one krust-template set with sprig's and
//! Helm's functions, and the output is assembled as `helm template` prints it: CRDs (with
//! `--include-crds`), manifests in Helm's install order with `# Source:` headers, then
//! hooks.
//!
//! ```
//! use krust_chart::{load_files, template, File, Options, ValueSource};
//! let file = |name: &str, text: &str| File { name: name.into(), data: text.as_bytes().into() };
//! let chart = load_files(vec![
//!     file("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
//!     file("values.yaml", "replicas: 1\n"),
//!     file("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n"),
//! ]).unwrap();
//! let opts = Options {
//!     release_name: "web".into(),
//!     values: vec![ValueSource::Set("replicas=3".into())],
//!     ..Options::default()
//! };
//! let out = template(&chart, &opts).unwrap();
//! assert_eq!(out, "---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: \"3\"\n");
//! ```
//!
//! # Limitations
//! - `fromToml` is not implemented; `toYamlPretty` prints go-yaml v2's layout.
//! - `lookup` returns an empty map and `getHostByName` an empty string (as `helm
//!   template` without a cluster).
//! - Subcharts are ordered by directory name (Helm's order is that of a Go map).
//! - Binary file contents reach templates intact only through `b64enc`; `.Files.GetBytes`
//!   returns a string (there is no `[]byte` value).
//! - Go's map aliasing between a parent's and its subcharts' `global` tables is reproduced
//!   for `global.K.S` tables merged back into the parent (what Helm shows); sharing with
//!   siblings coalesced earlier is not.
//! - Execution errors whose innermost cause is not a template error are printed as Go's
//!   raw text, as Helm does; the multi-line trace is rebuilt from the error text.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod caps;
mod deps;
mod engine;
mod error;
mod fastyaml;
mod files;
mod funcs;
mod glob;
mod ignore;
mod json;
mod load;
mod manifest;
mod metadata;
mod render;
mod schema;
mod semver;
mod toml;
mod values;

pub use caps::{Capabilities, KubeVersion, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION};
pub use error::ChartError;
pub use funcs::helm_funcs;
pub use load::{
    load, load_archive, load_archive_with_limits, load_dir, load_dir_with_limits, load_files,
    load_files_with_limits, load_with_limits, Chart, File, LoadLimits,
};
pub use manifest::{split_manifests, Manifest, INSTALL_ORDER};
pub use metadata::{Dependency, Maintainer, Metadata};
pub use render::{
    merge_user_values, template, template_path, template_with_values, Limits, Options, ValueSource,
};
pub use semver::is_compatible_range;
