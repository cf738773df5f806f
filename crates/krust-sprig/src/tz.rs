//! Zone lookup for `dateInZone`/`htmlDateInZone`, as Go's
//! `time.LoadLocation` does it: `""`/`UTC` are UTC, `Local` is UTC (krust's
//! render environment), other names are read from the system's TZif files.
//!
//! Limitation: only the transition table is used; for instants past the
//! last transition (after 2037 in the usual "fat" files) the last zone type
//! applies instead of the footer's POSIX rule.

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
    let chars = r.take(charcnt)?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn utc_names() {
        assert_eq!(super::lookup("UTC", 0), Some((0, "UTC".into())));
        assert_eq!(super::lookup("Local", 0), Some((0, "UTC".into())));
        assert_eq!(super::lookup("../etc/passwd", 0), None);
    }
}
