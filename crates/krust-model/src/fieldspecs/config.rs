//! Reading kustomize transformer-configuration files (the `configurations:` entries of a
//! kustomization) into [`FieldSpecTables`], with kustomize v5.5's strictness and messages.
//!
//! kustomize reads these files with `sigs.k8s.io/yaml.UnmarshalStrict`: YAML 1.1 typing, a
//! JSON round trip (so keys are visited in sorted order and the first error in that order
//! is reported), unknown fields rejected.

use krust_yaml::{Data, Value};

use super::{FieldSpec, FieldSpecTableError, FieldSpecTables, NameBackRefs};
use crate::Gvk;

const PREFIX: &str = "error unmarshaling JSON: while decoding JSON: json: ";

fn type_error(v: &Value, strukt: &str, field: &str, go_type: &str) -> FieldSpecTableError {
    FieldSpecTableError::Config {
        message: format!(
            "{PREFIX}cannot unmarshal {} into Go struct field {strukt}.{field} of type {go_type}",
            v.json_type_name()
        ),
    }
}

fn unknown_field(name: &str) -> FieldSpecTableError {
    FieldSpecTableError::Config {
        message: format!("{PREFIX}unknown field \"{name}\""),
    }
}

/// Entries of a mapping in the order Go's JSON decoder sees them (sorted keys).
fn sorted_entries(v: &Value) -> Vec<(&str, &Value)> {
    let mut out: Vec<(&str, &Value)> = v
        .as_map()
        .map(|m| m.iter().map(|(k, v)| (&**k, v)).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

#[derive(Default)]
struct GvkFields {
    group: String,
    version: String,
    kind: String,
}

impl GvkFields {
    /// Reads `group`, `version` or `kind`; false if `key` is none of them.
    fn read(
        &mut self,
        key: &str,
        v: &Value,
        strukt: &str,
        path: &str,
    ) -> Result<bool, FieldSpecTableError> {
        let slot = match key {
            "group" => &mut self.group,
            "version" => &mut self.version,
            "kind" => &mut self.kind,
            _ => return Ok(false),
        };
        match &v.data {
            Data::Null => {}
            Data::String(s) => *slot = s.to_string(),
            _ => return Err(type_error(v, strukt, &format!("{path}.{key}"), "string")),
        }
        Ok(true)
    }

    fn gvk(&self) -> Gvk {
        Gvk::new(
            self.group.as_str(),
            self.version.as_str(),
            self.kind.as_str(),
        )
    }
}

fn field_spec(v: &Value, path: &str) -> Result<FieldSpec, FieldSpecTableError> {
    if !v.is_map() && !v.is_null() {
        return Err(type_error(v, "TransformerConfig", path, "types.FieldSpec"));
    }
    let mut gvk = GvkFields::default();
    let (mut fpath, mut create) = (String::new(), false);
    for (k, x) in sorted_entries(v) {
        if gvk.read(k, x, "FieldSpec", path)? {
            continue;
        }
        match (k, &x.data) {
            ("path", Data::String(s)) => fpath = s.to_string(),
            ("create", Data::Bool(b)) => create = *b,
            ("path" | "create", Data::Null) => {}
            ("path", _) => {
                return Err(type_error(
                    x,
                    "FieldSpec",
                    &format!("{path}.path"),
                    "string",
                ))
            }
            ("create", _) => {
                return Err(type_error(
                    x,
                    "FieldSpec",
                    &format!("{path}.create"),
                    "bool",
                ))
            }
            _ => return Err(unknown_field(k)),
        }
    }
    Ok(FieldSpec::new(gvk.gvk(), &fpath, create))
}

fn field_specs(v: &Value, strukt: &str, path: &str) -> Result<Vec<FieldSpec>, FieldSpecTableError> {
    match &v.data {
        Data::Null => Ok(Vec::new()),
        Data::Seq(items) => items.iter().map(|i| field_spec(i, path)).collect(),
        _ => Err(type_error(v, strukt, path, "types.FsSlice")),
    }
}

fn name_back_refs(v: &Value) -> Result<Vec<NameBackRefs>, FieldSpecTableError> {
    const PATH: &str = "nameReference";
    let items = match &v.data {
        Data::Null => return Ok(Vec::new()),
        Data::Seq(items) => items,
        _ => {
            return Err(type_error(
                v,
                "TransformerConfig",
                PATH,
                "builtinconfig.nbrSlice",
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        if !item.is_map() && !item.is_null() {
            return Err(type_error(
                item,
                "TransformerConfig",
                PATH,
                "builtinconfig.NameBackReferences",
            ));
        }
        let mut gvk = GvkFields::default();
        let mut referrers = Vec::new();
        for (k, x) in sorted_entries(item) {
            if gvk.read(k, x, "NameBackReferences", PATH)? {
                continue;
            }
            match k {
                "fieldSpecs" => {
                    referrers = field_specs(x, "NameBackReferences", "nameReference.fieldSpecs")?
                }
                _ => return Err(unknown_field(k)),
            }
        }
        out.push(NameBackRefs {
            gvk: gvk.gvk(),
            referrers,
        });
    }
    Ok(out)
}

impl FieldSpecTables {
    /// Reads one transformer-configuration document (parsed with YAML 1.1 typing, as
    /// kustomize reads these files). The result is sorted as kustomize sorts it; combine it
    /// with [`FieldSpecTables::merge`] (kustomize merges every file into an empty config,
    /// then the defaults with that).
    pub fn from_config(doc: &Value) -> Result<FieldSpecTables, FieldSpecTableError> {
        let mut t = FieldSpecTables::default();
        match &doc.data {
            Data::Null => return Ok(t),
            Data::Map(_) => {}
            _ => {
                return Err(FieldSpecTableError::Config {
                    message: format!(
                        "{PREFIX}cannot unmarshal {} into Go value of type builtinconfig.TransformerConfig",
                        doc.json_type_name()
                    ),
                })
            }
        }
        for (k, v) in sorted_entries(doc) {
            if k == "nameReference" {
                t.name_reference = name_back_refs(v)?;
                continue;
            }
            let Some(slot) = t.table_mut(k) else {
                return Err(unknown_field(k));
            };
            *slot = field_specs(v, "TransformerConfig", k)?;
        }
        t.sort();
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{map, s};

    fn specs(entries: &[(&str, Value)]) -> Value {
        map(entries)
    }

    // Messages below were checked against `kubectl kustomize` (kustomize v5.5.0) with the
    // same documents in a `configurations:` file.

    #[test]
    fn reads_specs_and_merges_with_defaults() {
        let doc = specs(&[(
            "commonLabels",
            Value::from_seq(vec![map(&[
                ("path", s("spec/sel")),
                ("kind", s("Widget")),
                ("create", Value::from(true)),
            ])]),
        )]);
        let t = FieldSpecTables::from_config(&doc).unwrap();
        assert_eq!(t.common_labels.len(), 1);
        assert!(t.common_labels[0].create);
        let merged = FieldSpecTables::builtin()
            .merged(&FieldSpecTables::default().merged(&t).unwrap())
            .unwrap();
        assert_eq!(merged.common_labels.len(), 33);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let doc = specs(&[("podLabels", Value::from_seq(vec![]))]);
        assert_eq!(
            FieldSpecTables::from_config(&doc).unwrap_err().to_string(),
            "error unmarshaling JSON: while decoding JSON: json: unknown field \"podLabels\""
        );
        let doc = specs(&[(
            "commonLabels",
            Value::from_seq(vec![map(&[("path", s("a")), ("foo", Value::from(1i64))])]),
        )]);
        assert_eq!(
            FieldSpecTables::from_config(&doc).unwrap_err().to_string(),
            "error unmarshaling JSON: while decoding JSON: json: unknown field \"foo\""
        );
    }

    #[test]
    fn type_errors_name_the_go_field() {
        let cases = [
            (
                specs(&[("commonLabels", Value::from_seq(vec![map(&[("path", s("a")), ("create", s("true"))])]))]),
                "cannot unmarshal string into Go struct field FieldSpec.commonLabels.create of type bool",
            ),
            (
                specs(&[("commonLabels", Value::from_seq(vec![map(&[("kind", Value::from(1i64))])]))]),
                "cannot unmarshal number into Go struct field FieldSpec.commonLabels.kind of type string",
            ),
            (
                specs(&[("commonLabels", map(&[("path", s("x"))]))]),
                "cannot unmarshal object into Go struct field TransformerConfig.commonLabels of type types.FsSlice",
            ),
            (
                specs(&[("commonLabels", Value::from_seq(vec![Value::from(3i64)]))]),
                "cannot unmarshal number into Go struct field TransformerConfig.commonLabels of type types.FieldSpec",
            ),
            (
                specs(&[(
                    "nameReference",
                    Value::from_seq(vec![map(&[
                        ("kind", s("Widget")),
                        ("fieldSpecs", Value::from_seq(vec![map(&[("path", s("a")), ("create", Value::from(3i64))])])),
                    ])]),
                )]),
                "cannot unmarshal number into Go struct field FieldSpec.nameReference.fieldSpecs.create of type bool",
            ),
            (
                specs(&[("nameReference", Value::from_seq(vec![map(&[("kind", Value::from(3i64))])]))]),
                "cannot unmarshal number into Go struct field NameBackReferences.nameReference.kind of type string",
            ),
        ];
        for (doc, want) in cases {
            let got = FieldSpecTables::from_config(&doc).unwrap_err().to_string();
            assert_eq!(got, format!("{PREFIX}{want}"));
        }
    }

    #[test]
    fn conflicts_within_a_file_and_with_defaults() {
        let spec = |create: bool| {
            let mut e = vec![("path", s("spec/sel")), ("kind", s("Widget"))];
            if create {
                e.push(("create", Value::from(true)));
            }
            map(&e)
        };
        let doc = specs(&[(
            "commonLabels",
            Value::from_seq(vec![spec(true), spec(false)]),
        )]);
        let t = FieldSpecTables::from_config(&doc).unwrap();
        assert_eq!(
            FieldSpecTables::default()
                .merged(&t)
                .unwrap_err()
                .to_string(),
            "failed to merge CommonLabels fieldSpec: conflicting fieldspecs"
        );
        let doc = specs(&[(
            "commonLabels",
            Value::from_seq(vec![map(&[
                ("path", s("metadata/labels")),
                ("create", Value::from(false)),
            ])]),
        )]);
        let t = FieldSpecTables::from_config(&doc).unwrap();
        assert!(FieldSpecTables::builtin().merged(&t).is_err());
    }

    #[test]
    fn null_and_empty_documents() {
        assert_eq!(
            FieldSpecTables::from_config(&Value::null()).unwrap(),
            FieldSpecTables::default()
        );
        let doc = specs(&[("commonLabels", Value::null())]);
        assert!(FieldSpecTables::from_config(&doc)
            .unwrap()
            .common_labels
            .is_empty());
    }
}
