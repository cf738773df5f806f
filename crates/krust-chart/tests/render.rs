//! Renders of krust's own test charts (`testdata/charts`) compared with what Helm v4.1.4
//! printed for them (see `testdata/charts/README.md`).

use std::path::PathBuf;

use krust_chart::{load, template, ChartError, Options, ValueSource};

fn charts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/charts")
}

fn expected(case: &str) -> String {
    std::fs::read_to_string(charts().join("expected").join(format!("{case}.yaml")))
        .expect("expected output")
}

fn opts(release: &str, namespace: &str) -> Options {
    Options {
        release_name: release.into(),
        namespace: namespace.into(),
        ..Options::default()
    }
}

#[test]
fn directory_and_archive_render_alike() {
    let o = opts("web", "shop");
    let dir = load(&charts().join("kitchen")).expect("load dir");
    assert_eq!(
        template(&dir, &o).expect("render"),
        expected("kitchen-default")
    );
    let tgz = load(&charts().join("kitchen-1.2.3.tgz")).expect("load tgz");
    assert_eq!(
        template(&tgz, &o).expect("render"),
        expected("kitchen-default")
    );
}

#[test]
fn helmignore_and_library_templates() {
    let c = load(&charts().join("kitchen")).expect("load");
    assert!(c.files.iter().all(|f| !f.name.ends_with(".bak")));
    assert!(c.files.iter().all(|f| !f.name.starts_with("ci/")));
    assert!(c.files.iter().any(|f| f.name == "crds/widget.yaml"));
    let names: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
    assert_eq!(names, ["lib", "sub"]);
}

#[test]
fn flags_values_and_crds() {
    let c = load(&charts().join("kitchen")).expect("load");
    let values = std::fs::read(charts().join("kitchen-values.yaml")).expect("values");
    let o = Options {
        include_crds: true,
        skip_tests: true,
        is_upgrade: true,
        kube_version: Some("1.29.3".into()),
        api_versions: vec!["monitoring.coreos.com/v1".into()],
        values: vec![
            ValueSource::File {
                name: "kitchen-values.yaml".into(),
                data: values,
            },
            ValueSource::Set("other.enabled=true,replicas=null".into()),
            ValueSource::SetString("ratio=7".into()),
        ],
        ..opts("kitchen", "prod")
    };
    assert_eq!(template(&c, &o).expect("render"), expected("kitchen-flags"));
}

#[test]
fn legacy_chart_with_packaged_subchart() {
    let c = load(&charts().join("legacy")).expect("load");
    assert_eq!(
        template(&c, &opts("r", "default")).expect("render"),
        expected("legacy")
    );
}

#[test]
fn notes_are_rendered_and_can_fail() {
    let c = load(&charts().join("kitchen")).expect("load");
    let o = Options {
        values: vec![ValueSource::Set("name=fail".into())],
        ..opts("web", "default")
    };
    let err = template(&c, &o).expect_err("NOTES.txt fails");
    assert!(matches!(err, ChartError::Exec(_)));
    assert_eq!(
        err.to_string(),
        "execution error at (kitchen/templates/NOTES.txt:1:3): name must not be the magic word"
    );
}

#[test]
fn kube_version_gate() {
    let c = load(&charts().join("kitchen")).expect("load");
    let o = Options {
        kube_version: Some("1.19.0".into()),
        ..opts("web", "default")
    };
    let err = template(&c, &o).expect_err("too old");
    assert_eq!(
        err.to_string(),
        "chart requires kubeVersion: >=1.20.0-0 which is incompatible with Kubernetes v1.19.0"
    );
}

#[test]
fn conditions_tags_aliases_imports_and_globals() {
    let c = load(&charts().join("globals")).expect("load");
    assert_eq!(
        template(&c, &opts("r", "default")).expect("render"),
        expected("globals")
    );
    let o = Options {
        values: vec![
            ValueSource::Set("global.aOn=true,a.enabled=null".into()),
            ValueSource::Set("bee.on=false".into()),
            ValueSource::Set("tags.back=true".into()),
        ],
        ..opts("r", "default")
    };
    assert_eq!(template(&c, &o).expect("render"), expected("globals-set"));
}

#[test]
fn load_and_template_limits_are_configurable() {
    use krust_chart::{load_with_limits, template_path, LoadLimits};
    let tgz = charts().join("kitchen-1.2.3.tgz");
    assert!(load_with_limits(&tgz, &LoadLimits::default()).is_ok());
    // krust's own entry-count limit (Helm has none).
    let few = LoadLimits {
        max_archive_entries: 2,
        ..LoadLimits::default()
    };
    let err = load_with_limits(&tgz, &few)
        .expect_err("entry limit")
        .to_string();
    assert!(
        err.contains("more than the maximum number of entries 2"),
        "{err}"
    );
    // Helm's MaxDecompressedFileSize check, lowered.
    let small = LoadLimits {
        max_file_size: 8,
        ..LoadLimits::default()
    };
    let err = load_with_limits(&tgz, &small)
        .expect_err("file limit")
        .to_string();
    assert!(
        err.contains("is larger than the maximum file size 8"),
        "{err}"
    );
    let err = load_with_limits(&charts().join("kitchen"), &small)
        .expect_err("directory file limit")
        .to_string();
    assert!(
        err.contains("is larger than the maximum file size 8"),
        "{err}"
    );
    // Template steps, through the render options.
    let mut o = opts("web", "shop");
    o.limits.template.max_steps = 10;
    assert!(template_path(&tgz, &o).is_err());
    o.limits = Default::default();
    assert_eq!(
        template_path(&tgz, &o).expect("render"),
        expected("kitchen-default")
    );
}
