//! Transformer configuration: the field specs each transformer walks (kustomize's
//! `TransformerConfig`), the builtin defaults plus `configurations`.

use std::sync::Arc;

use krust_model::fieldspecs::{FieldSpec as ModelSpec, FieldSpecTables};
use krust_model::Gvk;
use krust_yaml::{Typing, Value};

use super::fieldspec::FieldSpec;
use crate::decode::fields;
use crate::target::Target;
use crate::Error;

/// Fields that name a resource of type `gvk` (one `nameReference` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct NameBackRef {
    /// The referred-to kind.
    pub gvk: Gvk,
    /// The fields that hold its names.
    pub referrers: Specs,
}

/// One table of field specs, shared between configurations until one is changed (every
/// kustomization with `configurations:` holds a merged copy of the defaults).
pub type Specs = Arc<Vec<FieldSpec>>;

/// Field specs by transformer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `namePrefix`: names that get the prefix.
    pub name_prefix: Specs,
    /// `nameSuffix`: names that get the suffix.
    pub name_suffix: Specs,
    /// `commonLabels`: where common labels (and selectors) go.
    pub common_labels: Specs,
    /// `templateLabels`: pod-template labels (`labels` with `includeTemplates`).
    pub template_labels: Specs,
    /// Volume-claim-template labels (`labels` with `includeVolumeClaimTemplates`).
    pub volume_claim_template_labels: Specs,
    /// `commonAnnotations`: where common annotations go.
    pub common_annotations: Specs,
    /// `namespace`: the fields the namespace transformer sets.
    pub namespace: Specs,
    /// `varReference`: where `$(VAR)` references are replaced.
    pub var_reference: Specs,
    /// `nameReference`: where each kind's names are referred to.
    pub name_reference: Arc<Vec<NameBackRef>>,
    /// `images`: the fields holding container images.
    pub images: Specs,
    /// `replicas`: the fields holding replica counts.
    pub replicas: Specs,
    /// `labels` field specs from configuration files (used by `labels:` entries).
    pub labels: Specs,
}

/// kustomize `FsSlice.MergeAll`: a spec is left out when one already present has the
/// same path and a Gvk the new one selects (`effectivelyEquals`), so a general default
/// spec is dropped when a configuration file narrowed it to some kinds. `into` is copied
/// only when a spec is added, and shares `from` when it is empty and `from` has no
/// duplicates.
fn merge_specs(into: &mut Specs, from: &Specs) {
    let mut added: Vec<FieldSpec> = Vec::new();
    for fs in from.iter() {
        let present = |x: &FieldSpec| x.path == fs.path && x.gvk.is_selected(&fs.gvk);
        if !into.iter().any(present) && !added.iter().any(present) {
            added.push(fs.clone());
        }
    }
    if added.is_empty() {
        return;
    }
    if into.is_empty() && added.len() == from.len() {
        *into = from.clone();
        return;
    }
    Arc::make_mut(into).extend(added);
}

