//! Tenant-isolation checks (flux-semantics §3.2) and the Kyverno policies of §3.3.

use crate::model::{ClusterRender, Finding};

/// Every check over a rendered cluster.
pub(crate) fn run(_r: &ClusterRender) -> Vec<Finding> {
    Vec::new()
}
