//! Rendering many builds at once: in parallel on a rayon pool of a chosen size, sharing one
//! [`Kustomizer`] (so a base included by many overlays is built once), each build's failure
//! kept to itself.
//!
//! ```
//! use std::path::Path;
//! use krust_kustomize::{Kustomizer, MemFs, Options};
//! use krust_testing::fleet::{FleetRenderer, Shard};
//!
//! let fs = MemFs::from_files([
//!     ("/repo/base/kustomization.yaml", "resources: [cm.yaml]\n"),
//!     ("/repo/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
//!     ("/repo/dev/kustomization.yaml", "resources: [../base]\nnamePrefix: dev-\n"),
//!     ("/repo/prod/kustomization.yaml", "resources: [../base]\nnamePrefix: prod-\n"),
//! ]);
//! let kustomizer = Kustomizer::new(Options::default());
//! let renderer = FleetRenderer::new(&kustomizer, &fs, Path::new("/repo"), 2)?;
//! let builds = renderer.scan()?; // /repo/dev and /repo/prod: nothing includes them
//! let mine = Shard { index: 1, count: 2 }.select(builds, |b| b.display().to_string());
//! let outputs = renderer.render(&mine, &|_| {});
//! assert_eq!(outputs[0].name, "dev");
//! assert!(outputs[0].result.as_ref().is_ok_and(|r| r.yaml.contains("name: dev-c")));
//! # Ok::<(), krust_testing::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use krust_kustomize::{FileSystem, Kustomizer};
use rayon::prelude::*;

use crate::discover::{relative, Graph};
use crate::Error;

/// Stack size of the worker threads, 16 MiB. Reading YAML is iterative, but merging,
/// printing and dropping a tree recurse once per nesting level, and deep overlay chains
/// recurse in the builder; a spawned thread's default (2 MiB) is smaller than the main
/// thread's (8 MiB on Linux). The deepest document the reader accepts
/// (`krust_yaml::Limits::DEFAULT.max_depth`, 1,000 levels), patched by a strategic merge
/// as deep, needs 7.4 MiB of stack in a debug build (tests/stack.rs `measure`); 16 MiB
/// leaves twice that.
pub const WORKER_STACK: usize = 16 << 20;

/// A deterministic part of a list of builds: `K/N` is the K-th of N parts (1-based).
///
/// The builds are sorted by their path relative to the fleet root and dealt round-robin:
/// build `i` (from 0) of the sorted list belongs to part `i % N + 1`. Every build is in
/// exactly one part, the parts differ in size by at most one, and the split depends only
/// on the set of paths (not on `-j`, the machine or the walk order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid shard {s:?}: expected K/N with 1 <= K <= N");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The builds of this part, sorted by `name` (the path relative to the root).
    pub fn select<T>(&self, mut builds: Vec<T>, name: impl Fn(&T) -> String) -> Vec<T> {
        builds.sort_by_cached_key(|b| name(b));
        builds
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count + 1 == self.index)
            .map(|(_, b)| b)
            .collect()
    }
}

/// What one build produced.
#[derive(Debug)]
pub struct Rendered {
    /// The output, as `kustomize build` prints it.
    pub yaml: String,
    /// How many objects it holds.
    pub objects: usize,
}

/// One build of a fleet render.
#[derive(Debug)]
pub struct BuildOutput {
    /// The build's directory (absolute).
    pub dir: PathBuf,
    /// The directory relative to the fleet root, `/`-separated.
    pub name: String,
    /// The output, or why there is none.
    pub result: Result<Rendered, Error>,
    /// Wall-clock time of this build, in seconds.
    pub seconds: f64,
}

/// Renders builds in parallel. Build once, render any number of times: the kustomizer's
/// sub-build cache is shared by every build of every call.
pub struct FleetRenderer<'a> {
    kustomizer: &'a Kustomizer,
    fs: &'a dyn FileSystem,
    root: PathBuf,
    pool: rayon::ThreadPool,
    /// The reference graph of the last scan, for building shared bases first.
    graph: std::sync::Mutex<Option<Graph>>,
}

impl std::fmt::Debug for FleetRenderer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetRenderer")
            .field("root", &self.root)
            .field("jobs", &self.pool.current_num_threads())
            .finish_non_exhaustive()
    }
}

