//! Loading a chart from a directory, a `.tgz` archive or a list of files, classified as
//! Helm's `loader.LoadFiles` does (v2 charts).

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use krust_yaml::Value;

use crate::ignore::Rules;
use crate::metadata::{read_into, Metadata};
use crate::values::read_values;
use crate::ChartError;

/// One file of a chart: its slash-separated path inside the chart and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the chart root (`templates/deployment.yaml`).
    pub name: String,
    /// Contents, with a leading UTF-8 byte-order mark removed.
    pub data: Arc<[u8]>,
}

/// A loaded chart and its subcharts.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml` (numbers typed as Go's JSON decoding types them: `float64`).
    pub values: Value,
    /// `values.yaml` as it is in the chart (Helm keeps it among the chart's `Raw` files),
    /// for callers that read the chart's own values file (Flux's `valuesFiles`).
    pub raw_values: Option<Arc<[u8]>>,
    /// `values.schema.json`, when present.
    pub schema: Option<Arc<[u8]>>,
    /// Files under `templates/`.
    pub templates: Vec<File>,
    /// Every other file (what `.Files` serves; `crds/` included).
    pub files: Vec<File>,
    /// Subcharts from `charts/` (directories and archives), by directory name.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// The chart's name (`Chart.yaml` `name`, or the alias once dependencies are processed).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }
}

impl krust_helm::coalesce::ChartValues for Chart {
    fn chart_name(&self) -> &str {
        &self.metadata.name
    }
    fn chart_values(&self) -> &Value {
        &self.values
    }
    fn subcharts(&self) -> Vec<&Self> {
        self.dependencies.iter().collect()
    }
}

/// Size limits for loading charts (hostile archives: zip bombs, millions of entries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    /// Largest file of a chart (directory file or decompressed archive entry), in bytes.
    /// Default 5 MiB: Helm's `MaxDecompressedFileSize`.
    pub max_file_size: u64,
    /// Largest decompressed archive (all entries together), in bytes. Default 100 MiB:
    /// Helm's `MaxDecompressedChartSize`. Each archive (a vendored subchart `.tgz` too) is
    /// counted on its own, as Helm counts it.
    pub max_chart_size: u64,
    /// Most entries (of any type) in one archive. Default 100,000: Helm has no such limit,
    /// and no real chart comes near it (the largest in the corpus has a few hundred).
    pub max_archive_entries: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_file_size: 5 << 20,
            max_chart_size: 100 << 20,
            max_archive_entries: 100_000,
        }
    }
}

/// Loads a chart from a directory or a `.tgz` archive, as `helm template` does.
pub fn load(path: &Path) -> Result<Chart, ChartError> {
    load_with_limits(path, &LoadLimits::default())
}

/// [`load`] with size limits other than the defaults.
pub fn load_with_limits(path: &Path, limits: &LoadLimits) -> Result<Chart, ChartError> {
    let shown = path.display().to_string();
    let Ok(meta) = std::fs::metadata(path) else {
        // `LocateChart`: a missing local path, or a name that would be a repository chart.
        return Err(ChartError::Load(
            if path.is_absolute() || shown.starts_with('.') || shown.contains('/') {
                format!("path {shown:?} not found")
            } else {
                format!(
                    "non-absolute URLs should be in form of repo_name/path_to_chart, got: {shown}"
                )
            },
        ));
    };
    if meta.is_dir() {
        let chart_yaml = path.join("Chart.yaml");
        if !chart_yaml.is_file() {
            let abs = std::path::absolute(&chart_yaml).unwrap_or(chart_yaml);
            return Err(ChartError::Load(format!(
                "unable to detect chart at {0}: open {0}: no such file or directory",
                abs.display()
            )));
        }
        load_dir_with_limits(path, limits)
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| ChartError::Load(format!("{}: {e}", path.display())))?;
        load_archive_with_limits(&bytes, limits)
    }
}

/// Loads a chart directory, applying its `.helmignore` (and Helm's default rule).
pub fn load_dir(dir: &Path) -> Result<Chart, ChartError> {
    load_dir_with_limits(dir, &LoadLimits::default())
}

