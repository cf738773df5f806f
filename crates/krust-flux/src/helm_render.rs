//! The manifests of each HelmRelease whose chart is available locally, rendered with
//! krust-chart and post-rendered as helm-controller v1.6 does.
//!
//! Where the chart comes from (source-controller's chart builders):
//! * `spec.chart.spec.sourceRef` a GitRepository or Bucket: the chart directory
//!   `chart.spec.chart` inside the source's artifact (`--source`); `valuesFiles` are
//!   relative to the artifact root and replace the chart's `values.yaml`.
//! * `spec.chart.spec.sourceRef` a HelmRepository: the highest version matching
//!   `chart.spec.version` among the `<name>-<version>.tgz` archives (or chart directories)
//!   of [`ChartOptions::charts_dir`]; `valuesFiles` are relative to the chart root.
//! * `spec.chartRef` a HelmChart (looked up in the rendered cluster, then as above), an
//!   OCIRepository or ExternalArtifact mapped with `--source` (the chart at the artifact
//!   root), or an OCIRepository found in the charts directory by the last segment of its URL
//!   and its `ref.tag` / `ref.semver`.
//!
//! What is rendered (`internal/action/install.go`, Helm v4 `pkg/action/action.go`
//! `renderResources`, `internal/postrender/*.go`): the chart with the composed user values,
//! the release name and namespace helm-controller uses, `IsInstall`, Helm v4.1.4's offline
//! capabilities (or the kube version / API versions given). helm-controller always has a
//! post-renderer (the origin labels), so Helm takes the "combined" path: every rendered
//! document, annotated with its file name, goes through each `postRenderers[].kustomize`
//! (an in-memory kustomize build, no reordering, no load restriction), then
//! `commonMetadata`, then the origin labels; the result is split back by file name and
//! sorted into Helm's install order. The chart's CRDs are applied first (with the origin
//! labels) unless `install.crds: Skip`.
//!
//! Helm's kind sort is stable, and `helm template` output is that sort of the documents
//! in file-name order, so the file-name order Helm feeds the post-renderer is recovered
//! from the output by grouping documents by their `# Source:` file; the final order is
//! the same as Helm's for every input.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use krust_chart::{Chart, File as ChartFile, ValueSource, INSTALL_ORDER};
use krust_helm::{ChartFiles, ChartTemplate, HelmRelease, LocalChart, ObjectRef};
use krust_kustomize::{FileSystem, Kustomizer, LoadRestrictor, MemFs, Options, Reorder};
use krust_yaml::{Typing, Value};

use crate::model::{
    ChartOptions, ChartStatus, HelmReleaseRender, KustomizationRender, RenderedChart,
    RenderedObject, Status,
};
use crate::spec::ObjectKey;

/// The annotation Helm v4 uses to carry a document's file through the post-renderer.
const FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";
/// The group of helm-controller's origin labels.
const ORIGIN_GROUP: &str = "helm.toolkit.fluxcd.io";
/// Helm's hook events (`pkg/release/v1/util/manifest_sorter.go`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];
const WORK_DIR: &str = "/helm-postrender";

/// The source artifacts the charts of `releases` need: render.rs resolves (mounts) them
/// and hands the roots to [`render_charts`].
pub(crate) fn chart_sources(
    releases: &[HelmReleaseRender],
    renders: &[KustomizationRender],
) -> Vec<ObjectKey> {
    let objects: Vec<&Value> = renders
        .iter()
        .filter(|r| r.status == Status::Built)
        .flat_map(|r| r.objects.iter().map(|o| &o.object))
        .collect();
    let mut keys = Vec::new();
    for h in releases {
        let hr = &h.release;
        if let Some(t) = chart_template(hr, &objects) {
            let sr = &t.source_ref;
            if matches!(sr.kind.as_str(), "GitRepository" | "Bucket") {
                keys.push(ObjectKey::new(&sr.kind, &sr.namespace, &sr.name));
            }
        } else if let Some(r) = &hr.chart_ref {
            if matches!(r.kind.as_str(), "OCIRepository" | "ExternalArtifact") {
                keys.push(ObjectKey::new(&r.kind, &r.namespace, &r.name));
            }
        }
    }
    keys.sort_by_key(|k| k.to_string());
    keys.dedup();
    keys
}

/// Everything [`render_charts`] reads.
pub(crate) struct ChartInputs<'a> {
    /// The artifacts' file system (source roots are paths in it).
    pub artifacts: &'a dyn FileSystem,
    /// The file system given to `render_cluster` (for the charts directory).
    pub host: &'a dyn FileSystem,
    /// The roots of the sources of [`chart_sources`], or why they cannot be read.
    pub roots: &'a HashMap<ObjectKey, Result<PathBuf, String>>,
    /// Every Kustomization (for HelmChart and OCIRepository objects).
    pub renders: &'a [KustomizationRender],
    /// The user's options.
    pub options: &'a ChartOptions,
}

/// What the renderer reads, however it was called.
struct Ctx<'a> {
    artifacts: &'a dyn FileSystem,
    host: &'a dyn FileSystem,
    roots: &'a HashMap<ObjectKey, Result<PathBuf, String>>,
    /// The objects of the cluster (HelmCharts, OCIRepositories, the HelmReleases).
    objects: Vec<&'a Value>,
    options: &'a ChartOptions,
    /// A chart directory or archive given for this release (`krust values --chart`), and
    /// the chart when the caller has loaded it already.
    chart_override: Option<(&'a Path, Option<&'a Chart>)>,
}

