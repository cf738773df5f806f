//! The ratchet: `conformance/baseline.toml` holds the minimum pass count per suite.
//!
//! The file is a tiny subset of TOML, read by hand:
//!
//! ```toml
//! # comments
//! [suites]
//! canonical = 120
//! "helm-values" = 3
//! ```

use std::collections::BTreeMap;

use anyhow::{bail, Context};

/// Minimum pass counts by suite name, in name order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub suites: BTreeMap<String, u64>,
}

impl Baseline {
    /// Parses the file's text. Only the `[suites]` table is read; other tables are ignored
    /// so the file can grow without breaking older runners.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut suites = BTreeMap::new();
        let mut in_suites = false;
        for (n, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(table) = line.strip_prefix('[') {
                let Some(name) = table.strip_suffix(']') else {
                    bail!("line {}: unterminated table header {raw:?}", n + 1);
                };
                in_suites = name.trim() == "suites";
                continue;
            }
            if !in_suites {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                bail!("line {}: expected `suite = number`, found {raw:?}", n + 1);
            };
            let key = unquote(key.trim());
            if key.is_empty() {
                bail!("line {}: empty suite name", n + 1);
            }
            let value: u64 = value.trim().replace('_', "").parse().with_context(|| {
                format!("line {}: {:?} is not a pass count", n + 1, value.trim())
            })?;
            if suites.insert(key.to_string(), value).is_some() {
                bail!("line {}: suite {key:?} is listed twice", n + 1);
            }
        }
        Ok(Baseline { suites })
    }

    /// The file's text for these counts.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# Minimum number of passing cases per conformance suite (a ratchet: raise, never lower).\n\
             # Checked by `cargo run --release -p krust-conformance -- --check-baseline`.\n\
             [suites]\n",
        );
        for (name, count) in &self.suites {
            if name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                out.push_str(&format!("{name} = {count}\n"));
            } else {
                out.push_str(&format!("{name:?} = {count}\n"));
            }
        }
        out
    }

    /// Raises each suite's count to `passed` where that is higher (or adds the suite); never
    /// lowers one. Returns the suites that changed, with old and new count.
    pub fn raise(&mut self, passed: &[(String, u64)]) -> Vec<(String, Option<u64>, u64)> {
        let mut changed = Vec::new();
        for (name, count) in passed {
            let old = self.suites.get(name).copied();
            if old.is_none_or(|o| *count > o) {
                self.suites.insert(name.clone(), *count);
                changed.push((name.clone(), old, *count));
            }
        }
        changed
    }
}

fn strip_comment(line: &str) -> &str {
    // Suite names never contain '#', so a '#' always starts a comment here.
    line.split_once('#').map_or(line, |(before, _)| before)
}

fn unquote(key: &str) -> &str {
    key.strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_suites_table() {
        let text = "# ratchet\n[other]\nx = 1\n\n[suites]\ncanonical = 1_200 # trailing\n\"helm-values\" = 3\nkrusty=0\n";
        let b = Baseline::parse(text).expect("parses");
        let got: Vec<_> = b.suites.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            got,
            [("canonical", 1200), ("helm-values", 3), ("krusty", 0)]
        );
    }

    #[test]
    fn rejects_bad_lines() {
        assert!(Baseline::parse("[suites]\ncanonical\n").is_err());
        assert!(Baseline::parse("[suites]\ncanonical = -1\n").is_err());
        assert!(Baseline::parse("[suites]\ncanonical = lots\n").is_err());
        assert!(Baseline::parse("[suites]\na = 1\na = 2\n").is_err());
        assert!(Baseline::parse("[suites\n").is_err());
    }

    #[test]
    fn render_round_trips() {
        let b = Baseline::parse("[suites]\nkrusty = 7\nhelm-values = 2\n").expect("parses");
        assert_eq!(Baseline::parse(&b.render()).expect("parses again"), b);
    }

    #[test]
    fn raise_never_lowers() {
        let mut b = Baseline::parse("[suites]\na = 10\nb = 5\n").expect("parses");
        let changed = b.raise(&[("a".into(), 3), ("b".into(), 6), ("c".into(), 0)]);
        assert_eq!(changed, [("b".into(), Some(5), 6), ("c".into(), None, 0)]);
        assert_eq!(b.suites["a"], 10);
        assert_eq!(b.suites["b"], 6);
    }
}
