//! `krust values DIR`: the values helm-controller would hand to Helm for every HelmRelease
//! rendered from DIR.
//!
//! DIR is built like `kustomize build` when it has a kustomization file (with Flux's
//! options: no load restriction, no reordering); otherwise its YAML files are read as they
//! are, recursively. `valuesFrom` references resolve against the same output. Each
//! HelmRelease is printed as one YAML document.
//!
//! With `--render`, each document is followed by the release's manifests when its chart
//! is available locally (`--source` for GitRepository/Bucket charts, `--chart` for one
//! release, `--charts DIR` for HelmRepository/OCI charts): `--render` (or
//! `--render=applied`) prints what helm-controller applies (post-renderers and origin
//! labels included), `--render=template` what `helm template` prints for the same chart,
//! release name, namespace and values. A chart that is not available is a warning.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use krust_flux::{
    render_release_chart, render_release_loaded_chart, ChartStatus, ObjectKey, SourceMapping,
};
use krust_helm::{
    compose_with_chart_files, local_chart, ChartFiles, HelmRelease, LocalChart, ObjectIndex,
    SourceDirs,
};
use krust_kustomize::{
    DiskFs, FileSystem, Kustomizer, LoadRestrictor, Options, Reorder, KUSTOMIZATION_FILE_NAMES,
};
use krust_yaml::{Typing, Value};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to render.
    pub dir: PathBuf,

    /// A Flux source's artifact directory, for charts from GitRepository or Bucket sources:
    /// `KIND/NAMESPACE/NAME=PATH` (repeatable). Their `values.yaml`/`valuesFiles` are
    /// coalesced under the user values.
    #[arg(long = "source", value_name = "KIND/NS/NAME=PATH", value_parser = parse_source)]
    pub sources: Vec<(String, PathBuf)>,

    /// The chart of one HelmRelease, a directory or a `.tgz` archive:
    /// `NAMESPACE/NAME=PATH` (repeatable). It replaces the release's chart reference; its
    /// `values.yaml` are the chart defaults and `valuesFiles` are relative to it.
    #[arg(long = "chart", value_name = "NS/NAME=PATH", value_parser = parse_source)]
    pub chart: Vec<(String, PathBuf)>,

    /// helm-controller's `--default-service-account`, for the effective service account.
    #[arg(long = "default-service-account", value_name = "NAME")]
    pub default_service_account: Option<String>,

    /// Also print each release's manifests, when its chart is available locally:
    /// `applied` (default: after helm-controller's post-renderers) or `template` (exactly
    /// what `helm template` prints for the same chart, release and values).
    #[arg(long = "render", value_enum, value_name = "WHAT", num_args = 0..=1,
          default_missing_value = "applied")]
    pub render: Option<RenderMode>,

    #[command(flatten)]
    pub chart_args: crate::cmd::flux::ChartArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderMode {
    /// The objects helm-controller applies.
    Applied,
    /// `helm template`'s output.
    Template,
}

fn parse_source(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((id, path)) if !id.is_empty() && !path.is_empty() => {
            Ok((id.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!("expected ID=PATH, got {s:?}")),
    }
}

struct Sources(HashMap<String, PathBuf>);

impl SourceDirs for Sources {
    fn source_dir(&self, kind: &str, namespace: &str, name: &str) -> Option<PathBuf> {
        self.0.get(&format!("{kind}/{namespace}/{name}")).cloned()
    }
}

/// Chart files read through a kustomize [`FileSystem`], so that chart defaults and the
/// build use one file-system abstraction.
struct FsChartFiles<'a, F: FileSystem>(&'a F);

impl<F: FileSystem> ChartFiles for FsChartFiles<'_, F> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.0.read_file(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.0.exists(path) && !self.0.is_dir(path)
    }
    fn inside_root(&self, root: &Path, path: &Path) -> bool {
        // As krust-helm's `DiskChartFiles`: a path that does not resolve counts as inside.
        match (self.0.canonical(root), self.0.canonical(path)) {
            (Ok(r), Ok(p)) => p.starts_with(r),
            _ => true,
        }
    }
}