/// Fills in [`HelmReleaseRender::manifests`] for every release.
pub(crate) fn render_charts(releases: &mut [HelmReleaseRender], inputs: &ChartInputs<'_>) {
    let ctx = Ctx {
        artifacts: inputs.artifacts,
        host: inputs.host,
        roots: inputs.roots,
        objects: inputs
            .renders
            .iter()
            .filter(|r| r.status == Status::Built)
            .flat_map(|r| r.objects.iter().map(|o| &o.object))
            .collect(),
        options: inputs.options,
        chart_override: None,
    };
    for h in releases.iter_mut() {
        h.manifests = if inputs.options.skip {
            ChartStatus::Skipped
        } else {
            render_one(&h.release, &h.composed_values, &ctx)
        };
    }
}

/// Renders the chart of one HelmRelease outside a cluster render (`krust values
/// --render`), as [`crate::render_cluster`] renders it: `objects` are the other objects
/// the release sees (HelmCharts, OCIRepositories, and the HelmRelease object itself for its
/// `postRenderers`), `sources` the local source artifacts, read through `fs` as they are
/// (no `.sourceignore`), and `chart` a chart directory or archive that overrides the
/// release's chart reference.
pub fn render_release_chart(
    fs: &dyn FileSystem,
    release: &HelmRelease,
    user_values: &Value,
    objects: &[Value],
    sources: &[crate::SourceMapping],
    chart: Option<&Path>,
    options: &ChartOptions,
) -> ChartStatus {
    render_with_override(
        fs,
        release,
        user_values,
        objects,
        sources,
        chart.map(|p| (p, None)),
        options,
    )
}

/// [`render_release_chart`] with the override chart already loaded (from `path`, which
/// names it in messages): a caller that has read the archive for its files does not load
/// it a second time.
#[allow(clippy::too_many_arguments)]
pub fn render_release_loaded_chart(
    fs: &dyn FileSystem,
    release: &HelmRelease,
    user_values: &Value,
    objects: &[Value],
    sources: &[crate::SourceMapping],
    path: &Path,
    chart: &Chart,
    options: &ChartOptions,
) -> ChartStatus {
    render_with_override(
        fs,
        release,
        user_values,
        objects,
        sources,
        Some((path, Some(chart))),
        options,
    )
}

/// The two entry points above: the sources' roots resolved, then one release rendered.
fn render_with_override(
    fs: &dyn FileSystem,
    release: &HelmRelease,
    user_values: &Value,
    objects: &[Value],
    sources: &[crate::SourceMapping],
    chart_override: Option<(&Path, Option<&Chart>)>,
    options: &ChartOptions,
) -> ChartStatus {
    let roots: HashMap<ObjectKey, Result<PathBuf, String>> = sources
        .iter()
        .map(|s| {
            let root = fs
                .canonical(&s.path)
                .map_err(|e| format!("source path {}: {e}", s.path.display()));
            (s.key.clone(), root)
        })
        .collect();
    let ctx = Ctx {
        artifacts: fs,
        host: fs,
        roots: &roots,
        objects: objects.iter().collect(),
        options,
        chart_override,
    };
    render_one(release, &Ok(user_values.clone()), &ctx)
}

/// A chart found locally.
struct Located {
    chart: Chart,
    origin: String,
    /// Where `valuesFiles` are read: the source artifact (root, chart path) or the chart.
    values_base: ValuesBase,
}

enum ValuesBase {
    Artifact(LocalChart),
    Chart,
    /// chartRef OCIRepository / ExternalArtifact: the artifact is the packaged chart.
    None,
}

fn render_one(hr: &HelmRelease, values: &Result<Value, String>, ctx: &Ctx<'_>) -> ChartStatus {
    let user = match values {
        Ok(v) => v.clone(),
        Err(e) => return ChartStatus::Failed(format!("values: {e}")),
    };
    let template = chart_template(hr, &ctx.objects);
    let located = match ctx.chart_override {
        Some((path, loaded)) => {
            match loaded.map_or_else(|| load_chart(ctx.host, path), |c| Ok(c.clone())) {
                Ok(chart) => Ok(Located {
                    chart,
                    origin: path.display().to_string(),
                    values_base: ValuesBase::Chart,
                }),
                Err(e) => Err(Missing::Failed(e)),
            }
        }
        None => locate(hr, template.as_ref(), ctx),
    };
    let located = match located {
        Ok(l) => l,
        Err(Missing::Unavailable(why)) => return ChartStatus::Unavailable(why),
        Err(Missing::Failed(why)) => return ChartStatus::Failed(why),
    };
    match render_located(hr, located, template.as_ref(), &user, ctx) {
        Ok(r) => ChartStatus::Rendered(Box::new(r)),
        Err(e) => ChartStatus::Failed(e),
    }
}

enum Missing {
    Unavailable(String),
    Failed(String),
}

