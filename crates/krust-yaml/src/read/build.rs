//! Building [`Value`] trees from saphyr-parser events.
//!
//! The builder is iterative (an explicit stack of open collections), so input nesting
//! never turns into native recursion; [`Limits::max_depth`] bounds the nesting because every
//! later stage (merge, print, drop) walks trees recursively. Aliases share the anchored
//! subtree; the number of nodes a document expands to is bounded by [`Limits::max_nodes`] so
//! an alias bomb fails fast instead of exhausting memory in a later stage.
//!
//! This file holds the event loop and the stack of open collections; the rest is split by
//! concern: [`chars`] maps the parser's character positions to bytes, [`scalar`] types a
//! scalar, [`mapping`] finishes a mapping (duplicate keys, `<<` merges, key conversion), and
//! [`goyaml`] holds the checks where go-yaml reads the written text differently from
//! saphyr-parser (tabs in block indentation, `\/` escapes, block scalars at end of file).

mod chars;
mod goyaml;
mod mapping;
mod scalar;
pub use scalar::decode_base64;

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::repair::Inserts;
use super::{Limits, PathStep, Typing};
use crate::{Data, Error, Mark, Str, Style, Value};
use chars::CharIndex;
use goyaml::{quoted_end, tab_in_block_indentation};
use mapping::yaml11_key;

/// What a finished node knows beyond its value: what it would be as a mapping key.
#[derive(Clone, Debug)]
struct Node {
    value: Value,
    /// The scalar's text (for `!!binary`, the decoded text); `None` for collections.
    text: Option<Str>,
    /// go-yaml's resolved tag of the node.
    tag: KeyTag,
    /// Nodes in the expanded subtree.
    size: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum KeyTag {
    Str,
    Merge,
    /// A scalar of another type, or a tag go-yaml does not treat as a string.
    Other,
    Seq,
    Map,
}

enum Frame {
    Seq {
        items: Vec<Value>,
        mark: Mark,
        style: Style,
        anchor: usize,
        size: u64,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        mark: Mark,
        style: Style,
        anchor: usize,
    },
}

/// The address of a collection's shared storage: its identity while it is alive.
fn collection_ptr(v: &Value) -> Option<usize> {
    match &v.data {
        Data::Map(m) => Some(Arc::as_ptr(m) as *const () as usize),
        Data::Seq(s) => Some(Arc::as_ptr(s) as *const () as usize),
        _ => None,
    }
}

/// A scalar's span, in bytes, for the comment scanner.
pub(crate) type ByteSpan = (usize, usize);

pub(crate) struct Builder<'a> {
    file: &'a str,
    typing: Typing,
    index: CharIndex<'a>,
    anchors: HashMap<usize, Node>,
    stack: Vec<Frame>,
    root: Option<Node>,
    doc_mark: Mark,
    doc_nodes: u64,
    /// How many open collections are flow collections.
    flow_depth: usize,
    /// Expanded sizes of the collections built so far, by storage address (kept once the
    /// document has an anchor).
    coll_sizes: HashMap<usize, u64>,
    anchor_seen: bool,
    docs: Vec<Value>,
    /// Collected only when comments are wanted.
    pub(crate) scalar_spans: Option<Vec<ByteSpan>>,
    /// Positions of mapping keys and sequence items, collected with the spans.
    entries: Vec<Entry>,
    /// Documents before this chunk.
    doc_base: usize,
    /// Where the text being parsed starts in its file (a chunk of a kyaml-split stream).
    at: ChunkStart,
    /// Stop after the first document (go-yaml's decoder reads one document per chunk).
    first_only: bool,
    /// Spaces the repairs added to the text.
    inserts: &'a Inserts,
    /// A key written twice keeps its first value instead of failing (kyaml typing).
    pub(crate) first_key_wins: bool,
    /// The text has U+FDD0 in place of each U+FEFF inside a line ([`super::swap_boms`]):
    /// scalars get U+FEFF back.
    pub(crate) boms_swapped: bool,
    /// Bounds on expansion and nesting.
    pub(crate) limits: Limits,
}

/// A failed run: the error, and for a scanner error its message, byte offset and 1-based
/// line in the parsed text (what a repair needs).
pub(crate) type RunError = (Error, Option<(String, usize, usize)>);

