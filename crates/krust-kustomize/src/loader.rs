//! The loading layer: resolves paths against a kustomization's root, enforces the load
//! restrictor, and detects cycles between kustomization directories.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::cache::Recorder;
use crate::fs::{clean_path, FileSystem};
use crate::{Error, LimitKind, Limits, LoadRestrictor};

/// A loader rooted at one kustomization directory.
#[derive(Clone)]
pub(crate) struct Loader<'a> {
    /// The file system reads go through: [`Loader::real`], or the [`Recorder`] of the
    /// cached sub-build this loader is in.
    pub fs: &'a dyn FileSystem,
    /// The build's file system.
    pub real: &'a dyn FileSystem,
    /// The recorder of the nearest enclosing cached sub-build.
    pub rec: Option<&'a Recorder<'a>>,
    /// The build call (see [`crate::cache::next_call`]).
    pub call: u64,
    /// The (canonical) directory of the kustomization.
    pub root: PathBuf,
    pub restrictor: LoadRestrictor,
    /// The build's bounds (see [`Loader::limited`]).
    pub limits: Limits,
    /// Roots of the kustomizations that led here, for cycle detection.
    referrers: Arc<Vec<PathBuf>>,
    /// Bytes read so far by the build this loader belongs to (every loader made from one
    /// [`Loader::at`] shares it), bounded by [`Limits::max_total_bytes`].
    read_total: Arc<AtomicU64>,
    /// Nodes of the documents this build parsed through [`Loader::parse_stream`] so far,
    /// bounded by [`Limits::max_nodes`] (shared like `read_total`).
    nodes_total: Arc<AtomicU64>,
}

impl std::fmt::Debug for Loader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

pub(crate) fn display(p: &Path) -> String {
    p.display().to_string()
}

/// A path that names something on the network (kustomize's remote files and git bases).
pub(crate) fn is_remote(path: &str) -> bool {
    let p = path.trim();
    p.starts_with("http://")
        || p.starts_with("https://")
        || p.starts_with("git@")
        || p.starts_with("ssh://")
        || p.starts_with("git::")
        || p.starts_with("github.com/")
        || p.starts_with("gitlab.com/")
        || p.starts_with("bitbucket.org/")
        || p.starts_with("file://")
}

fn has_ambiguous_segment(path: &str) -> bool {
    path.split('/')
        .any(|p| !p.is_empty() && p != "." && p != ".." && p.contains(".."))
}

impl<'a> Loader<'a> {
    /// A loader at `dir` (the build's target directory).
    pub fn at(
        fs: &'a dyn FileSystem,
        dir: &Path,
        restrictor: LoadRestrictor,
    ) -> Result<Self, Error> {
        let real = fs
            .canonical_from_current(dir)
            .map_err(|e| fs_err(dir, &e).context("not a valid directory"))?;
        if !fs.is_dir(&real) {
            return Err(Error::NotADirectory {
                path: display(&real),
            });
        }
        let root = real;
        Ok(Loader {
            fs,
            real: fs,
            rec: None,
            call: crate::cache::next_call(),
            root,
            restrictor,
            limits: Limits::DEFAULT,
            referrers: Arc::new(Vec::new()),
            read_total: Arc::new(AtomicU64::new(0)),
            nodes_total: Arc::new(AtomicU64::new(0)),
        })
    }