/// The chart template of `hr`: `spec.chart`, or the HelmChart `spec.chartRef` names.
fn chart_template(hr: &HelmRelease, objects: &[&Value]) -> Option<ChartTemplate> {
    if let Some(c) = &hr.chart {
        return Some(c.clone());
    }
    let r = hr.chart_ref.as_ref().filter(|r| r.kind == "HelmChart")?;
    let obj = find_object(objects, "HelmChart", &r.namespace, &r.name)?;
    let spec = obj.get("spec")?;
    let chart = spec.str_at(&["chart"])?.to_string();
    let version = spec
        .str_at(&["version"])
        .filter(|v| !v.is_empty())
        .unwrap_or("*")
        .to_string();
    let values_files = spec
        .get("valuesFiles")
        .and_then(Value::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some(ChartTemplate {
        chart,
        version,
        source_ref: ObjectRef {
            kind: spec
                .str_at(&["sourceRef", "kind"])
                .unwrap_or("")
                .to_string(),
            namespace: r.namespace.clone(),
            name: spec
                .str_at(&["sourceRef", "name"])
                .unwrap_or("")
                .to_string(),
        },
        reconcile_strategy: spec
            .str_at(&["reconcileStrategy"])
            .unwrap_or("ChartVersion")
            .to_string(),
        values_files,
        ignore_missing_values_files: spec
            .path(&["ignoreMissingValuesFiles"])
            .and_then(Value::as_bool)
            .unwrap_or(false),
        interval: spec.str_at(&["interval"]).map(str::to_string),
    })
}

fn find_object<'a>(objects: &[&'a Value], kind: &str, ns: &str, name: &str) -> Option<&'a Value> {
    objects.iter().copied().find(|o| {
        o.str_at(&["kind"]) == Some(kind)
            && o.str_at(&["metadata", "namespace"]) == Some(ns)
            && o.str_at(&["metadata", "name"]) == Some(name)
    })
}

fn locate(
    hr: &HelmRelease,
    template: Option<&ChartTemplate>,
    ctx: &Ctx<'_>,
) -> Result<Located, Missing> {
    if let Some(t) = template {
        let sr = &t.source_ref;
        let key = ObjectKey::new(&sr.kind, &sr.namespace, &sr.name);
        return match sr.kind.as_str() {
            "GitRepository" | "Bucket" => {
                let root = match ctx.roots.get(&key) {
                    Some(Ok(root)) => root.clone(),
                    Some(Err(why)) => {
                        return Err(Missing::Unavailable(format!(
                            "chart {} from {key}: {why}",
                            t.chart
                        )))
                    }
                    None => {
                        return Err(Missing::Unavailable(format!(
                            "chart {} from {key}: source not resolved",
                            t.chart
                        )))
                    }
                };
                let local = LocalChart {
                    artifact_root: root,
                    chart_path: t.chart.clone(),
                };
                let dir = local.chart_dir();
                let chart = load_chart(ctx.artifacts, &dir)
                    .map_err(|e| Missing::Failed(format!("chart {} from {key}: {e}", t.chart)))?;
                Ok(Located {
                    chart,
                    origin: format!("{key}:{}", t.chart),
                    values_base: ValuesBase::Artifact(local),
                })
            }
            _ => {
                let (path, chart) = from_charts_dir(ctx, &t.chart, &t.version).map_err(|why| {
                    Missing::Unavailable(format!(
                        "chart {}@{} from {key} is not available locally: {why}",
                        t.chart, t.version
                    ))
                })?;
                Ok(Located {
                    chart,
                    origin: path.display().to_string(),
                    values_base: ValuesBase::Chart,
                })
            }
        };
    }
    let Some(r) = &hr.chart_ref else {
        return Err(Missing::Failed(
            "neither spec.chart nor spec.chartRef is set".into(),
        ));
    };
    let key = ObjectKey::new(&r.kind, &r.namespace, &r.name);
    match r.kind.as_str() {
        "OCIRepository" | "ExternalArtifact" => {
            let mapped = match ctx.roots.get(&key) {
                Some(Ok(root)) => Some(root.clone()),
                _ => None,
            };
            if let Some(root) = mapped {
                let chart = load_artifact_chart(ctx.artifacts, &root)
                    .map_err(|e| Missing::Failed(format!("chart of {key}: {e}")))?;
                return Ok(Located {
                    chart,
                    origin: key.to_string(),
                    values_base: ValuesBase::None,
                });
            }
            let oci = (r.kind == "OCIRepository")
                .then(|| find_object(&ctx.objects, "OCIRepository", &r.namespace, &r.name))
                .flatten();
            let Some(oci) = oci else {
                return Err(Missing::Unavailable(format!(
                    "chart of {key} is not available locally (map it with --source {key}=PATH)"
                )));
            };
            let url = oci.str_at(&["spec", "url"]).unwrap_or("");
            let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            let range = oci
                .str_at(&["spec", "ref", "semver"])
                .or_else(|| oci.str_at(&["spec", "ref", "tag"]))
                .unwrap_or("*");
            let (path, chart) = from_charts_dir(ctx, name, range).map_err(|why| {
                Missing::Unavailable(format!(
                    "chart {name}@{range} of {key} is not available locally: {why}"
                ))
            })?;
            Ok(Located {
                chart,
                origin: path.display().to_string(),
                values_base: ValuesBase::None,
            })
        }
        "HelmChart" => Err(Missing::Unavailable(format!(
            "{key} is not in the rendered cluster"
        ))),
        other => Err(Missing::Failed(format!(
            "spec.chartRef.kind {other:?} is not OCIRepository, HelmChart or ExternalArtifact"
        ))),
    }
}

