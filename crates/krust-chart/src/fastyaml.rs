//! A fast reader for the plain block YAML that charts render and ship, used before the full
//! reader (krust-yaml) where only a result is needed and the full reader's error text is
//! not: the head of every rendered manifest (`kind`, `helm.sh/hook`) and `fromYaml` of
//! large files (CRDs read with `.Files.Get`).
//!
//! It accepts a conservative subset of YAML and answers [`Unsupported`] for anything
//! outside it, so the caller runs the full reader, which then gives the result or the
//! error Helm prints. The subset: block mappings and sequences (compact forms included),
//! one-line plain, single- and double-quoted scalars, literal and folded block scalars
//! without an indentation indicator, `[]` and `{}`, comments, one leading `---`. Not in
//! it: flow collections with content, multi-line plain or quoted scalars, anchors,
//! aliases, tags, merge keys, directives, several documents, tabs outside scalars, keys
//! that are not plainly strings. Plain scalars that might not be strings (numbers,
//! booleans, null) are typed by the full reader, one scalar at a time, so typing is the
//! full reader's by construction. Tests compare both readers on every corpus document and
//! on mutations of them.

use std::borrow::Cow;
use std::collections::HashMap;

use krust_template::{MapEntries, Value as Go};
use krust_yaml::{Data, Typing};

/// The input is outside the subset (or not valid YAML): use the full reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

type R<T = ()> = Result<T, Unsupported>;

/// Deepest nesting the fast reader follows (the full reader's bound is far higher).
const MAX_DEPTH: usize = 96;

