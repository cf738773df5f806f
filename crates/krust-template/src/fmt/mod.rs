//! Go's `fmt` for template values: `%v` printing, `Sprintf`, `Sprint`, `Sprintln`, and
//! `strconv.Quote`. Public so function libraries (sprig, Helm's) print exactly as the
//! engine does.

mod float;

pub use float::format_float;

use crate::value::Value;

/// Appends `v` as Go's `%v` prints it (`<nil>`, `[a b]`, `map[a:1]`, `1e+06`).
pub fn write_value(out: &mut String, v: &Value) {
    print_arg(out, v, 'v', &Flags::default());
}

/// `fmt.Sprint(v)`: `%v` of one value.
pub fn sprint_value(v: &Value) -> String {
    let mut s = String::new();
    write_value(&mut s, v);
    s
}

/// `fmt.Sprint(args...)`: spaces between operands when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_value(&mut out, a);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln(args...)`: always spaces between operands, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, a);
    }
    out.push('\n');
    out
}

/// Go's `unicode.IsPrint`, closely enough for quoting.
fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !c.is_control()
        && !c.is_whitespace()
        && !matches!(c as u32, 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0xFEFF | 0xFFF9..=0xFFFB)
        && !(0xE000..=0xF8FF).contains(&(c as u32))
}

fn quote_with(s: &str, q: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if is_print(c) && (!ascii_only || c.is_ascii()) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(q);
    out
}

/// `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// `strconv.QuoteToASCII`.
pub fn quote_ascii(s: &str) -> String {
    quote_with(s, '"', true)
}

/// `strconv.QuoteRune`.
pub fn quote_rune(c: char) -> String {
    quote_with(&c.to_string(), '\'', false)
}

/// Formatting flags of one verb.
#[derive(Clone, Debug, Default)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

fn padding(out: &mut String, n: usize, f: &Flags) {
    let c = if f.zero && !f.minus { '0' } else { ' ' };
    for _ in 0..n {
        out.push(c);
    }
}

fn pad(out: &mut String, s: &str, f: &Flags) {
    let Some(w) = f.wid else {
        out.push_str(s);
        return;
    };
    let n = w.saturating_sub(s.chars().count());
    if f.minus {
        out.push_str(s);
        padding(out, n, f);
    } else {
        padding(out, n, f);
        out.push_str(s);
    }
}

fn pad_no_zero(out: &mut String, s: &str, f: &Flags) {
    let g = Flags {
        zero: false,
        ..f.clone()
    };
    pad(out, s, &g);
}

fn bad_verb(out: &mut String, v: &Value, verb: char, f: &Flags) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    match v {
        Value::Nil => out.push_str("<nil>"),
        _ => {
            out.push_str(v.type_name());
            out.push('=');
            print_arg(out, v, 'v', f);
        }
    }
    out.push(')');
}

fn fmt_integer(out: &mut String, v: i64, base: u32, verb: char, upper: bool, f: &Flags) {
    let negative = v < 0;
    let u = v.unsigned_abs();
    let mut prec = 0usize;
    if let Some(p) = f.prec {
        prec = p;
        if p == 0 && u == 0 {
            let g = Flags {
                zero: false,
                ..f.clone()
            };
            padding(out, g.wid.unwrap_or(0), &g);
            return;
        }
    } else if f.zero && !f.minus && f.wid.is_some() {
        prec = f.wid.unwrap_or(0);
        if negative || f.plus || f.space {
            prec = prec.saturating_sub(1);
        }
    }
    let mut digits = match base {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        16 if upper => format!("{u:X}"),
        16 => format!("{u:x}"),
        _ => u.to_string(),
    };
    if digits.len() < prec {
        digits = "0".repeat(prec - digits.len()) + &digits;
    }
    let mut prefix = String::new();
    if f.sharp {
        match base {
            2 => prefix.push_str("0b"),
            8 if !digits.starts_with('0') => prefix.push('0'),
            16 => prefix.push_str(if upper { "0X" } else { "0x" }),
            _ => {}
        }
    }
    if verb == 'O' {
        prefix = "0o".into();
    }
    let sign = if negative {
        "-"
    } else if f.plus {
        "+"
    } else if f.space {
        " "
    } else {
        ""
    };
    let s = format!("{sign}{prefix}{digits}");
    pad_no_zero(out, &s, f);
}

