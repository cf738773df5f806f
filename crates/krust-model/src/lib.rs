//! krust-model: Kubernetes ids, resources and resource maps, as kustomize models them.
//!
//! - [`Gvk`] and [`ResId`]: typed ids with kustomize's equality (an empty namespace is
//!   `default` for namespaced kinds) and printing (`Deployment.v1.apps/web.prod`).
//! - [`Resource`]: an object plus kustomize's bookkeeping (previous ids, prefixes,
//!   generator options, origin) kept beside it, not in annotations.
//! - [`ResMap`]: resources in order plus an id index.
//! - [`resources_from_documents`]: kustomize's checks and `List` expansion for resource files.
//! - [`fieldspecs`]: kustomize v5.8.1's built-in field-spec tables as data
//!   ([`FieldSpecTables::builtin`]), user `configurations` files
//!   ([`FieldSpecTables::from_config`]), parsed [`FieldPath`]s and the walker every
//!   transformer uses ([`FieldSpec::apply`]).
//! - [`ReferralScope`]: which resources a referrer may name (kustomize's namespace rules).
//!
//! ```
//! use std::sync::Arc;
//! use krust_model::{resources_from_documents, Origin, ResMap};
//! use krust_yaml::Value;
//!
//! let mut md = Value::map();
//! md.insert("name", Value::from("web"));
//! let mut obj = Value::map();
//! obj.insert("apiVersion", Value::from("apps/v1"));
//! obj.insert("kind", Value::from("Deployment"));
//! obj.insert("metadata", md);
//!
//! let origin = Arc::new(Origin::file("deploy.yaml"));
//! let resources = resources_from_documents(vec![obj], &origin).unwrap();
//! let map = ResMap::from_resources(resources).unwrap();
//! let id = map.resources()[0].cur_id();
//! assert_eq!(id.to_string(), "Deployment.v1.apps/web.[noNs]");
//! assert_eq!(id.effective_namespace(), "default");
//! assert!(map.get_by_cur_id(id).is_ok());
//! ```
//!
//! # Limitations
//! - Cluster scope comes from kustomize's built-in table only (kustomize v5.5/v5.8: the
//!   `ValidatingAdmissionPolicy*` kinds added later upstream are namespaced here); a
//!   kustomization's custom `openapi` schema is not consulted.
//! - Scalars that are not strings (e.g. `name: 123`) are read as their canonical text; a
//!   float's original spelling is not kept.
//! - Field-spec tables are sorted with a stable sort; kustomize's Go sort is not stable, so
//!   specs with equal Gvks may be visited in another order (this can change which error is
//!   reported first, not the result).
//! - `List` items get the effect of kustomize's JSON round trip (sorted keys, integral
//!   floats as integers); other effects of that round trip are not reproduced.

#![forbid(unsafe_code)]
// Tests may unwrap: a panic there is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod documents;
mod error;
pub mod fieldspecs;
mod generated;
mod gvk;
pub mod openapi;
mod referral;
mod resid;
mod resmap;
mod resource;
#[cfg(test)]
mod testutil;

pub use documents::{objects_from_documents, resources_from_documents};
pub use error::Error;
pub use fieldspecs::{FieldPath, FieldSpec, FieldSpecTables, NameBackRefs};
pub use gvk::{parse_group_version, Gvk, LegacyOrder, DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST};
pub use referral::ReferralScope;
pub use resid::{ResId, DEFAULT_NAMESPACE, TOTALLY_NOT_A_NAMESPACE};
pub use resmap::ResMap;
pub use resource::{scalar_text, Behavior, Origin, Resource, LOCAL_CONFIG_ANNOTATION};

#[cfg(test)]
fn assert_send_sync<T: Send + Sync>() {}

#[cfg(test)]
#[test]
fn types_are_send_and_sync() {
    assert_send_sync::<Gvk>();
    assert_send_sync::<ResId>();
    assert_send_sync::<Resource>();
    assert_send_sync::<ResMap>();
    assert_send_sync::<Error>();
}
