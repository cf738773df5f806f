//! `namespace:` (kustomize's `NamespaceTransformer`).

use krust_model::ResMap;
use krust_yaml::Value;

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Sets the namespace of every namespaced resource and of the fields that name one.
#[derive(Debug, Clone)]
pub struct Namespace {
    /// The namespace to set.
    pub namespace: String,
    /// The fields to set it at.
    pub field_specs: Vec<FieldSpec>,
    /// Only set namespaces that are empty (`unsetOnly`).
    pub unset_only: bool,
    /// Which RoleBinding subjects get the namespace (`setRoleBindingSubjects`).
    pub subjects: SubjectMode,
}

/// kustomize's `setRoleBindingSubjects`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectMode {
    /// Subjects named `default` (the default).
    #[default]
    DefaultOnly,
    /// Every ServiceAccount subject.
    AllServiceAccounts,
    /// No subjects.
    None,
}

impl SubjectMode {
    pub(crate) fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "" | "defaultOnly" => Ok(SubjectMode::DefaultOnly),
            "allServiceAccounts" => Ok(SubjectMode::AllServiceAccounts),
            "none" => Ok(SubjectMode::None),
            other => Err(Error::InvalidConfig {
                message: format!(
                    "invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                ),
            }),
        }
    }
}

fn set_ns(ns: &str, unset_only: bool) -> impl FnMut(&mut Value) -> Result<(), Error> + '_ {
    move |v: &mut Value| {
        if v.is_map() || v.is_seq() {
            return Err(Error::InvalidFieldPath {
                message: "namespace field specs must target scalar nodes".into(),
            });
        }
        if unset_only && !(v.is_null() || v.as_str() == Some("")) {
            return Ok(());
        }
        *v = Value::from(ns);
        Ok(())
    }
}

impl Transform for Namespace {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        if self.namespace.is_empty() {
            return Ok(());
        }
        let ns = self.namespace.as_str();
        for i in 0..resources.len() {
            let Some(r) = resources.get_mut(i) else {
                continue;
            };
            if r.is_empty()
                || r.annotation("kustomize.config.k8s.io/helm-generated")
                    .as_deref()
                    == Some("true")
            {
                continue;
            }
            r.store_previous_id();
            let gvk = r.cur_id().gvk.clone();
            let api_version = gvk.api_version();
            let is_rb = matches!(gvk.kind(), "RoleBinding" | "ClusterRoleBinding");
            let obj = r.value_mut();
            if !gvk.is_cluster_scoped() {
                let meta = FieldSpec::new(Default::default(), "metadata/namespace", true);
                walk(
                    obj,
                    &meta,
                    CreateKind::Scalar,
                    &mut set_ns(ns, self.unset_only),
                )?;
            }
            if is_rb && self.subjects != SubjectMode::None {
                if let Some(subjects) = obj.get_mut("subjects").and_then(Value::as_seq_mut) {
                    for s in subjects.iter_mut() {
                        let pick = match self.subjects {
                            SubjectMode::DefaultOnly => s.str_at(&["name"]) == Some("default"),
                            _ => s.str_at(&["kind"]) == Some("ServiceAccount"),
                        };
                        if pick {
                            let mut set = set_ns(ns, self.unset_only);
                            match s.get_mut("namespace") {
                                Some(v) => set(v)?,
                                None => {
                                    s.insert("namespace", Value::null());
                                    if let Some(v) = s.get_mut("namespace") {
                                        set(v)?;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for fs in &self.field_specs {
                if fs.path.as_str() == "metadata/namespace" {
                    continue;
                }
                if api_version != "v1" && fs.path.as_str() == "metadata/name" {
                    continue;
                }
                if is_rb && fs.path.as_str() == "subjects/namespace" {
                    continue;
                }
                if !fs.applies_to(&gvk) {
                    continue;
                }
                walk(
                    obj,
                    fs,
                    CreateKind::Scalar,
                    &mut set_ns(ns, self.unset_only),
                )
                .map_err(|e| e.context("namespace transformation failed"))?;
            }
        }
        let mut seen = std::collections::HashSet::new();
        for r in resources.iter() {
            if !seen.insert(r.cur_id().clone()) {
                return Err(Error::NamespaceConflict {
                    id: r.cur_id().to_string(),
                });
            }
        }
        Ok(())
    }
}
