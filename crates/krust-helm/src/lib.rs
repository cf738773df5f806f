//! krust-helm: the values helm-controller hands to Helm for a HelmRelease, computed
//! offline exactly as the controller does it (flux-semantics §1).
//!
//! ```
//! use krust_helm::{compose_values, HelmRelease, ObjectIndex};
//! use krust_yaml::Value;
//!
//! fn map(pairs: &[(&str, Value)]) -> Value {
//!     let mut v = Value::map();
//!     for (k, x) in pairs {
//!         v.insert(*k, x.clone());
//!     }
//!     v
//! }
//! let hr = map(&[
//!     ("apiVersion", "helm.toolkit.fluxcd.io/v2".into()),
//!     ("kind", "HelmRelease".into()),
//!     ("metadata", map(&[("name", "web".into()), ("namespace", "apps".into())])),
//!     ("spec", map(&[
//!         ("chartRef", map(&[("kind", "OCIRepository".into()), ("name", "web".into())])),
//!         ("values", map(&[("image", map(&[("tag", "v1".into())]))])),
//!         ("valuesFrom", Value::from_seq(vec![map(&[
//!             ("kind", "Secret".into()),
//!             ("name", "tag".into()),
//!             ("valuesKey", "t".into()),
//!             ("targetPath", "image.tag".into()),
//!         ])])),
//!     ])),
//! ]);
//! let secret = map(&[
//!     ("kind", "Secret".into()),
//!     ("metadata", map(&[("name", "tag".into()), ("namespace", "apps".into())])),
//!     ("stringData", map(&[("t", "v2".into())])),
//! ]);
//! let hr = HelmRelease::from_value(&hr).unwrap();
//! let objects = [secret];
//! let composed = compose_values(&hr, &ObjectIndex::new(&objects)).unwrap();
//! // The targetPath write lands inside the inline `image` map and so beats it.
//! assert_eq!(composed.user.pointer("/image/tag").and_then(Value::as_str), Some("v2"));
//! assert_eq!(hr.release_name(), "web");
//! ```
//!
//! Upstream read: fluxcd/pkg `chartutil` (e2cfd1a; `values.go`, `merge.go`), Helm v4.2.2
//! `pkg/strvals/parser.go` and `pkg/chart/common/util/coalesce.go` (identical in behaviour to
//! v4.2.1, which helm-controller pins), helm-controller 0f61a86 (`api/v2`,
//! `internal/release/name.go`, `internal/reconcile/helmchart_template.go`), source-controller
//! 39b711b (`internal/helm/chart/builder_local.go`).
//!
//! What is reproduced:
//! * `spec.values` + `spec.valuesFrom` (ConfigMap/Secret in the HelmRelease's namespace,
//!   Secret `data` decoded with `stringData` laid over it, `valuesKey`, `optional`,
//!   `targetPath` with Helm's `--set` grammar and typing, `literal`), in the controller's
//!   order, **including** its object-sharing quirk: a `targetPath` write that lands in a map
//!   or list owned by `spec.values` sticks there and beats everything (§1.5). That part runs
//!   on a model of Go's shared maps (`gval`); plain composition uses copy-on-write merges.
//! * Numbers as Go has them after JSON (`float64`; whole numbers kept as integers).
//! * Chart defaults for local charts: `values.yaml` or `valuesFiles`, coalesced like Helm.
//! * Release name defaulting and shortening, storage namespace, service account, derived
//!   HelmChart, cross-namespace references, `dependsOn` cycles; v2beta1/v2beta2 with a
//!   deprecation diagnostic. The shortening follows the code (`name[:40]`), not the
//!   example in helm-controller's docs, which shows 42 characters.
//! * Errors worded like fluxcd/pkg's `ErrValuesReference`, prefixed by the HelmRelease.
//!
//! # Limitations
//! * Chart coalescing ignores subcharts and `global` values.
//! * The `--set` parser bounds list nesting and list growth (Go only runs out of memory).
//! * Values documents are read with krust-yaml's YAML 1.1 typing; only the first
//!   document of a stream is used, as sigs.k8s.io/yaml does.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod chart;
pub mod coalesce;
mod compose;
mod error;
mod graph;
mod gval;
mod merge;
mod release;
pub mod strvals;

pub use chart::{
    chart_defaults_files, coalesce, compose_with_chart_files, local_chart, secure_join, ChartFiles,
    LocalChart, SourceDirs,
};
pub use compose::{compose_values, ComposedValues, Lookup, ObjectIndex, ValuesSource};
pub use error::{RefReason, ReferenceError, ValuesError};
pub use graph::depends_on_cycles;
pub use merge::{json_typed, merge};
pub use release::{
    shorten_name, ChartTemplate, CrossNamespaceRef, Diagnostic, HelmRelease, ObjectRef, Severity,
    ValuesReference, GROUP, MAX_RELEASE_NAME,
};
