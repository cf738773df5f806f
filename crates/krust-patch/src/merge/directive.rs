//! `$patch` directives, the only strategic-merge directive kyaml implements.
//!
//! `$setElementOrder`, `$retainKeys` and `$deleteFromPrimitiveList` are not directives to
//! kyaml: they are ordinary keys and are merged (copied) like any other field.

use krust_yaml::Value;

use super::list;
use crate::scalar::node_text;
use crate::PatchError;

/// The key that carries a directive.
pub const PATCH_KEY: &str = "$patch";

/// A strategic-merge directive found in a patch node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    /// Merge (the default).
    Merge,
    /// Replace the target with the patch (minus the directive).
    Replace,
    /// Delete the target.
    Delete,
}

fn parse(v: &str) -> Option<Directive> {
    match v {
        "delete" => Some(Directive::Delete),
        "replace" => Some(Directive::Replace),
        "merge" => Some(Directive::Merge),
        _ => None,
    }
}

/// The directive of a patch node and the node without it (kyaml `determineSmpDirective`).
///
/// ```
/// use krust_patch::directive::{determine, Directive};
/// use krust_yaml::{parse_document, Typing};
///
/// let patch = parse_document("- a\n- b\n- $patch: replace\n", "p.yaml", Typing::Kyaml).unwrap();
/// let (d, rest) = determine(&patch).unwrap();
/// assert_eq!(d, Directive::Replace);
/// assert_eq!(rest.as_seq().unwrap().len(), 2);
/// ```
pub fn determine(patch: &Value) -> Result<(Directive, Value), PatchError> {
    let r = if patch.is_map() {
        for_map(patch)
    } else if patch.is_seq() {
        for_seq(patch)
    } else {
        return Err(PatchError::DirectiveTarget {
            found: patch.type_name(),
            mark: patch.mark,
        });
    };
    r.map_err(|v| unknown(".", v))
}

/// On a mapping: `$patch: X` anywhere among its keys.
pub(crate) fn for_map(patch: &Value) -> Result<(Directive, Value), String> {
    let Some(v) = patch.get(PATCH_KEY) else {
        return Ok((Directive::Merge, patch.clone()));
    };
    let text = node_text(v);
    let d = parse(&text).ok_or_else(|| text.into_owned())?;
    let mut elided = patch.clone();
    elided.remove(PATCH_KEY);
    Ok((d, elided))
}

/// On a sequence: the first mapping element with a `$patch` key, if that element has no
/// other key. kyaml then removes every element carrying the same directive, and (like its
/// `ElementSetter`) every null or empty-mapping element.
pub(crate) fn for_seq(patch: &Value) -> Result<(Directive, Value), String> {
    let Some(items) = patch.as_seq() else {
        return Ok((Directive::Merge, patch.clone()));
    };
    let Some(elem) = items.iter().find(|e| e.get(PATCH_KEY).is_some()) else {
        return Ok((Directive::Merge, patch.clone()));
    };
    let Some(map) = elem.as_map() else {
        return Ok((Directive::Merge, patch.clone()));
    };
    if map.len() > 1 {
        return Ok((Directive::Merge, patch.clone()));
    }
    let text = map.get(PATCH_KEY).map(node_text).unwrap_or_default();
    let d = parse(&text).ok_or_else(|| text.clone().into_owned())?;
    let kept = items
        .iter()
        .filter(|e| !list::is_dropped(e))
        .filter(|e| {
            // Non-mapping elements are kept; mappings whose `$patch` text equals the
            // directive are removed.
            !(e.is_map() && e.get(PATCH_KEY).is_some_and(|v| node_text(v) == text))
        })
        .cloned()
        .collect();
    Ok((
        d,
        Value::with_mark(
            krust_yaml::Data::Seq(std::sync::Arc::new(kept)),
            patch.mark,
            patch.style,
        ),
    ))
}

/// The error for an unknown directive value.
pub(crate) fn unknown(path: &str, value: String) -> PatchError {
    PatchError::UnknownDirective {
        path: path.to_string(),
        value,
    }
}