/// Where a parsed chunk starts in its file.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ChunkStart {
    /// Lines before the chunk.
    pub(crate) lines: usize,
    /// Bytes before the chunk.
    pub(crate) bytes: usize,
    /// Documents before the chunk.
    pub(crate) docs: usize,
}

/// Where a mapping key or sequence item starts, and its path from the document root.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) mark: Mark,
    pub(crate) doc: usize,
    pub(crate) path: Vec<PathStep>,
}

/// What [`Builder::run`] collects for the comment scanner.
pub(crate) type Collected = (Vec<ByteSpan>, Vec<Entry>);

impl<'a> Builder<'a> {
    pub(crate) fn new(
        src: &'a str,
        file: &'a str,
        typing: Typing,
        want_spans: bool,
        at: ChunkStart,
        first_only: bool,
        inserts: &'a Inserts,
    ) -> Self {
        Builder {
            at,
            first_only,
            inserts,
            file,
            typing,
            index: CharIndex::new(src),
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
            doc_mark: Mark::new(
                u32::try_from(at.lines.saturating_add(1)).unwrap_or(u32::MAX),
                1,
            ),
            doc_nodes: 0,
            flow_depth: 0,
            coll_sizes: HashMap::new(),
            anchor_seen: false,
            docs: Vec::new(),
            scalar_spans: want_spans.then(Vec::new),
            entries: Vec::new(),
            doc_base: at.docs,
            first_key_wins: false,
            boms_swapped: false,
            limits: Limits::DEFAULT,
        }
    }

    /// Runs the parser to the end of the stream.
    pub(crate) fn run(mut self, src: &'a str) -> Result<(Vec<Value>, Option<Collected>), RunError> {
        let mut parser = Parser::new_from_str(src);
        while let Some(ev) = parser.next_event() {
            let (event, span) = match ev {
                Ok(ev) => ev,
                Err(e) => {
                    let m = e.marker();
                    let error = Error::Syntax {
                        file: self.file.to_string(),
                        mark: self.mark_at(m.line(), m.col()),
                        message: e.info().to_string(),
                    };
                    let raw = (e.info().to_string(), self.index.byte(m.index()), m.line());
                    return Err((error, Some(raw)));
                }
            };
            if self.event(event, span).map_err(|e| (e, None))?
                || (self.first_only && !self.docs.is_empty())
            {
                break;
            }
        }
        let entries = self.entries;
        Ok((self.docs, self.scalar_spans.map(|s| (s, entries))))
    }

    /// Builds from events the fast scanner produced (see [`super::fast`]).
    pub(crate) fn run_events(
        mut self,
        events: Vec<super::fast::Ev<'_>>,
    ) -> Result<(Vec<Value>, Option<Collected>), Error> {
        for (event, span) in events {
            if self.event(event, span)? || (self.first_only && !self.docs.is_empty()) {
                break;
            }
        }
        let entries = self.entries;
        Ok((self.docs, self.scalar_spans.map(|s| (s, entries))))
    }

