//! The kustomization file Flux builds (flux-semantics §2.2 and §2.3; fluxcd/pkg
//! `kustomize/kustomize_generator.go`): found or generated, then augmented with the Flux
//! spec. The result is laid over the artifact in memory, never written to disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_kustomize::{FileSystem, KUSTOMIZATION_FILE_NAMES};
use krust_yaml::{Typing, Value};

/// How the kustomization file of a build came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KustomizationFile {
    /// The directory had one (`kustomization.yaml`, `.yml` or `Kustomization`).
    Existing,
    /// Flux generated it with these `resources` (§2.2).
    Generated(Vec<String>),
}

/// The file to lay over the tree and what it is.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub file: KustomizationFile,
    /// Path and new bytes of the kustomization file, when they differ from the tree.
    pub overlay: Option<(PathBuf, Arc<Vec<u8>>)>,
}

fn find(fs: &dyn FileSystem, dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| fs.exists(p) && !fs.is_dir(p))
}

/// `scanManifests`: the resources of a generated kustomization, in walk order.
fn scan(
    fs: &dyn FileSystem,
    base: &Path,
    dir: &Path,
    out: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("{}: directories nested too deeply", dir.display()));
    }
    let entries = fs
        .read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for e in entries {
        let rel = || {
            let r = e.strip_prefix(base).unwrap_or(&e);
            format!("./{}", r.display())
        };
        if fs.is_dir(&e) {
            if find(fs, &e).is_some() {
                out.push(rel());
            } else {
                scan(fs, base, &e, out, depth + 1)?;
            }
            continue;
        }
        let ext = e.extension().and_then(|x| x.to_str());
        if ext != Some("yaml") && ext != Some("yml") {
            continue;
        }
        let bytes = fs
            .read_file(&e)
            .map_err(|err| format!("reading {}: {err}", e.display()))?;
        check_manifests(&bytes, &e)?;
        out.push(rel());
    }
    Ok(())
}

/// kustomize's `SliceFromBytes` checks: every document is a Kubernetes object.
fn check_manifests(bytes: &[u8], file: &Path) -> Result<(), String> {
    let fail = |why: String| {
        format!(
            "failed to decode Kubernetes YAML from {}: {why}",
            file.display()
        )
    };
    let text = std::str::from_utf8(bytes).map_err(|_| fail("not valid UTF-8".into()))?;
    let docs = krust_yaml::parse_stream(text, &file.display().to_string(), Typing::Kyaml)
        .map_err(|e| fail(e.to_string()))?;
    for d in docs.iter().filter(|d| !d.is_null()) {
        if !d.is_map() {
            return Err(fail("a document is not a mapping".into()));
        }
        let kind = d.str_at(&["kind"]).unwrap_or("");
        if kind.is_empty() {
            return Err(fail("missing kind".into()));
        }
        if kind.ends_with("List") {
            if let Some(items) = d.get("items").and_then(Value::as_seq) {
                if items.iter().any(Value::is_null) {
                    return Err(fail("a list item is null".into()));
                }
            }
        } else if d.str_at(&["metadata", "name"]).unwrap_or("").is_empty() {
            return Err(fail(format!("missing metadata.name in a {kind}")));
        }
    }
    Ok(())
}

/// fluxcd/pkg `IsLocalRelativePath`.
pub(crate) fn is_local_relative(path: &str) -> bool {
    const REMOTE: [&str; 8] = [
        "git::",
        "gh:",
        "ssh://",
        "https://",
        "http://",
        "git@",
        "github.com:",
        "github.com/",
    ];
    let lower = path.to_lowercase();
    if REMOTE
        .iter()
        .any(|p| p.len() < path.len() && lower.starts_with(p))
    {
        return false;
    }
    !(path.starts_with('/') || lower.trim_start_matches("file://").starts_with('/'))
}

