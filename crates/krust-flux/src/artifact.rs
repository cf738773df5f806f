//! Source artifacts as file systems.
//!
//! Every resolved source is *mounted* at a virtual root: a plain source (GitRepository,
//! Bucket, OCIRepository given as a directory) at its own real path (or below
//! `/krust-flux/` when it would nest with another mount), an ExternalArtifact at
//! `/krust-flux/ExternalArtifact/<ns>/<name>` as the tree its ArtifactGenerator stages
//! (see `generator.rs`). One [`ArtifactFs`] serves all mounts, so a single `Kustomizer`
//! (whose cache is keyed by directory) shares sub-builds across every Flux Kustomization of
//! the cluster; mounts never overlap, so a directory names one content.
//!
//! A plain source is walked once when it is mounted (`SourceIndex`): the exclusion rules of
//! §2.1 are decided for every entry then, and whether it is a directory, so that a file
//! access is a table lookup. A symbolic link must not lead out of its source tree; the
//! check resolves each path once and remembers the answer.
//!
//! A build reads through a [`BuildFs`]: confined to one artifact root (kustomize-controller's
//! secure file system: nothing outside the artifact, symlinks resolved inside it), with the
//! generated or augmented kustomization file of §2.2/§2.3 laid over the tree in memory.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use krust_kustomize::{clean_path, FileSystem};

use crate::fxhash::FxHashMap;
use crate::generator::{StagedFile, Tree};
use crate::sourceignore::{Canon, Entry, Known, SourceIndex};

/// A plain source tree: a real directory minus its exclusions.
#[derive(Debug)]
pub(crate) struct Source {
    /// The real (canonical) root of the tree.
    pub root: PathBuf,
    pub index: SourceIndex,
    /// `canonical` of real paths the walk did not see, asked so far.
    canon: Mutex<FxHashMap<OsString, Canon>>,
}

impl Source {
    pub(crate) fn new(root: PathBuf, index: SourceIndex) -> Source {
        Source {
            root,
            index,
            canon: Mutex::new(FxHashMap::default()),
        }
    }

    /// Where the links of `real` lead, remembered per path (in its index entry when it has
    /// one).
    fn canon<'s>(
        &'s self,
        inner: &dyn FileSystem,
        real: &Path,
        entry: Option<&'s Entry>,
    ) -> Cow<'s, Canon> {
        let resolve = || Canon::of(real, &self.root, inner.canonical(real).ok());
        if let Some(e) = entry {
            return Cow::Borrowed(e.canon.get_or_init(resolve));
        }
        if let Ok(m) = self.canon.lock() {
            if let Some(c) = m.get(real.as_os_str()) {
                return Cow::Owned(c.clone());
            }
        }
        let c = resolve();
        if let Ok(mut m) = self.canon.lock() {
            m.insert(real.as_os_str().to_os_string(), c.clone());
        }
        Cow::Owned(c)
    }
}

/// What a mount holds.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// A source tree (its root maps to the mount root).
    Source(Arc<Source>),
    /// A staged artifact.
    Staged(Arc<Tree>),
}

/// A mounted artifact.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    pub root: PathBuf,
    pub content: Content,
    /// Whether `root` is clean (paths below it are then compared by bytes).
    fast: bool,
    /// Whether a source tree is mounted at its own real root (a path is then its real path).
    at_home: bool,
}

impl Mount {
    pub(crate) fn new(root: PathBuf, content: Content) -> Mount {
        let fast = is_clean(&root);
        let at_home = match &content {
            Content::Source(s) => s.root == root,
            Content::Staged(_) => false,
        };
        Mount {
            root,
            content,
            fast,
            at_home,
        }
    }
}

/// All artifacts of a cluster over the caller's file system.
pub(crate) struct ArtifactFs<'a> {
    pub inner: &'a dyn FileSystem,
    /// Mounts by (cleaned) root; roots never nest, so a path has at most one mount.
    mounts: FxHashMap<OsString, Arc<Mount>>,
    /// The same roots in byte order.
    roots: BTreeSet<OsString>,
}

impl std::fmt::Debug for ArtifactFs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArtifactFs")
            .field("mounts", &self.roots)
            .finish_non_exhaustive()
    }
}

fn not_found(p: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("'{}' doesn't exist", p.display()),
    )
}

