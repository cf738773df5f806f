//! sprig's string functions (strings.go and the string entries of
//! functions.go): argument order is sprig's ("foo" | trimSuffix "o").

use krust_template::{Type, Value};

use crate::conv::{arg, arg_int, arg_str, err, go_quote, strval};
use crate::gostr;
use crate::Reg;

use Type::{Int, Interface, String as S};

/// Longest string `repeat`, `indent` and the random generators build:
/// far beyond any chart, small enough to fail cleanly on hostile input.
pub(crate) const MAX_OUTPUT: usize = 64 << 20;

fn too_long(name: &str, n: u128) -> crate::FuncError {
    err(format!(
        "{name}: output of {n} bytes exceeds krust's limit of {MAX_OUTPUT} bytes"
    ))
}

fn s(v: impl Into<krust_template::Str>) -> Value {
    Value::String(v.into())
}

/// Go's `strings.Trim(s, cutset)`.
fn trim_cutset<'a>(v: &'a str, cutset: &str) -> &'a str {
    v.trim_matches(|c| cutset.contains(c))
}

/// sprig's `trunc`: byte-based, negative counts keep the tail.
fn trunc(c: i64, v: &str) -> String {
    let len = v.len() as i64;
    if c < 0 && len + c > 0 {
        return gostr::byte_slice(v, (len + c) as usize, v.len());
    }
    if c >= 0 && len > c {
        return gostr::byte_slice(v, 0, c as usize);
    }
    v.to_string()
}

/// sprig's `substring`, with Go's slice-bounds panics as errors.
fn substr(start: i64, end: i64, v: &str) -> Result<String, crate::FuncError> {
    let len = v.len() as i64;
    let oob = |m: String| err(format!("runtime error: slice bounds out of range {m}"));
    if start < 0 {
        if end < 0 {
            return Err(oob(format!("[:{end}]")));
        }
        if end > len {
            return Err(oob(format!("[:{end}] with length {len}")));
        }
        return Ok(gostr::byte_slice(v, 0, end as usize));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(oob(format!("[{start}:{len}]")));
        }
        return Ok(gostr::byte_slice(v, start as usize, v.len()));
    }
    if start > end {
        return Err(oob(format!("[{start}:{end}]")));
    }
    Ok(gostr::byte_slice(v, start as usize, end as usize))
}

fn indent(spaces: i64, v: &str) -> Result<String, crate::FuncError> {
    if spaces < 0 {
        return Err(err("strings: negative Repeat count"));
    }
    let lines = v.bytes().filter(|&b| b == b'\n').count() as u128 + 1;
    let total = lines * spaces as u128 + v.len() as u128;
    if total > MAX_OUTPUT as u128 {
        return Err(too_long("indent", total));
    }
    let pad = " ".repeat(spaces as usize);
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

/// Go's `strings.Split` (an empty separator splits into UTF-8 runes).
pub(crate) fn go_split(v: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut out: Vec<String> = Vec::new();
        let chars: Vec<char> = v.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if n > 0 && out.len() as i64 == n - 1 {
                out.push(chars[i..].iter().collect());
                return out;
            }
            out.push(c.to_string());
        }
        return out;
    }
    if n < 0 {
        return v.split(sep).map(str::to_string).collect();
    }
    v.splitn(n as usize, sep).map(str::to_string).collect()
}

fn split_map(parts: Vec<String>) -> Value {
    Value::typed_map(
        Type::String,
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}").into(), s(p)))
            .collect(),
    )
}

/// sprig's `strslice` (`toStrings`, `join`, `sortAlpha`): nils dropped,
/// every element through `strval`.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match crate::conv::as_list(v) {
        Some(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        None if v.is_nil() => Vec::new(),
        None => vec![strval(v)],
    }
}