fn fmt_int_verb(out: &mut String, v: &Value, i: i64, verb: char, f: &Flags) {
    match verb {
        'v' | 'd' => fmt_integer(out, i, 10, verb, false, f),
        'b' => fmt_integer(out, i, 2, verb, false, f),
        'o' | 'O' => fmt_integer(out, i, 8, verb, false, f),
        'x' => fmt_integer(out, i, 16, verb, false, f),
        'X' => fmt_integer(out, i, 16, verb, true, f),
        'c' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            pad(out, &c.to_string(), f);
        }
        'q' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}');
            // `%+q` is strconv.QuoteRuneToASCII.
            let q = if f.plus {
                quote_with(&c.to_string(), '\'', true)
            } else {
                quote_rune(c)
            };
            pad(out, &q, f);
        }
        'U' => {
            let width = f.prec.unwrap_or(4).max(4);
            let mut s = format!("U+{:0width$X}", i, width = width);
            if f.sharp {
                if let Some(c) = u32::try_from(i).ok().and_then(char::from_u32) {
                    if is_print(c) {
                        s.push_str(&format!(" '{c}'"));
                    }
                }
            }
            pad_no_zero(out, &s, f);
        }
        _ => bad_verb(out, v, verb, f),
    }
}

/// Go's `#` flag on floats: always a decimal point, and for `%g`/`%v`/`%x` trailing zeros
/// up to the precision (6 by default). `num` starts with its sign.
fn sharp_float(num: &str, verb: char, prec: i32) -> String {
    // Go counts significant digits for these verbs only (not `X`).
    let mut digits: i32 = match verb {
        'v' | 'g' | 'G' | 'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let bytes = num.as_bytes();
    let mut body = String::with_capacity(num.len() + 8);
    body.push(bytes[0] as char);
    let mut tail = "";
    let mut has_point = false;
    let mut saw_nonzero = false;
    let mut i = 1;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'.' => has_point = true,
            b'p' | b'P' => {
                tail = &num[i..];
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                tail = &num[i..];
                break;
            }
            _ => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
        body.push(c as char);
        i += 1;
    }
    if !has_point {
        if body.len() == 2 && body.as_bytes()[1] == b'0' {
            digits -= 1;
        }
        body.push('.');
    }
    while digits > 0 {
        body.push('0');
        digits -= 1;
    }
    body.push_str(tail);
    body
}

fn fmt_float(out: &mut String, v: f64, verb: char, prec: Option<usize>, f: &Flags) {
    let p = prec.map_or(-1, |p| p as i32);
    let mut num = format_float(v, verb, p);
    if !num.starts_with('-') && !num.starts_with('+') {
        num.insert(0, '+');
    }
    if f.space && num.starts_with('+') && !f.plus {
        num.replace_range(0..1, " ");
    }
    let body = &num[1..];
    if !(body.starts_with('I') || body.starts_with('N')) && f.sharp && verb != 'b' {
        num = sharp_float(&num, verb, p);
    }
    let body = &num[1..];
    if body.starts_with('I') || body.starts_with('N') {
        let s = if body.starts_with('N') && !f.space && !f.plus {
            body.to_string()
        } else {
            num.clone()
        };
        pad_no_zero(out, &s, f);
        return;
    }
    if f.plus || !num.starts_with('+') {
        if let Some(w) = f.wid {
            if f.zero && !f.minus && w > num.len() {
                out.push_str(&num[..1]);
                padding(out, w - num.len(), f);
                out.push_str(&num[1..]);
                return;
            }
        }
        pad(out, &num, f);
        return;
    }
    pad(out, &num[1..], f);
}

fn truncate(s: &str, prec: Option<usize>) -> &str {
    match prec {
        Some(p) => match s.char_indices().nth(p) {
            Some((i, _)) => &s[..i],
            None => s,
        },
        None => s,
    }
}

