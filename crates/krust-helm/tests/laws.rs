//! Laws of values merging and the `--set` parser, checked with proptest.

#![allow(clippy::unwrap_used)]

use krust_helm::strvals::{parse_into, SetMode};
use krust_helm::{compose_values, merge, HelmRelease, ObjectIndex};
use krust_yaml::{Map, Value};
use proptest::prelude::*;

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::null()),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z]{1,4}".prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from_seq),
            prop::collection::vec(("[a-d]", inner), 0..4).prop_map(|kv| {
                let mut m = Map::default();
                for (k, v) in kv {
                    m.insert(k.into(), v);
                }
                Value::from_map(m)
            }),
        ]
    })
}

fn map_value() -> impl Strategy<Value = Value> {
    prop::collection::vec(("[a-d]", value()), 0..5).prop_map(|kv| {
        let mut m = Map::default();
        for (k, v) in kv {
            m.insert(k.into(), v);
        }
        Value::from_map(m)
    })
}

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

fn release(values: &Value, refs: &[(&str, bool)]) -> HelmRelease {
    let mut spec = Value::map();
    let mut chart_ref = Value::map();
    chart_ref.insert("kind", "OCIRepository".into());
    chart_ref.insert("name", "c".into());
    spec.insert("chartRef", chart_ref);
    spec.insert("values", values.clone());
    let mut from = Vec::new();
    for (name, target) in refs {
        let mut r = Value::map();
        r.insert("kind", "ConfigMap".into());
        r.insert("name", (*name).into());
        if *target {
            r.insert("targetPath", "zz.y".into());
            r.insert("optional", true.into());
        }
        from.push(r);
    }
    spec.insert("valuesFrom", Value::from_seq(from));
    let mut meta = Value::map();
    meta.insert("name", "r".into());
    meta.insert("namespace", "n".into());
    let mut hr = Value::map();
    hr.insert("apiVersion", "helm.toolkit.fluxcd.io/v2".into());
    hr.insert("kind", "HelmRelease".into());
    hr.insert("metadata", meta);
    hr.insert("spec", spec);
    HelmRelease::from_value(&hr).unwrap()
}

fn configmap(name: &str, doc: &Value) -> Value {
    let mut data = Value::map();
    data.insert(
        "values.yaml",
        Value::from(krust_yaml::to_yaml(doc).unwrap()),
    );
    let mut meta = Value::map();
    meta.insert("name", name.into());
    meta.insert("namespace", "n".into());
    let mut cm = Value::map();
    cm.insert("apiVersion", "v1".into());
    cm.insert("kind", "ConfigMap".into());
    cm.insert("metadata", meta);
    cm.insert("data", data);
    cm
}

proptest! {
    #[test]
    fn merge_with_empty_is_identity(a in map_value()) {
        prop_assert_eq!(merge(&a, &Value::map()), a.clone());
        prop_assert_eq!(merge(&Value::map(), &a), a);
    }

    #[test]
    fn lists_and_scalars_are_replaced_never_merged(a in map_value(), b in map_value()) {
        let out = merge(&a, &b);
        for (k, bv) in b.as_map().unwrap() {
            let got = out.get(k).unwrap();
            let both_maps = bv.is_map() && a.get(k).is_some_and(Value::is_map);
            if !both_maps {
                prop_assert_eq!(got, bv);
            }
        }
        for (k, av) in a.as_map().unwrap() {
            if b.get(k).is_none() {
                prop_assert_eq!(out.get(k).unwrap(), av);
            }
        }
    }

    #[test]
    fn set_parser_never_panics(s in "[a-c0-9.,=\\[\\]{}\\\\'\" -]{0,40}", dest in map_value(), typed in any::<bool>()) {
        let mut d = dest;
        let mode = if typed { SetMode::Typed } else { SetMode::String };
        let _ = parse_into(&s, &mut d, mode);
    }

    #[test]
    fn set_parser_never_panics_on_any_text(s in ".{0,60}") {
        let mut d = Value::map();
        let _ = parse_into(&s, &mut d, SetMode::Typed);
    }

    /// The aliasing model (taken whenever an entry has a targetPath) agrees with plain
    /// copy-on-write merging when no targetPath write actually happens.
    #[test]
    fn aliasing_model_agrees_with_plain_merge(v in map_value(), d1 in map_value(), d2 in map_value()) {
        let objects = [configmap("one", &d1), configmap("two", &d2)];
        let index = ObjectIndex::new(objects.iter());
        let plain = compose_values(&release(&v, &[("one", false), ("two", false)]), &index).unwrap().user;
        let aliased = compose_values(&release(&v, &[("one", false), ("absent", true), ("two", false)]), &index).unwrap().user;
        prop_assert_eq!(&plain, &aliased);
        // The documents went through YAML (which sorts keys), so compare without order.
        let expected = merge(&merge(&merge(&Value::map(), &d1), &d2), &v);
        prop_assert!(same(&plain, &expected), "{:?} != {:?}", plain, expected);
    }
}
