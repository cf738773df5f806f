//! Go's `path.Match` (the `.helmignore` rules) and gobwas/glob with `/` as separator
//! (`.Files.Glob`).

/// Go's `path.Match(pattern, name)`: `*` matches any run of non-`/` bytes, `?` one
/// non-`/` character, `[...]` a class (`^` negates, ranges, `\` escapes), `\x` the literal
/// `x`. A malformed pattern matches nothing (Go returns `ErrBadPattern`).
pub fn path_match(pattern: &str, name: &str) -> bool {
    let meta = |s: &str| s.contains(['*', '?', '[', '\\']);
    // Fast paths for the usual `.helmignore` lines: a literal name and `*` + literal.
    if !meta(pattern) {
        return pattern == name;
    }
    if let Some(rest) = pattern.strip_prefix('*') {
        if !meta(rest) {
            return name
                .strip_suffix(rest)
                .is_some_and(|head| !head.contains('/'));
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n, false).unwrap_or(false)
}

/// Whether `pattern` is well formed for [`path_match`].
pub fn path_pattern_ok(pattern: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    match_from(&p, &['a', 'b', 'c'], false).is_some()
}

/// gobwas/glob compiled with separator `/`: like [`path_match`] plus `**` (any run,
/// separators included) and `{a,b}` alternatives. An invalid pattern matches everything
/// (Helm falls back to `**`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n, true).unwrap_or(true)
}

/// Backtracking matcher; `None` for a malformed pattern.
fn match_from(p: &[char], n: &[char], gobwas: bool) -> Option<bool> {
    let (mut pi, mut ni) = (0usize, 0usize);
    while pi < p.len() {
        match p[pi] {
            '*' => {
                let super_star = gobwas && p.get(pi + 1) == Some(&'*');
                let rest = if super_star { pi + 2 } else { pi + 1 };
                let tail = p.get(rest..)?;
                let mut k = ni;
                loop {
                    if match_from(tail, n.get(k..)?, gobwas)? {
                        return Some(true);
                    }
                    if k >= n.len() || (!super_star && n[k] == '/') {
                        // Check the rest of the pattern is well formed before failing.
                        match_from(tail, &[], gobwas)?;
                        return Some(false);
                    }
                    k += 1;
                }
            }
            '{' if gobwas => {
                let close = find_close_brace(p, pi)?;
                let tail = p.get(close + 1..)?;
                for alt in split_alternatives(p.get(pi + 1..close)?) {
                    let mut cand: Vec<char> = alt.to_vec();
                    cand.extend_from_slice(tail);
                    if match_from(&cand, n.get(ni..)?, gobwas)? {
                        return Some(true);
                    }
                }
                return Some(false);
            }
            '?' => {
                match n.get(ni) {
                    Some(c) if *c != '/' => {}
                    _ => return Some(false),
                }
                pi += 1;
                ni += 1;
            }
            '[' => {
                let (matched, next) = class(p, pi, n.get(ni).copied())?;
                if !matched {
                    return Some(false);
                }
                pi = next;
                ni += 1;
            }
            '\\' if !gobwas || p.get(pi + 1).is_some() => {
                let c = *p.get(pi + 1)?;
                if n.get(ni) != Some(&c) {
                    return Some(false);
                }
                pi += 2;
                ni += 1;
            }
            c => {
                if n.get(ni) != Some(&c) {
                    return Some(false);
                }
                pi += 1;
                ni += 1;
            }
        }
    }
    Some(ni == n.len())
}

/// Matches the class starting at `p[start] == '['` against `c`; returns whether it matched
/// and the index after the class.
fn class(p: &[char], start: usize, c: Option<char>) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('^') | Some('!'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|x| *x != ']') {
            i += 1;
            hi = *p.get(i)?;
            if hi == '\\' {
                i += 1;
                hi = *p.get(i)?;
            }
            i += 1;
        }
        if let Some(c) = c {
            if lo <= c && c <= hi {
                matched = true;
            }
        }
    }
    let Some(c) = c else { return Some((false, i)) };
    if c == '/' {
        return Some((false, i));
    }
    Some((matched != negate, i))
}

fn find_close_brace(p: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in p.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn split_alternatives(body: &[char]) -> Vec<&[char]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.iter().enumerate() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&body[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_match() {
        assert!(path_match("*.txt", "a.txt"));
        assert!(!path_match("*.txt", "d/a.txt"));
        assert!(path_match("templates/.?*", "templates/.x"));
        assert!(!path_match("templates/.?*", "templates/."));
        assert!(path_match("[a-c]?", "bz"));
        assert!(!path_match("[^a-c]?", "bz"));
        assert!(!path_pattern_ok("[a-"));
    }

    #[test]
    fn gobwas_glob() {
        assert!(glob_match("crds/*.yaml", "crds/a.yaml"));
        assert!(!glob_match("crds/*.yaml", "crds/x/a.yaml"));
        assert!(glob_match("crds/**", "crds/x/a.yaml"));
        assert!(glob_match("files/{a,b}.txt", "files/b.txt"));
        assert!(glob_match("dashboard/*", "dashboard/x.json"));
    }
}