fn get_ci<'v>(m: &'v Value, name: &str) -> Option<&'v Value> {
    m.as_map()?
        .iter()
        .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Sets a kustomization field, replacing any spelling of it (kustomize reads fields
/// case-insensitively, as Go's JSON decoding into the struct does).
fn set_ci(m: &mut Value, name: &str, v: Value) {
    if let Some(map) = m.as_map_mut() {
        let keys: Vec<_> = map
            .keys()
            .filter(|k| k.as_str().eq_ignore_ascii_case(name))
            .cloned()
            .collect();
        for k in keys {
            map.shift_remove(&k);
        }
    }
    m.insert(name, v);
}

fn seq_of(m: &Value, name: &str) -> Vec<Value> {
    get_ci(m, name)
        .and_then(Value::as_seq)
        .cloned()
        .unwrap_or_default()
}

fn selector(target: &Value) -> Value {
    let mut out = Value::map();
    for f in [
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "labelSelector",
        "annotationSelector",
    ] {
        if let Some(s) = target.str_at(&[f]).filter(|s| !s.is_empty()) {
            out.insert(f, Value::from(s));
        }
    }
    out
}

/// Finds or generates the kustomization of `dir` and applies the Flux `spec` to it.
pub(crate) fn prepare(fs: &dyn FileSystem, dir: &Path, spec: &Value) -> Result<Prepared, String> {
    let (path, mut doc, file, existing_bytes) = match find(fs, dir) {
        Some(p) => {
            let bytes = fs
                .read_file(&p)
                .map_err(|e| format!("reading {}: {e}", p.display()))?;
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| format!("{}: not valid UTF-8", p.display()))?;
            let doc = krust_yaml::parse_stream(&text, &p.display().to_string(), Typing::Yaml11)
                .map_err(|e| e.to_string())?
                .into_iter()
                .next()
                .filter(|d| !d.is_null())
                .unwrap_or_else(Value::map);
            (p, doc, KustomizationFile::Existing, Some(bytes))
        }
        None => {
            let mut resources = Vec::new();
            scan(fs, dir, dir, &mut resources, 0)?;
            let mut doc = Value::map();
            doc.insert("apiVersion", Value::from("kustomize.config.k8s.io/v1beta1"));
            doc.insert("kind", Value::from("Kustomization"));
            if resources.is_empty() {
                doc.insert("namespace", Value::from("_placeholder"));
            } else {
                doc.insert(
                    "resources",
                    Value::from_seq(resources.iter().map(|r| Value::from(r.as_str())).collect()),
                );
            }
            (
                dir.join("kustomization.yaml"),
                doc,
                KustomizationFile::Generated(resources),
                None,
            )
        }
    };
    if !doc.is_map() {
        return Err(format!(
            "{}: the kustomization is not a mapping",
            path.display()
        ));
    }
    let mut changed = existing_bytes.is_none();
    let mut set = |doc: &mut Value, name: &str, v: Value| {
        set_ci(doc, name, v);
        changed = true;
    };
    if file == KustomizationFile::Existing && seq_of(&doc, "resources").is_empty() {
        set(
            &mut doc,
            "buildMetadata",
            Value::from_seq(vec![Value::from("originAnnotations")]),
        );
    }
    for (field, key) in [
        ("targetNamespace", "namespace"),
        ("namePrefix", "namePrefix"),
        ("nameSuffix", "nameSuffix"),
    ] {
        if let Some(v) = spec.get(field).filter(|v| !v.is_null()) {
            let s = v
                .as_str()
                .ok_or_else(|| format!("field spec.{field}: must be a string"))?;
            set(&mut doc, key, Value::from(s));
        }
    }
    if let Some(ps) = spec.get("patches").and_then(Value::as_seq) {
        let mut patches = seq_of(&doc, "patches");
        for (i, p) in ps.iter().enumerate() {
            let text = p
                .str_at(&["patch"])
                .ok_or_else(|| format!("field spec.patches[{i}].patch: must be a string"))?;
            let mut entry = Value::map();
            entry.insert("patch", Value::from(text));
            if let Some(t) = p.get("target").filter(|t| t.is_map()) {
                entry.insert("target", selector(t));
            }
            patches.push(entry);
        }
        set(&mut doc, "patches", Value::from_seq(patches));
    }
    if let Some(cs) = spec.get("components").and_then(Value::as_seq) {
        let ignore_missing = spec
            .get("ignoreMissingComponents")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut comps = seq_of(&doc, "components");
        for (i, c) in cs.iter().enumerate() {
            let c = c
                .as_str()
                .ok_or_else(|| format!("field spec.components[{i}]: must be a string"))?;
            if !is_local_relative(c) {
                return Err(format!(
                    "field spec.components[{i}]: component path '{c}' must be local and relative"
                ));
            }
            if ignore_missing && !fs.exists(&crate::artifact::secure_join(dir, c)) {
                continue;
            }
            comps.push(Value::from(c));
        }
        set(&mut doc, "components", Value::from_seq(comps));
    }
    if let Some(ps) = spec.get("patchesStrategicMerge").and_then(Value::as_seq) {
        let mut list = seq_of(&doc, "patchesStrategicMerge");
        for p in ps {
            let json = krust_yaml::to_yaml(p).map_err(|e| e.to_string())?;
            list.push(Value::from(json));
        }
        set(&mut doc, "patchesStrategicMerge", Value::from_seq(list));
    }
    if let Some(ps) = spec.get("patchesJson6902").and_then(Value::as_seq) {
        let mut list = seq_of(&doc, "patchesJson6902");
        for p in ps {
            let ops = p
                .get("patch")
                .cloned()
                .unwrap_or_else(|| Value::from_seq(vec![]));
            let mut entry = Value::map();
            entry.insert(
                "patch",
                Value::from(krust_yaml::to_yaml(&ops).map_err(|e| e.to_string())?),
            );
            if let Some(t) = p.get("target") {
                entry.insert("target", selector(t));
            }
            list.push(entry);
        }
        set(&mut doc, "patchesJson6902", Value::from_seq(list));
    }
    if let Some(imgs) = spec.get("images").and_then(Value::as_seq) {
        let mut images = seq_of(&doc, "images");
        for img in imgs {
            let f = |k: &str| img.str_at(&[k]).unwrap_or("").to_string();
            let (name, new_name, new_tag, digest) =
                (f("name"), f("newName"), f("newTag"), f("digest"));
            match images
                .iter_mut()
                .find(|i| i.str_at(&["name"]) == Some(name.as_str()))
            {
                Some(existing) => {
                    if !new_name.is_empty() {
                        existing.insert("newName", Value::from(new_name));
                    }
                    if !new_tag.is_empty() || !digest.is_empty() {
                        for (k, v) in [("newTag", new_tag), ("digest", digest)] {
                            if v.is_empty() {
                                existing.remove(k);
                            } else {
                                existing.insert(k, Value::from(v));
                            }
                        }
                    }
                }
                None => {
                    let mut e = Value::map();
                    e.insert("name", Value::from(name));
                    for (k, v) in [
                        ("newName", new_name),
                        ("newTag", new_tag),
                        ("digest", digest),
                    ] {
                        if !v.is_empty() {
                            e.insert(k, Value::from(v));
                        }
                    }
                    images.push(e);
                }
            }
        }
        set(&mut doc, "images", Value::from_seq(images));
    }
    if let Some(bm) = spec.get("buildMetadata").and_then(Value::as_seq) {
        if !bm.is_empty() {
            set(&mut doc, "buildMetadata", Value::from_seq(bm.clone()));
        }
    }
    let overlay = if changed {
        let text = krust_yaml::to_yaml(&doc).map_err(|e| e.to_string())?;
        Some((path, Arc::new(text.into_bytes())))
    } else {
        None
    };
    Ok(Prepared { file, overlay })
}

