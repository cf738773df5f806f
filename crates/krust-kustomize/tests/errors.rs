//! The errors a new user meets: each message names the file and the entry that failed.
//! Every case was also run through `kubectl kustomize` (v5.5) to confirm that it fails
//! (or succeeds) there too; the wording checked here is krust's own.

use std::path::Path;

use krust_kustomize::{Kustomizer, MemFs, Options, Reorder};

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n";

fn opts() -> Options {
    Options::default().reorder(Reorder::None)
}

/// The error and its sources, joined as the CLI prints them.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Builds `/k` from `files` (paths relative to `/k`); the error message of the build, or of
/// printing its output.
fn build_err(files: &[(&str, &str)]) -> String {
    let fs = MemFs::from_files(files.iter().map(|(p, t)| (format!("k/{p}"), *t)));
    match Kustomizer::new(opts()).build(&fs, Path::new("/k")) {
        Err(e) => chain(&e),
        Ok(rm) => match rm.to_yaml() {
            Err(e) => chain(&e),
            Ok(out) => panic!("expected an error, got:\n{out}"),
        },
    }
}

fn build_ok(files: &[(&str, &str)]) -> String {
    let fs = MemFs::from_files(files.iter().map(|(p, t)| (format!("k/{p}"), *t)));
    let rm = Kustomizer::new(opts())
        .build(&fs, Path::new("/k"))
        .unwrap_or_else(|e| panic!("build: {}", chain(&e)));
    rm.to_yaml()
        .unwrap_or_else(|e| panic!("print: {}", chain(&e)))
}

#[test]
fn bad_yaml_in_inline_block_patch_names_the_kustomization_line_and_entry() {
    // Line 11 of the kustomization is `b: "unterminated`, line 6 of the patch text.
    let k = "resources:\n  - cm.yaml\npatches:\n  - path: p.yaml\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: c\n      data:\n        b: \"unterminated\n";
    let p = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: \"2\"\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM), ("p.yaml", p)]);
    assert!(
        e.contains("/k/kustomization.yaml:11: patches[1].patch: bad YAML in inline patch"),
        "{e}"
    );
    assert!(e.contains("line 6, column 6 of the patch text"), "{e}");
}

#[test]
fn bad_yaml_in_inline_quoted_patch_names_where_the_patch_starts() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - patch: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c\\ndata:\\n  b: [1\"\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains("/k/kustomization.yaml:4:12: patches[0].patch"),
        "{e}"
    );
    assert!(e.contains("of the patch text"), "{e}");
}

#[test]
fn bad_yaml_in_patch_file_names_the_file_and_line() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - path: p.yaml\n";
    let p = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: [1, 2\n  c: 3\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM), ("p.yaml", p)]);
    assert!(e.contains("/k/p.yaml:7:"), "{e}");
}

#[test]
fn nan_print_error_names_the_resource_file_line_and_id() {
    let k = "resources:\n  - cm.yaml\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: .nan\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", cm)]);
    assert!(e.contains("ConfigMap.v1.[noGrp]/c.[noNs]"), "{e}");
    assert!(e.contains("cm.yaml:6:6"), "{e}");
    assert!(e.contains("NaN"), "{e}");
}

#[test]
fn missing_patch_file_says_patch_and_names_the_entry() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - path: p.yaml\n  - path: nope.yaml\n";
    let p = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: \"2\"\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM), ("p.yaml", p)]);
    assert!(
        e.contains("/k/kustomization.yaml: patches[1].path: cannot read patch file \"nope.yaml\""),
        "{e}"
    );
}

#[test]
fn missing_json6902_patch_file_names_the_entry() {
    let k = "resources:\n  - cm.yaml\npatchesJson6902:\n  - target:\n      version: v1\n      kind: ConfigMap\n      name: c\n    path: nope.yaml\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains("/k/kustomization.yaml: patchesJson6902[0].path: cannot read patch file"),
        "{e}"
    );
}

#[test]
fn json6902_bad_op_names_the_inline_entry() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |\n      - op: frobnicate\n        path: /data/a\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(e.contains("/k/kustomization.yaml: patches[0].patch"), "{e}");
    assert!(e.contains("operation 0"), "{e}");
    assert!(e.contains("frobnicate"), "{e}");
}

#[test]
fn json6902_bad_op_names_the_patch_file() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    path: ops.yaml\n";
    let ops = "- op: add\n  path: /data/b\n  value: x\n- op: frobnicate\n  path: /data/a\n";
    let e = build_err(&[
        ("kustomization.yaml", k),
        ("cm.yaml", CM),
        ("ops.yaml", ops),
    ]);
    assert!(e.contains("/k/ops.yaml"), "{e}");
    assert!(e.contains("operation 1"), "{e}");
}

