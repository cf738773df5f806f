//! A synthetic Flux fleet (N tenants in the flux2-multi-tenancy layout, each with its own
//! tenant GitRepository, Kustomization and tenant tree) rendered with `render_cluster`,
//! against a plain krust build of the same overlays (`tenants/dev` of the platform
//! repository plus every tenant's `dev` overlay) with one shared `Kustomizer`.
//!
//! `cargo bench -p krust-flux --bench fleet` (criterion); `-- --once N [--runs R]` for R
//! alternating timed runs of each side at N tenants (minimum of each); `-- --only flux|plain N`
//! for a single run of one side, to count instructions with `valgrind --tool=callgrind`.

use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, BenchmarkId, Criterion};
use krust_flux::{render_cluster, ClusterOptions, ObjectKey, SourceMapping};
use krust_kustomize::{DiskFs, Kustomizer, LoadRestrictor, Options, Reorder};

fn tenant(i: usize) -> String {
    format!("t{i:04}")
}

/// A fleet written to a temporary directory (the platform repository in `platform/`, the
/// tenant repositories in `tenants/<t>/`).
struct Files(Vec<(String, String)>);

impl Files {
    fn add_file(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.0.push((path.into(), text.into()));
    }
}

fn fleet(n: usize) -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    let mut fs = Files(Vec::new());
    let p = |rel: &str| format!("platform/{rel}");
    fs.add_file(
        p("clusters/dev/flux-system/gotk-components.yaml"),
        "# placeholder\n",
    );
    fs.add_file(
        p("clusters/dev/flux-system/gotk-sync.yaml"),
        "# placeholder\n",
    );
    fs.add_file(
        p("clusters/dev/flux-system/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-components.yaml\n- gotk-sync.yaml\npatches:\n- patch: |\n    - op: add\n      path: /spec/template/spec/containers/0/args/-\n      value: --default-service-account=default\n  target:\n    kind: Deployment\n    name: (kustomize-controller|helm-controller)\n- patch: |\n    - op: add\n      path: /spec/serviceAccountName\n      value: kustomize-controller\n  target:\n    kind: Kustomization\n    name: flux-system\n",
    );
    fs.add_file(
        p("clusters/dev/tenants.yaml"),
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: tenants\n  namespace: flux-system\nspec:\n  interval: 5m\n  path: ./tenants/dev\n  prune: true\n  serviceAccountName: kustomize-controller\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    );
    fs.add_file(
        p("tenants/base/common/kustomization.yaml"),
        "resources:\n- netpol.yaml\nlabels:\n- pairs:\n    fleet.example.com/managed: \"true\"\n",
    );
    fs.add_file(
        p("tenants/base/common/netpol.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n",
    );
    let mut list = String::from("resources:\n");
    for i in 0..n {
        let t = tenant(i);
        list.push_str(&format!("- ./{t}\n"));
        fs.add_file(
            p(&format!("tenants/dev/{t}/kustomization.yaml")),
            format!("namespace: {t}\nresources:\n- ../../base/common\n- rbac.yaml\n- sync.yaml\n"),
        );
        fs.add_file(
            p(&format!("tenants/dev/{t}/rbac.yaml")),
            format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {t}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {t}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reconciler\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- kind: ServiceAccount\n  name: {t}\n  namespace: {t}\n"),
        );
        fs.add_file(
            p(&format!("tenants/dev/{t}/sync.yaml")),
            format!("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: {t}\nspec:\n  interval: 5m\n  url: https://github.com/acme/{t}\n  ref:\n    branch: main\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {t}\nspec:\n  interval: 5m\n  path: ./dev\n  prune: true\n  serviceAccountName: {t}\n  sourceRef:\n    kind: GitRepository\n    name: {t}\n  postBuild:\n    substitute:\n      tenant: {t}\n"),
        );
        let r = format!("tenants/{t}");
        fs.add_file(
            format!("{r}/base/kustomization.yaml"),
            "resources:\n- deploy.yaml\n- svc.yaml\nconfigMapGenerator:\n- name: web-env\n  literals:\n  - LOG_LEVEL=info\n",
        );
        fs.add_file(
            format!("{r}/base/deploy.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n        envFrom:\n        - configMapRef:\n            name: web-env\n        env:\n        - name: TENANT\n          value: ${tenant}\n        ports:\n        - containerPort: 8080\n",
        );
        fs.add_file(
            format!("{r}/base/svc.yaml"),
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n",
        );
        fs.add_file(
            format!("{r}/dev/kustomization.yaml"),
            format!("namespace: {t}\nresources:\n- ../base\nimages:\n- name: ghcr.io/acme/web\n  newTag: 1.2.{i}\npatches:\n- target:\n    kind: Deployment\n    name: web\n  patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 2\n"),
        );
    }
    fs.add_file(p("tenants/dev/kustomization.yaml"), list);
    for (rel, text) in fs.0 {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                panic!("mkdir: {e}");
            }
        }
        if let Err(e) = std::fs::write(&path, text) {
            panic!("write {}: {e}", path.display());
        }
    }
    dir
}

