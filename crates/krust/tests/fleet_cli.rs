//! `krust fleet` run as a real binary over a repository written into a temp dir.
//!
//! Expected renders are what `kubectl kustomize` (v1.32, kustomize v5.5.0) printed for the
//! same directories.

use std::path::Path;
use std::process::{Command, Output};

const DEV: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: dev
spec:
  replicas: 2
  template:
    spec:
      containers:
      - image: nginx:1.25
        name: web
";

const PROD: &str = "apiVersion: v1
data:
  level: high
kind: ConfigMap
metadata:
  name: settings
  namespace: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 3
  template:
    spec:
      containers:
      - image: nginx:1.25
        name: web
";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
    }
}

/// A base, two overlays that include it, and a build that fails (a missing resource).
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(
        tmp.path(),
        &[
            ("base/kustomization.yaml", "resources:\n- deploy.yaml\n"),
            (
                "base/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n",
            ),
            (
                "envs/dev/kustomization.yaml",
                "namespace: dev\nresources:\n- ../../base\nreplicas:\n- name: web\n  count: 2\n",
            ),
            (
                "envs/prod/kustomization.yaml",
                "namespace: prod\nresources:\n- ../../base\n- config.yaml\nreplicas:\n- name: web\n  count: 3\n",
            ),
            (
                "envs/prod/config.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: high\n",
            ),
            ("broken/kustomization.yaml", "resources:\n- missing.yaml\n"),
            ("README.md", "not a kustomization\n"),
        ],
    );
    tmp
}

fn krust(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("fleet")
        .arg(root)
        .args(args)
        .output()
        .expect("run krust")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn renders_every_top_build_and_reports_the_failing_one() {
    let tmp = repo();
    let out = krust(&["--reorder", "legacy", "-j", "2"], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("# Source: envs/dev\n{DEV}---\n# Source: envs/prod\n{PROD}")
    );
    let err = stderr(&out);
    assert!(
        err.contains("error: broken: accumulating resources"),
        "{err}"
    );
    let summary = err.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("fleet: 3 builds, 3 objects, 1 errors, "),
        "{summary}"
    );
}

#[test]
fn listed_directories_only() {
    let tmp = repo();
    let out = krust(&["envs/dev", "--reorder", "legacy"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("# Source: envs/dev\n{DEV}"));
}

#[test]
fn json_lists_each_build() {
    let tmp = repo();
    let out = krust(&["--format", "json", "--reorder", "legacy"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let builds = doc["builds"].as_array().expect("builds");
    let paths: Vec<&str> = builds.iter().filter_map(|b| b["path"].as_str()).collect();
    assert_eq!(paths, ["broken", "envs/dev", "envs/prod"]);
    assert!(builds[0]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("broken: accumulating resources")));
    assert_eq!(builds[1]["yaml"], DEV);
    assert_eq!(builds[2]["objects"], 2);
    assert_eq!(doc["summary"]["builds"], 3);
    assert_eq!(doc["summary"]["objects"], 3);
    assert_eq!(doc["summary"]["errors"], 1);
}

#[test]
fn shards_split_the_sorted_builds_round_robin() {
    let tmp = repo();
    let names = |shard: &str| -> Vec<String> {
        let out = krust(&["--shard", shard, "--format", "json"], tmp.path());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(doc["summary"]["shard"], shard);
        doc["builds"]
            .as_array()
            .expect("builds")
            .iter()
            .filter_map(|b| b["path"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(names("1/2"), ["broken", "envs/prod"]);
    assert_eq!(names("2/2"), ["envs/dev"]);
    assert_eq!(names("3/3"), ["envs/prod"]);
    let out = krust(&["--shard", "2/2"], tmp.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "a shard without the failing build succeeds"
    );
}

#[test]
fn output_tree_mirrors_the_inputs() {
    let tmp = repo();
    let dir = tmp.path().join("out");
    let out = krust(
        &["-o", &dir.display().to_string(), "--reorder", "legacy"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).expect("output file");
    assert_eq!(read("envs/dev.yaml"), DEV);
    assert_eq!(read("envs/prod.yaml"), PROD);
    assert!(!dir.join("broken.yaml").exists());
}

#[test]
fn usage_errors_exit_2() {
    let tmp = repo();
    for args in [&["--shard", "3/2"][..], &["--shard", "x"], &["-j", "0"]] {
        let out = krust(args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn flux_clusters_render_each_kustomization() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let flux_ks = |cluster: &str| {
        format!(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {{name: apps, namespace: flux-system}}\nspec:\n  path: ./apps\n  prune: true\n  sourceRef: {{kind: GitRepository, name: flux-system}}\n  postBuild:\n    substitute: {{cluster: {cluster}}}\n"
        )
    };
    write(
        tmp.path(),
        &[
            ("clusters/dev/apps.yaml", &flux_ks("dev")),
            ("clusters/prod/apps.yaml", &flux_ks("prod")),
            (
                "apps/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {cluster: '${cluster}'}\n",
            ),
        ],
    );
    let out = krust(&["--flux", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let builds = doc["builds"].as_array().expect("builds");
    let paths: Vec<&str> = builds.iter().filter_map(|b| b["path"].as_str()).collect();
    assert_eq!(
        paths,
        [
            "dev/flux-system--flux-system",
            "dev/flux-system--apps",
            "prod/flux-system--flux-system",
            "prod/flux-system--apps"
        ]
    );
    assert!(builds[1]["yaml"]
        .as_str()
        .is_some_and(|y| y.contains("  cluster: dev\n")));
    let one = krust(
        &["--flux", "--cluster", "prod", "--shard", "1/1"],
        tmp.path(),
    );
    assert_eq!(one.status.code(), Some(0));
    assert!(stdout(&one).contains("# Source: prod/flux-system--apps\n"));
    assert!(!stdout(&one).contains("dev/"));
}
