//! `labels` and `commonLabels`.

use krust_model::ResMap;

/// The managed-by label (`--enable-managedby-label`).
pub(crate) fn add_managed_by(list: &mut ResMap) {
    let value = format!("kustomize-{}", crate::KUSTOMIZE_VERSION);
    for r in list.iter_mut() {
        r.set_label("app.kubernetes.io/managed-by", &value);
    }
}
