//! Errors of reading and printing YAML. Every variant names where the problem is.

use crate::Mark;

/// A YAML reading or printing error.
///
/// `file` is the name the caller passed to the reader (a path relative to the build root,
/// or a label such as `<inline patch>`); printing errors carry the node's mark only and the
/// caller adds the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The text is not valid YAML.
    #[error("{file}:{mark}: {message}")]
    Syntax {
        file: String,
        mark: Mark,
        message: String,
    },

    /// A mapping has the same key twice (kyaml rejects this).
    #[error("{file}:{mark}: mapping key {key:?} already defined")]
    DuplicateKey {
        file: String,
        mark: Mark,
        key: String,
    },

    /// The document is valid YAML but cannot be used (e.g. an alias to an unknown anchor,
    /// a non-scalar mapping key, a value kustomize cannot convert).
    #[error("{file}:{mark}: {message}")]
    Invalid {
        file: String,
        mark: Mark,
        message: String,
    },

    /// Alias expansion or nesting went past the reader's bounds (an alias bomb).
    #[error("{file}:{mark}: {message}")]
    Limit {
        file: String,
        mark: Mark,
        message: String,
    },

    /// A value that kustomize cannot print (NaN, infinity).
    #[error("line {mark}: {message}")]
    Print { mark: Mark, message: String },
}

impl Error {
    /// The position of the problem in its file.
    pub fn mark(&self) -> Mark {
        match self {
            Error::Syntax { mark, .. }
            | Error::DuplicateKey { mark, .. }
            | Error::Invalid { mark, .. }
            | Error::Limit { mark, .. }
            | Error::Print { mark, .. } => *mark,
        }
    }
}
