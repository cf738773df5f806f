//! Criterion bench over the charts of the shared helm-template corpus
//! (`../shared/conformance/helm-template`, read in place; skipped when absent).
//!
//! - `load/<chart>`: loading the chart directory (files, `.helmignore`, Chart.yaml,
//!   values.yaml, subcharts).
//! - `render/<chart>`: `template_with_values` of the chart's `<chart>-default` case on the
//!   loaded chart (values coalescing, schema, parsing and executing every template, output
//!   assembly).
//! - `corpus/all-cases`: every case end to end (`template_path`, as `krust template` runs
//!   it, without the process), the in-process counterpart of `benches/template-compare.sh`.
//!
//! `cargo bench -p krust-chart --bench corpus [-- FILTER]`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use krust_chart::{Options, ValueSource};
use krust_yaml::{Typing, Value};

fn corpus() -> Option<PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/helm-template");
    root.join("cases").is_dir().then_some(root)
}

/// One case: the chart folder and the options its `case.yaml` gives.
struct Case {
    name: String,
    chart: PathBuf,
    opts: Options,
}

fn strings(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The case, or why it cannot be read (the bench then leaves it out, saying so).
fn read_case(root: &Path, dir: &Path) -> Result<Case, String> {
    let src = std::fs::read_to_string(dir.join("case.yaml")).map_err(|e| e.to_string())?;
    let case =
        krust_yaml::parse_document(&src, "case.yaml", Typing::Kyaml).map_err(|e| e.to_string())?;
    let chart = case.str_at(&["chart"]).ok_or("no chart")?;
    let mut opts = Options {
        release_name: case.str_at(&["release"]).ok_or("no release")?.to_string(),
        namespace: case.str_at(&["namespace"]).unwrap_or("default").to_string(),
        ..Options::default()
    };
    let args = strings(&case, "args");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or("flag without value");
        match a.as_str() {
            "--skip-tests" => opts.skip_tests = true,
            "--include-crds" => opts.include_crds = true,
            "--is-upgrade" => opts.is_upgrade = true,
            "--no-hooks" => opts.no_hooks = true,
            "--skip-schema-validation" => opts.skip_schema_validation = true,
            "--kube-version" => opts.kube_version = Some(value()?.to_string()),
            "--api-versions" | "-a" => opts
                .api_versions
                .extend(value()?.split(',').map(str::to_string)),
            "--show-only" | "-s" => opts.show_only.push(value()?.to_string()),
            "--set-string" => opts
                .values
                .push(ValueSource::SetString(value()?.to_string())),
            "--set-json" => opts.values.push(ValueSource::SetJson(value()?.to_string())),
            other => return Err(format!("unsupported helm argument {other}")),
        }
    }
    for f in strings(&case, "values") {
        let data = std::fs::read(root.join(&f)).map_err(|e| format!("reading {f}: {e}"))?;
        opts.values.push(ValueSource::File { name: f, data });
    }
    for s in strings(&case, "set") {
        opts.values.push(ValueSource::Set(s));
    }
    Ok(Case {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        chart: root.join("charts").join(chart),
        opts,
    })
}

fn cases(root: &Path) -> Vec<Case> {
    let Ok(rd) = std::fs::read_dir(root.join("cases")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.iter()
        .filter_map(|d| match read_case(root, d) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("corpus bench: {} left out: {e}", d.display());
                None
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let Some(root) = corpus() else {
        eprintln!(
            "corpus bench skipped: no helm-template corpus at {}/../../../shared/conformance/helm-template",
            env!("CARGO_MANIFEST_DIR")
        );
        return;
    };
    let all = cases(&root);

    let mut load = c.benchmark_group("load");
    for case in all.iter().filter(|c| c.name.ends_with("-default")) {
        let chart = case.name.trim_end_matches("-default");
        load.bench_function(chart, |b| b.iter(|| krust_chart::load(&case.chart)));
    }
    load.finish();

    let mut render = c.benchmark_group("render");
    for case in all.iter().filter(|c| c.name.ends_with("-default")) {
        let chart = case.name.trim_end_matches("-default");
        let (Ok(loaded), Ok(user)) = (
            krust_chart::load(&case.chart),
            krust_chart::merge_user_values(&case.opts.values),
        ) else {
            eprintln!("corpus bench: {} does not load, left out", case.name);
            continue;
        };
        render.bench_function(chart, |b| {
            b.iter(|| krust_chart::template_with_values(&loaded, &user, &case.opts))
        });
    }
    render.finish();

    let mut corpus = c.benchmark_group("corpus");
    corpus.sample_size(10);
    corpus.measurement_time(Duration::from_secs(10));
    corpus.bench_function("all-cases", |b| {
        b.iter(|| {
            // Error cases count too: helm fails them after the same work.
            all.iter()
                .map(|case| krust_chart::template_path(&case.chart, &case.opts).is_ok())
                .filter(|ok| *ok)
                .count()
        })
    });
    corpus.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
