//! HelmRelease charts rendered by the real binary: `krust flux build --charts` and
//! `krust values --render`, over testdata/flux/helm-charts and examples/multi-tenancy.
//!
//! `--render=template` output is compared byte for byte with what helm v4.1.4 printed
//! (`expected/` files, written by each directory's `regenerate.sh`). The post-rendered
//! output (`flux build`) has no oracle without a cluster; its assertions follow
//! helm-controller v1.6's source (`internal/postrender/*.go`, `internal/action/install.go`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn case(p: &str) -> String {
    root()
        .join("testdata/flux/helm-charts")
        .join(p)
        .display()
        .to_string()
}

fn example(p: &str) -> String {
    root()
        .join("examples/multi-tenancy")
        .join(p)
        .display()
        .to_string()
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

fn read(p: &str) -> String {
    match std::fs::read_to_string(p) {
        Ok(t) => t,
        Err(e) => panic!("reading {p}: {e}"),
    }
}

/// The documents `krust values --render` printed after the values document of `release`,
/// up to the next values document.
fn manifests_of(out: &str, release: &str) -> String {
    let head = format!("---\nhelmRelease: {release}\n");
    let Some(start) = out.find(&head) else {
        panic!("no values document for {release} in:\n{out}");
    };
    let rest = &out[start + head.len()..];
    let body_start = rest.find("\n---\n").map_or(rest.len(), |i| i + 1);
    let body = &rest[body_start..];
    let end = body.find("---\nhelmRelease: ").unwrap_or(body.len());
    body[..end].to_string()
}

fn build(out_dir: &Path) -> Output {
    let out = out_dir.display().to_string();
    krust(&[
        "flux",
        "build",
        &case("repo"),
        "--cluster",
        "dev",
        "--charts",
        &case("charts"),
        "-o",
        &out,
    ])
}

#[test]
fn flux_build_writes_each_rendered_release_beside_the_kustomizations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let out = build(&out_dir);
    // A chart that is not available locally is a warning naming the release and chart.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: HelmRelease apps/cache: chart redis@20.x from HelmRepository/apps/charts is not available locally"),
        "{stderr}"
    );
    for f in [
        "flux-system--flux-system.yaml",
        "helmrelease--apps--app.yaml",
        "helmrelease--apps--web.yaml",
        "helmrelease--apps--oci-web.yaml",
        "cluster.yaml",
    ] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    assert!(!out_dir.join("helmrelease--apps--cache.yaml").exists());
    // The Kustomization's file is its build output alone: the HelmReleases, not their
    // charts. (Its HelmRelease `apps/app` holds `kind: Deployment` in a postRenderers
    // patch, so the file is compared whole, with kustomize's output for the directory.)
    let ks = read(
        &out_dir
            .join("flux-system--flux-system.yaml")
            .display()
            .to_string(),
    );
    assert_eq!(ks, read(&case("expected/flux-system--flux-system.yaml")));
    let view = read(&out_dir.join("cluster.yaml").display().to_string());
    assert!(
        view.contains("expectedFile: helmrelease--apps--app.yaml"),
        "{view}"
    );
    assert!(view.contains("origin: GitRepository/flux-system/flux-system:./charts/app"));
}

