//! Associative lists, as kyaml's `walk/associative_sequence.go` merges them.
//!
//! kyaml keeps list elements as shared `*yaml.Node`s and mutates them in place; a merged
//! element *is* the target's element, and later steps (`appendListNode`, `ElementSetter`)
//! find it again by its key text. Elements live here in a small table (`Arena`) with ids, so
//! that the same sharing holds: updating a merged element updates it wherever its id is.

use std::collections::HashSet;
use std::sync::Arc;

use krust_yaml::{Data, Value};

use super::{directive, Directive, Ident, ListIncrease, Sch, Side, Visit, Walker};
use crate::scalar::{key_text, node_text, plain_scalar};
use crate::PatchError;

/// kyaml's `ElementSetter` silently drops null and empty-mapping elements from any list it
/// rewrites.
pub(crate) fn is_dropped(v: &Value) -> bool {
    v.is_null() || v.as_map().is_some_and(|m| m.is_empty())
}

/// kyaml `checkKey`: every element has field `key` (true for an empty list).
pub(crate) fn has_key_everywhere(list: &Value, key: &str) -> bool {
    list.as_seq()
        .is_some_and(|s| s.iter().all(|e| e.get(key).is_some()))
}

/// True when kyaml's merge of this list with nothing would keep every element in place:
/// keys from the schema, every element a mapping with a non-empty text for every key and
/// a distinct key tuple (or, for a primitive list, distinct non-empty scalars).
pub(crate) fn is_canonical(w: &Walker<'_>, items: &[Value], sch: Sch<'_>) -> bool {
    let (has_strategy, keys): (bool, &[Box<str>]) = match sch {
        Sch::Node(n) => (w.schema.patch_strategy(n).is_some(), w.schema.merge_keys(n)),
        Sch::Inline(i) => (i.strategy.is_some(), &i.keys),
        Sch::None => return false,
    };
    if !has_strategy {
        return false;
    }
    if keys.is_empty() {
        let mut seen = HashSet::with_capacity(items.len());
        return items.iter().all(|e| {
            e.is_scalar() && !e.is_null() && {
                let t = node_text(e);
                !t.is_empty() && seen.insert(t)
            }
        });
    }
    let mut seen: HashSet<Vec<std::borrow::Cow<'_, str>>> = HashSet::with_capacity(items.len());
    items.iter().all(|e| {
        let Some(m) = e.as_map() else { return false };
        let mut tuple = Vec::with_capacity(keys.len());
        for k in keys {
            let t = key_text(m.get(&**k));
            if t.is_empty() {
                return false;
            }
            tuple.push(t);
        }
        seen.insert(tuple)
    })
}

