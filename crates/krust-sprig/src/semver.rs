//! Masterminds/semver v3.4 (the version sprig v3.3 links): versions in the
//! "coerce" mode `NewVersion` uses by default, and constraints with the
//! exact operator, wildcard, range and prerelease rules that
//! `semverCompare` relies on. Charts use `semverCompare ">=1.21-0"
//! .Capabilities.KubeVersion.Version` constantly, so every branch of
//! Masterminds' checks is reproduced, including its quirks (a `>` with a
//! dirty minor never matches the same major, `<=` ignores prereleases of a
//! wildcard, ...).

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

/// A parsed semantic version (`*semver.Version` in Go).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major number.
    pub major: u64,
    /// Minor number.
    pub minor: u64,
    /// Patch number.
    pub patch: u64,
    /// Prerelease, without the leading `-`.
    pub pre: String,
    /// Build metadata, without the leading `+`.
    pub metadata: String,
    /// The text the version was parsed from.
    pub original: String,
}

/// `NewVersion`'s pattern; [`loose`] matches it by hand (the tests compare them).
#[cfg(test)]
const LOOSE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

// The patterns are constants; compiling them cannot fail (covered by tests).
#[allow(clippy::expect_used)]
fn re(p: String) -> Regex {
    Regex::new(&p).expect("constant semver pattern")
}

/// `LOOSE` anchored, for tests: [`loose`] is the matcher the code uses.
#[cfg(test)]
static LOOSE_RE: LazyLock<Regex> = LazyLock::new(|| re(format!("^{LOOSE}$")));
static CONSTRAINT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"^[ \t\n\f\r]*({OPS})[ \t\n\f\r]*({CV})[ \t\n\f\r]*$"
    ))
});
static RANGE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"[ \t\n\f\r]*({CV})[ \t\n\f\r]+-[ \t\n\f\r]+({CV})[ \t\n\f\r]*"
    ))
});
static FIND_RE: LazyLock<Regex> = LazyLock::new(|| re(format!(r"({OPS})[ \t\n\f\r]*({CV})")));
static VALID_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(format!(
        r"^([ \t\n\f\r]*({OPS})[ \t\n\f\r]*({CV})[ \t\n\f\r]*)((?:[ \t\n\f\r]+|,[ \t\n\f\r]*)({OPS})[ \t\n\f\r]*({CV})[ \t\n\f\r]*)*$"
    ))
});

/// The groups of a version matched by `LOOSE` (or, with `wild`, by `CV` without its `|`):
/// `major`, `minor` and `patch` as written (`minor`/`patch` with their dot, or empty),
/// `pre` and `meta` without their `-`/`+`, and `pre_part` the `-pre` text.
#[derive(Debug, PartialEq, Eq)]
struct Caps<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    pre_part: &'a str,
    pre: &'a str,
    meta: &'a str,
}

