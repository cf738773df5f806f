//! What every suite reports per case.

/// The result of one conformance case.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    /// Failed, with a one-line reason.
    Fail(String),
    /// Not run, because the case's own data says it cannot be (e.g. its case.yaml has a
    /// `skip_reason`). Never used to hide a failure.
    Skip(String),
}

/// One case of a suite.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Stable id: the case's path or name inside its corpus.
    pub id: String,
    /// Tags for the per-tag summary (e.g. kustomization fields used).
    pub tags: Vec<String>,
    pub outcome: Outcome,
}
