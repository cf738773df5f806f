//! Access to Go maps through krust-template's [`Map`], in one place: how a
//! map is read, written in place (Go maps are references, so `set` and
//! `merge` mutate what every alias sees) and created.

use krust_template::{Map, MapEntries, Str, Value};

/// Number of entries.
pub fn len(m: &Map) -> usize {
    m.len()
}

/// The value at `key`.
pub fn get(m: &Map, key: &str) -> Option<Value> {
    m.get(key)
}

/// Whether `key` is present.
pub fn contains(m: &Map, key: &str) -> bool {
    m.read().contains_key(key)
}

/// The keys in order.
pub fn keys(m: &Map) -> Vec<Str> {
    m.read().keys().cloned().collect()
}

/// A snapshot of the entries in key order.
pub fn entries(m: &Map) -> Vec<(Str, Value)> {
    m.read()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Applies `f` to the map's entries in place and returns the map value
/// (the same map, as Go's reference semantics require). A nil map becomes
/// a new map, as mergo does for a nil destination.
pub fn update(m: &Map, f: impl FnOnce(&mut MapEntries)) -> Value {
    if m.nil {
        let mut e = MapEntries::new();
        f(&mut e);
        return Value::Map(Map::new(m.elem, e));
    }
    f(&mut m.write());
    Value::Map(m.clone())
}

/// A new `map[string]interface{}`.
pub fn new_map(entries: MapEntries) -> Value {
    Value::map(entries)
}

/// A new map with the element type of `like`.
pub fn new_like(like: &Map, entries: MapEntries) -> Value {
    Value::typed_map(like.elem, entries)
}

/// A nil map of the given element type (what Go passes for a nil map argument).
pub fn nil_map(elem: krust_template::Type) -> Map {
    let mut m = Map::new(elem, MapEntries::new());
    m.nil = true;
    m
}
