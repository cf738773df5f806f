//! krust-flux: a Flux repository rendered per cluster, offline, as the Flux controllers
//! would apply it (flux-semantics §2–§4).
//!
//! ```
//! use std::path::Path;
//! use krust_flux::{render_cluster, ClusterOptions};
//! use krust_kustomize::MemFs;
//!
//! let fs = MemFs::from_files([
//!     ("repo/clusters/dev/apps.yaml", "\
//! apiVersion: kustomize.toolkit.fluxcd.io/v1
//! kind: Kustomization
//! metadata: {name: apps, namespace: flux-system}
//! spec:
//!   path: ./apps
//!   prune: true
//!   sourceRef: {kind: GitRepository, name: flux-system}
//!   postBuild:
//!     substitute: {cluster: dev}
//! "),
//!     ("repo/apps/cm.yaml", "\
//! apiVersion: v1
//! kind: ConfigMap
//! metadata: {name: settings, namespace: default}
//! data: {cluster: '${cluster}'}
//! "),
//! ]);
//! let render = render_cluster(&fs, Path::new("/repo"), &ClusterOptions::new("dev")).unwrap();
//! let apps = &render.kustomizations[1];
//! assert_eq!(apps.spec.id(), "flux-system/apps");
//! assert!(apps.output.contains("cluster: dev"));
//! assert_eq!(render.plan, vec![vec!["flux-system/flux-system"], vec!["flux-system/apps"]]);
//! ```
//!
//! [`render_cluster`] starts at the root Kustomization `flux-system/flux-system` that
//! `flux bootstrap --path=clusters/<cluster>` creates, builds it and every Flux
//! Kustomization found in the output (breadth first), and returns a [`ClusterRender`]:
//! each Kustomization with its status, build output and objects, the HelmReleases with
//! their composed values (krust-helm), the apply plan and the findings of the checks.
//! Everything is read through the [`krust_kustomize::FileSystem`] given, and only inside
//! the source trees; one `Kustomizer` serves all builds, so shared bases build once.
//!
//! # Limitations
//! * Remote sources (OCIRepository, Bucket, unmapped GitRepository) are not fetched; their
//!   Kustomizations are reported `unresolved-source`.
//! * ExternalArtifact: copy operations with `strategy: Extract` (tarballs) and generators with
//!   `spec.pathPattern` are not staged; their Kustomizations are reported `unresolved-source`.
//! * SOPS-encrypted objects are reported, never decrypted. Charts are not rendered.
//! * The plan models `dependsOn`, `wait` and health checks, not intervals or retries.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod artifact;
mod bootstrap;
mod checks;
mod doublestar;
pub mod envsubst;
mod error;
mod fxhash;
mod generate;
mod generator;
mod helm;
mod helm_render;
mod kyverno;
mod model;
mod plan;
mod render;
mod sourceignore;
pub mod spec;
mod varsub;
mod view;

pub use bootstrap::CONTROLLERS;
pub use checks::PLATFORM_NAMESPACE;
pub use error::Error;
pub use generate::KustomizationFile;
pub use helm_render::{render_release_chart, render_release_loaded_chart};
pub use model::{
    AppliedObject, ChartOptions, ChartStatus, ClusterOptions, ClusterRender, Finding,
    HelmReleaseRender, KustomizationRender, RenderedChart, RenderedObject, Severity, SourceMapping,
    Status,
};
pub use render::{render_cluster, SYNTHETIC_ROOT};
pub use spec::{FluxKustomization, ObjectKey};
pub use view::cluster_view;

#[cfg(test)]
mod tests {
    #[test]
    fn render_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<crate::ClusterRender>();
        check::<crate::ClusterOptions>();
    }
}
