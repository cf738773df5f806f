//! The `helm-template` suite: every case of `conformance/helm-template` (Helm v4.1.4
//! renders of pinned upstream charts) through `krust_chart::template`.
//!
//! A success case passes when the output, masked line by line with the case's `mask`
//! regexes, equals `expected.yaml` byte for byte. An error case passes when the render
//! fails with a message containing the case's `error` text (Helm prints it after
//! `Error: `). The case's `args` are read as `helm template` would read them.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use krust_chart::{Options, ValueSource};
use krust_yaml::{Typing, Value};

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};

/// Cases whose expectation contradicts upstream source: (case name, reason with citation).
/// None so far.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[];

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let root = shared.join("conformance/helm-template");
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("cases"))
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("case.yaml").is_file())
        .collect();
    names.sort();
    let mut jobs = Vec::new();
    for dir in names {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let root = root.clone();
        let tag = name.split('-').next().unwrap_or("").to_string();
        jobs.push(Job::new(name, vec![tag], move || {
            match run_case(&root, &dir) {
                Ok(o) => o,
                Err(e) => Outcome::fail(format!("{e:#}")),
            }
        }));
    }
    anyhow::ensure!(
        !jobs.is_empty(),
        "no helm-template cases under {}",
        root.display()
    );
    let limits = Limits {
        per_case: std::time::Duration::from_secs(60),
        deadline: std::time::Instant::now() + std::time::Duration::from_secs(600),
    };
    let mut results = run_jobs(jobs, limits);
    for r in &mut results {
        if let Outcome::Fail(reason) = &r.outcome {
            if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(id, _)| *id == r.id) {
                r.outcome = Outcome::fail(format!("known divergence: {why}; {reason}"));
            }
        }
    }
    Ok(results)
}

fn strings(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn run_case(root: &Path, dir: &Path) -> anyhow::Result<Outcome> {
    let src = std::fs::read_to_string(dir.join("case.yaml"))?;
    let case = krust_yaml::parse_document(&src, "case.yaml", Typing::Kyaml)?;
    let chart = case.str_at(&["chart"]).context("no chart")?;
    let mut opts = Options {
        release_name: case.str_at(&["release"]).context("no release")?.to_string(),
        namespace: case.str_at(&["namespace"]).unwrap_or("default").to_string(),
        ..Options::default()
    };
    let args = strings(&case, "args");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().context("flag without value");
        match a.as_str() {
            "--skip-tests" => opts.skip_tests = true,
            "--include-crds" => opts.include_crds = true,
            "--is-upgrade" => opts.is_upgrade = true,
            "--no-hooks" => opts.no_hooks = true,
            "--skip-schema-validation" => opts.skip_schema_validation = true,
            "--kube-version" => opts.kube_version = Some(value()?),
            "--api-versions" | "-a" => opts
                .api_versions
                .extend(value()?.split(',').map(str::to_string)),
            "--show-only" | "-s" => opts.show_only.push(value()?),
            "--set-string" => opts.values.push(ValueSource::SetString(value()?)),
            "--set-json" => opts.values.push(ValueSource::SetJson(value()?)),
            other => bail!("unsupported helm argument {other}"),
        }
    }
    for f in strings(&case, "values") {
        let data = std::fs::read(root.join(&f)).with_context(|| format!("reading {f}"))?;
        opts.values.push(ValueSource::File { name: f, data });
    }
    for s in strings(&case, "set") {
        opts.values.push(ValueSource::Set(s));
    }
    let masks = strings(&case, "mask")
        .iter()
        .map(|m| regex::Regex::new(m))
        .collect::<Result<Vec<_>, _>>()?;
    let result = krust_chart::template_path(&root.join("charts").join(chart), &opts);
    if let Some(want) = case.str_at(&["error"]) {
        return Ok(match result {
            Ok(_) => Outcome::fail(format!("rendered, but helm fails with: {want}")),
            Err(e) if e.to_string().contains(want) => Outcome::Pass,
            Err(e) => Outcome::fail(format!("wrong error: {e} (want: {want})")),
        });
    }
    let got = match result {
        Ok(out) => out,
        Err(e) => return Ok(Outcome::fail(format!("error: {e}"))),
    };
    let got = mask(&got, &masks);
    let want = std::fs::read_to_string(dir.join("expected.yaml"))?;
    if got == want {
        return Ok(Outcome::Pass);
    }
    Ok(Outcome::fail(first_difference(&want, &got)))
}

fn mask(text: &str, masks: &[regex::Regex]) -> String {
    if masks.is_empty() {
        return text.to_string();
    }
    text.split('\n')
        .map(|line| {
            let mut l = line.to_string();
            for m in masks {
                l = m.replace_all(&l, "MASKED").into_owned();
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first differing line, with the `# Source:` it is under.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut source = "";
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i).copied(), g.get(i).copied());
        if let Some(s) = a.and_then(|l| l.strip_prefix("# Source: ")) {
            source = s;
        }
        if a != b {
            return format!(
                "line {} (under {source}): want {:?}, got {:?}",
                i + 1,
                a.unwrap_or("<end>"),
                b.unwrap_or("<end>")
            );
        }
    }
    format!(
        "outputs differ only in trailing bytes ({} vs {} bytes)",
        want.len(),
        got.len()
    )
}
