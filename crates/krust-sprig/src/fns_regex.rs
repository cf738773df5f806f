//! sprig's regex.go over Go's RE2 syntax. The `regex` crate implements the
//! same syntax and leftmost-first semantics; the differences that matter
//! are bridged by [`translate`]: Go's `\d \w \s \b` are ASCII-only (Rust's
//! are Unicode) and Go has `\Q...\E` literals. Replacement templates
//! (`$1`, `${name}`, `$$`) mean the same in both.

use std::cell::RefCell;
use std::sync::Arc;

use krust_template::{FuncError, Type, Value};
use regex::Regex;

use crate::conv::{arg_int, arg_str, err};
use crate::Reg;

use Type::{Int, String as S};

/// A well-formed counted repetition at the start of `s` (`{n}`, `{n,}`,
/// `{n,m}`): its text and bounds. Anything else is a literal `{` in Go.
fn counted(s: &str) -> Option<(&str, u64, Option<u64>)> {
    let end = s.find('}')?;
    let body = &s[1..end];
    let (a, b) = match body.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (body, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || b.is_some_and(|b| !b.is_empty() && !digits(b)) {
        return None;
    }
    let min = a.parse().unwrap_or(u64::MAX);
    let max = match b {
        None => Some(min),
        Some("") => None,
        Some(b) => Some(b.parse().unwrap_or(u64::MAX)),
    };
    Some((&s[..=end], min, max))
}

/// Rewrites a Go regexp into the `regex` crate's dialect with Go's meaning;
/// `Err` holds Go's parse error for what Rust would accept or misread
/// (repeat counts over 1000, nested repetition operators).
pub fn translate(p: &str) -> Result<String, String> {
    let mut out = String::with_capacity(p.len() + 8);
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    // Byte offset where the previous repetition operator began, if the
    // last thing parsed was one (Go rejects `a**`, `a{2}+`).
    let mut last_rep: Option<usize> = None;
    while let Some(c) = chars.next() {
        if !in_class && matches!(c, '*' | '+' | '?' | '{') {
            // Byte offset of `c` (only computed at repetition operators).
            let at = p.len() - chars.clone().map(char::len_utf8).sum::<usize>() - 1;
            let rep_text = if c == '{' {
                match counted(&p[at..]) {
                    Some((text, min, max)) => {
                        if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                            return Err(format!("invalid repeat count: `{text}`"));
                        }
                        Some(text)
                    }
                    None => None,
                }
            } else {
                Some(&p[at..at + 1])
            };
            match rep_text {
                None => {
                    out.push_str("\\{");
                    last_rep = None;
                }
                Some(text) => {
                    if let Some(start) = last_rep {
                        return Err(format!(
                            "invalid nested repetition operator: `{}`",
                            &p[start..at + text.len()]
                        ));
                    }
                    out.push_str(text);
                    for _ in 1..text.chars().count() {
                        chars.next();
                    }
                    // A lazy marker belongs to this operator.
                    if chars.peek() == Some(&'?') {
                        chars.next();
                        out.push('?');
                    }
                    last_rep = Some(at);
                }
            }
            continue;
        }
        last_rep = None;
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match n {
                    'Q' => {
                        let mut lit = String::new();
                        while let Some(x) = chars.next() {
                            if x == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(x);
                        }
                        let q = regex::escape(&lit);
                        if in_class {
                            out.push_str(&lit.replace(['\\', ']', '[', '^', '-'], ""));
                        } else {
                            out.push_str(&q);
                        }
                    }
                    'd' | 'w' | 's' | 'D' | 'W' | 'S' if in_class => {
                        out.push_str(match n {
                            'd' => "0-9",
                            'w' => "0-9A-Za-z_",
                            's' => r"\t\n\x0C\r ",
                            'D' => r"\x00-/:-\x{10FFFF}",
                            'W' => r"\x00-/:-@\[-\^`\{-\x{10FFFF}",
                            _ => r"\x00-\x08\x0B\x0E-\x1F!-\x{10FFFF}",
                        });
                        literal_dash(&mut chars, &mut out);
                    }
                    // Go's classes are ASCII; their complements are every
                    // other rune (a byte-level `(?-u:\D)` would match
                    // invalid UTF-8, which `regex` rejects for `&str`).
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    's' => out.push_str(r"[\t\n\x0C\r ]"),
                    'S' => out.push_str(r"[^\t\n\x0C\r ]"),
                    'b' | 'B' => {
                        out.push_str("(?-u:\\");
                        out.push(n);
                        out.push(')');
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading ^ and a leading ] are part of the class.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class => {
                // A POSIX class `[:alpha:]` inside a bracket.
                if chars.peek() == Some(&':') {
                    out.push('[');
                    for x in chars.by_ref() {
                        out.push(x);
                        if x == ']' {
                            break;
                        }
                    }
                    literal_dash(&mut chars, &mut out);
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// After a class escape inside brackets, Go reads a `-` as a literal (a
/// class cannot start a range), where Rust would see a range.
fn literal_dash(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    let mut ahead = chars.clone();
    if ahead.next() == Some('-') && ahead.next().is_some_and(|c| c != ']') {
        chars.next();
        out.push_str("\\-");
    }
}

/// Rewrites a Go replacement template (`regexp.Regexp.Expand` syntax) into
/// the `regex` crate's: Go's names are Unicode letters, digits and `_`, a
/// malformed `$` is literal, and `$01` names a group called "01" (so it
/// expands to nothing), where Rust would read `$é` literally and `$01` as
/// group 1.
pub fn translate_replacement(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push_str("$$");
            rest = r;
            continue;
        }
        let (brace, body) = match after.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, after),
        };
        let n: usize = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        let closed = !brace || body[n..].starts_with('}');
        if n == 0 || !closed {
            // Not a reference: the `$` is literal.
            out.push_str("$$");
            rest = after;
            continue;
        }
        let name = &body[..n];
        let numeric = name.bytes().all(|b| b.is_ascii_digit());
        if numeric && ((name.len() > 1 && name.starts_with('0')) || name.len() > 8) {
            // Not a group number in Go, and no group has such a name.
        } else {
            out.push_str("${");
            out.push_str(name);
            out.push('}');
        }
        rest = &body[n + usize::from(brace)..];
    }
    out.push_str(rest);
    out
}

/// Go's `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pattern text a `regex` error's caret line points at.
fn span(msg: &str) -> Option<String> {
    let lines: Vec<&str> = msg.lines().collect();
    let (pat, carets) = (lines.get(1)?, lines.get(2)?);
    let start = carets.find('^')?;
    let len = carets.matches('^').count();
    let pat: Vec<char> = pat.chars().collect();
    Some(pat.get(start..start + len)?.iter().collect())
}

/// Go's wording of a compile error (`error parsing regexp: ...`).
fn go_error(p: &str, e: &regex::Error) -> String {
    let msg = e.to_string();
    let last = msg
        .lines()
        .last()
        .unwrap_or("")
        .trim_start_matches("error: ");
    let why = if last.contains("unclosed group") {
        format!("missing closing ): `{p}`")
    } else if last.contains("unclosed character class") {
        let at = p.rfind('[').unwrap_or(0);
        format!("missing closing ]: `{}`", &p[at..])
    } else if last.contains("repetition operator missing expression") {
        let op = p.chars().find(|c| "*+?{".contains(*c)).unwrap_or('*');
        format!("missing argument to repetition operator: `{op}`")
    } else if last.contains("unrecognized escape") {
        let at = p.find('\\').unwrap_or(0);
        format!(
            "invalid escape sequence: `{}`",
            p.get(at..at + 2).unwrap_or(p)
        )
    } else if last.contains("incomplete escape") {
        "trailing backslash at end of expression: ``".to_string()
    } else if last.contains("invalid character class range") {
        format!(
            "invalid character class range: `{}`",
            span(&msg).unwrap_or_default()
        )
    } else if last.contains("unopened group") {
        format!("unexpected ): `{p}`")
    } else {
        last.to_string()
    };
    format!("error parsing regexp: {why}")
}

/// Most recent compiled patterns kept per thread.
const CACHE_SIZE: usize = 64;

thread_local! {
    /// Compiled patterns, most recent first: charts call the same regex for every item of
    /// a range. One cache per thread (no lock shared by parallel renders).
    static CACHE: RefCell<Vec<(String, Arc<Regex>)>> = const { RefCell::new(Vec::new()) };
}

/// Compiles a Go regexp; `Err` is Go's `regexp.Compile` message.
pub fn compile(p: &str) -> Result<Arc<Regex>, String> {
    let hit = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, r)| r.clone())
    });
    if let Some(r) = hit {
        return Ok(r);
    }
    let t = translate(p).map_err(|e| format!("error parsing regexp: {e}"))?;
    let r = Arc::new(Regex::new(&t).map_err(|e| go_error(p, &e))?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.insert(0, (p.to_string(), r.clone()));
        c.truncate(CACHE_SIZE);
    });
    Ok(r)
}

