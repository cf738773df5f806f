//! Builds of small inline kustomizations on a `MemFs`. Expected outputs were produced by
//! `kubectl kustomize --reorder=none` (kustomize v5.5.0) on the same files.

use std::path::Path;

use krust_kustomize::{Error, Kustomizer, MemFs, Options, Reorder};

const BASE_K: &str =
    "resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: app\n  literals:\n  - A=1\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        envFrom:\n        - configMapRef:\n            name: app\n";
const PROD_K: &str =
    "namespace: prod\nnamePrefix: prod-\ncommonLabels:\n  env: prod\nresources:\n- ../base\n";

fn no_reorder() -> Options {
    Options::default().reorder(Reorder::None)
}

fn fs() -> MemFs {
    MemFs::from_files([
        ("base/kustomization.yaml", BASE_K),
        ("base/deploy.yaml", DEPLOY),
        ("prod/kustomization.yaml", PROD_K),
    ])
}

#[test]
fn overlay_with_prefix_namespace_labels_and_generated_configmap() {
    let out = Kustomizer::new(no_reorder())
        .build(&fs(), Path::new("/prod"))
        .expect("build");
    let expected = "apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    env: prod
  name: prod-web
  namespace: prod
spec:
  selector:
    matchLabels:
      env: prod
  template:
    metadata:
      labels:
        env: prod
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: prod-app-89g4tffbfk
        image: nginx
        name: web
---
apiVersion: v1
data:
  A: \"1\"
kind: ConfigMap
metadata:
  labels:
    env: prod
  name: prod-app-89g4tffbfk
  namespace: prod
";
    assert_eq!(out.to_yaml().expect("print"), expected);
}

#[test]
fn shared_base_is_built_once_per_kustomizer() {
    let mut f = fs();
    f.add_file(
        "dev/kustomization.yaml",
        "namePrefix: dev-\nresources:\n- ../base\n",
    );
    let k = Kustomizer::new(no_reorder());
    let prod = k.build(&f, Path::new("/prod")).expect("prod");
    let dev = k.build(&f, Path::new("/dev")).expect("dev");
    assert_eq!(prod.len(), 2);
    assert_eq!(
        dev.get(0).map(|r| r.name().to_string()).as_deref(),
        Some("dev-web")
    );
}

#[test]
fn missing_kustomization_names_the_directory() {
    let f = MemFs::from_files([("a/x.yaml", "a: 1\n")]);
    let err = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/a"))
        .expect_err("build should fail");
    assert_eq!(
        err.to_string(),
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '/a'"
    );
}

#[test]
fn unknown_kustomization_field_is_rejected() {
    let f = MemFs::from_files([("a/kustomization.yaml", "resourcez:\n- x.yaml\n")]);
    let err = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/a"))
        .expect_err("build should fail");
    assert!(
        err.to_string()
            .contains("json: unknown field \"resourcez\""),
        "{err}"
    );
}

#[test]
fn root_only_restrictor_refuses_files_outside_the_root() {
    let f = MemFs::from_files([
        (
            "shared/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        (
            "app/kustomization.yaml",
            "resources:\n- ../shared/cm.yaml\n",
        ),
    ]);
    let err = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/app"))
        .expect_err("build should fail");
    assert!(
        err.to_string()
            .contains("security; file '/shared/cm.yaml' is not in or below '/app'"),
        "{err}"
    );
    let none = no_reorder().load_restrictor(krust_kustomize::LoadRestrictor::None);
    let out = Kustomizer::new(none)
        .build(&f, Path::new("/app"))
        .expect("unrestricted");
    assert_eq!(out.len(), 1);
}