/// `clean_path`, without rebuilding a path that is clean already (most are: the kustomize
/// loader joins clean directories with plain names).
pub(crate) fn clean(path: &Path) -> PathBuf {
    clean_cow(path).into_owned()
}

/// [`clean`], borrowing a path that is clean already.
pub(crate) fn clean_cow(path: &Path) -> Cow<'_, Path> {
    if is_clean(path) {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(clean_path(path))
    }
}

/// The bytes of a path, where paths are byte strings with `/` separators (Unix).
#[cfg(unix)]
fn bytes(path: &Path) -> Option<&[u8]> {
    use std::os::unix::ffi::OsStrExt;
    Some(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn bytes(_: &Path) -> Option<&[u8]> {
    None
}

/// The path of [`bytes`].
#[cfg(unix)]
fn from_bytes(b: &[u8]) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn from_bytes(_: &[u8]) -> &Path {
    Path::new("")
}

/// Whether `clean_path` would give `path` back unchanged (Unix only).
pub(crate) fn is_clean(path: &Path) -> bool {
    let Some(b) = bytes(path) else {
        return false;
    };
    match b {
        [] => false,
        b"/" => true,
        [.., b'/'] => false,
        _ => b
            .strip_prefix(b"/")
            .unwrap_or(b)
            .split(|&c| c == b'/')
            .all(|c| !matches!(c, b"" | b"." | b"..")),
    }
}

/// `path.strip_prefix(root)` for a clean `path`; with `fast` (`root` is clean too) by
/// comparing bytes rather than components, which costs more than the lookups it guards.
pub(crate) fn below<'p>(path: &'p Path, root: &Path, fast: bool) -> Option<&'p Path> {
    if fast {
        if let (Some(p), Some(r)) = (bytes(path), bytes(root)) {
            if r == b"/" {
                return p.strip_prefix(b"/").map(from_bytes);
            }
            let rest = p.strip_prefix(r)?;
            if rest.is_empty() {
                return Some(from_bytes(rest));
            }
            return rest.strip_prefix(b"/").map(from_bytes);
        }
    }
    path.strip_prefix(root).ok()
}

/// `path.ancestors()` of a clean path, found by bytes.
pub(crate) fn ancestors(path: &Path) -> impl Iterator<Item = &Path> {
    let fast = bytes(path);
    let mut slow = fast.is_none().then(|| path.ancestors());
    let mut next = fast;
    std::iter::from_fn(move || {
        if let Some(it) = slow.as_mut() {
            return it.next();
        }
        let cur = next?;
        next = match cur.iter().rposition(|&c| c == b'/') {
            Some(0) if cur.len() > 1 => Some(b"/".as_slice()),
            Some(0) => None,
            Some(i) => cur.get(..i),
            None if cur.is_empty() => None,
            None => Some(b"".as_slice()),
        };
        Some(from_bytes(cur))
    })
}