fn options(root: &Path, n: usize) -> ClusterOptions {
    let mut opts = ClusterOptions::new("dev");
    for i in 0..n {
        let t = tenant(i);
        opts.sources.push(SourceMapping {
            key: ObjectKey::new("GitRepository", &t, &t),
            path: root.join(format!("tenants/{t}")),
            ignore: String::new(),
        });
    }
    opts
}

fn flux(root: &Path, opts: &ClusterOptions) -> usize {
    match render_cluster(&DiskFs, &root.join("platform"), opts) {
        Ok(r) => r.kustomizations.iter().map(|k| k.objects.len()).sum(),
        Err(e) => panic!("render failed: {e}"),
    }
}

fn plain(root: &Path, n: usize) -> usize {
    let k = Kustomizer::new(
        Options::default()
            .load_restrictor(LoadRestrictor::None)
            .reorder(Reorder::None),
    );
    let mut total = 0;
    let mut dirs = vec![root.join("platform/tenants/dev")];
    dirs.extend((0..n).map(|i| root.join(format!("tenants/{}/dev", tenant(i)))));
    for d in dirs {
        let m = match k.build(&DiskFs, &d) {
            Ok(m) => m,
            Err(e) => panic!("build {}: {e}", d.display()),
        };
        // Printing is part of a build, as it is of render_cluster.
        if let Err(e) = m.to_yaml() {
            panic!("print {}: {e}", d.display());
        }
        total += m.len();
    }
    total
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("flux-fleet");
    g.sample_size(10);
    for n in [100, 1000] {
        let dir = fleet(n);
        let root = dir.path().to_path_buf();
        let opts = options(&root, n);
        g.bench_with_input(BenchmarkId::new("render_cluster", n), &n, |b, _| {
            b.iter(|| flux(&root, &opts))
        });
        g.bench_with_input(BenchmarkId::new("plain_build", n), &n, |b, &n| {
            b.iter(|| plain(&root, n))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|p| args.get(p + 1))
    };
    // `--only flux|plain N`: one run of one side (for `valgrind --tool=callgrind`, which
    // counts instructions repeatably on a noisy machine).
    if let Some(side) = arg("--only") {
        let n: usize = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|p| args.get(p + 2))
            .and_then(|s| s.parse().ok())
            .unwrap_or(1000);
        let dir = fleet(n);
        let root = dir.path().to_path_buf();
        let opts = options(&root, n);
        let objs = if side == "flux" {
            flux(&root, &opts)
        } else {
            plain(&root, n)
        };
        println!("{side} {n} tenants: {objs} objects");
        return;
    }
    // `--once N [--runs R]`: R alternating timed runs of each side, minimum of each.
    if let Some(n) = arg("--once") {
        let n: usize = n.parse().unwrap_or(1000);
        let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(3);
        let dir = fleet(n);
        let root = dir.path().to_path_buf();
        let opts = options(&root, n);
        // Warm the page cache and the allocator for both sides.
        plain(&root, n);
        let (mut tf, mut tp) = (f64::MAX, f64::MAX);
        let (mut objs, mut pobjs) = (0, 0);
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            objs = flux(&root, &opts);
            tf = tf.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            pobjs = plain(&root, n);
            tp = tp.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{n} tenants: render_cluster {:.0} ms ({objs} objects), plain build {:.0} ms ({pobjs} objects), ratio {:.2} (min of {runs} alternating runs)",
            tf * 1e3,
            tp * 1e3,
            tf / tp
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
