//! Regression cases for kustomize exactness, one directory each under
//! `testdata/kustomize/<case>/`: `input/` is built with default options (as
//! `kubectl kustomize DIR` does) and must print `expected.yaml` byte for byte, or fail
//! (`expected.error`; a line `contains: TEXT` there must occur in krust's message). `ORACLE`
//! in each case says which kubectl produced the expected file (`scripts/exact-cases.sh`
//! writes them); cases marked `VERSION-DIFFERENCE` follow kustomize v5.8.1 where the
//! kubectl versions differ (crates/krust-kustomize/src/versions.md).

use std::path::{Path, PathBuf};

use krust_kustomize::{DiskFs, Kustomizer, Options};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/kustomize")
}

fn run(case: &Path) -> Result<(), String> {
    let input = case.join("input");
    // One Kustomizer for every build of the case, so that `ALSO_BUILD` (subdirectories of
    // input/, built first, in order) exercises the sub-build cache.
    let k = Kustomizer::new(Options::default());
    let also = std::fs::read_to_string(case.join("ALSO_BUILD")).unwrap_or_default();
    for sub in also.lines().filter(|l| !l.trim().is_empty()) {
        let want = std::fs::read_to_string(case.join(format!("expected.{sub}.yaml")))
            .map_err(|e| format!("expected.{sub}.yaml: {e}"))?;
        let got = k
            .build(&DiskFs, &input.join(sub))
            .map_err(|e| e.to_string())
            .and_then(|m| m.to_yaml().map_err(|e| e.to_string()))
            .map_err(|e| format!("{sub}: build failed: {e}"))?;
        if got != want {
            return Err(format!(
                "{sub}: output differs:\n--- want\n{want}--- got\n{got}"
            ));
        }
    }
    let got = k
        .build(&DiskFs, &input)
        .map_err(|e| e.to_string())
        .and_then(|m| m.to_yaml().map_err(|e| e.to_string()));
    if let Ok(want) = std::fs::read_to_string(case.join("expected.yaml")) {
        return match got {
            Ok(out) if out == want => Ok(()),
            Ok(out) => Err(format!("output differs:\n--- want\n{want}--- got\n{out}")),
            Err(e) => Err(format!("build failed: {e}")),
        };
    }
    let want = std::fs::read_to_string(case.join("expected.error"))
        .map_err(|_| "no expected.yaml or expected.error".to_string())?;
    match got {
        Ok(out) => Err(format!("expected an error, got:\n{out}")),
        Err(msg) => {
            let msg = msg.replace(&format!("{}", input.display()), "INPUT");
            for line in want.lines() {
                if let Some(text) = line.strip_prefix("contains: ") {
                    if !msg.contains(text) {
                        return Err(format!("error {msg:?} does not contain {text:?}"));
                    }
                }
            }
            Ok(())
        }
    }
}

#[test]
fn every_case_equals_kubectl() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_root())
        .expect("testdata/kustomize")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input").is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    let mut failed = Vec::new();
    for d in &dirs {
        let name = d.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Err(e) = run(d) {
            failed.push(format!("{}: {e}", name.unwrap_or_default()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        dirs.len(),
        failed.join("\n\n")
    );
}

/// `Kustomizer::prebuild` of a base stores what a parent's build would: building the
/// overlays afterwards gives kubectl's output for each.
#[test]
fn prebuilt_base_serves_the_overlays() {
    let case = cases_root().join("openapi-schema-set-between-two-uses-of-a-base");
    let input = case.join("input");
    let k = Kustomizer::new(Options::default());
    k.prebuild(&DiskFs, &input.join("base")).expect("prebuild");
    k.prebuild(&DiskFs, &input.join("base"))
        .expect("prebuild again");
    for sub in ["a", "b"] {
        let want =
            std::fs::read_to_string(case.join(format!("expected.{sub}.yaml"))).expect("expected");
        let got = k
            .build(&DiskFs, &input.join(sub))
            .expect("build")
            .to_yaml()
            .expect("print");
        assert_eq!(got, want, "{sub}");
    }
}
