//! The kustomization file: its typed form, strict loading, and the `kustomize edit fix`
//! rewrites kustomize applies at load (`FixKustomization`).

use krust_yaml::Value;

use crate::decode::{fields, Fields};

/// `kustomize.config.k8s.io/v1beta1`.
pub const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `kustomize.config.k8s.io/v1alpha1`.
pub const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// A selector of resources (`target` of a patch, replacement targets...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

impl Selector {
    pub(crate) fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(
            v,
            "Selector",
            &[
                "group",
                "version",
                "kind",
                "name",
                "namespace",
                "labelSelector",
                "annotationSelector",
            ],
        )?;
        Ok(Selector {
            group: f.string("group")?,
            version: f.string("version")?,
            kind: f.string("kind")?,
            name: f.string("name")?,
            namespace: f.string("namespace")?,
            label_selector: f.string("labelSelector")?,
            annotation_selector: f.string("annotationSelector")?,
        })
    }
}

/// One entry of `patches` (or `patchesJson6902`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub path: String,
    pub patch: String,
    pub target: Option<Selector>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
    /// Where the inline `patch` text starts in the kustomization file, and whether it is
    /// a literal block scalar (`|`: its lines are the file's lines, unlike `>`), so errors
    /// inside it can name the file's line.
    pub patch_mark: krust_yaml::Mark,
    pub patch_block: bool,
}

impl Patch {
    fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(v, "Patch", &["path", "patch", "target", "options"])?;
        let target = f.nested("target", Selector::decode)?;
        let (anc, akc) = f
            .nested("options", |o| {
                let of = fields(o, "PatchArgs", &["allowNameChange", "allowKindChange"])?;
                Ok((of.bool("allowNameChange")?, of.bool("allowKindChange")?))
            })?
            .unwrap_or((false, false));
        let (patch_mark, patch_block) =
            f.raw("patch").map_or((krust_yaml::Mark::NONE, false), |v| {
                (v.mark, v.style == krust_yaml::Style::Literal)
            });
        Ok(Patch {
            path: f.string("path")?,
            patch: f.string("patch")?,
            target,
            allow_name_change: anc,
            allow_kind_change: akc,
            patch_mark,
            patch_block,
        })
    }
}

/// A field spec (`group/version/kind` + slash-separated path).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSpecArg {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    pub create: bool,
}

impl FieldSpecArg {
    pub(crate) fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(
            v,
            "FieldSpec",
            &["group", "version", "kind", "path", "create"],
        )?;
        Ok(FieldSpecArg {
            group: f.string("group")?,
            version: f.string("version")?,
            kind: f.string("kind")?,
            path: f.string("path")?,
            create: f.bool("create")?,
        })
    }
}

/// One entry of `labels`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Label {
    pub pairs: Vec<(String, String)>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub include_volume_claim_templates: bool,
    /// `includeVolumeClaimTemplates` is written at all (a field kustomize v5.8.1 rejects;
    /// krust accepts it with kustomize HEAD's meaning, see `versions.md`).
    pub volume_claim_templates_given: bool,
    pub fields: Vec<FieldSpecArg>,
}

/// One entry of `images`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Image {
    pub name: String,
    pub new_name: String,
    pub tag_suffix: String,
    pub new_tag: String,
    pub digest: String,
}

/// One entry of `replicas`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

/// `generatorOptions`, global or per generator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorOptions {
    pub labels: Option<Vec<(String, String)>>,
    pub annotations: Option<Vec<(String, String)>>,
    pub disable_name_suffix_hash: bool,
    pub immutable: bool,
}

