//! `transformers:`, `generators:` and `validators:` entries: plugin configurations, inline
//! or from files and kustomization directories. Builtin plugins (`apiVersion: builtin`) run;
//! anything else needs an external plugin, which krust does not run.

use krust_model::Resource;
use krust_yaml::{Typing, Value};

use super::fieldspec::FieldSpec;
use super::generators::DataGenerator;
use super::{annotations, images, labels, namespace, patch, prefix_suffix, replicas};
use super::{Generate, Transform};
use crate::kustomization::{GeneratorArgs, GeneratorOptions, Image, Patch, Selector};
use crate::target::{accumulate_resources, Accumulated, Build, Target};
use crate::{Error, Kustomizer};

/// The plugin configurations named by `entries`.
fn configs(kz: &Build<'_>, t: &Target<'_>, entries: &[String]) -> Result<Vec<Resource>, Error> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    for e in entries {
        let inline = if e.contains('\n') {
            t.ldr
                .parse_stream(e, &t.file, Typing::Kyaml)
                .ok()
                .filter(|d| d.iter().any(Value::is_map))
        } else {
            None
        };
        match inline {
            Some(docs) => {
                out.extend(docs.into_iter().filter(Value::is_map).map(Resource::new));
            }
            None => paths.push(e.clone()),
        }
    }
    if !paths.is_empty() {
        let mut ra = Accumulated::new(kz)?;
        accumulate_resources(kz, t, &mut ra, &paths)?;
        out.extend(ra.resources.into_resources());
    }
    Ok(out)
}

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(crate::util::scalar_string)
        .unwrap_or_default()
}