/// A `--chart` archive's files served under the archive's own path, as if it were the
/// unpacked chart directory: chart defaults and `valuesFiles` are read from the archive,
/// as source-controller reads them from a packaged chart.
struct ArchiveChartFiles {
    root: PathBuf,
    files: HashMap<String, Arc<[u8]>>,
    /// The loaded chart, rendered as it is (the archive is read and inflated once).
    chart: krust_chart::Chart,
}

impl ArchiveChartFiles {
    fn load(path: &Path) -> anyhow::Result<ArchiveChartFiles> {
        let bytes = DiskFs
            .read_file(path)
            .with_context(|| format!("reading {}", path.display()))?;
        let chart = krust_chart::load_archive(&bytes)
            .with_context(|| format!("loading chart archive {}", path.display()))?;
        let mut files: HashMap<String, Arc<[u8]>> = chart
            .files
            .iter()
            .map(|f| (f.name.clone(), f.data.clone()))
            .collect();
        if let Some(v) = &chart.raw_values {
            files.insert("values.yaml".into(), v.clone());
        }
        Ok(ArchiveChartFiles {
            root: path.to_path_buf(),
            files,
            chart,
        })
    }

    fn entry(&self, path: &Path) -> Option<&Arc<[u8]>> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let name: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        self.files.get(&name.join("/"))
    }
}

