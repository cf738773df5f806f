//! dario.cat/mergo v1.0's `Merge` and `MergeWithOverwrite` on
//! `map[string]interface{}` trees, the semantics of sprig's `merge` and
//! `mergeOverwrite` (checked against helm v4.1.4):
//!
//! - a nil source value is skipped (overwrite: it replaces the
//!   destination's value);
//! - nested maps present on both sides merge recursively, in place;
//! - otherwise the source value is taken when overwriting, or when the
//!   destination lacks the key or holds an empty value (Go's zero value,
//!   an empty string, slice or map) — a non-empty slice or map in the
//!   destination is never replaced without overwrite.

use krust_template::{Map, Value};

use crate::conv::empty;
use crate::maps;

/// Deeper than any values tree; stops a map that contains itself.
const MAX_DEPTH: usize = 256;

/// Merges `src` into `dst` in place and returns `dst` (a nil `dst`
/// becomes a new map).
pub fn merge(dst: &Map, src: &Map, overwrite: bool) -> Value {
    let dst = match maps::update(dst, |_| {}) {
        Value::Map(m) => m,
        _ => dst.clone(),
    };
    merge_into(&dst, src, overwrite, 0);
    Value::Map(dst)
}

fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > MAX_DEPTH || dst.same(src) && !overwrite {
        return;
    }
    // Snapshot first: no lock is held while nested maps merge.
    for (k, s) in maps::entries(src) {
        if s.is_nil() {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        let cur = dst.get(&k);
        // mergo's slice branch stores the source slice when overwriting (or
        // when the destination map is empty) before the checks below.
        if matches!(s, Value::List(_)) && (overwrite || dst.is_empty()) {
            dst.insert(k.clone(), s.clone());
        }
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&s, &cur) {
            if !dm.nil {
                merge_into(dm, sm, overwrite, depth + 1);
            }
        }
        if let Some(c) = &cur {
            if !empty(c) {
                if matches!(s, Value::List(_)) {
                    continue;
                }
                if matches!(s, Value::Map(_)) && matches!(c, Value::Map(_)) {
                    continue;
                }
            }
        }
        if overwrite || cur.as_ref().is_none_or(empty) {
            dst.insert(k, s);
        }
    }
}
