//! The Kyverno ClusterPolicies found in the rendered cluster, evaluated offline as far as
//! that is possible (flux-semantics §3.3): `validate.pattern` rules on string fields
//! (Kyverno wildcards `*` and `?`, alternatives with `|`), matched by kind and excluded by
//! namespace; `verifyImages` only as far as listing the images it would verify.

use krust_yaml::Value;

use crate::model::{ClusterRender, Finding, Severity};
use crate::render::object_id;

/// Kyverno's wildcard match: `*` any run, `?` exactly one character.
pub(crate) fn wildcard(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(si) = star {
            i = si + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

pub(crate) fn string_pattern(pattern: &str, value: &str) -> bool {
    pattern.split('|').any(|alt| wildcard(alt.trim(), value))
}

/// Whether `obj` satisfies `pattern` (maps of string patterns; other leaves compared as-is).
fn satisfies(pattern: &Value, obj: Option<&Value>) -> bool {
    if let Some(m) = pattern.as_map() {
        return m
            .iter()
            .all(|(k, p)| satisfies(p, obj.and_then(|o| o.get(k.as_str()))));
    }
    match (pattern.as_str(), obj) {
        (Some(p), Some(v)) => v.as_str().is_some_and(|s| string_pattern(p, s)),
        (Some(_), None) => false,
        (None, v) => v == Some(pattern),
    }
}

fn resource_blocks(block: Option<&Value>) -> Vec<&Value> {
    let Some(b) = block else { return Vec::new() };
    let mut out = Vec::new();
    for key in ["any", "all"] {
        for e in b.get(key).and_then(Value::as_seq).into_iter().flatten() {
            if let Some(r) = e.get("resources") {
                out.push(r);
            }
        }
    }
    if let Some(r) = b.get("resources") {
        out.push(r);
    }
    out
}

fn strs(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn selects(res: &Value, obj: &Value) -> bool {
    let kinds = strs(res.get("kinds"));
    let kind = obj.str_at(&["kind"]).unwrap_or("");
    let ns = obj.str_at(&["metadata", "namespace"]).unwrap_or("");
    let kind_ok = kinds.is_empty()
        || kinds
            .iter()
            .any(|k| wildcard(k, kind) || k.ends_with(&format!("/{kind}")));
    let nss = strs(res.get("namespaces"));
    let ns_ok = nss.is_empty() || nss.iter().any(|n| wildcard(n, ns));
    kind_ok && ns_ok
}

/// Container images of a Pod or a Pod template.
fn images(obj: &Value) -> Vec<String> {
    let spec = if obj.str_at(&["kind"]) == Some("Pod") {
        obj.get("spec")
    } else {
        obj.path(&["spec", "template", "spec"])
            .or_else(|| obj.path(&["spec", "jobTemplate", "spec", "template", "spec"]))
    };
    let Some(spec) = spec else { return Vec::new() };
    ["initContainers", "containers"]
        .iter()
        .flat_map(|f| spec.get(f).and_then(Value::as_seq).into_iter().flatten())
        .filter_map(|c| c.str_at(&["image"]).map(str::to_string))
        .collect()
}

/// The `spec.url` pattern of a Kyverno rule that validates GitRepositories, if any.
pub(crate) fn git_url_pattern(r: &ClusterRender) -> Option<String> {
    r.kustomizations
        .iter()
        .flat_map(|k| k.objects.iter().map(|o| &o.object))
        .filter(|o| o.str_at(&["kind"]) == Some("ClusterPolicy"))
        .flat_map(|p| {
            p.path(&["spec", "rules"])
                .and_then(Value::as_seq)
                .cloned()
                .unwrap_or_default()
        })
        .find_map(|rule| {
            let kinds = resource_blocks(rule.get("match"))
                .iter()
                .any(|m| strs(m.get("kinds")).contains(&"GitRepository"));
            kinds
                .then(|| {
                    rule.str_at(&["validate", "pattern", "spec", "url"])
                        .map(str::to_string)
                })
                .flatten()
        })
}

/// Every policy over every rendered object.
pub(crate) fn run(r: &ClusterRender) -> Vec<Finding> {
    let all: Vec<(&Value, &str)> = r
        .kustomizations
        .iter()
        .flat_map(|k| k.objects.iter().map(|o| (&o.object, o.file.as_str())))
        .collect();
    let mut out = Vec::new();
    for (policy, _) in all.iter().filter(|(o, _)| {
        o.str_at(&["kind"]) == Some("ClusterPolicy")
            && o.str_at(&["apiVersion"])
                .is_some_and(|a| a.starts_with("kyverno.io/"))
    }) {
        let pname = policy.str_at(&["metadata", "name"]).unwrap_or("");
        let enforce = policy
            .str_at(&["spec", "validationFailureAction"])
            .is_some_and(|a| a.eq_ignore_ascii_case("enforce"));
        let severity = if enforce {
            Severity::Error
        } else {
            Severity::Warning
        };
        for rule in policy
            .path(&["spec", "rules"])
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            let rname = rule.str_at(&["name"]).unwrap_or("");
            let matches = resource_blocks(rule.get("match"));
            let excludes = resource_blocks(rule.get("exclude"));
            let pod_rule = matches
                .iter()
                .any(|m| strs(m.get("kinds")).contains(&"Pod"));
            for (obj, file) in &all {
                if excludes.iter().any(|e| selects(e, obj)) {
                    continue;
                }
                let selected = matches.iter().any(|m| selects(m, obj));
                if let Some(pattern) = rule.path(&["validate", "pattern"]) {
                    if selected && !satisfies(pattern, Some(obj)) {
                        let msg = rule
                            .str_at(&["validate", "message"])
                            .unwrap_or("validation failed");
                        out.push(Finding {
                            rule: format!("KYVERNO/{pname}/{rname}"),
                            severity,
                            object: object_id(obj),
                            file: file.to_string(),
                            message: format!(
                                "{msg} (policy {pname}, {})",
                                if enforce { "Enforce" } else { "Audit" }
                            ),
                            fix: "change the object to satisfy the policy's pattern".into(),
                        });
                    }
                }
                // Kyverno generates Pod-controller variants of Pod rules by default.
                if !(selected || pod_rule) {
                    continue;
                }
                for vi in rule
                    .get("verifyImages")
                    .and_then(Value::as_seq)
                    .into_iter()
                    .flatten()
                {
                    let refs = strs(vi.get("imageReferences"));
                    for img in images(obj) {
                        if refs.iter().any(|p| wildcard(p, &img)) {
                            out.push(Finding {
                                rule: format!("KYVERNO/{pname}/{rname}"),
                                severity: Severity::Warning,
                                object: object_id(obj),
                                file: file.to_string(),
                                message: format!("image {img} must carry a valid signature; that cannot be verified offline"),
                                fix: "make sure the image is signed as the policy's attestors require".into(),
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyverno_wildcards() {
        let p = "https://github.com/fluxcd/?* | ssh://git@github.com:fluxcd/?*";
        assert!(string_pattern(
            p,
            "https://github.com/fluxcd/flux2-multi-tenancy"
        ));
        assert!(!string_pattern(p, "https://github.com/fluxcd/"));
        assert!(!string_pattern(p, "https://gitlab.com/x/y"));
        assert!(string_pattern(p, "ssh://git@github.com:fluxcd/x"));
        assert!(!string_pattern(p, "ssh://git@github.com/fluxcd/x"));
    }
}
