//! Strategic merge of a typical Deployment patch (image, env, resources, a new sidecar and
//! a label) into a Deployment with two containers, with kustomize's options.

use criterion::{criterion_group, criterion_main, Criterion};
use krust_patch::{apply_json6902, merge, parse_json6902, Schema};
use krust_yaml::{parse_document, Typing, Value};

const TARGET: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
  annotations: {owner: team-a}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      serviceAccountName: web
      volumes:
      - name: config
        configMap: {name: web-config}
      - name: cache
        emptyDir: {}
      containers:
      - name: web
        image: registry.example.com/web:1.0.0
        args: [--port=8080, --log-level=info]
        ports:
        - {containerPort: 8080, name: http, protocol: TCP}
        - {containerPort: 9090, name: metrics}
        env:
        - {name: MODE, value: production}
        - {name: REGION, value: eu-west-1}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        volumeMounts:
        - {name: config, mountPath: /etc/web}
        - {name: cache, mountPath: /var/cache}
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
      - name: log-shipper
        image: registry.example.com/shipper:2.1
        volumeMounts:
        - {name: cache, mountPath: /var/cache, readOnly: true}
"#;

const PATCH: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {release: canary}
spec:
  replicas: 5
  template:
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.1.0
        env:
        - {name: MODE, value: canary}
        - {name: FEATURE_X, value: "on"}
        resources:
          limits: {memory: 512Mi}
      - name: proxy
        image: registry.example.com/proxy:3.0
        ports:
        - {containerPort: 15001}
"#;

const JSON6902: &str = r#"- {op: replace, path: /spec/replicas, value: 5}
- {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: FEATURE_X, value: "on"}}
- {op: remove, path: /metadata/annotations/owner}
"#;

fn parse(src: &str) -> Value {
    parse_document(src, "bench.yaml", Typing::Kyaml).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let target = parse(TARGET);
    let patch = parse(PATCH);
    let schema = Schema::builtin();
    c.bench_function("smp_deployment_patch", |b| {
        b.iter(|| {
            merge(
                std::hint::black_box(&target),
                std::hint::black_box(&patch),
                schema,
            )
        })
    });
    let empty = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
    c.bench_function("smp_deployment_name_only_patch", |b| {
        b.iter(|| {
            merge(
                std::hint::black_box(&target),
                std::hint::black_box(&empty),
                schema,
            )
        })
    });
    let ops = parse_json6902(JSON6902, "bench.yaml").unwrap_or_default();
    c.bench_function("json6902_deployment_patch", |b| {
        b.iter(|| apply_json6902(std::hint::black_box(&target), std::hint::black_box(&ops)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
