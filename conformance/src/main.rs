//! krust-conformance: runs the corpora in ../shared against krust and reports honestly.
//!
//! ```text
//! cargo run --release -p krust-conformance -- [--shared DIR] [--check-baseline]
//!     [--write-baseline] [--report FILE] [-v] [SUITE...]
//! ```
//!
//! Every suite runs on a thread of its own with a time limit, and every case inside it on a
//! thread of its own (see [`case::run_jobs`]); a panic or a hang is reported as a failure and
//! never stops the runner. The last line printed for each suite is
//! `SUITE: N passed, N failed, N skipped`.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

mod baseline;
mod case;
mod engine;
mod errcheck;
mod report;
mod suites;

use baseline::Baseline;
use report::SuiteReport;

#[derive(Debug, Parser)]
#[command(
    name = "krust-conformance",
    about = "Run the conformance corpora of ../shared against krust"
)]
struct Args {
    /// The shared directory holding `conformance/` and `fixtures/` (default: `../shared`
    /// beside the repository).
    #[arg(long, value_name = "DIR")]
    shared: Option<PathBuf>,
    /// Exit non-zero when a suite passes fewer cases than `conformance/baseline.toml` says,
    /// or when a suite listed there cannot run.
    #[arg(long)]
    check_baseline: bool,
    /// Raise the baseline to the current pass counts (never lowers a number).
    #[arg(long)]
    write_baseline: bool,
    /// The baseline file (default: `conformance/baseline.toml` in the repository).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Where to write the JSON report (default: `target/conformance-report.json`).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Also print passing and skipped cases.
    #[arg(short, long)]
    verbose: bool,
    /// Longest time one suite may run, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 180)]
    suite_timeout: u64,
    /// Longest time the whole run may take, in seconds; suites still waiting then fail.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    total_timeout: u64,
    /// Suites to run (default: all). Known: canonical, krusty, merge2, helm-values.
    #[arg(value_name = "SUITE")]
    suites: Vec<String>,
}

/// The repository root: the parent of this package's directory at compile time if it still
/// exists, else the current directory.
fn repo_root() -> PathBuf {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf);
    match compiled {
        Some(root) if root.join("Cargo.toml").is_file() => root,
        _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    }
}

fn default_shared(root: &Path) -> PathBuf {
    let beside_root = root.join("../shared");
    if beside_root.is_dir() {
        return beside_root;
    }
    let beside_cwd = PathBuf::from("../shared");
    if beside_cwd.is_dir() {
        return beside_cwd;
    }
    beside_root
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(args) {
        Ok(code) => {
            // Leave no detached, timed-out case thread keeping the process alive.
            use std::io::Write as _;
            let _ = std::io::stdout().flush();
            std::process::exit(i32::from(code));
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<u8> {
    install_quiet_panic_hook();
    let root = repo_root();
    let shared = args.shared.clone().unwrap_or_else(|| default_shared(&root));
    anyhow::ensure!(
        shared.is_dir(),
        "shared directory {} does not exist (pass --shared DIR)",
        shared.display()
    );
    let selected = select_suites(&args.suites)?;

    let start = Instant::now();
    let total_deadline = start + Duration::from_secs(args.total_timeout);
    let mut reports = Vec::new();
    for (name, run_fn) in selected {
        let report = run_suite(
            name,
            run_fn,
            &shared,
            Duration::from_secs(args.suite_timeout),
            total_deadline,
        );
        print!("{}", report.render(args.verbose));
        reports.push(report);
    }

    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| root.join("target/conformance-report.json"));
    write_report(&report_path, &reports)?;
    println!(
        "report: {} ({:.1} s)",
        report_path.display(),
        start.elapsed().as_secs_f64()
    );

    let baseline_path = args
        .baseline
        .clone()
        .unwrap_or_else(|| root.join("conformance/baseline.toml"));
    let mut code = 0;
    if args.check_baseline {
        let baseline = read_baseline(&baseline_path)?;
        let problems = check_baseline(&baseline, &reports);
        for p in &problems {
            println!("BASELINE {p}");
        }
        if problems.is_empty() {
            println!("baseline: ok ({})", baseline_path.display());
        } else {
            code = 1;
        }
    }
    if args.write_baseline {
        let mut baseline = if baseline_path.exists() {
            read_baseline(&baseline_path)?
        } else {
            Baseline::default()
        };
        let passed: Vec<(String, u64)> = reports
            .iter()
            .filter(|r| r.error.is_none())
            .map(|r| (r.name.clone(), r.counts().passed))
            .collect();
        let changed = baseline.raise(&passed);
        for (name, old, new) in &changed {
            match old {
                Some(old) => println!("baseline: {name} {old} -> {new}"),
                None => println!("baseline: {name} = {new} (new)"),
            }
        }
        std::fs::write(&baseline_path, baseline.render())
            .with_context(|| format!("writing {}", baseline_path.display()))?;
    }
    Ok(code)
}

fn select_suites(names: &[String]) -> anyhow::Result<Vec<(&'static str, suites::RunFn)>> {
    if names.is_empty() {
        return Ok(suites::SUITES.to_vec());
    }
    names
        .iter()
        .map(|n| {
            let wanted = n.replace('_', "-");
            suites::SUITES
                .iter()
                .copied()
                .find(|(name, _)| *name == wanted)
                .with_context(|| {
                    let known: Vec<_> = suites::SUITES.iter().map(|(n, _)| *n).collect();
                    format!("unknown suite {n:?} (known: {})", known.join(", "))
                })
        })
        .collect()
}

/// Runs one suite on its own thread, waiting at most `timeout` (and never past `deadline`).
fn run_suite(
    name: &'static str,
    run_fn: suites::RunFn,
    shared: &Path,
    timeout: Duration,
    deadline: Instant,
) -> SuiteReport {
    let start = Instant::now();
    let wait = timeout.min(deadline.saturating_duration_since(start));
    let (tx, rx) = mpsc::channel();
    let shared = shared.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name(format!("suite:{name}"))
        .spawn(move || {
            let result = std::panic::catch_unwind(|| run_fn(&shared));
            let _ = tx.send(result);
        });
    let (cases, error) = match spawned {
        Err(e) => (
            Vec::new(),
            Some(format!("could not start the suite's thread: {e}")),
        ),
        Ok(_) => match rx.recv_timeout(wait) {
            Ok(Ok(Ok(cases))) => (cases, None),
            Ok(Ok(Err(e))) => (Vec::new(), Some(format!("{e:#}"))),
            Ok(Err(payload)) => (
                Vec::new(),
                Some(format!(
                    "panicked: {}",
                    case::panic_message(payload.as_ref())
                )),
            ),
            Err(_) => (
                Vec::new(),
                Some(format!("timed out after {:.0} s", wait.as_secs_f64())),
            ),
        },
    };
    SuiteReport {
        name: name.to_string(),
        error,
        cases,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Panics on case and suite threads are reported as results; keep them off stderr.
fn install_quiet_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let name = std::thread::current()
            .name()
            .map(str::to_string)
            .unwrap_or_default();
        if name.starts_with(case::CASE_THREAD_PREFIX) || name.starts_with("suite:") {
            return;
        }
        default(info);
    }));
}

