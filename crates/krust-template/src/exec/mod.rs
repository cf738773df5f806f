//! The executor (Go's `text/template/exec.go`): walks a parsed tree over Go-typed values.
//!
//! Go distinguishes an *invalid* `reflect.Value` (no value: a missing map key with the
//! default option, the result of a pipeline that yielded a nil interface) from a valid
//! value whose static type is `interface{}` (a map or slice element). Error messages and
//! nil handling depend on it, so the executor carries [`Rv`] rather than bare values.

mod builtins;
mod call;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::Arc;

use crate::func::BuildHash;
use crate::parse::{Arg, Command, Node, Pipe, Tree};
use crate::set::{MissingKey, Set};
use crate::value::{Str, Type, Value};
use crate::Error;

pub(crate) use builtins::is_builtin;

/// A value during execution.
#[derive(Clone, Debug)]
pub(crate) enum Rv {
    /// Go's invalid `reflect.Value`: no value.
    Invalid,
    /// A value; `iface` when its static type is `interface{}` (map/slice element, result of
    /// a function returning `interface{}`).
    V(Value, bool),
}

impl Rv {
    fn concrete(v: Value) -> Rv {
        match v {
            Value::Nil => Rv::Invalid,
            v => Rv::V(v, false),
        }
    }

    fn iface(v: Value) -> Rv {
        Rv::V(v, true)
    }

    /// Go's unwrapping after each pipeline command: an `interface{}` becomes its dynamic
    /// value, a nil interface becomes invalid.
    fn unwrap_iface(self) -> Rv {
        match self {
            Rv::V(Value::Nil, true) => Rv::Invalid,
            Rv::V(v, true) => Rv::V(v, false),
            other => other,
        }
    }

    /// The value for an `interface{}` parameter (invalid becomes nil).
    pub(crate) fn value(&self) -> Value {
        match self {
            Rv::Invalid => Value::Nil,
            Rv::V(v, _) => v.clone(),
        }
    }
}

/// Budgets and counters shared by a top-level execution and every nested one.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    steps: usize,
    output: usize,
    depth: usize,
    counters: HashMap<String, usize, BuildHash>,
    spare_counter: usize,
}

/// Control flow out of a list.
enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, Error>;

/// Grow the stack when less than this is left ...
pub(crate) const STACK_RED_ZONE: usize = 128 * 1024;
/// ... by this much.
pub(crate) const STACK_GROW: usize = 2 * 1024 * 1024;

