//! `chart_render RELEASE CHART [--namespace NS] [-f FILE]... [--set K=V]... [--include-crds]
//! [--skip-tests] [--is-upgrade] [--kube-version V] [--api-versions V]...`: the core of
//! `krust template` without the rest of the CLI, for profiling krust-chart alone
//! (`valgrind --tool=callgrind target/release/examples/chart_render ...`).

use std::path::PathBuf;
use std::process::ExitCode;

use krust_chart::{template_path, Options, ValueSource};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut pos = Vec::new();
    let mut opts = Options::default();
    let mut values = Vec::new();
    let mut sets = Vec::new();
    let next = |args: &mut std::iter::Skip<std::env::Args>| args.next().unwrap_or_default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--namespace" | "-n" => opts.namespace = next(&mut args),
            "-f" | "--values" => {
                let name = next(&mut args);
                match std::fs::read(&name) {
                    Ok(data) => values.push(ValueSource::File { name, data }),
                    Err(e) => {
                        eprintln!("Error: open {name}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            "--set" => sets.push(ValueSource::Set(next(&mut args))),
            "--set-string" => sets.push(ValueSource::SetString(next(&mut args))),
            "--include-crds" => opts.include_crds = true,
            "--skip-tests" => opts.skip_tests = true,
            "--is-upgrade" => opts.is_upgrade = true,
            "--kube-version" => opts.kube_version = Some(next(&mut args)),
            "--api-versions" | "-a" => opts.api_versions.extend(
                next(&mut args)
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            "--skip-schema-validation" => opts.skip_schema_validation = true,
            "template" if pos.is_empty() => {}
            _ => pos.push(a),
        }
    }
    values.extend(sets);
    opts.values = values;
    let (Some(release), Some(chart)) = (pos.first(), pos.get(1)) else {
        eprintln!("usage: chart_render [template] RELEASE CHART [flags]");
        return ExitCode::from(2);
    };
    opts.release_name = release.clone();
    match template_path(&PathBuf::from(chart), &opts) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
