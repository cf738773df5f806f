//! `krust template` run as a binary on krust's own test chart (`testdata/charts/kitchen`);
//! every expected stdout, stderr message and exit status was produced by Helm v4.1.4 (see
//! `testdata/charts/README.md`).

use std::path::PathBuf;
use std::process::{Command, Output};

fn charts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/charts")
}

fn krust(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("template")
        .args(args)
        .current_dir(charts())
        .output()
        .expect("run krust")
}

fn expected(case: &str) -> String {
    std::fs::read_to_string(charts().join("expected").join(format!("{case}.yaml")))
        .expect("expected output")
}

fn expected_error(case: &str) -> String {
    let stderr = std::fs::read_to_string(charts().join("expected").join(format!("{case}.stderr")))
        .expect("expected stderr");
    // Helm logs INFO lines before the error; the error is what must match.
    let start = stderr.find("Error: ").expect("an Error: line");
    stderr[start..].to_string()
}

fn check(case: &str, args: &[&str]) {
    let out = krust(args);
    assert!(
        out.status.success(),
        "{case}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected(case),
        "{case}"
    );
}

fn check_error(case: &str, args: &[&str]) {
    let out = krust(args);
    assert_eq!(out.status.code(), Some(1), "{case}");
    assert!(out.stdout.is_empty(), "{case}: no output on failure");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        expected_error(case),
        "{case}"
    );
}

#[test]
fn default_render() {
    check(
        "kitchen-default",
        &["web", "./kitchen", "--namespace", "shop"],
    );
}

#[test]
fn flags_values_crds_hooks() {
    check(
        "kitchen-flags",
        &[
            "kitchen",
            "./kitchen",
            "--namespace",
            "prod",
            "--include-crds",
            "--skip-tests",
            "--is-upgrade",
            "--kube-version",
            "1.29.3",
            "--api-versions",
            "monitoring.coreos.com/v1",
            "-f",
            "kitchen-values.yaml",
            "--set",
            "other.enabled=true,replicas=null",
            "--set-string",
            "ratio=7",
        ],
    );
}

#[test]
fn show_only() {
    check(
        "kitchen-show-only",
        &[
            "web",
            "./kitchen",
            "--show-only",
            "templates/configmap.yaml",
            "--show-only",
            "charts/*/templates/*.yaml",
        ],
    );
}

#[test]
fn errors_match_helm() {
    check_error(
        "kitchen-error-notes",
        &["web", "./kitchen", "--set", "name=fail"],
    );
    check_error(
        "kitchen-error-kube",
        &["web", "./kitchen", "--kube-version", "1.19.0"],
    );
    check_error(
        "kitchen-error-show-only",
        &["web", "./kitchen", "--show-only", "templates/nope.yaml"],
    );
}