#[test]
fn flux_build_applies_post_renderers_and_origin_labels_as_helm_controller() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let out = build(&out_dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let app = read(
        &out_dir
            .join("helmrelease--apps--app.yaml")
            .display()
            .to_string(),
    );
    let docs: Vec<&str> = app.split("---\n# Source: ").skip(1).collect();
    let kinds: Vec<&str> = docs
        .iter()
        .map(|d| {
            d.lines()
                .find_map(|l| l.strip_prefix("kind: "))
                .unwrap_or("")
        })
        .collect();
    // CRDs first (install.crds: Create), the manifests in Helm's install order, then the
    // hooks; the test hook is not applied by an install.
    assert_eq!(
        kinds,
        [
            "CustomResourceDefinition",
            "ConfigMap",
            "Service",
            "Deployment",
            "Job"
        ]
    );
    assert!(docs[0].starts_with("app/crds/widgets.yaml\n"));
    // Origin labels on every object, commonMetadata on every post-rendered one.
    assert_eq!(app.matches("helm.toolkit.fluxcd.io/name: app\n").count(), 5);
    assert_eq!(
        app.matches("helm.toolkit.fluxcd.io/namespace: apps\n")
            .count(),
        5
    );
    assert_eq!(app.matches("    team: a\n").count(), 4);
    // Strategic-merge patch, JSON6902 patch and images of postRenderers[0].kustomize; the
    // images transformer reaches the hook too (post-render strategy "combined").
    assert!(app.contains("  annotations:\n    patched-by: post-renderer\n"));
    assert!(app.contains("  added: by-json6902\n"));
    assert_eq!(app.matches("image: nginx:1.27.3").count(), 2);
    assert!(!app.contains("nginx:1.25"));
    // The release name is [targetNamespace-]name; valuesFiles replace the chart's values.
    assert!(app.contains("name: prod-app-settings\n"));
    assert!(app.contains("  env: prod\n"));
    assert!(app.contains("  greeting: hello from spec.values\n"));
    // HelmRepository chart: the highest archive matching "1.x".
    let web = read(
        &out_dir
            .join("helmrelease--apps--web.yaml")
            .display()
            .to_string(),
    );
    assert!(web.contains("chartVersion: 1.2.0"), "{web}");
    // chartRef OCIRepository: found by its URL's last segment and tag.
    let oci = read(
        &out_dir
            .join("helmrelease--apps--oci-web.yaml")
            .display()
            .to_string(),
    );
    assert!(oci.contains("chartVersion: 2.0.0"), "{oci}");
    assert!(oci.contains("name: oci-web-web\n"));
}

