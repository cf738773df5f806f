//! JSON 6902 against the `json-patch` crate (RFC 6902) where the two agree: whenever the
//! RFC implementation applies an operation, evanphx v4 applies it the same way.

use krust_patch::{apply_json6902, OpKind, Operation};
use krust_yaml::{Data, Map, Value};
use proptest::prelude::*;

fn to_json(v: &Value) -> serde_json::Value {
    match &v.data {
        Data::Null => serde_json::Value::Null,
        Data::Bool(b) => (*b).into(),
        Data::Int(i) => (*i).into(),
        Data::Uint(u) => (*u).into(),
        Data::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Data::String(s) => serde_json::Value::String(s.to_string()),
        Data::Seq(s) => serde_json::Value::Array(s.iter().map(to_json).collect()),
        Data::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        (-3i64..3).prop_map(Value::from),
        "[a-c]{0,2}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from_seq),
            prop::collection::btree_map("[a-c]", inner, 0..4).prop_map(|m| Value::from_map(
                m.into_iter().map(|(k, v)| (k.into(), v)).collect::<Map>()
            )),
        ]
    })
}

fn op() -> impl Strategy<Value = Operation> {
    let path = "(/([a-c]|[0-3]|-)){1,3}";
    (0usize..6, path, path, value()).prop_map(|(k, path, from, v)| {
        let kind = [
            OpKind::Add,
            OpKind::Remove,
            OpKind::Replace,
            OpKind::Move,
            OpKind::Copy,
            OpKind::Test,
        ][k]
            .clone();
        let mut op = Operation::with_from(kind, &from, &path);
        op.value = Some(v);
        op
    })
}

fn to_rfc(op: &Operation) -> Option<json_patch::PatchOperation> {
    let path = match &op.path {
        krust_patch::PointerField::Pointer(p) => p.clone(),
        _ => return None,
    };
    let from = match &op.from {
        krust_patch::PointerField::Pointer(p) => p.clone(),
        _ => String::new(),
    };
    let value = op
        .value
        .as_ref()
        .map(to_json)
        .unwrap_or(serde_json::Value::Null);
    let j = match op.op {
        OpKind::Add => serde_json::json!({"op": "add", "path": path, "value": value}),
        OpKind::Remove => serde_json::json!({"op": "remove", "path": path}),
        OpKind::Replace => serde_json::json!({"op": "replace", "path": path, "value": value}),
        OpKind::Move => serde_json::json!({"op": "move", "from": from, "path": path}),
        OpKind::Copy => serde_json::json!({"op": "copy", "from": from, "path": path}),
        OpKind::Test => serde_json::json!({"op": "test", "path": path, "value": value}),
        OpKind::Unknown(_) => return None,
    };
    serde_json::from_value(j).ok()
}

proptest! {
    #[test]
    fn agrees_with_rfc6902_where_rfc_succeeds(doc in value().prop_filter("object", Value::is_map), o in op()) {
        let Some(rfc_op) = to_rfc(&o) else { return Ok(()) };
        let mut j = to_json(&doc);
        if json_patch::patch(&mut j, &[rfc_op]).is_ok() {
            let ours = apply_json6902(&doc, std::slice::from_ref(&o));
            prop_assert!(ours.is_ok(), "RFC applied {:?} but v4 failed: {:?}", o, ours);
            if let Ok(v) = ours {
                prop_assert_eq!(to_json(&v), j);
            }
        }
    }
}
