//! `krust flux build|check|plan` run as a real binary over the project's own Flux test
//! repositories (testdata/flux).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn testdata(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/flux")
        .join(p)
}

fn krust(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_krust"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("running krust: {e}"),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tenant_args(cmd: &str) -> Vec<String> {
    vec![
        "flux".into(),
        cmd.into(),
        testdata("tenant-violations/platform").display().to_string(),
        "--cluster".into(),
        "dev".into(),
        "--source".into(),
        format!(
            "GitRepository/team-a/team-a={}",
            testdata("tenant-violations/tenant").display()
        ),
    ]
}

#[test]
fn build_writes_one_file_per_kustomization_and_the_cluster_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let mut args = tenant_args("build");
    args.extend(["-o".to_string(), out_dir.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = krust(&args);
    // Two tenant Kustomizations cannot build (cross-namespace source, remote base).
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Kustomization team-a/remote"));
    let tenants = std::fs::read_to_string(out_dir.join("flux-system--tenants.yaml"))
        .expect("flux-system--tenants.yaml");
    assert!(tenants.starts_with("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n"));
    let main = std::fs::read_to_string(out_dir.join("team-a--team-a.yaml")).expect("main");
    assert!(main.contains("kind: HelmRelease"));
    assert!(!out_dir.join("team-a--remote.yaml").exists());
    let view = std::fs::read_to_string(out_dir.join("cluster.yaml")).expect("cluster.yaml");
    assert!(view.contains("kustomization: team-a/team-a"));
    assert!(view.contains("- --no-remote-bases=true"));
    assert!(view.contains("effectiveServiceAccount: team-a"));
}

#[test]
fn build_streams_and_substitutes() {
    let repo = testdata("graph");
    let out = krust(&[
        "flux",
        "build",
        &repo.display().to_string(),
        "--cluster",
        "dev",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    // a and b have no postBuild: `${env:=none}` stays; c substitutes it.
    assert_eq!(s.matches("env: ${env:=none}").count(), 2, "{s}");
    assert_eq!(s.matches("  env: dev\n").count(), 2, "{s}");
    let out = krust(&[
        "flux",
        "build",
        &repo.display().to_string(),
        "--cluster",
        "dev",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(6));
}

#[test]
fn check_reports_findings_and_fails_on_errors() {
    let mut args = tenant_args("check");
    args.extend(["--format".to_string(), "json".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = krust(&args);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v.as_array().cloned().unwrap_or_default();
    for rule in ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "P1"] {
        let n = findings.iter().filter(|f| f["rule"] == rule).count();
        assert_eq!(n, 1, "{rule}");
    }
    let t1 = findings
        .iter()
        .find(|f| f["rule"] == "T1")
        .cloned()
        .unwrap_or_default();
    assert_eq!(t1["object"], "Kustomization/team-a/no-sa");
    assert_eq!(t1["severity"], "error");
    assert_eq!(t1["file"], "tenants/team-a/sync.yaml");
}

#[test]
fn check_with_warnings_only_exits_zero() {
    let repo = testdata("warnings");
    let out = krust(&[
        "flux",
        "check",
        &repo.display().to_string(),
        "--cluster",
        "dev",
    ]);
    let s = text(&out.stdout);
    assert!(
        s.contains("warning T9 OCIRepository/flux-system/addons"),
        "{s}"
    );
    assert!(
        s.contains("warning SOURCE Kustomization/flux-system/addons"),
        "{s}"
    );
    assert!(s.ends_with("2 findings: 0 errors, 2 warnings\n"), "{s}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_fails_on_graph_errors() {
    let repo = testdata("graph");
    let out = krust(&[
        "flux",
        "check",
        &repo.display().to_string(),
        "--cluster",
        "dev",
    ]);
    let s = text(&out.stdout);
    assert!(s.contains("error GRAPH Kustomization/flux-system/c"), "{s}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn plan_prints_waves_and_names_every_cycle_member() {
    let mut args = tenant_args("plan");
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = krust(&args_ref);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.starts_with("wave 1: flux-system/flux-system\nwave 2: flux-system/infra\nwave 3: flux-system/tenants\n"), "{s}");
    args.clear();
    let repo = testdata("graph");
    let out = krust(&[
        "flux",
        "plan",
        &repo.display().to_string(),
        "--cluster",
        "dev",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.contains("dependency cycle: flux-system/a -> flux-system/b"),
        "{s}"
    );
    assert!(
        s.contains("dependency 'flux-system/missing' not found"),
        "{s}"
    );
    assert!(!s.contains("flux-system/c\n"), "c is blocked: {s}");
}

#[test]
fn bad_input_names_the_kustomization() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("clusters/x")).expect("mkdir");
    std::fs::write(
        root.join("clusters/x/ks.yaml"),
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  path: ./nope\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    )
    .expect("write");
    let out = krust(&[
        "flux",
        "build",
        &root.display().to_string(),
        "--cluster",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(
        e.contains("Kustomization flux-system/web (defined in clusters/x/ks.yaml): field spec.path: kustomization path not found"),
        "{e}"
    );
}
