//! The crate's error type. Messages are kustomize's own where kustomize has one, because
//! callers compare them with kustomize's output; file and position are kept as fields.

use krust_yaml::{Mark, Str};

use crate::ResId;

/// An error of building or querying resources.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// `ResMap::append` with an id already present.
    #[error("may not add resource with an already registered id: {id}")]
    DuplicateId {
        /// The id already present.
        id: ResId,
    },

    /// `ResMap::remove` with an id that is not there.
    #[error("id {id} not found in removal")]
    RemoveNotFound {
        /// The id looked for.
        id: ResId,
    },

    /// `ResMap::replace` with an id that is not there.
    #[error("cannot find resource with id {id} to replace")]
    ReplaceNotFound {
        /// The id looked for.
        id: ResId,
    },

    /// A lookup that needed exactly one resource found several (`which` is kustomize's
    /// `Current` or `Id`).
    #[error("multiple matches for {which} {id}")]
    MultipleMatches {
        /// Which id was matched: `Current` or `Id`.
        which: &'static str,
        /// The id looked for.
        id: ResId,
    },

    /// A lookup that needed exactly one resource found none.
    #[error("no matches for {which} {id}")]
    NoMatch {
        /// Which id was matched: `Current` or `Id`.
        which: &'static str,
        /// The id looked for.
        id: ResId,
    },

    /// A document has neither `apiVersion`, `kind` nor any metadata.
    #[error("missing Resource metadata")]
    MissingMetadata {
        /// The file the document came from.
        file: Str,
        /// Where the document starts in it.
        mark: Mark,
    },

    /// A document has no `kind`. `meta` is kustomize's Go rendering of what it did read.
    #[error("missing kind in object {meta}")]
    MissingKind {
        /// What was read of the object, as kustomize prints it.
        meta: String,
        /// The file the document came from.
        file: Str,
        /// Where the document starts in it.
        mark: Mark,
    },

    /// A document (other than a `*List`) has no `metadata.name`.
    #[error("missing metadata.name in object {meta}")]
    MissingName {
        /// What was read of the object, as kustomize prints it.
        meta: String,
        /// The file the document came from.
        file: Str,
        /// Where the document starts in it.
        mark: Mark,
    },

    /// A `FooList` whose `items` is not a sequence. `found` is the Go type kustomize names.
    #[error("expected array in {kind}/items, but found {found}")]
    ListItemsNotArray {
        /// The list's kind (`ConfigMapList`, ...).
        kind: String,
        /// The Go type of `items` (`map[string]interface {}`, ...).
        found: &'static str,
        /// The file the document came from.
        file: Str,
        /// Where the document starts in it.
        mark: Mark,
    },

    /// A RoleBinding's ServiceAccount subject has a namespace that is not a string
    /// (kustomize's message, trailing newline included).
    #[error("Invalid Input: namespace is blank for resource \"{id}\"\n")]
    BlankSubjectNamespace {
        /// The RoleBinding's id.
        id: ResId,
    },

    /// Printing a resource failed.
    #[error("cannot print {id}")]
    Print {
        /// The resource being printed.
        id: ResId,
        /// The printer's error.
        #[source]
        source: Box<krust_yaml::Error>,
    },
}

impl Error {
    /// The file and position the error points at, when it came from a document.
    pub fn location(&self) -> Option<(&str, Mark)> {
        match self {
            Error::MissingMetadata { file, mark }
            | Error::MissingKind { file, mark, .. }
            | Error::MissingName { file, mark, .. }
            | Error::ListItemsNotArray { file, mark, .. } => Some((file, *mark)),
            _ => None,
        }
    }
}
