//! What `flux bootstrap --path=clusters/<cluster>` puts on the cluster (flux-semantics
//! §5-A7, flux-fixtures §2): the root `GitRepository` and `Kustomization flux-system`, and
//! the controllers whose arguments carry the lockdown flags (§2.7).
//!
//! Repositories often hold only placeholders for `gotk-components.yaml` and
//! `gotk-sync.yaml`. krust then builds `clusters/<cluster>/flux-system` with stand-ins for
//! them: one Deployment per controller with no arguments, and the root objects bootstrap
//! would write. The kustomization's own patches then apply to the stand-ins exactly as they
//! apply on a real cluster, which yields the controller flags and the root Kustomization's
//! patched spec (e.g. `serviceAccountName: kustomize-controller` in flux2-multi-tenancy).

use std::path::Path;
use std::sync::Arc;

use krust_kustomize::{
    FileSystem, Kustomizer, LoadRestrictor, Options, Reorder, KUSTOMIZATION_FILE_NAMES,
};
use krust_yaml::{Typing, Value};

use crate::artifact::{ArtifactFs, BuildFs};

/// The controllers in the order `flux install` writes them.
pub const CONTROLLERS: [&str; 6] = [
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
];

/// What the bootstrap objects say.
#[derive(Debug, Clone)]
pub(crate) struct Bootstrap {
    /// Controller name → its arguments, for controllers that have any, in install order.
    pub flags: Vec<(String, Vec<String>)>,
    /// The root Kustomization object.
    pub root: Value,
    /// `spec.ignore` of the root GitRepository.
    pub ignore: Option<String>,
    /// The root Kustomization is krust's stand-in (the repository has only a placeholder).
    pub synthetic_root: bool,
}

fn synthetic_sync(cluster: &str) -> String {
    format!(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  url: ssh://git@example.invalid/repository\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ./clusters/{cluster}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
    )
}

fn synthetic_components() -> String {
    CONTROLLERS
        .iter()
        .map(|c| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {c}\n  namespace: flux-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: manager\n        image: ghcr.io/fluxcd/{c}\n        args: []\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

fn has_objects(fs: &dyn FileSystem, file: &Path) -> bool {
    let Ok(bytes) = fs.read_file(file) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes);
    krust_yaml::parse_stream(&text, "f", Typing::Kyaml)
        .map(|docs| docs.iter().any(|d| !d.is_null()))
        .unwrap_or(true)
}

/// The synthetic root Kustomization alone.
pub(crate) fn default_root(cluster: &str) -> Value {
    krust_yaml::parse_stream(&synthetic_sync(cluster), "gotk-sync", Typing::Kyaml)
        .ok()
        .and_then(|d| d.into_iter().nth(1))
        .unwrap_or_else(Value::map)
}

/// Reads the bootstrap objects of `cluster` from the root artifact mounted at `root`.
pub(crate) fn read(afs: &ArtifactFs<'_>, root: &Path, cluster: &str) -> Bootstrap {
    let dir = root.join("clusters").join(cluster).join("flux-system");
    let mut out = Bootstrap {
        flags: Vec::new(),
        root: default_root(cluster),
        ignore: None,
        synthetic_root: true,
    };
    let has_kustomization = KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|n| afs.exists(&dir.join(n)));
    if !has_kustomization {
        return out;
    }
    // Lay stand-ins over placeholders; each overlay is one file, so stack two views.
    let components = dir.join("gotk-components.yaml");
    let sync = dir.join("gotk-sync.yaml");
    let mut files: Vec<(std::path::PathBuf, String)> = Vec::new();
    if !has_objects(afs, &components) {
        files.push((components, synthetic_components()));
    }
    if has_objects(afs, &sync) {
        out.synthetic_root = false;
    } else {
        files.push((sync, synthetic_sync(cluster)));
    }
    let stub = StubFs {
        inner: BuildFs::new(afs, root.to_path_buf(), None),
        files: files
            .into_iter()
            .map(|(p, t)| (p, Arc::new(t.into_bytes())))
            .collect(),
    };
    let k = Kustomizer::new(
        Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None),
    );
    let Ok(built) = k.build(&stub, &dir) else {
        return out;
    };
    for obj in built.values() {
        let kind = obj.str_at(&["kind"]).unwrap_or("");
        let name = obj.str_at(&["metadata", "name"]).unwrap_or("");
        let ns = obj.str_at(&["metadata", "namespace"]).unwrap_or("");
        if ns != "flux-system" {
            continue;
        }
        match kind {
            "Kustomization" if name == "flux-system" && crate::spec::is_flux_kustomization(obj) => {
                out.root = obj.clone();
            }
            "GitRepository" if name == "flux-system" => {
                out.ignore = obj.str_at(&["spec", "ignore"]).map(str::to_string);
            }
            _ => {}
        }
    }
    for c in CONTROLLERS {
        let Some(d) = built.values().find(|o| {
            o.str_at(&["kind"]) == Some("Deployment") && o.str_at(&["metadata", "name"]) == Some(c)
        }) else {
            continue;
        };
        let args: Vec<String> = d
            .pointer("/spec/template/spec/containers/0/args")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        if !args.is_empty() {
            out.flags.push((c.to_string(), args));
        }
    }
    out
}

/// A build view with several files replaced in memory.
struct StubFs<'a> {
    inner: BuildFs<'a>,
    files: Vec<(std::path::PathBuf, Arc<Vec<u8>>)>,
}

impl StubFs<'_> {
    fn file(&self, p: &Path) -> Option<&Arc<Vec<u8>>> {
        let p = krust_kustomize::clean_path(p);
        self.files.iter().find(|(f, _)| *f == p).map(|(_, b)| b)
    }
}

impl FileSystem for StubFs<'_> {
    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.file(path) {
            Some(b) => Ok(b.as_ref().clone()),
            None => self.inner.read_file(path),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.file(path).is_none() && self.inner.is_dir(path)
    }
    fn exists(&self, path: &Path) -> bool {
        self.file(path).is_some() || self.inner.exists(path)
    }
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
        let mut v = self.inner.read_dir(path)?;
        for (f, _) in &self.files {
            if f.parent() == Some(path) && !v.contains(f) {
                v.push(f.clone());
            }
        }
        v.sort();
        Ok(v)
    }
    fn canonical(&self, path: &Path) -> std::io::Result<std::path::PathBuf> {
        match self.file(path) {
            Some(_) => Ok(krust_kustomize::clean_path(path)),
            None => self.inner.canonical(path),
        }
    }
}
