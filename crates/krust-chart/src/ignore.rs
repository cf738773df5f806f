//! `.helmignore` rules (Helm's `pkg/ignore`), applied when a chart directory is loaded.

use crate::glob::{path_match, path_pattern_ok};
use crate::ChartError;

/// The parsed rules of a `.helmignore` file plus Helm's default `templates/.?*`.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// `/x`: matched against the whole path without the leading slash.
    Rooted,
    /// `a/b`: matched against the whole path.
    Path,
    /// `x`: matched against the base name.
    Base,
}

impl Rules {
    /// Parses a `.helmignore` text; a `**` rule or a malformed pattern is an error as in Helm.
    pub fn parse(text: &str) -> Result<Rules, ChartError> {
        let mut r = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            r.add(line)?;
        }
        Ok(r)
    }

    /// Adds Helm's default rule, `templates/.?*`.
    pub fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, rule: &str) -> Result<(), ChartError> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(ChartError::Load(
                "double-star (**) syntax is not supported".into(),
            ));
        }
        if !path_pattern_ok(rule) {
            return Err(ChartError::Load("syntax error in pattern".into()));
        }
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (Kind::Rooted, r)
        } else if rule.contains('/') {
            (Kind::Path, rule)
        } else {
            (Kind::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.to_string(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (slash-separated, relative to the chart root) is ignored. The odd
    /// negation semantics are Helm's: a `!x` rule ignores every path it does not match.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let matched = || match p.kind {
                Kind::Rooted | Kind::Path => path_match(&p.rule, path),
                Kind::Base => path_match(&p.rule, path.rsplit('/').next().unwrap_or(path)),
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched() {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched() {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let mut r = Rules::parse("# c\n*.tgz\n.git/\n/ci\ndocs/*.md\n").unwrap_or_default();
        r.add_defaults();
        assert!(r.ignore("charts/x.tgz", false));
        assert!(r.ignore(".git", true));
        assert!(!r.ignore(".git", false));
        assert!(r.ignore("ci", true));
        assert!(!r.ignore("a/ci", true));
        assert!(r.ignore("docs/a.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(Rules::parse("a/**").is_err());
    }
}
