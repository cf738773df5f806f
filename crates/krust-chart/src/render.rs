//! `helm template` end to end: values, dependencies, schema, render, output assembly
//! (`pkg/cmd/template.go`, `pkg/action/install.go`, `action.go` `renderResources`).

use std::collections::BTreeMap;
use std::path::Path;

use krust_helm::coalesce::coalesce_values;
use krust_helm::strvals::{parse_into, SetMode};
use krust_template::{MapEntries, Value as Go};
use krust_yaml::Value;

use crate::caps::{Capabilities, KubeVersion};
use crate::deps::{check_dependencies, process_dependencies};
use crate::load::Chart;
use crate::manifest::{sort_manifests, split_manifests};
use crate::values::{json_numbers, read_values, to_go};
use crate::ChartError;

/// One value override, in the order Helm applies its kinds (files, then `--set-json`,
/// `--set`, `--set-string`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    /// `-f FILE`: the file's bytes and its name for messages.
    File {
        /// The name given on the command line.
        name: String,
        /// The file's contents.
        data: Vec<u8>,
    },
    /// `--set K=V[,K=V]`.
    Set(String),
    /// `--set-string K=V`.
    SetString(String),
    /// `--set-json K=JSON` or a JSON object.
    SetJson(String),
}

/// The knobs of `helm template` krust supports.
#[derive(Debug, Clone)]
pub struct Options {
    /// Release name (first argument).
    pub release_name: String,
    /// `--namespace` (`default` when not given).
    pub namespace: String,
    /// Value overrides, applied by kind in Helm's order.
    pub values: Vec<ValueSource>,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, added to the built-in list.
    pub api_versions: Vec<String>,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--show-only` patterns.
    pub show_only: Vec<String>,
    /// Resource limits (chart loading, template execution); see [`Limits`] for the defaults.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            release_name: "release-name".into(),
            namespace: "default".into(),
            values: Vec::new(),
            include_crds: false,
            skip_tests: false,
            no_hooks: false,
            is_upgrade: false,
            kube_version: None,
            api_versions: Vec::new(),
            skip_schema_validation: false,
            show_only: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// Resource limits of a render, for hostile charts. The defaults are far above what real
/// charts reach.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Chart loading (used by [`template_path`]): largest file (5 MiB) and decompressed
    /// archive (100 MiB), as Helm's, and most archive entries (100,000).
    pub load: crate::load::LoadLimits,
    /// Template execution, per rendered file: evaluation steps (50 million), output bytes
    /// (64 MiB) and `template`/`include`/`tpl` nesting (1500). Helm's own include
    /// recursion check (1000 references of one name) applies as well.
    pub template: krust_template::Limits,
}

/// `values.Options.MergeValues`: the user values from files and flags.
pub fn merge_user_values(sources: &[ValueSource]) -> Result<Value, ChartError> {
    let mut base = Value::map();
    for s in sources {
        if let ValueSource::File { name, data } = s {
            let v = read_values(data, name)
                .map_err(|e| ChartError::Values(format!("failed to parse {name}: {e}")))?;
            base = krust_helm::merge(&base, &v);
        }
    }
    for s in sources {
        if let ValueSource::SetJson(j) = s {
            set_json(&mut base, j)?;
        }
    }
    for s in sources {
        if let ValueSource::Set(a) = s {
            parse_into(a, &mut base, SetMode::Typed)
                .map_err(|e| ChartError::Values(format!("failed parsing --set data: {e}")))?;
        }
    }
    for s in sources {
        if let ValueSource::SetString(a) = s {
            parse_into(a, &mut base, SetMode::String).map_err(|e| {
                ChartError::Values(format!("failed parsing --set-string data: {e}"))
            })?;
        }
    }
    Ok(base)
}

/// `--set-json`: a JSON object merged over the values, or `path=JSON` (dotted path).
fn set_json(base: &mut Value, arg: &str) -> Result<(), ChartError> {
    let t = arg.trim();
    let parse = |s: &str| -> Option<Value> {
        let j: serde_json::Value = serde_json::from_str(s).ok()?;
        let text = j.to_string();
        krust_yaml::parse_document(&text, "--set-json", krust_yaml::Typing::Yaml11)
            .ok()
            .map(|v| json_numbers(&v))
    };
    if t.starts_with('{') {
        let v = parse(t).ok_or_else(|| {
            ChartError::Values(format!("failed parsing --set-json data JSON: {arg}"))
        })?;
        *base = krust_helm::merge(base, &v);
        return Ok(());
    }
    let bad = || ChartError::Values(format!("failed parsing --set-json data {arg}"));
    let (key, json) = arg.split_once('=').ok_or_else(bad)?;
    let v = parse(json).ok_or_else(bad)?;
    let mut nested = v;
    for part in key.split('.').rev() {
        let mut m = Value::map();
        m.insert(part, nested);
        nested = m;
    }
    *base = krust_helm::merge(base, &nested);
    Ok(())
}

/// Renders `chart` as `helm template` prints it to stdout.
pub fn template(chart: &Chart, opts: &Options) -> Result<String, ChartError> {
    let user = merge_user_values(&opts.values)?;
    template_with_values(chart, &user, opts)
}

/// [`template`] with the user values already merged.
pub fn template_with_values(
    chart: &Chart,
    user: &Value,
    opts: &Options,
) -> Result<String, ChartError> {
    if chart.metadata.is_library() {
        return Err(ChartError::Incompatible(
            "library charts are not installable".into(),
        ));
    }
    if !chart.metadata.chart_type.is_empty()
        && !chart
            .metadata
            .chart_type
            .eq_ignore_ascii_case("application")
    {
        return Err(ChartError::Incompatible(format!(
            "{} charts are not installable",
            chart.metadata.chart_type
        )));
    }
    check_dependencies(chart)?;
    validate_release_name(&opts.release_name)?;
    let mut chart = chart.clone();
    process_dependencies(&mut chart, user).map_err(|e| {
        ChartError::Dependencies(format!("chart dependencies processing failed: {e}"))
    })?;
    let mut caps = Capabilities::default();
    if let Some(kv) = &opts.kube_version {
        caps.kube_version = KubeVersion::parse(kv)
            .map_err(|e| ChartError::Incompatible(format!("invalid kube version '{kv}': {e}")))?;
    }
    caps.api_versions.extend(opts.api_versions.iter().cloned());
    let values = coalesce_values(&chart, user).map_err(|e| ChartError::Values(e.to_string()))?;
    if !opts.skip_schema_validation {
        crate::schema::validate(&chart, &values)?;
    }
    let kv = &chart.metadata.kube_version;
    if !kv.is_empty() && !crate::semver::is_compatible_range(kv, &caps.kube_version.normalized) {
        return Err(ChartError::Incompatible(format!(
            "chart requires kubeVersion: {kv} which is incompatible with Kubernetes {}",
            caps.kube_version.version
        )));
    }
    let mut rel = MapEntries::new();
    rel.insert("Name".into(), Go::str(opts.release_name.as_str()));
    rel.insert("Namespace".into(), Go::str(opts.namespace.as_str()));
    rel.insert("IsUpgrade".into(), Go::Bool(opts.is_upgrade));
    rel.insert("IsInstall".into(), Go::Bool(!opts.is_upgrade));
    rel.insert("Revision".into(), Go::Int(1));
    rel.insert("Service".into(), Go::str("Helm"));
    let files = crate::engine::render(
        &chart,
        &Go::map(rel),
        &caps.to_value(),
        &to_go(&values),
        &opts.limits.template,
    )?;
    let notes_suffix = "NOTES.txt";
    let files: BTreeMap<String, String> = files
        .into_iter()
        .filter(|(k, _)| !k.ends_with(notes_suffix))
        .collect();
    let (hooks, manifests) = sort_manifests(&files)?;
    let mut b = String::new();
    if opts.include_crds {
        for (name, data) in crd_objects(&chart, None) {
            b.push_str("---\n# Source: ");
            b.push_str(&name);
            b.push('\n');
            b.push_str(&String::from_utf8_lossy(&data));
            b.push('\n');
        }
    }
    let doc = |out: &mut String, m: &crate::manifest::Manifest| {
        out.push_str("---\n# Source: ");
        out.push_str(&m.path);
        out.push('\n');
        out.push_str(&m.content);
        out.push('\n');
    };
    let size: usize = manifests
        .iter()
        .chain(hooks.iter())
        .map(|m| m.path.len() + m.content.len() + 16)
        .sum();
    b.reserve(size + 1);
    for m in &manifests {
        doc(&mut b, m);
    }
    // Helm trims the manifests' buffer, then adds a newline.
    let end = b.trim_end_matches(|c: char| c.is_whitespace()).len();
    b.truncate(end);
    let lead = b.len() - b.trim_start_matches(|c: char| c.is_whitespace()).len();
    b.drain(..lead);
    let mut out = b;
    out.push('\n');
    if !opts.no_hooks {
        for h in &hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            doc(&mut out, h);
        }
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    show_only(&out, &opts.show_only)
}

/// `--show-only`: the documents whose `# Source:` path (without the chart name) matches.
fn show_only(all: &str, patterns: &[String]) -> Result<String, ChartError> {
    let docs = split_manifests(all);
    let mut picked = Vec::new();
    for f in patterns {
        let f = f.replace('\\', "/");
        let mut missing = true;
        for d in &docs {
            let Some(i) = d.find("# Source: ") else {
                continue;
            };
            let line = d[i + "# Source: ".len()..].lines().next().unwrap_or("");
            let Some((chart, path)) = line.split_once('/') else {
                continue;
            };
            if chart.is_empty() || path.is_empty() {
                continue;
            }
            if crate::glob::path_match(&f, path) {
                picked.push(d.clone());
                missing = false;
            }
        }
        if missing {
            return Err(ChartError::ShowOnly(format!(
                "could not find template {f} in chart"
            )));
        }
    }
    let mut out = String::new();
    for d in picked {
        out.push_str("---\n");
        out.push_str(&d);
        out.push('\n');
    }
    Ok(out)
}

/// `Chart.CRDObjects()`: `crds/*.{yaml,yml,json}` of the chart, then of its subcharts.
fn crd_objects(chart: &Chart, parent: Option<&str>) -> Vec<(String, std::sync::Arc<[u8]>)> {
    let full = match parent {
        None => chart.name().to_string(),
        Some(p) => format!("{p}/charts/{}", chart.name()),
    };
    let mut out = Vec::new();
    for f in &chart.files {
        let ext_ok = [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| f.name.to_ascii_lowercase().ends_with(e));
        if f.name.starts_with("crds/") && ext_ok {
            out.push((format!("{full}/{}", f.name), f.data.clone()));
        }
    }
    for d in &chart.dependencies {
        out.extend(crd_objects(d, Some(&full)));
    }
    out
}

/// Loads the chart at `path` and renders it (the CLI's entry point).
pub fn template_path(path: &Path, opts: &Options) -> Result<String, ChartError> {
    let user = merge_user_values(&opts.values)?;
    let chart = crate::load::load_with_limits(path, &opts.limits.load)?;
    template_with_values(&chart, &user, opts)
}

/// `chartutil.ValidateReleaseName`: a DNS-1123 subdomain of at most 53 characters.
fn validate_release_name(name: &str) -> Result<(), ChartError> {
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.first().is_some_and(alnum)
            && b.last().is_some_and(alnum)
            && b.iter().all(|c| alnum(c) || *c == b'-')
    };
    if name.is_empty() {
        return Err(ChartError::Incompatible(
            "release name check failed: no name provided".into(),
        ));
    }
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(ChartError::Incompatible(format!(
            "release name check failed: release name {name:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"
        )));
    }
    Ok(())
}
