//! Walking a value along a field path (kustomize `filters/fieldspec.Filter`).

use std::fmt;

use krust_yaml::{Data, Mark, Value};

use super::path::Segment;

/// Why a walk failed. `Display` gives kustomize's message.
#[derive(Debug, Clone, PartialEq)]
pub enum WalkError<E> {
    /// The callback failed.
    Callback(E),
    /// The path goes through a scalar (`expected sequence or mapping node`).
    NotContainer {
        /// Where the scalar is.
        mark: Mark,
    },
    /// The path has an empty key (`cannot set or create an empty field name`).
    EmptyFieldName,
    /// An error while walking the elements of a list; `remaining` is the rest of the path
    /// there, as kustomize prints it (`[a b]`).
    InSequence {
        /// The rest of the path, as kustomize prints it.
        remaining: String,
        /// The error met in an element.
        source: Box<WalkError<E>>,
    },
}

impl<E: fmt::Display> fmt::Display for WalkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WalkError::Callback(e) => e.fmt(f),
            WalkError::NotContainer { .. } => f.write_str("expected sequence or mapping node"),
            WalkError::EmptyFieldName => f.write_str("cannot set or create an empty field name"),
            WalkError::InSequence { remaining, source } => {
                write!(f, "visit traversal on path: {remaining}: {source}")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for WalkError<E> {}

/// Walks `node` along `path` and calls `f` on every node the path reaches.
///
/// kustomize's semantics:
/// - Lists are walked element by element wherever they occur; they use no path step.
/// - A missing key ends the walk there (no error), unless `create` is set: then missing
///   intermediate keys are created as empty mappings and a missing last key as a copy of
///   `create`. A key marked `name[]` is never created.
/// - A `null` on the way ends the walk; a `null` found by a key that could be created is
///   replaced first (by an empty mapping, by `create` at the end of the path, or by an
///   empty list for a `name[]` key). A `null` at the end of the path is passed to `f`.
/// - Going through a scalar is an error.
pub fn walk_path<E>(
    node: &mut Value,
    path: &[Segment],
    create: Option<&Value>,
    f: &mut impl FnMut(&mut Value) -> Result<(), E>,
) -> Result<(), WalkError<E>> {
    let Some((first, rest)) = path.split_first() else {
        return f(node).map_err(WalkError::Callback);
    };
    let mark = node.mark;
    match &mut node.data {
        Data::Null => Ok(()),
        Data::Seq(seq) => {
            if seq.is_empty() {
                return Ok(());
            }
            for elem in std::sync::Arc::make_mut(seq).iter_mut() {
                walk_path(elem, path, create, f).map_err(|e| WalkError::InSequence {
                    remaining: go_slice(path),
                    source: Box::new(e),
                })?;
            }
            Ok(())
        }
        Data::Map(map) => {
            if first.name.is_empty() {
                return Err(WalkError::EmptyFieldName);
            }
            let create_here = create.is_some() && !first.is_seq;
            if !create_here && !map.contains_key(&*first.name) {
                return Ok(());
            }
            let map = std::sync::Arc::make_mut(map);
            let blank = || {
                if first.is_seq {
                    Some(Value::from_seq(Vec::new()))
                } else if !create_here {
                    None
                } else if rest.is_empty() {
                    create.cloned()
                } else {
                    Some(Value::map())
                }
            };
            let field = match map.get_mut(&*first.name) {
                Some(field) => {
                    if field.is_null() {
                        if let Some(b) = blank() {
                            *field = b.at(field.mark);
                        }
                    }
                    field
                }
                None => match blank() {
                    Some(b) => map.entry(first.name.clone().into()).or_insert(b),
                    None => return Ok(()),
                },
            };
            walk_path(field, rest, create, f)
        }
        _ => Err(WalkError::NotContainer { mark }),
    }
}

/// Go's `%v` of a `[]string`.
fn go_slice(path: &[Segment]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|s| {
            if s.is_seq {
                format!("{}[]", s.name)
            } else {
                s.name.to_string()
            }
        })
        .collect();
    format!("[{}]", parts.join(" "))
}
