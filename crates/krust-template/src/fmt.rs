//! Go's `fmt`: `%v` printing of values and `Sprintf`.

use crate::Value;

/// Appends `v` as Go's `%v` prints it.
pub fn write_value(out: &mut String, v: &Value) {
    let _ = (out, v);
}
