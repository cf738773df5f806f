//! Values documents and their Go typing.
//!
//! Values are kept as krust YAML trees while they are merged and coalesced (krust-helm
//! owns that code), with numbers typed the way Go holds them: every number read from YAML
//! or JSON is a `float64` ([`Data::Float`]); integers from `--set` are `int64`
//! ([`Data::Int`]). [`to_go`] turns the result into the template engine's values.

use std::sync::Arc;

use krust_template::{MapEntries, Value as Go};
use krust_yaml::{Data, Map, Typing, Value};

/// Reads a values document stream as Helm's `loader.LoadValues`: each document must be a
/// mapping (or empty); later documents are merged over earlier ones.
pub fn read_values(src: &[u8], file: &str) -> Result<Value, String> {
    let text = crate::files::utf8_text(src);
    // Most values files are plain block YAML: the fast reader builds the same tree.
    match crate::fastyaml::values(&text) {
        Ok(None) => return Ok(Value::map()),
        Ok(Some(v)) => return Ok(krust_helm::merge(&Value::map(), &v)),
        Err(crate::fastyaml::Unsupported) => {}
    }
    let docs = krust_yaml::parse_stream(&text, file, Typing::Yaml11).map_err(|e| {
        format!(
            "cannot unmarshal yaml document: error converting YAML to JSON: {}",
            go_yaml_error(&e)
        )
    })?;
    let mut out = Value::map();
    for d in docs {
        if d.is_null() {
            continue;
        }
        if !d.is_map() {
            return Err(format!(
                "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                d.json_type_name()
            ));
        }
        out = krust_helm::merge(&out, &json_numbers(&d));
    }
    Ok(out)
}

/// Every integer becomes a `float64`, as a JSON round trip leaves it.
pub fn json_numbers(v: &Value) -> Value {
    match &v.data {
        Data::Int(i) => Value::new(Data::Float(*i as f64)),
        Data::Uint(u) => Value::new(Data::Float(*u as f64)),
        Data::Seq(s) => Value::from_seq(s.iter().map(json_numbers).collect()),
        Data::Map(m) => Value::from_map(
            m.iter()
                .map(|(k, v)| (k.clone(), json_numbers(v)))
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// The template engine's view of a values tree: `float64` for floats, `int64` for
/// integers, `map[string]interface{}` and `[]interface{}` for containers.
pub fn to_go(v: &Value) -> Go {
    match &v.data {
        Data::Null => Go::Nil,
        Data::Bool(b) => Go::Bool(*b),
        Data::Int(i) => Go::Int64(*i),
        Data::Uint(u) => Go::Float(*u as f64),
        Data::Float(f) => Go::Float(*f),
        Data::String(s) => Go::String(s.clone()),
        Data::Seq(s) => Go::list(s.iter().map(to_go).collect()),
        Data::Map(m) => Go::map(map_entries(m)),
    }
}

fn map_entries(m: &Map) -> MapEntries {
    m.iter()
        .map(|(k, v)| (Arc::clone(k.as_shared()), to_go(v)))
        .collect()
}

/// `Values.Table(path)`: the mapping at a dotted path.
pub fn table<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
        if !cur.is_map() {
            return None;
        }
    }
    Some(cur)
}

/// `Values.PathValue(path)`: the non-table value at a dotted path.
pub fn path_value<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(v, p)?, k),
        None => (v, path),
    };
    let val = parent.get(key)?;
    if val.is_map() {
        return None;
    }
    Some(val)
}

/// A krust-yaml reading error worded as go-yaml v2 words it after sigs.k8s.io/yaml:
/// `yaml: line N: message` (no line for problems on the first line).
pub fn go_yaml_error(e: &krust_yaml::Error) -> String {
    let text = e.to_string();
    // krust-yaml prints `file:line:col: message`.
    let msg = text
        .splitn(4, ':')
        .nth(3)
        .map(str::trim_start)
        .unwrap_or(&text);
    // go-yaml v2 reports the problem without its context ("while parsing a node, ").
    let msg = match msg.split_once(", ") {
        Some((ctx, rest)) if ctx.starts_with("while ") => rest,
        _ => msg,
    };
    let mark = e.mark();
    // go-yaml counts a parser error's line from 0 and a scanner error's from 1.
    let parser_error = msg.starts_with("did not find expected")
        && !msg.contains("alphabetic or numeric character");
    let line = if parser_error {
        mark.line.saturating_sub(1)
    } else {
        mark.line
    };
    if line > 1 || (parser_error && line > 0) {
        format!("yaml: line {line}: {msg}")
    } else {
        format!("yaml: {msg}")
    }
}
