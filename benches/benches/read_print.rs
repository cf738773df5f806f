//! Read + print throughput of krust-yaml over the YAML files of a multi-tenant fleet.
//!
//! At startup the bench generates a fleet with `../shared/bench/gen_fleet.py --tenants 20`
//! into a temporary directory when `../shared` (beside the repository) and `python3` are
//! there; otherwise it uses a small fleet built from inputs embedded below, so `cargo bench`
//! works on any clone. Throughput is reported in bytes of YAML input per second.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use krust_yaml::{parse_stream, to_yaml, Typing};

/// One input file of the fleet.
struct Input {
    name: String,
    text: String,
}

fn main_fleet() -> (Vec<Input>, String) {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let script = shared.join("bench/gen_fleet.py");
    if script.is_file() {
        if let Some(inputs) = generated_fleet(&script) {
            return (inputs, "gen_fleet.py --tenants 20".to_string());
        }
        eprintln!("read_print: gen_fleet.py failed; using the embedded fleet");
    }
    (embedded_fleet(20), "embedded fleet, 20 tenants".to_string())
}

fn generated_fleet(script: &Path) -> Option<Vec<Input>> {
    let dir = tempfile::tempdir().ok()?;
    let status = Command::new("python3")
        .arg(script)
        .args(["--tenants", "20", "--out"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let mut files = Vec::new();
    collect_yaml(dir.path(), &mut files);
    files.sort();
    let inputs: Vec<Input> = files
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let name = p
                .strip_prefix(dir.path())
                .unwrap_or(p)
                .display()
                .to_string();
            Some(Input { name, text })
        })
        .collect();
    (!inputs.is_empty()).then_some(inputs)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_yaml(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// A tenant's files, written for this bench: `TEAM` is replaced by the tenant's name.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: TEAM\n\
resources:\n  - namespace.yaml\n  - app.yaml\n  - release.yaml\nlabels:\n  - pairs:\n      team: TEAM\n\
configMapGenerator:\n  - name: TEAM-values\n    files:\n      - values.yaml=values/TEAM.yaml\n",
    ),
    (
        "namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: TEAM\n  labels:\n    toolkit.fluxcd.io/tenant: TEAM\n",
    ),
    (
        "app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: TEAM-api\n  annotations:\n    note: \"yes\"\n\
spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: TEAM-api\n  template:\n    metadata:\n\
      labels:\n        app: TEAM-api\n    spec:\n      containers:\n        - name: api\n\
          image: registry.example.com/TEAM/api:1.4.2\n          args: [\"--port=8080\", \"--log-level=info\"]\n\
          env:\n            - name: GREETING\n              value: 'hello, TEAM'\n            - name: RATIO\n\
              value: \"0.75\"\n          ports:\n            - containerPort: 8080\n              protocol: TCP\n\
          readinessProbe:\n            httpGet: {path: /healthz, port: 8080}\n            periodSeconds: 10\n\
          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n---\napiVersion: v1\nkind: Service\n\
metadata:\n  name: TEAM-api\nspec:\n  selector:\n    app: TEAM-api\n  ports:\n    - port: 80\n      targetPort: 8080\n",
    ),
    (
        "release.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: TEAM-cache\nspec:\n\
  interval: 10m\n  chart:\n    spec:\n      chart: redis\n      version: \">=18.0.0 <19.0.0\"\n      sourceRef:\n\
        kind: HelmRepository\n        name: bitnami\n  valuesFrom:\n    - kind: ConfigMap\n      name: TEAM-values\n\
  values:\n    architecture: standalone\n    auth:\n      enabled: false\n    master:\n      persistence:\n\
        size: 8Gi\n    commonConfiguration: |-\n      appendonly yes\n      save \"\"\n",
    ),
    ("values/TEAM.yaml", "replica:\n  replicaCount: 1\nmetrics:\n  enabled: true\n  serviceMonitor:\n    enabled: on\n"),
];

fn embedded_fleet(tenants: usize) -> Vec<Input> {
    (0..tenants)
        .flat_map(|i| {
            let team = format!("team-{i:02}");
            EMBEDDED.iter().map(move |(name, text)| Input {
                name: format!("tenants/base/{team}/{}", name.replace("TEAM", &team)),
                text: text.replace("TEAM", &team),
            })
        })
        .collect()
}

/// Reads every file and prints every document; returns the bytes printed.
fn read_print(inputs: &[Input]) -> usize {
    let mut printed = 0;
    for input in inputs {
        if let Ok(docs) = parse_stream(&input.text, &input.name, Typing::Kyaml) {
            for doc in &docs {
                if let Ok(out) = to_yaml(doc) {
                    printed += out.len();
                }
            }
        }
    }
    printed
}

fn bench(c: &mut Criterion) {
    let (inputs, label) = main_fleet();
    let bytes: usize = inputs.iter().map(|i| i.text.len()).sum();
    let failing = inputs
        .iter()
        .filter(|i| {
            parse_stream(&i.text, &i.name, Typing::Kyaml)
                .map_or(true, |docs| docs.iter().any(|d| to_yaml(d).is_err()))
        })
        .count();
    eprintln!(
        "read_print: {label}: {} files, {bytes} bytes; {failing} files fail to read or print",
        inputs.len()
    );
    let mut group = c.benchmark_group("yaml");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("read_print_fleet", |b| {
        b.iter(|| read_print(black_box(&inputs)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
