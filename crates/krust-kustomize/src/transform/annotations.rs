//! `commonAnnotations` (kustomize's `AnnotationsTransformer`).

use krust_model::ResMap;
use krust_yaml::Value;

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Adds key/value pairs to the maps at the field specs (labels or annotations).
#[derive(Debug, Clone)]
pub struct MapEntries {
    pub pairs: Vec<(String, String)>,
    pub field_specs: Vec<FieldSpec>,
}

pub(crate) fn set_entries(
    resources: &mut ResMap,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<(), Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in resources.iter_mut() {
        let gvk = r.cur_id().gvk.clone();
        if !specs.iter().any(|fs| fs.applies_to(&gvk)) {
            continue;
        }
        let obj = r.value_mut();
        for fs in specs.iter().filter(|fs| fs.applies_to(&gvk)) {
            walk(obj, fs, CreateKind::Map, &mut |v: &mut Value| {
                if v.is_null() {
                    *v = Value::map();
                }
                let Some(m) = v.as_map_mut() else {
                    return Err(Error::msg("expected a mapping node"));
                };
                for (k, val) in pairs {
                    m.insert(k.as_str().into(), Value::from(val.as_str()));
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

impl Transform for MapEntries {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        set_entries(resources, &self.pairs, &self.field_specs)
    }
}