/// Where a path of a mount leads.
enum At<'m, 'p> {
    /// A real path of a source tree, not excluded, not leading out of it; its index entry
    /// when the walk saw it.
    Real(Cow<'p, Path>, &'m Source, Option<&'m Entry>),
    File(&'m StagedFile),
    Dir,
    Missing,
}

/// The slash-separated relative form of `rel` (a clean relative path).
fn rel_key(rel: &Path) -> String {
    if let Some(s) = rel.to_str().filter(|_| std::path::MAIN_SEPARATOR == '/') {
        return s.to_string();
    }
    let mut s = String::new();
    for c in rel.components() {
        if let Component::Normal(n) = c {
            if !s.is_empty() {
                s.push('/');
            }
            s.push_str(&n.to_string_lossy());
        }
    }
    s
}

impl<'a> ArtifactFs<'a> {
    pub(crate) fn new(inner: &'a dyn FileSystem) -> Self {
        ArtifactFs {
            inner,
            mounts: FxHashMap::default(),
            roots: BTreeSet::new(),
        }
    }

    /// The mount holding `path` (clean): a lookup per ancestor, not a scan of every mount.
    pub(crate) fn mount_of(&self, path: &Path) -> Option<&Arc<Mount>> {
        ancestors(path).find_map(|a| self.mounts.get(a.as_os_str()))
    }

    /// The mount at `root` exactly.
    pub(crate) fn mount(&self, root: &Path) -> Option<&Arc<Mount>> {
        self.mounts.get(clean_cow(root).as_os_str())
    }

    /// Whether a mount at `root` would nest with an existing one.
    pub(crate) fn overlaps(&self, root: &Path) -> bool {
        let root = clean_cow(root);
        if self.mount_of(&root).is_some() {
            return true;
        }
        // The roots below `root` are the keys starting with `root/`, which sort together.
        let mut prefix = root.as_os_str().to_os_string();
        if !root.as_os_str().as_encoded_bytes().ends_with(b"/") {
            prefix.push("/");
        }
        let under = self
            .roots
            .range(prefix.clone()..)
            .next()
            .is_some_and(|k| k.as_encoded_bytes().starts_with(prefix.as_encoded_bytes()));
        under || (!is_clean(&root) && self.roots.iter().any(|k| Path::new(k).starts_with(&root)))
    }

    /// Adds a mount.
    pub(crate) fn add(&mut self, m: Mount) {
        let key = clean(&m.root).into_os_string();
        self.roots.insert(key.clone());
        self.mounts.insert(key, Arc::new(m));
    }

    /// Removes the mount at `root`.
    pub(crate) fn remove(&mut self, root: &Path) {
        let key = clean_cow(root);
        self.roots.remove(key.as_os_str());
        self.mounts.remove(key.as_os_str());
    }

    /// The real path behind a virtual one (clean), without the exclusion check (for
    /// display).
    pub(crate) fn real_unchecked(&self, path: &Path) -> Option<PathBuf> {
        let m = self.mount_of(path)?;
        if m.at_home {
            return Some(path.to_path_buf());
        }
        let rel = below(path, &m.root, m.fast)?;
        match &m.content {
            Content::Source(s) if rel.as_os_str().is_empty() => Some(s.root.clone()),
            Content::Source(s) => Some(s.root.join(rel)),
            Content::Staged(t) => match t.files.get(&rel_key(rel))? {
                StagedFile::Copy(p) => self.real_unchecked(p).or_else(|| Some(p.clone())),
                StagedFile::Bytes(_) => None,
            },
        }
    }

    /// Where `path` (clean, inside `m`) leads.
    fn locate<'m, 'p>(&self, m: &'m Mount, path: &'p Path) -> At<'m, 'p> {
        let Some(rel) = below(path, &m.root, m.fast) else {
            return At::Missing;
        };
        match &m.content {
            Content::Staged(t) => {
                let key = rel_key(rel);
                if key.is_empty() || t.dirs.contains(&key) {
                    return At::Dir;
                }
                match t.files.get(&key) {
                    Some(f) => At::File(f),
                    None => At::Missing,
                }
            }
            Content::Source(s) => {
                let real = if m.at_home {
                    Cow::Borrowed(path)
                } else {
                    Cow::Owned(s.root.join(rel))
                };
                let entry = match s.index.lookup(&s.root, &real) {
                    Known::Missing => return At::Missing,
                    Known::Entry(e) if e.excluded => return At::Missing,
                    Known::Entry(e) => Some(e),
                    Known::Unknown => {
                        let is_dir = || self.inner.is_dir(&real);
                        if s.index.excluded_unwalked(&s.root, &real, &is_dir) {
                            return At::Missing;
                        }
                        None
                    }
                };
                // A symbolic link must not lead out of the source tree (kustomize-
                // controller's secure file system resolves links inside the root, where
                // such a target does not exist). Checked on every access (answered from
                // the index after the first): with LoadRestrictionsNone the kustomize
                // loader never asks for `canonical`.
                if *s.canon(self.inner, &real, entry) == Canon::Outside {
                    return At::Missing;
                }
                At::Real(real, s, entry)
            }
        }
    }

    fn at<'p>(&self, path: &'p Path) -> (Cow<'p, Path>, Option<&Arc<Mount>>) {
        let path = clean_cow(path);
        let m = self.mount_of(&path);
        (path, m)
    }

    fn read_file_in(&self, m: &Mount, path: &Path) -> io::Result<Vec<u8>> {
        match self.locate(m, path) {
            At::Real(real, _, _) => self.inner.read_file(&real),
            At::File(StagedFile::Copy(p)) => self.read_file(p),
            At::File(StagedFile::Bytes(b)) => Ok(b.as_ref().clone()),
            At::Dir | At::Missing => Err(not_found(path)),
        }
    }

    fn file_len_in(&self, m: &Mount, path: &Path) -> Option<u64> {
        match self.locate(m, path) {
            At::Real(real, _, _) => self.inner.file_len(&real),
            At::File(StagedFile::Copy(p)) => self.file_len(p),
            At::File(StagedFile::Bytes(b)) => u64::try_from(b.len()).ok(),
            At::Dir | At::Missing => None,
        }
    }

    fn is_dir_in(&self, m: &Mount, path: &Path) -> bool {
        match self.locate(m, path) {
            At::Real(_, _, Some(e)) => e.is_dir,
            At::Real(real, _, None) => self.inner.is_dir(&real),
            At::Dir => true,
            At::File(_) | At::Missing => false,
        }
    }

    fn exists_in(&self, m: &Mount, path: &Path) -> bool {
        match self.locate(m, path) {
            At::Real(_, _, Some(_)) => true,
            At::Real(real, _, None) => self.inner.exists(&real),
            At::Dir | At::File(_) => true,
            At::Missing => false,
        }
    }

    fn read_dir_in(&self, m: &Mount, path: &Path) -> io::Result<Vec<PathBuf>> {
        match self.locate(m, path) {
            At::Real(real, _, entry) => {
                if entry.is_some_and(|e| !e.is_dir) {
                    return Err(not_found(path));
                }
                let mut out = Vec::new();
                for e in self.inner.read_dir(&real)? {
                    if let Some(name) = e.file_name() {
                        let v = path.join(name);
                        if !matches!(self.locate(m, &v), At::Missing) {
                            out.push(v);
                        }
                    }
                }
                Ok(out)
            }
            At::Dir => {
                let Content::Staged(t) = &m.content else {
                    return Err(not_found(path));
                };
                let rel = below(path, &m.root, m.fast)
                    .map(rel_key)
                    .unwrap_or_default();
                Ok(t.children(&rel).into_iter().map(|n| path.join(n)).collect())
            }
            At::File(_) | At::Missing => Err(not_found(path)),
        }
    }

    fn canonical_in(&self, m: &Mount, path: &Path) -> io::Result<PathBuf> {
        match self.locate(m, path) {
            At::Real(real, s, entry) => match &*s.canon(self.inner, &real, entry) {
                Canon::Same => Ok(path.to_path_buf()),
                Canon::Failed => Err(not_found(path)),
                // A symbolic link inside the source tree: the same place in the mount.
                Canon::Inside(canon) => match below(canon, &s.root, true) {
                    Some(inner) => Ok(clean_path(&m.root.join(inner))),
                    None => Err(not_found(path)),
                },
                Canon::Outside => Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("'{}' resolves outside the artifact root", path.display()),
                )),
            },
            At::Dir | At::File(_) => Ok(path.to_path_buf()),
            At::Missing => Err(not_found(path)),
        }
    }
}

