//! Generators and transformers, one per file, run in kustomize's builtin order.

pub mod annotations;
pub mod config;
pub(crate) mod configure;
pub mod fieldspec;
pub mod generators;
pub mod hash;
pub mod images;
pub mod labels;
pub mod nameref;
pub mod namespace;
pub mod origin;
pub mod patch;
pub mod plugins;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;
pub mod select;
pub mod sort;
pub mod vars;

use krust_yaml::Value;

use crate::Error;
use krust_model::{Behavior, ResMap, Resource};

pub use config::Config;

/// A transformer: changes the resources of one kustomization in place.
pub trait Transform: std::fmt::Debug {
    /// Applies the transformer.
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error>;
    /// Whether it looks up the OpenAPI schema (strategic merge does), which makes kyaml
    /// parse its default schema.
    fn uses_schema(&self) -> bool {
        false
    }
}

/// A generator: makes new resources. Configured with everything it reads (see
/// [`configure`]), it runs once.
pub(crate) trait Generate: std::fmt::Debug {
    fn generate(self: Box<Self>) -> Result<Vec<Resource>, Error>;
    fn describe(&self) -> String;
}

/// A configured transformer and where it was configured (for `transformerAnnotations`).
pub(crate) struct Step {
    pub origin: origin::TransformOrigin,
    pub transform: Box<dyn Transform>,
}

/// kustomize `appendReplaceOrMerge` for generated resources.
pub(crate) fn absorb(list: &mut ResMap, mut r: Resource) -> Result<(), Error> {
    let id = r.cur_id().clone();
    let matches = list.positions_by_any_id(&id).to_vec();
    let merge_error = |message: String| Error::GeneratorMerge {
        id: id.to_string(),
        message,
    };
    match matches.as_slice() {
        [] => match r.behavior() {
            Behavior::Merge | Behavior::Replace => Err(merge_error(format!(
                "id {id} does not exist; cannot merge or replace"
            ))),
            _ => Ok(list.append(r)?),
        },
        [i] => {
            let i = *i;
            let Some(old) = list.get(i).cloned() else {
                return Err(merge_error("id lookup failure".into()));
            };
            match r.behavior() {
                Behavior::Replace => r.copy_merge_metadata_from(&old),
                Behavior::Merge => {
                    r.copy_merge_metadata_from(&old);
                    merge_data_from(&mut r, &old);
                    // kustomize keeps the merged-into resource's origin.
                    if let Some(o) = old.origin() {
                        r.set_origin(Some(o.clone()));
                    }
                }
                b => {
                    return Err(merge_error(format!(
                    "id {id} exists; can not use behavior: '{}', behavior must be merge or replace",
                    b.as_str()
                )))
                }
            }
            list.set(i, r);
            Ok(())
        }
        _ => Err(merge_error(format!(
            "found multiple objects that could accept merge of {id}"
        ))),
    }
}

/// kustomize `MergeDataMapFrom` and `MergeBinaryDataMapFrom`: the old entries, then this
/// resource's (which win).
fn merge_data_from(r: &mut Resource, old: &Resource) {
    // kyaml's `SetDataMap`/`SetBinaryDataMap` clear the field first and leave it absent when
    // the merged map is empty (api/kyaml/yaml/rnode.go), so two sourceless generators merged
    // print no `data`, and the name hash covers none.
    for field in ["data", "binaryData"] {
        let mut merged = old
            .value()
            .get(field)
            .and_then(Value::as_map)
            .cloned()
            .unwrap_or_default();
        if let Some(nm) = r.value().get(field).and_then(Value::as_map) {
            for (k, v) in nm.iter() {
                merged.insert(k.clone(), v.clone());
            }
        }
        if merged.is_empty() {
            r.value_mut().remove(field);
        } else {
            r.value_mut().insert(field, Value::from_map(merged));
        }
    }
}

/// kustomize `IgnoreLocal`: drops resources annotated `config.kubernetes.io/local-config`.
pub(crate) fn drop_local_config(list: &mut ResMap) {
    list.retain(|r| !r.is_local_config());
}

/// kustomize ends every build by rewriting each resource's annotations through kyaml's
/// `SetAnnotations` (`RemoveBuildAnnotations`, `RemoveOriginAnnotations`,
/// `RemoveTransformerAnnotations`); see [`annotations::rewrite`].
pub(crate) fn rewrite_annotations(list: &mut ResMap) {
    for r in list.iter_mut() {
        annotations::rewrite(r);
    }
}