fn write_report(path: &Path, reports: &[SuiteReport]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&report::report_json(reports))?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
}

fn read_baseline(path: &Path) -> anyhow::Result<Baseline> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Baseline::parse(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Why the run falls short of the baseline, one line each; empty when it does not.
/// Suites that were not run (not selected) are not checked.
fn check_baseline(baseline: &Baseline, reports: &[SuiteReport]) -> Vec<String> {
    let mut problems = Vec::new();
    for r in reports {
        let Some(&min) = baseline.suites.get(&r.name) else {
            continue;
        };
        if let Some(e) = &r.error {
            problems.push(format!(
                "{}: the suite errored out ({}); baseline is {min}",
                r.name,
                case::one_line(e)
            ));
            continue;
        }
        let passed = r.counts().passed;
        if passed < min {
            problems.push(format!(
                "{}: {passed} passed, below the baseline of {min}",
                r.name
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseResult, Outcome};

    fn report(name: &str, passed: usize, error: Option<&str>) -> SuiteReport {
        let cases = (0..passed)
            .map(|i| CaseResult {
                id: i.to_string(),
                tags: vec![],
                outcome: Outcome::Pass,
            })
            .collect();
        SuiteReport {
            name: name.into(),
            error: error.map(str::to_string),
            cases,
            seconds: 0.0,
        }
    }

    #[test]
    fn baseline_check_catches_drops_and_errors() {
        let b = Baseline::parse("[suites]\na = 2\nb = 1\nc = 5\n").expect("parses");
        let reports = [
            report("a", 3, None),
            report("b", 0, Some("corpus missing")),
            report("d", 0, None),
        ];
        let problems = check_baseline(&b, &reports);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("b: the suite errored out"));
        let problems = check_baseline(&b, &[report("a", 1, None)]);
        assert_eq!(problems, ["a: 1 passed, below the baseline of 2"]);
    }

    #[test]
    fn a_panicking_suite_is_an_error_not_a_crash() {
        fn boom(_: &Path) -> anyhow::Result<Vec<CaseResult>> {
            panic!("suite exploded")
        }
        let r = run_suite(
            "boom",
            boom,
            Path::new("."),
            Duration::from_secs(5),
            Instant::now() + Duration::from_secs(5),
        );
        assert_eq!(r.error.as_deref(), Some("panicked: suite exploded"));
    }

    #[test]
    fn suite_names_accept_underscores() {
        let s = select_suites(&["helm_values".into(), "krusty".into()]).expect("known");
        let names: Vec<_> = s.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["helm-values", "krusty"]);
        assert!(select_suites(&["nope".into()]).is_err());
    }
}
