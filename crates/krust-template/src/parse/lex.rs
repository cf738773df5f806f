//! The lexer: cuts template text into items the way Go's `text/template/parse` lexer does
//! (trim markers, comments, newlines inside actions, number forms with `_`, `0x`, `0o`, `0b`).
//!
//! Items borrow their text from the input and are `Copy`; the one error message a lexing
//! can end with is returned beside them. Identifiers, fields, spaces and quoted strings
//! are scanned bytewise (ASCII fast paths), text runs with memchr.

/// Kinds of lexical items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Kind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Block
                | Kind::Break
                | Kind::Continue
                | Kind::Dot
                | Kind::Define
                | Kind::Else
                | Kind::End
                | Kind::If
                | Kind::Nil
                | Kind::Range
                | Kind::Template
                | Kind::With
        )
    }
}

/// The keyword `word` is, if any.
pub(super) fn keyword_kind(word: &str) -> Option<Kind> {
    Some(match word {
        "." => Kind::Dot,
        "block" => Kind::Block,
        "break" => Kind::Break,
        "continue" => Kind::Continue,
        "define" => Kind::Define,
        "else" => Kind::Else,
        "end" => Kind::End,
        "if" => Kind::If,
        "range" => Kind::Range,
        "nil" => Kind::Nil,
        "template" => Kind::Template,
        "with" => Kind::With,
        _ => return None,
    })
}

/// One lexical item: kind, byte offset, text (borrowed from the input; empty for the
/// error item, whose message [`Lexed::error`] holds) and the line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item<'s> {
    pub(crate) kind: Kind,
    pub(crate) pos: usize,
    pub(crate) val: &'s str,
    pub(crate) line: usize,
}

impl Item<'_> {
    /// As Go's `item.String` (used in "unexpected X in Y" messages); `error` is the
    /// message of an error item.
    pub(crate) fn describe(&self, error: &str) -> String {
        match self.kind {
            Kind::Eof => "EOF".to_string(),
            Kind::Error => error.to_string(),
            k if k.is_keyword() => format!("<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                format!("{}...", crate::fmt::quote(&head))
            }
            _ => crate::fmt::quote(self.val),
        }
    }
}

/// What [`lex`] returns: the items (the last is `Eof` or `Error`) and the error message.
#[derive(Debug)]
pub(crate) struct Lexed<'s> {
    pub(crate) items: Vec<Item<'s>>,
    pub(crate) error: String,
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `unicode.IsLetter || unicode.IsDigit || '_'` (close enough for non-ASCII).
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    c.is_alphabetic() || c.is_numeric()
}