fn pairs(v: &Value, k: &str) -> Vec<(String, String)> {
    v.get(k)
        .and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        crate::util::scalar_string(v).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn specs(v: &Value) -> Result<Vec<FieldSpec>, Error> {
    match v.get("fieldSpecs").and_then(Value::as_seq) {
        None => Ok(Vec::new()),
        Some(seq) => seq
            .iter()
            .map(|f| super::fieldspec::decode_lenient(f).map_err(invalid))
            .collect(),
    }
}

fn selector(v: Option<&Value>) -> Result<Option<Selector>, Error> {
    v.filter(|v| !v.is_null())
        .map(|v| Selector::decode(v).map_err(invalid))
        .transpose()
}

fn invalid(message: String) -> Error {
    Error::InvalidConfig { message }
}

fn strings(v: &Value, k: &str) -> Vec<String> {
    match v.get(k) {
        Some(x) if x.is_seq() => x
            .as_seq()
            .map(|s| s.iter().filter_map(crate::util::scalar_string).collect())
            .unwrap_or_default(),
        Some(x) => crate::util::scalar_string(x).into_iter().collect(),
        None => Vec::new(),
    }
}

fn check_builtin(kz: &Kustomizer, c: &Resource) -> Result<(), Error> {
    let gvk = c.cur_id().gvk.clone();
    if gvk.group().is_empty() && gvk.version() == "builtin" {
        return Ok(());
    }
    if !kz.options.plugins_enabled {
        return Err(Error::PluginsDisabled {
            kind: gvk.kind().to_string(),
        });
    }
    Err(Error::Unsupported {
        file: c.name().to_string(),
        entry: gvk.to_string(),
        what: "an external plugin".into(),
    })
}

fn unknown_builtin(c: &Resource) -> Error {
    if c.kind() == "HelmChartInflationGenerator" {
        return Error::Unsupported {
            file: c.origin().map(|o| o.path.to_string()).unwrap_or_default(),
            entry: format!("HelmChartInflationGenerator {}", c.name()),
            what: "helm chart inflation".into(),
        };
    }
    invalid(format!("unable to load builtin {}", c.cur_id().gvk))
}

/// The transformers (or validators) configured by `entries`.
pub(crate) fn transformers(
    kz: &Build<'_>,
    t: &Target<'_>,
    entries: &[String],
    schema: Option<&std::sync::Arc<krust_model::openapi::Schema>>,
) -> Result<Vec<super::Step>, Error> {
    let mut out: Vec<super::Step> = Vec::new();
    for c in configs(kz, t, entries)? {
        check_builtin(kz, &c)?;
        let v = c.value();
        let tr: Box<dyn Transform> = match c.kind() {
            "AnnotationsTransformer" => Box::new(annotations::MapEntries {
                pairs: pairs(v, "annotations"),
                field_specs: specs(v)?,
            }),
            "LabelTransformer" => Box::new(labels::Labels {
                pairs: pairs(v, "labels"),
                field_specs: specs(v)?,
            }),
            "NamespaceTransformer" => Box::new(namespace::Namespace {
                namespace: c.namespace().to_string(),
                field_specs: specs(v)?,
                unset_only: v.get("unsetOnly").and_then(Value::as_bool) == Some(true),
                subjects: namespace::SubjectMode::parse(&s(v, "setRoleBindingSubjects"))?,
            }),
            "PrefixSuffixTransformer" => Box::new(prefix_suffix::PrefixSuffix {
                prefix: s(v, "prefix"),
                suffix: s(v, "suffix"),
                field_specs: specs(v)?,
            }),
            "PrefixTransformer" => Box::new(prefix_suffix::PrefixSuffix {
                prefix: s(v, "prefix"),
                suffix: String::new(),
                field_specs: specs(v)?,
            }),
            "SuffixTransformer" => Box::new(prefix_suffix::PrefixSuffix {
                prefix: String::new(),
                suffix: s(v, "suffix"),
                field_specs: specs(v)?,
            }),
            "PatchTransformer" => {
                let mut p = Patch {
                    path: s(v, "path"),
                    patch: s(v, "patch"),
                    target: selector(v.get("target"))?,
                    ..Patch::default()
                };
                if let Some(o) = v.get("options") {
                    p.allow_name_change =
                        o.get("allowNameChange").and_then(Value::as_bool) == Some(true);
                    p.allow_kind_change =
                        o.get("allowKindChange").and_then(Value::as_bool) == Some(true);
                }
                patch::patch_entry(t, &p, schema)?
            }
            "PatchStrategicMergeTransformer" => {
                let mut entries = strings(v, "paths");
                let inline = s(v, "patches");
                if !inline.is_empty() {
                    entries.push(inline);
                }
                if entries.is_empty() {
                    return Err(invalid("empty file path and empty patch content".into()));
                }
                Box::new(patch::strategic_merge_entries(t, &entries, schema)?)
            }
            "PatchJson6902Transformer" => {
                let p = Patch {
                    path: s(v, "path"),
                    patch: s(v, "jsonOp"),
                    target: selector(v.get("target"))?,
                    ..Patch::default()
                };
                patch::json6902_entry(t, &p)?
            }
            "ReplicaCountTransformer" => {
                let r = v.get("replica").cloned().unwrap_or_default();
                Box::new(replicas::Replicas {
                    name: s(&r, "name"),
                    count: r.get("count").and_then(Value::as_i64).unwrap_or(0),
                    field_specs: specs(v)?,
                })
            }
            "ImageTagTransformer" => {
                let i = v.get("imageTag").cloned().unwrap_or_default();
                Box::new(images::Images {
                    image: Image {
                        name: s(&i, "name"),
                        new_name: s(&i, "newName"),
                        tag_suffix: s(&i, "tagSuffix"),
                        new_tag: s(&i, "newTag"),
                        digest: s(&i, "digest"),
                    },
                    field_specs: specs(v)?,
                })
            }
            "ReplacementTransformer" => {
                let list: Vec<Value> = v
                    .get("replacements")
                    .and_then(Value::as_seq)
                    .cloned()
                    .unwrap_or_default();
                Box::new(super::replacements::from_kustomization(t, &list)?)
            }
            _ => return Err(unknown_builtin(&c)),
        };
        let origin = super::origin::TransformOrigin {
            configured_in: c
                .origin()
                .map(|o| o.path.to_string())
                .unwrap_or_else(|| t.file.clone()),
            by: c.cur_id().clone(),
        };
        out.push(super::Step {
            origin,
            transform: tr,
        });
    }
    Ok(out)
}

fn generator_options(v: Option<&Value>) -> Option<GeneratorOptions> {
    let o = v.filter(|o| o.is_map())?;
    let opt = |k: &str| o.get(k).map(|_| pairs(o, k));
    Some(GeneratorOptions {
        labels: opt("labels"),
        annotations: opt("annotations"),
        disable_name_suffix_hash: o.get("disableNameSuffixHash").and_then(Value::as_bool)
            == Some(true),
        immutable: o.get("immutable").and_then(Value::as_bool) == Some(true),
    })
}

/// The generators configured by `generators:` entries.
pub(crate) fn generators(kz: &Build<'_>, t: &Target<'_>) -> Result<Vec<Box<dyn Generate>>, Error> {
    let mut out: Vec<Box<dyn Generate>> = Vec::new();
    // kustomize's `LoadGenerators` wraps each generator's loading error; `LoadTransformers`
    // does not (kubectl v1.32).
    let load = |e: Error| e.context("failed to load generator");
    for c in configs(kz, t, &t.k.generators)? {
        check_builtin(kz, &c).map_err(load)?;
        let v = c.value();
        let origin = std::sync::Arc::new(krust_model::Origin {
            configured_in: Some(
                c.origin()
                    .map(|o| o.path.clone())
                    .unwrap_or_else(|| t.file.as_str().into()),
            ),
            configured_by: Some(c.cur_id().clone()),
            ..krust_model::Origin::default()
        });
        let secret = match c.kind() {
            "ConfigMapGenerator" => false,
            "SecretGenerator" => true,
            "IAMPolicyGenerator" => {
                let cloud = s(v, "cloud");
                if cloud != "gke" {
                    return Err(load(invalid(format!(
                        "cloud provider {cloud} not supported yet"
                    ))));
                }
                let ks = v.get("kubernetesService").cloned().unwrap_or_default();
                let sa = v.get("serviceAccount").cloned().unwrap_or_default();
                out.push(Box::new(IamPolicy {
                    name: s(&ks, "name"),
                    namespace: s(&ks, "namespace"),
                    gsa: s(&sa, "name"),
                    project: s(&sa, "projectId"),
                    origin,
                }));
                continue;
            }
            "HelmChartInflationGenerator" => {
                out.push(crate::helm_chart::generator_from_config(t, v).map_err(load)?);
                continue;
            }
            _ => return Err(load(unknown_builtin(&c))),
        };
        let mut envs = strings(v, "envs");
        envs.extend(strings(v, "env"));
        let args = GeneratorArgs {
            namespace: Some(s(v, "namespace"))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| c.namespace().to_string()),
            name: Some(s(v, "name"))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| c.name().to_string()),
            behavior: s(v, "behavior"),
            literals: strings(v, "literals"),
            files: strings(v, "files"),
            envs,
            options: generator_options(v.get("options")),
            secret_type: s(v, "type"),
        };
        out.push(Box::new(DataGenerator::configure(
            t,
            args,
            secret,
            Some(origin),
        )));
    }
    Ok(out)
}

/// The builtin `IAMPolicyGenerator` (GKE workload identity service account).
#[derive(Debug)]
struct IamPolicy {
    name: String,
    namespace: String,
    gsa: String,
    project: String,
    origin: std::sync::Arc<krust_model::Origin>,
}

impl Generate for IamPolicy {
    fn describe(&self) -> String {
        format!("IAMPolicyGenerator {}", self.name)
    }

    fn generate(self: Box<Self>) -> Result<Vec<Resource>, Error> {
        let mut md = Value::map();
        let mut ann = Value::map();
        ann.insert(
            "iam.gke.io/gcp-service-account",
            Value::from(format!(
                "{}@{}.iam.gserviceaccount.com",
                self.gsa, self.project
            )),
        );
        md.insert("annotations", ann);
        md.insert("name", Value::from(self.name.as_str()));
        if !self.namespace.is_empty() {
            md.insert("namespace", Value::from(self.namespace.as_str()));
        }
        let mut obj = Value::map();
        obj.insert("apiVersion", Value::from("v1"));
        obj.insert("kind", Value::from("ServiceAccount"));
        obj.insert("metadata", md);
        let mut r = Resource::new(obj);
        r.set_origin(Some(self.origin.clone()));
        Ok(vec![r])
    }
}
