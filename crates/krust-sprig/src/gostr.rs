//! String algorithms sprig takes from Go's `strings`, Masterminds/goutils
//! and huandu/xstrings, reproduced with their byte-versus-rune quirks
//! (goutils' `Initials`/`DeleteWhiteSpace`/`Wrap` walk bytes; xstrings
//! walks runes).

/// Go's simple upper-case mapping of one rune (`unicode.ToUpper`): a rune
/// whose full mapping is several characters (`ß`) stays as it is.
pub fn upper_rune(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// Whether `c` is a title-case letter (category Lt), which Go's
/// `unicode.IsTitle` tests and Rust's `char` does not classify.
pub fn is_title(c: char) -> bool {
    matches!(c,
        '\u{1c5}' | '\u{1c8}' | '\u{1cb}' | '\u{1f2}' | '\u{1f88}'..='\u{1f8f}'
        | '\u{1f98}'..='\u{1f9f}' | '\u{1fa8}'..='\u{1faf}' | '\u{1fbc}' | '\u{1fcc}' | '\u{1ffc}')
}

/// Go's `unicode.ToTitle`: the upper-case mapping, except for the
/// digraphs and Greek letters whose title case differs.
pub fn title_rune(c: char) -> char {
    match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        '\u{1f80}'..='\u{1f87}' | '\u{1f90}'..='\u{1f97}' | '\u{1fa0}'..='\u{1fa7}' => {
            char::from_u32(c as u32 + 8).unwrap_or(c)
        }
        '\u{1fb3}' => '\u{1fbc}',
        '\u{1fc3}' => '\u{1fcc}',
        '\u{1ff3}' => '\u{1ffc}',
        c if is_title(c) => c,
        c => upper_rune(c),
    }
}

/// Go's simple lower-case mapping of one rune (`unicode.ToLower`).
pub fn lower_rune(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut u = c.to_lowercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `strings.ToUpper`.
pub fn to_upper(s: &str) -> String {
    s.chars().map(upper_rune).collect()
}

/// `strings.ToLower`.
pub fn to_lower(s: &str) -> String {
    s.chars().map(lower_rune).collect()
}

/// `unicode.IsSpace`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsPunct` (category P): ASCII exactly, the common Unicode
/// punctuation blocks approximately.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(
        c,
        '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
    ) || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{2043}').contains(&c)
        || ('\u{2045}'..='\u{2051}').contains(&c)
        || ('\u{2053}'..='\u{205e}').contains(&c)
        || ('\u{3001}'..='\u{3003}').contains(&c)
        || ('\u{3008}'..='\u{3011}').contains(&c)
}

