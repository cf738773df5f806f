//! Values composition on krust's own data. Expectations follow flux-semantics §1 and the
//! upstream code it cites (fluxcd/pkg chartutil, helm strvals, helm-controller).

#![allow(clippy::unwrap_used)]

use krust_helm::{compose_values, HelmRelease, ObjectIndex, RefReason, Severity, ValuesError};
use krust_yaml::{parse_stream, Typing, Value};

fn docs(src: &str) -> Vec<Value> {
    parse_stream(src, "test.yaml", Typing::Kyaml).unwrap()
}

/// A HelmRelease `apps/web` with the given `spec` body (YAML, indented by 2).
fn hr(spec: &str) -> HelmRelease {
    let src = format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: web\n{spec}"
    );
    HelmRelease::from_value(&docs(&src)[0]).unwrap()
}

fn compose(spec: &str, objects: &str) -> Result<Value, ValuesError> {
    let objs = docs(objects);
    compose_values(&hr(spec), &ObjectIndex::new(objs.iter())).map(|c| c.user)
}

fn yaml(src: &str) -> Value {
    parse_stream(src, "want.yaml", Typing::Kyaml)
        .unwrap()
        .remove(0)
}

/// Order-insensitive equality (composed maps come from Go maps, which have no order).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_map(), b.as_map()) {
        (Some(x), Some(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => match (a.as_seq(), b.as_seq()) {
            (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
            _ => a == b,
        },
    }
}

#[track_caller]
fn assert_values(got: Result<Value, ValuesError>, want: &str) {
    let got = got.unwrap();
    let want = yaml(want);
    assert!(same(&got, &want), "got {got:?}\nwant {want:?}");
}

const CM_BASE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n  namespace: apps\ndata:\n  values.yaml: |\n    image:\n      repository: r\n      tag: base\n    replicas: 1\n    debug: yes\n";

#[test]
fn inline_values_alone_come_back_with_json_numbers() {
    assert_values(
        compose("  values:\n    a: 1\n    b: 2.0\n    c: [x]\n", ""),
        "a: 1\nb: 2\nc: [x]\n",
    );
}

#[test]
fn absent_values_compose_to_an_empty_map() {
    assert_values(compose("", ""), "{}");
}

#[test]
fn whole_documents_merge_in_order_and_inline_wins() {
    let objs = format!(
        "{CM_BASE}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: over\n  namespace: apps\nstringData:\n  values.yaml: \"image: {{tag: secret}}\\nreplicas: 2\\n\"\n"
    );
    let spec = "  values:\n    replicas: 3\n  valuesFrom:\n  - kind: ConfigMap\n    name: base\n  - kind: Secret\n    name: over\n";
    // `debug: yes` is YAML 1.1 in a values document: a boolean.
    assert_values(
        compose(spec, &objs),
        "image: {repository: r, tag: secret}\nreplicas: 3\ndebug: true\n",
    );
}

/// helm's ReadValues goes through sigs.k8s.io/yaml and go-yaml v2: plain `y`/`n` keys are
/// booleans there and become the keys "true"/"false" (the vector
/// `lists-replaced-maps-merged-null-kept` assumes otherwise; upstream wins).
#[test]
fn yaml11_boolean_keys_in_values_documents_become_true_false() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  values.yaml: \"m: {x: 1, y: 1}\\nn: 5\\n\"\n";
    let spec = "  values:\n    n: null\n  valuesFrom:\n  - kind: ConfigMap\n    name: c\n";
    assert_values(
        compose(spec, objs),
        "m: {x: 1, \"true\": 1}\n\"false\": 5\nn: null\n",
    );
}

#[test]
fn secret_data_is_base64_and_string_data_wins() {
    // "3\n" and "c2VjcmV0" = "secret".
    let objs = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\ndata:\n  n: Mwo=\n  t: c2VjcmV0\nstringData:\n  t: plain\n";
    let spec = "  valuesFrom:\n  - kind: Secret\n    name: s\n    valuesKey: n\n    targetPath: a.n\n  - kind: Secret\n    name: s\n    valuesKey: t\n    targetPath: a.t\n";
    // A trailing newline keeps "3\n" a string (strconv.ParseInt fails on it).
    assert_values(compose(spec, objs), "a: {n: \"3\\n\", t: plain}\n");
}

