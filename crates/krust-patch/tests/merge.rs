//! Strategic merge on our own inputs. Expected outputs were checked with the oracle
//! (`kubectl kustomize` v5.5, which sorts keys on output, so key order is compared only
//! where kyaml's order is documented).

use krust_patch::{merge, merge_with, CommentSchemas, ListIncrease, MergeOptions, Schema};
use krust_yaml::{parse_document, parse_stream_with_comments, Data, Map, Typing, Value};

fn doc(src: &str) -> Value {
    parse_document(src, "test.yaml", Typing::Kyaml).expect("test YAML parses")
}

fn sorted(v: &Value) -> Value {
    match &v.data {
        Data::Map(m) => {
            let mut e: Vec<_> = m.iter().collect();
            e.sort_by(|a, b| a.0.cmp(b.0));
            Value::from_map(
                e.into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect::<Map>(),
            )
        }
        Data::Seq(s) => Value::from_seq(s.iter().map(sorted).collect()),
        _ => v.clone(),
    }
}

fn smp(target: &str, patch: &str) -> Option<Value> {
    merge(&doc(target), &doc(patch), Schema::builtin()).expect("merge succeeds")
}

#[test]
fn directives_kyaml_does_not_implement_are_copied_as_keys() {
    let out = smp(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  finalizers: [a, b]\nspec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1}\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n        args: [x, y]\n        env:\n        - {name: A, value: \"1\"}\n      - name: side\n        image: side:1\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  $deleteFromPrimitiveList/finalizers: [a]\nspec:\n  strategy:\n    $retainKeys: [type]\n    type: Recreate\n  template:\n    spec:\n      $setElementOrder/containers:\n      - name: side\n      - name: app\n      containers:\n      - name: app\n        image: app:2\n        args: [z]\n        env:\n        - {name: B, value: \"2\"}\n",
    )
    .expect("document kept");
    let want = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  $deleteFromPrimitiveList/finalizers: [a]\n  finalizers: [a, b]\n  name: web\nspec:\n  strategy:\n    $retainKeys: [type]\n    rollingUpdate: {maxSurge: 1}\n    type: Recreate\n  template:\n    spec:\n      $setElementOrder/containers:\n      - name: side\n      - name: app\n      containers:\n      - args: [z]\n        env:\n        - {name: B, value: \"2\"}\n        - {name: A, value: \"1\"}\n        image: app:2\n        name: app\n      - image: side:1\n        name: side\n");
    assert_eq!(sorted(&out), sorted(&want));
}

