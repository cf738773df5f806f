//! Parse-tree nodes, printed as Go's `Node.String` prints them (the `<...>` context of
//! execution errors).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::value::Str;

/// A piece of the template text a tree was parsed from: identifiers, fields and text runs
/// share the source instead of each owning a copy.
#[derive(Clone)]
pub(crate) struct Src {
    text: Arc<str>,
    range: Range<usize>,
}

impl Src {
    /// `range` of `text`; callers pass ranges of lexed items (char boundaries).
    pub(crate) fn new(text: &Arc<str>, range: Range<usize>) -> Src {
        Src {
            text: Arc::clone(text),
            range,
        }
    }

    pub(crate) fn start(&self) -> usize {
        self.range.start
    }

    pub(crate) fn as_str(&self) -> &str {
        self.text.get(self.range.clone()).unwrap_or("")
    }
}

impl std::ops::Deref for Src {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statement of a template body.
#[derive(Debug)]
pub(crate) enum Node {
    Text(Src),
    Action(Pipe),
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Template(Box<TemplateCall>),
    Break,
    Continue,
}

/// `if`, `range`, `with`: a pipeline, a body and an optional `else` body.
#[derive(Debug)]
pub(crate) struct Branch {
    pub(crate) pipe: Pipe,
    pub(crate) list: Vec<Node>,
    pub(crate) else_list: Option<Vec<Node>>,
}

/// `{{template "name" pipe}}`.
#[derive(Debug)]
pub(crate) struct TemplateCall {
    pub(crate) pos: usize,
    pub(crate) name: Str,
    pub(crate) pipe: Option<Pipe>,
}

/// A pipeline with optional variable declarations.
#[derive(Debug)]
pub(crate) struct Pipe {
    pub(crate) pos: usize,
    pub(crate) is_assign: bool,
    pub(crate) decl: Vec<Src>,
    pub(crate) cmds: Vec<Command>,
}

/// One command of a pipeline: a function or value and its arguments.
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) args: Vec<Arg>,
}

/// A parsed number constant with every interpretation Go's `NumberNode` keeps.
#[derive(Debug)]
pub(crate) struct Number {
    pub(crate) text: Str,
    pub(crate) int: Option<i64>,
    pub(crate) uint: Option<u64>,
    pub(crate) float: Option<f64>,
    pub(crate) is_complex: bool,
}

/// An operand.
#[derive(Debug)]
pub(crate) enum Arg {
    /// `.A.B`: the text of the fields (one or more `.Ident`s, contiguous in the source).
    Field {
        pos: usize,
        path: Src,
    },
    /// `$x.A`: the variable with its `$`, then its fields, as written.
    Variable {
        pos: usize,
        path: Src,
    },
    /// `(pipe).A.B` or `fn.A` kept as a chain; `fields` is the `.A.B` text.
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Src,
    },
    Pipe(Box<Pipe>),
    Ident {
        pos: usize,
        name: Src,
    },
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Number(usize, Box<Number>),
    String {
        pos: usize,
        quoted: Src,
        text: Str,
    },
}

impl Arg {
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::Number(pos, _)
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { path, .. } | Arg::Variable { path, .. } => f.write_str(path),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                f.write_str(fields)
            }
            Arg::Pipe(p) => write!(f, "{p}"),
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(v)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, list: &[Node]) -> fmt::Result {
    for n in list {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let branch = |f: &mut fmt::Formatter<'_>, name: &str, b: &Branch| {
            write!(f, "{{{{{name} {}}}}}", b.pipe)?;
            write_list(f, &b.list)?;
            if let Some(e) = &b.else_list {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text(t) => f.write_str(t),
            Node::Action(p) => write!(f, "{{{{{p}}}}}"),
            Node::If(b) => branch(f, "if", b),
            Node::Range(b) => branch(f, "range", b),
            Node::With(b) => branch(f, "with", b),
            Node::Template(t) => match &t.pipe {
                None => write!(f, "{{{{template {}}}}}", crate::fmt::quote(&t.name)),
                Some(p) => write!(f, "{{{{template {} {p}}}}}", crate::fmt::quote(&t.name)),
            },
            Node::Break => f.write_str("{{break}}"),
            Node::Continue => f.write_str("{{continue}}"),
        }
    }
}

/// Go's `parse.IsEmptyTree`: only space text (and comments).
pub(crate) fn is_empty_list(list: &[Node]) -> bool {
    list.iter().all(|n| match n {
        Node::Text(t) => t.trim().is_empty(),
        _ => false,
    })
}

// Deeply nested trees (hostile input: thousands of nested parens or ifs) would overflow the
// stack in the compiler's recursive drop glue; drop children on a grown stack instead.
impl Drop for Pipe {
    fn drop(&mut self) {
        let cmds = std::mem::take(&mut self.cmds);
        stacker::maybe_grow(
            crate::exec::STACK_RED_ZONE,
            crate::exec::STACK_GROW,
            move || drop(cmds),
        );
    }
}

impl Drop for Branch {
    fn drop(&mut self) {
        let list = std::mem::take(&mut self.list);
        let else_list = self.else_list.take();
        stacker::maybe_grow(
            crate::exec::STACK_RED_ZONE,
            crate::exec::STACK_GROW,
            move || drop((list, else_list)),
        );
    }
}