fn fmt_string(out: &mut String, v: &Value, s: &str, verb: char, f: &Flags) {
    match verb {
        'v' if f.sharp_v => pad(out, &quote(truncate(s, f.prec)), f),
        'v' | 's' => pad(out, truncate(s, f.prec), f),
        'q' => {
            let s = truncate(s, f.prec);
            let q =
                if f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || !c.is_control()) {
                    format!("`{s}`")
                } else if f.plus {
                    quote_ascii(s)
                } else {
                    quote(s)
                };
            pad(out, &q, f);
        }
        'x' | 'X' => {
            let bytes = s.as_bytes();
            let bytes = match f.prec {
                Some(p) if p < bytes.len() => &bytes[..p],
                _ => bytes,
            };
            let mut h = String::new();
            for (i, b) in bytes.iter().enumerate() {
                if f.space && i > 0 {
                    h.push(' ');
                }
                if f.sharp && (f.space || i == 0) {
                    h.push_str(if verb == 'x' { "0x" } else { "0X" });
                }
                if verb == 'x' {
                    h.push_str(&format!("{b:02x}"));
                } else {
                    h.push_str(&format!("{b:02X}"));
                }
            }
            pad(out, &h, f);
        }
        _ => bad_verb(out, v, verb, f),
    }
}

/// `%#v`: Go syntax. Scalars keep the verb's width, precision and flags (Go formats each
/// element with them), strings are quoted, nil elements are `interface {}(nil)`.
fn go_syntax(out: &mut String, v: &Value, top: bool, f: &Flags) {
    match v {
        Value::Nil if top => pad(out, "<nil>", f),
        Value::Nil => out.push_str("interface {}(nil)"),
        Value::String(s) => pad(out, &quote(truncate(s, f.prec)), f),
        Value::Bool(b) => pad(out, if *b { "true" } else { "false" }, f),
        Value::Int(i) | Value::Int64(i) => fmt_integer(out, *i, 10, 'v', false, f),
        Value::Float(x) => fmt_float(out, *x, 'g', f.prec, f),
        Value::List(l) => {
            out.push_str(v.type_name());
            if l.nil {
                out.push_str("(nil)");
                return;
            }
            out.push('{');
            for (i, x) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go_syntax(out, x, false, f);
            }
            out.push('}');
        }
        Value::Map(m) => {
            out.push_str(v.type_name());
            if m.nil {
                out.push_str("(nil)");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.read().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                pad(out, &quote(truncate(k, f.prec)), f);
                out.push(':');
                go_syntax(out, x, false, f);
            }
            out.push('}');
        }
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::Map(_) | Value::List(_))) => {
                // `common.Values{"a":1}`: the named type, then the underlying's elements.
                let mut inner = String::new();
                go_syntax(&mut inner, &u, false, f);
                out.push_str(o.type_name());
                out.push_str(inner.strip_prefix(u.type_name()).unwrap_or(&inner));
            }
            _ => {
                let mut s = String::new();
                write_value(&mut s, v);
                pad(out, &s, f);
            }
        },
    }
}

/// Prints one operand with one verb (Go's `printArg`/`printValue`).
fn print_arg(out: &mut String, v: &Value, verb: char, f: &Flags) {
    if verb == 'T' {
        // Go pads a nil's `<nil>` without applying the precision.
        let prec = if v.is_nil() { None } else { f.prec };
        pad(out, truncate(v.type_name(), prec), f);
        return;
    }
    if verb == 'v' && f.sharp_v {
        go_syntax(out, v, true, f);
        return;
    }
    match v {
        Value::Nil => match verb {
            'v' => pad(out, "<nil>", f),
            _ => bad_verb(out, v, verb, f),
        },
        Value::Bool(b) => match verb {
            't' | 'v' => pad(out, if *b { "true" } else { "false" }, f),
            _ => bad_verb(out, v, verb, f),
        },
        Value::Int(i) | Value::Int64(i) => fmt_int_verb(out, v, *i, verb, f),
        Value::Float(x) => match verb {
            'v' => fmt_float(out, *x, 'g', f.prec, f),
            'b' | 'g' | 'G' | 'x' | 'X' => fmt_float(out, *x, verb, f.prec, f),
            'e' | 'E' | 'f' => fmt_float(out, *x, verb, Some(f.prec.unwrap_or(6)), f),
            'F' => fmt_float(out, *x, 'f', Some(f.prec.unwrap_or(6)), f),
            _ => bad_verb(out, v, verb, f),
        },
        Value::String(s) => fmt_string(out, v, s, verb, f),
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print_elem(out, x, verb, f);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.read().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                fmt_string(out, &Value::String(k.clone()), k, verb, f);
                out.push(':');
                print_elem(out, x, verb, f);
            }
            out.push(']');
        }
        Value::Object(o) => match o.underlying() {
            // A named map or slice type prints as its underlying value, verb and all.
            Some(u) => print_arg(out, &u, verb, f),
            None => {
                let mut s = String::new();
                o.format(&mut s);
                pad(out, &s, f);
            }
        },
    }
}

