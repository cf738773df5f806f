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

/// The annotation listing the transformers that touched a resource.
pub const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// Where a transformer was configured: the file (absolute while building) and its id.
#[derive(Debug, Clone)]
pub struct TransformOrigin {
    /// The file that configured the transformer.
    pub configured_in: String,
    /// The transformer's id.
    pub by: ResId,
}

impl TransformOrigin {
    /// A builtin transformer configured by the kustomization file `file`.
    pub fn builtin(file: &str, kind: &str) -> Self {
        TransformOrigin {
            configured_in: file.to_string(),
            by: ResId::new(Gvk::new("", "builtin", kind), "", ""),
        }
    }

    fn entry(&self) -> String {
        let mut s = format!("- configuredIn: {}\n  configuredBy:\n", self.configured_in);
        s.push_str(&format!("    apiVersion: {}\n", self.by.gvk.api_version()));
        s.push_str(&format!("    kind: {}\n", self.by.gvk.kind()));
        if !self.by.name.is_empty() {
            s.push_str(&format!("    name: {}\n", self.by.name));
        }
        if !self.by.namespace.is_empty() {
            s.push_str(&format!("    namespace: {}\n", self.by.namespace));
        }
        s
    }
}

/// kustomize `AddTransformerAnnotation`: every resource records the transformer (paths
/// stay absolute until [`finish_transformations`]).
pub(crate) fn record(list: &mut ResMap, origin: &TransformOrigin) {
    let entry = origin.entry();
    for r in list.iter_mut() {
        let mut text = r
            .annotation(TRANSFORMATIONS_ANNOTATION)
            .map(|s| s.into_owned())
            .unwrap_or_default();
        text.push_str(&entry);
        r.set_annotation(TRANSFORMATIONS_ANNOTATION, &text);
    }
}

/// Rewrites the recorded transformations relative to `root`, or removes them.
pub(crate) fn finish_transformations(list: &mut ResMap, root: &Path, keep: bool) {
    for i in 0..list.len() {
        let Some(text) = list
            .get(i)
            .and_then(|r| r.annotation(TRANSFORMATIONS_ANNOTATION))
            .map(|s| s.into_owned())
        else {
            continue;
        };
        let Some(r) = list.get_mut(i) else { continue };
        if !keep {
            r.remove_annotation(TRANSFORMATIONS_ANNOTATION);
            if r.annotations().is_some_and(|m| m.is_empty()) {
                if let Some(md) = r.value_mut().get_mut("metadata") {
                    md.remove("annotations");
                }
            }
            continue;
        }
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            match line.strip_prefix("- configuredIn: ") {
                Some(p) => {
                    out.push_str("- configuredIn: ");
                    out.push_str(&relative(root, Path::new(p)));
                }
                None => out.push_str(line),
            }
            out.push('\n');
        }
        r.set_annotation(TRANSFORMATIONS_ANNOTATION, &out);
    }
}
