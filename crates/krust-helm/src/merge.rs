//! fluxcd/pkg `chartutil.MergeMaps` on krust values, and the JSON typing every value goes
//! through before helm-controller sees it.

use std::sync::Arc;

use krust_yaml::{Data, Map, Value};

/// `MergeMaps(a, b)` (flux-semantics §1.3): `b` laid over `a`; mappings on both sides are
/// merged recursively, anything else from `b` replaces `a`'s entry (lists are replaced,
/// never merged; `null` is kept as a value). A side that is not a mapping counts as `{}`.
///
/// krust values are copy-on-write, so the result shares `a`'s and `b`'s untouched subtrees
/// without the aliasing Go's maps have (see the crate docs for where that matters).
pub fn merge(a: &Value, b: &Value) -> Value {
    let empty = Map::default();
    let am = a.as_map().unwrap_or(&empty);
    let Some(bm) = b.as_map() else {
        return Value::from_map(am.clone());
    };
    Value::from_map(merge_map(am, bm))
}

pub(crate) fn merge_map(a: &Map, b: &Map) -> Map {
    let mut out = a.clone();
    for (k, v) in b {
        if let (Some(bm), Some(Data::Map(am))) = (v.as_map(), out.get(k).map(|x| &x.data)) {
            let merged = merge_map(am, bm);
            out.insert(k.clone(), Value::from_map(merged));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    out
}

const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// The value as Go sees it after a JSON round trip into `map[string]any`: every number is
/// a `float64`. Integers beyond 2^53 are rounded to the nearest double; whole numbers are
/// kept as integers (they print as plain integers), fractions as floats. A NaN or infinity
/// cannot be encoded as JSON, so it is an error (the text is Go's `json.Marshal` error).
pub fn json_typed(v: &Value) -> Result<Value, String> {
    Ok(json_typed_opt(v)?.unwrap_or_else(|| v.clone()))
}

/// `Some(new)` when anything changed, so untouched subtrees stay shared.
fn json_typed_opt(v: &Value) -> Result<Option<Value>, String> {
    let data = match &v.data {
        Data::Int(i) => {
            if i.unsigned_abs() <= 1u64 << 53 {
                return Ok(None);
            }
            float_number(*i as f64)
        }
        Data::Uint(u) => {
            if *u <= 1u64 << 53 {
                return Ok(None);
            }
            float_number(*u as f64)
        }
        Data::Float(f) => {
            if !f.is_finite() {
                let s = if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "+Inf"
                } else {
                    "-Inf"
                };
                return Err(format!("json: unsupported value: {s}"));
            }
            let d = float_number(*f);
            if matches!(d, Data::Float(_)) {
                return Ok(None);
            }
            d
        }
        Data::Seq(s) => {
            let mut changed: Option<Vec<Value>> = None;
            for (i, item) in s.iter().enumerate() {
                if let Some(new) = json_typed_opt(item)? {
                    changed.get_or_insert_with(|| s.to_vec())[i] = new;
                }
            }
            match changed {
                Some(seq) => Data::Seq(Arc::new(seq)),
                None => return Ok(None),
            }
        }
        Data::Map(m) => {
            let mut changed: Option<Map> = None;
            for (i, (_, item)) in m.iter().enumerate() {
                if let Some(new) = json_typed_opt(item)? {
                    let map = changed.get_or_insert_with(|| (**m).clone());
                    if let Some((_, slot)) = map.get_index_mut(i) {
                        *slot = new;
                    }
                }
            }
            match changed {
                Some(map) => Data::Map(Arc::new(map)),
                None => return Ok(None),
            }
        }
        Data::Null | Data::Bool(_) | Data::String(_) => return Ok(None),
    };
    Ok(Some(Value::with_mark(data, v.mark, v.style)))
}

/// A finite float64 as krust data: whole numbers in the 64-bit range become integers.
fn float_number(f: f64) -> Data {
    if f.fract() == 0.0 {
        if f.abs() < TWO_63 {
            return Data::Int(f as i64);
        }
        if (0.0..TWO_64).contains(&f) {
            return Data::Uint(f as u64);
        }
    }
    Data::Float(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::map();
        for (k, x) in pairs {
            v.insert(*k, x.clone());
        }
        v
    }

    #[test]
    fn maps_merge_lists_replace_null_kept() {
        let a = m(&[
            ("m", m(&[("x", 1i64.into()), ("y", 1i64.into())])),
            ("l", Value::from_seq(vec![1i64.into(), 2i64.into()])),
            ("n", 5i64.into()),
        ]);
        let b = m(&[
            ("m", m(&[("y", 2i64.into())])),
            ("l", Value::from_seq(vec![3i64.into()])),
            ("n", Value::null()),
        ]);
        let r = merge(&a, &b);
        assert_eq!(r.pointer("/m/x"), Some(&Value::from(1i64)));
        assert_eq!(r.pointer("/m/y"), Some(&Value::from(2i64)));
        assert_eq!(
            r.pointer("/l").and_then(Value::as_seq).map(Vec::len),
            Some(1)
        );
        assert_eq!(r.get("n"), Some(&Value::null()));
    }

    #[test]
    fn json_typing_rounds_big_integers_and_rejects_nan() {
        let big = Value::from(9_007_199_254_740_993i64);
        assert_eq!(
            json_typed(&big).unwrap(),
            Value::from(9_007_199_254_740_992i64)
        );
        assert_eq!(json_typed(&Value::from(2.0)).unwrap(), Value::from(2i64));
        assert_eq!(json_typed(&Value::from(2.5)).unwrap(), Value::from(2.5));
        assert!(json_typed(&m(&[("x", Value::from(f64::NAN))])).is_err());
    }

    #[test]
    fn json_typing_keeps_untouched_subtrees_shared() {
        let inner = m(&[("s", "x".into())]);
        let v = m(&[("a", inner.clone()), ("b", 3.0.into())]);
        let out = json_typed(&v).unwrap();
        match (&out.get("a").unwrap().data, &inner.data) {
            (Data::Map(x), Data::Map(y)) => assert!(Arc::ptr_eq(x, y)),
            _ => unreachable!(),
        }
    }
}