/// A scalar as the reader found it.
enum Scalar<'a> {
    /// Plain text (untyped).
    Plain(&'a str),
    /// A quoted or block scalar: always a string.
    Str(Cow<'a, str>),
}

/// Receives the document's structure.
trait Sink<'a> {
    fn map_start(&mut self);
    fn key(&mut self, k: Cow<'a, str>);
    fn map_end(&mut self);
    fn seq_start(&mut self);
    fn seq_end(&mut self);
    /// Whether the next scalar's text is needed (block and escaped scalars are only
    /// checked, not built, otherwise).
    fn wants_scalar(&self) -> bool;
    /// A scalar; with `None` when [`Sink::wants_scalar`] was false.
    fn scalar(&mut self, s: Option<Scalar<'a>>) -> R;
    fn null(&mut self);
}

/// What `helm template` reads from a manifest (`releaseutil.SimpleHead`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Head {
    /// `kind` when it is a string.
    pub kind: Option<String>,
    /// `metadata.annotations["helm.sh/hook"]` when it is a string.
    pub hook: Option<String>,
}

/// The head of a manifest whose top level is a mapping; [`Unsupported`] for anything
/// else (an empty document, a non-mapping, an input outside the subset).
pub fn head(src: &str) -> Result<Head, Unsupported> {
    let mut sink = HeadSink::default();
    let root = parse(src, &mut sink)?;
    if root != Root::Map {
        return Err(Unsupported);
    }
    Ok(Head {
        kind: sink.kind.map(Cow::into_owned),
        hook: sink.hook.map(Cow::into_owned),
    })
}

/// The first document as sigs.k8s.io/yaml decodes it into Go values (numbers `float64`),
/// or [`Unsupported`]; `Ok(None)` for a document with no content.
pub fn decode(src: &str) -> Result<Option<Go>, Unsupported> {
    let mut sink = GoSink::default();
    match parse(src, &mut sink)? {
        Root::Empty => Ok(None),
        _ => sink.result.map(Some).ok_or(Unsupported),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Empty,
    Map,
    Seq,
}

fn parse<'a, S: Sink<'a>>(src: &'a str, sink: &mut S) -> R<Root> {
    parse_at(src, sink).map_err(|_| Unsupported)
}

/// [`parse`], failing with the (0-based) line it stopped at.
fn parse_at<'a, S: Sink<'a>>(src: &'a str, sink: &mut S) -> Result<Root, usize> {
    check_chars(src).map_err(|_| 0usize)?;
    let mut p = Parser {
        src,
        lines: split_lines(src),
        i: 0,
        depth: 0,
        sink,
    };
    p.document().map_err(|_| p.i)
}

impl<'a, S: Sink<'a>> Parser<'a, '_, S> {
    fn document(&mut self) -> R<Root> {
        self.skip_blank();
        // One leading document start marker.
        if let Some(l) = self.line(self.i) {
            if let Some(rest) = l.strip_prefix("---") {
                if !(rest.is_empty() || (rest.starts_with(' ') && is_blank_or_comment(rest))) {
                    return Err(Unsupported);
                }
                self.i += 1;
                self.skip_blank();
            }
        }
        let Some(l) = self.line(self.i) else {
            return Ok(Root::Empty);
        };
        let ind = indent(l)?;
        let rest = &l[ind..];
        let root = if is_dash(rest) {
            self.seq(ind, ind, false)?;
            Root::Seq
        } else {
            self.map(ind, ind)?;
            Root::Map
        };
        self.skip_blank();
        if self.i < self.lines.len() {
            return Err(Unsupported);
        }
        Ok(root)
    }
}

/// Control characters, `\r`, and the characters YAML does not allow or treats as line
/// breaks (NEL, LS, PS), a byte order mark.
fn check_chars(src: &str) -> R {
    let ascii_ok = |b: u8| b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b);
    // Whole blocks without an early exit, which the compiler vectorises.
    let bytes = src.as_bytes();
    let mut blocks = bytes.chunks_exact(64);
    let blocks_ok = blocks
        .by_ref()
        .all(|blk| blk.iter().fold(true, |ok, &b| ok & ascii_ok(b)));
    if blocks_ok && blocks.remainder().iter().all(|&b| ascii_ok(b)) {
        return Ok(());
    }
    for c in src.chars() {
        let ok = if c.is_ascii() {
            ascii_ok(c as u8)
        } else {
            let u = c as u32;
            (0xA0..=0xD7FF).contains(&u) && u != 0x2028 && u != 0x2029
                || (0xE000..=0xFFFD).contains(&u) && u != 0xFEFF
                || u >= 0x10000
        };
        if !ok {
            return Err(Unsupported);
        }
    }
    Ok(())
}

/// Line spans `(start, end)` without the `\n`; a final line without `\n` counts.
fn split_lines(src: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(src.len() / 24 + 1);
    let mut start = 0;
    while start < src.len() {
        match src[start..].find('\n') {
            Some(n) => {
                out.push((start, start + n));
                start += n + 1;
            }
            None => {
                out.push((start, src.len()));
                start = src.len();
            }
        }
    }
    out
}

/// Leading spaces; a tab right after them is outside the subset.
fn indent(l: &str) -> R<usize> {
    let n = l.bytes().take_while(|&c| c == b' ').count();
    if l.as_bytes().get(n) == Some(&b'\t') {
        return Err(Unsupported);
    }
    Ok(n)
}

fn is_blank_or_comment(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// `-` followed by a space or the end of the line: a sequence entry.
fn is_dash(s: &str) -> bool {
    s == "-" || s.starts_with("- ")
}

/// Words YAML 1.1 may read as booleans or null.
fn maybe_special_word(t: &str) -> bool {
    t.len() <= 5
        && matches!(
            t.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        )
}

/// A plain scalar that is certainly a string under go-yaml v2's resolution: it starts
/// with a letter (or `_`, `/`, a non-ASCII character) and is not a boolean or null word.
fn plain_is_string(t: &str) -> bool {
    let Some(&b) = t.as_bytes().first() else {
        return false;
    };
    (b.is_ascii_alphabetic() || b == b'_' || b == b'/' || b >= 0x80) && !maybe_special_word(t)
}

/// Whether `b` may start a plain scalar here (`next` is the byte after it).
fn plain_start(b: u8, next: Option<u8>) -> bool {
    match b {
        b'-' => next.is_some_and(|n| n != b' ' && n != b'\t'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' => false,
        _ => true,
    }
}

/// The end of a plain scalar on this line: the first ` #` or the end; then trimmed.
/// `Unsupported` when the text would hold a `: ` or end with `:` (a mapping value where
/// none is allowed) or has a tab.
fn plain_text(v: &str) -> R<&str> {
    let b = v.as_bytes();
    let mut end = b.len();
    for i in 0..b.len() {
        match b[i] {
            b'#' if i > 0 && b[i - 1] == b' ' => {
                end = i;
                break;
            }
            b'\t' => return Err(Unsupported),
            b':' if b.get(i + 1).is_none_or(|&n| n == b' ') => return Err(Unsupported),
            _ => {}
        }
    }
    Ok(v[..end].trim_end_matches(' '))
}

/// A plain scalar inside a flow collection: up to `,`, `]`, `}` (trimmed). Anything
/// holding `:`, `#`, `[`, `{` or a tab is outside the subset.
fn flow_plain(v: &str) -> R<(&str, &str)> {
    let b = v.as_bytes();
    let first = *b.first().ok_or(Unsupported)?;
    if matches!(first, b'-' | b'?' | b':') || !plain_start(first, b.get(1).copied()) {
        return Err(Unsupported);
    }
    let end = b
        .iter()
        .position(|&c| matches!(c, b',' | b']' | b'}'))
        .unwrap_or(b.len());
    let t = v[..end].trim_end_matches(' ');
    if t.bytes()
        .any(|c| matches!(c, b':' | b'#' | b'[' | b'{' | b'\t'))
        || end == b.len()
    {
        return Err(Unsupported);
    }
    Ok((t, &v[end..]))
}

/// A key of a flow mapping and the text after its `: `.
fn flow_key(v: &str) -> R<(Cow<'_, str>, &str)> {
    let b = v.as_bytes();
    let (key, after) = match b.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let close = v[1..].find(q as char).ok_or(Unsupported)?;
            let inner = &v[1..1 + close];
            if inner.contains('\\') || inner.contains('\t') {
                return Err(Unsupported);
            }
            (inner, &v[2 + close..])
        }
        Some(_) => {
            let end = v.find(':').ok_or(Unsupported)?;
            let k = &v[..end];
            if k.bytes()
                .any(|c| matches!(c, b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'\t'))
                || k.ends_with(' ')
                || !plain_is_string(k)
            {
                return Err(Unsupported);
            }
            (k, &v[end..])
        }
        None => return Err(Unsupported),
    };
    let after = after.strip_prefix(": ").ok_or(Unsupported)?;
    Ok((Cow::Borrowed(key), after))
}

/// After a quoted scalar or `[]`/`{}`: only spaces and a comment may follow.
fn tail_ok(t: &str) -> bool {
    t.is_empty() || (t.starts_with(' ') && is_blank_or_comment(t))
}

/// A mapping key at the start of `s`: the key and the text after its `:`. `None` when
/// `s` does not start with a key; `Unsupported` for keys outside the subset.
fn split_key(s: &str) -> R<Option<(Cow<'_, str>, &str)>> {
    let b = s.as_bytes();
    match b.first() {
        None => return Ok(None),
        Some(&q @ (b'"' | b'\'')) => {
            let Some(close) = s[1..].find(q as char) else {
                return Ok(None);
            };
            let inner = &s[1..1 + close];
            let after = &s[2 + close..];
            if !after.starts_with(':') {
                return Ok(None);
            }
            let after = &after[1..];
            if !(after.is_empty() || after.starts_with(' ')) {
                return Err(Unsupported);
            }
            // Escapes (and '' in single quotes) are outside the subset for keys.
            if inner.contains('\\') || inner.contains('\t') {
                return Err(Unsupported);
            }
            return Ok(Some((Cow::Borrowed(inner), after)));
        }
        Some(&c) => {
            if !plain_start(c, b.get(1).copied()) {
                return Ok(None);
            }
        }
    }
    for i in 0..b.len() {
        match b[i] {
            b'#' if i > 0 && b[i - 1] == b' ' => return Ok(None),
            b'\t' => return Err(Unsupported),
            b':' if b.get(i + 1).is_none_or(|&n| n == b' ') => {
                let key = &s[..i];
                if key.ends_with(' ') || !plain_is_string(key) {
                    return Err(Unsupported);
                }
                return Ok(Some((Cow::Borrowed(key), &s[i + 1..])));
            }
            _ => {}
        }
    }
    Ok(None)
}

struct Parser<'a, 's, S> {
    src: &'a str,
    lines: Vec<(usize, usize)>,
    /// The current line.
    i: usize,
    depth: usize,
    sink: &'s mut S,
}

impl<'a, S: Sink<'a>> Parser<'a, '_, S> {
    fn line(&self, i: usize) -> Option<&'a str> {
        self.lines.get(i).map(|&(s, e)| &self.src[s..e])
    }

    /// Skips blank and comment-only lines.
    fn skip_blank(&mut self) {
        while let Some(l) = self.line(self.i) {
            if !is_blank_or_comment(l) {
                break;
            }
            self.i += 1;
        }
    }

    fn enter(&mut self) -> R {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        Ok(())
    }

    /// A block mapping whose keys are at column `n`; the first key starts at column `c`
    /// of the current line (`c > n` never happens; `c == n` except for nothing).
    fn map(&mut self, n: usize, c: usize) -> R {
        self.enter()?;
        self.sink.map_start();
        let mut c = c;
        loop {
            let l = self.line(self.i).ok_or(Unsupported)?;
            let rest = &l[c..];
            let (key, after) = split_key(rest)?.ok_or(Unsupported)?;
            self.sink.key(key);
            let v = after.trim_start_matches(' ');
            if v.is_empty() || v.starts_with('#') {
                self.i += 1;
                self.block_value(n, true)?;
            } else {
                self.inline_value(v, n)?;
            }
            self.skip_blank();
            let Some(l) = self.line(self.i) else {
                break;
            };
            let ind = indent(l)?;
            if ind < n {
                break;
            }
            if ind > n || is_dash(&l[n..]) {
                return Err(Unsupported);
            }
            c = n;
        }
        self.sink.map_end();
        self.depth -= 1;
        Ok(())
    }

    /// A block sequence whose dashes are at column `n`, the first at column `c` of the
    /// current line. `indentless`: the value of a mapping key at the same column.
    fn seq(&mut self, n: usize, c: usize, indentless: bool) -> R {
        self.enter()?;
        self.sink.seq_start();
        let mut c = c;
        loop {
            let l = self.line(self.i).ok_or(Unsupported)?;
            let after = &l[c + 1..];
            let v = after.trim_start_matches(' ');
            let vcol = l.len() - v.len();
            if v.starts_with('\t') {
                return Err(Unsupported);
            }
            if v.is_empty() || v.starts_with('#') {
                self.i += 1;
                self.block_value(n, false)?;
            } else if is_dash(v) {
                self.seq(vcol, vcol, false)?;
            } else if split_key(v)?.is_some() {
                self.map(vcol, vcol)?;
            } else {
                self.inline_value(v, n)?;
            }
            self.skip_blank();
            let Some(l) = self.line(self.i) else {
                break;
            };
            let ind = indent(l)?;
            if ind < n {
                break;
            }
            if ind > n {
                return Err(Unsupported);
            }
            if !is_dash(&l[n..]) {
                if indentless {
                    break;
                }
                return Err(Unsupported);
            }
            c = n;
        }
        self.sink.seq_end();
        self.depth -= 1;
        Ok(())
    }

    /// The value of a key or entry written on the following lines (the current line is
    /// the first after it); `n` is the parent's column.
    fn block_value(&mut self, n: usize, in_map: bool) -> R {
        self.skip_blank();
        let Some(l) = self.line(self.i) else {
            self.sink.null();
            return Ok(());
        };
        let ind = indent(l)?;
        let rest = &l[ind..];
        if ind > n {
            if is_dash(rest) {
                self.seq(ind, ind, false)
            } else if split_key(rest)?.is_some() {
                self.map(ind, ind)
            } else {
                self.inline_value(rest, n)
            }
        } else if ind == n && in_map && is_dash(rest) {
            self.seq(n, n, true)
        } else {
            self.sink.null();
            Ok(())
        }
    }

    /// A value starting on the current line (`v`, non-empty, no leading space); consumes
    /// the line and, for block scalars, their content. `n` is the column of the
    /// enclosing collection.
    fn inline_value(&mut self, v: &'a str, n: usize) -> R {
        let b = v.as_bytes();
        let first = b.first().copied().ok_or(Unsupported)?;
        match first {
            b'|' | b'>' => return self.block_scalar(v, n, first == b'|'),
            b'"' | b'\'' => {
                let want = self.sink.wants_scalar();
                let one_line = if first == b'"' {
                    double_quoted(v, want)
                } else {
                    single_quoted(v, want)
                };
                let (s, rest) = match one_line {
                    Ok(r) => r,
                    Err(_) => return self.quoted_lines(v, n),
                };
                if !tail_ok(rest) {
                    return Err(Unsupported);
                }
                self.sink.scalar(s.map(Scalar::Str))?;
            }
            b'[' | b'{' => {
                let rest = self.flow(v)?;
                if !tail_ok(rest) {
                    return Err(Unsupported);
                }
            }
            _ => {
                if !plain_start(first, b.get(1).copied()) {
                    return Err(Unsupported);
                }
                return self.plain(v, n);
            }
        }
        self.i += 1;
        Ok(())
    }

    /// A quoted scalar over several lines (libyaml's `yaml_parser_scan_flow_scalar`):
    /// line breaks fold to a space, empty lines to line breaks, the white space around a
    /// break goes; continuation lines must be indented past `n`. Consumes through the line
    /// of the closing quote.
    fn quoted_lines(&mut self, v: &'a str, n: usize) -> R {
        let src = self.src;
        let b = src.as_bytes();
        let q = *v.as_bytes().first().ok_or(Unsupported)?;
        let want = self.sink.wants_scalar();
        let mut out = String::new();
        let mut i = (v.as_ptr() as usize)
            .checked_sub(src.as_ptr() as usize)
            .ok_or(Unsupported)?
            + 1;
        let end = loop {
            // Content up to a blank, a break or the closing quote.
            let mut leading_blanks = false;
            let mut closed = None;
            while let Some(&c) = b.get(i) {
                if c == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        out.push('\'');
                        i += 2;
                        continue;
                    }
                    closed = Some(i + 1);
                    break;
                }
                if c == b'\\' && q == b'"' {
                    if b.get(i + 1) == Some(&b'\n') {
                        i += 2;
                        continuation_ok(b, i, n)?;
                        leading_blanks = true;
                        break;
                    }
                    let (ch, len) = escape(&src[i..])?;
                    out.push(ch);
                    i += len;
                    continue;
                }
                if matches!(c, b' ' | b'\t' | b'\n') {
                    break;
                }
                let ch = src[i..].chars().next().ok_or(Unsupported)?;
                if want {
                    out.push(ch);
                }
                i += ch.len_utf8();
            }
            if let Some(e) = closed {
                break e;
            }
            if i >= b.len() {
                return Err(Unsupported);
            }
            // Blanks and breaks.
            let mut whitespace = String::new();
            let mut leading_break = false;
            let mut trailing_breaks = 0usize;
            while let Some(&c) = b.get(i) {
                match c {
                    b' ' | b'\t' => {
                        if !leading_blanks {
                            whitespace.push(c as char);
                        }
                        i += 1;
                    }
                    b'\n' => {
                        i += 1;
                        continuation_ok(b, i, n)?;
                        if leading_blanks {
                            trailing_breaks += 1;
                        } else {
                            whitespace.clear();
                            leading_break = true;
                            leading_blanks = true;
                        }
                    }
                    _ => break,
                }
            }
            if want {
                if leading_blanks {
                    if leading_break && trailing_breaks == 0 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', trailing_breaks));
                    }
                } else {
                    out.push_str(&whitespace);
                }
            }
        };
        // The line holding the closing quote, and what follows it there.
        let mut j = self.i;
        while self.lines.get(j).is_some_and(|&(_, e)| e < end) {
            j += 1;
        }
        let &(_, line_end) = self.lines.get(j).ok_or(Unsupported)?;
        if !tail_ok(src.get(end..line_end).ok_or(Unsupported)?) {
            return Err(Unsupported);
        }
        self.i = j + 1;
        self.sink
            .scalar(want.then_some(Scalar::Str(Cow::Owned(out))))
    }

    /// A plain scalar starting at `v` on the current line, with its continuation lines
    /// (indented past `n`, folded as YAML folds them).
    fn plain(&mut self, v: &'a str, n: usize) -> R {
        let t = plain_text(v)?;
        let commented = t.len() < v.trim_end_matches(' ').len();
        self.i += 1;
        let mut folded: Option<String> = None;
        let want = self.sink.wants_scalar();
        if !commented {
            let mut breaks = 0usize;
            let mut j = self.i;
            while let Some(l) = self.line(j) {
                let sp = l.bytes().take_while(|&c| c == b' ').count();
                if sp == l.len() {
                    breaks += 1;
                    j += 1;
                    continue;
                }
                if sp <= n {
                    break;
                }
                let rest = &l[sp..];
                // In block context a continuation line may start with any character but
                // a comment's `#` (go-yaml v2 reads `[`, `-`, `&`, `*`... as text; checked
                // with helm v4.1.4); `: ` and tabs are refused by plain_text.
                if rest.as_bytes()[0] == b'#' {
                    return Err(Unsupported);
                }
                let c = plain_text(rest)?;
                if c.len() < rest.trim_end_matches(' ').len() {
                    return Err(Unsupported);
                }
                if want {
                    let f = folded.get_or_insert_with(|| t.to_string());
                    if breaks == 0 {
                        f.push(' ');
                    } else {
                        f.extend(std::iter::repeat_n('\n', breaks));
                    }
                    f.push_str(c);
                } else if folded.is_none() {
                    folded = Some(String::new());
                }
                breaks = 0;
                j += 1;
                self.i = j;
            }
        }
        match folded {
            None => self.sink.scalar(Some(Scalar::Plain(t))),
            Some(f) => {
                // Multi-line plain scalars must read as strings.
                if !plain_is_string(t) {
                    return Err(Unsupported);
                }
                self.sink.scalar(want.then_some(Scalar::Str(Cow::Owned(f))))
            }
        }
    }

    /// A one-line flow collection at the start of `v` (`[` or `{`): returns the text
    /// after it.
    fn flow(&mut self, v: &'a str) -> R<&'a str> {
        self.enter()?;
        let seq = v.starts_with('[');
        let close = if seq { ']' } else { '}' };
        if seq {
            self.sink.seq_start();
        } else {
            self.sink.map_start();
        }
        let mut rest = v[1..].trim_start_matches(' ');
        if let Some(r) = rest.strip_prefix(close) {
            rest = r;
        } else {
            loop {
                if !seq {
                    let (k, r) = flow_key(rest)?;
                    self.sink.key(k);
                    rest = r.trim_start_matches(' ');
                }
                rest = self.flow_node(rest)?.trim_start_matches(' ');
                if let Some(r) = rest.strip_prefix(',') {
                    rest = r.trim_start_matches(' ');
                    if let Some(r) = rest.strip_prefix(close) {
                        rest = r;
                        break;
                    }
                    continue;
                }
                rest = rest.strip_prefix(close).ok_or(Unsupported)?;
                break;
            }
        }
        if seq {
            self.sink.seq_end();
        } else {
            self.sink.map_end();
        }
        self.depth -= 1;
        Ok(rest)
    }

    /// One entry of a flow collection: returns the text after it.
    fn flow_node(&mut self, v: &'a str) -> R<&'a str> {
        let b = v.as_bytes();
        match b.first().copied().ok_or(Unsupported)? {
            b'[' | b'{' => self.flow(v),
            b'"' => {
                let (s, rest) = double_quoted(v, self.sink.wants_scalar())?;
                self.sink.scalar(s.map(Scalar::Str))?;
                Ok(rest)
            }
            b'\'' => {
                let (s, rest) = single_quoted(v, self.sink.wants_scalar())?;
                self.sink.scalar(s.map(Scalar::Str))?;
                Ok(rest)
            }
            _ => {
                let (t, rest) = flow_plain(v)?;
                self.sink.scalar(Some(Scalar::Plain(t)))?;
                Ok(rest)
            }
        }
    }

    /// A block scalar (`v` starts with its indicator) under a collection at column `n`:
    /// libyaml's `yaml_parser_scan_block_scalar` without indentation indicators.
    fn block_scalar(&mut self, v: &'a str, n: usize, literal: bool) -> R {
        // Header: chomping indicator, then spaces and a comment.
        let mut h = &v[1..];
        let mut chomp = 0i8;
        if let Some(r) = h.strip_prefix('-') {
            chomp = -1;
            h = r;
        } else if let Some(r) = h.strip_prefix('+') {
            chomp = 1;
            h = r;
        }
        if !(h.is_empty() || (h.starts_with(' ') && is_blank_or_comment(h))) {
            return Err(Unsupported);
        }
        self.i += 1;
        let want = self.sink.wants_scalar();
        let mut out = String::new();
        // Leading blank lines, then the first content line fixes the indentation.
        let mut trailing = String::new();
        let mut max_blank = 0usize;
        let ind;
        loop {
            let Some(l) = self.line(self.i) else {
                ind = 0;
                break;
            };
            let sp = l.bytes().take_while(|&c| c == b' ').count();
            if sp == l.len() {
                max_blank = max_blank.max(sp);
                trailing.push('\n');
                self.i += 1;
                continue;
            }
            if l.as_bytes()[sp] == b'\t' {
                return Err(Unsupported);
            }
            ind = sp;
            break;
        }
        // A leading blank line longer than the content's indentation, or no content line
        // inside the scalar: outside the subset (libyaml and saphyr may differ there).
        if max_blank > ind && ind > n {
            return Err(Unsupported);
        }
        let content = ind > n && ind >= 1;
        if !content && max_blank > n {
            return Err(Unsupported);
        }
        let mut leading_break = String::new();
        let mut leading_blank = false;
        if content {
            while let Some(l) = self.line(self.i) {
                // At the start of a non-empty line indented at least `ind`.
                let text = &l[ind..];
                let trailing_blank = text.starts_with(' ') || text.starts_with('\t');
                if want {
                    if !literal && leading_break == "\n" && !leading_blank && !trailing_blank {
                        if trailing.is_empty() {
                            out.push(' ');
                        }
                    } else {
                        out.push_str(&leading_break);
                    }
                    out.push_str(&trailing);
                    out.push_str(text);
                }
                leading_break.clear();
                trailing.clear();
                leading_blank = trailing_blank;
                let (_, e) = self.lines[self.i];
                if e < self.src.len() {
                    leading_break.push('\n');
                } else if want && chomp != -1 {
                    // The last line of the input without a line break: go-yaml ends the
                    // value there, krust-yaml adds the break; leave it to the full reader.
                    return Err(Unsupported);
                }
                self.i += 1;
                // Indentation spaces and empty lines.
                let mut next_content = false;
                while let Some(l) = self.line(self.i) {
                    let sp = l.bytes().take_while(|&c| c == b' ').count();
                    let eaten = sp.min(ind);
                    let rest = &l[eaten..];
                    if eaten < ind && rest.starts_with('\t') {
                        return Err(Unsupported);
                    }
                    if rest.is_empty() {
                        trailing.push('\n');
                        self.i += 1;
                        continue;
                    }
                    next_content = eaten == ind;
                    break;
                }
                if !next_content {
                    break;
                }
            }
        }
        if want {
            if chomp != -1 {
                out.push_str(&leading_break);
            }
            if chomp == 1 {
                out.push_str(&trailing);
            }
            self.sink.scalar(Some(Scalar::Str(Cow::Owned(out))))
        } else {
            self.sink.scalar(None)
        }
    }
}

/// A one-line double-quoted scalar at the start of `v`: its value (when `want`) and the
/// text after the closing quote.
fn double_quoted(v: &str, want: bool) -> R<(Option<Cow<'_, str>>, &str)> {
    let b = v.as_bytes();
    let mut i = 1;
    let mut out: Option<String> = None;
    let mut from = 1;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let value = if want {
                    Some(match out {
                        None => Cow::Borrowed(&v[1..i]),
                        Some(mut s) => {
                            s.push_str(&v[from..i]);
                            Cow::Owned(s)
                        }
                    })
                } else {
                    None
                };
                return Ok((value, &v[i + 1..]));
            }
            b'\\' => {
                let s = out.get_or_insert_with(String::new);
                s.push_str(&v[from..i]);
                let (c, len) = escape(&v[i..])?;
                s.push(c);
                i += len;
                from = i;
            }
            _ => i += 1,
        }
    }
    Err(Unsupported)
}

