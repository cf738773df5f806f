//! JSON 6902 patches with the semantics of evanphx/json-patch v4 (what kustomize uses).
//!
//! Differences from RFC 6902 that v4 has and kustomize therefore shows:
//! - negative array indices count from the end (`/containers/-1` is the last element);
//! - `replace` of a missing object key adds it; `add` without `value` adds `null`;
//! - a path's first segment is ignored when it does not start with `/` (`a/b` is `/b`);
//! - a `null` on the way to the target counts as missing;
//! - `test` of a missing key passes when the expected value is `null` or absent.
//!
//! Error texts are v4's; [`PatchError::Json6902Op`] adds the operation's index, op and path.
//! kubectl v5.5 embeds v4.12, which panics when a path goes through a `null` that an earlier
//! operation of the same patch set; here that path is reported as missing (v4.13's
//! behaviour).

use krust_yaml::{Data, Style, Typing, Value};

use crate::PatchError;

/// The operation of a JSON 6902 step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// `add`.
    Add,
    /// `remove`.
    Remove,
    /// `replace`.
    Replace,
    /// `move` (from `from` to `path`).
    Move,
    /// `copy` (from `from` to `path`).
    Copy,
    /// `test`: the value at `path` must equal `value`.
    Test,
    /// Any other `op` (v4 fails with `Unexpected kind` when it is applied). `unknown` when
    /// `op` is missing or not a string.
    Unknown(String),
}

impl OpKind {
    fn name(&self) -> &str {
        match self {
            OpKind::Add => "add",
            OpKind::Remove => "remove",
            OpKind::Replace => "replace",
            OpKind::Move => "move",
            OpKind::Copy => "copy",
            OpKind::Test => "test",
            OpKind::Unknown(s) => s,
        }
    }
}

/// A path-like field of an operation (`path`, `from`).
#[derive(Clone, Debug, PartialEq)]
pub enum PointerField {
    /// Not in the operation.
    Missing,
    /// Present but not a string (v4 cannot decode it); the JSON type found.
    NotString(&'static str),
    /// A JSON pointer, as written.
    Pointer(String),
}

/// One JSON 6902 operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// What the operation does.
    pub op: OpKind,
    /// Its `path`.
    pub path: PointerField,
    /// Its `from` (for `move` and `copy`).
    pub from: PointerField,
    /// `None` when the operation has no `value`; `Some(null)` for `value: null`.
    pub value: Option<Value>,
}

impl Operation {
    /// An operation with a path and an optional value.
    pub fn new(op: OpKind, path: &str, value: Option<Value>) -> Self {
        Operation {
            op,
            path: PointerField::Pointer(path.to_string()),
            from: PointerField::Missing,
            value,
        }
    }

    /// `move` or `copy` from `from` to `path`.
    pub fn with_from(op: OpKind, from: &str, path: &str) -> Self {
        Operation {
            op,
            path: PointerField::Pointer(path.to_string()),
            from: PointerField::Pointer(from.to_string()),
            value: None,
        }
    }

    fn path_text(&self) -> &str {
        match &self.path {
            PointerField::Pointer(p) => p,
            _ => "unknown",
        }
    }
}

fn pointer_field(v: Option<&Value>) -> PointerField {
    match v {
        None => PointerField::Missing,
        Some(v) if v.is_null() => PointerField::Missing,
        Some(v) => match v.as_str() {
            Some(s) => PointerField::Pointer(s.to_string()),
            None => PointerField::NotString(v.json_type_name()),
        },
    }
}

