//! `values.schema.json` validation, offline (Helm's `ValidateAgainstSchema`).
//!
//! Helm validates the coalesced values against the chart's schema, then each subchart's
//! values (the table under its name, when present and not null) against the subchart's
//! schema, recursively. References are resolved inside the schema document only: krust
//! never fetches a schema over the network.

use krust_yaml::{Data, Value};

use crate::load::Chart;
use crate::ChartError;

/// Validates `values` against the schemas of `chart` and its subcharts; the error text is
/// Helm's.
pub fn validate(chart: &Chart, values: &Value) -> Result<(), ChartError> {
    let mut report = String::new();
    validate_into(chart, values, &mut report);
    if report.is_empty() {
        return Ok(());
    }
    Err(ChartError::Schema(format!(
        "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
    )))
}

fn validate_into(chart: &Chart, values: &Value, sb: &mut String) {
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            sb.push_str(&format!("{}:\n{e}", chart.name()));
        }
    }
    for sub in &chart.dependencies {
        let Some(raw) = values.get(sub.name()) else {
            continue;
        };
        if raw.is_null() {
            continue;
        }
        if !raw.is_map() {
            sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type(raw)
            ));
            continue;
        }
        validate_into(sub, raw, sb);
    }
}

fn go_type(v: &Value) -> &'static str {
    match v.data {
        Data::Bool(_) => "bool",
        Data::Int(_) => "int64",
        Data::Float(_) => "float64",
        Data::String(_) => "string",
        Data::Seq(_) => "[]interface {}",
        _ => "<nil>",
    }
}

const KNOWN_DRAFTS: [&str; 5] = ["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"];

/// Validates one document; the error lists each violation as `- at '<path>': <message>`.
pub fn validate_single(values: &Value, schema: &[u8]) -> Result<(), String> {
    let mut schema: serde_json::Value =
        serde_json::from_slice(schema).map_err(|e| format!("{e}"))?;
    let mut opts = jsonschema::options().should_validate_formats(false);
    // santhosh-tekuri/jsonschema takes an unknown `$schema` (e.g. the draft-less
    // `http://json-schema.org/schema#`) as the latest draft.
    let known = schema
        .get("$schema")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| KNOWN_DRAFTS.iter().any(|d| s.contains(d)));
    if !known {
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("$schema");
        }
        opts = opts.with_draft(jsonschema::Draft::Draft202012);
    }
    let validator = opts.build(&schema).map_err(|e| format!("{e}"))?;
    let instance = to_json(values);
    let mut out = String::new();
    for err in validator.iter_errors(&instance) {
        out.push_str(&format!("- at '{}': {}\n", err.instance_path(), err));
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// The values as JSON (whole floats as integers, so `type: integer` accepts them as Go's
/// validator does).
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match &v.data {
        Data::Null => J::Null,
        Data::Bool(b) => J::Bool(*b),
        Data::Int(i) => J::from(*i),
        Data::Uint(u) => J::from(*u),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                J::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
        }
        Data::String(s) => J::String(s.to_string()),
        Data::Seq(s) => J::Array(s.iter().map(to_json).collect()),
        Data::Map(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.as_str().to_string(), to_json(v)))
                .collect(),
        ),
    }
}