/// The number of cores, the default number of workers.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

impl<'a> FleetRenderer<'a> {
    /// A renderer of builds under `root` (used to name them) on `fs`, with `jobs` worker
    /// threads (at least one; [`default_jobs`] for one per core) of [`WORKER_STACK`] bytes
    /// of stack each.
    pub fn new(
        kustomizer: &'a Kustomizer,
        fs: &'a dyn FileSystem,
        root: &Path,
        jobs: usize,
    ) -> Result<Self, Error> {
        let jobs = jobs.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .stack_size(WORKER_STACK)
            .build()
            .map_err(|e| Error::Pool {
                jobs,
                message: e.to_string(),
            })?;
        Ok(FleetRenderer {
            kustomizer,
            fs,
            root: root.to_path_buf(),
            pool,
            graph: std::sync::Mutex::new(None),
        })
    }

    /// The builds under the root (see [`Graph::roots`]), found on the renderer's workers.
    pub fn scan(&self) -> Result<Vec<PathBuf>, Error> {
        let graph = self.pool.install(|| Graph::scan(self.fs, &self.root))?;
        let roots = graph.roots();
        if let Ok(mut g) = self.graph.lock() {
            *g = Some(graph);
        }
        Ok(roots)
    }

    /// With more than one worker, builds the kustomizations the builds include before the
    /// builds, height by height (bases that include nothing first, then what includes only
    /// those, ...), each height in parallel, into the kustomizer's sub-build cache. Builds
    /// that share bases then neither wait for nor repeat each other's work, and a few large
    /// builds still keep every worker busy. Errors are left for the builds to report.
    fn prebuild(&self, builds: &[PathBuf]) {
        if self.pool.current_num_threads() < 2 {
            return;
        }
        let scanned = self.graph.lock().ok().and_then(|g| g.clone());
        let graph = scanned.unwrap_or_else(|| Graph::of_builds(self.fs, &self.root, builds));
        let tops: std::collections::BTreeSet<&PathBuf> = builds.iter().collect();
        for level in graph.levels(builds) {
            let dirs: Vec<&PathBuf> = level
                .iter()
                .filter(|d| !tops.contains(d))
                .filter(|d| graph.get(d).is_some_and(|k| !k.is_component))
                .collect();
            dirs.par_iter().with_max_len(1).for_each(|d| {
                let _ = self.kustomizer.prebuild(self.fs, d);
            });
        }
    }

    /// Renders every directory of `builds`, calling `on_done` as each one finishes (from the
    /// worker that built it). The outputs come back in the order of `builds`.
    pub fn render(
        &self,
        builds: &[PathBuf],
        on_done: &(dyn Fn(&BuildOutput) + Sync),
    ) -> Vec<BuildOutput> {
        self.pool.install(|| {
            self.prebuild(builds);
            builds
                .par_iter()
                // One build per task: builds differ in size by orders of magnitude, so
                // let idle workers steal single builds.
                .with_max_len(1)
                .map(|dir| {
                    let out = self.render_one(dir);
                    on_done(&out);
                    out
                })
                .collect()
        })
    }

    /// Renders one directory on the calling thread.
    pub fn render_one(&self, dir: &Path) -> BuildOutput {
        let start = Instant::now();
        let name = relative(&self.root, dir);
        let result = self
            .kustomizer
            .build(self.fs, dir)
            .map_err(|source| Error::Build {
                dir: name.clone(),
                source: Box::new(source),
            })
            .and_then(|resmap| {
                let yaml = resmap.to_yaml().map_err(|source| Error::Print {
                    dir: name.clone(),
                    source: Box::new(source),
                })?;
                Ok(Rendered {
                    yaml,
                    objects: resmap.len(),
                })
            });
        BuildOutput {
            dir: dir.to_path_buf(),
            name,
            result,
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_k_of_n() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_sorted_round_robin() {
        let builds: Vec<String> = ["d", "b", "a", "e", "c"].map(String::from).to_vec();
        let part = |k| Shard { index: k, count: 2 }.select(builds.clone(), |s| s.clone());
        assert_eq!(part(1), ["a", "c", "e"]);
        assert_eq!(part(2), ["b", "d"]);
    }
}
