//! The manifests of each HelmRelease whose chart is available locally, rendered with
//! krust-chart and post-rendered as helm-controller does.
