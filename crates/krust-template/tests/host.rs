//! Host objects, registered functions and nested execution through `CallCtx`, checked
//! against Go's documented text/template behaviour (exec.go evalField / evalCall).

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed assertion

use std::any::Any;

use krust_template::{
    CallCtx, Func, FuncError, FuncMap, MapEntries, Object, Set, Signature, Type, Value,
};

#[derive(Debug)]
struct Release;

impl Object for Release {
    fn type_name(&self) -> &str {
        "*release.Info"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::str("rel")),
            "Revision" => Some(Value::Int(1)),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Has" => Some(Signature::new(&[Type::String])),
            "Upper" => Some(Signature::new(&[])),
            _ => None,
        }
    }
    fn call_method(
        &self,
        name: &str,
        args: &[Value],
        _ctx: &mut CallCtx<'_, '_>,
    ) -> Result<Value, FuncError> {
        match name {
            "Has" => Ok(Value::Bool(
                args.first().and_then(Value::as_str) == Some("v1"),
            )),
            "Upper" => Err(FuncError::new("boom")),
            _ => Err(FuncError::new("no such method")),
        }
    }
    fn format(&self, out: &mut String) {
        out.push_str("&{rel 1}");
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn data() -> Value {
    let mut m = MapEntries::new();
    m.insert("Release".into(), Value::object(Release));
    m.insert("list".into(), Value::string_list(["a", "b"]));
    Value::map(m)
}

fn run(text: &str) -> Result<String, String> {
    let mut set = Set::new();
    set.parse("t", text).map_err(|e| e.to_string())?;
    set.execute("t", &data()).map_err(|e| e.to_string())
}

#[test]
fn fields_and_methods() {
    assert_eq!(
        run("{{ .Release.Name }}-{{ .Release.Revision }}").unwrap(),
        "rel-1"
    );
    assert_eq!(
        run(r#"{{ .Release.Has "v1" }} {{ .Release.Has "x" }}"#).unwrap(),
        "true false"
    );
    assert_eq!(run(r#"{{ "v1" | .Release.Has }}"#).unwrap(), "true");
    assert_eq!(run("{{ .Release }}").unwrap(), "&{rel 1}");
    assert_eq!(
        run("{{ printf \"%T\" .Release }}").unwrap(),
        "*release.Info"
    );
}

#[test]
fn method_errors_as_go_prints_them() {
    assert_eq!(
        run("{{ .Release.Has }}").unwrap_err(),
        r#"template: t:1:11: executing "t" at <.Release.Has>: wrong number of args for Has: want 1 got 0"#
    );
    assert_eq!(
        run("{{ .Release.Upper }}").unwrap_err(),
        r#"template: t:1:11: executing "t" at <.Release.Upper>: error calling Upper: boom"#
    );
    // The map element's static type is interface{}.
    assert_eq!(
        run("{{ .Release.Nope }}").unwrap_err(),
        r#"template: t:1:11: executing "t" at <.Release.Nope>: can't evaluate field Nope in type interface {}"#
    );
    assert_eq!(
        run("{{ $r := .Release }}{{ $r.Nope }}").unwrap_err(),
        r#"template: t:1:25: executing "t" at <$r.Nope>: can't evaluate field Nope in type *release.Info"#
    );
    assert_eq!(
        run("{{ .Release.Name 1 }}").unwrap_err(),
        r#"template: t:1:11: executing "t" at <.Release.Name>: Name has arguments but cannot be invoked as function"#
    );
}

fn funcs() -> FuncMap {
    let mut f = FuncMap::default();
    f.insert(
        "include".into(),
        Func::new(
            Signature::new(&[Type::String, Type::Interface]).returning(Type::String),
            |args, ctx| {
                let name = args[0].as_str().unwrap_or("").to_string();
                let n = ctx.counter(&name);
                *n += 1;
                if *n > 20 {
                    return Err(FuncError::new(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                let r = ctx.execute_template(&name, &args[1]);
                *ctx.counter(&name) -= 1;
                Ok(Value::str(r?))
            },
        ),
    );
    f.insert(
        "tpl".into(),
        Func::new(
            Signature::new(&[Type::String, Type::Interface]).returning(Type::String),
            |args, ctx| {
                let text = args[0].as_str().unwrap_or("");
                Ok(Value::str(ctx.parse_and_execute("gotpl", text, &args[1])?))
            },
        ),
    );
    f.insert(
        "repeat".into(),
        Func::new(Signature::new(&[Type::Int, Type::String]), |args, _| {
            let n = match args[0] {
                Value::Int(n) => n.max(0) as usize,
                _ => 0,
            };
            Ok(Value::str(args[1].as_str().unwrap_or("").repeat(n)))
        }),
    );
    f.insert(
        "join".into(),
        Func::new(
            Signature::variadic(&[Type::String], Type::Interface),
            |args, _| {
                let sep = args[0].as_str().unwrap_or("");
                let parts: Vec<String> = args[1..]
                    .iter()
                    .map(krust_template::fmt::sprint_value)
                    .collect();
                Ok(Value::str(parts.join(sep)))
            },
        ),
    );
    f
}

fn run_f(text: &str) -> Result<String, String> {
    let mut set = Set::with_funcs(funcs());
    set.set_name("gotpl");
    set.parse("t", text).map_err(|e| e.to_string())?;
    set.execute("t", &data()).map_err(|e| e.to_string())
}

#[test]
fn include_executes_named_templates_and_errors_nest() {
    assert_eq!(
        run_f(r#"{{ define "x" }}[{{ . }}]{{ end }}{{ include "x" 5 }}"#).unwrap(),
        "[5]"
    );
    assert_eq!(
        run_f(r#"{{ include "nope" 5 }}"#).unwrap_err(),
        r#"template: t:1:3: executing "t" at <include "nope" 5>: error calling include: template: no template "nope" associated with template "gotpl""#
    );
    assert_eq!(
        run_f(r#"{{ define "x" }}{{ .a.b }}{{ end }}{{ include "x" .list }}"#).unwrap_err(),
        r#"template: t:1:38: executing "t" at <include "x" .list>: error calling include: template: t:1:21: executing "x" at <.a.b>: can't evaluate field a in type []string"#
    );
    let err =
        run_f(r#"{{ define "x" }}{{ include "x" . }}{{ end }}{{ include "x" 1 }}"#).unwrap_err();
    assert!(
        err.ends_with(
            "rendering template has a nested reference name: x: unable to execute template"
        ),
        "{err}"
    );
}

#[test]
fn tpl_defines_stay_local() {
    assert_eq!(
        run_f(
            r#"{{ tpl "{{ define \"y\" }}Y{{ end }}{{ include \"y\" . }}{{ .Release.Name }}" . }}"#
        )
        .unwrap(),
        "Yrel"
    );
    let err =
        run_f(r#"{{ tpl "{{ define \"y\" }}Y{{ end }}" . }}{{ include "y" . }}"#).unwrap_err();
    assert!(err.contains(r#"no template "y""#), "{err}");
}

#[test]
fn argument_conversion_follows_go() {
    assert_eq!(run_f(r#"{{ repeat 3 "ab" }}"#).unwrap(), "ababab");
    assert_eq!(
        run_f(r#"{{ repeat 1.5 "ab" }}"#).unwrap_err(),
        r#"template: t:1:10: executing "t" at <1.5>: expected integer; found 1.5"#
    );
    assert_eq!(
        run_f(r#"{{ repeat "x" "ab" }}"#).unwrap_err(),
        r#"template: t:1:10: executing "t" at <"x">: expected integer; found "x""#
    );
    assert_eq!(run_f(r#"{{ "ab" | repeat 2 }}"#).unwrap(), "abab");
    assert_eq!(
        run_f(r#"{{ join "," 1 "a" .list nil }}"#).unwrap(),
        "1,a,[a b],<nil>"
    );
    assert_eq!(
        run_f(r#"{{ join }}"#).unwrap_err(),
        r#"template: t:1:3: executing "t" at <join>: wrong number of args for join: want at least 1 got 0"#
    );
    assert_eq!(
        run_f(r#"{{ repeat 1 }}"#).unwrap_err(),
        r#"template: t:1:3: executing "t" at <repeat>: wrong number of args for repeat: want 2 got 1"#
    );
}

#[test]
fn maps_are_shared_references() {
    let mut f = funcs();
    f.insert(
        "set".into(),
        Func::new(
            Signature::new(&[Type::InterfaceMap, Type::String, Type::Interface]),
            |args, _| {
                if let (Value::Map(m), Some(k)) = (&args[0], args[1].as_str()) {
                    m.insert(k, args[2].clone());
                }
                Ok(args[0].clone())
            },
        ),
    );
    let mut set = Set::with_funcs(f);
    set.parse("t", r#"{{ $d := .m }}{{ $_ := set $d "k" 1 }}{{ .m.k }}"#)
        .unwrap();
    let mut m = MapEntries::new();
    m.insert("m".into(), Value::map(MapEntries::new()));
    let data = Value::map(m);
    assert_eq!(set.execute("t", &data).unwrap(), "1");
    assert_eq!(
        data.get("m")
            .and_then(|m| m.get("k"))
            .map(|v| v.to_string()),
        Some("1".into())
    );
}

#[test]
fn later_definitions_replace_earlier_ones_unless_empty() {
    let mut set = Set::new();
    set.parse("a", r#"{{ define "x" }}A{{ end }}"#).unwrap();
    set.parse("b", r#"{{ define "x" }}B{{ end }}"#).unwrap();
    set.parse("c", r#"{{ define "x" }}  {{/* empty */}} {{ end }}"#)
        .unwrap();
    set.parse("main", r#"{{ template "x" }}"#).unwrap();
    assert_eq!(set.execute("main", &Value::Nil).unwrap(), "B");
    let err = Set::new()
        .parse(
            "d",
            r#"{{ define "x" }}1{{ end }}{{ define "x" }}2{{ end }}"#,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: d:1: template: multiple definition of template "x""#
    );
}

#[test]
fn missingkey_options() {
    let mut set = Set::new();
    set.parse("t", "{{ .a }}").unwrap();
    let empty = Value::map(MapEntries::new());
    assert_eq!(set.execute("t", &empty).unwrap(), "<no value>");
    set.option("missingkey=error").unwrap();
    assert_eq!(
        set.execute("t", &empty).unwrap_err().to_string(),
        r#"template: t:1:3: executing "t" at <.a>: map has no entry for key "a""#
    );
    assert!(set.option("missingkey=bogus").is_err());
}

#[test]
fn host_typed_parameters() {
    let mut f = FuncMap::default();
    f.insert(
        "relname".into(),
        Func::new(Signature::new(&[Type::Host("*release.Info")]), |args, _| {
            Ok(Value::str(match &args[0] {
                Value::Object(o) => o.type_name().to_string(),
                _ => "nil".into(),
            }))
        }),
    );
    f.insert(
        "when".into(),
        Func::new(Signature::new(&[Type::Host("time.Time")]), |_, _| {
            Ok(Value::Nil)
        }),
    );
    let mut set = Set::with_funcs(f);
    let run = |set: &mut Set, t: &str| {
        set.parse("t", t).map_err(|e| e.to_string())?;
        set.execute("t", &data()).map_err(|e| e.to_string())
    };
    assert_eq!(
        run(&mut set, "{{ relname .Release }}").unwrap(),
        "*release.Info"
    );
    assert_eq!(run(&mut set, "{{ relname nil }}").unwrap(), "nil");
    assert_eq!(
        run(&mut set, r#"{{ relname "x" }}"#).unwrap_err(),
        r#"template: t:1:11: executing "t" at <"x">: can't handle "x" for arg of type *release.Info"#
    );
    assert_eq!(
        run(&mut set, "{{ when .list }}").unwrap_err(),
        r#"template: t:1:8: executing "t" at <.list>: wrong type for value; expected time.Time; got []string"#
    );
    assert_eq!(
        run(&mut set, "{{ when nil }}").unwrap_err(),
        r#"template: t:1:8: executing "t" at <nil>: cannot assign nil to time.Time"#
    );
}

#[test]
fn nested_tpl_sees_outer_tpl_defines_and_empty_defines_do_not_replace() {
    let out = run_f(
        r#"{{ define "base" }}B{{ end }}{{ tpl "{{ define \"o\" }}O{{ end }}{{ tpl \"{{ include \\\"o\\\" . }}{{ define \\\"base\\\" }} {{ end }}{{ include \\\"base\\\" . }}\" . }}" . }}"#,
    )
    .unwrap();
    assert_eq!(out, "OB");
}

#[test]
fn sets_and_values_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Set>();
    assert_send_sync::<Value>();
    assert_send_sync::<krust_template::Error>();
    let mut set = Set::new();
    set.parse("t", "{{ .a }}").unwrap();
    let set = std::sync::Arc::new(set);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let set = set.clone();
            std::thread::spawn(move || {
                let mut m = MapEntries::new();
                m.insert("a".into(), Value::Int(i));
                set.execute("t", &Value::map(m)).unwrap()
            })
        })
        .collect();
    let outs: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(outs, ["0", "1", "2", "3"]);
}