/// `strings.Title`: upper-case (title-case) the first letter of each word,
/// words being separated as Go's deprecated `isSeparator` says.
pub fn title(s: &str) -> String {
    fn is_sep(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_sep(prev) { title_rune(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils `Uncapitalize` with whitespace delimiters (sprig's `untitle`).
pub fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                lower_rune(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase` (sprig's `swapcase`): upper → lower, lower → title
/// case after whitespace, else upper.
pub fn swapcase(s: &str) -> String {
    let mut ws = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() || is_title(c) {
                ws = false;
                lower_rune(c)
            } else if c.is_lowercase() {
                let after_space = ws;
                ws = false;
                if after_space {
                    title_rune(c)
                } else {
                    upper_rune(c)
                }
            } else {
                ws = is_space(c);
                c
            }
        })
        .collect()
}

/// Go's `rune(b)` of a byte: bytes are read as Latin-1 code points.
fn byte_rune(b: u8) -> char {
    char::from(b)
}

/// goutils `Initials` (walks bytes, as goutils does).
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in s.as_bytes() {
        let c = byte_rune(b);
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `DeleteWhiteSpace` (sprig's `nospace`).
pub fn nospace(s: &str) -> String {
    let b = s.as_bytes();
    if !b.iter().any(|&x| is_space(byte_rune(x))) {
        return s.to_string();
    }
    b.iter()
        .map(|&x| byte_rune(x))
        .filter(|&c| !is_space(c))
        .collect()
}

/// goutils `WrapCustom` (sprig's `wrap` and `wrapWith`), on bytes.
pub fn wrap_custom(s: &str, wrap_len: i64, newline: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if newline.is_empty() { "\n" } else { newline };
    let w = usize::try_from(wrap_len.max(1)).unwrap_or(usize::MAX);
    let b = s.as_bytes();
    let len = b.len();
    let mut off = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + len / w.max(1));
    while len - off > w {
        if b[off] == b' ' {
            off += 1;
            continue;
        }
        let end = (w + off + 1).min(len);
        let space = b[off..end].iter().rposition(|&c| c == b' ');
        if let Some(sp) = space.map(|x| x + off) {
            out.extend_from_slice(&b[off..sp]);
            out.extend_from_slice(nl.as_bytes());
            off = sp + 1;
        } else if long_words {
            out.extend_from_slice(&b[off..off + w]);
            out.extend_from_slice(nl.as_bytes());
            off += w;
        } else {
            let end = w + off;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[off..]);
                    off = len;
                }
                Some(i) => {
                    let sp = i + end;
                    out.extend_from_slice(&b[off..sp]);
                    out.extend_from_slice(nl.as_bytes());
                    off = sp + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[off..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// Byte slice of a string as Go's `s[a:b]` would give (lossy when it
/// cuts a multi-byte rune).
pub fn byte_slice(s: &str, a: usize, b: usize) -> String {
    match s.get(a..b) {
        Some(x) => x.to_string(),
        None => String::from_utf8_lossy(s.as_bytes().get(a..b).unwrap_or_default()).into_owned(),
    }
}

/// goutils `AbbreviateFull`; `Err` holds goutils' message (sprig drops it
/// and returns "").
pub fn abbreviate_full(s: &str, offset: i64, max: i64) -> Result<String, String> {
    if s.is_empty() {
        return Ok(String::new());
    }
    if max < 4 {
        return Err("stringutils illegal argument: Minimum abbreviation width is 4".into());
    }
    let len = s.len() as i64;
    if len <= max {
        return Ok(s.to_string());
    }
    // Go's int arithmetic wraps; so does this.
    let mut offset = offset.min(len);
    if len.wrapping_sub(offset) < max.wrapping_sub(3) {
        offset = len.wrapping_sub(max.wrapping_sub(3));
    }
    let us = |x: i64| usize::try_from(x).unwrap_or(0);
    if offset <= 4 {
        return Ok(format!("{}...", byte_slice(s, 0, us(max.wrapping_sub(3)))));
    }
    if max < 7 {
        return Err(
            "stringutils illegal argument: Minimum abbreviation width with offset is 7".into(),
        );
    }
    if offset.wrapping_add(max).wrapping_sub(3) < len {
        let rest = byte_slice(s, us(offset), s.len());
        return Ok(format!("...{}", abbreviate_full(&rest, 0, max - 3)?));
    }
    Ok(format!(
        "...{}",
        byte_slice(s, us(len.wrapping_sub(max.wrapping_sub(3))), s.len())
    ))
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not CJK.
fn is_alphabet(c: char) -> bool {
    c.is_alphabetic() && (c < '\u{3400}' || !is_cjk(c))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}' | '\u{3040}'..='\u{30ff}' | '\u{ac00}'..='\u{d7af}')
}

/// xstrings v1.5 `ToPascalCase` (sprig's `camelcase`): words joined by
/// `-`, `_` or spaces, each word's first rune upper-cased; a word that
/// starts upper-case has its following upper-case run lowered.
pub fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    let mut r0 = '\0';
    let mut first_upper = false;
    let mut got = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = upper_rune(c);
            got = true;
            break;
        }
        out.push(c);
        r0 = c;
        got = true;
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        // xstrings writes the single (last) rune again, so "_" becomes "__".
        if got {
            out.push(r0);
        }
        return out;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper_rune(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower_rune(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord` over a char slice: the word type and its length.
fn next_word(s: &[char]) -> (Word, usize) {
    let Some(&r) = s.first() else {
        return (Word::Invalid, 0);
    };
    let run = |from: usize, f: &dyn Fn(char) -> bool| -> usize {
        from + s[from..].iter().take_while(|&&c| f(c)).count()
    };
    if is_connector(r) {
        (Word::Connector, run(1, &is_connector))
    } else if is_punct(r) {
        (Word::Punct, run(1, &is_punct))
    } else if r.is_uppercase() {
        let Some(&n) = s.get(1) else {
            return (Word::Upper, 1);
        };
        if n.is_uppercase() {
            let end = run(1, &|c: char| c.is_uppercase());
            // "HTTPServer": the last upper-case rune starts the next word.
            if end < s.len() && is_alphabet(s[end]) {
                (Word::Upper, end - 1)
            } else {
                (Word::Upper, end)
            }
        } else if is_alphabet(n) {
            (
                Word::Upper,
                run(1, &|c: char| is_alphabet(c) && !c.is_uppercase()),
            )
        } else {
            (Word::Upper, 1)
        }
    } else if is_alphabet(r) {
        (
            Word::Alphabet,
            run(1, &|c: char| is_alphabet(c) && !c.is_uppercase()),
        )
    } else if r.is_numeric() {
        (Word::Number, run(1, &|c: char| c.is_numeric()))
    } else {
        (
            Word::Other,
            run(1, &|c: char| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            }),
        )
    }
}

fn push_lower(out: &mut String, wt: Word, word: &[char], connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.extend(word);
        return;
    }
    for &c in word {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(lower_rune(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (sprig's `snakecase`/`kebabcase`).
pub fn camel_to_lower(s: &str, connector: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut pos = 0usize;
    let next = |pos: &mut usize| -> (Word, &[char]) {
        let (wt, n) = next_word(&chars[*pos..]);
        let w = &chars[*pos..*pos + n];
        *pos += n;
        (wt, w)
    };
    let (mut wt, mut word) = next(&mut pos);
    while pos < chars.len() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word) = next(&mut pos);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word) = next(&mut pos);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if pos >= chars.len() {
                    continue;
                }
                let last = word;
                (wt, word) = next(&mut pos);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word) = next(&mut pos);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Expected values from helm v4.1.4.
    #[test]
    fn cases_like_xstrings() {
        let snake = |s| camel_to_lower(s, '_');
        assert_eq!(snake("FirstName"), "first_name");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("http2xx"), "http_2xx");
        assert_eq!(snake("HTTP20xOK"), "http_20x_ok");
        assert_eq!(snake("Duration2m3s"), "duration_2m3s");
        assert_eq!(snake("Bld4Floor3rd"), "bld4_floor_3rd");
        assert_eq!(snake("a.b"), "a.b");
        assert_eq!(snake("foo bar"), "foo_bar");
        assert_eq!(camel_to_lower("FirstName", '-'), "first-name");
        let p: Vec<String> = [
            "GOLANG_IS_GREAT",
            "HTTPServer_x",
            "ab_CD_Ef",
            "a-b c",
            "ABC",
            "aBC",
            "aBC_dEF",
            "x__y",
            "x_",
            "_",
            "Ab1_2c",
            "a  b",
        ]
        .iter()
        .map(|s| pascal_case(s))
        .collect();
        assert_eq!(
            p.join("|"),
            "GolangIsGreat|HttpserverX|AbCdEf|ABC|Abc|ABC|ABCDEF|X_Y|X_|__|Ab12c|A B"
        );
    }

    #[test]
    fn goutils_like() {
        assert_eq!(abbreviate_full("hello world", 0, 5).unwrap(), "he...");
        assert_eq!(
            abbreviate_full("1234 5678 9123", 5, 10).unwrap(),
            "...5678..."
        );
        assert_eq!(initials("First Try"), "FT");
        assert_eq!(wrap_custom("Hello World", 5, "", false), "Hello\nWorld");
        assert_eq!(wrap_custom("Hello World", 5, "\t", true), "Hello\tWorld");
        assert_eq!(nospace("h e l l o"), "hello");
        assert_eq!(swapcase("This Is A.Test"), "tHIS iS a.tEST");
        assert_eq!(title("hello world-foo_bar x.y"), "Hello World-Foo_bar X.Y");
        assert_eq!(untitle("Hello World"), "hello world");
    }
}
