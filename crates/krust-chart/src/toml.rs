//! `toToml` (BurntSushi/toml's encoder, as Helm calls it): simple keys first, then
//! tables, keys sorted, two-space indentation per table level.

use krust_template::Value;

/// Encodes a map as TOML; `Err` carries the encoder's message.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    match v {
        Value::Map(_) => table(&mut out, v, &mut Vec::new())?,
        Value::Object(o) => match o.underlying() {
            Some(u @ Value::Map(_)) => table(&mut out, &u, &mut Vec::new())?,
            _ => return Err("toml: top-level values must be Go maps or structs".into()),
        },
        _ => return Err("toml: top-level values must be Go maps or structs".into()),
    }
    Ok(out)
}

fn entries(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Map(m) => m
            .read()
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

fn is_table_array(v: &Value) -> bool {
    match v {
        Value::List(l) => {
            let items = l.items.as_slice();
            !items.is_empty() && items.iter().all(is_table)
        }
        _ => false,
    }
}

fn table(out: &mut String, v: &Value, path: &mut Vec<String>) -> Result<(), String> {
    let indent = "  ".repeat(path.len());
    let es = entries(v);
    for (k, val) in &es {
        if val.is_nil() || is_table(val) || is_table_array(val) {
            continue;
        }
        out.push_str(&indent);
        out.push_str(&key(k));
        out.push_str(" = ");
        value(out, val)?;
        out.push('\n');
    }
    for (k, val) in &es {
        if is_table(val) {
            path.push(k.clone());
            header(out, path, false);
            table(out, val, path)?;
            path.pop();
        } else if let Value::List(l) = val {
            if is_table_array(val) {
                path.push(k.clone());
                for item in l.items.iter() {
                    header(out, path, true);
                    table(out, item, path)?;
                }
                path.pop();
            }
        }
    }
    Ok(())
}

fn header(out: &mut String, path: &[String], array: bool) {
    // A blank line separates top-level tables only.
    if path.len() == 1 && !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&"  ".repeat(path.len().saturating_sub(1)));
    let name: Vec<String> = path.iter().map(|p| key(p)).collect();
    if array {
        out.push_str(&format!("[[{}]]\n", name.join(".")));
    } else {
        out.push_str(&format!("[{}]\n", name.join(".")));
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\u{8}' => o.push_str("\\b"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\u{c}' => o.push_str("\\f"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn value(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if f.is_nan() {
                out.push_str("nan");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "inf" } else { "-inf" });
            } else {
                let s = format!("{f}");
                out.push_str(&s);
                if !s.contains('.') {
                    out.push_str(".0");
                }
            }
        }
        Value::String(s) => out.push_str(&quote(s)),
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                value(out, item)?;
            }
            out.push(']');
        }
        Value::Map(_) => {
            // An inline table inside an array.
            out.push('{');
            for (i, (k, item)) in entries(v).iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&key(k));
                out.push_str(" = ");
                value(out, item)?;
            }
            out.push('}');
        }
        Value::Nil => return Err("toml: cannot encode a nil value".into()),
        Value::Object(o) => {
            let mut s = String::new();
            o.format(&mut s);
            out.push_str(&quote(&s));
        }
    }
    Ok(())
}
