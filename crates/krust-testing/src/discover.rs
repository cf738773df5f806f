//! Finding the builds of a repository: every kustomization directory under a root, what
//! each one includes, which ones nothing includes (the builds a fleet renders), and which
//! builds a changed file reaches.
//!
//! The scan reads kustomization files only for their references (`resources`, `bases`,
//! `components`, and any other string naming an existing file or directory beside the
//! kustomization, such as patch and generator files); it never builds. A kustomization
//! that cannot be read is still listed (its build reports the error), with no references.
//!
//! ```
//! use std::path::Path;
//! use krust_kustomize::MemFs;
//! use krust_testing::discover::Graph;
//!
//! let fs = MemFs::from_files([
//!     ("/repo/base/kustomization.yaml", "resources: [cm.yaml]\n"),
//!     ("/repo/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
//!     ("/repo/dev/kustomization.yaml", "resources: [../base]\n"),
//! ]);
//! let graph = Graph::scan(&fs, Path::new("/repo"))?;
//! assert_eq!(graph.roots(), [Path::new("/repo/dev")]);
//! assert!(graph.reaches(Path::new("/repo/dev"), Path::new("/repo/base/cm.yaml")));
//! # Ok::<(), krust_testing::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use krust_kustomize::{clean_path, FileSystem, KUSTOMIZATION_FILE_NAMES};
use krust_yaml::{Typing, Value};
use rayon::prelude::*;

use crate::Error;

/// How deep the directory walk goes; deeper trees are almost certainly a symlink loop.
const MAX_DEPTH: usize = 64;

/// One kustomization directory and what it refers to.
#[derive(Debug, Clone, Default)]
pub struct KustomizationDir {
    /// `kind: Component`: built only as part of another kustomization.
    pub is_component: bool,
    /// Kustomization directories named in `resources`, `bases` or `components`.
    pub includes: Vec<PathBuf>,
    /// Every other existing file or directory the kustomization names (patches, generator
    /// sources, configurations, plain resource files).
    pub files: Vec<PathBuf>,
}

/// The kustomization directories of a repository and the edges between them.
#[derive(Debug, Clone)]
pub struct Graph {
    root: PathBuf,
    dirs: BTreeMap<PathBuf, KustomizationDir>,
}

/// Whether `dir` holds a kustomization file.
pub fn has_kustomization(fs: &dyn FileSystem, dir: &Path) -> bool {
    KUSTOMIZATION_FILE_NAMES.iter().any(|f| {
        let p = dir.join(f);
        fs.exists(&p) && !fs.is_dir(&p)
    })
}

impl Graph {
    /// Scans `root` (an absolute, clean directory path) and every kustomization its
    /// kustomizations include, inside `root` or not. Hidden directories (`.git`, ...) are
    /// skipped. Directories are read and kustomizations parsed in parallel on the current
    /// rayon pool (see [`crate::fleet::FleetRenderer::scan`]).
    pub fn scan(fs: &dyn FileSystem, root: &Path) -> Result<Graph, Error> {
        let root = clean_path(root);
        if !fs.is_dir(&root) {
            return Err(Error::Io {
                path: root.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            });
        }
        let found = walk(fs, &root, 0)?;
        // Reading the kustomizations is the scan's cost: do it on the current rayon pool.
        let read: Vec<(PathBuf, KustomizationDir)> = found
            .into_par_iter()
            .map(|dir| {
                let k = read_kustomization(fs, &dir);
                (dir, k)
            })
            .collect();
        let mut graph = Graph {
            root,
            dirs: read.into_iter().collect(),
        };
        // Kustomizations outside the root that the ones inside include.
        let pending: Vec<PathBuf> = graph
            .dirs
            .values()
            .flat_map(|k| k.includes.iter().cloned())
            .collect();
        graph.follow(fs, pending);
        Ok(graph)
    }

    /// The graph of `builds` (absolute kustomization directories) and what they include,
    /// without walking `root`: for a list of builds given by hand.
    pub fn of_builds(fs: &dyn FileSystem, root: &Path, builds: &[PathBuf]) -> Graph {
        let mut graph = Graph {
            root: clean_path(root),
            dirs: BTreeMap::new(),
        };
        graph.follow(fs, builds.to_vec());
        graph
    }

    /// Reads every directory of `pending` not read yet, and what they include.
    fn follow(&mut self, fs: &dyn FileSystem, mut pending: Vec<PathBuf>) {
        while let Some(dir) = pending.pop() {
            if self.dirs.contains_key(&dir) {
                continue;
            }
            let k = read_kustomization(fs, &dir);
            pending.extend(k.includes.iter().cloned());
            self.dirs.insert(dir, k);
        }
    }

    /// The directory scanned.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every kustomization directory found, in path order.
    pub fn dirs(&self) -> impl Iterator<Item = (&Path, &KustomizationDir)> {
        self.dirs.iter().map(|(p, k)| (p.as_path(), k))
    }

    /// The kustomization of `dir`, if the scan found one there.
    pub fn get(&self, dir: &Path) -> Option<&KustomizationDir> {
        self.dirs.get(dir)
    }