impl Config {
    /// kustomize's defaults: krust-model's v5.8.1 tables, with the StatefulSet
    /// claim-template labels also kept apart (kustomize HEAD's `volumeClaimTemplateLabels`,
    /// for `includeVolumeClaimTemplates`; see `versions.md`).
    pub fn defaults() -> Result<Config, Error> {
        let b = FieldSpecTables::builtin();
        let conv = |l: &[ModelSpec]| -> Specs {
            Arc::new(
                l.iter()
                    .map(|f| FieldSpec::new(f.gvk.clone(), f.path.as_str(), f.create))
                    .collect(),
            )
        };
        const CLAIM_LABELS: &str = "spec/volumeClaimTemplates[]/metadata/labels";
        let (claim_labels, template_labels): (Vec<_>, Vec<_>) = conv(&b.template_labels)
            .iter()
            .cloned()
            .partition(|f| &*f.path_text == CLAIM_LABELS);
        Ok(Config {
            name_prefix: conv(&b.name_prefix),
            name_suffix: conv(&b.name_suffix),
            common_labels: conv(&b.common_labels),
            template_labels: Arc::new(template_labels),
            volume_claim_template_labels: Arc::new(claim_labels),
            common_annotations: conv(&b.common_annotations),
            namespace: conv(&b.namespace),
            var_reference: conv(&b.var_reference),
            name_reference: Arc::new(
                b.name_reference
                    .iter()
                    .map(|n| NameBackRef {
                        gvk: n.gvk.clone(),
                        referrers: conv(&n.referrers),
                    })
                    .collect(),
            ),
            images: conv(&b.images),
            replicas: conv(&b.replicas),
            labels: conv(&b.labels),
        })
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
        let specs = |name: &str| f.list(name, FieldSpec::decode).map(Arc::new);
        let mut c = Config {
            name_prefix: specs("namePrefix")?,
            name_suffix: specs("nameSuffix")?,
            common_labels: specs("commonLabels")?,
            template_labels: specs("templateLabels")?,
            volume_claim_template_labels: specs("volumeClaimTemplateLabels")?,
            common_annotations: specs("commonAnnotations")?,
            namespace: specs("namespace")?,
            var_reference: specs("varReference")?,
            name_reference: f
                .list("nameReference", |v| {
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
                        referrers: Arc::new(nf.list("fieldSpecs", FieldSpec::decode)?),
                    })
                })
                .map(Arc::new)?,
            images: specs("images")?,
            replicas: specs("replicas")?,
            labels: Specs::default(),
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
        if self.name_reference.is_empty() && distinct_kinds(&o.name_reference) {
            // What the loop below would build, shared.
            self.name_reference = o.name_reference.clone();
            return;
        }
        for b in o.name_reference.iter() {
            match self.name_reference.iter().position(|x| x.gvk == b.gvk) {
                Some(i) => {
                    let mut referrers = self.name_reference[i].referrers.clone();
                    merge_specs(&mut referrers, &b.referrers);
                    if !Arc::ptr_eq(&referrers, &self.name_reference[i].referrers) {
                        if let Some(x) = Arc::make_mut(&mut self.name_reference).get_mut(i) {
                            x.referrers = referrers;
                        }
                    }
                }
                None => Arc::make_mut(&mut self.name_reference).push(b.clone()),
            }
        }
    }
}

/// The spec of `from` that one of `into` already covers with another `create` (kustomize
/// `FsSlice.mergeOne`'s "conflicting fieldspecs": the first covering spec decides).
fn conflicts(into: &[FieldSpec], from: &[FieldSpec]) -> bool {
    let mut added: Vec<&FieldSpec> = Vec::new();
    for fs in from {
        let covers = |x: &&FieldSpec| x.path == fs.path && x.gvk.is_selected(&fs.gvk);
        match into
            .iter()
            .find(covers)
            .or_else(|| added.iter().copied().find(covers))
        {
            Some(x) if x.create != fs.create => return true,
            Some(_) => {}
            None => added.push(fs),
        }
    }
    false
}

impl Config {
    /// The error kustomize's `TransformerConfig.Merge` gives when `o` has a spec for a
    /// field this config has with another `create`.
    pub fn check_merge(&self, o: &Config) -> Result<(), Error> {
        let tables: [(&str, &Specs, &Specs); 11] = [
            ("NamePrefix", &self.name_prefix, &o.name_prefix),
            ("NameSuffix", &self.name_suffix, &o.name_suffix),
            ("NameSpace", &self.namespace, &o.namespace),
            (
                "CommonAnnotations",
                &self.common_annotations,
                &o.common_annotations,
            ),
            ("CommonLabels", &self.common_labels, &o.common_labels),
            ("Labels", &self.labels, &o.labels),
            ("TemplateLabels", &self.template_labels, &o.template_labels),
            (
                "VolumeClaimTemplateLabels",
                &self.volume_claim_template_labels,
                &o.volume_claim_template_labels,
            ),
            ("VarReference", &self.var_reference, &o.var_reference),
            ("Images", &self.images, &o.images),
            ("Replicas", &self.replicas, &o.replicas),
        ];
        let conflict = |table: &str| {
            Err(Error::msg(format!(
                "failed to merge {table} fieldSpec: conflicting fieldspecs"
            )))
        };
        for (table, a, b) in tables {
            if conflicts(a, b) {
                return conflict(table);
            }
        }
        for b in o.name_reference.iter() {
            if let Some(x) = self.name_reference.iter().find(|x| x.gvk == b.gvk) {
                if conflicts(&x.referrers, &b.referrers) {
                    return conflict("NameReference");
                }
            }
        }
        Ok(())
    }
}

/// Whether no two entries name the same kind.
fn distinct_kinds(refs: &[NameBackRef]) -> bool {
    refs.iter()
        .enumerate()
        .all(|(i, b)| refs[..i].iter().all(|x| x.gvk != b.gvk))
}