/// The chart of an OCI or external artifact: a chart directory at its root, or the one
/// `.tgz` archive it holds.
fn load_artifact_chart(fs: &dyn FileSystem, root: &Path) -> Result<Chart, String> {
    if fs.exists(&root.join("Chart.yaml")) {
        return load_chart(fs, root);
    }
    let archives: Vec<PathBuf> = fs
        .read_dir(root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tgz"))
        .collect();
    match archives.as_slice() {
        [one] => load_chart(fs, one),
        _ => Err(format!(
            "{}: neither a Chart.yaml nor exactly one .tgz chart archive",
            root.display()
        )),
    }
}

/// Loads a chart directory or `.tgz` archive through `fs`.
fn load_chart(fs: &dyn FileSystem, path: &Path) -> Result<Chart, String> {
    if !fs.is_dir(path) {
        let bytes = fs
            .read_file(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return krust_chart::load_archive(&bytes).map_err(|e| e.to_string());
    }
    if !fs.exists(&path.join("Chart.yaml")) {
        return Err(format!("{}: no Chart.yaml", path.display()));
    }
    let ignore = match fs.read_file(&path.join(".helmignore")) {
        Ok(b) => HelmIgnore::parse(&String::from_utf8_lossy(&b)),
        Err(_) => HelmIgnore::default(),
    };
    let mut files = Vec::new();
    walk(fs, path, "", &ignore, &mut files)?;
    krust_chart::load_files(files).map_err(|e| e.to_string())
}

fn walk(
    fs: &dyn FileSystem,
    dir: &Path,
    rel: &str,
    ignore: &HelmIgnore,
    out: &mut Vec<ChartFile>,
) -> Result<(), String> {
    let entries = fs
        .read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    for path in entries {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let is_dir = fs.is_dir(&path);
        if ignore.ignored(&n, is_dir) {
            continue;
        }
        if is_dir {
            walk(fs, &path, &n, ignore, out)?;
            continue;
        }
        let mut data = fs
            .read_file(&path)
            .map_err(|e| format!("error reading {n}: {e}"))?;
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        out.push(ChartFile {
            name: n,
            data: data.into(),
        });
    }
    Ok(())
}

/// `.helmignore` (Helm's `pkg/ignore`): one pattern per line, `#` comments, `!` negation,
/// a trailing `/` for directories only; a pattern without `/` matches the base name, one
/// with `/` the path from the chart root. Plus Helm's default rule `templates/.?*`.
#[derive(Debug, Default)]
struct HelmIgnore {
    rules: Vec<(String, bool, bool)>,
}

impl HelmIgnore {
    fn parse(text: &str) -> HelmIgnore {
        let mut rules = Vec::new();
        for line in text.lines() {
            let mut l = line.trim();
            if l.is_empty() || l.starts_with('#') || l.contains("**") {
                continue;
            }
            let negate = l.starts_with('!');
            if negate {
                l = l[1..].trim();
            }
            let dir_only = l.ends_with('/') && l.len() > 1;
            let pat = l.trim_end_matches('/').trim_start_matches("./").to_string();
            if !pat.is_empty() {
                rules.push((pat, negate, dir_only));
            }
        }
        HelmIgnore { rules }
    }

    fn ignored(&self, rel: &str, is_dir: bool) -> bool {
        let base = rel.rsplit('/').next().unwrap_or(rel);
        if rel.starts_with("templates/") && !rel["templates/".len()..].contains('/') {
            let b = base.as_bytes();
            if b.len() >= 2 && b[0] == b'.' {
                return true;
            }
        }
        let mut out = false;
        for (pat, negate, dir_only) in &self.rules {
            if *dir_only && !is_dir {
                continue;
            }
            let hit = if pat.contains('/') {
                glob(pat.trim_start_matches('/'), rel)
            } else {
                glob(pat, base)
            };
            if hit {
                out = !negate;
            }
        }
        out
    }
}

/// Go's `filepath.Match` for `*`, `?` and `[...]`-free patterns (`*` stops at `/`).
fn glob(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some('?') if t.get(ti) != Some(&'/') => {
                pi += 1;
                ti += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) if t.get(st) != Some(&'/') => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                _ => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|c| *c == '*')
}

/// The highest version of chart `name` matching `range` in the charts directory.
fn from_charts_dir(inputs: &Ctx<'_>, name: &str, range: &str) -> Result<(PathBuf, Chart), String> {
    let Some(dir) = &inputs.options.charts_dir else {
        return Err(format!(
            "no --charts directory holding {name}-<version>.tgz"
        ));
    };
    let fs = inputs.host;
    let entries = fs
        .read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let range = if range.trim().is_empty() {
        "*"
    } else {
        range.trim()
    };
    let mut best: Option<(Version, PathBuf)> = None;
    for path in entries {
        let Some(fname) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let version = if fs.is_dir(&path) {
            match chart_yaml_id(fs, &path) {
                Some((n, v)) if n == name => v,
                _ => continue,
            }
        } else {
            match fname
                .strip_suffix(".tgz")
                .and_then(|s| s.strip_prefix(name))
                .and_then(|s| s.strip_prefix('-'))
            {
                Some(v) if v.starts_with(|c: char| c.is_ascii_digit() || c == 'v') => v.to_string(),
                _ => continue,
            }
        };
        let Some(parsed) = Version::parse(&version) else {
            continue;
        };
        let fits = range == "*" && parsed.pre.is_empty()
            || version == range
            || krust_chart::is_compatible_range(range, &version);
        if fits && best.as_ref().is_none_or(|(b, _)| parsed > *b) {
            best = Some((parsed, path));
        }
    }
    let Some((_, path)) = best else {
        return Err(format!(
            "no {name}-<version>.tgz or {name} chart directory in {} matches version {range:?}",
            dir.display()
        ));
    };
    let chart = load_chart(fs, &path)?;
    Ok((path, chart))
}

fn chart_yaml_id(fs: &dyn FileSystem, dir: &Path) -> Option<(String, String)> {
    let bytes = fs.read_file(&dir.join("Chart.yaml")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let v = krust_yaml::parse_document(&text, "Chart.yaml", Typing::Yaml11).ok()?;
    Some((
        v.str_at(&["name"])?.to_string(),
        v.str_at(&["version"])?.to_string(),
    ))
}

/// A semantic version, for picking the highest (`Masterminds/semver` precedence).
#[derive(Debug, PartialEq, Eq)]
struct Version {
    core: [u64; 3],
    pre: Vec<String>,
}

impl Version {
    fn parse(s: &str) -> Option<Version> {
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split('+').next().unwrap_or(s);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, p.split('.').map(str::to_string).collect()),
            None => (s, Vec::new()),
        };
        let mut nums = [0u64; 3];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        for (slot, p) in nums.iter_mut().zip(&parts) {
            *slot = p.parse().ok()?;
        }
        Some(Version { core: nums, pre })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => a.cmp(b),
                        };
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}