#[test]
fn valid_patches_still_apply() {
    let k = "resources:\n  - cm.yaml\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: c\n      data:\n        b: \"2\"\n";
    let out = build_ok(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert_eq!(
        out,
        "apiVersion: v1\ndata:\n  a: \"1\"\n  b: \"2\"\nkind: ConfigMap\nmetadata:\n  name: c\n"
    );
}

// ---- generators: kustomize validates neither env names nor key names --------------------

#[test]
fn env_file_keys_that_are_not_env_names_are_accepted() {
    // kubectl kustomize v5.5 output for the same files.
    let k = "configMapGenerator:\n  - name: g\n    envs:\n      - a.env\n";
    let env = "GOOD=1\nBAD\\KEY=2\nNO-EQUALS-LINE:8080\n";
    let out = build_ok(&[("kustomization.yaml", k), ("a.env", env)]);
    assert_eq!(
        out,
        "apiVersion: v1\ndata:\n  BAD\\KEY: \"2\"\n  GOOD: \"1\"\n  NO-EQUALS-LINE:8080: \"\"\nkind: ConfigMap\nmetadata:\n  name: g-9f9df8ct9d\n"
    );
}

#[test]
fn env_file_entry_with_empty_key_is_dropped() {
    let k = "configMapGenerator:\n  - name: g\n    envs:\n      - a.env\n";
    let out = build_ok(&[("kustomization.yaml", k), ("a.env", "=x\n")]);
    assert_eq!(
        out,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g-6ct58987ht\n"
    );
}

#[test]
fn generator_file_key_with_odd_characters_is_accepted() {
    let k = "configMapGenerator:\n  - name: g\n    files:\n      - a}b.yaml=v.yaml\n";
    let out = build_ok(&[("kustomization.yaml", k), ("v.yaml", "x: 1\n")]);
    assert_eq!(
        out,
        "apiVersion: v1\ndata:\n  a}b.yaml: |\n    x: 1\nkind: ConfigMap\nmetadata:\n  name: g-5bhc69gd79\n"
    );
}

#[test]
fn generator_keys_that_read_as_numbers_fail_when_printed_naming_the_kustomization() {
    // kubectl: "json: unsupported type: map[interface {}]interface {}".
    for key in [
        "2",
        "-1",
        "1.5",
        "true",
        "~",
        "0x1F",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
    ] {
        let k = format!(
            "configMapGenerator:\n  - name: g\n    envs:\n      - a.env\n    literals:\n      - \"{key}=two\"\n"
        );
        let e = build_err(&[("kustomization.yaml", &k), ("a.env", "A=1\n")]);
        assert!(e.contains("unsupported type"), "{key}: {e}");
        assert!(e.contains("/k/kustomization.yaml"), "{key}: {e}");
        assert!(e.contains("ConfigMap.v1.[noGrp]/g-"), "{key}: {e}");
    }
}

#[test]
fn generator_keys_that_only_look_typed_stay_strings() {
    let k = "configMapGenerator:\n  - name: g\n    literals:\n      - \"2024-02-31=v\"\n      - \"yes=y\"\n";
    let out = build_ok(&[("kustomization.yaml", k)]);
    assert_eq!(
        out,
        "apiVersion: v1\ndata:\n  2024-02-31: v\n  \"yes\": \"y\"\nkind: ConfigMap\nmetadata:\n  name: g-kfc2tm8t5g\n"
    );
}

#[test]
fn strategic_merge_patch_without_kind_or_name_is_refused_even_with_a_target() {
    // kubectl: "unable to parse SM or JSON patch from [patch: ...]" for each body.
    for body in [
        "      data:\n        z: x\n",
        "      kind: ConfigMap\n      data:\n        z: x\n",
        "      apiVersion: v1\n      kind: ConfigMap\n      data:\n        z: x\n",
        "      kind: ConfigMap\n      metadata:\n        name: \"\"\n      data:\n        z: x\n",
    ] {
        let k = format!(
            "resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |\n{body}"
        );
        let e = build_err(&[("kustomization.yaml", &k), ("cm.yaml", CM)]);
        assert!(e.contains("unable to parse SM or JSON patch"), "{e}");
        assert!(e.contains("/k/kustomization.yaml: patches[0].patch"), "{e}");
    }
    // With a kind and a name (no apiVersion) kubectl applies it.
    let k = "resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |\n      kind: ConfigMap\n      metadata:\n        name: c\n      data:\n        z: x\n";
    let out = build_ok(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert_eq!(
        out,
        "apiVersion: v1\ndata:\n  a: \"1\"\n  z: x\nkind: ConfigMap\nmetadata:\n  name: c\n"
    );
}

#[test]
fn patches_strategic_merge_missing_file_names_the_entry() {
    // kubectl fails too ("evalsymlink failure on ... nope.yaml").
    let k = "resources:\n  - cm.yaml\npatchesStrategicMerge:\n  - nope.yaml\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains(
            "/k/kustomization.yaml: patchesStrategicMerge[0]: cannot read patch file \"nope.yaml\""
        ),
        "{e}"
    );
}

