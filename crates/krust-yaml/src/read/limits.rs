//! Bounds that make hostile input fail fast.

use std::cell::Cell;

/// Bounds the reader enforces on one input (set them with [`crate::ReadOptions::limits`]).
///
/// The defaults are far above what real repositories need (the largest files seen in
/// public Kubernetes repositories expand to a few hundred thousand nodes and nest a few
/// dozen levels) and low enough that an alias bomb or a pathologically nested file fails in
/// well under a second. Going past a bound is an [`crate::Error::Limit`] naming the file and
/// the position where the bound was crossed.
///
/// ```
/// use krust_yaml::{parse_stream_with, Error, Limits, ReadOptions, Typing};
/// let opts = ReadOptions::default().limits(Limits::default().max_depth(2));
/// let err = parse_stream_with("a:\n  b:\n    c: 1\n", "f.yaml", Typing::Kyaml, opts);
/// assert!(matches!(err, Err(Error::Limit { .. })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most nodes one document with anchors may expand to, aliases and merge keys counted
    /// expanded (default 1,000,000). A document without anchors is no bigger than its text
    /// and is not counted.
    pub max_nodes: u64,
    /// Deepest nesting of collections in one document (default 1,000). Every later stage
    /// (merge, print) walks trees recursively, so this also bounds their stack use.
    pub max_depth: usize,
    /// Most lines of one document mended for go-yaml's lax indentation before the reader
    /// gives up (default 200; each repair re-parses the document).
    pub max_repairs: usize,
    /// Largest input, in bytes, one call reads (default: no bound). Checked before parsing.
    pub max_bytes: usize,
}

impl Limits {
    /// The defaults: 1,000,000 expanded nodes, 1,000 levels, 200 repairs, any size.
    pub const DEFAULT: Limits = Limits {
        max_nodes: 1_000_000,
        max_depth: 1_000,
        max_repairs: 200,
        max_bytes: usize::MAX,
    };

    /// These limits with `max_nodes` set.
    pub fn max_nodes(mut self, n: u64) -> Self {
        self.max_nodes = n;
        self
    }

    /// These limits with `max_depth` set.
    pub fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// These limits with `max_repairs` set.
    pub fn max_repairs(mut self, n: usize) -> Self {
        self.max_repairs = n;
        self
    }

    /// These limits with `max_bytes` set.
    pub fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }
}

thread_local! {
    /// The limits `Limits::default()` gives on this thread, while [`Limits::as_default`]
    /// runs; `None` outside it.
    static AMBIENT: Cell<Option<Limits>> = const { Cell::new(None) };
}

impl Limits {
    /// Runs `f` with these limits as what [`Limits::default()`] returns on this thread, so
    /// that every read made under it with default options ([`crate::parse_stream`],
    /// [`crate::ReadOptions::default()`]) is bounded by them. A build that reads many kinds
    /// of file (resources, patches, configuration, schemas) runs under its limits this way,
    /// and a call site that reads with default options needs no change to honour them. The
    /// previous default comes back when `f` returns or unwinds; calls nest.
    ///
    /// ```
    /// use krust_yaml::{parse_stream, Limits, Typing};
    /// let deep = "a: [[[1]]]\n";
    /// assert!(parse_stream(deep, "f.yaml", Typing::Kyaml).is_ok());
    /// let lowered = Limits::default().max_depth(2);
    /// let err = lowered.as_default(|| parse_stream(deep, "f.yaml", Typing::Kyaml));
    /// assert!(matches!(err, Err(krust_yaml::Error::Limit { .. })));
    /// assert_eq!(Limits::default(), Limits::DEFAULT);
    /// ```
    pub fn as_default<R>(self, f: impl FnOnce() -> R) -> R {
        /// Puts the previous default back, also when `f` unwinds.
        struct Restore(Option<Limits>);
        impl Drop for Restore {
            fn drop(&mut self) {
                AMBIENT.with(|a| a.set(self.0));
            }
        }
        let _restore = Restore(AMBIENT.with(|a| a.replace(Some(self))));
        f()
    }
}

/// [`Limits::DEFAULT`], or the limits of the innermost [`Limits::as_default`] running on
/// this thread.
impl Default for Limits {
    fn default() -> Self {
        AMBIENT.with(Cell::get).unwrap_or(Limits::DEFAULT)
    }
}
