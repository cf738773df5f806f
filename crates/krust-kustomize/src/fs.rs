//! File systems a build reads from: the disk, or an in-memory tree (tests, embedders, Flux
//! sources already in memory).
//!
//! Every path handed to a [`FileSystem`] is absolute and lexically clean (see
//! [`clean_path`]); the loader makes it so before asking.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};

/// What a build needs from a file system. Implementations must be usable from many threads.
pub trait FileSystem: Send + Sync {
    /// The bytes of a regular file.
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Whether anything exists at `path`.
    fn exists(&self, path: &Path) -> bool;
    /// The entries of a directory (full paths), sorted by name.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>>;
    /// The absolute, clean form of `path` with symbolic links resolved, as kustomize's
    /// `CleanedAbs` computes it. `path` must exist.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;

    /// The size in bytes of the regular file at `path`, when the file system can tell
    /// without reading it (the default: `None`). Lets a build refuse a file past
    /// [`crate::Limits::max_file_bytes`] before reading it.
    fn file_len(&self, path: &Path) -> Option<u64> {
        let _ = path;
        None
    }

    /// The directory a relative build path is resolved against. The default is the
    /// process's current directory, which is right for the disk only: an in-memory tree
    /// has its own (see [`MemFs::set_current_dir`]).
    fn current_dir(&self) -> io::Result<PathBuf> {
        std::env::current_dir()
    }

    /// [`FileSystem::canonical`] of a path that may be relative (resolved against
    /// [`FileSystem::current_dir`]), as kustomize's `CleanedAbs` is given the build path.
    fn canonical_from_current(&self, path: &Path) -> io::Result<PathBuf> {
        if path.is_absolute() {
            self.canonical(&clean_path(path))
        } else {
            self.canonical(&clean_path(&self.current_dir()?.join(path)))
        }
    }
}

/// Lexical clean of a path like Go's `filepath.Clean`: removes `.`, folds `name/..`, and
/// drops `..` at the root (`/..` is `/`). Relative paths stay relative.
pub fn clean_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn file_len(&self, path: &Path) -> Option<u64> {
        std::fs::metadata(path).ok().map(|m| m.len())
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut v = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<Vec<_>>>()?;
        v.sort();
        Ok(v)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path).map_err(|e| {
            // kustomize's on-disk wording (`filepath.EvalSymlinks` fails on the first
            // missing component).
            let detail = if e.kind() == io::ErrorKind::NotFound {
                let missing = path
                    .ancestors()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .find(|a| std::fs::symlink_metadata(a).is_err())
                    .unwrap_or(path);
                format!("lstat {}: no such file or directory", missing.display())
            } else {
                e.to_string()
            };
            io::Error::new(
                e.kind(),
                format!("evalsymlink failure on '{}' : {detail}", path.display()),
            )
        })
    }
}

/// An in-memory file system. Directories are implied by the files in them (plus any added
/// with [`MemFs::add_dir`]). Relative paths given to the constructor are placed under `/`.
///
/// Its current directory is `/` unless set with [`MemFs::set_current_dir`]: a relative
/// build path never resolves against the process's directory.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
    /// `None` is `/`.
    cwd: Option<PathBuf>,
}

impl MemFs {
    /// An empty file system holding only `/`.
    pub fn new() -> Self {
        let mut fs = MemFs::default();
        fs.dirs.insert(PathBuf::from("/"));
        fs
    }

    /// Sets the directory relative build paths resolve against (relative `dir` is taken
    /// from `/`).
    pub fn set_current_dir(&mut self, dir: impl AsRef<Path>) {
        self.cwd = Some(Self::absolute(dir.as_ref()));
    }

    /// A file system holding `files` (`(path, bytes)` pairs).
    pub fn from_files<P, B, I>(files: I) -> Self
    where
        P: AsRef<Path>,
        B: Into<Vec<u8>>,
        I: IntoIterator<Item = (P, B)>,
    {
        let mut fs = MemFs::new();
        for (p, b) in files {
            fs.add_file(p, b);
        }
        fs
    }

