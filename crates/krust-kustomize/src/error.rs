//! The errors of a build. Messages follow kustomize's wording (tools and tests grep for
//! it); each names the kustomization file or directory and the entry that failed.

/// A build error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A directory has no kustomization file.
    #[error(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{dir}'"
    )]
    MissingKustomization {
        /// The directory.
        dir: String,
    },

    /// A directory has more than one kustomization file.
    #[error("Found multiple kustomization files under: {dir}\n")]
    MultipleKustomizations {
        /// The directory.
        dir: String,
    },

    /// The kustomization file is not a valid kustomization.
    #[error("{file}: invalid Kustomization: {message}")]
    InvalidKustomization {
        /// The kustomization file.
        file: String,
        /// What is wrong, in kustomize's words.
        message: String,
    },

    /// The load restrictor refused a file outside the kustomization's root.
    #[error("security; file '{path}' is not in or below '{root}'")]
    Restricted {
        /// The refused path.
        path: String,
        /// The root it must stay in.
        root: String,
    },

    /// A file could not be read.
    #[error("{message}")]
    Io {
        /// The file.
        path: String,
        /// The full message, naming the file.
        message: String,
    },

    /// A YAML file could not be read.
    #[error("{0}")]
    Yaml(krust_yaml::Error),

    /// A resource-level error (duplicate ids, malformed objects).
    #[error("{0}")]
    Model(krust_model::Error),

    /// A feature that needs the network, a helm binary or an executable.
    #[error("{file}: {entry}: {what} is not supported by krust (offline build)")]
    Unsupported {
        /// The kustomization file.
        file: String,
        /// The entry using it (`helmCharts: <name>`, ...).
        entry: String,
        /// The feature.
        what: String,
    },

    /// Any other failure of one kustomization entry.
    #[error("{message}")]
    Message {
        /// The message.
        message: String,
    },

    /// `context: source`, the way kustomize prefixes errors as they travel up.
    #[error("{context}: {inner}")]
    Context {
        /// The prefix.
        context: String,
        /// The error it wraps.
        inner: Box<Error>,
    },
}

impl Error {
    /// A plain message.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::Message {
            message: message.into(),
        }
    }

    /// Prefixes the error with `context`.
    pub fn context(self, context: impl Into<String>) -> Self {
        Error::Context {
            context: context.into(),
            inner: Box::new(self),
        }
    }
}

impl From<krust_yaml::Error> for Error {
    fn from(e: krust_yaml::Error) -> Self {
        Error::Yaml(e)
    }
}

impl From<krust_model::Error> for Error {
    fn from(e: krust_model::Error) -> Self {
        Error::Model(e)
    }
}

/// Adds [`Error::context`] to results.
pub(crate) trait ResultExt<T> {
    fn context_with<F: FnOnce() -> String>(self, f: F) -> Result<T, Error>;
}

impl<T> ResultExt<T> for Result<T, Error> {
    fn context_with<F: FnOnce() -> String>(self, f: F) -> Result<T, Error> {
        self.map_err(|e| e.context(f()))
    }
}
