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
    // Go detects cycles once pointers nest past 1000 levels; krust stops at
    // 256 (no chart nests values that deep) so debug builds' test threads
    // keep enough stack.
    if depth > 256 {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.type_name()
        ));
    }
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

/// Go's wording of a JSON syntax error: `encoding/json`'s scanner run over
/// the text (serde only says that it failed).
fn go_error(text: &str, _e: &serde_json::Error) -> String {
    let mut sc = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    match sc.top() {
        Err(m) => m,
        // Syntax is fine: the only other failure is a number beyond float64.
        Ok(()) => match huge_number(text) {
            Some(n) => format!("json: cannot unmarshal number {n} into Go value of type float64"),
            None => "invalid JSON".into(),
        },
    }
}

/// The first number literal (outside strings) too large for a float64.
fn huge_number(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else if c == b'"' {
            in_str = true;
        } else if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b".eE+-".contains(&b[i])) {
                i += 1;
            }
            let lit = &text[start..i];
            if lit.parse::<f64>().is_ok_and(f64::is_infinite) {
                return Some(lit);
            }
            continue;
        }
        i += 1;
    }
    None
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

/// Go's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        c => {
            let q = crate::conv::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Scanner<'_> {
    fn err(&self, ctx: &str) -> String {
        match self.b.get(self.i) {
            None => "unexpected end of JSON input".into(),
            Some(&c) => format!("invalid character {} {ctx}", quote_char(c)),
        }
    }
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| b" \t\r\n".contains(c)) {
            self.i += 1;
        }
    }
    fn top(&mut self) -> Result<(), String> {
        self.value(0)?;
        self.ws();
        if self.i < self.b.len() {
            return Err(self.err("after top-level value"));
        }
        Ok(())
    }
    fn value(&mut self, depth: usize) -> Result<(), String> {
        if depth > 10_000 {
            return Err("exceeded max depth".into());
        }
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.err("looking for beginning of object key string"));
                    }
                    self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.err("after object key"));
                    }
                    self.i += 1;
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.err("after object key:value pair")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.err("after array element")),
                    }
                }
            }
            Some(b'"') => self.string(),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("looking for beginning of value")),
        }
    }
    fn literal(&mut self, word: &str) -> Result<(), String> {
        for (k, &w) in word.as_bytes().iter().enumerate() {
            if self.b.get(self.i) != Some(&w) {
                return Err(self.err(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(word.as_bytes()[k])
                )));
            }
            self.i += 1;
        }
        Ok(())
    }
    fn string(&mut self) -> Result<(), String> {
        self.i += 1;
        loop {
            match self.b.get(self.i) {
                None => return Err(self.err("")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.b.get(self.i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.b.get(self.i).is_some_and(u8::is_ascii_hexdigit) {
                                    return Err(self.err("in \\u hexadecimal character escape"));
                                }
                                self.i += 1;
                            }
                        }
                        _ => return Err(self.err("in string escape code")),
                    }
                }
                Some(&c) if c < 0x20 => return Err(self.err("in string literal")),
                Some(_) => self.i += 1,
            }
        }
    }
    fn digits(&mut self) -> usize {
        let s = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - s
    }
    fn number(&mut self) -> Result<(), String> {
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return Err(self.err("in numeric literal"));
            }
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("after decimal point in numeric literal"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("in exponent of numeric literal"));
            }
        }
        Ok(())
    }
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
        assert_eq!(
            from_json("nope").unwrap_err(),
            "invalid character 'o' in literal null (expecting 'u')"
        );
        assert_eq!(
            from_json("[1 2]").unwrap_err(),
            "invalid character '2' after array element"
        );
    }
}
