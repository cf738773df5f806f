//! `labels` and `commonLabels` (kustomize's `LabelTransformer`).

use krust_model::ResMap;

use super::annotations::set_entries;
use super::fieldspec::FieldSpec;
use super::Transform;
use crate::Error;

/// Adds labels at the field specs.
#[derive(Debug, Clone)]
pub struct Labels {
    /// The labels, in order.
    pub pairs: Vec<(String, String)>,
    /// Where to set them.
    pub field_specs: Vec<FieldSpec>,
}

impl Transform for Labels {
    fn apply(&self, resources: &mut ResMap) -> Result<(), Error> {
        set_entries(resources, &self.pairs, &self.field_specs)
    }
}

/// The managed-by label (`--enable-managedby-label`).
pub(crate) fn add_managed_by(list: &mut ResMap) {
    let value = format!("kustomize-{}", crate::KUSTOMIZE_VERSION);
    for r in list.iter_mut() {
        r.set_label("app.kubernetes.io/managed-by", &value);
    }
}
