//! Building [`Value`] trees from saphyr-parser events.
//!
//! The builder is iterative (an explicit stack of open collections), so input nesting
//! never turns into native recursion; [`Limits::max_depth`] bounds the nesting because every
//! later stage (merge, print, drop) walks trees recursively. Aliases share the anchored
//! subtree; the number of nodes a document expands to is bounded by [`Limits::max_nodes`] so
//! an alias bomb fails fast instead of exhausting memory in a later stage.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::repair::Inserts;
use super::resolve::{format_float_key, resolve_plain, resolve_tagged, CoreTag, Resolved};
use super::{Limits, PathStep, Typing};
use crate::{Data, Error, Key, Map, Mark, Str, Style, Value};

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

/// Char index → byte offset (saphyr reports positions in characters). For non-ASCII text a
/// cursor walks from the last position asked for: the parser's positions mostly increase,
/// so the walks add up to one pass over the text.
pub(crate) struct CharIndex<'a> {
    pub(crate) src: &'a str,
    ascii: bool,
    /// (char index, byte offset) of the last lookup.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        CharIndex {
            src,
            ascii: src.is_ascii(),
            cursor: std::cell::Cell::new((0, 0)),
        }
    }
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.src.len());
        }
        let (mut c, mut b) = self.cursor.get();
        if char_index < c / 2 {
            (c, b) = (0, 0);
        }
        while c < char_index {
            match self.src.get(b..).and_then(|t| t.chars().next()) {
                Some(ch) => b += ch.len_utf8(),
                None => break,
            }
            c += 1;
        }
        while c > char_index {
            match self.src.get(..b).and_then(|t| t.chars().next_back()) {
                Some(ch) => b -= ch.len_utf8(),
                None => break,
            }
            c -= 1;
        }
        self.cursor.set((c, b));
        b
    }
    fn char_at(&self, char_index: usize) -> Option<char> {
        self.src
            .get(self.byte(char_index)..)
            .and_then(|s| s.chars().next())
    }
}

