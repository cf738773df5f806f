//! Lexer and parser (Go's `text/template/parse`), with Go's error messages.

mod fastlex;
mod lex;
pub(crate) mod node;
mod number;
mod quote;

use std::sync::Arc;

use lex::{Item, Kind};
pub(crate) use node::{Arg, Branch, Command, Node, Number, Pipe, Src, TemplateCall};

use crate::value::Str;
use crate::Error;

/// A parsed template: its name, the text (and name of the text) it was parsed from, and
/// its body.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) name: Str,
    /// The name of the text the tree was parsed from (Go's `ParseName`), for error positions.
    pub(crate) parse_name: Str,
    pub(crate) text: Arc<str>,
    pub(crate) root: Vec<Node>,
}

impl Tree {
    /// Go's `IsEmptyTree`.
    pub(crate) fn is_empty(&self) -> bool {
        node::is_empty_list(&self.root)
    }

    /// Go's `ErrorContext` position: `NAME:LINE:COL` parts for byte offset `pos`.
    pub(crate) fn location(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text[..pos];
        let line = 1 + before.matches('\n').count();
        let col = match before.rfind('\n') {
            None => pos,
            Some(i) => pos - (i + 1),
        };
        (line, col)
    }
}

/// Parses `text` as template `name`; returns the top-level tree and one tree per
/// `define`/`block`, in definition order.
pub(crate) fn parse<'a>(
    name: &str,
    text: &'a str,
    has_func: &'a dyn Fn(&str) -> bool,
) -> Result<Vec<Tree>, Error> {
    let lexed = lex::lex(text, !has_func("break"), !has_func("continue"));
    let shared: Arc<str> = Arc::from(text);
    let mut p = Parser {
        name: name.into(),
        items: lexed.items,
        lex_error: lexed.error,
        idx: 0,
        high: 0,
        vars: vec!["$"],
        range_depth: 0,
        depth: 0,
        action_line: 0,
        has_func,
        text: shared.clone(),
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    p.add(Tree {
        name: name.into(),
        parse_name: name.into(),
        text: shared,
        root,
    })?;
    Ok(p.trees)
}

type PResult<T> = Result<T, Error>;

/// Go's `maxStackDepth` for nested pipelines and lists (parse.go).
const MAX_DEPTH: usize = 10000;

struct Parser<'a> {
    name: Str,
    items: Vec<Item<'a>>,
    /// The message of the lexer's error item.
    lex_error: String,
    idx: usize,
    high: usize,
    vars: Vec<&'a str>,
    range_depth: usize,
    depth: usize,
    action_line: usize,
    has_func: &'a dyn Fn(&str) -> bool,
    text: Arc<str>,
    trees: Vec<Tree>,
}

/// What `itemList` stopped at.
enum End {
    End,
    Else,
}

