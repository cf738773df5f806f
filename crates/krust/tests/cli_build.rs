//! `krust build` run as a binary on a temporary directory.

use std::path::PathBuf;
use std::process::Command;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("krust-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("mkdir");
        TempDir(p)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn build_prints_the_rendered_overlay() {
    let dir = TempDir::new("ok");
    let base = dir.path().join("base");
    std::fs::create_dir_all(&base).expect("mkdir");
    std::fs::write(
        base.join("kustomization.yaml"),
        "namePrefix: p-\nresources:\n- cm.yaml\n",
    )
    .expect("write");
    std::fs::write(
        base.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(&base)
        .output()
        .expect("run krust");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: p-c\n"
    );
}

#[test]
fn build_error_exits_1_with_message_on_stderr() {
    let dir = TempDir::new("err");
    let out = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(dir.path())
        .output()
        .expect("run krust");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unable to find one of 'kustomization.yaml'")
    );
}

#[test]
fn missing_resource_error_matches_kustomize_on_disk_wording() {
    let dir = TempDir::new("missing");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n- file-or-directory\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_krust"))
        .arg("build")
        .arg(dir.path())
        .output()
        .expect("run krust");
    assert_eq!(out.status.code(), Some(1));
    let p = dir.path().join("file-or-directory");
    let cause = format!(
        "evalsymlink failure on '{0}' : lstat {0}: no such file or directory",
        p.display()
    );
    // The message kubectl kustomize prints for the same layout.
    let expected = format!(
        "Error: accumulating resources: accumulation err='accumulating resources from 'file-or-directory': {cause}': must build at directory: not a valid directory: {cause}\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}

#[test]
fn limit_flags_lower_and_raise_the_library_bounds() {
    let dir = TempDir::new("limits");
    let base = dir.path().join("base");
    std::fs::create_dir_all(&base).expect("mkdir");
    std::fs::write(base.join("kustomization.yaml"), "resources:\n- cm.yaml\n").expect("write");
    let big = "x".repeat(3000);
    std::fs::write(
        base.join("cm.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: {big}\n"),
    )
    .expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_krust"))
            .arg("build")
            .arg(&base)
            .args(args)
            .output()
            .expect("run krust")
    };
    // Lowered below the resource file: the limit's error, naming the file.
    let out = run(&["--max-file-bytes", "2Ki"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cm.yaml"), "{err}");
    assert!(err.contains("larger than 2048 bytes"), "{err}");
    // The same bound, raised past it: builds.
    let out = run(&["--max-file-bytes", "4Ki", "--max-resources", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One resource is allowed, none is not.
    let out = run(&["--max-resources", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than 0 resources"));
    // A size the flag cannot read is a usage error.
    let out = run(&["--max-total-bytes", "1MB"]);
    assert_eq!(out.status.code(), Some(2));
}
