//! The bundled example (`examples/multi-tenancy`) renders exactly as kustomize does.
//!
//! The cluster renders are compared with `testdata/examples/*.yaml`, which `kubectl
//! kustomize --reorder=none` printed. Each tenant base and environment overlay is an insta
//! snapshot (`tests/snapshots/`); every snapshot was checked against `kubectl kustomize
//! --reorder=none` of the same directory before it was accepted.

use std::path::{Path, PathBuf};

use krust_kustomize::{DiskFs, Kustomizer, Options, Reorder};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn render(dir: &str) -> String {
    let kustomizer = Kustomizer::new(Options::default().reorder(Reorder::None));
    let path = repo_root().join("examples/multi-tenancy").join(dir);
    let resmap = match kustomizer.build(&DiskFs, &path) {
        Ok(m) => m,
        Err(e) => panic!("building {dir}: {e}"),
    };
    match resmap.to_yaml() {
        Ok(y) => y,
        Err(e) => panic!("printing {dir}: {e}"),
    }
}

fn kubectl_render(name: &str) -> String {
    let path = repo_root().join("testdata/examples").join(name);
    match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => panic!("reading {}: {e}", path.display()),
    }
}

#[test]
fn staging_cluster_equals_kubectl() {
    assert_eq!(
        render("clusters/staging"),
        kubectl_render("multi-tenancy-staging.yaml")
    );
}

#[test]
fn production_cluster_equals_kubectl() {
    assert_eq!(
        render("clusters/production"),
        kubectl_render("multi-tenancy-production.yaml")
    );
}

#[test]
fn tenant_base_team_a() {
    insta::assert_snapshot!(render("tenants/base/team-a"));
}

#[test]
fn tenant_base_team_b() {
    insta::assert_snapshot!(render("tenants/base/team-b"));
}

#[test]
fn tenants_staging() {
    insta::assert_snapshot!(render("tenants/staging"));
}

#[test]
fn tenants_production() {
    insta::assert_snapshot!(render("tenants/production"));
}