#[test]
fn patches_strategic_merge_bad_inline_yaml_says_so() {
    // kubectl fails too (it then looks the text up as a file name).
    let k = "resources:\n  - cm.yaml\npatchesStrategicMerge:\n  - |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c\n    data:\n      b: \"x\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains("/k/kustomization.yaml: patchesStrategicMerge[0]: bad YAML in inline patch (line 6, column 6 of the patch text)"),
        "{e}"
    );
}

#[test]
fn bad_yaml_in_inline_patch_after_a_blank_line_still_gives_the_right_line() {
    // Line 11 of the kustomization is `b: "unterminated`; the patch text starts with an
    // empty line.
    let k = "resources:\n  - cm.yaml\npatches:\n  - patch: |\n\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: c\n      data:\n        b: \"unterminated\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains("/k/kustomization.yaml:11: patches[0].patch"),
        "{e}"
    );
    assert!(e.contains("line 7, column 6 of the patch text"), "{e}");
}

/// kubectl fails too ("no matches for Id ..."), without naming the kustomization.
#[test]
fn patch_matching_nothing_names_kustomization_and_entry() {
    let e = build_err(&[
        ("cm.yaml", CM),
        (
            "kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: nothere\n",
        ),
    ]);
    assert!(
        e.starts_with("/k/kustomization.yaml: patches[0].patch: "),
        "{e}"
    );
    assert!(
        e.contains("no matches for Id ConfigMap.v1.[noGrp]/nothere.[noNs]"),
        "{e}"
    );
}

#[test]
fn external_transformer_plugin_error_is_kubectls() {
    // `kubectl kustomize` (kubectl v1.32, kustomize v5.5.0) prints exactly this for a
    // non-builtin config in `transformers:`, with or without a KRM function annotation:
    // unlike generators, kustomize's transformer loading adds no prefix.
    let evil = "apiVersion: example.com/v1\nkind: Evil\nmetadata:\n  name: e\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: evil\n";
    let k = "resources:\n- cm.yaml\ntransformers:\n- evil.yaml\n";
    let e = build_err(&[
        ("kustomization.yaml", k),
        ("cm.yaml", CM),
        ("evil.yaml", evil),
    ]);
    assert_eq!(
        e,
        "external plugins disabled; unable to load external plugin 'Evil'"
    );
}

/// Builds `/k` from `files` and returns the error itself, for matching on its variant.
fn build_error(files: &[(&str, &str)]) -> krust_kustomize::Error {
    let fs = MemFs::from_files(files.iter().map(|(p, t)| (format!("k/{p}"), *t)));
    match Kustomizer::new(opts()).build(&fs, Path::new("/k")) {
        Err(e) => e,
        Ok(_) => panic!("expected an error"),
    }
}

