//! Chart default values for local charts (flux-semantics §1.6): the chart's `values.yaml`
//! or the `valuesFiles` that source-controller packages in its place, and Helm's
//! coalescing of the user values over them.

use std::path::{Component, Path, PathBuf};

use krust_yaml::{Data, Map, Value};

use crate::compose::{compose_values, read_values, Lookup, ValuesSource};
use crate::merge::merge;
use crate::release::HelmRelease;
use crate::{ComposedValues, ValuesError};

/// Maps a Flux source (`GitRepository`, `Bucket`) to the directory holding its artifact.
pub trait SourceDirs {
    /// The artifact directory of the source `kind` `namespace/name`; `None` when unknown.
    fn source_dir(&self, kind: &str, namespace: &str, name: &str) -> Option<PathBuf>;
}

/// A chart available on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalChart {
    /// The source artifact root; `valuesFiles` are relative to it.
    pub artifact_root: PathBuf,
    /// The chart directory, relative to the artifact root (`chart.spec.chart`).
    pub chart_path: String,
}

impl LocalChart {
    /// The chart directory, joined without leaving the artifact root.
    pub fn chart_dir(&self) -> PathBuf {
        secure_join(&self.artifact_root, &self.chart_path)
    }
}

/// The local chart of `hr`, when its `chart.spec.sourceRef` is a GitRepository or Bucket
/// that `sources` knows. HelmRepository and OCI charts are remote: `None`.
pub fn local_chart(hr: &HelmRelease, sources: &impl SourceDirs) -> Option<LocalChart> {
    let chart = hr.chart.as_ref()?;
    let sr = &chart.source_ref;
    if !matches!(sr.kind.as_str(), "GitRepository" | "Bucket") {
        return None;
    }
    let root = sources.source_dir(&sr.kind, &sr.namespace, &sr.name)?;
    Some(LocalChart {
        artifact_root: root,
        chart_path: chart.chart.clone(),
    })
}

/// How krust-helm reads chart files: it never touches a file system itself.
pub trait ChartFiles {
    /// The bytes of the file at `path`; an error of kind `NotFound` when there is none.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
    /// Whether `path` is a regular file.
    fn is_file(&self, path: &Path) -> bool;
    /// Whether `path`, with symlinks resolved, stays inside `root` (true when unknown).
    fn inside_root(&self, root: &Path, path: &Path) -> bool;
}

/// [`ChartFiles`] in memory: a map from absolute path to bytes (tests, embedders whose
/// sources are already in memory). Paths are compared as given; symlinks do not exist, so
/// every path under the root is inside it.
impl ChartFiles for std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.get(path).cloned().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("open {}: no such file or directory", path.display()),
            )
        })
    }
    fn is_file(&self, path: &Path) -> bool {
        self.contains_key(path)
    }
    fn inside_root(&self, root: &Path, path: &Path) -> bool {
        path.starts_with(root)
    }
}

/// [`compose_values`], then, for a local chart, the chart defaults and Helm's coalescing,
/// the chart's files read through `files` (krust-helm never touches a file system itself).
///
/// ```
/// use std::collections::BTreeMap;
/// use std::path::PathBuf;
/// use krust_helm::{compose_with_chart_files, HelmRelease, LocalChart, ObjectIndex};
/// use krust_yaml::{parse_document, Typing, Value};
///
/// let hr = parse_document(
///     "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: repo\n        namespace: flux-system\n  values:\n    replicas: 3\n",
///     "hr.yaml",
///     Typing::Kyaml,
/// ).unwrap();
/// let hr = HelmRelease::from_value(&hr).unwrap();
/// let files = BTreeMap::from([(
///     PathBuf::from("/repo/charts/web/values.yaml"),
///     b"replicas: 1\nimage: web\n".to_vec(),
/// )]);
/// let chart = LocalChart {
///     artifact_root: PathBuf::from("/repo"),
///     chart_path: "./charts/web".into(),
/// };
/// let none: [Value; 0] = [];
/// let c = compose_with_chart_files(&hr, &ObjectIndex::new(&none), Some(&chart), &files).unwrap();
/// let coalesced = c.coalesced.unwrap();
/// assert_eq!(coalesced.pointer("/replicas").and_then(Value::as_i64), Some(3));
/// assert_eq!(coalesced.pointer("/image").and_then(Value::as_str), Some("web"));
/// ```
pub fn compose_with_chart_files(
    hr: &HelmRelease,
    lookup: &impl Lookup,
    chart: Option<&LocalChart>,
    files: &impl ChartFiles,
) -> Result<ComposedValues, ValuesError> {
    let mut composed = compose_values(hr, lookup)?;
    if let Some(chart) = chart {
        let (defaults, values_files) = chart_defaults_files(hr, chart, files)?;
        composed.coalesced = Some(coalesce(&composed.user, &defaults));
        composed.source = ValuesSource::LocalChart {
            chart_dir: chart.chart_dir(),
            values_files,
        };
    }
    Ok(composed)
}