    fn absolute(path: &Path) -> PathBuf {
        if path.is_absolute() {
            clean_path(path)
        } else {
            clean_path(&Path::new("/").join(path))
        }
    }

    /// Adds (or replaces) a file; its parent directories are implied.
    pub fn add_file(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) {
        let p = Self::absolute(path.as_ref());
        if let Some(parent) = p.parent() {
            self.add_dir(parent);
        }
        self.files.insert(p, bytes.into());
    }

    /// Adds an (empty) directory and its parents.
    pub fn add_dir(&mut self, path: impl AsRef<Path>) {
        let p = Self::absolute(path.as_ref());
        for a in p.ancestors() {
            if !self.dirs.insert(a.to_path_buf()) {
                break;
            }
        }
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("'{}' doesn't exist", path.display()),
    )
}

impl FileSystem for MemFs {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let p = Self::absolute(path);
        match self.files.get(&p) {
            Some(b) => Ok(b.clone()),
            None if self.dirs.contains(&p) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("'{}' is a directory", p.display()),
            )),
            None => Err(not_found(&p)),
        }
    }
    fn file_len(&self, path: &Path) -> Option<u64> {
        self.files
            .get(&Self::absolute(path))
            .map(|b| b.len() as u64)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(&Self::absolute(path))
    }
    fn exists(&self, path: &Path) -> bool {
        let p = Self::absolute(path);
        self.dirs.contains(&p) || self.files.contains_key(&p)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let p = Self::absolute(path);
        if !self.dirs.contains(&p) {
            return Err(not_found(&p));
        }
        let mut out: Vec<PathBuf> = self
            .dirs
            .range(p.clone()..)
            .chain(self.files.keys().filter(|k| k.starts_with(&p)))
            .filter(|k| k.parent() == Some(p.as_path()))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let p = Self::absolute(path);
        if self.exists(&p) {
            Ok(p)
        } else {
            Err(not_found(&p))
        }
    }
    fn current_dir(&self) -> io::Result<PathBuf> {
        Ok(self.cwd.clone().unwrap_or_else(|| PathBuf::from("/")))
    }
    fn canonical_from_current(&self, path: &Path) -> io::Result<PathBuf> {
        let p = clean_path(&self.current_dir()?.join(path));
        if self.exists(&p) {
            Ok(p)
        } else {
            // kyaml's in-memory `CleanedAbs` names the path as it was given.
            Err(not_found(path))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_folds_dots_and_stops_at_root() {
        assert_eq!(clean_path(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(clean_path(Path::new("/../x")), PathBuf::from("/x"));
        assert_eq!(clean_path(Path::new("a/../../b")), PathBuf::from("../b"));
        assert_eq!(clean_path(Path::new("./")), PathBuf::from("."));
    }

    #[test]
    fn memfs_implies_directories() {
        let fs = MemFs::from_files([("base/k.yaml", "a"), ("base/sub/x.yaml", "b")]);
        assert!(fs.is_dir(Path::new("/base/sub")));
        assert!(fs.is_dir(Path::new("/")));
        assert_eq!(
            fs.read_dir(Path::new("/base")).ok(),
            Some(vec![
                PathBuf::from("/base/k.yaml"),
                PathBuf::from("/base/sub")
            ])
        );
        assert_eq!(
            fs.read_file(Path::new("/base/../base/k.yaml")).ok(),
            Some(b"a".to_vec())
        );
        assert!(fs.read_file(Path::new("/nope")).is_err());
    }

    #[test]
    fn memfs_resolves_relative_paths_against_its_own_directory() {
        let mut fs = MemFs::from_files([("a/b/k.yaml", "x")]);
        assert_eq!(
            fs.canonical_from_current(Path::new("a/b")).ok(),
            Some(PathBuf::from("/a/b"))
        );
        fs.set_current_dir("a");
        assert_eq!(
            fs.canonical_from_current(Path::new("b/../b")).ok(),
            Some(PathBuf::from("/a/b"))
        );
        let err = fs.canonical_from_current(Path::new("nope")).err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("'nope' doesn't exist".to_string())
        );
    }
}