/// krust-helm's chart files read through a kustomize [`FileSystem`].
struct FsFiles<'a>(&'a dyn FileSystem);

impl ChartFiles for FsFiles<'_> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.0.read_file(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.0.exists(path) && !self.0.is_dir(path)
    }
    fn inside_root(&self, root: &Path, path: &Path) -> bool {
        match (self.0.canonical(root), self.0.canonical(path)) {
            (Ok(r), Ok(p)) => p.starts_with(r),
            (Ok(_), Err(e)) => e.kind() != std::io::ErrorKind::PermissionDenied,
            _ => true,
        }
    }
}

/// `GetValuesFiles`: a list that is exactly `[values.yaml]` keeps the chart's own values.
fn effective_values_files(files: &[String]) -> &[String] {
    match files {
        [only] if only.trim_start_matches("./") == "values.yaml" => &[],
        _ => files,
    }
}

/// Values as Helm reads them from a file (every number a `float64`).
fn helm_typed(v: &Value, what: &str) -> Result<Value, String> {
    let text = krust_yaml::to_yaml(v).map_err(|e| format!("{what}: {e}"))?;
    krust_chart::merge_user_values(&[ValueSource::File {
        name: what.to_string(),
        data: text.into_bytes(),
    }])
    .map_err(|e| e.to_string())
}

/// Replaces the chart's default values by its `valuesFiles`, as source-controller
/// packages the chart.
fn apply_values_files(
    hr: &HelmRelease,
    template: Option<&ChartTemplate>,
    located: &mut Located,
    fs: &dyn FileSystem,
) -> Result<(), String> {
    let Some(t) = template else {
        return Ok(());
    };
    let files = effective_values_files(&t.values_files);
    if files.is_empty() {
        return Ok(());
    }
    let merged = match &located.values_base {
        ValuesBase::None => return Ok(()),
        ValuesBase::Artifact(local) => {
            let mut hr = hr.clone();
            hr.chart = Some(t.clone());
            krust_helm::chart_defaults_files(&hr, local, &FsFiles(fs))
                .map_err(|e| e.to_string())?
                .0
        }
        ValuesBase::Chart => {
            let mut merged = Value::map();
            for p in files {
                let clean = p.trim_start_matches("./");
                let v = if clean == "values.yaml" {
                    located.chart.values.clone()
                } else if let Some(f) = located.chart.files.iter().find(|f| f.name == clean) {
                    let text = String::from_utf8_lossy(&f.data);
                    krust_yaml::parse_stream(&text, clean, Typing::Yaml11)
                        .map_err(|e| format!("unmarshaling values from '{p}' failed: {e}"))?
                        .into_iter()
                        .find(|d| !d.is_null())
                        .unwrap_or_else(Value::map)
                } else if t.ignore_missing_values_files {
                    continue;
                } else {
                    return Err(format!("no values file found at path '{p}'"));
                };
                merged = krust_helm::merge(&merged, &v);
            }
            merged
        }
    };
    located.chart.values = helm_typed(&merged, "values.yaml")?;
    Ok(())
}

