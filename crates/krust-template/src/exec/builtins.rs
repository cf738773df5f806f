//! Go's builtin template functions (`funcs.go`): comparison, `index`, `slice`, `len`,
//! `not`, the print family and the escapers.

use super::Rv;
use crate::value::{Type, Value};

const BUILTINS: &[&str] = &[
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or",
    "print", "printf", "println", "slice", "urlquery",
];

/// Whether `name` is a builtin function.
pub(crate) fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// Fixed parameter count and variadic-ness of a builtin.
pub(super) fn arity(name: &str) -> (usize, bool) {
    match name {
        "and" | "or" | "eq" | "index" | "slice" | "call" | "printf" => (1, true),
        "not" | "len" => (1, false),
        "ne" | "lt" | "le" | "gt" | "ge" => (2, false),
        _ => (0, true),
    }
}

/// Go's `evalArgs` for the escapers: a lone string as is, otherwise `fmt.Sprint` of the
/// printable values (so a nil argument is the string `<no value>`).
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| match a {
            Value::Nil => Value::str("<no value>"),
            other => other.clone(),
        })
        .collect();
    crate::fmt::sprint(&printable)
}

/// The builtins over `interface{}` arguments.
pub(super) fn text_func(name: &str, args: &[Value]) -> Rv {
    let s = match name {
        "print" => crate::fmt::sprint(args),
        "println" => crate::fmt::sprintln(args),
        "printf" => {
            let f = args.first().and_then(Value::as_str).unwrap_or("");
            crate::fmt::sprintf(f, args.get(1..).unwrap_or(&[]))
        }
        "html" => html_escape(&eval_args(args)),
        "js" => js_escape(&eval_args(args)),
        _ => query_escape(&eval_args(args)),
    };
    Rv::V(Value::String(s.into()), false)
}

/// `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if c.is_control() || c.is_whitespace() => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `indirectInterface`: a nil interface is no value.
fn indirect_iface(v: &Rv) -> Option<&Value> {
    match v {
        Rv::Invalid | Rv::V(Value::Nil, _) => None,
        Rv::V(v, _) => Some(v),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(_) | Value::Int64(_)) => Kind::Int,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        _ => Kind::Invalid,
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

/// Go's `%w: %s and %s` form of the bad-comparison error.
fn bad_comparison(x: &Value, y: &Value) -> String {
    format!("{BAD_COMPARISON}: {} and {}", x.type_name(), y.type_name())
}

/// `fmt.Sprintf("%s", v)`.
fn go_s(v: &Value) -> String {
    crate::fmt::sprintf("%s", std::slice::from_ref(v))
}

fn as_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn as_float(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => std::sync::Arc::ptr_eq(x, y),
        _ => false,
    }
}

fn is_nil(v: Option<&Value>) -> bool {
    match v {
        None => true,
        Some(Value::List(l)) => l.nil,
        Some(Value::Map(m)) => m.nil,
        _ => false,
    }
}