#[test]
fn target_path_inside_an_inline_map_sticks_and_beats_later_entries() {
    let objs = format!(
        "{CM_BASE}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: tag\n  namespace: apps\nstringData:\n  t: pinned\n"
    );
    let spec = "  values:\n    image:\n      pullPolicy: Always\n  valuesFrom:\n  - kind: Secret\n    name: tag\n    valuesKey: t\n    targetPath: image.tag\n  - kind: ConfigMap\n    name: base\n";
    assert_values(
        compose(spec, &objs),
        "image: {repository: r, tag: pinned, pullPolicy: Always}\nreplicas: 1\ndebug: true\n",
    );
}

#[test]
fn target_path_after_a_document_with_the_parent_loses_to_inline() {
    let objs = format!(
        "{CM_BASE}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: tag\n  namespace: apps\nstringData:\n  t: pinned\n"
    );
    let spec = "  values:\n    image:\n      tag: inline\n  valuesFrom:\n  - kind: ConfigMap\n    name: base\n  - kind: Secret\n    name: tag\n    valuesKey: t\n    targetPath: image.tag\n";
    assert_values(
        compose(spec, &objs),
        "image: {repository: r, tag: inline}\nreplicas: 1\ndebug: true\n",
    );
}

#[test]
fn top_level_target_path_loses_to_inline_but_sets_new_keys() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  r: \"5\"\n";
    let spec = "  values:\n    replicas: 1\n  valuesFrom:\n  - kind: ConfigMap\n    name: c\n    valuesKey: r\n    targetPath: replicas\n  - kind: ConfigMap\n    name: c\n    valuesKey: r\n    targetPath: other\n";
    assert_values(compose(spec, objs), "replicas: 1\nother: 5\n");
}

#[test]
fn in_range_index_into_an_inline_list_sticks() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  h: \"'b.example'\"\n";
    let spec = "  values:\n    hosts: [a, b]\n  valuesFrom:\n  - kind: ConfigMap\n    name: c\n    valuesKey: h\n    targetPath: hosts[1]\n";
    // Quoted data is trimmed of its quotes and kept as a string.
    assert_values(compose(spec, objs), "hosts: [a, b.example]\n");
}

#[test]
fn literal_keeps_the_data_verbatim() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  b: \"{x,y}=1,z\\\\\"\n";
    let spec = "  valuesFrom:\n  - kind: ConfigMap\n    name: c\n    valuesKey: b\n    targetPath: cfg.raw\n    literal: true\n";
    assert_values(compose(spec, objs), "cfg: {raw: \"{x,y}=1,z\\\\\"}\n");
}

#[test]
fn optional_entries_skip_missing_objects_and_keys() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  k: \"a: 1\"\n";
    let spec = "  valuesFrom:\n  - kind: Secret\n    name: none\n    optional: true\n  - kind: ConfigMap\n    name: c\n    valuesKey: missing\n    optional: true\n  - kind: ConfigMap\n    name: c\n    valuesKey: k\n";
    assert_values(compose(spec, objs), "a: 1\n");
}

#[test]
fn references_resolve_only_in_the_release_namespace() {
    let objs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\ndata:\n  values.yaml: \"a: 1\"\n";
    let err = compose("  valuesFrom:\n  - kind: ConfigMap\n    name: c\n", objs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "HelmRelease apps/web: could not resolve ConfigMap chart values reference 'apps/c' with key 'values.yaml': configmaps \"c\" not found"
    );
    assert_eq!(
        err.reference().map(|r| r.reason),
        Some(RefReason::ResourceNotFound)
    );
}

