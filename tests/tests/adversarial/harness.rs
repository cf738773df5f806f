//! The adversarial cases' file format and the measurements every case is held to.
//!
//! A case is one text file in txtar form: `-- NAME --` lines start a section. Sections
//! whose name starts with `@` are directives, the others are files written under a fresh
//! temporary directory (`$ROOT`). Lines before the first section are the case's comment.
//!
//! | section | meaning |
//! |---|---|
//! | `@build` | the directory to build, relative to `$ROOT` (default `app`) |
//! | `@flags` | `load-restrictor=none`, `reorder=none|legacy`, `enable-helm`, `max-file-bytes=N`, `max-total-bytes=N`, `max-resources=N`, `max-nodes=N` (one per line) |
//! | `@symlink PATH` | a symbolic link at PATH whose target is the section's text |
//! | `@output` | the exact bytes the build prints (from the oracle the comment names) |
//! | `@error` | the exact error, `$ROOT` standing for the temporary directory |
//! | `@error-contains` | each line must appear in the error (kubectl hangs or words it otherwise) |
//! | `@summary-contains` | Flux cases: each line must appear in the render's summary |
//! | `@kubectl` | what kubectl printed, kept for the reader (not compared) |
//!
//! `$ROOT` in a file's text or a link's target is replaced by the temporary directory
//! when the case is written (for absolute paths).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Time budget per case. The 2 s of the contract hold for an optimised build (`cargo test
/// --release`); the dev profile (what `cargo test` builds) is 20-30 times slower on the
/// large generated inputs, so it gets a ceiling that still catches a hang.
pub const TIME_LIMIT: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(120)
} else {
    Duration::from_secs(2)
};

/// Peak resident memory allowed while a case runs (the whole test process).
pub const MEMORY_LIMIT_KB: u64 = 1 << 20;

/// Cases run one at a time so that the peak-memory reading belongs to one case.
static SERIAL: Mutex<()> = Mutex::new(());

/// One parsed case file.
#[derive(Debug, Default)]
pub struct Case {
    pub build: String,
    pub flags: Vec<String>,
    pub files: Vec<(String, String)>,
    pub symlinks: Vec<(String, String)>,
    pub expect: Expect,
}

/// What a case must produce.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum Expect {
    #[default]
    Missing,
    Output(String),
    Error(String),
    ErrorContains(Vec<String>),
    /// Flux cases: lines of the render summary (see `adversarial.rs`), or of the error.
    SummaryContains(Vec<String>),
}

/// Splits txtar text into `(name, body)` sections; the comment before the first header is
/// dropped.
pub fn sections(src: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in src.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        if let Some(name) = bare.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
            out.push((name.trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    out
}

impl Case {
    /// Reads a case file.
    pub fn parse(name: &str, src: &str) -> Result<Case, String> {
        let mut case = Case {
            build: "app".to_string(),
            ..Case::default()
        };
        for (section, body) in sections(src) {
            let set = |case: &mut Case, e: Expect| {
                if case.expect != Expect::Missing {
                    return Err(format!("{name}: more than one expectation"));
                }
                case.expect = e;
                Ok(())
            };
            match section.as_str() {
                "@build" => case.build = body.trim().to_string(),
                "@flags" => case.flags = body.lines().map(|l| l.trim().to_string()).collect(),
                "@output" => set(&mut case, Expect::Output(body))?,
                "@error" => set(&mut case, Expect::Error(body.trim_end().to_string()))?,
                "@error-contains" => set(&mut case, Expect::ErrorContains(lines(&body)))?,
                "@summary-contains" => set(&mut case, Expect::SummaryContains(lines(&body)))?,
                "@kubectl" | "@upstream" => {}
                s if s.starts_with("@symlink ") => case.symlinks.push((
                    s["@symlink ".len()..].trim().to_string(),
                    body.trim().to_string(),
                )),
                s if s.starts_with('@') => return Err(format!("{name}: unknown section {s}")),
                _ => case.files.push((section, body)),
            }
        }
        if case.expect == Expect::Missing {
            return Err(format!("{name}: no @output, @error or @error-contains"));
        }
        Ok(case)
    }

    /// Writes the case's files and links under `root`.
    pub fn materialise(&self, root: &Path) -> Result<(), String> {
        let rooted = |s: &str| s.replace("$ROOT", &root.display().to_string());
        for (path, body) in &self.files {
            write(&root.join(path), rooted(body).as_bytes())?;
        }
        for (path, target) in &self.symlinks {
            link(&rooted(target), &root.join(path))?;
        }
        Ok(())
    }
}

/// The non-empty lines of a section.
fn lines(body: &str) -> Vec<String> {
    body.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Writes `bytes` to `path`, creating its directories.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(unix)]
fn link(target: &str, at: &Path) -> Result<(), String> {
    if let Some(dir) = at.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::os::unix::fs::symlink(target, at).map_err(|e| format!("{}: {e}", at.display()))
}

#[cfg(not(unix))]
fn link(_target: &str, at: &Path) -> Result<(), String> {
    Err(format!("{}: symbolic links need a Unix host", at.display()))
}

/// A fresh temporary directory, canonical so that error texts (which carry resolved
/// paths) can be compared.
pub fn temp_root() -> (tempfile::TempDir, PathBuf) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temporary directory: {e}"),
    };
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|_| dir.path().to_path_buf());
    (dir, root)
}

