//! A linear path through kyaml's associative-list merge for the common shape.
//!
//! kyaml's `setAssociativeSequenceElements` (mirrored step by step in `list.rs`) looks up
//! every key tuple with linear scans (`ElementMatcher`, `ElementSetter`, `validateKeys`,
//! `appendListNode`), so merging two lists of n elements costs O(n²): 2.8 s for an `env`
//! of 4k entries. For the shape nearly every real list has — appending, one merge key,
//! every element of both lists a non-empty mapping whose key field is a non-empty scalar,
//! unique within its list — those scans have a known outcome, and the result is simply
//! the merged elements in key order (appending: target keys first, then the patch's new
//! ones; prepending, as kustomize's patches do: the patch's keys first, then the target's
//! other ones):
//! - `validateKeys` keeps the key (every element has a value for it);
//! - `ElementMatcher` finds the one element with the key text, i.e. a hash lookup;
//! - `ElementSetter` on the merged list never finds an earlier element with the same key,
//!   so it appends; on the target it removes exactly the one deleted element;
//! - appending, `appendListNode` replaces every remaining target element by its merged
//!   self and appends the new ones in order; prepending, it puts each remaining target
//!   element (kyaml's node, merged in place or not) where its merged self was.
//!
//! Those outcomes rest on one more fact, checked as the merge goes: each merged element
//! still carries its key text. When it does not (a directive or schema oddity rewrote
//! it), this path gives up and the caller runs kyaml's algorithm from the start; the walk
//! has no side effects, so starting again is safe and gives kyaml's exact result.

use krust_yaml::hash::FastHashMap;
use krust_yaml::Value;

use super::list::{is_dropped, Arena, Ids};
use super::{Ident, Sch, Side, Walker};
use crate::scalar::{node_text, plain_scalar};
use crate::PatchError;

/// The key texts of `ids` by position, when every element fits the fast shape.
fn key_index<'v>(arena: &'v Arena, ids: &Ids, key: &str) -> Option<FastHashMap<&'v str, usize>> {
    let mut index = FastHashMap::default();
    index.reserve(ids.len());
    for &id in ids {
        let elem = arena.get(id)?;
        if is_dropped(elem) {
            return None;
        }
        let field = elem.as_map()?.get(key)?;
        if !field.is_scalar() || field.is_null() {
            return None;
        }
        // Only borrowed texts (strings, bools) go fast: other scalars' texts are computed.
        let std::borrow::Cow::Borrowed(text) = node_text(field) else {
            return None;
        };
        if text.is_empty() || index.insert(text, id).is_some() {
            return None;
        }
    }
    Some(index)
}

/// The element lists of one merge, borrowed.
#[derive(Clone, Copy)]
pub(super) struct ListsRef<'l> {
    /// The target's elements.
    pub dest: &'l Ids,
    /// The patch's elements, unless `same`.
    pub origin: Option<&'l Ids>,
    /// The target list is the patch's list (one node in kyaml).
    pub same: bool,
    /// New elements go first (kustomize's patches).
    pub prepend: bool,
}

