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

/// A diamond of bases `levels` deep: `l0` includes `a` and `b`, each of which includes
/// `l1` under its own name prefix, and so on; the bottom holds one ConfigMap, so `l0`
/// builds to 2^levels resources from 4 small files a level.
fn diamond(levels: usize) -> Vec<(String, String)> {
    let mut files = vec![
        (
            format!("l{levels}/kustomization.yaml"),
            "resources:\n- cm.yaml\n".to_string(),
        ),
        (
            format!("l{levels}/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n".to_string(),
        ),
    ];
    for i in 0..levels {
        files.push((
            format!("l{i}/kustomization.yaml"),
            "resources:\n- a\n- b\n".to_string(),
        ));
        for side in ["a", "b"] {
            files.push((
                format!("l{i}/{side}/kustomization.yaml"),
                format!("namePrefix: {side}-\nresources:\n- ../../l{}\n", i + 1),
            ));
        }
    }
    files
}

/// Builds `/l0` of `files` on a MemFs with `options`; the error is returned whole.
fn build_mem(
    name: &str,
    files: &[(String, String)],
    options: krust_kustomize::Options,
) -> Result<usize, krust_kustomize::Error> {
    let fs =
        krust_kustomize::MemFs::from_files(files.iter().map(|(p, b)| (p.as_str(), b.as_str())));
    let k = krust_kustomize::Kustomizer::new(options);
    match measured(name, || k.build(&fs, std::path::Path::new("/l0"))) {
        Ok((r, _)) => r.map(|m| m.len()),
        Err(limit) => panic!("{limit}"),
    }
}

/// A diamond twelve levels deep builds to 4,096 resources under the default limits; with
/// `max_resources` lowered to 1,000 the build stops at the first kustomization past it
/// (`l2`, 1,024 resources), not at the top.
#[test]
fn resources_limit_lowered() {
    use krust_kustomize::{Error, LimitKind, Options};
    let files = diamond(12);
    let name = "resources_limit_lowered";
    assert_eq!(build_mem(name, &files, Options::default()).ok(), Some(4096));
    let err = match build_mem(name, &files, Options::default().max_resources(1000)) {
        Ok(n) => panic!("{name}: built {n} resources past the limit"),
        Err(e) => e,
    };
    let text = err.to_string();
    assert!(
        text.ends_with("/l2/kustomization.yaml: the build has more than 1000 resources (limit max_resources; see krust_kustomize::Limits)"),
        "{name}: {text}"
    );
    assert!(
        matches!(
            err.root_cause(),
            Error::Limit { kind: LimitKind::Resources, bound: 1000, file } if file == "/l2/kustomization.yaml"
        ),
        "{name}: {:?}",
        err.root_cause()
    );
}

/// A kustomization file or a resource file past `max_file_bytes` is refused, naming it.
#[test]
fn file_size_limit_lowered() {
    use krust_kustomize::{Error, LimitKind, Options};
    let name = "file_size_limit_lowered";
    let cm = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: {}\n",
        "v".repeat(2000)
    );
    let files = vec![
        (
            "l0/kustomization.yaml".to_string(),
            "resources:\n- r.yaml\n".to_string(),
        ),
        ("l0/r.yaml".to_string(), cm),
    ];
    assert_eq!(build_mem(name, &files, Options::default()).ok(), Some(1));
    let limited = Options::default().max_file_bytes(1000);
    let err = match build_mem(name, &files, limited.clone()) {
        Ok(_) => panic!("{name}: read a file past the limit"),
        Err(e) => e,
    };
    assert_eq!(
        err.to_string(),
        "accumulating resources: accumulating resources from 'r.yaml': /l0/r.yaml: file is larger than 1000 bytes (limit max_file_bytes; see krust_kustomize::Limits)"
    );
    assert!(matches!(
        err.root_cause(),
        Error::Limit { kind: LimitKind::FileBytes, bound: 1000, file } if file == "/l0/r.yaml"
    ));
    // The kustomization file itself.
    let err = build_mem(name, &files, Options::default().max_file_bytes(10)).err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some("/l0/kustomization.yaml: file is larger than 10 bytes (limit max_file_bytes; see krust_kustomize::Limits)".to_string())
    );
}

/// krust-yaml's limits reach every resource file through `Options::yaml_limits`: nesting
/// depth and alias expansion, each lowered below a small file that reads by default.
#[test]
fn yaml_limits_through_options() {
    use krust_kustomize::{Error, Options};
    let name = "yaml_limits_through_options";
    let deep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: [[[[1]]]]\n";
    let alias = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {a: b, c: d}\n  annotations: *l\n";
    for (text, yaml, want) in [
        (
            deep,
            krust_yaml::Limits::default().max_depth(4),
            "/l0/r.yaml:6:8: nesting deeper than 4 levels",
        ),
        (
            alias,
            krust_yaml::Limits::default().max_nodes(8),
            "/l0/r.yaml:",
        ),
    ] {
        let files = vec![
            (
                "l0/kustomization.yaml".to_string(),
                "resources:\n- r.yaml\n".to_string(),
            ),
            ("l0/r.yaml".to_string(), text.to_string()),
        ];
        assert_eq!(build_mem(name, &files, Options::default()).ok(), Some(1));
        let err = match build_mem(name, &files, Options::default().yaml_limits(yaml)) {
            Ok(_) => panic!("{name}: read past the limit"),
            Err(e) => e,
        };
        let text = err.to_string();
        assert!(
            text.starts_with("accumulating resources: accumulating resources from 'r.yaml': MalformedYAMLError: ")
                && text.contains(want),
            "{name}: {text}"
        );
        assert!(
            matches!(
                err.root_cause(),
                Error::Yaml(krust_yaml::Error::Limit { .. })
            ),
            "{name}: {:?}",
            err.root_cause()
        );
    }
}
