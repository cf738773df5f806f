//! The project's own tenant repository (testdata/flux/tenant-violations): each of T1–T9
//! and P1 is broken exactly once and reported on the right object.

use std::path::PathBuf;

use krust_flux::{render_cluster, ClusterOptions, ObjectKey, Severity, SourceMapping, Status};
use krust_kustomize::DiskFs;

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/flux/tenant-violations")
}

fn render() -> krust_flux::ClusterRender {
    let mut opts = ClusterOptions::new("dev");
    opts.sources.push(SourceMapping {
        key: ObjectKey::new("GitRepository", "team-a", "team-a"),
        path: testdata().join("tenant"),
        ignore: String::new(),
    });
    match render_cluster(&DiskFs, &testdata().join("platform"), &opts) {
        Ok(r) => r,
        Err(e) => panic!("render failed: {e}"),
    }
}

#[test]
fn each_rule_fires_once_on_the_right_object() {
    let r = render();
    let expect = [
        ("T1", Severity::Error, "Kustomization/team-a/no-sa"),
        ("T2", Severity::Error, "Kustomization/team-a/ghost"),
        ("T3", Severity::Error, "ConfigMap/kube-system/stray"),
        ("T4", Severity::Error, "Kustomization/team-a/cross"),
        ("T5", Severity::Error, "Kustomization/team-a/remote"),
        ("T6", Severity::Error, "Kustomization/team-a/retarget"),
        ("T7", Severity::Error, "GitRepository/team-a/team-a"),
        ("T8", Severity::Error, "HelmRelease/team-a/app"),
        ("T9", Severity::Warning, "HelmRepository/team-a/charts"),
        ("P1", Severity::Error, "Kustomization/flux-system/infra"),
    ];
    for (rule, sev, object) in expect {
        let hits: Vec<_> = r.findings.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(hits.len(), 1, "{rule}: {hits:#?}");
        assert_eq!(hits[0].object, object, "{rule}");
        assert_eq!(hits[0].severity, sev, "{rule}");
        assert!(
            !hits[0].fix.is_empty() && !hits[0].file.is_empty(),
            "{rule}"
        );
    }
}

#[test]
fn lockdown_sops_and_policies() {
    let r = render();
    assert_eq!(
        r.flag("kustomize-controller", "no-remote-bases"),
        Some("true")
    );
    let sops: Vec<_> = r.findings.iter().filter(|f| f.rule == "SOPS").collect();
    assert_eq!(sops.len(), 1);
    assert_eq!(sops[0].object, "Secret/flux-system/token");
    assert_eq!(sops[0].file, "infra/secret.sops.yaml");
    let t3 = r
        .findings
        .iter()
        .find(|f| f.rule == "T3")
        .map(|f| f.file.as_str());
    assert_eq!(t3, Some("GitRepository/team-a/team-a:main/stray.yaml"));
    let kyverno: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("KYVERNO/verify-git-repositories"))
        .collect();
    assert_eq!(kyverno.len(), 1);
    assert_eq!(kyverno[0].object, "GitRepository/team-a/team-a");
    let cross = r
        .kustomizations
        .iter()
        .find(|k| k.spec.id() == "team-a/cross")
        .map(|k| k.status.clone());
    assert!(
        matches!(&cross, Some(Status::Failed(m)) if m.contains("cross-namespace references have been blocked")),
        "{cross:?}"
    );
}

#[test]
fn plan_orders_platform_before_tenants() {
    let r = render();
    let pos = |id: &str| r.plan.iter().position(|w| w.iter().any(|x| x == id));
    assert_eq!(pos("flux-system/flux-system"), Some(0));
    assert!(pos("flux-system/infra") < pos("flux-system/tenants"));
    assert!(pos("flux-system/tenants") < pos("team-a/team-a"));
}
