//! `.Files` (Helm's `engine.files`): the chart's non-template files.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use krust_template::{CallCtx, FuncError, MapEntries, Object, Signature, Type, Value};

use crate::glob::glob_match;
use crate::json::base64;
use crate::load::File;

/// `bytes` as text: borrowed when valid UTF-8 (the fast, vectorised check), else with
/// U+FFFD for each invalid sequence as Go's conversions print them.
pub(crate) fn utf8_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A named `map[string][]byte` with Helm's methods.
#[derive(Debug, Clone, Default)]
pub struct Files(Arc<BTreeMap<String, Arc<[u8]>>>);

impl Files {
    /// The files of one chart.
    pub fn new(files: &[File]) -> Files {
        Files(Arc::new(
            files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        ))
    }

    /// Name → bytes, in name order.
    pub fn entries(&self) -> &BTreeMap<String, Arc<[u8]>> {
        &self.0
    }

    fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        self.0
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    fn glob(&self, pattern: &str) -> Files {
        Files(Arc::new(
            self.0
                .iter()
                .filter(|(n, _)| glob_match(pattern, n))
                .map(|(n, d)| (n.clone(), d.clone()))
                .collect(),
        ))
    }

    /// `toYaml` of base name → content (a map, so keys sorted).
    fn as_map_yaml(&self, encode: impl Fn(&[u8]) -> String) -> String {
        let mut m = MapEntries::new();
        for (k, v) in self.0.iter() {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(base.into(), Value::str(encode(v)));
        }
        crate::funcs::to_yaml_string(&Value::typed_map(Type::String, m)).unwrap_or_default()
    }
}

/// A Go `string` whose bytes are not UTF-8 (`.Files.Get` of a binary file). It prints
/// lossily, but `b64enc` encodes its exact bytes.
#[derive(Debug)]
pub struct BinaryString(pub Arc<[u8]>);

impl Object for BinaryString {
    fn type_name(&self) -> &str {
        "string"
    }
    fn format(&self, out: &mut String) {
        out.push_str(&String::from_utf8_lossy(&self.0));
    }
    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A Go string holding `bytes`: a plain string when they are UTF-8.
pub fn go_string(bytes: Arc<[u8]>) -> Value {
    match std::str::from_utf8(&bytes) {
        Ok(s) => Value::str(s),
        Err(_) => Value::object(BinaryString(bytes)),
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(Signature::new(&[Type::String])),
            "AsConfig" | "AsSecrets" => Some(Signature::new(&[])),
            _ => None,
        }
    }
    fn call_method(
        &self,
        name: &str,
        args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        let a = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(match name {
            "Get" => go_string(self.get_bytes(a)),
            // No []byte type in the engine: the bytes as a string (printing a []byte
            // differs in Go, but templates pipe it on).
            "GetBytes" => go_string(self.get_bytes(a)),
            "Glob" => Value::object(self.glob(a)),
            "Lines" => match self.0.get(a) {
                None => Value::string_list(Vec::<&str>::new()),
                Some(d) => {
                    let s = String::from_utf8_lossy(d);
                    let s = s.strip_suffix('\n').unwrap_or(&s);
                    Value::string_list(s.split('\n'))
                }
            },
            "AsConfig" => Value::str(self.as_map_yaml(|d| String::from_utf8_lossy(d).into_owned())),
            "AsSecrets" => Value::str(self.as_map_yaml(base64)),
            _ => Value::Nil,
        })
    }
    fn underlying(&self) -> Option<Value> {
        Some(Value::map(
            self.0
                .iter()
                .map(|(k, v)| (k.as_str().into(), go_string(v.clone())))
                .collect(),
        ))
    }
    fn format(&self, out: &mut String) {
        out.push_str("map[");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push_str(":[");
            let nums: Vec<String> = v.iter().map(|b| b.to_string()).collect();
            out.push_str(&nums.join(" "));
            out.push(']');
        }
        out.push(']');
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