#[test]
fn service_ports_null_labels_and_replaced_lists() {
    let out = smp(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels: {a: \"1\", b: \"2\"}\n  annotations:\n    keep: null\n    drop:\nspec:\n  ports:\n  - {port: 80, protocol: TCP, name: http}\n  - {port: 443, protocol: TCP, name: https}\n  selector: {app: web}\n  externalIPs: [1.1.1.1, 2.2.2.2]\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels: {b: null, c: \"3\"}\nspec:\n  ports:\n  - {port: 8080, name: alt}\n  - {port: 443, targetPort: 8443}\n  externalIPs: [3.3.3.3]\n",
    )
    .expect("document kept");
    // kyaml loses `targetPort` here: the patch port without `protocol` is matched by key
    // text against itself only after the target's port took its place (the oracle agrees).
    let want = doc("apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    keep: null\n  labels: {a: \"1\", c: \"3\"}\n  name: svc\nspec:\n  externalIPs: [3.3.3.3]\n  ports:\n  - {name: alt, port: 8080}\n  - {name: http, port: 80, protocol: TCP}\n  - {name: https, port: 443, protocol: TCP}\n  selector: {app: web}\n");
    assert_eq!(sorted(&out), sorted(&want));
}

#[test]
fn patch_directives_delete_element_and_replace_list() {
    let out = smp(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  volumes:\n  - {name: v1, emptyDir: {}}\n  - {name: v2, emptyDir: {}}\n  containers:\n  - {name: a, image: a}\n  - {name: b, image: b}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  volumes:\n  - {name: v1, $patch: delete}\n  containers:\n  - {name: c, image: c}\n  - $patch: replace\n",
    )
    .expect("document kept");
    let want = doc("apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  volumes:\n  - {name: v2, emptyDir: {}}\n  containers:\n  - {name: c, image: c}\n");
    assert_eq!(out, want);
}

#[test]
fn root_delete_removes_the_document() {
    let out = smp(
        "kind: ConfigMap\nmetadata: {name: a}\n",
        "kind: ConfigMap\n$patch: delete\n",
    );
    assert!(out.is_none());
}

#[test]
fn new_keys_are_appended_sorted_and_existing_keep_their_place() {
    let out = smp("kind: X\nz: 1\na: 2\n", "kind: X\nm: 3\nb: 4\na: 5\n").expect("kept");
    let keys: Vec<&str> = out.as_map().expect("map").keys().map(|k| &**k).collect();
    assert_eq!(keys, ["kind", "z", "a", "b", "m"]);
    assert_eq!(out.get("a").and_then(Value::as_i64), Some(5));
}

#[test]
fn unknown_kind_lists_are_replaced_and_append_option_orders() {
    let t = "apiVersion: example.com/v1\nkind: Widget\nitems:\n- {name: a}\n- {name: b}\n";
    let p = "apiVersion: example.com/v1\nkind: Widget\nitems:\n- {name: c}\n";
    let out = smp(t, p).expect("kept");
    assert_eq!(
        out.pointer("/items").and_then(Value::as_seq).map(Vec::len),
        Some(1)
    );
    // With inference (kyaml's merge2 library, not kustomize) the list merges by name.
    let opts = MergeOptions {
        infer_associative_lists: true,
        list_increase: ListIncrease::Append,
        ..Default::default()
    };
    let out = merge_with(&doc(t), &doc(p), Schema::builtin(), &opts)
        .expect("merge")
        .expect("kept");
    let names: Vec<&str> = out
        .pointer("/items")
        .and_then(Value::as_seq)
        .expect("items")
        .iter()
        .filter_map(|i| i.str_at(&["name"]))
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
}

#[test]
fn comment_schema_in_patch_makes_a_list_associative() {
    let t = "kind: Widget\napiVersion: example.com/v1\nspec:\n  things:\n  - {name: a, v: 1}\n  - {name: b, v: 2}\n";
    let p = "kind: Widget\napiVersion: example.com/v1\nspec:\n  things: # {\"type\":\"array\",\"x-kubernetes-patch-merge-key\":\"name\",\"x-kubernetes-patch-strategy\":\"merge\"}\n  - {name: b, v: 3}\n";
    let (pd, comments) = parse_stream_with_comments(p, "p.yaml", Typing::Kyaml).expect("parse");
    let patch = pd.into_iter().next().expect("doc");
    let opts = MergeOptions {
        patch_comments: CommentSchemas::from_comments(&patch, 0, &comments, Schema::builtin()),
        ..Default::default()
    };
    assert!(!opts.patch_comments.is_empty());
    let out = merge_with(&doc(t), &patch, Schema::builtin(), &opts)
        .expect("merge")
        .expect("kept");
    let want = doc("kind: Widget\napiVersion: example.com/v1\nspec:\n  things:\n  - {name: b, v: 3}\n  - {name: a, v: 1}\n");
    assert_eq!(out, want);
}

#[test]
fn mismatched_kinds_are_an_error() {
    let e = merge(
        &doc("kind: X\na: {b: 1}\n"),
        &doc("kind: X\na: [1]\n"),
        Schema::builtin(),
    )
    .expect_err("must fail");
    assert!(e.to_string().starts_with("a: wrong node kind"), "{e}");
    let e = merge(
        &doc("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, resources: {limits: {}}}\n"),
        &doc("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, resources: [1]}\n"),
        Schema::builtin(),
    )
    .expect_err("must fail");
    assert!(
        e.to_string()
            .starts_with("spec.containers[].resources: wrong node kind"),
        "{e}"
    );
    let e = merge(
        &doc("kind: X\na: {b: 1}\n"),
        &doc("kind: X\na: {$patch: frob}\n"),
        Schema::builtin(),
    )
    .expect_err("must fail");
    assert!(
        e.to_string().contains("unknown patch strategy 'frob'"),
        "{e}"
    );
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::null()),
            any::<bool>().prop_map(Value::from),
            (-5i64..5).prop_map(Value::from),
            "[a-c]{0,2}".prop_map(Value::from),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("name".to_string()),
            Just("$patch".to_string()),
            "[a-d]{1,2}"
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from_seq),
                prop::collection::vec((key(), inner), 0..4).prop_map(|es| Value::from_map(
                    es.into_iter().map(|(k, v)| (k.into(), v)).collect::<Map>()
                )),
            ]
        })
    }

    /// A map without nulls, directives or empty lists/maps in lists (what a resource is).
    fn clean() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::from),
            (-5i64..5).prop_map(Value::from),
            "[a-c]{1,2}".prop_map(Value::from)
        ];
        leaf.prop_recursive(3, 30, 4, |inner| {
            prop_oneof![
                prop::collection::vec("[a-d]{1,2}".prop_map(Value::from), 0..3)
                    .prop_map(Value::from_seq),
                prop::collection::btree_map("[a-d]{1,2}", inner, 0..4).prop_map(|m| {
                    Value::from_map(m.into_iter().map(|(k, v)| (k.into(), v)).collect::<Map>())
                }),
            ]
        })
        .prop_map(|v| {
            if v.is_map() {
                v
            } else {
                Value::from_map(Map::from_iter([("v".into(), v)]))
            }
        })
    }

    fn opts(append: bool, infer: bool) -> MergeOptions {
        MergeOptions {
            list_increase: if append {
                ListIncrease::Append
            } else {
                ListIncrease::Prepend
            },
            infer_associative_lists: infer,
            ..Default::default()
        }
    }

    /// A Service whose `spec.ports` (merge keys `port`, `protocol`) holds random elements.
    fn service() -> impl Strategy<Value = Value> {
        let field = prop_oneof![
            Just("port".to_string()),
            Just("protocol".to_string()),
            Just("name".to_string()),
            Just("$patch".to_string())
        ];
        let scalar = prop_oneof![
            Just(Value::null()),
            (79i64..82).prop_map(Value::from),
            prop_oneof![
                Just("TCP"),
                Just("UDP"),
                Just("delete"),
                Just("replace"),
                Just("")
            ]
            .prop_map(Value::from),
        ];
        let elem = prop_oneof![
            prop::collection::vec((field, scalar.clone()), 0..4).prop_map(|es| Value::from_map(
                es.into_iter().map(|(k, v)| (k.into(), v)).collect::<Map>()
            )),
            scalar,
        ];
        prop::collection::vec(elem, 0..5).prop_map(|ports| {
            let mut spec = Map::default();
            spec.insert("ports".into(), Value::from_seq(ports));
            let mut m = Map::default();
            m.insert("apiVersion".into(), Value::from("v1"));
            m.insert("kind".into(), Value::from("Service"));
            m.insert("spec".into(), Value::from_map(spec));
            Value::from_map(m)
        })
    }

    proptest! {
        #[test]
        fn merge_of_keyed_lists_never_panics(t in service(), p in service(), append: bool) {
            let _ = merge_with(&t, &p, Schema::builtin(), &opts(append, false));
        }

        #[test]
        fn empty_patch_is_identity(t in clean()) {
            let out = merge(&t, &Value::map(), Schema::builtin()).expect("merge");
            prop_assert_eq!(out, Some(t));
        }

        #[test]
        fn merging_a_map_with_itself_is_identity(t in clean()) {
            let out = merge(&t, &t, Schema::builtin()).expect("merge");
            prop_assert_eq!(out, Some(t));
        }

        #[test]
        fn merge_never_panics(t in value(), p in value(), append: bool, infer: bool) {
            let _ = merge_with(&t, &p, Schema::builtin(), &opts(append, infer));
        }

        #[test]
        fn json6902_test_op_never_changes_the_value(t in value(), v in value(), path in "(/[a-d0-9-]{1,2}){0,3}") {
            let op = krust_patch::Operation::new(krust_patch::OpKind::Test, &path, Some(v));
            if let Ok(out) = krust_patch::apply_json6902(&t, &[op]) {
                prop_assert_eq!(out, t);
            }
        }

        #[test]
        fn json6902_never_panics(t in value(), v in value(), path in "(/[a-d0-9-]{1,2}){0,3}", from in "(/[a-d0-9-]{1,2}){0,3}", k in 0usize..7) {
            use krust_patch::{OpKind, Operation};
            let kinds = [OpKind::Add, OpKind::Remove, OpKind::Replace, OpKind::Move, OpKind::Copy, OpKind::Test, OpKind::Unknown("x".into())];
            let kind = kinds[k % kinds.len()].clone();
            let mut op = Operation::with_from(kind, &from, &path);
            op.value = Some(v);
            let _ = krust_patch::apply_json6902(&t, &[op]);
        }
    }
}

