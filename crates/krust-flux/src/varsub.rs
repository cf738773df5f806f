//! Post-build variable substitution (flux-semantics §2.4; fluxcd/pkg
//! `kustomize/kustomize_varsub.go`).

use std::collections::BTreeMap;

use krust_yaml::{Data, Style, Typing, Value};

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

/// How the API server decodes a Secret's `data` (Go's `encoding/json` into `[]byte`, that is
/// `base64.StdEncoding`): padding required, `\r` and `\n` skipped, nothing else; a value it
/// cannot decode could not be in the cluster.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    krust_yaml::decode_base64(s)
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
    let vars = Vars::new(vars, strict);
    if obj.is_map() {
        if let Ok(v) = in_tree(obj, &vars, 0) {
            return Ok(v);
        }
    }
    via_text(obj, &vars).map(Some)
}

/// What kustomize-controller does: print the object, substitute the text, read it back.
fn via_text(obj: &Value, vars: &Vars<'_>) -> Result<Value, String> {
    let text = krust_yaml::to_yaml(obj).map_err(|e| e.to_string())?;
    let out = eval(&text, vars)
        .map_err(|e| format!("envsubst error: variable substitution failed: {e}"))?;
    let docs = krust_yaml::parse_stream(&out, "substituted object", Typing::Yaml11)
        .map_err(|e| format!("envsubst error: YAMLToJSON: {e}"))?;
    match docs.into_iter().next() {
        Some(v) if v.is_map() => Ok(v),
        _ => Err("UnmarshalJSON: the substituted object is not a mapping".into()),
    }
}

/// The fast path cannot tell what the text round trip would give.
#[derive(Debug)]
struct Fallback;

/// Deepest nesting the fast path walks.
const FAST_DEPTH: usize = 200;

/// Substitution on the value tree, for an object where that provably gives what printing,
/// substituting the text and reading it back gives (the function above): every `$` of the
/// text is inside a string printed as a plain scalar without blanks (so the string's text
/// is in the printed text as it is, and every `${…}` opens and closes inside it), the
/// substituted text reads back as a plain string (the same value it would be inside the
/// object's text), and nothing else in the object changes in the round trip or fails to
/// print. The result is the text route's up to the order of mapping keys (which that route
/// reads back in the printer's order, and the output is printed in either way).
/// `Ok(None)`: nothing changed; `Err(Fallback)` for anything else, which then takes the
/// text route.
fn in_tree(obj: &Value, vars: &Vars<'_>, depth: usize) -> Result<Option<Value>, Fallback> {
    if depth > FAST_DEPTH || obj.source_text().is_some_and(|t| t.contains('$')) {
        return Err(Fallback);
    }
    match &obj.data {
        Data::String(s) => {
            if obj.style == Style::Folded || !round_trips(s) {
                return Err(Fallback);
            }
            if !s.contains('$') {
                return Ok(None);
            }
            substitute_scalar(s, vars).map(Some)
        }
        // go's JSON form prints a whole float as an integer, which reads back as one.
        Data::Float(_) => Err(Fallback),
        Data::Map(m) => {
            let mut changed = Vec::new();
            for (i, (k, v)) in m.iter().enumerate() {
                let key = k.as_str();
                if k.is_non_string()
                    || key.len() > 128
                    || key.contains('$')
                    || !key.bytes().all(|b| (b' '..0x7f).contains(&b))
                {
                    return Err(Fallback);
                }
                if let Some(n) = in_tree(v, vars, depth + 1)? {
                    changed.push((i, n));
                }
            }
            if changed.is_empty() {
                return Ok(None);
            }
            let mut out = obj.clone();
            if let Some(map) = out.as_map_mut() {
                for (i, n) in changed {
                    if let Some((_, slot)) = map.get_index_mut(i) {
                        *slot = n;
                    }
                }
            }
            Ok(Some(out))
        }
        Data::Seq(items) => {
            let mut changed = Vec::new();
            for (i, v) in items.iter().enumerate() {
                if let Some(n) = in_tree(v, vars, depth + 1)? {
                    changed.push((i, n));
                }
            }
            if changed.is_empty() {
                return Ok(None);
            }
            let mut out = obj.clone();
            if let Some(seq) = out.as_seq_mut() {
                for (i, n) in changed {
                    if let Some(slot) = seq.get_mut(i) {
                        *slot = n;
                    }
                }
            }
            Ok(Some(out))
        }
        _ => Ok(None),
    }
}

/// Whether a string is printed and read back unchanged and without a print error: ASCII
/// text, tabs and line breaks, not starting with a tab (the fast path leaves everything
/// else to the text route).
fn round_trips(s: &str) -> bool {
    !s.starts_with('\t')
        && s.bytes()
            .all(|b| (b' '..0x7f).contains(&b) || b == b'\n' || b == b'\t')
}

/// Printable ASCII without blanks.
fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (b'!'..0x7f).contains(&b))
}