/// Matches `v?SEG(\.SEG)?(\.SEG)?(-ID(\.ID)*)?(\+ID(\.ID)*)?` at the start of `s`, where
/// SEG is `[0-9]+` (or `[0-9xX*]+` when `wild`) and ID `[0-9A-Za-z-]+`; returns the groups
/// and the length matched. Every part starts with a byte no earlier part can take, so the
/// greedy match is the regex's (the semver patterns compile in milliseconds; most
/// renders only ever meet plain versions and one-operator constraints).
fn match_version(s: &str, wild: bool) -> Option<(Caps<'_>, usize)> {
    let b = s.as_bytes();
    let seg = |c: u8| c.is_ascii_digit() || (wild && matches!(c, b'x' | b'X' | b'*'));
    let run = |from: usize, ok: &dyn Fn(u8) -> bool| {
        let mut i = from;
        while b.get(i).is_some_and(|&c| ok(c)) {
            i += 1;
        }
        i
    };
    let ids = |from: usize| -> Option<usize> {
        let id = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
        let mut i = from;
        loop {
            let end = run(i, &id);
            if end == i {
                return None;
            }
            i = end;
            // A `.` continues the list only when an identifier follows it.
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|&c| id(c)) {
                i += 1;
                continue;
            }
            return Some(i);
        }
    };
    let mut i = usize::from(b.first() == Some(&b'v'));
    let start = i;
    i = run(i, &seg);
    if i == start {
        return None;
    }
    let major = s.get(start..i)?;
    let dotted = |i: &mut usize| -> &str {
        if b.get(*i) == Some(&b'.') {
            let end = run(*i + 1, &seg);
            if end > *i + 1 {
                let part = s.get(*i..end).unwrap_or("");
                *i = end;
                return part;
            }
        }
        ""
    };
    let minor = dotted(&mut i);
    let patch = if minor.is_empty() { "" } else { dotted(&mut i) };
    let (mut pre_part, mut pre, mut meta) = ("", "", "");
    if b.get(i) == Some(&b'-') {
        if let Some(end) = ids(i + 1) {
            pre_part = s.get(i..end)?;
            pre = s.get(i + 1..end)?;
            i = end;
        }
    }
    if b.get(i) == Some(&b'+') {
        if let Some(end) = ids(i + 1) {
            meta = s.get(i + 1..end)?;
            i = end;
        }
    }
    let caps = Caps {
        major,
        minor,
        patch,
        pre_part,
        pre,
        meta,
    };
    Some((caps, i))
}

/// `^LOOSE$` (what `NewVersion` matches).
fn loose(v: &str) -> Option<Caps<'_>> {
    match match_version(v, false) {
        Some((caps, n)) if n == v.len() => Some(caps),
        _ => None,
    }
}

/// The regex's whitespace class `[ \t\n\f\r]`.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// A constraint text of one operator and one version (`>=1.21-0`, `< 2.0`): the parse
/// the regexes would make, or `None` for anything else (ranges, `||`, lists, errors),
/// which the regexes then handle. For such a text `rewrite_range` changes nothing, the
/// one `||` group is valid, and `FIND_RE` finds the operator and version, which
/// `CONSTRAINT_RE` splits as below.
fn simple_constraint(c: &str) -> Option<Constraint> {
    if c.bytes().any(|b| b == b'|' || b == b',') {
        return None;
    }
    let b = c.as_bytes();
    let skip_ws = |mut i: usize| {
        while b.get(i).is_some_and(|&x| is_ws(x)) {
            i += 1;
        }
        i
    };
    let op_start = skip_ws(0);
    let mut i = op_start;
    while b
        .get(i)
        .is_some_and(|&x| matches!(x, b'=' | b'!' | b'<' | b'>' | b'~' | b'^'))
    {
        i += 1;
    }
    let op = Op::parse(c.get(op_start..i)?)?;
    let v_start = skip_ws(i);
    let rest = c.get(v_start..)?;
    let (m, n) = match_version(rest, true)?;
    if skip_ws(v_start + n) != c.len() {
        return None;
    }
    let whole = rest.get(..n)?;
    constraint_from(op, m.major, m.minor, m.patch, m.pre_part, whole).ok()
}

const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

fn only_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        } else if only_digits(part) {
            if part.len() > 1 && part.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        } else if !part.chars().all(|c| ALLOWED.contains(c)) {
            return Err("invalid prerelease string".into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    for part in m.split('.') {
        if part.is_empty() || !part.chars().all(|c| ALLOWED.contains(c)) {
            return Err("invalid metadata string".into());
        }
    }
    Ok(())
}

fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{s}\": value out of range"
        )
    })
}

