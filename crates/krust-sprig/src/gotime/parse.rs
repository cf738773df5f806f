//! A subset of Go's `time.ParseInLocation` over the same layout elements
//! `Time.Format` knows.

use super::{days_from_civil, next_chunk, Time, Tok, DAYS, MONTHS};

/// A subset of `time.ParseInLocation(layout, value, UTC)`: the numeric,
/// name, AM/PM, offset and fraction elements. Errors are Go's shape.
pub fn parse(layout: &str, value: &str) -> Result<Time, String> {
    let bad = |elem: &str, v: &str| {
        format!("parsing time \"{value}\" as \"{layout}\": cannot parse \"{v}\" as \"{elem}\"")
    };
    // Go's defaults: year 0; month, day and day-of-year unset.
    let (mut year, mut hour, mut min, mut sec) = (0i64, 0u32, 0u32, 0u32);
    let (mut month, mut day, mut yday): (Option<u32>, Option<u32>, Option<u32>) =
        (None, None, None);
    let mut zone_name: Option<String> = None;
    let mut z_utc = false;
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
                month = Some(i as u32 + 1);
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
                month = Some(m);
                v = &v[n..];
            }
            Tok::Day | Tok::UnderDay | Tok::ZeroDay => {
                if tok == Tok::UnderDay {
                    v = v.strip_prefix(' ').unwrap_or(v);
                }
                let (d, n) = num(v, if tok == Tok::ZeroDay { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                day = Some(d);
                v = &v[n..];
            }
            Tok::UnderYearDay | Tok::ZeroYearDay => {
                let zero = tok == Tok::ZeroYearDay;
                if !zero {
                    // `__2` pads to three columns with spaces.
                    for _ in 0..2 {
                        v = v.strip_prefix(' ').unwrap_or(v);
                    }
                }
                let (d, n) = num(v, if zero { 3 } else { 1 }, 3).ok_or_else(|| bad(elem, v))?;
                yday = Some(d);
                v = &v[n..];
            }
            Tok::Hour => {
                let (h, n) = num(v, 2, 2).ok_or_else(|| bad(elem, v))?;
                hour = h;
                v = &v[n..];
            }
            Tok::Hour12 | Tok::ZeroHour12 => {
                let (h, n) = num(v, if tok == Tok::ZeroHour12 { 2 } else { 1 }, 2)
                    .ok_or_else(|| bad(elem, v))?;
                if h > 12 {
                    return Err(format!("parsing time \"{value}\": hour out of range"));
                }
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
                // (unless the layout's next element is a fraction itself).
                if let Some(f) = v
                    .strip_prefix(['.', ','])
                    .filter(|f| f.starts_with(|c: char| c.is_ascii_digit()))
                {
                    if !matches!(next_chunk(l).1, Some(Tok::Frac { .. })) {
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
                if let Some(r) = v.strip_prefix("UTC") {
                    z_utc = true;
                    v = r;
                    continue;
                }
                let n = zone_len(v).ok_or_else(|| bad(elem, v))?;
                zone_name = Some(v[..n].to_string());
                v = &v[n..];
            }
            Tok::Offset {
                z,
                colon,
                secs,
                hours_only,
            } => {
                if z && v.starts_with('Z') {
                    z_utc = true;
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
            Tok::Frac { digits, trim, .. } => {
                // Either separator is accepted; `.000` takes exactly its
                // digits, `.999` any run of digits (or nothing at all).
                let f = v.strip_prefix(['.', ',']);
                let n = f.map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
                match f {
                    Some(f) if trim && n > 0 => {
                        nsec = frac_nanos(&f[..n]);
                        v = &f[n..];
                    }
                    _ if trim => {}
                    Some(f) if n >= digits => {
                        nsec = frac_nanos(&f[..digits]);
                        v = &f[digits..];
                    }
                    _ => return Err(bad(elem, v)),
                }
            }
        }
    }
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let (month, day) = match yday {
        Some(mut yd) => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let mut md: Option<(u32, u32)> = None;
            if leap {
                if yd == 60 {
                    md = Some((2, 29));
                } else if yd > 60 {
                    yd -= 1;
                }
            }
            if !(1..=365).contains(&yd) {
                return Err(format!(
                    "parsing time \"{value}\": day-of-year out of range"
                ));
            }
            let (m, d) = md.unwrap_or_else(|| {
                const BEFORE: [u32; 13] =
                    [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
                let mut m = (yd - 1) / 31 + 1;
                if BEFORE[m as usize] < yd {
                    m += 1;
                }
                (m, yd - BEFORE[m as usize - 1])
            });
            if month.is_some_and(|x| x != m) {
                return Err(format!(
                    "parsing time \"{value}\": day-of-year does not match month"
                ));
            }
            if day.is_some_and(|x| x != d) {
                return Err(format!(
                    "parsing time \"{value}\": day-of-year does not match day"
                ));
            }
            (m, d)
        }
        None => (month.unwrap_or(1), day.unwrap_or(1)),
    };
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("parsing time \"{value}\": day out of range"));
    }
    if hour > 23 || min > 59 || sec > 59 {
        return Err(format!("parsing time \"{value}\": hour out of range"));
    }
    let local = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(min) * 60
        + i64::from(sec);
    // Go's zone choice: `Z` is UTC; an offset is UTC when it is 0 and
    // unnamed (or named UTC), else a fixed zone with the parsed name; a
    // name alone is UTC, `GMT±h`, or a fabricated zero-offset zone.
    let (off, zone) = if z_utc {
        (0, "UTC".to_string())
    } else if let Some(o) = offset {
        match &zone_name {
            None if o == 0 => (0, "UTC".to_string()),
            Some(n) if o == 0 && n == "UTC" => (0, "UTC".to_string()),
            n => (o, n.clone().unwrap_or_default()),
        }
    } else if let Some(n) = zone_name {
        if n == "UTC" {
            (0, n)
        } else if let Some(h) = n.strip_prefix("GMT").filter(|h| !h.is_empty()) {
            (h.parse::<i32>().unwrap_or(0) * 3600, n)
        } else {
            (0, n)
        }
    } else {
        (0, "UTC".to_string())
    };
    Ok(Time {
        unix: local - i64::from(off),
        nsec,
        offset: off,
        zone,
    })
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at `v`.
fn zone_len(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if v.starts_with("ChST") || v.starts_with("MeST") {
        return Some(4);
    }
    if v.starts_with("GMT") {
        // GMT with an optional signed hour offset.
        let rest = &b[3..];
        if let Some(&sign @ (b'+' | b'-')) = rest.first() {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 0 && sign != 0 {
                return Some(4 + n);
            }
        }
        return Some(3);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || v.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
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
