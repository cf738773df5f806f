//! Scalar patterns shared by the reader (typing input) and the printer (deciding quotes):
//! go-yaml's float pattern and its timestamp layouts; and a scalar's text as go-yaml keeps it.

use std::borrow::Cow;

use crate::{Data, Style, Value};

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's float pattern.
pub(crate) fn is_yaml_float(b: &[u8]) -> bool {
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether go-yaml (v2 and v3 alike) reads a plain scalar `text` as a timestamp: it parses
/// with one of the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` or `2006-1-2` as Go's `time.Parse` reads them (one- or
/// two-digit fields, a real calendar day, a `.` or `,` fraction, a zone required after
/// `T`/`t` and absent after the blanks). The examples are what `kubectl kustomize` v1.32
/// turns into RFC 3339 strings and what it leaves as written.
///
/// ```
/// assert!(krust_yaml::is_timestamp("2001-12-14"));
/// assert!(krust_yaml::is_timestamp("2001-2-3 4:05:06.5"));
/// assert!(!krust_yaml::is_timestamp("2001-12-14T21:59:43")); // no zone after `T`
/// assert!(!krust_yaml::is_timestamp("2001-02-30"));
/// ```
pub fn is_timestamp(text: &str) -> bool {
    parse_timestamp(text).is_some()
}

/// A date-time in one of go-yaml's layouts (`2006-1-2T15:4:5.999999999Z07:00`, the same with
/// `t`, `2006-1-2 15:4:5.999999999`, `2006-1-2`) as Go's `time.Parse` reads them, rendered
/// as Go's JSON encoding of `time.Time` renders it (RFC 3339, nanoseconds with trailing
/// zeros dropped, `Z` for a zero offset). `Some(Err)` when Go parses the text but cannot
/// encode the time as JSON (an offset of 24 hours or more).
pub(crate) fn parse_timestamp(s: &str) -> Option<Result<String, String>> {
    let b = s.as_bytes();
    // Quick check, as go-yaml does: four digits and a dash.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year = num(&b[..4]);
    let mut cur = Cursor { b, i: 5 };
    let month = cur.num12()?;
    cur.expect(b'-')?;
    let day = cur.num12()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if cur.done() {
        return Some(Ok(format!("{date}T00:00:00Z")));
    }
    let zoned = match cur.next()? {
        b'T' | b't' => true,
        b' ' => {
            // A space in a Go layout matches a run of spaces.
            while cur.peek() == Some(b' ') {
                cur.i += 1;
            }
            false
        }
        _ => return None,
    };
    let hour = cur.num12()?;
    cur.expect(b':')?;
    let min = cur.num12()?;
    cur.expect(b':')?;
    let sec = cur.num12()?;
    if hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    let mut frac = String::new();
    if matches!(cur.peek(), Some(b'.' | b',')) && cur.peek_at(1).is_some_and(|c| c.is_ascii_digit())
    {
        cur.i += 1;
        while let Some(c) = cur.peek().filter(u8::is_ascii_digit) {
            if frac.len() < 9 {
                frac.push(char::from(c));
            }
            cur.i += 1;
        }
        while frac.ends_with('0') {
            frac.pop();
        }
    }
    let mut offset_min: Option<(u8, u32)> = None;
    if zoned {
        match cur.next()? {
            b'Z' => {}
            sign @ (b'+' | b'-') => {
                let hh = cur.num2()?;
                cur.expect(b':')?;
                let mm = cur.num2()?;
                if hh > 24 || mm > 60 {
                    return None;
                }
                offset_min = Some((sign, hh * 60 + mm));
            }
            _ => return None,
        }
    }
    if !cur.done() {
        return None;
    }
    let zone = match offset_min {
        None | Some((_, 0)) => "Z".to_string(),
        Some((sign, m)) => {
            if m / 60 >= 24 {
                return Some(Err(format!(
                    "timestamp {s:?} has a zone offset of 24 hours or more, which cannot be encoded as JSON"
                )));
            }
            format!("{}{:02}:{:02}", char::from(sign), m / 60, m % 60)
        }
    };
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    Some(Ok(format!(
        "{date}T{hour:02}:{min:02}:{sec:02}{frac}{zone}"
    )))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    /// One or two digits (Go's non-fixed `getnum`).
    fn num12(&mut self) -> Option<u32> {
        let d0 = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        match self.peek().filter(u8::is_ascii_digit) {
            Some(d1) => {
                self.i += 1;
                Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
            }
            None => Some(u32::from(d0 - b'0')),
        }
    }
    /// Exactly two digits.
    fn num2(&mut self) -> Option<u32> {
        let d0 = self.next().filter(u8::is_ascii_digit)?;
        let d1 = self.next().filter(u8::is_ascii_digit)?;
        Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
    }
}

fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A scalar's text as go-yaml keeps it in its node (`yaml.Node.Value`), which is what kyaml
/// reads from a field (`GetValue`: replacement sources, label and annotation values, merge
/// keys). For a scalar read from YAML that is the text as written (`0x1F`, `~`, `1e3`, a
/// date as written, not its RFC 3339 form); for one made in code, the text go-yaml v3
/// encodes its value with: `null` (`""` for [`Style::Empty`]), `true`/`false`, decimal
/// integers, and floats in Go's `strconv.FormatFloat(f, 'g', -1, 64)` form with go-yaml's
/// `.inf`, `-.inf` and `.nan`. `None` for a collection.
///
/// ```
/// use krust_yaml::{parse_document, scalar_text, Typing, Value};
/// // kubectl v1.32: a replacement from these fields into annotations copies "0x1F",
/// // "1e3" and "2001-12-14".
/// let v = parse_document("{a: 0x1F, c: 1e3, d: 2001-12-14}", "x.yaml", Typing::Kyaml)?;
/// let text = |k: &str| v.get(k).and_then(scalar_text).map(|t| t.into_owned());
/// assert_eq!(text("a").as_deref(), Some("0x1F"));
/// assert_eq!(text("c").as_deref(), Some("1e3"));
/// assert_eq!(text("d").as_deref(), Some("2001-12-14"));
/// assert_eq!(scalar_text(&Value::from(1e21)).as_deref(), Some("1e+21"));
/// assert_eq!(scalar_text(&Value::map()), None);
/// # Ok::<(), krust_yaml::Error>(())
/// ```
pub fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    if let Some(t) = v.source_text() {
        return Some(Cow::Borrowed(t));
    }
    Some(match &v.data {
        Data::String(s) => Cow::Borrowed(&**s),
        Data::Null if v.style == Style::Empty => Cow::Borrowed(""),
        Data::Null => Cow::Borrowed("null"),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Uint(u) => Cow::Owned(u.to_string()),
        Data::Float(f) if f.is_nan() => Cow::Borrowed(".nan"),
        Data::Float(f) if f.is_infinite() => Cow::Borrowed(if *f > 0.0 { ".inf" } else { "-.inf" }),
        Data::Float(f) => Cow::Owned(crate::print::number::go_g(*f)),
        Data::Seq(_) | Data::Map(_) => return None,
    })
}
