//! HelmReleases found in the Kustomizations' output, through krust-helm (flux-semantics §1).

use krust_helm::{compose_values, HelmRelease, ObjectIndex};

use crate::model::{ChartStatus, HelmReleaseRender, KustomizationRender, Status};

/// Every HelmRelease applied by a built Kustomization, in Kustomization order.
pub(crate) fn collect(
    renders: &[KustomizationRender],
    default_sa: Option<&str>,
) -> Vec<HelmReleaseRender> {
    let all: Vec<&krust_yaml::Value> = renders
        .iter()
        .flat_map(|r| r.objects.iter().map(|o| &o.object))
        .collect();
    let index = ObjectIndex::new(all.iter().copied());
    let mut out = Vec::new();
    for r in renders.iter().filter(|r| r.status == Status::Built) {
        for o in &r.objects {
            let v = &o.object;
            if v.str_at(&["kind"]) != Some("HelmRelease")
                || crate::spec::group_of(v) != krust_helm::GROUP
            {
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