/// [`load_dir`] with size limits other than the defaults.
pub fn load_dir_with_limits(dir: &Path, limits: &LoadLimits) -> Result<Chart, ChartError> {
    let mut rules = match std::fs::read(dir.join(".helmignore")) {
        Ok(b) => Rules::parse(&crate::files::utf8_text(&b))?,
        Err(_) => Rules::default(),
    };
    rules.add_defaults();
    let mut files = Vec::new();
    walk(dir, "", &rules, limits, &mut files)?;
    load_files_with_limits(files, limits)
}

/// Lexical walk (Go's `filepath.Walk` order), following symlinks.
fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    limits: &LoadLimits,
    out: &mut Vec<File>,
) -> Result<(), ChartError> {
    let rd =
        std::fs::read_dir(dir).map_err(|e| ChartError::Load(format!("{}: {e}", dir.display())))?;
    let mut names: Vec<(String, std::path::PathBuf)> = rd
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    names.sort();
    for (name, path) in names {
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let meta = std::fs::metadata(&path)
            .map_err(|e| ChartError::Load(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, limits, out)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !meta.is_file() {
            return Err(ChartError::Load(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            )));
        }
        if meta.len() > limits.max_file_size {
            return Err(ChartError::Load(format!(
                "chart file {name:?} is larger than the maximum file size {}",
                limits.max_file_size
            )));
        }
        let data = std::fs::read(&path)
            .map_err(|e| ChartError::Load(format!("error reading {n}: {e}")))?;
        out.push(File {
            name: n,
            data: strip_bom(data).into(),
        });
    }
    Ok(())
}

fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        data.drain(..3);
    }
    data
}

/// Loads a chart from the bytes of a gzipped tar archive (`helm package` output).
pub fn load_archive(bytes: &[u8]) -> Result<Chart, ChartError> {
    load_archive_with_limits(bytes, &LoadLimits::default())
}