/// Regression: kyaml's `ElementMatcher` needs an exact (empty) key text where its
/// `ElementSetter` takes an empty text as "any"; an element without a merge key therefore
/// deletes every keyed target element. Outputs checked with kubectl kustomize v5.5.
#[test]
fn element_without_merge_key_in_target_or_patch() {
    let names = |v: &Value| -> Vec<String> {
        v.pointer("/spec/containers")
            .and_then(Value::as_seq)
            .expect("containers")
            .iter()
            .map(|c| {
                c.str_at(&["name"]).unwrap_or("-").to_string()
                    + "="
                    + c.str_at(&["image"]).unwrap_or("")
            })
            .collect()
    };
    let out = smp(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n  containers:\n  - {name: a, image: a}\n  - {image: nokey}\n  - {name: b, image: b}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n  containers:\n  - {name: b, image: b2}\n",
    )
    .expect("kept");
    assert_eq!(names(&out), ["-=nokey"]);
    let out = smp(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p3}\nspec:\n  containers:\n  - {name: a, image: a}\n  - {name: a, image: dup}\n  - {name: c, image: c}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p3}\nspec:\n  containers:\n  - {name: c, image: c2}\n  - {image: nokey2}\n",
    )
    .expect("kept");
    assert_eq!(names(&out), ["c=c2"]);
}