/// A caller matches the variant under kustomize's context prefixes with `root_cause`; the
/// prefixes stay in the message (`contexts`).
#[test]
fn structured_errors_are_reachable_under_their_contexts() {
    use krust_kustomize::Error;
    let e = build_error(&[("kustomization.yaml", "resources:\n- ../k\n")]);
    assert!(
        matches!(e.root_cause(), Error::Cycle { candidate, visited } if candidate == "/k" && visited == "/k"),
        "{e:?}"
    );
    assert_eq!(e.contexts().next(), Some("accumulating resources"));

    let fs = MemFs::from_files([("k/kustomization.yaml", "resources: []\n")]);
    let e = Kustomizer::new(opts()).build(&fs, Path::new("/k/kustomization.yaml"));
    assert!(
        matches!(e.as_ref().map_err(Error::root_cause), Err(Error::NotADirectory { path }) if path == "/k/kustomization.yaml"),
        "{e:?}"
    );

    let e = build_error(&[("kustomization.yaml", "resources:\n- a..b/\n")]);
    assert!(
        matches!(e.root_cause(), Error::InvalidRoot { path, .. } if path == "a..b/"),
        "{e:?}"
    );

    let e = build_error(&[
        ("kustomization.yaml", "generators:\n- gen.yaml\n"),
        (
            "gen.yaml",
            "apiVersion: example.com/v1\nkind: MyGenerator\nmetadata:\n  name: g\n",
        ),
    ]);
    assert!(
        matches!(e.root_cause(), Error::PluginsDisabled { kind } if kind == "MyGenerator"),
        "{e:?}"
    );

    let e = build_error(&[
        ("kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("cm.yaml", "a: [\n"),
    ]);
    assert!(matches!(e.root_cause(), Error::Yaml(_)), "{e:?}");
}

#[test]
fn transformer_entries_are_configured_before_the_builtin_transformers_run() {
    // kubectl v1.32: a patch that matches nothing and a `transformers:` entry naming a
    // missing file fail on the transformers entry (kustomize's runTransformers configures
    // every transformer before applying any): "accumulation err='accumulating resources
    // from 'no-such-transformer.yaml': ...".
    let k = "resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: missing\n    data:\n      k: v\ntransformers:\n- no-such-transformer.yaml\n";
    let e = build_err(&[("kustomization.yaml", k), ("cm.yaml", CM)]);
    assert!(
        e.contains("accumulating resources from 'no-such-transformer.yaml'"),
        "{e}"
    );
    assert!(!e.contains("no matches for Id"), "{e}");
}

#[test]
fn generator_read_errors_come_after_the_generator_checks() {
    // kustomize checks a generator's name before it reads the generator's files: with no
    // name and a missing env file, the name is the error (kubectl v1.32:
    // "a configmap must have a name"). krust reads the file when it configures the
    // generator and reports the read error only when the generator runs.
    let k = "configMapGenerator:\n- envs:\n  - missing.env\n";
    let e = build_err(&[("kustomization.yaml", k)]);
    assert!(e.contains("a configmap must have a name"), "{e}");
}

#[test]
fn more_structured_errors_are_reachable() {
    use krust_kustomize::Error;
    let patch = "patches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: missing\n";
    let e = build_error(&[
        (
            "kustomization.yaml",
            &format!("resources:\n- cm.yaml\n{patch}"),
        ),
        ("cm.yaml", CM),
    ]);
    assert!(
        matches!(e.root_cause(), Error::PatchTarget { id, found: 0 } if id == "ConfigMap.v1.[noGrp]/missing.[noNs]"),
        "{e:?}"
    );
    let e = build_error(&[(
        "kustomization.yaml",
        "configMapGenerator:\n- literals:\n  - a\n  name: x\n",
    )]);
    assert!(
        matches!(e.root_cause(), Error::InvalidGenerator { name, .. } if name == "x"),
        "{e:?}"
    );
    let e = build_error(&[(
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    )]);
    assert!(
        matches!(e.root_cause(), Error::EmptyKustomization { .. }),
        "{e:?}"
    );
    let e = build_error(&[
        ("kustomization.yaml", "components:\n- c\n"),
        ("c/kustomization.yaml", "resources: []\n"),
    ]);
    assert!(
        matches!(
            e.root_cause(),
            Error::WrongKind {
                component_expected: true,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn configuration_conflicting_with_a_base_is_reported_as_kustomize_does() {
    // kubectl v1.32: a kustomization's configurations give `create: true` to a commonLabels
    // spec its base's give `create: false`: "merging config &{...}: failed to merge
    // CommonLabels fieldSpec: conflicting fieldspecs".
    use krust_kustomize::Error;
    let spec =
        |create| format!("commonLabels:\n- kind: Widget\n  path: spec/sel\n  create: {create}\n");
    let (top, base) = (spec(true), spec(false));
    let e = build_error(&[
        (
            "kustomization.yaml",
            "resources:\n- base\nconfigurations:\n- cfg.yaml\n",
        ),
        ("cfg.yaml", &top),
        (
            "base/kustomization.yaml",
            "resources:\n- w.yaml\nconfigurations:\n- cfg.yaml\n",
        ),
        ("base/cfg.yaml", &base),
        (
            "base/w.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        ),
    ]);
    let text = e.to_string();
    assert!(text.starts_with("merging config &{"), "{text}");
    assert!(
        text.ends_with("}: failed to merge CommonLabels fieldSpec: conflicting fieldspecs"),
        "{text}"
    );
    assert!(matches!(e.root_cause(), Error::FieldSpecs(_)), "{e:?}");
}
