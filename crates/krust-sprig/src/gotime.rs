//! The parts of Go's `time` package sprig's date functions reach: a
//! `time.Time` value with a fixed zone, `Time.Format` with Go's reference
//! layout (`Mon Jan 2 15:04:05 MST 2006`), `Time.String`, a subset of
//! `time.ParseInLocation` (numeric fields, month and day names, zone
//! offsets, fractions), `Duration.String` and `time.ParseDuration`.
//!
//! Zones: `UTC` and `Local` are UTC (krust renders as Flux's controllers
//! run, in UTC); other IANA names are read from the system zoneinfo files
//! when present (as Go's `LoadLocation` does, footer rule included), else
//! UTC, like sprig's fallback when `LoadLocation` fails.

use std::fmt::Write as _;

/// A Go `time.Time`: an instant plus the zone it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Time {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// Nanoseconds within the second, 0..1e9.
    pub nsec: u32,
    /// Zone offset, seconds east of UTC.
    pub offset: i32,
    /// Zone abbreviation (`UTC`, `CET`, ...).
    pub zone: String,
}

/// Seconds from 0001-01-01 to 1970-01-01, for the zero `time.Time`.
const ZERO_UNIX: i64 = -62_135_596_800;

impl Time {
    /// The zero `time.Time` (`0001-01-01 00:00:00 +0000 UTC`).
    pub fn zero() -> Time {
        Time::from_unix(ZERO_UNIX, 0)
    }

    /// `time.Unix(sec, nsec)` shown in UTC.
    pub fn from_unix(unix: i64, nsec: u32) -> Time {
        Time {
            unix,
            nsec,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    /// `time.Now()` in UTC.
    pub fn now() -> Time {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Time::from_unix(i64::try_from(d.as_secs()).unwrap_or(0), d.subsec_nanos())
    }

    /// `t.In(loc)` for a zone name (see the module doc for what is known).
    pub fn in_zone(&self, zone: &str) -> Time {
        let (offset, abbr) = crate::tz::lookup(zone, self.unix).unwrap_or((0, "UTC".into()));
        Time {
            unix: self.unix,
            nsec: self.nsec,
            offset,
            zone: abbr,
        }
    }

    /// `t.Add(d)`.
    pub fn add(&self, d: i64) -> Time {
        let total = i128::from(self.nsec) + i128::from(d % 1_000_000_000);
        let mut unix = self.unix.saturating_add(d / 1_000_000_000);
        let mut nsec = total;
        if nsec < 0 {
            nsec += 1_000_000_000;
            unix -= 1;
        } else if nsec >= 1_000_000_000 {
            nsec -= 1_000_000_000;
            unix += 1;
        }
        Time {
            unix,
            nsec: u32::try_from(nsec).unwrap_or(0),
            offset: self.offset,
            zone: self.zone.clone(),
        }
    }

    /// Nanoseconds from `self` to `other` (`other.Sub(self)`), saturating.
    pub fn until(&self, other: &Time) -> i64 {
        let s = i128::from(other.unix - self.unix) * 1_000_000_000 + i128::from(other.nsec)
            - i128::from(self.nsec);
        i64::try_from(s).unwrap_or(if s < 0 { i64::MIN } else { i64::MAX })
    }

    fn civil(&self) -> Civil {
        let local = self.unix + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        Civil {
            year: y,
            month: m,
            day: d,
            hour: (secs / 3600) as u32,
            min: ((secs / 60) % 60) as u32,
            sec: (secs % 60) as u32,
            wday: (days + 4).rem_euclid(7) as usize,
            yday: (days - days_from_civil(y, 1, 1) + 1) as u32,
        }
    }

    /// `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::new();
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, tok, after) = next_chunk(rest);
            out.push_str(prefix);
            let Some(tok) = tok else { break };
            self.write_token(&mut out, &c, tok);
            rest = after;
        }
        out
    }

    fn write_token(&self, out: &mut String, c: &Civil, tok: Tok) {
        let hour12 = match c.hour % 12 {
            0 => 12,
            h => h,
        };
        match tok {
            Tok::LongMonth => out.push_str(MONTHS[c.month as usize - 1]),
            Tok::Month => out.push_str(&MONTHS[c.month as usize - 1][..3]),
            Tok::NumMonth => push_num(out, c.month, 0),
            Tok::ZeroMonth => push_num(out, c.month, 2),
            Tok::LongWeekday => out.push_str(DAYS[c.wday]),
            Tok::Weekday => out.push_str(&DAYS[c.wday][..3]),
            Tok::Day => push_num(out, c.day, 0),
            Tok::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                push_num(out, c.day, 0);
            }
            Tok::ZeroDay => push_num(out, c.day, 2),
            Tok::UnderYearDay => {
                let _ = write!(out, "{:>3}", c.yday);
            }
            Tok::ZeroYearDay => push_num(out, c.yday, 3),
            Tok::Hour => push_num(out, c.hour, 2),
            Tok::Hour12 => push_num(out, hour12, 0),
            Tok::ZeroHour12 => push_num(out, hour12, 2),
            Tok::Minute => push_num(out, c.min, 0),
            Tok::ZeroMinute => push_num(out, c.min, 2),
            Tok::Second => push_num(out, c.sec, 0),
            Tok::ZeroSecond => push_num(out, c.sec, 2),
            Tok::LongYear => {
                let y = c.year;
                if (0..10000).contains(&y) {
                    let _ = write!(out, "{y:04}");
                } else {
                    let _ = write!(out, "{y}");
                }
            }
            Tok::Year => {
                let _ = write!(out, "{:02}", c.year.rem_euclid(100));
            }
            Tok::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Tok::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Tok::TZ => {
                if self.zone.is_empty() {
                    write_offset(out, self.offset, false, true, false);
                } else {
                    out.push_str(&self.zone);
                }
            }
            Tok::Offset {
                z,
                colon,
                secs,
                hours_only,
            } => {
                if z && self.offset == 0 {
                    out.push('Z');
                } else if hours_only {
                    let (sign, a) = sign_abs(self.offset);
                    let _ = write!(out, "{sign}{:02}", a / 3600);
                } else {
                    write_offset(out, self.offset, colon, true, secs);
                }
            }
            Tok::Frac { digits, trim, sep } => {
                let s = format!("{:09}", self.nsec);
                let mut f = &s[..digits.min(9)];
                if trim {
                    f = f.trim_end_matches('0');
                    if f.is_empty() {
                        return;
                    }
                }
                out.push(sep);
                out.push_str(f);
            }
        }
    }
}

