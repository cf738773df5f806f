//! What every suite reports per case, and a guarded way to run cases.
//!
//! A suite turns its corpus into [`Job`]s and hands them to [`run_jobs`], which runs each
//! case on its own thread: a panic becomes a `panicked: ...` failure and a case that does not
//! finish within the time limit becomes a failure too, so one bad case can neither crash nor
//! stall the runner.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// The result of one conformance case.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    /// Failed, with a one-line reason.
    Fail(String),
    /// Not run, because the case's own data says it cannot be (e.g. its case.yaml has a
    /// `skip_reason`). Never used to hide a failure.
    Skip(String),
}

impl Outcome {
    /// A failure whose reason is cut to one line.
    pub fn fail(reason: impl AsRef<str>) -> Self {
        Outcome::Fail(one_line(reason.as_ref()))
    }

    /// `"pass"`, `"fail"` or `"skip"`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Skip(_) => "skip",
        }
    }

    /// The reason of a failure or skip; empty for a pass.
    pub fn reason(&self) -> &str {
        match self {
            Outcome::Pass => "",
            Outcome::Fail(r) | Outcome::Skip(r) => r,
        }
    }
}

/// One case of a suite.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Stable id: the case's path or name inside its corpus.
    pub id: String,
    /// Tags for the per-tag summary (e.g. kustomization fields used).
    pub tags: Vec<String>,
    pub outcome: Outcome,
}

/// Longest reason kept on the one line printed per failing case.
const MAX_REASON: usize = 400;

/// Joins the lines of `s` with ` | ` and cuts the result to a readable length.
pub fn one_line(s: &str) -> String {
    let joined = s
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    if joined.chars().count() <= MAX_REASON {
        return joined;
    }
    let mut cut: String = joined.chars().take(MAX_REASON).collect();
    cut.push_str(" ...");
    cut
}

/// The work of one case, run by [`run_jobs`].
pub struct Job {
    pub id: String,
    pub tags: Vec<String>,
    pub run: Box<dyn FnOnce() -> Outcome + Send + 'static>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("tags", &self.tags)
            .finish()
    }
}

impl Job {
    pub fn new(
        id: impl Into<String>,
        tags: Vec<String>,
        run: impl FnOnce() -> Outcome + Send + 'static,
    ) -> Self {
        Job {
            id: id.into(),
            tags,
            run: Box::new(run),
        }
    }
}

/// Time limits for [`run_jobs`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The longest one case may take.
    pub per_case: Duration,
    /// After this instant no further case is started; the rest fail as not run.
    pub deadline: Instant,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_case: Duration::from_secs(10),
            deadline: Instant::now() + Duration::from_secs(150),
        }
    }
}

/// Name prefix of case threads; the runner's panic hook stays quiet on them because the
/// panic is reported as the case's failure instead.
pub const CASE_THREAD_PREFIX: &str = "case:";

/// Stack size of a case thread.
const CASE_STACK: usize = 64 << 20;

/// Runs every job in parallel (one worker per core), each guarded against panics and hangs.
/// Results come back in the order of `jobs`.
pub fn run_jobs(jobs: Vec<Job>, limits: Limits) -> Vec<CaseResult> {
    let total = jobs.len();
    let queue: Mutex<VecDeque<(usize, Job)>> = Mutex::new(jobs.into_iter().enumerate().collect());
    let results: Mutex<Vec<Option<CaseResult>>> = Mutex::new(vec![None; total]);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(total.max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let next = lock(&queue).pop_front();
                let Some((index, job)) = next else { break };
                let result = run_one(job, limits);
                if let Some(slot) = lock(&results).get_mut(index) {
                    *slot = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs one job on a thread of its own and waits at most `limits.per_case` for it. A case
/// that times out is left running (detached); the runner exits when all suites are done.
fn run_one(job: Job, limits: Limits) -> CaseResult {
    let Job { id, tags, run } = job;
    if Instant::now() >= limits.deadline {
        let outcome =
            Outcome::fail("not run: the suite's time budget was used up by earlier cases");
        return CaseResult { id, tags, outcome };
    }
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("{CASE_THREAD_PREFIX}{id}"))
        // Generous stack: deep inputs recurse, and an overflow would abort the whole runner.
        .stack_size(CASE_STACK)
        .spawn(move || {
            let outcome = match catch_unwind(AssertUnwindSafe(run)) {
                Ok(outcome) => outcome,
                Err(payload) => {
                    Outcome::fail(format!("panicked: {}", panic_message(payload.as_ref())))
                }
            };
            let _ = tx.send(outcome);
        });
    let outcome = match spawned {
        Err(e) => Outcome::fail(format!("could not start a thread for the case: {e}")),
        Ok(_handle) => match rx.recv_timeout(limits.per_case) {
            Ok(outcome) => outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => Outcome::fail(format!(
                "timed out after {} s",
                limits.per_case.as_secs_f64()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Outcome::fail("case thread ended without a result")
            }
        },
    };
    CaseResult { id, tags, outcome }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(ms: u64) -> Limits {
        Limits {
            per_case: Duration::from_millis(ms),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    #[test]
    fn panics_become_failures_and_order_is_kept() {
        let jobs = vec![
            Job::new("a", vec![], || Outcome::Pass),
            Job::new("b", vec!["t".into()], || panic!("boom")),
            Job::new("c", vec![], || Outcome::Skip("why".into())),
        ];
        let results = run_jobs(jobs, limits(5000));
        let ids: Vec<_> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(results[0].outcome, Outcome::Pass);
        assert_eq!(results[1].outcome, Outcome::Fail("panicked: boom".into()));
        assert_eq!(results[2].outcome, Outcome::Skip("why".into()));
    }

    #[test]
    fn a_hanging_case_times_out() {
        let jobs = vec![Job::new("slow", vec![], || {
            std::thread::sleep(Duration::from_secs(3));
            Outcome::Pass
        })];
        let results = run_jobs(jobs, limits(50));
        assert!(matches!(&results[0].outcome, Outcome::Fail(r) if r.starts_with("timed out")));
    }

    #[test]
    fn cases_after_the_deadline_are_failed_not_run() {
        let l = Limits {
            per_case: Duration::from_secs(1),
            deadline: Instant::now(),
        };
        let results = run_jobs(vec![Job::new("x", vec![], || Outcome::Pass)], l);
        assert!(matches!(&results[0].outcome, Outcome::Fail(r) if r.starts_with("not run")));
    }

    #[test]
    fn reasons_are_one_line() {
        assert_eq!(one_line("a\n\nb  \nc"), "a | b | c");
        let long = "x".repeat(1000);
        assert!(one_line(&long).ends_with(" ..."));
        assert_eq!(Outcome::fail("l1\nl2"), Outcome::Fail("l1 | l2".into()));
    }
}
