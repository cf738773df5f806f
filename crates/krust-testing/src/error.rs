//! The crate's one error type.

use std::path::PathBuf;

/// What can go wrong while discovering, rendering or comparing renders.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A render (a YAML stream) could not be parsed; the YAML error has file, line and column.
    #[error("{0}")]
    Yaml(#[from] krust_yaml::Error),

    /// A kustomization failed to build.
    #[error("{dir}: {source}")]
    Build {
        /// The build's directory, relative to the repository root.
        dir: String,
        /// What the builder reported.
        source: Box<krust_kustomize::Error>,
    },

    /// A build's output could not be printed.
    #[error("{dir}: {source}")]
    Print {
        /// The build's directory, relative to the repository root.
        dir: String,
        /// What the printer reported.
        source: Box<krust_model::Error>,
    },

    /// A build failed in a renderer other than the kustomize build (a Flux Kustomization
    /// the controller would refuse, for instance).
    #[error("{dir}: {message}")]
    Failed {
        /// The build's name.
        dir: String,
        /// Why it failed.
        message: String,
    },

    /// A document of a render is not a Kubernetes object (no `kind` or `metadata.name`).
    #[error("{file}: document {index} is not an object with kind and metadata.name")]
    NotAnObject {
        /// The render's name (file or build).
        file: String,
        /// The document's position in the stream, from 1.
        index: usize,
    },

    /// A snapshot suite names no environment or no tenant, or a tenant renders nothing.
    #[error("snapshot suite: {0}")]
    Suite(String),

    /// The worker pool could not be started.
    #[error("starting {jobs} worker threads: {message}")]
    Pool {
        /// How many threads were asked for.
        jobs: usize,
        /// rayon's message.
        message: String,
    },
}
