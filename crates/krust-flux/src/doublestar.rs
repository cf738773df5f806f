//! `doublestar.Match` (github.com/bmatcuk/doublestar/v4 `match.go`, separator `/`), the
//! matcher source-watcher uses for copy `exclude` patterns: `*` within a segment, `/**/`
//! for zero or more directories, `?`, `[class]` (`^`/`!` negate, ranges, `\` escapes) and
//! `{alt,...}` alternatives, nested.
//!
//! A port of the backtracking matcher, byte offsets and all, so that its corner cases
//! (a mid-segment `**` acting as `*`, a trailing `/**` matching the directory itself) are
//! the library's.

/// A malformed pattern (doublestar's `ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

const SEP: char = '/';

fn decode(s: &str, i: usize) -> (char, usize) {
    match s.get(i..).and_then(|t| t.chars().next()) {
        Some(c) => (c, c.len_utf8()),
        // Go's DecodeRuneInString on an empty or split string: RuneError, width 0/1.
        None => ('\u{fffd}', 1),
    }
}

fn byte(s: &str, i: usize) -> u8 {
    s.as_bytes().get(i).copied().unwrap_or(0)
}

/// `doublestar.Match`: whether `name` matches `pattern`; `Err` for a bad pattern.
pub(crate) fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    do_match(pattern, name, true, -1, -1, -1, -1, 0, 0)
}

/// `doublestar.MatchUnvalidated`: a bad pattern simply does not match.
pub(crate) fn matches_unvalidated(pattern: &str, name: &str) -> bool {
    do_match(pattern, name, false, -1, -1, -1, -1, 0, 0).unwrap_or(false)
}

