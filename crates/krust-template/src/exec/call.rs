//! Calls: functions, methods and builtins, with Go's argument conversion
//! (`evalCall`, `evalArg`, `validateType`).

use std::fmt::Display;
use std::sync::Arc;

use super::{at, builtins, At, Rv, State, R};
use crate::func::{CallCtx, Signature};
use crate::parse::Arg;
use crate::value::{Object, Type, Value};

fn can_be_nil(t: Type) -> bool {
    !matches!(
        t,
        Type::Bool | Type::Int | Type::Int64 | Type::Float64 | Type::String
    )
}

/// What is being called.
enum Target<'f> {
    Func(&'f crate::func::Func),
    Method(&'f Arc<dyn Object>),
}

impl State<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn eval_function(
        &mut self,
        dot: &Rv,
        pos: usize,
        ident: &Arg,
        name: &str,
        call_node: &dyn Display,
        args: &[Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let at_ident = at(pos, ident);
        let at_call = at(pos, call_node);
        let args = args.get(1..).unwrap_or(&[]);
        if let Some(f) = self.set.funcs.get(name).cloned() {
            return self.call(
                dot,
                Target::Func(&f),
                &f.sig,
                name,
                &at_ident,
                &at_call,
                args,
                fin,
            );
        }
        if builtins::is_builtin(name) {
            return self.call_builtin(dot, name, &at_ident, &at_call, args, fin);
        }
        Err(self.err(
            &at_ident,
            format!("{} is not a defined function", crate::fmt::quote(name)),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn call_method(
        &mut self,
        dot: &Rv,
        obj: &Arc<dyn Object>,
        name: &str,
        sig: &Signature,
        at_field: &At<'_>,
        args: &[Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let args = args.get(1..).unwrap_or(&[]);
        self.call(
            dot,
            Target::Method(obj),
            sig,
            name,
            at_field,
            at_field,
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
        at_ident: &At<'_>,
    ) -> R<()> {
        let num_in = nargs + usize::from(has_fin);
        if variadic {
            if num_in < fixed {
                return Err(self.err(
                    at_ident,
                    format!("wrong number of args for {name}: want at least {fixed} got {nargs}"),
                ));
            }
        } else if num_in != fixed {
            return Err(self.err(
                at_ident,
                format!("wrong number of args for {name}: want {fixed} got {num_in}"),
            ));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        dot: &Rv,
        target: Target<'_>,
        sig: &Signature,
        name: &str,
        at_ident: &At<'_>,
        at_call: &At<'_>,
        args: &[Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let fixed = sig.params.len();
        self.check_arity(
            name,
            fixed,
            sig.variadic.is_some(),
            args.len(),
            fin.is_some(),
            at_ident,
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
                Some(v) if num_in - 1 >= fixed => v,
                _ => sig
                    .params
                    .get(num_in - 1)
                    .copied()
                    .unwrap_or(Type::Interface),
            };
            let last_at = match args.last() {
                Some(a) => at(a.pos(), a),
                None => at(at_ident.pos, at_ident.what),
            };
            argv.push(self.validate(f, t, &last_at)?);
        }
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
            Err(e) => Err(self.err(at_call, format!("error calling {name}: {e}"))),
        }
    }

    /// Go's `evalArg(dot, typ, n)`.
    pub(super) fn eval_arg(&mut self, dot: &Rv, typ: Type, n: &Arg) -> R<Value> {
        let here = at(n.pos(), n);
        match n {
            Arg::Dot(_) => return self.validate(dot.clone(), typ, &here),
            Arg::Nil(_) => {
                if can_be_nil(typ) {
                    return Ok(typ.zero());
                }
                return Err(self.err(&here, format!("cannot assign nil to {}", typ.go_name())));
            }
            Arg::Field { .. }
            | Arg::Variable { .. }
            | Arg::Pipe(_)
            | Arg::Ident { .. }
            | Arg::Chain { .. } => {
                let rv = self.eval_arg_untyped(dot, n)?;
                return self.validate(rv, typ, &here);
            }
            _ => {}
        }
        match (typ, n) {
            (Type::Bool, Arg::Bool(_, b)) => Ok(Value::Bool(*b)),
            (Type::Bool, _) => Err(self.err(&here, format!("expected bool; found {n}"))),
            (Type::Float64, Arg::Number(_, num)) if num.float.is_some() => {
                Ok(Value::Float(num.float.unwrap_or(0.0)))
            }
            (Type::Float64, _) => Err(self.err(&here, format!("expected float; found {n}"))),
            (Type::Int | Type::Int64, Arg::Number(_, num)) if num.int.is_some() => {
                let i = num.int.unwrap_or(0);
                Ok(if typ == Type::Int {
                    Value::Int(i)
                } else {
                    Value::Int64(i)
                })
            }
            (Type::Int | Type::Int64, _) => {
                Err(self.err(&here, format!("expected integer; found {n}")))
            }
            (Type::String, Arg::String { text, .. }) => Ok(Value::String(text.clone())),
            (Type::String, _) => Err(self.err(&here, format!("expected string; found {n}"))),
            (Type::Interface, _) => Ok(self.eval_arg_untyped(dot, n)?.value()),
            _ => Err(self.err(
                &here,
                format!("can't handle {n} for arg of type {}", typ.go_name()),
            )),
        }
    }

    /// Go's `validateType`.
    pub(super) fn validate(&self, rv: Rv, typ: Type, here: &At<'_>) -> R<Value> {
        let (v, iface) = match rv {
            Rv::Invalid => {
                if can_be_nil(typ) {
                    return Ok(typ.zero());
                }
                return Err(self.err(here, format!("invalid value; expected {}", typ.go_name())));
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
                if typ == Type::Object {
                    return Ok(v.clone());
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
        Err(self.err(
            here,
            format!(
                "wrong type for value; expected {}; got {got}",
                typ.go_name()
            ),
        ))
    }

    /// An argument of a builtin taking `reflect.Value`: evaluated untyped, nil literal
    /// becomes no value.
    fn eval_arg_reflect(&mut self, dot: &Rv, n: &Arg) -> R<Rv> {
        self.eval_arg_untyped(dot, n)
    }

    fn call_builtin(
        &mut self,
        dot: &Rv,
        name: &str,
        at_ident: &At<'_>,
        at_call: &At<'_>,
        args: &[Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let (fixed, variadic) = builtins::arity(name);
        self.check_arity(name, fixed, variadic, args.len(), fin.is_some(), at_ident)?;
        if name == "and" || name == "or" {
            let want = name == "or";
            let mut v = Rv::Invalid;
            for a in args {
                v = self.eval_arg_reflect(dot, a)?;
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
                    let here = match args.last() {
                        Some(a) => at(a.pos(), a),
                        None => at(at_ident.pos, at_ident.what),
                    };
                    vals.push(self.validate(f, t, &here)?);
                }
                Ok(builtins::text_func(name, &vals))
            }
            _ => {
                let mut vals = Vec::with_capacity(args.len() + 1);
                for a in args {
                    vals.push(self.eval_arg_reflect(dot, a)?);
                }
                if let Some(f) = fin {
                    vals.push(f);
                }
                let callee = args.first().map(|a| a.to_string()).unwrap_or_default();
                builtins::reflect_func(name, &vals, &callee)
            }
        };
        r.map_err(|e| self.err(at_call, format!("error calling {name}: {e}")))
    }
}