/// The line starting at `b[i]` may continue a quoted scalar under a collection at
/// column `n`: empty, or indented past `n` with spaces.
fn continuation_ok(b: &[u8], i: usize, n: usize) -> R {
    let sp = b
        .get(i..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&c| c == b' ')
        .count();
    match b.get(i + sp) {
        Some(b'\t') => Err(Unsupported),
        Some(b'\n') | None => Ok(()),
        Some(_) if sp <= n => Err(Unsupported),
        Some(_) => Ok(()),
    }
}

/// A double-quoted scalar's escape at the start of `s` (`\n`, `\u00e9`...): the character
/// and the escape's length. `\/` (not an escape in YAML 1.1) and others are outside the
/// subset.
fn escape(s: &str) -> R<(char, usize)> {
    let b = s.as_bytes();
    let e = *b.get(1).ok_or(Unsupported)?;
    let c = match e {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = s.get(2..2 + digits).ok_or(Unsupported)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return Err(Unsupported);
            }
            let code = u32::from_str_radix(hex, 16).map_err(|_| Unsupported)?;
            return Ok((char::from_u32(code).ok_or(Unsupported)?, 2 + digits));
        }
        _ => return Err(Unsupported),
    };
    Ok((c, 2))
}

/// A one-line single-quoted scalar at the start of `v` (`''` is a quote).
fn single_quoted(v: &str, want: bool) -> R<(Option<Cow<'_, str>>, &str)> {
    let b = v.as_bytes();
    let mut i = 1;
    let mut escaped = false;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                escaped = true;
                i += 2;
                continue;
            }
            let inner = &v[1..i];
            let value = want.then(|| {
                if escaped {
                    Cow::Owned(inner.replace("''", "'"))
                } else {
                    Cow::Borrowed(inner)
                }
            });
            return Ok((value, &v[i + 1..]));
        }
        i += 1;
    }
    Err(Unsupported)
}