/// `$patch` inside a list or map the target does not have: kyaml adds the patch's node
/// as it is, keeping the directive elements (checked with kubectl kustomize v5.5).
#[test]
fn directives_in_added_subtrees() {
    let out = smp(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p2}\nspec:\n  containers:\n  - {name: a, image: a}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p2}\nspec:\n  initContainers:\n  - {name: i, image: i, x: null}\n  - {name: j, $patch: delete}\n  - $patch: replace\n  tolerations:\n  - {key: k, $patch: delete}\n  - $patch: replace\n  affinity:\n    nodeAffinity: {$patch: delete}\n    podAffinity: {x: null, $patch: replace, y: 1}\n",
    )
    .expect("kept");
    let want = doc("apiVersion: v1\nkind: Pod\nmetadata: {name: p2}\nspec:\n  affinity:\n    podAffinity: {y: 1}\n  containers:\n  - {image: a, name: a}\n  initContainers:\n  - $patch: replace\n  tolerations:\n  - {$patch: delete, key: k}\n  - $patch: replace\n");
    assert_eq!(sorted(&out), sorted(&want));
}

/// Regression: below a part of the patch that is added whole, kyaml merges the patch with
/// itself through one shared node, so an empty element's deletion also empties the "other"
/// source (found by differential testing against kubectl kustomize v5.5).
#[test]
fn added_list_with_empty_element_merges_through_one_node() {
    let out = smp(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports:\n    - {containerPort: 8080, protocol: TCP, name: http}\n    - {}\n    - {containerPort: 443, protocol: UDP}\n",
    )
    .expect("kept");
    let ports = out.pointer("/spec/containers/0/ports").expect("ports");
    assert_eq!(
        ports,
        &doc("- {containerPort: 8080, protocol: TCP, name: http}\n")
    );
}

/// Regression: `$patch: delete` removes the directive from the patch node before deleting,
/// and a later match of the same node (or of the target, when they are one node) sees it
/// without the directive (outputs from kubectl kustomize v5.5).
#[test]
fn delete_directive_is_consumed_from_the_patch_node() {
    let svc = |ports: &str, patch: &str| {
        smp(
            &format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n{ports}"),
            &format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  ports: {patch}\n"
            ),
        )
        .expect("kept")
        .pointer("/spec/ports")
        .cloned()
        .expect("ports")
    };
    assert_eq!(
        svc(
            "  selector: {a: b}\n",
            "[{port: 443, $patch: delete}, {port: 8080, protocol: UDP}]"
        ),
        doc("[{port: 443}, {port: 8080, protocol: UDP}]")
    );
    assert_eq!(
        svc(
            "  ports: []\n",
            "[{port: 443}, {port: 80, protocol: UDP, name: http, $patch: delete}, {protocol: UDP, targetPort: 8080, $patch: delete}]"
        ),
        doc("[{port: 443}, {port: 80, protocol: UDP, name: http}]")
    );
}

