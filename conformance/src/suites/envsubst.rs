//! The `envsubst` suite: every case of `fixtures/envsubst-vectors.yaml` through
//! `krust_flux::envsubst::eval` with kustomize-controller's variable mapping (strict: an
//! undefined name is "not set"; otherwise it is `""`).
//!
//! A case passes when the output is byte-identical, or, for an `error` case, when the
//! evaluation fails with a message containing the expected text. The vector file was
//! written by PyYAML, which quotes every string that would read as another type, so it is
//! read with YAML 1.2 core typing (`Typing::Kyaml`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use krust_flux::envsubst::{eval, Vars};
use krust_yaml::{Typing, Value};

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};

/// Cases whose expectation contradicts upstream source: (case name, reason with citation).
/// None so far.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[];

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let file = shared.join("fixtures/envsubst-vectors.yaml");
    let src =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let doc = krust_yaml::parse_document(&src, &file.display().to_string(), Typing::Kyaml)
        .with_context(|| format!("parsing {}", file.display()))?;
    let cases = doc
        .get("cases")
        .and_then(Value::as_seq)
        .context("no `cases` list")?;
    let mut jobs = Vec::new();
    for case in cases {
        let name = case.str_at(&["name"]).context("a case without a name")?;
        let case = case.clone();
        jobs.push(Job::new(name, vec!["envsubst".into()], move || {
            run_case(&case)
        }));
    }
    anyhow::ensure!(!jobs.is_empty(), "no envsubst cases in {}", file.display());
    let mut results = run_jobs(jobs, Limits::default());
    for r in &mut results {
        if let Outcome::Fail(reason) = &r.outcome {
            if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(id, _)| *id == r.id) {
                r.outcome = Outcome::fail(format!("known divergence: {why}; {reason}"));
            }
        }
    }
    Ok(results)
}

fn run_case(case: &Value) -> Outcome {
    let mut vars = BTreeMap::new();
    for (k, v) in case
        .get("vars")
        .and_then(Value::as_map)
        .into_iter()
        .flatten()
    {
        let Some(v) = v.as_str() else {
            return Outcome::fail(format!("var {} is not a string", k.as_str()));
        };
        vars.insert(k.as_str().to_string(), v.to_string());
    }
    let strict = case.get("strict").and_then(Value::as_bool).unwrap_or(false);
    let Some(input) = case.str_at(&["input"]) else {
        return Outcome::fail("the case has no string input");
    };
    let got = eval(input, &Vars::new(&vars, strict));
    match (case.str_at(&["output"]), case.str_at(&["error"]), got) {
        (Some(want), _, Ok(got)) if got == want => Outcome::Pass,
        (Some(want), _, Ok(got)) => Outcome::fail(format!("want {want:?}, got {got:?}")),
        (Some(want), _, Err(e)) => Outcome::fail(format!("want {want:?}, got error: {e}")),
        (None, Some(want), Err(e)) if e.to_string().contains(want) => Outcome::Pass,
        (None, Some(want), Err(e)) => {
            Outcome::fail(format!("want an error containing {want:?}, got error: {e}"))
        }
        (None, Some(want), Ok(got)) => {
            Outcome::fail(format!("want an error containing {want:?}, got {got:?}"))
        }
        (None, None, _) => Outcome::fail("the case has neither output nor error"),
    }
}
