//! Post-build variable substitution (flux-semantics §2.4; fluxcd/pkg
//! `kustomize/kustomize_varsub.go`).

use std::collections::BTreeMap;

use krust_yaml::{Typing, Value};

use crate::envsubst::{eval, Vars};
use crate::spec::PostBuild;

const OPT_OUT: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// Looks up a ConfigMap or Secret `(kind, namespace, name)` in the rendered cluster.
pub(crate) type Lookup<'a> = dyn Fn(&str, &str, &str) -> Option<Value> + 'a;

/// The variables of `spec.postBuild` (`LoadVariables` plus the inline map).
pub(crate) fn variables(
    pb: &PostBuild,
    namespace: &str,
    lookup: &Lookup<'_>,
) -> Result<BTreeMap<String, String>, String> {
    let mut vars = BTreeMap::new();
    for r in &pb.substitute_from {
        let Some(obj) = lookup(&r.kind, namespace, &r.name) else {
            if r.optional {
                continue;
            }
            let plural = if r.kind == "Secret" {
                "secrets"
            } else {
                "configmaps"
            };
            return Err(format!(
                "substitute from '{}/{}' error: {plural} \"{}\" not found",
                r.kind, r.name, r.name
            ));
        };
        for (k, v) in data_of(&obj, r.kind == "Secret") {
            vars.insert(k, v.replace('\n', ""));
        }
    }
    for (k, v) in &pb.substitute {
        vars.insert(k.clone(), v.replace('\n', ""));
    }
    Ok(vars)
}

/// A ConfigMap's `data`, or a Secret's decoded `data` with `stringData` laid over it.
pub(crate) fn data_of(obj: &Value, secret: bool) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in obj
        .get("data")
        .and_then(Value::as_map)
        .into_iter()
        .flatten()
    {
        let Some(s) = v.as_str() else { continue };
        let val = if secret {
            match base64_decode(s) {
                Some(b) => String::from_utf8_lossy(&b).into_owned(),
                None => continue,
            }
        } else {
            s.to_string()
        };
        out.insert(k.as_str().to_string(), val);
    }
    if secret {
        for (k, v) in obj
            .get("stringData")
            .and_then(Value::as_map)
            .into_iter()
            .flatten()
        {
            if let Some(s) = v.as_str() {
                out.insert(k.as_str().to_string(), s.to_string());
            }
        }
    }
    out.into_iter().collect()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// `^[_[:alpha:]][_[:alpha:][:digit:]]*$` with ASCII classes.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn opted_out(obj: &Value) -> bool {
    ["labels", "annotations"]
        .iter()
        .any(|f| obj.str_at(&["metadata", f, OPT_OUT]) == Some("disabled"))
}

/// Whether any key or string of `v` contains a `$`.
fn has_dollar(v: &Value) -> bool {
    if let Some(s) = v.as_str() {
        return s.contains('$');
    }
    if let Some(m) = v.as_map() {
        return m
            .iter()
            .any(|(k, v)| k.as_str().contains('$') || has_dollar(v));
    }
    if let Some(seq) = v.as_seq() {
        return seq.iter().any(has_dollar);
    }
    v.source_text().is_some_and(|t| t.contains('$'))
}

/// Substitutes one object; `Ok(None)` when it is left as it is.
pub(crate) fn substitute(
    obj: &Value,
    vars: &BTreeMap<String, String>,
    always: bool,
    strict: bool,
) -> Result<Option<Value>, String> {
    if opted_out(obj) {
        return Ok(None);
    }
    if vars.is_empty() && !always {
        return Ok(None);
    }
    if let Some(bad) = vars.keys().find(|k| !valid_name(k)) {
        return Err(format!(
            "'{bad}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'"
        ));
    }
    // Without a `$` envsubst returns the text unchanged, and printing then re-reading
    // the object gives it back as it was (the printer is go-yaml v2's on the JSON form,
    // which is what the output is printed with), so the round trip is skipped.
    if !has_dollar(obj) {
        return Ok(None);
    }
    let text = krust_yaml::to_yaml(obj).map_err(|e| e.to_string())?;
    let out = eval(&text, &Vars::new(vars, strict))
        .map_err(|e| format!("envsubst error: variable substitution failed: {e}"))?;
    let docs = krust_yaml::parse_stream(&out, "substituted object", Typing::Yaml11)
        .map_err(|e| format!("envsubst error: YAMLToJSON: {e}"))?;
    match docs.into_iter().next() {
        Some(v) if v.is_map() => Ok(Some(v)),
        _ => Err("UnmarshalJSON: the substituted object is not a mapping".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(text: &str) -> Value {
        krust_yaml::parse_document(text, "t", Typing::Kyaml).unwrap()
    }

    #[test]
    fn substitutes_and_retypes() {
        let obj = cm(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${env}\ndata:\n  n: \"${n}\"\n",
        );
        let vars: BTreeMap<String, String> =
            [("env".into(), "prod".into()), ("n".into(), "3".into())].into();
        let out = substitute(&obj, &vars, false, true).unwrap().unwrap();
        assert_eq!(out.str_at(&["metadata", "name"]), Some("c-prod"));
        assert_eq!(out.pointer("/data/n").and_then(Value::as_i64), Some(3));
    }

    #[test]
    fn opt_out_and_empty_vars_skip() {
        let obj = cm("kind: A\nmetadata:\n  name: x\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n");
        let vars: BTreeMap<String, String> = [("a".into(), "b".into())].into();
        assert_eq!(substitute(&obj, &vars, false, true), Ok(None));
        let obj = cm("kind: A\nmetadata:\n  name: ${x:=zz}\n");
        assert_eq!(substitute(&obj, &BTreeMap::new(), false, true), Ok(None));
        let out = substitute(&obj, &BTreeMap::new(), true, true)
            .unwrap()
            .unwrap();
        assert_eq!(out.str_at(&["metadata", "name"]), Some("zz"));
        // YAML 1.1 re-typing: a substituted `y` is a boolean.
        let obj = cm("kind: A\nmetadata:\n  name: x\ndata:\n  v: ${x:=y}\n");
        let out = substitute(&obj, &BTreeMap::new(), true, true)
            .unwrap()
            .unwrap();
        assert_eq!(out.pointer("/data/v").and_then(Value::as_bool), Some(true));
    }

    #[test]
    fn invalid_names_fail() {
        let obj = cm("kind: A\nmetadata:\n  name: x\n");
        let vars: BTreeMap<String, String> = [("my-var".into(), "b".into())].into();
        assert!(substitute(&obj, &vars, false, true)
            .unwrap_err()
            .contains("'my-var' var name is invalid"));
    }

    #[test]
    fn secret_data_decodes_with_string_data_over_it() {
        let s = cm("kind: Secret\ndata:\n  a: aGVsbG8=\n  b: eA==\nstringData:\n  b: y\n");
        assert_eq!(
            data_of(&s, true),
            vec![("a".into(), "hello".into()), ("b".into(), "y".into())]
        );
    }
}
