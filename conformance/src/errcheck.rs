//! Checking a build error against a case's expectations (krusty `error_checks`).

use regex::Regex;

/// How one expected-error entry is compared with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// The message contains the text.
    Contains,
    /// The whole message equals the text.
    Equals,
    /// The Go RE2 pattern matches somewhere in the message (unanchored).
    Regexp,
}

impl Op {
    pub fn parse(s: &str) -> anyhow::Result<Op> {
        match s {
            "contains" => Ok(Op::Contains),
            "equals" => Ok(Op::Equals),
            "regexp" => Ok(Op::Regexp),
            other => anyhow::bail!("unknown error check op {other:?}"),
        }
    }
}

/// One `{op, text}` entry of `error_checks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCheck {
    pub op: Op,
    pub text: String,
}

impl ErrorCheck {
    /// `Ok(())` when `message` satisfies the check, else why not.
    pub fn check(&self, message: &str) -> Result<(), String> {
        let ok = match self.op {
            Op::Contains => message.contains(&self.text),
            Op::Equals => message == self.text,
            Op::Regexp => {
                let re = Regex::new(&self.text)
                    .map_err(|e| format!("bad regexp {:?}: {e}", self.text))?;
                re.is_match(message)
            }
        };
        if ok {
            Ok(())
        } else {
            let op = match self.op {
                Op::Contains => "does not contain",
                Op::Equals => "does not equal",
                Op::Regexp => "does not match",
            };
            Err(format!("error {message:?} {op} {:?}", self.text))
        }
    }
}

/// Checks `message` against every entry; an empty list only requires that the build failed.
pub fn check_all(checks: &[ErrorCheck], message: &str) -> Result<(), String> {
    checks.iter().try_for_each(|c| c.check(message))
}

/// Makes an error message name files as the test sees them: every occurrence of the absolute
/// path of the case's `input/` directory is removed, so `<abs>/input/base` reads `/base`.
/// `roots` lists that directory's spellings (as given, canonical); a trailing `/` is ignored.
pub fn normalise_paths(message: &str, roots: &[&str]) -> String {
    let mut roots: Vec<&str> = roots
        .iter()
        .map(|r| r.trim_end_matches('/'))
        .filter(|r| !r.is_empty())
        .collect();
    // Longest first, so a root that extends another is removed whole.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    roots.dedup();
    let mut out = message.to_string();
    for root in roots {
        out = out.replace(root, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(op: &str, text: &str) -> ErrorCheck {
        ErrorCheck {
            op: Op::parse(op).expect("known op"),
            text: text.into(),
        }
    }

    #[test]
    fn contains_equals_regexp() {
        let msg = "accumulating resources: accumulation err='accumulating resources from 'svc.yaml': missing'";
        assert!(check("contains", "accumulation err=").check(msg).is_ok());
        assert!(check("contains", "Accumulation").check(msg).is_err());
        assert!(check("equals", msg).check(msg).is_ok());
        assert!(check("equals", "accumulating resources")
            .check(msg)
            .is_err());
        // Unanchored, RE2 syntax.
        assert!(check("regexp", r"from '\S+\.yaml': miss")
            .check(msg)
            .is_ok());
        assert!(check("regexp", r"^from").check(msg).is_err());
        assert!(
            matches!(check("regexp", "(unclosed").check(msg), Err(e) if e.starts_with("bad regexp"))
        );
        assert!(Op::parse("startswith").is_err());
    }

    #[test]
    fn all_checks_must_hold_and_none_means_any_error() {
        let checks = [check("contains", "a"), check("contains", "b")];
        assert!(check_all(&checks, "ab").is_ok());
        assert!(check_all(&checks, "a").is_err());
        assert!(check_all(&[], "whatever").is_ok());
    }

    #[test]
    fn paths_are_made_relative_to_input() {
        let msg = "security; file '/tmp/x/case/input/base/r.yaml' is not in or below '/tmp/x/case/input/root'";
        assert_eq!(
            normalise_paths(msg, &["/tmp/x/case/input/"]),
            "security; file '/base/r.yaml' is not in or below '/root'"
        );
        // A canonical spelling (symlinks resolved) is removed too, longest first.
        let msg = "'/real/case/input/a' and '/link/case/input/b'";
        assert_eq!(
            normalise_paths(msg, &["/link/case/input", "/real/case/input", ""]),
            "'/a' and '/b'"
        );
        assert_eq!(normalise_paths("no paths", &["/"]), "no paths");
    }
}