/// Reads a JSON 6902 patch written as JSON or YAML (kustomize converts YAML with
/// sigs.k8s.io/yaml, i.e. YAML 1.1 typing). `file` names the patch in errors.
///
/// ```
/// use krust_patch::{apply_json6902, parse_json6902};
/// use krust_yaml::{parse_document, Typing};
///
/// let ops = parse_json6902(
///     "- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /metadata/labels/tier\n  value: web\n",
///     "patch.yaml",
/// ).unwrap();
/// let target = parse_document("metadata:\n  labels: {}\nspec:\n  replicas: 1\n", "d.yaml", Typing::Kyaml).unwrap();
/// let out = apply_json6902(&target, &ops).unwrap();
/// assert_eq!(out.pointer("/spec/replicas").and_then(|v| v.as_i64()), Some(3));
/// assert_eq!(out.str_at(&["metadata", "labels", "tier"]), Some("web"));
/// ```
pub fn parse_json6902(src: &str, file: &str) -> Result<Vec<Operation>, PatchError> {
    if let Some(message) = incompatible_yaml_directive(src) {
        return Err(PatchError::Json6902Syntax {
            file: file.to_string(),
            message,
        });
    }
    let doc = krust_yaml::parse_document(src, file, Typing::Yaml11).map_err(|source| {
        PatchError::Json6902Read {
            file: file.to_string(),
            source,
        }
    })?;
    let Some(items) = doc.as_seq() else {
        return Err(PatchError::Json6902Syntax {
            file: file.to_string(),
            message: format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                doc.json_type_name()
            ),
        });
    };
    let mut ops = Vec::with_capacity(items.len());
    for item in items.iter() {
        let Some(m) = item.as_map() else {
            return Err(PatchError::Json6902Syntax {
                file: file.to_string(),
                message: format!(
                    "line {}: json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    item.mark,
                    item.json_type_name()
                ),
            });
        };
        let op = match m.get("op").and_then(Value::as_str) {
            Some("add") => OpKind::Add,
            Some("remove") => OpKind::Remove,
            Some("replace") => OpKind::Replace,
            Some("move") => OpKind::Move,
            Some("copy") => OpKind::Copy,
            Some("test") => OpKind::Test,
            Some(other) => OpKind::Unknown(other.to_string()),
            None => OpKind::Unknown("unknown".to_string()),
        };
        ops.push(Operation {
            op,
            path: pointer_field(m.get("path")),
            from: pointer_field(m.get("from")),
            value: m.get("value").cloned().map(|mut v| {
                without_style(&mut v);
                v
            }),
        });
    }
    Ok(ops)
}

/// kustomize reads a YAML list of operations with go-yaml v2 (`yaml.YAMLToJSON`), which
/// accepts only a `%YAML 1.1` directive: any other version in the directives before the
/// first document is an error (v2's "found incompatible YAML document"), where krust's
/// reader would accept `%YAML 1.2`.
fn incompatible_yaml_directive(src: &str) -> Option<String> {
    if src.trim_start().starts_with('[') {
        return None;
    }
    for (n, line) in src.lines().enumerate() {
        let t = line.trim_end();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some(version) = t.strip_prefix("%YAML") else {
            if t.starts_with('%') {
                continue;
            }
            return None;
        };
        let version = version.split('#').next().unwrap_or("").trim();
        if version != "1.1" {
            return Some(format!(
                "yaml: line {}: found incompatible YAML document",
                n + 1
            ));
        }
    }
    None
}

/// An operation's value reaches the resource as JSON: it keeps no node style (a folded
/// scalar in the patch is not re-folded by go-yaml v3 when the resource is printed).
fn without_style(v: &mut Value) {
    v.style = Style::Any;
    if let Some(m) = v.as_map_mut() {
        for (_, e) in m.iter_mut() {
            without_style(e);
        }
    } else if let Some(s) = v.as_seq_mut() {
        for e in s.iter_mut() {
            without_style(e);
        }
    }
}

/// Go's `strconv.Atoi` error text.
fn atoi(key: &str) -> Result<i64, String> {
    key.parse::<i64>().map_err(|_| {
        let all_digits = {
            let t = key.strip_prefix(['+', '-']).unwrap_or(key);
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
        };
        let why = if all_digits {
            "value out of range"
        } else {
            "invalid syntax"
        };
        format!("strconv.Atoi: parsing {key:?}: {why}")
    })
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: invalid index referenced")
}

fn decode_key(k: &str) -> String {
    if k.contains('~') {
        k.replace("~1", "/").replace("~0", "~")
    } else {
        k.to_string()
    }
}

