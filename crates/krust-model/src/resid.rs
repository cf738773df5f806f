//! Resource ids (kustomize `resid.ResId`).

use std::fmt;
use std::hash::{Hash, Hasher};

use krust_yaml::Str;

use crate::Gvk;

/// The namespace kustomize reports for cluster-scoped ids (`resid.TotallyNotANamespace`).
pub const TOTALLY_NOT_A_NAMESPACE: &str = "_non_namespaceable_";
/// The namespace an unset namespace means for namespaced kinds.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Identifies a resource: its type, name and namespace.
///
/// Equality and hashing follow kustomize's `ResId.Equals`: group, version, kind and name
/// must be equal and the *effective* namespaces must be equal, so an empty namespace equals
/// `default` for namespaced kinds, and the namespace is ignored for cluster-scoped kinds.
/// Use [`ResId::is_identical`] to compare the raw fields.
#[derive(Clone, Debug, Default)]
pub struct ResId {
    /// The resource's type.
    pub gvk: Gvk,
    /// `metadata.name`.
    pub name: Str,
    /// As written in the object; empty when unset.
    pub namespace: Str,
}

impl ResId {
    /// An id from its parts; `namespace` as written (empty when unset).
    pub fn new(gvk: Gvk, name: impl Into<Str>, namespace: impl Into<Str>) -> Self {
        ResId {
            gvk,
            name: name.into(),
            namespace: namespace.into(),
        }
    }

    /// An id with no namespace.
    pub fn without_namespace(gvk: Gvk, name: impl Into<Str>) -> Self {
        ResId::new(gvk, name, "")
    }

    /// True when the kind is cluster-scoped (has no namespace).
    pub fn is_cluster_scoped(&self) -> bool {
        self.gvk.is_cluster_scoped()
    }

    /// kustomize `EffectiveNamespace`: `_non_namespaceable_` for cluster-scoped kinds,
    /// `default` when the namespace is empty or `default`, else the namespace.
    pub fn effective_namespace(&self) -> &str {
        if self.is_cluster_scoped() {
            TOTALLY_NOT_A_NAMESPACE
        } else if self.namespace.is_empty() {
            DEFAULT_NAMESPACE
        } else {
            &self.namespace
        }
    }

    /// kustomize `IsInDefaultNs`.
    pub fn is_in_default_ns(&self) -> bool {
        !self.is_cluster_scoped()
            && (self.namespace.is_empty() || &*self.namespace == DEFAULT_NAMESPACE)
    }

    /// kustomize `IsNsEquals`: same effective namespace.
    pub fn is_ns_equals(&self, other: &ResId) -> bool {
        self.effective_namespace() == other.effective_namespace()
    }

    /// kustomize `GvknEquals`: same group, version, kind and name; namespace ignored.
    pub fn gvkn_equals(&self, other: &ResId) -> bool {
        self.name == other.name && self.gvk == other.gvk
    }

    /// kustomize `IsSelectedBy`: the selector's empty name, namespace and Gvk fields match
    /// anything; a set namespace is compared by effective namespace.
    pub fn is_selected_by(&self, selector: &ResId) -> bool {
        (selector.name.is_empty() || selector.name == self.name)
            && (selector.namespace.is_empty() || selector.is_ns_equals(self))
            && self.gvk.is_selected(&selector.gvk)
    }

    /// All fields equal as written (Go's `==` on the struct).
    pub fn is_identical(&self, other: &ResId) -> bool {
        self.gvk == other.gvk && self.name == other.name && self.namespace == other.namespace
    }

    /// True when every field is empty.
    pub fn is_empty(&self) -> bool {
        self.gvk.is_empty() && self.name.is_empty() && self.namespace.is_empty()
    }
}

impl PartialEq for ResId {
    fn eq(&self, other: &Self) -> bool {
        self.is_ns_equals(other) && self.gvkn_equals(other)
    }
}

impl Eq for ResId {}

impl Hash for ResId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.gvk.hash(state);
        self.name.hash(state);
        self.effective_namespace().hash(state);
    }
}

/// `Kind.version.group/name.namespace`, with `[noKind]`, `[noVer]`, `[noGrp]`, `[noName]`,
/// `[noNs]` for empty fields (kustomize `ResId.String()`).
impl fmt::Display for ResId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.is_empty() {
            "[noName]"
        } else {
            &self.name
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(f, "{}/{name}.{ns}", self.gvk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn id(api: &str, kind: &str, name: &str, ns: &str) -> ResId {
        ResId::new(Gvk::from_api_version(api, kind), name, ns)
    }

    #[test]
    fn display_matches_kustomize() {
        assert_eq!(
            id("apps/v1", "Deployment", "web", "prod").to_string(),
            "Deployment.v1.apps/web.prod"
        );
        assert_eq!(
            id("v1", "ConfigMap", "cm", "").to_string(),
            "ConfigMap.v1.[noGrp]/cm.[noNs]"
        );
        assert_eq!(
            ResId::default().to_string(),
            "[noKind].[noVer].[noGrp]/[noName].[noNs]"
        );
    }

    #[test]
    fn empty_namespace_equals_default_for_namespaced_kinds() {
        let a = id("v1", "ConfigMap", "cm", "");
        let b = id("v1", "ConfigMap", "cm", "default");
        let c = id("v1", "ConfigMap", "cm", "other");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(!a.is_identical(&b));
        let set: HashSet<ResId> = [a.clone()].into_iter().collect();
        assert!(set.contains(&b));
        assert!(a.is_in_default_ns());
    }

    #[test]
    fn namespace_is_ignored_for_cluster_scoped_kinds() {
        let a = id("rbac.authorization.k8s.io/v1", "ClusterRole", "r", "");
        let b = id("rbac.authorization.k8s.io/v1", "ClusterRole", "r", "x");
        assert_eq!(a, b);
        assert_eq!(a.effective_namespace(), TOTALLY_NOT_A_NAMESPACE);
        assert!(!a.is_in_default_ns());
        let set: HashSet<ResId> = [a].into_iter().collect();
        assert!(set.contains(&b));
    }

    #[test]
    fn selection() {
        let target = id("apps/v1", "Deployment", "web", "");
        let by_kind = ResId::new(Gvk::from_kind("Deployment"), "", "");
        assert!(target.is_selected_by(&by_kind));
        let by_ns = ResId::new(Gvk::from_kind("Deployment"), "web", "default");
        assert!(target.is_selected_by(&by_ns));
        let other_ns = ResId::new(Gvk::from_kind("Deployment"), "web", "prod");
        assert!(!target.is_selected_by(&other_ns));
    }
}
