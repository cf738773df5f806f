//! A fast scanner for the plain block YAML most Kubernetes files are made of.
//!
//! saphyr-parser copies every scalar character by character into a new `String`; on fleet
//! builds that scanner was the largest single cost of a build. Most resource files use a
//! small part of YAML: block mappings and sequences, one-line plain and quoted scalars,
//! literal block scalars and comments. [`events`] reads exactly that part line by line and
//! produces the events saphyr-parser would produce for it (same scalars, styles and
//! positions), borrowing scalar text from the input. It also reads one-line flow sequences
//! of scalars (`drop: ["ALL"]`), empty flow collections (`{}`, `{ }`), the common
//! double-quoted escapes, empty literal scalars and non-ASCII text (positions are counted
//! in characters, as saphyr-parser counts them). Anything else (flow mappings, nested flow
//! collections, anchors, tags, folded scalars, multi-line plain or quoted scalars, rare
//! escapes, tabs, Unicode line breaks and spaces, document markers, anything unusual about
//! indentation) makes it give up, and the caller parses the text with saphyr-parser
//! instead. Giving up is always safe; the tests compare both readers on every YAML file of
//! the project's corpora and on each shape the scanner reads.

use std::borrow::Cow;
use std::cell::Cell;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

/// One parser event and its span, as saphyr-parser reports them.
pub(crate) type Ev<'a> = (Event<'a>, Span);

/// Longest key go-yaml takes as a simple key.
const MAX_KEY: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

#[derive(Clone, Copy, Debug)]
struct Open {
    kind: Kind,
    /// Column of the keys or dashes.
    indent: usize,
    /// A sequence at its parent mapping's indentation (`key:` / `- x`).
    indentless: bool,
    /// The open entry has no value yet; the empty scalar saphyr-parser would report for it
    /// sits here.
    pending: Option<Marker>,
}

/// Why the fast scanner stopped: the text needs the full parser.
struct GiveUp;

type Scan<T> = Result<T, GiveUp>;

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    out: Vec<Ev<'a>>,
    stack: Vec<Open>,
    started: bool,
    root_done: bool,
    /// The current line: 1-based number and byte offset of its start.
    line: usize,
    ls: usize,
    /// Byte offset of the current line's break.
    eol: usize,
    /// An indentless sequence whose start event waits for its first item's position.
    seq_start_pending: bool,
    /// The text is ASCII: byte offsets are character offsets.
    ascii: bool,
    /// The text holds `\/` somewhere (the full reader's escape check then depends on spans
    /// this scanner does not reproduce for escaped scalars).
    has_slash_escape: bool,
    /// (byte offset, character index) of the last offset converted.
    cursor: Cell<(usize, usize)>,
}

/// Non-ASCII characters the scanner leaves to saphyr-parser: Unicode spaces and line
/// breaks, byte-order marks and the reader's stand-in for them, controls and
/// noncharacters (YAML treats some of these specially, or go-yaml does).
fn unusual(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{feff}' | super::BOM_STAND_IN | '\u{fffe}' | '\u{ffff}' | '\u{180e}' | '\u{200b}'
        )
}

/// Characters in `b` (UTF-8): bytes that do not continue a character.
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
}

/// The events of `src`, or `None` when the text is outside what this scanner reads.
pub(crate) fn events(src: &str) -> Option<Vec<Ev<'_>>> {
    let ascii = src.is_ascii();
    if src.contains('\r') || (!src.is_empty() && !src.ends_with('\n')) {
        return None;
    }
    if !ascii && src.chars().any(|c| !c.is_ascii() && unusual(c)) {
        return None;
    }
    let mut s = Scanner {
        src,
        b: src.as_bytes(),
        out: Vec::with_capacity(src.len() / 6),
        stack: Vec::new(),
        started: false,
        root_done: false,
        line: 1,
        ls: 0,
        eol: 0,
        seq_start_pending: false,
        ascii,
        has_slash_escape: src.contains("\\/"),
        cursor: Cell::new((0, 0)),
    };
    s.run().ok()?;
    Some(s.out)
}

impl<'a> Scanner<'a> {
    /// The marker of byte `pos` on the current line (character index and column).
    fn mark(&self, pos: usize) -> Marker {
        if self.ascii {
            return Marker::new(pos, self.line, pos - self.ls);
        }
        let col = self.b.get(self.ls..pos).map_or(0, count_chars);
        Marker::new(self.char_index(pos), self.line, col)
    }

