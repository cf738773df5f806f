//! render_cluster over small in-memory repositories: substitution from the rendered
//! cluster, strict mode, ExternalArtifact copy rules, source-ignore and confinement.

use std::path::Path;

use krust_flux::{render_cluster, ClusterOptions, ClusterRender, Status};
use krust_kustomize::MemFs;

fn ks(name: &str, path: &str, extra: &str) -> String {
    format!(
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\n  namespace: flux-system\nspec:\n  interval: 5m\n  path: {path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n{extra}"
    )
}

fn render(files: Vec<(String, String)>, opts: &ClusterOptions) -> ClusterRender {
    let fs = MemFs::from_files(files);
    match render_cluster(&fs, Path::new("/repo"), opts) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn f(p: &str, t: &str) -> (String, String) {
    (format!("repo/{p}"), t.to_string())
}

fn get<'a>(r: &'a ClusterRender, id: &str) -> &'a krust_flux::KustomizationRender {
    match r.kustomizations.iter().find(|k| k.spec.id() == id) {
        Some(k) => k,
        None => panic!("no {id}"),
    }
}

#[test]
fn substitute_from_reads_the_rendered_cluster_and_inline_wins() {
    let files = vec![
        f("clusters/dev/vars.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vars\n  namespace: flux-system\ndata:\n  region: eu\n  size: small\n"),
        f("clusters/dev/apps.yaml", &ks("apps", "./apps", "  postBuild:\n    substitute:\n      size: large\n    substituteFrom:\n    - kind: ConfigMap\n      name: vars\n    - kind: Secret\n      name: optional-one\n      optional: true\n")),
        f("apps/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${region}\n  namespace: default\ndata:\n  size: ${size}\n  replicas: \"${replicas:=3}\"\n"),
    ];
    let r = render(files, &ClusterOptions::new("dev"));
    let apps = get(&r, "flux-system/apps");
    assert_eq!(apps.status, Status::Built);
    assert_eq!(
        apps.output,
        "apiVersion: v1\ndata:\n  replicas: 3\n  size: large\nkind: ConfigMap\nmetadata:\n  name: app-eu\n  namespace: default\n"
    );
}

#[test]
fn strict_miss_fails_the_kustomization_with_its_name_and_file() {
    let files = vec![
        f(
            "clusters/dev/apps.yaml",
            &ks(
                "apps",
                "./apps",
                "  postBuild:\n    substitute:\n      a: b\n",
            ),
        ),
        f(
            "apps/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  v: ${missing}\n",
        ),
    ];
    let r = render(files.clone(), &ClusterOptions::new("dev"));
    let Status::Failed(msg) = &get(&r, "flux-system/apps").status else {
        panic!("expected a failure");
    };
    assert!(
        msg.contains("Kustomization flux-system/apps (defined in clusters/dev/apps.yaml)"),
        "{msg}"
    );
    assert!(msg.contains("variable not set (strict mode)"), "{msg}");
    let mut opts = ClusterOptions::new("dev");
    opts.strict_substitution = false;
    let r = render(files, &opts);
    assert!(get(&r, "flux-system/apps").output.contains("  v: null\n"));
}

#[test]
fn external_artifact_copies_directories() {
    let files = vec![
        f("clusters/dev/gen.yaml", "apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: gen\n  namespace: flux-system\nspec:\n  sources:\n  - alias: repo\n    kind: GitRepository\n    name: flux-system\n  artifacts:\n  - name: apps\n    copy:\n    - from: '@repo/apps/base/**'\n      to: '@artifact/base/'\n    - from: '@repo/apps/dev/**'\n      to: '@artifact/dev/'\n"),
        f("clusters/dev/apps.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./dev\n  sourceRef:\n    kind: ExternalArtifact\n    name: apps\n"),
        f("apps/base/kustomization.yaml", "resources: [cm.yaml]\n"),
        f("apps/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n"),
        f("apps/dev/kustomization.yaml", "resources: [../base]\nnamespace: dev\n"),
    ];
    let r = render(files, &ClusterOptions::new("dev"));
    let apps = get(&r, "flux-system/apps");
    assert_eq!(apps.status, Status::Built, "{:?}", r.findings);
    assert_eq!(
        apps.output,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n  namespace: dev\n"
    );
    assert_eq!(apps.objects[0].file, "apps/base/cm.yaml");
}

#[test]
fn sourceignore_hides_files_and_paths_cannot_escape() {
    let files = vec![
        f(".sourceignore", "apps/skip.yaml\n"),
        f("clusters/dev/apps.yaml", &ks("apps", "./apps", "")),
        f("clusters/dev/up.yaml", &ks("up", "../../../outside", "")),
        f(
            "apps/keep.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n",
        ),
        f(
            "apps/skip.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skip\n",
        ),
        (
            "outside/cm.yaml".to_string(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\n".to_string(),
        ),
    ];
    let r = render(files, &ClusterOptions::new("dev"));
    let apps = get(&r, "flux-system/apps");
    assert_eq!(apps.objects.len(), 1);
    assert!(apps.output.contains("name: keep"));
    // `../../../outside` is joined inside the artifact: /repo/outside does not exist.
    let up = get(&r, "flux-system/up");
    assert!(
        matches!(&up.status, Status::Failed(m) if m.contains("kustomization path not found")),
        "{:?}",
        up.status
    );
}

#[test]
fn resources_outside_the_artifact_cannot_be_read() {
    let files = vec![
        f("clusters/dev/apps.yaml", &ks("apps", "./apps", "")),
        f(
            "apps/kustomization.yaml",
            "resources: [../../secret.yaml]\n",
        ),
        (
            "secret.yaml".to_string(),
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n".to_string(),
        ),
    ];
    let r = render(files, &ClusterOptions::new("dev"));
    let apps = get(&r, "flux-system/apps");
    assert!(
        matches!(&apps.status, Status::Failed(_)),
        "{:?}",
        apps.status
    );
    assert!(apps.objects.is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_artifact_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let w = |p: &str, t: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, t).expect("write");
    };
    w("repo/clusters/dev/apps.yaml", &ks("apps", "./apps", ""));
    w("repo/apps/kustomization.yaml", "resources:\n- cm.yaml\n");
    w(
        "outside/secret.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\n",
    );
    std::os::unix::fs::symlink("../../outside/secret.yaml", root.join("repo/apps/cm.yaml"))
        .expect("symlink");
    let repo = root.join("repo");
    let r = match render_cluster(&krust_kustomize::DiskFs, &repo, &ClusterOptions::new("dev")) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let apps = get(&r, "flux-system/apps");
    assert!(
        matches!(&apps.status, Status::Failed(_)),
        "{:?}",
        apps.status
    );
    assert!(apps.objects.is_empty());
}
