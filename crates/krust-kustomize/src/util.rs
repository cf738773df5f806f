//! Small helpers over values.

use krust_yaml::Value;

/// The text of a scalar as kustomize reads it into a Go string (`null` → none): kyaml's
/// `Node.Value`, the scalar's source text, else go-yaml v3's encoding of it.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    krust_yaml::scalar_text(v).map(std::borrow::Cow::into_owned)
}