/// The chart's default values as source-controller packages them: the chart's own
/// `values.yaml`, or, when `valuesFiles` is set (and is not exactly `[values.yaml]`), those
/// files merged in order, relative to the artifact root. Returns the defaults and the files
/// that contributed. The files are read through `fs`.
pub fn chart_defaults_files(
    hr: &HelmRelease,
    chart: &LocalChart,
    fs: &impl ChartFiles,
) -> Result<(Value, Vec<String>), ValuesError> {
    let err = |message: String| ValuesError::Chart {
        release: hr.id(),
        message,
    };
    let (files, ignore_missing) = match &hr.chart {
        Some(c) => (
            effective_values_files(&c.values_files),
            c.ignore_missing_values_files,
        ),
        None => (&[][..], false),
    };
    if files.is_empty() {
        let path = chart.chart_dir().join("values.yaml");
        if !fs.inside_root(&chart.artifact_root, &path) {
            return Err(err(format!(
                "{}: leaves the source artifact root",
                path.display()
            )));
        }
        return match fs.read(&path) {
            Ok(bytes) => {
                let v = read_values(&bytes).map_err(|e| err(format!("{}: {e}", path.display())))?;
                Ok((v, Vec::new()))
            }
            // A chart without values.yaml has no defaults.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Value::map(), Vec::new())),
            Err(e) => Err(err(format!("{}: {e}", path.display()))),
        };
    }
    let mut merged = Value::map();
    let mut used = Vec::new();
    for p in files {
        let path = secure_join(&chart.artifact_root, p);
        let rel = path
            .strip_prefix(&chart.artifact_root)
            .map(|r| format!("/{}", r.display()))
            .unwrap_or_default();
        let is_file = fs.is_file(&path);
        match fs.read(&path) {
            Err(e) if !is_file && e.kind() == std::io::ErrorKind::NotFound && ignore_missing => {
                continue
            }
            _ if is_file && fs.inside_root(&chart.artifact_root, &path) => {}
            _ => {
                return Err(err(format!(
                    "no values file found at path '{rel}' (reference '{p}')"
                )))
            }
        }
        let bytes = fs
            .read(&path)
            .map_err(|e| err(format!("could not read values from file '{p}': {e}")))?;
        let v = read_values(&bytes)
            .map_err(|e| err(format!("unmarshaling values from '{p}' failed: {e}")))?;
        merged = merge(&merged, &v);
        used.push(p.clone());
    }
    Ok((merged, used))
}

/// `BuildOptions.GetValuesFiles`: a list that is exactly `[values.yaml]` means "the chart's
/// own values".
fn effective_values_files(files: &[String]) -> &[String] {
    if let [only] = files {
        if clean(only) == "values.yaml" {
            return &[];
        }
    }
    files
}

