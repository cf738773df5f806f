//! Where go-yaml reads the written text differently from saphyr-parser: the checks and
//! fixes that look at the source text around an event (block scalar headers and their
//! indentation, escapes in double-quoted scalars, a block scalar that ends the file).

use saphyr_parser::{ScalarStyle, Span};

use super::super::Typing;
use super::Builder;
use crate::{Error, Mark};

impl Builder<'_> {
    /// kyaml splits a stream into documents and gives every document but the last its line
    /// break back, so a block scalar that ends a file with no final newline has no final
    /// line break in kustomize (`|` + `x` at end of file is `"x"`); saphyr-parser adds one.
    pub(super) fn unbroken_at_eof<'t>(
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

    /// go-yaml knows no `\/` escape (YAML 1.2 added it; saphyr accepts it).
    pub(super) fn check_escapes(&self, span: &Span, mark: Mark) -> Result<(), Error> {
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
    pub(super) fn block_header(&self, span: &Span) -> Option<(usize, usize, Mark)> {
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
}

/// The byte offset just past the closing quote of the quoted scalar at or after `from`
/// (after any anchor or tag).
pub(super) fn quoted_end(src: &str, from: usize, double: bool) -> Option<usize> {
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
pub(super) fn tab_in_block_indentation(src: &str, line_start: usize, ind: usize) -> bool {
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