impl FileSystem for ArtifactFs<'_> {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.at(path) {
            (p, Some(m)) => self.read_file_in(m, &p),
            (p, None) => Err(not_found(&p)),
        }
    }
    fn file_len(&self, path: &Path) -> Option<u64> {
        match self.at(path) {
            (p, Some(m)) => self.file_len_in(m, &p),
            (_, None) => None,
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        match self.at(path) {
            (p, Some(m)) => self.is_dir_in(m, &p),
            _ => false,
        }
    }
    fn exists(&self, path: &Path) -> bool {
        match self.at(path) {
            (p, Some(m)) => self.exists_in(m, &p),
            _ => false,
        }
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        match self.at(path) {
            (p, Some(m)) => self.read_dir_in(m, &p),
            (p, None) => Err(not_found(&p)),
        }
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        match self.at(path) {
            (p, Some(m)) => self.canonical_in(m, &p),
            (p, None) => Err(not_found(&p)),
        }
    }
}

/// The view one Flux Kustomization's build has: one artifact, plus the kustomization file
/// Flux writes before building.
pub(crate) struct BuildFs<'a> {
    pub base: &'a ArtifactFs<'a>,
    /// The artifact root; nothing outside it can be read.
    pub root: PathBuf,
    /// Whether `root` is clean.
    fast: bool,
    /// The mount at `root`, looked up once.
    mount: Option<Arc<Mount>>,
    /// The generated or augmented kustomization file, if it differs from the tree's.
    pub overlay: Option<(PathBuf, Arc<Vec<u8>>)>,
}