/// Remote entries of `resources`, `components` and `bases` in the kustomization of `dir`
/// and every local kustomization it includes: `(kustomization file, entry)`.
pub(crate) fn remote_entries(fs: &dyn FileSystem, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        if depth > 64 || !seen.insert(d.clone()) {
            continue;
        }
        let Some(file) = find(fs, &d) else { continue };
        let Ok(bytes) = fs.read_file(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Ok(docs) = krust_yaml::parse_stream(&text, "k", Typing::Yaml11) else {
            continue;
        };
        let Some(doc) = docs.into_iter().next() else {
            continue;
        };
        for field in ["resources", "components", "bases"] {
            for e in seq_of(&doc, field) {
                let Some(e) = e.as_str() else { continue };
                if !is_local_relative(e) || e.contains("://") {
                    out.push((file.clone(), e.to_string()));
                    continue;
                }
                let sub = krust_kustomize::clean_path(&d.join(e));
                if fs.is_dir(&sub) {
                    stack.push((sub, depth + 1));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_kustomize::MemFs;

    #[test]
    fn generates_in_walk_order_and_stops_at_kustomizations() {
        let fs = MemFs::from_files([
            (
                "d/b.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
            ),
            ("d/a/kustomization.yaml", "resources: []\n"),
            ("d/c/x.yml", "# only a comment\n"),
            ("d/c/y.json", "{}"),
        ]);
        let p = prepare(&fs, Path::new("/d"), &Value::map()).unwrap();
        assert_eq!(
            p.file,
            KustomizationFile::Generated(vec!["./a".into(), "./b.yaml".into(), "./c/x.yml".into()])
        );
    }

    #[test]
    fn bad_manifest_fails_the_generation() {
        let fs = MemFs::from_files([("d/b.yaml", "kind: ConfigMap\n")]);
        let e = prepare(&fs, Path::new("/d"), &Value::map()).unwrap_err();
        assert!(e.contains("failed to decode Kubernetes YAML"), "{e}");
    }

    fn yaml(text: &str) -> Value {
        krust_yaml::parse_document(text, "t", Typing::Yaml11).unwrap()
    }

    fn overlay_doc(p: &Prepared) -> Value {
        let (_, bytes) = p.overlay.as_ref().unwrap();
        yaml(std::str::from_utf8(bytes).unwrap())
    }

    #[test]
    fn spec_fields_are_layered_onto_an_existing_file() {
        let fs = MemFs::from_files([
            (
                "d/kustomization.yaml",
                "resources: [a.yaml]\nnamespace: old\nnamePrefix: p-\nimages:\n- name: web\n  newTag: '1'\n  digest: sha256:x\npatches:\n- path: own.yaml\n",
            ),
            ("d/comp/kustomization.yaml", "kind: Component\n"),
        ]);
        let spec = yaml(
            "targetNamespace: apps\nnameSuffix: -s\nimages:\n- name: web\n  newTag: '2'\n- name: db\n  newName: pg\ncomponents: [./comp, ./missing]\nignoreMissingComponents: true\npatches:\n- patch: 'x'\n  target: {kind: Deployment, name: web}\n",
        );
        let p = prepare(&fs, Path::new("/d"), &spec).unwrap();
        assert_eq!(p.file, KustomizationFile::Existing);
        let d = overlay_doc(&p);
        assert_eq!(d.str_at(&["namespace"]), Some("apps"));
        assert_eq!(d.str_at(&["namePrefix"]), Some("p-"));
        assert_eq!(d.str_at(&["nameSuffix"]), Some("-s"));
        // Same image name: tag and digest are replaced together.
        assert_eq!(
            d.pointer("/images/0/newTag").and_then(Value::as_str),
            Some("2")
        );
        assert!(d.pointer("/images/0/digest").is_none());
        assert_eq!(
            d.pointer("/images/1/newName").and_then(Value::as_str),
            Some("pg")
        );
        assert_eq!(
            d.pointer("/components")
                .and_then(Value::as_seq)
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(
            d.pointer("/patches/0/path").and_then(Value::as_str),
            Some("own.yaml")
        );
        assert_eq!(
            d.pointer("/patches/1/target/kind").and_then(Value::as_str),
            Some("Deployment")
        );
    }

    #[test]
    fn untouched_file_is_not_overlaid_and_empty_resources_get_origin_annotations() {
        let fs = MemFs::from_files([
            ("d/kustomization.yaml", "resources: [a.yaml]\n"),
            (
                "e/kustomization.yaml",
                "configMapGenerator:\n- name: x\n  literals: [a=b]\n",
            ),
        ]);
        assert!(prepare(&fs, Path::new("/d"), &Value::map())
            .unwrap()
            .overlay
            .is_none());
        let p = prepare(&fs, Path::new("/e"), &Value::map()).unwrap();
        let d = overlay_doc(&p);
        assert_eq!(
            d.pointer("/buildMetadata/0").and_then(Value::as_str),
            Some("originAnnotations")
        );
    }

    #[test]
    fn remote_components_are_refused() {
        let fs = MemFs::from_files([("d/a.yaml", "kind: A\nmetadata: {name: a}\n")]);
        let spec = yaml("components: ['github.com/x/y']\n");
        let e = prepare(&fs, Path::new("/d"), &spec).unwrap_err();
        assert!(e.contains("must be local and relative"), "{e}");
    }

    #[test]
    fn empty_directory_gets_the_placeholder_namespace() {
        let fs = MemFs::from_files([("d/notes.txt", "x")]);
        let p = prepare(&fs, Path::new("/d"), &Value::map()).unwrap();
        assert_eq!(overlay_doc(&p).str_at(&["namespace"]), Some("_placeholder"));
    }

    #[test]
    fn local_relative_paths() {
        assert!(is_local_relative("../c"));
        assert!(!is_local_relative("https://x/y"));
        assert!(!is_local_relative("GitHub.com/x"));
        assert!(!is_local_relative("/abs"));
        assert!(!is_local_relative("file:///abs"));
    }
}
