//! Evaluation (fluxcd/pkg `envsubst/template.go` and `funcs.go`).

use super::glob;
use super::parse::{parse, Node};
use super::{EnvsubstError, Vars};

/// Expands every `${…}` of `text` with `vars`.
pub fn eval(text: &str, vars: &Vars<'_>) -> Result<String, EnvsubstError> {
    let nodes = parse(text)?;
    let mut out = String::with_capacity(text.len());
    for n in &nodes {
        eval_node(n, vars, &mut out)?;
    }
    Ok(out)
}

fn eval_node(node: &Node, vars: &Vars<'_>, out: &mut String) -> Result<(), EnvsubstError> {
    match node {
        Node::Text(t) => out.push_str(t),
        Node::Func { param, name, args } => {
            // Arguments first: a strict miss inside a default fails even when the outer
            // variable is set (template.go evalFunc).
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                let mut buf = String::new();
                eval_node(a, vars, &mut buf)?;
                vals.push(buf);
            }
            let (v, exists) = vars.lookup(param);
            if !exists && !is_default_op(name) {
                return Err(EnvsubstError::VariableNotSet(param.clone()));
            }
            out.push_str(&apply(name, &v, &vals));
        }
    }
    Ok(())
}

fn is_default_op(name: &str) -> bool {
    matches!(name, "-" | "+" | "=" | "?" | ":-" | ":+" | ":=" | ":?")
}

/// `lookupFunc(name, len(args))(v, args...)`.
fn apply(name: &str, s: &str, args: &[String]) -> String {
    match name {
        "," => map_first(s, |c| c.to_lowercase().collect()),
        ",," => s.to_lowercase(),
        "^" => map_first(s, |c| c.to_uppercase().collect()),
        "^^" => s.to_uppercase(),
        "#" if args.is_empty() => s.len().to_string(),
        "#" => trim_prefix(s, &args[0], false),
        "##" => args
            .first()
            .map_or(s.to_string(), |a| trim_prefix(s, a, true)),
        "%" => args
            .first()
            .map_or(s.to_string(), |a| trim_suffix(s, a, false)),
        "%%" => args
            .first()
            .map_or(s.to_string(), |a| trim_suffix(s, a, true)),
        ":" => substr(s, args),
        "/#" => match args {
            [from, to] if s.starts_with(from.as_str()) => s.replacen(from.as_str(), to, 1),
            _ => s.to_string(),
        },
        "/%" => match args {
            [from, to] => match s.strip_suffix(from.as_str()) {
                Some(rest) => format!("{rest}{to}"),
                None => s.to_string(),
            },
            _ => s.to_string(),
        },
        "/" => replace(s, args, 1),
        "//" => replace(s, args, usize::MAX),
        _ => {
            if s.is_empty() && !args.is_empty() {
                args.concat()
            } else {
                s.to_string()
            }
        }
    }
}

/// Go `unicode.ToUpper`/`ToLower` map one rune to one rune; Rust's may expand (ß → SS),
/// so keep the original when the mapping is not a single character.
fn map_first(s: &str, f: impl Fn(char) -> String) -> String {
    let Some(c) = s.chars().next() else {
        return String::new();
    };
    let mapped = f(c);
    let first = if mapped.chars().count() == 1 {
        mapped
    } else {
        c.to_string()
    };
    format!("{first}{}", &s[c.len_utf8()..])
}

/// Go `strings.Replace(s, old, new, n)`, including its rule for an empty `old` (insert
/// before every rune and at the end).
fn replace(s: &str, args: &[String], n: usize) -> String {
    let (from, to) = match args {
        [] => return s.to_string(),
        [from] => (from.as_str(), ""),
        [from, to, ..] => (from.as_str(), to.as_str()),
    };
    if from.is_empty() {
        let mut out = String::new();
        let mut done = 0;
        for c in s.chars() {
            if done < n {
                out.push_str(to);
                done += 1;
            }
            out.push(c);
        }
        if done < n {
            out.push_str(to);
        }
        return out;
    }
    s.replacen(from, to, n)
}

/// `toSubstr`: byte offsets, negative offset from the end, unparsable numbers return `s`.
fn substr(s: &str, args: &[String]) -> String {
    let Some(first) = args.first() else {
        return s.to_string();
    };
    let Some(pos) = atoi(first) else {
        return s.to_string();
    };
    let len = s.len() as i64;
    let mut pos = pos;
    if pos < 0 {
        pos = (len + pos).max(0);
    }
    let slice = |a: i64, b: i64| -> String {
        let a = usize::try_from(a).unwrap_or(0);
        let b = usize::try_from(b).unwrap_or(0);
        String::from_utf8_lossy(s.as_bytes().get(a..b).unwrap_or_default()).into_owned()
    };
    let Some(second) = args.get(1) else {
        return if pos < len {
            slice(pos, len)
        } else {
            String::new()
        };
    };
    let Some(length) = atoi(second) else {
        return s.to_string();
    };
    if pos.saturating_add(length) >= len {
        return if pos < len {
            slice(pos, len)
        } else {
            String::new()
        };
    }
    if length < 0 {
        // Go slices s[pos:pos+length] and panics on a negative length; krust refuses
        // quietly instead and returns the value unchanged.
        return s.to_string();
    }
    slice(pos, pos + length)
}

/// Go `strconv.Atoi`: optional sign, decimal digits, nothing else.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `trimShortest`/`trimLongest` over prefixes `s[0:len(s)-i]` for i in 0..len(s).
fn trim_prefix(s: &str, pat: &str, longest: bool) -> String {
    let mut shortest: Option<usize> = None;
    for i in 0..s.len() {
        let end = s.len() - i;
        let Some(prefix) = s.get(..end) else {
            continue;
        };
        match glob::matches(pat, prefix) {
            Err(_) => return s.to_string(),
            Ok(true) if longest => return s[end..].to_string(),
            Ok(true) => shortest = Some(end),
            Ok(false) => {}
        }
    }
    match shortest {
        Some(end) if end > 0 => s[end..].to_string(),
        _ => s.to_string(),
    }
}

/// The suffix forms reverse the string and the pattern (by runes) and trim a prefix.
fn trim_suffix(s: &str, pat: &str, longest: bool) -> String {
    let rs: String = s.chars().rev().collect();
    let rp: String = pat.chars().rev().collect();
    trim_prefix(&rs, &rp, longest).chars().rev().collect()
}