/// Types a plain scalar that may not be a string with the full reader (YAML 1.1 rules).
fn resolve_plain(t: &str) -> R<Data> {
    if t.starts_with("---") || t.starts_with("...") {
        return Err(Unsupported);
    }
    let v = krust_yaml::parse_document(t, "", Typing::Yaml11).map_err(|_| Unsupported)?;
    match v.data {
        d @ (Data::Null
        | Data::Bool(_)
        | Data::Int(_)
        | Data::Uint(_)
        | Data::Float(_)
        | Data::String(_)) => Ok(d),
        _ => Err(Unsupported),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    Meta,
    Ann,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    None,
    Kind,
    Meta,
    Ann,
    Hook,
}

/// Follows only `kind` and `metadata.annotations["helm.sh/hook"]`; a later duplicate
/// key wins, as in sigs.k8s.io/yaml.
#[derive(Default)]
struct HeadSink<'a> {
    stack: Vec<(Ctx, Want)>,
    kind: Option<Cow<'a, str>>,
    hook: Option<Cow<'a, str>>,
}

impl<'a> HeadSink<'a> {
    fn pending(&self) -> Want {
        self.stack.last().map_or(Want::None, |t| t.1)
    }

    /// A value that is not a string for the pending key.
    fn not_string(&mut self) {
        match self.pending() {
            Want::Kind => self.kind = None,
            Want::Hook => self.hook = None,
            _ => {}
        }
    }

