//! Errors, worded as Helm words them (the CLI prints `Error: <message>`).

/// A failure to load, prepare or render a chart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// The chart (or a subchart) could not be read: missing `Chart.yaml`, bad archive,
    /// unreadable file, invalid `.helmignore`.
    #[error("{0}")]
    Load(String),
    /// A values document (values.yaml, `-f` file, `--set`) could not be read.
    #[error("{0}")]
    Values(String),
    /// Dependencies declared in Chart.yaml are missing from `charts/`, or dependency
    /// processing failed.
    #[error("{0}")]
    Dependencies(String),
    /// The chart is not installable (a library chart) or its `kubeVersion` excludes the
    /// target Kubernetes version.
    #[error("{0}")]
    Incompatible(String),
    /// The values fail a chart's `values.schema.json`.
    #[error("{0}")]
    Schema(String),
    /// A template does not parse: `parse error at (<file>:<line>): <message>`.
    #[error("{0}")]
    Parse(String),
    /// A template fails while executing: `execution error at (<file>:<line>:<col>): <message>`
    /// for `fail`/`required`, otherwise Helm's multi-line trace.
    #[error("{0}")]
    Exec(String),
    /// A rendered template is not valid YAML: `YAML parse error on <file>: <message>`.
    #[error("{0}")]
    Manifest(String),
    /// A `--show-only` path matched no rendered template.
    #[error("{0}")]
    ShowOnly(String),
}

impl ChartError {
    /// Whether Helm had already created the release when this failed: `helm template`
    /// then adds `Use --debug flag to render out invalid YAML` after the message.
    pub fn after_release(&self) -> bool {
        match self {
            ChartError::Parse(_) | ChartError::Exec(_) | ChartError::Manifest(_) => true,
            ChartError::Incompatible(m) => m.starts_with("chart requires kubeVersion"),
            _ => false,
        }
    }
}
