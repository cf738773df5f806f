//! The Go-template conformance cases in `testdata/template-cases/*.cases`, each checked
//! against the output or error the real helm recorded (see scripts/gen-template-cases.py).
//!
//! A case's template is the body of `{{- define "case" }}...{{ end }}` in a file named
//! `c/templates/_case.tpl`, executed with the case's values as dot (wrapped as Helm's
//! named map type `common.Values`) and `missingkey=zero`, as Helm runs it. Helm's error layout is applied to our error before
//! comparing: parse errors become `parse error at (LOC): LAST` (Helm's
//! `cleanupParseError`); execution errors are compared raw when helm printed Go's text, or
//! in Helm v4's `LOC\n  executing "NAME" at <CTX>:\n    MSG` layout otherwise.
//!
//! Only cases that use Go's builtins live at the top level; `sprig/` and `helm/` hold cases
//! for the crates that add those functions and are run by their own runners.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use krust_template::{Error, Set, Value};

/// Cases where helm's output comes from a limit krust sets lower on purpose, with the reason.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[(
    "control/template-recursion-limit",
    "Go allows 100000 nested template calls (text/template/exec.go maxExecDepth); krust stops at Limits::max_depth (1500) so the native stack cannot overflow",
)];

struct Case {
    name: String,
    values: String,
    template: String,
    defines: String,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut section: Option<&str> = None;
    let mut buf: Vec<&str> = Vec::new();
    fn flush(cases: &mut [Case], section: Option<&str>, buf: &[&str]) {
        if let (Some(c), Some(s)) = (cases.last_mut(), section) {
            let t = buf.join("\n");
            match s {
                "values" => c.values = t,
                "template" => c.template = t,
                _ => c.defines = t,
            }
        }
    }
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            flush(&mut cases, section, &buf);
            cases.push(Case {
                name: name.trim().to_string(),
                values: "{}".into(),
                template: String::new(),
                defines: String::new(),
            });
            section = None;
            buf.clear();
        } else if !cases.is_empty() && matches!(line, "--- values" | "--- template" | "--- defines")
        {
            flush(&mut cases, section, &buf);
            section = Some(&line[4..]);
            buf.clear();
        } else if section.is_some() {
            buf.push(line);
        }
    }
    flush(&mut cases, section, &buf);
    if let Some(c) = cases.last_mut() {
        for s in [&mut c.template, &mut c.defines, &mut c.values] {
            if s.ends_with('\n') {
                s.pop();
            }
        }
    }
    cases
}

fn helm_error(e: &Error, expected: &str) -> String {
    match e {
        Error::Parse { .. } => {
            let s = e.to_string();
            let tokens: Vec<&str> = s.split(": ").collect();
            format!(
                "parse error at ({}): {}",
                tokens.get(1).unwrap_or(&""),
                tokens.last().unwrap_or(&"")
            )
        }
        Error::Exec {
            file,
            line,
            col,
            name,
            context,
            message,
        } if !expected.starts_with("template: ") => {
            // Helm v4 trims the message's trailing space.
            format!(
                "{file}:{line}:{col}\n  executing \"{name}\" at <{context}>:\n    {}",
                message.trim_end()
            )
        }
        other => other.to_string(),
    }
}

fn main() -> ExitCode {
    // KRUST_TEMPLATE_CASES points the runner at another directory (differential fuzzing).
    let dir = std::env::var_os("KRUST_TEMPLATE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/template-cases")
        });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "cases"));
    files.sort();
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let (mut pass, mut fail, mut known) = (0, 0, 0);
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    for f in &files {
        let group = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let exp_path = f.with_extension("expected.json");
        let expected: serde_json::Value = std::fs::read_to_string(&exp_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null);
        for case in parse_cases(&text) {
            let id = format!("{group}/{}", case.name);
            if filter
                .as_ref()
                .is_some_and(|flt| !id.contains(flt.as_str()))
            {
                continue;
            }
            let exp = &expected["cases"][&case.name];
            let got = match std::panic::catch_unwind(|| run_with_errors(&case)) {
                Ok(g) => g,
                Err(_) => Got::Panic,
            };
            let ok = match (&got, exp.get("output"), exp.get("error")) {
                (Got::Output(o), Some(serde_json::Value::String(want)), _) => o == want,
                (Got::Error(e), _, Some(serde_json::Value::String(want))) => {
                    helm_error(e, want) == *want
                }
                _ => false,
            };
            if ok {
                pass += 1;
                continue;
            }
            let got_s = match &got {
                Got::Output(o) => format!("output {o:?}"),
                Got::Error(e) => format!(
                    "error {:?}",
                    helm_error(e, exp["error"].as_str().unwrap_or(""))
                ),
                Got::Setup(s) => format!("setup {s}"),
                Got::Panic => "PANIC".into(),
            };
            if let Some((_, why)) = KNOWN_DIVERGENCES.iter().find(|(k, _)| *k == id) {
                known += 1;
                println!("known divergence {id}: {why}");
                continue;
            }
            fail += 1;
            failures.insert(id, format!("want {exp}\n      got  {got_s}"));
        }
    }
    for (id, msg) in &failures {
        println!("FAIL {id}\n      {msg}");
    }
    println!("template cases: {pass} pass, {fail} fail, {known} known divergences");
    if fail == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

enum Got {
    Output(String),
    Error(Error),
    Setup(String),
    Panic,
}

/// Helm's `.Values`: a named map type (`common.Values` in Helm v4) over the values map.
#[derive(Debug)]
struct HelmValues(Value);

impl krust_template::Object for HelmValues {
    fn type_name(&self) -> &str {
        "common.Values"
    }
    fn underlying(&self) -> Option<Value> {
        Some(self.0.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn run_with_errors(case: &Case) -> Got {
    let yaml =
        match krust_yaml::parse_document(&case.values, "values.yaml", krust_yaml::Typing::Yaml11) {
            Ok(y) => y,
            Err(e) => return Got::Setup(format!("bad values: {e}")),
        };
    let data = match Value::from_yaml(&yaml) {
        Value::Nil => Value::map(Default::default()),
        v => v,
    };
    let data = Value::object(HelmValues(data));
    let mut set = Set::new();
    if let Err(e) = set.option("missingkey=zero") {
        return Got::Setup(e.to_string());
    }
    let text = format!(
        "{{{{- define \"case\" }}}}{}{{{{ end }}}}{}",
        case.template, case.defines
    );
    if let Err(e) = set.parse("c/templates/_case.tpl", &text) {
        return Got::Error(e);
    }
    match set.execute("case", &data) {
        Ok(o) => Got::Output(o),
        Err(e) => Got::Error(e),
    }
}