    fn set(&mut self, s: Option<Cow<'a, str>>) {
        match self.pending() {
            Want::Kind => self.kind = s,
            Want::Hook => self.hook = s,
            _ => {}
        }
    }
}

impl<'a> Sink<'a> for HeadSink<'a> {
    fn map_start(&mut self) {
        self.not_string();
        let ctx = match (self.stack.is_empty(), self.pending()) {
            (true, _) => Ctx::Root,
            (false, Want::Meta) => Ctx::Meta,
            (false, Want::Ann) => Ctx::Ann,
            _ => Ctx::Other,
        };
        self.stack.push((ctx, Want::None));
    }

    fn key(&mut self, k: Cow<'a, str>) {
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        top.1 = match (top.0, k.as_ref()) {
            (Ctx::Root, "kind") => Want::Kind,
            (Ctx::Root, "metadata") => Want::Meta,
            (Ctx::Meta, "annotations") => Want::Ann,
            (Ctx::Ann, "helm.sh/hook") => Want::Hook,
            _ => Want::None,
        };
        match top.1 {
            Want::Kind => self.kind = None,
            Want::Meta | Want::Ann | Want::Hook => self.hook = None,
            Want::None => {}
        }
    }

    fn map_end(&mut self) {
        self.stack.pop();
    }

    fn seq_start(&mut self) {
        self.not_string();
        self.stack.push((Ctx::Other, Want::None));
    }

    fn seq_end(&mut self) {
        self.stack.pop();
    }

    fn wants_scalar(&self) -> bool {
        matches!(self.pending(), Want::Kind | Want::Hook)
    }

    fn scalar(&mut self, s: Option<Scalar<'a>>) -> R {
        if !self.wants_scalar() {
            return Ok(());
        }
        let v = match s {
            None => None,
            Some(Scalar::Str(s)) => Some(s),
            Some(Scalar::Plain(t)) if plain_is_string(t) => Some(Cow::Borrowed(t)),
            Some(Scalar::Plain(t)) => match resolve_plain(t)? {
                Data::String(s) => Some(Cow::Owned(s.to_string())),
                _ => None,
            },
        };
        self.set(v);
        Ok(())
    }

    fn null(&mut self) {
        self.not_string();
    }
}

