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
        /// The field path (`spec.template.spec.containers`).
        path: String,
        /// The target's node kind (`MappingNode`, `SequenceNode`, `ScalarNode`).
        expected: &'static str,
        /// The patch's node kind.
        found: &'static str,
        /// Where the patch's node was read.
        mark: Mark,
    },

    /// A `$patch` directive with a value other than `delete`, `replace` or `merge`.
    #[error("{path}: unknown patch strategy '{value}'")]
    UnknownDirective {
        /// The field path of the mapping holding the directive.
        path: String,
        /// The directive's value.
        value: String,
    },

    /// A `$patch` directive was looked for in a scalar (kyaml: `no implemented strategic
    /// merge patch strategy`).
    #[error("line {mark}: no implemented strategic merge patch strategy for a {found}")]
    DirectiveTarget {
        /// The kind of node found (`ScalarNode`, ...).
        found: &'static str,
        /// Where it was read.
        mark: Mark,
    },

    /// A list that must be merged by inferred keys has none, or conflicting ones.
    #[error("{path}: {message}")]
    MergeKey {
        /// The list's field path.
        path: String,
        /// kyaml's message.
        message: String,
    },

    /// A list element has the wrong kind for the list's merge (kyaml fails the same way).
    #[error("{path}: {message}")]
    Element {
        /// The list's field path.
        path: String,
        /// kyaml's message.
        message: String,
    },

    /// A JSON 6902 patch document is not a list of operations.
    #[error("{file}: {message}")]
    Json6902Syntax {
        /// The patch file (or a label for an inline patch).
        file: String,
        /// What is wrong, as Go's JSON decoder (or go-yaml v2) says it.
        message: String,
    },

    /// A JSON 6902 patch could not be read as YAML or JSON.
    #[error("{file}: JSON 6902 patch is not valid YAML or JSON")]
    Json6902Read {
        /// The patch file (or a label for an inline patch).
        file: String,
        /// The reader's error.
        #[source]
        source: krust_yaml::Error,
    },

    /// A JSON 6902 operation failed (`index` is 0-based in the patch document).
    #[error("operation {index} ({op} {path}): {message}")]
    Json6902Op {
        /// The operation's position in the patch, from 0.
        index: usize,
        /// Its `op`.
        op: String,
        /// Its `path`, as written.
        path: String,
        /// evanphx/json-patch v4's message.
        message: String,
    },

    /// The target of a JSON 6902 patch cannot be written as JSON (kyaml's
    /// `RNode.MarshalJSON` before the operations run): it holds `.inf` or `.nan`.
    #[error("json: unsupported value: {value}")]
    Json6902Target {
        /// Go's text of the value (`+Inf`, `-Inf`, `NaN`).
        value: String,
        /// Where the value was read.
        mark: Mark,
    },

    /// The target of a JSON 6902 patch cannot be written as JSON because go-yaml v3, whose
    /// text `RNode.MarshalJSON` reads back first, writes one of its strings in a form it
    /// cannot read (a tab-leading block scalar): `yaml: line N: found a tab character where
    /// an indentation space is expected`, before any operation runs.
    #[error("{message}")]
    Json6902TargetText {
        /// The printer's message.
        message: String,
        /// Where the value was read.
        mark: Mark,
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
