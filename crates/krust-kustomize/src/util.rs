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

/// Forgets the source text of every scalar below `v`: kustomize round-trips a resource
/// through JSON for a JSON 6902 patch, after which `0x1F` reads as `31`.
pub(crate) fn clear_source_texts(v: &mut Value) {
    if v.is_null() {
        // A JSON null comes back as a node whose text is `null` (a `~` or an empty value
        // reads "null" from then on).
        static NULL: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        let null = NULL.get_or_init(|| {
            krust_yaml::parse_document("null", "", krust_yaml::Typing::Kyaml).unwrap_or_default()
        });
        let mark = v.mark;
        *v = null.clone().at(mark);
        return;
    }
    v.clear_source_text();
    if let Some(m) = v.as_map_mut() {
        for (_, e) in m.iter_mut() {
            clear_source_texts(e);
        }
    } else if let Some(s) = v.as_seq_mut() {
        for e in s.iter_mut() {
            clear_source_texts(e);
        }
    }
}