enum Frame {
    Map(MapEntries, Option<krust_template::Str>),
    Seq(Vec<Go>),
}

/// Builds Go values as `to_go(json_numbers(..))` of the full reader's tree.
#[derive(Default)]
struct GoSink<'a> {
    stack: Vec<Frame>,
    result: Option<Go>,
    typed: HashMap<&'a str, Go>,
}

impl GoSink<'_> {
    fn push(&mut self, v: Go) {
        match self.stack.last_mut() {
            None => self.result = Some(v),
            Some(Frame::Map(m, k)) => {
                if let Some(k) = k.take() {
                    m.insert(k, v);
                }
            }
            Some(Frame::Seq(s)) => s.push(v),
        }
    }
}

impl<'a> Sink<'a> for GoSink<'a> {
    fn map_start(&mut self) {
        self.stack.push(Frame::Map(MapEntries::new(), None));
    }

    fn key(&mut self, k: Cow<'a, str>) {
        if let Some(Frame::Map(_, key)) = self.stack.last_mut() {
            *key = Some(krust_template::Str::from(k.as_ref()));
        }
    }

    fn map_end(&mut self) {
        if let Some(Frame::Map(m, _)) = self.stack.pop() {
            self.push(Go::map(m));
        }
    }

    fn seq_start(&mut self) {
        self.stack.push(Frame::Seq(Vec::new()));
    }

    fn seq_end(&mut self) {
        if let Some(Frame::Seq(s)) = self.stack.pop() {
            self.push(Go::list(s));
        }
    }

    fn wants_scalar(&self) -> bool {
        true
    }

    fn scalar(&mut self, s: Option<Scalar<'a>>) -> R {
        let v = match s.ok_or(Unsupported)? {
            Scalar::Str(s) => Go::str(s.as_ref()),
            Scalar::Plain(t) if plain_is_string(t) => Go::str(t),
            Scalar::Plain(t) => {
                if let Some(v) = self.typed.get(t) {
                    v.clone()
                } else {
                    let v = match resolve_plain(t)? {
                        Data::Null => Go::Nil,
                        Data::Bool(b) => Go::Bool(b),
                        Data::Int(i) => Go::Float(i as f64),
                        Data::Uint(u) => Go::Float(u as f64),
                        Data::Float(f) => Go::Float(f),
                        Data::String(s) => Go::String(s),
                        _ => return Err(Unsupported),
                    };
                    self.typed.insert(t, v.clone());
                    v
                }
            }
        };
        self.push(v);
        Ok(())
    }

    fn null(&mut self) {
        self.push(Go::Nil);
    }
}

