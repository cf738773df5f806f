//! The one error type of krust-helm.

use std::fmt;

/// Why a `valuesFrom` entry could not be resolved. The texts are fluxcd/pkg's
/// `chartutil` reasons (`ErrResourceNotFound`, `ErrKeyNotFound`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefReason {
    /// The referenced ConfigMap or Secret does not exist.
    ResourceNotFound,
    /// The object exists but has no entry under the values key.
    KeyNotFound,
    /// The reference names a kind other than ConfigMap or Secret.
    UnsupportedKind,
    /// The entry's data could not be parsed as values (YAML, or a `--set` expression).
    ValuesDataRead,
    /// The values could not be merged at the target path.
    ValueMerge,
    /// The referenced object exists but cannot be used (bad base64, a non-string data
    /// entry). The API server would have refused such an object; offline we can meet one.
    InvalidObject,
}

impl RefReason {
    /// The reason's text as fluxcd/pkg prints it (`resource not found`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RefReason::ResourceNotFound => "resource not found",
            RefReason::KeyNotFound => "key not found",
            RefReason::UnsupportedKind => "unsupported values reference kind",
            RefReason::ValuesDataRead => "failed to read values data",
            RefReason::ValueMerge => "failed to merge value",
            RefReason::InvalidObject => "invalid values object",
        }
    }
}

impl fmt::Display for RefReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed `valuesFrom` entry, printed as fluxcd/pkg's `ErrValuesReference`:
/// `could not resolve [optional ]<Kind> chart values reference '<ns>/<name>' with key
/// '<key>': <detail, or the reason when there is no detail>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    /// The referenced kind (`ConfigMap`, `Secret`), as written.
    pub kind: String,
    /// The referenced object's namespace (the HelmRelease's).
    pub namespace: String,
    /// The referenced object's name.
    pub name: String,
    /// The values key looked up (empty when none applies).
    pub key: String,
    /// Whether the reference was marked `optional`.
    pub optional: bool,
    /// Why it failed.
    pub reason: RefReason,
    /// The underlying error's text (a YAML or `--set` parse error, the API's not-found
    /// message); it replaces the reason in the message, as upstream does.
    pub detail: Option<String>,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not resolve")?;
        if self.optional {
            f.write_str(" optional")?;
        }
        if !self.kind.is_empty() {
            write!(f, " {}", self.kind)?;
        }
        write!(
            f,
            " chart values reference '{}/{}'",
            self.namespace, self.name
        )?;
        if !self.key.is_empty() {
            write!(f, " with key '{}'", self.key)?;
        }
        match &self.detail {
            Some(d) => write!(f, ": {d}"),
            None => write!(f, ": {}", self.reason),
        }
    }
}

/// Errors of krust-helm. Each names the HelmRelease (`namespace/name`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// A `valuesFrom` entry failed; composition stops, as in helm-controller.
    #[error("HelmRelease {release}: {reference}")]
    Reference {
        /// The HelmRelease, `namespace/name`.
        release: String,
        /// The failed entry.
        reference: Box<ReferenceError>,
    },

    /// The object is not a HelmRelease krust understands, or a field has the wrong shape.
    #[error("{release}{}: {field}: {message}", at_line(*line))]
    Invalid {
        /// `HelmRelease namespace/name`.
        release: String,
        /// The 1-based line of the offending value in its file; 0 when unknown.
        line: u32,
        /// The offending field's path (`spec.valuesFrom[0].kind`).
        field: String,
        /// What is wrong with it.
        message: String,
    },

    /// The chart's default values could not be read (valuesFiles, values.yaml).
    #[error("HelmRelease {release}: chart values: {message}")]
    Chart {
        /// The HelmRelease, `namespace/name`.
        release: String,
        /// What went wrong reading them.
        message: String,
    },
}

fn at_line(line: u32) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line})")
    }
}

impl ValuesError {
    /// The reference error, when this is one.
    pub fn reference(&self) -> Option<&ReferenceError> {
        match self {
            ValuesError::Reference { reference, .. } => Some(reference),
            _ => None,
        }
    }
}