impl<'a> Parser<'a> {
    fn item(&self, i: usize) -> Item<'a> {
        match self.items.get(i).or_else(|| self.items.last()) {
            Some(it) => *it,
            None => Item {
                kind: Kind::Eof,
                pos: 0,
                val: "",
                line: 1,
            },
        }
    }

    /// The source text of an item, sharing the tree's text.
    fn src(&self, it: &Item) -> Src {
        Src::new(&self.text, it.pos..it.pos + it.val.len())
    }

    fn next(&mut self) -> Item<'a> {
        let it = self.item(self.idx);
        self.high = self.high.max(self.idx);
        self.idx += 1;
        it
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&mut self) -> Item<'a> {
        let it = self.item(self.idx);
        self.high = self.high.max(self.idx);
        it
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let it = self.next();
            if it.kind != Kind::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let it = self.next_non_space();
        self.backup();
        it
    }

    fn errorf(&self, msg: String) -> Error {
        // Go reports the line of the last token read from the lexer.
        let line = self.item(self.high).line;
        Error::Parse {
            name: self.name.to_string(),
            line,
            message: msg,
        }
    }

    fn unexpected(&self, it: &Item, context: &str) -> Error {
        if it.kind == Kind::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != it.line {
                extra = format!(" in action started at {}:{}", self.name, self.action_line);
                if self.lex_error.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{extra}", self.lex_error));
        }
        self.errorf(format!(
            "unexpected {} in {context}",
            it.describe(&self.lex_error)
        ))
    }

    fn expect(&mut self, kind: Kind, context: &str) -> PResult<Item<'a>> {
        let it = self.next_non_space();
        if it.kind != kind {
            return Err(self.unexpected(&it, context));
        }
        Ok(it)
    }

    /// Go's `Tree.add`: a second non-empty definition in one parse is an error.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == tree.name) {
            if self.trees[i].is_empty() {
                self.trees[i] = tree;
                return Ok(());
            }
            if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::fmt::quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        loop {
            let it = self.peek();
            if it.kind == Kind::Eof {
                break;
            }
            if it.kind == Kind::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().kind == Kind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.idx = save;
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                Parsed::End => return Err(self.errorf("unexpected {{end}}".into())),
                Parsed::Else => return Err(self.errorf("unexpected {{else}}".into())),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let it = self.next_non_space();
        if it.kind != Kind::String && it.kind != Kind::RawString {
            return Err(self.unexpected(&it, context));
        }
        let name = quote::unquote(it.val).map_err(|_| self.errorf("invalid syntax".into()))?;
        self.expect(Kind::RightDelim, context)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        if !matches!(end, End::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end_str(&end))));
        }
        let tree = Tree {
            name: name.into(),
            parse_name: self.name.clone(),
            text: self.text.clone(),
            root: list,
        };
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, End)> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.errorf("max expression depth exceeded".into()));
        }
        let r = stacker::maybe_grow(crate::exec::STACK_RED_ZONE, crate::exec::STACK_GROW, || {
            self.item_list_inner()
        });
        self.depth -= 1;
        r
    }

    fn item_list_inner(&mut self) -> PResult<(Vec<Node>, End)> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.push(n),
                Parsed::End => return Ok((list, End::End)),
                Parsed::Else => return Ok((list, End::Else)),
            }
        }
        Err(self.errorf("unexpected EOF".into()))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let it = self.next_non_space();
        match it.kind {
            Kind::Text => Ok(Parsed::Node(Node::Text(self.src(&it)))),
            Kind::LeftDelim => {
                self.action_line = it.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&it, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let it = self.next_non_space();
        match it.kind {
            Kind::Block => return self.block_control().map(Parsed::Node),
            Kind::Break | Kind::Continue => {
                let what = if it.kind == Kind::Break {
                    "{{break}}"
                } else {
                    "{{continue}}"
                };
                let t = self.next_non_space();
                if t.kind != Kind::RightDelim {
                    return Err(self.unexpected(&t, what));
                }
                if self.range_depth == 0 {
                    return Err(self.errorf(format!("{what} outside {{{{range}}}}")));
                }
                return Ok(Parsed::Node(if it.kind == Kind::Break {
                    Node::Break
                } else {
                    Node::Continue
                }));
            }
            Kind::Else => {
                let peek = self.peek_non_space();
                if peek.kind == Kind::If || peek.kind == Kind::With {
                    return Ok(Parsed::Else);
                }
                self.expect(Kind::RightDelim, "else")?;
                return Ok(Parsed::Else);
            }
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            Kind::If => return self.if_control().map(Parsed::Node),
            Kind::Range => {
                let b = self.parse_control("range")?;
                return Ok(Parsed::Node(Node::Range(Box::new(b))));
            }
            Kind::With => return self.with_control().map(Parsed::Node),
            Kind::Template => return self.template_control().map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", Kind::RightDelim)?;
        Ok(Parsed::Node(Node::Action(pipe)))
    }

    fn if_control(&mut self) -> PResult<Node> {
        Ok(Node::If(Box::new(self.parse_control("if")?)))
    }

    fn with_control(&mut self) -> PResult<Node> {
        Ok(Node::With(Box::new(self.parse_control("with")?)))
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        let nvars = self.vars.len();
        let r = self.parse_control_inner(context);
        self.vars.truncate(nvars);
        r
    }

    fn parse_control_inner(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, end) = r?;
        let mut else_list = None;
        if let End::Else = end {
            let peek = self.peek();
            if context == "if" && peek.kind == Kind::If {
                self.next();
                else_list = Some(vec![self.if_control()?]);
            } else if context == "with" && peek.kind == Kind::With {
                self.next();
                else_list = Some(vec![self.with_control()?]);
            } else {
                let (l, e) = self.item_list()?;
                if !matches!(e, End::End) {
                    return Err(self.errorf(format!("expected end; found {}", end_str(&e))));
                }
                else_list = Some(l);
            }
        }
        Ok(Branch {
            pipe,
            list,
            else_list,
        })
    }

    fn template_name(&mut self, it: &Item, context: &str) -> PResult<String> {
        match it.kind {
            Kind::String | Kind::RawString => quote::unquote(it.val)
                .map(|s| s.into_owned())
                .map_err(|_| self.errorf("invalid syntax".into())),
            _ => Err(self.unexpected(it, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let it = self.next_non_space();
        let name = self.template_name(&it, context)?;
        let mut pipe = None;
        if self.next_non_space().kind != Kind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, Kind::RightDelim)?);
        }
        Ok(Node::Template(Box::new(TemplateCall {
            pos: it.pos,
            name: name.into(),
            pipe,
        })))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let it = self.next_non_space();
        let name = self.template_name(&it, context)?;
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_range;
        let (list, end) = r?;
        if !matches!(end, End::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end_str(&end))));
        }
        self.add(Tree {
            name: name.as_str().into(),
            parse_name: self.name.clone(),
            text: self.text.clone(),
            root: list,
        })?;
        Ok(Node::Template(Box::new(TemplateCall {
            pos: it.pos,
            name: name.into(),
            pipe: Some(pipe),
        })))
    }

    fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.errorf("max expression depth exceeded".into()));
        }
        let r = stacker::maybe_grow(crate::exec::STACK_RED_ZONE, crate::exec::STACK_GROW, || {
            self.pipeline_inner(context, end)
        });
        self.depth -= 1;
        r
    }

    fn pipeline_inner(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                break;
            }
            let save = self.idx;
            self.next_non_space();
            let after = self.peek();
            let next = self.peek_non_space();
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    pipe.is_assign = next.kind == Kind::Assign;
                    self.next_non_space();
                    pipe.decl.push(self.src(&v));
                    self.vars.push(v.val);
                }
                Kind::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(self.src(&v));
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Kind::Variable | Kind::RightDelim | Kind::RightParen => {
                                continue 'decls;
                            }
                            _ => {
                                return Err(
                                    self.errorf("range can only initialize variables".into())
                                )
                            }
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.idx = save;
                }
            }
            break;
        }
        loop {
            let it = self.next_non_space();
            if it.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match it.kind {
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&it, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        self.peek_non_space();
        let mut cmd = Command { args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let it = self.next();
            match it.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return Err(self.unexpected(&it, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        // The fields follow each other with nothing between them (the lexer ends a
        // field at the next `.`): one piece of the source.
        let mut end = chain_pos;
        while self.peek().kind == Kind::Field {
            let f = self.next();
            end = f.pos + f.val.len();
        }
        let fields = Src::new(&self.text, chain_pos..end);
        Ok(Some(match node {
            Arg::Field { path, .. } => Arg::Field {
                pos: chain_pos,
                path: Src::new(&self.text, path.start()..end),
            },
            Arg::Variable { path, .. } => Arg::Variable {
                pos: chain_pos,
                path: Src::new(&self.text, path.start()..end),
            },
            Arg::Bool(..) | Arg::String { .. } | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::fmt::quote(&node.to_string())
                )))
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let it = self.next_non_space();
        Ok(Some(match it.kind {
            Kind::Identifier => {
                if !(self.has_func)(it.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::fmt::quote(it.val)
                    )));
                }
                Arg::Ident {
                    pos: it.pos,
                    name: self.src(&it),
                }
            }
            Kind::Dot => Arg::Dot(it.pos),
            Kind::Nil => Arg::Nil(it.pos),
            Kind::Variable => {
                let var = it.val.split('.').next().unwrap_or("");
                if !self.vars.contains(&var) {
                    return Err(
                        self.errorf(format!("undefined variable {}", crate::fmt::quote(var)))
                    );
                }
                Arg::Variable {
                    pos: it.pos,
                    path: self.src(&it),
                }
            }
            Kind::Field => Arg::Field {
                pos: it.pos,
                path: self.src(&it),
            },
            Kind::Bool => Arg::Bool(it.pos, it.val == "true"),
            Kind::CharConstant | Kind::Complex | Kind::Number => {
                let n = number::parse(
                    it.val,
                    it.kind == Kind::CharConstant,
                    it.kind == Kind::Complex,
                )
                .map_err(|m| self.errorf(m))?;
                Arg::Number(it.pos, Box::new(n))
            }
            Kind::LeftParen => Arg::Pipe(Box::new(
                self.pipeline("parenthesized pipeline", Kind::RightParen)?,
            )),
            Kind::String | Kind::RawString => {
                let s = quote::unquote(it.val).map_err(|_| self.errorf("invalid syntax".into()))?;
                Arg::String {
                    pos: it.pos,
                    quoted: self.src(&it),
                    text: Str::from(&*s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

enum Parsed {
    Node(Node),
    End,
    Else,
}

fn end_str(e: &End) -> &'static str {
    match e {
        End::End => "{{end}}",
        End::Else => "{{else}}",
    }
}