impl std::fmt::Debug for BuildFs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildFs")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl<'a> BuildFs<'a> {
    /// The view of the artifact mounted at `root`.
    pub(crate) fn new(
        base: &'a ArtifactFs<'a>,
        root: PathBuf,
        overlay: Option<(PathBuf, Arc<Vec<u8>>)>,
    ) -> Self {
        let mount = base.mount(&root).cloned();
        let overlay = overlay.map(|(p, b)| (clean(&p), b));
        BuildFs {
            base,
            fast: is_clean(&root),
            root,
            mount,
            overlay,
        }
    }

    fn inside<'p>(&self, path: &'p Path) -> io::Result<Cow<'p, Path>> {
        let p = clean_cow(path);
        if below(&p, &self.root, self.fast).is_some() {
            Ok(p)
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "'{}' is outside the artifact root '{}'",
                    path.display(),
                    self.root.display()
                ),
            ))
        }
    }
    fn is_overlay(&self, p: &Path) -> Option<&Arc<Vec<u8>>> {
        self.overlay
            .as_ref()
            .filter(|(f, _)| f.as_os_str() == p.as_os_str())
            .map(|(_, b)| b)
    }
    /// The mount of `p` (inside the root): the build's own, unless the root is not a mount.
    fn mount_for(&self, p: &Path) -> Option<&Mount> {
        match &self.mount {
            Some(m) => Some(m),
            None => self.base.mount_of(p).map(|m| &**m),
        }
    }
}

impl FileSystem for BuildFs<'_> {
    fn file_len(&self, path: &Path) -> Option<u64> {
        let p = self.inside(path).ok()?;
        if let Some(b) = self.is_overlay(&p) {
            return u64::try_from(b.len()).ok();
        }
        self.base.file_len_in(self.mount_for(&p)?, &p)
    }
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let p = self.inside(path)?;
        if let Some(b) = self.is_overlay(&p) {
            return Ok(b.as_ref().clone());
        }
        match self.mount_for(&p) {
            Some(m) => self.base.read_file_in(m, &p),
            None => Err(not_found(&p)),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        let Ok(p) = self.inside(path) else {
            return false;
        };
        self.is_overlay(&p).is_none()
            && self
                .mount_for(&p)
                .is_some_and(|m| self.base.is_dir_in(m, &p))
    }
    fn exists(&self, path: &Path) -> bool {
        let Ok(p) = self.inside(path) else {
            return false;
        };
        self.is_overlay(&p).is_some()
            || self
                .mount_for(&p)
                .is_some_and(|m| self.base.exists_in(m, &p))
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let p = self.inside(path)?;
        let mut v = match self.mount_for(&p) {
            Some(m) => self.base.read_dir_in(m, &p)?,
            None => return Err(not_found(&p)),
        };
        if let Some((f, _)) = &self.overlay {
            if f.parent() == Some(&*p) && !v.contains(f) {
                v.push(f.clone());
            }
        }
        v.sort();
        Ok(v)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let p = self.inside(path)?;
        if self.is_overlay(&p).is_some() {
            return Ok(p.into_owned());
        }
        let c = match self.mount_for(&p) {
            Some(m) => self.base.canonical_in(m, &p)?,
            None => return Err(not_found(&p)),
        };
        self.inside(&c).map(Cow::into_owned)
    }
}

