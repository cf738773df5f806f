//! Which resources a resource may refer to by name (kustomize
//! `SubsetThatCouldBeReferencedByResource`), as a predicate so callers can apply it to the
//! few candidates an index lookup gives instead of building a subset per referrer.

use std::collections::HashSet;

use krust_yaml::{Data, Str};

use crate::{Error, Resource};

/// The namespaces a referrer can reach.
#[derive(Clone, Debug)]
pub struct ReferralScope {
    /// The referrer is cluster-scoped: it can refer to anything.
    everything: bool,
    /// The referrer's effective namespace.
    namespace: Str,
    /// For a RoleBinding: namespaces of its ServiceAccount subjects (as written).
    role_binding_namespaces: HashSet<Str>,
}

impl ReferralScope {
    /// The scope of `referrer`. Fails like kustomize when a RoleBinding's ServiceAccount
    /// subject has a namespace that is not a string.
    pub fn of(referrer: &Resource) -> Result<ReferralScope, Error> {
        let id = referrer.cur_id();
        let mut scope = ReferralScope {
            everything: id.is_cluster_scoped(),
            namespace: id.effective_namespace().into(),
            role_binding_namespaces: HashSet::new(),
        };
        if scope.everything || referrer.kind() != "RoleBinding" {
            return Ok(scope);
        }
        let Some(subjects) = referrer.value().get("subjects").and_then(|s| s.as_seq()) else {
            return Ok(scope);
        };
        for subject in subjects.iter() {
            let (Some(ns), Some(kind)) = (subject.get("namespace"), subject.get("kind")) else {
                continue;
            };
            if kind.as_str() != Some("ServiceAccount") {
                continue;
            }
            match &ns.data {
                Data::String(s) => {
                    scope.role_binding_namespaces.insert(s.clone());
                }
                _ => return Err(Error::BlankSubjectNamespace { id: id.clone() }),
            }
        }
        Ok(scope)
    }

    /// True when the referrer may refer to `target`: the referrer is cluster-scoped, the
    /// target is cluster-scoped, both are in the same effective namespace, or the target's
    /// namespace is one of a RoleBinding's ServiceAccount namespaces.
    pub fn allows(&self, target: &Resource) -> bool {
        if self.everything {
            return true;
        }
        let id = target.cur_id();
        id.is_cluster_scoped()
            || id.effective_namespace() == &*self.namespace
            || self.role_binding_namespaces.contains(target.namespace())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{map, obj, s};
    use krust_yaml::Value;

    fn res(api: &str, kind: &str, name: &str, ns: &str) -> Resource {
        Resource::new(obj(api, kind, name, ns))
    }

    #[test]
    fn namespaced_referrers_see_their_namespace_and_cluster_scoped_targets() {
        let scope = ReferralScope::of(&res("apps/v1", "Deployment", "d", "")).unwrap();
        assert!(scope.allows(&res("v1", "ConfigMap", "c", "default")));
        assert!(scope.allows(&res("v1", "ConfigMap", "c", "")));
        assert!(!scope.allows(&res("v1", "ConfigMap", "c", "prod")));
        assert!(scope.allows(&res("v1", "Namespace", "n", "whatever")));
        let cluster = ReferralScope::of(&res(
            "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding",
            "b",
            "",
        ))
        .unwrap();
        assert!(cluster.allows(&res("v1", "ServiceAccount", "sa", "prod")));
    }

    #[test]
    fn role_bindings_reach_their_service_account_namespaces() {
        let subject =
            |kind: &str, ns: Value| map(&[("kind", s(kind)), ("name", s("sa")), ("namespace", ns)]);
        let mut rb = obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", "a");
        rb.insert(
            "subjects",
            Value::from_seq(vec![
                subject("ServiceAccount", s("b")),
                subject("User", s("c")),
            ]),
        );
        let scope = ReferralScope::of(&Resource::new(rb.clone())).unwrap();
        assert!(scope.allows(&res("v1", "ServiceAccount", "sa", "b")));
        assert!(!scope.allows(&res("v1", "ServiceAccount", "sa", "c")));
        rb.insert(
            "subjects",
            Value::from_seq(vec![subject("ServiceAccount", Value::from(1i64))]),
        );
        let err = ReferralScope::of(&Resource::new(rb)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid Input: namespace is blank for resource \"RoleBinding.v1.rbac.authorization.k8s.io/rb.a\"\n"
        );
    }
}
