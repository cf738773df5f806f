//! Resource files read with the real YAML reader, checked against `kubectl kustomize`
//! (kustomize v5.5.0) on the same text.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use krust_model::{resources_from_documents, Origin, ResMap};
use krust_yaml::{parse_stream, Typing};

fn build(text: &str) -> Result<ResMap, String> {
    let docs = parse_stream(text, "r.yaml", Typing::Kyaml).map_err(|e| e.to_string())?;
    let origin = Arc::new(Origin::file("r.yaml"));
    let resources = resources_from_documents(docs, &origin).map_err(|e| e.to_string())?;
    ResMap::from_resources(resources).map_err(|e| e.to_string())
}

fn names(m: &ResMap) -> Vec<String> {
    m.iter()
        .map(|r| format!("{}/{}", r.kind(), r.name()))
        .collect()
}

#[test]
fn lists_expand_after_the_other_documents() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
- apiVersion: v1
  kind: ConfigMapList
  items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: nested
  - {}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
---
apiVersion: v1
kind: SecretList
items: null
---
apiVersion: v1
kind: FooList
metadata:
  name: keep
";
    let m = build(text).unwrap();
    assert_eq!(
        names(&m),
        [
            "ConfigMap/c",
            "FooList/keep",
            "ConfigMap/a",
            "ConfigMap/b",
            "ConfigMap/nested"
        ]
    );
    // kubectl prints the same objects in this order.
    assert_eq!(
        m.to_yaml().unwrap(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: FooList\nmetadata:\n  name: keep\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n"
    );
}

#[test]
fn a_lone_list_is_unwrapped() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMapList
  items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: nested
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
";
    assert_eq!(
        names(&build(text).unwrap()),
        ["ConfigMap/b", "ConfigMap/nested"]
    );
    assert_eq!(
        names(&build("apiVersion: v1\nkind: List\nitems: 3\n").unwrap()),
        Vec::<String>::new()
    );
}

#[test]
fn kustomize_messages_for_bad_documents() {
    let cases = [
        (
            "apiVersion: v1\nmetadata:\n  name: foo\n  namespace: bar\n  labels:\n    a: b\n",
            "missing kind in object {{v1 } {{foo bar} map[a:b] map[]}}",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: bar\n  labels:\n    a: b\n",
            "missing metadata.name in object {{v1 ConfigMap} {{ bar} map[a:b] map[]}}",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\n",
            "missing metadata.name in object {{v1 ConfigMap} {{ } map[] map[]}}",
        ),
        ("foo: bar\n", "missing Resource metadata"),
        (
            "kind: FooList\nitems: 3\n",
            "expected array in FooList/items, but found int",
        ),
        (
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n",
            "missing metadata.name in object {{v1 ConfigMap} {{ } map[] map[]}}",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(build(text).unwrap_err(), want, "{text}");
    }
}

#[test]
fn duplicate_ids_are_rejected() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n";
    assert_eq!(
        build(text).unwrap_err(),
        "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/a.default"
    );
}
