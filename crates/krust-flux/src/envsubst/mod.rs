//! Bash-style variable expansion exactly as fluxcd/pkg `envsubst` (v1.7.0, the version
//! kustomize-controller links) does it: flux-semantics §2.4.
//!
//! ```
//! use std::collections::BTreeMap;
//! use krust_flux::envsubst::{eval, Vars};
//!
//! let vars: BTreeMap<String, String> = [("cluster".to_string(), "staging".to_string())].into();
//! let out = eval("env: ${cluster^^}-${zone:=eu}", &Vars::new(&vars, false)).unwrap();
//! assert_eq!(out, "env: STAGING-eu");
//! ```
//!
//! Quirks kept from upstream: `$var` (no braces) is never expanded; `$$` collapses to `$`
//! everywhere; `:+` and `:?` behave like `:-`; `${var-x}` is a parse error; in strict mode
//! the arguments are evaluated before the variable itself.

mod eval;
mod glob;
mod parse;
mod scan;

use std::collections::BTreeMap;

pub use eval::eval;

/// Go `path.Match` of one name against a shell pattern; `None` for a malformed pattern.
pub(crate) fn glob_match(pattern: &str, name: &str) -> Option<bool> {
    glob::matches(pattern, name).ok()
}

/// Why a template could not be parsed or expanded. The texts are upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvsubstError {
    /// `parse.ErrBadSubstitution`.
    #[error("bad substitution")]
    BadSubstitution,
    /// `parse.ErrMissingClosingBrace`.
    #[error("missing closing brace")]
    MissingClosingBrace,
    /// `parse.ErrParseVariableName`.
    #[error("unable to parse variable name")]
    ParseVariableName,
    /// `parse.ErrParseFuncSubstitution`.
    #[error("unable to parse substitution within function")]
    ParseFuncSubstitution,
    /// `parse.ErrParseDefaultFunction`.
    #[error("unable to parse default function")]
    ParseDefaultFunction,
    /// A strict-mode reference to an undefined variable.
    #[error("variable not set (strict mode): {0:?}")]
    VariableNotSet(String),
    /// `${…}` nested deeper than krust allows (upstream recurses without bound).
    #[error("substitutions nested too deeply")]
    TooDeep,
}

/// The variable mapping of kustomize-controller (`varSubstitution` in fluxcd/pkg
/// `kustomize/kustomize_varsub.go`): in strict mode an undefined name is "not set"; otherwise
/// every name is set, undefined ones to `""`.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    vars: &'a BTreeMap<String, String>,
    strict: bool,
}

impl<'a> Vars<'a> {
    /// A mapping over `vars`.
    pub fn new(vars: &'a BTreeMap<String, String>, strict: bool) -> Self {
        Vars { vars, strict }
    }

    /// The value of `name` and whether it counts as set.
    pub fn lookup(&self, name: &str) -> (String, bool) {
        match self.vars.get(name) {
            Some(v) => (v.clone(), true),
            None => (String::new(), !self.strict),
        }
    }
}

#[cfg(test)]
mod tests;
