//! Small builders for unit tests (the YAML reader lives in another crate).

use krust_yaml::{Map, Value};

/// A mapping from `(key, value)` pairs.
pub(crate) fn map(entries: &[(&str, Value)]) -> Value {
    let mut m = Map::default();
    for (k, v) in entries {
        m.insert((*k).into(), v.clone());
    }
    Value::from_map(m)
}

pub(crate) fn s(v: &str) -> Value {
    Value::from(v)
}

/// `apiVersion`, `kind`, `metadata.name` and (if not empty) `metadata.namespace`.
pub(crate) fn obj(api: &str, kind: &str, name: &str, ns: &str) -> Value {
    let mut md = vec![("name", s(name))];
    if !ns.is_empty() {
        md.push(("namespace", s(ns)));
    }
    map(&[
        ("apiVersion", s(api)),
        ("kind", s(kind)),
        ("metadata", map(&md)),
    ])
}
