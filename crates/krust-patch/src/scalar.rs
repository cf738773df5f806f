//! Scalars seen as go-yaml sees them: kyaml matches merge keys and primitive list items by
//! the node's text (`yaml.Node.Value`), not by typed value, so `80` matches `"80"`.

use std::borrow::Cow;

use krust_yaml::{Data, Style, Value};

/// The text of a node (`yaml.Node.Value`): a scalar's text, `""` for collections.
///
/// The reader keeps types, not source text, so this is the canonical text of the type:
/// an integer in decimal, `true`/`false`, `null` (or `""` for an empty value).
pub(crate) fn node_text(v: &Value) -> Cow<'_, str> {
    match &v.data {
        Data::Null if v.style == Style::Empty => Cow::Borrowed(""),
        Data::Null => Cow::Borrowed("null"),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Uint(u) => Cow::Owned(u.to_string()),
        Data::Float(f) => Cow::Owned(float_text(*f)),
        Data::String(s) => Cow::Borrowed(s),
        Data::Seq(_) | Data::Map(_) => Cow::Borrowed(""),
    }
}

/// The text kyaml reads for a key field (`ElementValuesList`): `""` when the field is
/// missing, null, or an empty collection.
pub(crate) fn key_text(v: Option<&Value>) -> Cow<'_, str> {
    match v {
        None => Cow::Borrowed(""),
        Some(v) if v.is_null() => Cow::Borrowed(""),
        Some(v) => node_text(v),
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        format!("{f}")
    }
}

/// A new untagged plain scalar with `text`, typed the way it will be read back.
pub(crate) fn plain_scalar(text: &str) -> Value {
    let data = match text {
        "" | "~" | "null" | "Null" | "NULL" => Data::Null,
        "true" | "True" | "TRUE" => Data::Bool(true),
        "false" | "False" | "FALSE" => Data::Bool(false),
        _ => {
            if let Ok(i) = text.parse::<i64>() {
                Data::Int(i)
            } else if looks_like_float(text) {
                text.parse::<f64>()
                    .map_or_else(|_| Data::String(text.into()), Data::Float)
            } else {
                Data::String(text.into())
            }
        }
    };
    Value::new(data)
}

fn looks_like_float(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    !t.is_empty()
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
}
