//! sprig's defaults.go and reflect.go: `default`/`empty`/`coalesce` with
//! Go's zero-value rules, the JSON functions, `ternary`, `deepCopy`, and
//! the type and kind tests.

use std::sync::Arc;

use krust_template::{List, Type, Value};

use crate::conv::{arg, arg_bool, arg_str, empty, err, kind};
use crate::json::{from_json, to_json, JsonStyle};
use crate::Reg;

use Type::{Bool, Interface, String as S};

/// Nesting beyond which a value is taken to contain itself (a map `set`
/// into itself): no chart nests values this deep.
const MAX_NESTING: usize = 256;

/// A copy of `v` sharing nothing mutable with it (copystructure.Copy); an
/// error for a value nested past [`MAX_NESTING`] (a cycle).
pub(crate) fn deep_copy(v: &Value) -> Result<Value, krust_template::FuncError> {
    deep_copy_at(v, 0)
}

fn deep_copy_at(v: &Value, depth: usize) -> Result<Value, krust_template::FuncError> {
    if depth > MAX_NESTING {
        return Err(err(format!(
            "deepCopy: value nested deeper than {MAX_NESTING} levels (a map that contains itself?)"
        )));
    }
    let copy = |x: &Value| deep_copy_at(x, depth + 1);
    Ok(match v {
        Value::List(l) => Value::List(List {
            elem: l.elem,
            items: Arc::new(l.items.iter().map(copy).collect::<Result<_, _>>()?),
            nil: l.nil,
        }),
        Value::Map(m) => {
            let entries = crate::maps::entries(m)
                .into_iter()
                .map(|(k, x)| Ok((k, copy(&x)?)))
                .collect::<Result<_, krust_template::FuncError>>()?;
            if m.nil {
                Value::Map(crate::maps::nil_map(m.elem))
            } else {
                crate::maps::new_like(m, entries)
            }
        }
        // copystructure copies exported fields only: a *semver.Version
        // (all fields unexported) comes back as the zero version.
        Value::Object(o) if o.as_any().is::<crate::objects::SemverObj>() => {
            Value::object(crate::objects::SemverObj(crate::semver::Version {
                major: 0,
                minor: 0,
                patch: 0,
                pre: String::new(),
                metadata: String::new(),
                original: String::new(),
            }))
        }
        Value::Object(o) => match o.underlying() {
            Some(u) if !matches!(u, Value::Object(_)) => copy(&u)?,
            _ => v.clone(),
        },
        _ => v.clone(),
    })
}

/// `reflect.DeepEqual` on two interface values: same dynamic type and
/// deeply equal contents (a nil slice or map differs from an empty one).
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_at(a, b, 0)
}

fn deep_equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    let eq = |p: &Value, q: &Value| deep_equal_at(p, q, depth + 1);
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.nil == y.nil
                && x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(y.items.iter())
                    .all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.elem != y.elem || x.nil != y.nil {
                return false;
            }
            // Go's DeepEqual treats a revisited pair as equal; a cycle shows
            // here as nesting past MAX_NESTING.
            if x.same(y) || depth > MAX_NESTING {
                return x.same(y);
            }
            let (ex, ey) = (crate::maps::entries(x), crate::maps::entries(y));
            ex.len() == ey.len()
                && ex
                    .iter()
                    .zip(ey.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && eq(v1, v2))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.type_name() != y.type_name() {
                return false;
            }
            match (x.underlying(), y.underlying()) {
                (Some(p), Some(q)) => eq(&p, &q),
                _ => {
                    let (mut p, mut q) = (String::new(), String::new());
                    x.format(&mut p);
                    y.format(&mut q);
                    p == q
                }
            }
        }
        _ => false,
    }
}

fn json_fn(r: &mut Reg<'_>, name: &'static str, style: JsonStyle, must: bool, panics: bool) {
    r.f(name, &[Interface], move |a| {
        match to_json(arg(a, 0), style) {
            Ok(s) => Ok(Value::str(s)),
            Err(e) if must || panics => Err(err(e)),
            Err(_) => Ok(Value::str("")),
        }
    });
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.v("default", &[Interface], Interface, |a| match a.get(1) {
        Some(g) if !empty(g) => Ok(g.clone()),
        _ => Ok(arg(a, 0).clone()),
    });
    r.f("empty", &[Interface], |a| Ok(Value::Bool(empty(arg(a, 0)))));
    r.v("coalesce", &[], Interface, |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    r.v("all", &[], Interface, |a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    r.v("any", &[], Interface, |a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    r.f("fromJson", &[S], |a| {
        Ok(from_json(arg_str(a, 0)).unwrap_or(Value::Nil))
    });
    r.f("mustFromJson", &[S], |a| {
        from_json(arg_str(a, 0)).map_err(err)
    });
    json_fn(r, "toJson", JsonStyle::Compact, false, false);
    json_fn(r, "mustToJson", JsonStyle::Compact, true, false);
    json_fn(r, "toPrettyJson", JsonStyle::Pretty, false, false);
    json_fn(r, "mustToPrettyJson", JsonStyle::Pretty, true, false);
    json_fn(r, "toRawJson", JsonStyle::Raw, false, true);
    json_fn(r, "mustToRawJson", JsonStyle::Raw, true, false);
    r.f("ternary", &[Interface, Interface, Bool], |a| {
        Ok(if arg_bool(a, 2) {
            arg(a, 0).clone()
        } else {
            arg(a, 1).clone()
        })
    });
    for name in ["deepCopy", "mustDeepCopy"] {
        r.f(name, &[Interface], |a| {
            let v = arg(a, 0);
            if v.is_nil() {
                return Err(err("reflect: call of reflect.Value.Type on zero Value"));
            }
            deep_copy(v)
        });
    }
    r.f("typeOf", &[Interface], |a| {
        Ok(Value::str(arg(a, 0).type_name()))
    });
    r.f("typeIs", &[S, Interface], |a| {
        Ok(Value::Bool(arg_str(a, 0) == arg(a, 1).type_name()))
    });
    r.f("typeIsLike", &[S, Interface], |a| {
        let (target, t) = (arg_str(a, 0), arg(a, 1).type_name());
        Ok(Value::Bool(
            target == t || t.strip_prefix('*') == Some(target),
        ))
    });
    r.f("kindOf", &[Interface], |a| Ok(Value::str(kind(arg(a, 0)))));
    r.f("kindIs", &[S, Interface], |a| {
        Ok(Value::Bool(arg_str(a, 0) == kind(arg(a, 1))))
    });
    r.f("deepEqual", &[Interface, Interface], |a| {
        Ok(Value::Bool(deep_equal(arg(a, 0), arg(a, 1))))
    });
    r.f("fail", &[S], |a| Err(err(arg_str(a, 0))));
}
