//! Go's `encoding/json` for template values: `json.Marshal`,
//! `json.MarshalIndent(v, "", "  ")`, an `Encoder` with
//! `SetEscapeHTML(false)` (sprig's `toJson`, `toPrettyJson`, `toRawJson`),
//! and `json.Unmarshal` into `interface{}` (numbers become `float64`).

use std::fmt::Write as _;

use krust_template::{MapEntries, Value};

use crate::objects::{SemverObj, TimeObj};

/// Which of Go's JSON encoders to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// `json.Marshal`: compact, `<>&` escaped.
    Compact,
    /// `json.MarshalIndent(v, "", "  ")`.
    Pretty,
    /// An `Encoder` with `SetEscapeHTML(false)`, trailing newline dropped.
    Raw,
}

/// Encodes `v` as Go would; `Err` holds Go's message
/// (`json: unsupported value: NaN`).
pub fn to_json(v: &Value, style: JsonStyle) -> Result<String, String> {
    let mut out = String::new();
    let html = style != JsonStyle::Raw;
    let indent = style == JsonStyle::Pretty;
    encode(&mut out, v, html, indent, 0)?;
    Ok(out)
}

fn newline(out: &mut String, indent: bool, depth: usize) {
    if indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

fn encode(
    out: &mut String,
    v: &Value,
    html: bool,
    indent: bool,
    depth: usize,
) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&go_json_float(*f)?),
        Value::String(s) => quote(out, s, html),
        Value::List(l) => {
            if l.nil {
                out.push_str("null");
                return Ok(());
            }
            if l.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, x) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                encode(out, x, html, indent, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Map(m) => {
            if m.nil {
                out.push_str("null");
                return Ok(());
            }
            let entries = crate::maps::entries(m);
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, x)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                quote(out, k, html);
                out.push(':');
                if indent {
                    out.push(' ');
                }
                encode(out, x, html, indent, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push('}');
        }
        Value::Object(o) => {
            if let Some(t) = o.as_any().downcast_ref::<TimeObj>() {
                quote(
                    out,
                    &t.0.format("2006-01-02T15:04:05.999999999Z07:00"),
                    html,
                );
            } else if let Some(s) = o.as_any().downcast_ref::<SemverObj>() {
                quote(out, &s.0.to_string(), html);
            } else if let Some(u) = o.underlying() {
                encode(out, &u, html, indent, depth)?;
            } else {
                out.push_str("{}");
            }
        }
    }
    Ok(())
}

/// Go's JSON number text for a float64.
pub fn go_json_float(f: f64) -> Result<String, String> {
    if f.is_nan() {
        return Err("json: unsupported value: NaN".into());
    }
    if f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            if f > 0.0 { "+Inf" } else { "-Inf" }
        ));
    }
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let t = format!("{f:e}");
        let (m, e) = t.split_once('e').unwrap_or((&t, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        return Ok(if e < 0 {
            format!("{m}e-{}", -e)
        } else {
            format!("{m}e+{e:02}")
        });
    }
    Ok(format!("{f}"))
}

fn quote(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if html => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Unmarshal` into `interface{}`: objects become
/// `map[string]interface{}`, arrays `[]interface{}`, numbers `float64`.
pub fn from_json(text: &str) -> Result<Value, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| go_error(text, &e))?;
    Ok(convert(v))
}

fn convert(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => {
            // Go parses the literal as float64; serde keeps integers exact,
            // and converting them rounds the same way Go's parse does.
            Value::Float(n.as_f64().unwrap_or(0.0))
        }
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => Value::list(a.into_iter().map(convert).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.into_iter()
                .map(|(k, v)| (k.into(), convert(v)))
                .collect::<MapEntries>(),
        ),
    }
}

/// Go's wording for the common JSON syntax errors.
fn go_error(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".into();
    }
    // serde reports 1-based line/column; find the offending byte.
    let mut off = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == e.line() {
            off += e.column().saturating_sub(1);
            break;
        }
        off += line.len();
    }
    let c = text[off.min(text.len())..].chars().next().unwrap_or(' ');
    let shown = match c {
        '\'' => "'\\''".to_string(),
        c if (c as u32) < 0x20 => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    };
    if e.to_string().contains("trailing characters") {
        return format!("invalid character {shown} after top-level value");
    }
    format!("invalid character {shown} looking for beginning of value")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn floats_and_escapes_like_go() {
        assert_eq!(go_json_float(1e21).unwrap(), "1e+21");
        assert_eq!(go_json_float(1.5e-7).unwrap(), "1.5e-7");
        assert_eq!(go_json_float(100.0).unwrap(), "100");
        assert_eq!(go_json_float(0.5).unwrap(), "0.5");
        let v = Value::str("<a&b>\u{2028}");
        assert_eq!(
            to_json(&v, JsonStyle::Compact).unwrap(),
            r#""\u003ca\u0026b\u003e\u2028""#
        );
        assert_eq!(to_json(&v, JsonStyle::Raw).unwrap(), "\"<a&b>\\u2028\"");
    }

    #[test]
    fn pretty_nesting() {
        let v = from_json(r#"{"b":[1,{}],"a":"x","c":[]}"#).unwrap();
        assert_eq!(
            to_json(&v, JsonStyle::Pretty).unwrap(),
            "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {}\n  ],\n  \"c\": []\n}"
        );
        assert_eq!(from_json("{").unwrap_err(), "unexpected end of JSON input");
    }
}
