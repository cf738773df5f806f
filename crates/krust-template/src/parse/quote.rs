//! Go's `strconv.Unquote` / `UnquoteChar` for template string and character constants.

use std::borrow::Cow;

/// Decodes one (possibly escaped) character at the start of `s` inside a literal quoted
/// with `quote`. Returns the character (or a raw byte for `\x`/octal escapes above 0x7f in
/// strings) and the rest.
fn unquote_char(s: &str, quote: char) -> Result<(Unit, &str), ()> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(())?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(());
    }
    if c != '\\' {
        return Ok((Unit::Char(c), chars.as_str()));
    }
    let e = chars.next().ok_or(())?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(());
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((Unit::Char(c), rest));
    }
    let hex = |n: usize| -> Result<(u32, &str), ()> {
        let digits = rest.get(..n).ok_or(())?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| ())?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(());
        }
        Ok((v, &rest[n..]))
    };
    match e {
        'x' => {
            let (v, r) = hex(2)?;
            if quote == '\'' {
                return Ok((Unit::Char(char::from_u32(v).ok_or(())?), r));
            }
            Ok((Unit::Byte(v as u8), r))
        }
        'u' | 'U' => {
            let (v, r) = hex(if e == 'u' { 4 } else { 8 })?;
            Ok((Unit::Char(char::from_u32(v).ok_or(())?), r))
        }
        '0'..='7' => {
            let digits = s.get(1..4).ok_or(())?;
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(());
            }
            let v = u32::from_str_radix(digits, 8).map_err(|_| ())?;
            if v > 255 {
                return Err(());
            }
            if quote == '\'' {
                return Ok((Unit::Char(char::from_u32(v).ok_or(())?), &s[4..]));
            }
            Ok((Unit::Byte(v as u8), &s[4..]))
        }
        _ => Err(()),
    }
}

enum Unit {
    Char(char),
    Byte(u8),
}

/// `strconv.Unquote` for `"..."` and `` `...` `` literals; `Err` is Go's `invalid syntax`.
pub(crate) fn unquote(lit: &str) -> Result<Cow<'_, str>, ()> {
    if lit.len() < 2 {
        return Err(());
    }
    let inner = &lit[1..lit.len() - 1];
    if lit.starts_with('`') {
        if !lit.ends_with('`') || inner.contains('`') {
            return Err(());
        }
        if !inner.contains('\r') {
            return Ok(Cow::Borrowed(inner));
        }
        return Ok(Cow::Owned(inner.replace('\r', "")));
    }
    if !lit.starts_with('"') || !lit.ends_with('"') {
        return Err(());
    }
    // Most literals have nothing to decode.
    if !inner.bytes().any(|b| matches!(b, b'\\' | b'\n' | b'"')) {
        return Ok(Cow::Borrowed(inner));
    }
    let mut bytes: Vec<u8> = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while !rest.is_empty() {
        if rest.starts_with('\n') {
            return Err(());
        }
        let (u, r) = unquote_char(rest, '"')?;
        match u {
            Unit::Char(c) => {
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Unit::Byte(b) => bytes.push(b),
        }
        rest = r;
    }
    // Byte escapes may form invalid UTF-8; Rust strings cannot hold that, so such bytes
    // become U+FFFD (Go would keep the raw byte).
    Ok(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A character constant `'x'` as its code point; `Err(msg)` with Go's message.
pub(crate) fn unquote_rune(lit: &str) -> Result<char, String> {
    let body = lit.get(1..).ok_or_else(|| "invalid syntax".to_string())?;
    let (u, tail) = unquote_char(body, '\'').map_err(|_| "invalid syntax".to_string())?;
    if tail != "'" {
        return Err(format!("malformed character constant: {lit}"));
    }
    match u {
        Unit::Char(c) => Ok(c),
        Unit::Byte(b) => Ok(b as char),
    }
}
