//! Schemas written in YAML comments (kyaml `fieldmeta`): a line or head comment holding an
//! OpenAPI schema as JSON, such as
//! `containers: # {"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge"}`
//! or `# {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}`, overrides the schema of
//! the node it is attached to.
//!
//! The value tree has no comments, so [`CommentSchemas::from_comments`] attaches each comment
//! to a node by position: a comment after a scalar or flow collection on the same line
//! belongs to the last such node on that line; any other comment (after a key whose block
//! value starts on the next line, or on a line of its own above a node) belongs to the
//! first node that starts after it. This matches where go-yaml puts line and head comments
//! in the cases that matter (a comment on a field's key or value).

use std::collections::HashMap;

use krust_model::openapi::{InlineSchema, NodeId, Schema};
use krust_yaml::{Data, Mark, Style, Typing, Value};

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
    by_mark: HashMap<Mark, Entry>,
}

impl CommentSchemas {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when there are no overrides.
    pub fn is_empty(&self) -> bool {
        self.by_mark.is_empty()
    }

    /// Reads the schema comments of `root` (a document read with
    /// `krust_yaml::parse_stream_with_comments`; `comments` are that call's comments as
    /// `(position of '#', text after the '#'s)`). Comments that are not a JSON object with
    /// schema content are ignored, as kyaml ignores them. `$ref`s resolve against `schema`.
    pub fn from_comments<'c>(
        root: &Value,
        comments: impl IntoIterator<Item = (Mark, &'c str)>,
        schema: &Schema,
    ) -> Self {
        let mut out = CommentSchemas::default();
        let mut parsed: Vec<(Mark, Entry)> = Vec::new();
        for (mark, text) in comments {
            let text = text.trim_start_matches('#').trim();
            if !text.starts_with('{') {
                continue;
            }
            let Ok(v) = krust_yaml::parse_document(text, "<comment>", Typing::Kyaml) else {
                continue;
            };
            match InlineSchema::from_value(&v, schema) {
                Some(Ok(i)) => parsed.push((mark, Entry::Inline(i))),
                Some(Err(n)) => parsed.push((mark, Entry::Node(n))),
                None => {}
            }
        }
        if parsed.is_empty() {
            return out;
        }
        let mut nodes: Vec<(Mark, bool)> = Vec::new();
        collect(root, &mut nodes);
        for (mark, entry) in parsed {
            let same_line = nodes
                .iter()
                .rev()
                .find(|(m, inline)| *inline && m.line == mark.line && m.col < mark.col)
                .map(|(m, _)| *m);
            let target = same_line.or_else(|| {
                nodes
                    .iter()
                    .find(|(m, _)| m.line > mark.line)
                    .map(|(m, _)| *m)
            });
            if let Some(t) = target {
                out.by_mark.entry(t).or_insert(entry);
            }
        }
        out
    }

    /// Adds an override for the node at `mark`, from a comment's text. Returns whether the
    /// text was a schema.
    pub fn insert_text(&mut self, mark: Mark, text: &str, schema: &Schema) -> bool {
        let text = text.trim_start_matches('#').trim();
        let Ok(v) = krust_yaml::parse_document(text, "<comment>", Typing::Kyaml) else {
            return false;
        };
        match InlineSchema::from_value(&v, schema) {
            Some(Ok(i)) => self.by_mark.insert(mark, Entry::Inline(i)),
            Some(Err(n)) => self.by_mark.insert(mark, Entry::Node(n)),
            None => return false,
        };
        true
    }

    pub(crate) fn get(&self, mark: Mark) -> Option<Sch<'_>> {
        self.by_mark.get(&mark).map(|e| match e {
            Entry::Node(n) => Sch::Node(*n),
            Entry::Inline(i) => Sch::Inline(i),
        })
    }
}

/// Pre-order positions of every node; `true` for nodes that end on their first line
/// (scalars and flow collections).
fn collect(v: &Value, out: &mut Vec<(Mark, bool)>) {
    let inline = !matches!(v.data, Data::Map(_) | Data::Seq(_)) || v.style == Style::Flow;
    if !v.mark.is_none() {
        out.push((v.mark, inline));
    }
    match &v.data {
        Data::Map(m) => m.values().for_each(|c| collect(c, out)),
        Data::Seq(s) => s.iter().for_each(|c| collect(c, out)),
        _ => {}
    }
}
