//! A set of named templates and the options they execute with.

use std::collections::HashMap;
use std::sync::Arc;

use crate::exec;
use crate::func::{BuildHash, Func, FuncMap};
use crate::parse::{self, Tree};
use crate::value::{Str, Value};
use crate::Error;

/// What a missing map key yields (Go's `Option("missingkey=...")`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=default` / `invalid`: the missing value prints `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: the map element type's zero value (`<no value>` for
    /// `interface{}` elements, as Helm sees with `strict=false`).
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "K"`.
    Error,
}

/// Resource limits for hostile input. Exceeding one is an [`Error::Limit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Evaluation steps (nodes, range iterations, function calls) per top-level execution.
    /// Default 50 million.
    pub max_steps: usize,
    /// Bytes of output per top-level execution, nested executions included (an `include`'s
    /// text counts when it is produced and again where it is printed). Default 64 MiB: far
    /// above any real chart's manifests, low enough that hostile loops stop well under
    /// 1 GiB of memory.
    pub max_output: usize,
    /// Nesting of `template`/`include`/`tpl` calls. Go's own limit is 100000; Helm's
    /// include limit is 1000 references per name, which this default (1500) leaves to Helm's
    /// own check. The stack grows on the heap, so the limit bounds memory, not the stack.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 50_000_000,
            max_output: 64 << 20,
            max_depth: 1500,
        }
    }
}

/// Execution options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Missing map keys.
    pub missing_key: MissingKey,
    /// Resource limits.
    pub limits: Limits,
}

/// A set of named templates sharing one function map (Go's associated templates).
///
/// Cloning is cheap: templates and functions are shared.
#[derive(Clone, Debug)]
pub struct Set {
    pub(crate) templates: HashMap<Str, Arc<Tree>, BuildHash>,
    pub(crate) funcs: Arc<FuncMap>,
    pub(crate) options: Options,
    pub(crate) name: Str,
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

impl Set {
    /// An empty set with only the builtin functions.
    pub fn new() -> Set {
        Set {
            templates: HashMap::default(),
            funcs: Arc::new(FuncMap::default()),
            options: Options::default(),
            name: Str::from(""),
        }
    }

    /// Names the set (Go's name of the template the others are associated with; Helm's is
    /// `gotpl`). Errors for unknown templates mention it:
    /// `template: no template "x" associated with template "gotpl"`.
    pub fn set_name(&mut self, name: &str) {
        self.name = name.into();
    }

    /// The set's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// An empty set with these functions (added to the builtins; a function here replaces
    /// a builtin of the same name, as Go's `Funcs` does).
    pub fn with_funcs(funcs: FuncMap) -> Set {
        Set {
            funcs: Arc::new(funcs),
            ..Set::new()
        }
    }

    /// Adds or replaces functions (Go's `Funcs`). Templates parsed earlier keep working.
    pub fn add_funcs(&mut self, funcs: impl IntoIterator<Item = (String, Func)>) {
        Arc::make_mut(&mut self.funcs).extend(funcs);
    }

    /// Adds or replaces one function.
    pub fn add_func(&mut self, name: impl Into<String>, func: Func) {
        Arc::make_mut(&mut self.funcs).insert(name.into(), func);
    }

    /// The function map (builtins not included).
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// Sets an option in Go's spelling: `missingkey=default|invalid|zero|error`.
    pub fn option(&mut self, opt: &str) -> Result<(), Error> {
        let mk = match opt {
            "missingkey=default" | "missingkey=invalid" => MissingKey::Default,
            "missingkey=zero" => MissingKey::Zero,
            "missingkey=error" => MissingKey::Error,
            _ => return Err(Error::Other(format!("unrecognized option: {opt}"))),
        };
        self.options.missing_key = mk;
        Ok(())
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Mutable options (missing keys, limits).
    pub fn options_mut(&mut self) -> &mut Options {
        &mut self.options
    }

    /// Parses `text` as the template `name` (Go's `t.New(name).Parse(text)`): the text's
    /// top level becomes `name`, each `define`/`block` becomes a template of the set. A
    /// definition replaces an existing one of the same name unless it is empty (only
    /// space and comments), as Go's `associate` decides.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let trees = parse::parse(name, text, &|f| self.has_func(f))?;
        for tree in trees {
            let replace = match self.templates.get(&*tree.name) {
                Some(_) => !tree.is_empty(),
                None => true,
            };
            if replace {
                self.templates.insert(tree.name.clone(), Arc::new(tree));
            }
        }
        Ok(())
    }

    /// Whether a template of this name is defined.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    /// The names of the defined templates, sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.templates.keys().map(|k| &**k).collect();
        names.sort_unstable();
        names
    }

    /// Whether `name` is a function of the set or a builtin.
    pub fn has_func(&self, name: &str) -> bool {
        self.funcs.contains_key(name) || exec::is_builtin(name)
    }

    /// Executes template `name` with `data` as dot, returning the output.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        exec::execute(self, name, data)
    }
}
