//! kustomize's `helmCharts:` (the builtin HelmChartInflationGenerator), rendered with
//! krust-chart instead of the helm binary.
//!
//! This follows kustomize v5.8.1 (`api/internal/builtins/HelmChartInflationGenerator.go`,
//! `api/types/helmchartargs.go`, `api/internal/target/kusttarget_configplugin.go`):
//!
//! - Without [`HelmOptions::enabled`] (kustomize's `--enable-helm`) a `helmCharts` entry is
//!   kustomize's configuration error `must specify --enable-helm`, with the entry's
//!   configuration printed as kustomize prints it.
//! - The chart is the directory `<chartHome>/<name>`; `chartHome` (from `helmGlobals`,
//!   default `charts`) is relative to the kustomization's directory unless absolute. When
//!   both `version` and `repo` are set the chart is looked for in
//!   `<chartHome>/<name>-<version>/<name>` (where `helm pull --untardir` would put it).
//!   A chart that is not there is an error: with a `repo`, kustomize would download it,
//!   which krust never does.
//! - Values: `valuesFile` (default `<chart>/values.yaml`, read through the loader, so the
//!   load restrictor applies), merged with `valuesInline` by `valuesMerge` (`override`,
//!   the default: inline wins; `merge`: the file wins; `replace`: inline only) with kyaml's
//!   `merge2`, then every `additionalValuesFiles` entry, as `helm template -f ... -f ...`.
//! - `releaseName` (or `nameTemplate`, or Helm's generated `<chart>-<unix time>`),
//!   `namespace` (default: the kustomization's `namespace`, else the nearest including
//!   kustomization's), `includeCRDs`, `skipHooks`, `skipTests`, `apiVersions`,
//!   `kubeVersion` (the chart entry's own value, else the `--helm-*` option).
//! - The output is `helm template`'s, read back as resources in its order (CRDs, manifests
//!   in Helm's install order, hooks), each marked `kustomize.config.k8s.io/helm-generated`
//!   so the namespace transformers leave them alone; the mark is removed at the end of the
//!   build.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_model::Resource;
use krust_yaml::{Map, Typing, Value};

use crate::decode::fields;
use crate::loader::display;
use crate::target::Target;
use crate::transform::Generate;
use crate::Error;

/// The annotation kustomize puts on every resource a chart produced (`konfig.HelmGeneratedAnnotation`).
pub(crate) const HELM_GENERATED: &str = "kustomize.config.k8s.io/helm-generated";

/// The builtin plugin's kind, as kustomize names it in messages.
const KIND: &str = "HelmChartInflationGenerator";

/// kustomize's `--enable-helm` and `--helm-*` flags (`types.HelmConfig`). krust renders
/// charts itself, so there is no `--helm-command`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct HelmOptions {
    /// `--enable-helm`: inflate `helmCharts`. Off, a `helmCharts` entry is kustomize's
    /// `must specify --enable-helm` error.
    pub enabled: bool,
    /// `--helm-kube-version`: the Kubernetes version of charts whose entry sets no
    /// `kubeVersion`.
    pub kube_version: String,
    /// `--helm-api-versions`: the extra API versions of charts whose entry sets no
    /// `apiVersions`.
    pub api_versions: Vec<String>,
}

/// `helmGlobals` (`types.HelmGlobals`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmGlobals {
    /// `chartHome`: the directory holding one subdirectory per chart (default `charts`).
    pub chart_home: String,
    /// `configHome`: helm's `HELM_CONFIG_HOME` (unused: no helm process).
    pub config_home: String,
}