impl Version {
    /// `semver.NewVersion` (coercing: `v` prefix, missing minor/patch are 0).
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = loose(v).ok_or_else(|| "invalid semantic version".to_string())?;
        let major = parse_segment(m.major)?;
        let minor = match m.minor {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let patch = match m.patch {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let pre = m.pre.to_string();
        let metadata = m.meta.to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    /// `Version.Compare`: -1, 0 or 1 (metadata ignored).
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let s: Vec<&str> = v.split('.').collect();
    let t: Vec<&str> = o.split('.').collect();
    for i in 0..s.len().max(t.len()) {
        let a = s.get(i).copied().unwrap_or("");
        let b = t.get(i).copied().unwrap_or("");
        let d = compare_pre_part(a, b);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        // o is not a number: numbers sort before words.
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

impl Op {
    /// Masterminds/semver's operator spellings (`=>` and `=<` too); `None` for anything else.
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "" | "=" => Op::TildeOrEqual,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterEqual,
            "<=" | "=<" => Op::LessEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint set (`*semver.Constraints`): `||`-separated groups of
/// `,`/space-separated constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<(Vec<Constraint>, bool)>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn rewrite_range(i: &str) -> String {
    let mut out = i.to_string();
    for m in RANGE_RE.captures_iter(i) {
        let (Some(all), Some(a), Some(b)) = (m.get(0), m.get(1), m.get(11)) else {
            continue;
        };
        let t = format!(">= {}, <= {} ", a.as_str(), b.as_str());
        out = out.replacen(all.as_str(), &t, 1);
    }
    out
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0")?,
            op: Op::TildeOrEqual,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = CONSTRAINT_RE
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {c}"))?;
    let get = |i: usize| m.get(i).map_or("", |x| x.as_str());
    // CONSTRAINT_RE captures only the operators `Op::parse` knows.
    let op = Op::parse(get(1)).unwrap_or(Op::Caret);
    constraint_from(op, get(3), get(4), get(5), get(6), get(2))
}

/// A constraint from `CONSTRAINT_RE`'s groups: the operator, major, `.minor`, `.patch`,
/// `-pre` and the whole version text.
fn constraint_from(
    op: Op,
    m3: &str,
    m4: &str,
    m5: &str,
    m6: &str,
    whole: &str,
) -> Result<Constraint, String> {
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(m3) || m3.is_empty() {
        dirty = true;
        format!("0.0.0{m6}")
    } else if is_x(m4.trim_start_matches('.')) || m4.is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{m3}.0.0{m6}")
    } else if is_x(m5.trim_start_matches('.')) || m5.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{m3}{m4}.0{m6}")
    } else {
        whole.to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        if let Some(pc) = simple_constraint(c) {
            let has_pre = !pc.con.pre.is_empty();
            return Ok(Constraints {
                groups: vec![(vec![pc], has_pre)],
            });
        }
        Constraints::parse_regex(c)
    }

    /// `semver.NewConstraint` through Masterminds' regexes, for any text.
    fn parse_regex(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        for or in c.split("||") {
            if !VALID_RE.is_match(or) {
                return Err(format!("improper constraint: {or}"));
            }
            let found: Vec<&str> = FIND_RE.find_iter(or).map(|m| m.as_str()).collect();
            let parts = if found.is_empty() { vec![or] } else { found };
            let mut list = Vec::new();
            let mut has_pre = false;
            for s in parts {
                let pc = parse_constraint(s)?;
                has_pre |= !pc.con.pre.is_empty();
                list.push(pc);
            }
            groups.push((list, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// `Constraints.Check`: does any group accept `v`?
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(list, pre)| list.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Greater => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            Op::Less => v.compare(c) == Ordering::Less,
            Op::GreaterEqual => v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::Caret => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hand_matchers_agree_with_the_regexes() {
        let versions = [
            "1",
            "v1",
            "1.2",
            "1.2.3",
            "v1.2.3",
            "1.2.3.4",
            "1.",
            "1.2.",
            ".1",
            "v",
            "V1",
            "",
            "1.2.3-rc.1",
            "1.2.3-rc.1+build.5",
            "1.2.3+b",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a..b",
            "1.2.3-a.",
            "1.2-a-b--c",
            "1-0",
            "01.02.03",
            "1.2.3-α",
            "1.2.3 ",
            " 1.2.3",
            "1.2.3-rc+",
            "1.35.0",
            "v1.35.0+k3s1",
            "1.2.3-+x",
        ];
        for v in versions {
            let want = LOOSE_RE.captures(v).map(|m| {
                let get = |i: usize| m.get(i).map_or("", |x| x.as_str()).to_string();
                (get(1), get(2), get(3), get(5), get(8))
            });
            let got = loose(v).map(|c| {
                (
                    c.major.to_string(),
                    c.minor.to_string(),
                    c.patch.to_string(),
                    c.pre.to_string(),
                    c.meta.to_string(),
                )
            });
            assert_eq!(got, want, "{v:?}");
        }
        let constraints = [
            ">=1.21-0",
            "<1.19-0",
            ">= 1.4-0",
            " >=1.2 ",
            "=1.2",
            "1.2.3",
            "!=1.2",
            "> 1",
            "<=1.x",
            "=<2",
            "=>2.*",
            "~1.2",
            "~>1.2.3-rc.1",
            "^1",
            "x",
            "*",
            "v1.2",
            ">=v1.2.3+m",
            "\t>=\n1.2\r",
            ">>1",
            "<>1",
            "==1",
            ">= =1",
            "1.2 - 2",
            "",
            " ",
            ">=1.2.3.4",
            "1.2-",
            ">=1.x.3",
            ">=1.2-rc.1+b.2",
            "~ 1",
            "^ 1.2.x",
            ">=1.21-0 <2",
        ];
        for c in constraints {
            let Some(fast) = simple_constraint(c) else {
                continue;
            };
            let slow = Constraints::parse_regex(c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
            assert_eq!(slow.groups.len(), 1, "{c:?}");
            assert_eq!(slow.groups[0].0.len(), 1, "{c:?}");
            assert_eq!(
                format!("{:?}", slow.groups[0].0[0]),
                format!("{fast:?}"),
                "{c:?}"
            );
        }
    }

    fn cmp(c: &str, v: &str) -> bool {
        let c = Constraints::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        c.check(&Version::parse(v).unwrap_or_else(|e| panic!("{v}: {e}")))
    }

    #[test]
    fn versions_parse_and_print() {
        let v = Version::parse("v1.2").unwrap();
        assert_eq!(v.to_string(), "1.2.0");
        assert_eq!(v.original, "v1.2");
        assert_eq!(
            Version::parse("1.2.3-beta+x").unwrap().to_string(),
            "1.2.3-beta+x"
        );
        assert_eq!(
            Version::parse("junk").unwrap_err(),
            "invalid semantic version"
        );
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err(),
            "version segment starts with 0"
        );
    }

    // Cases from Masterminds/semver's constraints_test.go and helm output.
    #[test]
    fn constraints_check_like_masterminds() {
        assert!(cmp(">=1.21-0", "v1.35.0"));
        assert!(!cmp("^1.2", "1.3.0-rc1"));
        assert!(!cmp(">1", "1.0"));
        assert!(cmp(">=1.19-0", "1.35.0"));
        assert!(cmp("<1.25.0-0", "1.24.3"));
        assert!(!cmp("<1.25.0-0", "1.25.0"));
        assert!(cmp(">= 1.2, < 3.0.0 || >= 4.2.3", "4.3.0"));
        assert!(cmp("1.2 - 3.4.5", "3.4.5"));
        assert!(!cmp("1.2 - 3.4.5", "3.4.6"));
        assert!(cmp("~1.2.3", "1.2.9"));
        assert!(!cmp("~1.2.3", "1.3.0"));
        assert!(cmp("^0.2.3", "0.2.9"));
        assert!(!cmp("^0.2.3", "0.3.0"));
        assert!(cmp("1.x", "1.9.0"));
        assert!(cmp("*", "1.9.0"));
        assert!(!cmp("*", "1.9.0-alpha"));
        assert!(cmp("!=1.2.3", "1.2.4"));
        assert!(cmp("<=1.2", "1.2.9"));
        assert!(cmp(">1.2", "1.3.0"));
        assert!(!cmp(">1.2", "1.2.5"));
        assert!(cmp(">=1.2.3-alpha", "1.2.3-beta"));
    }

    #[test]
    fn constraint_errors() {
        assert_eq!(
            Constraints::parse("junk").unwrap_err(),
            "improper constraint: junk"
        );
    }
}