fn render_located(
    hr: &HelmRelease,
    mut located: Located,
    template: Option<&ChartTemplate>,
    user: &Value,
    inputs: &Ctx<'_>,
) -> Result<RenderedChart, String> {
    let raw = find_release_object(&inputs.objects, hr);
    let spec = raw.and_then(|o| o.get("spec"));
    let flag = |path: &[&str]| {
        spec.and_then(|s| s.path(path))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    apply_values_files(hr, template, &mut located, inputs.artifacts)?;
    let user = helm_typed(user, "values")?;
    let opts = krust_chart::Options {
        release_name: hr.release_name(),
        namespace: hr.release_namespace().to_string(),
        kube_version: inputs.options.kube_version.clone(),
        api_versions: inputs.options.api_versions.clone(),
        skip_schema_validation: flag(&["install", "disableSchemaValidation"]),
        ..krust_chart::Options::default()
    };
    let chart = &located.chart;
    let out = krust_chart::template_with_values(chart, &user, &opts).map_err(|e| e.to_string())?;

    // annotateAndMerge: documents by file name, then in their order in the file.
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, content) in split_sources(&out) {
        by_file.entry(path).or_default().push(content);
    }
    let mut docs = Vec::new();
    for (path, contents) in &by_file {
        if path.rsplit('/').next().is_some_and(|b| b.starts_with('_')) {
            continue;
        }
        for c in contents {
            let parsed = krust_yaml::parse_stream(c, path, Typing::Kyaml)
                .map_err(|e| format!("parsing {path}: {e}"))?;
            for mut d in parsed.into_iter().filter(|d| !d.is_null()) {
                if !d.is_map() {
                    return Err(format!("parsing {path}: a document is not a mapping"));
                }
                set_meta(&mut d, "annotations", FILENAME_ANNOTATION, path);
                docs.push(d);
            }
        }
    }
    // `spec.postRenderStrategy` (helm-controller v1.6 with Helm v4.2): `combined` (the
    // default) post-renders hooks and manifests as one stream; `separate` as two streams;
    // `nohooks` leaves the hooks as the chart rendered them (not even origin labels).
    let strategy = spec
        .and_then(|s| s.str_at(&["postRenderStrategy"]))
        .unwrap_or("");
    let mut files: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    match strategy {
        "" | "combined" => {
            let docs = post_render(docs, spec, hr)?;
            split_by_file(docs, "", &mut files);
        }
        "separate" | "nohooks" => {
            // SortManifests first: unknown hooks are dropped here already.
            let mut hook_docs = Vec::new();
            let mut manifest_docs = Vec::new();
            for d in docs {
                match hook_events(&d) {
                    None => manifest_docs.push(d),
                    Some(Ok(_)) => hook_docs.push(d),
                    Some(Err(())) => {}
                }
            }
            if !hook_docs.is_empty() {
                if strategy == "separate" {
                    let rendered = post_render(hook_docs, spec, hr)
                        .map_err(|e| format!("post-rendering the hooks: {e}"))?;
                    split_by_file(rendered, "hooks", &mut files);
                } else {
                    split_by_file(hook_docs, "", &mut files);
                }
            }
            if !manifest_docs.is_empty() {
                let rendered = post_render(manifest_docs, spec, hr)?;
                split_by_file(rendered, "manifests", &mut files);
            }
        }
        other => return Err(format!("unknown post-render strategy: '{other}'")),
    }
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for (fname, objs) in files {
        for o in objs {
            let events = match hook_events(&o) {
                None => {
                    manifests.push(RenderedObject {
                        source: fname.clone(),
                        hook: false,
                        object: o,
                    });
                    continue;
                }
                Some(Ok(events)) => events,
                Some(Err(())) => continue, // Helm skips unknown hooks.
            };
            if events.iter().any(|e| e == "test" || e == "test-success") {
                continue; // Run by `helm test`, not applied at install.
            }
            hooks.push(RenderedObject {
                source: fname.clone(),
                hook: true,
                object: o,
            });
        }
    }
    sort_by_kind(&mut manifests);
    sort_by_kind(&mut hooks);
    let mut objects = Vec::new();
    let origin = origin_labels(hr);
    let crds_policy = spec
        .and_then(|s| s.str_at(&["install", "crds"]))
        .unwrap_or("Create");
    if crds_policy != "Skip" {
        for (name, data) in crd_files(chart, None) {
            let text = String::from_utf8_lossy(&data);
            let parsed = krust_yaml::parse_stream(&text, &name, Typing::Kyaml)
                .map_err(|e| format!("parsing {name}: {e}"))?;
            for mut d in parsed.into_iter().filter(Value::is_map) {
                for (k, v) in &origin {
                    set_meta(&mut d, "labels", k, v);
                }
                objects.push(RenderedObject {
                    source: name.clone(),
                    hook: false,
                    object: d,
                });
            }
        }
    }
    objects.extend(manifests);
    if !flag(&["install", "disableHooks"]) {
        objects.extend(hooks);
    }
    Ok(RenderedChart {
        chart: chart.metadata.name.clone(),
        version: chart.metadata.version.clone(),
        origin: located.origin,
        release_name: opts.release_name,
        namespace: opts.namespace,
        values: user,
        template: out,
        objects,
    })
}