pub(crate) fn merge_configurations(t: &Target<'_>, config: &mut Config) -> Result<(), Error> {
    for path in &t.k.configurations {
        let text = t.ldr.load_string(path)?;
        let file = crate::loader::display(&t.ldr.join(path));
        let docs = krust_yaml::parse_stream(&text, &file, Typing::Yaml11)?;
        reject_duplicate_keys(&text, &file)?;
        // kustomize unmarshals the file into one struct: only its first document counts.
        if let Some(d) = docs.into_iter().next() {
            let mut c = Config::from_value(&d).map_err(|m| Error::msg(format!("{file}: {m}")))?;
            // The file's specs come first, so defaults they narrow are left out.
            c.check_merge(config)?;
            c.merge(config);
            *config = c;
        }
    }
    Ok(())
}

/// kustomize reads a configurations file with go-yaml v2's strict unmarshal, which fails on
/// a key written twice in one mapping of the first document (sigs.k8s.io/yaml's YAML 1.1
/// reader lets the later one win; go-yaml v3, as [`Typing::Kyaml`] reads, rejects it too).
fn reject_duplicate_keys(text: &str, file: &str) -> Result<(), Error> {
    let first = match text.find("\n---") {
        Some(i) => &text[..i + 1],
        None => text,
    };
    match krust_yaml::parse_stream(first, file, Typing::Kyaml) {
        Err(e) if e.to_string().contains("already defined") => Err(Error::msg(format!(
            "{file}: error converting YAML to JSON: yaml: unmarshal errors: {e}"
        ))),
        _ => Ok(()),
    }
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
        config.check_merge(&c)?;
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
            merge_specs(&mut c.common_annotations, &Arc::new(vec![fs(path)]));
        }
        if p.get("x-kubernetes-label-selector").is_some() {
            merge_specs(&mut c.common_labels, &Arc::new(vec![fs(path)]));
        }
        if p.get("x-kubernetes-identity").is_some() {
            merge_specs(&mut c.name_prefix, &Arc::new(vec![fs(path)]));
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
                name_reference: Arc::new(vec![NameBackRef {
                    gvk: Gvk::new("", version, kind),
                    referrers: Arc::new(vec![fs(&full)]),
                }]),
                ..Config::default()
            });
        }
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            crd_walk(c, gvk, types, r, path, depth + 1);
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(l: &[FieldSpec]) -> Vec<&str> {
        l.iter().map(|f| &*f.path_text).collect()
    }

    #[test]
    fn defaults_follow_current_kustomize() {
        let Ok(c) = Config::defaults() else {
            panic!("defaults build");
        };
        assert_eq!(
            paths(&c.images),
            [
                "spec/containers[]/image",
                "spec/initContainers[]/image",
                "spec/volumes[]/image/reference",
                "spec/template/spec/containers[]/image",
                "spec/template/spec/initContainers[]/image",
                "spec/template/spec/volumes[]/image/reference",
            ]
        );
        assert_eq!(
            paths(&c.volume_claim_template_labels),
            ["spec/volumeClaimTemplates[]/metadata/labels"]
        );
        assert!(!paths(&c.template_labels).contains(&"spec/volumeClaimTemplates[]/metadata/labels"));
        assert!(c.name_reference.iter().any(|n| n.gvk.kind() == "ConfigMap"));
    }

    #[test]
    fn conflicting_create_is_an_error() {
        let Ok(d) = Config::defaults() else {
            panic!("defaults build");
        };
        let mut c = Config {
            name_prefix: Arc::new(vec![FieldSpec::new(Gvk::default(), "metadata/name", true)]),
            ..Config::default()
        };
        let Err(e) = c.check_merge(&d) else {
            panic!("conflict not seen");
        };
        assert_eq!(
            e.to_string(),
            "failed to merge NamePrefix fieldSpec: conflicting fieldspecs"
        );
        c.name_prefix = Arc::new(vec![FieldSpec::new(Gvk::default(), "metadata/name", false)]);
        assert!(c.check_merge(&d).is_ok());
        assert!(d.check_merge(&d).is_ok());
    }

    #[test]
    fn merging_shares_unchanged_tables() {
        let Ok(d) = Config::defaults() else {
            panic!("defaults build");
        };
        let mut c = Config::default();
        c.merge(&d);
        assert!(Arc::ptr_eq(&c.namespace, &d.namespace));
        assert!(Arc::ptr_eq(&c.name_reference, &d.name_reference));
        let mut e = d.clone();
        e.merge(&d);
        assert!(Arc::ptr_eq(&e.images, &d.images));
        assert_eq!(e, d);
    }
}
