//! Transformer configuration: the field specs each transformer walks (kustomize's
//! `TransformerConfig`), the builtin defaults plus `configurations`.

use krust_model::Gvk;
use krust_yaml::{Typing, Value};

use super::fieldspec::FieldSpec;
use crate::decode::fields;
use crate::target::Target;
use crate::Error;

/// kustomize's default field specs (`builtinpluginconsts`), as data.
const DEFAULTS: &str = include_str!("defaults.yaml");

/// Fields that name a resource of type `gvk` (one `nameReference` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct NameBackRef {
    pub gvk: Gvk,
    pub referrers: Vec<FieldSpec>,
}

/// Field specs by transformer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub volume_claim_template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub var_reference: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRef>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    /// `labels` field specs from configuration files (used by `labels:` entries).
    pub labels: Vec<FieldSpec>,
}

/// kustomize `FsSlice.MergeAll`: a spec is left out when one already present has the
/// same path and a Gvk the new one selects (`effectivelyEquals`), so a general default
/// spec is dropped when a configuration file narrowed it to some kinds.
fn merge_specs(into: &mut Vec<FieldSpec>, from: &[FieldSpec]) {
    for fs in from {
        if !into
            .iter()
            .any(|x| x.path == fs.path && x.gvk.is_selected(&fs.gvk))
        {
            into.push(fs.clone());
        }
    }
}

impl Config {
    /// kustomize's defaults.
    pub fn defaults() -> Result<Config, Error> {
        let docs = krust_yaml::parse_stream(DEFAULTS, "<default field specs>", Typing::Yaml11)?;
        let doc = docs.into_iter().next().unwrap_or_default();
        Config::from_value(&doc).map_err(Error::msg)
    }

    /// A configuration file's contents.
    pub fn from_value(v: &Value) -> Result<Config, String> {
        let f = fields(
            v,
            "TransformerConfig",
            &[
                "namePrefix",
                "nameSuffix",
                "commonLabels",
                "templateLabels",
                "volumeClaimTemplateLabels",
                "commonAnnotations",
                "namespace",
                "varReference",
                "nameReference",
                "images",
                "replicas",
                "labels",
            ],
        )?;
        let specs = |name: &str| f.list(name, FieldSpec::decode);
        let mut c = Config {
            name_prefix: specs("namePrefix")?,
            name_suffix: specs("nameSuffix")?,
            common_labels: specs("commonLabels")?,
            template_labels: specs("templateLabels")?,
            volume_claim_template_labels: specs("volumeClaimTemplateLabels")?,
            common_annotations: specs("commonAnnotations")?,
            namespace: specs("namespace")?,
            var_reference: specs("varReference")?,
            name_reference: f.list("nameReference", |v| {
                let nf = fields(
                    v,
                    "NameBackReferences",
                    &["group", "version", "kind", "fieldSpecs"],
                )?;
                Ok(NameBackRef {
                    gvk: Gvk::new(
                        nf.string("group")?,
                        nf.string("version")?,
                        nf.string("kind")?,
                    ),
                    referrers: nf.list("fieldSpecs", FieldSpec::decode)?,
                })
            })?,
            images: specs("images")?,
            replicas: specs("replicas")?,
            labels: Vec::new(),
        };
        c.labels = specs("labels")?;
        Ok(c)
    }

    /// kustomize `TransformerConfig.Merge`.
    pub fn merge(&mut self, o: &Config) {
        merge_specs(&mut self.name_prefix, &o.name_prefix);
        merge_specs(&mut self.name_suffix, &o.name_suffix);
        merge_specs(&mut self.common_labels, &o.common_labels);
        merge_specs(&mut self.template_labels, &o.template_labels);
        merge_specs(
            &mut self.volume_claim_template_labels,
            &o.volume_claim_template_labels,
        );
        merge_specs(&mut self.common_annotations, &o.common_annotations);
        merge_specs(&mut self.namespace, &o.namespace);
        merge_specs(&mut self.var_reference, &o.var_reference);
        merge_specs(&mut self.images, &o.images);
        merge_specs(&mut self.replicas, &o.replicas);
        merge_specs(&mut self.labels, &o.labels);
        for b in &o.name_reference {
            match self.name_reference.iter_mut().find(|x| x.gvk == b.gvk) {
                Some(x) => merge_specs(&mut x.referrers, &b.referrers),
                None => self.name_reference.push(b.clone()),
            }
        }
    }
}