    /// This loader (and every loader made from it) enforcing `limits`.
    pub fn limited(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The reader options for files of this build: default typing rules, the build's
    /// YAML limits. A call site that needs other options starts from these
    /// (`ldr.read_options().duplicate_keys(..)`), so the limits stay.
    pub fn read_options(&self) -> krust_yaml::ReadOptions {
        krust_yaml::ReadOptions::default().limits(self.limits.yaml)
    }

    /// `krust_yaml::parse_stream` under the build's YAML limits, the documents' nodes
    /// counted against [`Limits::max_nodes`] with every other file's the build parsed
    /// (going past it is a [`krust_yaml::Error::Limit`] at the document that crossed it).
    pub fn parse_stream(
        &self,
        text: &str,
        file: &str,
        typing: krust_yaml::Typing,
    ) -> Result<Vec<krust_yaml::Value>, krust_yaml::Error> {
        let docs = krust_yaml::parse_stream_with(text, file, typing, self.read_options())?;
        let max = self.limits.max_nodes;
        for doc in &docs {
            let n = count_nodes(doc);
            let total = self
                .nodes_total
                .fetch_add(n, Ordering::Relaxed)
                .saturating_add(n);
            if total > max {
                return Err(krust_yaml::Error::Limit {
                    file: file.to_string(),
                    mark: doc.mark,
                    message: format!(
                        "the build's documents have more than {max} nodes in all (limit max_nodes; see krust_kustomize::Limits)"
                    ),
                });
            }
        }
        Ok(docs)
    }

    /// Reads the file at `path` (already resolved and restricted), bounded by
    /// [`Limits::max_file_bytes`] and, with every other file this build read,
    /// [`Limits::max_total_bytes`]. A file system that knows a file's size has it refused
    /// before it is read.
    pub fn read_path(&self, path: &Path) -> Result<Vec<u8>, Error> {
        let limit = |kind, bound| Error::Limit {
            file: display(path),
            kind,
            bound,
        };
        let (max_file, max_total) = (self.limits.max_file_bytes, self.limits.max_total_bytes);
        let so_far = self.read_total.load(Ordering::Relaxed);
        if let Some(n) = self.fs.file_len(path) {
            if n > max_file {
                return Err(limit(LimitKind::FileBytes, max_file));
            }
            if so_far.saturating_add(n) > max_total {
                return Err(limit(LimitKind::TotalBytes, max_total));
            }
        }
        let bytes = self.fs.read_file(path).map_err(|e| io_err(path, &e))?;
        let n = bytes.len() as u64;
        if n > max_file {
            return Err(limit(LimitKind::FileBytes, max_file));
        }
        let total = self
            .read_total
            .fetch_add(n, Ordering::Relaxed)
            .saturating_add(n);
        if total > max_total {
            return Err(limit(LimitKind::TotalBytes, max_total));
        }
        Ok(bytes)
    }

    /// Fails when `count` resources (accumulated by the kustomization `file`) are more
    /// than [`Limits::max_resources`].
    pub fn check_resources(&self, file: &str, count: usize) -> Result<(), Error> {
        if count > self.limits.max_resources {
            return Err(Error::Limit {
                file: file.to_string(),
                kind: LimitKind::Resources,
                bound: self.limits.max_resources as u64,
            });
        }
        Ok(())
    }

    /// This loader reading through `rec` (a cached sub-build's recorder).
    pub fn recording<'r>(&self, rec: &'r Recorder<'r>) -> Loader<'r>
    where
        'a: 'r,
    {
        Loader {
            fs: rec,
            real: self.real,
            rec: Some(rec),
            call: self.call,
            root: self.root.clone(),
            restrictor: self.restrictor,
            limits: self.limits,
            referrers: self.referrers.clone(),
            read_total: self.read_total.clone(),
            nodes_total: self.nodes_total.clone(),
        }
    }

    /// `kt.ldr.New(path)`: a loader for a base or component directory relative to this root.
    pub fn child(&self, path: &str) -> Result<Loader<'a>, Error> {
        if path.is_empty() {
            return Err(Error::InvalidRoot {
                path: String::new(),
                message: "new root cannot be empty".into(),
            });
        }
        if is_remote(path) {
            return Err(Error::Unsupported {
                file: display(&self.root),
                entry: path.to_string(),
                what: "a remote base".into(),
            });
        }
        if Path::new(path).is_absolute() {
            return Err(Error::InvalidRoot {
                path: path.to_string(),
                message: format!("new root '{path}' cannot be absolute"),
            });
        }
        if has_ambiguous_segment(path) {
            return Err(Error::InvalidRoot {
                path: path.to_string(),
                message: format!(
                    "path {path:?} is ambiguous: resolves to {:?} after normalization, which is likely not the intended target; check for YAML indentation errors in your kustomization file",
                    display(&clean_path(Path::new(path)))
                ),
            });
        }
        let root = confirm_dir(self.fs, &clean_path(&self.root.join(path)))
            .map_err(|e| e.context("must build at directory"))?;
        self.check_cycle(&root)?;
        let mut referrers = (*self.referrers).clone();
        referrers.push(self.root.clone());
        Ok(Loader {
            fs: self.fs,
            real: self.real,
            rec: self.rec,
            call: self.call,
            root,
            restrictor: self.restrictor,
            limits: self.limits,
            referrers: Arc::new(referrers),
            read_total: self.read_total.clone(),
            nodes_total: self.nodes_total.clone(),
        })
    }