/// Go's `filepath.Clean` for relative paths, enough to compare with `values.yaml`.
fn clean(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !p.starts_with('/') {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    if p.starts_with('/') {
        format!("/{body}")
    } else if body.is_empty() {
        ".".into()
    } else {
        body
    }
}

/// `securejoin.SecureJoin`, lexically: `..` cannot climb above `root`, and an absolute path
/// is taken as relative to it. Symlinks are checked when a file is read
/// ([`chart_defaults_files`] refuses files whose real path leaves the real root).
pub fn secure_join(root: &Path, rel: &str) -> PathBuf {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(s) => parts.push(s),
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    let mut out = root.to_path_buf();
    out.extend(parts);
    out
}

/// Helm's `CoalesceValues` for a chart without subcharts: user values win, mappings are
/// merged, a user `null` deletes the chart default (and chart-default nulls are dropped),
/// and a user mapping is never replaced by a default scalar.
pub fn coalesce(user: &Value, defaults: &Value) -> Value {
    let empty = Map::default();
    let dm = defaults.as_map().unwrap_or(&empty);
    let mut out = user.as_map().cloned().unwrap_or_default();
    for (k, dv) in dm {
        match out.get(k) {
            Some(uv) if uv.is_null() => {
                out.shift_remove(k);
            }
            Some(uv) => {
                if let (Data::Map(um), Data::Map(src)) = (&uv.data, &dv.data) {
                    let merged = coalesce_tables(um, &without_nulls(src));
                    out.insert(k.clone(), Value::from_map(merged));
                }
            }
            None => {
                if dv.is_null() {
                    continue;
                }
                let v = match &dv.data {
                    Data::Map(m) => Value::from_map(without_nulls(m)),
                    _ => dv.clone(),
                };
                out.insert(k.clone(), v);
            }
        }
    }
    Value::from_map(out)
}

/// `coalesceTablesFullKey` with `merge = false`; `src` has no nulls left.
fn coalesce_tables(dst: &Map, src: &Map) -> Map {
    let mut out = dst.clone();
    for (k, sv) in src {
        match out.get(k) {
            None => {
                out.insert(k.clone(), sv.clone());
            }
            Some(dv) if dv.is_null() => {
                out.shift_remove(k);
            }
            Some(dv) => {
                if let (Data::Map(dm), Data::Map(sm)) = (&dv.data, &sv.data) {
                    let merged = coalesce_tables(dm, sm);
                    out.insert(k.clone(), Value::from_map(merged));
                }
            }
        }
    }
    out
}

/// `cleanNilValues` on a copy.
fn without_nulls(m: &Map) -> Map {
    m.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let v = match &v.data {
                Data::Map(inner) => Value::from_map(without_nulls(inner)),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::map();
        for (k, x) in pairs {
            v.insert(*k, x.clone());
        }
        v
    }

    #[test]
    fn user_null_deletes_default_and_maps_merge() {
        let defaults = m(&[
            ("a", 1i64.into()),
            (
                "b",
                m(&[("x", 1i64.into()), ("y", 2i64.into()), ("z", Value::null())]),
            ),
            ("c", "keep".into()),
            ("d", Value::null()),
        ]);
        let user = m(&[
            ("a", Value::null()),
            ("b", m(&[("y", Value::null()), ("w", 3i64.into())])),
            ("e", Value::null()),
        ]);
        let out = coalesce(&user, &defaults);
        assert!(out.get("a").is_none());
        assert_eq!(out.pointer("/b/x"), Some(&Value::from(1i64)));
        assert!(out.pointer("/b/y").is_none());
        assert!(out.pointer("/b/z").is_none());
        assert_eq!(out.pointer("/b/w"), Some(&Value::from(3i64)));
        assert_eq!(out.get("c").and_then(Value::as_str), Some("keep"));
        assert!(out.get("d").is_none());
        // A user null without a default stays.
        assert_eq!(out.get("e"), Some(&Value::null()));
    }

    #[test]
    fn user_scalar_beats_default_map_and_user_map_beats_default_scalar() {
        let defaults = m(&[("a", m(&[("x", 1i64.into())])), ("b", 2i64.into())]);
        let user = m(&[("a", 5i64.into()), ("b", m(&[("y", 1i64.into())]))]);
        let out = coalesce(&user, &defaults);
        assert_eq!(out.get("a"), Some(&Value::from(5i64)));
        assert_eq!(out.pointer("/b/y"), Some(&Value::from(1i64)));
    }

    #[test]
    fn values_files_rules() {
        assert!(effective_values_files(&["./values.yaml".to_string()]).is_empty());
        assert_eq!(effective_values_files(&["a.yaml".to_string()]).len(), 1);
        assert_eq!(
            secure_join(Path::new("/r"), "../../x/./y"),
            PathBuf::from("/r/x/y")
        );
        assert_eq!(
            secure_join(Path::new("/r"), "/abs"),
            PathBuf::from("/r/abs")
        );
    }
}