fn sign_abs(off: i32) -> (char, i32) {
    if off < 0 {
        ('-', -off)
    } else {
        ('+', off)
    }
}

fn write_offset(out: &mut String, off: i32, colon: bool, minutes: bool, secs: bool) {
    let (sign, a) = sign_abs(off);
    let _ = write!(out, "{sign}{:02}", a / 3600);
    if minutes {
        if colon {
            out.push(':');
        }
        let _ = write!(out, "{:02}", (a / 60) % 60);
    }
    if secs {
        if colon {
            out.push(':');
        }
        let _ = write!(out, "{:02}", a % 60);
    }
}

fn push_num(out: &mut String, n: u32, width: usize) {
    let _ = write!(out, "{n:0width$}");
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    wday: usize,
    yday: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekday,
    Weekday,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Offset {
        z: bool,
        colon: bool,
        secs: bool,
        hours_only: bool,
    },
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

/// Go's `nextStdChunk`: text before the first layout element, the element,
/// and the text after it.
fn next_chunk(layout: &str) -> (&str, Option<Tok>, &str) {
    let b = layout.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &layout[i..];
        let hit = |s: &str, t: Tok| -> Option<(usize, Tok)> {
            rest.starts_with(s).then_some((s.len(), t))
        };
        let found: Option<(usize, Tok)> = match b[i] {
            b'J' => hit("January", Tok::LongMonth).or_else(|| hit("Jan", Tok::Month)),
            b'M' => hit("Monday", Tok::LongWeekday)
                .or_else(|| hit("Mon", Tok::Weekday))
                .or_else(|| hit("MST", Tok::TZ)),
            b'0' => match b.get(i + 1) {
                Some(b'1') => Some((2, Tok::ZeroMonth)),
                Some(b'2') => Some((2, Tok::ZeroDay)),
                Some(b'3') => Some((2, Tok::ZeroHour12)),
                Some(b'4') => Some((2, Tok::ZeroMinute)),
                Some(b'5') => Some((2, Tok::ZeroSecond)),
                Some(b'6') => Some((2, Tok::Year)),
                Some(b'0') if b.get(i + 2) == Some(&b'2') => Some((3, Tok::ZeroYearDay)),
                _ => None,
            },
            b'1' => {
                if b.get(i + 1) == Some(&b'5') {
                    Some((2, Tok::Hour))
                } else {
                    Some((1, Tok::NumMonth))
                }
            }
            b'2' => {
                if rest.starts_with("2006") {
                    Some((4, Tok::LongYear))
                } else {
                    Some((1, Tok::Day))
                }
            }
            b'_' => {
                if b.get(i + 1) == Some(&b'2') {
                    // _2006 is a literal _ then the year.
                    if rest[1..].starts_with("2006") {
                        None
                    } else {
                        Some((2, Tok::UnderDay))
                    }
                } else if rest.starts_with("__2") {
                    Some((3, Tok::UnderYearDay))
                } else {
                    None
                }
            }
            b'3' => Some((1, Tok::Hour12)),
            b'4' => Some((1, Tok::Minute)),
            b'5' => Some((1, Tok::Second)),
            b'P' if b.get(i + 1) == Some(&b'M') => Some((2, Tok::PM)),
            b'p' if b.get(i + 1) == Some(&b'm') => Some((2, Tok::Pm)),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                let p = if z { "Z07" } else { "-07" };
                let off = |colon, secs, hours_only| Tok::Offset {
                    z,
                    colon,
                    secs,
                    hours_only,
                };
                let pats = [
                    ("0000", off(false, true, false)),
                    (":00:00", off(true, true, false)),
                    ("00", off(false, false, false)),
                    (":00", off(true, false, false)),
                    ("", off(false, false, true)),
                ];
                pats.iter().find_map(|(s, t)| {
                    let full = format!("{p}{s}");
                    rest.starts_with(&full).then_some((full.len(), *t))
                })
            }
            b'.' | b',' => {
                let sep = b[i] as char;
                match b.get(i + 1) {
                    Some(&c @ (b'0' | b'9')) => {
                        let mut j = i + 1;
                        while b.get(j) == Some(&c) {
                            j += 1;
                        }
                        // A fraction only if not followed by a digit.
                        if b.get(j).is_some_and(u8::is_ascii_digit) {
                            None
                        } else {
                            Some((
                                j - i,
                                Tok::Frac {
                                    digits: j - i - 1,
                                    trim: c == b'9',
                                    sep,
                                },
                            ))
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((n, t)) = found {
            return (&layout[..i], Some(t), &layout[i + n..]);
        }
        i += layout[i..].chars().next().map_or(1, char::len_utf8);
    }
    (layout, None, "")
}

/// `Duration.String()` of a nanosecond count.
pub fn duration_string(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac_string(u, div));
        out.push_str(unit);
    } else {
        let secs = u / 1_000_000_000;
        let frac = u % 1_000_000_000;
        let h = secs / 3600;
        let m = (secs / 60) % 60;
        let s = secs % 60;
        if h > 0 {
            let _ = write!(out, "{h}h");
        }
        if h > 0 || m > 0 {
            let _ = write!(out, "{m}m");
        }
        out.push_str(&frac_string(s * 1_000_000_000 + frac, 1_000_000_000));
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

fn frac_string(v: u64, div: u64) -> String {
    let whole = v / div;
    let frac = v % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.trailing_zeros_dec();
    let f = format!("{frac:0width$}");
    format!("{whole}.{}", f.trim_end_matches('0'))
}

trait DecDigits {
    fn trailing_zeros_dec(self) -> usize;
}

impl DecDigits for u64 {
    fn trailing_zeros_dec(self) -> usize {
        let mut n = self;
        let mut k = 0;
        while n >= 10 {
            n /= 10;
            k += 1;
        }
        k
    }
}

/// `time.ParseDuration`; the error text is Go's.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration \"{s}\"");
    let mut rest = s;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    let mut total_i: i128 = 0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." {
            return Err(err());
        }
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let mult: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration \"{s}\"")),
            _ => return Err(format!("time: unknown unit \"{unit}\" in duration \"{s}\"")),
        };
        let (w, f) = num.split_once('.').unwrap_or((num, ""));
        let whole: i128 = if w.is_empty() {
            0
        } else {
            w.parse().map_err(|_| err())?
        };
        total_i += whole * mult;
        if !f.is_empty() {
            let frac: f64 = format!("0.{f}").parse().map_err(|_| err())?;
            total += frac * mult as f64;
        }
        if total_i > i128::from(i64::MAX) {
            return Err(err());
        }
    }
    let v = total_i + total as i128;
    let v = i64::try_from(v).map_err(|_| err())?;
    Ok(if neg { -v } else { v })
}

