//! Helm's own functions over the oracle cases of `testdata/template-cases/helm` (Helm
//! v4.1.4, recorded by `scripts/gen-template-cases.py`): each case runs in a throwaway
//! chart exactly as the generator built it.

use std::path::PathBuf;

use krust_chart::{load_files, template, File, Options};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/template-cases/helm")
}

struct Case {
    name: String,
    values: String,
    template: String,
    defines: String,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    let mut section = String::new();
    let mut buf: Vec<&str> = Vec::new();
    let flush = |cur: &mut Option<Case>, section: &str, buf: &mut Vec<&str>| {
        if let Some(c) = cur.as_mut() {
            let body = buf.join("\n");
            match section {
                "values" => c.values = body,
                "template" => c.template = body,
                "defines" => c.defines = body,
                _ => {}
            }
        }
        buf.clear();
    };
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            flush(&mut cur, &section, &mut buf);
            cases.extend(cur.take());
            cur = Some(Case {
                name: name.trim().into(),
                values: "{}".into(),
                template: String::new(),
                defines: String::new(),
            });
            section.clear();
        } else if let Some(s) = line.strip_prefix("--- ") {
            flush(&mut cur, &section, &mut buf);
            section = s.trim().into();
        } else if cur.is_some() {
            buf.push(line);
        }
    }
    flush(&mut cur, &section, &mut buf);
    cases.extend(cur);
    cases
}

fn b64decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(val(*c)) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

#[test]
fn helm_function_cases() {
    let text = std::fs::read_to_string(dir().join("helm-funcs.cases")).expect("cases");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("helm-funcs.expected.json")).expect("expected"),
    )
    .expect("json");
    let mut failures = Vec::new();
    let cases = parse_cases(&text);
    assert!(cases.len() >= 10);
    for c in cases {
        let f = |name: &str, text: String| File {
            name: name.into(),
            data: text.into_bytes().into(),
        };
        let chart = load_files(vec![
            f(
                "Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 0.1.0\n".into(),
            ),
            f("values.yaml", c.values.clone()),
            f(
                "templates/_case.tpl",
                format!(
                    "{{{{- define \"case\" }}}}{}{{{{ end }}}}{}",
                    c.template, c.defines
                ),
            ),
            f(
                "templates/out.yaml",
                "out: \"{{ include \"case\" .Values | b64enc }}\"".into(),
            ),
        ])
        .expect("chart");
        let want = &expected["cases"][&c.name];
        let got = template(&chart, &Options::default());
        match (got, want.get("output"), want.get("error")) {
            (Ok(out), Some(w), _) => {
                let enc = out
                    .split("out: \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("");
                let got = String::from_utf8_lossy(&b64decode(enc)).into_owned();
                if Some(got.as_str()) != w.as_str() {
                    failures.push(format!("{}: got {got:?}, want {w}", c.name));
                }
            }
            (Err(e), _, Some(w)) => {
                if Some(e.to_string().as_str()) != w.as_str() {
                    failures.push(format!("{}: error {e}, want {w}", c.name));
                }
            }
            (got, _, _) => failures.push(format!("{}: got {got:?}, want {want}", c.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
