//! The scanner of fluxcd/pkg `envsubst/parse/scan.go`, ported step for step: the parser
//! switches its accept function and mode between tokens, and the scanner edits its buffer
//! in place when it meets an escape (`$$`, and `\/` or `\\` inside `${…}`).

/// Go's scanner returns rune 0 at the end; a literal NUL in the input reads the same way,
/// and upstream then stops there. Kept for exactness.
pub(crate) const EOF: char = '\0';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    Illegal,
    Eof,
    Ident,
    Lbrack,
    Rbrack,
}

pub(crate) const SCAN_IDENT: u8 = 1;
pub(crate) const SCAN_LBRACK: u8 = 2;
pub(crate) const SCAN_RBRACK: u8 = 4;
pub(crate) const SCAN_ESCAPE: u8 = 8;

pub(crate) const ESC_DOLLAR: u8 = 1;
pub(crate) const ESC_BACKSLASH: u8 = 2;
pub(crate) const ESC_ALL: u8 = ESC_DOLLAR | ESC_BACKSLASH;

/// Whether rune `r` at (1-based) position `i` of the token is accepted.
pub(crate) type Accept = fn(char, usize) -> bool;

#[derive(Debug)]
pub(crate) struct Scanner {
    buf: String,
    pub pos: usize,
    start: usize,
    width: usize,
    pub mode: u8,
    pub escape_chars: u8,
    pub accept: Accept,
}

impl Scanner {
    pub fn new(buf: &str) -> Self {
        Scanner {
            buf: buf.to_string(),
            pos: 0,
            start: 0,
            width: 0,
            mode: 0,
            escape_chars: 0,
            accept: accept_rune,
        }
    }

    pub fn read(&mut self) -> char {
        match self.buf.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                c
            }
            None => {
                self.width = 0;
                EOF
            }
        }
    }

    pub fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
    }

    /// Drops the (one-byte) character just read, so the one after it takes its place.
    fn skip(&mut self) {
        if self.pos > 0 && self.buf.is_char_boundary(self.pos - 1) {
            self.buf.remove(self.pos - 1);
        }
    }

    pub fn peek(&mut self) -> char {
        let r = self.read();
        self.unread();
        r
    }

    pub fn string(&self) -> String {
        self.buf.get(self.start..self.pos).unwrap_or("").to_string()
    }

    fn should_escape(&self, c: u8) -> bool {
        self.escape_chars & c != 0
    }

    pub fn scan(&mut self) -> Token {
        self.start = self.pos;
        let r = self.read();
        if r == EOF {
            return Token::Eof;
        }
        if self.scan_lbrack(r) {
            return Token::Lbrack;
        }
        if self.scan_rbrack(r) {
            return Token::Rbrack;
        }
        if self.scan_ident(r) {
            return Token::Ident;
        }
        Token::Illegal
    }

    fn scan_ident(&mut self, r: char) -> bool {
        if self.mode & SCAN_IDENT == 0 {
            return false;
        }
        if self.scan_escaped(r) {
            self.skip();
        } else if !(self.accept)(r, self.pos - self.start) {
            return false;
        }
        loop {
            let r = self.read();
            if r == EOF {
                self.unread();
                break;
            }
            if self.scan_lbrack(r) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(r) {
                self.skip();
                continue;
            }
            if !(self.accept)(r, self.pos - self.start) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_lbrack(&mut self, r: char) -> bool {
        if self.mode & SCAN_LBRACK == 0 {
            return false;
        }
        if r == '$' {
            if self.read() == '{' {
                return true;
            }
            self.unread();
        }
        false
    }

    fn scan_rbrack(&mut self, r: char) -> bool {
        self.mode & SCAN_RBRACK != 0 && r == '}'
    }

    fn scan_escaped(&mut self, r: char) -> bool {
        if self.mode & SCAN_ESCAPE == 0 {
            return false;
        }
        if r == '$' && self.should_escape(ESC_DOLLAR) && self.peek() == '$' {
            return true;
        }
        if r == '\\' && self.should_escape(ESC_BACKSLASH) {
            return matches!(self.peek(), '/' | '\\');
        }
        false
    }
}

pub(crate) fn accept_rune(_: char, _: usize) -> bool {
    true
}
/// Go `unicode.IsLetter || unicode.IsDigit || '_'` (`IsDigit` is the Nd category, which
/// `char::is_numeric` widens; the difference is in exotic number forms only).
pub(crate) fn accept_ident(r: char, _: usize) -> bool {
    r.is_alphabetic() || r.is_numeric() || r == '_'
}
pub(crate) fn accept_colon(r: char, _: usize) -> bool {
    r == ':'
}
pub(crate) fn accept_one_hash(r: char, i: usize) -> bool {
    r == '#' && i == 1
}
pub(crate) fn accept_not_closing(r: char, _: usize) -> bool {
    r != '}'
}
pub(crate) fn accept_hash_func(r: char, i: usize) -> bool {
    r == '#' && i < 3
}
pub(crate) fn accept_percent_func(r: char, i: usize) -> bool {
    r == '%' && i < 3
}
pub(crate) fn accept_default_func(r: char, i: usize) -> bool {
    (i == 1 && r == ':') || (i == 2 && matches!(r, '=' | '-' | '?' | '+'))
}
pub(crate) fn accept_replace_func(r: char, i: usize) -> bool {
    (i == 1 && r == '/') || (i == 2 && matches!(r, '/' | '#' | '%'))
}
pub(crate) fn accept_one_equal(r: char, i: usize) -> bool {
    i == 1 && r == '='
}
pub(crate) fn accept_one_colon(r: char, i: usize) -> bool {
    i == 1 && r == ':'
}
pub(crate) fn reject_colon_close(r: char, _: usize) -> bool {
    r != ':' && r != '}'
}
pub(crate) fn accept_slash(r: char, _: usize) -> bool {
    r == '/'
}
pub(crate) fn accept_not_slash(r: char, _: usize) -> bool {
    r != '/'
}
pub(crate) fn accept_casing_func(r: char, i: usize) -> bool {
    (r == ',' || r == '^') && i < 3
}
