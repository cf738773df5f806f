//! Values composition: `spec.values` plus `spec.valuesFrom`, as fluxcd/pkg
//! `chartutil.ChartValuesFromReferences` does it (flux-semantics §1.2–§1.5).

use std::collections::HashMap;
use std::path::PathBuf;

use krust_yaml::{Data, Typing, Value};

use crate::error::{RefReason, ReferenceError};
use crate::gval::{merge_maps, GMap, G};
use crate::merge::{json_typed, merge};
use crate::release::{HelmRelease, ValuesReference};
use crate::strvals::{parse_into_g, SetMode};
use crate::ValuesError;

/// Where `valuesFrom` references are looked up: typically the render that produced the
/// HelmRelease, so generated (hash-suffixed) ConfigMaps and Secrets resolve by their final
/// names.
pub trait Lookup {
    /// The object `kind` `namespace/name`, if there is one.
    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Value>;
}

impl<L: Lookup + ?Sized> Lookup for &L {
    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        (**self).get(kind, namespace, name)
    }
}

/// A hashed index of objects by `(kind, namespace, name)`. An object without a namespace
/// is indexed under `""`. When two objects share an id, the first one is kept.
#[derive(Debug, Default)]
pub struct ObjectIndex<'a> {
    by_id: HashMap<(&'a str, &'a str, &'a str), &'a Value>,
}

impl<'a> ObjectIndex<'a> {
    /// Indexes `objects` by their `kind`, `metadata.namespace` and `metadata.name`.
    pub fn new<I: IntoIterator<Item = &'a Value>>(objects: I) -> Self {
        let mut by_id = HashMap::new();
        for obj in objects {
            let kind = obj.str_at(&["kind"]).unwrap_or("");
            let ns = obj.str_at(&["metadata", "namespace"]).unwrap_or("");
            let name = obj.str_at(&["metadata", "name"]).unwrap_or("");
            by_id.entry((kind, ns, name)).or_insert(obj);
        }
        ObjectIndex { by_id }
    }
}

impl Lookup for ObjectIndex<'_> {
    fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.by_id.get(&(kind, namespace, name)).copied()
    }
}

/// Where the chart's default values came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuesSource {
    /// Only the user values helm-controller composes; the chart's defaults were not
    /// available (a remote chart, or no directory for its source).
    UserValues,
    /// The chart is local: `coalesced` holds the values its templates see.
    LocalChart {
        /// The chart directory whose defaults were used.
        chart_dir: PathBuf,
        /// The `valuesFiles` that replaced the chart's `values.yaml` (empty: its own).
        values_files: Vec<String>,
    },
}

/// The result of values composition.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposedValues {
    /// The values helm-controller hands to Helm (the release's user-supplied values).
    pub user: Value,
    /// `user` coalesced over the chart's defaults, when the chart is local.
    pub coalesced: Option<Value>,
    /// Where the chart's defaults came from.
    pub source: ValuesSource,
}

impl ComposedValues {
    /// The most complete values known: coalesced when available, else the user values.
    pub fn effective(&self) -> &Value {
        self.coalesced.as_ref().unwrap_or(&self.user)
    }

    /// A short label for output: `user values` or `coalesced with chart defaults`.
    pub fn label(&self) -> &'static str {
        match self.source {
            ValuesSource::UserValues => "user values (chart defaults not applied)",
            ValuesSource::LocalChart { .. } => "user values coalesced with chart defaults",
        }
    }
}

/// Composes the values helm-controller would hand to Helm for `hr`, resolving
/// `valuesFrom` references through `lookup` (flux-semantics §1.5, aliasing quirk included).
/// The result is labelled [`ValuesSource::UserValues`]; see
/// [`crate::compose_with_chart_files`] for chart defaults.
pub fn compose_values(
    hr: &HelmRelease,
    lookup: &impl Lookup,
) -> Result<ComposedValues, ValuesError> {
    let user = compose_user_values(hr, lookup)?;
    Ok(ComposedValues {
        user,
        coalesced: None,
        source: ValuesSource::UserValues,
    })
}