    /// A file position from a chunk's 1-based line and 0-based column.
    fn mark_at(&self, line: usize, col0: usize) -> Mark {
        let col0 = if self.inserts.is_empty() {
            col0
        } else {
            col0.saturating_sub(self.inserts.cols(line, col0))
        };
        let line = line.saturating_add(self.at.lines);
        Mark::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col0.saturating_add(1)).unwrap_or(u32::MAX),
        )
    }

    fn limit(&self, mark: Mark, message: String) -> Error {
        Error::Limit {
            file: self.file.to_string(),
            mark,
            message,
        }
    }
    fn invalid(&self, mark: Mark, message: String) -> Error {
        Error::Invalid {
            file: self.file.to_string(),
            mark,
            message,
        }
    }

    fn count(&mut self, n: u64, mark: Mark) -> Result<(), Error> {
        self.doc_nodes = self.doc_nodes.saturating_add(n);
        // Without anchors a document is no bigger than its text: only expansion is bounded.
        if self.doc_nodes > self.limits.max_nodes && self.anchor_seen {
            let max = self.limits.max_nodes;
            return Err(self.limit(
                mark,
                format!("document expands to more than {max} nodes (aliases are expanded)"),
            ));
        }
        Ok(())
    }

    fn push_frame(&mut self, frame: Frame, mark: Mark) -> Result<(), Error> {
        if self.stack.len() >= self.limits.max_depth {
            let max = self.limits.max_depth;
            return Err(self.limit(mark, format!("nesting deeper than {max} levels")));
        }
        if matches!(
            frame,
            Frame::Seq {
                style: Style::Flow,
                ..
            } | Frame::Map {
                style: Style::Flow,
                ..
            }
        ) {
            self.flow_depth += 1;
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Flow collections' start events end just after their `[` or `{` (after any anchor or
    /// tag); block collections' start events are empty.
    fn collection_style(&self, span: &Span) -> Style {
        let end = span.end.index();
        if end > span.start.index() && matches!(self.index.char_at(end - 1), Some('[' | '{')) {
            Style::Flow
        } else {
            Style::Block
        }
    }

    /// Handles one event; returns true at the end of the stream.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, Error> {
        if let Event::Scalar(_, _, a, _) | Event::SequenceStart(a, _) | Event::MappingStart(a, _) =
            event
        {
            self.anchor_seen |= a != 0;
        }
        let mark = self.mark_at(span.start.line(), span.start.col());
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart => {}
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.coll_sizes.clear();
                self.anchor_seen = false;
                self.root = None;
                self.doc_nodes = 0;
                self.doc_mark = mark;
            }
            Event::DocumentEnd => {
                let value = match self.root.take() {
                    Some(node) => node.value,
                    None => Value::with_mark(Data::Null, self.doc_mark, Style::Empty),
                };
                self.docs.push(value);
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id) else {
                    return Err(self.invalid(mark, "alias to an unknown anchor".into()));
                };
                let mut node = node.clone();
                node.value.mark = mark;
                if node.tag != KeyTag::Map && self.in_merge_value() {
                    return Err(self.invalid(
                        mark,
                        "invalid map merge: received alias for a non-map value".into(),
                    ));
                }
                self.count(node.size, mark)?;
                self.finish(node)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if style == ScalarStyle::DoubleQuoted {
                    self.check_escapes(&span, mark)?;
                }
                if let Some(spans) = self.scalar_spans.as_mut() {
                    let start = self.index.byte(span.start.index());
                    // saphyr-parser's span of a quoted scalar ends too far when the scalar
                    // has escapes: find the closing quote.
                    let end = match style {
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                            quoted_end(self.index.src, start, style == ScalarStyle::DoubleQuoted)
                        }
                        _ => None,
                    }
                    .unwrap_or_else(|| self.index.byte(span.end.index()));
                    spans.push((
                        self.at.bytes + self.inserts.original(start),
                        self.at.bytes + self.inserts.original(end),
                    ));
                }
                // The text is kept only where the scalar may serve as a mapping key.
                let as_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                let want_text = as_key || anchor != 0;
                let mark = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => {
                        let header = self.block_header(&span);
                        if let Some((line_start, ind, _)) = header {
                            if tab_in_block_indentation(self.index.src, line_start, ind) {
                                let mark = header.map_or(mark, |(_, _, m)| m);
                                return Err(Error::Syntax {
                                    file: self.file.to_string(),
                                    mark,
                                    message: "found a tab character where an indentation \
                                              space is expected"
                                        .into(),
                                });
                            }
                        }
                        header.map_or(mark, |(_, _, m)| m)
                    }
                    _ => mark,
                };
                let text = self.unbroken_at_eof(text, style, &span);
                let text = if self.boms_swapped && text.contains(super::BOM_STAND_IN) {
                    std::borrow::Cow::Owned(text.replace(super::BOM_STAND_IN, "\u{feff}"))
                } else {
                    text
                };
                let node = self.scalar(&text, style, tag.as_deref(), mark, want_text, as_key)?;
                self.count(1, mark)?;
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node)?;
            }
            Event::SequenceStart(anchor, _tag) => {
                let style = self.collection_style(&span);
                self.push_frame(
                    Frame::Seq {
                        items: Vec::new(),
                        mark,
                        style,
                        anchor,
                        size: 1,
                    },
                    mark,
                )?;
            }
            Event::MappingStart(anchor, _tag) => {
                let style = self.collection_style(&span);
                self.push_frame(
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        mark,
                        style,
                        anchor,
                    },
                    mark,
                )?;
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq {
                    items,
                    mark,
                    style,
                    anchor,
                    size,
                }) = self.stack.pop()
                else {
                    return Err(self.invalid(mark, "unbalanced sequence end".into()));
                };
                if style == Style::Flow {
                    self.flow_depth = self.flow_depth.saturating_sub(1);
                }
                self.count(1, mark)?;
                let node = Node {
                    value: Value::with_mark(Data::Seq(Arc::new(items)), mark, style),
                    text: None,
                    tag: KeyTag::Seq,
                    size,
                };
                self.record_size(&node);
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node)?;
            }
            Event::MappingEnd => {
                let Some(Frame::Map {
                    entries,
                    mark,
                    style,
                    anchor,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(self.invalid(mark, "unbalanced mapping end".into()));
                };
                if style == Style::Flow {
                    self.flow_depth = self.flow_depth.saturating_sub(1);
                }
                self.count(1, mark)?;
                let at_root = self.stack.is_empty();
                let (map, size, merged) = match self.typing {
                    Typing::Kyaml => self.map_kyaml(entries, at_root)?,
                    Typing::Yaml11 => self.map_yaml11(entries)?,
                };
                // Merged entries are copies: they count again.
                self.count(merged, mark)?;
                let node = Node {
                    value: Value::with_mark(Data::Map(Arc::new(map)), mark, style),
                    text: None,
                    tag: KeyTag::Map,
                    size,
                };
                self.record_size(&node);
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node)?;
            }
        }
        Ok(false)
    }

    /// Whether the next node is the value of a `<<` key or an item of a sequence that is.
    fn in_merge_value(&self) -> bool {
        let is_merge_slot = |f: Option<&Frame>| matches!(f, Some(Frame::Map { key: Some(k), .. }) if k.tag == KeyTag::Merge);
        let n = self.stack.len();
        match self.stack.last() {
            Some(Frame::Map { .. }) => is_merge_slot(self.stack.last()),
            Some(Frame::Seq { .. }) => {
                is_merge_slot(n.checked_sub(2).and_then(|i| self.stack.get(i)))
            }
            None => false,
        }
    }

    /// Remembers a collection's expanded size, for when it is merged into another map.
    fn record_size(&mut self, node: &Node) {
        // Without an anchor nothing can be aliased: merged literals are copied once.
        if !self.anchor_seen {
            return;
        }
        if let Some(p) = collection_ptr(&node.value) {
            self.coll_sizes.insert(p, node.size);
        }
    }

    /// The expanded size of a value built in this document.
    fn size_of(&self, v: &Value) -> u64 {
        collection_ptr(v)
            .and_then(|p| self.coll_sizes.get(&p).copied())
            .unwrap_or(1)
    }

    /// Records where a key or item starts, with its path (only when comments are wanted).
    fn record_entry(&mut self, node: &Node) {
        let last = match self.stack.last() {
            Some(Frame::Map { key: None, .. }) => self.path_key(node),
            Some(Frame::Seq { items, .. }) => PathStep::Index(items.len()),
            _ => return,
        };
        let mut path = Vec::with_capacity(self.stack.len());
        for pair in self.stack.windows(2) {
            if let [parent, _] = pair {
                match parent {
                    Frame::Map { key: Some(k), .. } => path.push(self.path_key(k)),
                    Frame::Seq { items, .. } => path.push(PathStep::Index(items.len())),
                    Frame::Map { key: None, .. } => return,
                }
            }
        }
        path.push(last);
        let doc = self.doc_base + self.docs.len();
        self.entries.push(Entry {
            mark: node.value.mark,
            doc,
            path,
        });
    }

    /// The string a key node becomes in the value tree.
    fn path_key(&self, k: &Node) -> PathStep {
        let text = || k.text.clone().unwrap_or_else(|| Str::from(""));
        PathStep::Key(match self.typing {
            Typing::Kyaml => text(),
            Typing::Yaml11 => yaml11_key(&k.value).unwrap_or_else(|_| text()),
        })
    }

    /// Hands a finished node to the open collection, or makes it the document's root.
    fn finish(&mut self, node: Node) -> Result<(), Error> {
        if self.scalar_spans.is_some() {
            self.record_entry(&node);
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, size, .. }) => {
                *size = size.saturating_add(node.size);
                items.push(node.value);
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}
