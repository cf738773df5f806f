//! The Kyverno ClusterPolicies of flux-semantics §3.3 evaluated on the rendered objects of
//! the project's own repository testdata/flux/kyverno-policies. Expected results follow the
//! Kyverno documentation ("Validate Rules": `|` alternatives, `?` one character, `*` any
//! run; `exclude` by namespace; rules on Pods auto-generated for Pod controllers) as the
//! spec records them; `verifyImages` can only list the images it would verify offline.

use std::path::PathBuf;

use krust_flux::{render_cluster, ClusterOptions, Finding, Severity};
use krust_kustomize::DiskFs;

fn findings() -> Vec<Finding> {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/flux/kyverno-policies");
    match render_cluster(&DiskFs, &root, &ClusterOptions::new("dev")) {
        Ok(r) => r
            .findings
            .into_iter()
            .filter(|f| f.rule.starts_with("KYVERNO/"))
            .collect(),
        Err(e) => panic!("render failed: {e}"),
    }
}

#[test]
fn git_repository_pattern_in_enforce_mode() {
    let all = findings();
    let mut hits: Vec<(&str, Severity, &str)> = all
        .iter()
        .filter(|f| f.rule == "KYVERNO/verify-git-repositories/github-repositories-only")
        .map(|f| (f.object.as_str(), f.severity, f.file.as_str()))
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        vec![
            (
                "GitRepository/apps/bare",
                Severity::Error,
                "clusters/dev/repos.yaml"
            ),
            (
                "GitRepository/apps/elsewhere",
                Severity::Error,
                "clusters/dev/repos.yaml"
            ),
            (
                "GitRepository/apps/ssh",
                Severity::Error,
                "clusters/dev/repos.yaml"
            ),
        ]
    );
    for f in all.iter().filter(|f| f.rule.contains("verify-git")) {
        assert!(
            f.message.contains("within the organisation fluxcd"),
            "{f:?}"
        );
        assert!(f.message.contains("Enforce"), "{f:?}");
        assert!(!f.fix.is_empty());
    }
}

#[test]
fn flux_images_listed_for_pods_and_pod_controllers() {
    let all = findings();
    let mut hits: Vec<(&str, Severity, &str, bool)> = all
        .iter()
        .filter(|f| f.rule == "KYVERNO/verify-flux-images/verify-cosign-signature")
        .map(|f| {
            (
                f.object.as_str(),
                f.severity,
                f.file.as_str(),
                f.message.contains("fluxcd/source-controller"),
            )
        })
        .collect();
    hits.sort();
    // The sidecar image matches no imageReference; the policy is Audit and a signature
    // cannot be checked offline, so these are warnings.
    assert_eq!(
        hits,
        vec![
            (
                "Deployment/flux-system/source-controller",
                Severity::Warning,
                "clusters/dev/controllers.yaml",
                true
            ),
            (
                "Pod/apps/debug",
                Severity::Warning,
                "clusters/dev/pod.yaml",
                true
            ),
        ]
    );
}

#[test]
fn policies_alone_break_nothing_else() {
    // No other KYVERNO rule id than the two policies' rules.
    for f in findings() {
        assert!(
            f.rule == "KYVERNO/verify-git-repositories/github-repositories-only"
                || f.rule == "KYVERNO/verify-flux-images/verify-cosign-signature",
            "{f:?}"
        );
    }
}