/// One `helmCharts` entry (`types.HelmChart`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmChart {
    /// `name`: the chart's directory name under the chart home.
    pub name: String,
    /// `version`: with `repo`, selects `<chartHome>/<name>-<version>/<name>`.
    pub version: String,
    /// `repo`: where kustomize would download the chart from.
    pub repo: String,
    /// `releaseName`.
    pub release_name: String,
    /// `namespace`: the release namespace.
    pub namespace: String,
    /// `additionalValuesFiles`, relative to the kustomization.
    pub additional_values_files: Vec<String>,
    /// `valuesFile`: replaces the chart's `values.yaml` as the first values file.
    pub values_file: String,
    /// `valuesInline`: a mapping (null when not given).
    pub values_inline: Value,
    /// `valuesMerge`: `override` (default), `merge` or `replace`.
    pub values_merge: String,
    /// `includeCRDs`.
    pub include_crds: bool,
    /// `skipHooks` (`--no-hooks`).
    pub skip_hooks: bool,
    /// `apiVersions` (`--api-versions`).
    pub api_versions: Vec<String>,
    /// `kubeVersion` (`--kube-version`).
    pub kube_version: String,
    /// `nameTemplate` (`--name-template`).
    pub name_template: String,
    /// `skipTests` (`--skip-tests`).
    pub skip_tests: bool,
    /// `debug` (`--debug`; no effect).
    pub debug: bool,
    /// `devel` (`--devel`; only matters for a download).
    pub devel: bool,
}

/// The field names of `types.HelmChart`.
const CHART_FIELDS: &[&str] = &[
    "name",
    "version",
    "repo",
    "releaseName",
    "namespace",
    "additionalValuesFiles",
    "valuesFile",
    "valuesInline",
    "valuesMerge",
    "includeCRDs",
    "skipHooks",
    "apiVersions",
    "kubeVersion",
    "nameTemplate",
    "skipTests",
    "debug",
    "devel",
];

impl HelmGlobals {
    /// Decodes `helmGlobals` strictly.
    pub fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(v, "HelmGlobals", &["chartHome", "configHome"])?;
        Ok(HelmGlobals {
            chart_home: f.string("chartHome")?,
            config_home: f.string("configHome")?,
        })
    }
}

impl HelmChart {
    /// Decodes one `helmCharts` entry strictly.
    pub fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(v, "HelmChart", CHART_FIELDS)?;
        Self::from_fields(&f)
    }

    fn from_fields(f: &crate::decode::Fields<'_>) -> Result<Self, String> {
        let values_inline = match f.raw("valuesInline") {
            None => Value::null(),
            Some(v) if v.is_map() => v.clone(),
            Some(v) => {
                return Err(format!(
                    "json: cannot unmarshal {} into Go struct field {}.valuesInline of type map[string]interface {{}}",
                    v.json_type_name(),
                    f.ty
                ))
            }
        };
        Ok(HelmChart {
            name: f.string("name")?,
            version: f.string("version")?,
            repo: f.string("repo")?,
            release_name: f.string("releaseName")?,
            namespace: f.string("namespace")?,
            additional_values_files: f.strings("additionalValuesFiles")?,
            values_file: f.string("valuesFile")?,
            values_inline,
            values_merge: f.string("valuesMerge")?,
            include_crds: f.bool("includeCRDs")?,
            skip_hooks: f.bool("skipHooks")?,
            api_versions: f.strings("apiVersions")?,
            kube_version: f.string("kubeVersion")?,
            name_template: f.string("nameTemplate")?,
            skip_tests: f.bool("skipTests")?,
            debug: f.bool("debug")?,
            devel: f.bool("devel")?,
        })
    }

    fn has_inline_values(&self) -> bool {
        self.values_inline.as_map().is_some_and(|m| !m.is_empty())
    }
}

