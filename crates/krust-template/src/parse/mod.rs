//! Lexer and parser (Go's `text/template/parse`).

use crate::Error;

/// A parsed template: its name, the text it came from and its node tree.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) name: crate::Str,
}

impl Tree {
    pub(crate) fn is_empty(&self) -> bool {
        true
    }
}

pub(crate) fn parse(
    name: &str,
    _text: &str,
    _has_func: &dyn Fn(&str) -> bool,
) -> Result<Vec<Tree>, Error> {
    Ok(vec![Tree { name: name.into() }])
}
