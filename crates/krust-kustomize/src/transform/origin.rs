//! `buildMetadata: [originAnnotations]`: the `config.kubernetes.io/origin` annotation.
//!
//! Origins are recorded with absolute paths while building (so a cached base serves every
//! overlay) and written relative to the top kustomization's directory at the end.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use krust_model::{Gvk, Origin, ResId, ResMap};

/// The annotation kustomize writes.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// `to` relative to the directory `from` (both absolute and clean), with `..` steps.
pub(crate) fn relative(from: &Path, to: &Path) -> String {
    let f: Vec<Component<'_>> = from.components().collect();
    let t: Vec<Component<'_>> = to.components().collect();
    let common = f.iter().zip(t.iter()).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out.display().to_string()
}

/// The origin of a resource made by a builtin generator configured in `file`.
pub(crate) fn builtin_generator(file: &str, kind: &str) -> Arc<Origin> {
    Arc::new(Origin {
        configured_in: Some(file.into()),
        configured_by: Some(ResId::new(Gvk::new("", "builtin", kind), "", "")),
        ..Origin::default()
    })
}

fn render(o: &Origin, root: &Path) -> String {
    let mut s = String::new();
    if !o.path.is_empty() {
        s.push_str(&format!("path: {}\n", relative(root, Path::new(&*o.path))));
    }
    if let Some(r) = &o.repo {
        s.push_str(&format!("repo: {r}\n"));
    }
    if let Some(r) = &o.git_ref {
        s.push_str(&format!("ref: {r}\n"));
    }
    if let Some(c) = &o.configured_in {
        s.push_str(&format!(
            "configuredIn: {}\n",
            relative(root, Path::new(&**c))
        ));
    }
    if let Some(by) = &o.configured_by {
        s.push_str("configuredBy:\n");
        s.push_str(&format!("  apiVersion: {}\n", by.gvk.api_version()));
        s.push_str(&format!("  kind: {}\n", by.gvk.kind()));
        if !by.name.is_empty() {
            s.push_str(&format!("  name: {}\n", by.name));
        }
        if !by.namespace.is_empty() {
            s.push_str(&format!("  namespace: {}\n", by.namespace));
        }
    }
    s
}

/// Writes the origin annotation of every resource that has an origin.
pub(crate) fn annotate(list: &mut ResMap, root: &Path) {
    for r in list.iter_mut() {
        let Some(o) = r.origin().cloned() else {
            continue;
        };
        let text = render(&o, root);
        if !text.is_empty() {
            r.set_annotation(ORIGIN_ANNOTATION, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/prod"), Path::new("/base/a.yaml")),
            "../base/a.yaml"
        );
        assert_eq!(relative(Path::new("/"), Path::new("/a.yaml")), "a.yaml");
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c/d.yaml")),
            "c/d.yaml"
        );
    }
}