/// v4 `findObject`: the container holding the path's last segment, and that segment.
fn find_object<'v>(doc: &'v mut Value, path: &str) -> Option<(&'v mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let last = split.len() - 1;
    let mut cur = doc;
    for part in &split[1..last] {
        let key = decode_key(part);
        let next = match &mut cur.data {
            Data::Map(_) => cur.get_mut(&key),
            Data::Seq(_) => {
                let len = cur.as_seq().map_or(0, Vec::len) as i64;
                let mut idx = atoi(&key).ok()?;
                if idx < 0 {
                    if idx < -len {
                        return None;
                    }
                    idx += len;
                }
                let i = usize::try_from(idx).ok()?;
                cur.as_seq_mut().and_then(|s| s.get_mut(i))
            }
            _ => None,
        }?;
        if next.is_null() || next.is_scalar() {
            return None;
        }
        cur = next;
    }
    if !(cur.is_map() || cur.is_seq()) {
        return None;
    }
    Some((cur, decode_key(split[last])))
}

/// Resolves an array index for get/set/remove (`len` elements).
fn index_in(key: &str, len: usize, neg_limit: i64) -> Result<usize, String> {
    let mut idx = atoi(key)?;
    if idx < 0 {
        if idx < -neg_limit {
            return Err(invalid_index(idx));
        }
        idx += neg_limit;
    }
    match usize::try_from(idx) {
        Ok(i) if i < len => Ok(i),
        _ => Err(invalid_index(idx)),
    }
}

/// v4 `container.get`: `Ok(None)` for a missing key or a null.
fn con_get(con: &Value, key: &str) -> Result<Option<Value>, String> {
    match &con.data {
        Data::Map(m) => Ok(m.get(key).filter(|v| !v.is_null()).cloned()),
        Data::Seq(s) => {
            let i = index_in(key, s.len(), s.len() as i64)?;
            Ok(s.get(i).filter(|v| !v.is_null()).cloned())
        }
        _ => Ok(None),
    }
}

fn con_add(con: &mut Value, key: &str, val: Value) -> Result<(), String> {
    if let Some(m) = con.as_map_mut() {
        m.insert(key.into(), val);
        return Ok(());
    }
    let Some(s) = con.as_seq_mut() else {
        return Ok(());
    };
    if key == "-" {
        s.push(val);
        return Ok(());
    }
    let mut idx =
        atoi(key).map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
    let size = s.len() as i64 + 1;
    if idx >= size {
        return Err(invalid_index(idx));
    }
    if idx < 0 {
        if idx < -size {
            return Err(invalid_index(idx));
        }
        idx += size;
    }
    let i = usize::try_from(idx).map_err(|_| invalid_index(idx))?;
    s.insert(i.min(s.len()), val);
    Ok(())
}

fn con_remove(con: &mut Value, key: &str) -> Result<(), String> {
    if let Some(m) = con.as_map_mut() {
        return match m.shift_remove(key) {
            Some(_) => Ok(()),
            None => Err(format!(
                "Unable to remove nonexistent key: {key}: missing value"
            )),
        };
    }
    let Some(s) = con.as_seq_mut() else {
        return Ok(());
    };
    let mut idx = atoi(key)?;
    let len = s.len() as i64;
    if idx >= len {
        return Err(invalid_index(idx));
    }
    if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx += len;
    }
    let i = usize::try_from(idx).map_err(|_| invalid_index(idx))?;
    s.remove(i);
    Ok(())
}

fn con_set(con: &mut Value, key: &str, val: Value) -> Result<(), String> {
    if let Some(m) = con.as_map_mut() {
        m.insert(key.into(), val);
        return Ok(());
    }
    let Some(s) = con.as_seq_mut() else {
        return Ok(());
    };
    let i = index_in(key, s.len(), s.len() as i64)?;
    if let Some(slot) = s.get_mut(i) {
        *slot = val;
    }
    Ok(())
}

fn null() -> Value {
    Value::with_mark(Data::Null, krust_yaml::Mark::NONE, Style::Any)
}

/// JSON equality as v4's `test` sees it.
fn json_equal(a: &Value, b: &Value) -> bool {
    a == b
}

fn path_of(op: &Operation, name: &str) -> Result<String, String> {
    match &op.path {
        PointerField::Pointer(p) => Ok(p.clone()),
        PointerField::Missing => Err(format!("{name} operation failed to decode path: missing value")),
        PointerField::NotString(t) => Err(format!(
            "{name} operation failed to decode path: json: cannot unmarshal {t} into Go value of type string"
        )),
    }
}