/// Go `securejoin.SecureJoin` lexically: `..` cannot climb above `root`.
pub(crate) fn secure_join(root: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    root.join(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_kustomize::MemFs;

    fn fs_with(inner: &MemFs) -> ArtifactFs<'_> {
        let index = SourceIndex::build(inner, Path::new("/repo"), "");
        let mut fs = ArtifactFs::new(inner);
        fs.add(Mount::new(
            PathBuf::from("/repo"),
            Content::Source(Arc::new(Source::new(PathBuf::from("/repo"), index))),
        ));
        let mut tree = Tree::default();
        tree.dirs.insert("base".into());
        tree.files.insert(
            "base/x.yaml".into(),
            StagedFile::Copy(PathBuf::from("/repo/apps/base/x.yaml")),
        );
        tree.files
            .insert("m.yaml".into(), StagedFile::Bytes(Arc::new(b"m".to_vec())));
        fs.add(Mount::new(
            PathBuf::from("/krust-flux/ExternalArtifact/ns/apps"),
            Content::Staged(Arc::new(tree)),
        ));
        fs
    }

    #[test]
    fn excluded_files_are_hidden_and_staged_files_are_placed() {
        let inner = MemFs::from_files([
            ("repo/a.yaml", "a"),
            ("repo/.github/w.yaml", "w"),
            ("repo/apps/base/x.yaml", "x"),
            ("outside/secret.yaml", "s"),
        ]);
        let fs = fs_with(&inner);
        assert!(fs.exists(Path::new("/repo/a.yaml")));
        assert!(!fs.exists(Path::new("/repo/.github/w.yaml")));
        assert!(!fs.exists(Path::new("/repo/.github")));
        assert!(!fs.exists(Path::new("/repo/nothing.yaml")));
        assert!(!fs.exists(Path::new("/outside/secret.yaml")));
        assert_eq!(
            fs.read_dir(Path::new("/repo")).ok(),
            Some(vec![
                PathBuf::from("/repo/a.yaml"),
                PathBuf::from("/repo/apps")
            ])
        );
        let ea = Path::new("/krust-flux/ExternalArtifact/ns/apps");
        assert!(fs.is_dir(ea));
        assert_eq!(
            fs.read_dir(ea).ok(),
            Some(vec![ea.join("base"), ea.join("m.yaml")])
        );
        assert_eq!(
            fs.read_file(&ea.join("base/x.yaml")).ok(),
            Some(b"x".to_vec())
        );
        assert_eq!(fs.read_file(&ea.join("m.yaml")).ok(), Some(b"m".to_vec()));
        assert!(!fs.is_dir(&ea.join("m.yaml")));
    }

    #[test]
    fn build_fs_confines_and_overlays() {
        let inner = MemFs::from_files([("repo/d/a.yaml", "a"), ("other/b.yaml", "b")]);
        let base = fs_with(&inner);
        let bfs = BuildFs::new(
            &base,
            PathBuf::from("/repo"),
            Some((
                PathBuf::from("/repo/d/kustomization.yaml"),
                Arc::new(b"k".to_vec()),
            )),
        );
        assert!(bfs.read_file(Path::new("/repo/../other/b.yaml")).is_err());
        assert_eq!(
            bfs.read_file(Path::new("/repo/d/kustomization.yaml")).ok(),
            Some(b"k".to_vec())
        );
        assert_eq!(
            bfs.read_dir(Path::new("/repo/d")).map(|v| v.len()).ok(),
            Some(2)
        );
    }

    #[test]
    fn clean_agrees_with_clean_path() {
        for p in [
            "/",
            "/a",
            "/a/b.yaml",
            "a/b",
            ".",
            "..",
            "./a",
            "a/./b",
            "a/../b",
            "/a/b/",
            "/a//b",
            "a/..",
            "/..",
            "../a",
            "a/b/..",
            "/a/.b/c..d",
            "",
        ] {
            assert_eq!(clean(Path::new(p)), clean_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn byte_path_helpers_agree_with_std() {
        let paths = [
            "/",
            "/a",
            "/a/b",
            "/a/b-c",
            "/a/bc/d",
            "a",
            "a/b",
            "/a/b/c.yaml",
        ];
        for p in paths {
            let p = Path::new(p);
            assert_eq!(is_clean(p), clean_path(p) == p, "{}", p.display());
            let ours: Vec<&Path> = ancestors(p).collect();
            let std: Vec<&Path> = p.ancestors().collect();
            assert_eq!(ours, std, "{}", p.display());
            for r in paths {
                let r = Path::new(r);
                assert_eq!(
                    below(p, r, true),
                    p.strip_prefix(r).ok(),
                    "{} below {}",
                    p.display(),
                    r.display()
                );
            }
        }
        for p in ["", ".", "/a/", "a//b", "/a/./b", "/a/..", "./a"] {
            assert!(!is_clean(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn secure_join_stays_inside() {
        assert_eq!(
            secure_join(Path::new("/r"), "../../etc"),
            PathBuf::from("/r/etc")
        );
        assert_eq!(
            secure_join(Path::new("/r"), "./a/../b"),
            PathBuf::from("/r/b")
        );
    }
}