impl ChartFiles for ArchiveChartFiles {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.entry(path).map(|d| d.to_vec()).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: not in the chart archive", path.display()),
            )
        })
    }
    fn is_file(&self, path: &Path) -> bool {
        self.entry(path).is_some()
    }
    fn inside_root(&self, _root: &Path, _path: &Path) -> bool {
        // Archive entries are relative paths checked by the loader.
        true
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let objects = render(&args.dir)?;
    let index = ObjectIndex::new(objects.iter());
    let mappings: Vec<SourceMapping> = args
        .sources
        .iter()
        .filter_map(|(id, path)| {
            let parts: Vec<&str> = id.split('/').collect();
            match parts.as_slice() {
                [kind, ns, name] => Some(SourceMapping {
                    key: ObjectKey::new(kind, ns, name),
                    path: path.clone(),
                    ignore: String::new(),
                }),
                _ => None,
            }
        })
        .collect();
    let chart_options = args.chart_args.options();
    let sources = Sources(args.sources.into_iter().collect());
    let charts: HashMap<String, PathBuf> = args.chart.into_iter().collect();
    let chart_files = FsChartFiles(&DiskFs);

    let mut out = String::new();
    let mut failures = 0usize;
    // For `--render=template`: the objects with the release being rendered stripped of its
    // post-renderers, one copy for the whole run (values share their trees: a copy is one
    // reference per object).
    let mut template_objects: Option<Vec<Value>> = None;
    for (i, obj) in objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.str_at(&["kind"]) == Some("HelmRelease"))
    {
        let group = obj
            .str_at(&["apiVersion"])
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("");
        if group != krust_helm::GROUP {
            continue;
        }
        let hr = match HelmRelease::from_value(obj) {
            Ok(hr) => hr,
            Err(e) => {
                eprintln!("error: {e}");
                failures += 1;
                continue;
            }
        };
        for d in &hr.diagnostics {
            eprintln!("warning: {}", d.message);
        }
        let chart = match charts.get(&hr.id()) {
            Some(dir) => Some(LocalChart {
                artifact_root: dir.clone(),
                chart_path: ".".into(),
            }),
            None => local_chart(&hr, &sources),
        };
        let archive = match charts.get(&hr.id()).filter(|p| !DiskFs.is_dir(p)) {
            Some(path) => match ArchiveChartFiles::load(path) {
                Ok(a) => Some(a),
                Err(e) => {
                    eprintln!("error: HelmRelease {}: {e:#}", hr.id());
                    failures += 1;
                    continue;
                }
            },
            None => None,
        };
        let composed = match &archive {
            Some(a) => compose_with_chart_files(&hr, &index, chart.as_ref(), a),
            None => compose_with_chart_files(&hr, &index, chart.as_ref(), &chart_files),
        };
        let composed = match composed {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                failures += 1;
                continue;
            }
        };
        let mut doc = Value::map();
        doc.insert("helmRelease", Value::from(hr.id()));
        doc.insert("releaseName", Value::from(hr.release_name()));
        doc.insert("releaseNamespace", Value::from(hr.release_namespace()));
        doc.insert("storageNamespace", Value::from(hr.storage_namespace()));
        let sa = hr.effective_service_account(args.default_service_account.as_deref());
        doc.insert("serviceAccount", sa.map_or_else(Value::null, Value::from));
        doc.insert("valuesSource", Value::from(composed.label()));
        doc.insert("values", composed.effective().clone());
        out.push_str("---\n");
        out.push_str(
            &krust_yaml::to_yaml(&doc)
                .with_context(|| format!("printing HelmRelease {}", hr.id()))?,
        );
        let Some(mode) = args.render else {
            continue;
        };
        // `helm template` runs no post-renderer: for `--render=template` the release's
        // post-renderers are left out, so that one that fails cannot hide the template.
        let render = |seen: &[Value]| match &archive {
            Some(a) => render_release_loaded_chart(
                &DiskFs,
                &hr,
                &composed.user,
                seen,
                &mappings,
                &a.root,
                &a.chart,
                &chart_options,
            ),
            None => render_release_chart(
                &DiskFs,
                &hr,
                &composed.user,
                seen,
                &mappings,
                charts.get(&hr.id()).map(PathBuf::as_path),
                &chart_options,
            ),
        };
        let status = match mode {
            RenderMode::Template => {
                let seen = template_objects.get_or_insert_with(|| objects.clone());
                let original = match seen.get_mut(i) {
                    Some(slot) => std::mem::replace(slot, without_post_renderers(obj)),
                    None => obj.clone(),
                };
                let status = render(seen);
                if let Some(slot) = seen.get_mut(i) {
                    *slot = original;
                }
                status
            }
            RenderMode::Applied => render(&objects),
        };
        match status {
            ChartStatus::Rendered(c) => match mode {
                RenderMode::Template => out.push_str(&c.template),
                RenderMode::Applied => out.push_str(
                    &c.output()
                        .with_context(|| format!("printing the manifests of {}", hr.id()))?,
                ),
            },
            ChartStatus::Unavailable(why) => {
                eprintln!("warning: HelmRelease {}: {why}", hr.id());
            }
            ChartStatus::Failed(why) => {
                eprintln!("error: HelmRelease {}: {why}", hr.id());
                failures += 1;
            }
            ChartStatus::Skipped => {}
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    if failures > 0 {
        bail!("{failures} HelmRelease(s) could not be composed or rendered");
    }
    Ok(())
}

/// `release` without its `spec.postRenderers` (the rest of it shared, not copied).
fn without_post_renderers(release: &Value) -> Value {
    let mut r = release.clone();
    if let Some(spec) = r.get_mut("spec") {
        spec.remove("postRenderers");
    }
    r
}

/// The objects of DIR: a kustomize build when DIR has a kustomization, else its YAML files.
fn render(dir: &Path) -> anyhow::Result<Vec<Value>> {
    let has_kustomization = KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|f| dir.join(f).is_file());
    if has_kustomization {
        let options = Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None);
        let resmap = Kustomizer::new(options).build(&DiskFs, dir)?;
        return Ok(resmap
            .into_resources()
            .into_iter()
            .map(|r| r.into_value())
            .collect());
    }
    let mut files = Vec::new();
    collect_yaml(dir, &mut files)?;
    files.sort();
    let mut objects = Vec::new();
    for f in files {
        let src =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        let docs = krust_yaml::parse_stream(&src, &f.display().to_string(), Typing::Kyaml)?;
        objects.extend(docs.into_iter().filter(Value::is_map));
    }
    Ok(objects)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yaml" || e == "yml")
        {
            out.push(path);
        }
    }
    Ok(())
}