    /// The builds: kustomization directories under the root that no other kustomization
    /// includes and that are not components, in path order.
    pub fn roots(&self) -> Vec<PathBuf> {
        let included: BTreeSet<&PathBuf> = self.dirs.values().flat_map(|k| &k.includes).collect();
        self.dirs
            .iter()
            .filter(|(p, k)| p.starts_with(&self.root) && !k.is_component && !included.contains(p))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// `dir` and every kustomization directory it includes, transitively.
    pub fn closure(&self, dir: &Path) -> BTreeSet<PathBuf> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            if let Some(k) = self.dirs.get(&d) {
                stack.extend(k.includes.iter().cloned());
            }
        }
        seen
    }

    /// Whether a change to `path` (a file or directory) can change the build of `dir`: it
    /// lies in a directory of the build's closure, or is (or lies under, or contains) a
    /// file the closure names.
    pub fn reaches(&self, dir: &Path, path: &Path) -> bool {
        self.closure(dir).iter().any(|d| {
            path.starts_with(d)
                || self.dirs.get(d).is_some_and(|k| {
                    k.files
                        .iter()
                        .any(|f| path.starts_with(f) || f.starts_with(path))
                })
        })
    }

    /// The kustomization directories of `builds`' closures grouped by height: the first
    /// group includes nothing, every later one includes only directories of earlier groups.
    /// Building group by group lets independent bases build in parallel before the
    /// overlays that share them.
    pub fn levels(&self, builds: &[PathBuf]) -> Vec<Vec<PathBuf>> {
        let mut height: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for b in builds {
            self.height(b, &mut height, &mut BTreeSet::new());
        }
        let mut levels: Vec<Vec<PathBuf>> = Vec::new();
        for (dir, h) in height {
            if levels.len() <= h {
                levels.resize_with(h + 1, Vec::new);
            }
            if let Some(level) = levels.get_mut(h) {
                level.push(dir);
            }
        }
        levels
    }

    fn height(
        &self,
        dir: &Path,
        memo: &mut BTreeMap<PathBuf, usize>,
        visiting: &mut BTreeSet<PathBuf>,
    ) -> usize {
        if let Some(h) = memo.get(dir) {
            return *h;
        }
        // A cycle is the builder's error to report; cut it here.
        if !visiting.insert(dir.to_path_buf()) {
            return 0;
        }
        let h = self.dirs.get(dir).map_or(0, |k| {
            k.includes
                .iter()
                .map(|i| self.height(i, memo, visiting) + 1)
                .max()
                .unwrap_or(0)
        });
        visiting.remove(dir);
        memo.insert(dir.to_path_buf(), h);
        h
    }

    /// `path` relative to the root, `/`-separated; the root itself is `.`.
    pub fn relative(&self, path: &Path) -> String {
        relative(&self.root, path)
    }
}

/// `path` relative to `root`, `/`-separated (`.` for the root itself; the full path when
/// it is not under `root`).
pub fn relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string(),
    }
}

fn walk(fs: &dyn FileSystem, dir: &Path, depth: usize) -> Result<Vec<PathBuf>, Error> {
    if depth > MAX_DEPTH {
        return Ok(Vec::new());
    }
    let entries = fs.read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let subdirs: Vec<PathBuf> = entries
        .into_iter()
        .filter(|entry| {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            !hidden && fs.is_dir(entry)
        })
        .collect();
    let below: Vec<Vec<PathBuf>> = subdirs
        .par_iter()
        .map(|d| walk(fs, d, depth + 1))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    if has_kustomization(fs, dir) {
        out.push(dir.to_path_buf());
    }
    out.extend(below.into_iter().flatten());
    Ok(out)
}

/// Reads the references of the kustomization in `dir`; an unreadable one has none.
fn read_kustomization(fs: &dyn FileSystem, dir: &Path) -> KustomizationDir {
    let mut k = KustomizationDir::default();
    let Some(file) = KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| fs.exists(p) && !fs.is_dir(p))
    else {
        return k;
    };
    let Ok(bytes) = fs.read_file(&file) else {
        return k;
    };
    let text = String::from_utf8_lossy(&bytes);
    let name = file.display().to_string();
    let Some(doc) = krust_yaml::parse_stream(&text, &name, Typing::Yaml11)
        .ok()
        .and_then(|d| d.into_iter().next())
    else {
        return k;
    };
    k.is_component = doc.get("kind").and_then(Value::as_str) == Some("Component");
    let Some(map) = doc.as_map() else {
        return k;
    };
    for (key, value) in map {
        // kustomize matches field names case-insensitively.
        let field = key.as_str().to_ascii_lowercase();
        let is_ref_list = matches!(field.as_str(), "resources" | "bases" | "components");
        let mut strings = Vec::new();
        collect_strings(value, &mut strings);
        for s in strings {
            if s.is_empty() || s.contains("://") || s.contains('\n') {
                continue;
            }
            let path = clean_path(&dir.join(s));
            if !fs.exists(&path) {
                continue;
            }
            if is_ref_list && fs.is_dir(&path) && has_kustomization(fs, &path) {
                k.includes.push(path);
            } else if path != dir {
                k.files.push(path);
            }
        }
    }
    k.includes.dedup();
    k.files.sort();
    k.files.dedup();
    k
}

fn collect_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    if let Some(s) = v.as_str() {
        out.push(s);
    } else if let Some(seq) = v.as_seq() {
        for x in seq {
            collect_strings(x, out);
        }
    } else if let Some(map) = v.as_map() {
        for x in map.values() {
            collect_strings(x, out);
        }
    }
}
