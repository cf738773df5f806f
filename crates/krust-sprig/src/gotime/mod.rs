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

mod duration;
mod parse;

pub use duration::{duration_string, parse_duration};
pub use parse::parse;

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
        let local = self.unix.saturating_add(i64::from(self.offset));
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

pub(super) const MONTHS: [&str; 12] = [
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
pub(super) const DAYS: [&str; 7] = [
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
pub(super) enum Tok {
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
pub(super) fn next_chunk(layout: &str) -> (&str, Option<Tok>, &str) {
    let b = layout.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &layout[i..];
        let hit = |s: &str, t: Tok| -> Option<(usize, Tok)> {
            rest.starts_with(s).then_some((s.len(), t))
        };
        let found: Option<(usize, Tok)> = match b[i] {
            // "Jan"/"Mon" followed by a lower-case letter ("Janet", "Month")
            // are literal text in Go.
            b'J' => hit("January", Tok::LongMonth).or_else(|| {
                hit("Jan", Tok::Month)
                    .filter(|_| !rest[3..].starts_with(|c: char| c.is_ascii_lowercase()))
            }),
            b'M' => hit("Monday", Tok::LongWeekday)
                .or_else(|| {
                    hit("Mon", Tok::Weekday)
                        .filter(|_| !rest[3..].starts_with(|c: char| c.is_ascii_lowercase()))
                })
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