/// go-yaml's name of a node's kind, as kyaml's errors print it.
fn go_kind(v: &Value) -> &'static str {
    match v.data {
        Data::Map(_) => "MappingNode",
        Data::Seq(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

pub(super) struct Arena {
    pub(super) nodes: Vec<(Value, Side)>,
}

impl Arena {
    pub(super) fn push(&mut self, v: Value, side: Side) -> usize {
        self.nodes.push((v, side));
        self.nodes.len() - 1
    }
    pub(super) fn get(&self, id: usize) -> Option<&Value> {
        self.nodes.get(id).map(|(v, _)| v)
    }
}

pub(super) type Ids = Vec<usize>;

/// kyaml `FieldMatcher{Name, StringValue}` on one element: `Ok(true)` when it matches.
fn field_matches(elem: &Value, name: &str, value: &str) -> Result<bool, PatchError> {
    if elem.is_null() {
        return Ok(false);
    }
    if name.is_empty() {
        if !elem.is_scalar() {
            return Err(PatchError::Element {
                path: String::new(),
                message: format!(
                    "wrong node kind: expected ScalarNode but got {}",
                    go_kind(elem)
                ),
            });
        }
        return Ok(node_text(elem) == value);
    }
    let Some(m) = elem.as_map() else {
        return Err(PatchError::Element {
            path: String::new(),
            message: format!(
                "wrong node kind: expected MappingNode but got {}",
                go_kind(elem)
            ),
        });
    };
    Ok(match m.get(name) {
        None => false,
        Some(f) => value.is_empty() || node_text(f) == value,
    })
}

/// kyaml `ElementSetter`: replace the elements matching `keys`/`values` with `element`
/// (append it when none matches), or delete them when `element` is `None`.
fn element_setter(
    arena: &Arena,
    list: &mut Ids,
    element: Option<usize>,
    keys: &[String],
    values: &[String],
) -> Result<(), PatchError> {
    let empty_key = [String::new()];
    let keys = if keys.is_empty() {
        &empty_key[..]
    } else {
        keys
    };
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut out = Vec::with_capacity(list.len() + 1);
    let mut found_any = false;
    for &id in list.iter() {
        let Some(elem) = arena.get(id) else { continue };
        if is_dropped(elem) {
            continue;
        }
        if !elem.is_map() && mapping_setter {
            out.push(id);
            continue;
        }
        let mut matched: Option<bool> = None;
        let mut found = true;
        for (j, key) in keys.iter().enumerate() {
            if let Some(v) = values.get(j) {
                matched = Some(field_matches(elem, key, v)?);
            }
            if matched != Some(true) {
                found = false;
                break;
            }
        }
        if !found {
            if !values.is_empty() {
                out.push(id);
            }
            continue;
        }
        found_any = true;
        if let Some(e) = element {
            out.push(e);
        }
    }
    if let Some(e) = element {
        let null = arena.get(e).is_none_or(Value::is_null);
        if !null && !found_any {
            out.push(e);
        }
    }
    *list = out;
    Ok(())
}

/// kyaml `ElementMatcher` (`ElementList`): the first element whose key fields have exactly
/// these texts (unlike `ElementSetter`, an empty text is not a wildcard here).
fn element_list(arena: &Arena, list: &Ids, keys: &[String], values: &[String]) -> Option<usize> {
    let v0 = values.first().map_or("", String::as_str);
    if keys.first().is_none_or(String::is_empty) {
        return list
            .iter()
            .copied()
            .find(|&id| arena.get(id).is_some_and(|e| node_text(e) == v0));
    }
    if keys.len() != values.len() {
        return None;
    }
    list.iter().copied().find(|&id| {
        let Some(m) = arena.get(id).and_then(Value::as_map) else {
            return false;
        };
        keys.iter()
            .zip(values)
            .all(|(k, v)| match m.get(k.as_str()) {
                None => false,
                Some(f) => node_text(f) == *v, // MatchField: exact text, even when empty
            })
    })
}

/// kyaml `validateKeys`: drop the keys that no element anywhere has a value for.
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let valid: HashSet<&str> = values_list
        .iter()
        .flat_map(|vs| {
            vs.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .filter_map(|(i, _)| keys.get(i))
        })
        .map(String::as_str)
        .collect();
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let vk = keys
        .iter()
        .filter(|k| valid.contains(k.as_str()))
        .cloned()
        .collect();
    let vv = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(k.as_str())))
        .map(|(_, v)| v.clone())
        .collect();
    (vk, vv)
}

/// kyaml `match`: same length, one common value, and differences only against empties.
fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut res = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            res.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            res.push(x.clone());
        } else {
            res.push(y.clone());
        }
    }
    common.then_some(res)
}

/// kyaml `mergeValues`, with its exact update order (the outer value is read once per
/// outer step, the inner one afresh).
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        let v1 = list[i].clone();
        for j in 0..list.len() {
            if let Some(m) = match_values(&v1, &list[j]) {
                list[i] = m.clone();
                list[j] = m;
            }
        }
    }
}