pub(crate) fn register(r: &mut Reg<'_>) {
    r.f("hello", &[], |_| Ok(s("Hello!")));
    r.f("abbrev", &[Int, S], |a| {
        let (w, v) = (arg_int(a, 0), arg_str(a, 1));
        if w < 4 {
            return Ok(s(v));
        }
        Ok(s(gostr::abbreviate_full(v, 0, w).unwrap_or_default()))
    });
    r.f("abbrevboth", &[Int, Int, S], |a| {
        let (l, rt, v) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
        if rt < 4 || l > 0 && rt < 7 {
            return Ok(s(v));
        }
        Ok(s(gostr::abbreviate_full(v, l, rt).unwrap_or_default()))
    });
    r.f("trunc", &[Int, S], |a| {
        Ok(s(trunc(arg_int(a, 0), arg_str(a, 1))))
    });
    r.f("trim", &[S], |a| Ok(s(arg_str(a, 0).trim())));
    r.f("upper", &[S], |a| Ok(s(gostr::to_upper(arg_str(a, 0)))));
    r.f("lower", &[S], |a| Ok(s(gostr::to_lower(arg_str(a, 0)))));
    r.f("title", &[S], |a| Ok(s(gostr::title(arg_str(a, 0)))));
    r.f("untitle", &[S], |a| Ok(s(gostr::untitle(arg_str(a, 0)))));
    r.f("substr", &[Int, Int, S], |a| {
        Ok(s(substr(arg_int(a, 0), arg_int(a, 1), arg_str(a, 2))?))
    });
    r.f("repeat", &[Int, S], |a| {
        let (n, v) = (arg_int(a, 0), arg_str(a, 1));
        if n < 0 {
            return Err(err("strings: negative Repeat count"));
        }
        let total = n as u128 * v.len() as u128;
        if total > MAX_OUTPUT as u128 {
            return Err(too_long("repeat", total));
        }
        Ok(s(v.repeat(n as usize)))
    });
    for name in ["trimall", "trimAll"] {
        r.f(name, &[S, S], |a| {
            Ok(s(trim_cutset(arg_str(a, 1), arg_str(a, 0))))
        });
    }
    r.f("trimSuffix", &[S, S], |a| {
        let (suf, v) = (arg_str(a, 0), arg_str(a, 1));
        Ok(s(v.strip_suffix(suf).unwrap_or(v)))
    });
    r.f("trimPrefix", &[S, S], |a| {
        let (pre, v) = (arg_str(a, 0), arg_str(a, 1));
        Ok(s(v.strip_prefix(pre).unwrap_or(v)))
    });
    r.f("nospace", &[S], |a| Ok(s(gostr::nospace(arg_str(a, 0)))));
    r.f("initials", &[S], |a| Ok(s(gostr::initials(arg_str(a, 0)))));
    r.f("swapcase", &[S], |a| Ok(s(gostr::swapcase(arg_str(a, 0)))));
    r.f("shuffle", &[S], |a| {
        Ok(s(crate::fns_crypto::shuffle(arg_str(a, 0))))
    });
    r.f("snakecase", &[S], |a| {
        Ok(s(gostr::camel_to_lower(arg_str(a, 0), '_')))
    });
    r.f("kebabcase", &[S], |a| {
        Ok(s(gostr::camel_to_lower(arg_str(a, 0), '-')))
    });
    r.f("camelcase", &[S], |a| {
        Ok(s(gostr::pascal_case(arg_str(a, 0))))
    });
    r.f("wrap", &[Int, S], |a| {
        Ok(s(gostr::wrap_custom(
            arg_str(a, 1),
            arg_int(a, 0),
            "",
            false,
        )))
    });
    r.f("wrapWith", &[Int, S, S], |a| {
        Ok(s(gostr::wrap_custom(
            arg_str(a, 2),
            arg_int(a, 0),
            arg_str(a, 1),
            true,
        )))
    });
    r.f("contains", &[S, S], |a| {
        Ok(Value::Bool(arg_str(a, 1).contains(arg_str(a, 0))))
    });
    r.f("hasPrefix", &[S, S], |a| {
        Ok(Value::Bool(arg_str(a, 1).starts_with(arg_str(a, 0))))
    });
    r.f("hasSuffix", &[S, S], |a| {
        Ok(Value::Bool(arg_str(a, 1).ends_with(arg_str(a, 0))))
    });
    r.v("quote", &[], Interface, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| go_quote(&strval(v)))
            .collect();
        Ok(s(parts.join(" ")))
    });
    r.v("squote", &[], Interface, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{v}'"))
            .collect();
        Ok(s(parts.join(" ")))
    });
    r.v("cat", &[], Interface, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| v.to_string())
            .collect();
        Ok(s(parts.join(" ")))
    });
    r.f("indent", &[Int, S], |a| {
        Ok(s(indent(arg_int(a, 0), arg_str(a, 1))?))
    });
    r.f("nindent", &[Int, S], |a| {
        Ok(s(format!("\n{}", indent(arg_int(a, 0), arg_str(a, 1))?)))
    });
    r.f("replace", &[S, S, S], |a| {
        let (old, new, src) = (arg_str(a, 0), arg_str(a, 1), arg_str(a, 2));
        Ok(s(go_replace(src, old, new)))
    });
    r.f("plural", &[S, S, Int], |a| {
        Ok(s(if arg_int(a, 2) == 1 {
            arg_str(a, 0)
        } else {
            arg_str(a, 1)
        }))
    });
    r.f("toString", &[Interface], |a| Ok(s(strval(arg(a, 0)))));
    r.f("split", &[S, S], |a| {
        Ok(split_map(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
    });
    r.f("splitList", &[S, S], |a| {
        Ok(Value::string_list(go_split(
            arg_str(a, 1),
            arg_str(a, 0),
            -1,
        )))
    });
    r.f("splitn", &[S, Int, S], |a| {
        Ok(split_map(go_split(
            arg_str(a, 2),
            arg_str(a, 0),
            arg_int(a, 1),
        )))
    });
    r.f("toStrings", &[Interface], |a| {
        Ok(Value::string_list(strslice(arg(a, 0))))
    });
    r.f("join", &[S, Interface], |a| {
        Ok(s(strslice(arg(a, 1)).join(arg_str(a, 0))))
    });
    r.f("sortAlpha", &[Interface], |a| {
        let v = arg(a, 0);
        if crate::conv::as_list(v).is_none() {
            return Ok(Value::string_list([strval(v)]));
        }
        let mut l = strslice(v);
        l.sort();
        Ok(Value::string_list(l))
    });
    r.f("env", &[S], |a| {
        Ok(s(std::env::var(arg_str(a, 0)).unwrap_or_default()))
    });
    r.f("expandenv", &[S], |a| Ok(s(expand_env(arg_str(a, 0)))));
}

/// Go's `strings.Replace(s, old, new, -1)`: an empty `old` inserts `new`
/// around every rune.
fn go_replace(src: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut out = String::from(new);
        for c in src.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    src.replace(old, new)
}

/// Go's `os.ExpandEnv`: `$VAR` and `${VAR}` from the process environment
/// (`os.Expand`'s shell-name scanning and bad-syntax eating).
fn expand_env(v: &str) -> String {
    fn special(c: u8) -> bool {
        b"*#$@!?-0123456789".contains(&c)
    }
    fn shell_name(s: &str) -> (&str, usize) {
        let b = s.as_bytes();
        if b[0] == b'{' {
            if b.len() > 2 && special(b[1]) && b[2] == b'}' {
                return (&s[1..2], 3);
            }
            for i in 1..b.len() {
                if b[i] == b'}' {
                    if i == 1 {
                        return ("", 2);
                    }
                    return (&s[1..i], i + 1);
                }
            }
            return ("", 1);
        }
        if special(b[0]) {
            return (&s[..1], 1);
        }
        let n = b
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        (&s[..n], n)
    }
    let b = v.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.push_str(&v[i..j]);
            let (name, w) = shell_name(&v[j + 1..]);
            if name.is_empty() && w == 0 {
                out.push('$');
            } else if !name.is_empty() {
                out.push_str(&std::env::var(name).unwrap_or_default());
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(v.get(i..).unwrap_or(""));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn slicing_like_helm() {
        assert_eq!(trunc(-5, "abc"), "abc");
        assert_eq!(trunc(2, "abc"), "ab");
        assert_eq!(trunc(-2, "abc"), "bc");
        assert_eq!(substr(0, 10, "abc").unwrap(), "abc");
        assert_eq!(
            substr(2, 1, "abc").unwrap_err().message,
            "runtime error: slice bounds out of range [2:1]"
        );
        assert_eq!(
            substr(-1, 5, "abc").unwrap_err().message,
            "runtime error: slice bounds out of range [:5] with length 3"
        );
        assert_eq!(
            substr(5, 6, "abc").unwrap_err().message,
            "runtime error: slice bounds out of range [5:3]"
        );
        assert_eq!(go_split("a,b", ",", -1), vec!["a", "b"]);
        assert_eq!(go_split("", ",", -1), vec![""]);
        assert_eq!(go_replace("ab", "", "-"), "-a-b-");
    }
}
