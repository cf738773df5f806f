//! Zone lookup for `dateInZone`/`htmlDateInZone`, as Go's
//! `time.LoadLocation` does it: `""`/`UTC` are UTC, `Local` is UTC (krust's
//! render environment), other names are read from the system's TZif files.
//!
//! Past the last transition (2037 in "fat" files) the footer's POSIX TZ
//! rule applies, as in Go's `time` package (`Mm.w.d` rules and fixed zones;
//! `Jn`/`n` day rules too).

const DIRS: [&str; 4] = [
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
    "/etc/zoneinfo/",
];

/// The offset (seconds east) and abbreviation of `zone` at `unix`, or
/// `None` when Go's `LoadLocation` would fail.
pub fn lookup(zone: &str, unix: i64) -> Option<(i32, String)> {
    if zone.is_empty() || zone == "UTC" || zone == "Local" {
        return Some((0, "UTC".into()));
    }
    if zone.contains("..") || zone.starts_with('/') || zone.contains('\\') {
        return None;
    }
    let data = DIRS
        .iter()
        .find_map(|d| std::fs::read(format!("{d}{zone}")).ok())?;
    parse_at(&data, unix)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn be32(&mut self) -> Option<u32> {
        let s = self.take(4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
}

fn parse_at(data: &[u8], unix: i64) -> Option<(i32, String)> {
    let mut r = Reader { b: data, pos: 0 };
    let header = |r: &mut Reader| -> Option<(u8, [usize; 6])> {
        if r.take(4)? != b"TZif" {
            return None;
        }
        let version = *r.take(1)?.first()?;
        r.take(15)?;
        let mut n = [0usize; 6];
        for v in &mut n {
            *v = r.be32()? as usize;
        }
        Some((version, n))
    };
    let (version, mut n) = header(&mut r)?;
    let mut wide = false;
    if version >= b'2' {
        // Skip the 32-bit block; the 64-bit one follows with its own header.
        let [isut, isstd, leap, time, typ, chars] = n;
        r.take(time * 5 + typ * 6 + chars + leap * 8 + isstd + isut)?;
        n = header(&mut r)?.1;
        wide = true;
    }
    let [_, _, _, timecnt, typecnt, charcnt] = n;
    let mut times = Vec::with_capacity(timecnt);
    for _ in 0..timecnt {
        let t = if wide {
            let s = r.take(8)?;
            i64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
        } else {
            i64::from(r.be32()? as i32)
        };
        times.push(t);
    }
    let idx = r.take(timecnt)?.to_vec();
    let mut types = Vec::with_capacity(typecnt);
    for _ in 0..typecnt {
        let s = r.take(6)?;
        let off = i32::from_be_bytes([s[0], s[1], s[2], s[3]]);
        types.push((off, s[5] as usize));
    }
    let chars = r.take(charcnt)?.to_vec();
    if wide && times.last().is_none_or(|&t| unix >= t) {
        // v2+: skip the leap/std/ut tables to reach the footer.
        let [isut, isstd, leap, _, _, _] = n;
        if r.take(leap * 12 + isstd + isut).is_some() {
            let rest = &data[r.pos..];
            let footer = String::from_utf8_lossy(rest);
            let rule = footer.trim_matches('\n');
            if !rule.is_empty() {
                if let Some(z) = posix_zone(rule, unix) {
                    return Some(z);
                }
            }
        }
    }
    let ty = match times.iter().rposition(|&t| t <= unix) {
        Some(i) => *idx.get(i)? as usize,
        // Before the first transition: the first standard-time type, as Go.
        None => 0,
    };
    let (off, ai) = *types.get(ty)?;
    let abbr = chars.get(ai..)?;
    let end = abbr.iter().position(|&c| c == 0).unwrap_or(abbr.len());
    Some((off, String::from_utf8_lossy(&abbr[..end]).into_owned()))
}

/// A zone name: `<...>` quoted or letters.
fn zone_name(s: &str) -> Option<(&str, &str)> {
    if let Some(r) = s.strip_prefix('<') {
        let end = r.find('>')?;
        return Some((&r[..end], &r[end + 1..]));
    }
    let n = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    (n >= 3).then(|| (&s[..n], &s[n..]))
}

/// `[+-]hh[:mm[:ss]]` as seconds.
fn posix_offset(s: &str) -> Option<(i64, &str)> {
    let (sign, s) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let mut total = 0i64;
    let mut rest = s;
    for (i, mult) in [3600i64, 60, 1].iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix(':') {
                Some(r) => rest = r,
                None => break,
            }
        }
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        total += rest[..n].parse::<i64>().ok()? * mult;
        rest = &rest[n..];
    }
    Some((sign * total, rest))
}

