//! Schemas written in YAML comments (kyaml `fieldmeta`): a line or head comment holding an
//! OpenAPI schema as JSON, such as
//! `containers: # {"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge"}`
//! or `# {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}`, overrides the schema of
//! the node it is attached to.
//!
//! The value tree has no comments; the reader reports each comment with the entry or item
//! that owns it, and [`CommentSchemas`] keys the schemas by the position (and kind) of the
//! owner's value.

use std::collections::HashMap;

use krust_model::openapi::{InlineSchema, NodeId, Schema};
use krust_yaml::{Comment, Data, Mark, PathStep, Typing, Value};

use super::Sch;

#[derive(Clone, Debug)]
enum Entry {
    Node(NodeId),
    Inline(InlineSchema),
}

/// Comment-derived schema overrides of one document, keyed by the position of the node
/// they apply to.
#[derive(Clone, Debug, Default)]
pub struct CommentSchemas {
    by_key: HashMap<(Mark, u8), Entry>,
}

impl CommentSchemas {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when there are no overrides.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Reads the schema comments of `root`, document number `doc` of a stream read with
    /// `krust_yaml::parse_stream_with_comments` (`comments` are that call's comments; those
    /// of other documents are skipped). Each comment applies to the value of the entry or
    /// item that owns it (the reader's `owner`: the entry on the comment's line, or the next
    /// one for a comment on a line of its own), as kyaml reads a field's schema from a line
    /// or head comment on its key or value. Comments that are not a JSON object with schema
    /// content are ignored, as kyaml ignores them. `$ref`s resolve against `schema`.
    pub fn from_comments(root: &Value, doc: usize, comments: &[Comment], schema: &Schema) -> Self {
        let mut out = CommentSchemas::default();
        // kyaml reads a node's line comment before its head comment.
        let ordered = comments
            .iter()
            .filter(|c| c.trailing)
            .chain(comments.iter().filter(|c| !c.trailing));
        for c in ordered {
            if c.doc != doc {
                continue;
            }
            let Some(owner) = &c.owner else { continue };
            let Some(node) = follow(root, owner) else {
                continue;
            };
            if node.mark.is_none() {
                continue;
            }
            if let Some(entry) = parse_entry(&c.text, schema) {
                out.by_key
                    .entry((node.mark, kind_tag(node)))
                    .or_insert(entry);
            }
        }
        out
    }

    /// Adds an override for `node` (a node of the document), from a comment's text.
    /// Returns whether the text was a schema.
    pub fn insert_text(&mut self, node: &Value, text: &str, schema: &Schema) -> bool {
        match parse_entry(text, schema) {
            Some(e) => {
                self.by_key.insert((node.mark, kind_tag(node)), e);
                true
            }
            None => false,
        }
    }

    pub(crate) fn get(&self, node: &Value) -> Option<Sch<'_>> {
        self.by_key
            .get(&(node.mark, kind_tag(node)))
            .map(|e| match e {
                Entry::Node(n) => Sch::Node(*n),
                Entry::Inline(i) => Sch::Inline(i),
            })
    }
}

fn follow<'v>(root: &'v Value, path: &[PathStep]) -> Option<&'v Value> {
    path.iter().try_fold(root, |v, step| match step {
        PathStep::Key(k) => v.get(k),
        PathStep::Index(i) => v.get_index(*i),
    })
}

/// A comment's text as a schema: a JSON object that kyaml would read something from.
fn parse_entry(text: &str, schema: &Schema) -> Option<Entry> {
    let text = text.trim_start_matches('#').trim();
    if !text.starts_with('{') {
        return None;
    }
    let v = krust_yaml::parse_document(text, "<comment>", Typing::Kyaml).ok()?;
    match InlineSchema::from_value(&v, schema)? {
        Ok(i) => Some(Entry::Inline(i)),
        Err(n) => Some(Entry::Node(n)),
    }
}

/// Node kind, so that a block sequence and its first item (which start at the same
/// position) are told apart.
fn kind_tag(v: &Value) -> u8 {
    match v.data {
        Data::Map(_) => 1,
        Data::Seq(_) => 2,
        _ => 0,
    }
}