fn from_of(op: &Operation, name: &str) -> Result<String, String> {
    match &op.from {
        PointerField::Pointer(p) => Ok(p.clone()),
        PointerField::Missing => Err(format!("{name} operation failed to decode from: operation, missing from field: missing value")),
        PointerField::NotString(t) => Err(format!(
            "{name} operation failed to decode from: json: cannot unmarshal {t} into Go value of type string"
        )),
    }
}

fn apply_one(doc: &mut Value, op: &Operation) -> Result<(), String> {
    let value = || op.value.clone().unwrap_or_else(null);
    match &op.op {
        OpKind::Add => {
            let path = path_of(op, "add")
                .map_err(|_| "add operation failed to decode path: missing value".to_string())?;
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                format!(
                    "add operation does not apply: doc is missing path: \"{path}\": missing value"
                )
            })?;
            con_add(con, &key, value()).map_err(|e| format!("error in add for path: '{path}': {e}"))
        }
        OpKind::Remove => {
            let path = path_of(op, "remove")
                .map_err(|_| "remove operation failed to decode path: missing value".to_string())?;
            let (con, key) = find_object(doc, &path)
                .ok_or_else(|| format!("remove operation does not apply: doc is missing path: \"{path}\": missing value"))?;
            con_remove(con, &key).map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        OpKind::Replace => {
            let path = path_of(op, "replace")?;
            if path.is_empty() {
                let v = value();
                if !(v.is_map() || v.is_seq()) {
                    return Err(
                        "replace operation value must be object or array: %!w(<nil>)".to_string(),
                    );
                }
                *doc = v;
                return Ok(());
            }
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                format!(
                    "replace operation does not apply: doc is missing path: {path}: missing value"
                )
            })?;
            con_get(con, &key).map_err(|_| {
                format!(
                    "replace operation does not apply: doc is missing key: {path}: missing value"
                )
            })?;
            con_set(con, &key, value())
                .map_err(|e| format!("error in remove for path: '{path}': {e}"))
        }
        OpKind::Move => {
            let from = from_of(op, "move")?;
            let (con, key) = find_object(doc, &from)
                .ok_or_else(|| format!("move operation does not apply: doc is missing from path: {from}: missing value"))?;
            let val =
                con_get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            con_remove(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
            let path = path_of(op, "move")?;
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                format!("move operation does not apply: doc is missing destination path: {path}: missing value")
            })?;
            con_add(con, &key, val.unwrap_or_else(null))
                .map_err(|e| format!("error in move for path: '{path}': {e}"))
        }
        OpKind::Copy => {
            let from = from_of(op, "copy")?;
            let (con, key) = find_object(doc, &from)
                .ok_or_else(|| format!("copy operation does not apply: doc is missing from path: {from}: missing value"))?;
            let val =
                con_get(con, &key).map_err(|e| format!("error in copy for from: '{from}': {e}"))?;
            let path = path_of(op, "copy")
                .map_err(|_| "copy operation failed to decode path: missing value".to_string())?;
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                format!("copy operation does not apply: doc is missing destination path: {path}: missing value")
            })?;
            con_add(con, &key, val.unwrap_or_else(null))
                .map_err(|e| format!("error while adding value during copy: {e}"))
        }
        OpKind::Test => {
            let path = path_of(op, "test")?;
            let failed = || format!("testing value {path} failed: test failed");
            if path.is_empty() {
                return match &op.value {
                    Some(v) if json_equal(doc, v) => Ok(()),
                    _ => Err(failed()),
                };
            }
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                format!("test operation does not apply: is missing path: {path}: missing value")
            })?;
            let val =
                con_get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
            match (val, &op.value) {
                (None, None) => Ok(()),
                (None, Some(v)) if v.is_null() => Ok(()),
                (None, Some(_)) | (Some(_), None) => Err(failed()),
                (Some(a), Some(b)) if json_equal(&a, b) => Ok(()),
                (Some(_), Some(_)) => Err(failed()),
            }
        }
        OpKind::Unknown(k) => Err(format!("Unexpected kind: {k}")),
    }
}