/// An element inside a slice or map: a nil interface prints `<nil>` whatever the verb.
fn print_elem(out: &mut String, v: &Value, verb: char, f: &Flags) {
    if v.is_nil() {
        out.push_str("<nil>");
    } else {
        print_arg(out, v, verb, f);
    }
}

fn parse_num(b: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        if n >= 1_000_000 {
            return (None, i);
        }
        n = n * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    if i == start {
        (None, i)
    } else {
        (Some(n), i)
    }
}

/// `fmt.Sprintf(format, args...)`, including Go's error forms (`%!d(string=x)`,
/// `%!d(MISSING)`, `%!(EXTRA int=1)`, `%!(NOVERB)`, `%!(BADWIDTH)`, `%!(BADPREC)`,
/// `%!d(BADINDEX)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let b = format.as_bytes();
    let end = b.len();
    let mut out = String::with_capacity(format.len() + 16);
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0usize;
    while i < end {
        let mut good_arg_num = true;
        let last = i;
        while i < end && b[i] != b'%' {
            i += 1;
        }
        if i > last {
            out.push_str(&format[last..i]);
        }
        if i >= end {
            break;
        }
        i += 1;
        let mut f = Flags::default();
        while i < end {
            match b[i] {
                b'#' => f.sharp = true,
                b'0' => f.zero = !f.minus,
                b'+' => f.plus = true,
                b'-' => {
                    f.minus = true;
                    f.zero = false;
                }
                b' ' => f.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut after_index;
        // Argument index.
        let arg_index = |arg_num: usize,
                         i: usize,
                         reordered: &mut bool,
                         good: &mut bool|
         -> (usize, usize, bool) {
            if i >= end || b[i] != b'[' {
                return (arg_num, i, false);
            }
            *reordered = true;
            // parseArgNumber
            if end - i < 3 {
                *good = false;
                return (arg_num, i + 1, false);
            }
            for j in i + 1..end {
                if b[j] == b']' {
                    let (n, ni) = parse_num(b, i + 1);
                    match n {
                        Some(n) if ni == j => {
                            let idx = n.wrapping_sub(1);
                            if n >= 1 && idx < args.len() {
                                return (idx, j + 1, true);
                            }
                            *good = false;
                            return (arg_num, j + 1, true);
                        }
                        _ => {
                            *good = false;
                            return (arg_num, j + 1, false);
                        }
                    }
                }
            }
            *good = false;
            (arg_num, i + 1, false)
        };
        (arg_num, i, after_index) = arg_index(arg_num, i, &mut reordered, &mut good_arg_num);
        // Width.
        if i < end && b[i] == b'*' {
            i += 1;
            let (w, ok, n) = int_from_arg(args, arg_num);
            arg_num = n;
            if !ok {
                out.push_str("%!(BADWIDTH)");
            } else if w < 0 {
                f.wid = Some(w.unsigned_abs() as usize);
                f.minus = true;
                f.zero = false;
            } else {
                f.wid = Some(w as usize);
            }
            after_index = false;
        } else {
            let (w, ni) = parse_num(b, i);
            f.wid = w;
            i = ni;
            if after_index && f.wid.is_some() {
                good_arg_num = false;
            }
        }
        // Precision.
        if i + 1 < end && b[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index) = arg_index(arg_num, i, &mut reordered, &mut good_arg_num);
            if i < end && b[i] == b'*' {
                i += 1;
                let (p, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if ok && p >= 0 {
                    f.prec = Some(p as usize);
                } else if !ok {
                    out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (p, ni) = parse_num(b, i);
                i = ni;
                f.prec = Some(p.unwrap_or(0));
            }
        }
        if !after_index {
            (arg_num, i, _) = arg_index(arg_num, i, &mut reordered, &mut good_arg_num);
        }
        if i >= end {
            out.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().unwrap_or('?');
        i += verb.len_utf8();
        if verb == '%' {
            out.push('%');
            continue;
        }
        if !good_arg_num {
            out.push_str(&format!("%!{verb}(BADINDEX)"));
            continue;
        }
        if arg_num >= args.len() {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        }
        if verb == 'v' {
            f.sharp_v = f.sharp;
            f.sharp = false;
            f.plus_v = f.plus;
            f.plus = false;
        }
        print_arg(&mut out, &args[arg_num], verb, &f);
        arg_num += 1;
    }
    if !reordered && arg_num < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, a) in args[arg_num..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            if a.is_nil() {
                out.push_str("<nil>");
            } else {
                out.push_str(a.type_name());
                out.push('=');
                write_value(&mut out, a);
            }
        }
        out.push(')');
    }
    out
}

fn int_from_arg(args: &[Value], n: usize) -> (i64, bool, usize) {
    match args.get(n) {
        Some(Value::Int(i) | Value::Int64(i)) => {
            if i.unsigned_abs() > 1_000_000 {
                (0, false, n + 1)
            } else {
                (*i, true, n + 1)
            }
        }
        Some(_) => (0, false, n + 1),
        None => (0, false, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn sprintf_forms() {
        assert_eq!(sprintf("%d", &[Value::Int(42)]), "42");
        assert_eq!(
            sprintf(
                "%05d|%-5d|%+d",
                &[Value::Int(42), Value::Int(7), Value::Int(3)]
            ),
            "00042|7    |+3"
        );
        assert_eq!(
            sprintf(
                "%x %X %o %b %#x",
                &[
                    Value::Int(255),
                    Value::Int(255),
                    Value::Int(8),
                    Value::Int(5),
                    Value::Int(255)
                ]
            ),
            "ff FF 10 101 0xff"
        );
        assert_eq!(sprintf("%d", &[Value::Float(1.0)]), "%!d(float64=1)");
        assert_eq!(sprintf("%s", &[]), "%!s(MISSING)");
        assert_eq!(
            sprintf("a", &[Value::Int(1), s("x")]),
            "a%!(EXTRA int=1, string=x)"
        );
        assert_eq!(sprintf("%q", &[s("a\"b\n")]), "\"a\\\"b\\n\"");
        assert_eq!(
            sprintf("%v %v", &[Value::Nil, Value::Bool(true)]),
            "<nil> true"
        );
        assert_eq!(
            sprintf("%T %T", &[Value::Int64(1), Value::Nil]),
            "int64 <nil>"
        );
        assert_eq!(
            sprintf(
                "%.2f %e %g",
                &[Value::Float(4.56789), Value::Float(1e6), Value::Float(1e6)]
            ),
            "4.57 1.000000e+06 1e+06"
        );
        assert_eq!(
            sprintf("%5.1f|%-8.3s|", &[Value::Float(4.56789), s("abcdef")]),
            "  4.6|abc     |"
        );
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(
            sprintf("%c %U", &[Value::Int(65), Value::Int(65)]),
            "A U+0041"
        );
        assert_eq!(sprintf("100%%", &[]), "100%");
    }

    #[test]
    fn composites() {
        let l = Value::list(vec![Value::Int(1), s("a"), Value::Nil]);
        assert_eq!(sprint_value(&l), "[1 a <nil>]");
        assert_eq!(
            sprintf("%#v", &[l]),
            "[]interface {}{1, \"a\", interface {}(nil)}"
        );
        let mut m = crate::MapEntries::new();
        m.insert("b".into(), Value::Float(2.0));
        m.insert("a".into(), Value::Float(1.5));
        assert_eq!(sprint_value(&Value::map(m)), "map[a:1.5 b:2]");
    }

    #[test]
    fn sprint_spacing() {
        assert_eq!(
            sprint(&[Value::Int(1), Value::Int(2), s("a"), Value::Int(3)]),
            "1 2a3"
        );
        assert_eq!(sprintln(&[Value::Int(1), s("a")]), "1 a\n");
    }
}
