//! Generators and transformers, one per file, run in kustomize's builtin order.

pub mod annotations;
pub mod config;
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

use crate::target::Target;
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

/// A generator: makes new resources.
pub(crate) trait Generate: std::fmt::Debug {
    fn generate(&self, t: &Target<'_>) -> Result<Vec<Resource>, Error>;
    fn describe(&self) -> String;
}

/// The builtin generators of a kustomization, in kustomize's order.
pub(crate) fn generators(t: &Target<'_>) -> Result<Vec<Box<dyn Generate>>, Error> {
    let mut out: Vec<Box<dyn Generate>> = Vec::new();
    for g in generators::DataGenerator::from_kustomization(t) {
        out.push(Box::new(g));
    }
    out.extend(crate::helm_chart::generators(t)?);
    Ok(out)
}

/// A configured transformer and where it was configured (for `transformerAnnotations`).
pub(crate) struct Step {
    pub origin: origin::TransformOrigin,
    pub transform: Box<dyn Transform>,
}

struct Steps<'a> {
    steps: Vec<Step>,
    file: &'a str,
}

impl Steps<'_> {
    fn add(&mut self, kind: &'static str, transform: Box<dyn Transform>) {
        self.steps.push(Step {
            origin: origin::TransformOrigin::builtin(self.file, kind),
            transform,
        });
    }
}

/// The builtin transformers of a kustomization, in kustomize's order.
pub(crate) fn builtin_transformers(t: &Target<'_>, config: &Config) -> Result<Vec<Step>, Error> {
    use fieldspec::FieldSpec;
    let k = &t.k;
    let mut out = Steps {
        steps: Vec::new(),
        file: &t.file,
    };
    for p in patch::strategic_merge_patches(t)? {
        out.add("PatchStrategicMergeTransformer", Box::new(p));
    }
    for p in patch::patches(t)? {
        out.add("PatchTransformer", p);
    }
    if !k.namespace.is_empty() {
        out.add(
            "NamespaceTransformer",
            Box::new(namespace::Namespace {
                namespace: k.namespace.clone(),
                field_specs: config.namespace.to_vec(),
                unset_only: false,
                subjects: namespace::SubjectMode::DefaultOnly,
            }),
        );
    }
    if !k.name_prefix.is_empty() {
        out.add(
            "PrefixTransformer",
            Box::new(prefix_suffix::PrefixSuffix {
                prefix: k.name_prefix.clone(),
                suffix: String::new(),
                field_specs: config.name_prefix.to_vec(),
            }),
        );
    }
    if !k.name_suffix.is_empty() {
        out.add(
            "SuffixTransformer",
            Box::new(prefix_suffix::PrefixSuffix {
                prefix: String::new(),
                suffix: k.name_suffix.clone(),
                field_specs: config.name_suffix.to_vec(),
            }),
        );
    }
    if !k.labels.is_empty() || k.common_labels.as_ref().is_some_and(|l| !l.is_empty()) {
        for l in &k.labels {
            let mut specs: Vec<FieldSpec> = l
                .fields
                .iter()
                .map(|f| {
                    FieldSpec::new(
                        krust_model::Gvk::new(
                            f.group.as_str(),
                            f.version.as_str(),
                            f.kind.as_str(),
                        ),
                        &f.path,
                        f.create,
                    )
                })
                .collect();
            let add = |specs: &mut Vec<FieldSpec>, more: &[FieldSpec]| {
                for m in more {
                    if !specs.iter().any(|x| x.gvk == m.gvk && x.path == m.path) {
                        specs.push(m.clone());
                    }
                }
            };
            add(&mut specs, &config.labels);
            if l.include_selectors {
                add(&mut specs, &config.common_labels);
            } else {
                // kustomize v5.8.1's templateLabels table holds the StatefulSet claim
                // templates; HEAD moved them to their own table behind
                // `includeVolumeClaimTemplates`, which v5.8.1 rejects. Without the field
                // krust does what v5.8.1 does; with it, what HEAD does.
                if l.include_templates {
                    add(&mut specs, &config.template_labels);
                    if !l.volume_claim_templates_given {
                        add(&mut specs, &config.volume_claim_template_labels);
                    }
                }
                if l.include_volume_claim_templates {
                    add(&mut specs, &config.volume_claim_template_labels);
                }
                add(
                    &mut specs,
                    &[FieldSpec::new(Default::default(), "metadata/labels", true)],
                );
            }
            out.add(
                "LabelTransformer",
                Box::new(labels::Labels {
                    pairs: l.pairs.clone(),
                    field_specs: specs,
                }),
            );
        }
        out.add(
            "LabelTransformer",
            Box::new(labels::Labels {
                pairs: k.common_labels.clone().unwrap_or_default(),
                field_specs: config.common_labels.to_vec(),
            }),
        );
    }
    if let Some(a) = k.common_annotations.as_ref().filter(|a| !a.is_empty()) {
        out.add(
            "AnnotationsTransformer",
            Box::new(annotations::MapEntries {
                pairs: a.clone(),
                field_specs: config.common_annotations.to_vec(),
            }),
        );
    }
    for p in patch::json6902_patches(t)? {
        out.add("PatchJson6902Transformer", p);
    }
    for r in &k.replicas {
        out.add(
            "ReplicaCountTransformer",
            Box::new(replicas::Replicas {
                name: r.name.clone(),
                count: r.count,
                field_specs: config.replicas.to_vec(),
            }),
        );
    }
    for im in &k.images {
        out.add(
            "ImageTagTransformer",
            Box::new(images::Images {
                image: im.clone(),
                field_specs: config.images.to_vec(),
            }),
        );
    }
    if !k.replacements.is_empty() {
        out.add(
            "ReplacementTransformer",
            Box::new(replacements::from_kustomization(t, &k.replacements)?),
        );
    }
    Ok(out.steps)
}

/// kustomize `appendReplaceOrMerge` for generated resources.
pub(crate) fn absorb(list: &mut ResMap, mut r: Resource) -> Result<(), Error> {
    let id = r.cur_id().clone();
    let matches = list.positions_by_any_id(&id).to_vec();
    match matches.as_slice() {
        [] => match r.behavior() {
            Behavior::Merge | Behavior::Replace => Err(Error::msg(format!(
                "id {id} does not exist; cannot merge or replace"
            ))),
            _ => Ok(list.append(r)?),
        },
        [i] => {
            let i = *i;
            let Some(old) = list.get(i).cloned() else {
                return Err(Error::msg("id lookup failure"));
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
                    return Err(Error::msg(format!(
                    "id {id} exists; can not use behavior: '{}', behavior must be merge or replace",
                    b.as_str()
                )))
                }
            }
            list.set(i, r);
            Ok(())
        }
        _ => Err(Error::msg(format!(
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