/// The merged list, or `None` when the lists are not of the fast shape (the caller then
/// runs kyaml's algorithm). `arena` is changed only when this returns `Some`.
pub(super) fn merge<'a>(
    w: &mut Walker<'a>,
    arena: &mut Arena,
    key: &str,
    lists: ListsRef<'_>,
    sch: Sch<'a>,
) -> Result<Option<Ids>, PatchError> {
    let ListsRef {
        dest: dest_ids,
        origin: origin_ids,
        same,
        prepend,
    } = lists;
    #[cfg(test)]
    if tests::DISABLED.with(std::cell::Cell::get) {
        return Ok(None);
    }
    let (texts, finds) = {
        let Some(dest) = key_index(arena, dest_ids, key) else {
            return Ok(None);
        };
        let origin = match (same, origin_ids) {
            (false, Some(o)) => match key_index(arena, o, key) {
                Some(index) => Some(index),
                None => return Ok(None),
            },
            _ => None,
        };
        // elementValues: the keys of the first list (the patch's when prepending), then
        // the other list's new ones.
        let mut texts: Vec<String> = Vec::with_capacity(dest_ids.len());
        let mut finds: Vec<(Option<usize>, Option<usize>)> = Vec::with_capacity(dest_ids.len());
        let dest_first = |texts: &mut Vec<String>, finds: &mut Vec<_>, skip: bool| {
            for &id in dest_ids {
                let Some(t) = arena.get(id).and_then(|e| e.get(key)).map(node_text) else {
                    return false;
                };
                let in_origin = origin.as_ref().and_then(|o| o.get(&*t).copied());
                if skip && in_origin.is_some() {
                    continue;
                }
                let p = if same { Some(id) } else { in_origin };
                texts.push(t.into_owned());
                finds.push((Some(id), p));
            }
            true
        };
        let origin_first = |texts: &mut Vec<String>, finds: &mut Vec<_>, skip: bool| {
            if let (Some(o), Some(ids)) = (&origin, origin_ids) {
                for &id in ids {
                    let Some(t) = arena.get(id).and_then(|e| e.get(key)).map(node_text) else {
                        return false;
                    };
                    let in_dest = dest.get(&*t).copied();
                    if skip && in_dest.is_some() {
                        continue;
                    }
                    texts.push(t.into_owned());
                    finds.push((in_dest, o.get(&*texts[texts.len() - 1]).copied()));
                }
            }
            true
        };
        let ok = if prepend && origin.is_some() {
            origin_first(&mut texts, &mut finds, false) && dest_first(&mut texts, &mut finds, true)
        } else {
            dest_first(&mut texts, &mut finds, false) && origin_first(&mut texts, &mut finds, true)
        };
        if !ok {
            return Ok(None);
        }
        (texts, finds)
    };

    // Work on a copy so that giving up leaves the caller's arena as it was.
    let mut fa = Arena {
        nodes: arena.nodes.clone(),
    };
    let elem_sch = w.items_schema(sch);
    let mut merged: Ids = Vec::with_capacity(texts.len());
    for (text, (d_id, p_id)) in texts.iter().zip(finds) {
        let d_val = d_id.and_then(|i| fa.nodes.get(i).cloned());
        let p_val = p_id.and_then(|i| fa.get(i).cloned());
        let d_side = d_val.as_ref().map_or(Side::Target, |(_, s)| *s);
        let r = w
            .walk(
                d_val.as_ref().map(|(v, _)| v),
                d_side,
                p_val.as_ref(),
                elem_sch,
                same,
            )
            .map_err(|e| e.in_field("[]"))?;
        let val_id = match r {
            None => None,
            Some((v, Ident::Cleared)) => {
                // kyaml keeps the patch element without its directive; with `same` it is
                // the target's element too, which must then still be removable by key.
                if same && !(is_dropped(&v) || has_text(&v, key, text)) {
                    return Ok(None);
                }
                if let Some(slot) = p_id.and_then(|i| fa.nodes.get_mut(i)) {
                    slot.0 = v;
                }
                None
            }
            Some((v, ident)) => Some(match (ident, d_id, p_id) {
                (Ident::Dest, Some(i), _) | (Ident::Origin, _, Some(i)) => {
                    if let Some(slot) = fa.nodes.get_mut(i) {
                        slot.0 = v;
                    }
                    i
                }
                _ => fa.push(v, d_side),
            }),
        };
        let Some(val_id) = val_id.filter(|&i| fa.get(i).is_some_and(|v| !is_dropped(v))) else {
            // Deleted: ElementSetter removes the one target element with this key.
            continue;
        };
        let Some(slot) = fa.nodes.get_mut(val_id) else {
            return Ok(None);
        };
        if slot.0.get(key).is_none() {
            let Some(m) = slot.0.as_map_mut() else {
                return Ok(None);
            };
            m.insert(key.into(), plain_scalar(text));
        }
        if !has_text(&slot.0, key, text) {
            return Ok(None);
        }
        // Prepending, appendListNode puts the target's own node back in its merged place.
        match d_id {
            Some(d) if prepend => {
                if !fa.get(d).is_some_and(|v| has_text(v, key, text)) {
                    return Ok(None);
                }
                merged.push(d);
            }
            _ => merged.push(val_id),
        }
    }
    *arena = fa;
    #[cfg(test)]
    tests::HITS.with(|h| h.set(h.get() + 1));
    Ok(Some(merged))
}

