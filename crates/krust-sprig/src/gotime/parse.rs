//! A subset of Go's `time.ParseInLocation` over the same layout elements
//! `Time.Format` knows.

use super::{days_from_civil, next_chunk, Time, Tok, DAYS, MONTHS};

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
                    v.get(..m.len()).is_some_and(|x| x.eq_ignore_ascii_case(m))
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
                    v.get(..d.len()).is_some_and(|x| x.eq_ignore_ascii_case(d))
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