    /// The character index of byte offset `pos` (a character boundary), walking from the
    /// last offset converted (the scanner's offsets mostly increase).
    fn char_index(&self, pos: usize) -> usize {
        if self.ascii {
            return pos;
        }
        let (b, c) = self.cursor.get();
        let c = if pos >= b {
            c + self.b.get(b..pos).map_or(0, count_chars)
        } else {
            c - self.b.get(pos..b).map_or(0, count_chars)
        };
        self.cursor.set((pos, c));
        c
    }

    fn push(&mut self, e: Event<'a>, start: Marker, end: Marker) {
        self.out.push((e, Span::new(start, end)));
    }

    fn line_end(&self, from: usize) -> usize {
        self.b
            .get(from..)
            .and_then(|t| t.iter().position(|&c| c == b'\n'))
            .map_or(self.b.len(), |i| from + i)
    }

    fn run(&mut self) -> Scan<()> {
        let len = self.b.len();
        let mut pos = self.explicit_start()?;
        while pos < len {
            self.ls = pos;
            self.eol = self.line_end(pos);
            let text = &self.b[pos..self.eol];
            if text.contains(&b'\t') {
                return Err(GiveUp);
            }
            let ind = text.iter().take_while(|&&c| c == b' ').count();
            match text.get(ind) {
                None | Some(b'#') => {
                    pos = self.eol + 1;
                    self.line += 1;
                    continue;
                }
                _ => {}
            }
            if ind == 0 && (text.starts_with(b"---") || text.starts_with(b"...") || text[0] == b'%')
            {
                return Err(GiveUp);
            }
            pos = self.content_line(ind)?;
            self.line += 1;
        }
        if !self.started {
            let m = Marker::new(0, 1, 0);
            self.push(Event::StreamStart, m, m);
            self.push(Event::StreamEnd, m, m);
            return Ok(());
        }
        if self.stack.is_empty() && !self.root_done {
            // `---` and nothing after it.
            return Err(GiveUp);
        }
        let end = Marker::new(self.char_index(len), self.line, 0);
        while !self.stack.is_empty() {
            self.pop(end)?;
        }
        self.push(Event::DocumentEnd, end, end);
        self.push(Event::StreamEnd, end, end);
        Ok(())
    }

    /// A `---` line that opens the text (kyaml's split leaves one at the start of a file):
    /// an explicit document start. Returns where the next line starts (0 without one).
    fn explicit_start(&mut self) -> Scan<usize> {
        let b = self.b;
        if !b.starts_with(b"---") || !matches!(b.get(3), Some(b' ' | b'\n')) {
            return Ok(0);
        }
        let eol = self.line_end(0);
        let mut i = 3;
        while i < eol && b[i] == b' ' {
            i += 1;
        }
        if i < eol && !(b[i] == b'#' && i > 3) {
            return Err(GiveUp);
        }
        self.started = true;
        let m = Marker::new(0, 1, 0);
        self.push(Event::StreamStart, m, m);
        self.push(Event::DocumentStart(true), m, Marker::new(3, 1, 3));
        self.line = 2;
        Ok(eol + 1)
    }

    /// Closes the innermost collection.
    fn pop(&mut self, at: Marker) -> Scan<()> {
        let Some(top) = self.stack.pop() else {
            return Err(GiveUp);
        };
        if let Some(m) = top.pending {
            if self.seq_start_pending {
                return Err(GiveUp);
            }
            self.push(
                Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                m,
                m,
            );
        }
        let e = match top.kind {
            Kind::Map => Event::MappingEnd,
            Kind::Seq => Event::SequenceEnd,
        };
        self.push(e, at, at);
        if self.stack.is_empty() {
            self.root_done = true;
        }
        Ok(())
    }

    /// The stream and its implicit document start, at the first content (`at`).
    fn start(&mut self, at: Marker) {
        if !self.started {
            self.started = true;
            let m = Marker::new(0, 1, 0);
            self.push(Event::StreamStart, m, m);
            self.push(Event::DocumentStart(false), at, at);
        }
    }