/// A values document (`values.yaml`, `-f`) as `json_numbers` of the full reader's tree
/// (every number a `float64`); [`Unsupported`] for anything but a mapping or an empty
/// document, and for repeated keys (the full reader decides those).
pub fn values(src: &str) -> Result<Option<krust_yaml::Value>, Unsupported> {
    let mut sink = ValuesSink::default();
    match parse(src, &mut sink)? {
        Root::Empty => Ok(None),
        Root::Map if !sink.repeated => sink.result.map(Some).ok_or(Unsupported),
        _ => Err(Unsupported),
    }
}

/// Builds krust-yaml values as `json_numbers` of the full reader's tree.
#[derive(Default)]
struct ValuesSink<'a> {
    stack: Vec<YFrame>,
    result: Option<krust_yaml::Value>,
    typed: HashMap<&'a str, krust_yaml::Value>,
    repeated: bool,
}

enum YFrame {
    Map(krust_yaml::Map, Option<krust_yaml::Key>),
    Seq(krust_yaml::Seq),
}

impl ValuesSink<'_> {
    fn push(&mut self, v: krust_yaml::Value) {
        match self.stack.last_mut() {
            None => self.result = Some(v),
            Some(YFrame::Map(m, k)) => {
                if let Some(k) = k.take() {
                    if m.insert(k, v).is_some() {
                        self.repeated = true;
                    }
                }
            }
            Some(YFrame::Seq(s)) => s.push(v),
        }
    }
}