fn compose_user_values(hr: &HelmRelease, lookup: &impl Lookup) -> Result<Value, ValuesError> {
    let inline = match &hr.values {
        Some(v) => json_typed(v).map_err(|e| ValuesError::Invalid {
            release: format!("HelmRelease {}", hr.id()),
            line: v.mark.line,
            field: "spec.values".into(),
            message: e,
        })?,
        None => Value::map(),
    };
    if hr.values_from.is_empty() {
        return Ok(inline);
    }
    if hr.values_from.iter().all(|r| r.target_path.is_empty()) {
        // Without targetPath nothing is written through a shared object, and plain
        // copy-on-write merging gives the same result as Go's aliasing maps.
        let mut result = Value::map();
        let mut missed = Vec::new();
        for r in &hr.values_from {
            let Some(data) = resolve(hr, r, lookup, &mut missed)? else {
                continue;
            };
            let doc = read_values(&data)
                .map_err(|e| ref_error(hr, r, RefReason::ValuesDataRead, Some(e)))?;
            result = merge(&result, &doc);
        }
        return Ok(merge(&result, &inline));
    }
    compose_aliased(hr, lookup, &inline)
}

/// The general algorithm on Go-like shared nodes: `R := MergeMaps(R, V)` before each
/// targetPath write shares V's sub-objects into R, and a write into one of them sticks in V.
fn compose_aliased(
    hr: &HelmRelease,
    lookup: &impl Lookup,
    inline: &Value,
) -> Result<Value, ValuesError> {
    let v: Option<GMap> = inline.as_map().map(G::map_from);
    let mut result = G::new_map();
    let mut missed = Vec::new();
    for r in &hr.values_from {
        let Some(data) = resolve(hr, r, lookup, &mut missed)? else {
            continue;
        };
        if r.target_path.is_empty() {
            let doc = read_values(&data)
                .map_err(|e| ref_error(hr, r, RefReason::ValuesDataRead, Some(e)))?;
            let doc_g = doc.as_map().map(G::map_from);
            result = merge_maps(Some(&result), doc_g.as_ref());
            continue;
        }
        result = merge_maps(Some(&result), v.as_ref());
        let text = go_string(&data);
        let (assignment, mode) = assignment(&r.target_path, &text, r.literal);
        parse_into_g(&assignment, &result, mode)
            .map_err(|e| ref_error(hr, r, RefReason::ValueMerge, Some(e.0)))?;
    }
    let out = merge_maps(Some(&result), v.as_ref());
    Ok(Value::from_map(crate::gval::map_to_value(&out)))
}

/// The `--set` string and mode fluxcd/pkg builds for a targetPath entry
/// (`ReplacePathValue` / `ReplacePathLiteralValue`).
pub(crate) fn assignment(path: &str, data: &str, literal: bool) -> (String, SetMode) {
    if literal {
        let mut out = String::with_capacity(path.len() + 1 + data.len() + 8);
        out.push_str(path);
        out.push('=');
        for c in data.chars() {
            if matches!(c, '\\' | ',' | '[' | ']' | '{' | '}') {
                out.push('\\');
            }
            out.push(c);
        }
        return (out, SetMode::String);
    }
    let quoted = |q: char| data.starts_with(q) && data.ends_with(q);
    if quoted('\'') || quoted('"') {
        let trimmed = data.trim_matches(|c| c == '\'' || c == '"');
        return (format!("{path}={trimmed}"), SetMode::String);
    }
    (format!("{path}={data}"), SetMode::Typed)
}

/// Reads one whole-document values entry as Helm's `ReadValues` does (sigs.k8s.io/yaml:
/// YAML 1.1 scalars, first document only, numbers through JSON). Empty or null is `{}`.
pub(crate) fn read_values(data: &[u8]) -> Result<Value, String> {
    let text =
        std::str::from_utf8(data).map_err(|_| "yaml: invalid leading UTF-8 octet".to_string())?;
    let docs =
        krust_yaml::parse_stream(text, "<values>", Typing::Yaml11).map_err(|e| e.to_string())?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Value::map());
    };
    let json_kind = match &doc.data {
        Data::Null => return Ok(Value::map()),
        Data::Map(_) => return json_typed(&doc),
        Data::Bool(_) => "bool",
        Data::Int(_) | Data::Uint(_) | Data::Float(_) => "number",
        Data::String(_) => "string",
        Data::Seq(_) => "array",
    };
    Err(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {json_kind} into Go value of type common.Values"
    ))
}

fn ref_error(
    hr: &HelmRelease,
    r: &ValuesReference,
    reason: RefReason,
    detail: Option<String>,
) -> ValuesError {
    ValuesError::Reference {
        release: hr.id(),
        reference: Box::new(ReferenceError {
            kind: r.kind.clone(),
            namespace: hr.namespace.clone(),
            name: r.name.clone(),
            key: r.values_key().to_string(),
            optional: r.optional,
            reason,
            detail,
        }),
    }
}

