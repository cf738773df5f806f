//! Go's `path.Match` (fluxcd/pkg `envsubst/path/match.go` is a copy of it), used by the
//! `#`/`%` trim functions.

/// A malformed pattern (Go `ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// Whether `name` matches the shell pattern `pattern` as a whole.
pub(crate) fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // Trailing * matches the rest unless it has a '/'.
            return Ok(!name.contains('/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            // Look for a match skipping i+1 bytes; cannot skip '/'.
            let mut i = 0;
            while i < name.len() && name.as_bytes().get(i) != Some(&b'/') {
                let Some(rest_name) = name.get(i + 1..) else {
                    i += 1;
                    continue;
                };
                let (t, ok) = match_chunk(chunk, rest_name)?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // Before returning false with no error, check the rest of the pattern is valid.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, "")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &str) -> (bool, &str, &str) {
    let mut star = false;
    while let Some(rest) = pattern.strip_prefix('*') {
        pattern = rest;
        star = true;
    }
    let bytes = pattern.as_bytes();
    let mut inrange = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 < bytes.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    // `i` is at a '*' or at the end: always a character boundary.
    let (chunk, rest) = pattern.split_at_checked(i).unwrap_or((pattern, ""));
    (star, chunk, rest)
}

fn first_char(s: &str) -> Option<(char, &str)> {
    let c = s.chars().next()?;
    Some((c, &s[c.len_utf8()..]))
}

/// Matches `chunk` against the start of `s`; returns the rest and whether it matched.
fn match_chunk<'a>(chunk: &str, s: &'a str) -> Result<(&'a str, bool), BadPattern> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        let Some((c0, crest)) = first_char(chunk) else {
            break;
        };
        match c0 {
            '[' => {
                let mut r = '\0';
                if !failed {
                    if let Some((c, rest)) = first_char(s) {
                        r = c;
                        s = rest;
                    }
                }
                chunk = crest;
                let negated = if let Some(rest) = chunk.strip_prefix('^') {
                    chunk = rest;
                    true
                } else {
                    false
                };
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if !chunk.is_empty() && chunk.starts_with(']') && nrange > 0 {
                        chunk = chunk.get(1..).unwrap_or("");
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if let Some(rest) = chunk.strip_prefix('-') {
                        let (h, rest) = get_esc(rest)?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    match first_char(s) {
                        Some(('/', _)) | None => failed = true,
                        Some((_, rest)) => s = rest,
                    }
                }
                chunk = crest;
            }
            '\\' => {
                chunk = crest;
                if chunk.is_empty() {
                    return Err(BadPattern);
                }
                let Some((c, rest)) = first_char(chunk) else {
                    return Err(BadPattern);
                };
                if !failed {
                    match first_char(s) {
                        Some((sc, srest)) if sc == c => s = srest,
                        _ => failed = true,
                    }
                }
                chunk = rest;
            }
            c => {
                if !failed {
                    match first_char(s) {
                        Some((sc, srest)) if sc == c => s = srest,
                        _ => failed = true,
                    }
                }
                chunk = crest;
            }
        }
    }
    if failed {
        return Ok(("", false));
    }
    Ok((s, true))
}

fn get_esc(chunk: &str) -> Result<(char, &str), BadPattern> {
    if chunk.is_empty() || chunk.starts_with('-') || chunk.starts_with(']') {
        return Err(BadPattern);
    }
    let mut chunk = chunk;
    if let Some(rest) = chunk.strip_prefix('\\') {
        chunk = rest;
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (r, rest) = first_char(chunk).ok_or(BadPattern)?;
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn go_path_match_cases() {
        // From Go's path/match_test.go.
        let cases: &[(&str, &str, Result<bool, ()>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("[\\]a]", "]", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[", "a", Err(())),
            ("[^", "a", Err(())),
            ("a[", "a", Err(())),
            ("*x", "xxx", Ok(true)),
            ("[]a]", "]", Err(())),
            ("[-]", "-", Err(())),
        ];
        for (p, n, want) in cases {
            let got = matches(p, n).map_err(|_| ());
            assert_eq!(&got, want, "Match({p:?}, {n:?})");
        }
    }
}
