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
    /// API group; empty matches any.
    pub group: String,
    /// API version; empty matches any.
    pub version: String,
    /// Kind; empty matches any.
    pub kind: String,
    /// Name, a regular expression (anchored); empty matches any.
    pub name: String,
    /// Namespace, a regular expression (anchored); empty matches any.
    pub namespace: String,
    /// A Kubernetes label selector (`app=web,tier!=db`).
    pub label_selector: String,
    /// A label-selector expression over annotations.
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
    /// The patch file, relative to the kustomization.
    pub path: String,
    /// The inline patch text.
    pub patch: String,
    /// The resources to patch; `None`: those the strategic-merge patch names.
    pub target: Option<Selector>,
    /// `options.allowNameChange`: the patch may rename its target.
    pub allow_name_change: bool,
    /// `options.allowKindChange`: the patch may change its target's kind.
    pub allow_kind_change: bool,
    /// Where the inline `patch` text starts in the kustomization file, and whether it is
    /// a literal block scalar (`|`: its lines are the file's lines, unlike `>`), so errors
    /// inside it can name the file's line.
    pub patch_mark: krust_yaml::Mark,
    /// The inline `patch` is a literal block scalar (see `patch_mark`).
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
    /// API group of the objects; empty matches any.
    pub group: String,
    /// API version; empty matches any.
    pub version: String,
    /// Kind; empty matches any.
    pub kind: String,
    /// The field's path (`spec/selector/matchLabels`).
    pub path: String,
    /// Whether a missing field is created.
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
    /// The labels, in file order.
    pub pairs: Vec<(String, String)>,
    /// `includeSelectors`: also set selectors (as `commonLabels` does).
    pub include_selectors: bool,
    /// `includeTemplates`: also set pod-template labels.
    pub include_templates: bool,
    /// `includeVolumeClaimTemplates`: also set volume-claim-template labels.
    pub include_volume_claim_templates: bool,
    /// `includeVolumeClaimTemplates` is written at all (a field kustomize v5.8.1 rejects;
    /// krust accepts it with kustomize HEAD's meaning, see `versions.md`).
    pub volume_claim_templates_given: bool,
    /// `fields`: extra field specs to set the labels at.
    pub fields: Vec<FieldSpecArg>,
}

/// One entry of `images`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Image {
    /// The image name to match (without tag or digest).
    pub name: String,
    /// `newName`: the replacement name.
    pub new_name: String,
    /// `tagSuffix`: appended to the existing tag when no `newTag` or `digest` is given.
    pub tag_suffix: String,
    /// `newTag`: the replacement tag.
    pub new_tag: String,
    /// `digest`: the replacement digest.
    pub digest: String,
}

/// One entry of `replicas`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replica {
    /// The workload's name.
    pub name: String,
    /// The replica count to set.
    pub count: i64,
}

/// `generatorOptions`, global or per generator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeneratorOptions {
    /// Labels added to generated objects.
    pub labels: Option<Vec<(String, String)>>,
    /// Annotations added to generated objects.
    pub annotations: Option<Vec<(String, String)>>,
    /// `disableNameSuffixHash`: no content-hash name suffix.
    pub disable_name_suffix_hash: bool,
    /// `immutable`: generated objects are marked immutable.
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
    /// `namespace` of the generated object.
    pub namespace: String,
    /// `name` of the generated object.
    pub name: String,
    /// `behavior` as written (`create`, `replace`, `merge`; empty: unspecified).
    pub behavior: String,
    /// `literals`: `key=value` entries.
    pub literals: Vec<String>,
    /// `files`: `[key=]path` entries.
    pub files: Vec<String>,
    /// `envs` (with the deprecated `env` appended): env files.
    pub envs: Vec<String>,
    /// Per-generator `options`.
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
    /// `apiVersion`.
    pub api_version: String,
    /// `kind` (`Kustomization` or `Component`).
    pub kind: String,
    /// `openapi`: a schema `path` and/or a built-in schema `version`.
    pub openapi: Option<Vec<(String, String)>>,
    /// `namePrefix`.
    pub name_prefix: String,
    /// `nameSuffix`.
    pub name_suffix: String,
    /// `namespace`.
    pub namespace: String,
    /// `commonLabels`, in file order.
    pub common_labels: Option<Vec<(String, String)>>,
    /// `labels` entries.
    pub labels: Vec<Label>,
    /// `commonAnnotations`, in file order.
    pub common_annotations: Option<Vec<(String, String)>>,
    /// `patchesStrategicMerge`: file paths or inline patches.
    pub patches_strategic_merge: Vec<String>,
    /// `patchesJson6902` entries.
    pub patches_json6902: Vec<Patch>,
    /// `patches` entries.
    pub patches: Vec<Patch>,
    /// `images` entries.
    pub images: Vec<Image>,
    /// `replacements` entries as written (decoded by the replacement transform).
    pub replacements: Vec<Value>,
    /// `replicas` entries.
    pub replicas: Vec<Replica>,
    /// `vars` entries as written.
    pub vars: Vec<Value>,
    /// `sortOptions` as written.
    pub sort_options: Option<Value>,
    /// `resources`: files, directories and URLs.
    pub resources: Vec<String>,
    /// `components`: component directories.
    pub components: Vec<String>,
    /// `crds`: CRD files whose schemas inform name references.
    pub crds: Vec<String>,
    /// `configMapGenerator` entries.
    pub config_map_generator: Vec<GeneratorArgs>,
    /// `secretGenerator` entries.
    pub secret_generator: Vec<GeneratorArgs>,
    /// `helmGlobals` as written (checked at load).
    pub helm_globals: Option<Value>,
    /// `helmCharts` entries as written (checked at load), with the deprecated
    /// `helmChartInflationGenerator` entries converted to this form appended.
    pub helm_charts: Vec<Value>,
    /// Global `generatorOptions`.
    pub generator_options: Option<GeneratorOptions>,
    /// `configurations`: transformer-configuration files.
    pub configurations: Vec<String>,
    /// `generators`: generator plugin configs or directories.
    pub generators: Vec<String>,
    /// `transformers`: transformer plugin configs or directories.
    pub transformers: Vec<String>,
    /// `validators`: validator plugin configs.
    pub validators: Vec<String>,
    /// `buildMetadata`: `originAnnotations`, `transformerAnnotations`, `managedByLabel`.
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
        let (charts, globals) =
            crate::helm_chart::split_helm_parameters(&raw_list(&f, "helmChartInflationGenerator")?)
                .map_err(|m| crate::decode::nest(m, "helmChartInflationGenerator"))?;
        if k.helm_globals.is_none() {
            k.helm_globals = globals;
        }
        k.helm_charts.extend(charts);
        // Strict decoding of the entries (kustomize decodes them with the file).
        for c in &k.helm_charts {
            crate::helm_chart::HelmChart::decode(c)
                .map_err(|m| crate::decode::nest(m, "helmCharts"))?;
        }
        if let Some(g) = &k.helm_globals {
            crate::helm_chart::HelmGlobals::decode(g)
                .map_err(|m| crate::decode::nest(m, "helmGlobals"))?;
        }
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
