//! `vars`: `$(NAME)` references replaced by fields of other resources (kustomize's
//! `ResAccumulator.MergeVars`/`ResolveVars` and `filters/refvar`).

use std::collections::HashMap;

use krust_model::{Gvk, ResId, ResMap};
use krust_yaml::{Data, Style, Value};

use super::fieldspec::{walk, CreateKind};
use super::Config;
use crate::decode::fields;
use crate::Error;

/// One `vars` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    /// The var's name, as in `$(NAME)`.
    pub name: String,
    /// The resource it reads.
    pub objref: ResId,
    /// The field it reads (`fieldref.fieldPath`; defaults to `metadata.name`).
    pub field_path: String,
}

impl Var {
    pub(crate) fn decode(v: &Value) -> Result<Var, String> {
        let f = fields(v, "Var", &["name", "objref", "fieldref"])?;
        let (mut gvk, mut name, mut ns) = (Gvk::default(), String::new(), String::new());
        if let Some(o) = f.raw("objref") {
            let of = fields(
                o,
                "Target",
                &[
                    "apiVersion",
                    "group",
                    "version",
                    "kind",
                    "name",
                    "namespace",
                ],
            )?;
            let av = of.string("apiVersion")?;
            gvk = if av.is_empty() {
                Gvk::new(
                    of.string("group")?,
                    of.string("version")?,
                    of.string("kind")?,
                )
            } else {
                Gvk::from_api_version(&av, of.string("kind")?)
            };
            name = of.string("name")?;
            ns = of.string("namespace")?;
        }
        let mut field_path = String::new();
        if let Some(r) = f.raw("fieldref") {
            field_path = fields(r, "FieldSelector", &["fieldPath"])?.string("fieldPath")?;
        }
        if field_path.is_empty() {
            field_path = "metadata.name".into();
        }
        Ok(Var {
            name: f.string("name")?,
            objref: ResId::new(gvk, name, ns),
            field_path,
        })
    }

    /// Go's `%v` of the var, as kustomize prints it in messages (the objref prints as its
    /// Gvk: `Target` embeds `Gvk`, whose `String` method is promoted).
    fn go_string(&self) -> String {
        format!(
            "{{{} {} {{{}}}}}",
            self.name, self.objref.gvk, self.field_path
        )
    }
}

fn invalid_var(message: String) -> Error {
    Error::InvalidVar { message }
}

/// kustomize `MergeVars`: records which resource each var refers to, then adds the vars.
pub(crate) fn merge(
    resources: &mut ResMap,
    vars: &mut Vec<Var>,
    incoming: &[Value],
) -> Result<(), Error> {
    for raw in incoming {
        let v = Var::decode(raw).map_err(invalid_var)?;
        let target = &v.objref;
        let strict = !target.namespace.is_empty() || target.gvk.is_cluster_scoped();
        let matched: Vec<usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.all_ids().any(|id| {
                    if strict {
                        id == target
                    } else {
                        id.gvkn_equals(target)
                    }
                })
            })
            .map(|(i, _)| i)
            .collect();
        if matched.len() > 1 {
            return Err(invalid_var(format!(
                "found {} resId matches for var {} (unable to disambiguate)",
                matched.len(),
                v.go_string()
            )));
        }
        if let Some(&i) = matched.first() {
            if let Some(r) = resources.get_mut(i) {
                r.append_ref_var_name(&v.name);
            }
        }
        if vars.iter().any(|x| x.name == v.name) {
            return Err(Error::DuplicateVar {
                name: v.name.clone(),
            });
        }
        vars.push(v);
    }
    Ok(())
}

/// kyaml `GetFieldValue`: a dotted path with `[index]` or `[key=value]` steps.
fn field_value<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (field, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !field.is_empty() {
            cur = cur.get(field)?;
        }
        let mut rest = rest;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let sel = &r[..end];
            rest = &r[end + 1..];
            cur = match sel.split_once('=') {
                Some((k, val)) => cur.as_seq()?.iter().find(|e| {
                    e.get(k).and_then(crate::util::scalar_string).as_deref() == Some(val)
                })?,
                None => cur.get_index(sel.parse().ok()?)?,
            };
        }
    }
    Some(cur)
}

