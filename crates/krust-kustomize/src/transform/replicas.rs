//! `replicas:` (kustomize's `ReplicaCountTransformer`).

use krust_model::ResMap;
use krust_yaml::{Style, Value};

use super::fieldspec::{walk, CreateKind, FieldSpec};
use super::Transform;
use crate::Error;

/// Sets the replica count of the resources named `name`.
#[derive(Debug, Clone)]
pub struct Replicas {
    /// The workload's name.
    pub name: String,
    /// The replica count.
    pub count: i64,
    /// The fields holding replica counts.
    pub field_specs: Vec<FieldSpec>,
}

/// The node kustomize puts in place of `old`: `SetEntry("", count, !!int)`, a new scalar
/// tagged `!!int` whose style is the replaced node's (`yaml.FieldSetter` keeps it). go-yaml
/// v3 writes a quoted one as `"2"`, which kustomize's JSON round trip reads as a string
/// (kubectl v1.32 and 1.35); otherwise it is the integer, tagged (a replacement's text put
/// into it later must still read as an int).
fn count_node(count: i64, old: &Value) -> Value {
    let quoted = old.is_scalar()
        && matches!(
            old.style,
            Style::SingleQuoted | Style::DoubleQuoted | Style::Literal | Style::Folded
        );
    let mut v = if quoted {
        Value::from(count.to_string())
    } else {
        Value::from(count)
    };
    v.style = match old.style {
        Style::SingleQuoted | Style::DoubleQuoted if quoted => old.style,
        _ if quoted => Style::DoubleQuoted,
        _ => Style::Plain,
    };
    v.mark = old.mark;
    v
}

impl Transform for Replicas {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        let mut found = false;
        for r in resources.iter_mut() {
            // kustomize matches any id the resource had.
            let specs: Vec<&FieldSpec> = self
                .field_specs
                .iter()
                .filter(|fs| {
                    r.all_ids()
                        .any(|id| *id.name == *self.name && id.gvk.is_selected(&fs.gvk))
                })
                .collect();
            if specs.is_empty() {
                continue;
            }
            found = true;
            let obj = r.value_mut();
            for fs in specs {
                walk(obj, fs, CreateKind::Scalar, &mut |v: &mut Value| {
                    *v = count_node(self.count, v);
                    Ok(())
                })?;
            }
        }
        if !found {
            // kustomize sorts its field specs (`sortFields`) by the legacy kind order.
            let mut gvks: Vec<&krust_model::Gvk> =
                self.field_specs.iter().map(|f| &f.gvk).collect();
            gvks.sort_by(|a, b| a.legacy_cmp(b));
            return Err(Error::InvalidConfig {
                message: format!(
                    "resource with name {} does not match a config with the following GVK [{}]",
                    self.name,
                    gvks.iter()
                        .map(|g| g.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            });
        }
        Ok(())
    }
}
