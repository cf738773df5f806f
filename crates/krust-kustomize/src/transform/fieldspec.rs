//! Walking field specs with this crate's error: krust-model's [`FieldSpec`] (the one
//! field-spec model, kustomize's `types.FieldSpec`) visited by kustomize's
//! `filters/fieldspec` rules.

use krust_model::fieldspecs::{walk_path, WalkError};
use krust_yaml::Value;

use crate::Error;

pub use krust_model::fieldspecs::FieldSpec;

/// A field spec in a plugin configuration (read leniently: unknown fields ignored).
pub(crate) fn decode_lenient(v: &Value) -> Result<FieldSpec, String> {
    let get = |k: &str| {
        v.get(k)
            .and_then(crate::util::scalar_string)
            .unwrap_or_default()
    };
    if !v.is_map() {
        return Err(format!(
            "a field spec must be a mapping, found a {}",
            v.type_name()
        ));
    }
    Ok(FieldSpec::new(
        krust_model::Gvk::new(get("group"), get("version"), get("kind")),
        &get("path"),
        v.get("create").and_then(Value::as_bool) == Some(true),
    ))
}

/// What to create at the end of a path when `create` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    /// Never create.
    None,
    /// Create a null scalar for the callback to set.
    Scalar,
    /// Create an empty mapping.
    Map,
}

/// Visits the node(s) at `fs.path` in `obj` (kustomize `fieldspec.Filter`, krust-model's
/// walker): sequences on the way are entered element by element; missing fields are
/// created as mappings (and the last as `create`) when the spec says `create: true`.
pub fn walk(
    obj: &mut Value,
    fs: &FieldSpec,
    create: CreateKind,
    f: &mut dyn FnMut(&mut Value) -> Result<(), Error>,
) -> Result<(), Error> {
    let leaf = match create {
        CreateKind::None => None,
        CreateKind::Scalar => Some(Value::null()),
        CreateKind::Map => Some(Value::map()),
    };
    let leaf = if fs.create { leaf.as_ref() } else { None };
    let walked = walk_path(obj, fs.path.segments(), leaf, &mut |v: &mut Value| f(v));
    // kustomize's `fieldspec.Filter` names the object by `resid.FromRNode` (made only on
    // error: the walks run on every resource of a build).
    walked.map_err(walk_error).map_err(|e| {
        let id = krust_model::Resource::new(obj.clone()).cur_id().to_string();
        e.context(format!("considering field '{}' of object {id}", fs.path))
    })
}

/// A walk error as this crate's error (a callback's error keeps its own context).
fn walk_error(e: WalkError<Error>) -> Error {
    match e {
        WalkError::Callback(e) => e,
        WalkError::InSequence { remaining, source } => {
            walk_error(*source).context(format!("visit traversal on path: {remaining}"))
        }
        other => Error::InvalidFieldPath {
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_model::Gvk;

    fn doc(text: &str) -> Value {
        let docs = krust_yaml::parse_stream(text, "t", krust_yaml::Typing::Yaml11);
        let Some(v) = docs.ok().and_then(|d| d.into_iter().next()) else {
            panic!("parse");
        };
        v
    }

    #[test]
    fn null_list_on_a_list_path_becomes_empty() {
        // kubectl kustomize (v5.5) prints `containers: []` for a walked `containers: null`.
        let mut v = doc("spec:\n  containers: null\n");
        let fs = FieldSpec::new(Gvk::default(), "spec/containers[]/image", true);
        let mut seen = 0;
        let r = walk(&mut v, &fs, CreateKind::None, &mut |_| {
            seen += 1;
            Ok(())
        });
        assert!(r.is_ok());
        assert_eq!(seen, 0);
        assert_eq!(v, doc("spec:\n  containers: []\n"));
    }

    #[test]
    fn creates_missing_fields_only_with_create() {
        let mut v = doc("metadata: {}\n");
        let fs = FieldSpec::new(Gvk::default(), "spec/template/metadata/labels", true);
        let r = walk(&mut v, &fs, CreateKind::Map, &mut |_| Ok(()));
        assert!(r.is_ok());
        assert_eq!(
            v,
            doc("metadata: {}\nspec:\n  template:\n    metadata:\n      labels: {}\n")
        );
        let mut w = doc("metadata: {}\n");
        let fs = FieldSpec::new(Gvk::default(), "spec/replicas", false);
        assert!(walk(&mut w, &fs, CreateKind::Scalar, &mut |_| Ok(())).is_ok());
        assert_eq!(w, doc("metadata: {}\n"));
    }
}
