//! Every tenant × environment of `examples/multi-tenancy`, one insta snapshot each
//! (`tests/snapshots/<environment>__<tenant>.snap`).
//!
//! Each snapshot was checked against `kubectl kustomize --reorder=none` (kubectl v1.32,
//! kustomize v5.5.0) of the environment directory, keeping the tenant's Namespace and the
//! objects in its namespace, before it was accepted.

use std::path::{Path, PathBuf};

use krust_kustomize::{Options, Reorder};
use krust_testing::snapshot::TenantSuite;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/multi-tenancy")
}

fn suite(repo: &Path) -> TenantSuite {
    let suite = TenantSuite::new(repo)
        .environment("staging", "tenants/staging")
        .environment("production", "tenants/production")
        .options(Options::default().reorder(Reorder::None));
    match suite.tenants_from("tenants/base") {
        Ok(s) => s,
        Err(e) => panic!("listing tenants: {e}"),
    }
}

#[test]
fn every_tenant_in_every_environment() {
    suite(&example())
        .assert_snapshots(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
}
