//! Per-suite summaries (printed) and the JSON report (written).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value as Json};

use crate::case::{CaseResult, Outcome};

/// What one suite produced.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    pub name: String,
    /// Set when the suite could not run at all (missing corpus, panic, time-out).
    pub error: Option<String>,
    pub cases: Vec<CaseResult>,
    pub seconds: f64,
}

/// Pass, fail and skip counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(_) => self.failed += 1,
            Outcome::Skip(_) => self.skipped += 1,
        }
    }
}

impl SuiteReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for case in &self.cases {
            c.add(&case.outcome);
        }
        c
    }

    /// Counts per tag, tags in name order; untagged cases count under `(untagged)`.
    pub fn by_tag(&self) -> BTreeMap<String, Counts> {
        let mut map: BTreeMap<String, Counts> = BTreeMap::new();
        for case in &self.cases {
            if case.tags.is_empty() {
                map.entry("(untagged)".to_string())
                    .or_default()
                    .add(&case.outcome);
            }
            for tag in &case.tags {
                map.entry(tag.clone()).or_default().add(&case.outcome);
            }
        }
        map
    }

    /// The suite's printed summary. Failing cases always, passing and skipped ones only when
    /// `verbose`; then the per-tag table; the last line is `SUITE: N passed, N failed, N skipped`.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "== {} ({} cases, {:.1} s)",
            self.name,
            self.cases.len(),
            self.seconds
        );
        if let Some(e) = &self.error {
            let _ = writeln!(out, "ERROR {}: {}", self.name, crate::case::one_line(e));
        }
        for case in &self.cases {
            match &case.outcome {
                Outcome::Fail(reason) => {
                    let _ = writeln!(out, "FAIL {}: {}", case.id, reason);
                }
                Outcome::Skip(reason) if verbose => {
                    let _ = writeln!(out, "SKIP {}: {}", case.id, reason);
                }
                Outcome::Pass if verbose => {
                    let _ = writeln!(out, "PASS {}", case.id);
                }
                _ => {}
            }
        }
        let tags = self.by_tag();
        if !tags.is_empty() {
            let width = tags.keys().map(|t| t.len()).max().unwrap_or(0).max(3);
            let _ = writeln!(
                out,
                "  {:width$}  {:>5} {:>5} {:>5}",
                "tag", "pass", "fail", "skip"
            );
            for (tag, c) in &tags {
                let _ = writeln!(
                    out,
                    "  {tag:width$}  {:>5} {:>5} {:>5}",
                    c.passed, c.failed, c.skipped
                );
            }
        }
        let c = self.counts();
        let _ = writeln!(
            out,
            "{}: {} passed, {} failed, {} skipped",
            self.name, c.passed, c.failed, c.skipped
        );
        out
    }

    pub fn to_json(&self) -> Json {
        let c = self.counts();
        let by_tag: serde_json::Map<String, Json> = self
            .by_tag()
            .into_iter()
            .map(|(t, c)| {
                (
                    t,
                    json!({"passed": c.passed, "failed": c.failed, "skipped": c.skipped}),
                )
            })
            .collect();
        let cases: Vec<Json> = self
            .cases
            .iter()
            .map(|case| {
                json!({
                    "id": case.id,
                    "tags": case.tags,
                    "outcome": case.outcome.label(),
                    "reason": case.outcome.reason(),
                })
            })
            .collect();
        json!({
            "name": self.name,
            "error": self.error,
            "passed": c.passed,
            "failed": c.failed,
            "skipped": c.skipped,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
            "by_tag": by_tag,
            "cases": cases,
        })
    }
}

/// The whole report file.
pub fn report_json(suites: &[SuiteReport]) -> Json {
    json!({ "suites": suites.iter().map(SuiteReport::to_json).collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, tags: &[&str], outcome: Outcome) -> CaseResult {
        CaseResult {
            id: id.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            outcome,
        }
    }

    fn sample() -> SuiteReport {
        SuiteReport {
            name: "demo".into(),
            error: None,
            cases: vec![
                case("a", &["resources", "patches"], Outcome::Pass),
                case("b", &["resources"], Outcome::Fail("differs".into())),
                case("c", &[], Outcome::Skip("needs helm".into())),
            ],
            seconds: 0.5,
        }
    }

    #[test]
    fn counts_and_tags() {
        let r = sample();
        assert_eq!(
            r.counts(),
            Counts {
                passed: 1,
                failed: 1,
                skipped: 1
            }
        );
        let tags = r.by_tag();
        assert_eq!(
            tags["resources"],
            Counts {
                passed: 1,
                failed: 1,
                skipped: 0
            }
        );
        assert_eq!(
            tags["patches"],
            Counts {
                passed: 1,
                failed: 0,
                skipped: 0
            }
        );
        assert_eq!(
            tags["(untagged)"],
            Counts {
                passed: 0,
                failed: 0,
                skipped: 1
            }
        );
    }

    #[test]
    fn last_line_is_the_summary_and_passes_are_quiet() {
        let text = sample().render(false);
        assert_eq!(
            text.lines().last(),
            Some("demo: 1 passed, 1 failed, 1 skipped")
        );
        assert!(text.contains("FAIL b: differs"));
        assert!(!text.contains("PASS a"));
        assert!(sample().render(true).contains("PASS a"));
    }

    #[test]
    fn json_has_every_case() {
        let j = report_json(&[sample()]);
        let cases = j["suites"][0]["cases"].as_array().expect("cases");
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[1]["outcome"], "fail");
        assert_eq!(cases[1]["reason"], "differs");
        assert_eq!(cases[2]["reason"], "needs helm");
        assert_eq!(j["suites"][0]["passed"], 1);
    }
}
