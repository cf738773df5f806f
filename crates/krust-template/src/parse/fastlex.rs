//! A fast path for the lexer: one tight loop over the bytes for the items chart templates
//! are made of (text, delimiters with trim markers, comments, spaces, identifiers,
//! keywords, fields, variables, quoted and raw strings, decimal numbers, parens, pipes,
//! declarations). Anything else — every error, non-ASCII inside an action, character
//! constants, number forms other than plain decimals — returns `None`, and [`super::lex`]
//! runs the state-machine lexer over the whole text instead, so both paths give the same
//! items (debug builds check that they do).
//!
//! An item's line is 1 + the newlines before its offset in both lexers; here the newlines
//! are counted only in the stretches that can hold them (text, spaces, raw strings,
//! comments, trim markers).

use super::lex::{keyword_kind, Item, Kind};

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Fast<'s> {
    input: &'s str,
    b: &'s [u8],
    items: Vec<Item<'s>>,
    /// The line at the scanning position.
    line: usize,
    break_ok: bool,
    continue_ok: bool,
}

impl<'s> Fast<'s> {
    /// Counts the newlines of `from..to`, a stretch the scan passes.
    fn lines(&mut self, from: usize, to: usize) {
        if let Some(seg) = self.b.get(from..to) {
            self.line += seg.iter().filter(|&&c| c == b'\n').count();
        }
    }

    fn emit(&mut self, kind: Kind, start: usize, end: usize) -> Option<()> {
        let val = self.input.get(start..end)?;
        self.items.push(Item {
            kind,
            pos: start,
            val,
            line: self.line,
        });
        Some(())
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// `}}` or ` -}}` at `i`: `Some(trim)`.
    fn right_delim(&self, i: usize) -> Option<bool> {
        let rest = self.b.get(i..)?;
        if rest.len() >= 4 && is_space(rest[0]) && rest[1] == b'-' && &rest[2..4] == b"}}" {
            return Some(true);
        }
        if rest.starts_with(b"}}") {
            return Some(false);
        }
        None
    }

    /// Go's `atTerminator` for ASCII (a non-ASCII byte is not one; the slow lexer then
    /// reports the bad character).
    fn at_terminator(&self, i: usize) -> bool {
        match self.at(i) {
            None => true,
            Some(c) => is_space(c) || matches!(c, b'.' | b',' | b'|' | b':' | b')' | b'(' | b'}'),
        }
    }

    fn scan_alnum(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_alnum) {
            i += 1;
        }
        i
    }