/// `doublestar.ValidatePattern`.
pub(crate) fn valid(s: &str) -> bool {
    let b = s.as_bytes();
    let l = b.len();
    let mut alt_depth = 0usize;
    let mut i = 0usize;
    'outer: while i < l {
        match b.get(i) {
            Some(b'\\') => {
                i += 1;
                if i >= l {
                    return false;
                }
            }
            Some(b'[') => {
                i += 1;
                if i >= l {
                    return false;
                }
                if matches!(b.get(i), Some(b'^' | b'!')) {
                    i += 1;
                }
                if i >= l || b.get(i) == Some(&b']') {
                    return false;
                }
                while i < l {
                    match b.get(i) {
                        Some(b'\\') => i += 1,
                        Some(b']') => {
                            i += 1;
                            continue 'outer;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                return false;
            }
            Some(b'{') => alt_depth += 1,
            Some(b'}') => {
                if alt_depth == 0 {
                    return false;
                }
                alt_depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    alt_depth == 0
}

fn index_unescaped_byte(s: &str, c: u8) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b.get(i) == Some(&b'\\') {
            i += 1;
        } else if b.get(i) == Some(&c) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn index_matched_closing_alt(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut alts = 1usize;
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'\\') => i += 1,
            Some(b'{') => alts += 1,
            Some(b'}') => {
                alts -= 1;
                if alts == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn index_next_alt(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut alts = 1isize;
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'\\') => i += 1,
            Some(b'{') => alts += 1,
            Some(b'}') => alts -= 1,
            Some(b',') if alts == 1 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn cat(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

#[allow(clippy::too_many_arguments)]
fn do_match(
    pattern: &str,
    name: &str,
    validate: bool,
    mut ds_pat: isize,
    mut ds_name: isize,
    mut star_pat: isize,
    mut star_name: isize,
    mut pi: usize,
    mut ni: usize,
) -> Result<bool, BadPattern> {
    let pl = pattern.len();
    let nl = name.len();
    let mut start_of_segment = true;
    'matching: while ni < nl {
        'step: {
            if pi >= pl {
                break 'step;
            }
            match byte(pattern, pi) {
                b'*' => {
                    pi += 1;
                    if pi < pl && byte(pattern, pi) == b'*' {
                        pi += 1;
                        if start_of_segment {
                            if pi >= pl {
                                return Ok(true);
                            }
                            let (r, w) = decode(pattern, pi);
                            if r == SEP {
                                pi += w;
                                ds_pat = pi as isize;
                                ds_name = ni as isize;
                                star_pat = -1;
                                star_name = -1;
                                continue 'matching;
                            }
                        }
                    }
                    start_of_segment = false;
                    star_pat = pi as isize;
                    star_name = ni as isize;
                    continue 'matching;
                }
                b'?' => {
                    start_of_segment = false;
                    let (r, w) = decode(name, ni);
                    if r == SEP {
                        break 'step;
                    }
                    pi += 1;
                    ni += w;
                    continue 'matching;
                }
                b'[' => {
                    start_of_segment = false;
                    pi += 1;
                    if pi >= pl {
                        return Err(BadPattern);
                    }
                    let (nr, nw) = decode(name, ni);
                    let mut matched = false;
                    let negate = matches!(byte(pattern, pi), b'!' | b'^');
                    if negate {
                        pi += 1;
                    }
                    if pi >= pl || byte(pattern, pi) == b']' {
                        return Err(BadPattern);
                    }
                    let mut last = char::MAX;
                    let mut have_last = false;
                    while pi < pl && byte(pattern, pi) != b']' {
                        let (mut pr, mut pw) = decode(pattern, pi);
                        pi += pw;
                        if have_last && pr == '-' && pi < pl && byte(pattern, pi) != b']' {
                            if byte(pattern, pi) == b'\\' {
                                pi += 1;
                            }
                            (pr, pw) = decode(pattern, pi);
                            pi += pw;
                            if last <= nr && nr <= pr {
                                matched = true;
                                break;
                            }
                            have_last = false;
                            last = char::MAX;
                            continue;
                        }
                        if pr == '\\' {
                            (pr, pw) = decode(pattern, pi);
                            pi += pw;
                        }
                        if pr == nr {
                            matched = true;
                            break;
                        }
                        last = pr;
                        have_last = true;
                    }
                    let _ = last;
                    if matched == negate {
                        if pi >= pl {
                            return Err(BadPattern);
                        }
                        break 'step;
                    }
                    let Some(close) = pattern
                        .get(pi..)
                        .and_then(|s| index_unescaped_byte(s, b']'))
                    else {
                        return Err(BadPattern);
                    };
                    pi += close + 1;
                    ni += nw;
                    continue 'matching;
                }
                b'{' => {
                    let before = pi;
                    pi += 1;
                    let Some(close) = pattern.get(pi..).and_then(index_matched_closing_alt) else {
                        return Err(BadPattern);
                    };
                    let close = close + pi;
                    let head = pattern.get(..before).unwrap_or("");
                    let tail = pattern.get(close + 1..).unwrap_or("");
                    while let Some(comma) = pattern.get(pi..close).and_then(index_next_alt) {
                        let comma = comma + pi;
                        let p = cat(head, pattern.get(pi..comma).unwrap_or(""), tail);
                        let r = do_match(
                            &p, name, validate, ds_pat, ds_name, star_pat, star_name, before, ni,
                        )?;
                        if r {
                            return Ok(true);
                        }
                        pi = comma + 1;
                    }
                    let p = cat(head, pattern.get(pi..close).unwrap_or(""), tail);
                    return do_match(
                        &p, name, validate, ds_pat, ds_name, star_pat, star_name, before, ni,
                    );
                }
                c => {
                    if c == b'\\' {
                        pi += 1;
                        if pi >= pl {
                            return Err(BadPattern);
                        }
                    }
                    let (pr, pw) = decode(pattern, pi);
                    let (nr, nw) = decode(name, ni);
                    if pr != nr {
                        if pi > 0 && byte(pattern, pi - 1) == b'\\' {
                            pi -= 1;
                        }
                        break 'step;
                    }
                    pi += pw;
                    ni += nw;
                    start_of_segment = pr == SEP;
                    continue 'matching;
                }
            }
        }
        // No match at this position: backtrack to the last `*`, then to the last `**/`.
        if star_pat >= 0 {
            let (r, w) = decode(name, star_name as usize);
            if r != SEP {
                star_name += w as isize;
                pi = star_pat as usize;
                ni = star_name as usize;
                start_of_segment = false;
                continue 'matching;
            }
        }
        if ds_pat >= 0 {
            ni = ds_name as usize;
            while ni < nl {
                let (r, w) = decode(name, ni);
                ni += w;
                if r == SEP {
                    ds_name = ni as isize;
                    pi = ds_pat as usize;
                    start_of_segment = true;
                    continue 'matching;
                }
            }
        }
        if validate && pi < pl && !valid(pattern.get(pi..).unwrap_or("")) {
            return Err(BadPattern);
        }
        return Ok(false);
    }
    zero_length(pattern.get(pi..).unwrap_or(""), validate)
}

fn zero_length(p: &str, validate: bool) -> Result<bool, BadPattern> {
    match p {
        "" | "*" | "**" | "/**" | "**/" | "/**/" => return Ok(true),
        _ => {}
    }
    if p.starts_with('{') {
        let Some(close) = p.get(1..).and_then(index_matched_closing_alt) else {
            return Err(BadPattern);
        };
        let close = close + 1;
        let tail = p.get(close + 1..).unwrap_or("");
        let mut pi = 1;
        while let Some(comma) = p.get(pi..close).and_then(index_next_alt) {
            let comma = comma + pi;
            let alt = cat(p.get(pi..comma).unwrap_or(""), tail, "");
            if zero_length(&alt, validate)? {
                return Ok(true);
            }
            pi = comma + 1;
        }
        return zero_length(&cat(p.get(pi..close).unwrap_or(""), tail, ""), validate);
    }
    if validate && !valid(p) {
        return Err(BadPattern);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of doublestar v4 `doublestar_test.go` `matchTests` (pattern, path,
    /// shouldMatch, expectedErr), separator `/`.
    #[test]
    fn doublestar_match_table() {
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("", "", Ok(true)),
            ("*", "", Ok(true)),
            ("*", "/", Ok(false)),
            ("/*", "/", Ok(true)),
            ("/*", "/debug/", Ok(false)),
            ("/*", "//", Ok(false)),
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("*/", "a/", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*/c/", "a/b", Ok(false)),
            ("a*b*c*d*e*", "axbxcxdxe", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a[!a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", Err(BadPattern)),
            ("[-]", "-", Ok(true)),
            ("[x-]", "x", Ok(true)),
            ("[x-]", "-", Ok(true)),
            ("[x-]", "z", Ok(false)),
            ("[-x]", "x", Ok(true)),
            ("[-x]", "-", Ok(true)),
            ("[-x]", "a", Ok(false)),
            ("[a-b-d]", "a", Ok(true)),
            ("[a-b-d]", "b", Ok(true)),
            ("[a-b-d]", "-", Ok(true)),
            ("[a-b-d]", "c", Ok(false)),
            ("[a-b-x]", "x", Ok(true)),
            ("[", "a", Err(BadPattern)),
            ("[^", "a", Err(BadPattern)),
            ("[^bc", "a", Err(BadPattern)),
            ("a[", "a", Err(BadPattern)),
            ("a[", "ab", Err(BadPattern)),
            ("ad[", "ab", Err(BadPattern)),
            ("*x", "xxx", Ok(true)),
            ("[abc]", "b", Ok(true)),
            ("[abc123]", "1", Ok(true)),
            ("[a-z0-9]", "1", Ok(true)),
            ("**", "", Ok(true)),
            ("a/**", "a", Ok(true)),
            ("a/**/", "a", Ok(true)),
            ("a/**", "a/", Ok(true)),
            ("a/**/", "a/", Ok(true)),
            ("a/**", "a/b", Ok(true)),
            ("a/**", "a/b/c", Ok(true)),
            ("**/c", "c", Ok(true)),
            ("**/c", "b/c", Ok(true)),
            ("**/c", "a/b/c", Ok(true)),
            ("**/c", "a/b", Ok(false)),
            ("**/c", "abcd", Ok(false)),
            ("**/c", "a/abc", Ok(false)),
            ("a/**/b", "a/b", Ok(true)),
            ("a/**/c", "a/b/c", Ok(true)),
            ("a/**/d", "a/b/c/d", Ok(true)),
            ("a/\\**", "a/b/c", Ok(false)),
            ("a/\\[*\\]", "a/bc", Ok(false)),
            ("a/b/c", "a/b//c", Ok(false)),
            ("a/", "a", Ok(false)),
            ("ab{c,d}", "abc", Ok(true)),
            ("ab{c,d,*}", "abcde", Ok(true)),
            ("ab{c,d}[", "abcd", Err(BadPattern)),
            ("a{,bc}", "a", Ok(true)),
            ("a{,bc}", "abc", Ok(true)),
            ("a/{b/c,c/b}", "a/b/c", Ok(true)),
            ("a/{b/c,c/b}", "a/c/b", Ok(true)),
            ("a/a*{b,c}", "a/abc", Ok(true)),
            ("{a/{b,c},abc}", "a/b", Ok(true)),
            ("{a/{b,c},abc}", "a/c", Ok(true)),
            ("{a/{b,c},abc}", "abc", Ok(true)),
            ("{a/{b,c},abc}", "a/b/c", Ok(false)),
            ("{a/ab*}", "a/abc", Ok(true)),
            ("{a/*}", "a/b", Ok(true)),
            ("{a/abc}", "a/abc", Ok(true)),
            ("{a/b,a/c}", "a/c", Ok(true)),
            ("abc/**", "abc/b", Ok(true)),
            ("**/abc", "abc", Ok(true)),
            ("abc**", "abc/b", Ok(false)),
            ("**/*.txt", "abc/【test】.txt", Ok(true)),
            ("**/【*", "abc/【test】.txt", Ok(true)),
            ("**/{a,b}", "a/b", Ok(true)),
            ("a/*/*/d", "a/b/c/d", Ok(true)),
            ("broken-symlink", "broken-symlink", Ok(true)),
            ("broken-symlink/*", "a", Ok(false)),
            ("broken*/*", "a", Ok(false)),
            ("working-symlink/c/*", "working-symlink/c/d", Ok(true)),
            ("working-sym*/*", "working-symlink/c", Ok(true)),
            ("b/**/f", "b/symlink-dir/f", Ok(true)),
            ("*/symlink-dir/*", "b/symlink-dir/f", Ok(true)),
            ("e/\\[x\\]/*", "e/[x]/[y]", Ok(true)),
            ("e/\\[x\\]/*/z", "e/[x]/[y]/z", Ok(true)),
            ("e/**", "e/**", Ok(true)),
            ("e/**", "e/*", Ok(true)),
            ("e/**", "e/?", Ok(true)),
            ("e/**", "e/[", Ok(true)),
            ("e/**", "e/]", Ok(true)),
            ("e/**", "e/[]", Ok(true)),
            ("e/**", "e/{", Ok(true)),
            ("e/**", "e/}", Ok(true)),
            ("e/*", "e/*", Ok(true)),
            ("e/?", "e/?", Ok(true)),
            ("e/?", "e/*", Ok(true)),
            ("e/?", "e/[", Ok(true)),
            ("e/?", "e/]", Ok(true)),
            ("e/?", "e/{", Ok(true)),
            ("e/?", "e/}", Ok(true)),
            ("e/\\[", "e/[", Ok(true)),
            ("e/[", "e/[", Err(BadPattern)),
            ("e/]", "e/]", Ok(true)),
            ("e/\\]", "e/]", Ok(true)),
            ("e/\\{", "e/{", Ok(true)),
            ("e/\\}", "e/}", Ok(true)),
            ("e/[\\*\\?]", "e/*", Ok(true)),
            ("e/[\\*\\?]", "e/?", Ok(true)),
            ("e/[\\*\\?]", "e/**", Ok(false)),
            ("e/[\\*\\?]?", "e/**", Ok(true)),
            ("e/{\\*,\\?}", "e/*", Ok(true)),
            ("e/{\\*,\\?}", "e/?", Ok(true)),
            ("e/\\*", "e/*", Ok(true)),
            ("e/\\?", "e/?", Ok(true)),
            ("e/\\?", "e/**", Ok(false)),
            ("*\\}", "}", Ok(true)),
            ("case-sensitive/fi*", "case-sensitive/file", Ok(true)),
            ("case-sensitive/FI*", "case-sensitive/FILE", Ok(true)),
            ("case-sensitive/Fi*", "case-sensitive/File", Ok(true)),
            ("nonexistent-path", "a", Ok(false)),
            ("nonexistent-path/", "a", Ok(false)),
            ("nonexistent-path/file", "a", Ok(false)),
            ("nonexistent-path/*", "a", Ok(false)),
            ("nonexistent-path/**", "a", Ok(false)),
            ("nopermission/*", "nopermission/file", Ok(true)),
            ("nopermission/dir/", "nopermission/dir", Ok(false)),
            ("nopermission/file", "nopermission/file", Ok(true)),
            ("\\", "a", Err(BadPattern)),
            ("e/**", "e/\\", Ok(true)),
        ];
        for (p, n, want) in cases {
            assert_eq!(matches(p, n), *want, "Match({p:?}, {n:?})");
        }
    }
}
