//! Field specs: which fields of which kinds a transformer touches, and the walker that
//! visits them (kustomize's `types.FieldSpec` and `filters/fieldspec`).

use std::sync::Arc;

use krust_model::Gvk;
use krust_yaml::{Data, Value};

use crate::decode::fields;
use crate::Error;

/// A field spec: a Gvk selector and a parsed path. Cheap to clone (the path is shared), as
/// the tables are copied into every kustomization's transformers.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub gvk: Gvk,
    pub path: Arc<[String]>,
    /// The raw slash-separated path (for messages).
    pub path_text: Arc<str>,
    pub create: bool,
}

/// Splits a field-spec path on `/`, keeping `[...]` together and honouring `\/`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '/' if depth <= 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl FieldSpec {
    pub fn new(gvk: Gvk, path: &str, create: bool) -> Self {
        FieldSpec {
            gvk,
            path: split_path(path).into(),
            path_text: path.into(),
            create,
        }
    }

    pub(crate) fn decode(v: &Value) -> Result<Self, String> {
        let f = fields(
            v,
            "FieldSpec",
            &["group", "version", "kind", "path", "create"],
        )?;
        Ok(FieldSpec::new(
            Gvk::new(f.string("group")?, f.string("version")?, f.string("kind")?),
            &f.string("path")?,
            f.bool("create")?,
        ))
    }

    /// A field spec in a plugin configuration (read leniently: unknown fields ignored).
    pub(crate) fn decode_lenient(v: &Value) -> Result<Self, String> {
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
            Gvk::new(get("group"), get("version"), get("kind")),
            &get("path"),
            v.get("create").and_then(Value::as_bool) == Some(true),
        ))
    }

    /// Whether this spec applies to a resource of type `gvk`.
    pub fn applies_to(&self, gvk: &Gvk) -> bool {
        gvk.is_selected(&self.gvk)
    }
}

/// What to create at the end of a path when `create` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    /// Never create.
    None,
    Scalar,
    Map,
}

/// Visits the node(s) at `fs.path` in `obj` (kustomize `fieldspec.Filter`): sequences on
/// the way are entered element by element; missing fields are created as mappings (and
/// the last as `create`) when the spec says `create: true`.
pub fn walk(
    obj: &mut Value,
    fs: &FieldSpec,
    create: CreateKind,
    f: &mut dyn FnMut(&mut Value) -> Result<(), Error>,
) -> Result<(), Error> {
    walk_path(obj, &fs.path, fs.create, create, f)
        .map_err(|e| e.context(format!("considering field '{}' of object", fs.path_text)))
}

fn walk_path(
    obj: &mut Value,
    path: &[String],
    create: bool,
    kind: CreateKind,
    f: &mut dyn FnMut(&mut Value) -> Result<(), Error>,
) -> Result<(), Error> {
    let Some((first, rest)) = path.split_first() else {
        return f(obj);
    };
    match &obj.data {
        Data::Null => Ok(()),
        Data::Seq(_) => {
            if let Some(seq) = obj.as_seq_mut() {
                for e in seq.iter_mut() {
                    walk_path(e, path, create, kind, f)?;
                }
            }
            Ok(())
        }
        Data::Map(_) => {
            let (name, is_seq) = match first.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (first.as_str(), false),
            };
            if name.is_empty() {
                return Err(Error::msg("cannot set or create an empty field name"));
            }
            let do_create = create && kind != CreateKind::None && !is_seq;
            let make = |last: bool| {
                if last && kind == CreateKind::Scalar {
                    Value::null()
                } else {
                    Value::map()
                }
            };
            let Some(map) = obj.as_map_mut() else {
                return Ok(());
            };
            if !map.contains_key(name) {
                if !do_create {
                    return Ok(());
                }
                map.insert(name.into(), make(rest.is_empty()));
            }
            let Some(field) = map.get_mut(name) else {
                return Ok(());
            };
            if field.is_null() && do_create && !(rest.is_empty() && kind == CreateKind::Scalar) {
                *field = make(rest.is_empty());
            }
            walk_path(field, rest, create, kind, f)
        }
        _ => Err(Error::msg("expected sequence or mapping node")),
    }
}
