//! Splitting rendered files into documents, hooks versus plain manifests, and Helm's
//! install order (`pkg/release/v1/util`: manifest.go, manifest_sorter.go, kind_sorter.go).

use std::collections::BTreeMap;

use krust_yaml::Typing;

use crate::ChartError;

/// Helm v4.1.4's `InstallOrder`.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`test-success` is an old spelling of `test`).
const EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One document of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template file it came from (`chart/templates/x.yaml`).
    pub path: String,
    /// The document, trimmed.
    pub content: String,
    /// Its `kind` (empty when absent).
    pub kind: String,
    /// Hook events, when it is a hook (`helm.sh/hook`).
    pub events: Vec<String>,
}

impl Manifest {
    /// Whether this is a test hook.
    pub fn is_test(&self) -> bool {
        self.events
            .iter()
            .any(|e| e == "test" || e == "test-success")
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// `SplitManifests`: the text split at `(?:^|\s*\n)---\s*`, each piece trimmed, empty
/// pieces dropped.
pub fn split_manifests(big: &str) -> Vec<String> {
    split_pieces(big).into_iter().map(str::to_string).collect()
}

/// [`split_manifests`], borrowing the pieces.
fn split_pieces<'a>(big: &'a str) -> Vec<&'a str> {
    let s = big.trim_matches(|c: char| c.is_whitespace());
    let b = s.as_bytes();
    let mut docs: Vec<&str> = Vec::new();
    let mut piece_start = 0usize;
    let mut pos = 0usize;
    let skip_ws = |mut i: usize| {
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        i
    };
    // Helm drops empty pieces, then trims the others (with Unicode white space, so a
    // piece can become empty and stay).
    let mut push = |d: &'a str| {
        if !d.is_empty() {
            docs.push(d.trim_matches(|c: char| c.is_whitespace()));
        }
    };
    if s.starts_with("---") {
        pos = skip_ws(3);
        piece_start = pos;
    }
    while let Some(rel) = s[pos..].find("\n---") {
        let nl = pos + rel;
        // The match starts at the whitespace run ending at the newline.
        let mut start = nl;
        while start > pos && is_ws(b[start - 1]) {
            start -= 1;
        }
        push(&s[piece_start..start]);
        pos = skip_ws(nl + 4);
        piece_start = pos;
    }
    push(&s[piece_start..]);
    docs
}

/// `SortManifests(files, InstallOrder)`: partials and blank files skipped, documents in
/// file-name order, then stable-sorted by kind. Returns (hooks, manifests).
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Manifest>, Vec<Manifest>), ChartError> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_pieces(content) {
            let (kind, hook) = match crate::fastyaml::head(doc) {
                Ok(h) => (h.kind.unwrap_or_default(), h.hook),
                Err(_) => full_head(doc, path)?,
            };
            let mut m = Manifest {
                path: path.clone(),
                content: doc.to_string(),
                kind,
                events: Vec::new(),
            };
            let Some(hook) = hook else {
                generic.push(m);
                continue;
            };
            let mut unknown = false;
            for t in hook.split(',') {
                let t = t.trim().to_lowercase();
                if !EVENTS.contains(&t.as_str()) {
                    unknown = true;
                    break;
                }
                m.events.push(t);
            }
            // Helm drops documents with an unknown hook type.
            if !unknown {
                hooks.push(m);
            }
        }
    }
    sort_by_kind(&mut hooks);
    sort_by_kind(&mut generic);
    Ok((hooks, generic))
}

/// `kind` and the `helm.sh/hook` annotation with the full reader, which also gives Helm's
/// error for a document that is not YAML or not a mapping.
fn full_head(doc: &str, path: &str) -> Result<(String, Option<String>), ChartError> {
    let head = krust_yaml::parse_document(doc, path, Typing::Yaml11).map_err(|e| {
        ChartError::Manifest(format!(
            "YAML parse error on {path}: error converting YAML to JSON: {}",
            crate::values::go_yaml_error(&e)
        ))
    })?;
    if !(head.is_map() || head.is_null()) {
        return Err(ChartError::Manifest(format!(
            "YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type util.SimpleHead",
            head.json_type_name()
        )));
    }
    let kind = head.str_at(&["kind"]).unwrap_or("").to_string();
    let hook = head
        .path(&["metadata", "annotations", "helm.sh/hook"])
        .and_then(|v| v.as_str().map(str::to_string));
    Ok((kind, hook))
}

fn sort_by_kind(ms: &mut [Manifest]) {
    let rank = |k: &str| INSTALL_ORDER.iter().position(|x| *x == k);
    ms.sort_by(|a, b| {
        use std::cmp::Ordering;
        match (rank(&a.kind), rank(&b.kind)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.kind.cmp(&b.kind),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_helm() {
        assert_eq!(split_manifests("a: 1\n---\nb: 2\n"), vec!["a: 1", "b: 2"]);
        assert_eq!(split_manifests("---\na: 1\n  \n---   \n\n"), vec!["a: 1"]);
        assert_eq!(split_manifests("x: ---\n"), vec!["x: ---"]);
        assert_eq!(split_manifests("# c\n---\n---\nb"), vec!["# c", "---\nb"]);
    }

    #[test]
    fn kinds_sorted_unknown_last_alphabetical() {
        let mut files = BTreeMap::new();
        files.insert(
            "c/templates/a.yaml".to_string(),
            "kind: Foo\n---\nkind: Service\n---\nkind: Bar\n---\nkind: Namespace\n".to_string(),
        );
        let (_, m) = sort_manifests(&files).unwrap_or_default();
        let kinds: Vec<&str> = m.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, vec!["Namespace", "Service", "Bar", "Foo"]);
    }
}