/// kustomize's `FixKustomization` for the deprecated `helmChartInflationGenerator` field
/// (`types.HelmChartArgs`, `SplitHelmParameters`): each entry becomes a `helmCharts` entry;
/// the last non-empty `chartHome` / `helmHome` become `helmGlobals` when the
/// kustomization has none.
pub(crate) fn split_helm_parameters(old: &[Value]) -> Result<(Vec<Value>, Option<Value>), String> {
    const OLD_FIELDS: &[&str] = &[
        "chartName",
        "chartVersion",
        "chartRepoUrl",
        "chartHome",
        "chartRepoName",
        "helmBin",
        "helmHome",
        "values",
        "valuesLocal",
        "valuesMerge",
        "releaseName",
        "releaseNamespace",
        "extraArgs",
    ];
    let mut charts = Vec::new();
    let (mut chart_home, mut config_home) = (String::new(), String::new());
    for v in old {
        let f = fields(v, "HelmChartArgs", OLD_FIELDS)?;
        // Checks the types of the fields the conversion drops.
        f.string("chartRepoName")?;
        f.string("helmBin")?;
        f.string("releaseNamespace")?;
        f.strings("extraArgs")?;
        let mut c = Map::default();
        for (old_name, new_name) in [
            ("chartName", "name"),
            ("chartVersion", "version"),
            ("chartRepoUrl", "repo"),
            ("values", "valuesFile"),
            ("valuesMerge", "valuesMerge"),
            ("releaseName", "releaseName"),
        ] {
            let s = f.string(old_name)?;
            if !s.is_empty() {
                c.insert(new_name.into(), Value::from(s));
            }
        }
        if let Some(local) = f.raw("valuesLocal") {
            if !local.is_map() {
                return Err(format!(
                    "json: cannot unmarshal {} into Go struct field HelmChartArgs.valuesLocal of type map[string]interface {{}}",
                    local.json_type_name()
                ));
            }
            c.insert("valuesInline".into(), local.clone());
        }
        let home = f.string("helmHome")?;
        if !home.is_empty() {
            config_home = home;
        }
        let home = f.string("chartHome")?;
        if !home.is_empty() {
            chart_home = home;
        }
        charts.push(Value::from_map(c));
    }
    let globals = (!chart_home.is_empty() || !config_home.is_empty()).then(|| {
        let mut g = Map::default();
        if !chart_home.is_empty() {
            g.insert("chartHome".into(), Value::from(chart_home));
        }
        if !config_home.is_empty() {
            g.insert("configHome".into(), Value::from(config_home));
        }
        Value::from_map(g)
    });
    Ok((charts, globals))
}

/// One configured HelmChartInflationGenerator, its chart and values already read.
#[derive(Debug)]
pub(crate) struct HelmChartGenerator {
    globals: HelmGlobals,
    chart: HelmChart,
    /// The kustomization file, for messages and origins.
    file: String,
    /// How the chart's output is read (the build's YAML limits).
    read: krust_yaml::ReadOptions,
    /// The chart's files and values, or the error reading them (reported when the
    /// generator runs, as kustomize reads them then).
    loaded: Result<LoadedChart, Error>,
}

/// What inflating a chart reads.
#[derive(Debug, Default)]
struct LoadedChart {
    chart_dir: PathBuf,
    values: Vec<krust_chart::ValueSource>,
    files: Vec<krust_chart::File>,
}

/// The generators of a kustomization's `helmCharts` (kustomize's generator configurator:
/// each entry gets `helmGlobals` and, when it names no namespace, the kustomization's
/// namespace or the one inherited from the kustomizations that include it).
pub(crate) fn generators(t: &Target<'_>) -> Result<Vec<Box<dyn Generate>>, Error> {
    if t.k.helm_charts.is_empty() {
        return Ok(Vec::new());
    }
    let invalid = |message: String| Error::InvalidKustomization {
        file: t.file.clone(),
        message,
    };
    let globals = match &t.k.helm_globals {
        Some(v) => HelmGlobals::decode(v).map_err(invalid)?,
        None => HelmGlobals::default(),
    };
    let mut out: Vec<Box<dyn Generate>> = Vec::new();
    for v in &t.k.helm_charts {
        let mut chart = HelmChart::decode(v).map_err(invalid)?;
        if chart.namespace.is_empty() {
            if !t.k.namespace.is_empty() {
                chart.namespace = t.k.namespace.clone();
            } else {
                chart.namespace = t.helm_namespace.clone();
            }
        }
        out.push(Box::new(configure(t, globals.clone(), chart)?));
    }
    Ok(out)
}