fn has_text(v: &Value, key: &str, text: &str) -> bool {
    v.get(key).is_some_and(|f| node_text(f) == text)
}

#[cfg(test)]
mod tests {
    //! The fast path must give kyaml's algorithm's result (`list.rs`) on any input,
    //! including the inputs it gives up on.
    use std::cell::Cell;

    use krust_yaml::{parse_document, Typing, Value};
    use proptest::prelude::*;

    use crate::{merge_with, ListIncrease, MergeOptions, Schema};

    thread_local! {
        /// Set by the tests to run kyaml's algorithm only.
        pub(super) static DISABLED: Cell<bool> = const { Cell::new(false) };
        /// How many merges took the fast path.
        pub(super) static HITS: Cell<usize> = const { Cell::new(0) };
    }

    #[test]
    fn env_merge_takes_the_fast_path_and_prepends_new_names() {
        let t = deployment(&["{name: A, value: a}".into(), "{name: B, value: b}".into()]);
        let p = deployment(&["{name: C, value: c}".into(), "{name: A, value: x}".into()]);
        HITS.with(|h| h.set(0));
        let out = run(&t, &p, ListIncrease::Prepend, false);
        // kyaml (kustomize's patches prepend): the patch's keys first, then the target's.
        assert!(out.find("\"C\"") < out.find("\"A\"") && out.find("\"A\"") < out.find("\"B\""));
        assert!(out.contains("\"x\""));
        assert!(HITS.with(Cell::get) > 0);
    }

    fn element() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            4 => (0..6u8).prop_map(|i| format!("name: n{i}")),
            1 => Just("name: \"\"".to_string()),
            1 => Just("name: 7".to_string()),
            1 => Just(String::new()),
        ];
        let extra = prop_oneof![
            3 => (0..3u8).prop_map(|i| format!("value: v{i}")),
            1 => Just("$patch: delete".to_string()),
            1 => Just("$patch: replace".to_string()),
            1 => Just("value: null".to_string()),
            1 => Just(String::new()),
        ];
        (name, extra).prop_map(|(n, e)| {
            let parts: Vec<String> = [n, e].into_iter().filter(|s| !s.is_empty()).collect();
            format!("{{{}}}", parts.join(", "))
        })
    }

    fn deployment(env: &[String]) -> Value {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env: [{}]\n",
            env.join(", ")
        );
        parse_document(&text, "t.yaml", Typing::Kyaml).expect("generated YAML parses")
    }

    fn run(t: &Value, p: &Value, inc: ListIncrease, slow: bool) -> String {
        DISABLED.with(|d| d.set(slow));
        let opts = MergeOptions {
            list_increase: inc,
            ..MergeOptions::default()
        };
        let out = merge_with(t, p, Schema::builtin(), &opts);
        DISABLED.with(|d| d.set(false));
        format!("{out:?}")
    }

    proptest! {
        #[test]
        fn fast_path_equals_kyaml_algorithm(
            t in proptest::collection::vec(element(), 0..8),
            p in proptest::collection::vec(element(), 0..8),
            prepend in any::<bool>(),
        ) {
            let inc = if prepend { ListIncrease::Prepend } else { ListIncrease::Append };
            let (t, p) = (deployment(&t), deployment(&p));
            prop_assert_eq!(run(&t, &p, inc, false), run(&t, &p, inc, true));
        }
    }
}
