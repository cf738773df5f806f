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

    /// A directory the build must enter is a file.
    #[error("'{path}': file is not directory")]
    NotADirectory {
        /// The path.
        path: String,
    },

    /// A path that must name a file names a directory.
    #[error("'{path}' must resolve to a file")]
    NotAFile {
        /// The path.
        path: String,
    },

    /// A file that must be text is not valid UTF-8.
    #[error("'{path}' is not valid UTF-8")]
    NotUtf8 {
        /// The file.
        path: String,
    },

    /// A base or component path kustomize refuses as a root: empty, absolute, or with a
    /// segment that only looks like `..` (`a..b/`).
    #[error("{message}")]
    InvalidRoot {
        /// The path as written in the kustomization.
        path: String,
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A base or component directory contains a kustomization that led to it.
    #[error("cycle detected: candidate root '{candidate}' contains visited root '{visited}'")]
    Cycle {
        /// The directory about to be entered.
        candidate: String,
        /// The directory already on the way to it that it contains.
        visited: String,
    },

    /// A non-builtin generator, transformer or validator with plugins disabled
    /// ([`crate::Options::plugins_enabled`]).
    #[error("external plugins disabled; unable to load external plugin '{kind}'")]
    PluginsDisabled {
        /// The plugin's kind.
        kind: String,
    },

    /// A builtin plugin's configuration (`generators`/`transformers`/`validators` entries,
    /// `helmCharts`) is malformed.
    #[error("{message}")]
    InvalidConfig {
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A `helmCharts` entry failed to inflate (values, rendering).
    #[error("{file}: helmCharts: {chart}: {message}")]
    HelmChart {
        /// The kustomization file.
        file: String,
        /// The chart's name.
        chart: String,
        /// What failed.
        message: String,
    },

    /// A `helmCharts` entry names no repository and no chart is found in the charts home.
    #[error("no repo specified for pull, no chart found at '{path}'")]
    ChartNotFound {
        /// Where the chart was looked for.
        path: String,
    },

    /// The build crossed one of its [`crate::Limits`].
    #[error("{file}: {}", limit_text(*kind, *bound))]
    Limit {
        /// The file being read, or the kustomization file being accumulated.
        file: String,
        /// Which limit.
        kind: LimitKind,
        /// The limit's value.
        bound: u64,
    },

    /// A kustomization file with nothing but `apiVersion` and `kind` (kustomize
    /// `CheckEmpty`).
    #[error("kustomization.yaml is empty")]
    EmptyKustomization {
        /// The kustomization file.
        file: String,
    },

    /// Fields kustomize's `EnforceFields` rejects (a field and its replacement both set,
    /// ...), one message each.
    #[error("Failed to read kustomization file under {dir}:\n{}", errors.join("\n"))]
    InvalidFields {
        /// The kustomization's directory.
        dir: String,
        /// kustomize's message for each field.
        errors: Vec<String>,
    },

    /// A `resources:` entry that is a `Component`, or a `components:` entry that is not.
    #[error("{}", wrong_kind(path, kind, *component_expected))]
    WrongKind {
        /// The directory.
        path: String,
        /// Its kustomization's `kind`.
        kind: String,
        /// Whether it was included as a component.
        component_expected: bool,
    },

    /// An error kustomize quotes after a prefix (`loader.New "..."`, `accumulateDirectory:
    /// "..."`, for a component); [`Error::root_cause`] looks through it.
    #[error("{context} {:?}", inner.to_string())]
    Quoted {
        /// The prefix.
        context: String,
        /// The error quoted.
        inner: Box<Error>,
    },

    /// The `openapi:` schema cannot be read or composed.
    #[error("{message}")]
    InvalidSchema {
        /// What is wrong.
        message: String,
    },

    /// The same var declared twice (here, or here and in a base).
    #[error("var '{name}' already encountered")]
    DuplicateVar {
        /// The var's name.
        name: String,
    },

    /// A `vars:` entry that cannot be decoded or resolved (no unique resource, no field),
    /// or a reference to a var in a place that cannot hold its value.
    #[error("{message}")]
    InvalidVar {
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A validator changed the resources.
    #[error("validator shouldn't modify the resource map")]
    ValidatorModified,

    /// A generated resource that cannot be merged into the resources: `behavior: merge` or
    /// `replace` with no resource of its id, `create` with one, more than one candidate.
    #[error("{message}")]
    GeneratorMerge {
        /// The generated resource's id.
        id: String,
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A `configMapGenerator`/`secretGenerator` entry with no name, a malformed literal or
    /// file source, an env file line that is not UTF-8, or a key given twice.
    #[error("{message}")]
    InvalidGenerator {
        /// The entry's name.
        name: String,
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A patch entry that is misconfigured (`path` and `patch` both or neither set, no
    /// target where one is needed) or whose text is not a patch.
    #[error("{message}")]
    InvalidPatch {
        /// The kustomization file (or the patch file).
        file: String,
        /// The full message, naming the file and entry.
        message: String,
    },

    /// A patch without a target matches no resource, or more than one, by its own id.
    #[error(
        "{} matches for Id {id}; failed to find unique target for patch {id}",
        if *found == 0 { "no" } else { "multiple" }
    )]
    PatchTarget {
        /// The patch's id.
        id: String,
        /// How many resources it matches (0 or more than 1).
        found: usize,
    },

    /// A strategic-merge or JSON 6902 patch that cannot be read or applied.
    #[error("{0}")]
    Patch(Box<krust_patch::PatchError>),

    /// A JSON 6902 patch that failed on one resource.
    #[error("{file}: JSON 6902 patch on {id}: {inner}")]
    Json6902 {
        /// Where the operations come from.
        file: String,
        /// The patched resource's id.
        id: String,
        /// The failure.
        inner: Box<krust_patch::PatchError>,
    },

    /// Field-spec tables that conflict (kustomize's `conflicting fieldspecs`) or cannot be
    /// read.
    #[error("{0}")]
    FieldSpecs(krust_model::fieldspecs::FieldSpecTableError),

    /// A `configurations:` file that is not a transformer configuration.
    #[error("{file}: {message}")]
    InvalidConfiguration {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },

    /// A field-spec path that cannot be walked in an object (through a scalar, an empty
    /// field name, a name reference to a node without `name`).
    #[error("{message}")]
    InvalidFieldPath {
        /// What is wrong, in kustomize's words.
        message: String,
    },

    /// A name reference that more than one resource could satisfy.
    #[error("found multiple possible referrals: {}", candidates.join(", "))]
    AmbiguousReferral {
        /// The candidates' ids.
        candidates: Vec<String>,
    },

    /// A namespaced referrer without a namespace where name references need one.
    #[error("Invalid Input: namespace is blank for resource {id:?}\n")]
    BlankNamespace {
        /// The referrer's id.
        id: String,
    },

    /// A `replacements:` entry that cannot be read or applied (both `path` and inline, a
    /// source field missing, `delimiter` on a non-scalar, an index out of bounds).
    #[error("{message}")]
    InvalidReplacement {
        /// The full message, in kustomize's words.
        message: String,
    },

    /// A replacement source selector that selects no resource, or more than one.
    #[error(
        "{}",
        if *found == 0 {
            format!("nothing selected by {selector}")
        } else {
            format!("multiple matches for selector {selector}")
        }
    )]
    SelectorMatch {
        /// The selector, as kustomize prints it.
        selector: String,
        /// How many resources it selects (0 or more than 1).
        found: usize,
    },

    /// A selector (patch or replacement target) whose pattern is not a valid regular
    /// expression.
    #[error("{message}")]
    InvalidSelector {
        /// The full message.
        message: String,
    },

    /// Setting the namespace gave two resources the same id.
    #[error("namespace transformation produces ID conflict: {id}")]
    NamespaceConflict {
        /// The resource's new id.
        id: String,
    },

    /// `sortOptions` is invalid.
    #[error("{message}")]
    InvalidSortOptions {
        /// The full message, in kustomize's words.
        message: String,
    },

    /// Any other failure of one kustomization entry.
    #[error("{message}")]
    Message {
        /// The message.
        message: String,
    },

    /// A file of resources that is not valid YAML or not valid resources (kustomize's
    /// `MalformedYAMLError`); [`Error::root_cause`] looks through it.
    #[error("MalformedYAMLError: {inner}")]
    MalformedYaml {
        /// The reader's or the model's error.
        inner: Box<Error>,
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

    /// The error below every [`Error::Context`] prefix (and [`Error::MalformedYaml`],
    /// [`Error::Quoted`]): what a caller matches on.
    ///
    /// ```
    /// use krust_kustomize::{Error, Kustomizer, MemFs, Options};
    /// let fs = MemFs::from_files([("app/kustomization.yaml", "resources:\n- ../app\n")]);
    /// let err = Kustomizer::new(Options::default())
    ///     .build(&fs, "/app".as_ref())
    ///     .unwrap_err();
    /// assert!(matches!(err.root_cause(), Error::Cycle { .. }));
    /// ```
    pub fn root_cause(&self) -> &Error {
        let mut e = self;
        while let Error::Context { inner, .. }
        | Error::MalformedYaml { inner }
        | Error::Quoted { inner, .. } = e
        {
            e = inner;
        }
        e
    }

    /// The [`Error::Context`] prefixes, outermost first.
    pub fn contexts(&self) -> impl Iterator<Item = &str> {
        let mut e = Some(self);
        std::iter::from_fn(move || match e? {
            Error::Context { context, inner } => {
                e = Some(inner);
                Some(context.as_str())
            }
            _ => None,
        })
    }

    /// Prefixes the error with `context`.
    pub fn context(self, context: impl Into<String>) -> Self {
        Error::Context {
            context: context.into(),
            inner: Box::new(self),
        }
    }
}

/// Which of the build's [`crate::Limits`] an [`Error::Limit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// [`crate::Limits::max_resources`].
    Resources,
    /// [`crate::Limits::max_file_bytes`].
    FileBytes,
    /// [`crate::Limits::max_total_bytes`].
    TotalBytes,
}

fn wrong_kind(path: &str, kind: &str, component_expected: bool) -> String {
    if component_expected {
        format!("expected kind 'Component' for path '{path}' but got '{kind}'")
    } else {
        format!("expected kind != 'Component' for path '{path}'")
    }
}

fn limit_text(kind: LimitKind, bound: u64) -> String {
    match kind {
        LimitKind::Resources => format!(
            "the build has more than {bound} resources (limit max_resources; see krust_kustomize::Limits)"
        ),
        LimitKind::FileBytes => format!(
            "file is larger than {bound} bytes (limit max_file_bytes; see krust_kustomize::Limits)"
        ),
        LimitKind::TotalBytes => format!(
            "the build has read more than {bound} bytes (limit max_total_bytes; see krust_kustomize::Limits)"
        ),
    }
}

impl From<krust_yaml::Error> for Error {
    fn from(e: krust_yaml::Error) -> Self {
        Error::Yaml(e)
    }
}

impl From<krust_patch::PatchError> for Error {
    fn from(e: krust_patch::PatchError) -> Self {
        Error::Patch(Box::new(e))
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
