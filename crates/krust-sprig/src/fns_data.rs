//! sprig's dict.go (`dict`, `get`, `set`, `merge`, `dig`, ...), encodings
//! and hashes, paths, URLs and the network stub.

use krust_template::{FuncError, Map, MapEntries, Type, Value};

use crate::conv::{arg, arg_str, as_map, err, strval};
use crate::{maps, mergo, Reg};

use Type::{Interface, InterfaceMap as M, String as S};

fn the_map(a: &[Value], i: usize) -> Map {
    as_map(arg(a, i)).unwrap_or_else(|| maps::nil_map(Type::Interface))
}

/// Go's message for a failed `x.(T)` type assertion on an interface.
fn assertion(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() { "nil" } else { v.type_name() };
    err(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

/// A plain `map[string]interface{}` (not a named map type such as
/// `common.Values`, which sprig's `dig` type assertion rejects).
fn plain_map(v: &Value) -> Result<Map, FuncError> {
    match v {
        Value::Map(m) if m.elem == Type::Interface => Ok(m.clone()),
        _ => Err(assertion(v, "map[string]interface {}")),
    }
}

fn dig(a: &[Value]) -> Result<Value, FuncError> {
    if a.len() < 3 {
        return Err(err("dig needs at least three arguments"));
    }
    let mut dict = plain_map(&a[a.len() - 1])?;
    let default = &a[a.len() - 2];
    let mut keys = Vec::with_capacity(a.len() - 2);
    for k in &a[..a.len() - 2] {
        match k.as_str() {
            Some(s) => keys.push(s),
            None => return Err(assertion(k, "string")),
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = maps::get(&dict, k) else {
            return Ok(default.clone());
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        dict = plain_map(&step)?;
    }
    Ok(default.clone())
}

fn merge_all(a: &[Value], overwrite: bool) -> Value {
    let mut dst = the_map(a, 0);
    for i in 1..a.len() {
        let src = the_map(a, i);
        if let Value::Map(m) = mergo::merge(&dst, &src, overwrite) {
            dst = m;
        }
    }
    Value::Map(dst)
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.v("dict", &[], Interface, |a| {
        let mut m = MapEntries::new();
        for pair in a.chunks(2) {
            let key = strval(&pair[0]);
            m.insert(
                key.into(),
                pair.get(1).cloned().unwrap_or_else(|| Value::str("")),
            );
        }
        Ok(maps::new_map(m))
    });
    r.f("get", &[M, S], |a| {
        Ok(maps::get(&the_map(a, 0), arg_str(a, 1)).unwrap_or_else(|| Value::str("")))
    });
    r.f("set", &[M, S, Interface], |a| {
        let m = the_map(a, 0);
        if m.nil {
            return Err(err("assignment to entry in nil map"));
        }
        let (k, v) = (arg_str(a, 1).to_string(), arg(a, 2).clone());
        Ok(maps::update(&m, |e| {
            e.insert(k.into(), v);
        }))
    });
    r.f("unset", &[M, S], |a| {
        let m = the_map(a, 0);
        if m.nil {
            return Ok(Value::Map(m));
        }
        let k = arg_str(a, 1).to_string();
        Ok(maps::update(&m, |e| {
            e.remove(k.as_str());
        }))
    });
    r.f("hasKey", &[M, S], |a| {
        Ok(Value::Bool(maps::contains(&the_map(a, 0), arg_str(a, 1))))
    });
    r.v("pluck", &[S], M, |a| {
        let key = arg_str(a, 0);
        Ok(Value::list(
            (1..a.len())
                .filter_map(|i| maps::get(&the_map(a, i), key))
                .collect(),
        ))
    });
    r.v("keys", &[], M, |a| {
        let mut k = Vec::new();
        for i in 0..a.len() {
            k.extend(maps::keys(&the_map(a, i)));
        }
        Ok(Value::string_list(k))
    });
    r.v("pick", &[M], S, |a| {
        let m = the_map(a, 0);
        let mut out = MapEntries::new();
        for k in a.iter().skip(1).filter_map(Value::as_str) {
            if let Some(v) = maps::get(&m, k) {
                out.insert(k.into(), v);
            }
        }
        Ok(maps::new_map(out))
    });
    r.v("omit", &[M], S, |a| {
        let m = the_map(a, 0);
        let omit: Vec<&str> = a.iter().skip(1).filter_map(Value::as_str).collect();
        Ok(maps::new_map(
            maps::entries(&m)
                .into_iter()
                .filter(|(k, _)| !omit.contains(&&**k))
                .collect(),
        ))
    });
    for (name, ow) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        r.v(name, &[M], M, move |a| Ok(merge_all(a, ow)));
    }
    r.f("values", &[M], |a| {
        Ok(Value::list(
            maps::entries(&the_map(a, 0))
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
        ))
    });
    r.v("dig", &[], Interface, dig);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn dig_like_sprig() {
        let inner = m(&[("b", Value::Float(1.0))]);
        let d = m(&[("a", inner), ("n", Value::Nil)]);
        let got = dig(&[Value::str("a"), Value::str("b"), Value::str("x"), d.clone()]).unwrap();
        assert!(matches!(got, Value::Float(f) if f == 1.0));
        let got = dig(&[Value::str("z"), Value::str("x"), d.clone()]).unwrap();
        assert_eq!(got.as_str(), Some("x"));
        let e = dig(&[Value::str("n"), Value::str("b"), Value::str("x"), d]).unwrap_err();
        assert_eq!(
            e.message,
            "interface conversion: interface {} is nil, not map[string]interface {}"
        );
    }
}
