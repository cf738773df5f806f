//! Masterminds/semver v3 constraint checks, as Helm's `chartutil.IsCompatibleRange` uses
//! them (Chart.yaml `kubeVersion`, dependency `version`).

use std::cmp::Ordering;

/// A parsed version (`v1.2.3-pre+meta`; missing minor/patch are 0).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
}

fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let s = s.split('+').next().unwrap_or(s);
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.to_string()),
        None => (s, String::new()),
    };
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    let patch = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Version {
        major,
        minor,
        patch,
        pre,
    })
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn cmp(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| cmp_pre(&a.pre, &b.pre))
}

/// One `op version` term; `dirty` parts were wildcards (`1.x`, `*`).
#[derive(Debug, Clone)]
struct Term {
    op: String,
    v: Version,
    /// How many leading parts were given (1 = major only, 3 = full); 0 for `*`.
    given: u8,
}

fn parse_term(op: &str, ver: &str) -> Option<Term> {
    let ver = ver.trim();
    let ver = ver.strip_prefix('v').unwrap_or(ver);
    let (core, rest) = match ver.find(['-', '+']) {
        Some(i) => (&ver[..i], &ver[i..]),
        None => (ver, ""),
    };
    let mut given = 0u8;
    let mut nums = [0u64; 3];
    for (i, p) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if matches!(p, "x" | "X" | "*") {
            break;
        }
        nums[i] = p.parse().ok()?;
        given = i as u8 + 1;
    }
    let pre = rest
        .strip_prefix('-')
        .map(|p| p.split('+').next().unwrap_or(p).to_string())
        .unwrap_or_default();
    Some(Term {
        op: op.to_string(),
        v: Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
        },
        given,
    })
}

fn check(t: &Term, v: &Version) -> bool {
    // A pre-release version only satisfies terms that name a pre-release.
    if !v.pre.is_empty() && t.v.pre.is_empty() {
        return false;
    }
    let c = &t.v;
    let eq_given = || match t.given {
        0 => true,
        1 => v.major == c.major,
        2 => v.major == c.major && v.minor == c.minor,
        _ => cmp(v, c) == Ordering::Equal,
    };
    match t.op.as_str() {
        "" | "=" => eq_given(),
        "!=" => !eq_given(),
        ">" => match t.given {
            0 => false,
            1 => v.major > c.major,
            2 => (v.major, v.minor) > (c.major, c.minor),
            _ => cmp(v, c) == Ordering::Greater,
        },
        ">=" | "=>" => cmp(v, c) != Ordering::Less,
        "<" => cmp(v, c) == Ordering::Less,
        "<=" | "=<" => match t.given {
            0 => true,
            1 => v.major <= c.major,
            2 => (v.major, v.minor) <= (c.major, c.minor),
            _ => cmp(v, c) != Ordering::Greater,
        },
        "~" | "~>" => {
            if cmp(v, c) == Ordering::Less {
                return false;
            }
            if t.given <= 1 {
                v.major == c.major || t.given == 0
            } else {
                v.major == c.major && v.minor == c.minor
            }
        }
        "^" => {
            if cmp(v, c) == Ordering::Less {
                return false;
            }
            if c.major > 0 || t.given <= 1 {
                v.major == c.major || t.given == 0
            } else if c.minor > 0 || t.given == 2 {
                v.major == 0 && v.minor == c.minor
            } else {
                v.major == 0 && v.minor == 0 && v.patch == c.patch
            }
        }
        _ => false,
    }
}

const OPS: [&str; 12] = [
    "!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^", "",
];

/// Splits `>=1.2 <2`, `>= 1.2`, `1.2 - 1.4` into terms.
fn parse_and(s: &str) -> Option<Vec<Term>> {
    let mut terms = Vec::new();
    let toks: Vec<&str> = s
        .split([',', ' ', '\t'])
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < toks.len() {
        let tok = toks[i];
        if toks.get(i + 1) == Some(&"-") {
            let hi = toks.get(i + 2)?;
            terms.push(parse_term(">=", tok)?);
            terms.push(parse_term("<=", hi)?);
            i += 3;
            continue;
        }
        let op = OPS
            .iter()
            .find(|o| tok.starts_with(**o))
            .copied()
            .unwrap_or("");
        let rest = &tok[op.len()..];
        if rest.is_empty() {
            let next = toks.get(i + 1)?;
            terms.push(parse_term(op, next)?);
            i += 2;
        } else {
            terms.push(parse_term(op, rest)?);
            i += 1;
        }
    }
    Some(terms)
}

/// `IsCompatibleRange(constraint, version)`: false when either does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Some(v) = parse_version(version) else {
        return false;
    };
    let mut any = false;
    for alt in constraint.split("||") {
        let Some(terms) = parse_and(alt) else {
            return false;
        };
        if terms.is_empty() {
            return false;
        }
        any |= terms.iter().all(|t| check(t, &v));
    }
    any
}

#[cfg(test)]
mod tests {
    use super::is_compatible_range as ok;

    #[test]
    fn masterminds_ranges() {
        assert!(ok("^1.25.0-0", "v1.35.0"));
        assert!(!ok("^1.25.0-0", "v1.24.0"));
        assert!(ok(">=1.21.0-0", "v1.29.0"));
        assert!(ok(">= 1.19.0-0 < 2", "1.30.0"));
        assert!(ok("1.42.*", "1.42.7"));
        assert!(!ok("1.42.*", "1.43.0"));
        assert!(ok("~4.5", "4.5.9"));
        assert!(!ok("~4.5", "4.6.0"));
        assert!(ok("*", "0.0.0"));
        assert!(ok(">=1.0.0 || 0.1.x", "0.1.3"));
        assert!(!ok(">=1.0.0", "1.2.0-rc.1"));
        assert!(ok("1.2 - 1.4", "1.3.0"));
    }
}