    /// kustomize `errIfArgEqualOrHigher`: a candidate directory may not contain this
    /// kustomization's directory or any that led to it.
    pub fn check_cycle(&self, candidate: &Path) -> Result<(), Error> {
        for visited in std::iter::once(&self.root).chain(self.referrers.iter().rev()) {
            if visited.starts_with(candidate) {
                return Err(Error::Cycle {
                    candidate: display(candidate),
                    visited: display(visited),
                });
            }
        }
        Ok(())
    }

    /// The absolute, clean path of `path` relative to the root (no restriction applied).
    pub fn join(&self, path: &str) -> PathBuf {
        if Path::new(path).is_absolute() {
            clean_path(Path::new(path))
        } else {
            clean_path(&self.root.join(path))
        }
    }

    /// Checks `path` against the restrictor and returns the path to read.
    pub fn restrict(&self, path: &str) -> Result<PathBuf, Error> {
        let joined = self.join(path);
        if self.restrictor == LoadRestrictor::None {
            return Ok(joined);
        }
        let real = self
            .fs
            .canonical(&joined)
            .map_err(|e| fs_err(&joined, &e))?;
        if self.fs.is_dir(&real) {
            return Err(Error::NotAFile {
                path: display(&joined),
            });
        }
        let dir = real.parent().unwrap_or(Path::new("/"));
        if !dir.starts_with(&self.root) {
            return Err(Error::Restricted {
                path: display(&joined),
                root: display(&self.root),
            });
        }
        Ok(real)
    }

    /// `ldr.Load(path)`: reads a file relative to the root.
    pub fn load(&self, path: &str) -> Result<Vec<u8>, Error> {
        if is_remote(path) {
            return Err(Error::Unsupported {
                file: display(&self.root),
                entry: path.to_string(),
                what: "a remote file".into(),
            });
        }
        let p = self.restrict(path)?;
        self.read_path(&p)
    }

    /// [`Loader::load`] as UTF-8 text.
    pub fn load_string(&self, path: &str) -> Result<String, Error> {
        let bytes = self.load(path)?;
        String::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
            path: display(&self.join(path)),
        })
    }

    /// Reads the YAML file at `path` (relative to the root) as [`Loader::load_string`]
    /// does, and parses it under the build's YAML limits: the file's name as errors print
    /// it, and its documents. Every YAML file a build reads (patches, `configurations:`,
    /// replacement sources, schemas) should come through here or [`Loader::parse_stream`],
    /// so that [`Limits::yaml`] bounds it.
    // Call sites that read with default limits move here (engine's configure step, exact's
    // replacement sources); until then nothing calls it.
    #[allow(dead_code)]
    pub fn read_yaml(
        &self,
        path: &str,
        typing: krust_yaml::Typing,
    ) -> Result<(String, Vec<krust_yaml::Value>), Error> {
        let text = self.load_string(path)?;
        let file = display(&self.join(path));
        let docs = self.parse_stream(&text, &file, typing)?;
        Ok((file, docs))
    }
}

/// The nodes of `v`: itself, every item and every mapping value (keys are not counted),
/// walked without recursion.
fn count_nodes(v: &krust_yaml::Value) -> u64 {
    use krust_yaml::Data;
    let mut n = 0u64;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        n += 1;
        match &v.data {
            Data::Seq(items) => stack.extend(items.iter()),
            Data::Map(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    n
}

pub(crate) fn io_err(path: &Path, e: &std::io::Error) -> Error {
    let message = if e.kind() == std::io::ErrorKind::NotFound {
        format!("'{}' doesn't exist", display(path))
    } else {
        format!("{}: {e}", display(path))
    };
    Error::Io {
        path: display(path),
        message,
    }
}

/// An error of [`FileSystem::canonical`], whose message is the file system's own.
fn fs_err(path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        path: display(path),
        message: e.to_string(),
    }
}

/// kustomize's `ConfirmDir`: the canonical path of an existing directory.
fn confirm_dir(fs: &dyn FileSystem, path: &Path) -> Result<PathBuf, Error> {
    let real = fs
        .canonical(path)
        .map_err(|e| fs_err(path, &e).context("not a valid directory"))?;
    if !fs.is_dir(&real) {
        return Err(Error::NotADirectory {
            path: display(path),
        });
    }
    Ok(real)
}