impl GeneratorOptions {
    fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(
            v,
            "GeneratorOptions",
            &[
                "labels",
                "annotations",
                "disableNameSuffixHash",
                "immutable",
            ],
        )?;
        Ok(GeneratorOptions {
            labels: f.string_map("labels")?,
            annotations: f.string_map("annotations")?,
            disable_name_suffix_hash: f.bool("disableNameSuffixHash")?,
            immutable: f.bool("immutable")?,
        })
    }

    /// kustomize's `MergeGlobalOptionsIntoLocal`.
    pub fn merge_global(local: Option<&Self>, global: Option<&Self>) -> Option<Self> {
        let Some(g) = global else {
            return local.cloned();
        };
        let mut l = local.cloned().unwrap_or_default();
        fn merge(l: &mut Option<Vec<(String, String)>>, g: &Option<Vec<(String, String)>>) {
            if let Some(g) = g {
                let lv = l.get_or_insert_with(Vec::new);
                for (k, v) in g {
                    if !lv.iter().any(|(lk, _)| lk == k) {
                        lv.push((k.clone(), v.clone()));
                    }
                }
            }
        }
        merge(&mut l.labels, &g.labels);
        merge(&mut l.annotations, &g.annotations);
        if g.disable_name_suffix_hash {
            l.disable_name_suffix_hash = true;
        }
        if g.immutable {
            l.immutable = true;
        }
        Some(l)
    }
}

/// One entry of `configMapGenerator` or `secretGenerator`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorArgs {
    pub namespace: String,
    pub name: String,
    pub behavior: String,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    pub options: Option<GeneratorOptions>,
    /// Secrets only: `type`.
    pub secret_type: String,
}

impl GeneratorArgs {
    fn decode(v: &Value, secret: bool) -> Result<Self, String> {
        let mut known = vec![
            "namespace",
            "name",
            "behavior",
            "literals",
            "files",
            "envs",
            "env",
            "options",
        ];
        let ty = if secret {
            known.push("type");
            "SecretArgs"
        } else {
            "ConfigMapArgs"
        };
        let f = fields(v, ty, &known)?;
        let mut envs = f.strings("envs")?;
        let env = f.string("env")?;
        if !env.is_empty() {
            envs.push(env);
        }
        Ok(GeneratorArgs {
            namespace: f.string("namespace")?,
            name: f.string("name")?,
            behavior: f.string("behavior")?,
            literals: f.strings("literals")?,
            files: f.strings("files")?,
            envs,
            options: f.nested("options", GeneratorOptions::decode)?,
            secret_type: if secret {
                f.string("type")?
            } else {
                String::new()
            },
        })
    }
}

/// A kustomization (or component) file, after kustomize's load-time fixes.
#[derive(Debug, Clone, Default)]
pub struct Kustomization {
    pub api_version: String,
    pub kind: String,
    pub metadata: Option<Value>,
    pub openapi: Option<Vec<(String, String)>>,
    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: String,
    pub common_labels: Option<Vec<(String, String)>>,
    pub labels: Vec<Label>,
    pub common_annotations: Option<Vec<(String, String)>>,
    pub patches_strategic_merge: Vec<String>,
    pub patches_json6902: Vec<Patch>,
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
    /// `replacements` entries as written (decoded by the replacement transform).
    pub replacements: Vec<Value>,
    pub replicas: Vec<Replica>,
    /// `vars` entries as written.
    pub vars: Vec<Value>,
    pub sort_options: Option<Value>,
    pub resources: Vec<String>,
    pub components: Vec<String>,
    pub crds: Vec<String>,
    pub config_map_generator: Vec<GeneratorArgs>,
    pub secret_generator: Vec<GeneratorArgs>,
    pub helm_globals: Option<Value>,
    pub helm_charts: Vec<Value>,
    pub generator_options: Option<GeneratorOptions>,
    pub configurations: Vec<String>,
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    pub validators: Vec<String>,
    pub build_metadata: Vec<String>,
}

const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

fn raw_list(f: &Fields<'_>, name: &str) -> Result<Vec<Value>, String> {
    f.list(name, |v| Ok(v.clone()))
}

fn image(v: &Value) -> Result<Image, String> {
    let f = fields(
        v,
        "Image",
        &["name", "newName", "tagSuffix", "newTag", "digest"],
    )?;
    Ok(Image {
        name: f.string("name")?,
        new_name: f.string("newName")?,
        tag_suffix: f.string("tagSuffix")?,
        new_tag: f.string("newTag")?,
        digest: f.string("digest")?,
    })
}

