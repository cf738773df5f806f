//! Source artifacts as file systems.
//!
//! Every resolved source is *mounted* at a virtual root: a plain source (GitRepository,
//! Bucket, OCIRepository given as a directory) at its own real path, an ExternalArtifact
//! at `/krust-flux/ExternalArtifact/<ns>/<name>` assembled from copy rules. The exclusion
//! rules of §2.1 hide files. One [`ArtifactFs`] serves all mounts, so a single
//! `Kustomizer` (whose cache is keyed by directory) shares sub-builds across every Flux
//! Kustomization of the cluster; mounts never overlap, so a directory names one content.
//!
//! A build reads through a [`BuildFs`]: confined to one artifact root (kustomize-controller's
//! secure file system: nothing outside the artifact, symlinks resolved inside it), with the
//! generated or augmented kustomization file of §2.2/§2.3 laid over the tree in memory.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use krust_kustomize::{clean_path, FileSystem};

use crate::sourceignore::IgnoreRules;

/// One directory of a source tree placed at `dest` inside an artifact.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    /// Relative directory inside the artifact (empty: the root).
    pub dest: PathBuf,
    /// The real directory copied there.
    pub src: PathBuf,
    /// The root of the source tree `src` belongs to (exclusions are relative to it).
    pub src_root: PathBuf,
    pub ignore: Arc<IgnoreRules>,
}

/// A mounted artifact.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    pub root: PathBuf,
    pub layers: Vec<Layer>,
}

/// All artifacts of a cluster over the caller's file system.
pub(crate) struct ArtifactFs<'a> {
    pub inner: &'a dyn FileSystem,
    /// Mounts by root (roots never nest, so a path has at most one mount).
    pub mounts: std::collections::BTreeMap<PathBuf, Mount>,
}

impl std::fmt::Debug for ArtifactFs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArtifactFs")
            .field("mounts", &self.mounts)
            .finish_non_exhaustive()
    }
}

fn not_found(p: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("'{}' doesn't exist", p.display()),
    )
}

fn components(p: &Path) -> Vec<String> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

impl ArtifactFs<'_> {
    /// The mount holding `path`: a lookup per ancestor, not a scan of every mount.
    pub(crate) fn mount_of(&self, path: &Path) -> Option<&Mount> {
        path.ancestors().find_map(|a| self.mounts.get(a))
    }

    /// Whether a mount at `root` would nest with an existing one.
    pub(crate) fn overlaps(&self, root: &Path) -> bool {
        self.mount_of(root).is_some()
            || self
                .mounts
                .range(root.to_path_buf()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(root))
    }

    /// Adds a mount.
    pub(crate) fn add(&mut self, m: Mount) {
        self.mounts.insert(m.root.clone(), m);
    }

    /// The real path behind a virtual one, without the exclusion check (for display).
    pub(crate) fn real_unchecked(&self, path: &Path) -> Option<PathBuf> {
        let m = self.mount_of(path)?;
        let rel = path.strip_prefix(&m.root).ok()?;
        let l = m
            .layers
            .iter()
            .filter(|l| rel.starts_with(&l.dest))
            .max_by_key(|l| l.dest.components().count())?;
        Some(l.src.join(rel.strip_prefix(&l.dest).ok()?))
    }

    /// The real path behind a virtual one, if it is part of an artifact and not excluded.
    fn real(&self, path: &Path) -> Option<(PathBuf, &Layer)> {
        let path = clean_path(path);
        let m = self.mount_of(&path)?;
        let rel = path.strip_prefix(&m.root).ok()?;
        // The deepest layer whose destination contains the path wins.
        let layer = m
            .layers
            .iter()
            .filter(|l| rel.starts_with(&l.dest))
            .max_by_key(|l| l.dest.components().count())?;
        let inner_rel = rel.strip_prefix(&layer.dest).ok()?;
        let real = layer.src.join(inner_rel);
        // A symbolic link must not lead out of the source tree (kustomize-controller's
        // secure file system resolves links inside the root, where such a target does
        // not exist). Checked on every access: with LoadRestrictionsNone the kustomize
        // loader never asks for `canonical` itself.
        if let Ok(c) = self.inner.canonical(&real) {
            if !c.starts_with(&layer.src_root) {
                return None;
            }
        }
        let from_root = real.strip_prefix(&layer.src_root).ok()?;
        let parts = components(from_root);
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if !parts.is_empty() {
            let is_dir = || self.inner.is_dir(&real);
            if layer.ignore.is_excluded_lazy(&parts, &is_dir) {
                return None;
            }
        }
        Some((real, layer))
    }

    /// Directories implied by layer destinations (`base` for a layer at `base/`).
    fn implied_dir(&self, path: &Path) -> bool {
        let path = clean_path(path);
        let Some(m) = self.mount_of(&path) else {
            return false;
        };
        let Ok(rel) = path.strip_prefix(&m.root) else {
            return false;
        };
        m.layers.iter().any(|l| l.dest.starts_with(rel))
    }
}

