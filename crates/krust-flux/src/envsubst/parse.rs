//! The parser of fluxcd/pkg `envsubst/parse/parse.go`, ported step for step. The one
//! change: the top-level text/function sequence is a loop, not a recursion, so a long
//! document cannot exhaust the stack; nested `${…}` inside arguments is bounded.

use super::scan::*;
use super::EnvsubstError;

/// A parsed template part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Text(String),
    Func {
        param: String,
        name: String,
        args: Vec<Node>,
    },
}

/// Deepest nesting of `${…}` inside function arguments.
const MAX_NESTING: usize = 64;

pub(crate) fn parse(buf: &str) -> Result<Vec<Node>, EnvsubstError> {
    let mut p = Parser {
        s: Scanner::new(buf),
        depth: 0,
    };
    let mut nodes = Vec::new();
    loop {
        p.s.accept = accept_rune;
        p.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
        p.s.escape_chars = ESC_DOLLAR;
        match p.s.scan() {
            Token::Ident => nodes.push(Node::Text(p.s.string())),
            Token::Eof => return Ok(nodes),
            Token::Lbrack => nodes.push(p.parse_func()?),
            _ => return Err(EnvsubstError::BadSubstitution),
        }
    }
}

struct Parser {
    s: Scanner,
    depth: usize,
}

fn func(param: &str, name: String) -> Node {
    Node::Func {
        param: param.to_string(),
        name,
        args: Vec::new(),
    }
}

fn push_arg(node: &mut Node, arg: Node) {
    if let Node::Func { args, .. } = node {
        args.push(arg);
    }
}

impl Parser {
    fn parse_func(&mut self) -> Result<Node, EnvsubstError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(EnvsubstError::TooDeep);
        }
        let r = self.parse_func_inner();
        self.depth -= 1;
        r
    }

    fn parse_func_inner(&mut self) -> Result<Node, EnvsubstError> {
        self.s.escape_chars = ESC_ALL;
        if self.s.peek() == '#' {
            return self.parse_len_func();
        }
        self.s.accept = accept_ident;
        self.s.mode = SCAN_IDENT;
        let name = match self.s.scan() {
            Token::Ident => self.s.string(),
            _ => return Err(EnvsubstError::ParseVariableName),
        };
        match self.s.peek() {
            ':' => return self.parse_default_or_substr(&name),
            '=' => return self.parse_default_func(&name),
            ',' | '^' => return self.parse_casing_func(&name),
            '/' => return self.parse_replace_func(&name),
            '#' => return self.parse_remove_func(&name, accept_hash_func),
            '%' => return self.parse_remove_func(&name, accept_percent_func),
            _ => {}
        }
        self.s.accept = accept_ident;
        self.s.mode = SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(func(&name, String::new())),
            _ => Err(EnvsubstError::MissingClosingBrace),
        }
    }

    fn parse_param(&mut self, accept: Accept, mode: u8) -> Result<Node, EnvsubstError> {
        self.s.accept = accept;
        self.s.mode = mode | SCAN_LBRACK;
        match self.s.scan() {
            Token::Lbrack => self.parse_func(),
            Token::Ident | Token::Rbrack => Ok(Node::Text(self.s.string())),
            _ => Err(EnvsubstError::ParseFuncSubstitution),
        }
    }

    fn parse_default_or_substr(&mut self, name: &str) -> Result<Node, EnvsubstError> {
        self.s.read();
        let r = self.s.peek();
        self.s.unread();
        match r {
            '=' | '-' | '?' | '+' => self.parse_default_func(name),
            _ => self.parse_substr_func(name),
        }
    }

    fn parse_substr_func(&mut self, name: &str) -> Result<Node, EnvsubstError> {
        self.s.accept = accept_one_colon;
        self.s.mode = SCAN_IDENT;
        let mut node = match self.s.scan() {
            Token::Ident => func(name, self.s.string()),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        let arg = self.parse_param(reject_colon_close, SCAN_IDENT)?;
        push_arg(&mut node, arg);
        self.s.accept = accept_colon;
        self.s.mode = SCAN_IDENT | SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => return Ok(node),
            Token::Ident => {}
            _ => return Err(EnvsubstError::BadSubstitution),
        }
        let arg = self.parse_param(accept_not_closing, SCAN_IDENT)?;
        push_arg(&mut node, arg);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_remove_func(&mut self, name: &str, accept: Accept) -> Result<Node, EnvsubstError> {
        self.s.accept = accept;
        self.s.mode = SCAN_IDENT;
        let mut node = match self.s.scan() {
            Token::Ident => func(name, self.s.string()),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        let arg = self.parse_param(accept_not_closing, SCAN_IDENT)?;
        push_arg(&mut node, arg);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_replace_func(&mut self, name: &str) -> Result<Node, EnvsubstError> {
        self.s.accept = accept_replace_func;
        self.s.mode = SCAN_IDENT;
        let mut node = match self.s.scan() {
            Token::Ident => func(name, self.s.string()),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        let arg = self.parse_param(accept_not_slash, SCAN_IDENT | SCAN_ESCAPE)?;
        push_arg(&mut node, arg);
        self.s.accept = accept_slash;
        self.s.mode = SCAN_IDENT;
        if self.s.scan() != Token::Ident {
            return Err(EnvsubstError::BadSubstitution);
        }
        if self.s.peek() == '}' {
            self.consume_rbrack()?;
            return Ok(node);
        }
        let arg = self.parse_param(accept_not_closing, SCAN_IDENT | SCAN_ESCAPE)?;
        push_arg(&mut node, arg);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_default_func(&mut self, name: &str) -> Result<Node, EnvsubstError> {
        self.s.accept = if self.s.peek() == '=' {
            accept_one_equal
        } else {
            accept_default_func
        };
        self.s.mode = SCAN_IDENT;
        let mut node = match self.s.scan() {
            Token::Ident => func(name, self.s.string()),
            _ => return Err(EnvsubstError::ParseDefaultFunction),
        };
        loop {
            if self.s.peek() == '}' {
                self.consume_rbrack()?;
                return Ok(node);
            }
            let before = self.s.pos;
            let arg = self.parse_param(accept_not_closing, SCAN_IDENT)?;
            push_arg(&mut node, arg);
            // Upstream loops forever when a parameter consumes nothing (only at the end
            // of input, where peek never sees '}'); report the missing brace instead.
            if self.s.pos == before {
                return Err(EnvsubstError::MissingClosingBrace);
            }
        }
    }

    fn parse_casing_func(&mut self, name: &str) -> Result<Node, EnvsubstError> {
        self.s.accept = accept_casing_func;
        self.s.mode = SCAN_IDENT;
        let node = match self.s.scan() {
            Token::Ident => func(name, self.s.string()),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_len_func(&mut self) -> Result<Node, EnvsubstError> {
        self.s.accept = accept_one_hash;
        self.s.mode = SCAN_IDENT;
        let fname = match self.s.scan() {
            Token::Ident => self.s.string(),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        self.s.accept = accept_ident;
        self.s.mode = SCAN_IDENT;
        let param = match self.s.scan() {
            Token::Ident => self.s.string(),
            _ => return Err(EnvsubstError::BadSubstitution),
        };
        self.consume_rbrack()?;
        Ok(func(&param, fname))
    }

    fn consume_rbrack(&mut self) -> Result<(), EnvsubstError> {
        self.s.mode = SCAN_RBRACK;
        if self.s.scan() != Token::Rbrack {
            return Err(EnvsubstError::BadSubstitution);
        }
        Ok(())
    }
}