pub(crate) fn merge_configurations(t: &Target<'_>, config: &mut Config) -> Result<(), Error> {
    for path in &t.k.configurations {
        let text = t.ldr.load_string(path)?;
        let file = crate::loader::display(&t.ldr.join(path));
        let docs = krust_yaml::parse_stream(&text, &file, Typing::Yaml11)?;
        for d in docs {
            let mut c = Config::from_value(&d).map_err(|m| Error::msg(format!("{file}: {m}")))?;
            // The file's specs come first, so defaults they narrow are left out.
            c.merge(config);
            *config = c;
        }
    }
    Ok(())
}

/// kustomize `LoadConfigFromCRDs`: field specs from the `x-kubernetes-*` extensions of
/// OpenAPI definitions (`crds:` files).
pub(crate) fn merge_crds(t: &Target<'_>, config: &mut Config) -> Result<(), Error> {
    for path in &t.k.crds {
        let text = t.ldr.load_string(path)?;
        let file = crate::loader::display(&t.ldr.join(path));
        let docs = krust_yaml::parse_stream(&text, &file, Typing::Kyaml).map_err(|e| {
            Error::from(e).context(format!("unable to parse open API definition from '{path}'"))
        })?;
        let Some(doc) = docs.into_iter().next() else {
            continue;
        };
        let Some(types) = doc.as_map() else { continue };
        let mut c = Config::default();
        for (name, api) in types.iter() {
            let props = api.path(&["Schema", "properties"]);
            let k8s = props.is_some_and(|p| {
                p.get("kind").is_some()
                    && p.get("apiVersion").is_some()
                    && p.get("metadata").is_some()
            });
            if !k8s {
                continue;
            }
            let kind = name.rsplit('.').next().unwrap_or(name);
            let gvk = Gvk::new("", "", kind);
            crd_walk(&mut c, &gvk, types, name, &mut Vec::new(), 0);
        }
        config.merge(&c);
    }
    Ok(())
}

fn crd_walk(
    c: &mut Config,
    gvk: &Gvk,
    types: &krust_yaml::Map,
    type_name: &str,
    path: &mut Vec<String>,
    depth: usize,
) {
    // Recursive `$ref`s are bounded (kustomize would loop forever).
    if depth > 32 {
        return;
    }
    let Some(props) = types
        .get(type_name)
        .and_then(|api| api.path(&["Schema", "properties"]))
        .and_then(Value::as_map)
    else {
        return;
    };
    for (prop, p) in props.iter() {
        path.push(prop.to_string());
        let fs = |path: &[String]| FieldSpec::new(gvk.clone(), &path.join("/"), false);
        if p.get("x-kubernetes-annotation").is_some() {
            merge_specs(&mut c.common_annotations, &[fs(path)]);
        }
        if p.get("x-kubernetes-label-selector").is_some() {
            merge_specs(&mut c.common_labels, &[fs(path)]);
        }
        if p.get("x-kubernetes-identity").is_some() {
            merge_specs(&mut c.name_prefix, &[fs(path)]);
        }
        if let (Some(version), Some(kind)) = (
            p.get("x-kubernetes-object-ref-api-version")
                .and_then(Value::as_str),
            p.get("x-kubernetes-object-ref-kind")
                .and_then(Value::as_str),
        ) {
            let key = p
                .get("x-kubernetes-object-ref-name-key")
                .and_then(Value::as_str)
                .unwrap_or("name");
            let mut full = path.clone();
            full.push(key.to_string());
            c.merge(&Config {
                name_reference: vec![NameBackRef {
                    gvk: Gvk::new("", version, kind),
                    referrers: vec![fs(&full)],
                }],
                ..Config::default()
            });
        }
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            crd_walk(c, gvk, types, r, path, depth + 1);
        }
        path.pop();
    }
}