/// kyaml `appendListNode`: add each element of `src` to `dst` by its keys.
fn append_list_node(
    arena: &Arena,
    mut dst: Ids,
    src: &Ids,
    keys: &[String],
) -> Result<Ids, PatchError> {
    for &id in src {
        let Some(elem) = arena.get(id) else { continue };
        if keys.first().is_none_or(String::is_empty) {
            let text = node_text(elem).into_owned();
            element_setter(arena, &mut dst, Some(id), &[String::new()], &[text])?;
            continue;
        }
        let mut v = Vec::with_capacity(keys.len());
        for key in keys {
            if elem.is_null() {
                dst.push(id);
                continue;
            }
            let Some(m) = elem.as_map() else {
                return Err(PatchError::Element {
                    path: String::new(),
                    message: format!(
                        "wrong node kind: expected MappingNode but got {}",
                        go_kind(elem)
                    ),
                });
            };
            match m.get(key.as_str()) {
                // kyaml appends the element once per missing key, then goes on.
                None => dst.push(id),
                Some(f) => v.push(node_text(f).into_owned()),
            }
        }
        if keys.len() > 1 {
            element_setter(arena, &mut dst, None, keys, &v)?;
        }
        element_setter(arena, &mut dst, Some(id), keys, &v)?;
    }
    Ok(dst)
}

