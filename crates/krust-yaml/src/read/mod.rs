//! Reading YAML streams into [`Value`] trees.
//!
//! saphyr-parser produces the events; [`build`] turns them into values with go-yaml's
//! typing ([`resolve`]), expands aliases and merge keys, and bounds alias expansion and
//! nesting. [`comments`] finds `#` comments, which the parser does not report.

mod build;
mod comments;
mod resolve;
#[cfg(test)]
mod tests;

use crate::{Error, Mark, Value};

/// Which scalar resolution rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Typing {
    /// How kustomize types resources: go-yaml v3 as kyaml applies it.
    #[default]
    Kyaml,
    /// YAML 1.1 rules of sigs.k8s.io/yaml (go-yaml v2): kustomization files, YAML-form
    /// patches, Helm values documents. `yes`/`on` are booleans, keys become strings.
    Yaml11,
}

/// A `#` comment found outside any scalar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Where the `#` is.
    pub mark: Mark,
    /// The text after the leading `#`s and spaces, without the line break.
    pub text: String,
}

/// Reads every document of a multi-document stream. `file` names the source in errors.
///
/// A document with no content (`---` alone, or only comments after `---`) is a null with
/// [`crate::Style::Empty`]; a stream with no document at all gives an empty vector.
pub fn parse_stream(src: &str, file: &str, typing: Typing) -> Result<Vec<Value>, Error> {
    build::Builder::new(src, file, typing, false)
        .run(src)
        .map(|(docs, _)| docs)
}

/// [`parse_stream`], plus the stream's comments in source order.
pub fn parse_stream_with_comments(
    src: &str,
    file: &str,
    typing: Typing,
) -> Result<(Vec<Value>, Vec<Comment>), Error> {
    let (docs, spans) = build::Builder::new(src, file, typing, true).run(src)?;
    let comments = comments::scan(src, &spans.unwrap_or_default());
    Ok((docs, comments))
}

/// The first document of a stream; null when there is none.
pub fn parse_document(src: &str, file: &str, typing: Typing) -> Result<Value, Error> {
    Ok(parse_stream(src, file, typing)?
        .into_iter()
        .next()
        .unwrap_or_default())
}