#[test]
fn cycles_are_errors() {
    let f = MemFs::from_files([
        ("a/kustomization.yaml", "resources:\n- ../b\n"),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let err = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/a"))
        .expect_err("build should fail");
    assert!(err.to_string().contains("cycle detected"), "{err}");
    assert!(matches!(err, Error::Context { .. }));
}

#[test]
fn legacy_order_puts_configmaps_before_deployments() {
    let out = Kustomizer::new(Options::default())
        .build(&fs(), Path::new("/prod"))
        .expect("build");
    let kinds: Vec<String> = out.iter().map(|r| r.kind().to_string()).collect();
    assert_eq!(kinds, ["ConfigMap", "Deployment"]);
}

#[test]
fn configuration_narrowing_a_default_spec_replaces_it() {
    // kubectl kustomize: only the Deployment gets the prefix.
    let f = MemFs::from_files([
        (
            "k/kustomization.yaml",
            "namePrefix: p-\nresources:\n- r.yaml\nconfigurations:\n- c.yaml\n",
        ),
        (
            "k/r.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n",
        ),
        ("k/c.yaml", "namePrefix:\n- path: metadata/name\n  kind: Deployment\n"),
    ]);
    let out = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/k"))
        .expect("build");
    let names: Vec<String> = out.iter().map(|r| r.name().to_string()).collect();
    assert_eq!(names, ["cm", "p-d"]);
}

#[test]
fn annotation_values_print_as_strings() {
    // kubectl kustomize prints `happy: "true"` and `port: "8080"`.
    let f = MemFs::from_files([
        ("k/kustomization.yaml", "resources:\n- s.yaml\n"),
        (
            "k/s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    happy: true\n    port: 8080\n",
        ),
    ]);
    let out = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/k"))
        .expect("build");
    assert_eq!(
        out.to_yaml().expect("print"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    happy: \"true\"\n    port: \"8080\"\n  name: s\n"
    );
}

#[test]
fn component_patches_images_vars_and_replacements() {
    // Expected output: `kubectl kustomize --reorder=none app` on these files.
    let f = MemFs::from_files([
        (
            "base/kustomization.yaml",
            r#"resources:
- app.yaml
configMapGenerator:
- name: settings
  literals:
  - LOG=debug
vars:
- name: SVC
  objref:
    kind: Service
    name: web
    apiVersion: v1
"#,
        ),
        (
            "base/app.yaml",
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
        args: ["--upstream=$(SVC)"]
        envFrom:
        - configMapRef:
            name: settings
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
"#,
        ),
        (
            "comp/kustomization.yaml",
            r#"apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- target:
    kind: Deployment
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
"#,
        ),
        (
            "app/kustomization.yaml",
            r#"namePrefix: t-
resources:
- ../base
components:
- ../comp
images:
- name: nginx
  newTag: "1.25"
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: web
            resources:
              limits:
                cpu: 100m
replacements:
- source:
    kind: Service
    name: web
    fieldPath: spec.ports.0.port
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.metadata.annotations.port
    options:
      create: true
"#,
        ),
    ]);
    let out = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/app"))
        .expect("build");
    let expected = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: t-web
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        port: "80"
    spec:
      containers:
      - args:
        - --upstream=t-web
        envFrom:
        - configMapRef:
            name: t-settings-ttchg99576
        image: nginx:1.25
        name: web
        resources:
          limits:
            cpu: 100m
---
apiVersion: v1
kind: Service
metadata:
  name: t-web
spec:
  ports:
  - port: 80
---
apiVersion: v1
data:
  LOG: debug
kind: ConfigMap
metadata:
  name: t-settings-ttchg99576
"#;
    assert_eq!(out.to_yaml().expect("print"), expected);
}

#[cfg(unix)]
#[test]
fn symlinks_cannot_escape_the_root_on_disk() {
    use krust_kustomize::DiskFs;
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().canonicalize().expect("canonical");
    std::fs::create_dir_all(root.join("app")).expect("mkdir");
    std::fs::create_dir_all(root.join("outside")).expect("mkdir");
    std::fs::write(
        root.join("outside/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("../outside/cm.yaml", root.join("app/cm.yaml")).expect("symlink");
    // `Resources` also checks that field names match case-insensitively.
    std::fs::write(
        root.join("app/kustomization.yaml"),
        "Resources:\n- cm.yaml\n",
    )
    .expect("write");
    let err = Kustomizer::new(no_reorder())
        .build(&DiskFs, &root.join("app"))
        .expect_err("restricted");
    let app = root.join("app");
    // kubectl kustomize's message for the same layout.
    assert_eq!(
        err.to_string(),
        format!(
            "accumulating resources: accumulation err='accumulating resources from 'cm.yaml': security; file '{0}/cm.yaml' is not in or below '{0}'': must build at directory: '{0}/cm.yaml': file is not directory",
            app.display()
        )
    );
}

#[test]
fn yaml_form_patches_are_typed_like_resources() {
    // kubectl kustomize: `yes`/`on` stay strings (go-yaml v3), `0777` is octal.
    let f = MemFs::from_files([
        (
            "k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
        ),
        (
            "k/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x\n",
        ),
        (
            "k/p.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: yes\n  c: 0777\n  d: on\n",
        ),
    ]);
    let out = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/k"))
        .expect("build");
    assert_eq!(
        out.to_yaml().expect("print"),
        "apiVersion: v1\ndata:\n  a: x\n  b: \"yes\"\n  c: 511\n  d: \"on\"\nkind: ConfigMap\nmetadata:\n  name: c\n"
    );
}

#[test]
fn images_match_tags_and_digests_like_kustomize() {
    // kubectl kustomize output; note the tag suffix applied twice (legacy container walk,
    // then the `images` field specs), as kustomize does.
    let f = MemFs::from_files([
        (
            "k/kustomization.yaml",
            "resources:\n- d.yaml\nimages:\n- name: registry.io/team/api\n  newName: mirror.io/api\n  digest: sha256:def\n- name: nginx\n  newTag: \"1.25\"\n- name: busybox\n  tagSuffix: -debug\n",
        ),
        (
            "k/d.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: i\n    image: busybox:1.36\n  containers:\n  - name: a\n    image: registry.io/team/api:v1@sha256:abc\n  - name: b\n    image: nginx@sha256:0123\n  - name: c\n    image: nginxinc/nginx:1\n",
        ),
    ]);
    let out = Kustomizer::new(no_reorder())
        .build(&f, Path::new("/k"))
        .expect("build");
    assert_eq!(
        out.to_yaml().expect("print"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: mirror.io/api@sha256:def\n    name: a\n  - image: nginx:1.25\n    name: b\n  - image: nginxinc/nginx:1\n    name: c\n  initContainers:\n  - image: busybox:1.36-debug-debug\n    name: i\n"
    );
}

#[test]
fn cached_base_still_reports_cycles_against_new_ancestors() {
    // /lib builds alone; /x/overlay -> /lib -> /x contains /x/overlay: kubectl fails with
    // this message even when /lib was built before.
    let f = MemFs::from_files([
        ("lib/kustomization.yaml", "resources:\n- ../x\n"),
        ("x/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "x/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        ("x/overlay/kustomization.yaml", "resources:\n- ../../lib\n"),
    ]);
    let k = Kustomizer::new(no_reorder());
    assert_eq!(k.build(&f, Path::new("/lib")).expect("lib").len(), 1);
    let err = k.build(&f, Path::new("/x/overlay")).expect_err("cycle");
    assert!(
        err.to_string().ends_with(
            "recursed accumulation of path '/lib': accumulating resources: accumulation err='accumulating resources from '../x': '/x' must resolve to a file': cycle detected: candidate root '/x' contains visited root '/x/overlay'"
        ),
        "{err}"
    );
}