/// The post-renderers helm-controller builds (`BuildPostRenderers`), in their order: each
/// `postRenderers[].kustomize`, `commonMetadata`, then the origin labels.
fn post_render(
    mut docs: Vec<Value>,
    spec: Option<&Value>,
    hr: &HelmRelease,
) -> Result<Vec<Value>, String> {
    if let Some(list) = spec
        .and_then(|s| s.get("postRenderers"))
        .and_then(Value::as_seq)
    {
        for (i, pr) in list.iter().enumerate() {
            if let Some(k) = pr.get("kustomize") {
                docs = kustomize_post_render(docs, k)
                    .map_err(|e| format!("spec.postRenderers[{i}].kustomize: {e}"))?;
            }
        }
    }
    if let Some(cm) = spec.and_then(|s| s.get("commonMetadata")) {
        for field in ["labels", "annotations"] {
            let mut pairs: Vec<(String, String)> = cm
                .get(field)
                .and_then(Value::as_map)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let v = v.as_str().map_or_else(|| scalar_text(v), str::to_string);
                            (k.as_str().to_string(), v)
                        })
                        .collect()
                })
                .unwrap_or_default();
            pairs.sort();
            for d in &mut docs {
                for (k, v) in &pairs {
                    set_meta(d, field, k, v);
                }
            }
        }
    }
    let origin = origin_labels(hr);
    for d in &mut docs {
        for (k, v) in &origin {
            set_meta(d, "labels", k, v);
        }
    }
    Ok(docs)
}

/// `splitAndDeannotate`: the documents grouped by their file-name annotation (removed),
/// a document without one named `generated-by-postrender-[<prefix>-]<i>.yaml`.
fn split_by_file(docs: Vec<Value>, prefix: &str, files: &mut BTreeMap<String, Vec<Value>>) {
    for (i, mut d) in docs.into_iter().enumerate() {
        let fname = d
            .path(&["metadata", "annotations", FILENAME_ANNOTATION])
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
            .map_or_else(
                || {
                    if prefix.is_empty() {
                        format!("generated-by-postrender-{i}.yaml")
                    } else {
                        format!("generated-by-postrender-{prefix}-{i}.yaml")
                    }
                },
                str::to_string,
            );
        clear_annotation(&mut d, FILENAME_ANNOTATION);
        files.entry(fname).or_default().push(d);
    }
}

/// The `helm.sh/hook` events of a document (lower-cased, trimmed): `None` when it is not a
/// hook, `Err` when an event is unknown (Helm skips such a document).
fn hook_events(o: &Value) -> Option<Result<Vec<String>, ()>> {
    let hook = o
        .path(&["metadata", "annotations", "helm.sh/hook"])
        .and_then(Value::as_str)?;
    let events: Vec<String> = hook.split(',').map(|e| e.trim().to_lowercase()).collect();
    if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
        return Some(Err(()));
    }
    Some(Ok(events))
}

fn find_release_object<'a>(objects: &[&'a Value], hr: &HelmRelease) -> Option<&'a Value> {
    objects.iter().copied().find(|o| {
        o.str_at(&["kind"]) == Some("HelmRelease")
            && crate::spec::group_of(o) == krust_helm::GROUP
            && o.str_at(&["metadata", "namespace"]) == Some(hr.namespace.as_str())
            && o.str_at(&["metadata", "name"]) == Some(hr.name.as_str())
    })
}

fn origin_labels(hr: &HelmRelease) -> [(String, String); 2] {
    [
        (format!("{ORIGIN_GROUP}/name"), hr.name.clone()),
        (format!("{ORIGIN_GROUP}/namespace"), hr.namespace.clone()),
    ]
}

fn scalar_text(v: &Value) -> String {
    krust_yaml::to_yaml(v)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_default()
}

/// `metadata.<field>.<key> = value`, creating the maps (kustomize's label and annotation
/// transformers with `CreateIfNotPresent`; an existing key keeps its place).
fn set_meta(obj: &mut Value, field: &str, key: &str, value: &str) {
    if let Some(m) = obj.entry_map("metadata").and_then(|m| m.entry_map(field)) {
        m.insert(key, Value::string(value));
    }
}

/// kyaml's `ClearAnnotation`: the key removed, and an emptied `annotations` with it.
fn clear_annotation(obj: &mut Value, key: &str) {
    let Some(meta) = obj.get_mut("metadata") else {
        return;
    };
    let empty = match meta.get_mut("annotations") {
        Some(a) => {
            a.remove(key);
            a.as_map().is_some_and(|m| m.is_empty())
        }
        None => false,
    };
    if empty {
        meta.remove("annotations");
    }
}

