//! Printing values exactly as kustomize prints them.
//!
//! kustomize prints a resource by converting it to JSON and reading that back with go-yaml
//! v2 before `yaml.Marshal` (`Resource.AsYAML`). The printer here reproduces the effect in
//! one pass over the value, writing into one buffer: keys in v2's natural order, numbers
//! re-typed as the JSON round trip types them, and v2's quoting, block scalars, folding at
//! 80 columns and indentation (see `emit.rs`). Values JSON cannot carry (NaN, infinities)
//! and text go-yaml v2 cannot read back (some control characters, keys too long to be
//! simple keys, nesting past 10000) fail with [`Error::Print`], as kustomize fails.
//!
//! # Limitations
//! - When go-yaml v2's key order is not transitive (`12:30`, `1e3`, `9?`), kustomize's own
//!   order varies between runs; krust prints one fixed order.
//! - Go's Unicode letter/digit classes are approximated for rare non-ASCII key characters
//!   (see `sort.rs`).

mod emit;
mod goyaml_v3;
mod json;
pub(crate) mod number;
mod resolve;
mod sort;

use crate::{Error, Value};

pub use goyaml_v3::json_round_trip;

/// Prints one document as go-yaml v2 `Marshal` prints the object's JSON form.
///
/// ```
/// use krust_yaml::{to_yaml, Value};
/// let mut v = Value::map();
/// v.insert("kind", Value::from("ConfigMap"));
/// v.insert("apiVersion", Value::from("v1"));
/// v.insert("data", Value::from_seq(vec![Value::from("yes"), Value::from(1e3)]));
/// assert_eq!(to_yaml(&v).unwrap(), "apiVersion: v1\ndata:\n- \"yes\"\n- 1000\nkind: ConfigMap\n");
/// ```
pub fn to_yaml(value: &Value) -> Result<String, Error> {
    let mut out = String::with_capacity(256);
    write_yaml(&mut out, value)?;
    Ok(out)
}

/// Appends one document to `out`. On error `out` is left as it was.
pub fn write_yaml(out: &mut String, value: &Value) -> Result<(), Error> {
    let start = out.len();
    let result = emit::Emitter::new(out).document(value);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Prints documents the way `kustomize build` prints a resource map: each document as
/// [`to_yaml`] prints it, separated by `---\n`.
pub fn to_yaml_stream(docs: &[Value]) -> Result<String, Error> {
    let mut out = String::with_capacity(512 * docs.len());
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_yaml(&mut out, doc)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