/// [`load_archive`] with size limits other than the defaults.
pub fn load_archive_with_limits(bytes: &[u8], limits: &LoadLimits) -> Result<Chart, ChartError> {
    let gz = flate2::read::GzDecoder::new(bytes);
    let mut tar = tar::Archive::new(gz);
    let mut files = Vec::new();
    let mut remaining = limits.max_chart_size;
    let mut count = 0usize;
    let entries = tar
        .entries()
        .map_err(|e| ChartError::Load(format!("{e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| ChartError::Load(format!("{e}")))?;
        count += 1;
        if count > limits.max_archive_entries {
            return Err(ChartError::Load(format!(
                "chart archive has more than the maximum number of entries {}",
                limits.max_archive_entries
            )));
        }
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delim = if raw.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw.split(delim).collect();
        let n = parts.get(1..).map(|p| p.join("/")).unwrap_or_default();
        if n.starts_with('/') {
            return Err(ChartError::Load(
                "chart illegally contains absolute paths".into(),
            ));
        }
        let n = clean(&n);
        if n == "." {
            return Err(ChartError::Load(format!(
                "chart illegally contains content outside the base directory: {raw:?}"
            )));
        }
        if n.starts_with("..") {
            return Err(ChartError::Load(
                "chart illegally references parent directory".into(),
            ));
        }
        if parts.first() == Some(&"Chart.yaml") {
            return Err(ChartError::Load("chart yaml not in base directory".into()));
        }
        let size = entry.header().size().unwrap_or(0);
        if size > limits.max_file_size {
            return Err(ChartError::Load(format!(
                "decompressed chart file {raw:?} is larger than the maximum file size {}",
                limits.max_file_size
            )));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(remaining)
            .read_to_end(&mut data)
            .map_err(|e| ChartError::Load(format!("{e}")))?;
        remaining = remaining.saturating_sub(data.len() as u64);
        if remaining == 0 {
            return Err(ChartError::Load(format!(
                "decompressed chart is larger than the maximum size {}",
                limits.max_chart_size
            )));
        }
        files.push(File {
            name: n,
            data: strip_bom(data).into(),
        });
    }
    if files.is_empty() {
        return Err(ChartError::Load("no files in chart archive".into()));
    }
    load_files_with_limits(files, limits)
}

/// Go's `path.Clean` for relative slash paths.
fn clean(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

/// Builds a chart from its files (names relative to the chart root), as `LoadFiles`.
pub fn load_files(files: Vec<File>) -> Result<Chart, ChartError> {
    load_files_with_limits(files, &LoadLimits::default())
}

/// [`load_files`] with size limits other than the defaults (for vendored `.tgz` subcharts).
pub fn load_files_with_limits(files: Vec<File>, limits: &LoadLimits) -> Result<Chart, ChartError> {
    let mut c = Chart::default();
    let mut have_meta = false;
    for f in &files {
        if f.name == "Chart.yaml" {
            read_into(&mut c.metadata, &f.data, "Chart.yaml")?;
            if c.metadata.api_version.is_empty() {
                c.metadata.api_version = "v1".into();
            }
            have_meta = true;
        }
    }
    c.values = Value::map();
    // Subchart files by their directory (or archive) name under charts/, in first-seen order.
    let mut subcharts: Vec<(String, Vec<File>)> = Vec::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" | "Chart.lock" | "requirements.lock" => {
                if f.name == "requirements.lock" && c.metadata.api_version == "v1" {
                    c.files.push(f);
                }
            }
            "values.yaml" => {
                c.values = read_values(&f.data, "values.yaml")
                    .map_err(|e| ChartError::Load(format!("cannot load values.yaml: {e}")))?;
                c.raw_values = Some(f.data);
            }
            "values.schema.json" => c.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                read_into(&mut c.metadata, &f.data, "requirements.yaml")?;
                have_meta = true;
                if c.metadata.api_version == "v1" {
                    c.files.push(f);
                }
            }
            n if n.starts_with("templates/") => c.templates.push(f),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    c.files.push(f);
                    continue;
                }
                let rest = &n["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or(rest).to_string();
                let sub = File {
                    name: rest.to_string(),
                    data: f.data,
                };
                match subcharts.iter_mut().find(|(n, _)| *n == cname) {
                    Some((_, v)) => v.push(sub),
                    None => subcharts.push((cname, vec![sub])),
                }
            }
            _ => c.files.push(f),
        }
    }
    if !have_meta {
        return Err(ChartError::Load("Chart.yaml file is missing".into()));
    }
    validate(&c.metadata)?;
    // Helm ranges over a Go map here (random order); name order keeps krust deterministic.
    subcharts.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sc = if n.ends_with(".tgz") {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(ChartError::Load(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    c.metadata.name, file.name
                )));
            }
            load_archive_with_limits(&file.data, limits)
        } else {
            let buff: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files_with_limits(buff, limits)
        };
        let sc = sc.map_err(|e| {
            ChartError::Load(format!(
                "error unpacking subchart {n} in {}: {e}",
                c.metadata.name
            ))
        })?;
        c.dependencies.push(sc);
    }
    Ok(c)
}

/// The parts of `Metadata.Validate` a render depends on.
fn validate(md: &Metadata) -> Result<(), ChartError> {
    if md.api_version.is_empty() {
        return Err(ChartError::Load(
            "validation: chart.metadata.apiVersion is required".into(),
        ));
    }
    if md.name.is_empty() {
        return Err(ChartError::Load(
            "validation: chart.metadata.name is required".into(),
        ));
    }
    if md.name.contains('/') || md.name.contains('\\') || md.name == "." || md.name == ".." {
        return Err(ChartError::Load(format!(
            "validation: chart.metadata.name {:?} is invalid",
            md.name
        )));
    }
    if md.version.is_empty() {
        return Err(ChartError::Load(
            "validation: chart.metadata.version is required".into(),
        ));
    }
    if !md.chart_type.is_empty()
        && !md.chart_type.eq_ignore_ascii_case("application")
        && !md.is_library()
    {
        return Err(ChartError::Load(
            "validation: chart.metadata.type must be application or library".into(),
        ));
    }
    Ok(())
}
