//! Builds of arbitrary input fail with errors, never panics.

use std::path::Path;

use krust_kustomize::{Kustomizer, MemFs, Options};
use proptest::prelude::*;

/// Kustomization fields and values that reach most transforms.
fn kustomization() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("resources:\n- r.yaml\n".to_string()),
        Just("resources:\n- ../other\n".to_string()),
        Just("namePrefix: p-\n".to_string()),
        Just("namespace: ns\n".to_string()),
        Just("commonLabels:\n  a: b\n".to_string()),
        Just("images:\n- name: nginx\n  newTag: \"2\"\n".to_string()),
        Just("replicas:\n- name: d\n  count: 2\n".to_string()),
        Just("configMapGenerator:\n- name: c\n  literals: [A=1]\n".to_string()),
        Just("patches:\n- path: r.yaml\n".to_string()),
        Just("patches:\n- target: {kind: Deployment}\n  patch: '[{\"op\": \"remove\", \"path\": \"/spec\"}]'\n".to_string()),
        Just("replacements:\n- source: {kind: Deployment}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.x]\n".to_string()),
        Just("vars:\n- name: V\n  objref: {kind: Deployment, name: d, apiVersion: apps/v1}\n".to_string()),
        "[ -~\n]{0,40}",
    ];
    prop::collection::vec(field, 0..6).prop_map(|v| v.concat())
}

fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        args: [\"$(V)\"]\n".to_string()),
        Just("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: y\n".to_string()),
        Just("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s\n".to_string()),
        "[ -~\n]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_builds_do_not_panic(k in kustomization(), r in resource(), other in kustomization()) {
        let fs = MemFs::from_files([
            ("app/kustomization.yaml", k),
            ("app/r.yaml", r),
            ("other/kustomization.yaml", other),
        ]);
        let _ = Kustomizer::new(Options::default())
            .build(&fs, Path::new("/app"))
            .map(|m| m.to_yaml());
    }
}