/// Compile for the panicking (non-`must`) variants: Go's `MustCompile` text.
fn must_compile(p: &str) -> Result<Arc<Regex>, FuncError> {
    compile(p).map_err(|e| err(format!("regexp: Compile(`{p}`): {e}")))
}

fn find_all(r: &Regex, s: &str, n: i64) -> Vec<String> {
    let it = r.find_iter(s).map(|m| m.as_str().to_string());
    if n < 0 {
        it.collect()
    } else {
        it.take(n as usize).collect()
    }
}

/// Go's `Regexp.Split`.
fn split(r: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !r.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches: Vec<(usize, usize)> = {
        let it = r.find_iter(s).map(|m| (m.start(), m.end()));
        if n < 0 {
            it.collect()
        } else {
            it.take(n as usize).collect()
        }
    };
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

fn strs(v: Vec<String>) -> Value {
    if v.is_empty() {
        // FindAllString returns a nil []string when nothing matches.
        return Value::List(krust_template::List {
            elem: Type::String,
            items: Arc::new(Vec::new()),
            nil: true,
        });
    }
    Value::string_list(v)
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("regexMatch", &[S, S], |a| {
        Ok(Value::Bool(
            compile(arg_str(a, 0)).is_ok_and(|re| re.is_match(arg_str(a, 1))),
        ))
    });
    r.f("mustRegexMatch", &[S, S], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        Ok(Value::Bool(re.is_match(arg_str(a, 1))))
    });
    r.f("regexFindAll", &[S, S, Int], |a| {
        let re = must_compile(arg_str(a, 0))?;
        Ok(strs(find_all(&re, arg_str(a, 1), arg_int(a, 2))))
    });
    r.f("mustRegexFindAll", &[S, S, Int], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        Ok(strs(find_all(&re, arg_str(a, 1), arg_int(a, 2))))
    });
    r.f("regexFind", &[S, S], |a| {
        let re = must_compile(arg_str(a, 0))?;
        Ok(Value::str(
            re.find(arg_str(a, 1)).map_or("", |m| m.as_str()),
        ))
    });
    r.f("mustRegexFind", &[S, S], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        Ok(Value::str(
            re.find(arg_str(a, 1)).map_or("", |m| m.as_str()),
        ))
    });
    r.f("regexReplaceAll", &[S, S, S], |a| {
        let re = must_compile(arg_str(a, 0))?;
        Ok(Value::str(
            re.replace_all(arg_str(a, 1), translate_replacement(arg_str(a, 2)).as_str())
                .into_owned(),
        ))
    });
    r.f("mustRegexReplaceAll", &[S, S, S], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        Ok(Value::str(
            re.replace_all(arg_str(a, 1), translate_replacement(arg_str(a, 2)).as_str())
                .into_owned(),
        ))
    });
    r.f("regexReplaceAllLiteral", &[S, S, S], |a| {
        let re = must_compile(arg_str(a, 0))?;
        let lit = regex::NoExpand(arg_str(a, 2));
        Ok(Value::str(re.replace_all(arg_str(a, 1), lit).into_owned()))
    });
    r.f("mustRegexReplaceAllLiteral", &[S, S, S], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        let lit = regex::NoExpand(arg_str(a, 2));
        Ok(Value::str(re.replace_all(arg_str(a, 1), lit).into_owned()))
    });
    r.f("regexSplit", &[S, S, Int], |a| {
        let re = must_compile(arg_str(a, 0))?;
        Ok(Value::string_list(split(&re, arg_str(a, 1), arg_int(a, 2))))
    });
    r.f("mustRegexSplit", &[S, S, Int], |a| {
        let re = compile(arg_str(a, 0)).map_err(err)?;
        Ok(Value::string_list(split(&re, arg_str(a, 1), arg_int(a, 2))))
    });
    r.f("regexQuoteMeta", &[S], |a| {
        Ok(Value::str(quote_meta(arg_str(a, 0))))
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn go_classes_are_ascii() {
        let re = compile(r"\d+").unwrap();
        assert!(!re.is_match("٣"));
        assert!(compile(r"[\d_]+").unwrap().is_match("1_2"));
        // redis-ha's name check: `-` after a class escape is a literal.
        let re = compile(r"^[\w-\.]+$").unwrap();
        assert!(re.is_match("my-redis.x_1"));
        assert!(!re.is_match("a b"));
        assert!(compile(r"[\D]").unwrap().is_match("x"));
        assert!(compile(r"\S+\D\W").unwrap().is_match("aé.x!"));
        assert!(!compile(r"^[\W]$").unwrap().is_match("_"));
        assert_eq!(
            compile("(").unwrap_err(),
            "error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(
            must_compile("(").unwrap_err().message,
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(quote_meta("1.2-3"), r"1\.2-3");
        let re = compile("(a)(?P<é>b)").unwrap();
        let rep = |t: &str| {
            re.replace_all("ab", translate_replacement(t).as_str())
                .into_owned()
        };
        assert_eq!(rep("[$1]"), "[a]");
        assert_eq!(rep("[$é]"), "[b]");
        assert_eq!(rep("[$01]"), "[]");
        assert_eq!(rep("[$-]"), "[$-]");
        assert_eq!(rep("[${1}x]"), "[ax]");
        assert_eq!(rep("[${1x]"), "[${1x]");
        assert_eq!(rep("[$$]"), "[$]");
        assert_eq!(rep("[$]"), "[$]");
        // Go's own errors and literals (messages from helm v4.1.4).
        let e = |p: &str| compile(p).unwrap_err();
        assert_eq!(
            e("a{1001}"),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
        assert_eq!(
            e("x{2,1}"),
            "error parsing regexp: invalid repeat count: `{2,1}`"
        );
        assert_eq!(
            e("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            e("a++"),
            "error parsing regexp: invalid nested repetition operator: `++`"
        );
        assert!(compile("a{,3}").unwrap().is_match("a{,3}"));
        assert!(compile("x{").unwrap().is_match("x{"));
        assert!(compile("a*?b+?").unwrap().is_match("ab"));
        assert!(compile("a{2}?").unwrap().is_match("aa"));
    }

    #[test]
    fn split_like_go() {
        let re = compile("z+").unwrap();
        assert_eq!(split(&re, "pizza", -1), vec!["pi", "a"]);
        assert_eq!(split(&re, "pizza", 1), vec!["pizza"]);
        assert_eq!(split(&re, "", -1), vec![""]);
        let re = compile("").unwrap();
        assert_eq!(split(&re, "abc", -1), vec!["a", "b", "c"]);
    }
}
