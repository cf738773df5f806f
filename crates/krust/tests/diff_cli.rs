//! `krust diff` run as a real binary: two files, two kustomization directories, two trees of
//! rendered files, and `--git` over a repository made here with the git CLI.
//!
//! Renders are what `kubectl kustomize` (v1.32) printed for the same directories; the
//! expected hunks are what GNU `diff -u` prints for the two printed objects.

use std::path::Path;
use std::process::{Command, Output};

const HUNK: &str = "--- a/apps/Deployment web
+++ b/apps/Deployment web
@@ -3,7 +3,7 @@
 metadata:
   name: web
 spec:
-  replicas: 2
+  replicas: 3
   template:
     spec:
       containers:
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

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";
const CONFIG: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: high\n";

fn overlay(count: u32, config: bool) -> String {
    let extra = if config { "- config.yaml\n" } else { "" };
    format!("resources:\n- ../base\n{extra}replicas:\n- name: web\n  count: {count}\n")
}

/// A base with two environments: production has one more replica and a ConfigMap.
fn repo(root: &Path) {
    write(
        root,
        &[
            ("base/kustomization.yaml", "resources:\n- deploy.yaml\n"),
            ("base/deploy.yaml", DEPLOY),
            ("staging/kustomization.yaml", &overlay(2, false)),
            ("production/kustomization.yaml", &overlay(3, true)),
            ("production/config.yaml", CONFIG),
        ],
    );
}

fn krust(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("diff")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run krust")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn two_kustomization_directories() {
    let tmp = tempfile::tempdir().expect("temp dir");
    repo(tmp.path());
    let out = krust(&["staging", "production"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            "+ added ConfigMap settings\n~ changed apps/Deployment web\n{HUNK}1 added, 0 removed, 1 changed, 0 unchanged\n"
        )
    );
    let same = krust(&["staging", "staging"], tmp.path());
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        stdout(&same),
        "0 added, 0 removed, 0 changed, 1 unchanged\n"
    );
}

#[test]
fn two_files_ignore_order_and_formatting() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(
        tmp.path(),
        &[
            ("a.yaml", &format!("{CONFIG}---\n{DEPLOY}")),
            (
                "b.yaml",
                &format!(
                    "{}---\n{CONFIG}",
                    DEPLOY.replace("replicas: 1", "replicas: 1 # one")
                ),
            ),
            ("c.yaml", DEPLOY),
        ],
    );
    let out = krust(&["a.yaml", "b.yaml"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = krust(&["a.yaml", "c.yaml", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["changes"][0]["status"], "removed");
    assert_eq!(doc["changes"][0]["kind"], "ConfigMap");
    assert_eq!(doc["changes"][0]["group"], "");
    assert_eq!(doc["changes"][0]["name"], "settings");
    assert_eq!(doc["summary"]["removed"], 1);
    assert_eq!(doc["summary"]["unchanged"], 1);
}

#[test]
fn two_trees_of_rendered_files_match_file_by_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    write(
        tmp.path(),
        &[
            ("old/staging.yaml", DEPLOY),
            ("old/production.yaml", DEPLOY),
            ("new/staging.yaml", DEPLOY),
            (
                "new/production.yaml",
                &DEPLOY.replace("replicas: 1", "replicas: 4"),
            ),
        ],
    );
    let out = krust(&["old", "new", "--color", "never"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with("~ changed production.yaml: apps/Deployment web\n--- a/production.yaml: apps/Deployment web\n"),
        "{text}"
    );
    assert!(
        text.ends_with("0 added, 0 removed, 1 changed, 1 unchanged\n"),
        "{text}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let tmp = tempfile::tempdir().expect("temp dir");
    repo(tmp.path());
    let plain = stdout(&krust(&["staging", "production"], tmp.path()));
    assert!(!plain.contains('\x1b'));
    let coloured = stdout(&krust(
        &["staging", "production", "--color", "always"],
        tmp.path(),
    ));
    assert!(
        coloured.contains("\x1b[32m+  replicas: 3\x1b[0m"),
        "{coloured}"
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    let tmp = tempfile::tempdir().expect("temp dir");
    repo(tmp.path());
    for args in [
        &["staging"][..],
        &["staging", "nowhere"],
        &["--git", "HEAD", "HEAD"],
        &["a", "b", "--git", "x", "y", "z"],
    ] {
        let out = krust(args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn git_revisions_render_only_the_builds_a_change_reaches() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    repo(root);
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "one"]);
    write(
        root,
        &[("production/kustomization.yaml", &overlay(4, true))],
    );
    git(root, &["commit", "-q", "-am", "two"]);
    // The work tree is not read: change it after the commit.
    write(root, &[("staging/kustomization.yaml", "not: [valid\n")]);

    let out = krust(&["--git", "HEAD~1", "HEAD", "."], root);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert_eq!(
        text,
        "~ changed production: apps/Deployment web\n\
         --- a/production: apps/Deployment web\n\
         +++ b/production: apps/Deployment web\n\
         @@ -3,7 +3,7 @@\n \
         metadata:\n   name: web\n \
         spec:\n\
         -  replicas: 3\n\
         +  replicas: 4\n   \
         template:\n     spec:\n       containers:\n\
         0 added, 0 removed, 1 changed, 1 unchanged\n\
         1 changed files reach 1 of 2 builds\n"
    );

    // A change to the base reaches both environments; from a subdirectory, PATH is
    // relative to it.
    write(
        root,
        &[(
            "base/deploy.yaml",
            &DEPLOY.replace("nginx:1.25", "nginx:1.27"),
        )],
    );
    git(
        root,
        &["commit", "-q", "-m", "three", "--", "base/deploy.yaml"],
    );
    let out = krust(
        &["--git", "HEAD~1", "HEAD", "..", "--format", "json"],
        &root.join("base"),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["builds_rendered"], 2);
    assert_eq!(doc["summary"]["changed"], 2);
    assert_eq!(doc["changes"][0]["source"], "production");
    assert_eq!(doc["changes"][1]["source"], "staging");

    // A build that only exists at the second revision is all added.
    write(root, &[("qa/kustomization.yaml", &overlay(1, false))]);
    git(root, &["add", "qa"]);
    git(root, &["commit", "-q", "-m", "four", "--", "qa"]);
    let out = krust(&["--git", "HEAD~1", "HEAD", "."], root);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "+ added qa: apps/Deployment web
1 added, 0 removed, 0 changed, 0 unchanged
1 changed files reach 1 of 3 builds
"
    );

    let same = krust(&["--git", "HEAD", "HEAD", "."], root);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(
        stdout(&same),
        "0 added, 0 removed, 0 changed, 0 unchanged\n0 changed files reach 0 of 3 builds\n"
    );
}
