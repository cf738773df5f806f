//! Errors, printed exactly as Go's `text/template` prints them.

/// A parse or execution error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parse error: `template: NAME:LINE: MESSAGE`.
    #[error("template: {name}:{line}: {message}")]
    Parse {
        /// The name the text was parsed as.
        name: String,
        /// 1-based line.
        line: usize,
        /// Go's message (`unexpected "}" in operand`).
        message: String,
    },
    /// An execution error at a node:
    /// `template: FILE:LINE:COL: executing "NAME" at <CONTEXT>: MESSAGE`.
    #[error("template: {file}:{line}:{col}: executing \"{name}\" at <{context}>: {message}")]
    Exec {
        /// The name of the text the failing node was parsed from.
        file: String,
        /// 1-based line.
        line: usize,
        /// Byte column as Go counts it (0-based on the first line after a newline... as
        /// `parse.Tree.ErrorContext` computes).
        col: usize,
        /// The executing template's name.
        name: String,
        /// The node as Go prints it, cut to 20 bytes plus `...`.
        context: String,
        /// The message (`error calling X: ...`, `wrong type for value; ...`).
        message: String,
    },
    /// An execution error without a node: `template: NAME: MESSAGE`
    /// (e.g. `no template "x" associated with template "y"` at top level).
    #[error("template: {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// The message.
        message: String,
    },
    /// A top-level failure outside any template (`template: no template "x" ...`).
    #[error("{0}")]
    Other(String),
    /// A resource limit (steps, output size, depth) was exceeded.
    #[error("template: {name}: {what} limit exceeded ({limit})")]
    Limit {
        /// The executing template.
        name: String,
        /// Which limit (`step`, `output size`, `recursion depth`).
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
}
