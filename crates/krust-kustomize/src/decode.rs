//! Strict decoding of kustomization-file values the way kustomize's `json.Decoder` with
//! `DisallowUnknownFields` does it: field names match case-insensitively (exact match
//! first), unknown fields are errors, `null` leaves a field at its zero value.

use krust_yaml::{Data, Value};

/// The fields of one mapping, matched against a struct's known field names.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    found: Vec<(&'static str, &'a Value)>,
    /// Go struct name used in type errors (`Kustomization`, `Patch`...).
    pub(crate) ty: &'static str,
}

/// Matches the keys of `v` (a mapping, or null for "absent") against `known`.
pub(crate) fn fields<'a>(
    v: &'a Value,
    ty: &'static str,
    known: &[&'static str],
) -> Result<Fields<'a>, String> {
    let mut found = Vec::new();
    match &v.data {
        Data::Null => {}
        Data::Map(m) => {
            for (k, val) in m.iter() {
                let name = known
                    .iter()
                    .find(|n| **n == &**k)
                    .or_else(|| known.iter().find(|n| n.eq_ignore_ascii_case(k)));
                match name {
                    Some(n) => {
                        found.retain(|(f, _)| f != n);
                        found.push((*n, val));
                    }
                    None => return Err(format!("json: unknown field \"{k}\"")),
                }
            }
        }
        _ => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type types.{ty}",
                v.json_type_name()
            ))
        }
    }
    Ok(Fields { found, ty })
}

impl<'a> Fields<'a> {
    /// The raw value of a field (not null).
    pub(crate) fn raw(&self, name: &str) -> Option<&'a Value> {
        self.found
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_null())
    }

    fn type_err(&self, name: &str, v: &Value, go_ty: &str) -> String {
        format!(
            "json: cannot unmarshal {} into Go struct field {}.{name} of type {go_ty}",
            v.json_type_name(),
            self.ty
        )
    }

    pub(crate) fn string(&self, name: &str) -> Result<String, String> {
        match self.raw(name) {
            None => Ok(String::new()),
            Some(v) => match v.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(self.type_err(name, v, "string")),
            },
        }
    }

    pub(crate) fn bool(&self, name: &str) -> Result<bool, String> {
        match self.raw(name) {
            None => Ok(false),
            Some(v) => v.as_bool().ok_or_else(|| self.type_err(name, v, "bool")),
        }
    }

    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.raw(name) {
            None => Ok(None),
            Some(v) => match &v.data {
                Data::Int(i) => Ok(Some(*i)),
                Data::Float(f) if f.fract() == 0.0 => Ok(Some(*f as i64)),
                _ => Err(self.type_err(name, v, "int64")),
            },
        }
    }

    pub(crate) fn strings(&self, name: &str) -> Result<Vec<String>, String> {
        match self.raw(name) {
            None => Ok(Vec::new()),
            Some(v) => match v.as_seq() {
                Some(seq) => seq
                    .iter()
                    .map(|e| match &e.data {
                        Data::String(s) => Ok(s.to_string()),
                        Data::Null => Ok(String::new()),
                        _ => Err(self.type_err(name, e, "string")),
                    })
                    .collect(),
                None => Err(self.type_err(name, v, "[]string")),
            },
        }
    }

    /// A `map[string]string` in key order.
    pub(crate) fn string_map(&self, name: &str) -> Result<Option<Vec<(String, String)>>, String> {
        match self.raw(name) {
            None => Ok(None),
            Some(v) => match v.as_map() {
                Some(m) => m
                    .iter()
                    .map(|(k, e)| match &e.data {
                        Data::String(s) => Ok((k.to_string(), s.to_string())),
                        Data::Null => Ok((k.to_string(), String::new())),
                        _ => Err(self.type_err(name, e, "string")),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                None => Err(self.type_err(name, v, "map[string]string")),
            },
        }
    }

    /// Decodes the struct at field `name` with `f` (absent or null: `None`).
    pub(crate) fn nested<T>(
        &self,
        name: &str,
        f: impl FnOnce(&'a Value) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.raw(name)
            .map(|v| f(v).map_err(|m| nest(m, name)))
            .transpose()
    }

    /// A sequence of structs, each decoded by `f`.
    pub(crate) fn list<T>(
        &self,
        name: &str,
        mut f: impl FnMut(&'a Value) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        match self.raw(name) {
            None => Ok(Vec::new()),
            Some(v) => match v.as_seq() {
                Some(seq) => seq
                    .iter()
                    .map(|e| f(e).map_err(|m| nest(m, name)))
                    .collect(),
                None => Err(self.type_err(name, v, "[]")),
            },
        }
    }
}

/// Go's decoder names a nested field by its path from the top (`Label.labels.pairs`):
/// inserts `name.` into a child's "Go struct field" message.
pub(crate) fn nest(msg: String, name: &str) -> String {
    const MARK: &str = "Go struct field ";
    let Some(start) = msg.find(MARK).map(|i| i + MARK.len()) else {
        return msg;
    };
    let Some(dot) = msg[start..].find('.').map(|i| start + i + 1) else {
        return msg;
    };
    format!("{}{name}.{}", &msg[..dot], &msg[dot..])
}