    fn skip_space(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_space) {
            i += 1;
        }
        i
    }

    fn run(mut self) -> Option<Vec<Item<'s>>> {
        let len = self.b.len();
        let mut pos = 0;
        loop {
            // Text up to the next `{{`.
            let Some(x) = find_left(self.input, pos) else {
                if len > pos {
                    self.emit(Kind::Text, pos, len)?;
                    self.lines(pos, len);
                }
                self.emit(Kind::Eof, len, len)?;
                return Some(self.items);
            };
            let trim = self.at(x + 2) == Some(b'-') && self.at(x + 3).is_some_and(is_space);
            let mut end = x;
            if trim {
                while end > pos && is_space(self.b[end - 1]) {
                    end -= 1;
                }
            }
            if end > pos {
                self.emit(Kind::Text, pos, end)?;
            }
            self.lines(pos, x);
            let after = x + 2 + if trim { 2 } else { 0 };
            if self.b.get(after..)?.starts_with(b"/*") {
                let close = find(self.input, after + 2, "*/")?;
                let mut p = close + 2;
                let rtrim = self.right_delim(p)?;
                if rtrim {
                    p += 2;
                }
                p += 2;
                if rtrim {
                    p = self.skip_space(p);
                }
                self.lines(x + 2, p);
                pos = p;
                continue;
            }
            self.emit(Kind::LeftDelim, x, x + 2)?;
            self.lines(x + 2, after);
            pos = self.action(after)?;
        }
    }

    /// Lexes one action from `p` (after the left delimiter); returns the offset after the
    /// right delimiter (and its trimmed space).
    fn action(&mut self, mut p: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            if let Some(trim) = self.right_delim(p) {
                if depth != 0 {
                    return None;
                }
                if trim {
                    self.lines(p, p + 2);
                    p += 2;
                }
                self.emit(Kind::RightDelim, p, p + 2)?;
                p += 2;
                if trim {
                    let q = self.skip_space(p);
                    self.lines(p, q);
                    p = q;
                }
                return Some(p);
            }
            let c = self.at(p)?;
            let start = p;
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    let mut q = self.skip_space(p);
                    // A trim-marked right delimiter starts with a space: leave it.
                    if self.right_delim(q - 1) == Some(true) {
                        q -= 1;
                        if q == p {
                            continue;
                        }
                    }
                    self.emit(Kind::Space, p, q)?;
                    self.lines(p, q);
                    p = q;
                }
                b'=' => {
                    self.emit(Kind::Assign, p, p + 1)?;
                    p += 1;
                }
                b':' => {
                    if self.at(p + 1) != Some(b'=') {
                        return None;
                    }
                    self.emit(Kind::Declare, p, p + 2)?;
                    p += 2;
                }
                b'|' => {
                    self.emit(Kind::Pipe, p, p + 1)?;
                    p += 1;
                }
                b'"' => {
                    let mut q = p + 1;
                    loop {
                        match self.at(q)? {
                            b'\\' => match self.at(q + 1)? {
                                b'\n' => return None,
                                _ => q += 2,
                            },
                            b'\n' => return None,
                            b'"' => break,
                            _ => q += 1,
                        }
                    }
                    self.emit(Kind::String, p, q + 1)?;
                    p = q + 1;
                }
                b'`' => {
                    let q = find(self.input, p + 1, "`")?;
                    self.emit(Kind::RawString, p, q + 1)?;
                    self.lines(p, q + 1);
                    p = q + 1;
                }
                b'$' => {
                    let q = if self.at_terminator(p + 1) {
                        p + 1
                    } else {
                        let q = self.scan_alnum(p + 1);
                        if !self.at_terminator(q) {
                            return None;
                        }
                        q
                    };
                    self.emit(Kind::Variable, p, q)?;
                    p = q;
                }
                b'.' => {
                    match self.at(p + 1) {
                        Some(d) if d.is_ascii_digit() => return None,
                        None => return None,
                        Some(_) => {}
                    }
                    if self.at_terminator(p + 1) {
                        self.emit(Kind::Dot, p, p + 1)?;
                        p += 1;
                    } else {
                        let q = self.scan_alnum(p + 1);
                        if !self.at_terminator(q) {
                            return None;
                        }
                        self.emit(Kind::Field, p, q)?;
                        p = q;
                    }
                }
                b'0'..=b'9' => {
                    // Plain decimal integers only (`0x..`, floats, `_` go the slow way).
                    if c == b'0' && self.at(p + 1).is_some_and(is_alnum) {
                        return None;
                    }
                    let mut q = p;
                    while self.at(q).is_some_and(|d| d.is_ascii_digit()) {
                        q += 1;
                    }
                    match self.at(q) {
                        Some(d) if is_alnum(d) || matches!(d, b'.' | b'+' | b'-') => return None,
                        _ => {}
                    }
                    self.emit(Kind::Number, p, q)?;
                    p = q;
                }
                b'(' => {
                    self.emit(Kind::LeftParen, p, p + 1)?;
                    depth += 1;
                    p += 1;
                }
                b')' => {
                    if depth == 0 {
                        return None;
                    }
                    self.emit(Kind::RightParen, p, p + 1)?;
                    depth -= 1;
                    p += 1;
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let q = self.scan_alnum(p);
                    if !self.at_terminator(q) {
                        return None;
                    }
                    let word = self.input.get(start..q)?;
                    let kind = match keyword_kind(word) {
                        Some(Kind::Break) if !self.break_ok => Kind::Identifier,
                        Some(Kind::Continue) if !self.continue_ok => Kind::Identifier,
                        Some(k) => k,
                        None if word == "true" || word == "false" => Kind::Bool,
                        None => Kind::Identifier,
                    };
                    self.emit(kind, p, q)?;
                    p = q;
                }
                // Signs, char constants, anything else: the slow lexer.
                b'+' | b'-' | b'\'' => return None,
                c if c.is_ascii_graphic() => {
                    self.emit(Kind::Char, p, p + 1)?;
                    p += 1;
                }
                _ => return None,
            }
        }
    }
}

/// The offset of the first `{{` at or after `from`.
fn find_left(s: &str, from: usize) -> Option<usize> {
    find_pair(s.as_bytes(), from, b'{', b'{')
}

/// The offset of the first `pat` at or after `from`.
fn find(s: &str, from: usize, pat: &str) -> Option<usize> {
    match pat.as_bytes() {
        [c0, c1] => find_pair(s.as_bytes(), from, *c0, *c1),
        _ => Some(from + s.get(from..)?.find(pat)?),
    }
}

