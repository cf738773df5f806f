//! Values with Go's reference semantics, for the one place where they matter.
//!
//! helm-controller composes values on `map[string]any` trees: a Go map or slice stored in
//! two places is one object, and a write through either is seen by both. `MergeMaps` shares
//! the children of its arguments instead of copying them, and Helm's `--set` parser then
//! mutates the result in place, so a `targetPath` write can land inside the user's inline
//! `spec.values` (flux-semantics §1.5). krust's [`Value`] is copy-on-write and cannot alias,
//! so composition with `targetPath` entries runs on this model: maps and lists are shared,
//! mutable nodes (`Rc<RefCell<…>>`), cloning a [`G`] copies the reference, exactly like
//! copying a Go interface value.

use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;
use krust_yaml::{Data, Map, Str, Value};

/// A shared, mutable Go map.
pub(crate) type GMap = Rc<RefCell<IndexMap<Str, G>>>;
/// A shared, mutable Go slice (its backing array).
pub(crate) type GList = Rc<RefCell<Vec<G>>>;

/// One Go value of a `map[string]any` tree.
#[derive(Clone, Debug)]
pub(crate) enum G {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(Str),
    List(GList),
    Map(GMap),
}

impl G {
    pub(crate) fn new_map() -> GMap {
        Rc::new(RefCell::new(IndexMap::new()))
    }

    pub(crate) fn new_list(items: Vec<G>) -> GList {
        Rc::new(RefCell::new(items))
    }

    /// Go's `%T` of the value, for the texts of failed type assertions.
    pub(crate) fn go_type(&self) -> &'static str {
        match self {
            G::Null => "nil",
            G::Bool(_) => "bool",
            G::Int(_) => "int64",
            G::Uint(_) => "uint64",
            G::Float(_) => "float64",
            G::Str(_) => "string",
            G::List(_) => "[]interface {}",
            G::Map(_) => "map[string]interface {}",
        }
    }

    /// A fresh tree (no node shared with anything): what decoding JSON gives.
    pub(crate) fn from_value(v: &Value) -> G {
        match &v.data {
            Data::Null => G::Null,
            Data::Bool(b) => G::Bool(*b),
            Data::Int(i) => G::Int(*i),
            Data::Uint(u) => G::Uint(*u),
            Data::Float(f) => G::Float(*f),
            Data::String(s) => G::Str(s.clone()),
            Data::Seq(s) => G::List(G::new_list(s.iter().map(G::from_value).collect())),
            Data::Map(m) => G::Map(G::map_from(m)),
        }
    }

    /// A fresh Go map holding a copy of `m`.
    pub(crate) fn map_from(m: &Map) -> GMap {
        let out: IndexMap<Str, G> = m
            .iter()
            .map(|(k, v)| (k.as_shared().clone(), G::from_value(v)))
            .collect();
        Rc::new(RefCell::new(out))
    }

    /// Back to a [`Value`] tree (shared nodes are copied into each place they occur).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            G::Null => Value::null(),
            G::Bool(b) => Value::from(*b),
            G::Int(i) => Value::from(*i),
            G::Uint(u) => Value::new(Data::Uint(*u)),
            G::Float(f) => Value::from(*f),
            G::Str(s) => Value::from(s.clone()),
            G::List(l) => Value::from_seq(l.borrow().iter().map(G::to_value).collect()),
            G::Map(m) => Value::from_map(map_to_value(m)),
        }
    }
}

/// The entries of a Go map as a krust [`Map`].
pub(crate) fn map_to_value(m: &GMap) -> Map {
    m.borrow()
        .iter()
        .map(|(k, v)| (k.clone().into(), v.to_value()))
        .collect()
}

/// fluxcd/pkg `chartutil.MergeMaps(a, b)`: a new map holding `a`'s entries, with `b`'s laid
/// over them; maps present on both sides are merged into a new map, everything else from
/// `b` is stored as the same (shared) object.
pub(crate) fn merge_maps(a: Option<&GMap>, b: Option<&GMap>) -> GMap {
    let mut out: IndexMap<Str, G> = match a {
        Some(a) => a.borrow().clone(),
        None => IndexMap::new(),
    };
    if let Some(b) = b {
        for (k, v) in b.borrow().iter() {
            if let G::Map(bm) = v {
                if let Some(G::Map(am)) = out.get(k) {
                    let merged = merge_maps(Some(am), Some(bm));
                    out.insert(k.clone(), G::Map(merged));
                    continue;
                }
            }
            out.insert(k.clone(), v.clone());
        }
    }
    Rc::new(RefCell::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_shares_b_children() {
        let b = G::new_map();
        let inner = G::new_map();
        b.borrow_mut().insert("k".into(), G::Map(inner.clone()));
        let out = merge_maps(None, Some(&b));
        if let Some(G::Map(m)) = out.borrow().get("k") {
            m.borrow_mut().insert("x".into(), G::Int(1));
        }
        assert_eq!(
            inner.borrow().len(),
            1,
            "the write went through the shared map"
        );
    }

    #[test]
    fn merge_copies_maps_present_on_both_sides() {
        let a = G::new_map();
        let b = G::new_map();
        let bi = G::new_map();
        a.borrow_mut().insert("k".into(), G::Map(G::new_map()));
        b.borrow_mut().insert("k".into(), G::Map(bi.clone()));
        let out = merge_maps(Some(&a), Some(&b));
        if let Some(G::Map(m)) = out.borrow().get("k") {
            m.borrow_mut().insert("x".into(), G::Int(1));
        }
        assert!(bi.borrow().is_empty());
    }
}
