//! HelmReleases found in the Kustomizations' output, through krust-helm (flux-semantics §1).

use krust_helm::{compose_values, HelmRelease, ObjectIndex};

use crate::model::{ChartStatus, HelmReleaseRender, KustomizationRender, Status};

/// Every HelmRelease applied by a built Kustomization, in Kustomization order.
pub(crate) fn collect(
    renders: &[KustomizationRender],
    default_sa: Option<&str>,
) -> Vec<HelmReleaseRender> {
    let is_release = |v: &krust_yaml::Value| {
        v.str_at(&["kind"]) == Some("HelmRelease") && crate::spec::group_of(v) == krust_helm::GROUP
    };
    let built = || renders.iter().filter(|r| r.status == Status::Built);
    if !built().any(|r| r.objects.iter().any(|o| is_release(&o.object))) {
        return Vec::new();
    }
    let index = ObjectIndex::new(
        renders
            .iter()
            .flat_map(|r| r.objects.iter().map(|o| &o.object)),
    );
    let mut out = Vec::new();
    for r in built() {
        for o in &r.objects {
            let v = &o.object;
            if !is_release(v) {
                continue;
            }
            let Ok(hr) = HelmRelease::from_value(v) else {
                continue;
            };
            let composed = compose_values(&hr, &index)
                .map(|c| c.user)
                .map_err(|e| e.to_string());
            let effective = hr.effective_service_account(default_sa).map(str::to_string);
            out.push(HelmReleaseRender {
                release: hr,
                applied_by: r.spec.id(),
                file: o.file.clone(),
                composed_values: composed,
                effective_service_account: effective,
                manifests: ChartStatus::Skipped,
            });
        }
    }
    out
}