    /// One line with content at column `ind`; returns where the next line starts.
    fn content_line(&mut self, ind: usize) -> Scan<usize> {
        let p = self.ls + ind;
        let dash = self.b[p] == b'-' && matches!(self.b.get(p + 1), Some(b' ' | b'\n') | None);
        let here = self.mark(p);
        while let Some(top) = self.stack.last() {
            if top.indent > ind || (top.indentless && top.indent == ind && !dash) {
                self.pop(here)?;
            } else {
                break;
            }
        }
        if self.root_done {
            return Err(GiveUp);
        }
        self.start(here);
        let top = self.stack.last().copied();
        if let Some(t) = top {
            if ind > t.indent && t.pending.is_none() {
                return Err(GiveUp);
            }
        }
        if dash {
            match top {
                None => self.open(Kind::Seq, ind, false, here),
                Some(t) if t.kind == Kind::Seq && t.indent == ind => {
                    if let Some(m) = t.pending {
                        self.set_pending(None);
                        self.push(
                            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                            m,
                            m,
                        );
                    }
                }
                Some(t) if t.kind == Kind::Map && t.indent == ind && t.pending.is_some() => {
                    self.set_pending(None);
                    self.stack.push(Open {
                        kind: Kind::Seq,
                        indent: ind,
                        indentless: true,
                        pending: None,
                    });
                    self.seq_start_pending = true;
                }
                Some(t) if t.indent < ind => {
                    self.set_pending(None);
                    self.open(Kind::Seq, ind, false, here);
                }
                Some(_) => return Err(GiveUp),
            }
            let mut c = p + 1;
            while self.b.get(c) == Some(&b' ') {
                c += 1;
            }
            if c >= self.eol || self.b[c] == b'#' {
                if self.seq_start_pending {
                    return Err(GiveUp);
                }
                let m = self.mark(self.eol);
                self.set_pending(Some(m));
                return Ok(self.eol + 1);
            }
            if self.seq_start_pending {
                self.seq_start_pending = false;
                let m = self.mark(c);
                self.push(Event::SequenceStart(0, None), m, m);
            }
            return self.node(c, ind);
        }
        match top {
            None => self.open(Kind::Map, ind, false, here),
            Some(t) if t.kind == Kind::Map && t.indent == ind => {
                if let Some(m) = t.pending {
                    self.set_pending(None);
                    self.push(
                        Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                        m,
                        m,
                    );
                }
            }
            Some(t) if t.indent < ind => {
                self.set_pending(None);
                self.open(Kind::Map, ind, false, here);
            }
            Some(_) => return Err(GiveUp),
        }
        self.entry(p)
    }

    fn set_pending(&mut self, m: Option<Marker>) {
        if let Some(t) = self.stack.last_mut() {
            t.pending = m;
        }
    }

    fn open(&mut self, kind: Kind, indent: usize, indentless: bool, at: Marker) {
        self.stack.push(Open {
            kind,
            indent,
            indentless,
            pending: None,
        });
        let e = match kind {
            Kind::Map => Event::MappingStart(0, None),
            Kind::Seq => Event::SequenceStart(0, None),
        };
        self.push(e, at, at);
    }

    /// A sequence item's content at byte `c` (the item's dash is at column `dash_col`).
    fn node(&mut self, c: usize, dash_col: usize) -> Scan<usize> {
        if self.b[c] == b'-' && matches!(self.b.get(c + 1), Some(b' ' | b'\n') | None) {
            return Err(GiveUp);
        }
        if self.key_end(c)?.is_some() {
            let col = c - self.ls;
            let m = self.mark(c);
            self.open(Kind::Map, col, false, m);
            return self.entry(c);
        }
        self.value(c, dash_col)
    }

    /// Where the key starting at `p` ends: the byte offset of its `:`, or `None` when the
    /// line is not a `key: value` line.
    fn key_end(&self, p: usize) -> Scan<Option<usize>> {
        let b = self.b;
        let eol = self.eol;
        match b[p] {
            b'"' | b'\'' => {
                let close = self.quoted_close(p)?;
                let mut i = close + 1;
                while i < eol && b[i] == b' ' {
                    i += 1;
                }
                if i < eol && b[i] == b':' && (i + 1 == eol || b[i + 1] == b' ') {
                    Ok(Some(i))
                } else {
                    Ok(None)
                }
            }
            _ => {
                let mut i = p;
                while i < eol {
                    match b[i] {
                        b':' if i + 1 == eol || b[i + 1] == b' ' => {
                            return if i == p { Err(GiveUp) } else { Ok(Some(i)) };
                        }
                        b'#' if i > p && b[i - 1] == b' ' => return Ok(None),
                        _ => {}
                    }
                    i += 1;
                }
                Ok(None)
            }
        }
    }