#[test]
fn a_miss_cached_by_an_optional_entry_fails_with_the_bare_reason() {
    let spec = "  valuesFrom:\n  - kind: Secret\n    name: gone\n    optional: true\n  - kind: Secret\n    name: gone\n";
    assert_eq!(
        compose(spec, "").unwrap_err().to_string(),
        "HelmRelease apps/web: could not resolve Secret chart values reference 'apps/gone' with key 'values.yaml': resource not found"
    );
}

#[test]
fn error_texts_follow_fluxcd_pkg() {
    let objs = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\nstringData:\n  list: \"- a\\n\"\n  csv: a,b\n";
    let cases = [
        (
            "  valuesFrom:\n  - kind: Secret\n    name: s\n    valuesKey: nokey\n",
            "HelmRelease apps/web: could not resolve Secret chart values reference 'apps/s' with key 'nokey': key not found",
        ),
        (
            "  valuesFrom:\n  - kind: Secret\n    name: s\n    valuesKey: list\n",
            "HelmRelease apps/web: could not resolve Secret chart values reference 'apps/s' with key 'list': error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type common.Values",
        ),
        (
            "  valuesFrom:\n  - kind: Secret\n    name: s\n    valuesKey: csv\n    targetPath: x\n    optional: true\n",
            "HelmRelease apps/web: could not resolve optional Secret chart values reference 'apps/s' with key 'csv': key \"b\" has no value",
        ),
        (
            "  valuesFrom:\n  - kind: Opaque\n    name: s\n",
            "HelmRelease apps/web: could not resolve Opaque chart values reference 'apps/s' with key 'values.yaml': unsupported values reference kind",
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(compose(spec, objs).unwrap_err().to_string(), want);
    }
}

#[test]
fn descending_through_an_inline_scalar_is_an_error() {
    let objs = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\nstringData:\n  t: x\n";
    let spec = "  values:\n    a: [1]\n  valuesFrom:\n  - kind: Secret\n    name: s\n    valuesKey: t\n    targetPath: a.b\n";
    let err = compose(spec, objs).unwrap_err();
    assert_eq!(
        err.reference().map(|r| r.reason),
        Some(RefReason::ValueMerge)
    );
}

#[test]
fn release_names_namespaces_and_derived_chart() {
    let src = "apiVersion: helm.toolkit.fluxcd.io/v2beta2\nkind: HelmRelease\nmetadata:\n  name: an-object-name-that-is-rather-long\n  namespace: team\nspec:\n  targetNamespace: a-target-namespace-that-is-long-too\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: repo\n        namespace: flux-system\n";
    let hr = HelmRelease::from_value(&docs(src)[0]).unwrap();
    let full = "a-target-namespace-that-is-long-too-an-object-name-that-is-rather-long";
    let name = hr.release_name();
    assert_eq!(name.len(), 53);
    assert!(name.starts_with(&full[..40]));
    assert_eq!(
        hr.release_namespace(),
        "a-target-namespace-that-is-long-too"
    );
    assert_eq!(hr.storage_namespace(), "team");
    let chart = hr.derived_helm_chart().unwrap();
    assert_eq!(
        (chart.namespace.as_str(), chart.name.as_str()),
        ("flux-system", "team-an-object-name-that-is-rather-long")
    );
    assert_eq!(hr.cross_namespace_refs().len(), 1);
    assert_eq!(hr.chart.as_ref().unwrap().version, "*");
    assert!(hr
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning && d.message.contains("v2beta2")));
    assert_eq!(
        hr.effective_service_account(Some("default")),
        Some("default")
    );
    assert_eq!(hr.effective_service_account(None), None);
}

#[test]
fn chart_and_chart_ref_are_exclusive() {
    let src = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: x\n  namespace: n\nspec:\n  values: {}\n";
    let err = HelmRelease::from_value(&docs(src)[0]).unwrap_err();
    assert!(
        err.to_string()
            .contains("either chart or chartRef must be set"),
        "{err}"
    );
    let src = "apiVersion: helm.toolkit.fluxcd.io/v3\nkind: HelmRelease\nmetadata:\n  name: x\n  namespace: n\n";
    assert!(HelmRelease::from_value(&docs(src)[0]).is_err());
}