/// The state of one execution of one template.
pub(crate) struct State<'a> {
    set: &'a Set,
    tree: &'a Tree,
    /// The template being executed (its name is the `executing "NAME"` of errors).
    name: Str,
    /// Variables in scope, innermost last (names borrowed from the trees).
    vars: Vec<(&'a str, Rv)>,
    shared: &'a mut Shared,
    out: String,
    /// The node being evaluated (Go's `state.node`): errors point at it.
    cur: Option<(usize, &'a dyn Display)>,
    /// Templates defined by `tpl` texts being executed: seen before the set's own, and
    /// only by this execution (Helm parses `tpl` text into a clone of the set).
    overlay: Option<&'a Overlay>,
}

/// Templates added on top of a set for one nested execution.
pub(crate) type Overlay = HashMap<Str, Arc<Tree>, BuildHash>;

impl<'a> State<'a> {
    fn new(
        set: &'a Set,
        overlay: Option<&'a Overlay>,
        tree: &'a Tree,
        dot: Rv,
        shared: &'a mut Shared,
    ) -> State<'a> {
        State {
            set,
            tree,
            name: tree.name.clone(),
            vars: vec![("$", dot)],
            shared,
            out: String::new(),
            cur: None,
            overlay,
        }
    }

    /// The template `name`: a `tpl`-defined one first, then the set's.
    fn lookup(&self, name: &str) -> Option<&'a Tree> {
        if let Some(t) = self.overlay.and_then(|o| o.get(name)) {
            return Some(t);
        }
        self.set.templates.get(name).map(|t| &**t)
    }

    /// Go's `state.at`: marks the node being evaluated.
    pub(crate) fn at(&mut self, pos: usize, node: &'a dyn Display) {
        self.cur = Some((pos, node));
    }

    pub(crate) fn template_name(&self) -> &str {
        &self.name
    }

    pub(crate) fn counter(&mut self, key: &str) -> &mut usize {
        // `include` asks at every call: allocate the key only the first time.
        if !self.shared.counters.contains_key(key) {
            self.shared.counters.insert(key.to_string(), 0);
        }
        match self.shared.counters.get_mut(key) {
            Some(c) => c,
            // Inserted just above; never reached.
            None => &mut self.shared.spare_counter,
        }
    }

    pub(crate) fn has_template(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    pub(crate) fn missing_key(&self) -> MissingKey {
        self.set.options.missing_key
    }

    /// An execution error at the current node, formatted as Go's `state.errorf`.
    pub(crate) fn errorf(&self, message: impl Into<String>) -> Error {
        let Some((pos, node)) = self.cur else {
            return Error::Template {
                name: self.name.to_string(),
                message: message.into(),
            };
        };
        let (line, col) = self.tree.location(pos);
        Error::Exec {
            file: self.tree.parse_name.to_string(),
            line,
            col,
            name: self.name.to_string(),
            context: node.to_string(),
            message: message.into(),
        }
    }

    fn step(&mut self) -> R<()> {
        self.shared.steps += 1;
        let limit = self.set.options.limits.max_steps;
        if self.shared.steps > limit {
            return Err(Error::Limit {
                name: self.name.to_string(),
                what: "step",
                limit,
            });
        }
        Ok(())
    }

    fn write(&mut self, s: &str) -> R<()> {
        self.shared.output += s.len();
        let limit = self.set.options.limits.max_output;
        if self.shared.output > limit {
            return Err(Error::Limit {
                name: self.name.to_string(),
                what: "output size",
                limit,
            });
        }
        self.out.push_str(s);
        Ok(())
    }

    fn enter(&mut self) -> R<()> {
        self.shared.depth += 1;
        let limit = self.set.options.limits.max_depth;
        if self.shared.depth > limit {
            self.shared.depth -= 1;
            return Err(Error::Limit {
                name: self.name.to_string(),
                what: "recursion depth",
                limit,
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.shared.depth = self.shared.depth.saturating_sub(1);
    }

    /// Executes template `name` of this state's set with `data` into a new string, sharing
    /// the budgets (Helm's `include`).
    pub(crate) fn execute_nested(&mut self, name: &str, data: &Value) -> R<String> {
        let set = self.set;
        let overlay = self.overlay;
        let Some(tree) = self.lookup(name) else {
            return Err(no_template(set, name));
        };
        self.enter()?;
        let dot = Rv::concrete(data.clone());
        let r = {
            let mut st = State::new(set, overlay, tree, dot.clone(), self.shared);
            st.walk_list(&dot, &tree.root).map(|_| st.out)
        };
        self.leave();
        r
    }

    /// Parses `text` as `name` on top of the set and executes it (Helm's `tpl`): the
    /// definitions it makes are seen by this execution only, with Go's rule that an empty
    /// definition does not replace an existing one.
    pub(crate) fn parse_and_execute(&mut self, name: &str, text: &str, data: &Value) -> R<String> {
        let set = self.set;
        let trees = crate::parse::parse(name, text, &|f| set.has_func(f))?;
        let mut overlay: Overlay = self.overlay.cloned().unwrap_or_default();
        for tree in trees {
            let exists =
                overlay.contains_key(&*tree.name) || set.templates.contains_key(&*tree.name);
            if !exists || !tree.is_empty() {
                overlay.insert(tree.name.clone(), Arc::new(tree));
            }
        }
        self.enter()?;
        let r = {
            let tree = overlay
                .get(name)
                .map(|t| &**t)
                .or_else(|| set.templates.get(name).map(|t| &**t));
            match tree {
                None => Err(no_template(set, name)),
                Some(tree) => {
                    let dot = Rv::concrete(data.clone());
                    let mut st = State::new(set, Some(&overlay), tree, dot.clone(), self.shared);
                    st.walk_list(&dot, &tree.root).map(|_| st.out)
                }
            }
        };
        self.leave();
        r
    }

    fn lookup_var(&self, name: &str) -> R<Rv> {
        for (n, v) in self.vars.iter().rev() {
            if *n == name {
                return Ok(v.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, v: Rv) -> R<()> {
        for (n, slot) in self.vars.iter_mut().rev() {
            if *n == name {
                *slot = v;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn walk_list(&mut self, dot: &Rv, list: &'a [Node]) -> R<Flow> {
        for n in list {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Rv, node: &'a Node) -> R<Flow> {
        // Nested templates, includes and deep trees recurse natively; grow the stack on the
        // heap instead of overflowing it (the depth limit still bounds the total).
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.walk_node(dot, node))
    }

    fn walk_node(&mut self, dot: &Rv, node: &'a Node) -> R<Flow> {
        self.step()?;
        match node {
            Node::Text(t) => self.write(t.as_str())?,
            Node::Action(pipe) => {
                self.at(pipe.pos, node);
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print(&v)?;
                }
            }
            Node::If(b) | Node::With(b) => {
                self.at(b.pipe.pos, node);
                let mark = self.vars.len();
                let r = self.walk_if_with(dot, b, matches!(node, Node::With(_)));
                self.vars.truncate(mark);
                return r;
            }
            Node::Range(b) => {
                self.at(b.pipe.pos, node);
                let mark = self.vars.len();
                let r = self.walk_range(dot, b);
                self.vars.truncate(mark);
                return r;
            }
            Node::Template(t) => {
                self.at(t.pos, node);
                let set = self.set;
                let overlay = self.overlay;
                let Some(tree) = self.lookup(&t.name) else {
                    return Err(self.errorf(format!(
                        "template {} not defined",
                        crate::fmt::quote(&t.name)
                    )));
                };
                let limit = set.options.limits.max_depth;
                if self.shared.depth >= limit {
                    return Err(self.errorf(format!("exceeded maximum template depth ({limit})")));
                }
                let d = match &t.pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Rv::Invalid,
                };
                self.shared.depth += 1;
                let r = {
                    let mut st = State::new(set, overlay, tree, d.clone(), self.shared);
                    let r = st.walk_list(&d, &tree.root);
                    (r, st.out)
                };
                self.leave();
                r.0?;
                // The nested state's output counted against the budget already.
                self.out.push_str(&r.1);
            }
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_with(&mut self, dot: &Rv, b: &'a crate::parse::Branch, with: bool) -> R<Flow> {
        let v = self.eval_pipeline(dot, &b.pipe)?;
        if truth(&v) {
            if with {
                return self.walk_list(&v, &b.list);
            }
            return self.walk_list(dot, &b.list);
        }
        if let Some(e) = &b.else_list {
            return self.walk_list(dot, e);
        }
        Ok(Flow::Normal)
    }

    fn walk_range(&mut self, dot: &Rv, b: &'a crate::parse::Branch) -> R<Flow> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let val = match val {
            Rv::V(Value::Nil, _) => Rv::Invalid,
            v => v,
        };
        let mark = self.vars.len();
        let pipe = &b.pipe;
        let v = match &val {
            Rv::Invalid => None,
            Rv::V(Value::Object(o), _) => Some(o.underlying().unwrap_or_else(|| val.value())),
            Rv::V(v, _) => Some(v.clone()),
        };
        let ran = match &v {
            None => false,
            Some(Value::List(l)) => {
                let iface = l.elem == Type::Interface;
                let items = l.items.clone();
                for (i, x) in items.iter().enumerate() {
                    let index = Rv::V(Value::Int(i as i64), false);
                    if self.range_once(b, mark, index, Rv::V(x.clone(), iface))? {
                        break;
                    }
                }
                !items.is_empty()
            }
            Some(Value::Map(m)) => {
                // A snapshot: the body may change the map (sprig's set), as Go's sorted
                // key list is taken before the loop too.
                let iface = m.elem == Type::Interface;
                let entries: Vec<(Str, Value)> = m
                    .read()
                    .iter()
                    .map(|(k, x)| (k.clone(), x.clone()))
                    .collect();
                for (k, x) in &entries {
                    let index = Rv::V(Value::String(k.clone()), false);
                    if self.range_once(b, mark, index, Rv::V(x.clone(), iface))? {
                        break;
                    }
                }
                !entries.is_empty()
            }
            Some(n @ (Value::Int(_) | Value::Int64(_))) => {
                if pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        crate::fmt::sprint_value(n)
                    )));
                }
                let (count, int64) = match n {
                    Value::Int64(c) => (*c, true),
                    Value::Int(c) => (*c, false),
                    _ => (0, false),
                };
                for i in 0..count.max(0) {
                    let x = if int64 {
                        Value::Int64(i)
                    } else {
                        Value::Int(i)
                    };
                    let x = Rv::V(x, false);
                    if self.range_once(b, mark, x.clone(), x)? {
                        break;
                    }
                }
                count > 0
            }
            Some(other) => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    crate::fmt::sprint_value(other)
                )))
            }
        };
        if !ran {
            if let Some(e) = &b.else_list {
                return self.walk_list(dot, e);
            }
        }
        Ok(Flow::Normal)
    }

    /// One iteration of a range body; `true` when the body says `break`.
    fn range_once(
        &mut self,
        b: &'a crate::parse::Branch,
        mark: usize,
        index: Rv,
        elem: Rv,
    ) -> R<bool> {
        self.step()?;
        let pipe = &b.pipe;
        if !pipe.decl.is_empty() {
            if pipe.is_assign {
                let first = if pipe.decl.len() > 1 {
                    index.clone()
                } else {
                    elem.clone()
                };
                self.set_var(&pipe.decl[0], first)?;
            } else if let Some(slot) = self.vars.len().checked_sub(1) {
                self.vars[slot].1 = elem.clone();
            }
        }
        if pipe.decl.len() > 1 {
            if pipe.is_assign {
                self.set_var(&pipe.decl[1], elem.clone())?;
            } else if let Some(slot) = self.vars.len().checked_sub(2) {
                self.vars[slot].1 = index;
            }
        }
        let flow = self.walk_list(&elem, &b.list);
        self.vars.truncate(mark);
        Ok(matches!(flow?, Flow::Break))
    }

    fn print(&mut self, v: &Rv) -> R<()> {
        match v {
            Rv::Invalid => self.write("<no value>"),
            Rv::V(Value::String(s), _) => self.write(s),
            Rv::V(v, _) => {
                // Format straight into the output, then account for what was added.
                let before = self.out.len();
                crate::fmt::write_value(&mut self.out, v);
                let added = self.out.len() - before;
                self.shared.output += added;
                let limit = self.set.options.limits.max_output;
                if self.shared.output > limit {
                    return Err(Error::Limit {
                        name: self.name.to_string(),
                        what: "output size",
                        limit,
                    });
                }
                Ok(())
            }
        }
    }

    pub(crate) fn eval_pipeline(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
            self.eval_pipeline_inner(dot, pipe)
        })
    }

    fn eval_pipeline_inner(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        self.at(pipe.pos, pipe);
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.unwrap_iface());
        }
        let value = value.unwrap_or(Rv::Invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(var, value.clone())?;
            } else {
                self.vars.push((var.as_str(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Rv>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            if let Some(a) = args.first() {
                return Err(self.errorf(format!("can't give argument to non-function {a}")));
            }
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'a Command, fin: Option<Rv>) -> R<Rv> {
        self.step()?;
        let Some(first) = cmd.args.first() else {
            return Ok(Rv::Invalid);
        };
        match first {
            Arg::Field { pos, path } => {
                self.at(*pos, first);
                self.eval_field_chain(dot, dot.clone(), first, fields(path), &cmd.args, fin)
            }
            Arg::Chain { .. } => self.eval_chain(dot, first, &cmd.args, fin),
            Arg::Ident { pos, name } => {
                self.eval_function(dot, *pos, first, name, cmd, &cmd.args, fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                self.eval_pipeline(dot, p)
            }
            Arg::Variable { .. } => self.eval_variable(dot, first, &cmd.args, fin),
            _ => {
                self.at(first.pos(), first);
                self.not_a_function(&cmd.args, &fin)?;
                match first {
                    Arg::Bool(_, b) => Ok(Rv::V(Value::Bool(*b), false)),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(_) => Err(self.errorf("nil is not a command")),
                    Arg::Number(pos, n) => self.ideal_constant(*pos, first, n),
                    Arg::String { text, .. } => Ok(Rv::V(Value::String(text.clone()), false)),
                    _ => Err(self.errorf(format!(
                        "can't evaluate command {}",
                        crate::fmt::quote(&first.to_string())
                    ))),
                }
            }
        }
    }

    fn eval_variable(&mut self, dot: &Rv, var: &'a Arg, args: &'a [Arg], fin: Option<Rv>) -> R<Rv> {
        let Arg::Variable { pos, path } = var else {
            return Ok(Rv::Invalid);
        };
        self.at(*pos, var);
        let path: &'a str = path;
        let (name, rest) = match path.split_once('.') {
            Some((n, r)) => (n, Some(r)),
            None => (path, None),
        };
        let v = self.lookup_var(name)?;
        let Some(rest) = rest else {
            self.not_a_function(args, &fin)?;
            return Ok(v);
        };
        self.eval_field_chain(dot, v, var, rest, args, fin)
    }

    fn ideal_constant(&mut self, pos: usize, node: &'a Arg, n: &crate::parse::Number) -> R<Rv> {
        self.at(pos, node);
        let t = &*n.text;
        let hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let rune = t.starts_with('\'');
        if let Some(f) = n.float {
            if !hex_int && !rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
                return Ok(Rv::V(Value::Float(f), false));
            }
        }
        if let Some(i) = n.int {
            return Ok(Rv::V(Value::Int(i), false));
        }
        if n.uint.is_some() {
            return Err(self.errorf(format!("{t} overflows int")));
        }
        Ok(Rv::Invalid)
    }

    fn eval_chain(&mut self, dot: &Rv, chain: &'a Arg, args: &'a [Arg], fin: Option<Rv>) -> R<Rv> {
        let Arg::Chain { pos, node, fields } = chain else {
            return Ok(Rv::Invalid);
        };
        self.at(*pos, chain);
        if let Arg::Nil(_) = **node {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let recv = self.eval_arg_untyped(dot, node)?;
        self.eval_field_chain(dot, recv, chain, self::fields(fields), args, fin)
    }

    /// Go's `evalArg(dot, nil, n)`: any operand, untyped.
    fn eval_arg_untyped(&mut self, dot: &Rv, n: &'a Arg) -> R<Rv> {
        self.at(n.pos(), n);
        match n {
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Ok(Rv::Invalid),
            Arg::Field { path, .. } => self.eval_field_chain(
                dot,
                dot.clone(),
                n,
                fields(path),
                std::slice::from_ref(n),
                None,
            ),
            Arg::Variable { .. } => self.eval_variable(dot, n, &[], None),
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Ident { pos, name } => self.eval_function(dot, *pos, n, name, n, &[], None),
            Arg::Chain { .. } => self.eval_chain(dot, n, &[], None),
            Arg::Bool(_, b) => Ok(Rv::V(Value::Bool(*b), false)),
            Arg::Number(pos, num) => self.ideal_constant(*pos, n, num),
            Arg::String { text, .. } => Ok(Rv::V(Value::String(text.clone()), false)),
        }
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        mut recv: Rv,
        node: &'a Arg,
        idents: &'a str,
        args: &'a [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        // `idents`: `A.B.C`, the names without their dots.
        if idents.is_empty() {
            return Ok(recv);
        }
        let mut rest = idents;
        while let Some((ident, tail)) = rest.split_once('.') {
            recv = self.eval_field(dot, ident, node, &[], None, recv)?;
            rest = tail;
        }
        self.eval_field(dot, rest, node, args, fin, recv)
    }

    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &str,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<Rv>,
        recv: Rv,
    ) -> R<Rv> {
        let (v, iface) = match recv {
            Rv::Invalid => {
                if self.missing_key() == MissingKey::Error {
                    return Err(self.errorf(format!(
                        "nil data; no entry for key {}",
                        crate::fmt::quote(name)
                    )));
                }
                return Ok(Rv::Invalid);
            }
            Rv::V(v, iface) => (v, iface),
        };
        // Only error messages print the type.
        fn type_of(v: &Value, iface: bool) -> &str {
            if iface {
                "interface {}"
            } else {
                v.type_name()
            }
        }
        let typ = |v: &Value| type_of(v, iface).to_string();
        let has_args = args.len() > 1 || fin.is_some();
        match &v {
            Value::Nil => Err(self.errorf(format!("nil pointer evaluating {}.{name}", typ(&v)))),
            Value::Object(o) => {
                if let Some(sig) = o.method(name) {
                    let o = o.clone();
                    return self.call_method(dot, &o, name, &sig, node, args, fin);
                }
                if let Some(f) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Rv::V(f, false));
                }
                if let Some(Value::Map(m)) = o.underlying() {
                    return self.map_field(&m, name, has_args);
                }
                Err(self.errorf(format!("can't evaluate field {name} in type {}", typ(&v))))
            }
            Value::Map(m) => self.map_field(m, name, has_args),
            _ => Err(self.errorf(format!("can't evaluate field {name} in type {}", typ(&v)))),
        }
    }

    fn map_field(&self, m: &crate::value::Map, name: &str, has_args: bool) -> R<Rv> {
        if has_args {
            return Err(self.errorf(format!("{name} is not a method but has arguments")));
        }
        let iface = m.elem == Type::Interface;
        match m.get(name) {
            Some(x) => Ok(Rv::V(x, iface)),
            None => match self.missing_key() {
                MissingKey::Default => Ok(Rv::Invalid),
                MissingKey::Zero => Ok(Rv::V(m.elem.zero(), iface)),
                MissingKey::Error => Err(self.errorf(format!(
                    "map has no entry for key {}",
                    crate::fmt::quote(name)
                ))),
            },
        }
    }
}

/// The names of a `.A.B` field chain: `A.B`.
fn fields(path: &str) -> &str {
    path.strip_prefix('.').unwrap_or(path)
}

/// Go's `isTrue` on `indirectInterface(v)`.
pub(crate) fn truth(v: &Rv) -> bool {
    match v {
        Rv::Invalid => false,
        Rv::V(v, _) => v.truthy(),
    }
}

/// Executes template `name` of `set` with `data` (Go's `ExecuteTemplate`).
pub(crate) fn execute(set: &Set, name: &str, data: &Value) -> R<String> {
    let Some(tree) = set.templates.get(name) else {
        return Err(no_template(set, name));
    };
    let mut shared = Shared::default();
    let dot = Rv::concrete(data.clone());
    let mut st = State::new(set, None, tree, dot.clone(), &mut shared);
    st.walk_list(&dot, &tree.root)?;
    Ok(st.out)
}

/// Go's `ExecuteTemplate` error for an unknown name.
fn no_template(set: &Set, name: &str) -> Error {
    Error::Other(format!(
        "template: no template {} associated with template {}",
        crate::fmt::quote(name),
        crate::fmt::quote(&set.name)
    ))
}
