//! Scalar typing: which value a scalar's text stands for.
//!
//! Both modes follow go-yaml's `resolve` (v3 for [`Typing::Kyaml`], v2 for
//! [`Typing::Yaml11`]): the first character picks a family, a fixed table catches the
//! words (`true`, `~`, `.inf`, `<<`, and in YAML 1.1 also `yes`/`on`/`y`...), and numbers go
//! through Go's `strconv` rules (`0x`, `0o`, `0b`, leading-zero octal, `_` separators)
//! before the YAML float pattern. Plain date-times are recognised with Go's layouts.

use super::Typing;
use crate::scalar::parse_timestamp;

/// What a scalar's text resolves to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// The text itself is the string.
    Str,
    /// A date-time go-yaml parses; the string is its RFC 3339 rendering (in
    /// [`Typing::Yaml11`], the text as written). `Err` holds why Go cannot encode it as JSON.
    Timestamp(Result<String, String>),
    /// The merge key `<<`.
    Merge,
}

/// The core-schema tags go-yaml knows about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoreTag {
    Str,
    Binary,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Merge,
    Map,
    Seq,
}

impl CoreTag {
    pub(crate) fn from_suffix(s: &str) -> Option<CoreTag> {
        Some(match s {
            "str" => CoreTag::Str,
            "binary" => CoreTag::Binary,
            "bool" => CoreTag::Bool,
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "null" => CoreTag::Null,
            "timestamp" => CoreTag::Timestamp,
            "merge" => CoreTag::Merge,
            "map" => CoreTag::Map,
            "seq" => CoreTag::Seq,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            CoreTag::Str => "!!str",
            CoreTag::Binary => "!!binary",
            CoreTag::Bool => "!!bool",
            CoreTag::Int => "!!int",
            CoreTag::Float => "!!float",
            CoreTag::Null => "!!null",
            CoreTag::Timestamp => "!!timestamp",
            CoreTag::Merge => "!!merge",
            CoreTag::Map => "!!map",
            CoreTag::Seq => "!!seq",
        }
    }
}

impl Resolved {
    fn tag(&self) -> CoreTag {
        match self {
            Resolved::Null => CoreTag::Null,
            Resolved::Bool(_) => CoreTag::Bool,
            Resolved::Int(_) | Resolved::Uint(_) => CoreTag::Int,
            Resolved::Float(_) => CoreTag::Float,
            Resolved::Str => CoreTag::Str,
            Resolved::Timestamp(_) => CoreTag::Timestamp,
            Resolved::Merge => CoreTag::Merge,
        }
    }
}

/// Resolves the text of an untagged plain scalar.
pub(crate) fn resolve_plain(s: &str, typing: Typing) -> Resolved {
    resolve_inner(s, typing, true)
}

/// Resolves a scalar with an explicit core tag (`!!int "12"`). Returns `Err(message)` when
/// the text cannot be that type, as go-yaml does ("cannot decode !!str `abc` as a !!int").
pub(crate) fn resolve_tagged(s: &str, tag: CoreTag, typing: Typing) -> Result<Resolved, String> {
    match tag {
        // Any text is accepted as a string; !!binary is decoded by the caller.
        CoreTag::Str | CoreTag::Binary | CoreTag::Map | CoreTag::Seq => return Ok(Resolved::Str),
        _ => {}
    }
    let r = resolve_inner(s, typing, tag == CoreTag::Timestamp);
    let rtag = r.tag();
    if rtag == tag {
        return Ok(r);
    }
    if tag == CoreTag::Float {
        if let Resolved::Int(i) = r {
            return Ok(Resolved::Float(i as f64));
        }
    }
    // go-yaml v2 leaves a timestamp as its text when decoding into interface{}; an
    // explicit !!timestamp on a non-date fails in both versions.
    Err(format!(
        "cannot decode {} `{}` as a {}",
        rtag.name(),
        s,
        tag.name()
    ))
}

fn resolve_inner(s: &str, typing: Typing, try_timestamp: bool) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        b'<' => b'M',
        _ => return Resolved::Str,
    };
    if let Some(r) = lookup_word(s, typing) {
        return r;
    }
    match hint {
        b'.' => {
            // Go's ParseFloat on the text: `_` may separate digits.
            if !s.contains('_') || underscore_ok(s) {
                let plain = s.replace('_', "");
                if crate::scalar::is_yaml_float(plain.as_bytes()) {
                    if let Some(f) = go_parse_float(&plain) {
                        return Resolved::Float(f);
                    }
                }
            }
            Resolved::Str
        }
        b'D' => {
            if try_timestamp {
                if let Some(ts) = parse_timestamp(s) {
                    return match typing {
                        Typing::Kyaml => Resolved::Timestamp(ts),
                        // go-yaml v2 keeps the text of a timestamp decoded into interface{}.
                        Typing::Yaml11 => Resolved::Timestamp(Ok(s.to_string())),
                    };
                }
            }
            let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(r) = go_parse_int(&plain) {
                return r;
            }
            if crate::scalar::is_yaml_float(plain.as_bytes()) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if let Some(r) = parse_radix(rest, 2, false) {
                    return r;
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if let Some(r) = parse_radix(rest, 2, true) {
                    return r;
                }
            } else if typing == Typing::Kyaml {
                if let Some(rest) = plain.strip_prefix("0o") {
                    if let Some(r) = parse_radix(rest, 8, false) {
                        return r;
                    }
                } else if let Some(rest) = plain.strip_prefix("-0o") {
                    if let Some(r) = parse_radix(rest, 8, true) {
                        return r;
                    }
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

fn lookup_word(s: &str, typing: Typing) -> Option<Resolved> {
    Some(match s {
        "true" | "True" | "TRUE" => Resolved::Bool(true),
        "false" | "False" | "FALSE" => Resolved::Bool(false),
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ if typing == Typing::Yaml11 => match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Resolved::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Resolved::Bool(false),
            _ => return None,
        },
        _ => return None,
    })
}

/// Go's `underscoreOK` for a decimal number: every `_` sits between two digits.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0
                && b.get(i - 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

/// Go's `strconv.ParseFloat` on text that already matched the float pattern: out-of-range
/// values are errors there (and the scalar stays a string).
fn go_parse_float(s: &str) -> Option<f64> {
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<Resolved> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.as_bytes();
    let (radix, digits) = if lower.len() >= 2 && lower[0] == b'0' {
        match lower[1] {
            b'x' | b'X' => (16, &body[2..]),
            b'o' | b'O' => (8, &body[2..]),
            b'b' | b'B' => (2, &body[2..]),
            _ => (8, &body[1..]),
        }
    } else {
        (10, body)
    };
    parse_radix(digits, radix, neg)
}

/// Digits in `radix` (no sign, no prefix) to an int, or a uint above `i64::MAX`.
fn parse_radix(digits: &str, radix: u32, neg: bool) -> Option<Resolved> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= i64::MAX as u64 {
            Some(Resolved::Int(-(mag as i64)))
        } else if mag == i64::MAX as u64 + 1 {
            Some(Resolved::Int(i64::MIN))
        } else {
            None
        }
    } else if let Ok(i) = i64::try_from(mag) {
        Some(Resolved::Int(i))
    } else {
        Some(Resolved::Uint(mag))
    }
}

// ---- timestamps ---------------------------------------------------------------------------

// ---- keys ---------------------------------------------------------------------------------

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's spellings of the specials: how
/// sigs.k8s.io/yaml turns a float mapping key into a string.
pub(crate) fn format_float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f32v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f32v == 0.0 {
        return if f32v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Shortest digits that round-trip as f32, from Rust's `{:e}`: "d.ddde±x".
    let e = format!("{:e}", f32v.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if f32v < 0.0 { "-" } else { "" };
    // Go's shortest 'g' switches to %e when the exponent is below -4 or at least 6.
    if !(-4..6).contains(&exp) {
        return format_e(sign, &digits, exp);
    }
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if dp >= nd {
        out.push_str(&digits);
        for _ in 0..(dp - nd) {
            out.push('0');
        }
    } else {
        let (a, b) = digits.split_at(dp as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
    out
}

fn format_e(sign: &str, digits: &str, exp: i32) -> String {
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let mut out = format!("{sign}{first}");
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let esign = if exp < 0 { '-' } else { '+' };
    out.push_str(&format!("e{esign}{:02}", exp.abs()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Resolved {
        resolve_plain(s, Typing::Kyaml)
    }
    fn y(s: &str) -> Resolved {
        resolve_plain(s, Typing::Yaml11)
    }

    #[test]
    fn words() {
        assert_eq!(k("true"), Resolved::Bool(true));
        assert_eq!(k("yes"), Resolved::Str);
        assert_eq!(y("yes"), Resolved::Bool(true));
        assert_eq!(y("Off"), Resolved::Bool(false));
        assert_eq!(k("~"), Resolved::Null);
        assert_eq!(k(""), Resolved::Null);
        assert_eq!(k("nULL"), Resolved::Str);
        assert_eq!(k("<<"), Resolved::Merge);
        assert!(matches!(k(".NaN"), Resolved::Float(f) if f.is_nan()));
        assert_eq!(k("-.inf"), Resolved::Float(f64::NEG_INFINITY));
    }

    #[test]
    fn integers_follow_go_strconv() {
        assert_eq!(k("012"), Resolved::Int(10));
        assert_eq!(k("0o12"), Resolved::Int(10));
        assert_eq!(k("0x1F"), Resolved::Int(31));
        assert_eq!(k("0b101"), Resolved::Int(5));
        assert_eq!(k("-0b101"), Resolved::Int(-5));
        assert_eq!(k("1_000"), Resolved::Int(1000));
        assert_eq!(k("+7"), Resolved::Int(7));
        assert_eq!(k("-9223372036854775808"), Resolved::Int(i64::MIN));
        assert_eq!(k("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(
            k("18446744073709551616"),
            Resolved::Float(18446744073709551616.0)
        );
        // Not octal, but the float pattern accepts it.
        assert_eq!(k("08"), Resolved::Float(8.0));
        assert_eq!(k("0x"), Resolved::Str);
        assert_eq!(k("_1"), Resolved::Str);
    }

    #[test]
    fn floats() {
        assert_eq!(k("1e3"), Resolved::Float(1000.0));
        assert_eq!(k(".5"), Resolved::Float(0.5));
        assert_eq!(k(".1_0"), Resolved::Float(0.1));
        assert_eq!(k("._1"), Resolved::Str);
        assert_eq!(k("1."), Resolved::Float(1.0));
        assert_eq!(k("1e400"), Resolved::Str);
        assert_eq!(k("1.2.3"), Resolved::Str);
        assert_eq!(k("."), Resolved::Str);
        assert_eq!(k("1e"), Resolved::Str);
    }

    #[test]
    fn timestamps() {
        let ts = |s: &str| Resolved::Timestamp(Ok(s.into()));
        assert_eq!(k("2001-12-14"), ts("2001-12-14T00:00:00Z"));
        assert_eq!(
            k("2001-12-14t21:59:43.10-05:00"),
            ts("2001-12-14T21:59:43.1-05:00")
        );
        assert_eq!(k("2001-2-3 4:05:06"), ts("2001-02-03T04:05:06Z"));
        assert_eq!(k("2001-2-3   4:05:06,25"), ts("2001-02-03T04:05:06.25Z"));
        assert_eq!(
            k("2001-12-14T21:59:43+05:60"),
            ts("2001-12-14T21:59:43+06:00")
        );
        assert_eq!(k("2001-12-14T21:59:43-00:00"), ts("2001-12-14T21:59:43Z"));
        assert_eq!(
            k("2001-12-14T21:59:43.1234567891Z"),
            ts("2001-12-14T21:59:43.123456789Z")
        );
        assert!(matches!(
            k("2001-12-14T21:59:43+24:00"),
            Resolved::Timestamp(Err(_))
        ));
        assert_eq!(k("2001-12-14T21:59:43+25:00"), Resolved::Str);
        assert_eq!(k("2001-12-14T24:00:00Z"), Resolved::Str);
        assert_eq!(k("2001-12-14\t21:59:43"), Resolved::Str);
        assert_eq!(k("2001-02-30"), Resolved::Str);
        assert_eq!(k("2001-12-14 21:59:43.10 -5"), Resolved::Str);
        assert_eq!(
            y("2001-12-14"),
            Resolved::Timestamp(Ok("2001-12-14".into()))
        );
    }

    #[test]
    fn tagged() {
        assert_eq!(
            resolve_tagged("12", CoreTag::Int, Typing::Kyaml),
            Ok(Resolved::Int(12))
        );
        assert_eq!(
            resolve_tagged("12", CoreTag::Float, Typing::Kyaml),
            Ok(Resolved::Float(12.0))
        );
        assert_eq!(
            resolve_tagged("12", CoreTag::Str, Typing::Kyaml),
            Ok(Resolved::Str)
        );
        assert!(resolve_tagged("abc", CoreTag::Int, Typing::Kyaml).is_err());
    }

    #[test]
    fn float_keys() {
        assert_eq!(format_float_key(1.5), "1.5");
        assert_eq!(format_float_key(0.1), "0.1");
        assert_eq!(format_float_key(1000.0), "1000");
        assert_eq!(format_float_key(1e6), "1e+06");
        assert_eq!(format_float_key(123456.0), "123456");
        assert_eq!(format_float_key(0.0001), "0.0001");
        assert_eq!(format_float_key(0.00001), "1e-05");
        assert_eq!(format_float_key(f64::INFINITY), ".inf");
    }
}