/// The offset of the first `c0 c1` pair at or after `from`, eight offsets per step: a byte
/// of `(x ^ c0s) | (y ^ c1s)` is zero where the pair starts (`x` the eight bytes at `i`,
/// `y` those at `i + 1`), and the zero-byte test's lowest flag marks the first one.
/// Chart texts are full of single `{` (JSON dashboards), where a memchr for `{` restarts
/// at each.
fn find_pair(b: &[u8], from: usize, c0: u8, c1: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let (m0, m1) = (ONES * u64::from(c0), ONES * u64::from(c1));
    let word = |at: usize| -> Option<u64> {
        let bytes: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    };
    let mut i = from;
    while i + 9 <= b.len() {
        let (Some(x), Some(y)) = (word(i), word(i + 1)) else {
            break;
        };
        let z = (x ^ m0) | (y ^ m1);
        let t = z.wrapping_sub(ONES) & !z & HIGHS;
        if t != 0 {
            return Some(i + (t.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i + 1 < b.len() {
        if b.get(i) == Some(&c0) && b.get(i + 1) == Some(&c1) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Lexes `input` if every item is one the fast path knows; `None` otherwise.
pub(super) fn lex(input: &str, break_ok: bool, continue_ok: bool) -> Option<Vec<Item<'_>>> {
    Fast {
        input,
        b: input.as_bytes(),
        items: Vec::with_capacity(input.len() / 6 + 16),
        line: 1,
        break_ok,
        continue_ok,
    }
    .run()
}

#[cfg(test)]
mod tests {
    use super::super::lex::lex_slow;

    /// The fast path takes a text only when it lexes it as the state machine does.
    fn same(text: &str) {
        for (b, c) in [(true, true), (false, false)] {
            if let Some(fast) = super::lex(text, b, c) {
                let slow = lex_slow(text, b, c);
                assert!(slow.error.is_empty(), "{text:?}: {}", slow.error);
                assert_eq!(fast, slow.items, "{text:?}");
            }
        }
    }

    #[test]
    fn fast_lexer_agrees_with_the_state_machine() {
        let texts = [
            "",
            "plain text\nno actions",
            "a {{ .Values.x }} b",
            "a\n  {{- .x -}}\n  b",
            "{{- /* comment\n */ -}}\n x",
            "{{/* c */}}y",
            "{{ $x := .a }}{{ $x = 3 }}{{ $ }}{{ $.b.c }}",
            "{{ include \"x\" . | nindent 4 }}",
            "{{ printf \"%s\\\"q\" `raw\nline` }}",
            "{{ if and (eq .a 1) (ne .b 2) }}x{{ else if .c }}y{{ else }}z{{ end }}",
            "{{ range $i, $v := .list }}{{ break }}{{ continue }}{{ end }}",
            "{{ define \"n\" }}{{ true }} {{ false }} {{ nil }}{{ end }}",
            "{{ (.a).b }} {{ .a.b.c }} {{ . }} {{ .. }}",
            "{{ x\n-}}\n y",
            "{{ x \n -}} y",
            "{{-\tx\t-}}",
            "{{ 0 }} {{ 10 }} {{ 1.5 }} {{ -1 }} {{ 0x1F }} {{ 'a' }}",
            "{{ x, y }} {{ a:=b }}",
            "{{ \"unterminated }}",
            "{{ .x",
            "{{ .x }",
            "{{ é }}",
            "{{ (x }}",
            "{{ x) }}",
            "{{ a :b }}",
            "{{/* unclosed",
            "{{/* x */ y }}",
            "{{ .x.1 }}",
            "{{ .x! }}",
            "{ { }} {{{ .x }}}",
        ];
        for t in texts {
            same(t);
        }
    }

    #[test]
    fn pairs_are_found_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                let mut b = vec![b'{'; len];
                for (i, c) in b.iter_mut().enumerate() {
                    if i % 2 == 1 {
                        *c = b'x';
                    }
                }
                let want = (at + 1 < len).then_some(at);
                if let Some(w) = want {
                    b[w] = b'{';
                    b[w + 1] = b'{';
                }
                let first = (0..len.saturating_sub(1)).find(|&i| b[i] == b'{' && b[i + 1] == b'{');
                assert_eq!(super::find_pair(&b, 0, b'{', b'{'), first, "{len} {at}");
                assert_eq!(
                    super::find_pair(&b, at, b'{', b'{'),
                    (at..len.saturating_sub(1)).find(|&i| b[i] == b'{' && b[i + 1] == b'{'),
                    "{len} from {at}"
                );
            }
        }
    }
}