/// Splits `helm template` output into (`# Source:` file, document) pairs.
fn split_sources(out: &str) -> Vec<(String, String)> {
    const HEAD: &str = "---\n# Source: ";
    let mut pieces = Vec::new();
    let mut rest = out;
    if let Some(s) = rest.strip_prefix(HEAD) {
        rest = s;
    } else {
        return pieces;
    }
    loop {
        let (piece, next) = match rest.find(&format!("\n{HEAD}")) {
            Some(i) => (&rest[..i], Some(&rest[i + 1 + HEAD.len()..])),
            None => (rest, None),
        };
        let (path, body) = piece.split_once('\n').unwrap_or((piece, ""));
        pieces.push((path.to_string(), body.trim().to_string()));
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    pieces
}

fn sort_by_kind(objs: &mut [RenderedObject]) {
    let rank = |o: &RenderedObject| {
        let kind = o.object.str_at(&["kind"]).unwrap_or("");
        (
            INSTALL_ORDER
                .iter()
                .position(|k| *k == kind)
                .unwrap_or(INSTALL_ORDER.len()),
            kind.to_string(),
        )
    };
    objs.sort_by_cached_key(|o| {
        let (r, kind) = rank(o);
        // Kinds outside the install order sort by name after the known ones.
        if r == INSTALL_ORDER.len() {
            (r, kind)
        } else {
            (r, String::new())
        }
    });
}

/// `Chart.CRDObjects()`: the `crds/` files of the chart and its subcharts.
fn crd_files(chart: &Chart, parent: Option<&str>) -> Vec<(String, std::sync::Arc<[u8]>)> {
    let full = match parent {
        None => chart.name().to_string(),
        Some(p) => format!("{p}/charts/{}", chart.name()),
    };
    let mut out = Vec::new();
    for f in &chart.files {
        let lower = f.name.to_ascii_lowercase();
        if f.name.starts_with("crds/")
            && [".yaml", ".yml", ".json"]
                .iter()
                .any(|e| lower.ends_with(e))
        {
            out.push((format!("{full}/{}", f.name), f.data.clone()));
        }
    }
    for d in &chart.dependencies {
        out.extend(crd_files(d, Some(&full)));
    }
    out
}

/// One `postRenderers[].kustomize` entry (`internal/postrender/kustomize.go`): the
/// documents built in memory with the entry's `patches` and `images`.
fn kustomize_post_render(docs: Vec<Value>, entry: &Value) -> Result<Vec<Value>, String> {
    let mut k = Value::map();
    k.insert("apiVersion", Value::from("kustomize.config.k8s.io/v1beta1"));
    k.insert("kind", Value::from("Kustomization"));
    let mut images = Vec::new();
    for img in entry
        .get("images")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        let mut m = Value::map();
        for f in ["name", "newName", "newTag", "digest"] {
            if let Some(v) = img.get(f).filter(|v| !v.is_null()) {
                m.insert(
                    f,
                    Value::string(v.as_str().map_or_else(|| scalar_text(v), str::to_string)),
                );
            }
        }
        images.push(m);
    }
    if !images.is_empty() {
        k.insert("images", Value::from_seq(images));
    }
    k.insert(
        "resources",
        Value::from_seq(vec![Value::from("helm-output.yaml")]),
    );
    let mut patches = Vec::new();
    for p in entry
        .get("patches")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        let mut m = Value::map();
        if let Some(text) = p.get("patch") {
            m.insert("patch", text.clone());
        }
        if let Some(t) = p.get("target").filter(|t| t.is_map()) {
            m.insert("target", t.clone());
        }
        patches.push(m);
    }
    // helm.toolkit.fluxcd.io/v2beta1 (served before v2): the older patch fields.
    for p in entry
        .get("patchesStrategicMerge")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        let mut m = Value::map();
        m.insert(
            "patch",
            Value::string(krust_yaml::to_yaml(p).map_err(|e| e.to_string())?),
        );
        patches.push(m);
    }
    for p in entry
        .get("patchesJson6902")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
    {
        let mut m = Value::map();
        if let Some(ops) = p.get("patch") {
            m.insert(
                "patch",
                Value::string(krust_yaml::to_yaml(ops).map_err(|e| e.to_string())?),
            );
        }
        if let Some(t) = p.get("target").filter(|t| t.is_map()) {
            m.insert("target", t.clone());
        }
        patches.push(m);
    }
    if !patches.is_empty() {
        k.insert("patches", Value::from_seq(patches));
    }
    let kustomization = krust_yaml::to_yaml(&k).map_err(|e| e.to_string())?;
    let input = krust_yaml::to_yaml_stream(&docs).map_err(|e| e.to_string())?;
    let dir = Path::new(WORK_DIR);
    let fs = MemFs::from_files([
        (dir.join("kustomization.yaml"), kustomization.into_bytes()),
        (dir.join("helm-output.yaml"), input.into_bytes()),
    ]);
    let kustomizer = Kustomizer::new(
        Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None),
    );
    let built = kustomizer.build(&fs, dir).map_err(|e| e.to_string())?;
    Ok(built
        .into_resources()
        .into_iter()
        .map(|r| r.into_value())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sources_reads_helm_template_output() {
        let out = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\nx: |\n  ---\n";
        let got = split_sources(out);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], ("c/templates/a.yaml".into(), "kind: A".into()));
        assert_eq!(got[1].0, "c/templates/b.yaml");
    }

    #[test]
    fn versions_order_as_semver() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("6.10.0") > v("6.9.1"));
        assert!(v("1.0.0") > v("1.0.0-rc.1"));
        assert!(v("1.0.0-rc.10") > v("1.0.0-rc.2"));
    }

    #[test]
    fn helmignore_rules() {
        let ig = HelmIgnore::parse("# c\n*.swp\n.git/\nci/\n!keep.swp\n");
        assert!(ig.ignored("templates/x.swp", false));
        assert!(!ig.ignored("keep.swp", false));
        assert!(ig.ignored(".git", true));
        assert!(!ig.ignored(".git", false));
        assert!(ig.ignored("templates/.hidden", false));
        assert!(!ig.ignored("templates/sub/.hidden", false));
    }
}
