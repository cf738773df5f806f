//! Number constants as Go's `parse.newNumber` reads them: every interpretation
//! (int64, uint64, float64) that `strconv` accepts is kept.

use super::node::Number;
use super::quote;

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)` (no sign allowed).
fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let (base, digits) =
        if lower.starts_with('0') && lower.len() >= 3 && lower.as_bytes()[1] == b'b' {
            (2, &s[2..])
        } else if lower.starts_with('0') && lower.len() >= 3 && lower.as_bytes()[1] == b'o' {
            (8, &s[2..])
        } else if lower.starts_with('0') && lower.len() >= 3 && lower.as_bytes()[1] == b'x' {
            (16, &s[2..])
        } else if lower.starts_with('0') {
            (8, &s[1..])
        } else {
            (10, s)
        };
    let mut n: u64 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' {
            underscores = true;
            continue;
        }
        let d = c.to_digit(base)?;
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(body)?;
    if neg {
        if u > i64::MAX as u64 + 1 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(s, 64)` for the forms the lexer produces.
fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        // Hex float: mantissa with optional point, mandatory p exponent.
        let (mant, exp) = hex.split_once('p')?;
        let exp: i32 = exp.parse().ok()?;
        let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut m = 0f64;
        for c in int_part.chars() {
            m = m * 16.0 + c.to_digit(16)? as f64;
        }
        let mut scale = 1.0 / 16.0;
        for c in frac_part.chars() {
            m += c.to_digit(16)? as f64 * scale;
            scale /= 16.0;
        }
        m * 2f64.powi(exp)
    } else {
        if lower.starts_with("0b")
            || lower.starts_with("0o")
            || lower.contains("inf")
            || lower.contains("nan")
        {
            return None;
        }
        if !lower.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Parses a number, character or complex constant; `Err` holds Go's message.
pub(crate) fn parse(text: &str, is_char: bool, is_complex: bool) -> Result<Number, String> {
    let mut n = Number {
        text: text.into(),
        int: None,
        uint: None,
        float: None,
        is_complex: false,
    };
    if is_char {
        let c = quote::unquote_rune(text)?;
        n.int = Some(c as i64);
        n.uint = Some(c as u64);
        n.float = Some(c as u32 as f64);
        return Ok(n);
    }
    if is_complex || text.ends_with('i') {
        // Complex numbers are not modelled: Go would accept them; say so plainly.
        n.is_complex = true;
        return Err(format!("complex constants are not supported: {text}"));
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.uint = Some(u);
    }
    if let Some(i) = parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.uint = Some(u.unwrap_or(0));
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::fmt::quote(text)));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
            n.int = Some(f as i64);
        }
        if f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64 {
            n.uint = Some(f as u64);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            crate::fmt::quote(text)
        ));
    }
    Ok(n)
}
