//! The go-yaml v2 emitter (`emitterc.go`), reduced to what kustomize's output needs: block
//! mappings and sequences, empty flow collections, and scalars in every style v2 picks.
//!
//! The state (column, indent, `whitespace`, `indention`) and the write rules follow the C
//! emitter closely, because quoting, folding at 80 columns and indentation all depend on
//! them. Columns count characters, as v2 does.

use super::goyaml_v3::folded_round_trip;
use super::json::{key_through_json, through_json};
use super::number::{format_float, NumBuf};
use super::resolve::needs_quotes;
use super::sort::sort_by_key;
use std::borrow::Cow;

use crate::{Data, Error, Style, Value};

/// v2 `best_width`.
const BEST_WIDTH: usize = 80;
/// v2 `best_indent`.
const BEST_INDENT: i32 = 2;
/// Longest key (in bytes) v2 writes as a simple `key: value`.
const MAX_SIMPLE_KEY: usize = 128;
/// v2's reader refuses JSON nested deeper than this (`max_flow_level`).
const MAX_DEPTH: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScalarStyle {
    Plain,
    Single,
    Double,
    Literal,
}

/// What `yaml_emitter_analyze_scalar` finds out about a scalar (the block-context part).
#[derive(Debug, PartialEq, Eq)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\x20'..='\x7e' | '\u{a0}'..='\u{d7ff}')
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
}

fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

/// True for text [`analyze`] finds nothing special in: printable ASCII without blanks,
/// breaks or indicators, so every style is allowed and the text is on one line. Most names,
/// labels and values are such words; checking bytes is much cheaper than the full scan.
fn plain_word(value: &str) -> bool {
    let b = value.as_bytes();
    matches!(b.first(), Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'/')
        && b.iter().all(|&c| {
            c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/' | b'+' | b'=')
        })
}

fn analyze(value: &str) -> Analysis {
    if plain_word(value) {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
    }
    analyze_full(value)
}

fn analyze_full(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;

    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let followed_by_ws = matches!(next, None | Some(' ' | '\t'));
        let last = next.is_none();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = is_blankz(c);
    }

    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// A block collection being written.
enum Frame<'v> {
    Seq {
        items: std::slice::Iter<'v, Value>,
        old_indent: i32,
        /// Whether go-yaml v3 writes this collection in flow style (it or an enclosing one was
        /// read as a flow collection).
        flow: bool,
    },
    Map {
        entries: std::vec::IntoIter<(Cow<'v, str>, &'v Value)>,
        old_indent: i32,
        /// As for `Seq`.
        flow: bool,
    },
}

/// What the document loop does next.
enum Step<'v> {
    Item(&'v Value),
    Entry(Cow<'v, str>, &'v Value),
    Close(i32),
}

fn parent_flow(stack: &[Frame<'_>]) -> bool {
    matches!(
        stack.last(),
        Some(Frame::Seq { flow: true, .. } | Frame::Map { flow: true, .. })
    )
}

/// Whether go-yaml v3 writes `s` as a block scalar its own reader then refuses, which fails
/// kustomize's print (kyaml `MarshalJSON` reads the v3 text back; checked with kubectl v1.32
/// and 1.35: `yaml: line N: found a tab character where an indentation space is expected`).
/// v3 writes a literal or folded node, or a plain (or code-made) one holding a line break,
/// as a block when `block_allowed` and not inside a flow collection; it adds an indentation
/// indicator only when the value starts with a space or a break, so a value starting with
/// a tab leaves the reader guessing the indentation, and a tab there is an error.
fn v3_block_unreadable(s: &str, style: Style, in_flow: bool) -> bool {
    if in_flow || !s.starts_with('\t') {
        return false;
    }
    let block = match style {
        Style::Literal | Style::Folded => true,
        Style::Any | Style::Plain | Style::Empty => s.contains('\n'),
        _ => false,
    };
    block && super::goyaml_v3::block_allowed(s)
}

fn print_error(at: &Value, message: &str) -> Error {
    Error::Print {
        mark: at.mark,
        message: message.to_string(),
    }
}

/// Writes values into one output buffer with v2's emitter state.
pub(super) struct Emitter<'o> {
    out: &'o mut String,
    column: usize,
    /// Current indentation; -1 before the root node.
    indent: i32,
    whitespace: bool,
    indention: bool,
}

impl<'o> Emitter<'o> {
    pub(super) fn new(out: &'o mut String) -> Self {
        Emitter {
            out,
            column: 0,
            indent: -1,
            whitespace: true,
            indention: true,
        }
    }