/// A user schema (kustomization `openapi:`) replaces the built-in one: its kinds merge by
/// its keys, and built-in kinds lose theirs (checked with kubectl kustomize v5.5).
#[test]
fn custom_schema_replaces_the_builtin_one() {
    let schema = Schema::from_openapi(&doc(r##"{"definitions": {
      "com.example.v1.Widget": {
        "properties": {"spec": {"$ref": "#/definitions/com.example.v1.WidgetSpec"}},
        "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}]},
      "com.example.v1.WidgetSpec": {"properties": {
        "items": {"type": "array", "items": {"$ref": "#/definitions/com.example.v1.Item"},
                  "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"},
        "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"}}},
      "com.example.v1.Item": {"properties": {"id": {"type": "string"}, "v": {"type": "integer"}}}}}"##))
    .expect("schema");
    let out = merge(
        &doc("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  items: [{id: a, v: 1}, {id: b, v: 2}]\n  tags: [x, y]\n"),
        &doc("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  items: [{id: b, v: 3}, {id: c, v: 4}]\n  tags: [z, x]\n"),
        &schema,
    )
    .expect("merge")
    .expect("kept");
    assert_eq!(
        out.pointer("/spec").cloned().expect("spec"),
        doc("items: [{id: b, v: 3}, {id: c, v: 4}, {id: a, v: 1}]\ntags: [z, x, \"y\"]\n")
    );
    let out = merge(
        &doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: a}]\n"),
        &doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: b, image: b}]\n"),
        &schema,
    )
    .expect("merge")
    .expect("kept");
    assert_eq!(
        out.pointer("/spec/template/spec/containers")
            .cloned()
            .expect("containers"),
        doc("[{name: b, image: b}]")
    );
}

/// Schemas written in comments of the target and the patch: a `$ref` to a definition or to
/// a property below one, an inline schema on a key, and a head comment above a list item
/// (which belongs to the item, not the list). Checked with kubectl kustomize v5.5.
#[test]
fn comment_schemas_in_target_and_patch() {
    let t = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  containers: # {\"$ref\": \"#/definitions/io.k8s.api.core.v1.PodSpec/properties/containers\"}\n  - name: a\n    image: a\n  list:\n  # {\"type\": \"array\", \"x-kubernetes-patch-strategy\": \"merge\", \"x-kubernetes-patch-merge-key\": \"id\"}\n  - id: x\n    v: 1\n  - id: y\n    v: 2\n  other:\n  - id: x\n    v: 1\n  template:\n    spec: # {\"$ref\": \"#/definitions/io.k8s.api.core.v1.PodSpec\"}\n      containers:\n      - name: a\n        image: a\n";
    let p = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: b\n    image: b\n  list:\n  - id: y\n    v: 3\n  other: # {\"type\": \"array\", \"x-kubernetes-patch-strategy\": \"merge\", \"x-kubernetes-patch-merge-key\": \"id\"}\n  - id: z\n    v: 9\n  template:\n    spec:\n      containers:\n      - name: b\n        image: b\n";
    let schema = Schema::builtin();
    let (td, tc) = parse_stream_with_comments(t, "t.yaml", Typing::Kyaml).expect("parse");
    let (pd, pc) = parse_stream_with_comments(p, "p.yaml", Typing::Kyaml).expect("parse");
    let opts = MergeOptions {
        target_comments: CommentSchemas::from_comments(&td[0], 0, &tc, schema),
        patch_comments: CommentSchemas::from_comments(&pd[0], 0, &pc, schema),
        ..Default::default()
    };
    let out = merge_with(&td[0], &pd[0], schema, &opts)
        .expect("merge")
        .expect("kept");
    let want = doc("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  containers: [{image: b, name: b}, {image: a, name: a}]\n  list: [{id: \"y\", v: 3}]\n  other: [{id: z, v: 9}, {id: x, v: 1}]\n  template:\n    spec:\n      containers: [{image: b, name: b}, {image: a, name: a}]\n");
    assert_eq!(sorted(&out), sorted(&want));
}