/// Newlines in `s` (a byte count the compiler vectorises).
fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// The offset of the first `{{` in `s` (memchr for `{`, then the second byte).
fn find_left(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(j) = s.get(from..).and_then(|rest| rest.find('{')) {
        let at = from + j;
        if b.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

/// Lexer state.
struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
    paren_depth: usize,
    line: usize,
    start_line: usize,
    break_ok: bool,
    continue_ok: bool,
    items: Vec<Item<'a>>,
    error: String,
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

/// Lexes all of `input`. The last item is `Eof` or `Error`.
///
/// Most texts take the fast path ([`super::fastlex`]); it gives up on anything unusual,
/// and the state machine below, the reference, lexes those.
pub(crate) fn lex(input: &str, break_ok: bool, continue_ok: bool) -> Lexed<'_> {
    if let Some(items) = super::fastlex::lex(input, break_ok, continue_ok) {
        #[cfg(debug_assertions)]
        {
            let slow = lex_slow(input, break_ok, continue_ok);
            debug_assert!(slow.error.is_empty(), "fast lexer accepted an error");
            debug_assert_eq!(
                items, slow.items,
                "fast and slow lexers differ on {input:?}"
            );
        }
        return Lexed {
            items,
            error: String::new(),
        };
    }
    lex_slow(input, break_ok, continue_ok)
}

/// The reference lexer: Go's state machine, item by item.
pub(super) fn lex_slow(input: &str, break_ok: bool, continue_ok: bool) -> Lexed<'_> {
    let mut l = Lexer {
        input,
        pos: 0,
        start: 0,
        width: 0,
        paren_depth: 0,
        line: 1,
        start_line: 1,
        break_ok,
        continue_ok,
        // Action-dense chart templates reach one item per 6-9 bytes: reserving that much
        // avoids regrowing (and copying) the vector; for text-heavy inputs the unused tail
        // of a large reservation is never touched.
        items: Vec::with_capacity(input.len() / 6 + 16),
        error: String::new(),
    };
    let mut state = Some(State::Text);
    while let Some(s) = state {
        state = l.step(s);
    }
    Lexed {
        items: l.items,
        error: l.error,
    }
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn next(&mut self) -> Option<char> {
        if let Some(&b) = self.input.as_bytes().get(self.pos) {
            if b.is_ascii() {
                self.width = 1;
                self.pos += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                return Some(b as char);
            }
        }
        match self.rest().chars().next() {
            None => {
                self.width = 0;
                None
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                if c == '\n' {
                    self.line += 1;
                }
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        if let Some(&b) = self.input.as_bytes().get(self.pos) {
            if b.is_ascii() {
                return Some(b as char);
            }
        }
        self.rest().chars().next()
    }

    fn backup(&mut self) {
        self.pos -= self.width;
        if self.width == 1 && self.input.as_bytes().get(self.pos) == Some(&b'\n') {
            self.line -= 1;
        }
    }

    fn emit(&mut self, kind: Kind) {
        self.items.push(Item {
            kind,
            pos: self.start,
            val: &self.input[self.start..self.pos],
            line: self.start_line,
        });
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn ignore(&mut self) {
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            Some(_) => {
                self.backup();
                false
            }
            None => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                self.backup();
                return;
            }
        }
    }

    fn error(&mut self, msg: String) -> Option<State> {
        self.items.push(Item {
            kind: Kind::Error,
            pos: self.start,
            val: "",
            line: self.start_line,
        });
        self.error = msg;
        None
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim(rest) && rest[2..].starts_with(RIGHT) {
            return (true, true);
        }
        (rest.starts_with(RIGHT), false)
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(' | '}') => true,
            _ => false,
        }
    }

    fn step(&mut self, s: State) -> Option<State> {
        match s {
            State::Text => {
                self.width = 0;
                if let Some(x) = find_left(self.rest()) {
                    self.pos += x;
                    let mut trim = 0;
                    if has_left_trim(&self.input[self.pos + LEFT.len()..]) {
                        let before = &self.input[self.start..self.pos];
                        trim = before.len() - before.trim_end_matches(is_space).len();
                    }
                    self.pos -= trim;
                    if self.pos > self.start {
                        self.line += count_newlines(&self.input[self.start..self.pos]);
                        self.emit(Kind::Text);
                    }
                    self.pos += trim;
                    self.ignore();
                    return Some(State::LeftDelim);
                }
                self.pos = self.input.len();
                if self.pos > self.start {
                    self.line += count_newlines(&self.input[self.start..self.pos]);
                    self.emit(Kind::Text);
                }
                self.emit(Kind::Eof);
                None
            }
            State::LeftDelim => {
                self.pos += LEFT.len();
                let trim = has_left_trim(self.rest());
                let after = if trim { 2 } else { 0 };
                if self.input[self.pos + after..].starts_with(LEFT_COMMENT) {
                    self.pos += after;
                    self.ignore();
                    return Some(State::Comment);
                }
                self.emit(Kind::LeftDelim);
                self.pos += after;
                self.ignore();
                self.paren_depth = 0;
                Some(State::InsideAction)
            }
            State::Comment => {
                self.pos += LEFT_COMMENT.len();
                let Some(i) = self.rest().find(RIGHT_COMMENT) else {
                    return self.error("unclosed comment".into());
                };
                self.pos += i + RIGHT_COMMENT.len();
                let (delim, trim) = self.at_right_delim();
                if !delim {
                    return self.error("comment ends before closing delimiter".into());
                }
                if trim {
                    self.pos += 2;
                }
                self.pos += RIGHT.len();
                if trim {
                    let rest = self.rest();
                    self.pos += rest.len() - rest.trim_start_matches(is_space).len();
                }
                self.ignore();
                Some(State::Text)
            }
            State::RightDelim => {
                let trim = has_right_trim(self.rest());
                if trim {
                    self.pos += 2;
                    self.ignore();
                }
                self.pos += RIGHT.len();
                self.emit(Kind::RightDelim);
                if trim {
                    let rest = self.rest();
                    self.pos += rest.len() - rest.trim_start_matches(is_space).len();
                    self.ignore();
                }
                Some(State::Text)
            }
            State::InsideAction => self.inside_action(),
            State::Space => {
                // Entered at a space character: n >= 1, and the last one read is ASCII.
                let b = self.input.as_bytes();
                let start = self.pos;
                let mut p = start;
                while let Some(&c) = b.get(p) {
                    match c {
                        b' ' | b'\t' | b'\r' => {}
                        b'\n' => self.line += 1,
                        _ => break,
                    }
                    p += 1;
                }
                let n = p - start;
                self.pos = p;
                self.width = 1;
                // A trim-marked right delimiter starts with a space: leave it to RightDelim.
                let back = &self.input[self.pos - 1..];
                if has_right_trim(back) && back[2..].starts_with(RIGHT) {
                    self.backup();
                    if n == 1 {
                        return Some(State::RightDelim);
                    }
                }
                self.emit(Kind::Space);
                Some(State::InsideAction)
            }
            State::Identifier => {
                self.scan_alnum();
                let word = &self.input[self.start..self.pos];
                if !self.at_terminator() {
                    let c = self.peek();
                    return self.error(format!("bad character {}", sharp_u(c)));
                }
                let kind = match keyword_kind(word) {
                    Some(Kind::Break) if !self.break_ok => Kind::Identifier,
                    Some(Kind::Continue) if !self.continue_ok => Kind::Identifier,
                    Some(k) => k,
                    None if word.starts_with('.') => Kind::Field,
                    None if word == "true" || word == "false" => Kind::Bool,
                    None => Kind::Identifier,
                };
                self.emit(kind);
                Some(State::InsideAction)
            }
            State::Field => self.field_or_variable(Kind::Field),
            State::Variable => {
                if self.at_terminator() {
                    self.emit(Kind::Variable);
                    return Some(State::InsideAction);
                }
                self.field_or_variable(Kind::Variable)
            }
            State::Char => {
                loop {
                    match self.next() {
                        Some('\\') => match self.next() {
                            Some('\n') | None => {
                                return self.error("unterminated character constant".into())
                            }
                            Some(_) => {}
                        },
                        Some('\n') | None => {
                            return self.error("unterminated character constant".into())
                        }
                        Some('\'') => break,
                        Some(_) => {}
                    }
                }
                self.emit(Kind::CharConstant);
                Some(State::InsideAction)
            }
            State::Number => {
                if !self.scan_number() {
                    let t = self.input[self.start..self.pos].to_string();
                    return self.error(format!("bad number syntax: {}", crate::fmt::quote(&t)));
                }
                if let Some('+' | '-') = self.peek() {
                    if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                        let t = self.input[self.start..self.pos].to_string();
                        return self.error(format!("bad number syntax: {}", crate::fmt::quote(&t)));
                    }
                    self.emit(Kind::Complex);
                } else {
                    self.emit(Kind::Number);
                }
                Some(State::InsideAction)
            }
            State::Quote => {
                // Bytewise: the bytes looked for are ASCII, never inside a multi-byte
                // character; an escaped character is skipped by its first byte.
                let b = self.input.as_bytes();
                let mut p = self.pos;
                loop {
                    match b.get(p) {
                        Some(b'\\') => match b.get(p + 1) {
                            Some(b'\n') | None => {
                                return self.error("unterminated quoted string".into())
                            }
                            Some(_) => p += 2,
                        },
                        Some(b'\n') | None => {
                            return self.error("unterminated quoted string".into())
                        }
                        Some(b'"') => break,
                        Some(_) => p += 1,
                    }
                }
                self.pos = p + 1;
                self.width = 1;
                self.emit(Kind::String);
                Some(State::InsideAction)
            }
            State::RawQuote => {
                let Some(i) = self.rest().find('`') else {
                    return self.error("unterminated raw quoted string".into());
                };
                self.line += count_newlines(&self.input[self.pos..self.pos + i]);
                self.pos += i + 1;
                self.width = 1;
                self.emit(Kind::RawString);
                Some(State::InsideAction)
            }
        }
    }

    fn inside_action(&mut self) -> Option<State> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Some(State::RightDelim);
            }
            return self.error("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.error("unclosed action".into());
        };
        match r {
            c if is_space(c) => {
                self.backup();
                return Some(State::Space);
            }
            '=' => self.emit(Kind::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(Kind::Declare);
            }
            '|' => self.emit(Kind::Pipe),
            '"' => return Some(State::Quote),
            '`' => return Some(State::RawQuote),
            '$' => return Some(State::Variable),
            '\'' => return Some(State::Char),
            '.' => {
                let next = self.input.as_bytes().get(self.pos).copied();
                match next {
                    Some(b) if b.is_ascii_digit() => {
                        self.backup();
                        return Some(State::Number);
                    }
                    Some(_) => return Some(State::Field),
                    None => {
                        self.backup();
                        return Some(State::Number);
                    }
                }
            }
            '+' | '-' | '0'..='9' => {
                self.backup();
                return Some(State::Number);
            }
            c if is_alnum(c) => {
                self.backup();
                return Some(State::Identifier);
            }
            '(' => {
                self.emit(Kind::LeftParen);
                self.paren_depth += 1;
            }
            ')' => {
                if self.paren_depth == 0 {
                    return self.error("unexpected right paren".into());
                }
                self.emit(Kind::RightParen);
                self.paren_depth -= 1;
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(Kind::Char),
            c => {
                return self.error(format!(
                    "unrecognized character in action: {}",
                    sharp_u(Some(c))
                ))
            }
        }
        Some(State::InsideAction)
    }

    fn field_or_variable(&mut self, kind: Kind) -> Option<State> {
        if self.at_terminator() {
            self.emit(if kind == Kind::Variable {
                Kind::Variable
            } else {
                Kind::Dot
            });
            return Some(State::InsideAction);
        }
        self.scan_alnum();
        if !self.at_terminator() {
            let c = self.peek();
            return self.error(format!("bad character {}", sharp_u(c)));
        }
        self.emit(kind);
        Some(State::InsideAction)
    }

    /// Advances over letters, digits and `_` (Go's `isAlphaNumeric`), bytewise while
    /// they are ASCII. No line breaks can be among them.
    fn scan_alnum(&mut self) {
        let b = self.input.as_bytes();
        let mut p = self.pos;
        while let Some(&c) = b.get(p) {
            if c.is_ascii_alphanumeric() || c == b'_' {
                p += 1;
                continue;
            }
            if c.is_ascii() {
                break;
            }
            match self.input.get(p..).and_then(|r| r.chars().next()) {
                Some(ch) if is_alnum(ch) => p += ch.len_utf8(),
                _ => break,
            }
        }
        self.pos = p;
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek() {
            if is_alnum(c) {
                self.next();
                return false;
            }
        }
        true
    }
}

/// Go's `%#U`: `U+0041 'A'` (or `U+FFFFFFFF` style for EOF, which Go prints as `U+FFFFFFFFFFFFFFFF`).
fn sharp_u(c: Option<char>) -> String {
    match c {
        Some(c) if !c.is_control() => format!("U+{:04X} '{}'", c as u32, c),
        Some(c) => format!("U+{:04X}", c as u32),
        None => "U+FFFFFFFFFFFFFFFF".to_string(),
    }
}