#[test]
fn flux_build_stream_appends_the_charts_and_no_charts_leaves_them_out() {
    let args = [
        "flux",
        "build",
        &case("repo"),
        "--cluster",
        "dev",
        "--charts",
        &case("charts"),
    ];
    let out = krust(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stream = text(&out.stdout);
    assert!(stream.contains("kind: HelmRelease"));
    assert!(stream.contains(
        "---\n# Source: app/templates/app.yaml\napiVersion: apps/v1\nkind: Deployment\n"
    ));
    assert!(!stream.contains("---\n---\n"));
    let mut no = args.to_vec();
    no.push("--no-charts");
    let out = krust(&no);
    assert_eq!(out.status.code(), Some(0));
    assert!(!text(&out.stdout).contains("# Source:"));
    assert!(!text(&out.stderr).contains("not available locally"));
    // JSON: the chart objects join the array.
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let out = krust(&json);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let kinds: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|o| o["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"CustomResourceDefinition"));
    assert!(kinds.contains(&"Deployment"));
}

#[test]
fn flux_build_kube_version_reaches_the_capabilities() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = krust(&[
        "flux",
        "build",
        &case("repo"),
        "--cluster",
        "dev",
        "--kube-version",
        "1.31.2",
        "-o",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let app = read(
        &out_dir
            .join("helmrelease--apps--app.yaml")
            .display()
            .to_string(),
    );
    assert!(app.contains("kube: v1.31.2"));
    // Without --charts, repository charts are warnings.
    assert!(text(&out.stderr).contains("HelmRelease apps/web: chart web@1.x"));
}

#[test]
fn values_render_template_equals_helm_template() {
    let out = krust(&[
        "values",
        &case("repo/clusters/dev"),
        "--source",
        &format!("GitRepository/flux-system/flux-system={}", case("repo")),
        "--charts",
        &case("charts"),
        "--render=template",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for (release, file) in [
        ("apps/app", "expected/app.yaml"),
        ("apps/web", "expected/web.yaml"),
        ("apps/oci-web", "expected/oci-web.yaml"),
    ] {
        assert_eq!(
            manifests_of(&stdout, release),
            read(&case(file)),
            "{release}"
        );
    }
    assert!(text(&out.stderr).contains("warning: HelmRelease apps/cache"));
}

#[test]
fn values_render_applied_and_chart_override() {
    let out = krust(&[
        "values",
        &case("repo/clusters/dev"),
        "--chart",
        &format!("apps/cache={}", case("charts/web-1.0.0.tgz")),
        "--render",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let cache = manifests_of(&stdout, "apps/cache");
    assert!(cache.contains("chartVersion: 1.0.0"), "{cache}");
    assert!(cache.contains("helm.toolkit.fluxcd.io/name: cache"));
    // The archive's values.yaml are the chart defaults of the values document.
    assert!(
        stdout.contains(
            "helmRelease: apps/cache\nreleaseName: cache\nreleaseNamespace: apps\n\
             serviceAccount: null\nstorageNamespace: apps\nvalues:\n  message: default message\n\
             valuesSource: user values coalesced with chart defaults\n"
        ),
        "{stdout}"
    );
    // No --source here: apps/app's GitRepository chart is a warning, not an error.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "warning: HelmRelease apps/app: chart ./charts/app from GitRepository/flux-system/flux-system: source not resolved"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("apps/cache"), "{stderr}");
    // Without --render nothing but the values documents.
    let out = krust(&["values", &case("repo/clusters/dev")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!text(&out.stdout).contains("# Source:"));
}

#[test]
fn multi_tenancy_example_renders_podinfo_as_helm_template_in_every_environment() {
    for env in ["staging", "production"] {
        let out = krust(&[
            "values",
            &example(&format!("clusters/{env}")),
            "--charts",
            &example("charts"),
            "--render=template",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let want = read(&example(&format!("expected/{env}--team-a--podinfo.yaml")));
        assert_eq!(
            manifests_of(&text(&out.stdout), "team-a/podinfo"),
            want,
            "{env}"
        );
        // team-b's nginx chart is not vendored: a warning, not an error.
        assert!(text(&out.stderr).contains("warning: HelmRelease team-b/web"));
    }
}

#[test]
fn multi_tenancy_example_flux_build_adds_the_podinfo_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = krust(&[
        "flux",
        "build",
        &example(""),
        "--cluster",
        "production",
        "--charts",
        &example("charts"),
        "-o",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let podinfo = read(
        &out_dir
            .join("helmrelease--team-a--podinfo.yaml")
            .display()
            .to_string(),
    );
    assert!(podinfo.contains("kind: HorizontalPodAutoscaler"));
    assert!(podinfo.contains("minReplicas: 3"));
    assert!(podinfo.contains("host: podinfo.team-a.example.com"));
    assert!(podinfo.contains("helm.toolkit.fluxcd.io/namespace: team-a"));
}

/// The documents of a `# Source:` stream whose text contains `needle`.
fn docs_with<'a>(stream: &'a str, needle: &str) -> Vec<&'a str> {
    stream
        .split("---\n# Source: ")
        .skip(1)
        .filter(|d| d.contains(needle))
        .collect()
}

#[test]
fn flux_build_post_render_strategies_as_helm_controller() {
    // helm-controller v1.6 (Helm v4.2.1 `renderResources`): `nohooks` post-renders the
    // manifests only, `separate` hooks and manifests in two kustomize builds, `combined`
    // (the default) one build, where the ServiceAccount the dup chart declares both as a
    // hook and as a manifest is a duplicate id.
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = krust(&[
        "flux",
        "build",
        &case("repo"),
        "--cluster",
        "strategies",
        "-o",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    // The error kustomize v5.7.1 (kubectl-1.35 kustomize) gives for that stream.
    assert!(
        stderr.contains(
            "error: HelmRelease apps/combined: spec.postRenderers[0].kustomize: accumulating resources: \
             accumulation err='accumulating resources from 'helm-output.yaml': may not add resource \
             with an already registered id: ServiceAccount.v1.[noGrp]/combined.[noNs]'"
        ),
        "{stderr}"
    );
    assert!(!out_dir.join("helmrelease--apps--combined.yaml").exists());

    let nohooks = read(
        &out_dir
            .join("helmrelease--apps--nohooks.yaml")
            .display()
            .to_string(),
    );
    let job = docs_with(&nohooks, "\nkind: Job\n");
    assert_eq!(job.len(), 1, "{nohooks}");
    // The hook as the chart rendered it: no images, commonMetadata or origin labels.
    assert!(job[0].contains("image: nginx:1.25\n"), "{}", job[0]);
    assert!(!job[0].contains("helm.toolkit.fluxcd.io/"), "{}", job[0]);
    assert!(!job[0].contains("team: b"), "{}", job[0]);
    let deployment = docs_with(&nohooks, "\nkind: Deployment\n");
    assert!(deployment[0].contains("image: nginx:1.27.3\n"));
    assert!(deployment[0].contains("    team: b\n"));
    assert_eq!(
        nohooks
            .matches("helm.toolkit.fluxcd.io/name: nohooks\n")
            .count(),
        4
    );

    let separate = read(
        &out_dir
            .join("helmrelease--apps--separate.yaml")
            .display()
            .to_string(),
    );
    let kinds: Vec<&str> = separate
        .split("---\n# Source: ")
        .skip(1)
        .map(|d| {
            d.lines()
                .find_map(|l| l.strip_prefix("kind: "))
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        kinds,
        ["ServiceAccount", "Deployment", "ServiceAccount", "Job"]
    );
    assert_eq!(
        separate
            .matches("helm.toolkit.fluxcd.io/name: separate\n")
            .count(),
        4
    );
    assert_eq!(separate.matches("image: nginx:1.27.3\n").count(), 2);
}

#[test]
fn values_render_template_is_not_post_rendered() {
    // `helm template` runs no post-renderer: apps/combined's failing kustomize build does not
    // keep its template from printing.
    let out = krust(&[
        "values",
        &case("repo/clusters/strategies"),
        "--source",
        &format!("GitRepository/flux-system/flux-system={}", case("repo")),
        "--render=template",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        manifests_of(&stdout, "apps/separate"),
        read(&case("expected/separate.yaml"))
    );
    assert_eq!(
        manifests_of(&stdout, "apps/combined"),
        read(&case("expected/combined.yaml"))
    );
}

#[test]
fn chart_ref_helm_chart_and_mapped_oci_repository() {
    let source = format!("OCIRepository/apps/web-src={}", case("src/web"));
    let out = krust(&[
        "values",
        &case("repo/clusters/refs"),
        "--charts",
        &case("charts"),
        "--source",
        &source,
        "--render=template",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for (release, file) in [
        ("apps/from-helmchart", "expected/from-helmchart.yaml"),
        ("apps/from-oci", "expected/from-oci.yaml"),
    ] {
        assert_eq!(
            manifests_of(&stdout, release),
            read(&case(file)),
            "{release}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = krust(&[
        "flux",
        "build",
        &case("repo"),
        "--cluster",
        "refs",
        "--charts",
        &case("charts"),
        "--source",
        &source,
        "-o",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let oci = read(
        &out_dir
            .join("helmrelease--apps--from-oci.yaml")
            .display()
            .to_string(),
    );
    assert!(oci.contains("  name: mapped-web\n"), "{oci}");
    assert!(
        oci.contains("helm.toolkit.fluxcd.io/name: from-oci\n"),
        "{oci}"
    );
    let hc = read(
        &out_dir
            .join("helmrelease--apps--from-helmchart.yaml")
            .display()
            .to_string(),
    );
    assert!(hc.contains("chartVersion: 1.0.0\n"), "{hc}");
}
