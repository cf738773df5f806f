//! Turning parsed YAML documents into resources, with kustomize's checks and `List`
//! expansion (kustomize `resource.Factory.SliceFromBytes` over kyaml `kio.FromBytes`).
//!
//! What kustomize does, in order:
//! 1. Empty documents (null, `{}`, `[]`) are skipped.
//! 2. A file that is one document of kind `List` or `ResourceList` with an `items` (or
//!    `functionConfig`) field is unwrapped by the reader: its items become the documents
//!    (no further checks on the wrapper).
//! 3. Every document is checked: it needs some of `apiVersion`, `kind`, `metadata`
//!    (`missing Resource metadata`), a `kind` (`missing kind in object ...`), and unless the
//!    kind ends in `List`, a `metadata.name` (`missing metadata.name in object ...`).
//! 4. Documents whose kind ends in `List` and that have an `items` field are replaced by
//!    their items; `items: null` yields nothing, a non-sequence is an error. The items go
//!    through a JSON round trip in kustomize (keys sorted, integral floats become integers)
//!    and are checked as in step 3. They are queued *after* the remaining documents, and
//!    nested lists are expanded the same way.

use std::collections::VecDeque;
use std::sync::Arc;

use krust_yaml::{Data, Map, Str, Style, Value};

use crate::resource::scalar_text;
use crate::{Error, Origin, Resource};

/// Makes resources from the documents of one file, as kustomize reads a resource file.
/// `docs` is every document of the file, in order (including empty ones).
pub fn resources_from_documents(
    docs: Vec<Value>,
    origin: &Arc<Origin>,
) -> Result<Vec<Resource>, Error> {
    Ok(objects_from_documents(docs, &origin.path)?
        .into_iter()
        .map(|v| Resource::with_origin(v, origin.clone()))
        .collect())
}

/// [`resources_from_documents`] returning the objects only; `file` names the source in
/// errors.
pub fn objects_from_documents(docs: Vec<Value>, file: &Str) -> Result<Vec<Value>, Error> {
    let docs = unwrap_single_list(docs);
    let mut queue: VecDeque<Value> = VecDeque::with_capacity(docs.len());
    for d in docs {
        if is_nil_or_empty(&d) {
            continue;
        }
        validate(&d, file)?;
        queue.push_back(d);
    }
    let mut out = Vec::with_capacity(queue.len());
    while let Some(d) = queue.pop_front() {
        let kind = d.get("kind").map(scalar_text).unwrap_or_default();
        if !kind.ends_with("List") {
            out.push(d);
            continue;
        }
        let Some(items) = d.get("items") else {
            // Not a collection (no `items`): a resource like any other.
            out.push(d);
            continue;
        };
        match &items.data {
            Data::Null => {}
            Data::Seq(seq) => {
                for item in seq.iter() {
                    let item = json_round_trip(item);
                    if is_nil_or_empty(&item) {
                        continue;
                    }
                    validate(&item, file)?;
                    queue.push_back(item);
                }
            }
            _ => {
                return Err(Error::ListItemsNotArray {
                    kind: kind.into_owned(),
                    found: go_type_name(items),
                    file: file.clone(),
                    mark: items.mark,
                })
            }
        }
    }
    Ok(out)
}

/// kyaml's reader unwraps a lone `List`/`ResourceList` document with `items` or
/// `functionConfig`.
fn unwrap_single_list(mut docs: Vec<Value>) -> Vec<Value> {
    if docs.len() != 1 {
        return docs;
    }
    let Some(doc) = docs.first() else { return docs };
    let kind = doc.get("kind").map(scalar_text).unwrap_or_default();
    let is_wrapper = (kind == "List" || kind == "ResourceList")
        && (doc.get("items").is_some() || doc.get("functionConfig").is_some());
    if !is_wrapper {
        return docs;
    }
    let doc = docs.swap_remove(0);
    match doc.get("items").map(|v| &v.data) {
        Some(Data::Seq(items)) => items.as_ref().clone(),
        _ => Vec::new(),
    }
}