/// kyaml `walkAssociativeSequence` (with `Merger.VisitList` for an associative list).
pub(crate) fn walk_associative<'a>(
    w: &mut Walker<'a>,
    d: Option<&Value>,
    dside: Side,
    p: Option<&Value>,
    sch: Sch<'a>,
    same_in: bool,
) -> Result<Visit, PatchError> {
    // VisitList: which list the elements are merged into.
    let (dest, dest_side, origin, same): (Value, Side, Option<Value>, bool);
    if d.is_none_or(Value::is_null) {
        let Some(pv) = p else { return Ok(None) };
        dest = pv.clone();
        dest_side = Side::Patch;
        origin = Some(pv.clone());
        same = true;
    } else if p.is_some_and(Value::is_null) {
        return Ok(None);
    } else {
        let Some(dv) = d else { return Ok(None) };
        match p {
            None => {
                dest = dv.clone();
                dest_side = dside;
                origin = None;
                same = false;
            }
            Some(pv) => {
                let (dir, elided) =
                    directive::for_seq(pv).map_err(|v| directive::unknown("", v))?;
                match dir {
                    Directive::Delete => return Ok(None),
                    Directive::Replace => {
                        dest = elided.clone();
                        dest_side = Side::Patch;
                        origin = Some(elided);
                        same = true;
                    }
                    Directive::Merge if same_in => {
                        // One node: the directive is gone from the target too.
                        dest = elided.clone();
                        dest_side = dside;
                        origin = Some(elided);
                        same = true;
                    }
                    Directive::Merge => {
                        dest = dv.clone();
                        dest_side = dside;
                        origin = Some(elided);
                        same = false;
                    }
                }
            }
        }
    }

    // The merge keys: from the schema, else inferred (`name`).
    let (has_strategy, mut keys): (bool, Vec<String>) = match sch {
        Sch::Node(n) => (
            w.schema.patch_strategy(n).is_some(),
            w.schema
                .merge_keys(n)
                .iter()
                .map(|k| k.to_string())
                .collect(),
        ),
        Sch::Inline(i) => (
            i.strategy.is_some(),
            i.keys.iter().map(|k| k.to_string()).collect(),
        ),
        Sch::None => (false, Vec::new()),
    };
    if !has_strategy && keys.is_empty() {
        let mut key = "";
        for src in [Some(&dest), origin.as_ref()].into_iter().flatten() {
            if src.as_seq().is_some_and(|s| !s.is_empty()) {
                let new_key = if has_key_everywhere(src, "name") {
                    "name"
                } else {
                    ""
                };
                if !key.is_empty() && key != new_key {
                    return Err(PatchError::MergeKey {
                        path: String::new(),
                        message: format!("conflicting merge keys [{key},{new_key}]"),
                    });
                }
                key = new_key;
            }
        }
        if key.is_empty() {
            return Err(PatchError::MergeKey {
                path: String::new(),
                message: "no merge key found".into(),
            });
        }
        keys.push(key.to_string());
    }

    let mut arena = Arena { nodes: Vec::new() };
    let dest_items: &[Value] = dest.as_seq().map_or(&[], |s| s.as_slice());
    let dest_ids: Ids = dest_items
        .iter()
        .map(|v| arena.push(v.clone(), dest_side))
        .collect();
    // When the target list *is* the patch's list (added or replaced), kyaml has one node for
    // both sources: deleting from one deletes from the other (`same`; origin_ids is None).
    let origin_ids: Option<Ids> = if same {
        None
    } else {
        origin.as_ref().map(|o| {
            o.as_seq()
                .map_or(&[][..], |s| s.as_slice())
                .iter()
                .map(|v| arena.push(v.clone(), Side::Patch))
                .collect()
        })
    };
    // Sources in the order their elements are listed: the patch first for prepend.
    let origin_view: Option<&Ids> = if same {
        Some(&dest_ids)
    } else {
        origin_ids.as_ref()
    };
    let order: [Option<&Ids>; 2] = match w.opts.list_increase {
        ListIncrease::Prepend => [origin_view, Some(&dest_ids)],
        ListIncrease::Append => [Some(&dest_ids), origin_view],
    };

    // The common shape (one key, unique non-empty key texts) merges in linear time.
    if let [key] = keys.as_slice() {
        if !key.is_empty() {
            let lists = super::keyed::ListsRef {
                dest: &dest_ids,
                origin: origin_ids.as_ref(),
                same,
                prepend: w.opts.list_increase == ListIncrease::Prepend,
            };
            let fast = super::keyed::merge(w, &mut arena, key, lists, sch)?;
            if let Some(merged) = fast {
                return Ok(Some(finish(
                    &arena,
                    &merged,
                    &dest,
                    dest_items,
                    origin.as_ref(),
                )));
            }
        }
    }

    // elementValues: the key tuples of all elements, deduplicated, in source order.
    let mut values_list: Vec<Vec<String>> = Vec::new();
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    if !keys.is_empty() {
        for ids in order.into_iter().flatten() {
            for &id in ids {
                let Some(e) = arena.get(id) else { continue };
                let tuple: Vec<String> = keys
                    .iter()
                    .map(|k| key_text(e.get(k)).into_owned())
                    .collect();
                if seen.insert(tuple.clone()) {
                    values_list.push(tuple);
                }
            }
        }
    }
    if values_list.is_empty() && keys.is_empty() {
        // A primitive associative list (e.g. finalizers): a set of values.
        for ids in order.into_iter().flatten() {
            for &id in ids {
                let Some(e) = arena.get(id) else { continue };
                let t = vec![node_text(e).into_owned()];
                if seen.insert(t.clone()) {
                    values_list.push(t);
                }
            }
        }
        keys = vec![String::new()];
    }

    let lists = Lists {
        dest: dest_ids,
        origin: origin_ids,
        same,
    };
    let merged = set_elements(w, &mut arena, values_list, &keys, lists, sch)?;
    Ok(Some(finish(
        &arena,
        &merged,
        &dest,
        dest_items,
        origin.as_ref(),
    )))
}

/// The merged list node: the elements at `merged`, in the target's place and style.
fn finish(
    arena: &Arena,
    merged: &Ids,
    dest: &Value,
    dest_items: &[Value],
    origin: Option<&Value>,
) -> (Value, Ident) {
    let items: Vec<Value> = merged
        .iter()
        .filter_map(|&id| arena.get(id).cloned())
        .collect();
    let style = if dest_items.is_empty() {
        origin.map_or(dest.style, |o| o.style)
    } else {
        dest.style
    };
    (
        Value::with_mark(Data::Seq(Arc::new(items)), dest.mark, style),
        Ident::Fresh,
    )
}

/// The element lists of one associative-list merge.
struct Lists {
    /// The target's elements.
    dest: Ids,
    /// The patch's elements, unless `same`.
    origin: Option<Ids>,
    /// The target list is the patch's list (one node in kyaml).
    same: bool,
}

