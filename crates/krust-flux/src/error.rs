//! The crate's error type.

/// Why a Flux Kustomization (or the cluster as a whole) could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A field of a Flux object has the wrong shape.
    #[error("{object} (defined in {file}): field {field}: {message}")]
    InvalidField {
        /// `Kind namespace/name` of the object.
        object: String,
        /// The file that defined it.
        file: String,
        /// The field path, e.g. `spec.sourceRef.kind`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// `spec.path` does not exist inside the artifact, or leaves it.
    #[error("Kustomization {kustomization} (defined in {file}): field spec.path: {message}")]
    Path {
        /// `namespace/name`.
        kustomization: String,
        /// The file that defined the Kustomization.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Generating or augmenting the kustomization file failed (§2.2, §2.3).
    #[error("Kustomization {kustomization} (defined in {file}): {message}")]
    Generate {
        /// `namespace/name`.
        kustomization: String,
        /// The file that defined the Kustomization.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The kustomize build failed.
    #[error(
        "Kustomization {kustomization} (defined in {file}): kustomize build failed: {message}"
    )]
    Build {
        /// `namespace/name`.
        kustomization: String,
        /// The file that defined the Kustomization.
        file: String,
        /// kustomize's error text.
        message: String,
    },
    /// Post-build substitution failed (§2.4).
    #[error("Kustomization {kustomization} (defined in {file}): field spec.postBuild: {message}")]
    Substitution {
        /// `namespace/name`.
        kustomization: String,
        /// The file that defined the Kustomization.
        file: String,
        /// What failed, worded like kustomize-controller.
        message: String,
    },
    /// The repository root could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// What failed.
        message: String,
    },
}
