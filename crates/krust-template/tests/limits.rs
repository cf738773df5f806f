//! Hostile input ends in an error, never a hang, a stack overflow or unbounded memory.

use krust_template::{Error, MapEntries, Set, Value};

fn nested_list(depth: usize) -> Value {
    let mut v = Value::list(vec![]);
    for _ in 0..depth {
        v = Value::list(vec![v]);
    }
    let mut m = MapEntries::new();
    m.insert("l".into(), v);
    Value::map(m)
}

const RECURSE: &str = r#"{{ define "r" }}{{ if . }}x{{ template "r" (index . 0) }}{{ end }}{{ end }}{{ template "r" .l }}"#;

#[test]
fn deep_template_recursion_within_limit_runs_on_a_small_stack() {
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let mut set = Set::new();
            set.parse("t", RECURSE).map_err(|e| e.to_string())?;
            set.execute("t", &nested_list(1400))
                .map_err(|e| e.to_string())
        })
        .expect("spawn");
    let out = h.join().expect("no stack overflow");
    assert_eq!(out.map(|s| s.len()), Ok(1400));
}

#[test]
fn template_recursion_past_the_limit_is_gos_depth_error() {
    let mut set = Set::new();
    set.parse(
        "t",
        r#"{{ define "f" }}{{ template "f" . }}{{ end }}{{ template "f" }}"#,
    )
    .expect("parse");
    set.options_mut().limits.max_depth = 50;
    let err = set.execute("t", &Value::Nil).expect_err("must fail");
    assert!(
        err.to_string()
            .ends_with("exceeded maximum template depth (50)"),
        "{err}"
    );
}

#[test]
fn step_budget_stops_endless_ranges() {
    let mut set = Set::new();
    set.options_mut().limits.max_steps = 10_000;
    set.parse("t", "{{ range 1000000000000 }}{{ end }}")
        .expect("parse");
    match set.execute("t", &Value::Nil) {
        Err(Error::Limit { what: "step", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn output_cap_stops_huge_output() {
    let mut set = Set::new();
    set.options_mut().limits.max_output = 1000;
    set.parse("t", "{{ range 100000 }}0123456789{{ end }}")
        .expect("parse");
    match set.execute("t", &Value::Nil) {
        Err(Error::Limit {
            what: "output size",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn deeply_nested_parens_parse_or_fail_cleanly() {
    let text = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    let mut set = Set::new();
    set.parse("t", &text).expect("5000 levels parse");
    assert_eq!(set.execute("t", &Value::Nil).expect("runs"), "1");
    let text = format!("{{{{ {}1{} }}}}", "(".repeat(20000), ")".repeat(20000));
    let err = Set::new().parse("t", &text).expect_err("too deep");
    assert!(
        err.to_string().contains("max expression depth exceeded"),
        "{err}"
    );
}
