//! Limits lowered through the libraries' options: each must stop the input that crosses it
//! with the limit's error (the error texts are the libraries' documented `Limit` errors; no
//! upstream tool has these options).

use krust_template::{Limits, Set, Value};

use crate::harness::measured;

/// Parses `text` as template `t` (with sprig's functions, as Helm) and runs it over empty
/// values with `limits`.
fn run_template(name: &str, text: &str, limits: Limits) -> Result<String, String> {
    let mut set = Set::with_funcs(krust_sprig::func_map());
    set.options_mut().limits = limits;
    set.parse("t", text).map_err(|e| e.to_string())?;
    let values = Value::from_yaml(&krust_yaml::Value::map());
    match measured(name, || set.execute("t", &values)) {
        Ok((r, _)) => r.map_err(|e| e.to_string()),
        Err(limit) => panic!("{limit}"),
    }
}

/// The same text runs under the default limits (so the lowered limit is what stops it).
fn runs_by_default(name: &str, text: &str) {
    if let Err(e) = run_template(name, text, Limits::default()) {
        panic!("{name}: fails under the default limits: {e}");
    }
}

#[test]
fn template_steps_lowered() {
    let text = "{{ range until 1000 }}x{{ end }}";
    runs_by_default("template_steps_lowered", text);
    let limits = Limits {
        max_steps: 100,
        ..Limits::default()
    };
    assert_eq!(
        run_template("template_steps_lowered", text, limits),
        Err("template: t: step limit exceeded (100)".to_string())
    );
}

#[test]
fn template_output_lowered() {
    let text = "{{ range until 10 }}{{ repeat 100 \"x\" }}{{ end }}";
    runs_by_default("template_output_lowered", text);
    let limits = Limits {
        max_output: 500,
        ..Limits::default()
    };
    assert_eq!(
        run_template("template_output_lowered", text, limits),
        Err("template: t: output size limit exceeded (500)".to_string())
    );
}

#[test]
fn template_depth_lowered() {
    // Twenty nested `template` calls, then a stop.
    let text = "{{ define \"r\" }}{{ if lt (len .) 20 }}{{ template \"r\" (append . 1) }}{{ end }}{{ end }}{{ template \"r\" list }}";
    runs_by_default("template_depth_lowered", text);
    let limits = Limits {
        max_depth: 10,
        ..Limits::default()
    };
    // Go's text/template words its own depth limit (maxExecDepth) this way, with the
    // position of the call that crossed it.
    assert_eq!(
        run_template("template_depth_lowered", text, limits),
        Err("template: t:1:50: executing \"r\" at <{{template \"r\" (append . 1)}}>: exceeded maximum template depth (10)".to_string())
    );
}
