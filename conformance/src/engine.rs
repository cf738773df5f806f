//! The one place the runner calls the kustomize engine, so suites stay independent of its
//! exact API.

use std::path::Path;

use krust_kustomize::{clean_path, DiskFs, Kustomizer, LoadRestrictor, MemFs, Options};

use crate::errcheck::normalise_paths;

/// Final resource ordering (`--reorder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reorder {
    /// Keep input (depth-first) order.
    #[default]
    None,
    /// kustomize's legacy kind order.
    Legacy,
    /// The CLI default: legacy unless the kustomization has `sortOptions`.
    Unspecified,
}

/// Build options, as the corpora state them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `LoadRestrictionsNone` instead of the default `LoadRestrictionsRootOnly`.
    pub load_restrictor_none: bool,
    pub reorder: Reorder,
    pub add_managed_by_label: bool,
    pub plugins_enabled: bool,
}

/// A file tree whose root is `/`: files (path relative to the root, contents) and
/// directories that exist but hold nothing.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<(String, Vec<u8>)>,
    pub empty_dirs: Vec<String>,
    /// A string to replace, in every file, with the absolute path of the root (without a
    /// trailing `/`: empty when the root is `/` itself).
    pub placeholder: Option<String>,
}

impl Tree {
    /// The files with the placeholder replaced by `root`.
    pub fn files_for_root(&self, root: &str) -> Vec<(String, Vec<u8>)> {
        match self.placeholder.as_deref().filter(|p| !p.is_empty()) {
            None => self.files.clone(),
            Some(p) => self
                .files
                .iter()
                .map(|(path, bytes)| {
                    (
                        path.clone(),
                        replace_bytes(bytes, p.as_bytes(), root.as_bytes()),
                    )
                })
                .collect(),
        }
    }
}

/// `haystack` with every occurrence of the non-empty `from` replaced by `to`.
fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !from.is_empty() && haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Builds `dir` (relative to the tree's root) and prints the result as kustomize does.
/// The error is the whole message, with every cause in its chain.
///
/// The tree becomes a [`MemFs`] whose `/` is the tree's root, as the Go tests' in-memory file
/// system is: error messages name files as `/base/...` and a placeholder for the root's
/// absolute path becomes empty (so `PLACEHOLDER/base` reads `/base`).
pub fn build(tree: &Tree, dir: &str, options: &BuildOptions) -> Result<String, String> {
    let mut fs = MemFs::new();
    for (path, bytes) in tree.files_for_root("") {
        fs.add_file(path, bytes);
    }
    for d in &tree.empty_dirs {
        fs.add_dir(d);
    }
    // As given: a relative path resolves against the MemFs's own current directory, `/`
    // (and a missing one is named as given, as kyaml's in-memory file system does).
    let target = clean_path(Path::new(dir));
    let kustomizer = Kustomizer::new(engine_options(options));
    let resmap = kustomizer
        .build(&fs, &target)
        .map_err(|e| error_chain(&e))?;
    resmap.to_yaml().map_err(|e| error_chain(&e))
}

/// Like [`build`], on the real file system: the tree is written to a fresh temporary
/// directory, the placeholder becomes that directory's absolute path, and error messages
/// have that path (as given and with symlinks resolved) removed, so they name files as
/// `/base/...` just as the in-memory build does. For cases whose Go test ran on disk.
pub fn build_on_disk(tree: &Tree, dir: &str, options: &BuildOptions) -> Result<String, String> {
    let temp = tempfile::tempdir().map_err(|e| format!("runner: creating a temp dir: {e}"))?;
    let root = temp.path().join("input");
    let root_text = root.to_string_lossy().into_owned();
    for (path, bytes) in tree.files_for_root(&root_text) {
        let file = root.join(&path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("runner: creating {}: {e}", parent.display()))?;
        }
        std::fs::write(&file, bytes)
            .map_err(|e| format!("runner: writing {}: {e}", file.display()))?;
    }
    for d in &tree.empty_dirs {
        let path = root.join(d);
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("runner: creating {}: {e}", path.display()))?;
    }
    std::fs::create_dir_all(&root)
        .map_err(|e| format!("runner: creating {}: {e}", root.display()))?;
    let canonical = std::fs::canonicalize(&root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let normalise = |message: String| normalise_paths(&message, &[&root_text, &canonical]);
    let target = clean_path(&root.join(dir));
    let kustomizer = Kustomizer::new(engine_options(options));
    let resmap = kustomizer
        .build(&DiskFs, &target)
        .map_err(|e| normalise(error_chain(&e)))?;
    resmap.to_yaml().map_err(|e| normalise(error_chain(&e)))
}

fn engine_options(o: &BuildOptions) -> Options {
    Options::default()
        .load_restrictor(if o.load_restrictor_none {
            LoadRestrictor::None
        } else {
            LoadRestrictor::RootOnly
        })
        .reorder(match o.reorder {
            Reorder::None => krust_kustomize::Reorder::None,
            Reorder::Legacy => krust_kustomize::Reorder::Legacy,
            Reorder::Unspecified => krust_kustomize::Reorder::Unspecified,
        })
        .add_managed_by_label(o.add_managed_by_label)
        .plugins_enabled(o.plugins_enabled)
}

/// `e` and its causes, joined with `: ` as Go wraps errors.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        // Skip a cause that the outer message already prints.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_in_every_file() {
        let tree = Tree {
            files: vec![
                (
                    "root/kustomization.yaml".into(),
                    b"resources:\n- __R__/base/r.yaml\n- __R__/x\n".to_vec(),
                ),
                ("base/r.yaml".into(), b"kind: A\n".to_vec()),
            ],
            empty_dirs: vec![],
            placeholder: Some("__R__".into()),
        };
        let files = tree.files_for_root("");
        assert_eq!(files[0].1, b"resources:\n- /base/r.yaml\n- /x\n");
        let files = tree.files_for_root("/tmp/c/input");
        assert_eq!(
            files[0].1,
            b"resources:\n- /tmp/c/input/base/r.yaml\n- /tmp/c/input/x\n"
        );
        assert_eq!(files[1].1, b"kind: A\n");
    }

    #[test]
    fn disk_builds_name_files_relative_to_the_root() {
        // An absolute resource path that does not exist: the message must not contain the
        // temporary directory, only `/root/missing`.
        let tree = Tree {
            files: vec![(
                "root/kustomization.yaml".into(),
                b"resources:\n- __R__/root/missing\n".to_vec(),
            )],
            empty_dirs: vec!["root/empty".into()],
            placeholder: Some("__R__".into()),
        };
        let err =
            build_on_disk(&tree, "root", &BuildOptions::default()).expect_err("missing resource");
        assert!(err.contains("'/root/missing'"), "{err}");
        assert!(
            !err.contains(&*std::env::temp_dir().to_string_lossy()),
            "{err}"
        );
    }
}