/// A finished mapping: entries, expanded size, and the part of it merge keys copied in.
type Built = (Map, u64, u64);

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

    /// kyaml splits a stream into documents and gives every document but the last its line
    /// break back, so a block scalar that ends a file with no final newline has no final
    /// line break in kustomize (`|` + `x` at end of file is `"x"`); saphyr-parser adds one.
    fn unbroken_at_eof<'t>(
        &self,
        text: std::borrow::Cow<'t, str>,
        style: ScalarStyle,
        span: &Span,
    ) -> std::borrow::Cow<'t, str> {
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let src = self.index.src;
        if !block || self.typing != Typing::Kyaml || src.ends_with('\n') || !text.ends_with('\n') {
            return text;
        }
        // The scalar runs to the end of the text (only blanks may follow it).
        let end = self.index.byte(span.end.index());
        if !src
            .get(end..)
            .is_some_and(|rest| rest.trim_matches([' ', '\t']).is_empty())
        {
            return text;
        }
        // The last line is cut short by the end of the text. go-yaml ends the scalar there
        // without a break for that line; saphyr-parser counts it as a line (with a break)
        // when it holds content or is blank but as deep as the indentation, and not when it
        // is blank and shallower (`|` + `b` + `  ` at the end is `"b\n"`).
        let last = src.rsplit('\n').next().unwrap_or(src);
        if last.trim_matches([' ', '\t']).is_empty()
            && last.chars().count() < content_indent(src, self.index.byte(span.start.index()))
        {
            return text;
        }
        let mut t = text.into_owned();
        t.pop();
        std::borrow::Cow::Owned(t)
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

    /// go-yaml knows no `\/` escape (YAML 1.2 added it; saphyr accepts it).
    fn check_escapes(&self, span: &Span, mark: Mark) -> Result<(), Error> {
        let (a, b) = (
            self.index.byte(span.start.index()),
            self.index.byte(span.end.index()),
        );
        let Some(src) = self.index.src.get(a..b) else {
            return Ok(());
        };
        if !src.contains("\\/") {
            return Ok(());
        }
        let mut bytes = src.bytes();
        while let Some(c) = bytes.next() {
            if c == b'\\' && bytes.next() == Some(b'/') {
                return Err(Error::Syntax {
                    file: self.file.to_string(),
                    mark,
                    message: "found unknown escape character while parsing a quoted scalar".into(),
                });
            }
        }
        Ok(())
    }

    /// Where the `|` or `>` of a block scalar is (go-yaml's position for the node), with
    /// the byte offsets of its line and of the indicator; the parser's span starts at the
    /// content. Scalars with an anchor or tag keep the span's start, which is where go-yaml
    /// puts them too (and get no offsets).
    fn block_header(&self, span: &Span) -> Option<(usize, usize, Mark)> {
        let src = self.index.src;
        let start = self.index.byte(span.start.index());
        if matches!(src.get(start..)?.chars().next(), Some('&' | '!')) {
            return None;
        }
        let mut line_no = span.start.line();
        let mut end = src.get(..start)?.rfind('\n')?;
        loop {
            let line_start = src.get(..end)?.rfind('\n').map_or(0, |i| i + 1);
            let line = src.get(line_start..end)?;
            line_no = line_no.checked_sub(1)?;
            if !line.trim().is_empty() {
                let col = header_indicator(line)?;
                let col0 = line.get(..col)?.chars().count();
                return Some((line_start, line_start + col, self.mark_at(line_no, col0)));
            }
            end = line_start.checked_sub(1)?;
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

    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        mark: Mark,
        want_text: bool,
        as_key: bool,
    ) -> Result<Node, Error> {
        let in_flow = self.flow_depth > 0 && self.typing == Typing::Kyaml;
        // go-yaml (YAML 1.1) breaks lines at NEL, LS and PS; saphyr keeps them in a plain
        // scalar, where go-yaml would see a broken line.
        if style == ScalarStyle::Plain && text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
            return Err(Error::Syntax {
                file: self.file.to_string(),
                mark,
                message: "could not find expected ':' (NEL, LS and PS break lines in YAML 1.1)"
                    .into(),
            });
        }
        let plain = style == ScalarStyle::Plain;
        let vstyle = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        // A tag go-yaml resolves: none or the non-specific `!` (typed by style), or a core tag.
        let core = match tag {
            None => None,
            Some(t) if t.handle == "!" && t.suffix.is_empty() => None,
            Some(t) if t.handle.is_empty() && t.suffix == "!" => None,
            Some(t) if t.is_yaml_core_schema() => match CoreTag::from_suffix(&t.suffix) {
                Some(c) => Some(c),
                // An unknown core tag (`!!set`) is not resolvable: the text is a string.
                None => Some(CoreTag::Str),
            },
            // A local or global tag go-yaml does not know: the text is a string, but not a
            // `!!str` for mapping-key purposes.
            Some(_) => {
                return Ok(Node {
                    value: Value::with_mark(Data::String(Str::from(text)), mark, vstyle),
                    text: Some(Str::from(text)),
                    tag: KeyTag::Other,
                    size: 1,
                })
            }
        };
        let resolved = match core {
            // kyaml re-encodes the node before decoding it, and an empty plain scalar in a
            // flow collection or as a key is written as '' there: the empty string, not null.
            None if plain
                && text.is_empty()
                && (in_flow || (as_key && self.typing == Typing::Kyaml)) =>
            {
                Resolved::Str
            }
            None if plain => resolve_plain(text, self.typing),
            None => Resolved::Str,
            Some(CoreTag::Binary) => {
                let decoded = decode_base64(text).ok_or_else(|| {
                    self.invalid(mark, "!!binary value contains invalid base64 data".into())
                })?;
                let s = Str::from(String::from_utf8_lossy(&decoded).as_ref());
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Other,
                    size: 1,
                });
            }
            Some(c) => resolve_tagged(text, c, self.typing).map_err(|m| self.invalid(mark, m))?,
        };
        let (data, tag, vstyle) = match resolved {
            Resolved::Null => {
                let st = if text.is_empty() && plain && tag.is_none() {
                    Style::Empty
                } else {
                    vstyle
                };
                (Data::Null, KeyTag::Other, st)
            }
            Resolved::Bool(b) => (Data::Bool(b), KeyTag::Other, vstyle),
            Resolved::Int(i) => (Data::Int(i), KeyTag::Other, vstyle),
            Resolved::Uint(u) => (Data::Uint(u), KeyTag::Other, vstyle),
            Resolved::Float(f) => (Data::Float(f), KeyTag::Other, vstyle),
            Resolved::Str => {
                let s = intern(text);
                // An empty value in a flow mapping is the empty string once kyaml re-encodes
                // it, but a strategic merge sees the node before that, an implicit null it
                // drops from the target: keep `Style::Empty` so the merge can tell.
                let vstyle = if plain && text.is_empty() && in_flow && !as_key && tag.is_none() {
                    Style::Empty
                } else {
                    vstyle
                };
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Str,
                    size: 1,
                });
            }
            // kyaml re-encodes the node before decoding it: inside a flow collection a plain
            // scalar with a `:` gets quoted, so a date-time with a time stays text.
            Resolved::Timestamp(_) if in_flow && core.is_none() && text.contains(':') => {
                let s = Str::from(text);
                return Ok(Node {
                    value: Value::with_mark(Data::String(s.clone()), mark, vstyle),
                    text: Some(s),
                    tag: KeyTag::Str,
                    size: 1,
                });
            }
            Resolved::Timestamp(Ok(s)) => {
                // kyaml reads annotation values from `yaml.Node.Value`, the written text, not
                // the RFC 3339 form the JSON round trip makes of a date.
                let mut value = Value::with_mark(Data::String(Str::from(s)), mark, vstyle);
                if value.as_str() != Some(text) {
                    value.set_source_text(text);
                }
                return Ok(Node {
                    value,
                    text: want_text.then(|| Str::from(text)),
                    tag: KeyTag::Other,
                    size: 1,
                });
            }
            // As a key the text is used (at the root) or rejected (below it) anyway.
            Resolved::Timestamp(Err(_)) if as_key => {
                (Data::String(Str::from(text)), KeyTag::Other, vstyle)
            }
            Resolved::Timestamp(Err(m)) => return Err(self.invalid(mark, m)),
            Resolved::Merge => (Data::String(Str::from(text)), KeyTag::Merge, vstyle),
        };
        let mut value = Value::with_mark(data, mark, vstyle);
        if !value.is_string() {
            value.set_source_text(text);
        }
        Ok(Node {
            value,
            text: want_text.then(|| Str::from(text)),
            tag,
            size: 1,
        })
    }

    /// kyaml: go-yaml v3 rejects duplicate keys; kyaml's `DeAnchor` expands `<<` (explicit keys
    /// win, earlier merged maps win); converting to JSON needs string keys below the root (the
    /// root's keys are decoded into `map[string]interface{}`, which takes any scalar's text).
    fn map_kyaml(&self, entries: Vec<(Node, Node)>, at_root: bool) -> Result<Built, Error> {
        if !self.first_key_wins {
            self.check_duplicates(&entries)?;
        }
        // The last `<<` entry's value (rare: cloned so the entries can be moved below).
        let merge = entries
            .iter()
            .rev()
            .find(|(k, _)| k.tag == KeyTag::Merge)
            .map(|(_, v)| v.clone());
        let merge = merge.as_ref();
        let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
        let mut size: u64 = 1;
        for (k, v) in entries {
            // kyaml's DeAnchor clears every field named `<<`, quoted or not.
            if k.tag == KeyTag::Merge || k.text.as_deref() == Some("<<") {
                continue;
            }
            let key: Key = match (k.tag, &k.text) {
                (KeyTag::Str, Some(t)) => Key::new(t.clone()),
                (KeyTag::Seq | KeyTag::Map, _) | (_, None) => {
                    return Err(self.invalid(k.value.mark, "a mapping key must be a scalar".into()));
                }
                (_, Some(t)) if at_root => {
                    if k.value.is_null() {
                        // go-yaml drops the entry when decoding, and kustomize's round trip
                        // then fails on the key; fail here.
                        return Err(self.invalid(
                            k.value.mark,
                            "a null mapping key cannot be converted to JSON".into(),
                        ));
                    }
                    Key::new(t.clone())
                }
                // Below the root a non-string key survives in kyaml's node tree (a strategic
                // merge may still match it against a string key of the same text); it only
                // fails when the object is converted to JSON, so the printer refuses it.
                (_, Some(t)) => Key::non_string(t.clone()),
            };
            if self.first_key_wins && map.contains_key(&key) {
                continue;
            }
            size = size.saturating_add(1).saturating_add(v.size);
            map.insert(key, v.value);
        }
        let mut merged_size = 0u64;
        if let Some(m) = merge {
            let sources = self.merge_sources(m)?;
            let mut merged = Map::default();
            // kyaml applies the sources last-to-first so the first one wins.
            for src in sources.iter().rev() {
                for (k, v) in src.iter() {
                    if map.contains_key(k) {
                        continue;
                    }
                    merged.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in merged {
                let n = 1u64.saturating_add(self.size_of(&v));
                size = size.saturating_add(n);
                merged_size = merged_size.saturating_add(n);
                map.insert(k, v);
            }
        }
        Ok((map, size, merged_size))
    }

    /// go-yaml v3 compares keys by kind and written text (so `1` and `"1"` collide).
    fn check_duplicates(&self, entries: &[(Node, Node)]) -> Result<(), Error> {
        fn ident(k: &Node) -> (KeyTag, &str) {
            let kind = match k.tag {
                KeyTag::Seq | KeyTag::Map => k.tag,
                _ => KeyTag::Str,
            };
            (kind, k.text.as_deref().unwrap_or(""))
        }
        let dup = |k: &Node| Error::DuplicateKey {
            file: self.file.to_string(),
            mark: k.value.mark,
            key: ident(k).1.to_string(),
        };
        // Small maps (nearly all) are cheaper to scan than to hash.
        if entries.len() <= 16 {
            for (i, (k, _)) in entries.iter().enumerate() {
                let id = ident(k);
                if entries.iter().take(i).any(|(p, _)| ident(p) == id) {
                    return Err(dup(k));
                }
            }
        } else {
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            for (k, _) in entries {
                if !seen.insert(ident(k)) {
                    return Err(dup(k));
                }
            }
        }
        Ok(())
    }

    /// The maps a `<<` value names: a map, or a sequence of maps, in order.
    fn merge_sources<'n>(&self, v: &'n Node) -> Result<Vec<&'n Map>, Error> {
        match &v.value.data {
            Data::Map(m) => Ok(vec![m]),
            Data::Seq(items) => items
                .iter()
                .map(|item| match &item.data {
                    Data::Map(m) => Ok(&**m),
                    _ => Err(self.invalid(
                        item.mark,
                        "map merge requires map or sequence of maps as the value".into(),
                    )),
                })
                .collect(),
            _ => Err(self.invalid(
                v.value.mark,
                "map merge requires map or sequence of maps as the value".into(),
            )),
        }
    }

    /// go-yaml v2 through sigs.k8s.io/yaml: keys and `<<` are applied in order (a later key
    /// overwrites), merged sequences apply last-to-first, and scalar keys become strings the
    /// way sigs.k8s.io/yaml converts them.
    fn map_yaml11(&self, entries: Vec<(Node, Node)>) -> Result<Built, Error> {
        let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
        // Overwritten entries are counted too: the bound only needs to be conservative.
        let mut size = 1u64;
        let mut merged_size = 0u64;
        for (k, v) in entries {
            if k.tag == KeyTag::Merge {
                for src in self.merge_sources(&v)?.iter().rev() {
                    for (mk, mv) in src.iter() {
                        let n = 1u64.saturating_add(self.size_of(mv));
                        merged_size = merged_size.saturating_add(n);
                        size = size.saturating_add(n);
                        map.insert(mk.clone(), mv.clone());
                    }
                }
                continue;
            }
            let key = yaml11_key(&k.value).map_err(|m| self.invalid(k.value.mark, m.into()))?;
            size = size.saturating_add(1).saturating_add(v.size);
            map.insert(Key::new(key), v.value);
        }
        Ok((map, size, merged_size))
    }
}