/// Resolves one entry to its data bytes; `None` means "skip" (optional and absent).
///
/// `missed` holds the objects an earlier optional entry did not find. Upstream caches that
/// miss, so a later non-optional entry naming the same object fails with the bare reason
/// ("resource not found") instead of the API's not-found message.
fn resolve(
    hr: &HelmRelease,
    r: &ValuesReference,
    lookup: &impl Lookup,
    missed: &mut Vec<(String, String)>,
) -> Result<Option<Vec<u8>>, ValuesError> {
    let resource = match r.kind.as_str() {
        "ConfigMap" => "configmaps",
        "Secret" => "secrets",
        _ => return Err(ref_error(hr, r, RefReason::UnsupportedKind, None)),
    };
    let Some(obj) = lookup.get(&r.kind, &hr.namespace, &r.name) else {
        if r.optional {
            missed.push((r.kind.clone(), r.name.clone()));
            return Ok(None);
        }
        let seen = missed.iter().any(|(k, n)| *k == r.kind && *n == r.name);
        let detail = (!seen).then(|| format!("{resource} \"{}\" not found", r.name));
        return Err(ref_error(hr, r, RefReason::ResourceNotFound, detail));
    };
    let key = r.values_key();
    let invalid = |m: String| ref_error(hr, r, RefReason::InvalidObject, Some(m));
    let data = if r.kind == "Secret" {
        secret_data(obj, key).map_err(invalid)?
    } else {
        configmap_data(obj, key).map_err(invalid)?
    };
    match data {
        Some(d) => Ok(Some(d)),
        None if r.optional => Ok(None),
        None => Err(ref_error(hr, r, RefReason::KeyNotFound, None)),
    }
}

fn string_entry(map: &Value, field: &str, key: &str) -> Result<Option<String>, String> {
    match map.get(field).and_then(|d| d.get(key)) {
        None => Ok(None),
        Some(v) => match &v.data {
            Data::String(s) => Ok(Some(s.to_string())),
            // The API server stores `key:` (null) as "".
            Data::Null => Ok(Some(String::new())),
            _ => Err(format!(
                "{field}.{key} is a {}, not a string",
                v.type_name()
            )),
        },
    }
}

/// `.data[key]` of a ConfigMap (`binaryData` is never read).
fn configmap_data(obj: &Value, key: &str) -> Result<Option<Vec<u8>>, String> {
    Ok(string_entry(obj, "data", key)?.map(String::into_bytes))
}

/// A Secret's effective `.data[key]`: `stringData` laid over the base64-decoded `data`.
fn secret_data(obj: &Value, key: &str) -> Result<Option<Vec<u8>>, String> {
    if let Some(s) = string_entry(obj, "stringData", key)? {
        return Ok(Some(s.into_bytes()));
    }
    match string_entry(obj, "data", key)? {
        None => Ok(None),
        Some(b64) => base64_decode(&b64)
            .map(Some)
            .map_err(|e| format!("data.{key}: {e}")),
    }
}

/// A Secret's `data` value decoded as the API server decodes it (Go's `encoding/json` into
/// `[]byte`, that is `base64.StdEncoding`): padding required, trailing bits allowed, `\r` and
/// `\n` skipped and no other whitespace. A value it rejects could not be in a cluster, so the
/// message is krust's own.
fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    krust_yaml::decode_base64(s)
        .ok_or_else(|| "not valid base64 as the API server reads Secret data".to_string())
}

/// Bytes as Go's rune reader sees them: each invalid byte becomes U+FFFD.
fn go_string(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len());
    let mut rest = data;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("aGk").is_err());
        assert!(base64_decode("a=Gk").is_err());
        // Go's StdEncoding skips only CR and LF.
        assert_eq!(base64_decode("aGVs\r\nbG8=").unwrap(), b"hello");
        assert!(base64_decode("aGVs bG8=").is_err());
        assert!(base64_decode("aGVsbG8").is_err());
    }

    #[test]
    fn assignment_modes() {
        assert_eq!(
            assignment("x", "'\"q\"'", false),
            ("x=q".to_string(), SetMode::String)
        );
        assert_eq!(
            assignment("x", "a,b", true),
            ("x=a\\,b".to_string(), SetMode::String)
        );
        assert_eq!(
            assignment("x", "3", false),
            ("x=3".to_string(), SetMode::Typed)
        );
        assert_eq!(
            assignment("x", "'", false),
            ("x=".to_string(), SetMode::String)
        );
    }

    #[test]
    fn invalid_utf8_becomes_replacement_per_byte() {
        assert_eq!(go_string(b"a\xffb\xe2\x82"), "a\u{FFFD}b\u{FFFD}\u{FFFD}");
    }
}