/// A `kind: HelmChartInflationGenerator` builtin plugin configuration (in `generators:`):
/// its top-level fields are those of `helmGlobals` and one `helmCharts` entry.
// Called from transform/plugins.rs once engine wires it (requested).
#[allow(dead_code)]
pub(crate) fn generator_from_config(
    t: &Target<'_>,
    config: &Value,
) -> Result<Box<dyn Generate>, Error> {
    let mut known: Vec<&'static str> = CHART_FIELDS.to_vec();
    known.extend(["chartHome", "configHome", "apiVersion", "kind", "metadata"]);
    let decoded = fields(config, "HelmChartInflationGeneratorPlugin", &known).and_then(|f| {
        Ok((
            HelmGlobals {
                chart_home: f.string("chartHome")?,
                config_home: f.string("configHome")?,
            },
            HelmChart::from_fields(&f)?,
        ))
    });
    let (globals, chart) = decoded.map_err(|m| Error::InvalidConfig {
        message: format!(
            "trouble configuring builtin {KIND} with config: `\n{}`: {m}",
            krust_yaml::to_yaml(config).unwrap_or_default()
        ),
    })?;
    Ok(Box::new(configure(t, globals, chart)?))
}

/// kustomize's `Config` + `validateArgs`: the checks made before anything is generated.
/// Their errors print the configuration as it was handed to the plugin.
fn configure(
    t: &Target<'_>,
    globals: HelmGlobals,
    chart: HelmChart,
) -> Result<HelmChartGenerator, Error> {
    // kustomize's message, after the kustomization file it comes from.
    let wrap = |m: &str| Error::InvalidConfig {
        message: format!(
            "{}: trouble configuring builtin {KIND} with config: `\n{}`: {m}",
            t.file,
            config_yaml(&globals, &chart)
        ),
    };
    if !t.helm.enabled {
        return Err(wrap("must specify --enable-helm"));
    }
    let mut g = HelmChartGenerator {
        globals: globals.clone(),
        chart: chart.clone(),
        file: t.file.clone(),
        read: t.ldr.read_options(),
        loaded: Ok(LoadedChart::default()),
    };
    // The CLI values are set before the configuration is read, so the entry's own win.
    if g.chart.kube_version.is_empty() {
        g.chart.kube_version = t.helm.kube_version.clone();
    }
    if g.chart.api_versions.is_empty() {
        g.chart.api_versions = t.helm.api_versions.clone();
    }
    if g.chart.name.is_empty() {
        return Err(wrap("chart name cannot be empty"));
    }
    if g.globals.chart_home.is_empty() {
        g.globals.chart_home = "charts".into();
    }
    if g.chart.values_file.is_empty() {
        g.chart.values_file = display(&g.abs_chart_home(t).join(&g.chart.name).join("values.yaml"));
    }
    for file in &mut g.chart.additional_values_files {
        if let Err(e) = t.ldr.load(file) {
            return Err(wrap(&format!("could not load additionalValuesFile: {e}")));
        }
        *file = display(&t.ldr.join(file));
    }
    match g.chart.values_merge.as_str() {
        "" => g.chart.values_merge = "override".into(),
        "merge" | "override" | "replace" => {}
        _ => return Err(wrap("valuesMerge must be one of [merge override replace]")),
    }
    g.loaded = g.load(t);
    Ok(g)
}

/// The plugin configuration as kustomize prints it in configuration errors: the JSON form
/// of `struct{HelmGlobals; HelmChart}` (empty fields left out) through `yaml.Marshal`.
fn config_yaml(g: &HelmGlobals, c: &HelmChart) -> String {
    fn put(m: &mut Map, k: &str, v: &str) {
        if !v.is_empty() {
            m.insert(k.into(), Value::from(v));
        }
    }
    fn list(l: &[String]) -> Value {
        Value::from_seq(l.iter().map(|x| Value::from(x.as_str())).collect())
    }
    let mut m = Map::default();
    put(&mut m, "chartHome", &g.chart_home);
    put(&mut m, "configHome", &g.config_home);
    put(&mut m, "name", &c.name);
    put(&mut m, "version", &c.version);
    put(&mut m, "repo", &c.repo);
    put(&mut m, "releaseName", &c.release_name);
    put(&mut m, "namespace", &c.namespace);
    put(&mut m, "valuesFile", &c.values_file);
    put(&mut m, "valuesMerge", &c.values_merge);
    put(&mut m, "kubeVersion", &c.kube_version);
    put(&mut m, "nameTemplate", &c.name_template);
    if !c.additional_values_files.is_empty() {
        m.insert(
            "additionalValuesFiles".into(),
            list(&c.additional_values_files),
        );
    }
    if !c.api_versions.is_empty() {
        m.insert("apiVersions".into(), list(&c.api_versions));
    }
    if c.has_inline_values() {
        m.insert("valuesInline".into(), c.values_inline.clone());
    }
    for (k, on) in [
        ("includeCRDs", c.include_crds),
        ("skipHooks", c.skip_hooks),
        ("skipTests", c.skip_tests),
        ("debug", c.debug),
        ("devel", c.devel),
    ] {
        if on {
            m.insert(k.into(), Value::from(true));
        }
    }
    if m.is_empty() {
        return "{}\n".into();
    }
    krust_yaml::to_yaml(&Value::from_map(m)).unwrap_or_default()
}