/// `$(VAR)` expansion (Kubernetes `third_party/forked/golang/expansion`). A string that is
/// exactly one reference takes the variable's value with its type.
fn expand(input: &str, vars: &HashMap<&str, &Value>, used: &mut HashMap<String, usize>) -> Value {
    let b = input.as_bytes();
    let mut buf = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            buf.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let (read, is_var, advance) = match rest.as_bytes()[0] {
                b'$' => ("$".to_string(), false, 1),
                b'(' => match rest.find(')') {
                    Some(i) => (rest[1..i].to_string(), true, i + 1),
                    None => ("$(".to_string(), false, 1),
                },
                _ => {
                    let c = rest
                        .chars()
                        .next()
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    (format!("${c}"), false, c.len())
                }
            };
            if is_var {
                match vars.get(read.as_str()) {
                    Some(val) => {
                        *used.entry(read.clone()).or_default() += 1;
                        if input == format!("$({read})") {
                            return (*val).clone();
                        }
                        buf.push_str(&crate::util::scalar_string(val).unwrap_or_default());
                    }
                    None => {
                        if input == format!("$({read})") {
                            return Value::from(input);
                        }
                        buf.push_str(&format!("$({read})"));
                    }
                }
            } else {
                buf.push_str(&read);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint < input.len() {
        buf.push_str(&input[checkpoint..]);
    }
    Value::from(buf)
}

/// kyaml `IsYNodeString`: a `!!str` node or an untagged one. krust's untagged scalars are
/// the ones kyaml makes in code without a tag (a field a replacement created): typed by
/// their text when printed, but strings here.
fn is_var_string(v: &Value) -> bool {
    v.is_string() || (v.is_scalar() && v.style == Style::Any && v.mark.is_none())
}

/// kustomize's `refvar` filter on one node of a var-reference field: expands `$(VAR)`s in
/// string scalars, in a map's string values (every key must be a string) and in a list's
/// items (which must all be strings). An expanded node becomes a `!!str` node, so an
/// untagged one is a string from here on.
fn set(
    v: &mut Value,
    vars: &HashMap<&str, &Value>,
    used: &mut HashMap<String, usize>,
) -> Result<(), Error> {
    match &v.data {
        Data::Seq(_) => {
            if let Some(seq) = v.as_seq_mut() {
                for e in seq.iter_mut() {
                    if !is_var_string(e) {
                        return Err(invalid_var("invalid value type expect a string".into()));
                    }
                    set_scalar(e, vars, used);
                }
            }
        }
        Data::Map(_) => {
            if let Some(m) = v.as_map_mut() {
                for (k, e) in m.iter_mut() {
                    if k.is_non_string() {
                        return Err(invalid_var(format!(
                            "invalid map key: value='{}', tag='{}'",
                            k.as_str(),
                            key_tag(k.as_str())
                        )));
                    }
                    if is_var_string(e) {
                        set_scalar(e, vars, used);
                    }
                }
            }
        }
        Data::Null => {}
        _ if is_var_string(v) => set_scalar(v, vars, used),
        _ => {}
    }
    Ok(())
}

/// The tag go-yaml v3 gives a plain key with this text (for kyaml's error message).
fn key_tag(text: &str) -> &'static str {
    match krust_yaml::parse_document(text, "", krust_yaml::Typing::Kyaml).map(|v| v.data) {
        Ok(Data::Bool(_)) => "!!bool",
        Ok(Data::Int(_) | Data::Uint(_)) => "!!int",
        Ok(Data::Float(_)) => "!!float",
        Ok(Data::Null) => "!!null",
        _ => "!!str",
    }
}

fn set_scalar(v: &mut Value, vars: &HashMap<&str, &Value>, used: &mut HashMap<String, usize>) {
    let s = match &v.data {
        Data::String(s) => s.to_string(),
        _ => crate::util::scalar_string(v).unwrap_or_default(),
    };
    if s.contains('$') {
        let new = expand(&s, vars, used);
        if new.as_str() != Some(s.as_str()) || !v.is_string() {
            *v = new;
        }
    } else if !v.is_string() {
        *v = Value::from(s);
    }
}

/// kustomize `ResolveVars`.
pub(crate) fn resolve(list: &mut ResMap, vars: &[Var], config: &Config) -> Result<(), Error> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, Value)> = Vec::new();
    for v in vars {
        let holder = list
            .iter()
            .find(|r| r.ref_var_names().iter().any(|n| **n == *v.name));
        let Some(r) = holder else {
            return Err(invalid_var(format!(
                "var '{}' cannot be mapped to a field in the set of known resources",
                v.go_string()
            )));
        };
        let Some(val) = field_value(r.value(), &v.field_path) else {
            return Err(invalid_var(format!(
                "field specified in var '{}' not found in corresponding resource",
                v.go_string()
            )));
        };
        values.push((v.name.clone(), val.clone()));
    }
    let map: HashMap<&str, &Value> = values.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut used = HashMap::new();
    for r in list.iter_mut() {
        let gvk = r.cur_id().gvk.clone();
        let specs: Vec<_> = config
            .var_reference
            .iter()
            .filter(|fs| fs.applies_to(&gvk))
            .collect();
        if specs.is_empty() {
            continue;
        }
        let mut obj = r.value().clone();
        for fs in specs {
            walk(&mut obj, fs, CreateKind::None, &mut |v: &mut Value| {
                set(v, &map, &mut used)
            })?;
        }
        if obj != *r.value() {
            r.set_value(obj);
        }
    }
    Ok(())
}
