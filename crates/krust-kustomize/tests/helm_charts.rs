//! `helmCharts:` regression cases, one directory each under
//! `testdata/kustomize/helm-charts/<case>/` (see `regen.sh` there).
//!
//! A case's `input/` is the kustomization tree without its chart; `CHARTS` lists the paths
//! below `input/` where a copy of `chart-demo/` goes. The tree is built on disk (in a
//! temporary directory) with helm enabled, as `kubectl kustomize --enable-helm` builds it,
//! with the flags in `ARGS` (`--reorder none`; `--no-enable-helm` turns helm off), in the
//! subdirectory named by `BUILD` if any.
//!
//! Every `expected.yaml` was produced by the oracle named in the case's `ORACLE` file:
//! `kubectl kustomize --enable-helm` of kubectl v1.32 (kustomize v5.5.0) driving helm
//! v4.1.4 (`regen.sh` writes them). `HELM=helm3 regen.sh --check` against helm v3.17.2
//! differs only in `.Capabilities.KubeVersion` (v1.32.0 in Helm v3.17, v1.35.0 in v4.1.4).
//! Error cases have an `expected.error`: each `contains:` line occurs in the oracle's
//! message and must occur in krust's, each `krust-contains:` line only in krust's (`\n` is a
//! line break, `INPUT` the input directory); `error-remote-chart` has no oracle (kustomize
//! would download the chart).

use std::path::{Path, PathBuf};

use krust_kustomize::{DiskFs, HelmOptions, Kustomizer, Options, Reorder};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/kustomize/helm-charts")
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}

fn read(case: &Path, name: &str) -> String {
    std::fs::read_to_string(case.join(name)).unwrap_or_default()
}

/// Builds the case; returns the output or the error message (with `INPUT` for the tree).
fn build(case: &Path) -> Result<String, String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = tmp.path().join("input");
    copy_dir(&case.join("input"), &root).map_err(|e| e.to_string())?;
    for dest in read(case, "CHARTS")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        copy_dir(&cases_root().join("chart-demo"), &root.join(dest.trim()))
            .map_err(|e| e.to_string())?;
    }
    let args = read(case, "ARGS");
    let args: Vec<&str> = args.split_whitespace().collect();
    let mut options = Options::default().helm(HelmOptions {
        enabled: !args.contains(&"--no-enable-helm"),
        ..HelmOptions::default()
    });
    if args.windows(2).any(|w| w == ["--reorder", "none"]) {
        options.reorder = Reorder::None;
    }
    let dir = match read(case, "BUILD").trim() {
        "" => root.clone(),
        sub => root.join(sub),
    };
    let out = Kustomizer::new(options)
        .build(&DiskFs, &dir)
        .map_err(|e| e.to_string())
        .and_then(|m| m.to_yaml().map_err(|e| e.to_string()));
    out.map_err(|e| e.replace(&root.display().to_string(), "INPUT"))
}

fn run(case: &Path) -> Result<(), String> {
    let got = build(case);
    if let Ok(want) = std::fs::read_to_string(case.join("expected.yaml")) {
        return match got {
            Ok(out) if out == want => Ok(()),
            Ok(out) => Err(format!("output differs:\n--- want\n{want}--- got\n{out}")),
            Err(e) => Err(format!("build failed: {e}")),
        };
    }
    let want = std::fs::read_to_string(case.join("expected.error"))
        .map_err(|_| "no expected.yaml or expected.error".to_string())?;
    let msg = match got {
        Ok(out) => return Err(format!("expected an error, got:\n{out}")),
        Err(msg) => msg,
    };
    for line in want.lines() {
        let Some(text) = line
            .strip_prefix("contains: ")
            .or_else(|| line.strip_prefix("krust-contains: "))
        else {
            continue;
        };
        let text = text.replace("\\n", "\n");
        if !msg.contains(&text) {
            return Err(format!("error {msg:?} does not contain {text:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_case_equals_the_oracle() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_root())
        .expect("testdata/kustomize/helm-charts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input").is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 19, "{} cases", dirs.len());
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

/// A base inflating a chart is built again, not taken from the sub-build cache, when an
/// including kustomization hands it a namespace (kustomize v5.8.1 `helmRootNamespace`):
/// the chart sees the overlay's namespace, and the base built alone still sees none.
#[test]
fn a_cached_base_does_not_leak_its_helm_namespace() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let base = root.join("base");
    copy_dir(&cases_root().join("chart-demo"), &base.join("charts/demo")).expect("copy");
    std::fs::write(
        base.join("kustomization.yaml"),
        "helmCharts:\n- name: demo\n  releaseName: rel\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("overlay")).expect("mkdir");
    std::fs::write(
        root.join("overlay/kustomization.yaml"),
        "namespace: prod\nresources:\n- ../base\n",
    )
    .expect("write");
    let k = Kustomizer::new(Options::default().helm(HelmOptions {
        enabled: true,
        ..HelmOptions::default()
    }));
    let ns_of_deployment = |dir: &Path| {
        let m = k.build(&DiskFs, dir).expect("build");
        m.iter()
            .find(|r| r.kind() == "Deployment")
            .map(|r| r.namespace().to_string())
            .expect("a Deployment")
    };
    k.prebuild(&DiskFs, &base).expect("prebuild");
    assert_eq!(ns_of_deployment(&root.join("overlay")), "prod");
    assert_eq!(ns_of_deployment(&base), "default");
    assert_eq!(ns_of_deployment(&root.join("overlay")), "prod");
}
