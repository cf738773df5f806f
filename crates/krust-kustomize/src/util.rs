//! Small helpers over values.

use krust_yaml::{Data, Value};

/// The text of a scalar as kustomize reads it into a Go string (`null` → none).
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    // kyaml copies `Node.Value`, the scalar's source text (a written `null` is "null").
    if let Some(t) = v.source_text().filter(|_| !v.is_null()) {
        return Some(t.to_string());
    }
    match &v.data {
        Data::String(s) => Some(s.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Uint(u) => Some(u.to_string()),
        Data::Float(f) => Some(f.to_string()),
        Data::Null => None,
        _ => None,
    }
}
