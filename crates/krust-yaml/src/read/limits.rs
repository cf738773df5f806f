//! Bounds that make hostile input fail fast.

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

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
