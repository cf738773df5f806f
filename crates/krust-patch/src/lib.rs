//! krust-patch: strategic-merge patches with kyaml `merge2` semantics, and JSON 6902
//! patches with evanphx/json-patch v4 semantics, on [`krust_yaml::Value`].
//!
//! ```
//! use krust_patch::{merge, Schema};
//! use krust_yaml::{parse_document, Typing};
//!
//! let target = parse_document(
//!     "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n",
//!     "deploy.yaml",
//!     Typing::Kyaml,
//! ).unwrap();
//! let patch = parse_document(
//!     "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        image: proxy:2\n",
//!     "patch.yaml",
//!     Typing::Kyaml,
//! ).unwrap();
//! let merged = merge(&target, &patch, Schema::builtin()).unwrap().unwrap();
//! let names: Vec<_> = merged
//!     .pointer("/spec/template/spec/containers")
//!     .and_then(|c| c.as_seq())
//!     .unwrap()
//!     .iter()
//!     .filter_map(|c| c.str_at(&["name"]))
//!     .collect();
//! // Containers merge by name; kustomize puts the patch's new elements first.
//! assert_eq!(names, ["sidecar", "app"]);
//! ```
//!
//! # Checked against kustomize
//! The merge2 conformance corpus passes except where the YAML reader rejects integer map
//! keys; 5,400 random Pod/Service/Deployment/CRD patches (with directives, nulls, elements
//! missing keys) and 450 random JSON 6902 patches gave the same output as
//! `kubectl kustomize` v5.5 (except where kubectl panics, see [`apply_json6902`]).
//!
//! # Limitations
//! - Scalars are matched by the canonical text of their typed value (`80`, `true`), not by
//!   their source text, so `0x50` and `80` match here but not in kyaml.
//! - Comment schemas need the reader's comment owners ([`CommentSchemas::from_comments`]).
//! - Comments are not carried into the result (kustomize drops them on output anyway).
//! - Identity of nested lists of lists inside associative lists is not tracked (kyaml
//!   mutates them in place; no Kubernetes type has such lists).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod json6902;
mod merge;
mod scalar;

pub use error::PatchError;
pub use json6902::{
    apply_json6902, apply_json6902_with_build_annotations, parse_json6902, tag_after_json, OpKind,
    Operation, PointerField,
};
pub use krust_model::openapi::Schema;
pub use merge::{merge, merge_with, CommentSchemas, Directive, ListIncrease, MergeOptions};

/// `$patch` directive handling, exposed for tests of kyaml's `determineSmpDirective`.
pub mod directive {
    pub use crate::merge::directive::{determine, Directive, PATCH_KEY};
}