/// Longest text [`intern`] shares.
const INTERN_MAX_LEN: usize = 48;
/// Most distinct texts [`intern`] keeps per thread (about 5 MB at most).
const INTERN_MAX_ENTRIES: usize = 1 << 16;

thread_local! {
    /// Short strings already read on this thread: keys (`apiVersion`, `name`, ...) and the
    /// values a fleet repeats (labels, images, namespaces) share one allocation.
    static INTERNED: std::cell::RefCell<crate::hash::FastHashSet<Str>> =
        std::cell::RefCell::new(crate::hash::FastHashSet::default());
}

/// `text` as a shared string, the same allocation for every short text seen before on this
/// thread. Strings are immutable and compared by content, so sharing never shows in output;
/// it saves an allocation per key and most of a build's string memory. The table is
/// bounded ([`INTERN_MAX_ENTRIES`] texts of at most [`INTERN_MAX_LEN`] bytes); once it is
/// full, new texts are allocated as usual.
fn intern(text: &str) -> Str {
    if text.len() > INTERN_MAX_LEN {
        return Str::from(text);
    }
    INTERNED.with(|t| {
        let Ok(mut set) = t.try_borrow_mut() else {
            return Str::from(text);
        };
        if let Some(s) = set.get(text) {
            return s.clone();
        }
        let s = Str::from(text);
        if set.len() < INTERN_MAX_ENTRIES {
            set.insert(s.clone());
        }
        s
    })
}

