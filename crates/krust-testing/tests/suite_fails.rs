//! The snapshot helper fails, visibly, when an overlay changes: a copy of
//! `examples/multi-tenancy` with one patched value is checked against a copy of the
//! committed snapshots, and exactly the snapshot of that tenant in that environment fails.

use std::path::{Path, PathBuf};

use krust_kustomize::{Options, Reorder};
use krust_testing::snapshot::TenantSuite;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    let entries = match std::fs::read_dir(from) {
        Ok(e) => e,
        Err(e) => panic!("reading {}: {e}", from.display()),
    };
    if let Err(e) = std::fs::create_dir_all(to) {
        panic!("creating {}: {e}", to.display());
    }
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else if let Err(e) = std::fs::copy(&path, &target) {
            panic!("copying {}: {e}", path.display());
        }
    }
}

fn suite(repo: &Path) -> TenantSuite {
    TenantSuite::new(repo)
        .environment("staging", "tenants/staging")
        .environment("production", "tenants/production")
        .tenants(["team-a", "team-b"])
        .options(Options::default().reorder(Reorder::None))
}

fn replace_in(file: &Path, from: &str, to: &str) {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => panic!("reading {}: {e}", file.display()),
    };
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    if let Err(e) = std::fs::write(file, text.replacen(from, to, 1)) {
        panic!("writing {}: {e}", file.display());
    }
}

#[test]
fn unchanged_copy_passes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(
        &manifest().join("../../examples/multi-tenancy"),
        &tmp.path().join("repo"),
    );
    copy_tree(
        &manifest().join("tests/snapshots"),
        &tmp.path().join("snapshots"),
    );
    suite(&tmp.path().join("repo")).assert_snapshots(tmp.path().join("snapshots"));
}

#[test]
fn changed_overlay_fails_naming_its_snapshot() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let repo = tmp.path().join("repo");
    copy_tree(&manifest().join("../../examples/multi-tenancy"), &repo);
    copy_tree(
        &manifest().join("tests/snapshots"),
        &tmp.path().join("snapshots"),
    );
    replace_in(
        &repo.join("tenants/staging/team-a-values.yaml"),
        "replicaCount: 2",
        "replicaCount: 5",
    );

    let rendered = suite(&repo).render().expect("render");
    let changed = rendered
        .iter()
        .find(|s| s.name == "staging__team-a")
        .expect("staging__team-a rendered");
    assert!(changed.yaml.contains("replicaCount: 5"), "{}", changed.yaml);

    let snapshots = tmp.path().join("snapshots");
    let result = std::panic::catch_unwind(|| suite(&repo).assert_snapshots(&snapshots));
    let payload = result.expect_err("a changed overlay must fail its snapshot");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.starts_with("1 of 4 tenant snapshots differ: staging__team-a"),
        "{message}"
    );
}

#[test]
fn per_tenant_overlays_are_built_one_by_one() {
    // gen_fleet's layout: tenants/<env>/<tenant> is each tenant's overlay.
    let tmp = tempfile::tempdir().expect("temp dir");
    let repo = tmp.path();
    let write = |p: &str, t: &str| {
        let p = repo.join(p);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, t).expect("write");
    };
    for t in ["a", "b"] {
        write(
            &format!("tenants/base/{t}/kustomization.yaml"),
            "resources: [cm.yaml]\n",
        );
        write(
            &format!("tenants/base/{t}/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
        );
        write(
            &format!("tenants/dev/{t}/kustomization.yaml"),
            &format!("namespace: {t}-dev\nresources: [../../base/{t}]\n"),
        );
    }
    let snapshots = TenantSuite::new(repo)
        .environment("dev", "tenants/dev")
        .tenants_from("tenants/base")
        .expect("tenants")
        .render()
        .expect("render");
    let got: Vec<(&str, &str)> = snapshots
        .iter()
        .map(|s| (s.name.as_str(), s.yaml.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("dev__a", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: a-dev\n"),
            ("dev__b", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: b-dev\n"),
        ]
    );
}