/// A subset of `time.ParseInLocation(layout, value, UTC)`: the numeric,
/// name, AM/PM, offset and fraction elements. Errors are Go's shape.
pub fn parse(layout: &str, value: &str) -> Result<Time, String> {
    let bad = |elem: &str, v: &str| {
        format!("parsing time \"{value}\" as \"{layout}\": cannot parse \"{v}\" as \"{elem}\"")
    };
    let (mut year, mut month, mut day, mut hour, mut min, mut sec) = (1i64, 1u32, 1u32, 0, 0, 0);
    let mut nsec = 0u32;
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut l = layout;
    let mut v = value;
    loop {
        let (prefix, tok, after) = next_chunk(l);
        let Some(r) = v.strip_prefix(prefix) else {
            return Err(bad(prefix, v));
        };
        v = r;
        let Some(tok) = tok else {
            if !v.is_empty() {
                return Err(format!("parsing time \"{value}\": extra text: \"{v}\""));
            }
            break;
        };
        let elem = &l[prefix.len()..l.len() - after.len()];
        l = after;
        let num = |v: &str, min: usize, max: usize| -> Option<(u32, usize)> {
            let n = v.bytes().take(max).take_while(u8::is_ascii_digit).count();
            (n >= min)
                .then(|| v[..n].parse().ok().map(|x| (x, n)))
                .flatten()
        };
        match tok {
            Tok::LongYear => {
                let (y, n) = num(v, 4, 4).ok_or_else(|| bad(elem, v))?;
                year = i64::from(y);
                v = &v[n..];
            }
            Tok::Year => {
                let (y, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                year = i64::from(if y >= 69 { y + 1900 } else { y + 2000 });
                v = &v[n..];
            }
            Tok::LongMonth | Tok::Month => {
                let idx = MONTHS.iter().position(|m| {
                    let m = if tok == Tok::Month { &m[..3] } else { m };
                    v.len() >= m.len() && v[..m.len()].eq_ignore_ascii_case(m)
                });
                let i = idx.ok_or_else(|| bad(elem, v))?;
                month = i as u32 + 1;
                v = &v[if tok == Tok::Month {
                    3
                } else {
                    MONTHS[i].len()
                }..];
            }
            Tok::LongWeekday | Tok::Weekday => {
                let idx = DAYS.iter().position(|d| {
                    let d = if tok == Tok::Weekday { &d[..3] } else { d };
                    v.len() >= d.len() && v[..d.len()].eq_ignore_ascii_case(d)
                });
                let i = idx.ok_or_else(|| bad(elem, v))?;
                v = &v[if tok == Tok::Weekday {
                    3
                } else {
                    DAYS[i].len()
                }..];
            }
            Tok::NumMonth | Tok::ZeroMonth => {
                let (m, n) = num(v, if tok == Tok::ZeroMonth { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                if !(1..=12).contains(&m) {
                    return Err(format!("parsing time \"{value}\": month out of range"));
                }
                month = m;
                v = &v[n..];
            }
            Tok::Day | Tok::UnderDay | Tok::ZeroDay => {
                if tok == Tok::UnderDay {
                    v = v.strip_prefix(' ').unwrap_or(v);
                }
                let (d, n) = num(v, if tok == Tok::ZeroDay { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                day = d;
                v = &v[n..];
            }
            Tok::UnderYearDay | Tok::ZeroYearDay => {
                let (_, n) = num(v.trim_start(), 3, 3).ok_or_else(|| bad(elem, v))?;
                v = &v.trim_start()[n..];
            }
            Tok::Hour => {
                let (h, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                hour = h;
                v = &v[n..];
            }
            Tok::Hour12 | Tok::ZeroHour12 => {
                let (h, n) = num(v, if tok == Tok::ZeroHour12 { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                hour = h;
                v = &v[n..];
            }
            Tok::Minute | Tok::ZeroMinute => {
                let (m, n) = num(v, if tok == Tok::ZeroMinute { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                min = m;
                v = &v[n..];
            }
            Tok::Second | Tok::ZeroSecond => {
                let (s, n) = num(v, if tok == Tok::ZeroSecond { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                sec = s;
                v = &v[n..];
                // A fraction after seconds is accepted even if the layout has none.
                if let Some(f) = v.strip_prefix('.') {
                    if !l.starts_with('.') {
                        let n = f.bytes().take_while(u8::is_ascii_digit).count();
                        nsec = frac_nanos(&f[..n]);
                        v = &f[n..];
                    }
                }
            }
            Tok::PM | Tok::Pm => {
                let p = v.get(..2).ok_or_else(|| bad(elem, v))?;
                pm = Some(match p {
                    "PM" | "pm" => true,
                    "AM" | "am" => false,
                    _ => return Err(bad(elem, v)),
                });
                v = &v[2..];
            }
            Tok::TZ => {
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                if n < 3 {
                    return Err(bad(elem, v));
                }
                v = &v[n..];
            }
            Tok::Offset {
                z,
                colon,
                secs,
                hours_only,
            } => {
                if z && v.starts_with('Z') {
                    offset = Some(0);
                    v = &v[1..];
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad(elem, v)),
                };
                v = &v[1..];
                let (h, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                v = &v[n..];
                let mut off = h * 3600;
                if !hours_only {
                    if colon {
                        v = v.strip_prefix(':').ok_or_else(|| bad(elem, v))?;
                    }
                    let (m, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                    v = &v[n..];
                    off += m * 60;
                    if secs {
                        if colon {
                            v = v.strip_prefix(':').ok_or_else(|| bad(elem, v))?;
                        }
                        let (s, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                        v = &v[n..];
                        off += s;
                    }
                }
                offset = Some(sign * off as i32);
            }
            Tok::Frac { digits, trim, sep } => {
                let Some(f) = v.strip_prefix(sep) else {
                    if trim {
                        continue;
                    }
                    return Err(bad(elem, v));
                };
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                if !trim && n != digits {
                    return Err(bad(elem, v));
                }
                nsec = frac_nanos(&f[..n]);
                v = &f[n..];
            }
        }
    }
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("parsing time \"{value}\": day out of range"));
    }
    if hour > 23 || min > 59 || sec > 59 {
        return Err(format!("parsing time \"{value}\": hour out of range"));
    }
    let off = offset.unwrap_or(0);
    let unix = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(min) * 60
        + i64::from(sec)
        - i64::from(off);
    let zone = if offset.is_some_and(|o| o != 0) {
        String::new()
    } else {
        "UTC".to_string()
    };
    Ok(Time {
        unix,
        nsec,
        offset: off,
        zone,
    })
}

fn frac_nanos(digits: &str) -> u32 {
    let mut s: String = digits.chars().take(9).collect();
    while s.len() < 9 {
        s.push('0');
    }
    s.parse().unwrap_or(0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Expected values from helm v4.1.4 (sprig's toDate/date/duration).
    #[test]
    fn format_like_go() {
        let t = parse("2006-01-02", "2017-12-31").unwrap();
        assert_eq!(t.go_string(), "2017-12-31 00:00:00 +0000 UTC");
        assert_eq!(
            t.format("Mon Jan _2 3:04:05PM 2006 MST -07:00 Z07:00 .000 .999 __2 002"),
            "Sun Dec 31 12:00:00AM 2017 UTC +00:00 Z .000  365 365"
        );
        assert_eq!(t.unix, 1_514_678_400);
        assert_eq!(Time::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            t.add(parse_duration("1.5h").unwrap()).go_string(),
            "2017-12-31 01:30:00 +0000 UTC"
        );
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(duration_string(95_000_000_000), "1m35s");
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(1_500_000_000), "1.5s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(-3_723_000_000_000), "-1h2m3s");
        assert_eq!(parse_duration("2h10m").unwrap(), 7_800_000_000_000);
        assert!(parse_duration("x").is_err());
    }
}
