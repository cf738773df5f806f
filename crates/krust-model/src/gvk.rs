//! Group, version and kind of a Kubernetes API type (kustomize `resid.Gvk`).

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use krust_yaml::hash::FastHashMap;
use krust_yaml::Str;

use crate::generated::cluster_scoped::{CLUSTER_SCOPED, NAMESPACED};

/// Identifies a Kubernetes API type. Empty fields are "unset" (a selector treats them as
/// wildcards, see [`Gvk::is_selected`]).
///
/// Whether the type is cluster-scoped is decided once, when the value is made, from
/// kustomize's built-in table (exact match on group, version and kind; unknown types are
/// namespaced), so the fields are read-only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    group: Str,
    version: Str,
    kind: Str,
    cluster_scoped: bool,
}

fn empty() -> Str {
    shared("")
}

/// One shared copy of each group and version of kustomize's built-in types (and of `""`
/// and `default`, the namespace of most previous ids),
/// so that the id of a resource of a built-in type allocates nothing for them: a build
/// makes ids by the hundred thousand (every resource, every rename's previous id), and two
/// small allocations each were a tenth of the memory of a build of small resources.
pub(crate) fn shared(s: &str) -> Str {
    static TABLE: OnceLock<FastHashMap<&'static str, Str>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = FastHashMap::default();
        t.insert("", Str::from(""));
        t.insert("default", Str::from("default"));
        for &(g, v, _) in CLUSTER_SCOPED.iter().chain(NAMESPACED) {
            t.entry(g).or_insert_with(|| Str::from(g));
            t.entry(v).or_insert_with(|| Str::from(v));
        }
        t
    });
    table.get(s).cloned().unwrap_or_else(|| Str::from(s))
}

impl Gvk {
    /// A Gvk from its parts; whether it is cluster-scoped comes from kustomize's built-in
    /// list of cluster-scoped kinds.
    pub fn new(group: impl Into<Str>, version: impl Into<Str>, kind: impl Into<Str>) -> Self {
        let (group, version, kind) = (group.into(), version.into(), kind.into());
        let cluster_scoped = lookup(CLUSTER_SCOPED, &group, &version, &kind);
        Gvk {
            group,
            version,
            kind,
            cluster_scoped,
        }
    }

    /// A Gvk from an `apiVersion` (`apps/v1`, or `v1` for the core group) and a kind.
    pub fn from_api_version(api_version: &str, kind: impl Into<Str>) -> Self {
        let (g, v) = parse_group_version(api_version);
        Gvk::new(shared(g), shared(v), kind)
    }

    /// A Gvk with only the kind set (kustomize `resid.FromKind`).
    pub fn from_kind(kind: impl Into<Str>) -> Self {
        Gvk::new(empty(), empty(), kind)
    }

    /// The API group; empty for the core group.
    pub fn group(&self) -> &str {
        &self.group
    }
    /// The API version (`v1`); may be empty in a selector.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// The kind; may be empty in a selector.
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// The kind as a shared string (cheap to clone).
    pub fn kind_str(&self) -> &Str {
        &self.kind
    }

    /// The same group and version with another kind.
    pub fn with_kind(&self, kind: impl Into<Str>) -> Gvk {
        Gvk::new(self.group.clone(), self.version.clone(), kind)
    }

    /// `group/version`, or just `version` for the core group (kustomize `ApiVersion()`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// True when kustomize's built-in schema says the type is cluster-scoped. Unknown types
    /// (CRDs, other versions, ids with only a kind) are namespaced.
    pub fn is_cluster_scoped(&self) -> bool {
        self.cluster_scoped
    }

    /// kyaml `IsNamespaceScoped`: `Some(true)` for known namespaced types, `Some(false)` for
    /// known cluster-scoped ones, `None` when the built-in schema does not know the type.
    pub fn namespace_scope(&self) -> Option<bool> {
        if self.cluster_scoped {
            Some(false)
        } else if lookup(NAMESPACED, &self.group, &self.version, &self.kind) {
            Some(true)
        } else {
            None
        }
    }

    /// True when every field is empty.
    pub fn is_empty(&self) -> bool {
        self.group.is_empty() && self.version.is_empty() && self.kind.is_empty()
    }