/// Seconds into the (local, standard-time) year at which a rule
/// (`Mm.w.d`, `Jn`, `n`, each with an optional `/time`) fires in `year`.
fn rule_time(rule: &str, year: i64) -> Option<i64> {
    let (date, time) = match rule.split_once('/') {
        Some((d, t)) => (d, posix_offset(t)?.0),
        None => (rule, 7200),
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let day = if let Some(m) = date.strip_prefix('M') {
        let mut it = m.split('.');
        let month: u32 = it.next()?.parse().ok()?;
        let week: i64 = it.next()?.parse().ok()?;
        let wday: i64 = it.next()?.parse().ok()?;
        let first = crate::gotime::days_from_civil(year, month, 1);
        let first_wday = (first + 4).rem_euclid(7);
        let mut d = (wday - first_wday).rem_euclid(7);
        let dim = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        for _ in 1..week {
            if d + 7 >= dim {
                break;
            }
            d += 7;
        }
        first + d - crate::gotime::days_from_civil(year, 1, 1)
    } else if let Some(j) = date.strip_prefix('J') {
        let n: i64 = j.parse().ok()?;
        // Jn counts 1..365 and never Feb 29.
        if leap && n >= 60 {
            n
        } else {
            n - 1
        }
    } else {
        date.parse().ok()?
    };
    Some(day * 86_400 + time)
}

/// The zone a POSIX TZ rule (`EST5EDT,M3.2.0,M11.1.0`) gives at `unix`.
fn posix_zone(rule: &str, unix: i64) -> Option<(i32, String)> {
    let (std_name, rest) = zone_name(rule)?;
    let (std_off, rest) = posix_offset(rest)?;
    let std = (-std_off as i32, std_name.to_string());
    if rest.is_empty() {
        return Some(std);
    }
    let (dst_name, rest) = zone_name(rest)?;
    let (dst_off, rest) = match posix_offset(rest) {
        Some((o, r)) if !rest.starts_with(',') => (o, r),
        _ => (std_off - 3600, rest),
    };
    let dst = (-dst_off as i32, dst_name.to_string());
    let (start, end) = rest.strip_prefix(',')?.split_once(',')?;
    let local_std = unix - std_off;
    let year = {
        let days = local_std.div_euclid(86_400);
        let mut y = 1970 + days / 365;
        while crate::gotime::days_from_civil(y, 1, 1) > days {
            y -= 1;
        }
        while crate::gotime::days_from_civil(y + 1, 1, 1) <= days {
            y += 1;
        }
        y
    };
    let year_start = crate::gotime::days_from_civil(year, 1, 1) * 86_400;
    // Start is given in standard time, end in daylight time.
    let s = year_start + rule_time(start, year)? + std_off;
    let e = year_start + rule_time(end, year)? + dst_off;
    let in_dst = if s < e {
        unix >= s && unix < e
    } else {
        !(unix >= e && unix < s)
    };
    Some(if in_dst { dst } else { std })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn utc_names() {
        assert_eq!(super::lookup("UTC", 0), Some((0, "UTC".into())));
        assert_eq!(super::lookup("Local", 0), Some((0, "UTC".into())));
        assert_eq!(super::lookup("../etc/passwd", 0), None);
        // Footer rules (helm v4.1.4: 2100-07-06 12:00 EDT, 2099-12-31 19:00 EST).
        assert_eq!(
            super::posix_zone("EST5EDT,M3.2.0,M11.1.0", 4_118_572_800),
            Some((-4 * 3600, "EDT".into()))
        );
        assert_eq!(
            super::posix_zone("EST5EDT,M3.2.0,M11.1.0", 4_102_444_800),
            Some((-5 * 3600, "EST".into()))
        );
        assert_eq!(
            super::posix_zone("CET-1CEST,M3.5.0,M10.5.0/3", 4_118_572_800),
            Some((7200, "CEST".into()))
        );
        assert_eq!(
            super::posix_zone("<+0530>-5:30", 0),
            Some((19_800, "+0530".into()))
        );
    }
}