fn eq(args: &[Rv]) -> Result<bool, String> {
    let a1 = args.first().and_then(indirect_iface);
    if args.len() < 2 {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a1);
    for arg in &args[1..] {
        let a = indirect_iface(arg);
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            if let (Some(x), Some(y)) = (a1, a) {
                return Err(bad_comparison(x, y));
            }
            false
        } else {
            match (k1, a1, a) {
                (Kind::Bool, Some(Value::Bool(x)), Some(Value::Bool(y))) => x == y,
                (Kind::Int, Some(x), Some(y)) => as_int(x) == as_int(y),
                (Kind::Float, Some(x), Some(y)) => as_float(x) == as_float(y),
                (Kind::String, Some(Value::String(x)), Some(Value::String(y))) => x == y,
                _ => {
                    if is_nil(a1) || is_nil(a) {
                        is_nil(a1) == is_nil(a)
                    } else {
                        match (a1, a) {
                            (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) => {
                                same_object(x, y)
                            }
                            (Some(x), Some(y)) if x.go_type() != y.go_type() => {
                                return Err(format!(
                                    "non-comparable types {}: {}, {}: {}",
                                    go_s(x),
                                    x.type_name(),
                                    y.type_name(),
                                    crate::fmt::sprint_value(y)
                                ));
                            }
                            (Some(_), Some(y)) => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    go_s(y),
                                    y.type_name()
                                ));
                            }
                            _ => false,
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Rv, b: &Rv) -> Result<bool, String> {
    let a = indirect_iface(a);
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    let b = indirect_iface(b);
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        if let (Some(x), Some(y)) = (a, b) {
            return Err(bad_comparison(x, y));
        }
        return Err(BAD_COMPARISON.into());
    }
    Ok(match (k1, a, b) {
        (Kind::Bool, _, _) => return Err(BAD_COMPARISON_TYPE.into()),
        (Kind::Int, Some(x), Some(y)) => as_int(x) < as_int(y),
        (Kind::Float, Some(x), Some(y)) => as_float(x) < as_float(y),
        (Kind::String, Some(Value::String(x)), Some(Value::String(y))) => x < y,
        _ => false,
    })
}

fn index_arg(index: Option<&Value>, cap: usize) -> Result<usize, String> {
    let x = match index {
        Some(Value::Int(i) | Value::Int64(i)) => *i,
        None => return Err("cannot index slice/array with nil".into()),
        Some(v) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn underlying(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.underlying().unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

fn index(args: &[Rv]) -> Result<Rv, String> {
    let Some(item) = args.first().and_then(indirect_iface) else {
        return Err("index of untyped nil".into());
    };
    let mut item = Rv::V(item.clone(), false);
    for idx in &args[1..] {
        let idx = indirect_iface(idx);
        let v = match &item {
            Rv::V(Value::Nil, _) | Rv::Invalid => return Err("index of nil pointer".into()),
            Rv::V(v, _) => underlying(v),
        };
        item = match &v {
            Value::List(l) => {
                let x = index_arg(idx, l.items.len())?;
                match l.items.get(x) {
                    Some(e) => Rv::V(e.clone(), l.elem == Type::Interface),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Rv::V(Value::Int(*b as i64), false),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = match idx {
                    None => return Err("value is nil; should be of type string".into()),
                    Some(Value::String(k)) => k.clone(),
                    Some(other) => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ))
                    }
                };
                let iface = m.elem == Type::Interface;
                match m.get(&key) {
                    Some(e) => Rv::V(e, iface),
                    None => Rv::V(m.elem.zero(), iface),
                }
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn slice(args: &[Rv]) -> Result<Rv, String> {
    let Some(item) = args.first().and_then(indirect_iface) else {
        return Err("slice of untyped nil".into());
    };
    let idxs = &args[1..];
    if idxs.len() > 3 {
        return Err(format!("too many slice indexes: {}", idxs.len()));
    }
    let item = underlying(item);
    let len = match &item {
        Value::String(s) => {
            if idxs.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, len];
    for (i, x) in idxs.iter().enumerate() {
        idx[i] = index_arg(indirect_iface(x), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if idxs.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match item {
        Value::String(s) => {
            let b = &s.as_bytes()[idx[0]..idx[1]];
            Rv::V(Value::str(String::from_utf8_lossy(b).into_owned()), false)
        }
        Value::List(l) => Rv::V(
            Value::typed_list(l.elem, l.items[idx[0]..idx[1]].to_vec()),
            false,
        ),
        _ => Rv::Invalid,
    })
}

fn length(v: &Rv) -> Result<i64, String> {
    let v = match v {
        Rv::Invalid => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Rv::V(Value::Nil, _) => return Err("len of nil pointer".into()),
        Rv::V(v, _) => underlying(v),
    };
    match &v {
        Value::String(s) => Ok(s.len() as i64),
        Value::List(l) => Ok(l.items.len() as i64),
        Value::Map(m) => Ok(m.len() as i64),
        other => Err(format!("len of type {}", other.type_name())),
    }
}

/// The builtins over `reflect.Value` arguments.
pub(super) fn reflect_func(name: &str, args: &[Rv], callee: &str) -> Result<Rv, String> {
    let b = |x: bool| Ok(Rv::V(Value::Bool(x), false));
    let two = || (&args[0], &args[1]);
    match name {
        "not" => b(!super::truth(&args[0])),
        "eq" => b(eq(args)?),
        "ne" => b(!eq(&args[..2])?),
        "lt" => {
            let (x, y) = two();
            b(lt(x, y)?)
        }
        "le" => {
            let (x, y) = two();
            b(lt(x, y)? || eq(&args[..2])?)
        }
        "gt" => {
            let (x, y) = two();
            b(!(lt(x, y)? || eq(&args[..2])?))
        }
        "ge" => {
            let (x, y) = two();
            b(!lt(x, y)?)
        }
        "index" => index(args),
        "slice" => slice(args),
        "len" => Ok(Rv::V(Value::Int(length(&args[0])?), false)),
        "call" => match indirect_iface(&args[0]) {
            None => Err("call of nil".into()),
            Some(v) => Err(format!("non-function {callee} of type {}", v.type_name())),
        },
        _ => Err(format!("unknown builtin {name}")),
    }
}