/// Compares what a build produced with what the case expects.
pub fn check(expect: &Expect, got: &Result<String, String>, root: &Path) -> Result<(), String> {
    let root = root.display().to_string();
    let unroot = |s: &str| s.replace(&root, "$ROOT");
    match (expect, got) {
        (Expect::Output(want), Ok(out)) if want == out => Ok(()),
        (Expect::Output(want), Ok(out)) => Err(first_difference(want, out)),
        (Expect::Output(_), Err(e)) => Err(format!("want output, got error: {}", unroot(e))),
        (Expect::Error(want), Err(e)) if *want == unroot(e) => Ok(()),
        (Expect::Error(want), Err(e)) => Err(format!(
            "error differs\n--- want\n{want}\n--- got\n{}",
            unroot(e)
        )),
        (Expect::SummaryContains(parts), Ok(text) | Err(text)) => {
            let text = unroot(text);
            match parts.iter().find(|p| !text.contains(p.as_str())) {
                None => Ok(()),
                Some(p) => Err(format!("summary lacks {p:?}\n--- got\n{text}")),
            }
        }
        (Expect::ErrorContains(parts), Err(e)) => {
            let e = unroot(e);
            match parts.iter().find(|p| !e.contains(p.as_str())) {
                None => Ok(()),
                Some(p) => Err(format!("error lacks {p:?}\n--- got\n{e}")),
            }
        }
        (Expect::Error(_) | Expect::ErrorContains(_), Ok(out)) => {
            Err(format!("want an error, got output:\n{out}"))
        }
        (Expect::Missing, _) => Err("no expectation".into()),
    }
}

/// Where two texts part, with a few lines of each (outputs can be megabytes).
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let n = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let show = |v: &[&str]| {
        v.iter()
            .skip(n)
            .take(5)
            .map(|l| l.chars().take(200).collect::<String>() + "\n")
            .collect::<String>()
    };
    format!(
        "output differs at line {} ({} lines wanted, {} got)\n--- want\n{}--- got\n{}",
        n + 1,
        w.len(),
        g.len(),
        show(&w),
        show(&g)
    )
}

/// Runs `f` alone, and fails when it is slower than [`TIME_LIMIT`] or the process's peak
/// memory while it ran passes [`MEMORY_LIMIT_KB`].
pub fn measured<T>(name: &str, f: impl FnOnce() -> T) -> Result<(T, Duration), String> {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    reset_peak_memory();
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    if took > TIME_LIMIT {
        return Err(format!("{name}: took {took:?}, limit {TIME_LIMIT:?}"));
    }
    if let Some(kb) = peak_memory_kb() {
        if kb > MEMORY_LIMIT_KB {
            return Err(format!("{name}: peak memory {} MiB, limit 1 GiB", kb >> 10));
        }
    }
    Ok((out, took))
}

/// Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The case files of one area (`testdata/adversarial/AREA/*.txtar`), sorted.
pub fn case_files(area: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/adversarial")
        .join(area);
    let mut v: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txtar"))
            .collect(),
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    v.sort();
    v
}

/// Prints a pass/fail table and fails the test when any case failed.
pub fn report(area: &str, results: &[(String, Result<Duration, String>)]) {
    let mut failed = Vec::new();
    for (name, r) in results {
        match r {
            Ok(d) => eprintln!("ok    {area}/{name} ({} ms)", d.as_millis()),
            Err(e) => {
                eprintln!("FAIL  {area}/{name}: {e}");
                failed.push(name.as_str());
            }
        }
    }
    eprintln!(
        "{area}: {} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{area}: failed cases: {failed:?}");
}