    /// kustomize `Gvk.IsSelected`: `selector`'s empty fields match anything, the others must
    /// be equal.
    pub fn is_selected(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || selector.group == self.group)
            && (selector.version.is_empty() || selector.version == self.version)
            && (selector.kind.is_empty() || selector.kind == self.kind)
    }

    /// kustomize `Gvk.IsLessThan`: the default legacy kind order, then
    /// `group_version_kind` text order.
    pub fn legacy_cmp(&self, other: &Gvk) -> Ordering {
        let (a, b) = (
            LegacyOrder::default_rank(&self.kind),
            LegacyOrder::default_rank(&other.kind),
        );
        a.cmp(&b)
            .then_with(|| self.sort_bytes().cmp(other.sort_bytes()))
    }

    /// The bytes of [`Gvk::stable_sort_string`], without building the string (field-spec
    /// tables are sorted by it after every merge).
    fn sort_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        fn part<'a>(s: &'a str, empty: &'static str) -> std::str::Bytes<'a> {
            if s.is_empty() {
                empty.bytes()
            } else {
                s.bytes()
            }
        }
        part(&self.group, "~G")
            .chain(*b"_")
            .chain(part(&self.version, "~V"))
            .chain(*b"_")
            .chain(part(&self.kind, "~K"))
    }

    /// `group_version_kind` with `~G`, `~V`, `~K` for empty fields (kustomize's
    /// `stableSortString` and the legacy sorter's `legacyGVKSortString`).
    pub fn stable_sort_string(&self) -> String {
        let g = if self.group.is_empty() {
            "~G"
        } else {
            &self.group
        };
        let v = if self.version.is_empty() {
            "~V"
        } else {
            &self.version
        };
        let k = if self.kind.is_empty() {
            "~K"
        } else {
            &self.kind
        };
        format!("{g}_{v}_{k}")
    }
}

/// Splits an `apiVersion` into group and version (kustomize `ParseGroupVersion`):
/// `apps/v1` → (`apps`, `v1`), `v1` → (``, `v1`).
pub fn parse_group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

fn lookup(table: &[(&str, &str, &str)], g: &str, v: &str, k: &str) -> bool {
    table
        .binary_search_by(|&(tg, tv, tk)| (tg, tv, tk).cmp(&(g, v, k)))
        .is_ok()
}

/// `Kind.version.group` with `[noKind]`, `[noVer]`, `[noGrp]` for empty fields, as
/// kustomize's `Gvk.String()` prints it.
impl fmt::Display for Gvk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = if self.kind.is_empty() {
            "[noKind]"
        } else {
            &self.kind
        };
        let v = if self.version.is_empty() {
            "[noVer]"
        } else {
            &self.version
        };
        let g = if self.group.is_empty() {
            "[noGrp]"
        } else {
            &self.group
        };
        write!(f, "{k}.{v}.{g}")
    }
}

/// kustomize's legacy kind order (`sortOptions.order: legacy`, and the CLI default).
///
/// Kinds in `order_first` come first in that order, kinds in `order_last` last, everything
/// else in between; ties are broken by text order of group, version, kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyOrder {
    /// Kinds that come first, in this order.
    pub order_first: Vec<String>,
    /// Kinds that come last, in this order.
    pub order_last: Vec<String>,
}

/// kustomize's default `orderFirst` (`SortOrderTransformer.go`, also `resid/gvk.go`).
pub const DEFAULT_ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// kustomize's default `orderLast`.
pub const DEFAULT_ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

