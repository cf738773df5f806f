//! sprig's list.go: every function takes any slice (`[]string` from
//! `splitList` as well as `[]interface{}`), returns `[]interface{}` (except
//! `slice`, which keeps the slice type), and fails with sprig's
//! `Cannot ... on type KIND` (or Go's nil dereference for a nil list; the
//! non-`must` variants panic with the same text, which the executor reports
//! the same way).

use std::sync::Arc;

use krust_template::{FuncError, List, Type, Value};

use crate::conv::{arg, arg_int, as_list, empty, err, kind, to_int64, NIL_DEREF};
use crate::fns_defaults::deep_equal;
use crate::Reg;

use Type::{Int, Interface};

/// The items of a list argument, or sprig's error for anything else.
fn items(v: &Value, what: &str) -> Result<Arc<Vec<Value>>, FuncError> {
    if v.is_nil() {
        return Err(err(NIL_DEREF));
    }
    match as_list(v) {
        Some(l) => Ok(l.items),
        None => Err(err(format!("{what} {}", kind(v)))),
    }
}

fn ilist(v: Vec<Value>) -> Value {
    Value::list(v)
}

/// A nil `[]interface{}` (what sprig's `rest`/`initial` return for an empty list).
fn nil_list() -> Value {
    Value::List(List {
        elem: Type::Interface,
        items: Arc::new(Vec::new()),
        nil: true,
    })
}

/// Registers `name` and `mustName` with the same body (sprig's panics and
/// errors carry the same message).
fn both<F>(r: &mut Reg<'_>, name: &str, params: &[Type], variadic: Option<Type>, body: F)
where
    F: Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + Clone + 'static,
{
    let must = format!("must{}{}", name[..1].to_uppercase(), &name[1..]);
    for n in [name, must.as_str()] {
        let b = body.clone();
        match variadic {
            Some(t) => r.v(n, params, t, b),
            None => r.f(n, params, b),
        }
    }
}

/// A scalar's identity under `reflect.DeepEqual` (type and value), so
/// `uniq` over long lists of scalars is linear, not quadratic.
#[derive(Hash, PartialEq, Eq)]
enum ScalarKey<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Int64(i64),
    Float(u64),
    Str(&'a str),
}

fn scalar_key(v: &Value) -> Option<ScalarKey<'_>> {
    Some(match v {
        Value::Nil => ScalarKey::Nil,
        Value::Bool(b) => ScalarKey::Bool(*b),
        Value::Int(i) => ScalarKey::Int(*i),
        Value::Int64(i) => ScalarKey::Int64(*i),
        // NaN never equals itself; -0 equals +0.
        Value::Float(f) if f.is_nan() => return None,
        Value::Float(f) => ScalarKey::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        Value::String(s) => ScalarKey::Str(s),
        _ => return None,
    })
}

