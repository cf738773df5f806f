//! Would a string, written plain, be read back as something else?
//!
//! go-yaml v2 `Marshal` writes a string plain only when its own YAML 1.1 resolver
//! (`resolve.go`) would type the plain text as a string again, and it is not a base-60 float.
//! Otherwise the string is double-quoted. This module answers that question: booleans and
//! nulls of YAML 1.1, Go `strconv` integers and floats without allocating, and the
//! timestamp layouts go-yaml v2 tries with `time.Parse` through the reader's recogniser
//! ([`crate::is_timestamp`]; v2 and v3 share the layouts).

/// True when a plain `s` would not resolve to a string, so the printer must quote it.
pub(super) fn needs_quotes(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        // The empty plain scalar is null.
        return true;
    };
    let hinted = match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            is_special_word(s)
        }
        b'.' => is_special_word(s) || go_parse_float(s),
        b'+' | b'-' | b'0'..=b'9' => {
            is_special_word(s) || crate::scalar::is_timestamp(s) || is_number_after_underscores(s)
        }
        _ => false,
    };
    hinted || is_base60_float(s)
}

/// The words of go-yaml v2's resolve table (booleans, nulls, infinities, NaN).
fn is_special_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// The integer and float checks v2 applies to text starting with a digit or sign, after
/// removing every `_`.
fn is_number_after_underscores(s: &str) -> bool {
    let mut buf = [0u8; 64];
    let plain: &[u8] = if s.contains('_') {
        let mut n = 0;
        for &b in s.as_bytes().iter().filter(|&&b| b != b'_') {
            if n == buf.len() {
                // Longer than any number we could accept as int; only a float could
                // still match, and floats that long are handled by the slow path.
                return is_number_slow(s);
            }
            buf[n] = b;
            n += 1;
        }
        &buf[..n]
    } else {
        s.as_bytes()
    };
    number_checks(plain)
}

fn is_number_slow(s: &str) -> bool {
    let plain: Vec<u8> = s.bytes().filter(|&b| b != b'_').collect();
    number_checks(&plain)
}

fn number_checks(plain: &[u8]) -> bool {
    if go_parse_int(plain, 0).is_some() || go_parse_uint(plain, 0).is_some() {
        return true;
    }
    if crate::scalar::is_yaml_float(plain) && parses_finite(plain) {
        return true;
    }
    if let Some(rest) = plain.strip_prefix(b"0b") {
        return go_parse_int(rest, 2).is_some() || go_parse_uint(rest, 2).is_some();
    }
    if let Some(rest) = plain.strip_prefix(b"-0b") {
        // v2 parses "-" + rest in base 2.
        return match rest.first() {
            Some(b'+' | b'-') | None => false,
            Some(_) => go_parse_uint(rest, 2).is_some_and(|u| u <= 1u64 << 63),
        };
    }
    false
}

/// `strconv.ParseUint(s, base, 64)` succeeds (no sign allowed; `base == 0` reads prefixes).
fn go_parse_uint(s: &[u8], base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        if s[0] == b'0' {
            match s.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if s.len() >= 3 => (2, &s[2..]),
                Some(b'o') if s.len() >= 3 => (8, &s[2..]),
                Some(b'x') if s.len() >= 3 => (16, &s[2..]),
                _ => (8, &s[1..]),
            }
        } else {
            (10, s)
        }
    } else {
        (base, s)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// `strconv.ParseInt(s, base, 64)` succeeds.
fn go_parse_int(s: &[u8], base: u32) -> Option<i64> {
    let (neg, rest) = match s.first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest, base)?;
    if neg {
        if u > 1u64 << 63 {
            None
        } else {
            Some((u as i64).wrapping_neg())
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// The text is a decimal float Rust can read and it is finite (Go's `ParseFloat` reports a
/// range error for overflow, and v2 then keeps the text a string).
fn parses_finite(s: &[u8]) -> bool {
    std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .is_some_and(f64::is_finite)
}

/// `strconv.ParseFloat(s, 64)` succeeds, for text starting with `.` (decimal syntax with
/// Go's underscore rule; overflow is an error).
fn go_parse_float(s: &str) -> bool {
    let b = s.as_bytes();
    if !underscore_ok(b) {
        return false;
    }
    let plain: Vec<u8> = b.iter().copied().filter(|&c| c != b'_').collect();
    go_decimal_syntax(&plain) && parses_finite(&plain)
}

/// Go `readFloat` decimal syntax: sign, digits with at most one `.`, at least one digit,
/// optional exponent with at least one digit.
fn go_decimal_syntax(s: &[u8]) -> bool {
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let mut saw_digits = false;
    let mut saw_dot = false;
    while let Some(&c) = s.get(i) {
        match c {
            b'0'..=b'9' => saw_digits = true,
            b'.' if !saw_dot => saw_dot = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    i == s.len()
}

/// Go `strconv` `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &[u8]) -> bool {
    let mut saw = b'^';
    let mut s = s;
    if matches!(s.first(), Some(b'+' | b'-')) {
        s = &s[1..];
    }
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// v2 `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(b'+' | b'-' | b'0'..=b'9') => {}
        _ => return false,
    }
    if !b.contains(&b':') {
        return false;
    }
    let mut i = usize::from(matches!(b[0], b'+' | b'-'));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one or two digits, the first of two at most 5.
        match (b.get(i), b.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::needs_quotes;

    #[test]
    fn yaml11_words_and_numbers_need_quotes() {
        for s in [
            "",
            "y",
            "Yes",
            "ON",
            "off",
            "~",
            "null",
            "NULL",
            ".inf",
            "-.Inf",
            ".nan",
            "1",
            "-1",
            "+1",
            "0x1F",
            "0o17",
            "017",
            "019",
            "1.0",
            "1e3",
            ".5",
            "+.5",
            "1_0",
            "1__0",
            "0b101",
            "-0b11",
            "12345678901234567890",
            "99999999999999999999",
            "1:20",
            "12:30:45",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-1-1 1:2:3",
            ".5_5",
        ] {
            assert!(needs_quotes(s), "{s:?} should need quotes");
        }
    }

    #[test]
    fn plain_strings_stay_plain() {
        for s in [
            "abc",
            "<<",
            "Inf",
            "+Inf",
            "1e400",
            ".5e999",
            "._5",
            "0x1p-2",
            "2001-13-14",
            "2001-02-30",
            "0x",
            "1.2.3",
            "v1",
            "-",
            "yess",
            "nulls",
            "1:2:3:x",
            "1:60",
        ] {
            assert!(!needs_quotes(s), "{s:?} should stay plain");
        }
    }
}