    /// A `key: value` entry whose key starts at `p`.
    fn entry(&mut self, p: usize) -> Scan<usize> {
        let Some(colon) = self.key_end(p)? else {
            return Err(GiveUp);
        };
        if colon - p > MAX_KEY {
            return Err(GiveUp);
        }
        match self.b[p] {
            b'"' | b'\'' => {
                self.quoted(p)?;
            }
            _ => {
                self.check_plain_start(p)?;
                let mut end = colon;
                while end > p && self.b[end - 1] == b' ' {
                    end -= 1;
                }
                self.push(
                    Event::Scalar(
                        Cow::Borrowed(&self.src[p..end]),
                        ScalarStyle::Plain,
                        0,
                        None,
                    ),
                    self.mark(p),
                    self.mark(end),
                );
            }
        }
        let mut v = colon + 1;
        while v < self.eol && self.b[v] == b' ' {
            v += 1;
        }
        if v >= self.eol || self.b[v] == b'#' {
            let m = self.mark(colon);
            self.set_pending(Some(m));
            return Ok(self.eol + 1);
        }
        let indent = self.stack.last().map_or(0, |t| t.indent);
        self.value(v, indent)
    }

    /// Plain scalars may not start with an indicator (except `-`, `?`, `:` before a
    /// non-blank).
    fn check_plain_start(&self, p: usize) -> Scan<()> {
        match self.b[p] {
            b'-' | b'?' | b':' => {
                if matches!(self.b.get(p + 1), Some(b' ' | b'\n') | None) {
                    return Err(GiveUp);
                }
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' => return Err(GiveUp),
            _ => {}
        }
        Ok(())
    }

    /// A value (of a key or an item) starting at `v`; `parent_indent` is its collection's
    /// indentation. Returns where the next line starts.
    fn value(&mut self, v: usize, parent_indent: usize) -> Scan<usize> {
        match self.b[v] {
            b'"' | b'\'' => {
                let close = self.quoted(v)?;
                let mut i = close + 1;
                while i < self.eol && self.b[i] == b' ' {
                    i += 1;
                }
                if i < self.eol && !(self.b[i] == b'#' && i > close + 1) {
                    return Err(GiveUp);
                }
                Ok(self.eol + 1)
            }
            b'|' => self.literal(v, parent_indent),
            b'{' | b'[' => self.flow(v),
            _ => {
                self.check_plain_start(v)?;
                let b = self.b;
                let mut end = self.eol;
                let mut i = v;
                while i < self.eol {
                    match b[i] {
                        b':' if i + 1 == self.eol || b[i + 1] == b' ' => return Err(GiveUp),
                        b'#' if b[i - 1] == b' ' => {
                            end = i;
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                while end > v && b[end - 1] == b' ' {
                    end -= 1;
                }
                self.push(
                    Event::Scalar(
                        Cow::Borrowed(&self.src[v..end]),
                        ScalarStyle::Plain,
                        0,
                        None,
                    ),
                    self.mark(v),
                    self.mark(end),
                );
                Ok(self.eol + 1)
            }
        }
    }

    /// Skips spaces from `i` on the current line.
    fn skip_spaces(&self, mut i: usize) -> usize {
        while i < self.eol && self.b[i] == b' ' {
            i += 1;
        }
        i
    }

    /// After a node ending before `i`: only blanks and an optional comment may follow on
    /// the line. Returns where the next line starts.
    fn line_rest(&self, i: usize) -> Scan<usize> {
        let j = self.skip_spaces(i);
        if j < self.eol && !(self.b[j] == b'#' && j > i) {
            return Err(GiveUp);
        }
        Ok(self.eol + 1)
    }

    /// A one-line flow collection at `v`: an empty one (`{}`, `[ ]`, the usual
    /// `emptyDir: {}`), or a sequence of plain and quoted scalars (`drop: ["ALL"]`).
    /// Flow mappings with content, nested collections and anything unusual give up.
    fn flow(&mut self, v: usize) -> Scan<usize> {
        let (close, kind) = match self.b[v] {
            b'{' => (b'}', Kind::Map),
            _ => (b']', Kind::Seq),
        };
        // saphyr-parser's start event ends at the next token.
        let first = self.skip_spaces(v + 1);
        if first >= self.eol {
            return Err(GiveUp);
        }
        let (start, end) = match kind {
            Kind::Map => (Event::MappingStart(0, None), Event::MappingEnd),
            Kind::Seq => (Event::SequenceStart(0, None), Event::SequenceEnd),
        };
        if self.b[first] == close {
            self.push(start, self.mark(v), self.mark(first));
            self.push(end, self.mark(first), self.mark(first + 1));
            return self.line_rest(first + 1);
        }
        if kind == Kind::Map {
            return Err(GiveUp);
        }
        self.push(start, self.mark(v), self.mark(first));
        let mut i = first;
        loop {
            let after = match self.b[i] {
                b'"' | b'\'' => self.quoted(i)? + 1,
                _ => self.flow_plain(i)?,
            };
            let j = self.skip_spaces(after);
            match self.b.get(j) {
                Some(b']') if j < self.eol => {
                    self.push(end, self.mark(j), self.mark(j + 1));
                    return self.line_rest(j + 1);
                }
                Some(b',') if j < self.eol => {
                    i = self.skip_spaces(j + 1);
                    // `[a, ]` (a trailing comma) and `[a,,b]` are left to saphyr-parser.
                    if i >= self.eol || matches!(self.b[i], b']' | b',') {
                        return Err(GiveUp);
                    }
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// A plain scalar inside a one-line flow sequence, starting at `i`; returns the offset
    /// just after its last non-blank character. Only scalars without `:`, `#` and flow
    /// indicators are read.
    fn flow_plain(&mut self, i: usize) -> Scan<usize> {
        let b = self.b;
        match b[i] {
            b'-' | b'?' | b':' => {
                if matches!(
                    b.get(i + 1),
                    Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}') | None
                ) {
                    return Err(GiveUp);
                }
            }
            _ => self.check_plain_start(i)?,
        }
        let mut j = i;
        while j < self.eol {
            match b[j] {
                b',' | b']' => break,
                b':' | b'#' | b'[' | b'{' | b'}' => return Err(GiveUp),
                _ => j += 1,
            }
        }
        let mut end = j;
        while end > i && b[end - 1] == b' ' {
            end -= 1;
        }
        if end == i {
            return Err(GiveUp);
        }
        self.push(
            Event::Scalar(
                Cow::Borrowed(&self.src[i..end]),
                ScalarStyle::Plain,
                0,
                None,
            ),
            self.mark(i),
            self.mark(end),
        );
        Ok(end)
    }

    /// The closing quote of the one-line quoted scalar at `p`.
    fn quoted_close(&self, p: usize) -> Scan<usize> {
        let b = self.b;
        let q = b[p];
        let mut i = p + 1;
        while i < self.eol {
            match b[i] {
                // An escape at the end of the line continues the scalar on the next one.
                b'\\' if q == b'"' => {
                    if self.has_slash_escape || i + 1 >= self.eol {
                        return Err(GiveUp);
                    }
                    i += 2;
                }
                b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
                c if c == q => return Ok(i),
                _ => i += 1,
            }
        }
        Err(GiveUp)
    }

    /// Emits the quoted scalar at `p`; returns its closing quote's offset.
    fn quoted(&mut self, p: usize) -> Scan<usize> {
        let close = self.quoted_close(p)?;
        let raw = &self.src[p + 1..close];
        let (text, style) = if self.b[p] == b'"' {
            let text = if raw.contains('\\') {
                Cow::Owned(unescape(raw)?)
            } else {
                Cow::Borrowed(raw)
            };
            (text, ScalarStyle::DoubleQuoted)
        } else if raw.contains("''") {
            (
                Cow::Owned(raw.replace("''", "'")),
                ScalarStyle::SingleQuoted,
            )
        } else {
            (Cow::Borrowed(raw), ScalarStyle::SingleQuoted)
        };
        self.push(
            Event::Scalar(text, style, 0, None),
            self.mark(p),
            self.mark(close + 1),
        );
        Ok(close)
    }

    /// A literal block scalar (`|` or `|-`) whose header starts at `h`; reads its content
    /// lines and returns where the line after them starts.
    fn literal(&mut self, h: usize, parent_indent: usize) -> Scan<usize> {
        let b = self.b;
        let mut i = h + 1;
        let strip = b.get(i) == Some(&b'-');
        if strip {
            i += 1;
        }
        let after = i;
        while i < self.eol && b[i] == b' ' {
            i += 1;
        }
        if i < self.eol && !(b[i] == b'#' && i > after) {
            return Err(GiveUp);
        }
        let len = b.len();
        let mut q = self.eol + 1;
        let mut line = self.line + 1;
        let mut ci: Option<usize> = None;
        // (start, end) of content lines after the indentation; `None` for an empty line.
        let mut lines: Vec<Option<(usize, usize)>> = Vec::new();
        let mut first: Option<(usize, usize)> = None;
        while q < len {
            let e = self.line_end(q);
            let t = &b[q..e];
            let sp = t.iter().take_while(|&&c| c == b' ').count();
            if sp == t.len() {
                match ci {
                    None if sp > 0 => return Err(GiveUp),
                    Some(c) if sp > c => return Err(GiveUp),
                    _ => {}
                }
                lines.push(None);
                q = e + 1;
                line += 1;
                continue;
            }
            match ci {
                None => {
                    if sp <= parent_indent {
                        break;
                    }
                    ci = Some(sp);
                    first = Some((q + sp, line));
                }
                Some(c) if sp < c => break,
                Some(_) => {}
            }
            let c = ci.unwrap_or(sp);
            if t[..c].contains(&b'\t') {
                return Err(GiveUp);
            }
            lines.push(Some((q + c, e)));
            q = e + 1;
            line += 1;
        }
        let (Some(_), Some((start, start_line))) = (ci, first) else {
            // No content: an empty scalar, which saphyr-parser places at the first
            // non-blank character of the line that ends it (at the end of the text, at
            // the header: left to it).
            if q >= len {
                return Err(GiveUp);
            }
            let e = self.line_end(q);
            let sp = b[q..e].iter().take_while(|&&c| c == b' ').count();
            let m = Marker::new(self.char_index(q + sp), line, sp);
            self.push(
                Event::Scalar(Cow::Borrowed(""), ScalarStyle::Literal, 0, None),
                m,
                m,
            );
            self.line = line - 1;
            return Ok(q);
        };
        // Trailing empty lines are chomped (clip keeps one break, strip none).
        while lines.last().is_some_and(Option::is_none) {
            lines.pop();
        }
        let mut text = String::with_capacity(q.saturating_sub(start));
        for (n, l) in lines.iter().enumerate() {
            if n > 0 {
                text.push('\n');
            }
            if let Some((s, e)) = l {
                text.push_str(&self.src[*s..*e]);
            }
        }
        if !strip {
            text.push('\n');
        }
        let start_ls = start - (ci.unwrap_or(0));
        let start_mark = Marker::new(self.char_index(start), start_line, start - start_ls);
        let end_mark = Marker::new(self.char_index(q.min(len)), line, 0);
        self.push(
            Event::Scalar(Cow::Owned(text), ScalarStyle::Literal, 0, None),
            start_mark,
            end_mark,
        );
        // `run` counts the line `q` starts once it is done with this one.
        self.line = line - 1;
        Ok(q)
    }
}

/// The text of a one-line double-quoted scalar with escapes, as saphyr-parser decodes it;
/// escapes other than the usual ones (`\N`, `\_`, `\L`, `\P`, `\/`, an escaped blank) give up.
fn unescape(raw: &str) -> Scan<String> {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next().ok_or(GiveUp)?;
        let hex = |it: &mut std::str::Chars<'_>, n: usize| -> Scan<char> {
            let mut v = 0u32;
            for _ in 0..n {
                v = v * 16 + it.next().and_then(|h| h.to_digit(16)).ok_or(GiveUp)?;
            }
            char::from_u32(v).ok_or(GiveUp)
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\x07',
            'b' => '\x08',
            't' => '\t',
            'n' => '\n',
            'v' => '\x0b',
            'f' => '\x0c',
            'r' => '\r',
            'e' => '\x1b',
            '"' => '"',
            '\\' => '\\',
            'x' => hex(&mut it, 2)?,
            'u' => hex(&mut it, 4)?,
            'U' => hex(&mut it, 8)?,
            _ => return Err(GiveUp),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saphyr(src: &str) -> Vec<String> {
        let mut p = saphyr_parser::Parser::new_from_str(src);
        let mut out = Vec::new();
        while let Some(Ok((e, s))) = p.next_event() {
            out.push(show(&e, &s));
        }
        out
    }
    fn show(e: &Event<'_>, s: &Span) -> String {
        match e {
            Event::Scalar(..) => {
                format!(
                    "{e:?} {}:{}:{}",
                    s.start.index(),
                    s.start.line(),
                    s.start.col()
                )
            }
            // The builder tells flow from block collections by the start event's end.
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                format!(
                    "{e:?} {}:{}:{}-{}",
                    s.start.index(),
                    s.start.line(),
                    s.start.col(),
                    s.end.index()
                )
            }
            Event::MappingEnd | Event::SequenceEnd => format!("{e:?} {}", s.start.index()),
            Event::DocumentStart(..) => format!(
                "{e:?} {}:{}:{}",
                s.start.index(),
                s.start.line(),
                s.start.col()
            ),
            _ => format!("{e:?}"),
        }
    }

    /// Every shape the scanner reads, against saphyr-parser's events.
    #[test]
    fn same_events_as_saphyr() {
        let cases = [
            "",
            "# only\n\n",
            "a: 1\n",
            "a:\nb: 1\nc:\n- x\n-\n- y: |\n    lit\n    z\n\n  k: |-\n    q\nd: # c\n  e: f\n",
            "c:\n  - x\n  -   \n  - # c\n  -\n    - n\nd:   \ne:  # c\nf:\n",
            "- x\n- a: 1\n  b:\n-\n  k: v\n",
            "a: |\n\n  x\n\n\nb: |-\n   y\n  \nc: \"q\"\nd: 'it''s'\n",
            "k:\n- a: 1\n  b: 2\n- c\nz: 'q' # c\n",
            "a:\n  b:\n    c: x#y\n  d: -1\n  e: ?x\n  f: :y\n\n# end\n",
            "a: |\n  # not a comment\n  x\n# a comment\nb: 1\n",
            "spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        env:\n        - name: X\n          value: \"1\"\n",
            "a: x y  \nb: 'x' \n\"c d\": e\n'f': g\n",
            "a: {}\nb: []  # c\nc:\n- {}\n- []\nd:\n  e: {}\n",
            "---\na: 1\n",
            "--- # c\n# d\n- x\n",
            "---   \n\nk: v\n",
            // One-line flow sequences and empty flow collections.
            "a: [x, y]\n",
            "a: [ \"x\" ,'y',  z w  ] # c\n",
            "a: [x,y]\nb: 1\n",
            "- [a]\n- []\n- [ ]\n- { }\n-   [ 'a''b' ]   # c\n",
            "a: [0.005, 1, -1, 2.5e3, null, ~, true, .inf, 0x1F]\n",
            "k:\n  - [a-b, c.d, e/f, -x, ?y, a'b, a\"b, a\\b]\n  - x\n",
            "k:\n  l: [\"IPv6\", \"IPv4\"]\n  m: {}\n  n: { }\n  o: [ ]\n",
            // Escapes in double-quoted scalars.
            "a: \"x\\ny\\\\z\\t\\\"q\\\" \\x41\\u00e9\\U0001F600 \\0\\a\\b\\e\\f\\r\\v\"\n",
            "\"k\\tx\": v\n\"NT\\\\s\": [\"\\n\", \"a\\\"\"]\n",
            // Non-ASCII text (character positions).
            "a: é # ü ⚠\nb: 'ß'\nc: \"日本\"\nd: [ä, \"ö\", 'ü']\né: |\n  ü’\n  x\nf: 1\n",
            "# ’ comment ≥\nk:\n  é: |-\n    ü\n\n    x\n  b: [x] # ü\n  c:\n  - z\n",
            "- ü: ö\n  é: [ü]\n- 'ß'\n- \"\\u00e9é\"\n",
            // Empty literal scalars.
            "a: |\n# c\nb: 1\n",
            "k:\n  a: |\n\n  # c\n  b: 1\n",
            "- |\n- x\n",
            "a: |\nb: 1\n",
            "a: |\n\nb: 1\n",
            "a: |-\n\nb: |\nc: 1\n",
            "k:\n  é: |\n  b: ü\n",
            "# c\n\n  # d\nk: v\n",
        ];
        for src in cases {
            let fast = events(src).unwrap_or_else(|| panic!("fast scanner gave up on {src:?}"));
            let got: Vec<String> = fast.iter().map(|(e, s)| show(e, s)).collect();
            assert_eq!(got, saphyr(src), "{src:?}");
        }
    }

    #[test]
    fn gives_up_outside_its_subset() {
        for src in [
            "a: [a, ]\n",
            "a: [a,,b]\n",
            "a: [,a]\n",
            "a: [[a]]\n",
            "a: [{a: b}]\n",
            "a: {a: b}\n",
            "a: [a: b]\n",
            "a: [a:b]\n",
            "a: [a\n  , b]\n",
            "a: [a\n",
            "a: [\n",
            "a: [a] x\n",
            "a: [a]#\n",
            "a: [#]\n",
            "a: [a #b]\n",
            "a: [-]\n",
            "a: [- x]\n",
            "a: [*x]\n",
            "a: [&x y]\n",
            "a: [!t y]\n",
            "a: [|]\n",
            "a: [\"x\n  y\"]\n",
            "a: \"x\\/y\"\n",
            "a: \"x\" # \\/\nb: \"\\n\"\n",
            "a: \"\\N\"\n",
            "a: \"\\_\"\n",
            "a: \"\\ \"\n",
            "a: \"\\q\"\n",
            "a: \"\\x4\"\n",
            "a: \"\\uD800\"\n",
            "a: \"x\\\n  y\"\n",
            "a: |\n",
            "a: |\n\n",
            "a: x\u{a0}y\n",
            "a: x\u{2028}y\n",
            "a: x\u{85}y\n",
            "a: x\u{feff}y\n",
            "a: {}x\n",
            "a: []#\n",
            "- [] : x\n",
            "a: &x 1\n",
            "a: !t 1\n",
            "a: >\n  x\n",
            "a: x\n  y\n",
            "a: 'x\n  y'\n",
            "a:\tx\n",
            "a: 1",
            "---\n",
            "--- a\n",
            "---#\n",
            "a: 1\n---\nb: 2\n",
            "a: b: c\n",
            "a: 'x'#\n",
            "? a\n: b\n",
            "a: |+\n  x\n",
            "a: |2\n  x\n",
            "- - a\n",
            "a: 1\n b: 2\n",
            "x\n",
            "list:\n-\n  a: 1\n- b\n",
        ] {
            assert!(events(src).is_none(), "{src:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random arrangements of lines with the shapes added to the scanner (flow
        /// sequences, escapes, non-ASCII text, empty literals) among block lines: whenever
        /// the scanner reads a text, saphyr-parser reads it to the same events.
        #[test]
        fn same_events_on_random_lines(lines in proptest::collection::vec(0usize..40, 1..12)) {
            const POOL: [&str; 40] = [
                "a:", "a: 1", "- x", "-", "  b: 2", "  - y", "k: |", "  lit", "", "# c ’",
                "a: [x, y]", "- [ 'a', \"b\" ]", "  c: []", "  d: { }", "e: [1,2 ,3]",
                "- [x] # c", "f: [a b, c]", "g: \"x\\ny\"", "- \"\\t\\\\\"", "\"h\\\"\": i",
                "j: é", "- ü: ö", "  k: 'ß'", "l: [ä]", "  # ≥", "m: |-", "    é", "n: [",
                "o: [a,]", "p: [a: b]", "q: \"\\/\"", "  - [a, [b]]", "r: [\"x\" y]",
                "    ü", "s: x ⚠ y", "- |", "t: [ ]", "u: \"é\\u00e9\"", "  v: [-1, .5]", "w: {a}",
            ];
            let src: String = lines.iter().map(|&i| format!("{}\n", POOL[i])).collect();
            if let Some(fast) = events(&src) {
                let got: Vec<String> = fast.iter().map(|(e, s)| show(e, s)).collect();
                proptest::prop_assert_eq!(got, saphyr(&src), "{:?}", src);
            }
        }
    }
}