impl FileSystem for ArtifactFs<'_> {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.real(path) {
            Some((real, _)) => self.inner.read_file(&real),
            None => Err(not_found(path)),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.implied_dir(path) || self.real(path).is_some_and(|(r, _)| self.inner.is_dir(&r))
    }
    fn exists(&self, path: &Path) -> bool {
        self.implied_dir(path) || self.real(path).is_some_and(|(r, _)| self.inner.exists(&r))
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let path = clean_path(path);
        let mut out = Vec::new();
        if let Some((real, _)) = self.real(&path) {
            if self.inner.is_dir(&real) {
                for e in self.inner.read_dir(&real)? {
                    if let Some(name) = e.file_name() {
                        let v = path.join(name);
                        if self.real(&v).is_some() {
                            out.push(v);
                        }
                    }
                }
            }
        }
        if let Some(m) = self.mount_of(&path) {
            if let Ok(rel) = path.strip_prefix(&m.root) {
                for l in &m.layers {
                    if let Ok(below) = l.dest.strip_prefix(rel) {
                        if let Some(Component::Normal(first)) = below.components().next() {
                            out.push(path.join(first));
                        }
                    }
                }
            }
        }
        if out.is_empty() && !self.is_dir(&path) {
            return Err(not_found(&path));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let path = clean_path(path);
        if self.implied_dir(&path) {
            return Ok(path);
        }
        let Some((real, layer)) = self.real(&path) else {
            return Err(not_found(&path));
        };
        let canon = self.inner.canonical(&real)?;
        let src = self
            .inner
            .canonical(&layer.src)
            .unwrap_or_else(|_| layer.src.clone());
        if canon == real || canon == clean_path(&real) {
            return Ok(path);
        }
        // A symbolic link: allowed when it stays inside the same copied directory.
        match canon.strip_prefix(&src) {
            Ok(inner) => {
                let m = self
                    .mount_of(&path)
                    .map(|m| m.root.clone())
                    .unwrap_or_default();
                Ok(clean_path(&m.join(&layer.dest).join(inner)))
            }
            Err(_) => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "'{}' resolves to '{}', outside the artifact root",
                    path.display(),
                    canon.display()
                ),
            )),
        }
    }
}

/// The view one Flux Kustomization's build has: one artifact, plus the kustomization file
/// Flux writes before building.
pub(crate) struct BuildFs<'a> {
    pub base: &'a ArtifactFs<'a>,
    /// The artifact root; nothing outside it can be read.
    pub root: PathBuf,
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

impl BuildFs<'_> {
    fn inside(&self, path: &Path) -> io::Result<PathBuf> {
        let p = clean_path(path);
        if p.starts_with(&self.root) {
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
            .filter(|(f, _)| f == p)
            .map(|(_, b)| b)
    }
}

impl FileSystem for BuildFs<'_> {
    fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let p = self.inside(path)?;
        match self.is_overlay(&p) {
            Some(b) => Ok(b.as_ref().clone()),
            None => self.base.read_file(&p),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        match self.inside(path) {
            Ok(p) => self.is_overlay(&p).is_none() && self.base.is_dir(&p),
            Err(_) => false,
        }
    }
    fn exists(&self, path: &Path) -> bool {
        match self.inside(path) {
            Ok(p) => self.is_overlay(&p).is_some() || self.base.exists(&p),
            Err(_) => false,
        }
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let p = self.inside(path)?;
        let mut v = self.base.read_dir(&p)?;
        if let Some((f, _)) = &self.overlay {
            if f.parent() == Some(p.as_path()) && !v.contains(f) {
                v.push(f.clone());
                v.sort();
            }
        }
        Ok(v)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let p = self.inside(path)?;
        if self.is_overlay(&p).is_some() {
            return Ok(p);
        }
        let c = self.base.canonical(&p)?;
        self.inside(&c)
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
        let ignore = Arc::new(IgnoreRules::load(inner, Path::new("/repo"), ""));
        ArtifactFs {
            inner,
            mounts: [
                Mount {
                    root: PathBuf::from("/repo"),
                    layers: vec![Layer {
                        dest: PathBuf::new(),
                        src: PathBuf::from("/repo"),
                        src_root: PathBuf::from("/repo"),
                        ignore: ignore.clone(),
                    }],
                },
                Mount {
                    root: PathBuf::from("/krust-flux/ExternalArtifact/ns/apps"),
                    layers: vec![Layer {
                        dest: PathBuf::from("base"),
                        src: PathBuf::from("/repo/apps/base"),
                        src_root: PathBuf::from("/repo"),
                        ignore,
                    }],
                },
            ]
            .into_iter()
            .map(|m| (m.root.clone(), m))
            .collect(),
        }
    }

    #[test]
    fn excluded_files_are_hidden_and_layers_are_placed() {
        let inner = MemFs::from_files([
            ("repo/a.yaml", "a"),
            ("repo/.github/w.yaml", "w"),
            ("repo/apps/base/x.yaml", "x"),
            ("outside/secret.yaml", "s"),
        ]);
        let fs = fs_with(&inner);
        assert!(fs.exists(Path::new("/repo/a.yaml")));
        assert!(!fs.exists(Path::new("/repo/.github/w.yaml")));
        assert!(!fs.exists(Path::new("/outside/secret.yaml")));
        let ea = Path::new("/krust-flux/ExternalArtifact/ns/apps");
        assert!(fs.is_dir(ea));
        assert_eq!(fs.read_dir(ea).ok(), Some(vec![ea.join("base")]));
        assert_eq!(
            fs.read_file(&ea.join("base/x.yaml")).ok(),
            Some(b"x".to_vec())
        );
    }

    #[test]
    fn build_fs_confines_and_overlays() {
        let inner = MemFs::from_files([("repo/d/a.yaml", "a"), ("other/b.yaml", "b")]);
        let base = fs_with(&inner);
        let bfs = BuildFs {
            base: &base,
            root: PathBuf::from("/repo"),
            overlay: Some((
                PathBuf::from("/repo/d/kustomization.yaml"),
                Arc::new(b"k".to_vec()),
            )),
        };
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
