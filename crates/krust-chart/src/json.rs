//! Go's `encoding/json` for template values (`toJson`), JSON decoding into Go values
//! (`fromJson`); base64 is krust-sprig's.

use krust_template::Value;

use crate::caps::{ApiObj, HelmObj, KubeObj, HELM_BUILD};
use crate::files::{BinaryString, Files};

/// `json.Marshal(v)`: compact, map keys sorted, HTML characters escaped. `Err` carries
/// Go's error text (NaN and infinities cannot be encoded).
pub fn to_json(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write(&mut out, v)?;
    Ok(out)
}

fn write(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => write_float(out, *f)?,
        Value::String(s) => write_str(out, s),
        Value::List(l) => {
            if l.nil {
                out.push_str("null");
                return Ok(());
            }
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            if m.nil {
                out.push_str("null");
                return Ok(());
            }
            out.push('{');
            for (i, (k, item)) in m.read().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write(out, item)?;
            }
            out.push('}');
        }
        Value::Object(o) => {
            let any = o.as_any();
            if let Some(k) = any.downcast_ref::<KubeObj>() {
                // Struct fields keep declaration order.
                out.push_str(&format!(
                    "{{\"Version\":{},\"Major\":{},\"Minor\":{}}}",
                    quote(&k.0.version),
                    quote(&k.0.major),
                    quote(&k.0.minor)
                ));
            } else if any.downcast_ref::<HelmObj>().is_some() {
                out.push('{');
                for (i, (_, json, val)) in HELM_BUILD.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, json);
                    out.push(':');
                    write_str(out, val);
                }
                out.push('}');
            } else if let Some(a) = any.downcast_ref::<ApiObj>() {
                write(out, &Value::string_list(a.0.iter().map(String::as_str)))?;
            } else if let Some(b) = any.downcast_ref::<BinaryString>() {
                write_str(out, &String::from_utf8_lossy(&b.0));
            } else if let Some(f) = any.downcast_ref::<Files>() {
                // A map of []byte: values encode as base64 strings.
                out.push('{');
                for (i, (k, data)) in f.entries().iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    write_str(out, &base64(data));
                }
                out.push('}');
            } else {
                match o.underlying() {
                    Some(u) => write(out, &u)?,
                    None => out.push_str("{}"),
                }
            }
        }
    }
    Ok(())
}

fn quote(s: &str) -> String {
    let mut o = String::new();
    write_str(&mut o, s);
    o
}

/// Go's float64 JSON form: shortest digits, `%f` style between 1e-6 and 1e21, else
/// exponent style with a signed, unpadded exponent (`1e+21`, `1e-7`).
fn write_float(out: &mut String, f: f64) -> Result<(), String> {
    if !f.is_finite() {
        return Err(format!(
            "json: unsupported value: {}",
            if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            }
        ));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        out.push_str(mant);
        out.push('e');
        if exp.starts_with('-') {
            out.push_str(exp);
        } else {
            out.push('+');
            if exp.len() < 2 {
                out.push('0');
            }
            out.push_str(exp);
        }
    } else if f == 0.0 && f.is_sign_negative() {
        out.push_str("-0");
    } else {
        out.push_str(&format!("{f}"));
    }
    Ok(())
}

fn write_str(out: &mut String, s: &str) {
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
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JSON text decoded as Go's `json.Unmarshal` into `interface{}` decodes it: numbers
/// become `float64`.
pub fn from_json(text: &str) -> Result<Value, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| go_json_error(&e))?;
    Ok(convert(&v))
}

fn go_json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "unexpected end of JSON input".into()
    } else {
        format!("invalid character looking for beginning of value ({e})")
    }
}

fn convert(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::str(s.as_str()),
        J::Array(a) => Value::list(a.iter().map(convert).collect()),
        J::Object(o) => Value::map(
            o.iter()
                .map(|(k, v)| (k.as_str().into(), convert(v)))
                .collect(),
        ),
    }
}

/// Standard base64 with padding: sprig's encoder, so `b64enc` and `.Files` agree.
pub use krust_sprig::encoding::b64_encode as base64;

#[cfg(test)]
mod tests {
    use super::*;
    use krust_template::MapEntries;

    #[test]
    fn go_json() {
        let mut m = MapEntries::new();
        m.insert("b".into(), Value::Float(1e6));
        m.insert("a".into(), Value::str("<x>&"));
        m.insert("c".into(), Value::Float(1e21));
        m.insert("d".into(), Value::Float(1.5e-7));
        assert_eq!(
            to_json(&Value::map(m)).unwrap(),
            r#"{"a":"\u003cx\u003e\u0026","b":1000000,"c":1e+21,"d":1.5e-7}"#
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
