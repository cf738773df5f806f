//! Parse once, execute many: the executor over a Helm-like template and values tree.

use criterion::{criterion_group, criterion_main, Criterion};
use krust_template::{MapEntries, Set, Value};

const TEMPLATE: &str = r#"{{- define "name" -}}{{ .Release.name }}-{{ .Chart.name }}{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ template "name" . }}
  labels:
  {{- range $k, $v := .Values.labels }}
    {{ $k }}: {{ printf "%q" $v }}
  {{- end }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
      {{- range $i, $c := .Values.containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image.repository }}:{{ $c.image.tag }}"
          {{- if $c.ports }}
          ports:
          {{- range $c.ports }}
            - containerPort: {{ . }}
          {{- end }}
          {{- end }}
          {{- with $c.resources }}
          resources: {{ . }}
          {{- end }}
      {{- end }}
"#;

fn values() -> Value {
    let mut labels = MapEntries::new();
    for i in 0..10 {
        labels.insert(
            format!("label-{i}").into(),
            Value::str(format!("value-{i}")),
        );
    }
    let containers: Vec<Value> = (0..20)
        .map(|i| {
            let mut image = MapEntries::new();
            image.insert("repository".into(), Value::str("registry.example/app"));
            image.insert("tag".into(), Value::str(format!("1.{i}.0")));
            let mut c = MapEntries::new();
            c.insert("name".into(), Value::str(format!("c{i}")));
            c.insert("image".into(), Value::map(image));
            c.insert(
                "ports".into(),
                Value::list((0..3).map(|p| Value::Float(8080.0 + p as f64)).collect()),
            );
            Value::map(c)
        })
        .collect();
    let mut v = MapEntries::new();
    v.insert("labels".into(), Value::map(labels));
    v.insert("replicas".into(), Value::Float(3.0));
    v.insert("containers".into(), Value::list(containers));
    let mut rel = MapEntries::new();
    rel.insert("name".into(), Value::str("rel"));
    let mut chart = MapEntries::new();
    chart.insert("name".into(), Value::str("app"));
    let mut top = MapEntries::new();
    top.insert("Values".into(), Value::map(v));
    top.insert("Release".into(), Value::map(rel));
    top.insert("Chart".into(), Value::map(chart));
    Value::map(top)
}

fn bench(c: &mut Criterion) {
    c.bench_function("parse", |b| {
        b.iter(|| {
            let mut set = Set::new();
            set.parse("deployment.yaml", TEMPLATE).map(|_| set)
        })
    });
    let mut set = Set::new();
    if set.parse("deployment.yaml", TEMPLATE).is_err() {
        return;
    }
    let data = values();
    c.bench_function("execute", |b| {
        b.iter(|| set.execute("deployment.yaml", &data))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