/// The first `.inf`/`.nan` in `v`, which Go's `encoding/json` refuses (`+Inf`, `-Inf`,
/// `NaN`), with where it was read.
fn non_finite(v: &Value) -> Option<(&'static str, krust_yaml::Mark)> {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match &v.data {
            Data::Float(f) if f.is_nan() => return Some(("NaN", v.mark)),
            Data::Float(f) if f.is_infinite() => {
                return Some((if *f > 0.0 { "+Inf" } else { "-Inf" }, v.mark))
            }
            Data::Seq(items) => stack.extend(items.iter().rev()),
            Data::Map(m) => stack.extend(m.values().rev()),
            _ => {}
        }
    }
    None
}

/// Whether a string of `v` starts with a tab (what go-yaml v3 may write as a block scalar
/// it cannot read back).
fn has_tab_leading_string(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match &v.data {
            Data::String(s) if s.starts_with('\t') => return true,
            Data::Seq(items) => stack.extend(items.iter()),
            Data::Map(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    false
}

/// After kustomize's JSON round trip of a patched resource every node is tagged (kyaml reads
/// the JSON back as YAML), also those a replacement had created untagged. krust marks an
/// untagged scalar by `Style::Any` with no mark (typed by its text, a string to `vars`):
/// this gives such non-string scalars `Style::Plain`, so that a base's created label `1`
/// stays the integer through an overlay's JSON 6902 patch and the top's `vars` (kubectl
/// v1.32 and 1.35). Call it after `krust_yaml::json_round_trip`, which clears styles.
/// Strings are left as they are (the printer reads a plain string's style).
pub fn tag_after_json(v: &mut Value) {
    match &v.data {
        Data::Seq(_) => {
            if let Some(items) = v.as_seq_mut() {
                for e in items.iter_mut() {
                    tag_after_json(e);
                }
            }
        }
        Data::Map(_) => {
            if let Some(m) = v.as_map_mut() {
                for (_, e) in m.iter_mut() {
                    tag_after_json(e);
                }
            }
        }
        Data::String(_) => {}
        _ => {
            if v.style == krust_yaml::Style::Any && v.mark.is_none() {
                v.style = krust_yaml::Style::Plain;
            }
        }
    }
}

/// Applies JSON 6902 operations in order (evanphx/json-patch v4 `Patch.Apply`). The target
/// is not changed; the first failing operation stops the patch.
///
/// kustomize hands the patch library the target's JSON (kyaml `RNode.MarshalJSON`), so a
/// target holding `.inf` or `.nan` anywhere fails before any operation runs, with Go's
/// `json: unsupported value: +Inf` ([`PatchError::Json6902Target`]; checked with kubectl
/// v1.32 and 1.35).
pub fn apply_json6902(target: &Value, ops: &[Operation]) -> Result<Value, PatchError> {
    apply_json6902_with_build_annotations(target, ops, &[])
}

/// [`apply_json6902`] on a resource that carries kustomize's build annotations.
///
/// kustomize keeps its bookkeeping in the resource's `metadata.annotations` during a build
/// (`internal.config.kubernetes.io/previousNames`, `previousNamespaces`, `previousKinds`,
/// `prefixes`, `suffixes`, ...; the `patches:` transformer calls `StorePreviousId` just
/// before the operations run), and the operations see them: `add
/// /metadata/annotations/x` works on a resource written without annotations, and a `copy`
/// of `/metadata/annotations` carries them along (checked with kubectl v1.32 and 1.35).
/// `build` are those annotations, in kustomize's order; they are put into
/// `metadata.annotations` (created when absent or null) for the operations and taken out
/// of it afterwards (kustomize restores its internal annotations after the patch and
/// strips them at the end of the build), so the result holds only the user's data plus
/// any copies the operations made. An `annotations: {}` left behind is what kustomize has
/// too, and is dropped when the build prints.
pub fn apply_json6902_with_build_annotations(
    target: &Value,
    ops: &[Operation],
    build: &[(String, String)],
) -> Result<Value, PatchError> {
    if let Some((value, mark)) = non_finite(target) {
        return Err(PatchError::Json6902Target {
            value: value.to_string(),
            mark,
        });
    }
    if has_tab_leading_string(target) {
        // Rare: only then print the target as kustomize does before the patch (kyaml's
        // `MarshalJSON` goes through go-yaml v3's text), to see whether it reads back.
        if let Err(krust_yaml::Error::Print { mark, message }) = krust_yaml::to_yaml(target) {
            return Err(PatchError::Json6902TargetText { message, mark });
        }
    }
    let mut doc = target.clone();
    let inserted = !build.is_empty()
        && doc
            .entry_map("metadata")
            .and_then(|m| m.entry_map("annotations"))
            .map(|a| {
                for (k, v) in build {
                    a.insert(k.as_str(), Value::string(v.as_str()));
                }
            })
            .is_some();
    let mut doc = apply_ops(doc, ops)?;
    if inserted {
        if let Some(a) = doc
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .filter(|a| a.is_map())
        {
            for (k, _) in build {
                a.remove(k);
            }
        }
    }
    Ok(doc)
}

fn apply_ops(mut doc: Value, ops: &[Operation]) -> Result<Value, PatchError> {
    for (index, op) in ops.iter().enumerate() {
        apply_one(&mut doc, op).map_err(|message| PatchError::Json6902Op {
            index,
            op: op.op.name().to_string(),
            path: op.path_text().to_string(),
            message,
        })?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(src: &str) -> Value {
        krust_yaml::parse_document(src, "t.yaml", Typing::Kyaml).unwrap_or_default()
    }

    fn apply(target: &str, patch: &str) -> Result<Value, PatchError> {
        apply_json6902(&doc(target), &parse_json6902(patch, "p.yaml")?)
    }

    /// kubectl v1.32 and 1.35: `json: unsupported value: +Inf` (the target's JSON).
    #[test]
    fn non_finite_target_fails_before_the_operations() {
        let e = apply(
            "metadata: {name: a, annotations: {g: +.inf}}\n",
            "- {op: add, path: /data, value: {}}\n",
        )
        .expect_err("must fail");
        assert_eq!(e.to_string(), "json: unsupported value: +Inf");
        let e = apply("l: [1, -.inf]\n", "[]").expect_err("must fail");
        assert_eq!(e.to_string(), "json: unsupported value: -Inf");
        let e = apply("x: .nan\n", "[]").expect_err("must fail");
        assert_eq!(e.to_string(), "json: unsupported value: NaN");
    }

    /// kubectl v1.32 and 1.35: a target whose `|2` value starts with a tab fails before
    /// the operations (`yaml: line 10: found a tab character where an indentation space is
    /// expected`), a tab-leading quoted value does not.
    #[test]
    fn tab_leading_block_scalar_target_fails_before_the_operations() {
        let e = apply(
            "data:\n  k: |2\n    \tx\n",
            "- {op: add, path: /data/j, value: 1}\n",
        )
        .expect_err("must fail");
        assert!(e
            .to_string()
            .contains("found a tab character where an indentation space is expected"));
        assert!(apply(
            "data:\n  k: \"\\tx\"\n",
            "- {op: add, path: /data/j, value: 1}\n"
        )
        .is_ok());
    }

    #[test]
    fn tag_after_json_marks_untagged_non_strings() {
        let mut v = doc("a: {b: x}\n");
        if let Some(a) = v.get_mut("a") {
            a.insert("n", Value::from(1_i64));
            a.insert("s", Value::from("1"));
        }
        tag_after_json(&mut v);
        let a = v.get("a").expect("a");
        assert_eq!(a.get("n").map(|n| n.style), Some(krust_yaml::Style::Plain));
        assert_eq!(a.get("s").map(|n| n.style), Some(krust_yaml::Style::Any));
    }

    fn previous_id() -> Vec<(String, String)> {
        [
            ("previousKinds", "ConfigMap"),
            ("previousNames", "a"),
            ("previousNamespaces", "default"),
        ]
        .iter()
        .map(|(k, v)| (format!("internal.config.kubernetes.io/{k}"), v.to_string()))
        .collect()
    }

    /// kubectl v1.32 and 1.35, a `patches:` entry on a ConfigMap without annotations: the
    /// add works (previousNames etc. are there), a copy of the annotations carries them.
    #[test]
    fn build_annotations_are_seen_by_the_operations() {
        for src in [
            "metadata: {name: a}\n",
            "metadata:\n  name: a\n  annotations:\n",
        ] {
            let ops = parse_json6902(
                "- {op: add, path: /metadata/annotations/n, value: x}\n",
                "p.yaml",
            )
            .expect("ops");
            let out = apply_json6902_with_build_annotations(&doc(src), &ops, &previous_id())
                .expect("apply");
            assert_eq!(
                out,
                doc("metadata: {name: a, annotations: {n: x}}\n"),
                "{src}"
            );
            assert!(apply_json6902(&doc(src), &ops).is_err(), "{src}");
        }
        let ops = parse_json6902(
            "- {op: copy, from: /metadata/annotations, path: /data}\n",
            "p.yaml",
        )
        .expect("ops");
        let out = apply_json6902_with_build_annotations(
            &doc("metadata: {name: a}\n"),
            &ops,
            &previous_id(),
        )
        .expect("apply");
        assert_eq!(
            out,
            doc("metadata: {name: a, annotations: {}}\ndata:\n  \
                 internal.config.kubernetes.io/previousKinds: ConfigMap\n  \
                 internal.config.kubernetes.io/previousNames: a\n  \
                 internal.config.kubernetes.io/previousNamespaces: default\n")
        );
    }

    #[test]
    fn negative_index_and_dash() {
        let out = apply(
            "l: [a, b, c]\n",
            "- {op: remove, path: /l/-1}\n- {op: add, path: /l/-, value: z}\n",
        )
        .expect("apply");
        assert_eq!(out, doc("l: [a, b, z]\n"));
        // v4 counts a negative add index against the grown list: -1 appends, -2 inserts
        // before the last element.
        let out = apply(
            "l: [a, b]\n",
            "[{\"op\": \"add\", \"path\": \"/l/-1\", \"value\": \"x\"}]",
        )
        .expect("apply");
        assert_eq!(out, doc("l: [a, b, x]\n"));
        let out = apply("l: [a, b]\n", "- {op: add, path: /l/-2, value: x}\n").expect("apply");
        assert_eq!(out, doc("l: [a, x, b]\n"));
    }

    #[test]
    fn replace_of_missing_key_adds_it() {
        let out = apply("a: 1\n", "- {op: replace, path: /b, value: 2}\n").expect("apply");
        assert_eq!(out.get("b").and_then(Value::as_i64), Some(2));
    }

    #[test]
    fn errors_name_index_op_and_path() {
        let e = apply(
            "a: {}\n",
            "- {op: test, path: /a, value: {}}\n- {op: remove, path: /a/x}\n",
        )
        .expect_err("must fail");
        assert_eq!(
            e.to_string(),
            "operation 1 (remove /a/x): error in remove for path: '/a/x': Unable to remove nonexistent key: x: missing value"
        );
        let e = apply("a: {}\n", "- {op: add, path: /b/c, value: 1}\n").expect_err("must fail");
        assert!(
            e.to_string()
                .contains("add operation does not apply: doc is missing path: \"/b/c\""),
            "{e}"
        );
        let e =
            apply("l: [1]\n", "- {op: replace, path: /l/3, value: 1}\n").expect_err("must fail");
        assert!(e.to_string().contains("doc is missing key: /l/3"), "{e}");
        let e = apply("a: 1\n", "- {op: frobnicate, path: /a}\n").expect_err("must fail");
        assert!(
            e.to_string().ends_with("Unexpected kind: frobnicate"),
            "{e}"
        );
    }

    #[test]
    fn move_copy_test() {
        let out = apply(
            "a: {x: 1}\nb: {}\n",
            "- {op: copy, from: /a/x, path: /b/y}\n- {op: move, from: /a, path: /c}\n- {op: test, path: /c/x, value: 1}\n",
        )
        .expect("apply");
        assert_eq!(out, doc("b: {y: 1}\nc: {x: 1}\n"));
        assert!(apply("a: 1\n", "- {op: test, path: /a, value: 2}\n").is_err());
        // A missing key tests equal to null.
        assert!(apply("a: 1\n", "- {op: test, path: /b, value: null}\n").is_ok());
    }

    #[test]
    fn yaml11_typing_of_yaml_patches() {
        let out = apply("a: 1\n", "- op: add\n  path: /b\n  value: yes\n").expect("apply");
        assert_eq!(out.get("b").and_then(Value::as_bool), Some(true));
        // Checked with kubectl kustomize v5.5: `value: y` in an inline patch adds `true`.
        let out = apply("l: [a]\n", "- {op: add, path: /l/-1, value: y}\n").expect("apply");
        assert_eq!(out.pointer("/l/1").and_then(Value::as_bool), Some(true));
    }
}