    /// One document: the root node, then the implicit document end.
    ///
    /// Collections are walked with an explicit stack, so nesting costs heap, not call
    /// stack; v2's own depth limit applies.
    pub(super) fn document(&mut self, root: &Value) -> Result<(), Error> {
        let mut stack: Vec<Frame<'_>> = Vec::new();
        self.open(root, false, &mut stack)?;
        loop {
            let step = match stack.last_mut() {
                None => break,
                Some(Frame::Seq {
                    items, old_indent, ..
                }) => match items.next() {
                    Some(item) => Step::Item(item),
                    None => Step::Close(*old_indent),
                },
                Some(Frame::Map {
                    entries,
                    old_indent,
                    ..
                }) => match entries.next() {
                    Some((key, value)) => Step::Entry(key, value),
                    None => Step::Close(*old_indent),
                },
            };
            match step {
                Step::Item(item) => {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.open(item, false, &mut stack)?;
                }
                Step::Entry(key, value) => {
                    self.key(&key);
                    self.open(value, true, &mut stack)?;
                }
                Step::Close(old_indent) => {
                    self.indent = old_indent;
                    stack.pop();
                }
            }
        }
        self.write_indent();
        Ok(())
    }

    // ---- structure ----------------------------------------------------------------------

    /// Writes a scalar or an empty collection, or starts a block collection on `stack`.
    /// `mapping` says the node is a mapping value (a sequence there is not indented).
    fn open<'v>(
        &mut self,
        value: &'v Value,
        mapping: bool,
        stack: &mut Vec<Frame<'v>>,
    ) -> Result<(), Error> {
        if matches!(value.data, Data::Seq(_) | Data::Map(_)) && stack.len() >= MAX_DEPTH {
            // Each level is a JSON flow level to v2's reader, which stops at 10000.
            return Err(print_error(value, "yaml: exceeded max depth of 10000"));
        }
        match &value.data {
            Data::Null => self.plain_ascii("null"),
            Data::Bool(b) => self.plain_ascii(if *b { "true" } else { "false" }),
            Data::Int(i) => self.write_num(format_args!("{i}")),
            Data::Uint(u) => self.write_num(format_args!("{u}")),
            Data::Float(f) => {
                let mut buf = NumBuf::new();
                format_float(&mut buf, *f)
                    .map_err(|v| print_error(value, &format!("json: unsupported value: {v}")))?;
                self.plain_ascii(buf.as_str());
            }
            Data::String(s) => {
                let in_flow = match stack.last() {
                    Some(Frame::Seq { flow, .. } | Frame::Map { flow, .. }) => *flow,
                    None => false,
                };
                if v3_block_unreadable(s, value.style, in_flow) {
                    return Err(print_error(
                        value,
                        "yaml: found a tab character where an indentation space is expected \
                         (go-yaml v3 writes the value as a block scalar it cannot read back)",
                    ));
                }
                // kustomize's print goes through go-yaml v3's text first, whose emitter
                // changes some folded scalars (see goyaml_v3.rs).
                let folded = if value.style == Style::Folded {
                    let content = if self.indent < 0 {
                        BEST_INDENT
                    } else {
                        self.indent + BEST_INDENT
                    };
                    folded_round_trip(s, content.unsigned_abs() as usize)
                } else {
                    None
                };
                let s = folded.as_deref().unwrap_or(s);
                let s = through_json(s).map_err(|m| print_error(value, m))?;
                let analysis = analyze(&s);
                self.string_analyzed(&s, &analysis, false);
            }
            Data::Seq(items) if items.is_empty() => self.empty_flow("[]"),
            Data::Seq(items) => {
                let old_indent = self.indent;
                let indentless = mapping && !self.indention;
                self.indent = if old_indent < 0 {
                    0
                } else if indentless {
                    old_indent
                } else {
                    old_indent + BEST_INDENT
                };
                let flow = value.style == Style::Flow || parent_flow(stack);
                stack.push(Frame::Seq {
                    items: items.iter(),
                    old_indent,
                    flow,
                });
            }
            Data::Map(map) if map.is_empty() => self.empty_flow("{}"),
            Data::Map(map) => {
                let mut entries = Vec::with_capacity(map.len());
                for (k, v) in map.iter() {
                    if k.is_non_string() {
                        // go-yaml decodes such a map as map[interface{}]interface{}, which
                        // encoding/json cannot marshal.
                        return Err(print_error(
                            v,
                            "json: unsupported type: map[interface {}]interface {} (a mapping key is not a string)",
                        ));
                    }
                    entries.push((key_through_json(k).map_err(|m| print_error(v, m))?, v));
                }
                sort_by_key(&mut entries);
                let old_indent = self.indent;
                self.indent = if old_indent < 0 {
                    0
                } else {
                    old_indent + BEST_INDENT
                };
                let flow = value.style == Style::Flow || parent_flow(stack);
                stack.push(Frame::Map {
                    entries: entries.into_iter(),
                    old_indent,
                    flow,
                });
            }
        }
        Ok(())
    }

    /// A mapping key and its `:`, simple (`key:`) or complex (`? key` / `:`).
    fn key(&mut self, key: &str) {
        self.write_indent();
        let analysis = analyze(key);
        if !analysis.multiline && key.len() <= MAX_SIMPLE_KEY {
            self.string_analyzed(key, &analysis, true);
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            self.string_analyzed(key, &analysis, false);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    /// `[]` or `{}`: v2 writes an empty collection in flow style.
    fn empty_flow(&mut self, text: &str) {
        self.write_indicator(text, true, false, false);
    }

    // ---- low-level writes ---------------------------------------------------------------

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// v2 `write_break` for one line-break character.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(ind);
        self.column += ind.chars().count();
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    // ---- scalars ------------------------------------------------------------------------

    fn write_num(&mut self, args: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        let mut buf = NumBuf::new();
        // Integers fit the buffer; a failure would only truncate, never panic.
        let _ = buf.write_fmt(args);
        self.plain_ascii(buf.as_str());
    }

    /// A scalar v2 always writes plain and that never folds: numbers, booleans, null.
    fn plain_ascii(&mut self, text: &str) {
        self.with_scalar_indent(|e| {
            if !e.whitespace {
                e.put(' ');
            }
            e.out.push_str(text);
            e.column += text.len();
            e.whitespace = false;
            e.indention = false;
        });
    }

    /// v2 `stringv` plus `yaml_emitter_select_scalar_style`.
    fn string_analyzed(&mut self, s: &str, a: &Analysis, simple_key: bool) {
        let mut style = if s.contains('\n') {
            ScalarStyle::Literal
        } else if !needs_quotes(s) {
            ScalarStyle::Plain
        } else {
            ScalarStyle::Double
        };
        if simple_key && a.multiline {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = ScalarStyle::Single;
        }
        if style == ScalarStyle::Single && !a.single_quoted_allowed {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Literal && (!a.block_allowed || simple_key) {
            style = ScalarStyle::Double;
        }
        let allow_breaks = !simple_key;
        self.with_scalar_indent(|e| match style {
            ScalarStyle::Plain => e.write_plain(s, allow_breaks),
            ScalarStyle::Single => e.write_single(s, allow_breaks),
            ScalarStyle::Double => e.write_double(s, allow_breaks),
            ScalarStyle::Literal => e.write_literal(s),
        });
    }

    /// v2 raises the indent (flow-style) around every scalar.
    fn with_scalar_indent(&mut self, f: impl FnOnce(&mut Self)) {
        let old = self.indent;
        self.indent = if old < 0 {
            BEST_INDENT
        } else {
            old + BEST_INDENT
        };
        f(self);
        self.indent = old;
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // Fast path: no line break inside (plain never has one) and no fold possible, because
        // no space can sit past column 80.
        if !allow_breaks || self.column + value.len() <= BEST_WIDTH + 1 || !value.contains(' ') {
            self.out.push_str(value);
            self.column += if value.is_ascii() {
                value.len()
            } else {
                value.chars().count()
            };
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek() == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let len = value.len();
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek().map(|&(_, n)| n) == Some(' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < len
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // v2 checks for a BOM at the start of the value, not at each character, so a
        // leading BOM makes every character escaped.
        let bom = value.starts_with('\u{feff}');
        let len = value.len();
        let mut spaces = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\x07' => self.put('a'),
                    '\x08' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\x0b' => self.put('v'),
                    '\x0c' => self.put('f'),
                    '\r' => self.put('r'),
                    '\x1b' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = u32::from(c);
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (4 * k)) & 0xf;
                            let ch = char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase();
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < len {
                    self.write_indent();
                    if chars.peek().map(|&(_, n)| n) == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space
        // or a break, and the chomping indicator from how it ends.
        if value.starts_with(|c: char| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if is_break(prev) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod analyze_tests {
    use super::{analyze, analyze_full, plain_word};

    #[test]
    fn plain_words_analyze_as_the_full_scan_does() {
        for w in [
            "nginx",
            "apps/v1",
            "a-b_c.d",
            "x=y",
            "1.2.3",
            "registry.example.com/apps/x",
            "_a",
            "/path/to",
            "v1+build",
            "a--",
            "a...",
            "0x1F",
            "true",
            "null",
        ] {
            assert!(plain_word(w), "{w}");
            assert_eq!(analyze(w), analyze_full(w), "{w}");
        }
        for w in [
            "", "-a", ".a", "---", "...x", "a b", "a:b", "a#b", "a\n", "é", "a\tb", "'a", "*a",
        ] {
            assert!(!plain_word(w), "{w}");
        }
    }
}
