//! `commonAnnotations` (kustomize's `AnnotationsTransformer`).

use krust_model::{ResMap, Resource};
use krust_yaml::{Data, Key, Map, Str, Style, Typing, Value};

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Adds key/value pairs to the maps at the field specs (labels or annotations).
#[derive(Debug, Clone)]
pub struct MapEntries {
    /// The entries, in order.
    pub pairs: Vec<(String, String)>,
    /// The maps to add them to.
    pub field_specs: Vec<FieldSpec>,
}

pub(crate) fn set_entries(
    resources: &mut ResMap,
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<(), Error> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in resources.iter_mut() {
        let gvk = r.cur_id().gvk.clone();
        if !specs.iter().any(|fs| fs.applies_to(&gvk)) {
            continue;
        }
        let obj = r.value_mut();
        for fs in specs.iter().filter(|fs| fs.applies_to(&gvk)) {
            walk(obj, fs, CreateKind::Map, &mut |v: &mut Value| {
                if v.is_null() {
                    *v = Value::map();
                }
                let Some(m) = v.as_map_mut() else {
                    return Err(Error::InvalidFieldPath {
                        message: "expected a mapping node".into(),
                    });
                };
                for (k, val) in pairs {
                    m.insert(k.as_str().into(), Value::from(val.as_str()));
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

impl Transform for MapEntries {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        set_entries(resources, &self.pairs, &self.field_specs)
    }
}

/// kyaml's `GetAnnotations` then `SetAnnotations` on one resource, as kustomize does to
/// every resource at the end of a build:
/// - the annotations node is read as key/value pairs of its children whatever its kind (a
///   sequence `[a, b]` reads as `a: b`, a scalar as nothing), each side by its node text
///   (the source text of a scalar, `""` for a collection);
/// - `metadata.annotations` is cleared and, unless no pair is left, written back with
///   string values;
/// - the new key nodes are plain, so a key whose text reads as another type (`"1"`, `~`)
///   is that type again and fails to print, as in kubectl.
///
/// `labels` and annotations below `metadata` (templates) are left alone.
pub(crate) fn rewrite(r: &mut Resource) {
    let Some(node) = r.value().path(&["metadata", "annotations"]) else {
        return;
    };
    if already_rewritten(node) {
        return;
    }
    let mut pairs: Vec<(Str, Value, Str)> = Vec::new();
    match &node.data {
        Data::Map(m) => {
            for (k, v) in m.iter() {
                pairs.push((k.as_shared().clone(), v.clone(), node_text(v)));
            }
        }
        Data::Seq(s) => {
            // kyaml visits Content two by two; an odd count panics there, here the last
            // element is left without a value.
            for pair in s.chunks(2) {
                if let [k, v] = pair {
                    pairs.push((node_text(k), v.clone(), node_text(v)));
                }
            }
        }
        _ => {}
    }
    let mut out = Map::with_capacity_and_hasher(pairs.len(), Default::default());
    for (k, v, text) in pairs {
        // A later duplicate (possible only from a sequence) wins, as in a Go map.
        out.shift_remove(k.as_ref());
        out.insert(plain_key(k), Value::string(text).at(v.mark));
    }
    let obj = r.value_mut();
    let Some(md) = obj.get_mut("metadata") else {
        return;
    };
    if out.is_empty() {
        md.remove("annotations");
    } else {
        out.sort_keys();
        md.insert("annotations", Value::from_map(out));
    }
}

/// True when [`rewrite`] would leave the annotations as they are (the usual case, checked
/// without copying the resource): a non-empty mapping, keys sorted and never retyped,
/// values strings without other source text, written plain or made in code.
fn already_rewritten(node: &Value) -> bool {
    let Some(m) = node.as_map() else {
        return false;
    };
    !m.is_empty()
        && m.keys().zip(m.keys().skip(1)).all(|(a, b)| a < b)
        && m.iter().all(|(k, v)| {
            !k.is_non_string()
                && !may_retype(k)
                && matches!(v.data, Data::String(_))
                && v.source_text().is_none()
                && matches!(v.style, Style::Any | Style::Plain)
        })
}

/// Whether a plain key `text` may read as something other than a string under go-yaml v3
/// (null, bool, number): only text starting with one of these can.
fn may_retype(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        None | Some(
            b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
        )
    )
}

/// A node's `Value` in kyaml: a scalar's text as written, `""` for a collection.
fn node_text(v: &Value) -> Str {
    match &v.data {
        // A timestamp is held as its RFC 3339 string, but kyaml reads the text as written.
        Data::String(s) if v.source_text().is_none() => s.clone(),
        Data::Seq(_) | Data::Map(_) => Str::from(""),
        _ => Str::from(krust_model::scalar_text(v).as_ref()),
    }
}

/// A key node kyaml makes for `text`: plain, so it is typed again by its text.
fn plain_key(text: Str) -> Key {
    // Only these can read as something else under go-yaml v3 (null, bool, number); the
    // reader decides the rest, so annotation keys like `app.kubernetes.io/x` cost nothing.
    let retyped = may_retype(&text)
        && krust_yaml::parse_document(&text, "", Typing::Kyaml)
            .is_ok_and(|v| v.is_scalar() && !v.is_string());
    if retyped {
        Key::non_string(text)
    } else {
        Key::new(text)
    }
}