/// The byte offset just past the closing quote of the quoted scalar at or after `from`
/// (after any anchor or tag).
fn quoted_end(src: &str, from: usize, double: bool) -> Option<usize> {
    let q = if double { b'"' } else { b'\'' };
    let bytes = src.as_bytes();
    let mut i = from + src.get(from..)?.bytes().position(|b| b == q)? + 1;
    loop {
        match *bytes.get(i)? {
            b'\\' if double => i += 2,
            b'\'' if !double && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The indentation of a block scalar's first non-blank content line, from a byte offset
/// in (or at the start of) its first content line.
fn content_indent(src: &str, from: usize) -> usize {
    let start = src
        .get(..from)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    src.get(start..)
        .unwrap_or("")
        .split('\n')
        .find(|l| !l.trim_matches([' ', '\t']).is_empty())
        .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
}

/// go-yaml's `yaml_parser_scan_block_scalar_breaks`: while a block scalar's indentation is
/// not known yet, or a line is indented less than it, a tab after the leading spaces is an
/// error (`found a tab character where an indentation space is expected`), where YAML and
/// saphyr-parser read the tab as content (`>-` + `    \tx`) or as the end of the scalar.
/// `line_start` and `ind` are the byte offsets of the header line and its `|`/`>`.
fn tab_in_block_indentation(src: &str, line_start: usize, ind: usize) -> bool {
    tab_check(src, line_start, ind).unwrap_or(false)
}

fn tab_check(src: &str, line_start: usize, ind: usize) -> Option<bool> {
    let text = src.get(line_start..)?;
    let header_len = text.find('\n')?;
    let header = text.get(..header_len)?;
    let mut rest = text.get(header_len + 1..)?;
    let after = src.get(ind + 1..line_start + header_len)?;
    // The enclosing block's indentation (go-yaml's parser.indent): the column of the key
    // or of the last `- ` of the header line.
    let lead = header.len() - header.trim_start_matches(' ').len();
    let mut parent = lead;
    let mut col = lead;
    let mut tail = header.get(lead..)?;
    while let Some(t) = tail.strip_prefix("- ") {
        parent = col;
        let spaces = t.len() - t.trim_start_matches(' ').len();
        col += 2 + spaces;
        tail = t.get(spaces..)?;
    }
    if ind - line_start > col {
        parent = col;
    }
    let explicit = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '+' || *c == '-')
        .find_map(|c| c.to_digit(10))
        .and_then(|d| usize::try_from(d).ok());
    let mut indent = explicit.map_or(0, |d| parent + d);
    let mut determined = indent != 0;
    let mut max_indent = 0;
    loop {
        // The line breaks and indentation before the next content line.
        let col = loop {
            let line = rest.split('\n').next().unwrap_or("");
            let b = line.as_bytes();
            let mut c = 0;
            while (!determined || c < indent) && b.get(c) == Some(&b' ') {
                c += 1;
            }
            max_indent = max_indent.max(c);
            if (!determined || c < indent) && b.get(c) == Some(&b'\t') {
                return Some(true);
            }
            if c < line.len() || line.len() == rest.len() {
                break c;
            }
            rest = rest.get(line.len() + 1..)?;
        };
        if !determined {
            indent = max_indent.max(parent + 1).max(1);
            determined = true;
        }
        let line = rest.split('\n').next().unwrap_or("");
        if col != indent || line.len() == rest.len() {
            return Some(false);
        }
        rest = rest.get(line.len() + 1..)?;
    }
}

/// The byte offset of a block scalar header's `|` or `>` in its line: the first one after
/// a blank (or at the line start) followed only by indentation and chomping indicators,
/// blanks and an optional comment.
fn header_indicator(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| {
        matches!(b[i], b'|' | b'>') && (i == 0 || matches!(b[i - 1], b' ' | b'\t')) && {
            let rest = &line[i + 1..];
            let rest =
                rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.is_empty() || rest.starts_with('#')
        }
    })
}

/// How sigs.k8s.io/yaml turns a go-yaml v2 key into a JSON object key.
fn yaml11_key(k: &Value) -> Result<Str, &'static str> {
    Ok(match &k.data {
        Data::String(s) => s.clone(),
        Data::Int(i) => Str::from(i.to_string()),
        Data::Float(f) => Str::from(format_float_key(*f)),
        Data::Bool(b) => Str::from(if *b { "true" } else { "false" }),
        Data::Null => return Err("unsupported map key of type: <nil>"),
        Data::Uint(_) => return Err("unsupported map key of type: uint64"),
        Data::Seq(_) | Data::Map(_) => {
            return Err("invalid map key: a mapping key must be a scalar")
        }
    })
}

/// Standard base64 with padding, skipping line breaks (as Go's decoder does).
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut buf = 0u32;
    let mut n = 0u32;
    let mut pad = 0usize;
    for c in s.bytes() {
        let v = match c {
            b'\r' | b'\n' => continue,
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                buf <<= 6;
                n += 1;
                if n == 4 {
                    n = 0;
                    let bytes = [(buf >> 16) as u8, (buf >> 8) as u8, buf as u8];
                    out.extend_from_slice(&bytes[..3usize.checked_sub(pad)?]);
                    buf = 0;
                }
                continue;
            }
            _ => return None,
        };
        if pad > 0 {
            return None;
        }
        buf = (buf << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(buf >> 16) as u8, (buf >> 8) as u8, buf as u8]);
            buf = 0;
            n = 0;
        }
    }
    if n != 0 || pad > 2 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVs\nbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(decode_base64("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("aGk"), None);
        assert_eq!(decode_base64("a=Gk"), None);
    }
}
