//! `namePrefix` and `nameSuffix` (kustomize's `PrefixTransformer`, `SuffixTransformer`).

use krust_model::ResMap;
use krust_yaml::{Data, Value};

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
        // kustomize runs the filters even then: a `create: true` spec makes an empty field.
        if self.prefix.is_empty()
            && self.suffix.is_empty()
            && !self.field_specs.iter().any(|fs| fs.create)
        {
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
                // kustomize creates a missing field when the spec says `create: true`
                // (`CreateKind: ScalarNode`), then sets prefix + its text + suffix
                // (`SetScalar`): a created or empty field becomes `tp--ts` (kubectl v1.32
                // and 1.35).
                walk(
                    &mut new_obj,
                    fs,
                    CreateKind::Scalar,
                    &mut |v: &mut Value| {
                        let text = match &v.data {
                            Data::String(s) => Some(s.to_string()),
                            Data::Null => Some(v.source_text().unwrap_or("").to_string()),
                            Data::Seq(_) | Data::Map(_) => None,
                            _ => v
                                .source_text()
                                .map(str::to_string)
                                .or_else(|| crate::util::scalar_string(v)),
                        };
                        if let Some(s) = text {
                            *v = Value::from(format!("{}{s}{}", self.prefix, self.suffix));
                        }
                        Ok(())
                    },
                )?;
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
