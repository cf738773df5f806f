//! Content-hash name suffixes of generated ConfigMaps and Secrets (kustomize's
//! `HashTransformer` and `hasher` package).

use krust_model::ResMap;
use krust_yaml::{Data, Value};
use sha2::{Digest, Sha256};

use crate::Error;

fn to_json(v: &Value) -> Json {
    match &v.data {
        Data::Null => Json::Null,
        Data::Bool(b) => Json::Bool(*b),
        // kustomize's hasher decodes the JSON into `interface{}` before encoding it again:
        // every number is a float64 by then, written as Go's `encoding/json` writes one.
        Data::Int(i) => go_number(*i as f64),
        Data::Uint(u) => go_number(*u as f64),
        Data::Float(f) => go_number(*f),
        Data::String(s) => Json::String(s.to_string()),
        Data::Seq(s) => Json::Array(s.iter().map(to_json).collect()),
        Data::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect()),
    }
}

/// A float64 as Go's `encoding/json` writes it: the shortest digits, positional for
/// 1e-6 <= |f| < 1e21 (`12345678`, not serde's `12345678.0`), else with an exponent
/// (`1e+21`, `1e-7`). Kept as text; [`encode`] writes it unquoted.
fn go_number(f: f64) -> Json {
    if !f.is_finite() {
        return Json::Null;
    }
    let a = f.abs();
    Json::Number(if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let e = format!("{f:e}");
        match e.split_once('e') {
            Some((m, x)) if !x.starts_with('-') => format!("{m}e+{x}"),
            _ => e,
        }
    } else {
        format!("{f}")
    })
}

/// The JSON kustomize's hasher encodes (Go `encoding/json`: keys sorted, no blanks).
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(std::collections::BTreeMap<String, Json>),
}

/// Compact JSON text; strings escaped as serde_json escapes them ([`go_escape`] adds
/// Go's HTML escapes afterwards).
fn encode(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
        Json::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(x, out);
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                out.push(':');
                encode(x, out);
            }
            out.push('}');
        }
    }
}

/// kustomize `getNodeValues` for one field: a missing field is `""`.
fn field(v: &Value, key: &str) -> Json {
    match v.get(key) {
        None => Json::String(String::new()),
        Some(x) if x.is_scalar() => match &x.data {
            Data::Null => Json::String(String::new()),
            _ => Json::String(crate::util::scalar_string(x).unwrap_or_default()),
        },
        Some(x) => to_json(x),
    }
}

/// Go's `json.Marshal` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings.
fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The ten-character hash kustomize appends to a generated ConfigMap's or Secret's name.
pub fn content_hash(v: &Value) -> String {
    let kind = v.str_at(&["kind"]).unwrap_or("");
    let mut m = std::collections::BTreeMap::new();
    m.insert("kind".into(), Json::String(kind.to_string()));
    // kustomize looks the name up with a path lookup that never matches.
    m.insert("name".into(), Json::String(String::new()));
    m.insert("data".into(), field(v, "data"));
    let extra = if kind == "Secret" {
        m.insert("type".into(), field(v, "type"));
        "stringData"
    } else {
        "binaryData"
    };
    if kind == "ConfigMap" || kind == "Secret" {
        if let Some(x) = v.get(extra).filter(|x| x.is_map()) {
            m.insert(extra.into(), to_json(x));
        }
    }
    let mut encoded = String::new();
    if kind == "ConfigMap" || kind == "Secret" {
        encode(&Json::Object(m), &mut encoded);
    } else {
        encode(&to_json(v), &mut encoded);
    }
    let digest = Sha256::digest(go_escape(&encoded).as_bytes());
    let mut hex = String::with_capacity(10);
    for b in digest.iter().take(5) {
        hex.push_str(&format!("{b:02x}"));
    }
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// kustomize's `HashTransformer`, run once at the top of a build.
pub(crate) fn add_hashes(list: &mut ResMap) -> Result<(), Error> {
    for r in list.iter_mut() {
        if r.needs_hash_suffix() {
            let h = content_hash(r.value());
            let name = format!("{}-{h}", r.name());
            r.store_previous_id();
            r.set_name(&name);
        }
    }
    Ok(())
}