impl Kustomization {
    /// Decodes a kustomization document (already read with YAML 1.1 typing). Errors carry
    /// kustomize's `json: ...` wording, without the file name.
    pub fn from_value(v: &Value) -> Result<Self, String> {
        if !v.is_map() && !v.is_null() {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type types.Kustomization",
                v.json_type_name()
            ));
        }
        let f = fields(v, "Kustomization", FIELDS)?;
        let mut k = Kustomization {
            api_version: f.string("apiVersion")?,
            kind: f.string("kind")?,
            metadata: f.raw("metadata").cloned(),
            openapi: f.string_map("openapi")?,
            name_prefix: f.string("namePrefix")?,
            name_suffix: f.string("nameSuffix")?,
            namespace: f.string("namespace")?,
            common_labels: f.string_map("commonLabels")?,
            labels: f.list("labels", |v| {
                let lf = fields(
                    v,
                    "Label",
                    &[
                        "pairs",
                        "includeSelectors",
                        "includeTemplates",
                        "includeVolumeClaimTemplates",
                        "fields",
                    ],
                )?;
                Ok(Label {
                    pairs: lf.string_map("pairs")?.unwrap_or_default(),
                    include_selectors: lf.bool("includeSelectors")?,
                    include_templates: lf.bool("includeTemplates")?,
                    include_volume_claim_templates: lf.bool("includeVolumeClaimTemplates")?,
                    volume_claim_templates_given: lf
                        .raw("includeVolumeClaimTemplates")
                        .is_some_and(|v| !v.is_null()),
                    fields: lf.list("fields", FieldSpecArg::decode)?,
                })
            })?,
            common_annotations: f.string_map("commonAnnotations")?,
            patches_strategic_merge: f.strings("patchesStrategicMerge")?,
            patches_json6902: f.list("patchesJson6902", Patch::decode)?,
            patches: f.list("patches", Patch::decode)?,
            images: f.list("images", image)?,
            replacements: raw_list(&f, "replacements")?,
            replicas: f.list("replicas", |v| {
                let rf = fields(v, "Replica", &["name", "count"])?;
                Ok(Replica {
                    name: rf.string("name")?,
                    count: rf.int("count")?.unwrap_or(0),
                })
            })?,
            vars: raw_list(&f, "vars")?,
            sort_options: f.raw("sortOptions").cloned(),
            resources: f.strings("resources")?,
            components: f.strings("components")?,
            crds: f.strings("crds")?,
            config_map_generator: f
                .list("configMapGenerator", |v| GeneratorArgs::decode(v, false))?,
            secret_generator: f.list("secretGenerator", |v| GeneratorArgs::decode(v, true))?,
            helm_globals: f.raw("helmGlobals").cloned(),
            helm_charts: raw_list(&f, "helmCharts")?,
            generator_options: f.nested("generatorOptions", GeneratorOptions::decode)?,
            configurations: f.strings("configurations")?,
            generators: f.strings("generators")?,
            transformers: f.strings("transformers")?,
            validators: f.strings("validators")?,
            build_metadata: f.strings("buildMetadata")?,
        };
        // FixKustomization: the deprecated spellings kustomize rewrites at load.
        k.resources.extend(f.strings("bases")?);
        k.images.extend(f.list("imageTags", image)?);
        k.helm_charts
            .extend(raw_list(&f, "helmChartInflationGenerator")?);
        if k.kind.is_empty() {
            k.kind = "Kustomization".into();
        }
        if k.api_version.is_empty() {
            k.api_version = if k.kind == "Component" {
                COMPONENT_VERSION.into()
            } else {
                KUSTOMIZATION_VERSION.into()
            };
        }
        Ok(k)
    }

    /// Whether this is a `kind: Component`.
    pub fn is_component(&self) -> bool {
        self.kind == "Component"
    }

    /// kustomize's `EnforceFields`.
    pub fn enforce_fields(&self) -> Vec<String> {
        let mut errs = Vec::new();
        if self.kind != "Kustomization" && self.kind != "Component" {
            errs.push("kind should be Kustomization or Component".to_string());
        }
        let required = if self.is_component() {
            COMPONENT_VERSION
        } else {
            KUSTOMIZATION_VERSION
        };
        if self.api_version != required {
            errs.push(format!("apiVersion for {} should be {required}", self.kind));
        }
        errs
    }
}