impl HelmChartGenerator {
    /// `absChartHome`: the chart home, and `<name>-<version>` below it when both `version`
    /// and `repo` are set.
    fn abs_chart_home(&self, t: &Target<'_>) -> PathBuf {
        let home = t.ldr.join(&self.globals.chart_home);
        if !self.chart.version.is_empty() && !self.chart.repo.is_empty() {
            return home.join(format!("{}-{}", self.chart.name, self.chart.version));
        }
        home
    }

    fn err(&self, message: impl std::fmt::Display) -> Error {
        Error::HelmChart {
            file: self.file.clone(),
            chart: self.chart.name.clone(),
            message: message.to_string(),
        }
    }

    /// The values files, as `helm template -f` gets them: the (merged) values file, then
    /// the additional ones.
    fn values(&self, t: &Target<'_>) -> Result<Vec<krust_chart::ValueSource>, Error> {
        let c = &self.chart;
        let first = if c.has_inline_values() {
            let merged = if c.values_merge == "replace" {
                c.values_inline.clone()
            } else {
                let text = t.ldr.load_string(&c.values_file)?;
                let file = display(&t.ldr.join(&c.values_file));
                let docs = t.ldr.parse_stream(&text, &file, Typing::Kyaml)?;
                // kyaml.Parse: the first document; none at all is io.EOF.
                let Some(chart_values) = docs.into_iter().next() else {
                    return Err(Error::InvalidConfig {
                        message: "could not parse values file into rnode: EOF".into(),
                    });
                };
                let schema = krust_model::openapi::Schema::builtin();
                let merged = if c.values_merge == "override" {
                    krust_patch::merge(&chart_values, &c.values_inline, schema)
                } else {
                    krust_patch::merge(&c.values_inline, &chart_values, schema)
                };
                merged
                    .map_err(|e| Error::InvalidConfig {
                        message: format!("could not merge values: {e}"),
                    })?
                    .unwrap_or_else(Value::null)
            };
            let merged = if merged.is_null() {
                Value::map()
            } else if merged.is_map() {
                merged
            } else {
                return Err(Error::InvalidConfig {
                    message: "could not parse merged values into map: wrong node kind".into(),
                });
            };
            krust_yaml::to_yaml(&merged)?.into_bytes()
        } else {
            t.ldr.load(&c.values_file)?
        };
        let mut out = vec![krust_chart::ValueSource::File {
            name: format!("{}-kustomize-values.yaml", c.name),
            data: first,
        }];
        for f in &c.additional_values_files {
            out.push(krust_chart::ValueSource::File {
                name: f.clone(),
                data: t.ldr.load(f)?,
            });
        }
        Ok(out)
    }