/// sprig's `uniq`: first occurrences, compared with `reflect.DeepEqual`.
fn uniq(l: &[Value]) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut others: Vec<&Value> = Vec::new();
    let mut out = Vec::new();
    for v in l {
        let fresh = match scalar_key(v) {
            Some(k) => seen.insert(k),
            None if matches!(v, Value::Float(_)) => true,
            None => {
                let f = !others.iter().any(|o| deep_equal(v, o));
                if f {
                    others.push(v);
                }
                f
            }
        };
        if fresh {
            out.push(v.clone());
        }
    }
    out
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.v("list", &[], Interface, |a| Ok(ilist(a.to_vec())));
    r.alias("tuple", "list");
    both(r, "push", &[Interface, Interface], None, |a| {
        let mut l = items(arg(a, 0), "Cannot push on type")?.to_vec();
        l.push(arg(a, 1).clone());
        Ok(ilist(l))
    });
    r.alias("append", "push");
    r.alias("mustAppend", "mustPush");
    both(r, "prepend", &[Interface, Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot prepend on type")?;
        let mut out = Vec::with_capacity(l.len() + 1);
        out.push(arg(a, 1).clone());
        out.extend(l.iter().cloned());
        Ok(ilist(out))
    });
    both(r, "chunk", &[Int, Interface], None, |a| {
        let size = arg_int(a, 0);
        let l = items(arg(a, 1), "Cannot chunk type")?;
        if l.is_empty() {
            return Ok(Value::typed_list(Type::InterfaceSliceSlice, Vec::new()));
        }
        if size <= 0 {
            return Err(err("runtime error: makeslice: len out of range"));
        }
        let chunks = l.chunks(size as usize).map(|c| ilist(c.to_vec())).collect();
        Ok(Value::typed_list(Type::InterfaceSliceSlice, chunks))
    });
    both(r, "last", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find last on type")?;
        Ok(l.last().cloned().unwrap_or(Value::Nil))
    });
    both(r, "first", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find first on type")?;
        Ok(l.first().cloned().unwrap_or(Value::Nil))
    });
    both(r, "rest", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find rest on type")?;
        if l.is_empty() {
            return Ok(nil_list());
        }
        Ok(ilist(l[1..].to_vec()))
    });
    both(r, "initial", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find initial on type")?;
        if l.is_empty() {
            return Ok(nil_list());
        }
        Ok(ilist(l[..l.len() - 1].to_vec()))
    });
    both(r, "reverse", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find reverse on type")?;
        Ok(ilist(l.iter().rev().cloned().collect()))
    });
    both(r, "compact", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot compact on type")?;
        Ok(ilist(l.iter().filter(|v| !empty(v)).cloned().collect()))
    });
    both(r, "uniq", &[Interface], None, |a| {
        let l = items(arg(a, 0), "Cannot find uniq on type")?;
        Ok(ilist(uniq(&l)))
    });
    both(r, "without", &[Interface], Some(Interface), |a| {
        let l = items(arg(a, 0), "Cannot find without on type")?;
        let omit = a.get(1..).unwrap_or_default();
        Ok(ilist(
            l.iter()
                .filter(|v| !omit.iter().any(|o| deep_equal(v, o)))
                .cloned()
                .collect(),
        ))
    });
    both(r, "has", &[Interface, Interface], None, |a| {
        let hay = arg(a, 1);
        if hay.is_nil() {
            return Ok(Value::Bool(false));
        }
        let l = items(hay, "Cannot find has on type")?;
        let needle = arg(a, 0);
        Ok(Value::Bool(l.iter().any(|v| deep_equal(needle, v))))
    });
    both(r, "slice", &[Interface], Some(Interface), |a| {
        let v = arg(a, 0);
        if v.is_nil() {
            return Err(err(NIL_DEREF));
        }
        let Some(l) = as_list(v) else {
            return Err(err(format!(
                "list should be type of slice or array but {}",
                kind(v)
            )));
        };
        let n = l.items.len();
        if n == 0 {
            return Ok(Value::Nil);
        }
        let start = a.get(1).map_or(0, to_int64);
        let end = a.get(2).map_or(n as i64, to_int64);
        if start < 0 || end < start || end > n as i64 {
            return Err(err("reflect.Value.Slice: slice index out of bounds"));
        }
        Ok(Value::List(List {
            elem: l.elem,
            items: Arc::new(l.items[start as usize..end as usize].to_vec()),
            nil: false,
        }))
    });
    r.v("concat", &[], Interface, |a| {
        let mut out = Vec::new();
        for v in a {
            if v.is_nil() {
                return Err(err(NIL_DEREF));
            }
            match as_list(v) {
                Some(l) => out.extend(l.items.iter().cloned()),
                None => return Err(err(format!("Cannot concat type {} as list", kind(v)))),
            }
        }
        if out.is_empty() {
            return Ok(nil_list());
        }
        Ok(ilist(out))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn uniq_is_linear_and_typed() {
        let l: Vec<Value> = (0..200_000).map(|i| Value::Int(i % 1000)).collect();
        assert_eq!(uniq(&l).len(), 1000);
        let mixed = vec![
            Value::Int(1),
            Value::Float(1.0),
            Value::Int(1),
            Value::str("1"),
            Value::Float(f64::NAN),
            Value::Float(f64::NAN),
            Value::list(vec![Value::Int(1)]),
            Value::list(vec![Value::Int(1)]),
        ];
        assert_eq!(uniq(&mixed).len(), 6);
    }
}
