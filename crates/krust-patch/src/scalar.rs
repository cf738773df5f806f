//! Scalars seen as go-yaml sees them: kyaml matches merge keys and primitive list items by
//! the node's text (`yaml.Node.Value`), not by typed value, so `80` matches `"80"`.

use std::borrow::Cow;

use krust_yaml::{Data, Value};

/// The text of a node (`yaml.Node.Value`): a scalar's source text (`0x1F` stays `0x1F`,
/// so a merge key `0x1F` does not match `31`, as in kubectl v1.32 and 1.35), else its
/// canonical text; `""` for collections.
pub(crate) fn node_text(v: &Value) -> Cow<'_, str> {
    krust_yaml::scalar_text(v).unwrap_or(Cow::Borrowed(""))
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