impl<'a> Sink<'a> for ValuesSink<'a> {
    fn map_start(&mut self) {
        self.stack
            .push(YFrame::Map(krust_yaml::Map::default(), None));
    }

    fn key(&mut self, k: Cow<'a, str>) {
        if let Some(YFrame::Map(_, key)) = self.stack.last_mut() {
            *key = Some(krust_yaml::Key::from(k.as_ref()));
        }
    }

    fn map_end(&mut self) {
        if let Some(YFrame::Map(m, _)) = self.stack.pop() {
            self.push(krust_yaml::Value::from_map(m));
        }
    }

    fn seq_start(&mut self) {
        self.stack.push(YFrame::Seq(Vec::new()));
    }

    fn seq_end(&mut self) {
        if let Some(YFrame::Seq(s)) = self.stack.pop() {
            self.push(krust_yaml::Value::from_seq(s));
        }
    }

    fn wants_scalar(&self) -> bool {
        true
    }

    fn scalar(&mut self, s: Option<Scalar<'a>>) -> R {
        use krust_yaml::Value as Y;
        let v = match s.ok_or(Unsupported)? {
            Scalar::Str(s) => Y::string(s.as_ref()),
            Scalar::Plain(t) if plain_is_string(t) => Y::string(t),
            Scalar::Plain(t) => {
                if let Some(v) = self.typed.get(t) {
                    v.clone()
                } else {
                    let v = match resolve_plain(t)? {
                        Data::Int(i) => Y::new(Data::Float(i as f64)),
                        Data::Uint(u) => Y::new(Data::Float(u as f64)),
                        d @ (Data::Null | Data::Bool(_) | Data::Float(_) | Data::String(_)) => {
                            Y::new(d)
                        }
                        _ => return Err(Unsupported),
                    };
                    self.typed.insert(t, v.clone());
                    v
                }
            }
        };
        self.push(v);
        Ok(())
    }

    fn null(&mut self) {
        self.push(krust_yaml::Value::new(Data::Null));
    }
}

/// The line (0-based) where the fast reader gives up, for tests and diagnostics.
#[cfg(test)]
fn fail_line(src: &str) -> Option<usize> {
    parse_at(src, &mut GoSink::default()).err()
}

#[cfg(test)]
mod tests;
