//! Chart defaults for local charts: values.yaml, valuesFiles, Helm's coalescing.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use krust_helm::{
    compose_with_chart_files, local_chart, ChartFiles, ComposedValues, HelmRelease, LocalChart,
    Lookup, ObjectIndex, SourceDirs, ValuesError, ValuesSource,
};
use krust_yaml::{parse_stream, Typing, Value};

struct OneSource(PathBuf);

impl SourceDirs for OneSource {
    fn source_dir(&self, kind: &str, namespace: &str, name: &str) -> Option<PathBuf> {
        (kind == "GitRepository" && namespace == "flux-system" && name == "repo")
            .then(|| self.0.clone())
    }
}

/// Chart files on the disk (krust-helm itself reads none).
struct Disk;

impl ChartFiles for Disk {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn inside_root(&self, root: &Path, path: &Path) -> bool {
        match (root.canonicalize(), path.canonicalize()) {
            (Ok(r), Ok(p)) => p.starts_with(r),
            _ => true,
        }
    }
}

fn compose_with_chart(
    hr: &HelmRelease,
    lookup: &impl Lookup,
    chart: Option<&LocalChart>,
) -> Result<ComposedValues, ValuesError> {
    compose_with_chart_files(hr, lookup, chart, &Disk)
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn hr(chart_spec_extra: &str, values: &str) -> HelmRelease {
    let src = format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: repo\n        namespace: flux-system\n{chart_spec_extra}  values:\n{values}"
    );
    HelmRelease::from_value(&parse_stream(&src, "hr.yaml", Typing::Kyaml).unwrap()[0]).unwrap()
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "charts/web/values.yaml",
        "replicas: 1\nimage:\n  repository: web\n  tag: \"1.0\"\n  pullPolicy: IfNotPresent\nresources: {}\nnodeSelector: null\n",
    );
    write(
        dir.path(),
        "env/prod.yaml",
        "replicas: 3\nimage:\n  tag: \"2.0\"\n",
    );
    write(dir.path(), "env/extra.yaml", "extra: on\n");
    dir
}

fn get<'a>(v: &'a Value, p: &str) -> Option<&'a Value> {
    v.pointer(p)
}

#[test]
fn chart_values_yaml_is_coalesced_under_user_values() {
    let dir = repo();
    let hr = hr(
        "",
        "    image:\n      tag: \"1.1\"\n      pullPolicy: null\n    resources: null\n",
    );
    let chart = local_chart(&hr, &OneSource(dir.path().to_path_buf())).unwrap();
    let none: [Value; 0] = [];
    let c = compose_with_chart(&hr, &ObjectIndex::new(none.iter()), Some(&chart)).unwrap();
    assert!(
        matches!(&c.source, ValuesSource::LocalChart { values_files, .. } if values_files.is_empty())
    );
    // User values stay what helm-controller passes, nulls included.
    assert_eq!(get(&c.user, "/image/pullPolicy"), Some(&Value::null()));
    let v = c.effective();
    assert_eq!(get(v, "/replicas"), Some(&Value::from(1i64)));
    assert_eq!(get(v, "/image/tag").and_then(Value::as_str), Some("1.1"));
    assert_eq!(
        get(v, "/image/repository").and_then(Value::as_str),
        Some("web")
    );
    // A user null deletes the default; a default null is dropped.
    assert!(get(v, "/image/pullPolicy").is_none());
    assert!(get(v, "/resources").is_none());
    assert!(get(v, "/nodeSelector").is_none());
}

#[test]
fn values_files_replace_the_chart_values() {
    let dir = repo();
    let hr = hr(
        "      valuesFiles:\n      - env/prod.yaml\n      - ../../env/extra.yaml\n",
        "    {}\n",
    );
    let chart = local_chart(&hr, &OneSource(dir.path().to_path_buf())).unwrap();
    let none: [Value; 0] = [];
    let c = compose_with_chart(&hr, &ObjectIndex::new(none.iter()), Some(&chart)).unwrap();
    let v = c.effective();
    assert_eq!(get(v, "/replicas"), Some(&Value::from(3i64)));
    assert_eq!(get(v, "/image/tag").and_then(Value::as_str), Some("2.0"));
    // The chart's own values.yaml is not listed, so its other defaults are gone.
    assert!(get(v, "/image/repository").is_none());
    // `..` cannot leave the artifact root; YAML 1.1 reads `on` as true.
    assert_eq!(get(v, "/extra"), Some(&Value::from(true)));
}

#[test]
fn missing_values_files_fail_unless_ignored() {
    let dir = repo();
    let none: [Value; 0] = [];
    let hr1 = hr("      valuesFiles:\n      - env/missing.yaml\n", "    {}\n");
    let chart = local_chart(&hr1, &OneSource(dir.path().to_path_buf())).unwrap();
    let err = compose_with_chart(&hr1, &ObjectIndex::new(none.iter()), Some(&chart)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "HelmRelease apps/web: chart values: no values file found at path '/env/missing.yaml' (reference 'env/missing.yaml')"
    );
    let hr2 = hr(
        "      valuesFiles:\n      - env/missing.yaml\n      - env/prod.yaml\n      ignoreMissingValuesFiles: true\n",
        "    {}\n",
    );
    let c = compose_with_chart(&hr2, &ObjectIndex::new(none.iter()), Some(&chart)).unwrap();
    assert!(
        matches!(&c.source, ValuesSource::LocalChart { values_files, .. } if values_files == &["env/prod.yaml".to_string()])
    );
}

#[test]
fn remote_charts_have_no_local_chart() {
    let src = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: repo\n";
    let hr =
        HelmRelease::from_value(&parse_stream(src, "hr.yaml", Typing::Kyaml).unwrap()[0]).unwrap();
    assert!(local_chart(&hr, &OneSource(PathBuf::from("/nonexistent"))).is_none());
}
