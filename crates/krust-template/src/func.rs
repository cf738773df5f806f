//! The function interface: what a template function receives and how it reaches the
//! executing template set (Helm's `include` and `tpl` need that).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::exec::State;
use crate::value::{Type, Value};
use crate::Error;

/// A function's parameter types, as Go's reflection sees them.
///
/// The executor converts arguments the way `text/template` does before the call: untyped
/// constants take the parameter's type (`3` passed to a `float64` parameter is `3.0`), nil
/// becomes the zero value, and a value of another type is the error
/// `wrong type for value; expected T; got U`. `Interface` accepts anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Fixed parameters.
    pub params: Vec<Type>,
    /// The element type of a trailing `...T` parameter, if any.
    pub variadic: Option<Type>,
    /// The declared result type (`Interface` unless set with [`Signature::returning`]);
    /// only error messages about the result's fields see it.
    pub ret: Type,
}

impl Signature {
    /// A signature with fixed parameters only.
    pub fn new(params: &[Type]) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: None,
            ret: Type::Interface,
        }
    }

    /// The same signature with a declared result type (`include` returns `string`).
    pub fn returning(mut self, ret: Type) -> Signature {
        self.ret = ret;
        self
    }

    /// A signature with fixed parameters and a trailing `...variadic`.
    pub fn variadic(params: &[Type], variadic: Type) -> Signature {
        Signature {
            params: params.to_vec(),
            variadic: Some(variadic),
            ret: Type::Interface,
        }
    }
}

/// An error a function returns; the executor wraps it as Go does:
/// `template: NAME:LINE:COL: executing "NAME" at <CTX>: error calling FN: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncError {
    /// The function's own message (Go's `err.Error()`).
    pub message: String,
}

impl FuncError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
        }
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FuncError {}

impl From<Error> for FuncError {
    /// A template error raised inside a function (e.g. by `include`) keeps its full text.
    fn from(e: Error) -> FuncError {
        FuncError::new(e.to_string())
    }
}

/// The body of a template function: arguments already converted to its [`Signature`].
pub type FuncImpl =
    dyn Fn(&[Value], &mut CallCtx<'_, '_>) -> Result<Value, FuncError> + Send + Sync;

/// A named template function: its signature and body.
#[derive(Clone)]
pub struct Func {
    /// Parameter types (the executor checks and converts arguments against them).
    pub sig: Signature,
    /// The body.
    pub imp: Arc<FuncImpl>,
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func").field("sig", &self.sig).finish()
    }
}

impl Func {
    /// A function with the given signature and body.
    pub fn new<F>(sig: Signature, imp: F) -> Func
    where
        F: Fn(&[Value], &mut CallCtx<'_, '_>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func {
            sig,
            imp: Arc::new(imp),
        }
    }
}

/// The hasher of the set's maps (functions and templates are looked up by name at every
/// call): foldhash, seeded per process, instead of the standard library's slower SipHash.
pub type BuildHash = foldhash::fast::RandomState;

/// Name → function, like Go's `template.FuncMap`. Make one with `FuncMap::default()`.
pub type FuncMap = HashMap<String, Func, BuildHash>;

/// What a function sees of the execution calling it.
///
/// Nested executions (`include`, `tpl`) share the caller's step budget, output cap and
/// depth limit, so hostile recursion ends in an error, never a hang or stack overflow.
pub struct CallCtx<'s, 'a> {
    pub(crate) state: &'s mut State<'a>,
}

impl fmt::Debug for CallCtx<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallCtx").finish_non_exhaustive()
    }
}

impl CallCtx<'_, '_> {
    /// Executes the named template of the executing set with `data` (Helm's `include`).
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        self.state.execute_nested(name, data)
    }

    /// Parses `text` as template `name` into a copy of the executing set and executes it
    /// with `data` (Helm's `tpl`): `define`s in `text` are visible only to this execution,
    /// and the copy replaces the set for functions called inside it.
    pub fn parse_and_execute(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, Error> {
        self.state.parse_and_execute(name, text, data)
    }

    /// The name of the template being executed.
    pub fn template_name(&self) -> &str {
        self.state.template_name()
    }

    /// A per-execution counter shared with nested executions, for functions that limit
    /// their own recursion (Helm's `include` counts references per template name).
    pub fn counter(&mut self, key: &str) -> &mut usize {
        self.state.counter(key)
    }

    /// Whether a template of this name is defined in the executing set.
    pub fn has_template(&self, name: &str) -> bool {
        self.state.has_template(name)
    }
}
