//! `namePrefix` and `nameSuffix` (kustomize's `PrefixTransformer`, `SuffixTransformer`).

use krust_model::ResMap;
use krust_yaml::Value;

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Adds a prefix or a suffix to names.
#[derive(Debug, Clone)]
pub struct PrefixSuffix {
    /// Prepended to names.
    pub prefix: String,
    /// Appended to names.
    pub suffix: String,
    /// The name fields to change.
    pub field_specs: Vec<FieldSpec>,
}

/// Kinds kustomize never renames.
fn skipped(kind: &str) -> bool {
    matches!(
        kind,
        "CustomResourceDefinition" | "APIService" | "Namespace"
    )
}

impl Transform for PrefixSuffix {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        if self.prefix.is_empty() && self.suffix.is_empty() {
            return Ok(());
        }
        for r in resources.iter_mut() {
            // kustomize selects by the original id.
            let gvk = r.org_id().gvk.clone();
            if skipped(gvk.kind()) {
                continue;
            }
            let specs: Vec<&FieldSpec> = self
                .field_specs
                .iter()
                .filter(|fs| fs.applies_to(&gvk))
                .collect();
            if specs.is_empty() {
                continue;
            }
            let mut renamed_meta = false;
            let mut new_obj = r.value().clone();
            for fs in specs {
                if fs.path.as_str() == "metadata/name" {
                    renamed_meta = true;
                }
                walk(&mut new_obj, fs, CreateKind::None, &mut |v: &mut Value| {
                    if let Some(s) = v.as_str() {
                        *v = Value::from(format!("{}{s}{}", self.prefix, self.suffix));
                    }
                    Ok(())
                })?;
            }
            if renamed_meta {
                r.store_previous_id();
                r.add_name_prefix(&self.prefix);
                r.add_name_suffix(&self.suffix);
            }
            r.set_value(new_obj);
        }
        Ok(())
    }
}