impl Default for LegacyOrder {
    fn default() -> Self {
        LegacyOrder {
            order_first: DEFAULT_ORDER_FIRST.iter().map(|s| s.to_string()).collect(),
            order_last: DEFAULT_ORDER_LAST.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl LegacyOrder {
    /// The rank of a kind: negative for `order_first` kinds, 0 for others, positive for
    /// `order_last` kinds (kustomize's `typeOrders`; a kind listed twice keeps its last
    /// place, as the Go map assignment does).
    pub fn rank(&self, kind: &str) -> i64 {
        let mut rank = 0;
        let first = self.order_first.len() as i64;
        for (i, n) in self.order_first.iter().enumerate() {
            if n == kind {
                rank = i as i64 - first;
            }
        }
        for (i, n) in self.order_last.iter().enumerate() {
            if n == kind {
                rank = 1 + i as i64;
            }
        }
        rank
    }

    fn default_rank(kind: &str) -> i64 {
        if let Some(i) = DEFAULT_ORDER_FIRST.iter().position(|k| *k == kind) {
            return i as i64 - DEFAULT_ORDER_FIRST.len() as i64;
        }
        if let Some(i) = DEFAULT_ORDER_LAST.iter().position(|k| *k == kind) {
            return 1 + i as i64;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_api_version() {
        let g = Gvk::from_api_version("apps/v1", "Deployment");
        assert_eq!(
            (g.group(), g.version(), g.kind()),
            ("apps", "v1", "Deployment")
        );
        assert_eq!(g.api_version(), "apps/v1");
        let core = Gvk::from_api_version("v1", "ConfigMap");
        assert_eq!((core.group(), core.version()), ("", "v1"));
        assert_eq!(core.api_version(), "v1");
        // Only the first slash splits.
        let odd = Gvk::from_api_version("a/b/c", "X");
        assert_eq!((odd.group(), odd.version()), ("a", "b/c"));
    }

    #[test]
    fn display_matches_kustomize() {
        assert_eq!(
            Gvk::from_api_version("apps/v1", "Deployment").to_string(),
            "Deployment.v1.apps"
        );
        assert_eq!(
            Gvk::from_api_version("v1", "Service").to_string(),
            "Service.v1.[noGrp]"
        );
        assert_eq!(Gvk::default().to_string(), "[noKind].[noVer].[noGrp]");
    }

    #[test]
    fn cluster_scope_is_exact_match() {
        assert!(Gvk::from_api_version("v1", "Namespace").is_cluster_scoped());
        assert!(
            Gvk::from_api_version("rbac.authorization.k8s.io/v1", "ClusterRole")
                .is_cluster_scoped()
        );
        // Other versions, kind-only ids and CRDs are namespaced.
        assert!(!Gvk::from_api_version("v2", "Namespace").is_cluster_scoped());
        assert!(!Gvk::from_kind("Namespace").is_cluster_scoped());
        assert!(!Gvk::from_api_version("example.com/v1", "Cluster").is_cluster_scoped());
        assert!(!Gvk::from_api_version("v1", "ConfigMap").is_cluster_scoped());
        // Added to kyaml after v5.8.1; krust follows v5.5/v5.8.
        assert!(!Gvk::from_api_version(
            "admissionregistration.k8s.io/v1",
            "ValidatingAdmissionPolicy"
        )
        .is_cluster_scoped());
        assert_eq!(
            Gvk::from_api_version("v1", "ConfigMap").namespace_scope(),
            Some(true)
        );
        assert_eq!(
            Gvk::from_api_version("v1", "Node").namespace_scope(),
            Some(false)
        );
        assert_eq!(Gvk::from_api_version("x/v1", "Y").namespace_scope(), None);
    }

    #[test]
    fn selection_treats_empty_fields_as_wildcards() {
        let d = Gvk::from_api_version("extensions/v1beta1", "Deployment");
        assert!(d.is_selected(&Gvk::from_kind("Deployment")));
        assert!(d.is_selected(&Gvk::default()));
        assert!(!d.is_selected(&Gvk::new("apps", "", "Deployment")));
        assert!(d.is_selected(&Gvk::new("extensions", "", "")));
    }

    #[test]
    fn legacy_ranks() {
        let o = LegacyOrder::default();
        assert_eq!(o.rank("Namespace"), -22);
        assert_eq!(o.rank("PodDisruptionBudget"), -1);
        assert_eq!(o.rank("Pod"), 0);
        assert_eq!(o.rank("ValidatingWebhookConfiguration"), 2);
        let ns = Gvk::from_api_version("v1", "Namespace");
        let dep = Gvk::from_api_version("apps/v1", "Deployment");
        let pod = Gvk::from_api_version("v1", "Pod");
        assert_eq!(ns.legacy_cmp(&dep), Ordering::Less);
        for (x, y) in [
            (&ns, &dep),
            (&dep, &Gvk::default()),
            (&Gvk::new("a", "", "K"), &pod),
        ] {
            assert!(x.sort_bytes().eq(x.stable_sort_string().bytes()));
            assert_eq!(
                x.sort_bytes().cmp(y.sort_bytes()),
                x.stable_sort_string().cmp(&y.stable_sort_string())
            );
        }
        assert_eq!(pod.legacy_cmp(&dep), Ordering::Greater);
    }
}