    /// Reads what inflating the chart needs: the chart directory (which must exist: a chart
    /// is never downloaded) and the values files.
    fn load(&self, t: &Target<'_>) -> Result<LoadedChart, Error> {
        let c = &self.chart;
        let home = self.abs_chart_home(t);
        let chart_dir = home.join(&c.name);
        if !t.ldr.fs.is_dir(&chart_dir) {
            if c.repo.is_empty() {
                return Err(Error::ChartNotFound {
                    path: display(&chart_dir),
                });
            }
            return Err(Error::Unsupported {
                file: t.file.clone(),
                entry: format!(
                    "helmCharts: {} (repo {}, no chart at '{}')",
                    c.name,
                    c.repo,
                    display(&chart_dir)
                ),
                what: "downloading a chart".into(),
            });
        }
        let values = self.values(t)?;
        let mut files = Vec::new();
        read_chart(&t.ldr, &chart_dir, "", &mut files).map_err(|e| self.err(e))?;
        Ok(LoadedChart {
            chart_dir,
            values,
            files,
        })
    }

    /// Helm's `NameAndChart` for the arguments kustomize passes.
    fn release_name(&self, chart_dir: &Path) -> Result<String, String> {
        let c = &self.chart;
        if !c.release_name.is_empty() {
            if !c.name_template.is_empty() {
                return Err("cannot set --name-template and also specify a name".into());
            }
            return Ok(c.release_name.clone());
        }
        if !c.name_template.is_empty() {
            return template_name(&c.name_template);
        }
        // `--generate-name`: the chart path's base name up to its first dot, and the time.
        let base = chart_dir
            .file_name()
            .map(|b| b.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = match base.find('.') {
            _ if base.is_empty() => "chart".to_string(),
            Some(0) => "chart".to_string(),
            Some(i) => base[..i].to_string(),
            None => base,
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Ok(format!("{base}-{now}"))
    }
}

/// Helm's `action.TemplateName` for a name template without template actions.
fn template_name(text: &str) -> Result<String, String> {
    if text.contains("{{") {
        return Err(format!(
            "nameTemplate {text:?}: template actions in a name template are not supported by krust"
        ));
    }
    Ok(text.to_string())
}

/// Reads the chart directory through the build's file system, as `loader.LoadDir` reads
/// it (names relative to the chart root, in lexical order), each file bounded by the
/// build's [`crate::Limits::max_file_bytes`] (checked before it is read; Helm's 5 MiB per
/// file is krust-chart's, after `.helmignore`). Under `LoadRestrictionsRootOnly` a file whose real
/// path (symbolic links resolved) leaves the kustomization's root is refused: Helm would
/// follow the link, but a build never reads outside its root.
fn read_chart(
    ldr: &crate::loader::Loader<'_>,
    dir: &Path,
    rel: &str,
    out: &mut Vec<krust_chart::File>,
) -> Result<(), String> {
    let fs = ldr.fs;
    let entries = fs
        .read_dir(dir)
        .map_err(|e| format!("{}: {e}", display(dir)))?;
    let mut entries: Vec<(String, PathBuf)> = entries
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, p))
        })
        .collect();
    entries.sort();
    for (name, path) in entries {
        let n = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if fs.is_dir(&path) {
            read_chart(ldr, &path, &n, out)?;
            continue;
        }
        if ldr.restrictor == crate::LoadRestrictor::RootOnly {
            let real = fs
                .canonical(&path)
                .map_err(|e| format!("error reading {n}: {e}"))?;
            if !real.starts_with(&ldr.root) {
                return Err(Error::Restricted {
                    path: display(&path),
                    root: display(&ldr.root),
                }
                .to_string());
            }
        }
        let too_big = || {
            Error::Limit {
                file: display(&path),
                kind: crate::LimitKind::FileBytes,
                bound: ldr.limits.max_file_bytes,
            }
            .to_string()
        };
        if fs
            .file_len(&path)
            .is_some_and(|len| len > ldr.limits.max_file_bytes)
        {
            return Err(too_big());
        }
        let mut data = fs
            .read_file(&path)
            .map_err(|e| format!("error reading {n}: {e}"))?;
        if data.len() as u64 > ldr.limits.max_file_bytes {
            return Err(too_big());
        }
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        out.push(krust_chart::File {
            name: n,
            data: Arc::from(data),
        });
    }
    Ok(())
}

impl Generate for HelmChartGenerator {
    fn describe(&self) -> String {
        format!("{KIND} {}", self.chart.name)
    }