/// The substituted value of a string containing `$`, when the fast path applies to it.
fn substitute_scalar(s: &str, vars: &Vars<'_>) -> Result<Value, Fallback> {
    // Every `$` opens a `${`: no `$$` escape and no lone `$` whose reading could depend
    // on the text after the string.
    let b = s.as_bytes();
    let opens = b
        .iter()
        .enumerate()
        .all(|(i, &c)| c != b'$' || b.get(i + 1) == Some(&b'{'));
    if !opens || !is_word(s) {
        return Err(Fallback);
    }
    // Printed as a plain scalar, its text as it is.
    match krust_yaml::to_yaml(&Value::string(s)) {
        Ok(t) if t.strip_suffix('\n') == Some(s) => {}
        _ => return Err(Fallback),
    }
    let out = eval(s, vars).map_err(|_| Fallback)?;
    if !is_word(&out) {
        return Err(Fallback);
    }
    let docs = krust_yaml::parse_stream(&out, "substituted object", Typing::Yaml11)
        .map_err(|_| Fallback)?;
    match docs.as_slice() {
        [v] if v.as_str() == Some(out.as_str()) && v.source_text().is_none() => Ok(v.clone()),
        _ => Err(Fallback),
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

    /// Equal values, mapping keys in any order (the text route reads them back in the
    /// printer's order).
    fn same(a: &Value, b: &Value) -> bool {
        match (a.as_map(), b.as_map(), a.as_seq(), b.as_seq()) {
            (Some(x), Some(y), _, _) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            (_, _, Some(x), Some(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| same(v, w))
            }
            _ => a == b,
        }
    }

    /// The fast path gives what the text route gives, or leaves the object to it.
    #[test]
    fn tree_route_agrees_with_text_route() {
        let vars: BTreeMap<String, String> = [
            ("t".into(), "t0001".into()),
            ("n".into(), "3".into()),
            ("b".into(), "y".into()),
            ("sp".into(), "a b".into()),
            ("colon".into(), "a: b".into()),
            ("hash".into(), "#x".into()),
            ("dash".into(), "- x".into()),
            ("q".into(), "'x'".into()),
            ("e".into(), "".into()),
            ("d".into(), "2001-12-14".into()),
            ("dots".into(), "...".into()),
        ]
        .into();
        let cases = [
            ("plain", "v: ${t}\n", true),
            ("inner", "v: a-${t}-b\n", true),
            ("nested default", "v: ${x:=${t}}\n", true),
            ("seq", "v:\n- ${t}\n- x\n- ${t}\n", true),
            ("number", "v: ${n}\n", false),
            ("bool", "v: ${b}\n", false),
            ("space", "v: ${sp}\n", false),
            ("colon", "v: ${colon}\n", false),
            ("hash", "v: ${hash}\n", false),
            ("dash", "v: ${dash}\n", false),
            ("quotes", "v: ${q}\n", false),
            ("empty", "v: ${e}\n", false),
            ("date", "v: ${d}\n", true),
            ("dots", "v: ${dots}\n", false),
            ("escape", "v: $${t}\n", false),
            ("lone", "v: a$b\n", false),
            ("quoted", "v: \"${t} \"\n", false),
            ("key", "${t}: v\n", false),
            ("unterminated", "a: ${t\nb: x}\n", false),
            ("multiline", "v: |\n  x ${t}\n  y\n", false),
            ("folded", "v: >\n  ${t}\n", false),
            (
                "others kept",
                "v: ${t}\nw: |\n  line\n  two\nn: 1\nl: [a, b]\n",
                true,
            ),
            ("float", "v: ${t}\nn: 1.0\n", false),
        ];
        for (name, body, fast) in cases {
            let obj = cm(&format!(
                "kind: A\nmetadata:\n  name: x\ndata:\n  {}",
                body.replace('\n', "\n  ")
            ));
            for strict in [false, true] {
                let v = Vars::new(&vars, strict);
                let tree = in_tree(&obj, &v, 0);
                let text = via_text(&obj, &v);
                match (tree, text) {
                    (Ok(t), Ok(x)) => {
                        let t = t.unwrap_or_else(|| obj.clone());
                        assert!(same(&t, &x), "{name}: {t:?} vs {x:?}");
                        assert_eq!(
                            krust_yaml::to_yaml(&t).ok(),
                            krust_yaml::to_yaml(&x).ok(),
                            "{name}"
                        );
                        assert!(fast, "{name}: took the fast path");
                    }
                    (Ok(_), Err(e)) => {
                        panic!("{name}: fast path succeeded where the text route fails: {e}")
                    }
                    (Err(Fallback), _) => assert!(!fast, "{name}: left to the text route"),
                }
            }
        }
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

    #[test]
    fn secret_data_decodes_as_go_does() {
        // Go's base64.StdEncoding (helm v4.1.4 `b64dec` uses the same decoder): a line break
        // anywhere is skipped; a missing `=` or a space is an error, and the key is left out.
        let s = cm("kind: Secret\ndata:\n  a: \"aGVs\\nbG8=\"\n  b: aGk\n  c: aG k=\n");
        assert_eq!(data_of(&s, true), vec![("a".into(), "hello".into())]);
    }
}