/// kyaml `setAssociativeSequenceElements`.
fn set_elements<'a>(
    w: &mut Walker<'a>,
    arena: &mut Arena,
    mut values_list: Vec<Vec<String>>,
    keys: &[String],
    lists: Lists,
    sch: Sch<'a>,
) -> Result<Ids, PatchError> {
    let Lists {
        dest: mut dest_ids,
        origin: origin_ids,
        same,
    } = lists;
    let elem_sch = w.items_schema(sch);
    if keys.len() > 1 {
        merge_values(&mut values_list);
    }
    let mut items: Ids = Vec::new();
    let mut valid_keys: Vec<String> = Vec::new();
    for idx in 0..values_list.len() {
        let values = &values_list[idx];
        if values.is_empty() {
            continue;
        }
        let (vk, vv) = validate_keys(&values_list, values, keys);
        valid_keys.clone_from(&vk);
        let (ek, ev) = validate_keys(std::slice::from_ref(&vv), &vv, &vk);
        let d_id = element_list(arena, &dest_ids, &ek, &ev);
        let p_id = if same {
            d_id
        } else {
            origin_ids
                .as_ref()
                .and_then(|o| element_list(arena, o, &ek, &ev))
        };
        let d_val = d_id.and_then(|i| arena.nodes.get(i).cloned());
        let p_val = p_id.and_then(|i| arena.get(i).cloned());
        let d_side = d_val.as_ref().map_or(Side::Target, |(_, s)| *s);
        let r = w
            .walk(
                d_val.as_ref().map(|(v, _)| v),
                d_side,
                p_val.as_ref(),
                elem_sch,
                same,
            )
            .map_err(|e| e.in_field("[]"));
        // The element the walk returned, as an id (kyaml's node identity).
        let val_id: Option<usize> = match r? {
            None => None,
            Some((v, Ident::Cleared)) => {
                // Deleted; the patch element (one node with the target's when `same`) has
                // lost its directive, which a later match of it sees.
                if let Some(slot) = p_id.and_then(|i| arena.nodes.get_mut(i)) {
                    slot.0 = v;
                }
                None
            }
            Some((v, ident)) => Some(match (ident, d_id, p_id) {
                (Ident::Dest, Some(i), _) | (Ident::Origin, _, Some(i)) => {
                    if let Some(slot) = arena.nodes.get_mut(i) {
                        slot.0 = v;
                    }
                    i
                }
                (_, _, _) => arena.push(v, d_side),
            }),
        };
        let val_gone = val_id
            .and_then(|i| arena.get(i))
            .is_none_or(|v| v.is_null() || is_dropped(v));
        if val_gone {
            // Deleted (or emptied): remove the element from the target.
            element_setter(arena, &mut dest_ids, None, &vk, &vv)?;
            continue;
        }
        let Some(val_id) = val_id else { continue };
        for (i, key) in vk.iter().enumerate() {
            let Some(value) = vv.get(i).filter(|v| !v.is_empty()) else {
                continue;
            };
            if key.is_empty() {
                // A primitive element: kyaml rewrites it with the same text (no change).
                continue;
            }
            let Some(slot) = arena.nodes.get_mut(val_id) else {
                continue;
            };
            if slot.0.get(key).is_some() {
                continue;
            }
            let Some(m) = slot.0.as_map_mut() else {
                return Err(PatchError::Element {
                    path: String::new(),
                    message: format!(
                        "wrong node kind: expected MappingNode but got {}",
                        go_kind(&slot.0)
                    ),
                });
            };
            m.insert(key.as_str().into(), plain_scalar(value));
        }
        element_setter(arena, &mut items, Some(val_id), &vk, &vv)?;
    }
    if values_list.is_empty() {
        return Ok(dest_ids);
    }
    match w.opts.list_increase {
        ListIncrease::Prepend => append_list_node(arena, items, &dest_ids, &valid_keys),
        ListIncrease::Append => append_list_node(arena, dest_ids, &items, &valid_keys),
    }
}
