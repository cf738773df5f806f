//! Calls: functions, methods and builtins, with Go's argument conversion
//! (`evalCall`, `evalArg`, `validateType`).

use std::fmt::Display;
use std::sync::Arc;

use super::{builtins, Rv, State, R};
use crate::func::{CallCtx, Signature};
use crate::parse::Arg;
use crate::value::{Object, Type, Value};

fn can_be_nil(t: Type) -> bool {
    match t {
        Type::Bool | Type::Int | Type::Int64 | Type::Float64 | Type::String => false,
        Type::Host(name) => name.starts_with('*'),
        _ => true,
    }
}

/// What is being called.
enum Target<'f> {
    Func(&'f crate::func::Func),
    Method(&'f Arc<dyn Object>),
}

/// The node "error calling X" points at (the command for functions, the field for methods).
type CallAt<'a> = (usize, &'a dyn Display);

impl<'a> State<'a> {
    /// Go's `evalFunction`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn eval_function(
        &mut self,
        dot: &Rv,
        pos: usize,
        ident: &'a Arg,
        name: &str,
        call_node: &'a dyn Display,
        args: &'a [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at(pos, ident);
        let args = args.get(1..).unwrap_or(&[]);
        let set = self.set;
        if let Some(f) = set.funcs.get(name) {
            return self.call(
                dot,
                Target::Func(f),
                &f.sig,
                name,
                (pos, call_node),
                args,
                fin,
            );
        }
        if builtins::is_builtin(name) {
            return self.call_builtin(dot, name, (pos, call_node), args, fin);
        }
        Err(self.errorf(format!(
            "{} is not a defined function",
            crate::fmt::quote(name)
        )))
    }

    /// A method of a host object, reached through a field chain.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn call_method(
        &mut self,
        dot: &Rv,
        obj: &Arc<dyn Object>,
        name: &str,
        sig: &Signature,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let args = args.get(1..).unwrap_or(&[]);
        self.call(
            dot,
            Target::Method(obj),
            sig,
            name,
            (node.pos(), node),
            args,
            fin,
        )
    }

    fn check_arity(
        &self,
        name: &str,
        fixed: usize,
        variadic: bool,
        nargs: usize,
        has_fin: bool,
    ) -> R<()> {
        let num_in = nargs + usize::from(has_fin);
        if variadic {
            if num_in < fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {fixed} got {nargs}"
                )));
            }
        } else if num_in != fixed {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        Ok(())
    }

    /// Go's `evalCall` for functions and methods.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        dot: &Rv,
        target: Target<'_>,
        sig: &Signature,
        name: &str,
        call_at: CallAt<'a>,
        args: &'a [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let fixed = sig.params.len();
        self.check_arity(
            name,
            fixed,
            sig.variadic.is_some(),
            args.len(),
            fin.is_some(),
        )?;
        let num_in = args.len() + usize::from(fin.is_some());
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in args.iter().enumerate() {
            let t = if i < fixed {
                sig.params[i]
            } else {
                sig.variadic.unwrap_or(Type::Interface)
            };
            argv.push(self.eval_arg(dot, t, a)?);
        }
        if let Some(f) = fin {
            let t = match sig.variadic {
                Some(v) if num_in > fixed => v,
                _ => sig
                    .params
                    .get(num_in - 1)
                    .copied()
                    .unwrap_or(Type::Interface),
            };
            argv.push(self.validate(f, t)?);
        }
        self.step()?;
        let result = {
            let mut ctx = CallCtx { state: self };
            match target {
                Target::Func(f) => (f.imp)(&argv, &mut ctx),
                Target::Method(o) => o.call_method(name, &argv, &mut ctx),
            }
        };
        match result {
            Ok(v) => Ok(if sig.ret == Type::Interface {
                Rv::iface(v)
            } else {
                Rv::concrete(v)
            }),
            Err(e) => {
                self.at(call_at.0, call_at.1);
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    /// Go's `evalArg(dot, typ, n)`.
    pub(super) fn eval_arg(&mut self, dot: &Rv, typ: Type, n: &'a Arg) -> R<Value> {
        self.at(n.pos(), n);
        match n {
            Arg::Dot(_) => return self.validate(dot.clone(), typ),
            Arg::Nil(_) => {
                if can_be_nil(typ) {
                    return Ok(typ.zero());
                }
                return Err(self.errorf(format!("cannot assign nil to {}", typ.go_name())));
            }
            Arg::Field { .. }
            | Arg::Variable { .. }
            | Arg::Pipe(_)
            | Arg::Ident { .. }
            | Arg::Chain { .. } => {
                let rv = self.eval_arg_untyped(dot, n)?;
                return self.validate(rv, typ);
            }
            _ => {}
        }
        match (typ, n) {
            (Type::Bool, Arg::Bool(_, b)) => Ok(Value::Bool(*b)),
            (Type::Bool, _) => Err(self.errorf(format!("expected bool; found {n}"))),
            (Type::Float64, Arg::Number(_, num)) if num.float.is_some() => {
                Ok(Value::Float(num.float.unwrap_or(0.0)))
            }
            (Type::Float64, _) => Err(self.errorf(format!("expected float; found {n}"))),
            (Type::Int | Type::Int64, Arg::Number(_, num)) if num.int.is_some() => {
                let i = num.int.unwrap_or(0);
                Ok(if typ == Type::Int {
                    Value::Int(i)
                } else {
                    Value::Int64(i)
                })
            }
            (Type::Int | Type::Int64, _) => {
                Err(self.errorf(format!("expected integer; found {n}")))
            }
            (Type::String, Arg::String { text, .. }) => Ok(Value::String(text.clone())),
            (Type::String, _) => Err(self.errorf(format!("expected string; found {n}"))),
            (Type::Interface, _) => Ok(self.eval_arg_untyped(dot, n)?.value()),
            _ => Err(self.errorf(format!(
                "can't handle {n} for arg of type {}",
                typ.go_name()
            ))),
        }
    }

    /// Go's `validateType`.
    pub(super) fn validate(&self, rv: Rv, typ: Type) -> R<Value> {
        let (v, iface) = match rv {
            Rv::Invalid => {
                if can_be_nil(typ) {
                    return Ok(typ.zero());
                }
                return Err(self.errorf(format!("invalid value; expected {}", typ.go_name())));
            }
            Rv::V(v, iface) => (v, iface),
        };
        if typ == Type::Interface {
            return Ok(v);
        }
        if !(iface && v.is_nil()) {
            if v.go_type() == typ {
                return Ok(v);
            }
            if let Value::Object(o) = &v {
                match typ {
                    Type::Object => return Ok(v.clone()),
                    Type::Host(name) if o.type_name() == name => return Ok(v.clone()),
                    _ => {}
                }
                // A named map or slice type is assignable to its unnamed underlying type.
                if let Some(u) = o.underlying() {
                    if u.go_type() == typ {
                        return Ok(u);
                    }
                }
            }
        }
        let got = if iface && v.is_nil() {
            "interface {}".to_string()
        } else {
            v.type_name().to_string()
        };
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {got}",
            typ.go_name()
        )))
    }

    /// Builtins (`and`, `eq`, `index`, `printf`, ...).
    fn call_builtin(
        &mut self,
        dot: &Rv,
        name: &str,
        call_at: CallAt<'a>,
        args: &'a [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let (fixed, variadic) = builtins::arity(name);
        self.check_arity(name, fixed, variadic, args.len(), fin.is_some())?;
        if name == "and" || name == "or" {
            let want = name == "or";
            let mut v = Rv::Invalid;
            for a in args {
                v = self.eval_arg_untyped(dot, a)?;
                if super::truth(&v) == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let r = match name {
            "print" | "println" | "html" | "js" | "urlquery" | "printf" => {
                let mut vals = Vec::with_capacity(args.len() + 1);
                for (i, a) in args.iter().enumerate() {
                    let t = if name == "printf" && i == 0 {
                        Type::String
                    } else {
                        Type::Interface
                    };
                    vals.push(self.eval_arg(dot, t, a)?);
                }
                if let Some(f) = fin {
                    let t = if name == "printf" && args.is_empty() {
                        Type::String
                    } else {
                        Type::Interface
                    };
                    vals.push(self.validate(f, t)?);
                }
                Ok(builtins::text_func(name, &vals))
            }
            _ => {
                let mut vals = Vec::with_capacity(args.len() + 1);
                for a in args {
                    vals.push(self.eval_arg_untyped(dot, a)?);
                }
                if let Some(f) = fin {
                    vals.push(f);
                }
                let callee = args.first().map(|a| a.to_string()).unwrap_or_default();
                builtins::reflect_func(name, &vals, &callee)
            }
        };
        r.map_err(|e| {
            self.at(call_at.0, call_at.1);
            self.errorf(format!("error calling {name}: {e}"))
        })
    }
}
