//! The `canonical` suite: one input file listed alone in a kustomization, built with default
//! options and `--reorder=none`; the output must equal `expected.yaml` byte for byte, or the
//! build must fail where the case has `expected-error.txt`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};
use crate::engine::{self, BuildOptions, Reorder, Tree};

/// The kustomization every case is built with.
const KUSTOMIZATION: &str = "resources:\n- input.yaml\n";

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let root = shared.join("conformance/canonical");
    let sources = read_index(&root.join("INDEX.tsv"))?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    anyhow::ensure!(!dirs.is_empty(), "no cases under {}", root.display());
    let jobs = dirs
        .into_iter()
        .map(|dir| {
            let id = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut tags = vec![source_tag(
                sources
                    .iter()
                    .find(|(c, _)| *c == id)
                    .map(|(_, s)| s.as_str()),
            )];
            if dir.join("expected-error.txt").exists() {
                tags.push("expect-error".to_string());
            }
            Job::new(id, tags, move || run_case(&dir))
        })
        .collect();
    Ok(run_jobs(jobs, Limits::default()))
}

/// `(case, source)` rows of INDEX.tsv.
fn read_index(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let case = cols.next()?;
            let _expect = cols.next()?;
            let source = cols.next()?;
            Some((case.to_string(), source.to_string()))
        })
        .collect())
}

/// A coarse tag from the case's source: `scalar-plain`, `blocks`, `krusty`, `fixtures`, ...
fn source_tag(source: Option<&str>) -> String {
    let Some(source) = source else {
        return "unindexed".to_string();
    };
    if let Some(rest) = source.strip_prefix("scalar-") {
        let style = rest.rsplit('-').next().unwrap_or(rest);
        return format!("scalar-{style}");
    }
    match source.split('/').next() {
        Some("conformance") => "krusty".to_string(),
        Some(first) => first.to_string(),
        None => source.to_string(),
    }
}

fn run_case(dir: &Path) -> Outcome {
    let input = match std::fs::read(dir.join("input.yaml")) {
        Ok(b) => b,
        Err(e) => return Outcome::fail(format!("reading input.yaml: {e}")),
    };
    let tree = Tree {
        files: vec![
            (
                "kustomization.yaml".to_string(),
                KUSTOMIZATION.as_bytes().to_vec(),
            ),
            ("input.yaml".to_string(), input),
        ],
        empty_dirs: Vec::new(),
        placeholder: None,
    };
    let options = BuildOptions {
        reorder: Reorder::None,
        ..BuildOptions::default()
    };
    let result = engine::build(&tree, ".", &options);
    let expected_error = dir.join("expected-error.txt");
    if expected_error.exists() {
        return match result {
            Err(_) => Outcome::Pass,
            Ok(_) => {
                let go = std::fs::read_to_string(&expected_error).unwrap_or_default();
                Outcome::fail(format!(
                    "build succeeded, expected an error like: {}",
                    go.trim()
                ))
            }
        };
    }
    let expected = match std::fs::read_to_string(dir.join("expected.yaml")) {
        Ok(t) => t,
        Err(e) => return Outcome::fail(format!("reading expected.yaml: {e}")),
    };
    match result {
        Err(e) => Outcome::fail(format!("build failed: {e}")),
        Ok(actual) if actual == expected => Outcome::Pass,
        Ok(actual) => Outcome::fail(first_difference(&expected, &actual)),
    }
}

/// Describes where two outputs first differ, by line.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let mut exp = expected.split_inclusive('\n');
    let mut act = actual.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (exp.next(), act.next()) {
            (Some(e), Some(a)) if e == a => line += 1,
            (Some(e), Some(a)) => return format!("line {line}: expected {e:?}, got {a:?}"),
            (Some(e), None) => return format!("line {line}: expected {e:?}, got end of output"),
            (None, Some(a)) => return format!("line {line}: expected end of output, got {a:?}"),
            (None, None) => return "outputs differ".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_from_sources() {
        assert_eq!(source_tag(Some("scalar-012-double")), "scalar-double");
        assert_eq!(source_tag(Some("blocks")), "blocks");
        assert_eq!(
            source_tag(Some("conformance/krusty/x_test/T/input/a.yaml")),
            "krusty"
        );
        assert_eq!(source_tag(Some("fixtures/repo/a.yaml")), "fixtures");
        assert_eq!(source_tag(None), "unindexed");
    }

    #[test]
    fn differences_name_the_line() {
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n"),
            "line 2: expected \"b\\n\", got \"c\\n\""
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            "line 2: expected end of output, got \"b\\n\""
        );
        assert_eq!(
            first_difference("a\nb", "a\n"),
            "line 2: expected \"b\", got end of output"
        );
        assert_eq!(
            first_difference("a\n", "a"),
            "line 1: expected \"a\\n\", got \"a\""
        );
    }
}