/// kyaml `IsNilOrEmpty` on a document: null, empty mapping or empty sequence.
fn is_nil_or_empty(v: &Value) -> bool {
    match &v.data {
        Data::Null => true,
        Data::Map(m) => m.is_empty(),
        Data::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// kyaml `GetValidatedMetadata`.
fn validate(doc: &Value, file: &Str) -> Result<(), Error> {
    let meta = Meta::read(doc);
    if meta.missing {
        return Err(Error::MissingMetadata {
            file: file.clone(),
            mark: doc.mark,
        });
    }
    if meta.kind.is_empty() {
        return Err(Error::MissingKind {
            meta: meta.go_string(),
            file: file.clone(),
            mark: doc.mark,
        });
    }
    if meta.kind.ends_with("List") {
        return Ok(());
    }
    if meta.name.is_empty() {
        return Err(Error::MissingName {
            meta: meta.go_string(),
            file: file.clone(),
            mark: doc.mark,
        });
    }
    Ok(())
}

/// What kyaml's `GetMeta` reads from a document.
#[derive(Default)]
struct Meta {
    api_version: String,
    kind: String,
    name: String,
    namespace: String,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    missing: bool,
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !is_nil_or_empty(v))
}

impl Meta {
    fn read(doc: &Value) -> Meta {
        let mut m = Meta {
            missing: true,
            ..Meta::default()
        };
        if let Some(v) = present(doc.get("apiVersion")) {
            m.api_version = scalar_text(v).into_owned();
            m.missing = false;
        }
        if let Some(v) = present(doc.get("kind")) {
            m.kind = scalar_text(v).into_owned();
            m.missing = false;
        }
        let Some(md) = present(doc.get("metadata")) else {
            return m;
        };
        if let Some(v) = present(md.get("name")) {
            m.name = scalar_text(v).into_owned();
            m.missing = false;
        }
        if let Some(v) = present(md.get("namespace")) {
            m.namespace = scalar_text(v).into_owned();
            m.missing = false;
        }
        if let Some(v) = present(md.get("labels")) {
            m.labels = string_pairs(v);
            m.missing = false;
        }
        if let Some(v) = present(md.get("annotations")) {
            m.annotations = string_pairs(v);
            m.missing = false;
        }
        m
    }

    /// Go's `%v` of kyaml's `ResourceMeta`:
    /// `{{apiVersion kind} {{name namespace} map[k:v] map[k:v]}}`.
    fn go_string(&self) -> String {
        format!(
            "{{{{{} {}}} {{{{{} {}}} {} {}}}}}",
            self.api_version,
            self.kind,
            self.name,
            self.namespace,
            go_map(&self.labels),
            go_map(&self.annotations)
        )
    }
}

fn string_pairs(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v
        .as_map()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_string(), scalar_text(v).into_owned()))
                .collect()
        })
        .unwrap_or_default();
    // Go prints maps with sorted keys; a repeated key keeps its last value.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = std::mem::take(&mut later.1);
            true
        } else {
            false
        }
    });
    out
}

fn go_map(pairs: &[(String, String)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", body.join(" "))
}

/// The Go type name kustomize reports for a decoded YAML value.
fn go_type_name(v: &Value) -> &'static str {
    match v.data {
        Data::Null => "<nil>",
        Data::Bool(_) => "bool",
        Data::Int(_) => "int",
        Data::Uint(_) => "uint64",
        Data::Float(_) => "float64",
        Data::String(_) => "string",
        Data::Seq(_) => "[]interface {}",
        Data::Map(_) => "map[string]interface {}",
    }
}

