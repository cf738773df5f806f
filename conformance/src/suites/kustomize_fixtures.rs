//! The `kustomize-fixtures` suite: every expected file of mode `kustomize-build` in
//! `fixtures/*/expected/index.yaml`, built from the fixture repository in place with the flags
//! the fixtures were made with (`--reorder=none --load-restrictor=LoadRestrictionsNone`, see
//! `spec/flux-fixtures.md`) and compared byte for byte.

use std::path::{Path, PathBuf};

use anyhow::Context;
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};
use krust_yaml::{Typing, Value};

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};
use crate::suites::canonical::first_difference;

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let root = shared.join("fixtures");
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("expected/index.yaml").is_file())
        .collect();
    repos.sort();
    anyhow::ensure!(!repos.is_empty(), "no fixtures under {}", root.display());
    let mut jobs = Vec::new();
    for repo in repos {
        let repo_name = repo
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let index_path = repo.join("expected/index.yaml");
        let text = std::fs::read_to_string(&index_path)
            .with_context(|| format!("reading {}", index_path.display()))?;
        let index =
            krust_yaml::parse_document(&text, &index_path.to_string_lossy(), Typing::Yaml11)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        let entries = index
            .get("expected")
            .and_then(Value::as_seq)
            .cloned()
            .unwrap_or_default();
        for entry in entries {
            if entry.get("mode").and_then(Value::as_str) != Some("kustomize-build") {
                continue;
            }
            let (Some(file), Some(dir)) = (
                entry.get("file").and_then(Value::as_str),
                entry.get("dir").and_then(Value::as_str),
            ) else {
                anyhow::bail!(
                    "{}: an expected entry lacks file or dir",
                    index_path.display()
                );
            };
            let id = format!("{repo_name}/{dir}");
            let build_dir = repo.join(dir);
            let expected = repo.join("expected").join(file);
            jobs.push(Job::new(id, vec![repo_name.clone()], move || {
                run_case(&build_dir, &expected)
            }));
        }
    }
    Ok(run_jobs(jobs, Limits::default()))
}

fn run_case(dir: &Path, expected: &Path) -> Outcome {
    let expected = match std::fs::read_to_string(expected) {
        Ok(t) => t,
        Err(e) => return Outcome::fail(format!("reading {}: {e}", expected.display())),
    };
    let kustomizer = Kustomizer::new(
        Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None),
    );
    let actual = match kustomizer.build(&DiskFs, dir).map(|m| m.to_yaml()) {
        Ok(Ok(yaml)) => yaml,
        Ok(Err(e)) => return Outcome::fail(format!("printing failed: {e}")),
        Err(e) => return Outcome::fail(format!("build failed: {e}")),
    };
    if actual == expected {
        Outcome::Pass
    } else {
        Outcome::fail(first_difference(&expected, &actual))
    }
}
