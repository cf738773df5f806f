//! The errors of strategic-merge and JSON 6902 patching.

use krust_yaml::Mark;

/// A patch that cannot be applied.
///
/// Merge errors name the field path (`spec.template.spec.containers`) and, where the node was
/// read from a file, its position; JSON 6902 errors name the operation's index, op and path.
/// Messages follow kustomize's (kyaml's and evanphx/json-patch's) where a user may compare.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    /// Target and patch have different node kinds at the same place (kyaml:
    /// `wrong node kind`).
    #[error("{path}: wrong node kind: expected {expected} but got {found} (line {mark})")]
    WrongKind {
        path: String,
        expected: &'static str,
        found: &'static str,
        mark: Mark,
    },

    /// A `$patch` directive with a value other than `delete`, `replace` or `merge`.
    #[error("{path}: unknown patch strategy '{value}'")]
    UnknownDirective { path: String, value: String },

    /// A `$patch` directive was looked for in a scalar (kyaml: `no implemented strategic
    /// merge patch strategy`).
    #[error("line {mark}: no implemented strategic merge patch strategy for a {found}")]
    DirectiveTarget { found: &'static str, mark: Mark },

    /// A list that must be merged by inferred keys has none, or conflicting ones.
    #[error("{path}: {message}")]
    MergeKey { path: String, message: String },

    /// A list element has the wrong kind for the list's merge (kyaml fails the same way).
    #[error("{path}: {message}")]
    Element { path: String, message: String },

    /// A JSON 6902 patch document is not a list of operations.
    #[error("{file}: {message}")]
    Json6902Syntax { file: String, message: String },

    /// A JSON 6902 patch could not be read as YAML or JSON.
    #[error("{file}: JSON 6902 patch is not valid YAML or JSON")]
    Json6902Read {
        file: String,
        #[source]
        source: krust_yaml::Error,
    },

    /// A JSON 6902 operation failed (`index` is 0-based in the patch document).
    #[error("operation {index} ({op} {path}): {message}")]
    Json6902Op {
        index: usize,
        op: String,
        path: String,
        message: String,
    },
}

impl PatchError {
    /// The same error one field further out: `path` gets `segment` in front (a field name,
    /// or `[]` for a list element). Merge errors are built where they happen with an empty
    /// path and get their path while they travel out, so the walk keeps no path of its own.
    pub(crate) fn in_field(mut self, segment: &str) -> Self {
        if let PatchError::WrongKind { path, .. }
        | PatchError::UnknownDirective { path, .. }
        | PatchError::MergeKey { path, .. }
        | PatchError::Element { path, .. } = &mut self
        {
            let sep = if path.is_empty() || path.starts_with('[') {
                ""
            } else {
                "."
            };
            *path = format!("{segment}{sep}{path}");
        }
        self
    }

    /// At the root, an empty path is written `.`.
    pub(crate) fn at_root(mut self) -> Self {
        if let PatchError::WrongKind { path, .. }
        | PatchError::UnknownDirective { path, .. }
        | PatchError::MergeKey { path, .. }
        | PatchError::Element { path, .. } = &mut self
        {
            if path.is_empty() {
                *path = ".".into();
            }
        }
        self
    }
}