/// The effect of kustomize's `json.Marshal` + re-read of a list item: mapping keys sorted
/// (byte order), integral floats below 1e21 become integers, styles become JSON's.
fn json_round_trip(v: &Value) -> Value {
    let mark = v.mark;
    match &v.data {
        Data::Map(m) => {
            let mut keys: Vec<&krust_yaml::Key> = m.keys().collect();
            keys.sort();
            let mut out = Map::with_capacity_and_hasher(m.len(), Default::default());
            for k in keys {
                if let Some(x) = m.get(k.as_str()) {
                    out.insert(k.clone(), json_round_trip(x));
                }
            }
            Value::with_mark(Data::Map(Arc::new(out)), mark, Style::Flow)
        }
        Data::Seq(s) => {
            let out: Vec<Value> = s.iter().map(json_round_trip).collect();
            Value::with_mark(Data::Seq(Arc::new(out)), mark, Style::Flow)
        }
        Data::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 => {
            let data = if *f >= i64::MIN as f64 && *f < i64::MAX as f64 {
                Data::Int(*f as i64)
            } else if *f >= 0.0 && *f < u64::MAX as f64 {
                Data::Uint(*f as u64)
            } else {
                Data::Float(*f)
            };
            Value::with_mark(data, mark, Style::Plain)
        }
        Data::String(s) => Value::with_mark(Data::String(s.clone()), mark, Style::DoubleQuoted),
        other => Value::with_mark(other.clone(), mark, Style::Plain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{map, obj, s};

    fn file() -> Str {
        Str::from("r.yaml")
    }

    fn names(v: &[Value]) -> Vec<String> {
        v.iter()
            .map(|o| o.str_at(&["metadata", "name"]).unwrap_or("").to_string())
            .collect()
    }

    fn list(kind: &str, items: Vec<Value>) -> Value {
        map(&[
            ("apiVersion", s("v1")),
            ("kind", s(kind)),
            ("items", Value::from_seq(items)),
        ])
    }

    #[test]
    fn skips_empty_documents() {
        let docs = vec![Value::null(), obj("v1", "ConfigMap", "a", ""), Value::map()];
        assert_eq!(
            names(&objects_from_documents(docs, &file()).unwrap()),
            ["a"]
        );
    }

    #[test]
    fn missing_metadata() {
        let docs = vec![map(&[("foo", s("bar"))])];
        let err = objects_from_documents(docs, &file()).unwrap_err();
        assert_eq!(err.to_string(), "missing Resource metadata");
        assert_eq!(err.location().map(|l| l.0), Some("r.yaml"));
        // A scalar document has no metadata either.
        let err = objects_from_documents(vec![s("foo")], &file()).unwrap_err();
        assert_eq!(err.to_string(), "missing Resource metadata");
    }

    #[test]
    fn missing_kind_prints_go_struct() {
        // Checked against kubectl v5.5: `missing kind in object {{v1 } {{foo bar} map[a:b] map[]}}`
        let md = map(&[
            ("name", s("foo")),
            ("namespace", s("bar")),
            ("labels", map(&[("a", s("b"))])),
        ]);
        let doc = map(&[("apiVersion", s("v1")), ("metadata", md)]);
        let err = objects_from_documents(vec![doc], &file()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing kind in object {{v1 } {{foo bar} map[a:b] map[]}}"
        );
    }

    #[test]
    fn missing_name_prints_go_struct() {
        // kubectl v5.5: `missing metadata.name in object {{v1 ConfigMap} {{ bar} map[a:b] map[]}}`
        let md = map(&[("namespace", s("bar")), ("labels", map(&[("a", s("b"))]))]);
        let doc = map(&[
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            ("metadata", md),
        ]);
        let err = objects_from_documents(vec![doc], &file()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing metadata.name in object {{v1 ConfigMap} {{ bar} map[a:b] map[]}}"
        );
        let doc = map(&[("apiVersion", s("v1")), ("kind", s("ConfigMap"))]);
        let err = objects_from_documents(vec![doc], &file()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing metadata.name in object {{v1 ConfigMap} {{ } map[] map[]}}"
        );
    }

    #[test]
    fn list_kinds_need_no_name_and_without_items_are_kept() {
        let doc = map(&[("apiVersion", s("v1")), ("kind", s("FooList"))]);
        let out =
            objects_from_documents(vec![doc.clone(), obj("v1", "ConfigMap", "x", "")], &file())
                .unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], doc);
    }

    #[test]
    fn lone_list_is_unwrapped_in_place() {
        // kubectl v5.5 prints b, then nested: the lone List is unwrapped by the reader, the
        // inner ConfigMapList is expanded at the end of the queue.
        let inner = list("ConfigMapList", vec![obj("v1", "ConfigMap", "nested", "")]);
        let doc = list("List", vec![inner, obj("v1", "ConfigMap", "b", "")]);
        assert_eq!(
            names(&objects_from_documents(vec![doc], &file()).unwrap()),
            ["b", "nested"]
        );
    }

    #[test]
    fn lists_among_other_documents_are_expanded_after_them() {
        // kubectl v5.5 order for this file: c, keep, a, b, nested.
        let nested = list(
            "ConfigMapList",
            vec![obj("v1", "ConfigMap", "nested", ""), Value::map()],
        );
        let first = list(
            "List",
            vec![
                obj("v1", "ConfigMap", "a", ""),
                nested,
                obj("v1", "ConfigMap", "b", ""),
            ],
        );
        let null_items = map(&[
            ("apiVersion", s("v1")),
            ("kind", s("SecretList")),
            ("items", Value::null()),
        ]);
        let keep = obj("v1", "FooList", "keep", "");
        let docs = vec![first, obj("v1", "ConfigMap", "c", ""), null_items, keep];
        assert_eq!(
            names(&objects_from_documents(docs, &file()).unwrap()),
            ["c", "keep", "a", "b", "nested"]
        );
    }

    #[test]
    fn list_items_must_be_a_sequence() {
        // kubectl v5.5: `expected array in FooList/items, but found int`
        let doc = map(&[("kind", s("FooList")), ("items", Value::from(3i64))]);
        let err = objects_from_documents(vec![doc], &file()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected array in FooList/items, but found int"
        );
        // ...but a lone `kind: List` with non-sequence items yields nothing (kubectl agrees).
        let doc = map(&[
            ("apiVersion", s("v1")),
            ("kind", s("List")),
            ("items", Value::from(3i64)),
        ]);
        assert!(objects_from_documents(vec![doc], &file())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn list_items_are_checked() {
        let bad = map(&[("apiVersion", s("v1")), ("kind", s("ConfigMap"))]);
        let doc = list("List", vec![bad]);
        let err = objects_from_documents(vec![doc], &file()).unwrap_err();
        assert!(
            err.to_string().starts_with("missing metadata.name"),
            "{err}"
        );
    }

    #[test]
    fn expanded_items_go_through_json() {
        let item = map(&[
            ("kind", s("ConfigMap")),
            ("apiVersion", s("v1")),
            ("metadata", map(&[("name", s("a"))])),
            ("data", map(&[("n", Value::from(2.0f64))])),
        ]);
        let docs = vec![
            list("ConfigMapList", vec![item]),
            obj("v1", "ConfigMap", "z", ""),
        ];
        let out = objects_from_documents(docs, &file()).unwrap();
        let keys: Vec<&str> = out[1].as_map().unwrap().keys().map(|k| &**k).collect();
        assert_eq!(keys, ["apiVersion", "data", "kind", "metadata"]);
        assert_eq!(out[1].path(&["data", "n"]).and_then(Value::as_i64), Some(2));
    }

    #[test]
    fn resources_carry_their_origin() {
        let origin = Arc::new(Origin::file("dir/r.yaml"));
        let out = resources_from_documents(vec![obj("v1", "ConfigMap", "a", "")], &origin).unwrap();
        assert_eq!(out[0].origin().map(|o| &*o.path), Some("dir/r.yaml"));
    }
}
