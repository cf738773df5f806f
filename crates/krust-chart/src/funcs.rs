//! The functions Helm adds over sprig (`pkg/engine/funcs.go` and the closures of
//! `engine.go`): include, tpl, required, fail, lookup, the YAML/JSON converters.

use krust_template::{Error, Func, FuncError, FuncMap, MapEntries, Signature, Type, Value};
use krust_yaml::{Data, Key, Typing, Value as Y};

use crate::files::BinaryString;
use crate::json::{base64, from_json, to_json};

/// Helm's include recursion limit (`recursionMaxNums`).
const RECURSION_MAX: usize = 1000;

/// Marks a `fail`/`required` message so the error formatter can find it.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
/// End mark of a `fail`/`required` message.
pub(crate) const WARN_END: &str = "HELM_ERR_END";

fn sig(params: &[Type]) -> Signature {
    Signature::new(params)
}

fn arg_str(args: &[Value], i: usize) -> String {
    args.get(i)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// Helm's function map: sprig's text functions without `env`/`expandenv`, plus Helm's.
pub fn helm_funcs() -> FuncMap {
    let mut f = krust_sprig::func_map();
    f.remove("env");
    f.remove("expandenv");
    let mut add = |name: &str, func: Func| {
        f.insert(name.to_string(), func);
    };
    add(
        "toYaml",
        Func::new(sig(&[Type::Interface]), |a, _| {
            Ok(Value::str(to_yaml_string(&arg(a, 0)).unwrap_or_default()))
        }),
    );
    add(
        "mustToYaml",
        Func::new(sig(&[Type::Interface]), |a, _| {
            to_yaml_string(&arg(a, 0))
                .map(Value::str)
                .map_err(FuncError::new)
        }),
    );
    // goyaml.v3 with indent 2 differs from v2 mainly in sequence indentation; krust prints
    // v2's form (a documented limitation).
    add(
        "toYamlPretty",
        Func::new(sig(&[Type::Interface]), |a, _| {
            Ok(Value::str(to_yaml_string(&arg(a, 0)).unwrap_or_default()))
        }),
    );
    add(
        "fromYaml",
        Func::new(sig(&[Type::String]), |a, _| Ok(from_yaml(&arg_str(a, 0)))),
    );
    add(
        "fromYamlArray",
        Func::new(sig(&[Type::String]), |a, _| {
            Ok(from_yaml_array(&arg_str(a, 0)))
        }),
    );
    add(
        "toJson",
        Func::new(sig(&[Type::Interface]), |a, _| {
            Ok(Value::str(to_json(&arg(a, 0)).unwrap_or_default()))
        }),
    );
    add(
        "mustToJson",
        Func::new(sig(&[Type::Interface]), |a, _| {
            to_json(&arg(a, 0)).map(Value::str).map_err(FuncError::new)
        }),
    );
    add(
        "fromJson",
        Func::new(sig(&[Type::String]), |a, _| {
            Ok(match from_json(&arg_str(a, 0)) {
                Ok(v @ Value::Map(_)) => v,
                Ok(Value::Nil) => Value::map(MapEntries::new()),
                Ok(other) => error_map(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                )),
                Err(e) => error_map(e),
            })
        }),
    );
    add(
        "fromJsonArray",
        Func::new(sig(&[Type::String]), |a, _| {
            Ok(match from_json(&arg_str(a, 0)) {
                Ok(v @ Value::List(_)) => v,
                Ok(Value::Nil) => Value::list(Vec::new()),
                Ok(other) => Value::list(vec![Value::str(format!(
                    "json: cannot unmarshal {} into Go value of type []interface {{}}",
                    json_kind(&other)
                ))]),
                Err(e) => Value::list(vec![Value::str(e)]),
            })
        }),
    );
    add(
        "toToml",
        Func::new(sig(&[Type::Interface]), |a, _| {
            Ok(Value::str(match crate::toml::to_toml(&arg(a, 0)) {
                Ok(s) | Err(s) => s,
            }))
        }),
    );
    add(
        "fromToml",
        Func::new(sig(&[Type::String]), |_, _| {
            Ok(error_map("fromToml is not supported by krust".into()))
        }),
    );
    add(
        "include",
        Func::new(sig(&[Type::String, Type::Interface]), |a, ctx| {
            let name = arg_str(a, 0);
            {
                let c = ctx.counter(&name);
                if *c > RECURSION_MAX {
                    return Err(FuncError::new(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                *c += 1;
            }
            let r = ctx.execute_template(&name, &arg(a, 1));
            let c = ctx.counter(&name);
            *c = c.saturating_sub(1);
            r.map(Value::str).map_err(FuncError::from)
        }),
    );
    add(
        "tpl",
        Func::new(sig(&[Type::String, Type::Interface]), |a, ctx| {
            let text = arg_str(a, 0);
            match ctx.parse_and_execute("gotpl", &text, &arg(a, 1)) {
                Ok(s) => Ok(Value::str(s.replace("<no value>", ""))),
                Err(e @ Error::Parse { .. }) => Err(FuncError::new(format!(
                    "cannot parse template {}: {e}",
                    krust_template::fmt::quote(&text)
                ))),
                Err(e) => Err(FuncError::new(format!(
                    "error during tpl function execution for {}: {e}",
                    krust_template::fmt::quote(&text)
                ))),
            }
        }),
    );
    add(
        "required",
        Func::new(sig(&[Type::String, Type::Interface]), |a, _| {
            let v = arg(a, 1);
            let missing = match &v {
                Value::Nil => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if missing {
                return Err(FuncError::new(format!(
                    "{WARN_START}{}{WARN_END}",
                    arg_str(a, 0)
                )));
            }
            Ok(v)
        }),
    );
    add(
        "fail",
        Func::new(sig(&[Type::String]), |a, _| {
            Err(FuncError::new(format!(
                "{WARN_START}{}{WARN_END}",
                arg_str(a, 0)
            )))
        }),
    );
    add(
        "lookup",
        Func::new(
            sig(&[Type::String, Type::String, Type::String, Type::String]),
            |_, _| Ok(Value::map(MapEntries::new())),
        ),
    );
    add(
        "getHostByName",
        Func::new(sig(&[Type::String]), |_, _| Ok(Value::str(""))),
    );
    // Binary `.Files.Get` content is an object holding the exact bytes.
    add(
        "b64enc",
        Func::new(sig(&[Type::Interface]), |a, _| {
            let v = arg(a, 0);
            if let Value::Object(o) = &v {
                if let Some(b) = o.as_any().downcast_ref::<BinaryString>() {
                    return Ok(Value::str(base64(&b.0)));
                }
            }
            match &v {
                Value::String(s) => Ok(Value::str(base64(s.as_bytes()))),
                other => Err(FuncError::new(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                ))),
            }
        }),
    );
    f
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Float(_) | Value::Int(_) | Value::Int64(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        _ => "object",
    }
}

fn error_map(msg: String) -> Value {
    let mut m = MapEntries::new();
    m.insert("Error".into(), Value::str(msg));
    Value::map(m)
}

/// `sigs.k8s.io/yaml.Marshal(v)` without the final newline (Helm's `toYaml`).
pub fn to_yaml_string(v: &Value) -> Result<String, String> {
    let y = to_yaml_value(v)?;
    let mut s = krust_yaml::to_yaml(&y).map_err(|e| e.to_string())?;
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// A template value as the YAML tree its JSON form reads back as.
fn to_yaml_value(v: &Value) -> Result<Y, String> {
    Ok(match v {
        Value::Nil => Y::null(),
        Value::Bool(b) => Y::new(Data::Bool(*b)),
        Value::Int(i) | Value::Int64(i) => Y::new(Data::Int(*i)),
        Value::Float(f) => {
            if !f.is_finite() {
                return Err("json: unsupported value: NaN".into());
            }
            Y::new(Data::Float(*f))
        }
        Value::String(s) => Y::new(Data::String(s.clone())),
        Value::List(l) if l.nil => Y::null(),
        Value::List(l) => Y::from_seq(
            l.items
                .iter()
                .map(to_yaml_value)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::Map(m) if m.nil => Y::null(),
        Value::Map(m) => {
            let mut out = krust_yaml::Map::with_capacity_and_hasher(m.len(), Default::default());
            for (k, v) in m.read().iter() {
                out.insert(Key::new(k.clone()), to_yaml_value(v)?);
            }
            Y::from_map(out)
        }
        Value::Object(_) => {
            let json = to_json(v)?;
            let parsed: serde_json::Value =
                serde_json::from_str(&json).map_err(|e| e.to_string())?;
            json_to_yaml(&parsed)
        }
    })
}

fn json_to_yaml(v: &serde_json::Value) -> Y {
    use serde_json::Value as J;
    match v {
        J::Null => Y::null(),
        J::Bool(b) => Y::new(Data::Bool(*b)),
        J::Number(n) => Y::new(Data::Float(n.as_f64().unwrap_or(0.0))),
        J::String(s) => Y::from(s.as_str()),
        J::Array(a) => Y::from_seq(a.iter().map(json_to_yaml).collect()),
        J::Object(o) => {
            let mut m = Y::map();
            for (k, v) in o {
                m.insert(k.as_str(), json_to_yaml(v));
            }
            m
        }
    }
}

/// The first YAML document of `text` as sigs.k8s.io/yaml decodes it (numbers `float64`).
fn decode_yaml(text: &str) -> Result<Value, String> {
    if let Ok(v) = crate::fastyaml::decode(text) {
        return Ok(v.unwrap_or(Value::Nil));
    }
    let docs = krust_yaml::parse_stream(text, "fromYaml", Typing::Yaml11).map_err(|e| {
        format!(
            "error converting YAML to JSON: {}",
            crate::values::go_yaml_error(&e)
        )
    })?;
    Ok(docs
        .first()
        .map(|d| crate::values::to_go(&crate::values::json_numbers(d)))
        .unwrap_or(Value::Nil))
}

/// Helm's `fromYaml`: a map, or `{Error: message}`.
pub fn from_yaml(text: &str) -> Value {
    match decode_yaml(text) {
        Ok(v @ Value::Map(_)) => v,
        Ok(Value::Nil) => Value::map(MapEntries::new()),
        Ok(other) => error_map(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
        Err(e) => error_map(e),
    }
}

/// Helm's `fromYamlArray`: a list, or `[message]`.
pub fn from_yaml_array(text: &str) -> Value {
    match decode_yaml(text) {
        Ok(v @ Value::List(_)) => v,
        Ok(Value::Nil) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![Value::str(e)]),
    }
}
