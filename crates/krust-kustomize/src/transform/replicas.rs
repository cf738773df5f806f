//! `replicas:` (kustomize's `ReplicaCountTransformer`).

use krust_model::ResMap;
use krust_yaml::Value;

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Sets the replica count of the resources named `name`.
#[derive(Debug, Clone)]
pub struct Replicas {
    /// The workload's name.
    pub name: String,
    /// The replica count.
    pub count: i64,
    /// The fields holding replica counts.
    pub field_specs: Vec<FieldSpec>,
}

impl Transform for Replicas {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        let mut found = false;
        for r in resources.iter_mut() {
            // kustomize matches any id the resource had.
            let specs: Vec<&FieldSpec> = self
                .field_specs
                .iter()
                .filter(|fs| {
                    r.all_ids()
                        .any(|id| *id.name == *self.name && id.gvk.is_selected(&fs.gvk))
                })
                .collect();
            if specs.is_empty() {
                continue;
            }
            found = true;
            let obj = r.value_mut();
            for fs in specs {
                walk(obj, fs, CreateKind::Scalar, &mut |v: &mut Value| {
                    *v = Value::from(self.count);
                    Ok(())
                })?;
            }
        }
        if !found {
            // kustomize sorts its field specs (`sortFields`) by the legacy kind order.
            let mut gvks: Vec<&krust_model::Gvk> =
                self.field_specs.iter().map(|f| &f.gvk).collect();
            gvks.sort_by(|a, b| a.legacy_cmp(b));
            return Err(Error::msg(format!(
                "resource with name {} does not match a config with the following GVK [{}]",
                self.name,
                gvks.iter()
                    .map(|g| g.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        Ok(())
    }
}
