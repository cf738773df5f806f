//! Go conversions sprig leans on: spf13/cast's `ToInt64`/`ToFloat64`/`ToInt`
//! (errors swallowed to 0, as sprig does), sprig's `strval` (fmt `%v`),
//! `empty` (the zero-value test), reflect kinds, and argument accessors for
//! function bodies.

use krust_template::{FuncError, List, Map, Type, Value};

/// A function error with Go's message.
pub fn err(msg: impl Into<String>) -> FuncError {
    FuncError::new(msg)
}

/// Go's message for a nil map or slice dereference inside sprig.
pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Argument `i` (arguments are already converted to the signature, so a
/// missing one only happens for a variadic tail).
pub fn arg(args: &[Value], i: usize) -> &Value {
    static NIL: Value = Value::Nil;
    args.get(i).unwrap_or(&NIL)
}

/// A string argument (`""` when not a string).
pub fn arg_str(args: &[Value], i: usize) -> &str {
    arg(args, i).as_str().unwrap_or("")
}

/// An `int` argument.
pub fn arg_int(args: &[Value], i: usize) -> i64 {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => go_f64_to_i64(*f),
        _ => 0,
    }
}

/// A `bool` argument.
pub fn arg_bool(args: &[Value], i: usize) -> bool {
    matches!(arg(args, i), Value::Bool(true))
}

/// Go's `int64(f)` on amd64: truncation, and the "indefinite integer"
/// (minimum int64) for NaN and out-of-range values.
pub fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// The value a named map or slice type stands for (Helm's `common.Values`).
pub fn underlying(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.underlying().unwrap_or_else(|| v.clone()),
        _ => v.clone(),
    }
}

/// The slice behind `v`, looking through named slice types.
pub fn as_list(v: &Value) -> Option<List> {
    match underlying(v) {
        Value::List(l) => Some(l),
        _ => None,
    }
}

/// The map behind `v`, looking through named map types.
pub fn as_map(v: &Value) -> Option<Map> {
    match underlying(v) {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

/// `reflect.Value.Kind().String()` of a value (`invalid` for nil).
pub fn kind(v: &Value) -> &'static str {
    v.kind()
}

/// sprig's `empty`: the zero value of its type, or an empty string,
/// slice or map. Structs and non-nil pointers are never empty.
pub fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => o.underlying().is_some_and(|u| empty(&u)),
    }
}

/// sprig's `strval`: strings as they are, anything else as fmt's `%v`
/// (Stringers through their `String` method, which objects' `format` is).
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        _ => {
            let mut out = String::new();
            krust_template::fmt::write_value(&mut out, v);
            out
        }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, base prefix (`0x`, `0o`, `0b`,
/// leading `0` for octal) and `_` digit separators as Go literals allow.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if body.contains('_') && !underscore_ok(body) {
        return None;
    }
    let lower = body.to_ascii_lowercase().replace('_', "");
    let (base, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let mag = u64::from_str_radix(digits, base).ok()?;
    if neg {
        if mag > 1u64 << 63 {
            return None;
        }
        Some((mag as i64).wrapping_neg())
    } else {
        i64::try_from(mag).ok()
    }
}

/// Go's `underscoreOK`: each `_` sits between digits (a base prefix counts
/// as a digit).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// cast's `trimZeroDecimal`: `"10.00"` → `"10"`, anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// cast's `ToInt64E`, with the error as `None`.
pub fn to_int64_e(v: &Value) -> Option<i64> {
    match v {
        Value::Nil => Some(0),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) | Value::Int64(i) => Some(*i),
        Value::Float(f) => Some(go_f64_to_i64(*f)),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)),
        _ => None,
    }
}

/// cast's `ToInt64` (0 on error).
pub fn to_int64(v: &Value) -> i64 {
    to_int64_e(v).unwrap_or(0)
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal or hex (`0x1p-2`) syntax,
/// `_` separators as Go literals allow, `inf`/`infinity`/`nan` in any
/// case; out of range is an error (`None`).
pub fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let sign = if neg { -1.0 } else { 1.0 };
    match lower.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.contains('_') && !underscore_ok(body) {
        return None;
    }
    let clean = lower.replace('_', "");
    if let Some(hex) = clean.strip_prefix("0x") {
        return parse_hex_float(hex).map(|v| sign * v);
    }
    if clean.is_empty()
        || !clean
            .bytes()
            .all(|b| b.is_ascii_digit() || b".e+-".contains(&b))
    {
        return None;
    }
    let v: f64 = clean.parse().ok()?;
    if v.is_infinite() {
        return None;
    }
    Some(sign * v)
}

/// The mantissa and binary exponent of a Go hex float (`1.8p3`).
fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = h.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let r = v * 2f64.powi(exp);
    (!r.is_infinite()).then_some(r)
}

/// cast's `ToFloat64` (0 on error).
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// The `Type` of a value as a signature sees it (for error messages).
pub fn type_of(v: &Value) -> Type {
    v.go_type()
}

/// Whether Go's `strconv.IsPrint` holds (approximated for the format and
/// private-use characters Rust's `char` cannot classify).
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{e000}'..='\u{f8ff}'
        | '\u{f0000}'..='\u{10ffff}')
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub fn go_quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cast_rules() {
        assert_eq!(to_int64(&Value::str("0x1F")), 31);
        assert_eq!(to_int64(&Value::str("010")), 8);
        assert_eq!(to_int64(&Value::str("10.00")), 10);
        assert_eq!(to_int64(&Value::str("10.5")), 0);
        assert_eq!(to_int64(&Value::str("-12")), -12);
        assert_eq!(to_int64(&Value::Float(3.9)), 3);
        assert_eq!(to_int64(&Value::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_float64(&Value::str("1e3")), 1000.0);
        assert_eq!(to_float64(&Value::str("x")), 0.0);
        // strconv.ParseFloat (values from helm v4.1.4 runs of sprig's float64).
        assert_eq!(to_float64(&Value::str("1_000")), 1000.0);
        assert_eq!(to_float64(&Value::str("1e400")), 0.0);
        assert_eq!(to_float64(&Value::str("0x1p-2")), 0.25);
        assert_eq!(to_float64(&Value::str("-Inf")), f64::NEG_INFINITY);
        assert_eq!(to_float64(&Value::str("1.")), 1.0);
        assert_eq!(parse_int_base0("1_000"), Some(1000));
        assert_eq!(parse_int_base0("1__0"), None);
        assert_eq!(parse_int_base0("0x_1f"), Some(31));
        assert_eq!(go_quote("a\"b\\\n\u{1}é\u{a0}"), r#""a\"b\\\n\x01é\u00a0""#);
    }
}
