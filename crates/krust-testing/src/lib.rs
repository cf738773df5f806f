//! krust-testing: render a whole repository for tests and CI.
//!
//! - [`discover::Graph`] finds the kustomization directories of a repository, which ones
//!   nothing includes (the builds), and which builds a changed file reaches.
//! - [`fleet::FleetRenderer`] renders many builds in parallel with one shared
//!   [`krust_kustomize::Kustomizer`] (a base shared by many overlays builds once);
//!   [`fleet::Shard`] picks a deterministic part of them for a CI matrix.
//! - [`diff`] compares two renders object by object (added, removed, changed with a
//!   unified YAML diff).
//! - [`snapshot::TenantSuite`] renders every tenant × environment into one insta snapshot
//!   each.
//!
//! `krust fleet` and `krust diff` are thin layers over the first three.
//!
//! ```
//! use krust_testing::diff::{compare, Objects};
//!
//! let before = Objects::parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n", "before.yaml")?;
//! let after = Objects::parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"2\"\n", "after.yaml")?;
//! let report = compare(&before, &after);
//! assert_eq!(report.summary(), "0 added, 0 removed, 1 changed, 0 unchanged");
//! print!("{}", report.to_text(false));
//! # Ok::<(), krust_testing::Error>(())
//! ```
//!
//! # Limitations
//! Discovery reads kustomization files for their references only; a reference it cannot see
//! (a path built at run time, a remote base) does not make a changed file reach a build.
//! Snapshot suites read from the disk.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod diff;
pub mod discover;
mod error;
pub mod fleet;
pub mod snapshot;

pub use error::Error;