    fn generate(mut self: Box<Self>) -> Result<Vec<Resource>, Error> {
        let LoadedChart {
            chart_dir,
            values,
            files,
        } = std::mem::replace(&mut self.loaded, Ok(LoadedChart::default()))?;
        let c = &self.chart;
        let chart = krust_chart::load_files(files).map_err(|e| self.err(e))?;
        let release_name = self.release_name(&chart_dir).map_err(|e| self.err(e))?;
        let opts = krust_chart::Options {
            release_name,
            namespace: if c.namespace.is_empty() {
                "default".into()
            } else {
                c.namespace.clone()
            },
            values,
            include_crds: c.include_crds,
            skip_tests: c.skip_tests,
            no_hooks: c.skip_hooks,
            kube_version: (!c.kube_version.is_empty()).then(|| c.kube_version.clone()),
            api_versions: c.api_versions.clone(),
            ..krust_chart::Options::default()
        };
        let text = krust_chart::template(&chart, &opts).map_err(|e| self.err(e))?;
        let source = format!("{} (helm template {})", self.file, display(&chart_dir));
        let docs = krust_yaml::parse_stream_with(&text, &source, Typing::Kyaml, self.read)
            .map_err(|e| self.err(format!("error reading helm output: {e}")))?;
        let origin = crate::transform::origin::builtin_generator(&self.file, KIND);
        let objects = krust_model::objects_from_documents(docs, &source.as_str().into())
            .map_err(|e| self.err(e))?;
        Ok(objects
            .into_iter()
            .map(|v| {
                let mut r = Resource::with_origin(v, origin.clone());
                r.set_annotation(HELM_GENERATED, "true");
                r
            })
            .collect())
    }
}

/// Removes the helm-generated mark (kustomize's `RemoveBuildAnnotations`, at the end of a
/// build).
pub(crate) fn remove_marks(list: &mut krust_model::ResMap) {
    for r in list.iter_mut() {
        if r.annotation(HELM_GENERATED).is_some() {
            r.remove_annotation(HELM_GENERATED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        krust_yaml::parse_document(s, "t.yaml", Typing::Yaml11).unwrap_or_default()
    }

    #[test]
    fn decodes_an_entry_strictly() {
        let c = HelmChart::decode(&yaml(
            "name: x\nreleaseName: r\nincludeCRDs: true\nvaluesInline:\n  a: 1\n",
        ));
        let c = c.ok().unwrap_or_default();
        assert_eq!(c.name, "x");
        assert!(c.include_crds);
        assert!(c.has_inline_values());
        let e = HelmChart::decode(&yaml("name: x\nbogus: 1\n")).err();
        assert_eq!(e.as_deref(), Some("json: unknown field \"bogus\""));
        assert!(HelmChart::decode(&yaml("valuesInline: [1]\n")).is_err());
    }

    #[test]
    fn old_arguments_become_charts_and_globals() {
        let old = yaml("chartName: minecraft\nchartRepoUrl: https://x\nchartVersion: 1.2.1\nchartHome: ch\nreleaseName: m\nvaluesLocal:\n  a: b\n");
        let (charts, globals) = split_helm_parameters(&[old]).ok().unwrap_or_default();
        let c = charts.first().map(HelmChart::decode);
        let c = c.and_then(Result::ok).unwrap_or_default();
        assert_eq!(
            (c.name.as_str(), c.repo.as_str(), c.version.as_str()),
            ("minecraft", "https://x", "1.2.1")
        );
        assert!(c.has_inline_values());
        let g = globals.map(|g| HelmGlobals::decode(&g));
        assert_eq!(
            g.and_then(Result::ok).map(|g| g.chart_home),
            Some("ch".into())
        );
    }

    #[test]
    fn config_yaml_sorts_fields_and_leaves_empty_ones_out() {
        let c = HelmChart {
            name: "test-chart".into(),
            release_name: "test-chart".into(),
            additional_values_files: vec!["a.yaml".into()],
            ..HelmChart::default()
        };
        assert_eq!(
            config_yaml(&HelmGlobals::default(), &c),
            "additionalValuesFiles:\n- a.yaml\nname: test-chart\nreleaseName: test-chart\n"
        );
    }
}
