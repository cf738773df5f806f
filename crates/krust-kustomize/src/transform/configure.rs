//! Configure, then apply: a kustomization and its loader turned into the generators and
//! transformers it runs, in kustomize's order, as plain data. Every file a step needs is
//! read here (a read error is kept in the step where kustomize reads the file only when the
//! step runs, so that errors come in kustomize's order); the OpenAPI schema of strategic
//! merges is passed in. A configured step knows krust-model and krust-patch, nothing of
//! loaders or targets: [`super::Transform::apply`] and [`super::Generate::generate`].

use std::sync::Arc;

use krust_model::openapi::Schema;

use super::fieldspec::FieldSpec;
use super::{
    annotations, generators, images, labels, namespace, origin, patch, plugins, prefix_suffix,
    replacements, replicas, Config, Generate, Step, Transform,
};
use crate::error::ResultExt;
use crate::target::{Build, Target};
use crate::Error;

/// kustomize `configureBuiltinGenerators` and `configureExternalGenerators`: the
/// `configMapGenerator`s, `secretGenerator`s and `helmCharts` of `t`, then its
/// `generators:` entries.
pub(crate) fn generators(kz: &Build<'_>, t: &Target<'_>) -> Result<Vec<Box<dyn Generate>>, Error> {
    let mut out: Vec<Box<dyn Generate>> = Vec::new();
    for g in generators::DataGenerator::from_kustomization(t) {
        out.push(Box::new(g));
    }
    out.extend(crate::helm_chart::generators(t)?);
    if !t.k.generators.is_empty() {
        out.extend(plugins::generators(kz, t).context_with(|| "loading generator plugins".into())?);
    }
    Ok(out)
}

/// kustomize `runTransformers`' configuration: the builtin transformers of `t` (with the
/// field specs `config` and the strategic-merge `schema`, the builtin one when `None`), then
/// its `transformers:` entries, all configured before any runs.
pub(crate) fn transformers(
    kz: &Build<'_>,
    t: &Target<'_>,
    config: &Config,
    schema: Option<&Arc<Schema>>,
) -> Result<Vec<Step>, Error> {
    let mut steps = builtin_transformers(t, config, schema)?;
    if !t.k.transformers.is_empty() {
        steps.extend(plugins::transformers(kz, t, &t.k.transformers, schema)?);
    }
    Ok(steps)
}

/// kustomize `runValidators`' configuration: the `validators:` entries of `t`.
pub(crate) fn validators(
    kz: &Build<'_>,
    t: &Target<'_>,
    schema: Option<&Arc<Schema>>,
) -> Result<Vec<Step>, Error> {
    plugins::transformers(kz, t, &t.k.validators, schema)
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

/// kustomize `configureBuiltinTransformers`: the builtin transformers of a kustomization,
/// in kustomize's order.
fn builtin_transformers(
    t: &Target<'_>,
    config: &Config,
    schema: Option<&Arc<Schema>>,
) -> Result<Vec<Step>, Error> {
    let k = &t.k;
    let mut out = Steps {
        steps: Vec::new(),
        file: &t.file,
    };
    for p in patch::strategic_merge_patches(t, schema)? {
        out.add("PatchStrategicMergeTransformer", Box::new(p));
    }
    for p in patch::patches(t, schema)? {
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
