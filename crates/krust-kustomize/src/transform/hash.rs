//! Content-hash name suffixes of generated ConfigMaps and Secrets (kustomize's
//! `HashTransformer` and `hasher` package).

use krust_model::ResMap;
use krust_yaml::{Data, Value};
use sha2::{Digest, Sha256};

use crate::Error;

fn to_json(v: &Value) -> serde_json::Value {
    match &v.data {
        Data::Null => serde_json::Value::Null,
        Data::Bool(b) => serde_json::Value::Bool(*b),
        Data::Int(i) => serde_json::Value::from(*i),
        Data::Uint(u) => serde_json::Value::from(*u),
        Data::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Data::String(s) => serde_json::Value::String(s.to_string()),
        Data::Seq(s) => serde_json::Value::Array(s.iter().map(to_json).collect()),
        Data::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
    }
}

/// kustomize `getNodeValues` for one field: a missing field is `""`.
fn field(v: &Value, key: &str) -> serde_json::Value {
    match v.get(key) {
        None => serde_json::Value::String(String::new()),
        Some(x) if x.is_scalar() => match &x.data {
            Data::Null => serde_json::Value::String(String::new()),
            _ => serde_json::Value::String(crate::util::scalar_string(x).unwrap_or_default()),
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
    let mut m = serde_json::Map::default();
    m.insert("kind".into(), serde_json::Value::String(kind.to_string()));
    // kustomize looks the name up with a path lookup that never matches.
    m.insert("name".into(), serde_json::Value::String(String::new()));
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
    let encoded = if kind == "ConfigMap" || kind == "Secret" {
        serde_json::Value::Object(m).to_string()
    } else {
        to_json(v).to_string()
    };
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
